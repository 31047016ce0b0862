"""Part III's contract: every step has a notebook and rules, the claims step writes the claims,
each sweep is run by its step, the bench reads the parameters a step ran with."""

from __future__ import annotations

import json

import pytest

from helpers.deps import notebook_code
from helpers.pipeline.contract import PartContract
from helpers.pipeline.parameters import declared_parameters
from helpers.pipeline.parts import load, notebook_path
from helpers.specialization import bench, claims
from helpers.specialization.part import MIN_SEEDS, PART, budget_lines


def test_the_part_fulfils_the_contract(root):
    assert isinstance(PART, PartContract)
    assert load(PART.name) is PART  # the pipeline finds it by name
    for step in PART.steps:
        source = notebook_path(root, PART.name, step)
        assert source.is_file(), step
        assert set(PART.rules(step).rules) == set(declared_parameters(source))
    assert "write_claims(" in notebook_code(notebook_path(root, PART.name, PART.claims_step))
    for folder, step in PART.sweeps.items():  # the step's notebook fills that folder
        assert f'sweep.run(jobs, RUN, "{folder}"' in notebook_code(notebook_path(root, PART.name, step)), folder
    assert PART.min_seeds == MIN_SEEDS == claims.MIN_SEEDS
    assert (root / "book" / PART.name / "index.md").is_file()


def test_the_bench_reads_the_parameters_the_step_ran_with(tmp_path):
    with pytest.raises(bench.BenchError, match="run the profile first"):
        bench.step_params("ci", tmp_path)
    record = tmp_path / "runs" / "ci" / "specialization" / "steps" / f"{bench.STEP}.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"params": {"teacher_nodes": 3, "multis": [1, 4]}}))  # e.g. set by `shared:`
    assert bench.step_params("ci", tmp_path) == {"teacher_nodes": 3, "multis": [1, 4]}


def test_bench_rows_and_budget_lines_come_from_the_figures_and_parameters():
    figures = {"seeds": 2, "widths": {"1x": {"batched_seed_steps_per_s": 2000.0, "plain_seed_steps_per_s": 500.0,
                                             "speedup": 4.0, "same_weights": True}}, "speedup_geomean": 4.0}
    rows = PART.bench_rows(figures)
    assert rows[0][1] == "2,000 vs 500 seed-steps/s (4.0x; same weights: True)"
    assert rows[-1][1] == "4.0x"
    figures["widths"]["1x"] |= {"single_seed_steps_per_s": 1000.0, "batching_alone": 2.0}
    figures["batching_geomean"] = 2.0
    rows = dict(PART.bench_rows(figures))  # both ratios, each naming what it compares
    alone = next(key for key in rows if "batching alone (the written-out step" in key)
    assert rows[alone] == "2,000 vs 1,000 seed-steps/s (2.0x)"
    assert rows["Part III, batching alone, geometric mean over widths"] == "2.0x"
    assert rows["Part III, batching and no autograd, geometric mean over widths"] == "4.0x"
    lines = budget_lines({"01_two_layer": {"n_seeds": 3, "epochs": 7, "steps_per_epoch": 1000},
                          "02_deep_and_real_data": {"n_seeds": 2, "deep_steps": 4000, "deep_sizes": [500, 32000]}})
    assert "3 seeds and 7 epochs of 1,000 SGD steps" in lines[0]
    assert "up to 32,000 samples" in lines[1]
    assert budget_lines({}) == []
