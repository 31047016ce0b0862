"""Part II's sweeps (games x seeds) as :mod:`helpers.pipeline.executor` jobs, and their tables.

A job runs the paper's CFR from one seed and, optionally, JPS on its final iterate, and
returns plain numbers (JSON). Its key names the game, the seed, the settings and a digest
of the code and lock it ran with, so a re-run reuses exactly the records that are still
valid. :func:`game_rows` turns records into ``metrics.csv`` rows (``task`` = game id,
``model`` = method, ``metric`` = ``expected_value``, one row per seed).

Explained in the book: {ref}`jps-search-table`.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.fingerprint import lock_digest
from helpers.jps.cfr import run_cfr
from helpers.jps.evaluate import expected_value, purify
from helpers.jps.games import BEST_KNOWN, PROVEN_OPTIMA, check_game, make_game
from helpers.jps.search import check_depth_limit, run_jps
from helpers.pipeline.executor import Job

CODE_FILES = ("tree.py", "evaluate.py", "cfr.py", "search.py", "sweep.py", "openspiel_games.py", "games/__init__.py",
              "games/public.py", "games/comm.py", "games/minihanabi.py", "games/bidding.py", "games/bridge2.py")
"""The sources a job's result depends on (their bytes go into every job key)."""

REACH_TOL = 0.005
"""A seed reaches the best-known value when it is within this of it (the paper gives two decimals)."""


class SweepError(ValueError):
    """A bad sweep specification (unknown game, bad seed count or depth limit)."""


def code_digest() -> str:
    """SHA-256 over the job's source files and the lock."""
    here = Path(__file__).parent
    digest = hashlib.sha256(lock_digest().encode())
    for name in CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def job_key(kind: str, game: str, seed: int, settings: dict) -> str:
    """``<kind>-<game>-s<seed>-<12 hex>``: the hex covers the settings and :func:`code_digest`."""
    blob = json.dumps(settings, sort_keys=True) + code_digest()
    return f"{kind}-{game}-s{seed}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


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


def cfr_jobs(cfr_seeds: dict[str, int], base_seed: int, cfr_iterations: int) -> list[Job]:
    """One CFR-only job (:func:`cfr_job`) per game and seed, in the order of ``cfr_seeds``.

    Args:
        cfr_seeds: game id -> number of seeds; game ``g`` runs seeds ``base_seed .. base_seed + n - 1``.
        base_seed: the first seed of every game.
        cfr_iterations: CFR iterations per seed.

    Returns:
        The jobs, keyed ``cfr-<game>-s<seed>-<hex>`` by :func:`job_key`.

    Explained in the book: {ref}`jps-games-cfr`.
    """
    return [Job(key=job_key("cfr", game, seed, {"cfr_iterations": cfr_iterations}), func=cfr_job,
                kwargs={"game": game, "seed": seed, "cfr_iterations": cfr_iterations})
            for game, n_seeds in cfr_seeds.items() for seed in range(base_seed, base_seed + n_seeds)]


def main_jobs(games: dict[str, dict], base_seed: int, cfr_iterations: int, jps_iterations: int) -> list[Job]:
    """One CFR+JPS job per game and seed (seeds ``base_seed .. base_seed + n - 1``), largest games first."""
    jobs = []
    for game, spec in games.items():
        for seed in range(base_seed, base_seed + spec["seeds"]):
            kwargs = {"game": game, "seed": seed, "cfr_iterations": cfr_iterations, "jps_iterations": jps_iterations,
                      "depth_limits": [spec["depth_limit"]]}
            jobs.append(Job(key=job_key("cfr-jps", game, seed, kwargs), func=cfr_jps_job, kwargs=kwargs))
    return jobs


def reaches(game: str, value: float) -> bool:
    """Whether ``value`` reaches the paper's best-known value of ``game`` (within :data:`REACH_TOL`;
    1e-9 for the proven optima)."""
    if game not in BEST_KNOWN:
        return False
    return value >= BEST_KNOWN[game] - (1e-9 if game in PROVEN_OPTIMA else REACH_TOL)


def game_rows(records: list[dict]) -> list[dict]:
    """``metrics.csv`` rows of CFR+JPS records: ``cfr1k`` and ``cfr1k+jps`` values, and the seconds of each."""
    rows = []
    for rec in records:
        base = {"task": rec["game"], "lang": "all", "n": 1, "seed": rec["seed"]}
        rows.append({**base, "model": "cfr1k", "metric": "expected_value", "value": rec["cfr_value"]})
        rows.append({**base, "model": "cfr1k", "metric": "seconds", "value": rec["cfr_seconds"]})
        for depth, jps in rec["jps"].items():
            model = "cfr1k+jps" if len(rec["jps"]) == 1 else f"cfr1k+jps(d={depth})"
            rows.append({**base, "model": model, "metric": "expected_value", "value": jps["value"]})
            rows.append({**base, "model": model, "metric": "seconds", "value": jps["seconds"]})
            rows.append({**base, "model": model, "metric": "visits", "value": jps["visits"]})
    return rows


def summary_table(rows: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """Per game and model: mean and sd of the value over seeds, seeds, and seeds reaching the best known."""
    values = rows[(rows["metric"] == "expected_value") & rows["model"].isin(models)]
    out = []
    for (game, model), group in values.groupby(["task", "model"], sort=False):
        reached = sum(reaches(game, v) for v in group["value"])
        out.append({"game": game, "model": model, "mean": group["value"].mean(),
                    "sd": group["value"].std(ddof=1) if len(group) > 1 else 0.0, "seeds": len(group),
                    "reached": reached})
    return pd.DataFrame(out)


def curves(records: list[dict], length: int) -> pd.DataFrame:
    """Value after each JPS outer iteration (held after the search stops), per game and seed, long form."""
    out = []
    for rec in records:
        for jps in rec["jps"].values():
            values = jps["values"] + [jps["values"][-1]] * max(0, length + 1 - len(jps["values"]))
            out += [{"game": rec["game"], "seed": rec["seed"], "iteration": k, "value": v}
                    for k, v in enumerate(values[:length + 1])]
    return pd.DataFrame(out)
