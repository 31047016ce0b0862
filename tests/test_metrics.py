import numpy as np
import pytest

from helpers.lipost.evaluation import metrics


def test_retrieval_ranks_and_mrr_by_hand():
    docs = np.eye(3)
    queries = np.array([[1.0, 0.1, 0.0],  # doc 0 first
                        [0.9, 0.5, 0.0],  # relevant doc 1 ranks second
                        [0.1, 0.2, 1.0]])  # doc 2 first
    ranks = metrics.retrieval_ranks(queries, docs, [{0}, {1}, {2}])
    assert ranks.tolist() == [1, 2, 1]
    assert metrics.mrr_at_k(ranks, 10) == pytest.approx((1 + 0.5 + 1) / 3)
    assert metrics.recall_at_k(ranks, 1) == pytest.approx(2 / 3)
    assert metrics.mrr_at_k(ranks, 1) == pytest.approx(2 / 3)  # rank 2 counts 0 beyond k=1


def test_retrieval_excludes_self_and_takes_best_relevant():
    docs = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    ranks = metrics.retrieval_ranks(docs[:1], docs, [{1, 2}], exclude=[{0}])
    assert ranks.tolist() == [1]


def test_triplet_accuracy_and_auc():
    pos = np.array([0.9, 0.8, 0.2])
    neg = np.array([0.1, 0.85, 0.1])
    assert metrics.triplet_accuracy(pos, neg) == pytest.approx(2 / 3)
    # AUC over pooled scores: pairs (pos > neg) counted over all 9 combinations
    assert metrics.pair_auc(pos, neg) == pytest.approx(7 / 9)


def test_label_accuracy():
    labels = np.array([[1.0, 0.0], [0.0, 1.0]])
    texts = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    assert metrics.label_accuracy(texts, labels, np.array([0, 1, 1])) == pytest.approx(2 / 3)
