"""End to end (slow): Part II's notebooks on the ci profile through the pipeline."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.mark.slow
def test_ci_profile_jps_part(ci_run):
    run_dir = ci_run / "jps"
    for step in ("01_games", "02_joint_policy_search", "03_best_practices"):
        assert (run_dir / "notebooks" / f"{step}.ipynb").exists()
    table = pd.read_csv(run_dir / "results" / "metrics.csv")
    main = table[(table["step"] == "02_joint_policy_search") & (table["metric"] == "expected_value")]
    assert {"cfr1k", "cfr1k+jps", "openspiel-cfr"} <= set(main["model"])
    assert {"mini-hanabi", "comm-3", "bidding-4"} <= set(main["task"])
    pivot = main[main["model"].isin(["cfr1k", "cfr1k+jps"])].pivot_table(index=["task", "seed"], columns="model",
                                                                         values="value")
    assert (pivot["cfr1k+jps"] >= pivot["cfr1k"] - 1e-9).all()  # JPS never worsens a seed
    claims = pd.read_csv(run_dir / "results" / "claims.csv")
    assert list(claims.columns) == ["number", "claim", "the paper reports", "measured here", "verdict", "shown in"]
    assert claims.loc[0, "verdict"] == "holds"
    html = ci_run / "book" / "_build" / "html" / "jps"
    for page in ("index", "01_games", "02_joint_policy_search", "03_best_practices"):
        assert (html / f"{page}.html").exists(), f"Part II's {page} page is not in the ci book"
    assert "measured here" in (html / "index.html").read_text()  # the landing page shows its claims table
