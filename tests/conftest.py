"""Shared fixtures: a small dataset built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SMALL = dict(seed=13, languages=["en", "es", "fr"], test_fraction=0.1, val_fraction=0.05,
             max_train_per_lang=200, max_val_per_lang=30, max_test_per_lang=100,
             bbc_test_size=50, bbc_train_size=100, extra_tasks=[])


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    from helpers.lipost.data.build import build_all

    run_dir = tmp_path_factory.mktemp("run")
    return build_all({**SMALL, "run_dir": str(run_dir)}, ROOT)
