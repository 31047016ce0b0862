"""The part's sweeps as executor jobs: configurations x seeds (seeds batched inside a job).

One job per configuration (teacher size, decay, width multiple; data source; deep width
multiple ...) runs every seed of it as one tensor computation; the jobs go through
:func:`helpers.pipeline.executor.run_jobs`, so a profile can send them to another executor
and an interrupted chapter re-runs only the jobs without a record. A job's key hashes its
function, its arguments and the source of the modules that compute it, so a code change
never reuses a stale record.

Explained in the book: {ref}`specialization-batched`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from helpers.pipeline.executor import Job, run_jobs

CODE = ("teachers.py", "measures.py", "batched.py", "two_layer.py", "deep.py", "digits.py", "batchnorm.py")
"""The modules whose source every job's key includes."""


def code_digest() -> str:
    """SHA-256 over the source of :data:`CODE`."""
    digest = hashlib.sha256()
    for name in CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def job(func: Callable[..., Any], name: str, **kwargs: Any) -> Job:
    """A job ``func(**kwargs)`` whose key is ``name`` plus a hash of what the result depends on."""
    blob = json.dumps([func.__module__, func.__qualname__, kwargs, code_digest()], sort_keys=True, default=str)
    return Job(key=f"{name}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}", func=func, kwargs=kwargs)


def run(jobs: list[Job], run_dir: str | Path, sweep: str, executor: Mapping[str, Any] | None) -> list[Any]:
    """Run ``jobs`` with their records in ``<run_dir>/sweeps/<sweep>/``; their results in order."""
    return run_jobs(jobs, store=Path(run_dir) / "sweeps" / sweep, executor=executor)
