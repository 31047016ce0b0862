"""Parameters of ``02_joint_policy_search``: the main table's games (seeds and JPS depth
limit per game), CFR's and JPS's iterations, OpenSpiel's CFR iterations and the executor.

Explained in the book: {ref}`jps-search-table`.
"""

from __future__ import annotations

from helpers.config import RUN_RULES, StepRules, integer
from helpers.jps.paper import CFR_ITERATIONS, JPS_ITERATIONS
from helpers.jps.parameters.common import executor_rule, explain, games_spec
from helpers.jps.sweep import check_games_spec

MAIN_GAMES: dict[str, dict[str, int]] = {
    "comm-3": {"seeds": 20, "depth_limit": 0}, "comm-5": {"seeds": 20, "depth_limit": 0},
    "comm-6": {"seeds": 5, "depth_limit": 0}, "comm-7": {"seeds": 3, "depth_limit": 0},
    "mini-hanabi": {"seeds": 20, "depth_limit": 0}, "bidding-4": {"seeds": 20, "depth_limit": 0},
    "bidding-8": {"seeds": 20, "depth_limit": 0}, "bidding-16": {"seeds": 3, "depth_limit": 3},
    "bridge2-3": {"seeds": 20, "depth_limit": 3}, "bridge2-4": {"seeds": 5, "depth_limit": 3},
    "bridge2-5": {"seeds": 3, "depth_limit": 3}, "tiny-bridge-2p": {"seeds": 3, "depth_limit": 3},
}
"""The main table's default grid: every game of the part (the paper's eleven and OpenSpiel's
``tiny_bridge_2p``), with its seeds (20 where a seed takes seconds, fewer on the largest
trees) and JPS depth limit (unlimited where the search is feasible, d = 3 on the larger
games, as the paper)."""


def _games(params: dict) -> None:
    explain(params, "games", check_games_spec)


STEP_RULES = StepRules(rules={**RUN_RULES, "games": games_spec(), "cfr_iterations": integer(1),
                              "jps_iterations": integer(1), "openspiel_cfr_iterations": integer(1),
                              "executor": executor_rule()}, cross_check=_games,
                       defaults={"games": MAIN_GAMES, "cfr_iterations": CFR_ITERATIONS,
                                 "jps_iterations": JPS_ITERATIONS, "openspiel_cfr_iterations": CFR_ITERATIONS})
