"""The statistics behind Part III's stated tests: per-seed numbers, their intervals and
the family correction, shared by :mod:`helpers.specialization.claims` and
:mod:`helpers.specialization.deep_claims`.

Every number a verdict reads is a mean over seeds with its t-interval
(:func:`helpers.intervals.seed_interval`), a paired difference over seeds (the same
teacher on both sides), or a share of seeds (:func:`helpers.intervals.binomial_interval`).
Where one verdict reads several sub-tests the family is corrected by Bonferroni: each
interval is computed at level ``1 - 0.05 / k`` (:func:`family_level`), so the family's
error stays at 5 % whatever the thresholds (Holm's step-down needs a p-value against the
threshold, which a non-zero threshold does not give). Too few seeds give an interval
without bounds, hence an undecided sub-test, never a crash.

Explained in the book: {ref}`specialization-best-practices`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from helpers.intervals import LEVEL, Interval, seed_interval

BONFERRONI = "Bonferroni: each interval at level 1 - 0.05/k for k sub-tests"
"""The correction every multi-comparison test of this part states."""


def family_level(k: int) -> float:
    """The level of each of ``k`` intervals so the family's error is at most 5 %."""
    return 1 - (1 - LEVEL) / max(k, 1)


SHARE, CORRELATION = (0.0, 1.0), (-1.0, 1.0)
"""The ranges of a share and of a rank correlation, which their intervals are clipped to."""


def over_seeds(values: Sequence[float] | np.ndarray, k: int = 1,
               bounds: tuple[float, float] | None = None) -> Interval:
    """Mean over seeds (NaNs dropped) with its t-interval at :func:`family_level` of ``k``,
    clipped to ``bounds`` (:data:`SHARE`, :data:`CORRELATION`) where the statistic has a
    range; no value gives an interval without estimate or bounds (undecided)."""
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        nan = float("nan")
        return Interval(nan, nan, nan, family_level(k), "no seed", 0)
    return seed_interval(array, level=family_level(k), bounds=bounds)


def shown(interval: Interval, digits: int = 2) -> str:
    """``0.41 [0.38, 0.43] (95 %, 8 seeds)``: the interval as a claim row prints it."""
    return f"{interval.format(digits)} ({interval.level * 100:.3g} %, n = {interval.n})"


def outcomes_text(outcomes: Sequence[bool | None]) -> str:
    """``2 pass, 1 undecided``: a verdict's sub-tests tallied for the measured column."""
    words = {True: "pass", False: "fail", None: "undecided"}
    return ", ".join(f"{sum(o is key for o in outcomes)} {word}" for key, word in words.items()
                     if any(o is key for o in outcomes)) or "no sub-test"
