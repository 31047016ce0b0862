"""Part I's claims and practices on hand-made rows: the verdicts, the grades, the labels."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers.claims import GRADES, VERDICTS, claim_frame
from helpers.lipost import claims as C
from helpers.lipost import comparisons as CMP
from helpers.lipost.evaluation.units import Side

MANIFEST = {"topic": {"kind": "label", "in_domain": True}, "search": {"kind": "retrieval", "in_domain": True},
            "cross": {"kind": "retrieval", "in_domain": True}, "bbc": {"kind": "retrieval", "in_domain": False}}


UNITS = 150
RNG = np.random.default_rng(0)
REFERENCE = {task: RNG.uniform(0.2, 0.6, UNITS) for task in ("topic", "search", "cross", "bbc")}
"""Each task's per-unit scores of a reference model; the others are shifts of it."""


def _row(run, seed, task, lang, value, step="04_ablations", model="finetuned-384"):
    metric = "label_accuracy" if task == "topic" else "mrr@10"
    return {"step": step, "run": run, "seed": seed, "model": model, "task": task, "lang": lang, "metric": metric,
            "value": value, "n": UNITS}


def _units(run, task, lang, shift, seeds=(1, 2), model="finetuned-384", noise=0.0):
    """Per-unit scores of ``run``: the task's reference shifted by ``shift`` (per seed, plus
    zero-mean noise), so a paired difference of ``shift`` is what the test must find."""
    metric = "label_correct" if task == "topic" else "rr@10"
    out = []
    for seed in seeds:
        jitter = np.random.default_rng(seed).normal(0, noise, UNITS) if noise else np.zeros(UNITS)
        values = REFERENCE[task] + shift + (jitter - jitter.mean())
        out += [{"model": model, "task": task, "lang": lang, "metric": metric, "unit": i, "value": float(v),
                 "run": run, "seed": seed} for i, v in enumerate(values)]
    return out


def _both(run, task, lang, value, shift, **kw):
    return [_row(run, s, task, lang, value) for s in (1, 2)], _units(run, task, lang, shift, **kw)


def _data() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, units = [], []

    def add(run, task, lang, shift, **kw):
        r, u = _both(run, task, lang, 0.4 + shift, shift, **kw)
        rows.extend(r)
        units.extend(u)

    for task in ("topic", "search"):  # claim 1 MUST HOLD: the multi-task model beats each single-task by 0.1
        add("base", task, "en", 0.1)
        add(f"single:{task}", task, "en", 0.0)
        add(f"loo:{task}", task, "en", -0.1)  # claim 2 MUST NOT HOLD: the left-out model loses by 0.1
        add("untuned", task, "en", 0.0, seeds=(1,), model="untuned-384")
    add("base", "bbc", "en", -0.2)
    add("untuned", "bbc", "en", 0.0, seeds=(1,), model="untuned-384")
    for run in ("base", "lang:en-only"):  # claim 3 UNDECIDED: the same mean, noise only
        add(run, "cross", "es", 0.0, noise=0.3)
    for run in ("base", "lang:no-crosslingual"):
        add(run, "cross", "en-fr", 0.0, noise=0.3)
    # claim 4 HOLDS PARTLY: the 50-d model beats the general-purpose model on topic, loses on search
    for task, shift in (("topic", 0.1), ("search", -0.1)):
        for seed in (13, 14, 15):
            rows.append(_row("multitask", seed, task, "all", 0.4 + shift, step="03_training", model="finetuned-50"))
        units.extend(_units("multitask", task, "en", shift, seeds=(13, 14, 15), model="finetuned-50", noise=0.05))
        rows.append(_row("baseline", 13, task, "all", 0.4, step="02_baselines", model="all-mpnet-base-v2"))
        units.extend(_units("baseline", task, "en", 0.0, seeds=(13,), model="all-mpnet-base-v2"))
    return pd.DataFrame(rows), pd.DataFrame(units)


def _inputs(n_seeds: int = 2, questions=("transfer", "multilingual")) -> C.Inputs:
    variants = [SimpleNamespace(question=q, run=f"{q}-run", eval_dims=(384,), overrides={}) for q in questions]
    rows, units = _data()
    return C.Inputs(rows=rows, manifest=MANIFEST, tasks=["topic", "search", "cross"], probed=["topic", "search"],
                    full=384, small=50, n_seeds=n_seeds, summaries=pd.DataFrame(), variants=variants, n_layers=12,
                    base={"freeze_layers": 8, "max_pairs_per_task": 0}, units=units, headline_seeds=[13, 14, 15])


def test_a_clear_win_on_every_task_holds():
    rows = {c.number: c for c in C.claim_rows(_inputs())}
    assert rows[1].verdict == "holds" and "2 wins, 0 ties, 0 losses" in rows[1].measured
    assert "topic: 0.100 [" in rows[1].interval and "(win)" in rows[1].interval


def test_a_clear_loss_does_not_hold():
    rows = {c.number: c for c in C.claim_rows(_inputs())}
    assert rows[2].verdict == "does not hold" and "0 wins, 0 ties, 3 losses" in rows[2].measured
    assert "never trained on: bbc: -0.200" in rows[2].interval


def test_noise_without_a_difference_is_not_settled():
    rows = {c.number: c for c in C.claim_rows(_inputs())}
    assert rows[3].verdict == "not settled" and "0 wins, 2 ties, 0 losses" in rows[3].measured
    assert "(tie)" in rows[3].interval


def test_a_win_and_a_loss_hold_partly_over_the_headline_seeds():
    row = {c.number: c for c in C.claim_rows(_inputs())}[4]
    assert row.verdict == "holds partly" and "(3 seed(s))" in row.measured
    assert "3 seeds" in row.test or "3 seed(s)" in row.test


def test_every_claim_states_its_test_with_holm_when_it_spans_several_comparisons():
    for claim in C.claim_rows(_inputs()):
        assert claim.test.startswith("Compares ") and "Holm" in claim.test
        assert "paired-bootstrap" in claim.test and claim.interval


def test_a_win_needs_the_whole_holm_decided_interval_above_zero():
    # a small shift under heavy noise on few units: the point estimate is positive, the test undecided
    units = pd.DataFrame(_units("a", "search", "all", 0.01, seeds=(1,), noise=0.4)
                         + _units("b", "search", "all", 0.0, seeds=(1,)))
    frame = CMP.models_vs(units, MANIFEST, [(Side("a", "finetuned-384"), Side("b", "finetuned-384"))], ["search"])
    assert frame["outcome (Holm)"].tolist() == ["tie"] and C.family_verdict(frame) == "not settled"


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
