"""Figures of chapter 1 (data construction): sizes, text lengths, label distributions.

Each function takes a tidy DataFrame and returns a matplotlib ``Figure``.
Explained in the book: {ref}`lipost-data-what-it-looks-like` and {ref}`lipost-data-headroom-check`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns


def pairs_per_task(sizes: pd.DataFrame):
    """Bar chart: pairs per task and language, one panel per split (train, test)."""
    splits = [s for s in ("train", "test") if s in set(sizes["split"])]
    fig, axes = plt.subplots(len(splits), 1, figsize=(7, 3.2 * len(splits)))
    for ax, split in zip(axes, splits, strict=True):
        sub = sizes[sizes["split"] == split]
        sns.barplot(data=sub, x="pairs", y="task", hue="lang", ax=ax, errorbar=None)
        ax.set_title(split)
        ax.set_xlabel("pairs")
        ax.set_ylabel("")
        ax.legend(title="lang", bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def token_lengths(lengths: pd.DataFrame, max_seq_length: int):
    """Histogram of token counts per text field, with the evaluation truncation marked."""
    fields = list(dict.fromkeys(lengths["field"]))
    ncols = 3
    nrows = -(-len(fields) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(10, 3.0 * nrows), squeeze=False)
    axes = list(grid.flat)
    for ax in axes[len(fields):]:
        ax.set_visible(False)
    axes = axes[: len(fields)]
    for ax, field in zip(axes, fields, strict=True):
        sub = lengths[lengths["field"] == field]
        sns.histplot(data=sub, x="tokens", hue="lang", hue_order=sorted(set(lengths["lang"])), ax=ax,
                     element="step", bins=30, stat="density", common_norm=False, legend=ax is axes[0])
        ax.axvline(max_seq_length, color="black", lw=0.8, ls="--")
        ax.set_title(field, fontsize=10)
        ax.set_ylabel("")
    fig.tight_layout()
    return fig


def label_distribution(counts: pd.DataFrame, title: str):
    """Horizontal bars: examples per label, coloured by language."""
    fig, ax = plt.subplots(figsize=(6.5, 0.28 * counts["label"].nunique() + 1.2))
    sns.barplot(data=counts, x="count", y="label", hue="lang", ax=ax, errorbar=None)
    ax.set_title(title)
    ax.set_ylabel("")
    fig.tight_layout()
    return fig


def headroom(main: pd.DataFrame, bar: float):
    """Main metric of the un-tuned base model per task and language, with the saturation bar."""
    from helpers.lipost.figures.result_figures import metric_bars

    return metric_bars(main, "lang", "main metric (MRR@10 or label accuracy)", bar=bar)
