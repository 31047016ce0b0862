"""Run the ablation grid: each variant is the training chapter executed by papermill.

A variant's executed notebook, its result rows (``rows.csv``), its training summary and a
``variant.json`` record (parameters, fingerprint, wall time; written last) live in
``runs/<profile>/ablations/<slug>/``. A variant whose fingerprint (training notebook,
its parameters, the ``helpers`` sources it can run, the lock file and the task data) is unchanged is
reused, so a re-run only trains what changed; a failed variant leaves no record and
names its notebook and cell. The variants of one grid run in one kernel, whose namespace
is reset between them: each notebook still starts from its own parameters, but the
libraries are imported once.

Explained in the book's chapter "Ablations" (section *How it runs*).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import pandas as pd

from helpers.lipost.ablation.grid import Variant
from helpers.paths import atomic_write_bytes, atomic_write_text
from helpers.pipeline.deps import helpers_digest
from helpers.pipeline.runner import StepFailed, _failed_cell

TRAINING_NOTEBOOK = "03_training"


def variant_params(variant: Variant, base: dict, run_dir: Path, profile: str, eval_settings: dict,
                   eval_seed: int) -> dict:
    """The papermill parameters of one variant (the training chapter's parameter names)."""
    folder = Path(run_dir) / "ablations" / variant.slug
    return {**base, **variant.overrides, **eval_settings, "seed": variant.seed, "eval_seed": eval_seed,
            "run_dir": str(run_dir), "profile": profile, "variant_dir": str(folder), "run_name": variant.run,
            "eval_dims": list(variant.eval_dims), "eval_steps": 0, "save_steps": 0}


def _fingerprint(root: Path, params: dict, data_dir: Path) -> str:
    digest = hashlib.sha256()
    digest.update((root / "notebooks" / "lipost" / f"{TRAINING_NOTEBOOK}.ipynb").read_bytes())
    digest.update(json.dumps(params, sort_keys=True, default=str).encode())
    digest.update(helpers_digest(root / "src", root / "notebooks" / "lipost" / f"{TRAINING_NOTEBOOK}.ipynb").encode())
    digest.update((root / "requirements.lock").read_bytes())
    for path in sorted(data_dir.glob("*/dataset_dict.json")) + [data_dir / "tasks.json"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_variant(root: Path, variant: Variant, params: dict, log=print, km=None) -> dict:
    """Execute (or reuse) one variant, in kernel ``km`` if given; return its record."""
    import papermill as pm

    folder = Path(params["variant_dir"])
    record_path = folder / "variant.json"
    fp = _fingerprint(root, params, Path(params["run_dir"]) / "data")
    if record_path.exists():
        previous = json.loads(record_path.read_text())
        if previous.get("fingerprint") == fp and (folder / "rows.csv").exists():
            log(f"  {variant.run} (seed {variant.seed}): unchanged, reused")
            return {**previous, "reused": True}
    record_path.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rows.csv").unlink(missing_ok=True)
    tmp_nb, out_nb = folder / ".tmp-notebook.ipynb", folder / f"{TRAINING_NOTEBOOK}.ipynb"
    log(f"  {variant.run} (seed {variant.seed}): training ...")
    start = time.time()
    extra = {} if km is None else {"km": km}
    if km is not None:
        _reset_namespace(km)
    try:
        pm.execute_notebook(str(root / "notebooks" / "lipost" / f"{TRAINING_NOTEBOOK}.ipynb"), str(tmp_nb),
                            parameters=params, kernel_name="python3", cwd=str(root), progress_bar=False, **extra)
    except Exception as err:
        raise StepFailed(f"ablation variant {variant.run} (seed {variant.seed}) failed in {_failed_cell(tmp_nb)}; "
                         f"partial notebook: {tmp_nb}") from err
    tmp_nb.replace(out_nb)
    # a variant is never resumed, so it saves no checkpoints; any an older run left go too
    shutil.rmtree(folder / "training" / "checkpoints", ignore_errors=True)
    record = {"run": variant.run, "question": variant.question, "seed": variant.seed, "fingerprint": fp,
              "seconds": round(time.time() - start, 1), "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
              "params": params}
    atomic_write_text(record_path, json.dumps(record, indent=1, default=str))
    return {**record, "reused": False}


def training_identity(params: dict) -> str:
    """What a variant computes: its parameters without its name and folder. Two grid entries
    with the same identity (``loo:crosslingual`` and ``lang:no-crosslingual`` train on the
    same tasks and languages) are one training run."""
    same = {k: v for k, v in params.items() if k not in ("run_name", "variant_dir")}
    return hashlib.sha256(json.dumps(same, sort_keys=True, default=str).encode()).hexdigest()


def copy_variant(root: Path, variant: Variant, params: dict, source: Variant, log=print) -> dict:
    """Record ``variant`` as the same run as the already executed ``source``: its notebook,
    rows and summary are copied (the rows are relabelled when collected), no training runs."""
    folder, origin = Path(params["variant_dir"]), Path(params["variant_dir"]).parent / source.slug
    record_path = folder / "variant.json"
    record_path.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("rows.csv", "summary.json", f"{TRAINING_NOTEBOOK}.ipynb"):
        atomic_write_bytes(folder / name, (origin / name).read_bytes())
    log(f"  {variant.run} (seed {variant.seed}): the same run as {source.run}, copied")
    record = {"run": variant.run, "question": variant.question, "seed": variant.seed,
              "fingerprint": _fingerprint(root, params, Path(params["run_dir"]) / "data"), "seconds": 0.0,
              "same_as": source.run, "finished": time.strftime("%Y-%m-%d %H:%M:%S"), "params": params}
    atomic_write_text(record_path, json.dumps(record, indent=1, default=str))
    return {**record, "reused": False}


def run_grid(root: Path, variants: list[Variant], base: dict, run_dir: Path, profile: str, eval_settings: dict,
             eval_seed: int, log=print) -> pd.DataFrame:
    """Run every variant in order; return one row per variant (run, seed, wall time, reuse,
    and ``same_as``: the variant whose identical run it shares, or empty)."""
    from jupyter_client import KernelManager

    records, km, done = [], None, {}
    try:
        for i, variant in enumerate(variants, 1):
            log(f"[{i}/{len(variants)}]")
            params = variant_params(variant, base, run_dir, profile, eval_settings, eval_seed)
            identity = training_identity(params)
            if identity in done:
                rec = copy_variant(root, variant, params, done[identity], log)
            else:
                if km is None:
                    km = KernelManager(kernel_name="python3")
                    km.start_kernel(cwd=str(root))
                rec = run_variant(root, variant, params, log, km)
                done[identity] = variant
            records.append({"run": rec["run"], "question": rec["question"], "seed": rec["seed"],
                            "seconds": rec["seconds"], "reused": rec["reused"], "slug": variant.slug,
                            "same_as": rec.get("same_as", "")})
    finally:
        if km is not None:
            km.shutdown_kernel(now=True)
    return pd.DataFrame(records)


def _reset_namespace(km) -> None:
    """Forget the previous variant's variables and figures (imported modules stay loaded)."""
    client = km.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reset = "import matplotlib.pyplot as _plt\n_plt.close('all')\nget_ipython().run_line_magic('reset', '-f')"
        reply = client.execute_interactive(reset, timeout=120, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise StepFailed(f"could not reset the ablation kernel: {reply['content']}")
    finally:
        client.stop_channels()


def collect_rows(run_dir: Path, variants: list[Variant]) -> pd.DataFrame:
    """Every variant's result rows, with ``run`` and ``seed``; Matryoshka truncations of
    ``dim:matryoshka`` are renamed ``dim:<d>-matryoshka`` so each size is its own run id."""
    frames = []
    for v in variants:
        rows = pd.read_csv(Path(run_dir) / "ablations" / v.slug / "rows.csv")
        rows["run"], rows["seed"] = v.run, v.seed
        if v.run == "dim:matryoshka":
            rows["run"] = "dim:" + rows["model"].str.removeprefix("finetuned-") + "-matryoshka"
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


def collect_summaries(run_dir: Path, variants: list[Variant]) -> pd.DataFrame:
    """Each variant's training summary (seconds, steps, tokens, trainable parameters)."""
    rows = []
    for v in variants:
        summary = json.loads((Path(run_dir) / "ablations" / v.slug / "summary.json").read_text())
        rows.append({"run": v.run, "seed": v.seed, "question": v.question, **summary})
    return pd.DataFrame(rows)


def save_variant_outputs(variant_dir: Path, rows: list[dict], result, cfg) -> None:
    """Called by the training notebook in variant mode: its rows and training summary."""
    folder = Path(variant_dir)
    summary = {"train_seconds": round(result.seconds, 1), "steps": result.steps,
               "sec_per_step": result.seconds / max(result.steps, 1), "tokens": result.tokens,
               "padded_tokens": result.padded_tokens, "trainable_params": result.trainable_params,
               "train_pairs": sum(result.train_sizes.values()), "freeze_layers": cfg.freeze_layers,
               "cache": result.cache.stats() if result.cache is not None else None}
    atomic_write_text(folder / "summary.json", json.dumps(summary, indent=1))
    atomic_write_text(folder / "rows.csv", pd.DataFrame(rows).to_csv(index=False))


def score_untuned(base_model: str, dims: list[int], data_dir: Path, max_seq_length: int, max_rows: int,
                  seed: int, cache_layers: int) -> pd.DataFrame:
    """The evaluation-only variant: the un-tuned base model at each size, on the same rows
    as every trained variant (``run = untuned``, models ``untuned-<d>``)."""
    from helpers.lipost.evaluation import folder_fingerprint
    from helpers.lipost.models import load_model, model_path
    from helpers.lipost.training.frozen_cache import FrozenPrefixCache
    from helpers.lipost.training.scoring import score_trained

    model = load_model(base_model)
    cache = FrozenPrefixCache(model, cache_layers).attach() if cache_layers else None
    rows = score_trained(model, dims, data_dir, folder_fingerprint(model_path(base_model)), max_seq_length,
                         probe=False, probe_max_train=0, seed=seed, max_rows=max_rows or None, prefix="untuned")
    if cache is not None:
        cache.save()
    return pd.DataFrame(rows).assign(run="untuned", seed=seed)


def links_html(records: pd.DataFrame, folder: str = "../_static/ablations") -> str:
    """An HTML table linking every variant's executed notebook (staged with the book)."""
    lines = ["<table><tr><th>variant</th><th>seed</th><th>minutes</th><th>executed notebook</th></tr>"]
    for r in records.itertuples():
        same = getattr(r, "same_as", "")
        note = f" (the same run as <code>{same}</code>)" if isinstance(same, str) and same else ""
        lines.append(f"<tr><td><code>{r.run}</code></td><td>{r.seed}</td><td>{r.seconds / 60:.1f}</td>"
                     f'<td><a href="{folder}/{r.slug}.ipynb">{r.slug}.ipynb</a>{note}</td></tr>')
    return "\n".join(lines + ["</table>"])
