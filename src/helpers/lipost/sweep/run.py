"""Run the ablation grid: each variant is one call of :func:`helpers.lipost.experiment.train_and_score`.

A variant's record lives in ``runs/<profile>/lipost/ablations/<slug>/``: its training log
(``training/train_log.csv``), its result rows (``rows.csv``), each query's and item's score
(``units.parquet``, :mod:`helpers.lipost.evaluation.units`), its training summary
(``summary.json``) and ``variant.json`` (resolved settings, scoring spec, key, wall time),
written last, so an interrupted variant never counts as done. A variant whose key
(:func:`helpers.fingerprint.variant_key`: its settings and scoring, the code they run, the
lock file and the data) is unchanged is reused; so a change to a chapter's prose, or to
code training cannot execute, retrains nothing. The variants to train are the jobs of one
sweep of :func:`helpers.pipeline.executor.run_jobs`: by default one after another in the
chapter's own process, sharing the base model read once and the frozen-prefix cache; with
a Dask executor, on the cluster's workers (each reads the base model once, and the
frozen-prefix cache's entries on disk are shared).

Explained in the book: {ref}`lipost-ablations-how-it-runs`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import pandas as pd

from helpers.fingerprint import variant_key
from helpers.lipost.evaluation.units import read_units, write_units
from helpers.lipost.experiment import Scoring, train_and_score
from helpers.lipost.sweep.grid import Variant
from helpers.lipost.sweep.records import RECORD_FILES
from helpers.lipost.training.config import TrainConfig, make_config
from helpers.paths import atomic_write_bytes, atomic_write_text
from helpers.pipeline.executor import Job, run_jobs

UNITS_FILE = "units.parquet"  # a variant's per-unit scores, beside its rows
EXPERIMENT_MODULES = ["helpers.lipost.experiment"]  # the code a variant runs (followed through its imports)


def variant_settings(variant: Variant, base: dict) -> TrainConfig:
    """A variant's resolved training settings: the grid's base, its overrides and its seed; it
    validates only at the end and saves no checkpoints (a variant is never resumed)."""
    return make_config({**base, **variant.overrides, "seed": variant.seed, "eval_steps": 0, "save_steps": 0})


def variant_scoring(variant: Variant, max_seq_length: int, max_rows: int, seed: int) -> Scoring:
    """How every variant is scored: the same seeded sample of test rows, at the variant's sizes."""
    return Scoring(max_seq_length=max_seq_length, seed=seed, dims=tuple(variant.eval_dims), max_rows=max_rows)


def training_identity(settings: TrainConfig, scoring: Scoring) -> str:
    """What a variant computes, without its name: two grid entries with the same identity
    (``loo:crosslingual`` and ``lang:no-crosslingual`` train on the same tasks and
    languages) are one training run."""
    return hashlib.sha256(json.dumps({"settings": settings.to_dict(), "scoring": scoring.to_dict()},
                                     sort_keys=True).encode()).hexdigest()


def _record(variant: Variant, key: str, seconds: float, settings: TrainConfig, scoring: Scoring,
            same_as: str = "") -> dict:
    return {"run": variant.run, "question": variant.question, "seed": variant.seed, "key": key,
            "seconds": round(seconds, 1), "finished": time.strftime("%Y-%m-%d %H:%M:%S"), "same_as": same_as,
            "settings": settings.to_dict(), "scoring": scoring.to_dict()}


def finished_record(root: Path, settings: TrainConfig, scoring: Scoring, folder: Path, data_dir: Path
                    ) -> tuple[str, dict | None]:
    """A variant's key, and its finished record in ``folder`` when that record has this key (else ``None``)."""
    key = variant_key(root, settings.to_dict(), scoring.to_dict(), data_dir, EXPERIMENT_MODULES)
    record_path = Path(folder) / "variant.json"
    if record_path.exists():
        previous = json.loads(record_path.read_text())
        if previous.get("key") == key and all((Path(folder) / n).exists() for n in ("rows.csv", UNITS_FILE)):
            return key, previous
    return key, None


def run_variant(root: Path, variant: Variant, settings: TrainConfig, scoring: Scoring, folder: Path,
                data_dir: Path, log=print) -> dict:
    """Train and score one variant into ``folder`` (or reuse its record); return the record.

    A job of the grid's sweep: it writes ``variant.json`` itself, atomically and last, in
    the process that runs it, so a variant whose process dies is never half-recorded.
    """
    folder, data_dir = Path(folder), Path(data_dir)
    key, previous = finished_record(root, settings, scoring, folder, data_dir)
    if previous is not None:
        log(f"  {variant.run} (seed {variant.seed}): unchanged, reused")
        return {**previous, "reused": True}
    record_path = folder / "variant.json"
    record_path.unlink(missing_ok=True)  # from here on the folder is not a finished variant
    shutil.rmtree(folder / "training", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    log(f"  {variant.run} (seed {variant.seed}): training ...")
    start = time.time()
    outcome = train_and_score(settings, data_dir, folder / "training", scoring)
    shutil.rmtree(folder / "training" / "checkpoints", ignore_errors=True)  # never resumed: the trainer's empty folder
    atomic_write_text(folder / "summary.json", json.dumps(outcome.summary, indent=1))
    atomic_write_text(folder / "rows.csv", pd.DataFrame(outcome.rows).to_csv(index=False))
    write_units(folder / UNITS_FILE, pd.DataFrame(outcome.units).assign(run=variant.run, seed=variant.seed))
    record = _record(variant, key, time.time() - start, settings, scoring)
    atomic_write_text(record_path, json.dumps(record, indent=1))
    return {**record, "reused": False}


def copy_variant(variant: Variant, source_folder: Path, folder: Path, source: Variant, log=print) -> dict:
    """Record ``variant`` as the same run as the already finished ``source``: its rows,
    summary and training log are copied (the rows are relabelled when collected)."""
    record_path = folder / "variant.json"
    record_path.unlink(missing_ok=True)
    for name in (*RECORD_FILES[1:], UNITS_FILE):
        atomic_write_bytes(folder / name, (source_folder / name).read_bytes())
    log(f"  {variant.run} (seed {variant.seed}): the same run as {source.run}, copied")
    origin = json.loads((source_folder / "variant.json").read_text())
    record = {**origin, "run": variant.run, "question": variant.question, "seed": variant.seed, "seconds": 0.0,
              "same_as": source.run,
              "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
    atomic_write_text(record_path, json.dumps(record, indent=1))
    return {**record, "reused": False}


def run_grid(root: Path, variants: list[Variant], base: dict, run_dir: Path, eval_max_seq_length: int,
             eval_max_rows: int, eval_seed: int, executor: dict | None = None, log=print) -> pd.DataFrame:
    """Run every variant; return one row per variant (run, seed, wall time, reuse, and
    ``same_as``: the variant whose identical run it shares, or empty).

    Finished variants are reused here; the others, one per distinct training run, are the
    jobs of one sweep on ``executor`` (:func:`helpers.pipeline.executor.run_jobs`, in this
    process by default); the entries that share a run are copied once it has finished.
    """
    data_dir = Path(run_dir) / "data"
    first_of: dict[str, Variant] = {}
    identities, outcomes, jobs = [], {}, []
    for variant in variants:
        settings = variant_settings(variant, base)
        scoring = variant_scoring(variant, eval_max_seq_length, eval_max_rows, eval_seed)
        identity = training_identity(settings, scoring)
        identities.append(identity)
        if identity in first_of:
            continue
        first_of[identity] = variant
        folder = variant_folder(run_dir, variant)
        _, previous = finished_record(root, settings, scoring, folder, data_dir)
        if previous is not None:
            log(f"  {variant.run} (seed {variant.seed}): unchanged, reused")
            outcomes[variant.slug] = {**previous, "reused": True}
            continue
        jobs.append(Job(variant.slug, run_variant, {"root": Path(root), "variant": variant, "settings": settings,
                                                     "scoring": scoring, "folder": folder, "data_dir": data_dir}))
    log(f"{len(variants)} variants: {len(outcomes)} reused, {len(jobs)} to train, "
        f"{len(variants) - len(first_of)} the same run as another entry")
    outcomes.update(zip([job.key for job in jobs], run_jobs(jobs, executor=executor, log=log), strict=True))
    records = []
    for variant, identity in zip(variants, identities, strict=True):
        source = first_of[identity]
        if source is variant:
            rec = outcomes[variant.slug]
        else:
            rec = copy_variant(variant, variant_folder(run_dir, source), variant_folder(run_dir, variant), source, log)
        records.append({"run": rec["run"], "question": rec["question"], "seed": rec["seed"],
                        "seconds": rec["seconds"], "reused": rec["reused"], "slug": variant.slug,
                        "same_as": rec.get("same_as", "")})
    return pd.DataFrame(records)


def variant_folder(run_dir: Path, variant: Variant) -> Path:
    """Where a variant's record lives: ``<run_dir>/ablations/<slug>``."""
    return Path(run_dir) / "ablations" / variant.slug


def collect_rows(run_dir: Path, variants: list[Variant]) -> pd.DataFrame:
    """Every variant's result rows, with ``run`` and ``seed``; Matryoshka truncations of
    ``dim:matryoshka`` are renamed ``dim:<d>-matryoshka`` so each size is its own run id."""
    frames = []
    for v in variants:
        rows = pd.read_csv(variant_folder(run_dir, v) / "rows.csv")
        rows["run"], rows["seed"] = v.run, v.seed
        if v.run == "dim:matryoshka":
            rows["run"] = "dim:" + rows["model"].str.removeprefix("finetuned-") + "-matryoshka"
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


def collect_units(run_dir: Path, variants: list[Variant]) -> pd.DataFrame:
    """Every variant's per-unit scores, relabelled as :func:`collect_rows` relabels its rows."""
    frames = []
    for v in variants:
        units = read_units(variant_folder(run_dir, v) / UNITS_FILE)
        units["run"], units["seed"] = v.run, v.seed
        if v.run == "dim:matryoshka":
            units["run"] = "dim:" + units["model"].str.removeprefix("finetuned-") + "-matryoshka"
        frames.append(units)
    return pd.concat(frames, ignore_index=True)


def collect_summaries(run_dir: Path, variants: list[Variant]) -> pd.DataFrame:
    """Each variant's training summary (seconds, steps, tokens, trainable parameters)."""
    rows = []
    for v in variants:
        summary = json.loads((variant_folder(run_dir, v) / "summary.json").read_text())
        rows.append({"run": v.run, "seed": v.seed, "question": v.question, **summary})
    return pd.DataFrame(rows)


def score_untuned(base_model: str, dims: list[int], data_dir: Path, max_seq_length: int, max_rows: int,
                  seed: int, cache_layers: int, units: list[dict] | None = None) -> pd.DataFrame:
    """The evaluation-only variant: the un-tuned base model at each size, on the same rows
    as every trained variant (``run = untuned``, models ``untuned-<d>``); ``units``
    receives its per-unit scores."""
    from helpers.fingerprint import model_key
    from helpers.lipost.models import load_model, model_path
    from helpers.lipost.models.frozen_cache import FrozenPrefixCache
    from helpers.lipost.training.scoring import score_trained

    model = load_model(base_model)
    cache = FrozenPrefixCache(model, cache_layers) if cache_layers else None
    rows = score_trained(model, dims, data_dir, model_key(model_path(base_model)), max_seq_length,
                         probe=False, probe_max_train=0, seed=seed, max_rows=max_rows or None, prefix="untuned",
                         prefix_cache=cache, units=units)
    return pd.DataFrame(rows).assign(run="untuned", seed=seed)


def links_html(records: pd.DataFrame, folder: str = "../_static/ablations") -> str:
    """An HTML table linking every variant's record (staged with the book): its settings and
    key, its result rows and its training log."""
    lines = ["<table><tr><th>variant</th><th>seed</th><th>minutes</th><th>record</th></tr>"]
    for r in records.itertuples():
        same = getattr(r, "same_as", "")
        note = f" (the same run as <code>{same}</code>)" if isinstance(same, str) and same else ""
        base = f"{folder}/{r.slug}"
        lines.append(f"<tr><td><code>{r.run}</code></td><td>{r.seed}</td><td>{r.seconds / 60:.1f}</td>"
                     f'<td><a href="{base}/variant.json">settings</a> · <a href="{base}/rows.csv">rows</a> · '
                     f'<a href="{base}/train_log.csv">training log</a>{note}</td></tr>')
    return "\n".join(lines + ["</table>"])


def executor_words(executor: dict) -> str:
    """Where the grid's variants ran, in the chapter's words."""
    if executor["kind"] == "in-process":
        return "in this chapter's own process"
    return "on a Dask cluster (" + ", ".join(f"{k} {v}" for k, v in executor.items() if k != "kind") + ")"
