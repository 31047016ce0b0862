"""The validation of notebook parameters: rules, and the rules of one step.

Notebooks keep literals in their ``parameters`` cell. What each parameter must be is
written once, as a :class:`StepRules` per step in the part's registry
(``helpers.<part>.parameters``, reached by the pipeline through the part's contract): the
notebook's next cell calls its :meth:`StepRules.check`, and the runner calls the same
check on every step of a profile before the first step runs. Both raise
:class:`ParamError` naming the parameter, its value and what was expected. Reading a
profile is :mod:`helpers.pipeline.profiles`.

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class ParamError(ValueError):
    """A parameter with a value the notebook cannot use."""


@dataclass(frozen=True)
class Rule:
    """What a parameter must be: ``check(value)`` is true, described by ``expected``."""

    expected: str
    check: Callable[[Any], bool]


def integer(lo: int | None = None, hi: int | None = None) -> Rule:
    desc = "an integer" + (f" >= {lo}" if lo is not None else "") + (f" <= {hi}" if hi is not None else "")
    return Rule(desc, lambda v: isinstance(v, int) and not isinstance(v, bool)
                and (lo is None or v >= lo) and (hi is None or v <= hi))


def number(lo: float, hi: float, lo_open: bool = False) -> Rule:
    desc = f"a number in {'(' if lo_open else '['}{lo}, {hi}]"
    return Rule(desc, lambda v: isinstance(v, int | float) and not isinstance(v, bool)
                and (v > lo if lo_open else v >= lo) and v <= hi)


def one_of(*choices: Any) -> Rule:
    return Rule(f"one of {list(choices)}", lambda v: v in choices)


def subset_of(*choices: str) -> Rule:
    return Rule(f"a non-empty list drawn from {list(choices)}",
                lambda v: isinstance(v, list) and bool(v) and all(x in choices for x in v)
                and len(set(v)) == len(v))


def text(allow_empty: bool = False) -> Rule:
    if allow_empty:
        return Rule("a string", lambda v: isinstance(v, str))
    return Rule("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip()))


def list_of_tasks() -> Rule:
    return Rule("a list of {name: ..., path: ...} mappings",
                lambda v: isinstance(v, list) and all(isinstance(x, dict) and set(x) == {"name", "path"}
                                                      for x in v))


def validate(params: dict[str, Any], rules: dict[str, Rule]) -> dict[str, Any]:
    """Check ``params`` against ``rules``; return them unchanged or raise :class:`ParamError`."""
    for name, rule in rules.items():
        if name not in params:
            raise ParamError(f"parameter {name!r} is missing; expected {rule.expected}")
        if not rule.check(params[name]):
            raise ParamError(f"parameter {name!r} = {params[name]!r}: expected {rule.expected}")
    return params


RUN_RULES: dict[str, Rule] = {"run_dir": text(), "profile": text(), "seed": integer(0)}
"""The parameters the runner gives every step: its part's run folder, the profile's name and seed."""


@dataclass(frozen=True)
class StepRules:
    """What one step's parameters must be.

    Attributes:
        rules: a rule for every parameter the step's notebook declares, and for no other name.
        cross_check: optional check across parameters, run once every rule holds; raises
            :class:`ParamError` naming the parameter at fault.
        defaults: the one source of each default the notebook's parameters cell shows (a
            config object's field, a part's constant): papermill needs literals in that
            cell, and one test for every notebook checks that each literal equals the value
            here, so no second copy can drift.
    """

    rules: dict[str, Rule]
    cross_check: Callable[[dict[str, Any]], None] | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.defaults) - set(self.rules))
        if unknown:
            raise ParamError(f"defaults given for {unknown}, which have no rule")

    def check(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Validate the parameters named by the rules, picked out of ``values`` (a notebook's
        ``globals()`` or the runner's merged values); return them, or raise :class:`ParamError`."""
        params = validate({name: values[name] for name in self.rules if name in values}, self.rules)
        if self.cross_check is not None:
            self.cross_check(params)
        return params
