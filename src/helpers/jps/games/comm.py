"""Comm, the simple communication game (the paper's Definition 1), parameter L.

Chance deals P1 a card uniform over ``0 .. 2^L - 1``; P2 sees nothing. P1 sends L binary
signals in a row (seeing its card and its earlier signals); then P2 guesses the card
once, with ``2^L`` actions. Both get 1 if the guess is right, else 0. The optimum is 1
(send the card's binary code).

Explained in the book: {ref}`jps-games-rules`.
"""

from __future__ import annotations

import numpy as np

from helpers.jps.games.public import build_public, leaf_payoffs
from helpers.jps.tree import TERMINAL, GameTree, from_public_tree


def build(rounds: int) -> GameTree:
    """Comm with ``rounds`` = L signalling rounds and ``2^L`` cards."""
    n_cards = 2 ** rounds

    def moves(history: tuple[int, ...]) -> tuple[int, list[int]]:
        if len(history) < rounds:
            return 0, [0, 1]
        if len(history) == rounds:
            return 1, list(range(n_cards))
        return TERMINAL, []

    public, histories = build_public(moves)
    cards = np.stack([np.arange(n_cards), np.zeros(n_cards, dtype=np.int64)], axis=1)
    payoff = leaf_payoffs(cards, public, histories, lambda c, h: (c[:, 0] == h[-1]).astype(float))
    return from_public_tree(f"comm-{rounds}", cards, public, payoff)
