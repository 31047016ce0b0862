"""The Dask side of :func:`helpers.pipeline.executor.run_jobs`: a sweep on a Dask cluster.

``{kind: dask, workers: N}`` starts a ``distributed.LocalCluster`` of ``N`` worker
processes with one thread each (a job is a whole training run: it uses its process's
cores itself) and closes it after the sweep. ``{kind: dask, scheduler: ADDRESS}`` joins
an existing cluster; a scheduler that does not answer within :data:`CONNECT_TIMEOUT`
seconds is an :class:`~helpers.pipeline.executor.ExecutorError` before any job is
submitted. Each job is submitted as :func:`~helpers.pipeline.executor.run_and_record`, so
the worker that runs it writes its record, atomically and last: a worker that dies
mid-job leaves no record. Dask re-runs such a job on another worker up to ``retries``
times (the scheduler's ``allowed-failures`` for a local cluster, and ``retries`` for a
job that raised); after that the sweep fails, and the next call re-runs only the jobs
without a record. Workers need the run folder and the model cache (``LIPOST_CACHE``) at
the same paths as the caller: on one machine they are; on a cluster, a shared filesystem.

Explained in the book: {ref}`pipeline-executor` and {ref}`pipeline-beyond-one-machine`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from helpers.pipeline.executor import ExecutorError, Job, run_and_record


class JobFailed(RuntimeError):
    """A job of a Dask sweep failed after its retries (its worker died, or it raised); names the job."""


CONNECT_TIMEOUT = 10.0
"""Seconds an existing scheduler has to answer before the sweep is refused."""


@contextlib.contextmanager
def dask_client(settings: dict[str, Any]) -> Iterator[Any]:
    """A ``distributed.Client`` for checked Dask settings: a new local cluster or the scheduler given."""
    import dask
    from distributed import Client, LocalCluster

    if "scheduler" in settings:
        try:
            client = Client(settings["scheduler"], timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as err:
            raise ExecutorError(f"executor 'dask': no scheduler answers at {settings['scheduler']} within "
                                f"{CONNECT_TIMEOUT:g} s ({type(err).__name__}: {err}); start one with "
                                "`dask scheduler` or fix the address") from err
        with client:
            yield client
        return
    with dask.config.set({"distributed.scheduler.allowed-failures": settings["retries"]}), \
            LocalCluster(n_workers=settings["workers"], threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def run_on_dask(pending: list[tuple[int, Job]], store: str | Path | None, settings: dict[str, Any], total: int,
                progress: Callable[[str], None]) -> dict[int, Any]:
    """Run the ``(index, job)`` pairs of a sweep of ``total`` jobs on Dask; return ``{index: result}``.
    ``progress`` is called once per finished job.

    The client is made (and a scheduler checked reachable) before any job is submitted;
    a job that still fails after its retries raises here, with the job's key named.
    """
    from distributed import as_completed

    results: dict[int, Any] = {}
    if not pending:
        return results
    with dask_client(settings) as client:
        futures = {client.submit(run_and_record, job, None if store is None else str(store), pure=False,
                                 retries=settings["retries"], key=f"{job.key}-{uuid.uuid4().hex[:8]}"): (index, job)
                   for index, job in pending}
        for done, future in enumerate(as_completed(futures), 1):
            index, job = futures[future]
            try:
                results[index] = future.result()
            except Exception as err:
                for other in futures:
                    other.cancel()
                raise JobFailed(f"job {job.key} failed on the Dask cluster after {settings['retries']} "
                                   f"retries: {type(err).__name__}: {err}") from err
            progress(f"job {index + 1}/{total} done ({done}/{len(pending)} of this run): {job.key}")
    return results
