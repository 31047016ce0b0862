"""Descriptive tables of the built tasks (lengths in tokens, label counts).

Explained in the book: {ref}`lipost-data-what-it-looks-like`.
"""

from __future__ import annotations

import random

import pandas as pd

from helpers.lipost.data.tasks import TaskTable

FIELDS = {  # field shown -> (task, column)
    "title (search query)": ("search", "anchor"),
    "masked summary": ("search", "positive"),
    "description": ("description", "anchor"),
    "summary": ("description", "positive"),
    "BBC body": ("bbc_headline", "positive"),
}


def token_lengths(tables: dict[str, TaskTable], tokenizer, split: str = "train", sample: int = 1500,
                  seed: int = 0) -> pd.DataFrame:
    """Token counts (base model tokenizer, specials included) of a sample of each field."""
    rng = random.Random(seed)
    rows = []
    for field, (task, column) in FIELDS.items():
        if task not in tables:
            continue
        data = tables[task].rows[split] or tables[task].rows["test"]
        picked = rng.sample(data, min(sample, len(data)))
        counts = tokenizer([r[column] for r in picked], add_special_tokens=True)["input_ids"]
        rows += [{"field": field, "lang": r["lang"], "tokens": len(ids)} for r, ids in zip(picked, counts, strict=True)]
    return pd.DataFrame(rows)


def label_counts(tables: dict[str, TaskTable], task: str, split: str = "train") -> pd.DataFrame:
    """Examples per (label, language) of a label task."""
    frame = pd.DataFrame(tables[task].rows[split])
    return frame.groupby(["label", "lang"]).size().rename("count").reset_index().sort_values(
        ["count"], ascending=False)
