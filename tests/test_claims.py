"""The shared claims module: verdict rules, the practice grader, the row schema, the front page's table."""

from __future__ import annotations

import pytest

from helpers.claims import (
    CONTRADICTED,
    HOLDS,
    MIXED,
    NOT_HOLD,
    NOT_SETTLED,
    PARTLY,
    STRONG,
    SUGGESTIVE,
    Claim,
    ClaimError,
    Practice,
    StatedTest,
    claims_markdown,
    grade,
    grade_from_verdicts,
    read_claims,
    verdict,
    verdict_counts,
    verdict_from_counts,
    write_claims,
)
from helpers.intervals import paired_bootstrap, seed_interval


@pytest.mark.parametrize(("outcomes", "expected"), [
    ([True, True, True], HOLDS),            # every sub-test passes
    ([True, False, None], PARTLY),          # some pass
    ([False, None, None], NOT_HOLD),        # none passes, one fails
    ([None, None], NOT_SETTLED),            # all undecided (ties)
    ([], NOT_SETTLED),                      # nothing was tested
])
def test_verdict_rules(outcomes, expected):
    assert verdict(outcomes) == expected


def test_numpy_booleans_count_as_outcomes():
    import numpy as np

    assert verdict([np.bool_(True), np.bool_(True)]) == HOLDS
    assert grade([np.bool_(False)], seeds=5, min_seeds=3) == CONTRADICTED


def test_counts_read_as_outcomes():
    assert verdict_from_counts(5, 0, 0) == HOLDS
    assert verdict_from_counts(1, 3, 1) == PARTLY
    assert verdict_from_counts(0, 4, 1) == NOT_HOLD
    assert verdict_from_counts(0, 4, 0) == NOT_SETTLED


@pytest.mark.parametrize(("support", "seeds", "expected"), [
    ([True, True, None], 3, STRONG),        # supported, nothing against, enough seeds
    ([True, True], 1, SUGGESTIVE),          # the same on one seed
    ([True, False], 5, MIXED),              # the evidence disagrees
    ([None, None], 5, MIXED),               # nothing settles it
    ([False, None], 5, CONTRADICTED),       # only evidence against
])
def test_grade_rules(support, seeds, expected):
    assert grade(support, seeds, min_seeds=3) == expected


def test_grade_from_claims():
    assert grade_from_verdicts([HOLDS, HOLDS], seeds=4, min_seeds=2) == STRONG
    assert grade_from_verdicts([HOLDS, PARTLY], seeds=4, min_seeds=2) == MIXED  # partly: for and against
    assert grade_from_verdicts([NOT_HOLD], seeds=4, min_seeds=2) == CONTRADICTED
    assert grade_from_verdicts([NOT_SETTLED], seeds=4, min_seeds=2) == MIXED
    with pytest.raises(ClaimError, match="does not hold here"):
        grade_from_verdicts(["does not hold here"], seeds=4, min_seeds=2)


TEST = StatedTest(compared="the coin's heads share vs 0.5", on="3 seeds of 100 tosses",
                  statistic="mean share over seeds, 95 % t-interval", threshold="pass when the interval excludes 0.5",
                  comparisons=1)


def _claim(number: int, verdict_word: str = HOLDS, **changes) -> Claim:
    fields = dict(part="toy", number=number, claim=f"claim {number}", paper="0.5 (quoted)", measured="0.6",
                  verdict=verdict_word, label="toy-section", shown_in="Toy chapter", test=TEST,
                  interval="0.6 [0.5, 0.7] over 3 seeds")
    return Claim(**(fields | changes))


def test_schema_refuses_unknown_words_and_missing_labels():
    with pytest.raises(ClaimError, match="verdict 'mostly'"):
        _claim(1, "mostly")
    with pytest.raises(ClaimError, match="no label"):
        _claim(1, label="")
    with pytest.raises(ClaimError, match="grade 'great'"):
        Practice(part="toy", practice="do it", evidence="e", grade="great")


def test_every_claim_states_its_test_and_its_uncertainty():
    assert _claim(1).test.startswith("Compares the coin's heads share vs 0.5, on 3 seeds of 100 tosses.")
    with pytest.raises(ClaimError, match="must be a StatedTest"):
        _claim(1, test="mean > 0.5")
    with pytest.raises(ClaimError, match="no interval"):
        _claim(1, interval=" ")
    with pytest.raises(ClaimError, match=r"empty \['threshold'\]"):
        StatedTest(compared="a vs b", on="3 seeds", statistic="mean", threshold="", comparisons=1)
    with pytest.raises(ClaimError, match="no correction"):
        StatedTest(compared="a vs b", on="5 tasks", statistic="mean", threshold="> 0", comparisons=5)
    assert "5 comparisons (Holm" in str(StatedTest(compared="a vs b", on="5 tasks", statistic="mean",
                                                    threshold="> 0", comparisons=5, correction="Holm at 5 %"))


def test_written_claims_read_back_and_render_with_links(tmp_path):
    claims = [_claim(1), _claim(2, NOT_HOLD, measured="a | b")]
    practices = [Practice(part="toy", practice="do it", evidence="claim 1", grade=STRONG, claims=(1,))]
    write_claims(tmp_path, claims, practices)
    frame = read_claims(tmp_path)
    assert list(frame["verdict"]) == [HOLDS, NOT_HOLD]
    assert verdict_counts(frame) == {HOLDS: 1, PARTLY: 0, NOT_HOLD: 1, NOT_SETTLED: 0}
    markdown = claims_markdown(frame)
    assert "{ref}`Toy chapter <toy-section>`" in markdown
    assert "a \\| b" in markdown  # a pipe in a cell does not split the table
    assert "the test" in markdown.splitlines()[0]  # the test column is shown when a claim states one
    assert (tmp_path / "results" / "practices.csv").read_text().count("do it") == 1


def test_duplicate_claim_numbers_are_refused(tmp_path):
    with pytest.raises(ClaimError, match=r"duplicate claim numbers \[1\]"):
        write_claims(tmp_path, [_claim(1), _claim(1)])
    assert read_claims(tmp_path) is None  # nothing half-written



def test_the_interval_rule_decides_hand_made_cases():
    """The book's rule on hand-made data: an interval wholly above the threshold passes, one
    wholly below fails, one that straddles it is undecided, and the verdict follows."""
    holds = seed_interval([0.61, 0.63, 0.62, 0.64])            # clearly above 0.5
    fails = seed_interval([0.31, 0.33, 0.30, 0.32])            # clearly below 0.5
    undecided = seed_interval([0.40, 0.62, 0.55, 0.48])        # spread straddles 0.5
    assert [iv.outcome(0.5) for iv in (holds, fails, undecided)] == [True, False, None]
    assert verdict([holds.outcome(0.5)]) == HOLDS
    assert verdict([fails.outcome(0.5)]) == NOT_HOLD
    assert verdict([undecided.outcome(0.5)]) == NOT_SETTLED
    ties = paired_bootstrap([0.5, 0.7, 0.2, 0.9, 0.4, 0.6], [0.6, 0.5, 0.3, 0.8, 0.5, 0.6])
    assert verdict([holds.outcome(0.5), ties.outcome()]) == PARTLY
