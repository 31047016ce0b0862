"""Score a trained model with the book's suite at each of its embedding sizes.

Explained in the book: {ref}`lipost-training-evaluation`.
"""

from __future__ import annotations

from pathlib import Path

from helpers.lipost.evaluation import SentenceTransformerEncoder, evaluate

_TOKENS: dict[tuple, dict] = {}  # (tokenizer, length, prompt, batch texts) -> features, for this process


def remember_tokens(model) -> None:
    """Tokenise each encoding batch once per process: route ``model.preprocess`` through a
    memo keyed by the tokenizer, the truncation length, the prompt and the batch's texts.

    Every ablation variant scores the same seeded sample of test rows, which
    ``SentenceTransformer.encode`` cuts into the same length-sorted batches each time; the
    token ids do not depend on the weights, so a variant after the first only runs the
    model. Inputs other than plain texts go to the model's own ``preprocess``; a model
    without one (not a ``SentenceTransformer``) is left as it is.
    """
    if not callable(getattr(model, "preprocess", None)):
        return
    plain, tokenizer = model.preprocess, model[0].tokenizer
    identity = (type(tokenizer).__name__, tokenizer.name_or_path, len(tokenizer))

    def preprocess(inputs, prompt=None, **kwargs):
        if kwargs or not all(isinstance(text, str) for text in inputs):
            return plain(inputs, prompt=prompt, **kwargs)
        key = (identity, model.max_seq_length, prompt, tuple(inputs))
        if key not in _TOKENS:
            _TOKENS[key] = plain(inputs, prompt=prompt)
        return dict(_TOKENS[key])  # the forward adds its outputs to the dict it is given

    model.preprocess = preprocess


def score_trained(model, dims: list[int], data_dir: Path, fingerprint: str | None, max_seq_length: int,
                  probe: bool, probe_max_train: int, seed: int, max_rows: int | None = None,
                  prefix: str = "finetuned", prefix_cache=None, units: list[dict] | None = None) -> list[dict]:
    """Rows of the suite for ``model`` named ``<prefix>-<d>`` for every ``d`` in ``dims``.

    A size smaller than the model's output is its first ``d`` coordinates, re-normalised
    (Matryoshka truncation); the model's own output size is used as is (this also covers a
    model that ends in a learned projection). Each text is encoded once for all sizes; with
    ``max_rows`` (a sample shared by many models) its batches are tokenised once per process.
    ``prefix_cache`` (a :class:`~helpers.lipost.models.frozen_cache.FrozenPrefixCache` of
    ``model``) serves the frozen bottom layers while the model encodes. ``units``: a list
    that receives each query's and item's score at every size (see the suite).
    """
    full = model.get_embedding_dimension()
    too_large = [d for d in dims if d > full]
    if too_large:
        raise ValueError(f"cannot score size(s) {too_large}: the model outputs {full} dimensions")
    if max_rows:  # a sampled scoring: the ablation grid's, the same texts for every variant
        remember_tokens(model)
    shared = SentenceTransformerEncoder(model, f"{prefix}-{full}", fingerprint, max_seq_length=max_seq_length,
                                        prefix_cache=prefix_cache)
    rows: list[dict] = []
    for dim in dims:  # every size reads the same full embeddings: one encoding per text
        encoder = shared.resized(None if dim == full else dim, f"{prefix}-{dim}")
        rows += evaluate(encoder, data_dir, probe=probe, probe_max_train=probe_max_train, seed=seed,
                         max_rows=max_rows, units=units)
    return rows
