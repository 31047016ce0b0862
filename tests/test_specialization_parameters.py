"""Part III's parameters: the rules match the notebooks, every real profile builds a sound sweep,
bad values are named."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from helpers.config import ParamError
from helpers.pipeline.parameters import check_profile, declared_parameters, notebook_defaults, step_params
from helpers.pipeline.parts import notebook_path
from helpers.pipeline.profiles import load_profile
from helpers.specialization import sweep
from helpers.specialization.part import PART


def step_rules(step: str):
    """The rules of one of this part's steps, as its contract gives them."""
    return PART.rules(step)


@pytest.mark.parametrize("step", list(PART.steps))
def test_rules_cover_exactly_what_each_notebook_declares_and_its_defaults_pass(step, root):
    source = notebook_path(root, "specialization", step)
    declared = declared_parameters(source)
    rules = step_rules(step)
    assert set(rules.rules) == set(declared)
    rules.check(notebook_defaults(source, declared))


@pytest.mark.parametrize("profile", ["ci", "default", "full"])
def test_every_real_profile_passes_and_builds_complete_jobs(profile, root):
    data = load_profile(profile, root)
    check_profile(profile, data, root, ["specialization"])
    built = {}
    builders = {"01_two_layer": sweep.two_layer_jobs, "02_deep_and_real_data": sweep.deep_and_real_data_jobs}
    for step, build in builders.items():
        source = notebook_path(root, "specialization", step)
        declared = declared_parameters(source)
        values = notebook_defaults(source, declared)
        values.update(step_params(data, "specialization", step, Path("runs/x"), profile, set(declared)))
        jobs = build(step_rules(step).check(values))
        for job in jobs:
            inspect.signature(job.func).bind(**job.kwargs)  # every setting given: no default fills a gap
        assert len({job.key for job in jobs}) == len(jobs)
        built[step] = jobs
    if profile == "default":  # the default book runs the configs' defaults: 3 decays x 4 widths, dynamics, 2 x 4
        assert len(built["01_two_layer"]) == 3 * 4 + 1 + 2 * 4


def test_the_default_profile_is_the_notebooks_defaults(root):
    block = load_profile("default", root)["parts"]["specialization"]
    # where the jobs run changes no result (it is kept out of every fingerprint): the only setting
    assert all(set(settings) <= {"executor"} for settings in block.values())


def _ci_with(root, step, **changes):
    data = load_profile("ci", root)
    data["parts"]["specialization"].setdefault(step, {}).update(changes)
    return data


@pytest.mark.parametrize("step,changes,message", [
    ("01_two_layer", {"multis": [0, 2]}, "parameter 'multis' = [0, 2]: expected a non-empty increasing list of "
                                         "width multiples"),
    ("01_two_layer", {"threshold": 1.0}, "parameter 'threshold' = 1.0: expected a number in (0, 1)"),
    ("01_two_layer", {"sc_sizes": [8, 30]}, "parameter 'sc_sizes' = [8, 30]: every training set must be at least "
                                            "batch_size = 16"),
    ("01_two_layer", {"n_train": 10}, "parameter 'n_train' = 10: the training set must be at least batch_size"),
    ("01_two_layer", {"early_epoch": 9}, "parameter 'early_epoch' = 9: expected at most epochs = 3"),
    ("01_two_layer", {"mutlis": [1]}, "unknown parameter 'mutlis' (did you mean 'multis'?)"),
    ("01_two_layer", {"executor": {"kind": "cluster"}}, "parameter 'executor'"),
    ("02_deep_and_real_data", {"deep_sizes": [32, 1000]}, "parameter 'deep_sizes' = [32, 1000]: every training set"),
    ("02_deep_and_real_data", {"digits_multis": [1, 0.5]}, "parameter 'digits_multis'"),
    ("02_deep_and_real_data", {"deep_lr": [0.2]}, "parameter 'deep_lr' = [0.2]: expected two learning rates"),
])
def test_bad_values_are_refused_naming_the_step_and_parameter(step, changes, message, root):
    with pytest.raises(ParamError) as err:
        check_profile("ci", _ci_with(root, step, **changes), root, ["specialization"])
    assert f"step specialization/{step}" in str(err.value)
    assert message in str(err.value)
