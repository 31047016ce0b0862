"""The interval helpers against cases worked out by hand or by a textbook formula."""

import numpy as np
import pytest

from helpers.intervals import IntervalError, binomial_interval, holm, holm_outcomes, paired_bootstrap, seed_interval


def test_seed_interval_is_the_student_t_interval():
    iv = seed_interval([1.0, 2.0, 3.0])  # mean 2, sd 1, sem 1/sqrt(3), t(0.975, 2) = 4.3027
    assert iv.estimate == 2.0
    assert iv.high - 2.0 == pytest.approx(4.302653 / np.sqrt(3), rel=1e-5)
    assert iv.outcome(-1.0) is True and iv.outcome(5.0) is False and iv.outcome(0.0) is None


def test_fewer_than_three_seeds_decide_nothing():
    iv = seed_interval([0.7])
    assert np.isnan(iv.low) and iv.outcome(0.0) is None
    assert iv.format(2) == "0.70 [n/a, n/a]"
    twins = seed_interval([0.125, 0.125])  # two seeds that agree exactly: shown, but not certainty
    assert twins.format() == "0.125 [0.125, 0.125]"
    assert twins.outcome(0.0) is None and np.isnan(twins.p)
    assert seed_interval([0.1, 0.2]).outcome(-10.0) is None and seed_interval([0.1, 0.2, 0.15]).outcome(-10.0)


def test_binomial_interval_is_clopper_pearson():
    iv = binomial_interval(0, 10)  # exact upper bound 1 - 0.025 ** (1/10)
    assert iv.low == 0.0 and iv.high == pytest.approx(1 - 0.025 ** 0.1, rel=1e-6)
    full = binomial_interval(20, 20)
    assert full.high == 1.0 and full.low == pytest.approx(0.025 ** (1 / 20), rel=1e-6)
    with pytest.raises(IntervalError):
        binomial_interval(3, 2)


def test_paired_bootstrap_finds_a_real_difference_and_not_a_null_one():
    rng = np.random.default_rng(1)
    base = rng.random(400)
    better = paired_bootstrap(base + 0.05 + rng.normal(0, 0.02, 400), base)
    assert better.outcome() is True and better.p < 0.01
    assert better.estimate == pytest.approx(0.05, abs=0.01)
    null = paired_bootstrap(base + rng.normal(0, 0.05, 400), base)
    assert null.outcome() is None and null.p > 0.05


def test_paired_bootstrap_over_seeds_is_wider_when_seeds_disagree():
    rng = np.random.default_rng(2)
    base = rng.random(300)
    agree = np.stack([base + 0.03 for _ in range(3)])
    disagree = np.stack([base + shift for shift in (-0.05, 0.03, 0.11)])
    narrow, wide = paired_bootstrap(agree, base), paired_bootstrap(disagree, base)
    assert (wide.high - wide.low) > 3 * (narrow.high - narrow.low)
    with pytest.raises(IntervalError, match="do not pair"):
        paired_bootstrap(np.ones((2, 5)), np.ones(4))


def test_holm_steps_down_and_stops():
    # m = 4 at alpha 0.05: thresholds 0.0125, 0.0167, 0.025, 0.05
    assert holm([0.01, 0.015, 0.03, 0.04]) == [True, True, False, False]
    assert holm([0.001, 0.2, 0.013, 0.012]) == [True, False, True, True]
    assert holm([0.001, 0.2, 0.03, 0.012]) == [True, False, False, True]
    assert holm([]) == []
    assert holm([0.001, float("nan")]) == [True, False]  # no p-value: not rejected


def test_holm_outcomes_sign_the_rejected_differences():
    rng = np.random.default_rng(3)
    base = rng.random(400)
    family = [paired_bootstrap(base + 0.05, base), paired_bootstrap(base - 0.05, base),
              paired_bootstrap(base + rng.normal(0, 0.05, 400), base)]
    assert holm_outcomes(family) == [True, False, None]


def test_a_bounded_statistic_keeps_its_interval_in_range():
    share = seed_interval([0.9, 1.0, 1.0, 0.7], bounds=(0.0, 1.0))
    assert share.high == 1.0 and seed_interval([0.9, 1.0, 1.0, 0.7]).high > 1.0
    assert share.low == seed_interval([0.9, 1.0, 1.0, 0.7]).low


def test_either_side_may_be_the_one_without_seeds():
    rng = np.random.default_rng(4)
    base = rng.random(200)
    seeded = np.stack([base + shift for shift in (0.02, 0.04, 0.06)])
    forward, backward = paired_bootstrap(seeded, base, seed=1), paired_bootstrap(base, seeded, seed=1)
    assert backward.estimate == pytest.approx(-forward.estimate)
    assert (backward.low, backward.high) == pytest.approx((-forward.high, -forward.low))
