"""Part I's claims and practices on hand-made rows: the verdicts, the grades, the labels."""

from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.claims import GRADES, VERDICTS, claim_frame
from helpers.lipost import claims as C

MANIFEST = {"topic": {"kind": "label", "in_domain": True}, "search": {"kind": "retrieval", "in_domain": True},
            "bbc": {"kind": "retrieval", "in_domain": False}}


def _row(run, seed, task, lang, value, step="04_ablations", model="finetuned-384"):
    metric = "label_accuracy" if task == "topic" else "mrr@10"
    return {"step": step, "run": run, "seed": seed, "model": model, "task": task, "lang": lang, "metric": metric,
            "value": value, "n": 10}


def _two_seeds(run, task, lang, value):
    """The same cell on seeds 1 and 2, 0.01 apart: a spread of about 0.007 per run."""
    return [_row(run, 1, task, lang, value), _row(run, 2, task, lang, value + 0.01)]


def _rows() -> pd.DataFrame:
    rows = []
    for task in ("topic", "search"):  # claim 1: the multi-task model beats each single-task model by 0.1
        rows += _two_seeds("base", task, "all", 0.6) + _two_seeds(f"single:{task}", task, "all", 0.5)
        rows += _two_seeds(f"loo:{task}", task, "all", 0.3)  # claim 2: left out loses to the un-tuned 0.4
        rows += _two_seeds("untuned", task, "all", 0.4)
    rows += _two_seeds("base", "bbc", "all", 0.2) + _two_seeds("untuned", "bbc", "all", 0.4)
    for run in ("base", "lang:en-only"):  # claim 3: every language cell a tie
        rows += _two_seeds(run, "search", "es", 0.5)
    for run in ("base", "lang:no-crosslingual"):
        rows += _two_seeds(run, "search", "en-fr", 0.5)
    # claim 4: the 50-d model beats the general-purpose model on topic, not on search
    for task, small, general in (("topic", 0.7, 0.6), ("search", 0.4, 0.5)):
        rows.append(_row("multitask", 13, task, "all", small, step="03_training", model="finetuned-50"))
        rows.append(_row("baseline", 13, task, "all", general, step="02_baselines", model="all-mpnet-base-v2"))
    return pd.DataFrame(rows)


def _inputs(n_seeds: int = 2, questions=("transfer", "multilingual")) -> C.Inputs:
    variants = [SimpleNamespace(question=q, run=f"{q}-run", eval_dims=(384,), overrides={}) for q in questions]
    return C.Inputs(rows=_rows(), manifest=MANIFEST, tasks=["topic", "search"], probed=["topic", "search"],
                    full=384, small=50, n_seeds=n_seeds, summaries=pd.DataFrame(), variants=variants, n_layers=12,
                    base={"freeze_layers": 8, "max_pairs_per_task": 0})


def test_each_claim_gets_the_verdict_its_tally_gives():
    rows = {c.number: c for c in C.claim_rows(_inputs())}
    assert rows[1].verdict == "holds" and "2 wins, 0 ties, 0 losses" in rows[1].measured
    assert rows[2].verdict == "does not hold"
    assert "left-out task vs un-tuned model: 0 wins, 0 ties, 2 losses" in rows[2].measured
    assert "BBC (never trained on): 0 wins, 0 ties, 1 losses" in rows[2].measured
    assert rows[3].verdict == "not settled" and "1 ties" in rows[3].measured
    assert rows[4].verdict == "holds partly" and "better on 1 of 2 in-domain tasks" in rows[4].measured
    assert "mean of 2 seeds" in rows[1].measured


def test_claim_rows_fit_the_shared_schema():
    rows = C.claim_rows(_inputs())
    frame = claim_frame(rows)
    assert list(frame["number"]) == [1, 2, 3, 4]
    assert set(frame["verdict"]) <= set(VERDICTS) and (frame["part"] == "lipost").all()
    assert [c.label for c in rows] == [C.SHOWN_IN[n][0] for n in (1, 2, 3, 4)]


def test_headline_verdict_counts_a_task_not_won_as_lost():
    assert C.headline_verdict(3, 3) == "holds"
    assert C.headline_verdict(1, 3) == "holds partly"
    assert C.headline_verdict(0, 3) == "does not hold"


def test_support_follows_the_wording_of_the_practice():
    counts = {"win": 1, "tie": 1, "loss": 2}
    assert C.support(counts) == [True, None, False, False]
    assert C.support(counts, favoured=False) == [False, None, True, True]


def test_practices_are_graded_by_the_shared_grader():
    rows = C.practice_rows(_inputs())
    assert [p.claims for p in rows] == [(1,), (3,)]
    transfer, multilingual = rows
    assert transfer.practice.startswith("Train the tasks together") and transfer.grade == "strong"
    assert "did not clearly beat" in multilingual.practice and multilingual.grade == "mixed"  # ties settle nothing
    assert all(p.grade in GRADES for p in rows)


def test_one_seed_makes_a_supported_practice_only_suggestive():
    transfer = C.practice_rows(_inputs(n_seeds=1, questions=("transfer",)))[0]
    assert transfer.grade == "suggestive"


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_every_claim_label_is_a_section_of_the_chapter_that_shows_it(root, number):
    import json

    label, shown_in = C.SHOWN_IN[number]
    chapter = "03_training" if shown_in.startswith("Multi-task") else "04_ablations"
    nb = json.loads((root / "notebooks" / "lipost" / f"{chapter}.ipynb").read_text())
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert f"({label})=" in markdown
