"""Profiles: ``params/<profile>.yaml``, every setting of a run in one visible place.

A profile holds ``seed``, an optional top-level ``executor`` block and, under ``parts:``,
a block per part in the book's order (each part found by its name through its contract,
:func:`helpers.pipeline.parts.load`), with a block per step (its notebook's parameters)
and optionally ``shared:`` settings given to every step of the part whose notebook
declares them. A profile lists only what differs from the notebooks' defaults, each line
with its why.

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helpers.config import ParamError, integer, validate

PROFILES = ("ci", "default", "full", "full-small")
"""The profiles the repository ships: the tests' (``ci``), the book's (``default``), the
paper-scale one and its shape at small sizes (``full-small``, derived: :mod:`helpers.pipeline.smoke`)."""

SHARED = "shared"
"""A part block's settings for every step of the part that declares them (not a step)."""


def part_steps(profile_data: dict[str, Any], part_name: str) -> list[str]:
    """The steps of one part of a loaded profile, in the profile's order (``shared`` is not a step)."""
    return [step for step in profile_data["parts"][part_name] if step != SHARED]


def load_profile(profile: str, root: Path) -> dict[str, Any]:
    """Read ``params/<profile>.yaml``: ``seed`` and ``parts: {<part>: {<step>: {...}}}``.

    Refuses, by name, an unknown profile, an unknown part (with the parts there are), a
    part without steps, a step its part's contract does not have, and a step whose
    parameters are not a mapping.
    """
    from helpers.pipeline import smoke
    from helpers.pipeline.parts import load

    if profile == smoke.NAME:
        return smoke.derive(root)
    path = Path(root) / "params" / f"{profile}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (Path(root) / "params").glob("*.yaml"))
        raise ParamError(f"profile {profile!r}: no file {path}; known profiles: {known}")
    data = yaml.safe_load(path.read_text()) or {}
    parts = data.get("parts")
    if not isinstance(parts, dict) or not parts:
        raise ParamError(f"{path}: expected a non-empty 'parts:' mapping of part -> notebook -> parameters")
    for name, steps in parts.items():
        contract = load(name)  # refuses an unknown part by name
        if not isinstance(steps, dict) or not [step for step in steps if step != SHARED]:
            raise ParamError(f"{path}: part {name!r} needs a non-empty mapping of notebook -> parameters")
        for step, params in steps.items():
            if step != SHARED and step not in contract.steps:
                raise ParamError(f"{path}: part {name!r} has no step {step!r}; its steps are {list(contract.steps)}")
            if params is not None and not isinstance(params, dict):
                raise ParamError(f"{path}: {name}.{step}: expected a mapping of parameter -> value, "
                                 f"got {type(params).__name__}")
    validate(data, {"seed": integer(0)})
    return data
