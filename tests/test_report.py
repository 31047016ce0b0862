import pandas as pd

from helpers.evaluation.report import claim_verdict, win_table, wins

POOLED = pd.DataFrame([
    {"task": "a", "model": "ft", "value": 0.9}, {"task": "a", "model": "gen", "value": 0.8},
    {"task": "b", "model": "ft", "value": 0.5}, {"task": "b", "model": "gen", "value": 0.5},
    {"task": "c", "model": "ft", "value": 0.4},
])


def test_wins_are_strict_and_skip_missing_rows():
    assert wins(POOLED, "ft", "gen", ["a", "b", "c"]) == ["a"]  # tie on b is no win; c has no rival
    assert wins(POOLED, "gen", "ft", ["a", "b"]) == []


def test_verdict_and_table():
    assert claim_verdict(2, 2) == "holds" and claim_verdict(1, 2) == "holds partly"
    assert claim_verdict(0, 2) == "does not hold"
    table = win_table(POOLED, [("ft", "gen")], ["a", "b"])
    assert table["ft > gen"].tolist() == [True, False]
