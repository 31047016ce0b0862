"""Parameters of ``03_best_practices``: the depth ablation's games, seeds and depth limits,
the sample-based variant's games (seeds and depth limit per game) and sample counts, CFR's
and JPS's iterations and the executor (the claims come from chapter 2's rows).

Explained in the book: {ref}`jps-practices`.
"""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer
from helpers.jps.paper import CFR_ITERATIONS, JPS_ITERATIONS
from helpers.jps.parameters.common import depth_list, executor_rule, explain, game_list, games_spec
from helpers.jps.sweep import check_games_spec

_COUNTS = Rule("a non-empty list of distinct integers >= 1 (states sampled per candidate infoset)",
               lambda v: isinstance(v, list) and bool(v) and len(set(v)) == len(v)
               and all(isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in v))


def _sample_games(params: dict) -> None:
    explain(params, "sample_games", lambda games: check_games_spec(games, "sample_games"))


STEP_RULES = StepRules(rules={**RUN_RULES, "ablation_games": game_list(), "ablation_seeds": integer(1),
                              "ablation_depths": depth_list(), "cfr_iterations": integer(1),
                              "jps_iterations": integer(1), "sample_games": games_spec(), "sample_counts": _COUNTS,
                              "executor": executor_rule()}, cross_check=_sample_games,
                       defaults={"cfr_iterations": CFR_ITERATIONS, "jps_iterations": JPS_ITERATIONS})
