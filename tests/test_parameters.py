"""Every step's parameters are checked before the first step runs, by the rules the notebooks use."""

import os
import shutil
import subprocess
import sys
import time

import pytest
import yaml

from helpers.config import ParamError
from helpers.pipeline.parameters import check_profile, resolve
from helpers.pipeline.parts import load
from helpers.pipeline.profiles import PROFILES, load_profile
from helpers.pipeline.runner import run_profile

BAD_TRAINING = {"steps": -3, "lrr": 3}  # a negative step count and a misspelt learning rate


def _bad_copy_of_ci(tmp_path, root):
    """A repo whose profile ``mine`` is ``ci`` with a bad training block (notebooks copied, no code)."""
    repo = tmp_path / "repo"
    shutil.copytree(root / "notebooks" / "lipost", repo / "notebooks" / "lipost")
    data = yaml.safe_load((root / "params" / "ci.yaml").read_text())
    data["parts"]["lipost"]["03_training"].update(BAD_TRAINING)
    (repo / "params").mkdir()
    (repo / "params" / "mine.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return repo


def _assert_names_both_problems(message: str) -> None:
    assert "profile 'mine', step lipost/03_training: unknown parameter 'lrr' (did you mean 'lr'?)" in message
    assert "profile 'mine', step lipost/03_training: parameter 'steps' = -3: expected an integer >= 1" in message


def test_bad_training_block_fails_before_any_step_runs(tmp_path, root, monkeypatch):
    import papermill

    def no_step_may_run(*args, **kwargs):
        raise AssertionError("a step ran before the parameters were checked")

    monkeypatch.setattr(papermill, "execute_notebook", no_step_may_run)
    repo = _bad_copy_of_ci(tmp_path, root)
    start = time.time()
    with pytest.raises(ParamError) as err:
        run_profile("mine", repo, log=lambda *_: None)
    assert time.time() - start < 30  # the data and baselines steps before training take minutes
    _assert_names_both_problems(str(err.value))
    assert not (repo / "runs").exists()  # no step record, no executed notebook, no folder


def test_bad_training_block_fails_through_the_command_line(tmp_path, root):
    repo = _bad_copy_of_ci(tmp_path, root)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    start = time.time()
    proc = subprocess.run([sys.executable, "-m", "helpers.pipeline", "run", "--profile", "mine"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert time.time() - start < 60  # an interpreter start and imports, not a step
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    _assert_names_both_problems(lines[0])
    assert not (repo / "runs").exists()


@pytest.mark.parametrize("profile", PROFILES)
def test_the_real_profiles_pass_and_a_misspelt_name_in_any_part_fails(profile, root):
    data = load_profile(profile, root)
    check_profile(profile, data, root, list(data["parts"]))  # the shipped profile is sound ...
    for part_name in data["parts"]:
        first = next(iter(load(part_name).steps))
        broken = yaml.safe_load(yaml.safe_dump(data))
        broken["parts"][part_name][first] = {**(broken["parts"][part_name].get(first) or {}), "sed": 1}
        with pytest.raises(ParamError, match=f"step {part_name}/{first}: unknown parameter 'sed'"):
            check_profile(profile, broken, root, [part_name])  # ... and the check reads every part of it


def test_one_resolver_gives_defaults_shared_values_and_the_steps_own(root):
    """What a step runs with: the notebook's defaults, the part's shared settings it declares,
    then its own block, then what the runner injects."""
    data = load_profile("ci", root)
    data["parts"]["lipost"]["shared"] = {"eval_max_seq_length": 40}
    data["parts"]["lipost"]["03_training"] = {"steps": 7}
    params = resolve("ci", root, "lipost", "03_training", data)
    assert params["steps"] == 7 and params["eval_max_seq_length"] == 40
    assert params["profile"] == "ci" and params["run_dir"].endswith("runs/ci/lipost")
    assert params["lr"] == resolve("default", root, "lipost", "03_training")["lr"]  # a default, not in either profile


def _ci_with(root, step, **changes):
    data = load_profile("ci", root)
    data["parts"]["lipost"].setdefault(step, {}).update(changes)
    return data


@pytest.mark.parametrize("step,changes,message", [
    ("01_data", {"test_fraction": 0.7}, r"step lipost/01_data: parameter 'test_fraction' = 0.7: "
                                        r"expected a number in \(0.0, 0.5\]"),
    ("01_data", {"languages": ["en", "de"]}, "step lipost/01_data: parameter 'languages' = "),
    ("01_data", {"prefix_levels": [0]}, "step lipost/01_data: parameter 'prefix_levels' = "),
    ("02_baselines", {"prefix_levels": {"tfidf": [10]}}, "step lipost/02_baselines: parameter 'prefix_levels' "
                                                         r"names \['tfidf'\]"),
    ("03_training", {"frozen_cache_layers": 11}, "step lipost/03_training: frozen_cache_layers = 11 exceeds"),
    ("03_training", {"pca_fit_per_task": 0}, "step lipost/03_training: parameter 'pca_fit_per_task' = 0"),
    ("04_ablations", {"grid_dims": [384]}, r"step lipost/04_ablations: ablation grid: grid_dims = \[384\]"),
    ("04_ablations", {"questions": ["colour"]}, "step lipost/04_ablations: ablation grid: questions = "),
    ("04_ablations", {"dropout": 1.5}, "step lipost/04_ablations: parameter 'dropout' = 1.5"),
    ("05_visualizations", {"interactive": "yes"}, "step lipost/05_visualizations: parameter 'interactive' = 'yes'"),
])
def test_a_bad_value_is_named_with_profile_and_step(step, changes, message, root):
    with pytest.raises(ParamError, match=f"profile 'ci', {message}"):
        check_profile("ci", _ci_with(root, step, **changes), root, ["lipost"])


def test_unknown_names_get_the_closest_declared_name(root):
    data = _ci_with(root, "05_visualizations", umap_neighbours=10, colour="red")
    data["parts"]["lipost"]["shared"] = {"eval_max_seq_lenght": 64}
    with pytest.raises(ParamError) as err:
        check_profile("ci", data, root, ["lipost"])
    message = str(err.value)
    assert "step lipost/05_visualizations: unknown parameter 'umap_neighbours' (did you mean 'umap_neighbors'?)" \
        in message
    assert "unknown parameter 'colour' of notebooks/lipost/05_visualizations.ipynb" in message  # nothing close
    assert ("profile 'ci', part lipost: shared parameter 'eval_max_seq_lenght' (did you mean "
            "'eval_max_seq_length'?) is declared by no step of the part") in message


def test_a_shared_value_is_checked_in_every_step_that_declares_it(root):
    data = load_profile("ci", root)
    data["parts"]["lipost"]["shared"] = {"eval_max_seq_length": 8}
    for step in ("01_data", "02_baselines", "03_training", "04_ablations", "05_visualizations"):
        data["parts"]["lipost"][step].pop("eval_max_seq_length", None)
    with pytest.raises(ParamError, match="step lipost/03_training: parameter 'eval_max_seq_length' = 8"):
        check_profile("ci", data, root, ["lipost"])


def test_settings_the_runner_gives_are_refused_in_a_step_block(root):
    with pytest.raises(ParamError, match="step lipost/03_training: parameter 'seed' is set by the runner"):
        check_profile("ci", _ci_with(root, "03_training", seed=5), root, ["lipost"])


def test_the_baselines_rule_lists_the_baselines():
    from helpers.lipost.evaluation.baselines import BASELINES
    from helpers.lipost.parameters.baselines_step import KNOWN_BASELINES

    assert KNOWN_BASELINES == BASELINES


