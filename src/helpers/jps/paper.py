"""The paper's tabular results, quoted (Tian, Gong, Jiang 2020, Table 1), for the book to
set beside this run's numbers, and the paper's settings the chapters default to. Nothing
here is measured: every figure is the paper's.

Explained in the book: {ref}`jps-search-table`.
"""

from __future__ import annotations

from helpers.jps.games import BEST_KNOWN, PAPER_GAMES

CFR_ITERATIONS = 1000
"""The paper's CFR1k: CFR iterations per seed (the default of every chapter, and of OpenSpiel's CFR)."""

JPS_ITERATIONS = 100
"""The paper's released code's cap on JPS outer iterations (the default of chapters 2 and 3)."""

PAPER_TABLE: dict[str, dict[str, float]] = {
    "CFR1k": dict(zip(PAPER_GAMES, (0.89, 0.85, 0.85, 0.85, 9.11, 2.18, 4.96, 10.47, 1.01, 1.62, 2.60), strict=True)),
    "CFR1k+JPS": dict(zip(PAPER_GAMES, (1.00, 1.00, 1.00, 1.00, 9.50, 2.20, 5.00, 10.56, 1.07, 1.71, 2.74),
                          strict=True)),
    "A2C": dict(zip(PAPER_GAMES, (0.60, 0.57, 0.51, 0.02, 8.20, 2.19, 4.79, 9.97, 0.66, 1.03, 1.71), strict=True)),
    "BAD": dict(zip(PAPER_GAMES, (1.00, 0.88, 0.50, 0.29, 9.47, 2.23, 4.99, 9.81, 0.53, 0.98, 1.31), strict=True)),
    "Best known": dict(BEST_KNOWN),
}
"""Method -> game -> the paper's mean over seeds (no spread is reported)."""

PAPER_STARRED: dict[str, set[str]] = {
    "CFR1k": {"comm-3", "mini-hanabi", "bidding-4", "bidding-8", "bridge2-3", "bridge2-4"},
    "CFR1k+JPS": set(PAPER_GAMES),
    "A2C": {"comm-3", "mini-hanabi"},
    "BAD": {"comm-3", "mini-hanabi", "bidding-4", "bidding-8"},
}
"""Cells the paper marks with ``*`` (read as: at least one seed reached the best-known value)."""

BRIDGE_RESULT = {"imps_per_board": 0.63, "boards": 1000, "standard_error": 0.194, "previous_best": 0.41,
                 "three_day_model": 0.44}
"""The contract-bridge match against WBridge5, quoted (the repository's README and scoring script)."""

GAME_LABELS = {"comm-3": "Comm L=3", "comm-5": "Comm L=5", "comm-6": "Comm L=6", "comm-7": "Comm L=7",
               "mini-hanabi": "Mini-Hanabi", "bidding-4": "SB N=4", "bidding-8": "SB N=8", "bidding-16": "SB N=16",
               "bridge2-3": "2SB N=3", "bridge2-4": "2SB N=4", "bridge2-5": "2SB N=5",
               "tiny-bridge-2p": "tiny_bridge_2p"}
"""The table's column titles."""

SAMPLED_COUNTS = (1, 2, 5, 8, 15, 20, 25, 30)
"""The sample counts k of the paper's second table (sample-based JPS)."""

PAPER_SAMPLED: dict[str, dict[str, float]] = {
    "mini-hanabi": {"all states": 9.50, **dict(zip(map(str, SAMPLED_COUNTS),
                                                   (10.00, 9.99, 9.95, 9.75, 9.51, 9.51, 9.51, 9.51), strict=True))},
    "bidding-16": {"all states": 10.56, **dict(zip(map(str, SAMPLED_COUNTS),
                                                   (10.47, 10.47, 10.49, 10.52, 10.58, 10.60, 10.61, 10.61),
                                                   strict=True))},
}
"""The paper's second table, rows initialised from CFR1k (quoted): game -> k -> mean value."""
