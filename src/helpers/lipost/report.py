"""The tables the chapters show, shaped from the run's metric rows.

The first half shapes tidy metric rows (``results/metrics.csv``) into the tables of the
baselines and training chapters ({ref}`lipost-baselines-how-we-measure`): the main metric
per task, wide tables, wins of one model over another, the compression diagnosis.

The second half turns the ablation grid's rows into that chapter's descriptive tables
({ref}`lipost-ablations`): means and standard deviations over seeds, the transfer
matrix, the size, layer and data curves. Whether a difference is a win, a tie or a loss
is decided elsewhere, once: by paired intervals over test units and seeds under Holm's
correction (:mod:`helpers.lipost.comparisons`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.lipost.evaluation.suite import MAIN_METRIC


def main_metric_rows(rows: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """Keep, per task, only its main metric (``mrr@10`` or ``label_accuracy``)."""
    main = rows["task"].map(lambda t: MAIN_METRIC[manifest[t]["kind"]])
    return rows[rows["metric"] == main].copy()


def wide(rows: pd.DataFrame, columns: str = "lang", index: tuple[str, ...] = ("task",)) -> pd.DataFrame:
    """Pivot tidy rows to a task x ``columns`` table of values."""
    return rows.pivot_table(index=list(index), columns=columns, values="value", aggfunc="mean").round(3)


def styled(table: pd.DataFrame, precision: int = 3):
    """A table for the book: fixed precision, an em dash where a cell does not apply."""
    return table.style.format(precision=precision, na_rep="—")


def wins(pooled: pd.DataFrame, model: str, other: str, tasks: list[str]) -> list[str]:
    """Tasks (of ``tasks``) on which ``model``'s pooled value is strictly above ``other``'s."""
    value = pooled.set_index(["task", "model"])["value"]
    return [t for t in tasks if (t, model) in value and (t, other) in value and value[(t, model)] > value[(t, other)]]



def win_table(pooled: pd.DataFrame, pairs: list[tuple[str, str]], tasks: list[str]) -> pd.DataFrame:
    """Task x "model > other" table of booleans, for each (model, other) pair."""
    return pd.DataFrame({f"{m} > {o}": [t in wins(pooled, m, o, tasks) for t in tasks] for m, o in pairs},
                        index=tasks)


def bottleneck_finding(table: pd.DataFrame, full_dim: int, small_dim: int, tie: float = 0.005) -> dict[str, str]:
    """Read the compression diagnosis of chapter 3 (a task x embedding table) into glue-ready text.

    Columns expected: ``base <full>``, ``base first-<small>``, ``base PCA-<small>``,
    ``tuned <full>``, ``tuned first-<small> (Matryoshka)``, ``tuned PCA-<small>``.
    Differences within ``tie`` count as "about the same as".
    """
    mean = table.mean()
    base_full, base_first = table[f"base {full_dim}"], table[f"base first-{small_dim}"]
    base_pca, tuned_full = table[f"base PCA-{small_dim}"], table[f"tuned {full_dim}"]
    mat, pca = mean[f"tuned first-{small_dim} (Matryoshka)"], mean[f"tuned PCA-{small_dim}"]
    relation = "about the same as" if abs(mat - pca) <= tie else "above" if mat > pca else "below"
    if relation == "below":
        reading = (f"A linear map fitted after training beats the trained first {small_dim} coordinates, so "
                   "training under-used the small size: more weight on it, or more steps, should help.")
    else:
        reading = (f"Training used the first {small_dim} coordinates at least as well as a linear compression "
                   "fitted afterwards, so most of the gap is the size itself, not the training.")
    return {
        "small": str(small_dim),
        "base_pca_loss": f"{(base_full - base_pca).mean():.3f}",
        "base_worst": str((base_full - base_pca).idxmax()),
        "base_first_loss": f"{(base_full - base_first).mean():.3f}",
        "mat_vs_pca": relation,
        "mat_mean": f"{mat:.3f}",
        "pca_mean": f"{pca:.3f}",
        "tuned_gap": f"{(tuned_full.mean() - mat):.3f}",
        "reading": reading,
    }

def diagnosis_table(main: pd.DataFrame, diagnosis: list[dict], manifest: dict, names: dict[str, str],
                    tasks: list[str], full_dim: int, small_dim: int) -> pd.DataFrame:
    """Chapter 3's compression diagnosis: per task of ``tasks``, the pooled main metric of
    the base and tuned models at full size and their small embeddings (``main``: the
    chapter's main-metric rows, whose models ``names`` renames; ``diagnosis``: the rows of
    :func:`helpers.lipost.evaluation.compression.compression_rows`), in the columns
    :func:`bottleneck_finding` reads."""
    table = main_metric_rows(pd.concat([main[main["model"].isin(names)], pd.DataFrame(diagnosis)]), manifest)
    table = wide(table[(table["lang"] == "all") & table["task"].isin(tasks)], columns="model")
    return table.rename(columns=names)[[f"base {full_dim}", f"base first-{small_dim}", f"base PCA-{small_dim}",
                                        f"tuned {full_dim}", f"tuned first-{small_dim} (Matryoshka)",
                                        f"tuned PCA-{small_dim}"]]


def seed_summary(rows: pd.DataFrame, manifest: dict, lang: str = "all") -> pd.DataFrame:
    """Mean, standard deviation and number of seeds per (run, size, task) of the main metric.

    ``size`` is the embedding size, read from the model name's suffix (``finetuned-50``).
    """
    main = main_metric_rows(rows[rows["lang"] == lang], manifest)
    main = main.assign(size=main["model"].str.rsplit("-", n=1).str[-1].astype(int))
    grouped = main.groupby(["run", "size", "task"])["value"]
    out = grouped.agg(mean="mean", sd="std", seeds="count").reset_index()
    out["sd"] = out["sd"].fillna(0.0)
    return out


def value_of(summary: pd.DataFrame, run: str, size: int, task: str) -> tuple[float, float]:
    """(mean, sd) of one run at one embedding size on one task; (nan, 0) when absent."""
    hit = summary[(summary["run"] == run) & (summary["size"] == size) & (summary["task"] == task)]
    return (float(hit["mean"].iloc[0]), float(hit["sd"].iloc[0])) if len(hit) else (float("nan"), 0.0)


def transfer_matrix(summary: pd.DataFrame, trained: list[str], evaluated: list[str], size: int) -> pd.DataFrame:
    """Trained-on x evaluated-on table of mean gains over the un-tuned model: one row per
    single-task model and one for the multi-task model (``base``)."""
    runs = [f"single:{t}" for t in trained] + ["base"]
    table = pd.DataFrame({task: [value_of(summary, run, size, task)[0] - value_of(summary, "untuned", size, task)[0]
                                 for run in runs] for task in evaluated},
                         index=[r.replace("single:", "only ").replace("base", "all tasks") for r in runs])
    table.index.name = "trained on"
    return table


def in_domain_mean(summary: pd.DataFrame, run: str, size: int, tasks: list[str]) -> float:
    """Mean over ``tasks`` of a run's mean main metric at one size."""
    return float(np.mean([value_of(summary, run, size, t)[0] for t in tasks]))


def size_points(summary: pd.DataFrame, sizes: list[int], full: int, tasks: list[str]) -> pd.DataFrame:
    """Quality against embedding size for nested training, learned projections and the
    un-tuned model truncated (the dimension question)."""
    rows = []
    for d in sorted({full, *sizes}, reverse=True):
        rows.append({"method": "nested (Matryoshka) training", "size": d,
                     "value": in_domain_mean(summary, f"dim:{d}-matryoshka", d, tasks)})
        rows.append({"method": "un-tuned, truncated", "size": d, "value": in_domain_mean(summary, "untuned", d, tasks)})
        run = "base" if d == full else f"dim:{d}-projection"
        rows.append({"method": "learned projection", "size": d, "value": in_domain_mean(summary, run, d, tasks)})
    out = pd.DataFrame(rows).dropna()
    out["bytes"] = 4 * out["size"]
    return out



def language_table(rows: pd.DataFrame, manifest: dict, runs: dict[str, str], size: int
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(task, language) x setting means and sds over seeds for the multilingual question
    (its outcomes: :func:`helpers.lipost.comparisons.multilingual`)."""
    langs = [x for x in rows["lang"].unique() if x != "all"]
    summaries = {lang: seed_summary(rows, manifest, lang) for lang in langs}
    index = sorted({(t, lang) for lang, s in summaries.items() for t in s["task"].unique()
                    if manifest[t]["in_domain"]})
    names = pd.MultiIndex.from_tuples(index, names=["task", "lang"])
    means = pd.DataFrame({label: [value_of(summaries[lang], run, size, t)[0] for t, lang in index]
                          for label, run in runs.items()}, index=names)
    sds = pd.DataFrame({label: [value_of(summaries[lang], run, size, t)[1] for t, lang in index]
                        for label, run in runs.items()}, index=means.index)
    return means.round(3), sds.round(3)


def unfrozen_points(summary: pd.DataFrame, summaries: pd.DataFrame, n_layers: int, base_frozen: int,
                    tasks: list[str], size: int) -> pd.DataFrame:
    """Trained top layers -> mean in-domain quality and median seconds per training step."""
    rows = []
    for run, group in summaries.groupby("run"):
        if run == "base" or run.startswith("unfrozen:"):
            unfrozen = n_layers - base_frozen if run == "base" else int(run.split(":")[1])
            rows.append({"unfrozen": unfrozen, "value": round(in_domain_mean(summary, run, size, tasks), 3),
                         "sec_per_step": round(float(group["sec_per_step"].median()), 3),
                         "trainable_M": round(float(group["trainable_params"].median()) / 1e6, 2)})
    return pd.DataFrame(rows).sort_values("unfrozen")


def data_points(summary: pd.DataFrame, variants: list, base_cap: int, tasks: list[str], size: int) -> pd.DataFrame:
    """Pairs-per-task cap -> main metric per task, for the ``frac:`` variants and the base."""
    caps = {"base": base_cap} | {v.run: v.overrides["max_pairs_per_task"] for v in variants
                                 if v.run.startswith("frac:")}
    return pd.DataFrame([{"pairs": cap, "task": t, "value": value_of(summary, run, size, t)[0]}
                         for run, cap in caps.items() for t in tasks])
