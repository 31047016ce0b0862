"""End to end (slow): the ci profile through papermill, then the book build (warnings fail)."""

import json
from pathlib import Path

import pandas as pd
import pytest


@pytest.mark.slow
def test_ci_profile_pipeline_and_book(root, ci_run):
    run_dir = ci_run / "lipost"
    assert (run_dir / "notebooks" / "01_data.ipynb").exists()
    table = pd.read_csv(run_dir / "results" / "metrics.csv")
    assert {"run", "model", "task", "lang", "metric", "value", "n", "seed"} <= set(table.columns)
    main = table[(table["lang"] == "all") & table["metric"].isin(["mrr@10", "label_accuracy"])]
    assert set(main["task"]) >= {"topic", "search", "description", "crosslingual", "bbc_headline"}
    assert main["value"].between(0, 1).all()
    models = set(table[table["run"] == "baseline"]["model"])
    assert models == {"multilingual-e5-small", "all-MiniLM-L6-v2", "all-mpnet-base-v2", "tfidf"}
    assert set(table[table["run"] == "multitask"]["model"]) == {"finetuned-384", "finetuned-50"}
    assert (run_dir / "models" / "finetuned" / "modules.json").exists()
    assert (run_dir / "training" / "multitask" / "train_log.csv").exists()
    html = root / "runs" / "ci" / "book" / "_build" / "html"
    for chapter in ("01_data", "02_baselines", "03_training", "04_ablations", "05_visualizations",
                    "06_best_practices"):
        assert (html / "lipost" / f"{chapter}.html").exists()
    # the ablation grid: every variant's rows under its id, its executed notebook linked from chapter 4
    ablation = table[table["step"] == "04_ablations"]
    assert {"base", "single:topic", "loo:topic", "lang:en-only", "dim:16-matryoshka", "dim:16-projection",
            "sampler:round_robin", "scale:50", "unfrozen:1", "frac:0.5", "untuned"} <= set(ablation["run"])
    assert set(table[table["run"] == "diagnosis"]["model"]) == {"base first-50", "base PCA-50", "tuned PCA-50"}
    assert not list((run_dir / "ablations").glob("*/training/checkpoints"))  # finished variants keep no checkpoints
    page = (html / "lipost" / "04_ablations.html").read_text()  # each variant's record is linked
    for name in ("variant.json", "rows.csv", "train_log.csv"):
        assert f'href="../_static/ablations/single-topic-s13/{name}"' in page
        assert (html / "_static" / "ablations" / "single-topic-s13" / name).exists()
    record = json.loads((run_dir / "ablations" / "single-topic-s13" / "variant.json").read_text())
    assert record["settings"]["tasks"] == ["topic"] and record["settings"]["save_steps"] == 0
    parameters = (html / "parameters.html").read_text()
    assert "grid_fractions" in parameters and "eval_max_rows" in parameters  # read from the notebooks
    environment = (html / "environment.html").read_text()
    assert "Wall time per step" in environment and "04_ablations" in environment
    front = (html / "intro.html").read_text()  # index.html redirects to it
    assert "Ablations, section 1" in front and ("holds" in front or "not settled" in front)
    assert "wins" in front  # the numbers behind each verdict, not only the verdict
    landing = (html / "lipost" / "index.html").read_text()
    assert "Ablations, section 1" in landing and "Part I" in landing


@pytest.mark.slow
def test_ci_book_in_a_real_browser(root, ci_run):
    """Front page and chapters render in headless chromium: no broken image or internal link."""
    from helpers.pipeline.browser import check_book

    html = root / "runs" / "ci" / "book" / "_build" / "html"
    reports = check_book(html)
    assert set(reports) >= {"index.html", "intro.html", "lipost/index.html", "lipost/03_training.html"}
    for report in reports.values():
        assert Path(report["screenshot"]).stat().st_size > 10_000  # a real rendering, not a blank page
