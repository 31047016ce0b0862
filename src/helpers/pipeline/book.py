"""Assemble and build the Jupyter Book from one run's executed notebooks.

Like CUPiD, execution and rendering are separate: papermill has already executed each
part's notebooks into ``runs/<profile>/<part>/notebooks``; this module copies them beside
the prose pages (``book/``: the front page, each part's landing page ``<part>/index.md``
and the appendices) and ``_config.yml`` into ``runs/<profile>/book``, writes the table of
contents for the parts this run has (a part that has not run gets no page, never an
empty one), and runs ``jupyter-book build`` with execution off and warnings as errors,
so a missing or failed notebook fails the build. The HTML lands in
``runs/<profile>/book/_build/html``.

Explained in the book: {ref}`pipeline-book`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from helpers.pipeline.parts import load, part_run_dir
from helpers.pipeline.profiles import load_profile, part_steps


class BookBuildFailed(RuntimeError):
    """``jupyter-book build`` reported an error or a warning."""


HIDDEN_TAGS = {"parameters", "injected-parameters"}
CLAIMS_MARKER = "<!-- claims at a glance: written by the book stage from each part's results/claims.csv -->"
APPENDICES = ("parameters", "environment", "pipeline", "references")


def injected_source(parameters: dict, width: int = 100) -> str:
    """The cell papermill injected, as the page shows it: one assignment a parameter, long
    values wrapped to ``width`` characters (papermill writes each on one line)."""
    from pprint import pformat

    lines = ["# Parameters injected by the runner for this run (params/<profile>.yaml)"]
    for name, value in parameters.items():
        text = pformat(value, width=width - len(name) - 3, sort_dicts=False)
        lines.append(f"{name} = " + text.replace("\n", "\n" + " " * (len(name) + 3)))
    return "\n".join(lines)


def _prepare_notebooks(nb_dir: Path) -> None:
    """Refuse notebooks with error outputs; collapse the parameter cells (``hide-cell``) and
    show the injected values wrapped to the page (:func:`injected_source`)."""
    import nbformat

    for path in sorted(nb_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        injected = nb.metadata.get("papermill", {}).get("parameters", {})
        for index, cell in enumerate(nb.cells):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                raise BookBuildFailed(f"{path}: cell {index} holds an error output; re-run the pipeline")
            tags = cell.metadata.setdefault("tags", [])
            if HIDDEN_TAGS & set(tags) and "hide-cell" not in tags:
                tags.append("hide-cell")
            if "injected-parameters" in tags and injected:
                cell.source = injected_source(injected)
        nbformat.write(nb, path)


def toc(parts: dict[str, list[str]]) -> dict:
    """The table of contents: the front page, one caption per part that ran (its landing
    page, then its chapters as sections) and the shared appendices."""
    entries = [{"caption": load(name).title, "chapters": [{"file": f"{name}/index",
                                                          "sections": [{"file": f"{name}/{c}"} for c in chapters]}]}
               for name, chapters in parts.items()]
    entries.append({"caption": "Appendices", "chapters": [{"file": page} for page in APPENDICES]})
    return {"format": "jb-book", "root": "intro", "parts": entries}


def stage(root: Path, profile: str) -> Path:
    """Copy config, prose and every part's executed notebooks of ``profile`` into one book folder."""
    from helpers.pipeline import appendix

    parts, data = {}, load_profile(profile, root)
    for name in data["parts"]:  # the book's order
        executed = part_run_dir(root, profile, name) / "notebooks"
        chapters = [step for step in part_steps(data, name) if (executed / f"{step}.ipynb").exists()]
        if chapters:
            parts[name] = chapters
    if not parts:
        raise BookBuildFailed(f"runs/{profile}/ holds no executed notebooks: run the pipeline for profile "
                              f"{profile!r} first")
    target = root / "runs" / profile / "book"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root / "book", target, ignore=shutil.ignore_patterns("_build"))
    for folder in (p for p in target.iterdir() if p.is_dir() and (p / "index.md").exists()):
        if folder.name not in parts:  # a part that has not run has no landing page either
            shutil.rmtree(folder)
    shutil.copy(root / "_config.yml", target / "_config.yml")
    (target / "_toc.yml").write_text("# Written by helpers.pipeline.book for this run's parts.\n"
                                     + yaml.safe_dump(toc(parts), sort_keys=False))
    for name, chapters in parts.items():
        run_dir = part_run_dir(root, profile, name)
        for chapter in chapters:
            shutil.copy(run_dir / "notebooks" / f"{chapter}.ipynb", target / name / f"{chapter}.ipynb")
        _prepare_notebooks(target / name)
        for source, relative in load(name).static_files(run_dir):  # e.g. Part I's ablation variants' records
            dest = target / "_static" / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, dest)
    (target / "_run.json").write_text(json.dumps({"profile": profile, "parts": list(parts), "chapters": parts}))
    (target / "parameters.md").write_text(appendix.parameters_markdown(root, profile, list(parts)))
    (target / "environment.md").write_text(appendix.environment_markdown(root, profile, list(parts)))
    pages = {target / "intro.md": list(parts)} | {target / name / "index.md": [name] for name in parts}
    for page, shown in pages.items():  # the front page: every part's claims; a landing page: its own
        page.write_text(page.read_text().replace(CLAIMS_MARKER, appendix.claims_markdown(root, profile, shown)))
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
