"""Mask an article's title and its mentions out of its summary (the ``search`` task).

A Wikipedia summary starts with its own title, so "title -> summary" retrieval is
string matching and every model scores ~1.0 on it. Masking each content word of the
title (whole words, any case) turns the task into "find the text that is about X",
which is what a search query asks.

Explained in the book: {ref}`lipost-data-giving-tasks-headroom`.
"""

from __future__ import annotations

import re

MASK = "___"
# Short function words that appear in titles but say nothing about the article.
STOPWORDS = frozenset(
    "the and for with from into of in on at to by a an "
    "los las del por para con una uno el la de en y "
    "les des du une pour par avec sur dans et le la de".split()
)


def title_terms(title: str) -> list[str]:
    """Content words of a title (and of its parenthetical), longest first."""
    words = re.findall(r"\w+", title)
    terms = {w for w in words if len(w) >= 3 and w.lower() not in STOPWORDS} or set(words)
    return sorted(terms, key=lambda w: (-len(w), w))


def mask_title(text: str, title: str, mask: str = MASK) -> str:
    """Replace every whole-word, case-insensitive mention of a title term by ``mask``."""
    terms = title_terms(title)
    if not terms:
        return text
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b", re.IGNORECASE)
    masked = pattern.sub(mask, text)
    # "___ ___" -> "___": one mask per masked span
    return re.sub(rf"{re.escape(mask)}(?:\s+{re.escape(mask)})+", mask, masked)
