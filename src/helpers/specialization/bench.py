"""Part III's ``make bench``: batched-seed SGD against a plain one-seed-at-a-time PyTorch loop.

For the two-layer students of the profile's chapter 1 as it last ran (the parameters in its
step record ``runs/<profile>/specialization/steps/01_two_layer.json``: teacher size, seed
count, batch, float64), it times ``steps`` SGD steps of every seed three ways, in turns
(A B C A B C ...), all on one torch thread (these products are too small to gain from two):

* batched: :func:`helpers.specialization.batched.sgd_step`, all seeds in one tensor
  computation with the backward pass written out;
* seed by seed: the same written-out step, one seed after another (a stack of one);
* plain: for each seed in turn, an ``nn.Sequential(Linear, ReLU, Linear)`` trained with
  autograd and ``torch.optim.SGD`` on the same batches, the loop one would write first.

It reports seed-steps per second of each and two ratios per student width: *batching
alone* (seed by seed / batched: the same step, only the stacking differs) and *batching
and no autograd* (plain / batched: what the part's trainer gains over the first loop one
would write; the target is >= 5x). It checks that all three give the same weights (a wrong
fast loop is not a speed-up).
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

    singles = [batched.Students(students.w1[s:s + 1].clone(), students.b1[s:s + 1].clone(),
                                students.w2[s:s + 1].clone(), students.b2[s:s + 1].clone()) for s in range(seeds)]

    def run_single() -> None:
        for s, single in enumerate(singles):
            for step in range(steps):
                batched.sgd_step(single, x[s:s + 1, step], y[s:s + 1, step], lr)

    def run_plain() -> None:
        for s, (model, optimiser) in enumerate(zip(models, optimisers, strict=True)):
            for step in range(steps):
                optimiser.zero_grad()
                loss = 0.5 * ((model(x[s, step]) - y[s, step]) ** 2).sum(dim=1).mean()
                loss.backward()
                optimiser.step()

    with one_thread():
        run_batched()  # the same steps once each before timing: both start from equal weights
        run_single()
        run_plain()
        same = all(torch.allclose(models[s][0].weight, students.w1[s], atol=1e-9)
                   and torch.allclose(singles[s].w1[0], students.w1[s], atol=1e-9) for s in range(seeds))
        fast, single, slow = interleaved_medians([run_batched, run_single, run_plain], repeats)
    return {"batched_seed_steps_per_s": seeds * steps / fast, "single_seed_steps_per_s": seeds * steps / single,
            "plain_seed_steps_per_s": seeds * steps / slow, "batching_alone": single / fast,
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
        print(f"  {multi}x (n = {multi * m}), {seeds} seeds: batched {result['batched_seed_steps_per_s']:,.0f}, "
              f"seed by seed {result['single_seed_steps_per_s']:,.0f}, plain autograd "
              f"{result['plain_seed_steps_per_s']:,.0f} seed-steps/s: batching alone {result['batching_alone']:.1f}x, "
              f"batching and no autograd {result['speedup']:.1f}x (same weights: {result['same_weights']})")
    for key, name in (("batching_alone", "batching_geomean"), ("speedup", "speedup_geomean")):
        figures[name] = float(np.exp(np.mean(np.log([w[key] for w in figures["widths"].values()]))))
    print(f"  geometric mean over widths: batching alone {figures['batching_geomean']:.1f}x; batching and no "
          f"autograd {figures['speedup_geomean']:.1f}x (target >= 5x)")
    return figures


def bench_rows(figures: dict) -> list[tuple[str, str]]:
    """The environment appendix's rows for :func:`main`'s figures: per student width, the
    three throughputs and the two ratios, each saying what it compares, then their
    geometric means over widths."""
    rows = []
    for width, w in figures["widths"].items():
        head = f"Part III, {width} students ({figures['seeds']} seeds, float64, 1 thread)"
        alone = w.get("batching_alone")
        if alone is not None:
            rows.append((f"{head}: batching alone (the written-out step, batched vs seed by seed)",
                         f"{w['batched_seed_steps_per_s']:,.0f} vs {w['single_seed_steps_per_s']:,.0f} "
                         f"seed-steps/s ({alone:.1f}x)"))
        rows.append((f"{head}: batching and no autograd (batched written-out step vs a plain autograd + "
                     "optim.SGD loop)", f"{w['batched_seed_steps_per_s']:,.0f} vs "
                     f"{w['plain_seed_steps_per_s']:,.0f} seed-steps/s ({w['speedup']:.1f}x; same weights: "
                     f"{w['same_weights']})"))
    if "batching_geomean" in figures:
        rows.append(("Part III, batching alone, geometric mean over widths", f"{figures['batching_geomean']:.1f}x"))
    rows.append(("Part III, batching and no autograd, geometric mean over widths",
                 f"{figures['speedup_geomean']:.1f}x"))
    return rows
