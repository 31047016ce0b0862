"""Part III's job lists: every job is a complete call of its function, keys follow what a job
computes (not the job list), and the results split back into the chapters' sweeps."""

from __future__ import annotations

import inspect
from itertools import product

import pytest

from helpers.deps import module_files
from helpers.fingerprint import SRC
from helpers.specialization import batchnorm, deep, digits, shallow, sweep

TWO_LAYER = {
    "seed": 7, "input_dim": 6, "outputs": 4, "data_std": 1.5, "lr": 0.01, "batch_size": 8, "threshold": 0.95,
    "n_seeds": 2, "n_train": 100, "n_eval": 50, "teacher_nodes": 3, "decays": [0, 1.5], "multis": [1, 2],
    "epochs": 2, "steps_per_epoch": 10, "early_epoch": 1,
    "dynamics_teacher": 4, "dynamics_multi": 2, "dynamics_decay": 1, "dynamics_train": 60,
    "dynamics_checkpoints": 3, "dynamics_every": 5,
    "sc_teacher": 2, "sc_decay": 1, "sc_multis": [1, 3], "sc_sizes": [30, 60], "sc_seeds": 1, "sc_steps": 20,
}

DEEP_AND_REAL_DATA = {
    "seed": 5, "n_seeds": 1, "deep_widths": [5, 5], "deep_multi": 2, "deep_input_dim": 4, "deep_outputs": 3,
    "deep_data_std": 10.0, "deep_sizes": [200, 1000], "deep_steps": 10, "deep_batch_size": 8, "deep_lr": [0.2, 0.1],
    "deep_lr_drop": 0.2, "deep_n_eval": 64, "deep_checks": 1, "digits_multis": [1, 2], "digits_widths": [8, 8],
    "digits_teacher_epochs": 3, "digits_steps": 10, "digits_lr": 0.01, "bn_channels": [8, 8], "bn_epochs": 1,
    "bn_seeds": 2,
}


def keys(params: dict) -> list[str]:
    return [job.key for job in sweep.two_layer_jobs(params)]


@pytest.mark.parametrize("build,params", [(sweep.two_layer_jobs, TWO_LAYER),
                                          (sweep.deep_and_real_data_jobs, DEEP_AND_REAL_DATA)])
def test_every_job_is_a_complete_call_of_its_function_with_its_own_record(build, params):
    jobs = build(params)
    for job in jobs:
        inspect.signature(job.func).bind(**job.kwargs)  # no argument missing, none unknown: no hidden default
    assert len({job.key for job in jobs}) == len(jobs)


def test_two_layer_jobs_cover_the_grid_and_split_back_in_order():
    jobs = sweep.two_layer_jobs(TWO_LAYER)
    configs, dynamics, samples = sweep.split_two_layer(jobs, TWO_LAYER)  # the jobs stand in for their results
    assert [(job.kwargs["decay"], job.kwargs["multi"]) for job in configs] == list(product([0.0, 1.5], [1, 2]))
    assert all(job.kwargs["seeds"] == [7, 8] and job.kwargs["m"] == 3 for job in configs)
    assert dynamics.func is shallow.run_config and dynamics.kwargs["m"] == 4 and dynamics.kwargs["epochs"] == 3
    assert dynamics.kwargs["steps_per_epoch"] == 5 and dynamics.kwargs["n_train"] == 60
    assert {(job.kwargs["source"], job.kwargs["multi"]) for job in samples} == set(product(shallow.SOURCES, [1, 3]))
    assert all(job.func is shallow.run_sample_complexity and job.kwargs["seeds"] == [7] for job in samples)


def test_a_setting_changes_the_keys_of_exactly_the_jobs_that_use_it():
    before = keys(TWO_LAYER)
    assert all(a != b for a, b in zip(before, keys({**TWO_LAYER, "lr": 0.02}), strict=True))  # every job trains
    after = keys({**TWO_LAYER, "dynamics_every": 6})
    assert [a != b for a, b in zip(before, after, strict=True)] == [False] * 4 + [True] + [False] * 4
    after = keys({**TWO_LAYER, "sc_steps": 30})
    assert [a != b for a, b in zip(before, after, strict=True)] == [False] * 5 + [True] * 4
    assert keys(dict(TWO_LAYER)) == before  # the same settings find the same records


def test_deep_and_real_data_jobs_and_their_split():
    jobs = sweep.deep_and_real_data_jobs(DEEP_AND_REAL_DATA)
    deep_job, digits_job, bn_jobs = sweep.split_deep_and_real_data(jobs)
    assert deep_job.func is deep.run_gaussian and deep_job.kwargs["seeds"] == [5]
    assert deep_job.kwargs["lrs"] == (0.2, 0.1) and deep_job.kwargs["sizes"] == [200, 1000]
    assert digits_job.func is digits.run_digits and digits_job.kwargs["multis"] == [1, 2]
    assert [job.func for job in bn_jobs] == [batchnorm.run_batchnorm] * 2
    assert [job.kwargs["seed"] for job in bn_jobs] == [5, 6]


def test_a_job_key_covers_the_code_the_job_runs_and_not_the_job_list():
    for func in (shallow.run_config, deep.run_gaussian, digits.run_digits, batchnorm.run_batchnorm):
        files = {path.name for path in module_files(SRC, [func.__module__])}
        assert "measures.py" in files or "digits.py" in files
        assert not files & {"sweep.py", "report.py", "claims.py", "settings.py"}  # editing these re-runs nothing


def test_an_unknown_sweep_is_refused(tmp_path):
    with pytest.raises(ValueError, match="the part's sweeps are"):
        sweep.run([], tmp_path, "two-layer", None)
