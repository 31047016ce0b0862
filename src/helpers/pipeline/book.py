"""Assemble and build the Jupyter Book from one run's executed notebooks.

Like CUPiD, execution and rendering are separate: papermill has already executed the
notebooks into ``runs/<profile>/notebooks``; this module copies them beside the prose
pages (``book/``) and ``_config.yml`` into ``runs/<profile>/book`` and runs
``jupyter-book build`` with execution off and warnings as errors, so a missing or
failed notebook fails the build. The HTML lands in ``runs/<profile>/book/_build/html``.

Explained in the book's appendix "How this book runs".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path


class BookBuildFailed(RuntimeError):
    """``jupyter-book build`` reported an error or a warning."""


HIDDEN_TAGS = {"parameters", "injected-parameters"}
CLAIMS_MARKER = "<!-- claims at a glance: written by the book stage from results/claims.csv -->"


def _prepare_notebooks(nb_dir: Path) -> None:
    """Refuse notebooks with error outputs; collapse the parameter cells (``hide-cell``)."""
    import nbformat

    for path in sorted(nb_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                raise BookBuildFailed(f"{path}: cell {index} holds an error output; re-run the pipeline")
            tags = cell.metadata.setdefault("tags", [])
            if HIDDEN_TAGS & set(tags) and "hide-cell" not in tags:
                tags.append("hide-cell")
        nbformat.write(nb, path)


def stage(root: Path, profile: str) -> Path:
    """Copy config, prose and executed notebooks of ``profile`` into one book folder."""
    run_dir = root / "runs" / profile
    executed = run_dir / "notebooks"
    if not executed.is_dir():
        raise BookBuildFailed(f"{executed} does not exist: run the pipeline for profile {profile!r} first")
    target = run_dir / "book"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root / "book", target, ignore=shutil.ignore_patterns("_build"))
    shutil.copy(root / "_config.yml", target / "_config.yml")
    shutil.copytree(executed, target / "notebooks", ignore=shutil.ignore_patterns(".tmp-*"))
    _prepare_notebooks(target / "notebooks")
    for variant in sorted((run_dir / "ablations").glob("*/03_training.ipynb")):
        # executed ablation variants: linked from the ablation chapter, downloadable as they ran
        dest = target / "_static" / "ablations" / f"{variant.parent.name}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(variant, dest)
    (target / "_run.json").write_text(json.dumps({"profile": profile}))
    from helpers.pipeline import appendix

    (target / "parameters.md").write_text(appendix.parameters_markdown(root, run_dir))
    (target / "environment.md").write_text(appendix.environment_markdown(root, run_dir))
    intro = target / "intro.md"
    intro.write_text(intro.read_text().replace(CLAIMS_MARKER, appendix.claims_markdown(run_dir)))
    return target


def build(root: Path, profile: str, log=print) -> Path:
    """Stage and build the book; return the path of ``index.html``."""
    target = stage(root, profile)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(target), "-W", "-n",
           "--keep-going", "--builder", "html"]
    log(f"[{profile}] book: {' '.join(cmd)}")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise BookBuildFailed(f"jupyter-book build failed for profile {profile!r}:\n{tail}")
    index = target / "_build" / "html" / "index.html"
    log(f"[{profile}] book: built {index}")
    return index
