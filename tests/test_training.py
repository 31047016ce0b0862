"""Training: losses by hand, bad settings refused early, a tiny run that learns, export/reload, resume."""

import math
import shutil

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.config import ParamError
from helpers.lipost.training.config import make_config
from helpers.lipost.training.losses import label_aware_infonce


def _hand_infonce(a, p, labels, scale):
    a = a / a.norm(dim=1, keepdim=True)
    p = p / p.norm(dim=1, keepdim=True)
    total = 0.0
    for i in range(len(a)):
        keep = [j for j in range(len(a)) if j == i or labels[j] != labels[i]]
        logits = [scale * float(a[i] @ p[j]) for j in keep]
        total += -(scale * float(a[i] @ p[i])) + math.log(sum(math.exp(v) for v in logits))
    return total / len(a)


def test_mnrl_on_toy_batch_equals_hand_computation():
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    torch.manual_seed(0)
    a, p = torch.randn(4, 6), torch.randn(4, 6)
    mnrl = MultipleNegativesRankingLoss(model=None, scale=20.0)
    got = float(mnrl.compute_loss_from_embeddings([a, p], labels=None))
    assert got == pytest.approx(_hand_infonce(a, p, [0, 1, 2, 3], 20.0), rel=1e-5)


def test_label_aware_loss_ignores_same_label_items():
    torch.manual_seed(1)
    a, p = torch.randn(5, 8), torch.randn(5, 8)
    labels = torch.tensor([0, 0, 1, 1, 2])
    got = float(label_aware_infonce(a, p, labels, 20.0))
    assert got == pytest.approx(_hand_infonce(a, p, labels.tolist(), 20.0), rel=1e-5)
    # distinct labels: plain InfoNCE
    distinct = float(label_aware_infonce(a, p, torch.arange(5), 20.0))
    assert distinct == pytest.approx(_hand_infonce(a, p, list(range(5)), 20.0), rel=1e-5)
    # moving a same-label positive never changes the loss
    p2 = p.clone()
    p2[1] = torch.randn(8) * 10
    assert float(label_aware_infonce(a[:1], p2[:1], labels[:1], 20.0)) == pytest.approx(
        float(label_aware_infonce(a[:1], p[:1], labels[:1], 20.0)))
    row0 = label_aware_infonce(a[:2], p2[:2], labels[:2], 20.0)
    assert float(row0) == pytest.approx(float(label_aware_infonce(a[:2], p[:2], labels[:2], 20.0)))


@pytest.mark.parametrize("change,match", [
    ({"dims": [0]}, "'dims'"),
    ({"dims": [50, 384]}, "largest first"),
    ({"sampler": "random"}, "'sampler'"),
    ({"steps": 0}, "'steps'"),
    ({"learning_rate": 1e-4}, "unknown training setting"),
    ({"freeze_layers": 4, "frozen_cache_layers": 6}, "only frozen layers"),
    ({"projection_dim": 50}, "trains that size only"),
    ({"train_languages": "en"}, "'train_languages'"),
    ({"dropout": 1.5}, "'dropout'"),
    ({"dropout": -0.5}, "'dropout'"),
])
def test_bad_settings_are_refused(change, match):
    with pytest.raises(ParamError, match=match):
        make_config(change)


def test_dropout_setting_reaches_every_dropout_layer():
    from helpers.lipost.models import load_model
    from helpers.lipost.training.trainer import set_dropout

    model = load_model("all-MiniLM-L6-v2")
    assert set_dropout(model, 0.0) > 6  # embeddings, and attention and hidden states in each of 6 layers
    model.train()
    features = model.tokenize(["a sentence about museums", "une phrase"])
    with torch.no_grad():
        first, second = (model(dict(features))["sentence_embedding"] for _ in range(2))
    torch.testing.assert_close(first, second)  # no dropout: training-mode forwards agree
    model.eval()


TINY = dict(base_model="all-MiniLM-L6-v2", steps=6, batch_size=8, max_seq_length=32, save_steps=3,
            freeze_layers=4, dims=[384, 32], lr=5e-4, tasks=["description", "topic"], sampler="round_robin")


def test_bad_input_refused_before_training(small_data, tmp_path):
    from helpers.lipost.training.trainer import train_multitask

    for change, match in [({"tasks": ["nope"]}, "unknown task 'nope'"),
                          ({"tasks": ["bbc_headline"]}, "out-of-domain"),
                          ({"batch_size": 4000}, "larger than task"),
                          ({"base_model": "no/such-model"}, "allow_download")]:
        with pytest.raises((ParamError, ValueError), match=match):
            train_multitask(make_config({**TINY, **change}), small_data.data_dir, tmp_path / "t")
        assert not (tmp_path / "t" / "checkpoints").exists()


@pytest.fixture(scope="module")
def trained(small_data, tmp_path_factory):
    from helpers.lipost.training.trainer import train_multitask

    out = tmp_path_factory.mktemp("train")
    return train_multitask(make_config(TINY), small_data.data_dir, out), out


def test_tiny_run_logs_losses_and_improves_toy_task(trained, small_data):
    from datasets import load_from_disk

    from helpers.lipost.evaluation import metrics
    from helpers.lipost.models import load_model

    result, out = trained
    log = pd.read_csv(out / "train_log.csv")
    assert {"loss/description", "loss/topic", "lr"} <= set(log.columns) and len(log) == 6
    # the optimisation steps alone are timed, and are part of (not all of) the training's wall time
    assert result.timed_steps == result.steps and 0 < result.step_seconds < result.seconds
    # the toy task: picking the topic name of training summaries (MiniLM starts far from 1.0)
    train = load_from_disk(str(small_data.data_dir / "topic"))["train"].select(range(200))
    names = sorted(set(train["positive"]))
    gold = np.array([names.index(x) for x in train["positive"]])
    base = load_model("all-MiniLM-L6-v2")

    def accuracy(model):
        return metrics.label_accuracy(model.encode(train["anchor"]), model.encode(names), gold)

    assert accuracy(result.model) > accuracy(base) + 0.05

    # the loss falls: the label-aware InfoNCE on a fixed batch of training pairs
    labels = torch.tensor(gold[:32])

    def batch_loss(model):
        a = torch.tensor(model.encode(train["anchor"][:32]))
        p = torch.tensor(model.encode(train["positive"][:32]))
        return float(label_aware_infonce(a, p, labels, 20.0))

    assert batch_loss(result.model) < batch_loss(base)


def test_export_and_reload_give_identical_embeddings(trained, tmp_path):
    from sentence_transformers import SentenceTransformer

    from helpers.lipost.training.export import add_evaluation, export_model

    result, _ = trained
    assert result.prefix_stats is not None and result.prefix_stats["hits"] > 0  # frozen layers served from the cache
    assert "forward" not in result.model[0].auto_model.__dict__  # the plain forward, as a colleague would run it
    path = export_model(result.model, tmp_path / "finetuned", make_config(TINY).to_dict(), result.train_sizes,
                        result.seconds, result.steps)
    add_evaluation(path, pd.DataFrame({"finetuned-384": [0.5]}, index=["search"]))
    texts = ["a query", "un document en français"]
    again = SentenceTransformer(str(path), device="cpu")
    np.testing.assert_allclose(again.encode(texts), result.model.encode(texts), atol=1e-6)
    card = (path / "README.md").read_text()
    assert "How this model was made" in card and "| search" in card and "Citation" in card


def test_resume_after_interruption(small_data, tmp_path):
    from helpers.lipost.training.trainer import train_multitask

    cfg = make_config(TINY)
    out = tmp_path / "resume"
    first = train_multitask(cfg, small_data.data_dir, out, stop_after=4)
    assert first.steps == 4 and first.resumed_from is None
    second = train_multitask(cfg, small_data.data_dir, out)
    assert second.resumed_from is not None and second.resumed_from.endswith("checkpoint-4")
    assert second.steps == 6
    assert second.seconds > first.seconds and second.tokens > first.tokens  # totals over both sessions
    # a changed setting starts over instead of resuming someone else's checkpoint
    shutil.copytree(out, tmp_path / "copy")
    third = train_multitask(make_config({**TINY, "lr": 1e-4}), small_data.data_dir, tmp_path / "copy")
    assert third.resumed_from is None


def test_projection_and_language_filter(small_data, tmp_path):
    from helpers.lipost.training.pairs import training_sets
    from helpers.lipost.training.trainer import train_multitask

    sets = training_sets(small_data.data_dir, ["crosslingual", "search"], 4, 0, 0, languages=["en", "fr"])
    assert len(sets["crosslingual"]) > 0  # en-fr and fr-en rows kept, en-es dropped
    full = training_sets(small_data.data_dir, ["search"], 4, 0, 0)
    assert len(sets["search"]) < len(full["search"])
    with pytest.raises(ParamError, match="no training rows in languages"):
        training_sets(small_data.data_dir, ["search"], 4, 0, 0, languages=["de"])
    cfg = make_config({**TINY, "steps": 2, "dims": [16], "projection_dim": 16, "save_steps": 0})
    result = train_multitask(cfg, small_data.data_dir, tmp_path / "proj")
    assert not list((tmp_path / "proj").glob("checkpoints/checkpoint-*"))  # save_steps 0: none written
    assert result.model.get_embedding_dimension() == 16
    assert result.model.encode(["x"]).shape == (1, 16)


def test_remembered_tokens_serve_a_later_model_without_tokenising(monkeypatch):
    from helpers.lipost.models import load_model
    from helpers.lipost.training import scoring

    texts = ["a short one", "a somewhat longer text about museums and art", "x"]
    monkeypatch.setattr(scoring, "_TOKENS", {})
    first = load_model("all-MiniLM-L6-v2")
    plain = first.encode(texts, batch_size=2)
    scoring.remember_tokens(first)
    np.testing.assert_array_equal(first.encode(texts, batch_size=2), plain)
    assert len(scoring._TOKENS) == 2  # one entry per batch
    later = load_model("all-MiniLM-L6-v2")  # another model, the same tokenizer
    calls = []
    own = later.preprocess
    later.preprocess = lambda inputs, prompt=None, **kw: calls.append(inputs) or own(inputs, prompt=prompt, **kw)
    scoring.remember_tokens(later)
    np.testing.assert_array_equal(later.encode(texts, batch_size=2), plain)
    assert calls == [] and len(scoring._TOKENS) == 2
    later.encode(["a new text"])
    assert len(calls) == 1


def test_train_and_score_exports_the_model_it_scores(small_data, tmp_path):
    """Chapter 3's call: the exported, reloaded model is scored, at each trained size, with the
    embedding cache keyed by its files; the model card's wall time does not change that key."""
    from helpers.fingerprint import model_key
    from helpers.lipost.experiment import Scoring, train_and_score

    settings = make_config({**TINY, "steps": 2, "save_steps": 0})
    scoring = Scoring(max_seq_length=32, seed=1, max_rows=20)
    outcome = train_and_score(settings, small_data.data_dir, tmp_path / "train", scoring,
                              export_to=tmp_path / "model")
    assert outcome.reload_difference < 1e-5 and outcome.model_dir == tmp_path / "model"
    assert {row["model"] for row in outcome.rows} == {"finetuned-384", "finetuned-32"}
    assert outcome.summary["steps"] == 2 and sum(outcome.summary["cache"].values()) > 0  # frozen layers served
    key = model_key(outcome.model_dir)
    assert outcome.fingerprint == key
    card = outcome.model_dir / "README.md"
    card.write_text(card.read_text().replace("seconds", "minutes"))  # only the record of how it was made
    record = outcome.model_dir / "training_record.json"
    record.write_text(record.read_text().replace('"train_seconds"', '"train_seconds_x"'))
    assert model_key(outcome.model_dir) == key
    with open(outcome.model_dir / "config.json", "a") as handle:  # what it computes
        handle.write("\n")
    assert model_key(outcome.model_dir) != key


def test_train_and_score_in_memory_matches_a_second_identical_call(small_data, tmp_path):
    """A variant's call: no export, no disk cache of embeddings; the same settings give the same rows."""
    from helpers.lipost.experiment import Scoring, train_and_score

    settings = make_config({**TINY, "steps": 2, "save_steps": 0, "dims": [384, 16]})
    scoring = Scoring(max_seq_length=32, seed=1, dims=(16,), max_rows=20)
    first = train_and_score(settings, small_data.data_dir, tmp_path / "a", scoring)
    second = train_and_score(settings, small_data.data_dir, tmp_path / "b", scoring)
    assert first.model_dir is None and first.fingerprint is None
    assert {row["model"] for row in first.rows} == {"finetuned-16"}
    np.testing.assert_allclose([r["value"] for r in first.rows], [r["value"] for r in second.rows], atol=1e-6)
