"""Breadth-first construction of a card game's public tree from a move rule.

Explained in the book: {ref}`jps-games-format`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.jps.tree import TERMINAL, PublicTree

Moves = Callable[[tuple[int, ...]], tuple[int, list[int]]]
"""A public history -> (player to move or TERMINAL, the legal actions in order)."""


def build_public(moves: Moves) -> tuple[PublicTree, list[tuple[int, ...]]]:
    """The public tree reached from the empty history, breadth first, and each node's history."""
    histories: list[tuple[int, ...]] = [()]
    players: list[int] = []
    children: list[list[int]] = []
    head = 0
    while head < len(histories):
        history = histories[head]
        player, actions = moves(history)
        players.append(player)
        kids = []
        for action in actions if player != TERMINAL else []:
            kids.append(len(histories))
            histories.append(history + (action,))
        children.append(kids)
        head += 1
    return PublicTree(player=players, children=children), histories


def leaf_payoffs(cards: np.ndarray, public: PublicTree, histories: list[tuple[int, ...]],
                 score: Callable[[np.ndarray, tuple[int, ...]], np.ndarray]) -> np.ndarray:
    """``(D, P)`` payoffs: ``score(cards, history)`` (vectorised over the deals) at every leaf, 0 elsewhere."""
    payoff = np.zeros((cards.shape[0], len(histories)))
    for p, history in enumerate(histories):
        if public.player[p] == TERMINAL:
            payoff[:, p] = score(cards, history)
    return payoff
