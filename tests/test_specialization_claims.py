"""Part III's claims and practices on hand-made records: each verdict and each grade is reachable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.claims import NOT_HOLD, VERDICTS, Claim, StatedTest
from helpers.specialization import claims
from helpers.specialization.part import MIN_SEEDS


def batchnorm_runs(negative: list[int], channels: int = 10) -> list[dict]:
    """One BN run whose layers have ``negative`` of ``channels`` shifts below zero."""
    return [{"seed": 1, "negative": negative, "zero": [0] * len(negative), "total": [channels] * len(negative),
             "accuracy": 0.9}]


@pytest.mark.parametrize("negative,expected", [
    ([6, 9], "holds"),  # 75 % below zero, the deep half more so
    ([9, 6], "holds partly"),  # most below zero, but the shallow half more so
    ([4, 2], "does not hold"),  # neither
])
def test_the_batchnorm_claim_on_hand_made_shifts(negative, expected):
    row = claims.batchnorm_claim(batchnorm_runs(negative))
    assert row["verdict"] == expected
    assert f"{sum(negative) / 20:.0%} of β < 0" in row["measured"]
    assert row["label"] == "specialization-batchnorm"


@pytest.mark.parametrize("narrow,wide,expected", [
    ([[0.5, 0.4], [0.6, 0.5]], [[0.9, 0.8], [0.95, 0.85]], "holds"),  # wider, and beyond one std
    ([[0.5], [0.7]], [[0.6], [0.7]], "holds partly"),  # wider on the means, within the spread
    ([[0.9], [0.8]], [[0.5], [0.6]], "does not hold"),  # narrower
])
def test_the_digits_claim_on_hand_made_correlations(narrow, wide, expected):
    row = claims.digits_claim({"rho_mean": {"1": narrow, "2": wide}, "seeds": [1, 2]})
    assert row["verdict"] == expected
    assert "(means over 2 seeds)" in row["measured"]


def hand_made(verdicts: dict[int, str]) -> list[Claim]:
    """Claims 1..8 that hold, but for the verdicts given."""
    return [Claim(part="specialization", number=n, claim=f"claim {n}", paper="p", measured="m",
                  verdict=verdicts.get(n, "holds"), label="specialization-lshape", shown_in="s",
                  test=StatedTest(compared="a vs b", on="2 seeds", statistic="mean", threshold="> 0",
                                  comparisons=1), interval="exact") for n in range(1, 9)]


def test_practices_are_graded_by_the_one_grader_with_the_parts_bar():
    every = claims.practices(hand_made({}), MIN_SEEDS)
    assert [p.grade for p in every] == ["strong"] * len(claims.PRACTICES)
    assert [p.grade for p in claims.practices(hand_made({}), MIN_SEEDS - 1)] == ["suggestive"] * len(every)
    graded = claims.practices(hand_made({1: NOT_HOLD, 7: NOT_HOLD, 8: "holds partly"}), MIN_SEEDS)
    by_text = {p.practice.split(":")[0]: p for p in graded}
    assert by_text["After training, prune by fan-out"].grade == "contradicted"  # rests on claims 1 and 7 only
    assert by_text["Over-realise"].grade == "mixed"  # claim 2 holds, claim 8 partly
    assert by_text["Over-realise"].evidence == "claim 2 (holds); claim 8 (holds partly)"
    assert by_text["Over-realise"].claims == (2, 8)
    assert by_text["Train long enough for weak units"].grade == "strong"


def test_every_label_a_claim_names_is_a_section_of_the_parts_notebooks(root):
    labels = set(re.findall(r'"(specialization-[a-z-]+)"', Path(claims.__file__).read_text()))
    assert len(labels) >= 7
    markdown = "".join(path.read_text() for path in (root / "notebooks" / "specialization").glob("*.ipynb"))
    assert all(f"({label})=" in markdown for label in labels), labels


def test_verdict_words_are_the_books():
    rows = [claims.batchnorm_claim(batchnorm_runs(negative)) for negative in ([6, 9], [9, 6], [4, 2])]
    assert {row["verdict"] for row in rows} <= set(VERDICTS)
