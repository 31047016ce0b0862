"""The part's sweeps: the chapters' job lists, their keys, and their results split back.

One job per configuration (teacher size, decay, width multiple; data source; deep width
multiple ...) runs every seed of it as one tensor computation; the jobs go through
:func:`helpers.pipeline.executor.run_jobs`, so a profile can send them to another executor
and an interrupted chapter re-runs only the jobs without a record. A job's key is
:func:`helpers.fingerprint.job_key`: its function, its arguments, the code that function can
run (followed through its imports) and the lock file, so a change to any of them never
reuses a stale record. This module decides which jobs run, not what a job computes: the
job functions do not import it, so editing a job list never invalidates a stored record.

``01_two_layer`` runs the configurations (decays x width multiples), one dynamics run and
the sample-complexity runs (data sources x width multiples); ``02_deep_and_real_data`` the
deep Gaussian run, the digits run and one BatchNorm run per seed. Each reads its settings
from the chapter's checked parameters through the configs of
:mod:`helpers.specialization.settings`.

Explained in the book: {ref}`specialization-batched`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from helpers.fingerprint import job_key
from helpers.pipeline.executor import Job, run_jobs
from helpers.specialization import batchnorm, deep, digits, shallow
from helpers.specialization.part import SWEEPS
from helpers.specialization.settings import (
    BatchNormConfig,
    DeepConfig,
    DigitsConfig,
    DynamicsConfig,
    SampleComplexityConfig,
    TwoLayerConfig,
    from_params,
)


def job(func: Callable[..., Any], name: str, **kwargs: Any) -> Job:
    """The job ``func(**kwargs)``, keyed by :func:`helpers.fingerprint.job_key` (``<name>-<12 hex>``)."""
    return Job(key=job_key(name, func, kwargs), func=func, kwargs=kwargs)


def run(jobs: list[Job], run_dir: str | Path, sweep: str, executor: Mapping[str, Any] | None) -> list[Any]:
    """Run ``jobs`` with their records in ``<run_dir>/sweeps/<sweep>/``; their results in order."""
    if sweep not in SWEEPS:
        raise ValueError(f"sweep {sweep!r}: the part's sweeps are {list(SWEEPS)}")
    return run_jobs(jobs, store=Path(run_dir) / "sweeps" / sweep, executor=executor)


def seeds_from(params: Mapping[str, Any], count: int) -> list[int]:
    """``count`` seeds from the profile's ``seed`` on."""
    return list(range(params["seed"], params["seed"] + count))


def two_layer_jobs(params: dict[str, Any]) -> list[Job]:
    """The jobs of ``01_two_layer``, in the order :func:`split_two_layer` reads them back.

    Args:
        params: the step's checked parameters (``helpers.specialization.parameters.two_layer``).

    Returns:
        ``m<teacher_nodes>-p<decay>-x<multi>`` for every decay, then every multiple
        (:func:`helpers.specialization.shallow.run_config` on ``n_seeds`` seeds);
        ``dynamics``; then ``samples-<source>-x<multi>`` for every data source of
        :data:`helpers.specialization.shallow.SOURCES`, then every ``sc_multis`` entry
        (:func:`helpers.specialization.shallow.run_sample_complexity`, on ``sc_seeds`` seeds).

    Explained in the book: {ref}`specialization-setting`.
    """
    net = from_params(TwoLayerConfig(), params)
    dyn = from_params(DynamicsConfig(), params, "dynamics_")
    sc = from_params(SampleComplexityConfig(), params, "sc_")
    seeds = seeds_from(params, net.n_seeds)
    shared = {"d": net.input_dim, "c": net.outputs, "data_std": net.data_std, "lr": net.lr,
              "batch_size": net.batch_size, "threshold": net.threshold}
    jobs = [job(shallow.run_config, f"m{net.teacher_nodes}-p{decay:g}-x{multi}", seeds=seeds, m=net.teacher_nodes,
                decay=float(decay), multi=multi, n_train=net.n_train, n_eval=net.n_eval, epochs=net.epochs,
                steps_per_epoch=net.steps_per_epoch, **shared)
            for decay in net.decays for multi in net.multis]
    jobs.append(job(shallow.run_config, "dynamics", seeds=seeds, m=dyn.teacher, decay=float(dyn.decay),
                    multi=dyn.multi, n_train=dyn.train, n_eval=net.n_eval, epochs=dyn.checkpoints,
                    steps_per_epoch=dyn.every, **shared))
    jobs += [job(shallow.run_sample_complexity, f"samples-{source}-x{multi}", seeds=seeds_from(params, sc.seeds),
                 sizes=list(sc.sizes), source=source, m=sc.teacher, decay=float(sc.decay), multi=multi,
                 n_eval=net.n_eval, steps=sc.steps, shift_mean=sc.shift_mean, shift_std=sc.shift_std, **shared)
             for source in shallow.SOURCES for multi in sc.multis]
    return jobs


def split_two_layer(done: list[Any], params: dict[str, Any]) -> tuple[list[Any], Any, list[Any]]:
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


def deep_and_real_data_jobs(params: dict[str, Any]) -> list[Job]:
    """The jobs of ``02_deep_and_real_data``, in the order :func:`split_deep_and_real_data` reads them back.

    Args:
        params: the step's checked parameters (``helpers.specialization.parameters.deep_and_real_data``).

    Returns:
        ``deep-x<deep_multi>`` (:func:`helpers.specialization.deep.run_gaussian`) and ``digits``
        (:func:`helpers.specialization.digits.run_digits`), both on ``n_seeds`` seeds, then
        ``batchnorm-s<seed>`` for ``bn_seeds`` seeds (:func:`helpers.specialization.batchnorm.run_batchnorm`).

    Explained in the book: {ref}`specialization-deep`, {ref}`specialization-digits` and {ref}`specialization-batchnorm`.
    """
    net = replace(from_params(DeepConfig(), params, "deep_"), n_seeds=params["n_seeds"])  # n_seeds: unprefixed
    dig = from_params(DigitsConfig(), params, "digits_")
    bn = from_params(BatchNormConfig(), params, "bn_")
    seeds = seeds_from(params, net.n_seeds)
    jobs = [job(deep.run_gaussian, f"deep-x{net.multi}", seeds=seeds, sizes=list(net.sizes), multi=net.multi,
                widths=list(net.widths), d=net.input_dim, outputs=net.outputs, data_std=net.data_std,
                n_eval=net.n_eval, batch_size=net.batch_size, steps=net.steps, lrs=tuple(net.lr), drop=net.lr_drop,
                checks=net.checks, decay=float(net.decay)),
            job(digits.run_digits, "digits", seeds=seeds, multis=list(dig.multis), widths=list(dig.widths),
                teacher_epochs=dig.teacher_epochs, steps=dig.steps, batch_size=dig.batch_size, lr=dig.lr,
                noise=dig.noise)]
    jobs += [job(batchnorm.run_batchnorm, f"batchnorm-s{bn_seed}", seed=bn_seed, channels=list(bn.channels),
                 epochs=bn.epochs, batch_size=bn.batch_size, lr=bn.lr) for bn_seed in seeds_from(params, bn.seeds)]
    return jobs


def split_deep_and_real_data(done: list[Any]) -> tuple[Any, Any, list[Any]]:
    """The results of :func:`deep_and_real_data_jobs`, in its order: ``(deep, digits, batchnorm runs)``.

    Explained in the book: {ref}`specialization-deep`, {ref}`specialization-digits` and {ref}`specialization-batchnorm`.
    """
    deep_result, digits_result, *batchnorm_results = done
    return deep_result, digits_result, batchnorm_results
