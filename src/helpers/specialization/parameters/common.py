"""Rules shared by the part's steps: lists of sizes and widths, the threshold, the executor."""

from __future__ import annotations

from typing import Any

from helpers.config import ParamError, Rule
from helpers.pipeline.executor import EXECUTOR_RULE


def _is_int(value: Any, lo: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= lo


def int_list(lo: int, what: str) -> Rule:
    """A non-empty list of distinct integers >= ``lo``, in increasing order."""
    return Rule(f"a non-empty increasing list of {what} (integers >= {lo})",
                lambda v: isinstance(v, list) and bool(v) and all(_is_int(x, lo) for x in v)
                and all(a < b for a, b in zip(v, v[1:], strict=False)))


def number_list(lo: float, hi: float, what: str) -> Rule:
    """A non-empty increasing list of numbers in [lo, hi]."""
    return Rule(f"a non-empty increasing list of {what} (numbers in [{lo}, {hi}])",
                lambda v: isinstance(v, list) and bool(v)
                and all(isinstance(x, int | float) and not isinstance(x, bool) and lo <= x <= hi for x in v)
                and all(a < b for a, b in zip(v, v[1:], strict=False)))


WIDTH_MULTIPLES = int_list(1, "width multiples (a student at least as wide as its teacher)")

THRESHOLD = Rule("a number in (0, 1), exclusive", lambda v: isinstance(v, int | float) and not isinstance(v, bool)
                 and 0 < v < 1)


EXECUTOR = EXECUTOR_RULE  # the pipeline's one rule for a sweep's executor


def at_least(params: dict, small: str, big: str, what: str) -> None:
    """Refuse ``params[big]`` (a number or a list, its smallest entry) below ``params[small]``."""
    value = params[big]
    smallest = min(value) if isinstance(value, list) else value
    if smallest < params[small]:
        raise ParamError(f"parameter {big!r} = {value!r}: {what} must be at least {small} = {params[small]}")
