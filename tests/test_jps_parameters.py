"""Part II's parameter registry: every profile's jps block passes, bad values fail by name."""

from __future__ import annotations

import pytest

from helpers.config import ParamError
from helpers.jps.games import ALL_GAMES
from helpers.jps.part import PART
from helpers.pipeline.parameters import check_profile, notebook_defaults
from helpers.pipeline.profiles import load_profile, part_steps

step_rules = PART.rules


@pytest.mark.parametrize("profile", ["ci", "default", "full"])
def test_every_profile_jps_block_is_valid(root, profile):
    data = load_profile(profile, root)
    assert part_steps(data, "jps") == list(PART.steps)
    check_profile(profile, data, root, ["jps"])


def test_the_default_grid_runs_every_game_at_the_issue_seed_counts():
    games = step_rules("02_joint_policy_search").defaults["games"]
    assert list(games) == list(ALL_GAMES)
    at_least = {"mini-hanabi": 20, "comm-3": 20, "comm-5": 20, "bidding-4": 20, "bidding-8": 20, "bridge2-3": 20,
                "comm-6": 5, "bridge2-4": 5, "comm-7": 3, "bidding-16": 3, "bridge2-5": 3}
    assert all(games[game]["seeds"] >= n for game, n in at_least.items())


@pytest.mark.parametrize("games, words", [
    ({"comm-9": {"seeds": 2, "depth_limit": 0}}, "parameter 'games'"),
    ({"comm-3": {"seeds": 2, "depth_limit": -1}}, "parameter 'games'"),
    ({"comm-3": {"seeds": 0, "depth_limit": 0}}, "parameter 'games'"),
])
def test_bad_games_are_refused_by_name(root, games, words):
    values = notebook_defaults(root / "notebooks" / "jps" / "02_joint_policy_search.ipynb")
    with pytest.raises(ParamError, match=words):
        step_rules("02_joint_policy_search").check({**values, "games": games})


def test_bad_depths_and_executor_are_refused(root):
    values = notebook_defaults(root / "notebooks" / "jps" / "03_best_practices.ipynb")
    with pytest.raises(ParamError, match="parameter 'ablation_depths' = \\[-1\\]"):
        step_rules("03_best_practices").check({**values, "ablation_depths": [-1]})
    with pytest.raises(ParamError, match="parameter 'executor'"):
        step_rules("03_best_practices").check({**values, "executor": {"kind": "gpu-farm"}})
    with pytest.raises(ParamError, match="parameter 'identity_game'"):
        step_rules("01_games").check({**notebook_defaults(root / "notebooks" / "jps" / "01_games.ipynb"),
                                      "identity_game": "chess"})
