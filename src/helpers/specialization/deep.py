"""Deep (multi-layer) students of a deep teacher, seeds batched on a leading axis.

A stacked MLP keeps every seed's layer l as slice s of a (S, out, in) tensor; forward
and backward run through ``torch.bmm`` with autograd, and the loss of each seed is
``MSELoss`` (mean over batch and outputs), summed over seeds so each seed's gradient is
its own. Init is PyTorch's default for ``nn.Linear`` (U(+-1/sqrt(fan_in)) for weights and
biases): the original script's scale-down is undone by ``reset_parameters()``, so this
is what it actually trained; we say so rather than copy the dead setting. SGD, no
momentum, no weight decay; the learning rate drops from ``lrs[0]`` to ``lrs[1]`` after
``drop`` of the steps (0.2 -> 0.1 after 20 % in the paper's run).

:func:`run_gaussian` is the sweep job of the chapter: one student width over every (data
size, seed) pair on one seed axis, with a fixed number of SGD steps for every size (as
the author's ``total_bp_iters``), so a larger set means fewer passes, not more compute.

Explained in the book: {ref}`specialization-deep`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from helpers.specialization import measures
from helpers.specialization.batched import BatchError, check_multi, one_thread
from helpers.specialization.teachers import DeepTeacher, deep_teacher

EPS_DEEP = 1e-7


class DivergedError(RuntimeError):
    """The training loss became NaN or infinite (a learning rate too high for the inputs' scale)."""


def init_mlp(rngs: list[np.random.Generator], sizes: list[int], dtype=torch.float32) -> list[list[torch.Tensor]]:
    """Stacked MLP layers [[W (S, out, in), b (S, out)], ...] with PyTorch's default Linear init."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1.0 / math.sqrt(fan_in)
        w = np.stack([rng.uniform(-bound, bound, size=(fan_out, fan_in)) for rng in rngs])
        b = np.stack([rng.uniform(-bound, bound, size=fan_out) for rng in rngs])
        layers.append([torch.tensor(w, dtype=dtype, requires_grad=True),
                       torch.tensor(b, dtype=dtype, requires_grad=True)])
    return layers


def stack_teachers(teachers: list[DeepTeacher], dtype=torch.float32) -> list[list[torch.Tensor]]:
    """The teachers of every seed as one stacked MLP (no gradients)."""
    return [[torch.tensor(np.stack([t.layers[i][0] for t in teachers]), dtype=dtype),
             torch.tensor(np.stack([t.layers[i][1] for t in teachers]), dtype=dtype)]
            for i in range(len(teachers[0].layers))]


def forward(layers: list[list[torch.Tensor]], x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Hidden pre-activations (each (S, N, k)) and outputs (S, N, out) of a stacked MLP."""
    pre, h = [], x
    for index, (w, b) in enumerate(layers):
        z = torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2))
        if index == len(layers) - 1:
            return pre, z
        pre.append(z)
        h = torch.relu(z)
    raise ValueError("an MLP needs at least one layer")


def train(layers: list[list[torch.Tensor]], sample: Callable[[int], tuple[torch.Tensor, torch.Tensor]],
          steps: int, lrs: tuple[float, float], drop: float,
          on_check: Callable[[int], None] | None = None, checks: list[int] | None = None) -> None:
    """``steps`` SGD steps on batches ``sample(step) -> (x, y)``; ``on_check(step)`` at ``checks``."""
    params = [p for layer in layers for p in layer]
    checks = set(checks or [])
    for step in range(steps + 1):
        if step in checks and on_check is not None:
            on_check(step)
        if step == steps:
            break
        x, y = sample(step)
        _, out = forward(layers, x)
        loss = ((out - y) ** 2).mean(dim=(1, 2)).sum()
        if not torch.isfinite(loss):
            raise DivergedError(f"training loss is {loss.item()} at step {step}: lower the learning rate "
                                f"(lrs = {lrs}) or the inputs' scale")
        grads = torch.autograd.grad(loss, params)
        lr = lrs[0] if step < drop * steps else lrs[1]
        with torch.no_grad():
            for param, grad in zip(params, grads, strict=True):
                param -= lr * grad


def layer_stats(student: list[list[torch.Tensor]], teacher: list[list[torch.Tensor]],
                x_eval: torch.Tensor) -> dict[str, list]:
    """Per hidden layer, on ``x_eval``: each teacher node's best correlation (``best``),
    each student node's best correlation (``usefulness``) and generalised fan-out (``fanout``)."""
    with torch.no_grad():
        pre_t, _ = forward(teacher, x_eval)
        pre_s, _ = forward(student, x_eval)
        fanout = measures.generalised_fanout([w for w, _ in student[1:]], pre_s)
        out: dict[str, list] = {"best": [], "usefulness": [], "fanout": [f.tolist() for f in fanout]}
        for z_t, z_s in zip(pre_t, pre_s, strict=True):
            rho = measures.correlation(torch.relu(z_t).double(), torch.relu(z_s).double(), eps=EPS_DEEP)
            out["best"].append(measures.best_per_teacher(rho).tolist())
            out["usefulness"].append(measures.best_per_student(rho).tolist())
    return out


def run_gaussian(seeds: list[int], sizes: list[int], multi: int, widths: list[int], d: int, outputs: int,
                 data_std: float, n_eval: int, batch_size: int, steps: int, lrs: tuple[float, float], drop: float,
                 checks: int, decay: float) -> dict:
    """Deep students ``multi`` x ``widths`` of Gaussian-data teachers, for every (size, seed).

    ``decay`` is the teachers' fan-out strength decay p (column i of every layer above the
    first divided by (1 + i)^p, :func:`helpers.specialization.teachers.deep_teacher`).

    Returns, per (size, seed) pair, at ``checks`` + 1 evenly spaced checkpoints (step 0
    first): per layer the teacher nodes' best correlations, the students' best
    correlations and generalised fan-outs (eval set), and the final eval MSE.
    """
    check_multi(multi)
    if min(sizes) < batch_size:
        raise BatchError(f"training-set size {min(sizes)} is smaller than batch_size = {batch_size}")
    pairs = [(size, seed) for size in sizes for seed in seeds]
    teachers, xs, x_ev = {}, [], []
    for seed in seeds:
        rng = np.random.default_rng([seed, 31])
        x_eval = rng.normal(0.0, data_std, size=(n_eval, d))
        teachers[seed] = (deep_teacher(rng, d, widths, outputs, x_eval, decay), x_eval,
                          rng.normal(0.0, data_std, size=(max(sizes), d)))
    for _, seed in pairs:
        xs.append(teachers[seed][2])
        x_ev.append(teachers[seed][1])
    teacher = stack_teachers([teachers[seed][0] for _, seed in pairs])
    x_train = torch.tensor(np.stack(xs), dtype=torch.float32)
    x_eval_t = torch.tensor(np.stack(x_ev), dtype=torch.float32)
    with torch.no_grad():
        y_train = forward(teacher, x_train)[1]
        y_eval = forward(teacher, x_eval_t)[1]
    rngs = [np.random.default_rng([seed, size, multi, 32]) for size, seed in pairs]
    student = init_mlp(rngs, [d, *[multi * k for k in widths], outputs])
    index = torch.from_numpy(np.stack([rng.integers(0, size, size=(steps, batch_size))
                                       for rng, (size, _) in zip(rngs, pairs, strict=True)]))
    rows = torch.arange(len(pairs)).unsqueeze(1)
    at = sorted({round(i * steps / checks) for i in range(checks + 1)})
    history: list[dict] = []

    def sample(step: int) -> tuple[torch.Tensor, torch.Tensor]:
        return x_train[rows, index[:, step]], y_train[rows, index[:, step]]

    with one_thread():
        train(student, sample, steps, lrs, drop, lambda step: history.append(layer_stats(student, teacher, x_eval_t)),
              at)
        with torch.no_grad():
            loss = ((forward(student, x_eval_t)[1] - y_eval) ** 2).mean(dim=(1, 2))
    return {"multi": multi, "sizes": [s for s, _ in pairs], "seeds": [s for _, s in pairs], "checkpoints": at,
            "history": history, "eval_loss": loss.tolist()}
