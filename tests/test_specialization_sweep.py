"""Part III's job lists: the names, functions and arguments the chapters' keys hash, and the split back."""

from __future__ import annotations

from helpers.specialization import batchnorm, deep, digits, plan, two_layer

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


def names(jobs):
    """The jobs' names: their keys without the trailing hash."""
    return [job.key.rsplit("-", 1)[0] for job in jobs]


def test_two_layer_jobs_configs_then_dynamics_then_sample_complexity():
    jobs = plan.two_layer_jobs(TWO_LAYER, [7, 8])
    assert names(jobs) == ["m3-p0-x1", "m3-p0-x2", "m3-p1.5-x1", "m3-p1.5-x2", "dynamics",
                           "samples-gaussian-x1", "samples-gaussian-x3",
                           "samples-teacher-aware-x1", "samples-teacher-aware-x3"]
    assert [job.func for job in jobs] == [two_layer.run_config] * 5 + [two_layer.run_sample_complexity] * 4
    assert jobs[2].kwargs == {"seeds": [7, 8], "m": 3, "decay": 1.5, "multi": 1, "n_train": 100, "n_eval": 50,
                              "epochs": 2, "steps_per_epoch": 10, "d": 6, "c": 4, "data_std": 1.5, "lr": 0.01,
                              "batch_size": 8, "threshold": 0.95}
    assert jobs[4].kwargs["m"] == 4 and jobs[4].kwargs["n_train"] == 60 and jobs[4].kwargs["epochs"] == 3
    assert type(jobs[4].kwargs["decay"]) is float
    assert jobs[-1].kwargs == {"seeds": [7], "sizes": [30, 60], "source": "teacher-aware", "m": 2, "decay": 1.0,
                               "multi": 3, "d": 6, "c": 4, "data_std": 1.5, "n_eval": 50, "lr": 0.01,
                               "batch_size": 8, "steps": 20}


def test_split_two_layer_returns_the_three_sweeps_in_order():
    done = names(plan.two_layer_jobs(TWO_LAYER, [7, 8]))  # the names stand in for the results
    configs, dynamics, sample_complexity = plan.split_two_layer(done, TWO_LAYER)
    assert configs == ["m3-p0-x1", "m3-p0-x2", "m3-p1.5-x1", "m3-p1.5-x2"]
    assert dynamics == "dynamics"
    assert sample_complexity == ["samples-gaussian-x1", "samples-gaussian-x3", "samples-teacher-aware-x1",
                                 "samples-teacher-aware-x3"]


def test_deep_and_real_data_jobs_and_their_split():
    jobs = plan.deep_and_real_data_jobs(DEEP_AND_REAL_DATA, [5])
    assert names(jobs) == ["deep-x2", "digits", "batchnorm-s5", "batchnorm-s6"]
    assert [job.func for job in jobs] == [deep.run_gaussian, digits.run_digits] + [batchnorm.run_batchnorm] * 2
    assert jobs[0].kwargs["lrs"] == (0.2, 0.1) and jobs[0].kwargs["widths"] == [5, 5]
    assert jobs[1].kwargs == {"seeds": [5], "multis": [1, 2], "widths": [8, 8], "teacher_epochs": 3, "steps": 10,
                              "lr": 0.01}
    assert jobs[3].kwargs == {"seed": 6, "channels": [8, 8], "epochs": 1}
    deep_result, digits_result, batchnorm_results = plan.split_deep_and_real_data(names(jobs))
    assert (deep_result, digits_result, batchnorm_results) == ("deep-x2", "digits", ["batchnorm-s5", "batchnorm-s6"])


def test_the_plan_keys_do_not_depend_on_the_plan_module():
    from helpers.specialization import sweep

    assert "plan.py" not in sweep.CODE  # editing the job lists must not invalidate stored records
    job = plan.deep_and_real_data_jobs(DEEP_AND_REAL_DATA, [5])[1]
    assert job.key == sweep.job(digits.run_digits, "digits", **job.kwargs).key
