"""Every step's parameters are checked before the first step runs, by the rules the notebooks use."""

import os
import shutil
import subprocess
import sys
import time

import pytest
import yaml

from helpers.config import ParamError, load_profile
from helpers.lipost.parameters import STEP_MODULES
from helpers.pipeline import parameters as pipeline_parameters
from helpers.pipeline.parameters import check_profile, declared_parameters, notebook_defaults
from helpers.pipeline.runner import run_profile


def step_rules(step: str):
    """The rules the runner reads for one of this part's steps."""
    return pipeline_parameters.step_rules("lipost", step)

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


@pytest.mark.parametrize("profile", ["ci", "default", "full"])
def test_the_real_profiles_pass(profile, root):
    check_profile(profile, load_profile(profile, root), root, ["lipost"])


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


def test_registry_and_notebooks_name_the_same_parameters(root):
    """Each notebook's declared parameters have a rule, and each rule a declared parameter."""
    notebooks = sorted(p.stem for p in (root / "notebooks" / "lipost").glob("*.ipynb"))
    assert sorted(STEP_MODULES) == notebooks
    for step in notebooks:
        declared = declared_parameters(root / "notebooks" / "lipost" / f"{step}.ipynb")
        assert set(step_rules(step).rules) == set(declared), step


def test_notebook_defaults_pass_their_rules(root):
    for step in STEP_MODULES:
        defaults = notebook_defaults(root / "notebooks" / "lipost" / f"{step}.ipynb")
        assert step_rules(step).check(defaults).keys() == defaults.keys(), step


def test_the_baselines_rule_lists_the_baselines():
    from helpers.lipost.parameters.baselines import KNOWN_BASELINES

    from helpers.lipost.evaluation.baselines import BASELINES

    assert KNOWN_BASELINES == BASELINES


@pytest.mark.parametrize("step", ["03_training", "04_ablations"])
def test_training_literals_in_notebooks_are_the_settings_defaults(root, step):
    """Every training default is written once (TrainConfig); a notebook's parameters cell
    repeats it as a literal only because papermill needs one, and must not drift from it."""
    from dataclasses import fields

    from helpers.lipost.training.config import TrainConfig
    from helpers.pipeline.parameters import notebook_defaults

    defaults = notebook_defaults(root / "notebooks" / "lipost" / f"{step}.ipynb")
    settings = TrainConfig().to_dict()
    shared = [f.name for f in fields(TrainConfig) if f.name in defaults and f.name != "seed"]
    assert len(shared) >= 12, shared  # the training block is there at all
    assert {name: defaults[name] for name in shared} == {name: settings[name] for name in shared}


def test_every_chapter_encodes_at_the_one_text_length(root):
    """One text length in every chapter (TrainConfig's), so one cached embedding serves them all
    and the environment appendix's "every text cut to its first N tokens" stays true."""
    from helpers.lipost.training.config import TrainConfig

    length_names = {"01_data": ["check_max_seq_length"], "02_baselines": ["max_seq_length"],
                    "03_training": ["max_seq_length", "eval_max_seq_length"],
                    "04_ablations": ["max_seq_length", "eval_max_seq_length"],
                    "05_visualizations": ["eval_max_seq_length"]}
    found = {}
    for step, names in length_names.items():
        defaults = notebook_defaults(root / "notebooks" / "lipost" / f"{step}.ipynb")
        found |= {f"{step}.{name}": defaults[name] for name in names}
    assert found == dict.fromkeys(found, TrainConfig().max_seq_length)
