"""Shape metric rows into the tables chapters show.

Explained in the book's chapter "Baselines" (section *How we measure*).
"""

from __future__ import annotations

import pandas as pd

from helpers.evaluation.suite import MAIN_METRIC


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
