"""Shared fixtures: a small dataset and the ci profile's whole run, each built once per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SMALL = dict(seed=13, languages=["en", "es", "fr"], test_fraction=0.1, val_fraction=0.05,
             max_train_per_lang=200, max_val_per_lang=30, max_test_per_lang=100,
             bbc_test_size=50, bbc_train_size=100, extra_tasks=[])


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


TOY_PART = """
from helpers.config import StepRules
from helpers.pipeline.contract import PartContract

PART = PartContract(name={name!r}, title="Toy part {name}", paper="none",
                    steps={{"s1": lambda: StepRules({{}}), "s2": lambda: StepRules({{}})}}, claims_step="s2")
"""


@pytest.fixture
def toy_parts(tmp_path, monkeypatch):
    """Two throw-away parts, ``alpha`` and ``beta`` (steps ``s1`` and ``s2``, no parameter
    rules), found by the pipeline through their contracts, here and in notebook kernels."""
    import helpers

    folder = tmp_path / "toy-parts" / "helpers"
    for name in ("alpha", "beta"):
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text("")
        (folder / name / "part.py").write_text(TOY_PART.format(name=name))
    monkeypatch.setenv("PYTHONPATH", str(folder.parent))
    monkeypatch.setattr(helpers, "__path__", [*helpers.__path__, str(folder)])
    return ("alpha", "beta")


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    from helpers.lipost.data.build import build_all

    run_dir = tmp_path_factory.mktemp("run")
    return build_all({**SMALL, "run_dir": str(run_dir)}, ROOT)


@pytest.fixture(scope="session")
def ci_run(root) -> Path:
    """The ci profile of every part, book included, run once (``helpers.pipeline all --profile ci``);
    each part's end-to-end test asserts on its own folder of this one run."""
    proc = subprocess.run([sys.executable, "-m", "helpers.pipeline", "all", "--profile", "ci"], cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "runs" / "ci"
