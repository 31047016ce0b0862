"""Score a trained model with the book's suite at each of its embedding sizes.

Explained in the book's chapter "Multi-task contrastive training" (section *Evaluation*).
"""

from __future__ import annotations

from pathlib import Path

from helpers.evaluation import SentenceTransformerEncoder, evaluate


def score_trained(model, dims: list[int], data_dir: Path, fingerprint: str | None, max_seq_length: int,
                  probe: bool, probe_max_train: int, seed: int, max_rows: int | None = None,
                  prefix: str = "finetuned") -> list[dict]:
    """Rows of the suite for ``model`` named ``<prefix>-<d>`` for every ``d`` in ``dims``.

    A size smaller than the model's output is its first ``d`` coordinates, re-normalised
    (Matryoshka truncation); the model's own output size is used as is (this also covers a
    model that ends in a learned projection). Each text is encoded once for all sizes.
    """
    full = model.get_embedding_dimension()
    too_large = [d for d in dims if d > full]
    if too_large:
        raise ValueError(f"cannot score size(s) {too_large}: the model outputs {full} dimensions")
    shared = SentenceTransformerEncoder(model, f"{prefix}-{full}", fingerprint, max_seq_length=max_seq_length)
    rows: list[dict] = []
    for dim in dims:  # every size reads the same full embeddings: one encoding per text
        encoder = shared.resized(None if dim == full else dim, f"{prefix}-{dim}")
        rows += evaluate(encoder, data_dir, probe=probe, probe_max_train=probe_max_train, seed=seed,
                         max_rows=max_rows)
    return rows
