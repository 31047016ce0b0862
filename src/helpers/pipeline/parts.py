"""The book's parts, each found by name through its contract.

A part ``NAME`` is the package ``helpers.NAME`` whose module ``helpers.NAME.part`` holds
``PART``, a :class:`~helpers.pipeline.contract.PartContract`; its notebooks are in
``notebooks/NAME/``, its landing page is ``book/NAME/index.md``, its block in a profile is
``parts: NAME:`` and its run folder ``runs/<profile>/NAME/`` (executed notebooks, step
records, ``results/metrics.csv``, ``results/claims.csv``). The pipeline imports parts
only here, by name (the layering contracts forbid a static import of a part from
``helpers.pipeline``). Parts run in the order of the profile's blocks, which is the
book's order, and each part's steps chain within the part only, so a change to one part
never re-runs another.

Explained in the book: {ref}`pipeline-parts`.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import helpers
from helpers.config import ParamError
from helpers.pipeline.contract import ContractError, PartContract

CONTRACT_MODULE = "part"
"""The module of a part's package that holds its ``PART``."""


def known() -> list[str]:
    """The names of every package under ``helpers`` that has a ``part`` module, sorted."""
    return sorted(info.name for info in pkgutil.iter_modules(helpers.__path__) if info.ispkg
                  and importlib.util.find_spec(f"helpers.{info.name}.{CONTRACT_MODULE}") is not None)


def load(name: str) -> PartContract:
    """The contract of the part called ``name``.

    Raises :class:`~helpers.config.ParamError` for a name no part has (with the closest
    known name) and :class:`~helpers.pipeline.contract.ContractError` for a ``PART`` that
    is not a :class:`PartContract` of that name.
    """
    module_name = f"helpers.{name}.{CONTRACT_MODULE}"
    try:
        found = importlib.util.find_spec(module_name) is not None
    except (ModuleNotFoundError, ValueError):  # no package helpers.<name>, or a name that is not one
        found = False
    if not found:
        parts = known()
        close = difflib.get_close_matches(name, parts, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParamError(f"unknown part {name!r}{hint}; the parts are {parts}")
    contract = getattr(importlib.import_module(module_name), "PART", None)
    if not isinstance(contract, PartContract):
        raise ContractError(f"{module_name}.PART is a {type(contract).__name__}, not a PartContract")
    if contract.name != name:
        raise ContractError(f"{module_name}.PART is named {contract.name!r}, not {name!r}")
    return contract


def notebook_path(root: Path, part_name: str, step: str) -> Path:
    """The source notebook of one step: ``notebooks/<part>/<step>.ipynb``."""
    return Path(root) / "notebooks" / part_name / f"{step}.ipynb"


def part_run_dir(root: Path, profile: str, part_name: str) -> Path:
    """Where one part of one profile's run lives: ``runs/<profile>/<part>``."""
    return Path(root) / "runs" / profile / part_name
