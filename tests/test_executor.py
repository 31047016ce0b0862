"""The sweep executor: results in order, records reused, bad settings refused up front."""

import json

import pytest

from helpers.pipeline.executor import ExecutorError, Job, run_jobs


def square(x: int) -> dict:
    return {"x": x, "square": x * x}


def test_results_in_order_and_records_reused(tmp_path):
    jobs = [Job(f"job-{x}", square, {"x": x}) for x in (3, 1, 2)]
    assert [r["square"] for r in run_jobs(jobs, tmp_path, log=lambda _: None)] == [9, 1, 4]
    (tmp_path / "job-1.json").write_text(json.dumps({"x": 1, "square": -1}))  # a record is reused, not recomputed
    assert [r["square"] for r in run_jobs(jobs, tmp_path, log=lambda _: None)] == [9, -1, 4]


def test_bad_settings_fail_before_any_job(tmp_path):
    jobs = [Job("a", square, {"x": 1})]
    with pytest.raises(ExecutorError, match="kind 'spark' is unknown"):
        run_jobs(jobs, tmp_path, executor={"kind": "spark"})
    with pytest.raises(ExecutorError, match="share a key"):
        run_jobs(jobs * 2, tmp_path)
    assert not list(tmp_path.iterdir())
