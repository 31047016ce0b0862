"""Training datasets: one ``datasets.Dataset`` per task, in the column layout the losses expect.

Pair tasks keep ``anchor`` and ``positive``; label and group tasks add an integer
``label`` column (sentence-transformers passes a column named ``label`` to the loss as
``labels``). The e5 prompts of each task's columns become the trainer's ``prompts``.

Explained in the book: {ref}`lipost-training-model-and-losses`.
"""

from __future__ import annotations

from pathlib import Path

from helpers.config import ParamError
from helpers.lipost.data.store import check_tasks, load_manifest, load_task

PROMPT_TEXT = {"query": "query: ", "passage": "passage: "}


def training_sets(data_dir: Path, tasks: list[str], batch_size: int, max_pairs: int, seed: int,
                  languages: list[str] | None = None) -> dict:
    """Load the ``train`` split of each task; a clear error for unknown/unusable tasks.

    ``languages`` keeps only rows in those languages (a cross-lingual ``en-fr`` row needs
    both); ``max_pairs`` caps each task after a seeded shuffle.
    """
    manifest = load_manifest(data_dir)
    keep = set(languages or [])
    check_tasks(tasks, manifest, "tasks")
    out = {}
    for task in tasks:
        if not manifest[task]["trainable"]:
            raise ParamError(f"task {task!r} is out-of-domain (zero-shot only) and is never trained on")
        dsd = load_task(data_dir, task)
        if "train" not in dsd or len(dsd["train"]) == 0:
            raise ParamError(f"task {task!r} has no training rows in {data_dir}")
        train = dsd["train"]
        if keep:
            train = train.filter(lambda lang: set(lang.split("-")) <= keep, input_columns="lang")
            if len(train) == 0:
                raise ParamError(f"task {task!r} has no training rows in languages {sorted(keep)}; "
                                 "drop the task or add a language")
        train = train.shuffle(seed=seed)
        if max_pairs:
            train = train.select(range(min(max_pairs, len(train))))
        if len(train) < batch_size:
            raise ParamError(f"batch_size {batch_size} is larger than task {task!r}'s {len(train)} "
                             "training pairs; lower batch_size or drop the task")
        if manifest[task]["kind"] in ("label", "group"):
            labels = list(train["label"])
            index = {name: i for i, name in enumerate(sorted(set(labels)))}
            train = train.select_columns(["anchor", "positive"]).add_column("label", [index[x] for x in labels])
        else:
            train = train.select_columns(["anchor", "positive"])
        out[task] = train
    return out


def task_prompts(data_dir: Path, tasks: list[str], use_prompts: bool) -> dict | None:
    """Per-task, per-column prompt strings for ``SentenceTransformerTrainingArguments``."""
    if not use_prompts:
        return None
    manifest = load_manifest(data_dir)
    return {t: {col: PROMPT_TEXT[role] for col, role in manifest[t]["prompts"].items()} for t in tasks}
