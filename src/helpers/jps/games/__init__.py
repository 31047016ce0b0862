"""The paper's four game families by id, their sizes and best-known values.

Game ids: ``comm-L`` (L = 1 .. 7), ``mini-hanabi``, ``bidding-N`` (N = 2 .. 16),
``bridge2-N`` (N = 1 .. 5), and ``tiny-bridge-2p`` (OpenSpiel's game, loaded through
:mod:`helpers.jps.openspiel_games`). :func:`make_game` refuses any other id by name.

Explained in the book: {ref}`jps-games-rules`.
"""

from __future__ import annotations

import functools

from helpers.jps.tree import GameTree

PAPER_GAMES = ("comm-3", "comm-5", "comm-6", "comm-7", "mini-hanabi", "bidding-4", "bidding-8", "bidding-16",
               "bridge2-3", "bridge2-4", "bridge2-5")
"""The 11 columns of the paper's table, in its order."""

EXTRA_GAMES = ("tiny-bridge-2p",)
"""Games the paper did not use (from OpenSpiel)."""

BEST_KNOWN = {"comm-3": 1.0, "comm-5": 1.0, "comm-6": 1.0, "comm-7": 1.0, "mini-hanabi": 10.0,
              "bidding-4": 2.25, "bidding-8": 5.06, "bidding-16": 10.75,
              "bridge2-3": 1.13, "bridge2-4": 1.84, "bridge2-5": 2.89}
"""The paper's best-known value per game (quoted; Comm and Mini-Hanabi are proven optima)."""

PROVEN_OPTIMA = ("comm-3", "comm-5", "comm-6", "comm-7", "mini-hanabi")
"""The games whose best-known value is proven optimal (a seed reaches it only to rounding, 1e-9)."""

REACH_TOL = 0.005
"""A seed reaches a best-known value that is not a proven optimum when it is within this of it
(the paper gives two decimals)."""

ALL_GAMES = (*PAPER_GAMES, *EXTRA_GAMES)
"""Every game of the part, the paper's first, in the order the chapters show them."""

PAPER_SIZES = {"comm-3": (633, 64), "comm-5": (34_785, 1_024), "comm-6": (270_273, 4_096),
               "comm-7": (2_129_793, 16_384), "mini-hanabi": (53, 8), "bidding-4": (241, 32),
               "bidding-8": (1_985, 128), "bidding-16": (16_129, 512), "bridge2-3": (4_081, 512),
               "bridge2-4": (25_576, 2_560), "bridge2-5": (147_421, 12_288)}
"""(#States as the paper counts them, decision infosets) per game, from the brief's table."""

_RANGES = {"comm": (1, 7), "bidding": (2, 16), "bridge2": (1, 5)}


def reaches(game: str, value: float) -> bool:
    """Whether ``value`` reaches the paper's best-known value of ``game`` (within :data:`REACH_TOL`;
    1e-9 for the :data:`PROVEN_OPTIMA`); ``False`` for a game without one."""
    if game not in BEST_KNOWN:
        return False
    return value >= BEST_KNOWN[game] - (1e-9 if game in PROVEN_OPTIMA else REACH_TOL)


class UnknownGame(ValueError):
    """A game id that names no game of this part (or a size outside the supported range)."""


def check_game(game: str, parameter: str = "game") -> str:
    """``game`` if it names a game :func:`make_game` can build; :class:`UnknownGame` naming ``parameter`` otherwise."""
    if not isinstance(game, str):
        raise UnknownGame(f"parameter {parameter!r} = {game!r}: expected a game id string")
    if game in ("mini-hanabi", *EXTRA_GAMES):
        return game
    family, _, size = game.rpartition("-")
    if family in _RANGES:
        lo, hi = _RANGES[family]
        if size.isdigit() and lo <= int(size) <= hi:
            return game
        raise UnknownGame(f"parameter {parameter!r} = {game!r}: the size of {family} must be an integer in "
                          f"[{lo}, {hi}]")
    raise UnknownGame(f"parameter {parameter!r} = {game!r}: unknown game; expected mini-hanabi, "
                      f"tiny-bridge-2p, comm-L (L in 1..7), bidding-N (N in 2..16) or bridge2-N (N in 1..5)")


@functools.lru_cache(maxsize=4)
def make_game(game: str) -> GameTree:
    """The tree of game ``game`` (cached: a sweep over seeds builds each tree once per process)."""
    from helpers.jps.games import bidding, bridge2, comm, minihanabi

    check_game(game)
    if game == "mini-hanabi":
        return minihanabi.build()
    if game == "tiny-bridge-2p":
        from helpers.jps.openspiel_games import load_openspiel

        tree = load_openspiel("tiny_bridge_2p")
        return tree
    family, _, size = game.rpartition("-")
    builders = {"comm": comm.build, "bidding": bidding.build, "bridge2": bridge2.build}
    return builders[family](int(size))
