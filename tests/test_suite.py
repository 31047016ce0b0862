"""The evaluation suite end to end on the small dataset, with cheap encoders."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from helpers.lipost.evaluation import evaluate
from helpers.lipost.evaluation.tfidf import TfidfEncoder

METRICS = {"triplet_accuracy", "pair_auc", "recall@1", "recall@10", "mrr@10", "label_accuracy", "probe_accuracy"}


class HashEncoder:
    """Random but fixed vector per text: a model that knows nothing."""

    name = "random"

    def encode(self, texts, role):
        return np.stack([np.random.default_rng(int(hashlib.md5(t.encode()).hexdigest()[:8], 16)).normal(size=16)
                         for t in texts]).astype(np.float32)


def test_rows_are_tidy_with_fixed_metric_names(small_data):
    rows = pd.DataFrame(evaluate(HashEncoder(), small_data.data_dir, probe=True, probe_max_train=50))
    assert set(rows["metric"]) == METRICS
    assert {"all", "en", "es", "fr", "en-fr", "fr-en", "en-es", "es-en"} <= set(rows["lang"])
    assert rows["value"].between(0, 1).all() and (rows["n"] > 0).all()
    main = rows[(rows["lang"] == "all") & (rows["metric"] == "mrr@10")].set_index("task")["value"]
    assert main.max() < 0.5  # a model that knows nothing ranks near chance


def test_lexical_baseline_beats_chance_and_max_rows_samples(small_data):
    texts = []
    for table in small_data.tables.values():
        for rows in table.rows.values():
            texts += [r["anchor"] for r in rows] + [r["positive"] for r in rows]
    tfidf = pd.DataFrame(evaluate(TfidfEncoder(texts), small_data.data_dir, tasks=["description"], probe=False))
    chance = pd.DataFrame(evaluate(HashEncoder(), small_data.data_dir, tasks=["description"], probe=False))

    def pooled(rows):
        return rows[(rows["lang"] == "all") & (rows["metric"] == "mrr@10")]["value"].item()

    assert pooled(tfidf) > pooled(chance) + 0.2
    sampled = pd.DataFrame(evaluate(HashEncoder(), small_data.data_dir, tasks=["description", "storyline"],
                                    probe=False, max_rows=20))
    assert sampled[sampled["metric"] == "mrr@10"].groupby("task")["n"].max().max() <= 20


class CountingModel:
    """A stand-in SentenceTransformer: hashed 8-d vectors, counting every text it encodes."""

    prompts = {"query": "query: ", "passage": "passage: "}

    def __init__(self) -> None:
        self.encoded = 0

    def get_embedding_dimension(self) -> int:
        return 8

    def encode(self, texts, **_):
        self.encoded += len(texts)
        rng = [np.random.default_rng(int(hashlib.md5(t.encode()).hexdigest()[:8], 16)).normal(size=8) for t in texts]
        vecs = np.array(rng, dtype=np.float32)
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def test_scoring_several_sizes_encodes_each_text_once(small_data):
    from helpers.lipost.training.scoring import score_trained

    once, twice = CountingModel(), CountingModel()
    one = score_trained(once, [8], small_data.data_dir, None, 64, probe=False, probe_max_train=10, seed=0,
                        max_rows=20)
    both = pd.DataFrame(score_trained(twice, [8, 4], small_data.data_dir, None, 64, probe=False,
                                      probe_max_train=10, seed=0, max_rows=20))
    assert twice.encoded == once.encoded > 0
    assert set(both["model"]) == {"finetuned-8", "finetuned-4"}
    assert len(both) == 2 * len(one)
    with pytest.raises(ValueError, match="size"):
        score_trained(once, [16], small_data.data_dir, None, 64, probe=False, probe_max_train=10, seed=0)


def test_sampled_retrieval_keeps_distractors_beyond_the_sample(small_data):
    """A sampled ranking of a corpus-less task also holds other rows' positives."""
    seen: list[str] = []

    class Recording(HashEncoder):
        def encode(self, texts, role):
            seen.extend(texts)
            return super().encode(texts, role)

    evaluate(Recording(), small_data.data_dir, tasks=["description"], probe=False, max_rows=10)
    from helpers.lipost.data.store import load_task

    test = load_task(small_data.data_dir, "description")["test"]
    positives = set(test["positive"])
    assert len(positives & set(seen)) > 10  # the 10 sampled positives and distractors


def test_per_unit_scores_average_to_the_metric_rows_and_pair_across_models(small_data, tmp_path):
    from helpers.lipost.evaluation.units import Side, paired, read_units, record_units, scores

    units: list[dict] = []
    rows = pd.DataFrame(evaluate(HashEncoder(), small_data.data_dir, probe=False, units=units))
    frame = pd.DataFrame(units)
    assert set(frame["metric"]) == {"rr@10", "label_correct", "triplet_correct"} and "all" not in set(frame["lang"])
    for (task, lang, metric), group in frame.groupby(["task", "lang", "metric"]):
        name = {"rr@10": "mrr@10", "label_correct": "label_accuracy", "triplet_correct": "triplet_accuracy"}[metric]
        row = rows[(rows["task"] == task) & (rows["lang"] == lang) & (rows["metric"] == name)].iloc[0]
        assert group["value"].mean() == pytest.approx(row["value"]) and len(group) == row["n"]
    record_units(tmp_path, "02_baselines", units, run="baseline", seed=1)
    stored = read_units(tmp_path / "results" / "units" / "02_baselines.parquet")
    pooled = scores(stored, "baseline", "random", "search", "rr@10")
    assert pooled.shape[0] == 1 and pooled.mean() == pytest.approx(
        rows[(rows["task"] == "search") & (rows["lang"] == "all") & (rows["metric"] == "mrr@10")]["value"].item())
    same = paired(stored, Side("baseline", "random"), Side("baseline", "random"), "search", "rr@10")
    assert same.estimate == 0 and same.outcome() is None  # a model against itself: no difference
