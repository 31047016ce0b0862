"""The part's figures, drawn from the sweeps' records (matplotlib; nothing is copied from
the paper's figures).

Explained in the book: {ref}`specialization-measures`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.specialization import report


def _grid(rows: int, cols: int, width: float = 3.0, height: float = 2.4):
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    return fig, axes


def lshape(configs: list[dict]):
    """Best correlation (x) vs fan-out norm (y) of every student, pooled over seeds; rows p, columns width."""
    decays = sorted({r["decay"] for r in configs})
    multis = sorted({r["multi"] for r in configs})
    fig, axes = _grid(len(decays), len(multis))
    for result in configs:
        axis = axes[decays.index(result["decay"]), multis.index(result["multi"])]
        axis.scatter(np.ravel(result["usefulness"]), np.ravel(result["fanout"]), s=6, alpha=0.5)
        axis.set_xlim(0, 1.1)
        axis.set_ylim(bottom=-0.05)  # the foot of the L sits at zero fan-out: keep zero in view
        axis.set_title(f"p={result['decay']:g}, {result['multi']}x (m={result['m']})", fontsize=9)
    for axis in axes[-1]:
        axis.set_xlabel("best correlation with a teacher")
    for axis in axes[:, 0]:
        axis.set_ylabel("fan-out norm")
    fig.tight_layout()
    return fig


def recovery(configs: list[dict], early_epoch: int, threshold: float):
    """Recovery rate over seeds vs teacher index, one panel per p; solid at the end, dotted after ``early_epoch``."""
    final = report.recovery_by_index(configs, -1, threshold)
    early = report.recovery_by_index(configs, early_epoch, threshold)
    decays = sorted(final["decay"].unique())
    fig, axes = _grid(1, len(decays))
    for axis, decay in zip(axes[0], decays, strict=True):
        for index, multi in enumerate(sorted(final["multi"].unique())):
            color = f"C{index}"
            for table, style in ((final, "-"), (early, ":")):
                part = table[(table.decay == decay) & (table.multi == multi)]
                axis.plot(part.teacher, part.rate, style, color=color, label=f"{multi}x" if style == "-" else None)
        axis.set_title(f"p={decay:g}", fontsize=9)
        axis.set_xlabel("teacher index (1 = strongest)")
        axis.set_ylim(-0.05, 1.05)
    axes[0, 0].set_ylabel("recovery rate over seeds")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def loss_curves(configs: list[dict]):
    """log10 eval loss per epoch, mean +- std over seeds, one curve per width, one panel per p."""
    decays = sorted({r["decay"] for r in configs})
    fig, axes = _grid(1, len(decays))
    for result in sorted(configs, key=lambda r: r["multi"]):
        axis = axes[0, decays.index(result["decay"])]
        logs = np.log10(np.asarray(result["eval_loss"]))
        epochs = np.arange(logs.shape[1])
        axis.plot(epochs, logs.mean(0), label=f"{result['multi']}x")
        axis.fill_between(epochs, logs.mean(0) - logs.std(0), logs.mean(0) + logs.std(0), alpha=0.2)
        axis.set_title(f"p={result['decay']:g}", fontsize=9)
        axis.set_xlabel("epoch")
    axes[0, 0].set_ylabel("log10 eval loss")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def dynamics(result: dict, seeds: int = 3):
    """Best correlation of each teacher node over training, strongest dark to weakest light, per seed."""
    best = np.asarray(result["best_eval"])
    steps = np.arange(best.shape[1]) * result["steps_per_epoch"]
    shown = min(seeds, best.shape[0])
    fig, axes = _grid(1, shown)
    colours = plt.cm.viridis(np.linspace(0, 0.9, best.shape[2]))
    for index in range(shown):
        axis = axes[0, index]
        for teacher in range(best.shape[2]):
            axis.plot(steps, best[index, :, teacher], color=colours[teacher], label=f"{teacher + 1}")
        axis.axhline(0.95, color="grey", lw=0.8, ls="--")
        axis.set_title(f"seed {result['seeds'][index]}", fontsize=9)
        axis.set_xlabel("SGD step")
    axes[0, 0].set_ylabel("best correlation")
    axes[0, 0].legend(fontsize=6, title="teacher", title_fontsize=6, ncol=2)
    fig.tight_layout()
    return fig


def sample_complexity(table: pd.DataFrame):
    """Mean best correlation (mean over seeds) vs training-set size, per data source and width."""
    sources = sorted(table["source"].unique())
    fig, axes = _grid(1, len(sources))
    for axis, source in zip(axes[0], sources, strict=True):
        part = table[table.source == source].groupby(["multi", "size"])["rho_mean"].mean().reset_index()
        for multi in sorted(part["multi"].unique()):
            rows = part[part.multi == multi]
            axis.plot(rows["size"], rows["rho_mean"], "o-", label=f"{multi}x")
        axis.set_xscale("log")
        axis.set_title(source, fontsize=9)
        axis.set_xlabel("training-set size N")
        axis.set_ylim(0, 1.05)
    axes[0, 0].set_ylabel("mean best correlation")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def deep(result: dict):
    """Left: rho_mean per layer vs training-set size; right: the deep L-shape at the largest size."""
    table = report.deep_table(result).groupby(["layer", "size"])["rho_mean"].agg(["mean", "std"]).reset_index()
    points = report.deep_lshape(result)
    layers = sorted(table["layer"].unique())
    fig, axes = _grid(1, 1 + len(layers))
    for layer in layers:
        rows = table[table.layer == layer]
        axes[0, 0].errorbar(rows["size"], rows["mean"], rows["std"], marker="o", capsize=2, label=f"L{layer}")
        part = points[points.layer == layer]
        axes[0, 1 + layer].scatter(part.usefulness, part.fanout, s=6, alpha=0.5)
        axes[0, 1 + layer].set_title(f"layer {layer}", fontsize=9)
        axes[0, 1 + layer].set_xlabel("best correlation")
        axes[0, 1 + layer].set_xlim(0, 1.05)
        axes[0, 1 + layer].set_ylim(bottom=0)
    axes[0, 0].set_xscale("log")
    axes[0, 0].set_xlabel("training-set size N")
    axes[0, 0].set_ylabel("ρ_mean")
    axes[0, 0].legend(fontsize=7)
    axes[0, 1].set_ylabel("generalised fan-out")
    fig.tight_layout()
    return fig


def digits(result: dict):
    """rho_mean per layer of students of each width of the digits teacher (mean +- std over seeds)."""
    fig, axes = _grid(1, 1, width=4.5)
    multis = sorted(result["rho_mean"], key=int)
    for offset, multi in enumerate(multis):
        values = np.asarray(result["rho_mean"][multi])
        layers = np.arange(values.shape[1])
        axes[0, 0].bar(layers + 0.25 * offset, values.mean(0), 0.25, yerr=values.std(0), label=f"{multi}x")
    axes[0, 0].set_xticks(np.arange(len(result["widths"])) + 0.25, [f"layer {i}" for i in range(len(result["widths"]))])
    axes[0, 0].set_ylabel("ρ_mean (held-out digits)")
    axes[0, 0].set_ylim(0, 1)
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def batchnorm(table: pd.DataFrame):
    """Share of BN shifts below zero per layer (substitute network)."""
    fig, axes = _grid(1, 1, width=4.5)
    axes[0, 0].bar(table["layer"], table["negative_share"])
    axes[0, 0].axhline(0.5, color="grey", lw=0.8, ls="--")
    axes[0, 0].set_xlabel("BN layer (1 = lowest)")
    axes[0, 0].set_ylabel("share of β < 0")
    axes[0, 0].set_ylim(0, 1)
    fig.tight_layout()
    return fig
