"""Part II's contract with the pipeline (:class:`helpers.pipeline.contract.PartContract`).

Its steps and their parameter rules (:mod:`helpers.jps.parameters`), the chapter that
writes its claims (:mod:`helpers.jps.claims`), the sweeps its steps fill
(:mod:`helpers.jps.sweep`), its ``make bench`` figures (:mod:`helpers.jps.bench`) and the
budget lines of the environment appendix. Importing this module imports no solver: each
step's rules are imported only when asked for.

Explained in the book: {ref}`jps-part`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.jps.parameters import STEP_MODULES
from helpers.pipeline.contract import PartContract, lazy, step_rules


def budget_lines(step_params: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What this profile trades for time in Part II, read from the parameters its steps ran with."""
    from helpers.jps.paper import CFR_ITERATIONS, JPS_ITERATIONS

    main = step_params.get("02_joint_policy_search") or {}
    if "games" not in main:
        return []
    games = main["games"]
    seeds = sorted({spec["seeds"] for spec in games.values()})
    return [f"- main table: {len(games)} games, {seeds[0]}–{seeds[-1]} seeds each, CFR "
            f"{main['cfr_iterations']} iterations per seed (the paper's CFR1k: {CFR_ITERATIONS}), JPS at most "
            f"{main['jps_iterations']} outer iterations (the paper's code: {JPS_ITERATIONS}) "
            "(`02_joint_policy_search`; the `full` profile runs 30 seeds or more on every game)"]


def environment_lines(run_dir: Path, step_params: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The environment appendix's lines on this part's run: its budget choices."""
    return budget_lines(step_params)


SIZES = {
    "01_games": {"cfr_seeds": 1, "cfr_iterations": 20},
    "02_joint_policy_search": {"games": {"seeds": 1}, "cfr_iterations": 20, "jps_iterations": 2,
                               "openspiel_cfr_iterations": 10},
    "03_best_practices": {"ablation_seeds": 1, "sample_games": {"seeds": 2}, "sample_counts": 1,
                          "cfr_iterations": 20, "jps_iterations": 2},
}
"""The parameters that are sizes, with the least each shrinks to in ``full-small`` (its floor):
seeds and iterations; the games, their depth limits and the ablation depths are ``full``'s shape."""


PART = PartContract(
    name="jps",
    title="Part II · Joint Policy Search",
    paper="Joint Policy Search for multi-agent collaboration with imperfect information (NeurIPS 2020)",
    steps=step_rules("helpers.jps.parameters", STEP_MODULES),
    claims_step="03_best_practices",
    sweeps={"cfr": "01_games", "main": "02_joint_policy_search", "depths": "03_best_practices",
            "sampled": "03_best_practices"},
    bench=lazy("helpers.jps.bench:main"),  # imports OpenSpiel only when run
    environment_lines=environment_lines,
    min_seeds=3,  # the fewest seeds per game behind a strong practice (helpers.jps.claims)
    sizes=SIZES,
    packages=("numba", "open-spiel"),
)
"""Part II, as the pipeline sees it."""
