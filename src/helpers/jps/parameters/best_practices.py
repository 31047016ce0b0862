"""Parameters of ``03_best_practices``: the depth ablation's games, seeds and depth limits,
CFR's and JPS's iterations and the executor (the claims come from chapter 2's rows)."""

from __future__ import annotations

from helpers.config import RUN_RULES, StepRules, integer
from helpers.jps.parameters.common import depth_list, executor_rule, game_list

STEP_RULES = StepRules(rules={**RUN_RULES, "ablation_games": game_list(), "ablation_seeds": integer(1),
                              "ablation_depths": depth_list(), "cfr_iterations": integer(1),
                              "jps_iterations": integer(1), "executor": executor_rule()})
