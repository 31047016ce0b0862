"""Metric functions on embeddings, each checkable by hand on tiny examples.

All similarity is cosine; inputs are L2-normalised here, so a dot product is a cosine.

* :func:`retrieval_ranks` / :func:`mrr_at_k` / :func:`recall_at_k` - ranked retrieval
  over a document pool with one or more relevant documents per query;
* :func:`triplet_accuracy` / :func:`pair_auc` - the LiPost paper's offline metric:
  how often anchor->positive is closer than anchor->random negative (and its ROC-AUC);
* :func:`label_accuracy` - zero-shot classification by the nearest label-name embedding.

Explained in the book: {ref}`lipost-baselines-how-we-measure`.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


def normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def retrieval_ranks(queries: np.ndarray, docs: np.ndarray, relevant: list[set[int]],
                    exclude: list[set[int]] | None = None) -> np.ndarray:
    """1-based rank of the best-ranked relevant document for each query.

    ``exclude[i]`` lists document indices that query ``i`` must not retrieve (itself,
    in the storyline task). Ties are broken pessimistically (a tie counts as ranked above).
    """
    sims = normalise(queries) @ normalise(docs).T
    ranks = np.empty(len(relevant), dtype=np.int64)
    for i, rel in enumerate(relevant):
        row = sims[i].copy()
        if exclude and exclude[i]:
            row[list(exclude[i])] = -np.inf
        best = max(row[list(rel)])
        others = np.ones(len(row), dtype=bool)
        others[list(rel)] = False
        ranks[i] = 1 + int(np.sum(row[others] >= best))
    return ranks


def reciprocal_ranks(ranks: np.ndarray, k: int = 10) -> np.ndarray:
    """Each query's reciprocal rank, 0 for a first relevant hit below rank ``k``."""
    ranks = np.asarray(ranks)
    return np.where(ranks <= k, 1.0 / np.maximum(ranks, 1), 0.0)


def mrr_at_k(ranks: np.ndarray, k: int = 10) -> float:
    """Mean reciprocal rank, counting 0 for a first relevant hit below rank ``k``."""
    return float(np.mean(reciprocal_ranks(ranks, k))) if len(ranks) else float("nan")


def recall_at_k(ranks: np.ndarray, k: int) -> float:
    """Share of queries with a relevant document in the top ``k``."""
    ranks = np.asarray(ranks)
    return float(np.mean(ranks <= k)) if len(ranks) else float("nan")


def pair_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two equally long matrices."""
    return np.sum(normalise(a) * normalise(b), axis=1)


def triplet_accuracy(pos_cos: np.ndarray, neg_cos: np.ndarray) -> float:
    """Share of triplets whose positive is strictly closer than their negative."""
    return float(np.mean(np.asarray(pos_cos) > np.asarray(neg_cos)))


def pair_auc(pos_cos: np.ndarray, neg_cos: np.ndarray) -> float:
    """ROC-AUC of separating positive-pair from negative-pair cosines."""
    y = np.r_[np.ones(len(pos_cos)), np.zeros(len(neg_cos))]
    return float(roc_auc_score(y, np.r_[pos_cos, neg_cos]))


def label_correct(texts: np.ndarray, label_vectors: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per item, 1.0 when the highest-cosine label is ``gold`` (indices into ``label_vectors``), else 0.0."""
    pred = np.argmax(normalise(texts) @ normalise(label_vectors).T, axis=1)
    return (pred == np.asarray(gold)).astype(float)


def label_accuracy(texts: np.ndarray, label_vectors: np.ndarray, gold: np.ndarray) -> float:
    """Accuracy of picking ``gold`` (indices into ``label_vectors``) by highest cosine."""
    return float(np.mean(label_correct(texts, label_vectors, gold)))
