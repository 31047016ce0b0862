"""Part I's contract with the pipeline, and what it adds to the environment appendix."""

import json

import pytest

from helpers.config import StepRules
from helpers.lipost import appendix
from helpers.lipost.part import PART
from helpers.lipost.sweep.records import static_files, variant_seconds
from helpers.pipeline.contract import ContractError, PartContract


def test_part_fulfils_the_contract(root):
    assert isinstance(PART, PartContract) and PART.name == "lipost"
    assert PART.claims_step == list(PART.steps)[-1]
    for step in PART.steps:
        assert (root / "notebooks" / "lipost" / f"{step}.ipynb").is_file(), step
        assert isinstance(PART.rules(step), StepRules)
    with pytest.raises(ContractError, match="no step"):
        PART.rules("07_serving")
    assert PART.min_seeds == 2


def test_every_default_passes_its_own_rule():
    for step in PART.steps:
        rules = PART.rules(step)
        for name, value in rules.defaults.items():
            assert rules.rules[name].check(value), (step, name, value)
    assert PART.rules("03_training").defaults["eval_max_seq_length"] == PART.rules("03_training").defaults[
        "max_seq_length"]  # one text length: the training's


def _run(tmp_path, variants=(("base-s13", 60.0), ("single-topic-s13", 30.0))):
    (tmp_path / "steps").mkdir()
    for step, seconds in (("01_data", 100.0), ("04_ablations", 20.0)):
        (tmp_path / "steps" / f"{step}.json").write_text(json.dumps({"step": step, "seconds": seconds}))
    for slug, seconds in variants:
        folder = tmp_path / "ablations" / slug
        (folder / "training").mkdir(parents=True)
        (folder / "variant.json").write_text(json.dumps({"seconds": seconds}))
        (folder / "rows.csv").write_text("x\n")
        (folder / "training" / "train_log.csv").write_text("x\n")
    (tmp_path / "ablations" / "unfinished-s13").mkdir(parents=True)  # no variant.json: not counted
    return tmp_path


def test_step_seconds_counts_the_grid_by_its_variants(tmp_path):
    seconds = appendix.step_seconds(_run(tmp_path))
    assert seconds == {"01_data": 100.0, appendix.VARIANTS_NAME: 90.0}
    assert variant_seconds(tmp_path) == (2, 90.0)
    assert "its 2 variants' own run times add up to 1.5 min" in appendix.variants_note(tmp_path)


def test_step_seconds_without_variants_are_the_records(tmp_path):
    assert appendix.step_seconds(_run(tmp_path, variants=())) == {"01_data": 100.0, "04_ablations": 20.0}
    assert appendix.variants_note(tmp_path) == ""


def test_static_files_are_the_finished_variants_records(tmp_path):
    files = static_files(_run(tmp_path))
    targets = [target for _, target in files]
    assert "ablations/base-s13/variant.json" in targets and "ablations/base-s13/train_log.csv" in targets
    assert not any("unfinished" in t or "summary.json" in t for t in targets)  # summary.json was not written


def test_budget_lines_read_the_parameters_the_steps_ran_with():
    lines = appendix.budget_lines({"01_data": {"max_test_per_lang": 40},
                                   "03_training": {"max_seq_length": 48, "steps": 320, "batch_size": 32,
                                                   "freeze_layers": 8},
                                   "04_ablations": {"freeze_layers": 11, "dropout": 0.0, "steps": 40,
                                                    "batch_size": 16, "eval_max_rows": 150}})
    assert lines[0].startswith("- test splits: at most 40 held-out articles per language")
    assert "first 48 tokens in training and 48 in evaluation" in lines[1]
    assert "320 steps of 32 pairs, the bottom 8 layers frozen" in lines[2]
    assert "bottom 11 layers frozen, dropout 0, 40 steps of 16 pairs, scored on 150 test rows" in lines[3]
    assert appendix.budget_lines({}) == []


FIGURES = {"matmul_peak_gflops": 100.0, "train_gflops": 25.0, "train_fraction_of_peak": 0.25,
           "train": {"random": {"padding_share": 0.5, "sec_per_step_median": 2.0},
                     "grouped": {"padding_share": 0.1, "sec_per_step_median": 1.0}},
           "encode": {"book_encoder_warm_cache_texts_per_s": 300.0, "book_encoder_cold_cache_texts_per_s": 100.0}}


def test_bench_rows_show_the_figures():
    rows = dict(appendix.bench_rows(FIGURES))
    assert rows["training, fraction of peak"] == "25%"
    assert rows["training, random batches: padding share / s per step"] == "50% / 2.00"
    assert rows["encoding: book encoder warm cache texts per s"] == "300.0"


def test_levers_show_each_gain_measured_or_not():
    table = appendix.levers(FIGURES)
    gains = dict(zip(table["lever"].str[:20], table["measured gain (last `make bench`)"], strict=True))
    assert gains["Frozen-prefix cache "].endswith("3.00x")
    assert gains["Length-grouped batch"] == "s/step random vs grouped: 2.00x (padding 50% -> 10%)"
    assert "not measured" in appendix.levers({})["measured gain (last `make bench`)"].iloc[0]
    assert appendix.levers_markdown(FIGURES).startswith("Part I's speed levers")
