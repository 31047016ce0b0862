"""End to end (slow): Part III's notebooks on the ci profile through the pipeline; results and claims present."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest


@pytest.mark.slow
def test_ci_specialization_part(root, tmp_path):
    repo = tmp_path / "repo"  # a copy, so the test neither reads nor clobbers a run in the working tree
    for folder in ("notebooks/specialization", "params", "src"):
        shutil.copytree(root / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "requirements.lock", repo / "requirements.lock")
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    proc = subprocess.run([sys.executable, "-m", "helpers.pipeline", "run", "--profile", "ci", "--part",
                           "specialization"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    run_dir = repo / "runs" / "ci" / "specialization"
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
