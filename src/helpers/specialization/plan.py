"""The chapters' job lists, built from a step's parameters, and their results split back.

``01_two_layer`` runs the configurations (decays x width multiples), one dynamics run and
the sample-complexity runs (data sources x width multiples); ``02_deep_and_real_data`` the
deep Gaussian run, the digits run and one BatchNorm run per seed. The job names and
arguments are exactly what the chapters' keys hash (:func:`helpers.specialization.sweep.job`).
This module is not part of :data:`helpers.specialization.sweep.CODE`: it decides which jobs
run, not what a job computes, so editing it never invalidates a stored record.

Explained in the book: {ref}`specialization-batched`.
"""

from __future__ import annotations

from typing import Any

from helpers.pipeline.executor import Job
from helpers.specialization import batchnorm, deep, digits, sweep, two_layer


def two_layer_jobs(params: dict[str, Any], seeds: list[int]) -> list[Job]:
    """The jobs of ``01_two_layer``, in the order :func:`split_two_layer` reads them back.

    Args:
        params: the step's checked parameters (``helpers.specialization.parameters.two_layer``).
        seeds: the seeds of the configuration and dynamics runs, batched into each job.

    Returns:
        ``m<teacher_nodes>-p<decay>-x<multi>`` for every decay, then every multiple
        (:func:`helpers.specialization.two_layer.run_config`); ``dynamics``; then
        ``samples-<source>-x<multi>`` for every data source of
        :data:`helpers.specialization.two_layer.SOURCES`, then every ``sc_multis`` entry
        (:func:`helpers.specialization.two_layer.run_sample_complexity`, on the first
        ``sc_seeds`` seeds from ``seed``).

    Explained in the book: {ref}`specialization-setting`.
    """
    shared = {"d": params["input_dim"], "c": params["outputs"], "data_std": params["data_std"], "lr": params["lr"],
              "batch_size": params["batch_size"], "threshold": params["threshold"]}
    jobs = [sweep.job(two_layer.run_config, f"m{params['teacher_nodes']}-p{decay:g}-x{multi}", seeds=seeds,
                      m=params["teacher_nodes"], decay=float(decay), multi=multi, n_train=params["n_train"],
                      n_eval=params["n_eval"], epochs=params["epochs"], steps_per_epoch=params["steps_per_epoch"],
                      **shared)
            for decay in params["decays"] for multi in params["multis"]]
    jobs.append(sweep.job(two_layer.run_config, "dynamics", seeds=seeds, m=params["dynamics_teacher"],
                          decay=float(params["dynamics_decay"]), multi=params["dynamics_multi"],
                          n_train=params["dynamics_train"], n_eval=params["n_eval"],
                          epochs=params["dynamics_checkpoints"], steps_per_epoch=params["dynamics_every"], **shared))
    sc_seeds = list(range(params["seed"], params["seed"] + params["sc_seeds"]))
    jobs += [sweep.job(two_layer.run_sample_complexity, f"samples-{source}-x{multi}", seeds=sc_seeds,
                       sizes=params["sc_sizes"], source=source, m=params["sc_teacher"], decay=float(params["sc_decay"]),
                       multi=multi, d=params["input_dim"], c=params["outputs"], data_std=params["data_std"],
                       n_eval=params["n_eval"], lr=params["lr"], batch_size=params["batch_size"],
                       steps=params["sc_steps"])
             for source in two_layer.SOURCES for multi in params["sc_multis"]]
    return jobs


def split_two_layer(done: list[dict], params: dict[str, Any]) -> tuple[list[dict], dict, list[dict]]:
    """The results of :func:`two_layer_jobs`, in its order, split into its three sweeps.

    Args:
        done: the jobs' results, in the order of :func:`two_layer_jobs`.
        params: the parameters the jobs were built from (``decays`` and ``multis`` give the
            number of configurations).

    Returns:
        ``(configs, dynamics, sample_complexity)``: the configuration results (decay-major),
        the dynamics run's result, and the sample-complexity results (source-major).

    Explained in the book: {ref}`specialization-setting`.
    """
    n_configs = len(params["decays"]) * len(params["multis"])
    return done[:n_configs], done[n_configs], done[n_configs + 1:]


def deep_and_real_data_jobs(params: dict[str, Any], seeds: list[int]) -> list[Job]:
    """The jobs of ``02_deep_and_real_data``, in the order :func:`split_deep_and_real_data` reads them back.

    Args:
        params: the step's checked parameters (``helpers.specialization.parameters.deep_and_real_data``).
        seeds: the seeds of the deep and digits runs, batched into each job.

    Returns:
        ``deep-x<deep_multi>`` (:func:`helpers.specialization.deep.run_gaussian`), ``digits``
        (:func:`helpers.specialization.digits.run_digits`), then ``batchnorm-s<seed>`` for
        ``bn_seeds`` seeds from ``seed`` (:func:`helpers.specialization.batchnorm.run_batchnorm`).

    Explained in the book: {ref}`specialization-deep`, {ref}`specialization-digits` and {ref}`specialization-batchnorm`.
    """
    jobs = [sweep.job(deep.run_gaussian, f"deep-x{params['deep_multi']}", seeds=seeds, sizes=params["deep_sizes"],
                      multi=params["deep_multi"], widths=params["deep_widths"], d=params["deep_input_dim"],
                      outputs=params["deep_outputs"], data_std=params["deep_data_std"], n_eval=params["deep_n_eval"],
                      batch_size=params["deep_batch_size"], steps=params["deep_steps"], lrs=tuple(params["deep_lr"]),
                      drop=params["deep_lr_drop"], checks=params["deep_checks"]),
            sweep.job(digits.run_digits, "digits", seeds=seeds, multis=params["digits_multis"],
                      widths=params["digits_widths"], teacher_epochs=params["digits_teacher_epochs"],
                      steps=params["digits_steps"], lr=params["digits_lr"])]
    bn_seeds = range(params["seed"], params["seed"] + params["bn_seeds"])
    jobs += [sweep.job(batchnorm.run_batchnorm, f"batchnorm-s{bn_seed}", seed=bn_seed, channels=params["bn_channels"],
                       epochs=params["bn_epochs"]) for bn_seed in bn_seeds]
    return jobs


def split_deep_and_real_data(done: list[dict]) -> tuple[dict, dict, list[dict]]:
    """The results of :func:`deep_and_real_data_jobs`, in its order: ``(deep, digits, batchnorm runs)``.

    Args:
        done: the jobs' results, in the order of :func:`deep_and_real_data_jobs`.

    Returns:
        The deep Gaussian run's result, the digits run's result, and the BatchNorm results
        (one per seed).

    Explained in the book: {ref}`specialization-deep`, {ref}`specialization-digits` and {ref}`specialization-batchnorm`.
    """
    deep_result, digits_result, *batchnorm_results = done
    return deep_result, digits_result, batchnorm_results
