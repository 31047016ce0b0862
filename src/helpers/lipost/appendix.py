"""What Part I adds to the environment appendix: its budget choices, its speed levers and
its ``make bench`` figures, and its wall time counted by the ablation variants' own times.

The pipeline's appendix reaches these through the part's contract
(:data:`helpers.lipost.part.PART`): :func:`budget_lines`, :func:`bench_rows`,
:func:`levers_markdown` and :func:`step_seconds`.

Explained in the book: {ref}`environment-speed-levers`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.lipost.sweep.records import variant_seconds

VARIANTS_NAME = "ablation variants (own time)"
"""The name :func:`step_seconds` gives the ablation grid's variants' own run times."""


def budget_lines(step_params: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What this profile trades for its time budget (markdown list items), read from the
    parameters each step ran with (``{step: params}``)."""
    data, training, grid = (step_params.get(s, {}) for s in ("01_data", "03_training", "04_ablations"))
    lines = []
    if "max_test_per_lang" in data:
        cap = data["max_test_per_lang"]
        kept = f"at most {cap} held-out articles per language" if cap else "every held-out article"
        lines.append(f"- test splits: {kept} (`01_data.max_test_per_lang`; every metric row carries its `n`)")
    if "max_seq_length" in training:
        lines.append(f"- text length: every text cut to its first {training['max_seq_length']} tokens in training and "
                     f"{training.get('eval_max_seq_length', training['max_seq_length'])} in evaluation, in every "
                     "chapter (`03_training.max_seq_length`; chapter 1 shows the share of summaries it truncates)")
    if "steps" in training:
        lines.append(f"- headline model: {training['steps']} steps of {training.get('batch_size')} pairs, the bottom "
                     f"{training.get('freeze_layers', 0)} layers frozen (`03_training`; its validation curve shows "
                     "what more steps would add)")
    if "freeze_layers" in grid:
        dropout = grid.get("dropout", -1)
        dropout_text = f", dropout {dropout:g}" if dropout >= 0 else ""
        lines.append(f"- ablation variants: the bottom {grid['freeze_layers']} layers frozen{dropout_text}, "
                     f"{grid.get('steps')} steps of {grid.get('batch_size')} pairs, scored on "
                     f"{grid.get('eval_max_rows') or 'all'} test rows per task (`04_ablations`; its unfrozen "
                     "question measures other depths)")
    return lines


def step_seconds(run_dir: Path) -> dict[str, float]:
    """Part I's wall time per step, summing to the part's total: the step records' times,
    except that the ablation step, whose record counts only its last session, is counted by
    its variants' own run times (:data:`VARIANTS_NAME`) when any finished."""
    import json

    steps = {}
    for record in sorted((Path(run_dir) / "steps").glob("*.json")):
        rec = json.loads(record.read_text())
        steps[rec["step"]] = float(rec["seconds"])
    count, seconds = variant_seconds(run_dir)
    if count:
        steps.pop("04_ablations", None)
        steps[VARIANTS_NAME] = seconds
    return steps


def variants_note(run_dir: Path) -> str:
    """The appendix's sentence on the ablation variants' own time ("" when none finished)."""
    count, seconds = variant_seconds(run_dir)
    if not count:
        return ""
    return (f"The ablation step's record counts only its last session; its {count} variants' own run "
            f"times add up to {seconds / 60:.1f} min (a variant reused from an earlier session counts the time it "
            "took then).")


def data_line(run_dir: Path) -> str:
    """The appendix's line on the run's raw data: how many files and the manifest's hash."""
    raw = Path(run_dir) / "data" / "raw_sha256.json"
    if not raw.exists():
        return "- data: (no data step yet)"
    return (f"- data: {len(json.loads(raw.read_text()))} raw files, manifest SHA-256 "
            f"`{hashlib.sha256(raw.read_bytes()).hexdigest()[:16]}`; every raw file is checked against "
            "`data/raw_sha256.json` on each run")


def environment_lines(run_dir: Path, step_params: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What the environment appendix says of Part I's run: its data, its budget choices
    (headed "Budget choices": evidence traded for time, which ``full`` lifts) and the
    ablation variants' own time."""
    lines = [data_line(run_dir)]
    budget = budget_lines(step_params)
    if budget:
        lines += ["", "Budget choices of this profile (not speed-ups: evidence traded for time; the `full` "
                  "profile lifts them):", "", *budget]
    note = variants_note(run_dir)
    return lines + (["", note] if note else [])


def bench_rows(figures: dict) -> list[tuple[str, str]]:
    """Part I's ``make bench`` figures as (figure, value) rows for the environment appendix."""
    rows = [("matrix-multiply peak (fp32, GFLOP/s)", f"{figures['matmul_peak_gflops']:.1f}"),
            ("training, achieved GFLOP/s", f"{figures['train_gflops']:.1f}"),
            ("training, fraction of peak", f"{figures['train_fraction_of_peak']:.0%}")]
    for mode, t in figures.get("train", {}).items():
        rows.append((f"training, {mode} batches: padding share / s per step",
                     f"{t['padding_share']:.0%} / {t['sec_per_step_median']:.2f}"))
    for key, value in (figures.get("encode") or {}).items():
        rows.append((f"encoding: {key.replace('_', ' ')}", f"{value:.1f}"))
    return rows


def levers_markdown(figures: dict) -> str:
    """Part I's speed levers as a markdown table: the lever, whether it is kept, and the
    ``make bench`` figure that shows its gain."""
    return "Part I's speed levers and the figure that shows each one's gain:\n\n" + \
        levers(figures).to_markdown(index=False)


def _ratio(enc: dict, num: str, den: str) -> str:
    return f"{enc[num] / enc[den]:.2f}x" if enc.get(num) and enc.get(den) else "not measured"


def levers(bench: dict) -> pd.DataFrame:
    """The speed levers, whether each is kept, and the ``make bench`` figure that shows its gain."""
    enc, train = bench.get("encode") or {}, bench.get("train") or {}
    grouped = (f"{train['random']['sec_per_step_median'] / train['grouped']['sec_per_step_median']:.2f}x "
               f"(padding {train['random']['padding_share']:.0%} -> {train['grouped']['padding_share']:.0%})"
               if {"random", "grouped"} <= set(train) else "not measured")
    rows = [
        ("Frozen-prefix cache (`helpers.lipost.models.frozen_cache`): frozen bottom layers run once per distinct "
         "text; later steps, evaluations and ablation variants reuse their output", "kept",
         "encoding, warm vs cold cache: " + _ratio(enc, "book_encoder_warm_cache_texts_per_s",
                                                   "book_encoder_cold_cache_texts_per_s")),
        ("One sequence length for every chapter, chosen from the token-length distribution (chapter 1 shows "
         "the share of summaries it truncates)", "kept",
         "base-model encoding at that length vs twice it: " + _ratio(enc, "st_base_texts_per_s",
                                                                     "st_base_double_length_texts_per_s")),
        ("Length-grouped batches (less padding)", "not used by the trainer; the bench measures what it would give",
         f"s/step random vs grouped: {grouped}"),
        ("Embedding cache: unchanged models and texts are encoded once across chapters and runs; one "
         "encoding serves every embedding size scored", "kept", "the second read of a cached call costs no "
         "encoding (tested)"),
        ("Base-model states kept while chapters 1-2 encode the test texts (`record_prefixes`, at the levels "
         "later chapters freeze): chapter 3 and the ablation grid then run only their trained layers on them",
         "kept", "same mechanism as the frozen-prefix cache: " + _ratio(enc, "book_encoder_warm_cache_texts_per_s",
                                                                     "book_encoder_cold_cache_texts_per_s")),
        ("The ablation grid's variants run in the chapter's own process (one `train_and_score` call each, "
         "no notebook per variant); variants save no checkpoints; grid entries that train the same thing run "
         "once", "kept",
         "per-variant times in the ablation chapter (a shared entry takes 0 s)"),
        ("A frozen prefix missing at the cache's level starts from the highest lower level stored for the "
         "same weights and keeps the levels it passes (the grid's 11-, 10- and 8-layer variants share the "
         "bottom of each training text; each variant's `summary.json` counts `from_lower`)", "kept",
         "prefixes at the grid's level from chapter 3's stored level vs from the embeddings: "
         + _ratio(enc, "prefix_from_lower_level_texts_per_s", "prefix_from_embeddings_texts_per_s")),
        ("The base model is read once per process and each ablation variant trains a copy of it "
         "(`load_model(keep=True)`)", "kept",
         "read vs copy: " + _ratio(enc, "base_model_read_s", "base_model_kept_copy_s")),
        ("The grid's scoring sample is tokenised once per process (`remember_tokens`): every variant scores "
         "the same texts in the same batches", "kept",
         "encoding through the trained layer, remembered token ids vs tokenising again: "
         + _ratio(enc, "top_layers_remembered_tokens_texts_per_s", "top_layers_texts_per_s")),
        ("Evaluation during training on a seeded sample of validation rows; full test split only at the end",
         "kept", "validation sample size is a parameter (`val_max_rows`)"),
        ("ONNX Runtime as the encoding backend of the frozen baselines (fp32, every graph optimisation)",
         "tried, not kept", "not in `make bench`: a trial on all-mpnet-base-v2 gave the same embeddings no faster "
         "than PyTorch (within run-to-run noise), so onnxruntime stays out of the environment"),
        ("The ablation grid on two one-thread Dask workers instead of one two-thread process", "tried, not kept",
         "not in `make bench`: slower on two cores (each variant is matrix products that already use both)"),
        ("bfloat16 matrix products (autocast) in training", "not used",
         "faster on CPUs with native bfloat16, but the book's numbers would then depend on the CPU"),
    ]
    return pd.DataFrame(rows, columns=["lever", "status", "measured gain (last `make bench`)"])
