"""2-Suited Mini-Bridge (the paper's Definition 3), parameter N.

Each player holds N cards in hearts and spades; the private card is the number of
hearts ``h`` in ``0 .. N``, and ``(h1, h2)`` is uniform over the ``(N+1)^2`` pairs. Action
0 is Pass; action ``a = 2L - 1`` bids L hearts and ``a = 2L`` bids L spades (1H < 1S < 2H
< ... < NS). P1 opens and may pass without ending the auction; then the players
alternate, each passing or bidding higher, and the first pass that is not the opening
action ends it (Pass-Pass scores 0). A contract of level L in a suit makes when the
partnership holds at least ``N + L`` cards of it (hearts ``h1 + h2``, spades
``2N - h1 - h2``): it scores ``2^(L-1)`` if made, -1 if not.

Explained in the book: {ref}`jps-games-rules`.
"""

from __future__ import annotations

import numpy as np

from helpers.jps.games.public import build_public, leaf_payoffs
from helpers.jps.tree import TERMINAL, GameTree, from_public_tree


def build(n_cards: int) -> GameTree:
    """2-Suited Bridge with N = ``n_cards``; deal ``d = h1 * (N + 1) + h2``."""
    n_bids = 2 * n_cards

    def moves(history: tuple[int, ...]) -> tuple[int, list[int]]:
        if len(history) >= 2 and history[-1] == 0:
            return TERMINAL, []
        highest = max(history, default=0)
        return len(history) % 2, [0, *range(highest + 1, n_bids + 1)]

    def score(cards: np.ndarray, history: tuple[int, ...]) -> np.ndarray:
        bid = max(history)
        if bid == 0:
            return np.zeros(cards.shape[0])
        level = (bid + 1) // 2
        hearts = cards[:, 0] + cards[:, 1]
        held = hearts if bid % 2 == 1 else 2 * n_cards - hearts
        return np.where(held >= n_cards + level, 2.0 ** (level - 1), -1.0)

    public, histories = build_public(moves)
    grid = np.arange(n_cards + 1)
    cards = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(-1, 2)
    return from_public_tree(f"bridge2-{n_cards}", cards, public, leaf_payoffs(cards, public, histories, score))
