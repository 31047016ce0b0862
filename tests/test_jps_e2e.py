"""End to end (slow): Part II's notebooks on the ci profile through the pipeline, checked for content:
the main table's numbers are the means of their metrics rows, the claims use the book's verdict
words and point at sections that exist."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from helpers.claims import GRADES, PRACTICES_FILE, VERDICTS, read_claims
from helpers.intervals import seed_interval
from helpers.jps import paper_check
from helpers.jps.paper import GAME_LABELS
from helpers.jps.part import PART

READINGS = {paper_check.WITHIN, paper_check.HIGHER, paper_check.LOWER, paper_check.UNDECIDED}


class _Table(HTMLParser):
    """The first HTML table of a DataFrame's output: its column titles and {row title: [cells]}."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: dict[str, list[str]] = {}
        self._row: list[str] | None = None
        self._in_head = False
        self._text: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._text = ""

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._row is not None:
            self._row.append(self._text.strip())
            self._text = None
        elif tag == "tr" and self._row:
            if self._in_head:
                self.columns = self._row[1:]
            else:
                self.rows[self._row[0]] = self._row[1:]
            self._row = None
        elif tag == "thead":
            self._in_head = False


def cell_table(notebook: Path, call: str) -> _Table:
    """The HTML table the code cell containing ``call`` displays in an executed notebook."""
    cells = json.loads(notebook.read_text())["cells"]
    (cell,) = [c for c in cells if c["cell_type"] == "code" and call in "".join(c["source"])]
    (html,) = ["".join(o["data"]["text/html"]) for o in cell["outputs"] if "text/html" in o.get("data", {})]
    table = _Table()
    table.feed(html)
    return table


def labels(notebook: Path) -> set[str]:
    """The MyST labels ``(name)=`` of a notebook's markdown."""
    cells = json.loads(notebook.read_text())["cells"]
    return {m for c in cells if c["cell_type"] == "markdown" for m in re.findall(r"^\((\S+)\)=$",
                                                                                  "".join(c["source"]), re.M)}


def check_run(run_dir: Path) -> None:
    """Part II's run folder: every step ran, its numbers agree with each other, its claims are well formed."""
    notebooks = {step: run_dir / "notebooks" / f"{step}.ipynb" for step in PART.steps}
    assert all(path.exists() for path in notebooks.values())
    table = pd.read_csv(run_dir / "results" / "metrics.csv")
    main = table[(table["step"] == "02_joint_policy_search") & (table["metric"] == "expected_value")]
    assert {"cfr1k", "cfr1k+jps", "openspiel-cfr"} <= set(main["model"])
    pivot = main[main["model"].isin(["cfr1k", "cfr1k+jps"])].pivot_table(index=["task", "seed"], columns="model",
                                                                         values="value")
    assert (pivot["cfr1k+jps"] >= pivot["cfr1k"] - 1e-9).all()  # JPS never worsens a seed

    shown = cell_table(notebooks["02_joint_policy_search"], "report.main_table(")
    games = sorted(set(pivot.index.get_level_values("task")))
    assert set(shown.columns) == {GAME_LABELS[g] for g in games}
    for model, title in (("cfr1k", "CFR1k (ours)"), ("cfr1k+jps", "CFR1k+JPS (ours)")):
        for game in games:
            values = pivot.loc[game, model]
            cell = shown.rows[f"{title}: mean [95 % t-interval]"][shown.columns.index(GAME_LABELS[game])]
            assert cell == seed_interval(values.to_numpy()).format(3), (model, game)
    check = cell_table(notebooks["02_joint_policy_search"], "paper_check.paper_check(")
    assert check.rows and all(row[-1] in READINGS for row in check.rows.values())  # every cell read by the test

    claims = read_claims(run_dir)
    assert claims is not None and claims["number"].tolist() == [1, 2, 3]
    assert set(claims["verdict"]) <= set(VERDICTS)
    assert claims.loc[0, "verdict"] == "holds"  # the guarantee holds on every run
    assert all(claims["test"].str.startswith("Compares ")) and all(claims["interval"].str.len() > 0)
    sections = set().union(*(labels(path) for path in notebooks.values()))
    assert set(claims["label"]) <= sections, set(claims["label"]) - sections
    practices = pd.read_csv(run_dir / PRACTICES_FILE, keep_default_na=False)
    assert len(practices) >= 2 and set(practices["grade"]) <= set(GRADES)
    assert {folder.name for folder in (run_dir / "sweeps").iterdir()} <= set(PART.sweeps)


@pytest.mark.slow
def test_ci_profile_jps_part(ci_run):
    check_run(ci_run / "jps")
    html = ci_run / "book" / "_build" / "html" / "jps"
    for page in ("index", *PART.steps):
        assert (html / f"{page}.html").exists(), f"Part II's {page} page is not in the ci book"
    assert "measured here" in (html / "index.html").read_text()  # the landing page shows its claims table
