"""The part contract: everything a part gives the pipeline, in one object.

A part of the book is one package ``helpers.<name>`` whose module ``helpers.<name>.part``
holds ``PART``, a :class:`PartContract`, plus its notebooks ``notebooks/<name>/`` and its
landing page ``book/<name>/index.md``. The pipeline (runner, parameter check, bench, book
stage, appendices) reaches a part only through this object: nothing under
``helpers.pipeline`` names a part's steps, files or figures. A profile lists the parts it
runs, in the book's order, as blocks under ``parts:``; :func:`helpers.pipeline.parts.load`
finds the contract by the block's name.

What a part must provide (the fields below):

- its **steps**, in reading order, and the rules of each step's parameters (a
  :class:`~helpers.config.StepRules` per step; its ``defaults`` name the one source of
  each default that the notebook's parameters cell shows);
- its **sweeps** (the folders under ``sweeps/`` its steps fill, for the appendix);
- its **claims step**, the chapter that writes ``results/claims.csv`` through
  :mod:`helpers.claims` (the front page and its landing page read it);
- optionally its **bench** (``make bench``'s figures), how the environment appendix shows
  them (``bench_rows``, ``bench_notes``), the appendix's lines on its run (its data, its
  budget choices: ``environment_lines``), its own count of wall time (``step_seconds``)
  and the files it adds under the book's ``_static/`` (``static_files``).

The recipe for a new part is in the book: {ref}`pipeline-new-part`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.config import StepRules


class ContractError(TypeError):
    """A part's ``PART`` that does not fulfil the contract (a missing step rule, an unknown claims step)."""


def _no_lines(run_dir: Path, step_params: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return []


def _no_files(run_dir: Path) -> list[tuple[Path, str]]:
    return []


@dataclass(frozen=True)
class PartContract:
    """What one part provides to the pipeline.

    Attributes:
        name: folder name under ``notebooks/``, ``src/helpers/``, ``book/`` and ``runs/<profile>/``.
        title: the part's caption in the book's table of contents.
        paper: the source paper, as the front page cites it.
        steps: each step (notebook ``notebooks/<name>/<step>.ipynb``), in reading order, with
            a function returning its parameter rules (imported only when asked).
        claims_step: the step that writes the part's claims through :mod:`helpers.claims`.
        sweeps: the sweeps (folders under ``runs/<profile>/<name>/sweeps/``) and the step that runs each.
        bench: ``bench(profile, root) -> dict`` of speed figures, or ``None``.
        bench_rows: ``bench_rows(figures) -> [(figure, value)]`` for the environment appendix;
            ``None`` shows every scalar of the figures.
        bench_notes: ``bench_notes(figures) -> markdown`` shown before that table (a
            lever table, say), or ``None``.
        environment_lines: ``environment_lines(run_dir, {step: params}) -> [markdown
            line]``: what the environment appendix says of this part's run (its data's
            hashes, what the profile trades for time), read from the run folder and the
            parameters each step ran with.
        step_seconds: ``step_seconds(run_dir) -> {name: seconds}`` when a step's record
            under-counts its work (a resumed sweep); ``None`` reads the step records.
        static_files: ``static_files(run_dir) -> [(source, path under _static/)]``.
        min_seeds: the fewest seeds behind a *strong* practice in this part (:func:`helpers.claims.grade`).
        packages: the installed packages the part leans on, whose versions the environment appendix lists.
        sizes: ``{step: {parameter: floor}}``, the parameters that are sizes (seeds, steps,
            samples, test caps) and the least each may shrink to: the ``full-small``
            profile divides them and keeps every other setting of ``full``
            (:mod:`helpers.pipeline.smoke`).
    """

    name: str
    title: str
    paper: str
    steps: Mapping[str, Callable[[], StepRules]]
    claims_step: str
    sweeps: Mapping[str, str] = field(default_factory=dict)
    bench: Callable[[str, Path], dict] | None = None
    bench_rows: Callable[[dict], list[tuple[str, str]]] | None = None
    bench_notes: Callable[[dict], str] | None = None
    environment_lines: Callable[[Path, Mapping[str, Mapping[str, Any]]], list[str]] = _no_lines
    step_seconds: Callable[[Path], dict[str, float]] | None = None
    static_files: Callable[[Path], list[tuple[Path, str]]] = _no_files
    min_seeds: int = 3
    packages: tuple[str, ...] = ()
    sizes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.steps:
            raise ContractError(f"part {self.name!r}: no steps")
        if self.claims_step not in self.steps:
            raise ContractError(f"part {self.name!r}: claims step {self.claims_step!r} is not one of its steps "
                                f"{list(self.steps)}")
        strays = [step for step in self.sizes if step not in self.steps]
        if strays:
            raise ContractError(f"part {self.name!r}: sizes for steps it does not have {strays}")
        unknown = {sweep: step for sweep, step in self.sweeps.items() if step not in self.steps}
        if unknown:
            raise ContractError(f"part {self.name!r}: sweeps {unknown} name steps it does not have")

    def rules(self, step: str) -> StepRules:
        """The parameter rules of ``step``; :class:`ContractError` for a step the part does not have."""
        if step not in self.steps:
            raise ContractError(f"part {self.name!r} has no step {step!r}; its steps are {list(self.steps)}")
        rules = self.steps[step]()
        if not isinstance(rules, StepRules):
            raise ContractError(f"part {self.name!r}, step {step!r}: its rules are a {type(rules).__name__}, "
                                "not a StepRules")
        return rules


def lazy(target: str) -> Callable[..., Any]:
    """A function that imports ``"package.module:name"`` when first called and calls it, so a
    part's contract stays light to import (its bench imports torch only when run)."""
    module, _, name = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    call.__qualname__ = f"lazy({target})"
    return call


def step_rules(package: str, modules: Mapping[str, str]) -> dict[str, Callable[[], StepRules]]:
    """Each step's rules for a contract's ``steps``: the ``STEP_RULES`` of
    ``package.<module>`` for every ``step: module`` of ``modules``, imported when asked."""
    return {step: lazy_value(f"{package}.{module}:STEP_RULES") for step, module in modules.items()}


def lazy_value(target: str) -> Callable[[], Any]:
    """A function returning ``"package.module:name"``, imported when first called."""
    module, _, name = target.partition(":")
    return lambda: getattr(importlib.import_module(module), name)
