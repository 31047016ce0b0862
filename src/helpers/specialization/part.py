"""Part III's contract with the pipeline: its steps and their rules, its claims step, its
sweeps and its bench (:class:`helpers.pipeline.contract.PartContract`). Light to import:
the rules and the bench are imported only when asked.

Explained in the book: {ref}`specialization-part`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.pipeline.contract import PartContract, lazy, step_rules
from helpers.specialization.parameters import STEP_MODULES

MIN_SEEDS = 8
"""The fewest seeds behind a *strong* practice (:func:`helpers.claims.grade`): the part's bar."""

SWEEPS = {"two_layer": "01_two_layer", "deep_and_real_data": "02_deep_and_real_data"}
"""Each sweep (a folder under ``sweeps/`` of the run folder) and the step that runs it."""


def budget_lines(step_params: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What the profile trades for time in Part III, from the parameters each step ran with
    (the environment appendix's lines for this part: :func:`environment_lines`)."""
    lines = []
    first, second = step_params.get("01_two_layer"), step_params.get("02_deep_and_real_data")
    if first:
        lines.append(f"- two-layer networks: {first['n_seeds']} seeds and {first['epochs']} epochs of "
                     f"{first['steps_per_epoch']:,} SGD steps per configuration (the paper: 32 seeds, 100 epochs).")
    if first and "sc_seeds" in first:
        lines.append(f"- sample complexity: {first['sc_seeds']} seeds, {first['sc_steps']:,} SGD steps for every "
                     "training-set size (the paper's Fig. 9: 100k).")
    if second:
        lines.append(f"- deep networks: {second['n_seeds']} seeds, {second['deep_steps']:,} SGD steps for "
                     f"every training-set size up to {max(second['deep_sizes']):,} samples"
                     + (f"; {second['bn_seeds']} BatchNorm networks." if "bn_seeds" in second else "."))
    return lines


def environment_lines(run_dir: Path, step_params: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The environment appendix's lines on this part's run: its budget choices."""
    return budget_lines(step_params)


SIZES = {
    "01_two_layer": {"n_seeds": 2, "n_train": 100, "n_eval": 100, "epochs": 2, "steps_per_epoch": 10,
                     "early_epoch": 1, "dynamics_train": 100, "dynamics_checkpoints": 2, "dynamics_every": 1,
                     "sc_sizes": 30, "sc_seeds": 2, "sc_steps": 100},
    "02_deep_and_real_data": {"n_seeds": 2, "deep_sizes": 500, "deep_steps": 300, "deep_n_eval": 256,
                              "deep_checks": 2, "digits_teacher_epochs": 3, "digits_steps": 100, "bn_epochs": 1,
                              "bn_seeds": 2},
}
"""The parameters that are sizes, with the least each shrinks to in ``full-small`` (its floor):
seeds, samples, steps; the widths, decays and learning rates are ``full``'s shape and stay."""


PART = PartContract(
    name="specialization",
    title="Part III · Student specialization",
    paper="Student specialization in deep ReLU networks with finite width and input dimension (ICML 2020)",
    steps=step_rules("helpers.specialization.parameters", STEP_MODULES),
    claims_step="03_best_practices",
    sweeps=SWEEPS,
    bench=lazy("helpers.specialization.bench:main"),  # imports torch only when run
    bench_rows=lazy("helpers.specialization.bench:bench_rows"),
    environment_lines=environment_lines,
    min_seeds=MIN_SEEDS,
    sizes=SIZES,
    packages=("scikit-learn",),
)
"""Part III as the pipeline reaches it."""
