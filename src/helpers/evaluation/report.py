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
