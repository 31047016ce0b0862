"""Part III's ``make bench``: batched-seed SGD against a plain one-seed-at-a-time PyTorch loop.

For the two-layer students of the profile's chapter 1 as it last ran (the parameters in its
step record ``runs/<profile>/specialization/steps/01_two_layer.json``: teacher size, seed
count, batch, float64), it times ``steps`` SGD steps of every seed two ways, in turns (A B A B ...),
both on one torch thread (these products are too small to gain from two):

* batched: :func:`helpers.specialization.batched.sgd_step`, all seeds in one tensor
  computation with the backward pass written out;
* plain: for each seed in turn, an ``nn.Sequential(Linear, ReLU, Linear)`` trained with
  autograd and ``torch.optim.SGD`` on the same batches, the loop one would write first.

It reports seed-steps per second of each and their ratio per student width (the target is
>= 5x), and checks the two give the same weights (a wrong fast loop is not a speed-up).
The two differ in two ways, the seeds batched and the backward pass written out instead of
autograd's, so the ratio is the gain of both together, not of batching alone.
Called by ``make bench`` (:mod:`helpers.pipeline.bench`).

Explained in the book: {ref}`specialization-batched`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers.pipeline import results
from helpers.pipeline.bench import interleaved_medians
from helpers.pipeline.parts import part_run_dir
from helpers.specialization import batched
from helpers.specialization.batched import one_thread

STEP = "01_two_layer"
"""The chapter whose students are timed."""


class BenchError(RuntimeError):
    """The chapter the bench times has not run in this profile."""


def step_params(profile: str, root: Path, step: str = STEP) -> dict[str, Any]:
    """The parameters ``step`` ran with in ``profile``: its step record's ``params``
    (written by the runner, ``shared:`` settings and the notebook's defaults included)."""
    try:
        return results.step_params(part_run_dir(root, profile, "specialization"), step)
    except results.StepNotRun as err:
        raise BenchError(f"{err}; run the profile first (python -m helpers.pipeline run --profile {profile} "
                         "--part specialization)") from err


def _plain_models(students: batched.Students) -> list[nn.Sequential]:
    models = []
    for s in range(students.w1.shape[0]):
        model = nn.Sequential(nn.Linear(students.w1.shape[2], students.w1.shape[1]), nn.ReLU(),
                              nn.Linear(students.w1.shape[1], students.w2.shape[1])).double()
        with torch.no_grad():
            model[0].weight.copy_(students.w1[s])
            model[0].bias.copy_(students.b1[s])
            model[2].weight.copy_(students.w2[s])
            model[2].bias.copy_(students.b2[s])
        models.append(model)
    return models


def compare(seeds: int, n: int, d: int, c: int, batch_size: int, lr: float, steps: int, repeats: int) -> dict:
    """Seed-steps per second, batched vs plain, for students of width ``n`` (medians of ``repeats``)."""
    rngs = [np.random.default_rng([seed, n]) for seed in range(seeds)]
    x = torch.from_numpy(np.stack([rng.normal(0, 1.5, size=(steps, batch_size, d)) for rng in rngs]))
    y = torch.from_numpy(np.stack([rng.normal(0, 1.0, size=(steps, batch_size, c)) for rng in rngs]))
    students = batched.init_students(rngs, n, d, c)
    models = _plain_models(students)
    optimisers = [torch.optim.SGD(model.parameters(), lr=lr) for model in models]

    def run_batched() -> None:
        for step in range(steps):
            batched.sgd_step(students, x[:, step], y[:, step], lr)

    def run_plain() -> None:
        for s, (model, optimiser) in enumerate(zip(models, optimisers, strict=True)):
            for step in range(steps):
                optimiser.zero_grad()
                loss = 0.5 * ((model(x[s, step]) - y[s, step]) ** 2).sum(dim=1).mean()
                loss.backward()
                optimiser.step()

    with one_thread():
        run_batched()  # the same steps once each before timing: both start from equal weights
        run_plain()
        same = all(torch.allclose(models[s][0].weight, students.w1[s], atol=1e-9) for s in range(seeds))
        fast, slow = interleaved_medians([run_batched, run_plain], repeats)
    return {"batched_seed_steps_per_s": seeds * steps / fast, "plain_seed_steps_per_s": seeds * steps / slow,
            "speedup": slow / fast, "same_weights": same}


def main(profile: str, root: Path) -> dict:
    """Batched vs plain SGD throughput for every student width of the profile's chapter 1."""
    settings = step_params(profile, root)
    m, seeds = settings["teacher_nodes"], settings["n_seeds"]
    figures: dict = {"seeds": seeds, "teacher_nodes": m, "batch_size": settings["batch_size"], "dtype": "float64",
                     "threads": 1, "widths": {}}
    for multi in settings["multis"]:
        result = compare(seeds, multi * m, settings["input_dim"], settings["outputs"], settings["batch_size"],
                         settings["lr"], steps=200, repeats=5)
        figures["widths"][f"{multi}x"] = result
        print(f"  {multi}x (n = {multi * m}), {seeds} seeds: batched {result['batched_seed_steps_per_s']:,.0f} "
              f"seed-steps/s vs plain {result['plain_seed_steps_per_s']:,.0f}: {result['speedup']:.1f}x "
              f"(same weights: {result['same_weights']})")
    speedups = [w["speedup"] for w in figures["widths"].values()]
    figures["speedup_geomean"] = float(np.exp(np.mean(np.log(speedups))))
    print(f"  batched-seed SGD speed-up, geometric mean over widths: {figures['speedup_geomean']:.1f}x (target >= 5x)")
    return figures


def bench_rows(figures: dict) -> list[tuple[str, str]]:
    """The environment appendix's rows for :func:`main`'s figures: per student width, the two
    throughputs and their ratio (batching and the hand-written backward pass together), then
    the geometric mean."""
    rows = [(f"Part III, {width} students ({figures['seeds']} seeds, float64, 1 thread): batched vs plain SGD",
             f"{w['batched_seed_steps_per_s']:,.0f} vs {w['plain_seed_steps_per_s']:,.0f} seed-steps/s "
             f"({w['speedup']:.1f}x; same weights: {w['same_weights']})")
            for width, w in figures["widths"].items()]
    rows.append(("Part III, batched-seed SGD with its written-out backward pass vs a plain autograd loop, "
                 "geometric mean over widths", f"{figures['speedup_geomean']:.1f}x"))
    return rows
