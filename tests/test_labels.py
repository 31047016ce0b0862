"""Docstrings that point to the book cite a MyST label, and every label they cite exists.

A module (or function) docstring says where the book explains it in one fixed form::

    Explained in the book: {ref}`lipost-data-splits`.

(several sections: ``{ref}`a`, {ref}`b` and {ref}`c```). A cited label must be defined as
``(label)=`` directly above a heading in a prose page (``book/**/*.md``), in a markdown cell
of a notebook (``notebooks/**/*.ipynb``) or in a page the book stage writes from the run
(the environment appendix, :mod:`helpers.pipeline.appendix`). Above a heading, not a
paragraph: Sphinx resolves ``{ref}`label``` only to a titled target ("A title or caption not
found" otherwise), and the book is built with warnings as errors. Labels are lowercase,
hyphenated, part-prefixed in a part's chapters (``lipost-training-…``) and unique.

"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Collection
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


LABEL = r"[a-z0-9]+(?:-[a-z0-9]+)*"
POINTER = re.compile(rf"Explained in the book: \{{ref\}}`{LABEL}`(?:(?:, | and )\{{ref\}}`{LABEL}`)*\.")
BARE_POINTER = re.compile(r"book's (?:chapters?|appendix|appendices) [\"*]|\(section \*")  # a heading by name
REF = re.compile(r"\{ref\}`([^`]+)`")
DEFINITION = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")


# --- the checker --------------------------------------------------------------------------

def docstrings(path: Path) -> list[str]:
    """The docstrings of a Python file: its module's, classes' and functions'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = [tree, *(n for n in ast.walk(tree)
                     if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef))]
    return [doc for doc in (ast.get_docstring(n, clean=False) for n in nodes) if doc]


def cited_labels(src: Path) -> dict[str, set[str]]:
    """Label -> the files (relative to ``src``) whose docstrings cite it with ``{ref}``.

    ``{ref}`text <label>``` cites ``label``."""
    cited: dict[str, set[str]] = {}
    for path in sorted(src.rglob("*.py")):
        for doc in docstrings(path):
            for target in REF.findall(doc):
                label = target.rsplit("<", 1)[1].rstrip(">").strip() if target.endswith(">") else target.strip()
                cited.setdefault(label, set()).add(path.relative_to(src).as_posix())
    return cited


def pointer_problems(src: Path) -> dict[str, list[str]]:
    """File (relative to ``src``) -> its book pointers that do not use the fixed label form."""
    problems: dict[str, list[str]] = {}
    for path in sorted(src.rglob("*.py")):
        for doc in docstrings(path):
            flat = " ".join(doc.split())
            bad = [flat[m.start():m.start() + 100] for m in re.finditer("Explained in the book", flat)
                   if not POINTER.match(flat, m.start())]
            bad += [flat[max(0, m.start() - 30):m.start() + 70] for m in BARE_POINTER.finditer(flat)]
            if bad:
                problems.setdefault(path.relative_to(src).as_posix(), []).extend(bad)
    return problems


def label_definitions(name: str, markdown: str) -> tuple[list[str], list[str]]:
    """The labels ``(label)=`` a markdown text defines, and those not directly above a heading
    (blank lines between are fine), each as ``name: label``."""
    lines = markdown.splitlines()
    defined, misplaced = [], []
    for index, line in enumerate(lines):
        match = DEFINITION.match(line.strip())
        if not match:
            continue
        defined.append(match["label"])
        following = next((rest.strip() for rest in lines[index + 1:] if rest.strip()), "")
        if not following.startswith("#"):
            misplaced.append(f"{name}: {match['label']}")
    return defined, misplaced


def generated_pages(tmp: Path) -> dict[str, str]:
    """The pages the book stage writes from a run (their labels are in code), as written for a
    run without a ``make bench`` record; written with one, they must define the same labels."""
    from helpers.pipeline import appendix

    (tmp / "requirements.lock").write_text((ROOT / "requirements.lock").read_text())
    page = appendix.environment_markdown(tmp, "no-such-profile", ["lipost"])
    bench = tmp / "runs" / "bench" / "bench.json"
    bench.parent.mkdir(parents=True)
    bench.write_text(json.dumps({"measured": "today", "profile": "ci", "parts": {
        "lipost": {"matmul_peak_gflops": 1.0, "train_gflops": 0.5, "train_fraction_of_peak": 0.5},
        "jps": {"cfr_iterations_per_s": 10.0, "game": "tiny_bridge_2p"}}}))
    with_bench = appendix.environment_markdown(tmp, "no-such-profile", ["lipost"])
    assert label_definitions("", with_bench) == label_definitions("", page), "environment.md: labels differ"
    return {"environment.md": page}


def book_pages(root: Path, generated: dict[str, str]) -> dict[str, str]:
    """Every markdown text of the book: prose pages, notebook markdown cells (one entry per
    cell), and the generated pages."""
    pages = {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
             for path in sorted((root / "book").rglob("*.md")) if "_build" not in path.parts}
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                source = cell["source"]
                pages[f"{path.relative_to(root).as_posix()} cell {index}"] = (
                    "".join(source) if isinstance(source, list) else source)
    return pages | generated


def defined_labels(pages: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """Label -> the pages defining it, and the misplaced definitions."""
    where: dict[str, list[str]] = {}
    misplaced: list[str] = []
    for name, text in pages.items():
        labels, wrong = label_definitions(name, text)
        misplaced += wrong
        for label in labels:
            where.setdefault(label, []).append(name)
    return where, misplaced


def missing_labels(cited: dict[str, set[str]], defined: Collection[str], pending: Collection[str] = ()) -> list[str]:
    """``label (cited by file, ...)`` for every cited label that is neither defined nor pending."""
    return [f"{label} (cited by {', '.join(sorted(files))})" for label, files in sorted(cited.items())
            if label not in defined and label not in pending]


# --- the checks on this repository ----------------------------------------------------------

@pytest.fixture(scope="module")
def labels(tmp_path_factory) -> dict[str, list[str]]:
    where, misplaced = defined_labels(book_pages(ROOT, generated_pages(tmp_path_factory.mktemp("generated"))))
    assert not misplaced, f"labels not directly above a heading ({{ref}} needs a title): {misplaced}"
    return where


def test_every_cited_label_is_defined(labels):
    cited = cited_labels(SRC)
    assert len(cited) >= 20  # the checker found the pointers (an empty walk would pass vacuously)
    missing = missing_labels(cited, set(labels), set())
    assert not missing, f"docstrings cite labels the book does not define: {missing}"


def test_book_pointers_use_the_label_form():
    problems = pointer_problems(SRC)
    assert not problems, ("write book pointers as 'Explained in the book: {ref}`label`.', not a heading name: "
                          f"{problems}")


def test_labels_are_unique_and_well_formed(labels):
    twice = {label: pages for label, pages in labels.items() if len(pages) > 1}
    assert not twice, f"labels defined more than once: {twice}"
    malformed = [label for label in labels if not re.fullmatch(LABEL, label)]
    assert not malformed, f"labels must be lowercase and hyphenated: {malformed}"
    chapters = {label: pages for label, pages in labels.items()
                if any(p.startswith("notebooks/lipost/") for p in pages) and not label.startswith("lipost-")}
    assert not chapters, f"labels in Part I chapters take the part's prefix 'lipost-': {chapters}"


# --- the checker itself --------------------------------------------------------------------

def test_checker_reports_a_made_up_label_a_bare_pointer_and_a_misplaced_label(tmp_path):
    src = tmp_path / "src" / "pkg"
    src.mkdir(parents=True)
    (src / "good.py").write_text('"""Good.\n\nExplained in the book: {ref}`part-real` and\n{ref}`part-other`.\n"""\n')
    (src / "made_up.py").write_text('"""Made up.\n\nExplained in the book: {ref}`part-made-up`.\n"""\n')
    (src / "bare.py").write_text('"""Bare.\n\nExplained in the book\'s chapter "Ablations"\n'
                                 '(section *How it runs*).\n"""\n')
    (src / "titled.py").write_text('def f():\n    """See {ref}`the other section <part-other>`."""\n')
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text("(part-real)=\n# Real\n\n(part-other)=\n\n## Other\n\n"
                                               "(part-paragraph)=\n**Not a heading.** Text.\n")
    (tmp_path / "notebooks").mkdir()
    notebook = {"cells": [{"cell_type": "markdown", "source": ["(part-real)=\n", "## Again\n"]}]}
    (tmp_path / "notebooks" / "nb.ipynb").write_text(json.dumps(notebook))

    cited = cited_labels(tmp_path / "src")
    assert cited == {"part-real": {"pkg/good.py"}, "part-other": {"pkg/good.py", "pkg/titled.py"},
                     "part-made-up": {"pkg/made_up.py"}}
    where, misplaced = defined_labels(book_pages(tmp_path, {}))
    assert misplaced == ["book/page.md: part-paragraph"]
    assert where["part-real"] == ["book/page.md", "notebooks/nb.ipynb cell 0"]  # defined twice
    assert missing_labels(cited, set(where)) == ["part-made-up (cited by pkg/made_up.py)"]
    assert missing_labels(cited, set(where), {"part-made-up"}) == []
    assert set(pointer_problems(tmp_path / "src")) == {"pkg/bare.py"}
