"""Part II's claims and practices on hand-made rows: a case that holds, one that must not, one undecided
(and one partly), each written before the stated tests were run on the part's numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.claims import VERDICTS
from helpers.jps import claims, facts


def main_rows(values: dict[str, list[tuple[float, float]]]) -> pd.DataFrame:
    """The main table's ``expected_value`` rows: game -> [(CFR1k value, CFR1k+JPS value) per seed]."""
    rows = []
    for game, pairs in values.items():
        for seed, (cfr, jps) in enumerate(pairs, start=13):
            rows += [{"task": game, "seed": seed, "model": "cfr1k", "metric": "expected_value", "value": cfr},
                     {"task": game, "seed": seed, "model": "cfr1k+jps", "metric": "expected_value", "value": jps}]
    return pd.DataFrame(rows)


def verdicts(values: dict, steps: dict) -> list[str]:
    return [claim.verdict for claim in claims.claims(main_rows(values), steps)]


GOOD = {"comm-3": [(0.75, 1.0), (0.5, 1.0), (0.75, 1.0), (0.5, 1.0)],  # gains 0.25, 0.5, 0.25, 0.5
        "mini-hanabi": [(8.0, 10.0), (9.0, 10.0), (8.0, 10.0), (9.0, 10.0)]}  # gains 2, 1, 2, 1


def test_every_claim_holds_when_every_game_passes():
    made = claims.claims(main_rows(GOOD), {"comm-3": [0.0, 0.1], "mini-hanabi": [0.5]})
    assert [c.verdict for c in made] == ["holds", "holds", "holds"]
    assert [c.number for c in made] == [1, 2, 3]
    assert all(c.part == "jps" and c.label == "jps-search-table" and c.test and c.interval for c in made)
    assert "3 JPS runs on 2 games; smallest step change 0.00e+00; 0 seeds end below" in made[0].measured
    assert "exact" in made[0].interval and "2 comparisons (none needed" in made[0].test
    # gains 0.25/0.5 four times: mean 0.375, sd 0.144, t(3) half-width 0.230; Holm over 2 games
    assert "Comm L=3 0.375 [0.145, 0.605] (pass)" in made[1].measured
    assert "2 comparisons (Holm's step-down" in made[1].test
    assert "Comm L=3: 4 of 4 seeds reach 1, share 1.00 [0.40, 1.00] (pass)" in made[2].measured


def test_no_claim_holds_when_jps_lowers_every_seed():
    # claim 1 fails on every game; claim 2's paired gains are negative and Holm-significant: it fails;
    # claim 3 cannot fail (an existence claim): with no seed at the best known it is not settled
    lower = {"comm-3": [(0.75, 0.5), (0.5, 0.25), (0.75, 0.5), (0.5, 0.125)],
             "bidding-4": [(2.0, 1.5), (2.0, 1.0), (2.0, 1.5), (2.0, 1.0)]}
    assert verdicts(lower, {"comm-3": [-0.05], "bidding-4": [-1e-3]}) == ["does not hold", "does not hold",
                                                                         "not settled"]


def test_claims_undecided_on_too_few_or_too_noisy_seeds():
    one_seed = {"comm-3": [(0.5, 0.75)], "bidding-4": [(2.0, 2.0)]}  # one seed: no interval; no seed reaches
    assert verdicts(one_seed, {"comm-3": [0.0]})[1:] == ["not settled", "not settled"]
    noisy = {"comm-3": [(0.5, 0.6), (0.5, 0.9)], "mini-hanabi": [(8.0, 8.0), (8.0, 8.0)]}  # t(1) interval spans 0
    made = claims.claims(main_rows(noisy), {})
    assert made[1].verdict == "not settled" and "(undecided)" in made[1].measured


def test_holm_can_leave_a_game_undecided_that_alone_would_pass():
    # gains 0.2, 0.6, 0.25, 0.2: t-test p = 0.048. Alone it passes (< 0.05); beside a second game with the
    # same p, Holm asks the smaller p to clear 0.025 first, so neither passes
    alone = {"comm-3": [(0.4, 0.6), (0.4, 1.0), (0.5, 0.75), (0.4, 0.6)]}
    assert verdicts(alone, {})[1] == "holds"
    pair = {**alone, "mini-hanabi": [(8.0, 10.0), (4.0, 10.0), (7.5, 10.0), (8.0, 10.0)]}
    assert verdicts(pair, {})[1] == "not settled"


def test_claims_hold_partly_when_some_games_pass():
    mixed = {"comm-3": GOOD["comm-3"], "bidding-4": [(2.0, 2.0)] * 4}  # Comm gains (p = 0.014); bidding does not
    assert verdicts(mixed, {"comm-3": [0.0], "bidding-4": [-0.2]}) == ["holds partly"] * 3


def test_a_step_change_within_rounding_does_not_count_as_worse():
    assert verdicts(GOOD, {"comm-3": [-1e-12]})[0] == "holds"
    assert verdicts(GOOD, {"comm-3": [-1e-6]})[0] == "holds partly"  # mini-hanabi still passes
    assert verdicts(GOOD, {"tiny-bridge-2p": [-1e-6]})[0] == "holds partly"  # a game outside the paper counts too


def test_no_game_settles_nothing():
    assert verdicts({"tiny-bridge-2p": [(0.1, 0.2)]}, {})[1:] == ["not settled", "not settled"]
    assert set(verdicts(GOOD, {})) <= set(VERDICTS)


def test_step_changes_collects_every_jps_run_per_game():
    records = [{"game": "comm-3", "jps": {"0": {"min_step": 0.0}, "2": {"min_step": -1.0}}},
               {"game": "bidding-4", "jps": {"0": {"min_step": 0.5}}},
               {"game": "comm-3", "jps": {"0": {"min_step": 0.25}}}]
    assert claims.step_changes(records) == {"comm-3": [0.0, -1.0, 0.25], "bidding-4": [0.5]}


def depth_table(rows: list[tuple[str, int, float, float]], seeds: int, half: float = 0.001) -> pd.DataFrame:
    """A depth summary: (game, depth, gain, seconds) rows, ``seeds`` seeds each; the paired interval
    against the game's unlimited search is its mean difference ± ``half``."""
    full = {g: gain for g, d, gain, _ in rows if d == 0}
    return pd.DataFrame([{"game": g, "depth": d, "gain": gain, "value": gain, "seconds": s, "visits": 1,
                          "seeds": seeds, "vs_unlimited_low": gain - full[g] - half,
                          "vs_unlimited_high": gain - full[g] + half} for g, d, gain, s in rows])


def grades(rows: pd.DataFrame, depths: pd.DataFrame, openspiel: float | None) -> list[str]:
    return [p.grade for p in claims.practices(rows, depths, openspiel)]


def test_practices_are_strong_on_three_seeds_and_suggestive_on_fewer():
    three = main_rows({"comm-3": [(0.5, 1.0), (0.75, 1.0), (1.0, 1.0)],
                       "mini-hanabi": [(9.0, 10.0), (10.0, 10.0), (9.5, 10.0)]})  # 9.5 [8.26, 10.74] > 7.94
    depths = depth_table([("comm-3", 0, 0.3, 1.0), ("comm-3", 1, 0.3, 0.1)], seeds=3)
    assert grades(three, depths, 7.94) == ["strong"] * 4
    two = main_rows({game: pairs[:2] for game, pairs in GOOD.items()})
    # two seeds give no interval over seeds (helpers.intervals.MIN_SEEDS): the OpenSpiel comparison is undecided
    assert grades(two, depths.assign(seeds=2), 1.0) == ["suggestive"] * 3 + ["mixed"]


def test_practices_mixed_and_contradicted_by_game():
    rows = main_rows({"comm-3": [(0.5, 1.0), (0.75, 1.0), (1.0, 1.0)],
                      "mini-hanabi": [(8.0, 7.0), (8.0, 10.0), (8.0, 10.0)]})  # a seed ends lower; no CFR spread
    depths = depth_table([("comm-3", 0, 0.3, 1.0), ("comm-3", 1, 0.1, 2.0)], seeds=3)  # d = 1 worse and slower
    made = claims.practices(rows, depths, openspiel_value=9.0)  # OpenSpiel's CFR better than ours
    assert [p.grade for p in made] == ["mixed", "strong", "contradicted", "contradicted"]
    assert made[0].evidence.endswith("a seed ended below its start on 1")
    assert made[0].claims == (1,)
    assert made[1].evidence.startswith("the CFR1k value varies across seeds on 1 of 2 games")
    assert made[2].practice.startswith("Not borne out by this run: on large games limit")  # never printed as advice
    assert len(claims.practices(rows, depths.iloc[0:0], None)) == 2  # no ablation, no OpenSpiel run


@pytest.mark.parametrize("seconds, gain, half, expected", [(0.5, 0.295, 0.001, True), (1.5, 0.3, 0.001, False),
                                                         (0.5, 0.2, 0.001, False), (0.5, 0.295, 0.05, None)])
def test_depth_support_needs_as_good_and_no_slower(seconds, gain, half, expected):
    depths = depth_table([("comm-5", 0, 0.3, 1.0), ("comm-5", 2, gain, seconds), ("comm-5", 1, 0.0, 0.1)], seeds=3,
                         half=half)
    assert claims._depth_support(depths) == [expected]
    assert facts.depth_share(depths)[1] == 1
