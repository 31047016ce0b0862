"""The sweep executor: results in order, records reused, bad settings refused up front, and
the same sweep on a local Dask cluster: the same results, a killed worker never half-recorded."""

import json
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from helpers.config import ParamError
from helpers.paths import atomic_dir
from helpers.pipeline.executor import EXECUTOR_RULE, ExecutorError, Job, check_executor, run_jobs


def square(x: int) -> dict:
    return {"x": x, "square": x * x}


def square_and_say_where(x: int) -> dict:
    return {"x": x, "square": x * x, "pid": os.getpid()}


def die_once(x: int, flag: str, partial: str) -> dict:
    """Half-way through, kill this job's own process (once: the flag is consumed first)."""
    Path(partial).write_text("started")
    if os.path.exists(flag):
        os.unlink(flag)
        os.kill(os.getpid(), signal.SIGKILL)
    return square(x)


def fill_cache_entry(folder: str, writer: int) -> list[str]:
    """Fill one cache entry (two files, slowly) as ``writer``; return what the entry then holds."""
    with atomic_dir(Path(folder), replace=False) as tmp:
        (tmp / "a.txt").write_text(str(writer))
        time.sleep(0.3)
        (tmp / "b.txt").write_text(str(writer))
    return [(Path(folder) / name).read_text() for name in ("a.txt", "b.txt")]


def quiet(_: str) -> None:
    pass


def test_results_in_order_and_records_reused(tmp_path):
    jobs = [Job(f"job-{x}", square, {"x": x}) for x in (3, 1, 2)]
    assert [r["square"] for r in run_jobs(jobs, tmp_path, log=quiet)] == [9, 1, 4]
    (tmp_path / "job-1.json").write_text(json.dumps({"x": 1, "square": -1}))  # a record is reused, not recomputed
    assert [r["square"] for r in run_jobs(jobs, tmp_path, log=quiet)] == [9, -1, 4]


def test_a_sweep_leaves_one_sentence_and_no_line_per_job(tmp_path, capsys):
    """Progress goes to a bar on standard error (the book drops it); the page gets one sentence."""
    jobs = [Job(f"job-{x}", square, {"x": x}) for x in range(5)]
    run_jobs(jobs[:2], tmp_path)
    said: list[str] = []
    run_jobs(jobs, tmp_path, log=said.append)
    assert len(said) == 1
    assert said[0].startswith("5 jobs: 2 reused from stored records, 3 run in process in ")
    assert "job-" not in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("settings,match", [
    ({"kind": "spark"}, "kind 'spark' is unknown"),
    ({"kind": "in-process", "workers": 2}, "takes no setting"),
    ({"kind": "dask"}, "exactly one of 'workers: N'"),
    ({"kind": "dask", "workers": 2, "scheduler": "tcp://h:1"}, "exactly one of"),
    ({"kind": "dask", "workers": 0}, "workers = 0: expected an integer >= 1"),
    ({"kind": "dask", "scheduler": "localhost"}, "expected an address such as"),
    ({"kind": "dask", "workers": 2, "retries": -1}, "retries = -1"),
    ({"kind": "dask", "workers": 2, "threads": 4}, r"no setting \['threads'\]"),
    ("dask", "expected a mapping"),
])
def test_bad_settings_fail_before_any_job(tmp_path, settings, match):
    jobs = [Job("a", square, {"x": 1})]
    with pytest.raises(ExecutorError, match=match):
        run_jobs(jobs, tmp_path, executor=settings, log=quiet)
    assert not EXECUTOR_RULE.check(settings)
    assert not list(tmp_path.iterdir())


def test_shared_keys_and_an_unreachable_scheduler_fail_before_any_job(tmp_path, monkeypatch):
    from helpers.pipeline import dask_executor

    jobs = [Job("a", square, {"x": 1})]
    with pytest.raises(ExecutorError, match="share a key"):
        run_jobs(jobs * 2, tmp_path)
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 2.0)
    start = time.time()
    with pytest.raises(ExecutorError, match=r"no scheduler answers at tcp://127\.0\.0\.1:\d+ within 2 s"):
        run_jobs(jobs, tmp_path, executor={"kind": "dask", "scheduler": f"tcp://127.0.0.1:{_free_port()}"},
                 log=quiet)
    assert time.time() - start < 30
    assert not list(tmp_path.iterdir())
    assert issubclass(ExecutorError, ParamError)  # the runner reports it as a bad parameter


def test_good_settings_get_their_defaults():
    assert check_executor(None) == {"kind": "in-process"}
    assert check_executor({"kind": "dask", "workers": 2}) == {"kind": "dask", "workers": 2, "retries": 2}
    assert check_executor({"kind": "dask", "scheduler": "tcp://10.0.0.5:8786", "retries": 0})["retries"] == 0


@pytest.mark.slow
def test_a_local_cluster_gives_the_in_process_results_and_survives_a_killed_worker(tmp_path):
    """One test, one cluster start per sweep: the same results on two worker processes; a
    worker killed mid-job leaves no record and the next run completes the sweep; with a
    retry the sweep completes at once; two workers filling one cache entry leave one whole copy."""
    cluster = {"kind": "dask", "workers": 2}
    jobs = [Job(f"sq-{x}", square_and_say_where, {"x": x}) for x in range(6)]
    here = run_jobs(jobs, tmp_path / "here", log=quiet)
    there = run_jobs(jobs, tmp_path / "there", executor=cluster, log=quiet)
    strip = [{k: v for k, v in r.items() if k != "pid"} for r in there]
    assert strip == [{k: v for k, v in r.items() if k != "pid"} for r in here]
    assert os.getpid() not in {r["pid"] for r in there}  # run in the workers' processes
    assert sorted(p.name for p in (tmp_path / "there").iterdir()) == [f"sq-{x}.json" for x in range(6)]

    store, flag = tmp_path / "killed", tmp_path / "kill-me"
    kill_jobs = [Job("fine", square, {"x": 2}),
                 Job("dies", die_once, {"x": 3, "flag": str(flag), "partial": str(tmp_path / "started")})]
    flag.touch()
    with pytest.raises(Exception, match="dies"):
        run_jobs(kill_jobs, store, executor={**cluster, "retries": 0}, log=quiet)
    assert (tmp_path / "started").exists() and not flag.exists()  # it started, and its worker was killed
    assert not (store / "dies.json").exists()  # ... leaving no record
    assert [r["square"] for r in run_jobs(kill_jobs, store, executor=cluster, log=quiet)] == [4, 9]

    flag.touch()  # with a retry the worker's death costs one re-run, not the sweep
    again = run_jobs(kill_jobs, tmp_path / "retried", executor={**cluster, "retries": 1}, log=quiet)
    assert [r["square"] for r in again] == [4, 9] and not flag.exists()

    entry = tmp_path / "cache" / "entry"
    writes = run_jobs([Job(f"w{i}", fill_cache_entry, {"folder": str(entry), "writer": i}) for i in range(4)],
                      executor=cluster, log=quiet)
    assert all(a == b for a, b in writes)  # every reader saw one writer's whole copy
    assert len({tuple(w) for w in writes}) == 1 and not [p for p in entry.parent.iterdir() if p != entry]
