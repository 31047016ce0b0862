"""Save and load the task datasets of a run (``runs/<profile>/data``).

The folder holds one ``DatasetDict`` per task (Arrow), ``tasks.json`` (each task's kind,
prompts and whether it is in-domain), ``raw_sha256.json`` and the dataset card
``README.md``. It is written as a whole through a temporary folder and one rename.

A task name the folder does not hold is one error wherever it is met (loading a task,
evaluating, the ablation grid): :class:`UnknownTask`, raised by :func:`check_tasks`,
naming the task and the tasks this run has.

Explained in the book: {ref}`lipost-data-what-is-saved`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from helpers.config import ParamError
from helpers.paths import atomic_dir


class UnknownTask(ParamError):
    """A task name that the run's data (its ``tasks.json``) does not hold."""


def check_tasks(names: Iterable[str], manifest: dict, parameter: str | None = None) -> list[str]:
    """``names`` as a list, or :class:`UnknownTask` naming those ``manifest`` lacks and the
    tasks it has; ``parameter`` (the setting the names came from) leads the message."""
    names = list(names)
    unknown = [name for name in names if name not in manifest]
    if unknown:
        which = ", ".join(repr(name) for name in unknown)
        lead = f"{parameter}: " if parameter else ""
        raise UnknownTask(f"{lead}unknown task{'s' if len(unknown) > 1 else ''} {which}; "
                          f"this run has {sorted(manifest)}")
    return names


def save_tasks(data_dir: Path, task_dicts: dict, manifest: dict, card: str, raw_sha256: dict) -> None:
    """Write every task's DatasetDict plus manifest, hashes and card, atomically."""
    import datasets

    datasets.disable_progress_bars()
    with atomic_dir(Path(data_dir)) as tmp:
        for name, dsd in task_dicts.items():
            dsd.save_to_disk(str(tmp / name))
        (tmp / "tasks.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        (tmp / "raw_sha256.json").write_text(json.dumps(raw_sha256, indent=0, sort_keys=True))
        (tmp / "README.md").write_text(card)


def load_manifest(data_dir: Path) -> dict:
    """The ``tasks.json`` of a saved dataset folder (clear error if the step has not run)."""
    path = Path(data_dir) / "tasks.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run the data step (notebook 01) of this profile first")
    return json.loads(path.read_text())


def load_task(data_dir: Path, name: str):
    """Load one task's ``DatasetDict`` (:class:`UnknownTask` if the run has no such task)."""
    from datasets import load_from_disk

    check_tasks([name], load_manifest(data_dir))
    return load_from_disk(str(Path(data_dir) / name))
