"""Every setting of a training run in one visible place (nanoGPT-style).

Explained in the book's chapter "Multi-task contrastive training" (section *Settings*).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from helpers.config import ParamError, Rule, integer, number, one_of, text, validate


@dataclass
class TrainConfig:
    """One multi-task training run.

    Attributes:
        base_model: a name :func:`helpers.models.load_model` knows, or a local folder.
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
        seed: seed for sampling, initialisation and order.
        eval_steps: validation every this many steps (0 = only at the end).
        save_steps: checkpoint every this many steps.
    """

    base_model: str = "multilingual-e5-small"
    tasks: list[str] = field(default_factory=lambda: ["topic", "search", "description", "crosslingual", "storyline"])
    steps: int = 200
    batch_size: int = 32
    lr: float = 5e-5
    warmup_ratio: float = 0.1
    scale: float = 20.0
    dims: list[int] = field(default_factory=lambda: [384, 50])
    sampler: str = "proportional"
    freeze_layers: int = 8
    max_seq_length: int = 96
    max_pairs_per_task: int = 0
    seed: int = 13
    eval_steps: int = 0
    save_steps: int = 50

    def to_dict(self) -> dict:
        return asdict(self)


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
    "seed": integer(0),
    "eval_steps": integer(0),
    "save_steps": integer(1),
}


def make_config(params: dict) -> TrainConfig:
    """Validate a mapping of settings and build a :class:`TrainConfig` (unknown keys refused)."""
    unknown = sorted(set(params) - set(RULES))
    if unknown:
        raise ParamError(f"unknown training setting(s) {unknown}; known: {sorted(RULES)}")
    defaults = TrainConfig().to_dict()
    return TrainConfig(**validate({**defaults, **params}, RULES))
