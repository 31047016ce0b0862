"""The papermill runner: reuse of unchanged steps, failure naming the cell, results table."""

import json
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from helpers.pipeline import results
from helpers.pipeline.runner import StepFailed, run_profile


@pytest.fixture(autouse=True)
def _parts(toy_parts):
    """These tests run the throw-away parts ``alpha`` and ``beta`` (conftest)."""


def _repo(tmp_path, root, body):
    repo = tmp_path / "repo"
    (repo / "notebooks" / "alpha").mkdir(parents=True)
    (repo / "params").mkdir()
    shutil.copytree(root / "src" / "helpers", repo / "src" / "helpers")
    shutil.copy(root / "requirements.lock", repo)
    nb = new_notebook(cells=[new_code_cell("x = 1\nrun_dir = ''", metadata={"tags": ["parameters"]}),
                             new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, repo / "notebooks" / "alpha" / "s1.ipynb")
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  alpha:\n    s1:\n      x: 2\n")
    return repo


RECORD = ("from helpers.pipeline import results\n"
          "results.record(run_dir, 's1', [dict(model='m', task='t', lang='en', metric='mrr@10', value=x, n=1)],"
          " run='r', seed=seed)")


def test_reuse_then_rerun_on_change(tmp_path, root):
    repo = _repo(tmp_path, root, RECORD)
    logs = []
    run_profile("p", repo, log=logs.append)
    table = results.load(repo / "runs" / "p" / "alpha")
    assert table.loc[0, "value"] == 2 and list(table.columns)[:8] == results.COLUMNS[:8]
    run_profile("p", repo, log=logs.append)
    assert "unchanged" in logs[-1]
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  alpha:\n    s1:\n      x: 3\n")
    run_profile("p", repo, log=logs.append)
    assert results.load(repo / "runs" / "p" / "alpha").loc[0, "value"] == 3
    record = json.loads((repo / "runs" / "p" / "alpha" / "steps" / "s1.json").read_text())
    assert record["seconds"] > 0


def test_failing_cell_is_named_and_step_not_recorded(tmp_path, root):
    repo = _repo(tmp_path, root, "raise ValueError('bad thing')")
    with pytest.raises(StepFailed, match=r"alpha\] s1 .*cell \d+ .*ValueError: bad thing"):
        run_profile("p", repo, log=lambda *_: None)
    assert not (repo / "runs" / "p" / "alpha" / "steps" / "s1.json").exists()
    assert not (repo / "runs" / "p" / "alpha" / "notebooks" / "s1.ipynb").exists()


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
    (repo / "notebooks" / "beta").mkdir()
    shutil.copy(repo / "notebooks" / "alpha" / "s1.ipynb", repo / "notebooks" / "beta" / "s1.ipynb")
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  beta:\n    s1:\n      x: 5\n"
                                            "  alpha:\n    s1:\n      x: 2\n")
    logs = []
    records = run_profile("p", repo, log=logs.append)
    assert [r["part"] for r in records] == ["beta", "alpha"]  # the profile's order is the book's
    assert results.load(repo / "runs" / "p" / "beta").loc[0, "value"] == 5
    nb = nbformat.read(repo / "notebooks" / "beta" / "s1.ipynb", as_version=4)
    nb.cells[1].source += "\n# changed"
    nbformat.write(nb, repo / "notebooks" / "beta" / "s1.ipynb")
    logs.clear()
    run_profile("p", repo, log=logs.append)
    assert any("[p/alpha] s1: unchanged" in line for line in logs)
    assert any("[p/beta] s1: done" in line for line in logs)
    logs.clear()
    assert [r["part"] for r in run_profile("p", repo, parts=["beta"], log=logs.append)] == ["beta"]
    assert not any("alpha" in line for line in logs)


def test_unknown_part_is_refused_by_name(tmp_path, root):
    from helpers.config import ParamError

    repo = _repo(tmp_path, root, RECORD)
    with pytest.raises(ParamError, match="unknown part 'alpah'"):
        run_profile("p", repo, parts=["alpah"], log=lambda *_: None)
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  alpah:\n    s1: {}\n")
    with pytest.raises(ParamError, match="unknown part 'alpah'"):
        run_profile("p", repo, log=lambda *_: None)


def test_shared_settings_reach_the_steps_that_declare_them(tmp_path, root):
    repo = _repo(tmp_path, root, RECORD)
    nb = new_notebook(cells=[new_code_cell("y = 0\nrun_dir = ''", metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, repo / "notebooks" / "alpha" / "s2.ipynb")
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  alpha:\n    shared:\n      x: 7\n      y: 1\n"
                                            "    s1: {}\n    s2: {}\n")
    records = run_profile("p", repo, log=lambda *_: None)
    assert records[0]["params"]["x"] == 7 and "y" not in records[0]["params"]  # s1 declares x, not y
    assert records[1]["params"]["y"] == 1 and "x" not in records[1]["params"]  # s2 declares y, not x
    assert results.load(repo / "runs" / "p" / "alpha").loc[0, "value"] == 7
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  alpha:\n    s1: {}\n")
    assert run_profile("p", repo, log=lambda *_: None)[0]["params"]["x"] == 1  # the record: defaults included
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  alpha:\n    shared:\n      x: 7\n"
                                            "    s1:\n      x: 8\n")  # below: the step's own value wins
    assert run_profile("p", repo, log=lambda *_: None)[0]["params"]["x"] == 8  # the step's own value wins


def test_unknown_names_stop_the_run_before_any_step(tmp_path, root):
    """A step without registry rules still has its names checked against its notebook, before anything runs."""
    from helpers.config import ParamError

    repo = _repo(tmp_path, root, RECORD)
    (repo / "params" / "p.yaml").write_text("seed: 1\nparts:\n  alpha:\n    shared:\n      y: 1\n"
                                            "    s1:\n      xx: 2\n")
    with pytest.raises(ParamError) as err:
        run_profile("p", repo, log=lambda *_: None)
    assert "profile 'p', step alpha/s1: unknown parameter 'xx' (did you mean 'x'?)" in str(err.value)
    assert "profile 'p', part alpha: shared parameter 'y' is declared by no step of the part" in str(err.value)
    assert not (repo / "runs").exists()


def test_a_profile_executor_reaches_the_steps_that_declare_it_and_no_fingerprint(tmp_path, root):
    """The top-level ``executor:`` block is given to every step declaring ``executor``, checked
    before any step runs, and changing it re-runs nothing (where jobs run changes no result)."""
    from helpers.config import ParamError

    repo = _repo(tmp_path, root, RECORD)
    nb = new_notebook(cells=[new_code_cell("executor = {'kind': 'in-process'}\nrun_dir = ''",
                                           metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, repo / "notebooks" / "alpha" / "s2.ipynb")
    profile = repo / "params" / "p.yaml"
    steps = "parts:\n  alpha:\n    s1: {}\n    s2: {}\n"
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
