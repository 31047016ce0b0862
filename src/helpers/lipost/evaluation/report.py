"""Shape metric rows into the tables chapters show.

Explained in the book: {ref}`lipost-baselines-how-we-measure`.
"""

from __future__ import annotations

import pandas as pd

from helpers.lipost.evaluation.suite import MAIN_METRIC


def main_metric_rows(rows: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """Keep, per task, only its main metric (``mrr@10`` or ``label_accuracy``)."""
    main = rows["task"].map(lambda t: MAIN_METRIC[manifest[t]["kind"]])
    return rows[rows["metric"] == main].copy()


def wide(rows: pd.DataFrame, columns: str = "lang", index: tuple[str, ...] = ("task",)) -> pd.DataFrame:
    """Pivot tidy rows to a task x ``columns`` table of values."""
    return rows.pivot_table(index=list(index), columns=columns, values="value", aggfunc="mean").round(3)


def styled(table: pd.DataFrame, precision: int = 3):
    """A table for the book: fixed precision, an em dash where a cell does not apply."""
    return table.style.format(precision=precision, na_rep="—")


def wins(pooled: pd.DataFrame, model: str, other: str, tasks: list[str]) -> list[str]:
    """Tasks (of ``tasks``) on which ``model``'s pooled value is strictly above ``other``'s."""
    value = pooled.set_index(["task", "model"])["value"]
    return [t for t in tasks if (t, model) in value and (t, other) in value and value[(t, model)] > value[(t, other)]]


def claim_verdict(n_wins: int, n_tasks: int) -> str:
    """"holds" when every task is won, "holds partly" when some are, else "does not hold"."""
    return "holds" if n_wins == n_tasks else "holds partly" if n_wins else "does not hold"


def win_table(pooled: pd.DataFrame, pairs: list[tuple[str, str]], tasks: list[str]) -> pd.DataFrame:
    """Task x "model > other" table of booleans, for each (model, other) pair."""
    return pd.DataFrame({f"{m} > {o}": [t in wins(pooled, m, o, tasks) for t in tasks] for m, o in pairs},
                        index=tasks)


def bottleneck_finding(table: pd.DataFrame, full_dim: int, small_dim: int, tie: float = 0.005) -> dict[str, str]:
    """Read the compression diagnosis of chapter 3 (a task x embedding table) into glue-ready text.

    Columns expected: ``base <full>``, ``base first-<small>``, ``base PCA-<small>``,
    ``tuned <full>``, ``tuned first-<small> (Matryoshka)``, ``tuned PCA-<small>``.
    Differences within ``tie`` count as "about the same as".
    """
    mean = table.mean()
    base_full, base_first = table[f"base {full_dim}"], table[f"base first-{small_dim}"]
    base_pca, tuned_full = table[f"base PCA-{small_dim}"], table[f"tuned {full_dim}"]
    mat, pca = mean[f"tuned first-{small_dim} (Matryoshka)"], mean[f"tuned PCA-{small_dim}"]
    relation = "about the same as" if abs(mat - pca) <= tie else "above" if mat > pca else "below"
    if relation == "below":
        reading = (f"A linear map fitted after training beats the trained first {small_dim} coordinates, so "
                   "training under-used the small size: more weight on it, or more steps, should help.")
    else:
        reading = (f"Training used the first {small_dim} coordinates at least as well as a linear compression "
                   "fitted afterwards, so most of the gap is the size itself, not the training.")
    return {
        "small": str(small_dim),
        "base_pca_loss": f"{(base_full - base_pca).mean():.3f}",
        "base_worst": str((base_full - base_pca).idxmax()),
        "base_first_loss": f"{(base_full - base_first).mean():.3f}",
        "mat_vs_pca": relation,
        "mat_mean": f"{mat:.3f}",
        "pca_mean": f"{pca:.3f}",
        "tuned_gap": f"{(tuned_full.mean() - mat):.3f}",
        "reading": reading,
    }
