"""The papermill runner: reuse of unchanged steps, failure naming the cell, results table."""

import json
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from helpers.pipeline import results
from helpers.pipeline.runner import StepFailed, run_profile


def _repo(tmp_path, root, body):
    repo = tmp_path / "repo"
    (repo / "notebooks" / "lipost").mkdir(parents=True)
    (repo / "params").mkdir()
    shutil.copytree(root / "src" / "helpers", repo / "src" / "helpers")
    shutil.copy(root / "requirements.lock", repo)
    nb = new_notebook(cells=[new_code_cell("x = 1\nrun_dir = ''", metadata={"tags": ["parameters"]}),
                             new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, repo / "notebooks" / "lipost" / "s1.ipynb")
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  lipost:\n    s1:\n      x: 2\n")
    return repo


RECORD = ("from helpers.pipeline import results\n"
          "results.record(run_dir, 's1', [dict(model='m', task='t', lang='en', metric='mrr@10', value=x, n=1)],"
          " run='r', seed=seed)")


def test_reuse_then_rerun_on_change(tmp_path, root):
    repo = _repo(tmp_path, root, RECORD)
    logs = []
    run_profile("p", repo, log=logs.append)
    table = results.load(repo / "runs" / "p" / "lipost")
    assert table.loc[0, "value"] == 2 and list(table.columns)[:8] == results.COLUMNS[:8]
    run_profile("p", repo, log=logs.append)
    assert "unchanged" in logs[-1]
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  lipost:\n    s1:\n      x: 3\n")
    run_profile("p", repo, log=logs.append)
    assert results.load(repo / "runs" / "p" / "lipost").loc[0, "value"] == 3
    record = json.loads((repo / "runs" / "p" / "lipost" / "steps" / "s1.json").read_text())
    assert record["seconds"] > 0


def test_failing_cell_is_named_and_step_not_recorded(tmp_path, root):
    repo = _repo(tmp_path, root, "raise ValueError('bad thing')")
    with pytest.raises(StepFailed, match=r"lipost\] s1 .*cell \d+ .*ValueError: bad thing"):
        run_profile("p", repo, log=lambda *_: None)
    assert not (repo / "runs" / "p" / "lipost" / "steps" / "s1.json").exists()
    assert not (repo / "runs" / "p" / "lipost" / "notebooks" / "s1.ipynb").exists()


def test_speed_levers_show_the_benchmark_gain_of_each():
    from helpers.pipeline.appendix import _levers

    bench = {"encode": {"book_encoder_warm_cache_texts_per_s": 90.0, "book_encoder_cold_cache_texts_per_s": 30.0,
                        "st_base_texts_per_s": 50.0, "st_base_double_length_texts_per_s": 25.0,
                        "prefix_from_lower_level_texts_per_s": 120.0, "prefix_from_embeddings_texts_per_s": 40.0,
                        "base_model_read_s": 1.5, "base_model_kept_copy_s": 0.3,
                        "top_layers_texts_per_s": 100.0, "top_layers_remembered_tokens_texts_per_s": 125.0},
             "train": {"random": {"sec_per_step_median": 2.0, "padding_share": 0.2},
                       "grouped": {"sec_per_step_median": 2.0, "padding_share": 0.1}}}
    table = _levers(bench)["measured gain (last `make bench`)"].tolist()
    assert "warm vs cold cache: 3.00x" in table[0]
    assert "twice it: 2.00x" in table[1]
    assert "1.00x (padding 20% -> 10%)" in table[2]
    assert any("from the embeddings: 3.00x" in row for row in table)
    assert any("read vs copy: 5.00x" in row for row in table)
    assert any("tokenising again: 1.25x" in row for row in table)
    assert "not measured" in _levers({})["measured gain (last `make bench`)"].iloc[0]


def test_budget_choices_are_read_from_the_run_parameters():
    from helpers.pipeline.appendix import _budget_section

    steps = [{"step": "01_data", "params": {"max_test_per_lang": 600}},
             {"step": "03_training", "params": {"steps": 320, "batch_size": 32, "freeze_layers": 8,
                                                "max_seq_length": 48, "eval_max_seq_length": 40}},
             {"step": "04_ablations", "params": {"freeze_layers": 11, "steps": 40, "batch_size": 32,
                                                 "eval_max_rows": 150, "dropout": 0.0}}]
    text = _budget_section(steps)
    assert "at most 600 held-out articles per language" in text
    assert "bottom 11 layers frozen, dropout 0, 40 steps of 32 pairs, scored on 150 test rows" in text
    assert "headline model: 320 steps of 32 pairs, the bottom 8 layers frozen" in text
    assert "first 48 tokens in training and 40 in evaluation" in text
    assert "every held-out article" in _budget_section([{"step": "01_data", "params": {"max_test_per_lang": 0}}])
    assert _budget_section([]) == ""


def test_a_step_reruns_only_when_code_it_can_execute_changes(tmp_path, root):
    repo = _repo(tmp_path, root, RECORD)
    logs = []
    run_profile("p", repo, log=logs.append)
    with open(repo / "src" / "helpers" / "pipeline" / "appendix.py", "a") as handle:
        handle.write("\n# a change the step never imports\n")
    run_profile("p", repo, log=logs.append)
    assert "unchanged" in logs[-1]
    with open(repo / "src" / "helpers" / "paths.py", "a") as handle:  # imported by results.py
        handle.write("\n# a change the step runs\n")
    run_profile("p", repo, log=logs.append)
    assert "done" in logs[-1]


def test_helpers_files_follow_imports_inside_functions(tmp_path):
    from helpers.deps import helpers_files

    pkg = tmp_path / "src" / "helpers"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from helpers.sub.used import f\n")
    (pkg / "sub" / "used.py").write_text("def f():\n    from helpers import lazy\n    return lazy\n")
    (pkg / "lazy.py").write_text("import os\n")
    (pkg / "unused.py").write_text("")
    nb = new_notebook(cells=[new_code_cell("%matplotlib inline\nfrom helpers.sub import f")])
    nbformat.write(nb, tmp_path / "n.ipynb")
    names = [p.relative_to(pkg).as_posix() for p in helpers_files(tmp_path / "src", tmp_path / "n.ipynb")]
    assert names == ["__init__.py", "lazy.py", "sub/__init__.py", "sub/used.py"]


def test_parts_chain_separately_and_run_one_at_a_time(tmp_path, root):
    """A change to one part's notebook re-runs that part only; ``parts=`` runs the named one."""
    repo = _repo(tmp_path, root, RECORD)
    (repo / "notebooks" / "jps").mkdir()
    shutil.copy(repo / "notebooks" / "lipost" / "s1.ipynb", repo / "notebooks" / "jps" / "s1.ipynb")
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  jps:\n    s1:\n      x: 5\n"
                                            "  lipost:\n    s1:\n      x: 2\n")
    logs = []
    records = run_profile("p", repo, log=logs.append)
    assert [r["part"] for r in records] == ["lipost", "jps"]  # the book's order, not the file's
    assert results.load(repo / "runs" / "p" / "jps").loc[0, "value"] == 5
    nb = nbformat.read(repo / "notebooks" / "jps" / "s1.ipynb", as_version=4)
    nb.cells[1].source += "\n# changed"
    nbformat.write(nb, repo / "notebooks" / "jps" / "s1.ipynb")
    logs.clear()
    run_profile("p", repo, log=logs.append)
    assert any("[p/lipost] s1: unchanged" in line for line in logs)
    assert any("[p/jps] s1: done" in line for line in logs)
    logs.clear()
    assert [r["part"] for r in run_profile("p", repo, parts=["jps"], log=logs.append)] == ["jps"]
    assert not any("lipost" in line for line in logs)


def test_unknown_part_is_refused_by_name(tmp_path, root):
    from helpers.config import ParamError

    repo = _repo(tmp_path, root, RECORD)
    with pytest.raises(ParamError, match="unknown part 'lipst'"):
        run_profile("p", repo, parts=["lipst"], log=lambda *_: None)
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  lipst:\n    s1: {}\n")
    with pytest.raises(ParamError, match="unknown part 'lipst'"):
        run_profile("p", repo, log=lambda *_: None)


def test_shared_settings_reach_the_steps_that_declare_them(tmp_path, root):
    repo = _repo(tmp_path, root, RECORD)
    nb = new_notebook(cells=[new_code_cell("y = 0\nrun_dir = ''", metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, repo / "notebooks" / "lipost" / "s2.ipynb")
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  lipost:\n    shared:\n      x: 7\n      y: 1\n"
                                            "    s1: {}\n    s2: {}\n")
    records = run_profile("p", repo, log=lambda *_: None)
    assert records[0]["params"]["x"] == 7 and "y" not in records[0]["params"]  # s1 declares x, not y
    assert records[1]["params"]["y"] == 1 and "x" not in records[1]["params"]  # s2 declares y, not x
    assert results.load(repo / "runs" / "p" / "lipost").loc[0, "value"] == 7
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  lipost:\n    s1: {}\n")
    assert run_profile("p", repo, log=lambda *_: None)[0]["params"]["x"] == 1  # the record: defaults included
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  lipost:\n    shared:\n      x: 7\n"
                                            "    s1:\n      x: 8\n")  # below: the step's own value wins
    assert run_profile("p", repo, log=lambda *_: None)[0]["params"]["x"] == 8  # the step's own value wins


def test_unknown_names_stop_the_run_before_any_step(tmp_path, root):
    """A step without registry rules still has its names checked against its notebook, before anything runs."""
    from helpers.config import ParamError

    repo = _repo(tmp_path, root, RECORD)
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  lipost:\n    shared:\n      y: 1\n"
                                            "    s1:\n      xx: 2\n")
    with pytest.raises(ParamError) as err:
        run_profile("p", repo, log=lambda *_: None)
    assert "profile 'p', step lipost/s1: unknown parameter 'xx' (did you mean 'x'?)" in str(err.value)
    assert "profile 'p', part lipost: shared parameter 'y' is declared by no step of the part" in str(err.value)
    assert not (repo / "runs").exists()


def test_a_profile_executor_reaches_the_steps_that_declare_it_and_no_fingerprint(tmp_path, root):
    """The top-level ``executor:`` block is given to every step declaring ``executor``, checked
    before any step runs, and changing it re-runs nothing (where jobs run changes no result)."""
    from helpers.config import ParamError

    repo = _repo(tmp_path, root, RECORD)
    nb = new_notebook(cells=[new_code_cell("executor = {'kind': 'in-process'}\nrun_dir = ''",
                                           metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, repo / "notebooks" / "lipost" / "s2.ipynb")
    profile = repo / "params" / "p.yaml"
    steps = "parts:\n  lipost:\n    s1: {}\n    s2: {}\n"
    profile.write_text("seed: 1\nexecutor: {kind: dask, workers: 5}\n" + steps)
    records = run_profile("p", repo, log=lambda *_: None)
    assert "executor" not in records[0]["params"]  # s1 does not declare it
    assert records[1]["params"]["executor"] == {"kind": "dask", "workers": 5}
    logs = []
    profile.write_text("seed: 1\nexecutor: {kind: in-process}\n" + steps)
    run_profile("p", repo, log=logs.append)
    assert sum("unchanged" in line for line in logs) == 2
    profile.write_text("seed: 1\nexecutor: {kind: dask, workers: 2, threads: 3}\n" + steps)
    shutil.rmtree(repo / "runs")
    with pytest.raises(ParamError, match=r"profile 'p', top-level executor: executor 'dask' takes no setting "
                                         r"\['threads'\]"):
        run_profile("p", repo, log=lambda *_: None)
    assert not (repo / "runs").exists()
