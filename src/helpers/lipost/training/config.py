"""Every setting of a training run in one visible place, each default written once (nanoGPT-style).

Explained in the book: {ref}`lipost-training`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from helpers.config import ParamError, Rule, integer, number, one_of, text, validate


@dataclass
class TrainConfig:
    """One multi-task training run.

    Attributes:
        base_model: a name :func:`helpers.lipost.models.load_model` knows, or a local folder.
        tasks: trainable task names; every batch holds pairs of one task only.
        steps: optimiser steps (the CPU budget lever).
        batch_size: pairs per batch (in-batch negatives = batch_size - 1).
        lr: peak learning rate of the trained encoder layers (AdamW, linear decay).
        warmup_ratio: share of steps with linear warm-up.
        scale: inverse temperature of the InfoNCE losses (20 = temperature 0.05).
        dims: nested (Matryoshka) output sizes trained together, largest first; the first
            is the model's full size, the last the paper-sized small embedding.
        sampler: ``proportional`` (tasks drawn by size) or ``round_robin``.
        freeze_layers: lower transformer layers (and the embeddings) kept frozen; 0 trains all.
        max_seq_length: truncation length in training.
        max_pairs_per_task: cap on training pairs drawn per task (0 = all).
        train_languages: languages whose rows are trained on (empty = all); a cross-lingual
            row such as ``en-fr`` is kept only when both of its languages are listed.
        projection_dim: 0 = none; otherwise a learned linear map (initialised to plain
            truncation) from the full embedding to this size, trained at this size only.
        frozen_cache_layers: bottom layers served by
            :class:`~helpers.lipost.models.frozen_cache.FrozenPrefixCache` (at most
            ``freeze_layers``; -1 = all frozen layers, 0 = no cache).
        dropout: probability of every dropout layer while training; -1 keeps the model's own
            (0.1 for e5). 0 lets a short run skip the dropout masks (the ablation variants).
        seed: seed for sampling, initialisation and order.
        eval_steps: validation every this many steps (0 = only at the end).
        save_steps: checkpoint every this many steps (0 = none: a run that is never resumed,
            such as an ablation variant, skips writing the ~0.5 GB model and optimiser each time).
    """

    # The defaults are the book's headline model on a 2-core CPU (chapter 3 of the default
    # profile); a profile lists only what it changes, with its reason.
    base_model: str = "multilingual-e5-small"
    tasks: list[str] = field(default_factory=lambda: ["topic", "search", "description", "crosslingual", "storyline"])
    steps: int = 320  # validation still rises slowly here (chapter 3's curve shows it)
    batch_size: int = 32
    lr: float = 1e-4
    warmup_ratio: float = 0.1
    scale: float = 20.0  # temperature 0.05
    dims: list[int] = field(default_factory=lambda: [384, 50])  # full size and the paper's 50-d, nested
    sampler: str = "proportional"
    freeze_layers: int = 8  # embeddings + layers 0-7 frozen on CPU, served from the frozen-prefix cache
    max_seq_length: int = 48  # the opening of each text, one length in every chapter so caches serve them all;
    # 48 rather than 64 is a budget choice, made to fit Part I's 35-min cold budget: encoding a mix of
    # summaries and titles ran ~1.25x faster (most summaries run past either length; chapter 1 shows how many)
    max_pairs_per_task: int = 0
    train_languages: list[str] = field(default_factory=list)
    projection_dim: int = 0
    frozen_cache_layers: int = -1
    dropout: float = -1.0
    seed: int = 13
    eval_steps: int = 160  # validate halfway and at the end
    save_steps: int = 160  # a checkpoint is ~0.5 GB: two of them

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def cache_layers(self) -> int:
        """Bottom layers served from the frozen-prefix cache (0 = none)."""
        return self.freeze_layers if self.frozen_cache_layers < 0 else self.frozen_cache_layers


RULES: dict[str, Rule] = {
    "base_model": text(),
    "tasks": Rule("a non-empty list of task names", lambda v: isinstance(v, list) and bool(v)
                  and all(isinstance(x, str) for x in v) and len(set(v)) == len(v)),
    "steps": integer(1),
    "batch_size": integer(2, 4096),
    "lr": number(0.0, 1.0, lo_open=True),
    "warmup_ratio": number(0.0, 0.5),
    "scale": number(0.0, 1000.0, lo_open=True),
    "dims": Rule("a non-empty list of positive integers, largest first",
                 lambda v: isinstance(v, list) and bool(v) and all(isinstance(d, int) and d > 0 for d in v)
                 and v == sorted(v, reverse=True)),
    "sampler": one_of("proportional", "round_robin"),
    "freeze_layers": integer(0, 48),
    "max_seq_length": integer(8, 512),
    "max_pairs_per_task": integer(0),
    "train_languages": Rule("a list of language codes (empty = all)",
                            lambda v: isinstance(v, list) and all(isinstance(x, str) and x for x in v)),
    "projection_dim": integer(0, 4096),
    "frozen_cache_layers": integer(-1, 48),
    "dropout": Rule("-1 (the model's own) or a probability in [0, 1)",
                    lambda v: isinstance(v, int | float) and not isinstance(v, bool) and (v == -1 or 0 <= v < 1)),
    "seed": integer(0),
    "eval_steps": integer(0),
    "save_steps": integer(0),
}


def make_config(params: dict) -> TrainConfig:
    """Validate a mapping of settings and build a :class:`TrainConfig` (unknown keys refused)."""
    unknown = sorted(set(params) - set(RULES))
    if unknown:
        raise ParamError(f"unknown training setting(s) {unknown}; known: {sorted(RULES)}")
    defaults = TrainConfig().to_dict()
    cfg = TrainConfig(**validate({**defaults, **params}, RULES))
    if cfg.frozen_cache_layers > cfg.freeze_layers:
        raise ParamError(f"frozen_cache_layers = {cfg.frozen_cache_layers} exceeds freeze_layers = "
                         f"{cfg.freeze_layers}: only frozen layers can be cached")
    if cfg.projection_dim and cfg.dims != [cfg.projection_dim]:
        raise ParamError(f"projection_dim = {cfg.projection_dim} trains that size only: set dims to "
                         f"[{cfg.projection_dim}] (got {cfg.dims})")
    return cfg
