"""One shared set of topic classes over the three languages' own topic lists.

Each Wikipedia edition files its vital articles under its own topic list (12 English,
8 Spanish, 11 French names). The Interest-like ``topic`` task needs one class set, so
every native topic name is mapped to a shared class. The label text a model sees stays
the native name (an English article is paired with "Geography", a French one with
"Géographie"), so the task stays multilingual. English "Uncategorized" is not a topic
(it holds the articles the list's editors left unfiled) and is left out of the topic task;
those articles still serve every other task.

Explained in the book: {ref}`lipost-data-topic-task`.
"""

from __future__ import annotations

UNCATEGORIZED = "Uncategorized"

TOPIC_CLASSES: dict[str, dict[str, str]] = {
    # shared class: {language: native topic name}
    "people": {"en": "People", "es": "Personas", "fr": "Personnalités"},
    "geography": {"en": "Geography", "es": "Geografía", "fr": "Géographie"},
    "history": {"en": "History", "es": "Historia", "fr": "Histoire"},
    "arts": {"en": "Arts", "es": "Artes", "fr": "Arts et culture"},
    "technology": {"en": "Technology", "es": "Tecnología", "fr": "Technologie"},
    "philosophy_religion": {"en": "Philosophy and religion", "es": "Filosofía y religión",
                            "fr": "Philosophie et religion"},
    "mathematics": {"en": "Mathematics", "es": "Matemáticas", "fr": "Mathématiques"},
    "everyday_life": {"en": "Everyday life", "es": "Antropología, sicología y vida cotidiana",
                      "fr": "Vie quotidienne"},
    "society": {"en": "Society and social sciences", "fr": "Société et sciences sociales"},
    "physical_sciences": {"en": "Physical sciences", "fr": "Science"},
    "biology_health": {"en": "Biology and health sciences", "fr": "Santé et médecine"},
}

NATIVE_TO_CLASS: dict[tuple[str, str], str] = {
    (lang, native): cls for cls, names in TOPIC_CLASSES.items() for lang, native in names.items()
}


def topic_class(lang: str, native: str) -> str | None:
    """The shared class of a native topic name; ``None`` for "Uncategorized".

    Raises ``KeyError`` for a name the mapping does not cover, so a changed corpus
    cannot silently drop a topic.
    """
    if native == UNCATEGORIZED:
        return None
    return NATIVE_TO_CLASS[(lang, native)]


def label_names(lang: str) -> dict[str, str]:
    """Shared class -> native label text, for the classes that exist in ``lang``."""
    return {cls: names[lang] for cls, names in TOPIC_CLASSES.items() if lang in names}
