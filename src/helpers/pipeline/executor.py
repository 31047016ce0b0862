"""One executor for every sweep of the book: a list of independent jobs, each run once.

A sweep (Part I's ablation grid, Part II's games x seeds, Part III's configurations x
seeds) is a list of :class:`Job`: a module-level function, its keyword arguments and a
key that names its record. :func:`run_jobs` runs the jobs whose record is missing and
returns every job's result in the order given. A job's result is written by the job's
own process, atomically and last (``<store>/<key>.json``), so an interrupted sweep
leaves only finished records and the next call re-runs just the rest.

Where the jobs run is the ``executor`` setting (a profile's top-level ``executor:``
block, or a notebook's ``executor`` parameter):

- ``{kind: in-process}`` (the default): one job after another in the calling process;
- ``{kind: dask, workers: N}``: a local Dask cluster of ``N`` one-thread worker
  processes, started for the sweep and closed after it;
- ``{kind: dask, scheduler: tcp://host:port}``: an existing Dask cluster (any
  deployment Dask supports), checked reachable before any job is submitted.

Both Dask forms take ``retries`` (default 2): how often a job is re-run after its worker
died or it raised (see :mod:`helpers.pipeline.dask_executor`). Where a job runs never
changes its result, so the setting is kept out of every fingerprint.

Explained in the book: {ref}`pipeline-executor`.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from helpers.config import ParamError, Rule
from helpers.paths import atomic_write_text

KINDS = ("in-process", "dask")
DEFAULT_EXECUTOR = {"kind": "in-process"}
"""Where a sweep's jobs run unless the profile says otherwise: the default every notebook's
``executor`` literal shows (checked by the notebooks' one-source test)."""
"""The executors this module knows (``executor: {kind: ...}`` in a profile)."""

DEFAULT_RETRIES = 2
"""Re-runs of a Dask job whose worker died (or that raised) before the sweep gives up."""

_ADDRESS = re.compile(r"^(tcp|tls|ucx|ws|wss)://[^\s/:]+:\d+$")


class ExecutorError(ParamError):
    """Bad executor settings (unknown kind, bad option, unreachable scheduler), refused before any job starts."""


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


def _check_dask(settings: dict[str, Any]) -> dict[str, Any]:
    """The Dask settings with ``retries`` filled in; :class:`ExecutorError` for bad ones."""
    unknown = set(settings) - {"kind", "workers", "scheduler", "retries"}
    if unknown:
        raise ExecutorError(f"executor 'dask' takes no setting {sorted(unknown)}; it takes 'workers' (a local "
                            "cluster) or 'scheduler' (an existing one), and optionally 'retries'")
    if ("workers" in settings) == ("scheduler" in settings):
        raise ExecutorError("executor 'dask' needs exactly one of 'workers: N' (start a local cluster of N worker "
                            "processes) and 'scheduler: tcp://host:port' (join an existing cluster)")
    workers = settings.get("workers")
    if "workers" in settings and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise ExecutorError(f"executor 'dask': workers = {workers!r}: expected an integer >= 1")
    address = settings.get("scheduler")
    if "scheduler" in settings and not (isinstance(address, str) and _ADDRESS.match(address)):
        raise ExecutorError(f"executor 'dask': scheduler = {address!r}: expected an address such as "
                            "'tcp://host:8786'")
    retries = settings.get("retries", DEFAULT_RETRIES)
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise ExecutorError(f"executor 'dask': retries = {retries!r}: expected an integer >= 0")
    return {**settings, "retries": retries}


def check_executor(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """The executor settings with defaults filled in; :class:`ExecutorError` for bad ones.

    Only the settings are checked here (no connection is made): a profile is checked
    in seconds. :func:`run_jobs` checks that a scheduler answers before submitting a job.
    """
    if settings is not None and not isinstance(settings, Mapping):
        raise ExecutorError(f"executor = {settings!r}: expected a mapping such as {{kind: in-process}}")
    settings = dict(settings or DEFAULT_EXECUTOR)
    kind = settings.get("kind", "in-process")
    if kind not in KINDS:
        raise ExecutorError(f"executor kind {kind!r} is unknown; expected one of {list(KINDS)}")
    if kind == "dask":
        return _check_dask(settings)
    unknown = set(settings) - {"kind"}
    if unknown:
        raise ExecutorError(f"executor {kind!r} takes no setting {sorted(unknown)}")
    return {"kind": kind}


def _is_valid(settings: Any) -> bool:
    try:
        check_executor(settings)
    except ExecutorError:
        return False
    return True


EXECUTOR_RULE = Rule("executor settings: {kind: in-process}, {kind: dask, workers: N} or "
                     "{kind: dask, scheduler: tcp://host:port} (optionally retries: N)", _is_valid)
"""The rule of a notebook's ``executor`` parameter, for a step's parameter registry."""


def run_and_record(job: Job, store: str | Path | None) -> Any:
    """Run one job and, when ``store`` is given, write its result there, atomically and last.

    This runs in the process that runs the job (the caller's, or a Dask worker's), so a
    job whose process dies leaves no record.
    """
    result = job.func(**job.kwargs)
    if store is not None:
        atomic_write_text(Path(store) / f"{job.key}.json", json.dumps(result, sort_keys=True))
    return result


def run_jobs(jobs: Sequence[Job], store: str | Path | None = None,
             executor: Mapping[str, Any] | None = None, log: Callable[[str], None] = print) -> list[Any]:
    """Run ``jobs`` (skipping those whose record is in ``store``) and return their results in order.

    Args:
        jobs: the sweep; keys must be unique.
        store: folder of finished records (``<key>.json``); ``None`` keeps nothing (the
            jobs then keep their own records).
        executor: the profile's ``executor`` block; in-process (one job after another) by default.
        log: where the one closing sentence goes (jobs, how many were reused, seconds); the
            per-job progress is a bar on standard error, which the book drops.

    Raises:
        ExecutorError: bad settings, two jobs with one key, or no scheduler at the
            address given; always before any job starts.
    """
    settings = check_executor(executor)
    keys = [job.key for job in jobs]
    if len(set(keys)) != len(keys):
        raise ExecutorError("two jobs of one sweep share a key; a key must name one job")
    results: dict[int, Any] = {}
    pending: list[tuple[int, Job]] = []
    index_of = {key: index for index, key in enumerate(keys)}
    for index, job in enumerate(jobs):
        record = Path(store) / f"{job.key}.json" if store is not None else None
        if record is not None and record.exists():
            results[index] = json.loads(record.read_text())
        else:
            pending.append((index, job))
    start = time.perf_counter()
    with tqdm(total=len(pending), file=sys.stderr, desc="jobs", disable=not pending, leave=False) as bar:
        def progress(line: str) -> None:
            bar.set_postfix_str(line[-60:], refresh=False)
            bar.update(1)

        if settings["kind"] == "dask":
            from helpers.pipeline.dask_executor import run_on_dask

            results.update(run_on_dask(pending, store, settings, len(jobs), progress))
        else:
            for _, job in pending:
                results[index_of[job.key]] = run_and_record(job, store)
                progress(job.key)
    log(summary(len(jobs), len(jobs) - len(pending), time.perf_counter() - start, settings["kind"]))
    return [results[index] for index in range(len(jobs))]


def summary(total: int, reused: int, seconds: float, kind: str) -> str:
    """The one sentence a sweep leaves in its chapter: jobs, reused records, seconds, where they ran."""
    ran = total - reused
    where = "on Dask" if kind == "dask" else "in process"
    return (f"{total} job{'s' if total != 1 else ''}: {reused} reused from stored records, {ran} run {where} "
            f"in {seconds:.0f} s.")
