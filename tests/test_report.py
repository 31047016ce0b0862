import pandas as pd

from helpers.lipost.report import win_table, wins

POOLED = pd.DataFrame([
    {"task": "a", "model": "ft", "value": 0.9}, {"task": "a", "model": "gen", "value": 0.8},
    {"task": "b", "model": "ft", "value": 0.5}, {"task": "b", "model": "gen", "value": 0.5},
    {"task": "c", "model": "ft", "value": 0.4},
])


def test_wins_are_strict_and_skip_missing_rows():
    assert wins(POOLED, "ft", "gen", ["a", "b", "c"]) == ["a"]  # tie on b is no win; c has no rival
    assert wins(POOLED, "gen", "ft", ["a", "b"]) == []


def test_win_table_marks_strict_wins():
    table = win_table(POOLED, [("ft", "gen")], ["a", "b"])
    assert table["ft > gen"].tolist() == [True, False]


def test_bottleneck_finding_reads_the_compression_table():
    import pandas as pd

    from helpers.lipost.report import bottleneck_finding

    table = pd.DataFrame({"base 384": [0.8, 0.5], "base first-50": [0.4, 0.2], "base PCA-50": [0.6, 0.3],
                          "tuned 384": [0.9, 0.6], "tuned first-50 (Matryoshka)": [0.8, 0.45],
                          "tuned PCA-50": [0.7, 0.5]}, index=["description", "search"])
    found = bottleneck_finding(table, 384, 50)
    assert found["base_pca_loss"] == "0.200" and found["base_worst"] == "description"
    assert found["mat_vs_pca"] == "above" and "the size itself" in found["reading"]
    assert found["tuned_gap"] == "0.125"
    table["tuned PCA-50"] = [0.9, 0.6]
    assert bottleneck_finding(table, 384, 50)["mat_vs_pca"] == "below"
