"""Pages the book stage writes from the run itself: parameters, environment, claims at a glance.

Nothing on these pages is typed by hand: parameters are read from the notebooks (their
parameters cells, with the comments as help) and from the values papermill injected in
this run; the environment page from the step records, the lock file, the machine, the
last ``make bench`` and what each part's contract says of its run (data hashes, budget
choices, bench figures); the claim tables from each part's ``results/claims.csv``
(:mod:`helpers.claims`). No part is named here: each is reached through its contract.

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

from helpers.claims import claims_markdown as claims_table
from helpers.claims import read_claims
from helpers.pipeline.parts import load, part_run_dir

KEY_PACKAGES = ("papermill", "jupyter-book", "numpy", "pandas", "torch")
"""The packages every part leans on; each part's contract adds its own (``packages``)."""


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
    """Machine, packages, seeds, per-step wall times, each part's own lines and the last benchmark."""
    steps = [json.loads(p.read_text()) for name in part_names
             for p in sorted((part_run_dir(root, profile, name) / "steps").glob("*.json"))]
    times = pd.DataFrame([{"part": s["part"], "step": s["step"], "wall time (min)": round(s["seconds"] / 60, 1),
                           "finished": s.get("finished", ""), "code commit": s.get("commit", "(not recorded)")}
                          for s in steps])
    total = sum(s["seconds"] for s in steps) / 60
    names = dict.fromkeys([*KEY_PACKAGES, *(p for name in part_names for p in load(name).packages)])
    packages = pd.DataFrame([{"package": name, "version": _version(name)} for name in names])
    seeds = {f"{s['part']}/{s['step']}": s["params"].get("seeds", s["params"].get("seed")) for s in steps}
    lock = root / "requirements.lock"
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, {platform.system()} {platform.release()}")
    out = ["(environment)=\n# Environment and speed\n",
           f"**Machine of this run.** {machine}.\n",
           f"**Packages.** The full pinned set is `requirements.lock` ({len(lock.read_text().splitlines())} pins, "
           f"SHA-256 `{hashlib.sha256(lock.read_bytes()).hexdigest()[:16]}`); the ones the book leans on:\n",
           _md_table(packages) + "\n",
           f"**Seeds.** {', '.join(f'{k}: {v}' for k, v in seeds.items())}.\n",
           f"## Wall time per step\n\nFrom the step records of this run ({total:.1f} min in all):\n",
           _md_table(times) + "\n"]
    for name in part_names:
        contract = load(name)
        own = {s["step"]: s.get("params", {}) for s in steps if s["part"] == name}
        lines = contract.environment_lines(part_run_dir(root, profile, name), own)
        if lines:
            out.append(f"## {contract.title}: this run\n\n" + "\n".join(lines) + "\n")
    out.append(_bench_section(root))
    return "\n".join(out)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


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
    peak = bench.get("matmul_peak_gflops")
    if isinstance(peak, dict):
        timed = {n: f for n, f in parts.items() if f.get("normalised_minutes")}
        out.append(f"\nThe machine's fp32 matrix-multiply peak, best of five rounds before the benches "
                   f"({peak['before']:.0f} GFLOP/s) and after ({peak['after']:.0f}): {peak['peak']:.0f} GFLOP/s. "
                   f"The budgets are stated for a {peak['reference']:.0f} GFLOP/s machine; a part's time there is "
                   "its wall time here times this peak over that one" + (": " + "; ".join(
                       f"{load(n).title} {f['profile_seconds'] / 60:.1f} min here, {f['normalised_minutes']:.1f} "
                       "min normalised" for n, f in timed.items()) if timed else "") + ".\n")
    for name, figures in parts.items():
        contract = load(name)
        shown = {k: v for k, v in figures.items() if k not in ("step_seconds", "profile_seconds",
                                                             "normalised_minutes")}
        rows = contract.bench_rows(shown) if contract.bench_rows else _scalar_rows(shown)
        notes = contract.bench_notes(shown) if contract.bench_notes else ""
        out += [f"\n### {contract.title}\n\n", notes + "\n\n" if notes else "",
                _md_table(pd.DataFrame(rows, columns=["figure", "value"])), "\n"]
    return "".join(out)


def claims_markdown(root: Path, profile: str, part_names: list[str]) -> str:
    """Claims at a glance, a table per part (:func:`helpers.claims.claims_markdown`): the
    claim, what the paper reports, what this run measured, the test, the verdict and a
    link to the section that shows it; a note for a part whose claims chapter has not run."""
    out = []
    for name in part_names:
        contract = load(name)
        heading = f"**{contract.title}.** " if len(part_names) > 1 else ""
        claims = read_claims(part_run_dir(root, profile, name))
        if claims is None:
            out.append(f"{heading}(The part's claims chapter has not run in this profile yet.)\n")
            continue
        out.append(f"{heading}\n\n{claims_table(claims)}\n")
    return "\n".join(out)
