"""Parameters of ``03_best_practices``: only those the runner gives every step (the chapter
reads the two experiment chapters' summaries)."""

from __future__ import annotations

from helpers.config import RUN_RULES, StepRules

STEP_RULES = StepRules(rules=dict(RUN_RULES))
