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


def _headline_table(notebook: Path) -> dict[tuple[str, str], float]:
    """{(task, model): value} of the headline table the executed chapter 3 shows."""
    from bs4 import BeautifulSoup

    cells = json.loads(notebook.read_text())["cells"]
    cell = next(c for c in cells if c["cell_type"] == "code" and 'wide(pooled, columns="model")[order]'
                in "".join(c["source"]))
    html = next("".join(o["data"]["text/html"]) for o in cell["outputs"] if "text/html" in o.get("data", {}))
    table = BeautifulSoup(html, "html.parser").find("table")
    models = [th.get_text(strip=True) for th in table.find_all("th", class_="col_heading")]
    values = {}
    for tr in table.find("tbody").find_all("tr"):
        task = tr.find("th").get_text(strip=True)
        for model, td in zip(models, tr.find_all("td"), strict=True):
            values[(task, model)] = float(td.get_text(strip=True))
    return values


@pytest.mark.slow
def test_ci_chapters_show_the_numbers_of_the_run(ci_run):
    """Chapter 3's headline table is the metric rows it comes from, and the claims chapter's
    verdicts are the book's words, each linked to a section of the executed chapter that shows it."""
    from helpers.claims import VERDICTS, read_claims
    from helpers.lipost.report import main_metric_rows

    run_dir = ci_run / "lipost"
    table = pd.read_csv(run_dir / "results" / "metrics.csv")
    manifest = json.loads((run_dir / "data" / "tasks.json").read_text())
    main = main_metric_rows(table[table["run"].isin(["baseline", "multitask"]) & (table["lang"] == "all")],
                            manifest)
    shown = _headline_table(run_dir / "notebooks" / "03_training.ipynb")
    assert ("search", "finetuned-50") in shown and ("topic", "all-mpnet-base-v2") in shown
    for (task, model), value in shown.items():
        row = main[(main["task"] == task) & (main["model"] == model)]
        assert len(row) >= 1 and round(float(row["value"].mean()), 3) == pytest.approx(value), (task, model)
    claims = read_claims(run_dir)
    assert list(claims["number"]) == [1, 2, 3, 4] and set(claims["verdict"]) <= set(VERDICTS)
    for claim in claims.itertuples():
        chapter = "03_training" if claim.number == 4 else "04_ablations"
        cells = json.loads((run_dir / "notebooks" / f"{chapter}.ipynb").read_text())["cells"]
        assert any(f"({claim.label})=" in "".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "wins" in claims.loc[claims["number"] == 1, "measured"].iloc[0]


@pytest.mark.slow
def test_ci_book_in_a_real_browser(root, ci_run):
    """Front page and chapters render in headless chromium: no broken image or internal link."""
    from helpers.pipeline.browser import check_book

    html = root / "runs" / "ci" / "book" / "_build" / "html"
    reports = check_book(html)
    assert set(reports) >= {"index.html", "intro.html", "lipost/index.html", "lipost/03_training.html"}
    for report in reports.values():
        assert Path(report["screenshot"]).stat().st_size > 10_000  # a real rendering, not a blank page
