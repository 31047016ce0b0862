"""A lexical baseline: TF-IDF vectors as "embeddings" (chapter 2's floor).

Fitted on the texts it is asked to encode plus the task's training texts it is given, with
word unigrams and bigrams and sublinear term frequency. Cosine between TF-IDF vectors is
the classic lexical-overlap score, so anything a neural model adds shows against it.

Explained in the book: {ref}`lipost-baselines`.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class TfidfEncoder:
    """An :class:`~helpers.lipost.evaluation.encoders.Encoder` backed by scikit-learn's TF-IDF.

    Args:
        fit_texts: corpus the vocabulary and IDF weights are learned from.
        name: the ``model`` name in results.
        max_features: vocabulary size cap.
    """

    def __init__(self, fit_texts: list[str], name: str = "tfidf", max_features: int = 30_000) -> None:
        self.name = name
        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                          max_features=max_features, strip_accents="unicode")
        self.vectorizer.fit(fit_texts)

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        """Dense, L2-normalised TF-IDF rows (``role`` is ignored)."""
        return self.vectorizer.transform(texts).toarray().astype(np.float32)
