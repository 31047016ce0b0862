"""Every cache key of the book, built in one place.

A cached result is reused only when its key is unchanged, so a key must cover everything
the result depends on, and nothing else (else a change that cannot alter a number would
redo hours of work). Every key that depends on library versions includes the lock file.

- :func:`step_key`, one executed notebook: the notebook, its parameters, the ``helpers``
  files it can execute, the lock file, the key of the step before it in its part.
- :func:`variant_key`, one ablation variant: its resolved training settings and scoring
  spec (not its name), the ``helpers`` files training and scoring can execute, the lock
  file, the task data.
- :func:`checkpoint_key`, a training run's resumable checkpoints: the settings but how
  often it validates or saves, the training code, the lock file, the task data.
- :func:`model_key`, a model's cached embeddings: the files that define what it computes
  (weights, configs, tokenizer, modules), not the model card nor the training record,
  whose wall time changes every run; the lock file.
- :func:`frozen_weights_keys`, a frozen prefix's stored states: the frozen weights, the
  level, the lock file.
- :func:`texts_key`, a batch of cached embeddings within a model's folder: the texts, in
  order, and how they were encoded (role, length, prompts).
- :func:`job_key`, one sweep job of any part (:mod:`helpers.pipeline.executor`): the job's
  function and settings, the ``helpers`` files that function can execute (followed through
  the imports, as for a step), the lock file. No part lists its source files by hand.

Explained in the book: {ref}`pipeline-steps` and {ref}`pipeline-caches`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parent.parent  # the folder that holds the ``helpers`` package
LOCK = "requirements.lock"
MODEL_RECORD = "training_record.json"
"""The file in which whoever exports a model folder records how it was made (settings, wall
time): like the model card, it does not change what the model computes."""
MODEL_RECORDS = frozenset({"README.md", MODEL_RECORD})
"""Files of an exported model folder that :func:`model_key` leaves out."""
# the libraries whose versions decide what a model computes, when no lock file is found
KEY_LIBRARIES = ("torch", "transformers", "sentence-transformers", "tokenizers", "numpy")


def lock_digest(root: Path | None = None) -> str:
    """SHA-256 of ``requirements.lock`` (in ``root``, else the repository this package sits
    in); without a lock file, of the installed versions of :data:`KEY_LIBRARIES`."""
    candidates = [Path(root) / LOCK] if root is not None else [SRC.parent / LOCK]
    if root is None:
        from helpers.paths import repo_root

        candidates.append(repo_root() / LOCK)
    for path in candidates:
        if path.is_file():
            return _file_digest(str(path), path.stat().st_mtime_ns)
    versions = {}
    for name in KEY_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def _file_digest(path: str, mtime_ns: int) -> str:
    """SHA-256 of a file, read once per modification (keys are built often)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, default=str).encode()


def data_digest(data_dir: Path) -> str:
    """The task data of a run: the task manifest, every task's splits and each split's state
    (its data files and the fingerprint ``datasets`` computed for its rows; cache files that
    reading the data leaves beside them are not part of it)."""
    digest = hashlib.sha256()
    data_dir = Path(data_dir)
    paths = [data_dir / "tasks.json", *sorted(data_dir.glob("*/dataset_dict.json")),
             *sorted(data_dir.glob("*/*/state.json"))]
    for path in paths:
        digest.update(str(path.relative_to(data_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def step_key(root: Path, notebook: Path, params: dict, upstream: str) -> str:
    """Key of one executed notebook of the pipeline (see :mod:`helpers.pipeline.runner`)."""
    from helpers.deps import helpers_digest

    digest = hashlib.sha256()
    digest.update(Path(notebook).read_bytes())
    digest.update(_json(params))
    digest.update(helpers_digest(Path(root) / "src", notebook).encode())
    digest.update(lock_digest(root).encode())
    digest.update(upstream.encode())
    return digest.hexdigest()


def variant_key(root: Path, settings: dict, scoring: dict, data_dir: Path, modules: list[str]) -> str:
    """Key of one ablation variant: what it trains and how it is scored (not its name),
    the code those run (``modules`` and everything they import), the lock file and the data."""
    from helpers.deps import modules_digest

    digest = hashlib.sha256(b"variant-v2")
    digest.update(_json({"settings": settings, "scoring": scoring}))
    digest.update(modules_digest(Path(root) / "src", modules).encode())
    digest.update(lock_digest(root).encode())
    digest.update(data_digest(data_dir).encode())
    return digest.hexdigest()


def job_key(name: str, func: Callable[..., Any], settings: dict, modules: Sequence[str] = (),
            root: Path | None = None) -> str:
    """Key of one sweep job: ``<name>-<12 hex>``.

    The hex covers ``func``'s module and name, its ``settings`` (the job's keyword
    arguments), the code it can execute (``func``'s module and ``modules``, each followed
    through its imports: :func:`helpers.deps.module_files`) and the lock file
    (in ``root``, else the repository this package sits in). ``name`` keeps the stored
    record readable (``cfr-comm-3-s13``); it is not what makes the key unique.
    """
    from helpers.deps import modules_digest

    digest = hashlib.sha256(b"job-v1")
    digest.update(_json([func.__module__, func.__qualname__, settings]))
    digest.update(modules_digest(SRC, [func.__module__, *modules]).encode())
    digest.update(lock_digest(root).encode())
    return f"{name}-{digest.hexdigest()[:12]}"


def checkpoint_key(settings: dict, data_dir: Path, modules: Sequence[str]) -> str:
    """Key of a training run's checkpoints: a checkpoint resumes only the same run (its
    settings but how often it validates or saves, the training code ``modules`` and what
    they import, the lock file, the task data)."""
    from helpers.deps import modules_digest

    same_run = {k: v for k, v in settings.items() if k not in ("eval_steps", "save_steps")}
    digest = hashlib.sha256(b"checkpoint-v2")
    digest.update(_json(same_run))
    digest.update(modules_digest(SRC, list(modules)).encode())
    digest.update(lock_digest().encode())
    digest.update(data_digest(data_dir).encode())
    return digest.hexdigest()


def model_key(folder: str | Path) -> str:
    """Key of a model folder's embeddings: every file below it (name and bytes) except the
    records of how it was made (:data:`MODEL_RECORDS`), plus the lock file."""
    digest = hashlib.sha256(lock_digest().encode())
    root = Path(folder)
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        if file.relative_to(root).as_posix() in MODEL_RECORDS:
            continue
        digest.update(str(file.relative_to(root)).encode())
        with open(file, "rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()[:16]


def texts_key(texts: Sequence[str], context: str) -> str:
    """Key of one encoding call's cached embeddings, within its model's folder
    (:func:`model_key`): ``context`` (how the texts were encoded) and every text, in order."""
    digest = hashlib.sha256(context.encode())
    for text in texts:
        digest.update(text.encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def frozen_weights_keys(bert, k: int) -> dict[int, str]:
    """For each level ``j`` in 1..``k`` of a BERT-like encoder: a key of the embeddings' and
    the lowest ``j`` layers' weights, ``j`` and the lock file (one pass serves every level)."""
    digest, keys = hashlib.sha256(b"frozen-prefix-v3"), {}
    digest.update(lock_digest().encode())
    for j, module in enumerate([bert.embeddings, *bert.encoder.layer[:k]]):
        for name, tensor in sorted(module.state_dict().items()):
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().data)  # the buffer itself: no copy
        if j:
            level = digest.copy()
            level.update(f"k={j}".encode())
            keys[j] = level.hexdigest()[:20]
    return keys
