"""Parameters of ``02_joint_policy_search``: the main table's games (seeds and JPS depth
limit per game), CFR's and JPS's iterations, OpenSpiel's CFR iterations and the executor."""

from __future__ import annotations

from helpers.config import RUN_RULES, StepRules, integer
from helpers.jps.parameters.common import executor_rule, explain, games_spec
from helpers.jps.sweep import check_games_spec


def _games(params: dict) -> None:
    explain(params, "games", check_games_spec)


STEP_RULES = StepRules(rules={**RUN_RULES, "games": games_spec(), "cfr_iterations": integer(1),
                              "jps_iterations": integer(1), "openspiel_cfr_iterations": integer(1),
                              "executor": executor_rule()}, cross_check=_games)
