"""Per-unit scores: each query's and item's own score, and paired intervals over them.

The suite (:func:`helpers.lipost.evaluation.suite.evaluate` with ``units``) keeps one score
per query (``rr@10``), classified item (``label_correct``) and triplet
(``triplet_correct``), per language. A step stores them beside ``metrics.csv`` in
``results/units/<step>.parquet`` (:func:`record_units`, atomically; one row per unit, model,
run and seed), so every comparison of two models on the same rows gets a paired interval
(:func:`paired`, through :func:`helpers.intervals.paired_bootstrap`: over the units, and
over the seeds too where a side has several), and a family of comparisons gets Holm's
outcomes (:func:`family`).

Explained in the book: {ref}`lipost-baselines-how-we-measure`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.intervals import Interval, holm_outcomes, paired_bootstrap
from helpers.paths import atomic_write_bytes

UNIT_METRIC = {"mrr@10": "rr@10", "label_accuracy": "label_correct", "triplet_accuracy": "triplet_correct"}
"""A metric over units -> the per-unit score whose mean it is."""

COLUMNS = ["model", "task", "lang", "metric", "unit", "value", "run", "seed"]
OUTCOME_WORD = {True: "win", None: "tie", False: "loss"}
DIFFERENCE = "difference [95 % interval, before Holm]"
"""The column of a comparison's difference and its own (unadjusted) interval; the outcome
column is the family's Holm decision, so an interval that just clears zero may still be a tie."""
"""A Holm-decided outcome of "a beats b" in the chapters' words."""


def units_path(run_dir: str | Path, step: str) -> Path:
    """Where a step's per-unit scores live: ``results/units/<step>.parquet``."""
    return Path(run_dir) / "results" / "units" / f"{step}.parquet"


def write_units(path: Path, frame: pd.DataFrame) -> None:
    """Write a per-unit table as parquet, atomically."""
    buffer = io.BytesIO()
    frame[COLUMNS].to_parquet(buffer, index=False)
    atomic_write_bytes(Path(path), buffer.getvalue())


def read_units(path: Path) -> pd.DataFrame:
    """A per-unit table (empty, with the columns, when the file is absent)."""
    return pd.read_parquet(path) if Path(path).exists() else pd.DataFrame(columns=COLUMNS)


def record_units(run_dir: str | Path, step: str, units: list[dict] | pd.DataFrame, run: str | None = None,
                 seed: int | None = None) -> pd.DataFrame:
    """Add a model's per-unit scores to the step's file, replacing those of the same ``run``
    and ``seed`` (as :func:`helpers.pipeline.results.record` does for rows); with ``run``
    ``None`` the frame carries its own ``run`` and ``seed`` and becomes the step's whole file."""
    new = pd.DataFrame(units)
    path = units_path(run_dir, step)
    if run is None:
        table = new
    else:
        new["run"], new["seed"] = run, seed
        old = read_units(path)
        table = pd.concat([old[(old["run"] != run) | (old["seed"] != seed)], new], ignore_index=True)
    write_units(path, table)
    return table


def load_units(run_dir: str | Path, steps: list[str]) -> pd.DataFrame:
    """The per-unit scores of ``steps``, one table."""
    frames = [read_units(units_path(run_dir, s)) for s in steps]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def scores(units: pd.DataFrame, run: str, model: str, task: str, metric: str, lang: str = "all") -> np.ndarray:
    """One side of a comparison: shape ``(seeds, units)``; ``lang = "all"`` joins the
    languages' units in language order (as the suite pools them). Empty when absent."""
    sel = units[(units["run"] == run) & (units["model"] == model) & (units["task"] == task)
                & (units["metric"] == metric)]
    if lang != "all":
        sel = sel[sel["lang"] == lang]
    if sel.empty:
        return np.zeros((0, 0))
    table = sel.pivot_table(index="seed", columns=["lang", "unit"], values="value", aggfunc="first")
    return table.sort_index(axis=1).to_numpy(dtype=float)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a model of a run (``run`` as in ``metrics.csv``)."""

    run: str
    model: str


def paired(units: pd.DataFrame, a: Side, b: Side, task: str, metric: str, lang: str = "all",
           seed: int = 0) -> Interval | None:
    """The mean paired difference ``a - b`` on one task (and language) with its bootstrap
    interval; a side with several seeds adds its spread over seeds. ``None`` when a side
    has no units (units that do not pair are refused by the bootstrap)."""
    left, right = scores(units, a.run, a.model, task, metric, lang), scores(units, b.run, b.model, task, metric, lang)
    if not left.size or not right.size:
        return None
    if 1 not in (left.shape[0], right.shape[0]) and left.shape[0] != right.shape[0]:
        right = right[:1]  # seeds that do not pair: the other side's first seed against every seed of this one
    return paired_bootstrap(left, right, seed=seed)  # a single-seed side pairs with every seed of the other


def family(units: pd.DataFrame, comparisons: list[tuple[str, Side, Side, str, str, str]]) -> pd.DataFrame:
    """A family of comparisons ``(label, a, b, task, metric, lang)``, decided together under
    Holm: per comparison the means of both sides, the difference with its interval, its
    p-value and its outcome for ``a`` (win / tie / loss). Comparisons without units are
    left out."""
    rows, intervals = [], []
    for label, a, b, task, metric, lang in comparisons:
        interval = paired(units, a, b, task, metric, lang)
        if interval is None:
            continue
        mean_a = float(scores(units, a.run, a.model, task, metric, lang).mean())
        mean_b = float(scores(units, b.run, b.model, task, metric, lang).mean())
        rows.append({"comparison": label, "a": round(mean_a, 3), "b": round(mean_b, 3),
                     DIFFERENCE: interval.format(3), "p": round(interval.p, 4),
                     "units": interval.method})
        intervals.append(interval)
    frame = pd.DataFrame(rows, columns=["comparison", "a", "b", DIFFERENCE, "p", "units"])
    frame["outcome (Holm)"] = [OUTCOME_WORD[o] for o in holm_outcomes(intervals)] if intervals else []
    frame.attrs["intervals"] = intervals
    return frame.set_index("comparison")


def count_outcomes(frame: pd.DataFrame) -> dict[str, int]:
    """Wins, ties and losses of a :func:`family` table."""
    counts = frame["outcome (Holm)"].value_counts() if len(frame) else pd.Series(dtype=int)
    return {k: int(counts.get(k, 0)) for k in ("win", "tie", "loss")}


def outcomes(frame: pd.DataFrame) -> list[bool | None]:
    """A :func:`family` table's outcomes as sub-test outcomes (pass / undecided / fail)."""
    back = {word: value for value, word in OUTCOME_WORD.items()}
    return [back[w] for w in frame["outcome (Holm)"]] if len(frame) else []
