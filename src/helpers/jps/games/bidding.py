"""Simple Bidding (the paper's Definition 2), parameter N.

Chance draws ``c1`` and ``c2`` independently and uniformly from ``0 .. N-1`` (ties
possible); P1 sees c1, P2 sees c2. Action 0 is Pass, action ``k >= 1`` bids the contract
``2^(k-1)``, for ``k = 1 .. K`` with ``2^(K-1)`` the largest power of two <= ``2N - 2``
(contracts {1, 2, 4} for N = 4, up to 8 for N = 8, up to 16 for N = 16). P1 opens and may
not pass; then the players alternate, each passing or bidding higher; the first pass
ends the game (after the top bid only Pass is legal). Both get ``2^(k-1)`` for the last
bid k if that contract is <= ``c1 + c2``, else 0.

Explained in the book: {ref}`jps-games-rules`.
"""

from __future__ import annotations

import numpy as np

from helpers.jps.games.public import build_public, leaf_payoffs
from helpers.jps.tree import TERMINAL, GameTree, from_public_tree


def top_bid(n_values: int) -> int:
    """K: the number of bids, so that the top contract ``2^(K-1)`` is the largest power of two <= 2N - 2."""
    return int(np.floor(np.log2(2 * n_values - 2))) + 1


def build(n_values: int) -> GameTree:
    """Simple Bidding with cards ``0 .. n_values - 1``; deal ``d = c1 * N + c2``."""
    top = top_bid(n_values)

    def moves(history: tuple[int, ...]) -> tuple[int, list[int]]:
        if not history:
            return 0, list(range(1, top + 1))
        if history[-1] == 0:
            return TERMINAL, []
        return len(history) % 2, [0, *range(history[-1] + 1, top + 1)]

    def score(cards: np.ndarray, history: tuple[int, ...]) -> np.ndarray:
        contract = 2.0 ** (history[-2] - 1)
        return np.where(contract <= cards[:, 0] + cards[:, 1], contract, 0.0)

    public, histories = build_public(moves)
    grid = np.arange(n_values)
    cards = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(-1, 2)
    return from_public_tree(f"bidding-{n_values}", cards, public, leaf_payoffs(cards, public, histories, score))
