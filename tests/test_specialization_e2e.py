"""End to end (slow): Part III's notebooks on the ci profile through the pipeline; results and claims present."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.mark.slow
def test_ci_specialization_part(ci_run):
    run_dir = ci_run / "specialization"
    for step in ("01_two_layer", "02_deep_and_real_data", "03_best_practices"):
        assert (run_dir / "notebooks" / f"{step}.ipynb").exists()
    table = pd.read_csv(run_dir / "results" / "metrics.csv")
    assert {"run", "model", "task", "lang", "metric", "value", "n", "seed"} <= set(table.columns)
    assert set(table["task"]) == {"two-layer", "sample-complexity", "deep", "digits", "batchnorm"}
    assert {"recovery_rate", "best_corr_mean", "fanout_unspecialised", "eval_loss"} <= set(table["metric"])
    corr = table[table["metric"] == "best_corr_mean"]["value"]
    assert corr.between(-1, 1).all()
    two_layer = table[(table["task"] == "two-layer") & (table["metric"] == "recovery_rate")]
    assert set(two_layer["model"]) == {"1x", "5x"} and (two_layer["value"] > 0).any()
    claims = pd.read_csv(run_dir / "results" / "claims.csv")
    assert len(claims) == 9
    assert set(claims["verdict"]) <= {"holds", "holds partly", "does not hold here"}
    assert claims["measured here"].str.contains(r"\d").all()  # the numbers behind each verdict
    html = ci_run / "book" / "_build" / "html" / "specialization"
    for page in ("index", "01_two_layer", "02_deep_and_real_data", "03_best_practices"):
        assert (html / f"{page}.html").exists(), f"Part III's {page} page is not in the ci book"
    assert "measured here" in (html / "index.html").read_text()  # the landing page shows its claims table
