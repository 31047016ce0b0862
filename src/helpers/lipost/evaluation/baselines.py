"""The baselines of chapter 2, each as an encoder the evaluation suite accepts.

``multilingual-e5-small`` (the un-tuned base model), ``all-MiniLM-L6-v2`` (small,
English), ``all-mpnet-base-v2`` (general-purpose, our stand-in for OpenAI's embeddings)
and ``tfidf`` (lexical overlap).

Explained in the book: {ref}`lipost-baselines`.
"""

from __future__ import annotations

from pathlib import Path

from helpers.lipost.data.store import load_manifest, load_task
from helpers.lipost.evaluation.encoders import load_encoder
from helpers.lipost.evaluation.tfidf import TfidfEncoder

BASELINES = ("multilingual-e5-small", "all-MiniLM-L6-v2", "all-mpnet-base-v2", "tfidf")


def corpus_texts(data_dir: Path) -> list[str]:
    """Every anchor, positive and corpus text of every task and split (for TF-IDF's IDF)."""
    texts: list[str] = []
    for task in load_manifest(data_dir):
        for name, split in load_task(data_dir, task).items():
            cols = ["text"] if name.startswith("corpus_") else ["anchor", "positive"]
            for col in cols:
                texts.extend(split[col])
    return sorted(set(texts))


def make_baseline(name: str, data_dir: Path, max_seq_length: int):
    """An encoder for a baseline name (``tfidf`` or any model :func:`load_encoder` accepts)."""
    if name == "tfidf":
        return TfidfEncoder(corpus_texts(data_dir))
    return load_encoder(name, max_seq_length=max_seq_length)
