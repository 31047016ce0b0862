"""Figures of the ablation chapter: transfer heatmap, seeded bars, size, cost and data curves.

Explained in the book: {ref}`lipost-ablations`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns


def heatmap(table: pd.DataFrame, title: str):
    """Annotated heatmap of a trained-on x evaluated-on table."""
    fig, ax = plt.subplots(figsize=(1.2 * table.shape[1] + 2.5, 0.5 * table.shape[0] + 1.5))
    sns.heatmap(table, annot=True, fmt=".2f", cmap="viridis", cbar_kws={"label": "main metric"}, ax=ax)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("evaluated on")
    fig.tight_layout()
    return fig


def grouped_bars(means: pd.DataFrame, sds: pd.DataFrame, title: str):
    """Horizontal bars: one group per row of ``means``, one bar per column, ± ``sds``."""
    labels = [" ".join(map(str, ix)) if isinstance(ix, tuple) else str(ix) for ix in means.index]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1.5))
    height = 0.8 / means.shape[1]
    for i, column in enumerate(means.columns):
        y = [j + i * height for j in range(len(labels))]
        ax.barh(y, means[column], height=height, xerr=sds[column], label=column, capsize=2)
    ax.set_yticks([j + 0.4 - height / 2 for j in range(len(labels))], labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("main metric, mean ± sd over seeds")
    ax.set_title(title, fontsize=10)
    ax.legend(bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def size_curve(points: pd.DataFrame):
    """Mean in-domain main metric against bytes per embedding (float32), one line per method."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for method, rows in points.groupby("method"):
        rows = rows.sort_values("bytes")
        ax.plot(rows["bytes"], rows["value"], marker="o", label=method)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("bytes per embedding (float32)")
    ax.set_ylabel("mean main metric, in-domain tasks")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def cost_quality(points: pd.DataFrame):
    """Two panels against trained top layers: mean in-domain main metric, and seconds per step."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    points = points.sort_values("unfrozen")
    left.plot(points["unfrozen"], points["value"], marker="o")
    left.set_xlabel("top layers trained")
    left.set_ylabel("mean main metric, in-domain")
    right.plot(points["unfrozen"], points["sec_per_step"], marker="o", color="darkorange")
    right.set_xlabel("top layers trained")
    right.set_ylabel("seconds per training step")
    fig.tight_layout()
    return fig


def learning_curve(points: pd.DataFrame):
    """Main metric per task against training pairs per task (log scale)."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    sns.lineplot(data=points, x="pairs", y="value", hue="task", marker="o", ax=ax)
    ax.set_xscale("log")
    ax.set_xlabel("training pairs per task (cap)")
    ax.set_ylabel("main metric")
    ax.legend(bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
