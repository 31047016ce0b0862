"""Parameters of ``01_games``: the games whose sizes are tabulated, the CFR value
distributions (game -> seeds), CFR's iterations, the identity check's game and the executor.

Explained in the book: {ref}`jps-games`.
"""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer
from helpers.jps.games import ALL_GAMES
from helpers.jps.paper import CFR_ITERATIONS
from helpers.jps.parameters.common import executor_rule, game_id, game_list

_SEEDS = Rule("a mapping of game id -> number of seeds >= 1",
              lambda v: isinstance(v, dict) and bool(v) and game_list().check(list(v))
              and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in v.values()))

STEP_RULES = StepRules(rules={**RUN_RULES, "size_games": game_list(), "cfr_seeds": _SEEDS,
                              "cfr_iterations": integer(1), "identity_game": game_id(),
                              "executor": executor_rule()},
                       defaults={"size_games": list(ALL_GAMES), "cfr_iterations": CFR_ITERATIONS})
