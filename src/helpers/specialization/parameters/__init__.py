"""Part III's parameter registry: what each step's parameters must be, written once.

One module per step holds its :class:`~helpers.config.StepRules` as ``STEP_RULES``; the
notebook's validation cell calls ``STEP_RULES.check(globals())`` and the runner calls the
same check on every step of a profile before the first step runs. The part's contract
(:data:`helpers.specialization.part.PART`) names each step's module.

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

STEP_MODULES: dict[str, str] = {
    "01_two_layer": "two_layer",
    "02_deep_and_real_data": "deep_and_real_data",
    "03_best_practices": "best_practices",
}
"""Each step and the module of this package that holds its ``STEP_RULES`` (the part's contract reads it)."""
