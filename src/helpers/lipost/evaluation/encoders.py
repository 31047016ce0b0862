"""Turn texts into embeddings, with a disk cache keyed by model, prompt and texts.

An *encoder* is anything with ``name`` and ``encode(texts, role) -> np.ndarray`` where
``role`` is ``"query"`` or ``"passage"`` (the e5 prompts; models without prompts ignore
it). :class:`SentenceTransformerEncoder` wraps a sentence-transformers model and caches
each call's result under the cache folder, so unchanged models and data are encoded once.

Explained in the book: {ref}`lipost-baselines-how-we-measure`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Protocol

import numpy as np

from helpers.fingerprint import model_key, texts_key
from helpers.paths import atomic_write_bytes, cache_dir


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str], role: str) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """A ``SentenceTransformer`` as an :class:`Encoder`, with an embedding cache.

    Args:
        model: the loaded model.
        name: how results name it (the ``model`` column of ``metrics.csv``).
        fingerprint: identifies the weights for the cache (see :func:`helpers.fingerprint.model_key`);
            ``None`` disables the cache.
        max_seq_length: truncation length used for encoding.
        batch_size: encoding batch size.
        truncate_dim: keep only the first ``truncate_dim`` dimensions (Matryoshka), then
            re-normalise; the cache holds the full embedding, so both sizes share it.
        prefix_cache: a :class:`~helpers.lipost.models.frozen_cache.FrozenPrefixCache` of
            ``model`` that serves its bottom layers while this encoder runs the model (attached
            only inside each encoding, and saved after it); ``None``: the plain forward.

    Full embeddings are also kept in memory per call (texts and role), shared with the
    encoders made by :meth:`resized`, so scoring one model at several sizes encodes once
    even when the disk cache is off (ablation variants are never saved).
    """

    def __init__(self, model, name: str, fingerprint: str | None, max_seq_length: int = 128,
                 batch_size: int = 32, truncate_dim: int | None = None, prefix_cache=None) -> None:
        self.model, self.name, self.fingerprint = model, name, fingerprint
        self.max_seq_length, self.batch_size, self.truncate_dim = max_seq_length, batch_size, truncate_dim
        self.has_prompts = bool(getattr(model, "prompts", {}).get("query"))
        self.memory: dict[str, np.ndarray] = {}
        self.prefix_cache = prefix_cache

    def resized(self, truncate_dim: int | None, name: str) -> SentenceTransformerEncoder:
        """The same model at another size, sharing this encoder's in-memory embeddings."""
        other = SentenceTransformerEncoder(self.model, name, self.fingerprint, self.max_seq_length,
                                           self.batch_size, truncate_dim, self.prefix_cache)
        other.memory = self.memory
        return other

    def _digest(self, texts: list[str], role: str) -> str:
        return texts_key(texts, f"{role}|{self.max_seq_length}|{self.has_prompts}")

    def _cache_file(self, digest: str) -> Path | None:
        if self.fingerprint is None:
            return None
        return cache_dir() / "embeddings" / self.fingerprint / f"{digest}.npy"

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        full = self._encode_full(texts, role)
        if self.truncate_dim is None:
            return full
        small = full[:, : self.truncate_dim]
        return small / np.maximum(np.linalg.norm(small, axis=1, keepdims=True), 1e-12)

    def _encode_full(self, texts: list[str], role: str) -> np.ndarray:
        digest = self._digest(texts, role)
        if digest in self.memory:
            return self.memory[digest]
        path = self._cache_file(digest)
        if path is not None and path.exists():
            out = np.load(path)
            out.setflags(write=False)  # shared by every later call: nobody may change it in place
            self.memory[digest] = out
            return out
        self.model.max_seq_length = self.max_seq_length
        with self.prefix_cache.attached() if self.prefix_cache is not None else contextlib.nullcontext():
            out = self.model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                prompt_name=role if self.has_prompts else None, convert_to_numpy=True,
                show_progress_bar=len(texts) > 2000,
            ).astype(np.float32)
        if path is not None:
            import io

            buf = io.BytesIO()
            np.save(buf, out)
            atomic_write_bytes(path, buf.getvalue())
        out.setflags(write=False)
        self.memory[digest] = out
        return out


def load_encoder(name: str, max_seq_length: int = 128, truncate_dim: int | None = None,
                 label: str | None = None, prefix_level: int = 0) -> SentenceTransformerEncoder:
    """Load a model by name or folder (see :func:`helpers.lipost.models.load_model`) as a cached encoder.

    ``prefix_level > 0`` serves the bottom ``prefix_level`` layers from the frozen-prefix
    cache (states chapter 1 stored while it encoded the test texts), so only the layers
    above run: equal to the plain forward up to float16 rounding, cached on disk apart from
    it. States computed for new texts are saved after each encoding.
    """
    from helpers.lipost.models import load_model, model_path

    model = load_model(name)
    fingerprint = model_key(model_path(name)) + (f"-prefix{prefix_level}" if prefix_level else "")
    prefix_cache = None
    if prefix_level:
        from helpers.lipost.models.frozen_cache import FrozenPrefixCache

        prefix_cache = FrozenPrefixCache(model, prefix_level)
    return SentenceTransformerEncoder(model, label or name, fingerprint, max_seq_length=max_seq_length,
                                      truncate_dim=truncate_dim, prefix_cache=prefix_cache)
