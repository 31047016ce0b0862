"""Which ``helpers`` source files a notebook can run: the fingerprint hashes only those.

A step's result depends on the code it executes. Hashing the whole ``src/helpers`` tree
made every step stale after any change (the benchmark, the book's appendix), so a fix
that cannot change a single number still re-ran the whole profile. Here the modules a
notebook imports are followed through every ``import`` statement in their source
(function-level imports included, and each package's ``__init__``) to a closed set of
files; the step fingerprint hashes exactly those.

Explained in the book: {ref}`pipeline-steps`.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

PACKAGE = "helpers"


def _imported_names(tree: ast.AST, current: str, is_package: bool) -> set[str]:
    """Absolute module names an AST imports, with ``from m import x`` also giving ``m.x``
    (``x`` may be a submodule; names that are not modules are dropped later)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                parts = current.split(".") if is_package else current.split(".")[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def _module_file(src: Path, name: str) -> Path | None:
    path = src.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def notebook_code(notebook: Path) -> str:
    """The Python source of a notebook's code cells (IPython magics and shell lines dropped)."""
    content = json.loads(Path(notebook).read_text())
    if not isinstance(content, dict) or "cells" not in content:
        raise ValueError(f"{notebook} is not a Jupyter notebook: expected a JSON object with 'cells'")
    cells = content["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines += [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def helpers_files(src: Path, notebook: Path) -> list[Path]:
    """Every ``helpers`` file the notebook can execute, sorted: the modules it imports, their
    packages' ``__init__`` files, and so on through the imports in their source."""
    return _closure(Path(src), _imported_names(ast.parse(notebook_code(notebook)), "__notebook__", False))


def module_files(src: Path, modules: list[str]) -> list[Path]:
    """Every ``helpers`` file that importing ``modules`` can execute (as :func:`helpers_files`)."""
    return _closure(Path(src), set(modules))


def _closure(src: Path, todo: set[str]) -> list[Path]:
    seen: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
            module = ".".join(parts[:depth])
            if module in seen:
                continue
            path = _module_file(src, module)
            if path is None:  # a function or class imported from its module, not a module
                continue
            seen[module] = path
            todo |= _imported_names(ast.parse(path.read_text()), module, path.name == "__init__.py")
    return sorted(set(seen.values()))


def helpers_digest(src: Path, notebook: Path) -> str:
    """SHA-256 over the relative paths and bytes of :func:`helpers_files`."""
    return _digest(Path(src), helpers_files(src, notebook))


def modules_digest(src: Path, modules: list[str]) -> str:
    """SHA-256 over the relative paths and bytes of :func:`module_files`."""
    return _digest(Path(src), module_files(src, modules))


def _digest(src: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(src)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
