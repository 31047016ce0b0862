"""From the sweeps' records to numbers: per-seed statistics, result rows, the tables the
chapters show, and the chapters' summaries. Every function here reads the JSON the jobs
returned.

Explained in the book: {ref}`specialization-measures`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.intervals import seed_interval
from helpers.paths import atomic_write_text
from helpers.pipeline import results
from helpers.specialization import measures

SPECIALISED = 0.9
"""A student whose best correlation with any teacher node is below this is 'un-specialised' (the L-shape's foot)."""


def setting(result: dict) -> str:
    """The configuration's name in result rows: ``m=10 p=1``."""
    return f"m={result['m']} p={result['decay']:g}"


def lshape_stats(result: dict, absolute: float = 0.1, relative: float = 0.05) -> pd.DataFrame:
    """Per seed: how many students are un-specialised (best rho < 0.9), the share of those whose
    fan-out is near zero (below ``absolute``, or below ``relative`` x the seed's largest fan-out,
    the brief's test), their mean fan-out, and the
    failures (best rho < 0.5 with fan-out > 0.3: a student that carries output weight but
    matches no teacher)."""
    rows = []
    for seed, use, fan in zip(result["seeds"], result["usefulness"], result["fanout"], strict=True):
        use, fan = np.asarray(use), np.asarray(fan)
        loose = use < SPECIALISED
        rows.append({"seed": seed, "unspecialised": int(loose.sum()),
                     "low_fanout_share": float(((fan[loose] < absolute) | (fan[loose] < relative * fan.max())).mean())
                     if loose.any() else 1.0,
                     "fanout_unspecialised": float(fan[loose].mean()) if loose.any() else 0.0,
                     "failures": int(((use < 0.5) & (fan > 0.3)).sum()), "max_fanout": float(fan.max())})
    return pd.DataFrame(rows)


def lshape_per_seed(configs: list[dict], min_multi: int = 2) -> pd.DataFrame:
    """Per seed, the students of every configuration of width >= ``min_multi`` pooled: how many
    are un-specialised (best rho < 0.9), the share of those with near-zero fan-out (< 0.1, or
    < 5 % of the configuration's largest), and their mean fan-out over the specialised
    (rho > 0.95) students' mean (NaN without both kinds). The L-shape claim's statistic."""
    pooled: dict[int, dict[str, list]] = {}
    for result in configs:
        if result["multi"] < min_multi:
            continue
        for seed, use, fan in zip(result["seeds"], result["usefulness"], result["fanout"], strict=True):
            use, fan = np.asarray(use), np.asarray(fan)
            loose, near = use < SPECIALISED, (fan < 0.1) | (fan < 0.05 * fan.max())
            own = pooled.setdefault(seed, {"near": [], "loose": [], "tight": []})
            own["near"] += near[loose].tolist()
            own["loose"] += fan[loose].tolist()
            own["tight"] += fan[use > 0.95].tolist()
    rows = [{"seed": seed, "unspecialised": len(own["loose"]),
             "near_zero_share": float(np.mean(own["near"])) if own["loose"] else float("nan"),
             "fanout_ratio": float(np.mean(own["loose"]) / np.mean(own["tight"]))
             if own["loose"] and own["tight"] else float("nan")} for seed, own in pooled.items()]
    return pd.DataFrame(rows, columns=["seed", "unspecialised", "near_zero_share", "fanout_ratio"])


def failure_pairs(configs: list[dict], min_decay: float) -> dict[int, np.ndarray]:
    """Per width: whether each (seed, p >= ``min_decay``) pair's student has a failure (best
    rho < 0.5 with fan-out > 0.3), pairs in one order for every width (p-major, then seed)."""
    found: dict[int, list[np.ndarray]] = {}
    for result in sorted(configs, key=lambda r: r["decay"]):
        if result["decay"] >= min_decay:
            found.setdefault(result["multi"], []).append(lshape_stats(result)["failures"].to_numpy() > 0)
    return {multi: np.concatenate(parts) for multi, parts in found.items()}


def recovery(result: dict, epoch: int, threshold: float) -> np.ndarray:
    """Seeds x teacher nodes: recovered (best eval rho > threshold) after ``epoch`` epochs."""
    return np.asarray(result["best_eval"])[:, epoch] > measures.check_threshold(threshold)


def two_layer_rows(results: list[dict], early_epoch: int, threshold: float) -> list[dict]:
    """Result rows (one per configuration, seed and metric) of the two-layer sweep."""
    rows = []
    for result in results:
        stats = lshape_stats(result)
        final = recovery(result, -1, threshold)
        early = recovery(result, min(early_epoch, len(result["eval_loss"][0]) - 1), threshold)
        for index, seed in enumerate(result["seeds"]):
            values = {"recovery_rate": final[index].mean(), "recovery_rate_early": early[index].mean(),
                      "eval_loss": result["eval_loss"][index][-1],
                      "best_corr_mean": float(np.mean(result["best_eval"][index][-1])),
                      "fanout_unspecialised": stats["fanout_unspecialised"][index],
                      "unspecialised_low_fanout_share": stats["low_fanout_share"][index],
                      "failures": stats["failures"][index]}
            rows += [{"run": setting(result), "model": f"{result['multi']}x", "task": "two-layer", "lang": "-",
                      "metric": name, "value": float(value), "n": result["m"], "seed": seed}
                     for name, value in values.items()]
    return rows


def recovery_by_index(results: list[dict], epoch: int, threshold: float) -> pd.DataFrame:
    """Long table: decay, multi, teacher index (1 = strongest), recovery rate over seeds."""
    rows = []
    for result in results:
        rate = recovery(result, epoch, threshold).mean(axis=0)
        rows += [{"decay": result["decay"], "multi": result["multi"], "teacher": j + 1, "rate": float(value)}
                 for j, value in enumerate(rate)]
    return pd.DataFrame(rows)


def loss_table(results: list[dict]) -> pd.DataFrame:
    """log10 of the final eval loss, mean and std over seeds, decay x multi."""
    rows = [{"decay": r["decay"], "multi": r["multi"], "log10_loss": float(np.log10(loss[-1]))}
            for r in results for loss in r["eval_loss"]]
    table = pd.DataFrame(rows).groupby(["decay", "multi"])["log10_loss"].agg(["mean", "std"]).reset_index()
    return table


def dynamics(result: dict, threshold: float) -> pd.DataFrame:
    """Per seed: the Spearman correlation of time-to-recovery with teacher index, and how
    many teacher nodes were recovered by the end (never-recovered ones rank last)."""
    best = np.asarray(result["best_eval"])  # seeds x checkpoints x teachers
    steps = np.arange(best.shape[1]) * result["steps_per_epoch"]
    rows = []
    for seed, series in zip(result["seeds"], best, strict=True):
        times = measures.time_to_recovery(series, steps, threshold)
        rows.append({"seed": seed, "spearman": measures.strong_first_spearman(times, steps[-1] + result[
            "steps_per_epoch"]), "recovered": int(np.sum(~np.isnan(times))), "first_step": float(np.nanmin(times))
                     if np.any(~np.isnan(times)) else float("nan")})
    return pd.DataFrame(rows)


def sample_complexity_table(results: list[dict]) -> pd.DataFrame:
    """Long table: source, multi, size, seed, rho_mean, eval_loss, recovered."""
    rows = []
    for result in results:
        for size, seed, rho, loss, rec in zip(result["sizes"], result["seeds"], result["rho_mean"],
                                             result["eval_loss"], result["recovered"], strict=True):
            rows.append({"source": result["source"], "multi": result["multi"], "size": size, "seed": seed,
                         "rho_mean": rho, "eval_loss": loss, "recovered": rec})
    return pd.DataFrame(rows)


def sample_complexity_summary(table: pd.DataFrame, min_multi: int = 2) -> pd.DataFrame:
    """Per size (rows) and data source (columns): each seed's mean rho_mean over widths >=
    ``min_multi``, then the mean over seeds with its 95 % t-interval."""
    per_seed = table[table["multi"] >= min_multi].groupby(["source", "size", "seed"])["rho_mean"].mean()
    return per_seed.groupby(level=["size", "source"]).agg(interval_cell).unstack("source")


def smallest_size(table: pd.DataFrame, source: str, level: float, min_multi: int = 2) -> float:
    """The smallest training-set size at which students of width >= ``min_multi`` reach a mean
    (over seeds and widths) rho_mean >= ``level``, and stay there for every larger size; inf if never."""
    part = table[(table["source"] == source) & (table["multi"] >= min_multi)]
    means = part.groupby("size")["rho_mean"].mean().sort_index()
    good = means >= level
    for size in means.index:
        if good.loc[size:].all():
            return float(size)
    return float("inf")


def seed_sizes(table: pd.DataFrame, level: float, censored: float, min_multi: int = 2) -> pd.DataFrame:
    """Per seed (rows) and data source (columns): the smallest training-set size at which the
    mean rho_mean over widths >= ``min_multi`` reaches ``level`` and stays there for every
    larger size; ``censored`` where no size does."""
    part = table[table["multi"] >= min_multi].groupby(["source", "seed", "size"])["rho_mean"].mean()
    rows: dict[tuple[str, int], float] = {}
    for (source, seed), series in part.groupby(level=["source", "seed"]):
        means = series.droplevel(["source", "seed"]).sort_index()
        good = means >= level
        rows[(source, seed)] = next((float(size) for size in means.index if good.loc[size:].all()), censored)
    return pd.Series(rows).unstack(0)


def deep_table(result: dict) -> pd.DataFrame:
    """Long table of the deep sweep's last checkpoint: size, seed, layer, rho_mean."""
    last = result["history"][-1]["best"]
    rows = []
    for layer, per_pair in enumerate(last):
        for size, seed, best in zip(result["sizes"], result["seeds"], per_pair, strict=True):
            rows.append({"size": size, "seed": seed, "layer": layer, "rho_mean": float(np.mean(best))})
    return pd.DataFrame(rows)


def deep_lshape(result: dict, checkpoint: int = -1) -> pd.DataFrame:
    """Students of the largest data size at one checkpoint: layer, seed, usefulness, generalised fan-out."""
    stats = result["history"][checkpoint]
    biggest = max(result["sizes"])
    rows = []
    for layer, (uses, fans) in enumerate(zip(stats["usefulness"], stats["fanout"], strict=True)):
        for size, seed, use, fan in zip(result["sizes"], result["seeds"], uses, fans, strict=True):
            if size == biggest:
                rows += [{"layer": layer, "seed": seed, "usefulness": u, "fanout": f} for u, f in zip(use, fan,
                                                                                                     strict=True)]
    return pd.DataFrame(rows)


def deep_rows(result: dict) -> list[dict]:
    """Result rows of the deep sweep: rho_mean per layer, per size and seed, and the eval loss."""
    rows = [{"run": f"N={row.size} layer={row.layer}", "model": f"{result['multi']}x", "task": "deep", "lang": "-",
             "metric": "best_corr_mean", "value": row.rho_mean, "n": row.size, "seed": row.seed}
            for row in deep_table(result).itertuples()]
    rows += [{"run": f"N={size}", "model": f"{result['multi']}x", "task": "deep", "lang": "-", "metric": "eval_loss",
              "value": loss, "n": size, "seed": seed}
             for size, seed, loss in zip(result["sizes"], result["seeds"], result["eval_loss"], strict=True)]
    return rows


def digits_rows(result: dict) -> list[dict]:
    """Result rows of the digits experiment: rho_mean per layer and test accuracy, per width and seed."""
    rows = []
    for multi, per_seed in result["rho_mean"].items():
        for seed, layers, acc in zip(result["seeds"], per_seed, result["student_acc"][multi], strict=True):
            rows += [{"run": f"layer={layer}", "model": f"{multi}x", "task": "digits", "lang": "-",
                      "metric": "best_corr_mean", "value": value, "n": 360, "seed": seed}
                     for layer, value in enumerate(layers)]
            rows.append({"run": "test", "model": f"{multi}x", "task": "digits", "lang": "-", "metric": "accuracy",
                         "value": acc, "n": 360, "seed": seed})
    return rows


def batchnorm_table(results: list[dict]) -> pd.DataFrame:
    """Per BN layer (1 = lowest), pooled over seeds: channels, share with beta < 0, share with beta = 0."""
    negative = np.sum([r["negative"] for r in results], axis=0)
    zero = np.sum([r["zero"] for r in results], axis=0)
    total = np.sum([r["total"] for r in results], axis=0)
    return pd.DataFrame({"layer": np.arange(1, len(total) + 1), "channels": total,
                         "negative_share": negative / total, "zero_share": zero / total})


def batchnorm_rows(results: list[dict]) -> list[dict]:
    """Result rows: per seed, the share of BN shifts below zero (all layers) and the test accuracy."""
    rows = []
    for r in results:
        share = sum(r["negative"]) / sum(r["total"])
        rows += [{"run": "bn-net", "model": "vgg-like", "task": "batchnorm", "lang": "-",
                  "metric": "beta_negative_share", "value": share, "n": sum(r["total"]), "seed": r["seed"]},
                 {"run": "bn-net", "model": "vgg-like", "task": "batchnorm", "lang": "-", "metric": "accuracy",
                  "value": r["accuracy"], "n": 360, "seed": r["seed"]}]
    return rows


def sample_complexity_rows(table: pd.DataFrame) -> list[dict]:
    """Result rows of the sample-complexity runs."""
    return [{"run": f"{row.source} N={row.size}", "model": f"{row.multi}x", "task": "sample-complexity", "lang": "-",
             "metric": metric, "value": float(getattr(row, metric)), "n": row.size, "seed": row.seed}
            for row in table.itertuples() for metric in ("rho_mean", "eval_loss")]


def lshape_frame(configs: list[dict]) -> pd.DataFrame:
    """:func:`lshape_stats` of every configuration, one row per seed, with its decay and width."""
    return pd.concat([lshape_stats(result).assign(decay=result["decay"], multi=result["multi"])
                      for result in configs])


def interval_cell(values: Any, digits: int = 2) -> str:
    """``mean [low, high]``: the mean over seeds with its 95 % t-interval, for a chapter's table
    (NaNs dropped; one seed gives ``n/a`` bounds)."""
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    return seed_interval(array).format(digits) if array.size else "n/a"


def interval_table(frame: pd.DataFrame, by: list[str], columns: list[str], digits: int = 2) -> pd.DataFrame:
    """Each of ``columns`` as :func:`interval_cell` over the rows (seeds) of each group of ``by``."""
    return frame.groupby(by)[columns].agg(lambda values: interval_cell(values, digits))


def lshape_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The L-shape's statistics of :func:`lshape_frame`, mean over seeds with its 95 %
    t-interval, decay x width."""
    return interval_table(frame, ["decay", "multi"], ["unspecialised", "low_fanout_share", "fanout_unspecialised",
                                                       "failures"])


def recovered_table(configs: list[dict], early_epoch: int, threshold: float) -> pd.DataFrame:
    """Teacher nodes recovered after ``early_epoch`` epochs and at the end, mean over seeds
    with its 95 % t-interval, decay x width."""
    rows = [{"decay": r["decay"], "multi": r["multi"], "seed": seed, "final": final, "early": early}
            for r in configs
            for seed, final, early in zip(r["seeds"], recovery(r, -1, threshold).sum(axis=1),
                                          recovery(r, early_epoch, threshold).sum(axis=1), strict=True)]
    return interval_table(pd.DataFrame(rows), ["decay", "multi"], ["early", "final"], 1)


def loss_summary(results: list[dict]) -> pd.DataFrame:
    """log10 of the final eval loss, mean over seeds with its 95 % t-interval: width (rows) x decay."""
    rows = [{"decay": r["decay"], "multi": r["multi"], "log10_loss": float(np.log10(loss[-1]))}
            for r in results for loss in r["eval_loss"]]
    return interval_table(pd.DataFrame(rows), ["multi", "decay"], ["log10_loss"])["log10_loss"].unstack("decay")


def shown_size(size: float, largest: int) -> str:
    """A training-set size for the prose: the number, or that no size up to ``largest`` reached it."""
    return f"{size:.0f}" if size != float("inf") else f"not reached by N = {largest}"


def mean_std(values: Any) -> str:
    """``mean ± std`` (population std) of some values, two decimals: a spread over seeds for the prose."""
    values = pd.Series(values, dtype=float)
    return f"{values.mean():.2f} ± {values.std(ddof=0):.2f}"


def digits_table(result: dict) -> pd.DataFrame:
    """rho_mean per layer (rows) of each student width (columns), mean over seeds with its 95 % t-interval."""
    return pd.DataFrame({f"{multi}x": pd.DataFrame(values).agg(interval_cell)
                         for multi, values in result["rho_mean"].items()}).rename_axis("layer")


def pooled_share(table: pd.DataFrame, column: str) -> float:
    """A share of :func:`batchnorm_table` (``negative_share`` or ``zero_share``) over every channel."""
    return float((table[column] * table.channels).sum() / table.channels.sum())


SUMMARIES = ("01_two_layer", "02_deep_and_real_data")
"""The steps whose summaries the best-practices chapter reads."""


def write_step(run_dir: Path, step: str, rows: list[dict], summary: dict[str, Any]) -> None:
    """A step's result rows into ``results/metrics.csv`` and its summary (the step's checked
    parameters without the executor, and its records) into ``summaries/<step>.json``."""
    results.replace_step(run_dir, step, pd.DataFrame(rows))
    params = {k: v for k, v in summary["params"].items() if k != "executor"}
    atomic_write_text(Path(run_dir) / "summaries" / f"{step}.json", json.dumps({**summary, "params": params}))


def read_summaries(run_dir: Path) -> tuple[dict, dict]:
    """The summaries of :data:`SUMMARIES`; :class:`FileNotFoundError` naming the step to run first."""
    found = []
    for step in SUMMARIES:
        path = Path(run_dir) / "summaries" / f"{step}.json"
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run step {step} of this profile first")
        found.append(json.loads(path.read_text()))
    return found[0], found[1]
