"""Part I's parameter registry: what each step's parameters must be, written once.

One module per step holds its :class:`~helpers.config.StepRules` as ``STEP_RULES``: a
rule for every parameter the step's notebook declares (and for no other name) and, where
settings depend on each other, a check across them. The notebook's validation cell calls
``STEP_RULES.check(globals())``; the runner calls the same check on every step of a
profile before the first step runs (:mod:`helpers.pipeline.parameters`). A module per
step keeps each notebook's fingerprint to the code it runs: the data step does not
depend on the training settings' rules.

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

STEP_MODULES: dict[str, str] = {
    "01_data": "data_step",
    "02_baselines": "baselines_step",
    "03_training": "training_step",
    "04_ablations": "ablations_step",
    "05_visualizations": "visualizations_step",
    "06_best_practices": "best_practices_step",
}
"""Each step of the part and the module of this package that holds its ``STEP_RULES``
(the part's contract, :data:`helpers.lipost.part.PART`, reads it)."""
