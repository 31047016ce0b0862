"""The shared bench's machine figures: the peak is the best round, budgets are normalised to
the reference machine."""

import pytest

from helpers.pipeline import bench


def test_normalised_minutes_scale_with_the_machines_peak():
    assert bench.normalised_minutes(600, bench.REFERENCE_PEAK) == pytest.approx(10.0)
    assert bench.normalised_minutes(600, 2 * bench.REFERENCE_PEAK) == pytest.approx(20.0)  # a faster machine


def test_the_peak_is_the_best_round_not_the_median_of_all(monkeypatch):
    rounds = iter([1.0, 0.5, 2.0, 1.0, 1.0])  # seconds per round: one loaded round is slow, one fast
    monkeypatch.setattr(bench, "median_time", lambda fn, repeats: next(rounds))
    assert bench.matmul_peak(size=8, rounds=5) == pytest.approx(2 * 8**3 / 0.5 / 1e9)
