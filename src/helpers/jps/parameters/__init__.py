"""Part II's parameter registry: one module per step, each with its ``STEP_RULES``.

The notebook's validation cell calls ``STEP_RULES.check(globals())``; the runner calls the
same check on every step of a profile before the first step runs
(:mod:`helpers.pipeline.parameters`).

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

STEP_MODULES: dict[str, str] = {
    "01_games": "games_chapter",
    "02_joint_policy_search": "joint_policy_search",
    "03_best_practices": "best_practices",
}
"""Each step of the part and the module of this package that holds its ``STEP_RULES``
(:data:`helpers.jps.part.PART` reads it)."""

