"""A part's results: its tidy table ``runs/<profile>/<part>/results/metrics.csv``, and what
each of its steps ran with (the step records the runner writes).

Each step writes its own rows to ``results/steps/<step>.csv`` (replaced, never appended,
when the step re-runs) and the runner concatenates them into ``metrics.csv``. Columns:
``run, model, task, lang, metric, value, n, seed`` (+ ``step``).

Explained in the book: {ref}`pipeline-results`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.paths import atomic_write_text

COLUMNS = ["run", "model", "task", "lang", "metric", "value", "n", "seed", "step"]


def record(run_dir: str | Path, step: str, rows: list[dict], run: str, seed: int) -> pd.DataFrame:
    """Write ``rows`` (dicts with model, task, lang, metric, value, n) as this step's results.

    Rows already recorded by the same step under other ``run`` ids or seeds are kept; rows
    of the same ``run`` and ``seed`` are replaced. Returns the step's full table.
    """
    path = Path(run_dir) / "results" / "steps" / f"{step}.csv"
    new = pd.DataFrame(rows)
    missing = {"model", "task", "lang", "metric", "value", "n"} - set(new.columns)
    if missing:
        raise ValueError(f"result rows lack column(s) {sorted(missing)}")
    new["run"], new["seed"], new["step"] = run, seed, step
    old = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=COLUMNS)
    old = old[~((old["run"] == run) & (old["seed"] == seed))]
    table = pd.concat([old, new[COLUMNS]], ignore_index=True) if len(old) else new[COLUMNS]
    atomic_write_text(path, table.to_csv(index=False))
    combine(run_dir)
    return table


def replace_step(run_dir: str | Path, step: str, table: pd.DataFrame) -> None:
    """Make ``table`` (columns as :data:`COLUMNS` minus ``step``) the step's whole result."""
    missing = set(COLUMNS) - {"step"} - set(table.columns)
    if missing:
        raise ValueError(f"result table lacks column(s) {sorted(missing)}")
    path = Path(run_dir) / "results" / "steps" / f"{step}.csv"
    atomic_write_text(path, table.assign(step=step)[COLUMNS].to_csv(index=False))
    combine(run_dir)


def clear_step(run_dir: str | Path, step: str) -> None:
    """Forget a step's rows (called before the step re-runs)."""
    (Path(run_dir) / "results" / "steps" / f"{step}.csv").unlink(missing_ok=True)
    combine(run_dir)


def combine(run_dir: str | Path) -> Path:
    """Rebuild ``metrics.csv`` from every step's file, atomically."""
    root = Path(run_dir) / "results"
    frames = [pd.read_csv(p) for p in sorted((root / "steps").glob("*.csv"))]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    atomic_write_text(root / "metrics.csv", table.to_csv(index=False))
    return root / "metrics.csv"


def load(run_dir: str | Path) -> pd.DataFrame:
    """The run's ``metrics.csv`` as a DataFrame."""
    path = Path(run_dir) / "results" / "metrics.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run the pipeline for this profile first")
    return pd.read_csv(path)


class StepNotRun(FileNotFoundError):
    """A chapter needs a step of its part that has not run in this run folder."""


def step_params(run_dir: str | Path, step: str) -> dict:
    """Every parameter ``step`` ran with in the part's run folder ``run_dir``: its step
    record's ``params`` (:func:`helpers.pipeline.parameters.resolve`: the notebook's
    defaults, ``shared:`` settings and the step's own block). :class:`StepNotRun` names the
    step to run first when it has not run."""
    record = Path(run_dir) / "steps" / f"{step}.json"
    if not record.is_file():
        raise StepNotRun(f"{record} not found: run step {step} of this profile first")
    return json.loads(record.read_text())["params"]
