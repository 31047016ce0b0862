"""Part III's parameters: the registry matches the notebooks, the real profiles pass, bad values are named."""

from __future__ import annotations

import pytest

from helpers.config import ParamError, load_profile
from helpers.pipeline import parameters as pipeline_parameters
from helpers.pipeline.parameters import check_profile, declared_parameters, notebook_defaults
from helpers.pipeline.parts import notebook_path
from helpers.specialization.parameters import STEP_MODULES


def step_rules(step: str):
    """The rules the runner reads for one of this part's steps."""
    return pipeline_parameters.step_rules("specialization", step)


@pytest.mark.parametrize("step", sorted(STEP_MODULES))
def test_rules_cover_exactly_what_each_notebook_declares_and_its_defaults_pass(step, root):
    source = notebook_path(root, "specialization", step)
    declared = declared_parameters(source)
    rules = step_rules(step)
    assert set(rules.rules) == set(declared)
    rules.check(notebook_defaults(source, declared))


@pytest.mark.parametrize("profile", ["ci", "default", "full"])
def test_the_real_profiles_pass(profile, root):
    check_profile(profile, load_profile(profile, root), root, ["specialization"])


def test_the_default_profile_is_the_notebooks_defaults(root):
    block = load_profile("default", root)["parts"]["specialization"]
    assert all(not settings for settings in block.values())


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
