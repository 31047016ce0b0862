"""Mini-Hanabi: the 2-card, 3-action matrix game of the BAD paper (Foerster et al. 2019).

Chance deals ``(c1, c2)`` uniform over ``{0, 1}^2``; P1 sees c1, P2 sees c2. P1 picks
``a1`` in {0, 1, 2}; P2 sees ``a1`` and picks ``a2`` in {0, 1, 2}. The payoff is
``PAYOFF[c1, c2][a1, a2]``. The optimum is 10; the "safe" policy (1, 1) scores 8.
OpenSpiel's ``tiny_hanabi`` with its default parameters is the same game.

Explained in the book: {ref}`jps-games-rules`.
"""

from __future__ import annotations

import numpy as np

from helpers.jps.games.public import build_public, leaf_payoffs
from helpers.jps.tree import TERMINAL, GameTree, from_public_tree

_TIE = [[10, 0, 0], [4, 8, 4], [10, 0, 0]]
PAYOFF = np.array([[_TIE, [[0, 0, 10], [4, 8, 4], [0, 0, 10]]],
                   [[[0, 0, 10], [4, 8, 4], [0, 0, 0]], _TIE]], dtype=float)
"""``PAYOFF[c1, c2, a1, a2]``."""


def build() -> GameTree:
    """Mini-Hanabi; deal ``d = 2 * c1 + c2``."""

    def moves(history: tuple[int, ...]) -> tuple[int, list[int]]:
        return (len(history), [0, 1, 2]) if len(history) < 2 else (TERMINAL, [])

    public, histories = build_public(moves)
    cards = np.array([[c1, c2] for c1 in (0, 1) for c2 in (0, 1)])
    payoff = leaf_payoffs(cards, public, histories, lambda c, h: PAYOFF[c[:, 0], c[:, 1], h[0], h[1]])
    return from_public_tree("mini-hanabi", cards, public, payoff)


def infoset_of_openspiel_key(key: str) -> int:
    """Our infoset for an infoset key of OpenSpiel's ``tiny_hanabi`` (``"p0:d1"``, ``"p1:d0 p0:a2"``,
    optionally prefixed by the mover as in :class:`~helpers.jps.openspiel_games.OpenSpielIndex`).

    Ours are P1's cards 0, 1, then P2's per P1 action and P2 card: ``2 + 2 * a1 + c2``.
    """
    parts = key.split(":", 1)[1].split() if key[:2] in ("0:", "1:") else key.split()
    card = int(parts[0].split(":d")[1])
    if len(parts) == 1:
        return card
    return 2 + 2 * int(parts[1].split(":a")[1]) + card


def to_tiny_hanabi(tree: GameTree, policy: np.ndarray, theirs: GameTree, keys: list[str]) -> np.ndarray:
    """Our Mini-Hanabi ``policy`` as a policy array of OpenSpiel's tree ``theirs`` (infoset keys ``keys``)."""
    out = np.empty(theirs.n_slots)
    for iset, key in enumerate(keys):
        own = infoset_of_openspiel_key(key)
        out[theirs.slot_ptr[iset]:theirs.slot_ptr[iset + 1]] = policy[tree.slot_ptr[own]:tree.slot_ptr[own + 1]]
    return out
