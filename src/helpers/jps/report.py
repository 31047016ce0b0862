"""The chapters' tables: the CFR runs of the games chapter (one row per seed, their
``metrics.csv`` rows, the spread per game), and the main table in the paper's layout, this
run's rows beside the paper's, quoted.

Explained in the book: {ref}`jps-games-cfr` and {ref}`jps-search-table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.jps.games import BEST_KNOWN
from helpers.jps.paper import GAME_LABELS, PAPER_STARRED, PAPER_TABLE
from helpers.jps.sweep import reaches

CFR_METRICS = (("expected_value", "value"), ("mean_iterate_value", "mean over iterations"),
               ("purified_value", "purified"), ("seconds", "seconds"))
"""``metrics.csv`` metric name -> the :func:`cfr_values` column it reads, in row order."""


def cfr_values(records: list[dict]) -> pd.DataFrame:
    """One row per CFR-only record (:func:`helpers.jps.sweep.cfr_job`), in the records' order.

    Args:
        records: the jobs' results, each with ``game``, ``seed``, ``cfr_value``,
            ``cfr_mean_value``, ``cfr_pure_value`` and ``cfr_seconds``.

    Returns:
        Columns ``game``, ``seed``, ``value`` (the final iterate's exact value), ``mean over
        iterations``, ``purified`` and ``seconds``.

    Explained in the book: {ref}`jps-games-cfr`.
    """
    return pd.DataFrame([{"game": r["game"], "seed": r["seed"], "value": r["cfr_value"],
                          "mean over iterations": r["cfr_mean_value"], "purified": r["cfr_pure_value"],
                          "seconds": r["cfr_seconds"]} for r in records])


def cfr_metric_rows(values: pd.DataFrame) -> list[dict]:
    """The ``metrics.csv`` rows of :func:`cfr_values`: per seed, one row per metric of :data:`CFR_METRICS`.

    Args:
        values: the table :func:`cfr_values` returns.

    Returns:
        Long-format rows (run ``cfr-distribution``, model ``cfr1k``, task = game, lang ``all``,
        ``n`` 1), seed by seed in the table's order, the metrics in :data:`CFR_METRICS` order.

    Explained in the book: {ref}`jps-games-cfr`.
    """
    rows = []
    for _, row in values.iterrows():
        for metric, column in CFR_METRICS:
            rows.append({"run": "cfr-distribution", "model": "cfr1k", "task": row["game"], "lang": "all",
                         "metric": metric, "value": row[column], "n": 1, "seed": int(row["seed"])})
    return rows


def _distinct_values(values: pd.Series) -> int:
    """How many different values ``values`` holds, rounded to two decimals (the paper's precision)."""
    return len(set(np.round(values, 2)))


def cfr_distribution(values: pd.DataFrame) -> pd.DataFrame:
    """How the final-iterate values of :func:`cfr_values` spread over seeds, per game.

    Args:
        values: the table :func:`cfr_values` returns.

    Returns:
        One row per game (index ``game``, in first-seen order) with ``seeds``, ``mean``, ``sd``,
        ``lowest``, ``highest``, ``distinct_values`` (at two decimals), ``seeds at best known``
        (:func:`helpers.jps.sweep.reaches`) and ``largest |final − mean iterate|`` (over seeds,
        the final iterate's value against the mean over iterations).

    Explained in the book: {ref}`jps-games-cfr`.
    """
    distribution = values.groupby("game", sort=False).agg(
        seeds=("value", "size"), mean=("value", "mean"), sd=("value", "std"), lowest=("value", "min"),
        highest=("value", "max"), distinct_values=("value", _distinct_values))
    distribution["seeds at best known"] = [int(sum(reaches(g, v) for v in values[values["game"] == g]["value"]))
                                           for g in distribution.index]
    distribution["largest |final − mean iterate|"] = (
        values.assign(gap=(values["value"] - values["mean over iterations"]).abs())
        .groupby("game", sort=False)["gap"].max())
    return distribution


def main_table(summary: pd.DataFrame, games: list[str]) -> pd.DataFrame:
    """Rows: ours (mean ± sd over seeds; how many seeds reach the best-known value), then the
    paper's rows marked as quoted (``*``: the paper's mark that a seed reached the best known)."""
    cells: dict[str, dict[str, str]] = {}
    for model, title in (("cfr1k", "CFR1k (ours)"), ("cfr1k+jps", "CFR1k+JPS (ours)")):
        own = summary[summary["model"] == model].set_index("game")
        cells[title] = {g: f"{own.loc[g, 'mean']:.3f} ± {own.loc[g, 'sd']:.3f}" for g in games if g in own.index}
        cells[f"{title}: seeds reaching best known"] = {
            g: (f"{int(own.loc[g, 'reached'])}/{int(own.loc[g, 'seeds'])}" if g in BEST_KNOWN else "–")
            for g in games if g in own.index}
    for method, values in PAPER_TABLE.items():
        starred = PAPER_STARRED.get(method, set())
        cells[f"{method} (paper, quoted)"] = {g: f"{values[g]:.2f}" + ("*" if g in starred else "")
                                              for g in games if g in values}
    table = pd.DataFrame(cells).T.reindex(columns=games).fillna("–")
    return table.rename(columns=GAME_LABELS)


def time_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per game: mean seconds per seed of CFR1k and of JPS, and mean JPS state visits."""
    picked = rows[rows["metric"].isin(["seconds", "visits"])]
    table = picked.pivot_table(index="task", columns=["model", "metric"], values="value", aggfunc="mean")
    out = pd.DataFrame({"CFR1k seconds": table[("cfr1k", "seconds")],
                        "JPS seconds": table[("cfr1k+jps", "seconds")],
                        "JPS state visits": table[("cfr1k+jps", "visits")]})
    order = [g for g in GAME_LABELS if g in out.index]
    return out.loc[order]


def sampled_table(records: list[dict]) -> pd.DataFrame:
    """Sample-based JPS: per game, our mean value over seeds for every k ("all states" is the
    exact search) and the lowest value any step reached, beside the paper's row (quoted)."""
    from helpers.jps.paper import PAPER_SAMPLED

    rows = []
    for game in dict.fromkeys(rec["game"] for rec in records):
        own = [rec for rec in records if rec["game"] == game]
        keys = list(own[0]["jps"])
        mean = {("all states" if k == "0" else f"k={k}"): sum(r["jps"][k]["value"] for r in own) / len(own)
                for k in keys}
        label = GAME_LABELS.get(game, game)
        cfr_mean = sum(r["cfr_value"] for r in own) / len(own)
        rows.append({"row": f"{label}, CFR1k + JPS (ours, {len(own)} seeds)",
                     **{column: f"{v:.3f}" for column, v in mean.items()}})
        rows.append({"row": f"{label}, CFR1k (ours)", "all states": f"{cfr_mean:.3f}"})
        if game in PAPER_SAMPLED:
            rows.append({"row": f"{label}, CFR1k + JPS (paper, quoted)",
                         **{("all states" if k == "all states" else f"k={k}"): f"{v:.2f}"
                            for k, v in PAPER_SAMPLED[game].items()}})
    table = pd.DataFrame(rows).set_index("row")
    ks = sorted((c for c in table.columns if c.startswith("k=")), key=lambda c: int(c[2:]))
    return table[["all states", *ks]].fillna("–")
