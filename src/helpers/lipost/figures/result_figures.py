"""Figures of result tables (chapters 2 and 3): main metric per task and model, training curves.

Explained in the book: {ref}`lipost-baselines-comparison`, {ref}`lipost-training-model-and-losses`
and {ref}`lipost-training-headline-table`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns


def metric_bars(rows: pd.DataFrame, hue: str, xlabel: str, order: list[str] | None = None,
                bar: float | None = None):
    """Horizontal grouped bars of ``value`` per task, one bar per ``hue`` (model or language).

    ``bar`` draws a dashed reference line (e.g. the saturation bar of chapter 1).
    """
    fig, ax = plt.subplots(figsize=(8, 0.55 * rows["task"].nunique() + 1.5))
    sns.barplot(data=rows, x="value", y="task", hue=hue, hue_order=order, ax=ax, errorbar=None)
    if bar is not None:
        ax.axvline(bar, color="crimson", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.legend(bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def main_metric_bars(pooled: pd.DataFrame, order: list[str]):
    """Grouped bars: pooled main metric per task, one bar per model."""
    return metric_bars(pooled, "model", "main metric (MRR@10 or label accuracy), pooled over languages", order)


def training_curves(log: pd.DataFrame):
    """Per-task training loss against step (from ``train_log.csv``), and the learning rate."""
    tasks = [c for c in log.columns if c.startswith("loss/")]
    long = log.melt(id_vars="step", value_vars=tasks, var_name="task", value_name="task_loss").dropna()
    long["task"] = long["task"].str.removeprefix("loss/")
    fig, (ax, ax_lr) = plt.subplots(1, 2, figsize=(10, 3.4), gridspec_kw={"width_ratios": [3, 1.2]})
    sns.lineplot(data=long, x="step", y="task_loss", hue="task", ax=ax, errorbar=None, marker="o", markersize=3)
    ax.set_ylabel("loss")
    ax.set_title("training loss per task")
    ax_lr.plot(log["step"], log["lr"])
    ax_lr.set_title("learning rate")
    ax_lr.set_xlabel("step")
    fig.tight_layout()
    return fig


def validation_curves(val: pd.DataFrame):
    """Main validation metric per task against step (from ``validation_log.csv``)."""
    cols = [c for c in val.columns if c.startswith("validation_") and c != "validation_mean_main"]
    long = val.melt(id_vars="step", value_vars=cols, var_name="task", value_name="main metric")
    metric_suffix = r"_(label_accuracy|mrr@10)$"
    long["task"] = long["task"].str.removeprefix("validation_").str.replace(metric_suffix, "", regex=True)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    sns.lineplot(data=long, x="step", y="main metric", hue="task", marker="o", ax=ax)
    ax.set_ylim(0, 1)
    ax.legend(bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
