"""Part II's games chapter: the CFR jobs, and the CFR tables built from hand-made records."""

from __future__ import annotations

import pytest

from helpers.jps import report, sweep


def record(game, seed, value, mean, pure, seconds):
    """A record as :func:`helpers.jps.sweep.cfr_job` returns it."""
    return {"game": game, "seed": seed, "cfr_value": value, "cfr_mean_value": mean, "cfr_pure_value": pure,
            "cfr_seconds": seconds}


RECORDS = [  # Mini-Hanabi first, so first-seen order differs from sorted order
    record("mini-hanabi", 13, 10.0, 9.99, 10.0, 0.1),  # at the proven optimum
    record("mini-hanabi", 14, 8.0, 8.3, 8.0, 0.2),  # stuck at the safe joint action
    record("mini-hanabi", 15, 9.999, 9.999, 10.0, 0.3),  # 10.00 at two decimals, yet short of a proven optimum
    record("bidding-4", 13, 2.246, 2.0, 2.25, 0.4),  # within 0.005 of the best known 2.25: reaches it
    record("bidding-4", 14, 2.0, 2.1, 2.0, 0.5),
]


def test_cfr_jobs_one_per_game_and_seed_in_order():
    jobs = sweep.cfr_jobs({"mini-hanabi": 2, "comm-3": 1}, 7, 50)
    assert [job.key.rsplit("-", 1)[0] for job in jobs] == ["cfr-mini-hanabi-s7", "cfr-mini-hanabi-s8", "cfr-comm-3-s7"]
    assert [job.kwargs for job in jobs] == [{"game": "mini-hanabi", "seed": 7, "cfr_iterations": 50},
                                            {"game": "mini-hanabi", "seed": 8, "cfr_iterations": 50},
                                            {"game": "comm-3", "seed": 7, "cfr_iterations": 50}]
    assert all(job.func is sweep.cfr_job for job in jobs)
    assert jobs[0].key == sweep.job_key("cfr", "mini-hanabi", 7, {"cfr_iterations": 50})
    assert jobs[0].key != sweep.cfr_jobs({"mini-hanabi": 1}, 7, 51)[0].key  # the settings are in the key


def test_cfr_values_one_row_per_record():
    values = report.cfr_values(RECORDS)
    assert list(values.columns) == ["game", "seed", "value", "mean over iterations", "purified", "seconds"]
    assert values["seed"].tolist() == [13, 14, 15, 13, 14]
    assert values.iloc[3].tolist() == ["bidding-4", 13, 2.246, 2.0, 2.25, 0.4]


def test_cfr_metric_rows_four_metrics_per_seed():
    rows = report.cfr_metric_rows(report.cfr_values(RECORDS))
    assert len(rows) == 4 * len(RECORDS)
    assert rows[:4] == [
        {"run": "cfr-distribution", "model": "cfr1k", "task": "mini-hanabi", "lang": "all", "metric": metric,
         "value": value, "n": 1, "seed": 13}
        for metric, value in (("expected_value", 10.0), ("mean_iterate_value", 9.99), ("purified_value", 10.0),
                              ("seconds", 0.1))]
    assert [(row["task"], row["seed"]) for row in rows[::4]] == [("mini-hanabi", 13), ("mini-hanabi", 14),
                                                                  ("mini-hanabi", 15), ("bidding-4", 13),
                                                                  ("bidding-4", 14)]
    assert all(type(row["seed"]) is int for row in rows)


def test_cfr_distribution_per_game():
    distribution = report.cfr_distribution(report.cfr_values(RECORDS))
    assert list(distribution.index) == ["mini-hanabi", "bidding-4"]  # first seen, not sorted
    assert list(distribution.columns) == ["seeds", "mean", "sd", "lowest", "highest", "distinct_values",
                                          "seeds at best known", "largest |final − mean iterate|"]
    hanabi, bidding = distribution.loc["mini-hanabi"], distribution.loc["bidding-4"]
    assert (hanabi["seeds"], hanabi["lowest"], hanabi["highest"]) == (3, 8.0, 10.0)
    assert hanabi["mean"] == pytest.approx((10.0 + 8.0 + 9.999) / 3)
    assert hanabi["distinct_values"] == 2  # 10.0 and 9.999 agree at two decimals
    assert hanabi["seeds at best known"] == 1  # 9.999 misses a proven optimum
    assert bidding["seeds at best known"] == 1  # 2.246 is within the paper's two decimals of 2.25
    assert bidding["sd"] == pytest.approx(0.246 / 2**0.5)
    assert hanabi["largest |final − mean iterate|"] == pytest.approx(0.3)
    assert bidding["largest |final − mean iterate|"] == pytest.approx(0.246)
