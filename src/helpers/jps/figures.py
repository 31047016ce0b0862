"""Part II's figures: CFR value distributions, JPS curves, time per game, the depth ablation.

Explained in the book: {ref}`jps-search-table`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.jps.paper import GAME_LABELS


def value_strips(values: pd.DataFrame, best: dict[str, float]):
    """One panel per game: each seed's value (dots) and the best-known value (dashed line)."""
    games = list(dict.fromkeys(values["game"]))
    fig, axes = plt.subplots(1, len(games), figsize=(2.2 * len(games), 2.8), squeeze=False)
    for ax, game in zip(axes[0], games, strict=True):
        own = values[values["game"] == game]["value"]
        ax.plot([0] * len(own), own, "o", alpha=0.5)
        if game in best:
            ax.axhline(best[game], ls="--", color="grey")
        ax.set_title(GAME_LABELS.get(game, game), fontsize=9)
        ax.set_xticks([])
    axes[0][0].set_ylabel("CFR1k value per seed")
    fig.tight_layout()
    return fig


def jps_curves(curves: pd.DataFrame, best: dict[str, float]):
    """Mean value over seeds after each JPS outer iteration, one panel per game."""
    games = list(dict.fromkeys(curves["game"]))
    cols = min(4, len(games))
    rows = (len(games) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.5 * rows), squeeze=False)
    for ax, game in zip(axes.flat, games, strict=False):
        mean = curves[curves["game"] == game].groupby("iteration")["value"].mean()
        ax.plot(mean.index, mean.values)
        if game in best:
            ax.axhline(best[game], ls="--", color="grey")
        ax.set_title(GAME_LABELS.get(game, game), fontsize=9)
        ax.set_xlabel("JPS iteration")
    for ax in list(axes.flat)[len(games):]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def time_bars(times: pd.DataFrame):
    """Mean seconds per seed of CFR1k and of JPS, per game (log scale)."""
    fig, ax = plt.subplots(figsize=(8, 3))
    times.rename(index=GAME_LABELS).plot.bar(ax=ax, logy=True)
    ax.set_ylabel("seconds per seed")
    fig.tight_layout()
    return fig


def depth_tradeoff(summary: pd.DataFrame):
    """Value gained over CFR1k against search time, one line per game, points labelled by depth."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for game, group in summary.groupby("game", sort=False):
        group = group.sort_values("seconds")
        ax.plot(group["seconds"], group["gain"], "o-", label=GAME_LABELS.get(game, game))
        for _, row in group.iterrows():
            ax.annotate("d=∞" if row["depth"] == 0 else f"d={int(row['depth'])}", (row["seconds"], row["gain"]),
                        fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("JPS seconds per seed")
    ax.set_ylabel("value gained over CFR1k")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
