"""Linear compression of an encoder's embeddings, to measure what a small size costs by itself.

:class:`PCAEncoder` wraps any encoder and maps its embeddings onto their top principal
components (fitted on training-split texts, never on test texts), then re-normalises.
Comparing a model's PCA-``d`` embedding with its own Matryoshka-trained first ``d``
coordinates tells whether training used the small size as well as a linear map fitted
after the fact could; comparing PCA-``d`` with the full size tells what any linear
``d``-dimensional compression of that model loses.

Explained in the book: {ref}`lipost-training-why-50-dimensions`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers.lipost.data.store import load_manifest, load_task


class PCAEncoder:
    """``encoder`` followed by a PCA projection to ``dim`` and L2 normalisation.

    Args:
        encoder: any encoder (``name``, ``encode(texts, role)``).
        fit_embeddings: embeddings of training texts the components are fitted on.
        dim: output size.
        name: the ``model`` name its result rows carry.
    """

    def __init__(self, encoder, fit_embeddings: np.ndarray, dim: int, name: str) -> None:
        if not 0 < dim <= min(fit_embeddings.shape):
            raise ValueError(f"PCA size {dim} needs 0 < dim <= min{fit_embeddings.shape}")
        self.encoder, self.name, self.dim = encoder, name, dim
        self.mean = fit_embeddings.mean(axis=0)
        _, _, vt = np.linalg.svd(fit_embeddings - self.mean, full_matrices=False)
        self.components = vt[:dim]

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        z = (self.encoder.encode(texts, role) - self.mean) @ self.components.T
        return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)


def training_texts(data_dir: Path, tasks: list[str], per_task: int, seed: int) -> dict[str, list[str]]:
    """A seeded sample of training texts of ``tasks``, grouped by their e5 role."""
    manifest = load_manifest(Path(data_dir))
    by_role: dict[str, list[str]] = {"query": [], "passage": []}
    for task in tasks:
        train = load_task(Path(data_dir), task)["train"].shuffle(seed=seed)
        train = train.select(range(min(per_task, len(train))))
        for column, role in manifest[task]["prompts"].items():
            by_role[role] += list(train[column])
    return by_role


def fit_pca(encoder, texts_by_role: dict[str, list[str]], dim: int, name: str) -> PCAEncoder:
    """Fit a :class:`PCAEncoder` on the embeddings of ``texts_by_role`` (both roles pooled)."""
    parts = [encoder.encode(sorted(set(texts)), role) for role, texts in texts_by_role.items() if texts]
    return PCAEncoder(encoder, np.concatenate(parts), dim, name)


def compression_rows(base_model: str, tuned_encoder, data_dir: Path, train_tasks: list[str], tasks: list[str], *,
                     fit_per_task: int, small_dim: int, max_seq_length: int, seed: int) -> list[dict]:
    """The suite's rows on ``tasks`` of three ``small_dim``-d embeddings: the base model's
    first ``small_dim`` coordinates (``base first-<d>``), a PCA of the base model and one
    of ``tuned_encoder`` (``base PCA-<d>``, ``tuned PCA-<d>``), each PCA fitted on
    ``fit_per_task`` training pairs of each of ``train_tasks``."""
    from helpers.lipost.evaluation.encoders import load_encoder
    from helpers.lipost.evaluation.suite import evaluate

    fit_texts = training_texts(data_dir, train_tasks, fit_per_task, seed)
    base_encoder = load_encoder(base_model, max_seq_length=max_seq_length)
    base_first = load_encoder(base_model, max_seq_length=max_seq_length, truncate_dim=small_dim,
                              label=f"base first-{small_dim}")
    rows: list[dict] = []
    for encoder in (base_first, fit_pca(base_encoder, fit_texts, small_dim, f"base PCA-{small_dim}"),
                    fit_pca(tuned_encoder, fit_texts, small_dim, f"tuned PCA-{small_dim}")):
        rows += evaluate(encoder, data_dir, tasks, probe=False, seed=seed)
    return rows
