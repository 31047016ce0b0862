"""Any two-player common-payoff OpenSpiel game as a :class:`~helpers.jps.tree.GameTree`.

The game's histories are enumerated breadth first (so parents precede children and
infosets are numbered by depth); chance nodes keep their outcome probabilities,
decision nodes their legal actions in OpenSpiel's order, and an infoset is the mover's
``information_state_string``. A game that is not for two players, not common-payoff
(``IDENTICAL`` utility) or not sequential is refused, naming the parameter, before any
history is expanded. :func:`to_openspiel_policy` maps a policy array back, so OpenSpiel's
own evaluator (``pyspiel.expected_returns``) can check ours.

Explained in the book: {ref}`jps-games-openspiel`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from helpers.jps.tree import CHANCE, TERMINAL, GameTree, assemble


class NotCommonPayoff(ValueError):
    """An OpenSpiel game this part cannot use: not two-player, not common-payoff, or simultaneous-move."""


@dataclass(frozen=True)
class OpenSpielIndex:
    """Per infoset of the tree: OpenSpiel's information-state string and legal actions (in slot order)."""

    keys: list[str]
    legal: list[list[int]]


def check_openspiel_game(game: object, parameter: str = "openspiel_game"):
    """The loaded ``pyspiel`` game (``game`` may be a name); :class:`NotCommonPayoff` naming ``parameter`` otherwise."""
    import pyspiel

    if isinstance(game, str):
        try:
            game = pyspiel.load_game(game)
        except pyspiel.SpielError as err:
            raise NotCommonPayoff(f"parameter {parameter!r} = {game!r}: OpenSpiel has no such game ({err})") from err
    kind = game.get_type()
    name = kind.short_name
    if game.num_players() != 2:
        raise NotCommonPayoff(f"parameter {parameter!r} = {name!r}: expected a two-player game, it has "
                              f"{game.num_players()} players")
    if kind.utility != pyspiel.GameType.Utility.IDENTICAL:
        raise NotCommonPayoff(f"parameter {parameter!r} = {name!r}: expected a common-payoff (IDENTICAL utility) "
                              f"game, it is {kind.utility.name}")
    if kind.dynamics != pyspiel.GameType.Dynamics.SEQUENTIAL:
        raise NotCommonPayoff(f"parameter {parameter!r} = {name!r}: expected a sequential game, it has "
                              f"{kind.dynamics.name} moves")
    return game


def openspiel_tree(game: object, name: str | None = None) -> tuple[GameTree, OpenSpielIndex]:
    """The tree of an OpenSpiel game (a name or a loaded game) and its infoset index."""
    game = check_openspiel_game(game)
    name = name or game.get_type().short_name
    parent, player, infoset, chance_prob, action, payoff = [], [], [], [], [], []
    keys: dict[str, int] = {}
    legal: list[list[int]] = []
    iset_player: list[int] = []
    queue = deque([(game.new_initial_state(), -1, 0, 0.0)])
    while queue:
        state, up, index, prob = queue.popleft()
        me = len(parent)
        parent.append(up)
        action.append(index)
        chance_prob.append(prob)
        if state.is_terminal():
            player.append(TERMINAL)
            infoset.append(-1)
            payoff.append(float(state.returns()[0]))
            continue
        payoff.append(0.0)
        if state.is_chance_node():
            player.append(CHANCE)
            infoset.append(-1)
            for k, (move, p) in enumerate(state.chance_outcomes()):
                queue.append((state.child(move), me, k, float(p)))
            continue
        mover = state.current_player()
        key = f"{mover}:{state.information_state_string(mover)}"
        moves = state.legal_actions()
        if key not in keys:
            keys[key] = len(keys)
            legal.append(list(moves))
            iset_player.append(mover)
        player.append(mover)
        infoset.append(keys[key])
        for k, move in enumerate(moves):
            queue.append((state.child(move), me, k, 0.0))
    tree = assemble(name, np.array(parent), np.array(player), np.array(infoset), np.array(chance_prob),
                    np.array(action), np.array(payoff), np.array(iset_player),
                    np.array([len(x) for x in legal], dtype=np.int64))
    return tree, OpenSpielIndex(keys=list(keys), legal=legal)


def load_openspiel(game: object, name: str | None = None) -> GameTree:
    """:func:`openspiel_tree` without the index."""
    return openspiel_tree(game, name)[0]


def to_openspiel_policy(tree: GameTree, index: OpenSpielIndex,
                        policy: np.ndarray) -> dict[str, list[tuple[int, float]]]:
    """``policy`` as ``{information_state_string: [(action, probability), ...]}`` for ``pyspiel.expected_returns``."""
    table = {}
    for iset, key in enumerate(index.keys):
        lo, hi = tree.slot_ptr[iset], tree.slot_ptr[iset + 1]
        table[key.split(":", 1)[1]] = list(zip(index.legal[iset], (float(p) for p in policy[lo:hi]), strict=True))
    return table


def openspiel_cfr_value(game: object, iterations: int) -> float:
    """J of the *average* policy of OpenSpiel's own C++ ``CFRSolver`` after ``iterations``
    iterations (uniform start, alternating updates), by ``pyspiel.expected_returns``."""
    import pyspiel

    game = check_openspiel_game(game)
    solver = pyspiel.CFRSolver(game)
    for _ in range(iterations):
        solver.evaluate_and_update_policy()
    return float(pyspiel.expected_returns(game.new_initial_state(), solver.average_policy(), -1, True)[0])
