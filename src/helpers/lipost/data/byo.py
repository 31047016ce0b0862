"""Bring your own task: read a researcher's pair file as an extra training task.

Format (one row per pair), as JSONL (``.jsonl``), CSV (``.csv``) or Parquet (``.parquet``):

======== ========= ==========================================================
column   required  meaning
======== ========= ==========================================================
anchor   yes       the query or text (non-empty string)
positive yes       what the anchor should be close to (non-empty string)
label    no        a class or group id; rows sharing it are not negatives
lang     no        language code (default ``en``)
split    no        ``train``/``validation``/``test``; default: seeded hash of anchor
======== ========= ==========================================================

Every problem is reported with the file, the row (1-based line for JSONL/CSV, with the
header as line 1 for CSV) and what was expected, before anything is written.

Explained in the book: {ref}`lipost-data-bring-your-own-task`.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from helpers.lipost.data.splits import SPLITS, split_for, stable_unit
from helpers.lipost.data.tasks import TASK_KINDS, TaskTable

REQUIRED = ("anchor", "positive")
OPTIONAL = ("label", "lang", "split")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class TaskFileError(ValueError):
    """A bring-your-own task file that cannot be used, with file and row named."""


def _records(path: Path) -> list[tuple[int, dict]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            out = []
            with open(path, encoding="utf-8") as handle:
                for lineno, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError as err:
                        raise TaskFileError(f"{path}, line {lineno}: not valid JSON ({err.msg})") from err
                    if not isinstance(rec, dict):
                        raise TaskFileError(f"{path}, line {lineno}: expected a JSON object per line")
                    out.append((lineno, rec))
            return out
        if suffix == ".csv":
            with open(path, encoding="utf-8", newline="") as handle:
                return [(i, dict(rec)) for i, rec in enumerate(csv.DictReader(handle), start=2)]
        if suffix == ".parquet":
            import pandas as pd

            frame = pd.read_parquet(path)
            return [(i, rec) for i, rec in enumerate(frame.to_dict("records"), start=1)]
    except UnicodeDecodeError as err:
        line = _line_of_byte(path, err.start)
        raise TaskFileError(f"{path}, line {line}: not valid UTF-8 (byte {err.start}); "
                            "save the file as UTF-8") from err
    raise TaskFileError(f"{path}: unsupported file type {suffix!r}; expected .jsonl, .csv or .parquet")


def _line_of_byte(path: Path, offset: int) -> int:
    return path.read_bytes()[:offset].count(b"\n") + 1


def read_task_file(name: str, path: str | Path, seed: int, test_fraction: float,
                   val_fraction: float) -> TaskTable:
    """Validate and read one task file into a :class:`TaskTable` (nothing is written)."""
    path = Path(path)
    if not NAME_RE.match(name) or name in TASK_KINDS or name.startswith("bbc_"):
        raise TaskFileError(
            f"extra task name {name!r}: expected lower-case letters, digits and '_' (max 40), "
            f"not a built-in task {sorted(TASK_KINDS)} and not starting with 'bbc_' (reserved)")
    if not path.is_file():
        raise TaskFileError(f"extra task {name!r}: file {path} does not exist")
    records = _records(path)
    if not records:
        raise TaskFileError(f"{path}: no rows")
    table = TaskTable(name)
    for lineno, rec in records:
        missing = [c for c in REQUIRED if c not in rec]
        if missing:
            raise TaskFileError(f"{path}, line {lineno}: missing column(s) {missing}; "
                                f"expected {list(REQUIRED)} and optionally {list(OPTIONAL)}")
        values = {}
        for col in (*REQUIRED, *OPTIONAL):
            value = rec.get(col)
            if value is None or (isinstance(value, float) and value != value):
                value = ""
            if not isinstance(value, str):
                raise TaskFileError(f"{path}, line {lineno}: column {col!r} must be text, got {type(value).__name__}")
            values[col] = value.strip()
        for col in REQUIRED:
            if not values[col]:
                raise TaskFileError(f"{path}, line {lineno}: column {col!r} is empty")
        split = values["split"]
        if split and split not in SPLITS:
            raise TaskFileError(f"{path}, line {lineno}: split {split!r} is not one of {list(SPLITS)}")
        if not split:
            split = split_for(stable_unit(seed, f"{name}:{values['anchor']}"), test_fraction, val_fraction)
        table.add(split, values["anchor"], values["positive"], values["lang"] or "en", values["label"],
                  f"{name}:{lineno}")
    if not table.rows["train"]:
        raise TaskFileError(f"{path}: no training rows (every row fell into validation/test)")
    return table
