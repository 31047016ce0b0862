"""Rules shared by Part II's steps: game ids, game specs, depth lists and the executor.

Each rule turns the domain check's own error (unknown game, depth < 0, bad executor)
into a :class:`~helpers.config.ParamError` that names the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers.config import ParamError, Rule
from helpers.jps.games import check_game
from helpers.jps.search import check_depth_limit
from helpers.jps.sweep import check_games_spec
from helpers.pipeline.executor import EXECUTOR_RULE


def _ok(check: Callable[[Any], object]) -> Callable[[Any], bool]:
    def holds(value: Any) -> bool:
        try:
            check(value)
        except (ValueError, TypeError):
            return False
        return True
    return holds


def game_list() -> Rule:
    return Rule("a non-empty list of distinct game ids (e.g. 'comm-3', 'mini-hanabi', 'bidding-8', 'bridge2-3')",
                lambda v: isinstance(v, list) and bool(v) and len(set(v)) == len(v) and all(_ok(check_game)(g)
                                                                                            for g in v))


def game_id() -> Rule:
    return Rule("a game id (e.g. 'comm-3', 'mini-hanabi', 'bidding-8', 'bridge2-3')", _ok(check_game))


def games_spec() -> Rule:
    return Rule("a mapping of game id -> {'seeds': n >= 1, 'depth_limit': d >= 0}", _ok(check_games_spec))


def depth_list() -> Rule:
    return Rule("a non-empty list of distinct integers >= 0 (0: unlimited depth)",
                lambda v: isinstance(v, list) and bool(v) and len(set(v)) == len(v)
                and all(_ok(check_depth_limit)(d) for d in v))


def executor_rule() -> Rule:
    return EXECUTOR_RULE  # the pipeline's one rule for a sweep's executor


def explain(params: dict[str, Any], name: str, check: Callable[[Any], object]) -> None:
    """Re-run a domain check to raise its precise message as a :class:`ParamError` (used by cross checks)."""
    try:
        check(params[name])
    except (ValueError, TypeError) as err:
        raise ParamError(str(err)) from err
