"""Part II's sweeps (games x seeds) as :mod:`helpers.pipeline.executor` jobs.

A job runs the paper's CFR from one seed and, optionally, JPS on its final iterate, and
returns plain numbers (JSON). Every job's key comes from :func:`helpers.fingerprint.job_key`
(the job's function and settings, the code it can execute, the lock file) under a readable
name, ``<kind>-<game>-s<seed>``, so a re-run reuses exactly the records that are still
valid. The four sweeps, one folder each under ``sweeps/``: ``cfr`` (:func:`cfr_jobs`,
chapter 1), ``main`` (:func:`main_jobs`, chapter 2), ``depths`` (:func:`depth_jobs`) and
``sampled`` (:func:`sampled_jobs`, both chapter 3). The tables built from the records are
in :mod:`helpers.jps.report`.

Explained in the book: {ref}`jps-search-table`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from helpers.fingerprint import job_key
from helpers.jps.cfr import run_cfr
from helpers.jps.evaluate import expected_value, purify
from helpers.jps.games import check_game, make_game
from helpers.jps.search import check_depth_limit, run_jps
from helpers.pipeline.executor import Job
from helpers.pipeline.results import step_params


class SweepError(ValueError):
    """A bad sweep specification (unknown game, bad seed count or depth limit)."""


def cfr_job(game: str, seed: int, cfr_iterations: int) -> dict:
    """CFR only: the final iterate's value, the iterates' mean value, the purified value, time."""
    tree = make_game(game)
    start = time.perf_counter()
    cfr = run_cfr(tree, cfr_iterations, seed)
    return {"game": game, "seed": seed, "cfr_value": cfr.value, "cfr_mean_value": cfr.mean_value,
            "cfr_pure_value": expected_value(tree, purify(tree, cfr.policy)),
            "cfr_seconds": time.perf_counter() - start}


def cfr_jps_job(game: str, seed: int, cfr_iterations: int, jps_iterations: int, depth_limits: list[int]) -> dict:
    """CFR from ``seed``, then JPS from its final iterate once per depth limit in ``depth_limits``."""
    tree = make_game(game)
    start = time.perf_counter()
    cfr = run_cfr(tree, cfr_iterations, seed)
    record = {"game": game, "seed": seed, "cfr_value": cfr.value, "cfr_mean_value": cfr.mean_value,
              "cfr_seconds": time.perf_counter() - start, "jps": {}}
    for depth in depth_limits:
        jps = run_jps(tree, cfr.policy, depth, jps_iterations, seed)
        record["jps"][str(depth)] = {"value": jps.value, "values": jps.values, "seconds": jps.seconds,
                                     "visits": jps.visits, "iterations": len(jps.gains),
                                     "min_step": float(np.min(np.diff(jps.values))) if len(jps.values) > 1 else 0.0}
    return record


def cfr_sampled_job(game: str, seed: int, cfr_iterations: int, jps_iterations: int, depth_limit: int,
                    sample_counts: list[int]) -> dict:
    """CFR from ``seed``, then sample-based JPS from its final iterate once per k in
    ``sample_counts`` (0: the exact search over every state)."""
    tree = make_game(game)
    cfr = run_cfr(tree, cfr_iterations, seed)
    record = {"game": game, "seed": seed, "cfr_value": cfr.value, "jps": {}}
    for samples in sample_counts:
        jps = run_jps(tree, cfr.policy, depth_limit, jps_iterations, seed, samples)
        record["jps"][str(samples)] = {"value": jps.value, "seconds": jps.seconds, "visits": jps.visits,
                                       "lowest": min(jps.values)}
    return record


def check_games_spec(games: object, parameter: str = "games") -> dict[str, dict]:
    """``{game: {"seeds": n >= 1, "depth_limit": d >= 0}}``; :class:`SweepError` naming the parameter otherwise."""
    if not isinstance(games, dict) or not games:
        raise SweepError(f"parameter {parameter!r}: expected a non-empty mapping of game id -> "
                         "{seeds: n, depth_limit: d}")
    for game, spec in games.items():
        check_game(game, f"{parameter}[{game!r}]")
        if not isinstance(spec, dict) or set(spec) != {"seeds", "depth_limit"}:
            raise SweepError(f"parameter {parameter!r}[{game!r}] = {spec!r}: expected {{'seeds': n, 'depth_limit': d}}")
        seeds = spec["seeds"]
        if not isinstance(seeds, int) or isinstance(seeds, bool) or seeds < 1:
            raise SweepError(f"parameter {parameter!r}[{game!r}]['seeds'] = {seeds!r}: expected an integer >= 1")
        check_depth_limit(spec["depth_limit"], f"{parameter}[{game!r}]['depth_limit']")
    return games


def _job(kind: str, func: Callable[..., dict], **kwargs: Any) -> Job:
    """One job named ``<kind>-<game>-s<seed>``, keyed by :func:`helpers.fingerprint.job_key`."""
    return Job(key=job_key(f"{kind}-{kwargs['game']}-s{kwargs['seed']}", func, kwargs), func=func, kwargs=kwargs)


def _seeds(seeds: dict[str, int], base_seed: int) -> Iterator[tuple[str, int]]:
    """(game, seed) for every game of ``seeds`` in its order, seeds ``base_seed .. base_seed + n - 1``."""
    for game, n_seeds in seeds.items():
        for seed in range(base_seed, base_seed + n_seeds):
            yield game, seed


def cfr_jobs(cfr_seeds: dict[str, int], base_seed: int, cfr_iterations: int) -> list[Job]:
    """One CFR-only job (:func:`cfr_job`) per game and seed, in the order of ``cfr_seeds``.

    Args:
        cfr_seeds: game id -> number of seeds; game ``g`` runs seeds ``base_seed .. base_seed + n - 1``.
        base_seed: the first seed of every game.
        cfr_iterations: CFR iterations per seed.

    Returns:
        The jobs, named ``cfr-<game>-s<seed>``.

    Explained in the book: {ref}`jps-games-cfr`.
    """
    return [_job("cfr", cfr_job, game=game, seed=seed, cfr_iterations=cfr_iterations)
            for game, seed in _seeds(cfr_seeds, base_seed)]


def main_jobs(games: dict[str, dict], base_seed: int, cfr_iterations: int, jps_iterations: int) -> list[Job]:
    """One CFR+JPS job (:func:`cfr_jps_job`) per game and seed, at the game's own depth limit.

    Args:
        games: game id -> ``{"seeds": n, "depth_limit": d}`` (:func:`check_games_spec`).
        base_seed: the first seed of every game.
        cfr_iterations: CFR iterations per seed.
        jps_iterations: at most this many JPS outer iterations.

    Returns:
        The jobs in the order of ``games``, named ``cfr-jps-<game>-s<seed>``.

    Explained in the book: {ref}`jps-search-table`.
    """
    seeds = {game: spec["seeds"] for game, spec in games.items()}
    return [_job("cfr-jps", cfr_jps_job, game=game, seed=seed, cfr_iterations=cfr_iterations,
                 jps_iterations=jps_iterations, depth_limits=[games[game]["depth_limit"]])
            for game, seed in _seeds(seeds, base_seed)]


def depth_jobs(games: list[str], n_seeds: int, base_seed: int, cfr_iterations: int, jps_iterations: int,
               depths: list[int]) -> list[Job]:
    """The depth ablation: one job per game and seed that runs JPS once per depth limit in
    ``depths`` from the same CFR solution (:func:`cfr_jps_job`), named ``depths-<game>-s<seed>``.

    Explained in the book: {ref}`jps-practices-depth`.
    """
    return [_job("depths", cfr_jps_job, game=game, seed=seed, cfr_iterations=cfr_iterations,
                 jps_iterations=jps_iterations, depth_limits=depths)
            for game, seed in _seeds(dict.fromkeys(games, n_seeds), base_seed)]


def sampled_jobs(games: dict[str, dict], base_seed: int, cfr_iterations: int, jps_iterations: int,
                 sample_counts: list[int]) -> list[Job]:
    """Sample-based JPS: one job per game and seed (``games`` as in :func:`main_jobs`) that
    runs the exact search and then one search per k in ``sample_counts``, from the same CFR
    solution (:func:`cfr_sampled_job`), named ``sampled-<game>-s<seed>``.

    Explained in the book: {ref}`jps-practices-samples`.
    """
    seeds = {game: spec["seeds"] for game, spec in games.items()}
    return [_job("sampled", cfr_sampled_job, game=game, seed=seed, cfr_iterations=cfr_iterations,
                 jps_iterations=jps_iterations, depth_limit=games[game]["depth_limit"],
                 sample_counts=[0, *sample_counts])
            for game, seed in _seeds(seeds, base_seed)]


def main_run_jobs(run_dir: str | Path) -> list[Job]:
    """The jobs of chapter 2's main table as that step ran them in ``run_dir`` (all of them
    recorded under ``sweeps/main``, so running them again only reads the records)."""
    params = step_params(run_dir, "02_joint_policy_search")
    return main_jobs(params["games"], params["seed"], params["cfr_iterations"], params["jps_iterations"])
