"""Each step's parameters: what its notebook declares, what the profile gives it, and the
check of all of them before the first step runs.

:func:`check_profile` reads every step of the selected parts, merges the notebook's
defaults (its ``parameters`` cell, as papermill reads it) with what the runner will pass
(:func:`step_params`), and refuses, in one :class:`~helpers.config.ParamError` that names
the profile, the step and the parameter: a name the notebook does not declare (with the
closest declared name), a ``shared`` setting no step of the part declares, a setting the
runner gives itself (``run_dir``, ``profile``, ``seed``), a value its part's
contract gives for the step (``PART.rules(step)``, the rules the notebook's validation
cell applies) refuses, and a top-level ``executor`` block
(:func:`helpers.pipeline.executor.check_executor`) that is not one. A bad profile thus
fails in seconds, not after the steps before it.

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

import ast
import difflib
from pathlib import Path
from typing import Any

from helpers.config import ParamError
from helpers.pipeline.parts import load, notebook_path, part_run_dir
from helpers.pipeline.profiles import SHARED, load_profile, part_steps

INJECTED = ("run_dir", "profile", "seed")
"""Parameters the runner gives every step: the part's run folder, the profile's name and its ``seed``."""

EXECUTOR = "executor"
"""A profile's top-level block given to every step that declares a parameter of that name
(where a sweep's jobs run: :mod:`helpers.pipeline.executor`); kept out of step fingerprints."""


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook's ``parameters`` cell declares (papermill's reading of it)."""
    import papermill as pm

    return pm.inspect_notebook(str(notebook))


def notebook_defaults(notebook: Path, declared: dict[str, dict] | None = None) -> dict[str, Any]:
    """The values of a notebook's ``parameters`` cell, read as Python literals.

    ``declared`` is :func:`declared_parameters`'s answer when the caller has it. Raises
    :class:`ParamError` for a default that is not a literal (the cell must hold literals only).
    """
    declared = declared_parameters(notebook) if declared is None else declared
    defaults = {}
    for name, info in declared.items():
        try:
            defaults[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError) as err:
            raise ParamError(f"{notebook}: parameter {name!r} = {info['default']} in the parameters cell is not a "
                             "literal") from err
    return defaults


def step_params(profile_data: dict, part_name: str, step: str, run_dir: Path, profile: str,
                declared: set[str]) -> dict:
    """A step's papermill parameters: the profile's top-level ``executor`` block if the
    notebook declares ``executor``, the part's ``shared`` settings that its notebook
    declares, then its own block, plus ``run_dir``, ``profile`` and ``seed``."""
    block = profile_data["parts"][part_name]
    params = {EXECUTOR: profile_data[EXECUTOR]} if EXECUTOR in declared and EXECUTOR in profile_data else {}
    params.update({k: v for k, v in (block.get(SHARED) or {}).items() if k in declared})
    params.update(block.get(step) or {})
    params.update(run_dir=str(run_dir), profile=profile, seed=profile_data["seed"])
    return params


def resolve(profile: str, root: Path, part_name: str, step: str, data: dict | None = None,
            declared: dict[str, dict] | None = None) -> dict[str, Any]:
    """Every parameter one step runs with: its notebook's defaults overridden by what the
    runner passes (:func:`step_params`). The one resolver of a step's parameters: the
    runner records it, the profile check validates it, and every bench reads it.

    ``data`` is the loaded profile and ``declared`` the notebook's parameters, when the
    caller has them.
    """
    data = load_profile(profile, root) if data is None else data
    source = notebook_path(root, part_name, step)
    declared = declared_parameters(source) if declared is None else declared
    return notebook_defaults(source, declared) | step_params(data, part_name, step,
                                                             part_run_dir(root, profile, part_name), profile,
                                                             set(declared))


def _unknown(name: str, known: set[str]) -> str:
    """``'name'`` with the closest known name, when one is close."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def _step_problems(profile: str, data: dict, root: Path, part_name: str, step: str,
                   declared: dict[str, dict]) -> list[str]:
    """What is wrong with one step's parameters: each unknown or runner-owned name in its
    block, and the first value its registry rules refuse (checked on the notebook's
    defaults overridden by what the runner will pass, which ignores unknown names)."""
    own = data["parts"][part_name].get(step) or {}
    problems = [f"unknown parameter {_unknown(name, set(declared))} of notebooks/{part_name}/{step}.ipynb"
                for name in own if name not in declared and name not in INJECTED]
    problems += [f"parameter {name!r} is set by the runner (the part's run folder, the profile's name and its "
                 f"top-level seed); remove it from the step's block" for name in own if name in INJECTED]
    try:
        load(part_name).rules(step).check(resolve(profile, root, part_name, step, data, declared))
    except ParamError as err:
        problems.append(str(err))
    return problems


def check_profile(profile: str, data: dict, root: Path, part_names: list[str]) -> None:
    """Check every step's parameters in the parts ``part_names`` of a loaded profile.

    Raises one :class:`ParamError` listing every problem found, each as ``profile 'P',
    step PART/STEP: ...``; writes nothing.
    """
    from helpers.pipeline.executor import ExecutorError, check_executor

    problems: list[str] = []
    if EXECUTOR in data:
        try:
            check_executor(data[EXECUTOR])
        except ExecutorError as err:
            problems.append(f"profile {profile!r}, top-level {EXECUTOR}: {err}")
    for part_name in part_names:
        declared_by: dict[str, dict[str, dict]] = {}
        for step in part_steps(data, part_name):
            source = notebook_path(root, part_name, step)
            where = f"profile {profile!r}, step {part_name}/{step}"
            if not source.is_file():
                problems.append(f"{where}: no notebook {source}")
                continue
            declared_by[step] = declared_parameters(source)
            problems += [f"{where}: {problem}" for problem in
                         _step_problems(profile, data, root, part_name, step, declared_by[step])]
        declared_in_part = set().union(*declared_by.values()) if declared_by else set()
        for name in data["parts"][part_name].get(SHARED) or {}:
            if name not in declared_in_part:
                problems.append(f"profile {profile!r}, part {part_name}: shared parameter "
                                f"{_unknown(name, declared_in_part)} is declared by no step of the part")
    if problems:
        raise ParamError("; ".join(problems))
