"""Part II's games chapter: the CFR jobs, and the CFR tables built from hand-made records."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.jps import facts, report, sweep
from helpers.jps import rows as jps_rows


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
    assert [job.key for job in jobs] == [job.key for job in sweep.cfr_jobs({"mini-hanabi": 2, "comm-3": 1}, 7, 50)]
    assert jobs[0].key != sweep.cfr_jobs({"mini-hanabi": 1}, 7, 51)[0].key  # the settings are in the key
    assert jobs[0].key != jobs[1].key != jobs[2].key  # and the game and the seed


def test_main_depth_and_sampled_jobs_carry_their_settings():
    games = {"comm-3": {"seeds": 2, "depth_limit": 0}, "bidding-8": {"seeds": 1, "depth_limit": 3}}
    main = sweep.main_jobs(games, 13, 100, 10)
    assert [job.key.rsplit("-", 1)[0] for job in main] == ["cfr-jps-comm-3-s13", "cfr-jps-comm-3-s14",
                                                           "cfr-jps-bidding-8-s13"]
    assert main[2].kwargs == {"game": "bidding-8", "seed": 13, "cfr_iterations": 100, "jps_iterations": 10,
                              "depth_limits": [3]}
    depths = sweep.depth_jobs(["comm-3", "bidding-8"], 2, 5, 100, 10, [1, 0])
    assert [(job.kwargs["game"], job.kwargs["seed"]) for job in depths] == [("comm-3", 5), ("comm-3", 6),
                                                                           ("bidding-8", 5), ("bidding-8", 6)]
    assert all(job.func is sweep.cfr_jps_job and job.kwargs["depth_limits"] == [1, 0] for job in depths)
    assert depths[0].key.startswith("depths-comm-3-s5-")
    sampled = sweep.sampled_jobs(games, 13, 100, 10, [1, 5])
    assert sampled[2].kwargs == {"game": "bidding-8", "seed": 13, "cfr_iterations": 100, "jps_iterations": 10,
                                 "depth_limit": 3, "sample_counts": [0, 1, 5]}  # 0: the exact search first
    assert sampled[0].key.startswith("sampled-comm-3-s13-")
    assert main[0].key.rsplit("-", 1)[1] != depths[0].key.rsplit("-", 1)[1]


def test_main_run_jobs_are_the_jobs_chapter_two_ran(tmp_path):
    with pytest.raises(FileNotFoundError, match="run step 02_joint_policy_search"):
        sweep.main_run_jobs(tmp_path)
    params = {"seed": 3, "games": {"comm-3": {"seeds": 2, "depth_limit": 0}}, "cfr_iterations": 7,
              "jps_iterations": 2, "executor": {"kind": "in-process"}}
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "02_joint_policy_search.json").write_text(json.dumps({"params": params}))
    assert [job.key for job in sweep.main_run_jobs(tmp_path)] == [job.key for job in sweep.main_jobs(
        params["games"], 3, 7, 2)]


def test_cfr_values_one_row_per_record():
    values = jps_rows.cfr_values(RECORDS)
    assert list(values.columns) == ["game", "seed", "value", "mean over iterations", "purified", "seconds"]
    assert values["seed"].tolist() == [13, 14, 15, 13, 14]
    assert values.iloc[3].tolist() == ["bidding-4", 13, 2.246, 2.0, 2.25, 0.4]


def test_cfr_metric_rows_four_metrics_per_seed():
    rows = jps_rows.cfr_metric_rows(jps_rows.cfr_values(RECORDS))
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
    distribution = report.cfr_distribution(jps_rows.cfr_values(RECORDS))
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


def jps_record(game, seed, cfr, jps, values=None):
    """A record as :func:`helpers.jps.sweep.cfr_jps_job` returns it (one depth limit)."""
    values = values or [cfr, jps]
    return {"game": game, "seed": seed, "cfr_value": cfr, "cfr_mean_value": cfr, "cfr_seconds": 1.0,
            "jps": {"0": {"value": jps, "values": values, "seconds": 2.0, "visits": 10, "iterations": 1,
                          "min_step": 0.0}}}


MAIN = [jps_record("comm-3", 13, 0.5, 1.0), jps_record("comm-3", 14, 1.0, 1.0, [1.0]),
        jps_record("mini-hanabi", 13, 8.0, 9.0, [8.0, 8.5, 9.0]), jps_record("mini-hanabi", 14, 10.0, 10.0)]


def test_game_rows_summary_and_facts_of_the_main_table():
    rows = pd.DataFrame(jps_rows.game_rows(MAIN))
    assert len(rows) == 5 * len(MAIN)
    summary = report.summary_table(rows, ["cfr1k", "cfr1k+jps"]).set_index(["game", "model"])
    assert summary.loc[("comm-3", "cfr1k"), "mean"] == 0.75
    assert summary.loc[("comm-3", "cfr1k+jps"), "reached"] == 2
    assert summary.loc[("mini-hanabi", "cfr1k+jps"), ["mean", "seeds", "reached"]].tolist() == [9.5, 2, 1]
    order = ["comm-3", "mini-hanabi"]
    gaps = report.paper_gaps(summary.reset_index(), order)
    assert gaps.loc["Comm L=3", "CFR1k: ours − paper"] == pytest.approx(0.75 - 0.89)
    assert gaps.loc["Mini-Hanabi", "CFR1k+JPS: ours − paper"] == pytest.approx(0.0)
    said = facts.search_facts(summary.reset_index(), rows, order)
    assert said == {"n_paper_games": 2, "largest_gap_cfr": pytest.approx(0.14), "largest_gap_jps": 0.0,
                     "jps_gain_games": 2, "n_seed_runs": 4, "n_seeds_lower": 0, "comm_reached": "2 of 2",
                     "games_reached": 2}
    assert facts.longest_search(MAIN) == 2
    curves = report.curves(MAIN, 3)
    assert curves[curves["seed"] == 14]["value"].tolist()[:4] == [1.0, 1.0, 1.0, 1.0]  # held after it stops
    times = report.time_table(rows)
    assert times.loc["comm-3"].tolist() == [1.0, 2.0, 10.0]
    shown = report.time_shown(rows)
    assert shown.loc["Comm L=3"].tolist() == ["1.000 [1.000, 1.000]", "2.000 [2.000, 2.000]", "10 [10, 10]"]
    games = {"comm-3": {"seeds": 2, "depth_limit": 0}, "mini-hanabi": {"seeds": 6, "depth_limit": 0}}
    assert facts.compute_minutes(times, games) == pytest.approx((3.0 * 2 + 3.0 * 6) / 60)


def test_depth_and_sampled_tables():
    records = [{"game": "comm-5", "seed": s, "cfr_value": 0.5, "jps": {
        "1": {"value": 0.8, "seconds": 0.1, "visits": 5}, "0": {"value": 0.9, "seconds": 1.0, "visits": 50}}}
        for s in (1, 2)]
    summary = report.depth_summary(jps_rows.depth_runs(records))
    assert summary[["game", "depth", "seeds"]].values.tolist() == [["comm-5", 1, 2], ["comm-5", 0, 2]]
    assert summary["gain"].tolist() == pytest.approx([0.3, 0.4])
    assert facts.depth_share(summary) == (pytest.approx(75.0), 1)
    assert report.depth_shown(summary)["depth"].tolist() == ["1", "∞"]
    paired = summary[["vs_unlimited_low", "vs_unlimited_high"]].to_numpy().ravel().tolist()
    assert paired == pytest.approx([-0.1, -0.1, 0.0, 0.0])  # d = 1 gains 0.1 less on both seeds
    sampled = [{"game": "mini-hanabi", "seed": s, "cfr_value": 8.0,
                "jps": {"0": {"value": 9.0, "lowest": 8.0}, "1": {"value": v, "lowest": low}}}
               for s, v, low in ((1, 10.0, 7.5), (2, 9.0, 8.0))]
    assert facts.sampled_facts(sampled) == {
        "sampled_dropped": 1, "sampled_runs": 2, "exact_dropped": 0, "exact_runs": 2,
        "sampled_hanabi": "the mean with k = 1 is 9.500, against 9.000 over all states",
        "paper_hanabi": "10.00 with k = 1 against 9.50 over all states"}
    assert jps_rows.sampled_rows(sampled)["model"].tolist() == ["cfr1k+jps", "cfr1k+jps(k=1)"] * 2


def test_rows_come_in_one_order_whether_a_record_was_computed_or_read_back():
    """A record read from its file has its keys sorted; a fresh one keeps the order it ran in."""
    fresh = {"game": "comm-5", "seed": 1, "cfr_value": 0.5, "cfr_seconds": 1.0,
             "jps": {"2": {"value": 0.7, "seconds": 0.1, "visits": 5},
                     "10": {"value": 0.8, "seconds": 0.2, "visits": 6},
                     "0": {"value": 0.9, "seconds": 1.0, "visits": 50}}}
    read_back = json.loads(json.dumps(fresh, sort_keys=True))
    assert list(read_back["jps"]) != list(fresh["jps"])
    assert jps_rows.game_rows([read_back]) == jps_rows.game_rows([fresh])
    assert [row["model"] for row in jps_rows.game_rows([fresh])][2::3] == ["cfr1k+jps(d=2)", "cfr1k+jps(d=10)",
                                                                         "cfr1k+jps(d=0)"]
    assert jps_rows.depth_runs([read_back])["depth"].tolist() == [2, 10, 0]
    assert jps_rows.sampled_rows([read_back])["model"].tolist() == ["cfr1k+jps", "cfr1k+jps(k=2)", "cfr1k+jps(k=10)"]


def test_tables_print_means_with_t_intervals_and_shares_with_clopper_pearson():
    rows = pd.DataFrame(jps_rows.game_rows(MAIN))
    summary = report.summary_table(rows, ["cfr1k", "cfr1k+jps"])
    table = report.main_table(summary, ["comm-3", "mini-hanabi"])
    # comm-3 CFR1k: seeds 0.5 and 1.0: mean 0.75, sd 0.354, t(1) half-width 12.706 * 0.25 = 3.177
    assert table.loc["CFR1k (ours): mean [95 % t-interval]", "Comm L=3"] == "0.750 [-2.427, 3.927]"
    assert table.loc["CFR1k+JPS (ours): mean [95 % t-interval]", "Comm L=3"] == "1.000 [1.000, 1.000]"
    # 2 of 2 seeds: Clopper-Pearson [0.025^(1/2), 1]
    assert table.loc["CFR1k+JPS (ours): seeds at best known [95 % Clopper-Pearson]", "Comm L=3"] == \
        "2/2: 1.00 [0.16, 1.00]"
    assert table.loc["CFR1k (paper, quoted)", "Comm L=3"] == "0.89*"
    assert report.share_cell(0, 3) == "0/3: 0.00 [0.00, 0.71]"
    assert report.mean_cell([2.0]) == "2.000 [n/a, n/a]"  # one seed: no interval
    shown = report.cfr_table(jps_rows.cfr_values(RECORDS))
    assert shown.loc["Mini-Hanabi", "seeds at best known [95 % Clopper-Pearson]"] == "1/3: 0.33 [0.01, 0.91]"
    assert shown.loc["SB N=4", "mean [95 % t-interval]"].startswith("2.123 [")
    assert shown.loc["Mini-Hanabi", ["seeds", "lowest", "highest"]].tolist() == [3, 8.0, 10.0]  # aligned


def test_paper_check_reads_within_noise_differs_and_undecided_under_holm():
    from helpers.jps import paper_check

    def seeds(game, model, values):
        return [{"task": game, "model": model, "metric": "expected_value", "value": v, "seed": s}
                for s, v in enumerate(values)]
    rows = pd.DataFrame(seeds("comm-3", "cfr1k", [0.80, 0.90, 0.95, 0.90])  # paper 0.89: within noise
                        + seeds("comm-3", "cfr1k+jps", [0.9, 0.9, 0.9, 0.9])  # paper 1.00: lower, no spread
                        + seeds("mini-hanabi", "cfr1k", [9.0])  # one seed: undecided
                        + seeds("mini-hanabi", "cfr1k+jps", [9.503, 9.497]))  # inside the rounding band
    check = paper_check.paper_check(rows, ["comm-3", "mini-hanabi", "tiny-bridge-2p"])
    assert check["reading (Holm)"].tolist() == [paper_check.WITHIN, paper_check.LOWER, paper_check.UNDECIDED,
                                                paper_check.WITHIN]
    assert check.loc[("Mini-Hanabi", "CFR1k+JPS"), "p (vs paper ± 0.005)"] == 1.0
    assert paper_check.check_counts(check) == {"paper_cells": 4, "paper_within": 2, "paper_higher": 0,
                                               "paper_lower": 1, "paper_undecided": 1}
    test = str(paper_check.stated_test(check))
    assert "4 cells; seeds per game: Comm L=3 4, Mini-Hanabi 2" in test and "4 comparisons (Holm" in test


def test_depth_shown_and_the_prose_facts():
    records = [{"game": "comm-5", "seed": s, "cfr_value": 0.5, "jps": {
        "1": {"value": v, "seconds": 0.1, "visits": 5}, "0": {"value": 0.9, "seconds": 1.0, "visits": 50}}}
        for s, v in ((1, 0.7), (2, 0.9))]
    shown = report.depth_shown(report.depth_summary(jps_rows.depth_runs(records)))
    assert shown["gain over CFR1k [95 % t-interval]"].tolist() == ["0.3000 [-0.9706, 1.5706]",
                                                                 "0.4000 [0.4000, 0.4000]"]
    games = {"comm-3": {"seeds": 2, "depth_limit": 0}, "bidding-4": {"seeds": 2, "depth_limit": 2},
             "mini-hanabi": {"seeds": 2, "depth_limit": 0}}
    assert facts.depth_settings(games) == "unlimited on Comm L=3, Mini-Hanabi; d = 2 on SB N=4"
    curves = report.curves(MAIN, 3)  # mini-hanabi seed 13: 8 -> 8.5 -> 9; comm-3 seed 13: 0.5 -> 1
    assert facts.early_gain(curves, 1) == (pytest.approx(100 * (1.0 + 0.5) / 2), 2)
    rows = pd.DataFrame(jps_rows.game_rows(MAIN))
    assert facts.openspiel_seeds_above(rows, 8.0) == "1 of 2"
