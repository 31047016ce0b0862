import pytest

from helpers.config import ParamError, validate
from helpers.lipost.data.build import RULES, build_all
from helpers.pipeline.profiles import load_profile
from tests.conftest import SMALL


@pytest.mark.parametrize("name,value,match", [
    ("test_fraction", 0.7, r"'test_fraction' = 0.7: expected a number in \(0.0, 0.5\]"),
    ("languages", ["en", "de"], "'languages'.*drawn from"),
    ("max_train_per_lang", -1, "'max_train_per_lang' = -1: expected an integer >= 0"),
    ("extra_tasks", [{"name": "x"}], "'extra_tasks'"),
])
def test_bad_parameter_is_named(name, value, match, tmp_path, root):
    with pytest.raises(ParamError, match=match):
        build_all({**SMALL, "run_dir": str(tmp_path), name: value}, root)
    assert not (tmp_path / "data").exists()


def test_missing_parameter():
    with pytest.raises(ParamError, match="'seed' is missing"):
        validate({k: v for k, v in SMALL.items() if k != "seed"} | {"run_dir": "x"}, RULES)


def test_profiles_load_and_unknown_profile_is_clear(root):
    for name in ("ci", "default", "full"):
        assert "01_data" in load_profile(name, root)["parts"]["lipost"]
    with pytest.raises(ParamError, match="known profiles"):
        load_profile("nope", root)
