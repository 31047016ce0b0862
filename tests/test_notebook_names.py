"""Notebooks name things for what they are: no module imported under a one-letter alias
(``import x as A``, ``from helpers.y import z as B``) and no one-letter global
(``P = collect(...)``, a top-level ``for i in ...``). A reader meeting ``G.separation`` three
cells below its import has to scroll back to learn what ``G`` is; ``geometry.separation`` says it.

"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.deps import notebook_code

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in path.parts)


def _short(name: str | None) -> bool:
    return name is not None and len(name) == 1 and name != "_"


def one_letter_aliases(source: str) -> list[str]:
    """``line N: import x as A`` for every import under a one-letter alias."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if _short(alias.asname):
                    origin = f"from {'.' * node.level}{node.module or ''} " if isinstance(node, ast.ImportFrom) else ""
                    found.append(f"line {node.lineno}: {origin}import {alias.name} as {alias.asname}")
    return found


class _Globals(ast.NodeVisitor):
    """Names bound at module level; function, class, lambda and comprehension scopes are skipped."""

    def __init__(self) -> None:
        self.bound: list[tuple[int, str]] = []

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.bound.append((node.lineno, node.id))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.append((node.lineno, node.name))

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bound.append((node.lineno, node.name))

    def _skip(self, node: ast.AST) -> None:
        """Names bound inside are local to that scope."""

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _skip


def one_letter_globals(source: str) -> list[str]:
    """``line N: name`` for every one-letter name bound at module level (``_`` is fine)."""
    visitor = _Globals()
    visitor.visit(ast.parse(source))
    return [f"line {line}: {name}" for line, name in visitor.bound if _short(name)]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_one_letter_module_aliases_or_globals(notebook):
    source = notebook_code(ROOT / notebook)
    assert not one_letter_aliases(source), f"{notebook}: name the module for what it is"
    assert not one_letter_globals(source), f"{notebook}: give the global a name that says what it holds"


def test_every_notebook_is_checked():
    assert len(NOTEBOOKS) >= 6


def test_checker_finds_one_letter_aliases_and_globals_and_nothing_else():
    source = "\n".join([
        "import numpy as np",
        "import pandas as P",
        "from helpers.lipost import report as A",
        "from . import sibling as s",
        "from helpers.lipost.figures import embedding_maps",
        "G = 1",
        "grid, S = 2, 3",
        "for i, (_, row) in enumerate([]):",
        "    pass",
        "with open('f') as f:",
        "    pass",
        "total = sum(x for x in range(3)) + len([y for y in 'ab'])",
        "key = lambda k: k",
        "def f(a, b=1):",
        "    c = a + b",
        "    return c",
    ])
    assert one_letter_aliases(source) == ["line 2: import pandas as P",
                                           "line 3: from helpers.lipost import report as A",
                                           "line 4: from . import sibling as s"]
    assert one_letter_globals(source) == ["line 6: G", "line 7: S", "line 8: i", "line 10: f", "line 14: f"]
