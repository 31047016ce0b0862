"""Uncertainty for every number a verdict reads: intervals over seeds, over queries or
items (paired bootstrap), over trials (binomial), and Holm's correction for a family of
comparisons.

Every part states its tests with these, so "a win" means one thing in the whole book: the
interval of the paired difference lies above the threshold, after the family's
correction. An :class:`Interval` knows its estimate, its bounds, its level and how it was
computed, prints itself as ``0.412 [0.398, 0.431]`` and turns into a sub-test outcome
(:meth:`Interval.outcome`: pass, fail or undecided) for :func:`helpers.claims.verdict`.

- :func:`seed_interval`: mean over seeds, Student-t interval (the seeds are the units).
- :func:`binomial_interval`: a share of successes, Clopper-Pearson (exact) interval.
- :func:`paired_bootstrap`: mean paired difference over units (queries, items), percentile
  bootstrap; with a seeds axis it resamples seeds and units together (two-level), so the
  interval carries both the spread over seeds and over units.
- :func:`holm`: Holm's step-down correction of a family's p-values (family-wise error at
  ``alpha``); :func:`bootstrap_p` is the two-sided p-value a bootstrap distribution gives.

Explained in the book: {ref}`pipeline-claims`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95
"""The book's interval level, everywhere."""

RESAMPLES = 2000
"""Bootstrap resamples: enough for the second decimal of a 95 % bound."""

MIN_SEEDS = 3
"""The fewest seeds an interval over seeds decides anything from. With two, seeds that
agree exactly (common where values sit on a grid, as a game's payoffs do) give a
zero-width t-interval and a p-value of 0: certainty from two draws. Below this the
interval is shown (two seeds) but its outcome is undecided and it has no p-value."""


class IntervalError(ValueError):
    """Input an interval cannot be computed from (no values, mismatched pairs, k > n)."""


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval.

    Attributes:
        estimate: the point estimate (mean, share, mean difference).
        low, high: the interval's bounds (``nan`` when it cannot be computed, e.g. one seed).
        level: its coverage, e.g. 0.95.
        method: how it was computed, in words the book prints.
        n: the number of units it rests on (seeds, queries, trials).
        p: the two-sided p-value of "estimate = 0" where the method gives one (else ``nan``).
        decisive: whether it may decide a sub-test (``False`` for an interval over fewer
            than :data:`MIN_SEEDS` seeds).
    """

    estimate: float
    low: float
    high: float
    level: float
    method: str
    n: int
    p: float = float("nan")
    decisive: bool = True

    def outcome(self, threshold: float = 0.0, higher_is_better: bool = True) -> bool | None:
        """``True`` when the whole interval is on the better side of ``threshold``, ``False``
        when it is wholly on the worse side, ``None`` (undecided) when it straddles it or
        cannot be computed."""
        if not self.decisive or np.isnan(self.low) or np.isnan(self.high):
            return None
        above, below = self.low > threshold, self.high < threshold
        if higher_is_better:
            return True if above else False if below else None
        return True if below else False if above else None

    def format(self, digits: int = 3, scale: float = 1.0, unit: str = "") -> str:
        """``estimate [low, high]`` with ``digits`` decimals (values times ``scale``)."""
        def show(value: float) -> str:
            return "n/a" if np.isnan(value) else f"{value * scale:.{digits}f}{unit}"
        return f"{show(self.estimate)} [{show(self.low)}, {show(self.high)}]"

    def __str__(self) -> str:
        return self.format()


def _values(values: Sequence[float] | np.ndarray, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise IntervalError(f"{what}: no values")
    if np.isnan(array).any():
        raise IntervalError(f"{what}: {int(np.isnan(array).sum())} value(s) are NaN")
    return array


def seed_interval(values: Sequence[float] | np.ndarray, level: float = LEVEL,
                  bounds: tuple[float, float] | None = None) -> Interval:
    """Mean over seeds with a Student-t interval: one seed gives no bounds; fewer than
    :data:`MIN_SEEDS` an interval that decides nothing (no p-value); seeds that all agree
    a zero-width interval. ``bounds`` clips the interval to the statistic's range (a share
    lies in [0, 1], a rank correlation in [-1, 1]): the t-interval does not know it."""
    array = _values(values, "seed_interval")
    n, mean = array.size, float(array.mean())
    method = f"mean of {n} seed(s), t-interval"
    if n < 2:
        return Interval(mean, float("nan"), float("nan"), level, method, n, decisive=False)
    decisive = n >= MIN_SEEDS
    sem = float(array.std(ddof=1) / np.sqrt(n))
    if sem == 0.0:
        p = (0.0 if mean != 0 else 1.0) if decisive else float("nan")
        return Interval(mean, mean, mean, level, method, n, p, decisive)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sem
    p = float(2 * stats.t.sf(abs(mean) / sem, n - 1)) if decisive else float("nan")
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return Interval(mean, low, high, level, method, n, p, decisive)


def binomial_interval(successes: int, trials: int, level: float = LEVEL) -> Interval:
    """A share of successes with its Clopper-Pearson (exact) interval."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise IntervalError(f"binomial_interval: {successes} successes of {trials} trials")
    ci = stats.binomtest(int(successes), int(trials)).proportion_ci(confidence_level=level, method="exact")
    return Interval(successes / trials, float(ci.low), float(ci.high), level,
                    f"{successes} of {trials}, Clopper-Pearson", trials)


def bootstrap_p(distribution: np.ndarray) -> float:
    """Two-sided p-value of "the statistic is 0" from its bootstrap distribution (twice the
    smaller tail share, the ``+1`` keeping it above zero)."""
    distribution = np.asarray(distribution, dtype=float)
    tail = min((distribution <= 0).sum(), (distribution >= 0).sum())
    return float(min(1.0, 2 * (tail + 1) / (distribution.size + 1)))


def paired_bootstrap(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
                     statistic: Callable[[np.ndarray], float] | None = None, level: float = LEVEL,
                     resamples: int = RESAMPLES, seed: int = 0) -> Interval:
    """Mean paired difference ``a - b`` over units, with a percentile-bootstrap interval.

    ``a`` and ``b`` hold one score per unit (a query's reciprocal rank, an item's
    correctness), shape ``(units,)``, or per seed and unit, shape ``(seeds, units)``; either
    side may be ``(units,)`` beside a seeded other (a baseline without seeds). With seeds, each
    resample draws seeds and units with replacement (the same units for both sides), so
    the interval reflects both sources of spread. ``statistic`` maps the differences of
    one resample to a number (default: their mean); the estimate is it on the data.
    """
    left, right = _values(a, "paired_bootstrap a"), _values(b, "paired_bootstrap b")
    left, right = (side[None, :] if side.ndim == 1 else side for side in (left, right))
    if left.shape[1] == right.shape[1] and 1 in (left.shape[0], right.shape[0]):  # one side without seeds
        left, right = np.broadcast_arrays(left, right)
    if left.shape != right.shape:
        raise IntervalError(f"paired_bootstrap: shapes {left.shape} and {right.shape} do not pair")
    seeds, units = left.shape
    statistic = statistic or (lambda d: float(d.mean()))
    diff = left - right
    rng = np.random.default_rng(seed)
    draws = np.empty(resamples)
    for i in range(resamples):
        rows = rng.integers(0, seeds, seeds) if seeds > 1 else np.zeros(1, dtype=int)
        cols = rng.integers(0, units, units)
        draws[i] = statistic(diff[np.ix_(rows, cols)])
    low, high = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    method = f"paired bootstrap over {units} units" + (f" and {seeds} seeds" if seeds > 1 else "")
    return Interval(statistic(diff), float(low), float(high), level, method, units, bootstrap_p(draws))


def holm(p_values: Sequence[float], alpha: float = 1 - LEVEL) -> list[bool]:
    """Holm's step-down test: which of a family's hypotheses are rejected at family-wise
    error ``alpha`` (sorted p-values compared with ``alpha / (m - rank)``, stopping at the
    first that is not). A missing p-value (``nan``: too few seeds) is never rejected."""
    p = np.nan_to_num(np.asarray(p_values, dtype=float), nan=1.0)  # no p-value (too few seeds): not rejected
    rejected = [False] * len(p)
    for rank, index in enumerate(np.argsort(p, kind="stable")):
        if p[index] > alpha / (len(p) - rank):
            break
        rejected[index] = True
    return rejected


def holm_outcomes(intervals: Sequence[Interval], alpha: float = 1 - LEVEL, threshold: float = 0.0,
                  higher_is_better: bool = True) -> list[bool | None]:
    """Outcomes of a family of paired differences under Holm: a difference the family test
    rejects is a pass or a fail by its sign (against ``threshold``), the rest undecided."""
    rejected = holm([iv.p for iv in intervals], alpha)
    outcomes: list[bool | None] = []
    for iv, reject in zip(intervals, rejected, strict=True):
        if not reject:
            outcomes.append(None)
        else:
            better = iv.estimate > threshold if higher_is_better else iv.estimate < threshold
            outcomes.append(bool(better))
    return outcomes
