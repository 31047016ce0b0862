"""One executor for every sweep of the book: a list of independent jobs, each run once.

A sweep (Part I's ablation grid, Part II's games x seeds, Part III's configurations x
seeds) is a list of :class:`Job`: a module-level function, its keyword arguments and a
key that names its record. :func:`run_jobs` runs the jobs whose record is missing and
returns every job's result in the order given. A job's result is written by the job's
own process, atomically and last (``<store>/<key>.json``), so an interrupted sweep
leaves only finished records and the next call re-runs just the rest.

Explained in the book: {ref}`pipeline-executor`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.paths import atomic_write_text

KINDS = ("in-process",)
"""The executors this module knows (``executor: {kind: ...}`` in a profile)."""


class ExecutorError(ValueError):
    """Bad executor settings (unknown kind, bad option), refused before any job starts."""


@dataclass(frozen=True)
class Job:
    """One unit of a sweep.

    Attributes:
        key: the job's identity and the name of its record; it must change whenever
            anything the result depends on changes (build it with :mod:`helpers.fingerprint`).
        func: a module-level function (picklable), called as ``func(**kwargs)``; it returns
            a JSON-serialisable result.
        kwargs: its arguments (picklable).
    """

    key: str
    func: Callable[..., Any]
    kwargs: Mapping[str, Any] = field(default_factory=dict)


def check_executor(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """The executor settings with defaults filled in; :class:`ExecutorError` for bad ones."""
    settings = dict(settings or {"kind": "in-process"})
    kind = settings.get("kind", "in-process")
    if kind not in KINDS:
        raise ExecutorError(f"executor kind {kind!r} is unknown; expected one of {list(KINDS)}")
    unknown = set(settings) - {"kind"}
    if unknown:
        raise ExecutorError(f"executor {kind!r} takes no setting {sorted(unknown)}")
    return {"kind": kind}


def _run_and_record(job: Job, store: Path | None) -> Any:
    result = job.func(**job.kwargs)
    if store is not None:
        atomic_write_text(Path(store) / f"{job.key}.json", json.dumps(result, sort_keys=True))
    return result


def run_jobs(jobs: Sequence[Job], store: str | Path | None = None,
             executor: Mapping[str, Any] | None = None, log: Callable[[str], None] = print) -> list[Any]:
    """Run ``jobs`` (skipping those whose record is in ``store``) and return their results in order.

    Args:
        jobs: the sweep; keys must be unique.
        store: folder of finished records (``<key>.json``); ``None`` keeps nothing.
        executor: the profile's ``executor`` block; in-process (one job after another) by default.
        log: where progress lines go.
    """
    check_executor(executor)
    keys = [job.key for job in jobs]
    if len(set(keys)) != len(keys):
        raise ExecutorError("two jobs of one sweep share a key; a key must name one job")
    results: list[Any] = []
    for number, job in enumerate(jobs, 1):
        record = Path(store) / f"{job.key}.json" if store is not None else None
        if record is not None and record.exists():
            results.append(json.loads(record.read_text()))
            continue
        log(f"job {number}/{len(jobs)}: {job.key}")
        results.append(_run_and_record(job, store))
    return results
