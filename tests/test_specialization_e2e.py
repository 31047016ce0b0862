"""End to end (slow): Part III's notebooks on the ci profile through the pipeline; the claim
table's numbers are the metrics', its words the book's, its labels sections of the chapters."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.claims import GRADES, VERDICTS, read_claims
from helpers.specialization.part import PART


def check_part_run(run_dir: Path) -> None:
    """The content of a finished ci run of Part III (its run folder)."""
    for step in PART.steps:
        assert (run_dir / "notebooks" / f"{step}.ipynb").exists()
    assert {path.name for path in (run_dir / "sweeps").iterdir()} == set(PART.sweeps)
    table = pd.read_csv(run_dir / "results" / "metrics.csv")
    assert set(table["task"]) == {"two-layer", "sample-complexity", "deep", "digits", "batchnorm"}
    assert table[table["metric"] == "best_corr_mean"]["value"].between(-1, 1).all()
    claims = read_claims(run_dir)
    assert list(claims["number"]) == list(range(1, 11))
    assert set(claims["verdict"]) <= set(VERDICTS)
    # claim 10's share of BN shifts below zero is the metric rows' share, mean over seeds
    bn = table[(table["task"] == "batchnorm") & (table["metric"] == "beta_negative_share")]
    assert f"share of β < 0 per seed {bn['value'].mean():.2f} [" in claims.loc[claims["number"] == 10,
                                                                                 "measured"].item()
    # claim 4's log10 losses are the metric rows' final eval losses, mean over seeds
    loss = table[(table["task"] == "two-layer") & (table["metric"] == "eval_loss")].copy()
    loss["log10"] = np.log10(loss["value"])
    narrow = loss[loss["model"] == "1x"].groupby("run")["log10"].mean()
    measured = claims.loc[claims["number"] == 4, "measured"].item()
    assert all(f"1x {value:.2f} [" in measured for value in narrow), (narrow, measured)
    assert claims["test"].str.startswith("Compares ").all() and claims["interval"].str.len().all()
    markdown = "".join("".join(cell["source"]) for step in PART.steps
                       for cell in json.loads((run_dir / "notebooks" / f"{step}.ipynb").read_text())["cells"]
                       if cell["cell_type"] == "markdown")
    assert all(f"({label})=" in markdown for label in claims["label"]), set(claims["label"])
    practices = pd.read_csv(run_dir / "results" / "practices.csv", keep_default_na=False)
    assert len(practices) == 6 and set(practices["grade"]) <= set(GRADES)
    assert all(f"claim {n} ({claims.loc[claims['number'] == int(n), 'verdict'].item()})" in evidence
               for numbers, evidence in zip(practices["claims"], practices["evidence"], strict=True)
               for n in str(numbers).split())


@pytest.mark.slow
def test_ci_specialization_part(ci_run):
    check_part_run(ci_run / "specialization")
    html = ci_run / "book" / "_build" / "html" / "specialization"
    for page in ("index", *PART.steps):
        assert (html / f"{page}.html").exists(), f"Part III's {page} page is not in the ci book"
