"""The frozen-prefix cache gives the plain forward's embeddings, trains only the top, and persists.

Each ``isolated_stores()`` block stands for a new process: it sees the disk, not the
states earlier blocks kept in memory.
"""

import numpy as np
import pytest
import torch

from helpers.lipost.models.frozen_cache import FrozenPrefixCache, frozen_prefix, isolated_stores, record_prefixes

TEXTS = ["query: what is a museum?", "passage: Le Louvre est un musée d'art à Paris.",
         "passage: " + "a much longer document about the history of art " * 6]


@pytest.fixture(scope="module")
def minilm():
    from helpers.lipost.models import load_model

    return load_model("all-MiniLM-L6-v2")


def test_cached_forward_matches_plain_forward(minilm, tmp_path, monkeypatch):
    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))
    plain = minilm.encode(TEXTS)
    with isolated_stores(), frozen_prefix(minilm, 4) as cache:
        first = minilm.encode(TEXTS)  # misses: computed and stored
        second = minilm.encode(TEXTS[::-1])[::-1]  # hits, other batch order and padding
        assert cache.stats() == {"hits": 3, "misses": 3, "from_lower": 0, "stored": 3}
        np.testing.assert_allclose(first, plain, atol=1e-3)
        np.testing.assert_allclose(second, first, atol=1e-6)
    np.testing.assert_allclose(minilm.encode(TEXTS), plain, atol=1e-7)  # detached on leaving
    assert len(list(tmp_path.glob("frozen_prefix/*/*.pt"))) == 1  # and saved: one shard
    with isolated_stores():  # a new process reads the shard back
        assert FrozenPrefixCache(minilm, 4).stats()["stored"] == 3


def test_the_cache_is_detached_and_saved_when_its_block_fails(minilm, tmp_path, monkeypatch):
    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))
    plain = minilm.encode(TEXTS)
    with pytest.raises(RuntimeError, match="interrupted"), isolated_stores(), frozen_prefix(minilm, 3):
        minilm.encode(TEXTS[:2])
        raise RuntimeError("interrupted")
    assert "forward" not in minilm[0].auto_model.__dict__
    np.testing.assert_array_equal(minilm.encode(TEXTS), plain)
    with isolated_stores():
        assert FrozenPrefixCache(minilm, 3).stats()["stored"] == 2  # what was computed is kept
    with isolated_stores(), frozen_prefix(minilm, 3), pytest.raises(RuntimeError, match="already replaced"):
        with FrozenPrefixCache(minilm, 3).attached():  # one owner at a time
            pass
    assert frozen_prefix(minilm, 0).__enter__() is None  # k = 0: no cache


def test_gradients_reach_only_the_layers_above_the_cache(minilm):
    from helpers.lipost.training.trainer import freeze_lower_layers

    freeze_lower_layers(minilm, 4)
    try:
        with isolated_stores(), frozen_prefix(minilm, 4, persist=False):
            features = minilm.tokenize(TEXTS)
            minilm.train()
            out = minilm(features)["sentence_embedding"]
            out.sum().backward()
            layers = minilm[0].auto_model.encoder.layer
            assert all(p.grad is not None for p in layers[4].parameters())
            assert all(p.grad is None for p in layers[3].parameters())
    finally:
        minilm.zero_grad()
        minilm.eval()
        for p in minilm.parameters():
            p.requires_grad = True


def test_left_padded_input_is_refused(minilm):
    cache = FrozenPrefixCache(minilm, 2, persist=False)
    with pytest.raises(ValueError, match="right-padded"):
        cache.prefix(torch.tensor([[0, 5, 6]]), torch.tensor([[0, 1, 1]]))


def test_recorded_prefixes_leave_the_forward_exact_and_serve_a_later_cache(minilm, tmp_path, monkeypatch):
    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))
    plain = minilm.encode(TEXTS)
    with isolated_stores(), record_prefixes(minilm, [2, 4]) as caches:
        recorded = minilm.encode(TEXTS)
        assert [c.stats()["stored"] for c in caches] == [3, 3]
    np.testing.assert_array_equal(recorded, plain)  # recording does not touch the forward
    assert len(list(tmp_path.glob("frozen_prefix/*/*.pt"))) == 2  # one shard per level, on leaving
    with isolated_stores(), frozen_prefix(minilm, 4) as cache:  # a later process
        served = minilm.encode(TEXTS)
        assert cache.stats() == {"hits": 3, "misses": 0, "from_lower": 0, "stored": 3}
        np.testing.assert_allclose(served, plain, atol=1e-3)
    np.testing.assert_array_equal(minilm.encode(TEXTS), plain)  # hooks are gone


def test_a_miss_starts_from_a_lower_stored_level_and_keeps_what_it_passes(minilm, tmp_path, monkeypatch):
    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))
    plain = minilm.encode(TEXTS)
    with isolated_stores(), record_prefixes(minilm, [2, 3]):
        minilm.encode(TEXTS[:1])  # levels 2 and 3 exist, holding the first text only
    with isolated_stores(), frozen_prefix(minilm, 5) as cache:  # a later process: the lower levels are on disk
        served = minilm.encode(TEXTS)
        assert cache.stats() == {"hits": 0, "misses": 3, "from_lower": 1, "stored": 3}
        np.testing.assert_allclose(served, plain, atol=2e-3)  # two float16 roundings on the first text
    # the two texts computed from the embeddings were kept at levels 2 and 3 on the way
    with isolated_stores():
        for level in (2, 3, 5):
            assert FrozenPrefixCache(minilm, level).stats()["stored"] == 3
    # a cache whose levels below are not stored computes from the embeddings, as before
    with isolated_stores(), frozen_prefix(minilm, 1, persist=False) as low:
        np.testing.assert_allclose(minilm.encode(TEXTS), plain, atol=1e-3)
        assert low.stats()["from_lower"] == 0


def test_an_encoder_with_a_prefix_level_is_cached_apart_from_the_plain_one(tmp_path, monkeypatch):
    from helpers.lipost.evaluation.encoders import load_encoder

    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))
    with isolated_stores():
        plain = load_encoder("all-MiniLM-L6-v2", max_seq_length=64)
        served = load_encoder("all-MiniLM-L6-v2", max_seq_length=64, prefix_level=3)
        assert plain.prefix_cache is None and served.prefix_cache.k == 3
        assert served.fingerprint == plain.fingerprint + "-prefix3"  # its float16-rounded embeddings never mix
        np.testing.assert_allclose(served.encode(TEXTS, "passage"), plain.encode(TEXTS, "passage"), atol=1e-3)
        assert served.prefix_cache.stats()["misses"] == 3
        assert "forward" not in served.model[0].auto_model.__dict__  # attached only while it encodes
        assert len(list(tmp_path.glob("frozen_prefix/*/*.pt"))) == 1  # and saved after it
