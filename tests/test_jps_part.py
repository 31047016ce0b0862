"""Part II's contract with the pipeline: every step has its notebook and rules, the claims
step and the sweeps name steps the part has, and the part reads as the pipeline expects."""

from __future__ import annotations

import json

import pytest

from helpers.config import StepRules
from helpers.jps.part import PART, budget_lines
from helpers.pipeline.contract import ContractError, PartContract
from helpers.pipeline.parameters import declared_parameters, notebook_defaults
from helpers.pipeline.parts import load


def test_part_is_a_contract_named_as_the_book_lists_it():
    assert isinstance(PART, PartContract)
    assert load(PART.name) is PART  # the pipeline finds it by name
    assert PART.bench.__qualname__ == "lazy(helpers.jps.bench:main)"
    assert PART.min_seeds == 3
    assert PART.claims_step == list(PART.steps)[-1] == "03_best_practices"


@pytest.mark.parametrize("step", list(PART.steps))
def test_every_step_has_its_notebook_and_rules_for_exactly_its_parameters(root, step):
    notebook = root / "notebooks" / PART.name / f"{step}.ipynb"
    rules = PART.rules(step)
    assert isinstance(rules, StepRules)
    declared = declared_parameters(notebook)
    assert set(rules.rules) == set(declared)
    rules.check(notebook_defaults(notebook, declared))  # the notebook's own literals pass its rules


def test_steps_come_in_reading_order_and_match_the_notebooks(root):
    assert list(PART.steps) == sorted(p.stem for p in (root / "notebooks" / PART.name).glob("*.ipynb"))
    with pytest.raises(ContractError, match="has no step"):
        PART.rules("04_missing")


@pytest.mark.parametrize("folder, step", sorted(PART.sweeps.items()))
def test_each_sweep_is_filled_by_the_step_named(root, folder, step):
    source = json.loads((root / "notebooks" / PART.name / f"{step}.ipynb").read_text())
    code = "".join("".join(cell["source"]) for cell in source["cells"] if cell["cell_type"] == "code")
    assert f'"sweeps" / "{folder}"' in code


def test_budget_lines_read_the_main_step():
    params = {"02_joint_policy_search": {"games": {"comm-3": {"seeds": 2, "depth_limit": 0},
                                                   "bidding-4": {"seeds": 5, "depth_limit": 2}},
                                         "cfr_iterations": 200, "jps_iterations": 20}}
    (line,) = budget_lines(params)
    assert "2 games, 2–5 seeds each, CFR 200 iterations per seed (the paper's CFR1k: 1000)" in line
    assert "JPS at most 20 outer iterations" in line
    assert budget_lines({"01_games": {}}) == []
