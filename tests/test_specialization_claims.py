"""Part III's claims and practices on hand-made records: each verdict and each grade is reachable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.claims import NOT_HOLD, VERDICTS, Claim, StatedTest
from helpers.specialization import claims
from helpers.specialization.part import MIN_SEEDS


def batchnorm_runs(per_seed: list[list[int]], channels: int = 10) -> list[dict]:
    """BN runs, one per seed, whose layers have ``negative`` of ``channels`` shifts below zero."""
    return [{"seed": seed, "negative": negative, "zero": [0] * len(negative), "total": [channels] * len(negative),
             "accuracy": 0.9} for seed, negative in enumerate(per_seed)]


@pytest.mark.parametrize("per_seed,expected", [
    ([[6, 9], [6, 9], [7, 9], [6, 10]], "holds"),  # ~75 % below zero in every seed, the deep half more so
    ([[9, 6], [9, 6], [10, 6], [9, 7]], "holds partly"),  # most below zero, but the shallow half more so
    ([[2, 1], [2, 1], [1, 1], [2, 0]], "does not hold"),  # few below zero, the deep half fewer
    ([[6, 9]], "not settled"),  # one seed: no interval, every sub-test undecided
])
def test_the_batchnorm_claim_on_hand_made_shifts(per_seed, expected):
    row = claims.deep_claims.batchnorm_claim(batchnorm_runs(per_seed))
    assert row["verdict"] == expected
    assert row["label"] == "specialization-batchnorm"
    assert "Bonferroni" in str(row["test"]) and "seeds" in row["interval"]


@pytest.mark.parametrize("narrow,wide,expected", [
    ([[0.5, 0.4], [0.6, 0.5], [0.55, 0.45]], [[0.9, 0.8], [0.95, 0.85], [0.92, 0.83]], "holds"),
    ([[0.5, 0.4], [0.6, 0.5], [0.55, 0.45]], [[0.9, 0.3], [0.95, 0.4], [0.92, 0.35]], "holds partly"),
    ([[0.9, 0.8], [0.8, 0.9], [0.85, 0.85]], [[0.5, 0.5], [0.6, 0.4], [0.55, 0.45]], "does not hold"),
    ([[0.5, 0.5], [0.7, 0.7], [0.6, 0.6]], [[0.6, 0.6], [0.6, 0.6], [0.7, 0.7]], "not settled"),  # within noise
])
def test_the_digits_claim_on_hand_made_correlations(narrow, wide, expected):
    row = claims.deep_claims.digits_claim({"rho_mean": {"1": narrow, "2": wide}, "seeds": [1, 2, 3]})
    assert row["verdict"] == expected
    assert "(means over 3 seed(s))" in row["measured"]


def two_layer(multi: int, decay: float, use: list[list[float]], fan: list[list[float]],
              loss: list[float] | None = None, best: list[list[float]] | None = None) -> dict:
    """A two-layer record: per seed the students' usefulness and fan-out, final losses, final best rho."""
    seeds = list(range(len(use)))
    best = best or [[0.99, 0.99]] * len(seeds)
    return {"seeds": seeds, "m": 2, "decay": decay, "multi": multi, "steps_per_epoch": 10,
            "usefulness": use, "fanout": fan, "eval_loss": [[1.0, v] for v in (loss or [1e-3] * len(seeds))],
            "best_eval": [[[0.1, 0.1], b] for b in best]}


@pytest.mark.parametrize("loose_fan,expected", [
    ([0.01, 0.01, 0.02, 0.01], "holds"),  # every un-specialised student near zero in every seed
    ([0.6, 0.5, 0.7, 0.6], "does not hold"),  # none near zero
    ([0.01, 0.6, 0.01, 0.6], "not settled"),  # half the seeds each way: the interval straddles 0.8
])
def test_the_lshape_claim_tests_the_foot_of_the_l_over_seeds(loose_fan, expected):
    use = [[0.99, 0.99, 0.5, 0.3]] * 4
    fan = [[1.0, 1.2, f, f] for f in loose_fan]
    row = claims.lshape_claim([two_layer(2, 0.0, use, fan), two_layer(1, 0.0, use, fan)])
    assert row["verdict"] == expected
    assert "t-interval" in str(row["test"]) and "share:" in row["interval"]


@pytest.mark.parametrize("narrow_fails,wide_fails,expected", [
    ([1] * 8, [0] * 8, "holds"),  # every 1x keeps a failure, no 5x does
    ([0] * 8, [1] * 8, "does not hold"),
    ([1, 0, 0, 0, 0, 0, 0, 0], [0] * 8, "not settled"),  # one pair in eight: within the bootstrap's spread
])
def test_the_1x_failures_are_their_own_claim(narrow_fails, wide_fails, expected):
    def make(multi, fails):
        use = [[0.3, 0.99] if f else [0.99, 0.99] for f in fails]
        return two_layer(multi, 1.0, use, [[0.5, 1.0]] * len(fails))
    row = claims.failures_claim([make(1, narrow_fails), make(5, wide_fails)])
    assert row["verdict"] == expected
    assert row["label"] == "specialization-lshape"


def test_the_failures_claim_is_not_settled_without_a_wide_student_or_a_decaying_teacher():
    use, fan = [[0.3, 0.99]] * 4, [[0.5, 1.0]] * 4
    assert claims.failures_claim([two_layer(1, 1.0, use, fan)])["verdict"] == "not settled"
    assert claims.failures_claim([two_layer(1, 0.0, use, fan), two_layer(5, 0.0, use, fan)])["verdict"] == \
        "not settled"


def losses(multi: int, decay: float, logs: list[float]) -> dict:
    return two_layer(multi, decay, [[0.99]] * len(logs), [[1.0]] * len(logs), [10.0 ** v for v in logs])


@pytest.mark.parametrize("equal,decayed,expected", [
    (([-9, -9.5, -8.8, -9.2], [-6, -6.2, -5.9, -6.1]), ([-3, -3.1, -2.9, -3.2], [-5, -5.2, -5.1, -4.9]), "holds"),
    (([-6, -6.2, -5.9, -6.1], [-9, -9.5, -8.8, -9.2]), ([-5, -5.2, -5.1, -4.9], [-3, -3.1, -2.9, -3.2]),
     "does not hold"),
    (([-9, -4, -8, -5], [-6, -7, -5, -8]), ([-3, -6, -4, -5], [-5, -3, -4, -6]), "not settled"),
])
def test_the_crossover_claim_compares_two_kinds_of_p(equal, decayed, expected):
    configs = [losses(1, 0.0, equal[0]), losses(10, 0.0, equal[1]), losses(1, 2.0, decayed[0]),
               losses(10, 2.0, decayed[1])]
    assert claims.crossover_claim(configs)["verdict"] == expected


def test_the_crossover_with_a_single_p_is_not_settled_never_partly():
    row = claims.crossover_claim([losses(1, 0.0, [-9, -9.5, -9.1]), losses(10, 0.0, [-6, -6.1, -6.2])])
    assert row["verdict"] == "not settled"
    assert "needs a p ≤ 0.5 and a p ≥ 1" in row["measured"]


@pytest.mark.parametrize("narrow,wide,expected", [
    ([[0.99, 0.5]] * 4, [[0.99, 0.99]] * 4, "holds"),  # the wider recovers the weak node too
    ([[0.99, 0.99]] * 4, [[0.99, 0.5], [0.5, 0.5], [0.99, 0.5], [0.5, 0.5]], "does not hold"),
    ([[0.99, 0.5], [0.99, 0.99], [0.99, 0.5], [0.99, 0.99]],
     [[0.5, 0.5], [0.99, 0.99], [0.99, 0.99], [0.5, 0.99]], "not settled"),
])
def test_the_overrealisation_claim_on_hand_made_recoveries(narrow, wide, expected):
    make = [two_layer(1, 1.0, [[0.9]] * 4, [[1.0]] * 4, best=narrow),
            two_layer(5, 1.0, [[0.9]] * 4, [[1.0]] * 4, best=wide)]
    assert claims.overrealisation_claim(make, 0.95)["verdict"] == expected


def hand_made(verdicts: dict[int, str]) -> list[Claim]:
    """Claims 1..10 that hold, but for the verdicts given."""
    return [Claim(part="specialization", number=n, claim=f"claim {n}", paper="p", measured="m",
                  verdict=verdicts.get(n, "holds"), label="specialization-lshape", shown_in="s",
                  test=StatedTest(compared="a vs b", on="2 seeds", statistic="mean", threshold="> 0",
                                  comparisons=1), interval="exact") for n in range(1, 11)]


@pytest.mark.parametrize("order,expected", [
    ([[1, 2, 3]] * 4, "holds"),  # strongest first in every seed
    ([[3, 2, 1]] * 4, "does not hold"),  # weakest first
    ([[1, 2, 3], [3, 2, 1], [1, 3, 2], [2, 1, 3]], "not settled"),
])
def test_the_strong_first_claim_on_hand_made_recovery_times(order, expected):
    best = [[[0.99 if when <= checkpoint else 0.1 for when in times] for checkpoint in range(4)] for times in order]
    result = {"seeds": list(range(len(order))), "m": 3, "decay": 1.0, "multi": 2, "steps_per_epoch": 10,
              "best_eval": best}
    assert claims.strong_first_claim(result, 0.95)["verdict"] == expected


def sample_runs(aware_at: list[int], gauss_at: list[int], sizes=(30, 60, 120, 240, 480)) -> list[dict]:
    """Runs whose mean rho reaches 0.99 from the given size on, per seed, for each source."""
    runs = []
    for source, reach in (("teacher-aware", aware_at), ("gaussian", gauss_at)):
        pairs = [(size, seed) for size in sizes for seed in range(len(reach))]
        runs.append({"source": source, "multi": 2, "sizes": [s for s, _ in pairs], "seeds": [s for _, s in pairs],
                     "rho_mean": [0.99 if size >= reach[seed] else 0.5 for size, seed in pairs],
                     "eval_loss": [0.1] * len(pairs), "recovered": [1] * len(pairs)})
    return runs


@pytest.mark.parametrize("aware,gauss,expected", [
    ([30, 30, 60, 30], [480, 480, 480, 240], "holds"),  # 8-16x fewer samples in every seed
    ([240, 240, 240, 240], [240, 240, 240, 240], "does not hold"),  # the same
    ([30, 480, 30, 480], [480, 30, 480, 30], "not settled"),
])
def test_the_sample_complexity_claim_on_hand_made_curves(aware, gauss, expected):
    assert claims.sample_complexity_claim(sample_runs(aware, gauss), 0.95)["verdict"] == expected


def deep_result(rho: dict[tuple[int, int], list[float]], gap: float) -> dict:
    """Two layers, two sizes, four seeds: rho_mean per (layer, size) and seed; specialised students'
    fan-out ``gap`` above the others'."""
    sizes, seeds = [100, 1000], [0, 1, 2, 3]
    pairs = [(size, seed) for size in sizes for seed in seeds]
    best = [[[rho[(layer, size)][seed]] * 2 for size, seed in pairs] for layer in range(2)]
    use = [[[0.99, 0.3] for _ in pairs] for _ in range(2)]
    fan = [[[0.5 + gap + 0.01 * seed, 0.5] for _, seed in pairs] for _ in range(2)]
    return {"multi": 2, "sizes": [s for s, _ in pairs], "seeds": [s for _, s in pairs],
            "history": [{"best": best, "usefulness": use, "fanout": fan}]}


def test_the_deep_claims_on_hand_made_layers():
    rising = {(0, 100): [0.7, 0.72, 0.71, 0.73], (0, 1000): [0.99, 0.98, 0.99, 0.97],
              (1, 100): [0.4, 0.42, 0.41, 0.43], (1, 1000): [0.9, 0.88, 0.91, 0.89]}
    per_layer, lshape = claims.deep_claims.deep_claims(deep_result(rising, 0.3))
    assert (per_layer["verdict"], lshape["verdict"]) == ("holds", "holds")
    falling = {key: values[::-1] if key[1] == 100 else [v - 0.5 for v in values] for key, values in rising.items()}
    per_layer, lshape = claims.deep_claims.deep_claims(deep_result(falling, -0.3))
    assert lshape["verdict"] == "does not hold"
    no_band = deep_result(rising, 0.3)
    no_band["history"][0]["usefulness"][1] = [[0.5, 0.3]] * 8  # layer 1: no specialised student anywhere
    assert claims.deep_claims.deep_claims(no_band)[1]["verdict"] == "holds partly"
    assert per_layer["verdict"] in ("holds partly", "does not hold")  # falls with data; L0 still ahead


def test_practices_are_graded_by_the_one_grader_with_the_parts_bar():
    every = claims.practices(hand_made({}), MIN_SEEDS)
    assert [p.grade for p in every] == ["strong"] * len(claims.PRACTICES)
    assert [p.grade for p in claims.practices(hand_made({}), MIN_SEEDS - 1)] == ["suggestive"] * len(every)
    graded = claims.practices(hand_made({1: NOT_HOLD, 8: NOT_HOLD, 9: "holds partly"}), MIN_SEEDS)
    by_text = {p.practice.split(":")[0]: p for p in graded}
    assert by_text["After training, prune by fan-out"].grade == "contradicted"  # rests on claims 1 and 8 only
    over = next(p for p in graded if p.practice.startswith("Over-realise"))
    assert over.grade == "mixed"  # claims 3 and 4 hold, claim 9 partly
    assert over.evidence == "claim 3 (holds); claim 4 (holds); claim 9 (holds partly)"
    assert over.claims == (3, 4, 9)
    assert by_text["Train long enough for weak units"].grade == "strong"


def test_every_label_a_claim_names_is_a_section_of_the_parts_notebooks(root):
    sources = [Path(claims.__file__), Path(claims.deep_claims.__file__)]
    labels = set(re.findall(r'"(specialization-[a-z-]+)"', "".join(p.read_text() for p in sources)))
    assert len(labels) >= 7
    markdown = "".join(path.read_text() for path in (root / "notebooks" / "specialization").glob("*.ipynb"))
    assert all(f"({label})=" in markdown for label in labels), labels


def test_verdict_words_are_the_books():
    rows = [claims.deep_claims.batchnorm_claim(batchnorm_runs([n] * 3)) for n in ([6, 9], [9, 6], [4, 2])]
    assert {row["verdict"] for row in rows} <= set(VERDICTS)
