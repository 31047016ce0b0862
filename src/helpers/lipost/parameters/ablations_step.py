"""Parameters of ``04_ablations``: the base training settings of every variant
(:data:`helpers.lipost.sweep.grid.BASE_KEYS`, checked by ``make_config``), the grid's
spec and the scoring of each variant.

What needs no data is checked here; the grid's language check (``multilingual``), the
base tasks against the built tasks and the layer count of ``grid_unfrozen`` against the
base model are checked when the chapter builds the grid
(:func:`helpers.lipost.sweep.grid.grid_from_params`).
"""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer
from helpers.lipost.sweep.grid import BASE_KEYS, QUESTIONS, base_settings, check_grid_spec, grid_spec
from helpers.lipost.training.config import RULES as TRAIN_RULES
from helpers.lipost.training.config import TrainConfig
from helpers.pipeline.executor import EXECUTOR_RULE

_LISTING = Rule("a list", lambda v: isinstance(v, list))

GRID_RULES: dict[str, Rule] = {
    "questions": _LISTING, "seeds": _LISTING, "grid_tasks": _LISTING, "grid_dims": _LISTING,
    "grid_scales": _LISTING, "grid_unfrozen": _LISTING, "grid_fractions": _LISTING,
    "grid_budget_steps": integer(0), "grid_budget_unfrozen": integer(0), "grid_budget_tasks": _LISTING,
    "eval_max_rows": integer(0), "eval_max_seq_length": integer(16, 512), "executor": EXECUTOR_RULE,
}
"""The grid's spec (its entries are checked by ``check_grid_spec``), the scoring of each variant
and where the variants run (``executor``, :func:`helpers.pipeline.executor.check_executor`)."""


def check_grid(params: dict) -> None:
    """Refuse base settings ``make_config`` refuses, and a grid spec that does not fit them."""
    check_grid_spec(grid_spec(params), base_settings(params))


DEFAULTS = {**{k: v for k, v in TrainConfig().to_dict().items() if k in BASE_KEYS},
            "eval_max_seq_length": TrainConfig().max_seq_length, "questions": list(QUESTIONS)}
"""The one source of the base settings' literals (:class:`TrainConfig`), of the scoring's
text length (the training length) and of the questions (every one the grid knows)."""

STEP_RULES = StepRules(rules={**RUN_RULES, **{k: TRAIN_RULES[k] for k in BASE_KEYS}, **GRID_RULES},
                       cross_check=check_grid, defaults=DEFAULTS)
