"""The frozen-prefix cache gives the plain forward's embeddings, trains only the top, and persists."""

import numpy as np
import pytest
import torch

TEXTS = ["query: what is a museum?", "passage: Le Louvre est un musée d'art à Paris.",
         "passage: " + "a much longer document about the history of art " * 6]


@pytest.fixture(scope="module")
def minilm():
    from helpers.models import load_model

    return load_model("all-MiniLM-L6-v2")


def test_cached_forward_matches_plain_forward(minilm, tmp_path, monkeypatch):
    from helpers.training import frozen_cache
    from helpers.training.frozen_cache import FrozenPrefixCache

    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))
    monkeypatch.setattr(frozen_cache, "_OPEN", {})
    plain = minilm.encode(TEXTS)
    cache = FrozenPrefixCache(minilm, 4).attach()
    try:
        first = minilm.encode(TEXTS)  # misses: computed and stored
        second = minilm.encode(TEXTS[::-1])[::-1]  # hits, other batch order and padding
        assert cache.stats() == {"hits": 3, "misses": 3, "stored": 3}
        np.testing.assert_allclose(first, plain, atol=1e-3)
        np.testing.assert_allclose(second, first, atol=1e-6)
        assert cache.save() == 3
    finally:
        cache.detach()
    np.testing.assert_allclose(minilm.encode(TEXTS), plain, atol=1e-7)
    # a new process (simulated by forgetting the open stores) reads the shard back
    monkeypatch.setattr(frozen_cache, "_OPEN", {})
    again = FrozenPrefixCache(minilm, 4)
    assert again.stats()["stored"] == 3


def test_gradients_reach_only_the_layers_above_the_cache(minilm, tmp_path, monkeypatch):
    from helpers.training import frozen_cache
    from helpers.training.frozen_cache import FrozenPrefixCache
    from helpers.training.trainer import freeze_lower_layers

    monkeypatch.setattr(frozen_cache, "_OPEN", {})
    freeze_lower_layers(minilm, 4)
    cache = FrozenPrefixCache(minilm, 4, persist=False).attach()
    try:
        features = minilm.tokenize(TEXTS)
        minilm.train()
        out = minilm(features)["sentence_embedding"]
        out.sum().backward()
        layers = minilm[0].auto_model.encoder.layer
        assert all(p.grad is not None for p in layers[4].parameters())
        assert all(p.grad is None for p in layers[3].parameters())
    finally:
        cache.detach()
        minilm.zero_grad()
        minilm.eval()
        for p in minilm.parameters():
            p.requires_grad = True


def test_left_padded_input_is_refused(minilm):
    from helpers.training.frozen_cache import FrozenPrefixCache

    cache = FrozenPrefixCache(minilm, 2, persist=False)
    with pytest.raises(ValueError, match="right-padded"):
        cache.prefix(torch.tensor([[0, 5, 6]]), torch.tensor([[0, 1, 1]]))


def test_recorded_prefixes_leave_the_forward_exact_and_serve_a_later_cache(minilm, tmp_path, monkeypatch):
    from helpers.training import frozen_cache
    from helpers.training.frozen_cache import FrozenPrefixCache, record_prefixes

    monkeypatch.setenv("LIPOST_CACHE", str(tmp_path))
    monkeypatch.setattr(frozen_cache, "_OPEN", {})
    plain = minilm.encode(TEXTS)
    with record_prefixes(minilm, [2, 4]) as caches:
        recorded = minilm.encode(TEXTS)
        assert [c.stats()["stored"] for c in caches] == [3, 3]
    np.testing.assert_array_equal(recorded, plain)  # recording does not touch the forward
    assert len(list(tmp_path.glob("frozen_prefix/*/*.pt"))) == 2  # one shard per level, on leaving
    monkeypatch.setattr(frozen_cache, "_OPEN", {})  # a later process
    cache = FrozenPrefixCache(minilm, 4).attach()
    try:
        served = minilm.encode(TEXTS)
        assert cache.stats() == {"hits": 3, "misses": 0, "stored": 3}
        np.testing.assert_allclose(served, plain, atol=1e-3)
    finally:
        cache.detach()
    np.testing.assert_array_equal(minilm.encode(TEXTS), plain)  # hooks are gone
