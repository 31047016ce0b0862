"""Build the multi-task dataset: one Hugging Face ``DatasetDict`` per task.

Every task is a table of (``anchor``, ``positive``) pairs with ``lang``, ``label`` and
``article`` columns; how a task is scored follows from its *kind* (see
:data:`TASK_KINDS`). In-domain tasks come from Wikipedia vital-article summaries;
``bbc_*`` tasks come from BBC News and are never trained on (out-of-domain zero-shot).

Explained in the book: {ref}`lipost-data-tasks`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from helpers.lipost.data.masking import mask_title
from helpers.lipost.data.sources import BBCArticle, WikiArticle
from helpers.lipost.data.splits import SPLITS, assign_splits, components, stable_unit
from helpers.lipost.data.topics import label_names, topic_class

# kind: "retrieval" (anchor = query, positive = document), "label" (anchor = text,
# positive = its label name), "group" (anchor and positive share a group label).
TASK_KINDS = {
    "topic": "label",
    "search": "retrieval",
    "description": "retrieval",
    "crosslingual": "retrieval",
    "storyline": "group",
    "bbc_category": "label",
    "bbc_headline": "retrieval",
}
# The e5 prompt each column gets: short texts are queries, summaries are passages.
TASK_PROMPTS = {
    "topic": {"anchor": "passage", "positive": "query"},
    "search": {"anchor": "query", "positive": "passage"},
    "description": {"anchor": "query", "positive": "passage"},
    "crosslingual": {"anchor": "query", "positive": "passage"},
    "storyline": {"anchor": "passage", "positive": "passage"},
    "bbc_category": {"anchor": "passage", "positive": "query"},
    "bbc_headline": {"anchor": "query", "positive": "passage"},
}
IN_DOMAIN = ("topic", "search", "description", "crosslingual", "storyline")
OUT_OF_DOMAIN = ("bbc_category", "bbc_headline")
BBC_LABELS = {"business": "Business", "entertainment": "Entertainment", "politics": "Politics",
              "sports": "Sport", "tech": "Technology"}


@dataclass
class TaskTable:
    """Rows per split, plus an optional retrieval ``corpus`` per split (extra documents)."""

    name: str
    rows: dict[str, list[dict]] = field(default_factory=lambda: {s: [] for s in SPLITS})
    corpus: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, split: str, anchor: str, positive: str, lang: str, label: str, article: str) -> None:
        self.rows[split].append({"anchor": anchor, "positive": positive, "lang": lang,
                                 "label": label, "article": article})


def storyline_label(article: WikiArticle) -> str:
    return f"{article.lang}:{article.description.lower()}" if article.description else ""


def split_articles(articles: list[WikiArticle], seed: int, test_fraction: float,
                   val_fraction: float) -> tuple[dict[str, str], dict[str, str]]:
    """Split per title key; components join translations and storyline groups.

    Returns the split of every key and every key's component (its smallest key).
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for art in articles:
        if label := storyline_label(art):
            groups[label].append(art.key)
    comp = components((a.key for a in articles), (g for g in groups.values() if len(g) > 1))
    return assign_splits(comp, seed, test_fraction, val_fraction), comp


def cap_articles(articles: list[WikiArticle], split_of: dict[str, str], component_of: dict[str, str],
                 seed: int, caps: dict[str, int]) -> list[WikiArticle]:
    """Keep at most ``caps[split]`` articles per (split, language); 0 keeps all.

    Articles are ranked by a seeded hash of their *component*, the same in every
    language, so a cap keeps translations and storyline groups together.
    """
    by_bucket: dict[tuple[str, str], list[WikiArticle]] = defaultdict(list)
    for art in articles:
        by_bucket[(split_of[art.key], art.lang)].append(art)
    kept = []
    for (split, _lang), bucket in sorted(by_bucket.items()):
        bucket.sort(key=lambda a: (stable_unit(seed, "cap:" + component_of[a.key]), a.key))
        kept.extend(bucket[: caps.get(split) or None])
    return kept


def build_wiki_tasks(articles: list[WikiArticle], split_of: dict[str, str]) -> dict[str, TaskTable]:
    """The in-domain tasks: topic, search, description, crosslingual, storyline."""
    tasks = {name: TaskTable(name) for name in IN_DOMAIN}
    by_key_lang = {(a.key, a.lang): a for a in articles}
    for art in articles:
        split = split_of[art.key]
        cls = topic_class(art.lang, art.topic)
        if cls is not None:
            tasks["topic"].add(split, art.extract, label_names(art.lang)[cls], art.lang, cls, art.key)
        tasks["search"].add(split, art.title, mask_title(art.extract, art.title), art.lang, "", art.key)
        if art.description:
            tasks["description"].add(split, art.description, art.extract, art.lang, "", art.key)
        if art.lang != "en" and art.description and (en := by_key_lang.get((art.key, "en"))):
            if en.description:
                tasks["crosslingual"].add(split, en.description, art.extract, f"en-{art.lang}", "", art.key)
                tasks["crosslingual"].add(split, art.description, en.extract, f"{art.lang}-en", "", art.key)
    _add_storyline(tasks["storyline"], articles, split_of)
    # cross-lingual and storyline retrieve against every summary of the target language
    for name in ("crosslingual", "storyline"):
        for split in SPLITS:
            tasks[name].corpus[split] = [
                {"text": a.extract, "lang": a.lang, "label": storyline_label(a), "article": a.key}
                for a in articles if split_of[a.key] == split
            ]
    return tasks


def _add_storyline(table: TaskTable, articles: list[WikiArticle], split_of: dict[str, str]) -> None:
    """Pairs of summaries that share a short description ("Country in West Africa")."""
    groups: dict[tuple[str, str], list[WikiArticle]] = defaultdict(list)
    for art in articles:
        if label := storyline_label(art):
            groups[(split_of[art.key], label)].append(art)
    for (split, label), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        for i, art in enumerate(members):
            partner = members[(i + 1) % len(members)]
            if len(members) == 2 and i == 1:
                break  # one pair per 2-member group
            table.add(split, art.extract, partner.extract, art.lang, label, art.key)


def build_bbc_tasks(articles: list[BBCArticle], seed: int, test_size: int,
                    train_size: int) -> dict[str, TaskTable]:
    """Out-of-domain BBC tasks. ``train`` rows exist only to fit evaluation probes."""
    ranked = sorted(articles, key=lambda a: stable_unit(seed, "bbc:" + a.doc_id))
    splits = {"test": ranked[:test_size], "train": ranked[test_size : test_size + train_size]}
    tasks = {name: TaskTable(name) for name in OUT_OF_DOMAIN}
    for split, chosen in splits.items():
        for art in chosen:
            tasks["bbc_category"].add(split, art.body, BBC_LABELS[art.category], "en", art.category, art.doc_id)
            # the lead paragraph restates the headline; without it the task has headroom
            rest = art.body[len(art.lead):].strip() or art.body
            tasks["bbc_headline"].add(split, art.headline, rest, "en", "", art.doc_id)
    return tasks


def to_dataset_dicts(tasks: dict[str, TaskTable]):
    """Convert task tables to ``datasets.DatasetDict`` objects (``corpus_<split>`` extra splits).

    Empty splits are left out (BBC tasks have no validation split).
    """
    from datasets import Dataset, DatasetDict

    out = {}
    for name, table in tasks.items():
        parts = {split: Dataset.from_list(rows) for split, rows in table.rows.items() if rows}
        for split, rows in table.corpus.items():
            if rows:
                parts[f"corpus_{split}"] = Dataset.from_list(rows)
        out[name] = DatasetDict(parts)
    return out


def task_sizes(tasks: dict[str, TaskTable]) -> list[dict]:
    """Tidy (task, split, lang, pairs) rows for the chapter's size table."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for name, table in tasks.items():
        for split, rows in table.rows.items():
            for row in rows:
                counts[(name, split, row["lang"])] += 1
    return [{"task": t, "split": s, "lang": lang, "pairs": n} for (t, s, lang), n in sorted(counts.items())]


def task_manifest(name: str) -> dict:
    """How a task is used: its kind, e5 prompts, and whether it is in-domain/trainable."""
    return {
        "kind": TASK_KINDS.get(name, "retrieval"),
        "prompts": TASK_PROMPTS.get(name, {"anchor": "query", "positive": "passage"}),
        "in_domain": not name.startswith("bbc_"),
        "trainable": not name.startswith("bbc_"),
        "source": "builtin" if name in TASK_KINDS else "extra",
    }
