"""One convention for every chapter of every part, checked on the source notebooks.

- **Defaults once.** A parameters cell holds literals (papermill needs them); each literal
  whose default lives elsewhere (a config object, a part's constant) must equal the value
  its step's rules name as the one source (``StepRules.defaults``), and every declared
  parameter has a rule. One test for every notebook, not a test per copy.
- **A reader's page.** The cell right after the parameters cell (imports and the
  validation of the parameters) is tagged ``hide-cell`` (collapsed); a cell that only glues
  values or writes files, teaching nothing, is tagged ``remove-cell``; every other code
  cell is shown. A code cell is at most :data:`MAX_CELL_LINES` lines besides its imports
  (a notebook is prose and calls into ``helpers``), and no line of a shown cell runs past
  :data:`MAX_LINE` characters (it would run off the page). Formulas are MyST math, not
  Unicode sub- and superscripts.

Explained in the book: {ref}`pipeline-reading`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from helpers.pipeline.executor import DEFAULT_EXECUTOR
from helpers.pipeline.parameters import notebook_defaults
from helpers.pipeline.parts import known, load

ROOT = Path(__file__).resolve().parents[1]
PART_NAMES = [name for name in known() if (ROOT / "notebooks" / name).is_dir()]
STEPS = [(name, step) for name in PART_NAMES for step in load(name).steps]
NOTEBOOKS = [ROOT / "notebooks" / name / f"{step}.ipynb" for name, step in STEPS]
MAX_CELL_LINES = 15
MAX_LINE = 100
PLUMBING = {"glue", "glue_many", "atomic_write_text", "write_claims", "replace_step", "record"}
"""Calls that teach nothing on the page: a cell made only of these (and assignments) is removed."""
UNICODE_MATH = re.compile(r"[\u2080-\u209c\u1d62-\u1d6a\u2c7c\u2071\u207f]|Σ_|∑_")
"""Unicode subscripts (₀…ₜ, ᵢ, ⱼ), superscripts ⁱ ⁿ, and a sum with a typed subscript."""


def _code_cells(notebook: Path) -> list[nbformat.NotebookNode]:
    return [cell for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"]


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def plumbing_only(source: str) -> bool:
    """True when every statement of a cell is a call of :data:`PLUMBING` (or an import, or
    an assignment whose value is such a call), so the cell shows the reader nothing."""
    body = ast.parse(source).body
    calls = 0
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.For):
            node = node.body[0] if len(node.body) == 1 else node
        value = node.value if isinstance(node, ast.Expr | ast.Assign) else None
        if not isinstance(value, ast.Call):
            return False
        name = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        if name not in PLUMBING:
            return False
        calls += 1
    return calls > 0


def logic_lines(source: str) -> int:
    """Lines of a cell that are neither imports, blank, nor comments."""
    tree = ast.parse(source)
    import_lines = {line for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
                    for line in range(node.lineno, node.end_lineno + 1)}
    return sum(1 for number, line in enumerate(source.splitlines(), 1)
               if line.strip() and not line.strip().startswith("#") and number not in import_lines)


@pytest.mark.parametrize(("part_name", "step"), STEPS)
def test_parameters_cell_literals_are_the_one_source(part_name, step):
    rules = load(part_name).rules(step)
    defaults = notebook_defaults(ROOT / "notebooks" / part_name / f"{step}.ipynb")
    assert set(defaults) == set(rules.rules), "every declared parameter has a rule, and every rule a parameter"
    sources = dict(rules.defaults) | ({"executor": DEFAULT_EXECUTOR} if "executor" in defaults else {})
    drifted = {name: (defaults[name], source) for name, source in sources.items() if defaults[name] != source}
    assert not drifted, f"notebook literal != its one source: {drifted}"
    rules.check(defaults)  # the defaults themselves pass the rules


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_reader_page_convention(notebook):
    cells = _code_cells(notebook)
    assert ["parameters" in _tags(cell) for cell in cells[:1]] == [True], "the first code cell is the parameters"
    assert "hide-cell" in _tags(cells[1]), "the setup cell after the parameters is collapsed (hide-cell)"
    problems = []
    for index, cell in enumerate(cells[1:], 1):
        shown = not _tags(cell) & {"remove-cell", "remove-input", "hide-cell", "hide-input"}
        if plumbing_only(cell.source) and shown:
            problems.append(f"code cell {index} only glues or writes: tag it remove-cell")
        if logic_lines(cell.source) > MAX_CELL_LINES:
            problems.append(f"code cell {index} has {logic_lines(cell.source)} lines: move its logic into helpers")
        long = [line for line in cell.source.splitlines() if len(line) > MAX_LINE]
        if long and not _tags(cell) & {"remove-cell", "remove-input"}:  # a hidden cell opens on the page
            problems.append(f"code cell {index} has {len(long)} line(s) over {MAX_LINE} characters")
    for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        if cell.cell_type == "markdown" and UNICODE_MATH.search(cell.source):
            problems.append(f"cell {index}: a formula typed in Unicode; write it as MyST math ($...$)")
    assert not problems, problems


def test_every_part_and_chapter_is_checked():
    assert {"lipost", "jps", "specialization"} <= set(PART_NAMES)
    assert all(path.is_file() for path in NOTEBOOKS)


def test_the_checks_find_what_they_look_for():
    assert plumbing_only('glue("a", 1)\nglue_many("b", {})')
    assert plumbing_only('for k, v in rows.items():\n    glue(k, v)')
    assert not plumbing_only('glue("a", 1)\ntable.round(3)')
    assert logic_lines("import a\nfrom b import (\n    c,\n)\n# note\n\nx = 1\ny = 2") == 2
    assert UNICODE_MATH.search("Σ_{h∈Iⱼ}") and not UNICODE_MATH.search("$\\sum_{h \\in I_j}$")
