"""Parameters of ``06_best_practices``: only those the runner gives every step (the
chapter reads its settings from the training and ablation steps' records)."""

from __future__ import annotations

from helpers.config import RUN_RULES, StepRules

STEP_RULES = StepRules(rules=dict(RUN_RULES))
