"""The sweeps' records as rows: ``metrics.csv`` rows (one per measurement, no intervals) and
the long frames the chapters' tables are built from (:mod:`helpers.jps.report`).

Records come from :mod:`helpers.jps.sweep`; a record read back from its file has its keys
sorted, so every function here orders depths and sample counts itself (:func:`by_depth`,
:func:`by_samples`).

Explained in the book: {ref}`jps-games-cfr` and {ref}`jps-search-table`.
"""

from __future__ import annotations

import pandas as pd


def by_depth(runs: dict[str, dict]) -> list[tuple[str, dict]]:
    """A record's JPS runs keyed by depth limit, in one order whether the record was just
    computed or read back from its (key-sorted) file: limited depths ascending, then 0 (unlimited)."""
    return sorted(runs.items(), key=lambda item: (int(item[0]) == 0, int(item[0])))


def by_samples(runs: dict[str, dict]) -> list[tuple[str, dict]]:
    """A sampled record's JPS runs keyed by k, in ascending k (0, the exact search, first), in
    one order whether the record was just computed or read back from its file."""
    return sorted(runs.items(), key=lambda item: int(item[0]))


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


def game_rows(records: list[dict]) -> list[dict]:
    """``metrics.csv`` rows of CFR+JPS records (:func:`helpers.jps.sweep.cfr_jps_job`): per seed the
    ``cfr1k`` value and seconds, and per JPS run its value, seconds and state visits (model
    ``cfr1k+jps``, or ``cfr1k+jps(d=<depth>)`` when a record holds several depths).

    Explained in the book: {ref}`jps-search-table`.
    """
    rows = []
    for rec in records:
        base = {"task": rec["game"], "lang": "all", "n": 1, "seed": rec["seed"]}
        rows.append({**base, "model": "cfr1k", "metric": "expected_value", "value": rec["cfr_value"]})
        rows.append({**base, "model": "cfr1k", "metric": "seconds", "value": rec["cfr_seconds"]})
        for depth, jps in by_depth(rec["jps"]):
            model = "cfr1k+jps" if len(rec["jps"]) == 1 else f"cfr1k+jps(d={depth})"
            rows.append({**base, "model": model, "metric": "expected_value", "value": jps["value"]})
            rows.append({**base, "model": model, "metric": "seconds", "value": jps["seconds"]})
            rows.append({**base, "model": model, "metric": "visits", "value": jps["visits"]})
    return rows


def openspiel_row(value: float, seed: int) -> pd.DataFrame:
    """The ``metrics.csv`` row of OpenSpiel's CFR on Mini-Hanabi (run ``openspiel``).

    Explained in the book: {ref}`jps-search-openspiel`.
    """
    return pd.DataFrame([{"run": "openspiel", "model": "openspiel-cfr", "task": "mini-hanabi", "lang": "all",
                          "metric": "expected_value", "value": value, "n": 1, "seed": seed}])


def depth_runs(records: list[dict]) -> pd.DataFrame:
    """The depth ablation's records (:func:`helpers.jps.sweep.depth_jobs`) as one row per (game,
    seed, depth): ``cfr_value`` (the common start), JPS's ``value``, ``seconds`` and ``visits``.

    Explained in the book: {ref}`jps-practices-depth`.
    """
    return pd.DataFrame([{"game": rec["game"], "seed": rec["seed"], "depth": int(depth), "cfr_value": rec["cfr_value"],
                          "value": jps["value"], "seconds": jps["seconds"], "visits": jps["visits"]}
                         for rec in records for depth, jps in by_depth(rec["jps"])])


def sampled_rows(records: list[dict]) -> pd.DataFrame:
    """``metrics.csv`` rows of sample-based JPS (:func:`helpers.jps.sweep.sampled_jobs`): per seed
    and k the value, model ``cfr1k+jps(k=<k>)`` (``cfr1k+jps`` for the exact search), run ``sampled``.

    Explained in the book: {ref}`jps-practices-samples`.
    """
    return pd.DataFrame([{"run": "sampled", "model": "cfr1k+jps" + ("" if k == "0" else f"(k={k})"),
                          "task": rec["game"], "lang": "all", "metric": "expected_value", "value": jps["value"],
                          "n": 1, "seed": rec["seed"]}
                         for rec in records for k, jps in by_samples(rec["jps"])])
