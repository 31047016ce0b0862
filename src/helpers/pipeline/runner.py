"""Run the book's notebooks in order with papermill, for one profile, part by part.

The parts run in the order of the profile's ``parts:`` blocks (the book's order), each
reached through its contract (:mod:`helpers.pipeline.parts`). Each step of a part
(a notebook ``notebooks/<part>/<step>.ipynb``) is executed into
``runs/<profile>/<part>/notebooks/`` with the profile's parameters plus ``run_dir`` (the
part's run folder), ``profile`` and ``seed``. A step is skipped when its *fingerprint*
is unchanged: SHA-256 over the notebook source, its parameters, the ``helpers`` sources
it can execute (see :mod:`helpers.deps`), ``requirements.lock`` and the
fingerprint of the step before it in the same part (a part is a chain, so a change
upstream re-runs everything below it, and never another part's steps).
Before the first step runs, every step's parameters in the selected parts are checked
(:func:`helpers.pipeline.parameters.check_profile`): an unknown name or a bad value
stops the run at once, naming the profile, the step and the parameter, with nothing
written under ``runs/``.
The executed notebook is written to a temporary file and renamed only after success;
the step's record (``runs/<profile>/<part>/steps/<step>.json``, with its wall time) is
written last, so an interrupted step never counts as done.

Explained in the book: {ref}`pipeline-steps`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from helpers.fingerprint import step_key
from helpers.paths import atomic_write_text
from helpers.pipeline import results
from helpers.pipeline.parameters import EXECUTOR, check_profile, declared_parameters, resolve, step_params
from helpers.pipeline.parts import load, notebook_path, part_run_dir
from helpers.pipeline.profiles import load_profile, part_steps


class StepFailed(RuntimeError):
    """A notebook cell raised; the message names the notebook and the cell."""


def fingerprint(root: Path, part_name: str, step: str, params: dict, upstream: str) -> str:
    """What a step's result depends on, as one hash (:func:`helpers.fingerprint.step_key`); not
    its ``executor`` setting: where a sweep's jobs run does not change their results."""
    return step_key(root, notebook_path(root, part_name, step), {k: v for k, v in params.items() if k != EXECUTOR},
                    upstream)


def _failed_cell(nb_path: Path) -> str:
    import nbformat

    if not nb_path.exists():
        return "unknown cell"
    nb = nbformat.read(nb_path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return f"cell {index} ({first[:60]!r}): {out.get('ename')}: {out.get('evalue')}"
    return "unknown cell"


def _commit(root: Path) -> str:
    """The code's git commit (``+changes`` when the tree differs from it), for the step record."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "notebooks", "params"], cwd=root,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def run_profile(profile: str, root: Path, parts: list[str] | None = None, only: list[str] | None = None,
                force: bool = False, log=print) -> list[dict]:
    """Run every part of ``profile`` (or the ``parts`` named; within them ``only`` some steps);
    return the step records. All their steps' parameters are checked first (``ParamError``)."""
    data = load_profile(profile, root)
    for name in parts or []:
        load(name)  # an unknown part is refused by name
    selected = [name for name in data["parts"] if not parts or name in parts]
    if parts and not selected:
        raise StepFailed(f"profile {profile!r} has no block for part(s) {parts}; it has {list(data['parts'])}")
    check_profile(profile, data, root, selected)  # every step of every selected part, before any runs
    records = []
    for name in selected:
        records += run_part(profile, data, root, name, only=only, force=force, log=log)
    return records


def run_part(profile: str, data: dict, root: Path, part_name: str, only: list[str] | None = None,
             force: bool = False, log=print) -> list[dict]:
    """Run one part's steps in order, each chained to the one before it in the part."""
    import papermill as pm

    run_dir = part_run_dir(root, profile, part_name)
    (run_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    (run_dir / "steps").mkdir(parents=True, exist_ok=True)
    records, upstream = [], ""
    for step in part_steps(data, part_name):
        source = notebook_path(root, part_name, step)
        if not source.is_file():
            raise StepFailed(f"profile {profile!r} names step {part_name}.{step} but {source} does not exist")
        declared = declared_parameters(source)
        params = step_params(data, part_name, step, run_dir, profile, set(declared))
        fp = fingerprint(root, part_name, step, params, upstream)
        upstream = fp
        record_path = run_dir / "steps" / f"{step}.json"
        out_nb = run_dir / "notebooks" / f"{step}.ipynb"
        previous = json.loads(record_path.read_text()) if record_path.exists() else {}
        label = f"[{profile}/{part_name}] {step}"
        if only and step not in only:
            records.append(previous)
            continue
        if not force and previous.get("fingerprint") == fp and out_nb.exists():
            log(f"{label}: unchanged, reusing the run of {previous.get('finished')} "
                f"({previous.get('seconds', 0):.0f} s)")
            records.append(previous)
            continue
        record_path.unlink(missing_ok=True)
        results.clear_step(run_dir, step)
        tmp_nb = out_nb.with_name(f".tmp-{step}.ipynb")
        log(f"{label}: running ...")
        start = time.time()
        try:
            pm.execute_notebook(str(source), str(tmp_nb), parameters=params, kernel_name="python3",
                                cwd=str(root), progress_bar=True, log_output=False)
        except Exception as err:  # papermill raises PapermillExecutionError with the cell
            raise StepFailed(f"{label} (notebooks/{part_name}/{step}.ipynb) failed in "
                             f"{_failed_cell(tmp_nb)}; partial notebook: {tmp_nb}") from err
        tmp_nb.replace(out_nb)
        seconds = time.time() - start
        rec = {"part": part_name, "step": step, "fingerprint": fp, "seconds": round(seconds, 1),
               "finished": time.strftime("%Y-%m-%d %H:%M:%S"), "commit": _commit(root),
               "params": resolve(profile, root, part_name, step, data, declared)}  # what it ran with, defaults included
        atomic_write_text(record_path, json.dumps(rec, indent=1, default=str))
        log(f"{label}: done in {seconds:.0f} s")
        records.append(rec)
    return records
