"""Chapter 1's pipeline step: validate parameters, build every task, save them.

:func:`build_all` is what the data notebook calls. All checks (parameters, raw-file
hashes, bring-your-own files) run before anything is written; the dataset folder is then
written in one atomic step (:func:`helpers.lipost.data.store.save_tasks`).

Explained in the book: {ref}`lipost-data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.config import ParamError, Rule, integer, list_of_tasks, number, subset_of, text, validate
from helpers.lipost.data import byo, card, sources, tasks
from helpers.lipost.data.splits import component_sizes
from helpers.lipost.data.store import save_tasks

RULES: dict[str, Rule] = {
    "run_dir": text(),
    "seed": integer(0),
    "languages": subset_of("en", "es", "fr"),
    "test_fraction": number(0.0, 0.5, lo_open=True),
    "val_fraction": number(0.0, 0.3),
    "max_train_per_lang": integer(0),
    "max_val_per_lang": integer(0),
    "max_test_per_lang": integer(0),
    "bbc_test_size": integer(10, 2000),
    "bbc_train_size": integer(0, 2000),
    "extra_tasks": list_of_tasks(),
}


@dataclass
class BuiltData:
    """What the chapter shows: the tables behind its figures."""

    data_dir: Path
    sizes: pd.DataFrame
    tables: dict
    articles: pd.DataFrame
    bbc_dropped: int
    component_sizes: list[int]
    raw_sha256: dict


def check_split_fractions(params: dict) -> None:
    """Refuse held-out fractions (``test_fraction + val_fraction``) that leave training under 10 %."""
    held_out = params["test_fraction"] + params["val_fraction"]
    if held_out >= 0.9:
        raise ParamError(f"test_fraction + val_fraction = {held_out}: expected < 0.9 so that training keeps "
                         "most articles")


def build_all(params: dict, root: Path) -> BuiltData:
    """Validate ``params``, build all tasks and save them under ``<run_dir>/data``."""
    p = validate(params, RULES)
    check_split_fractions(p)
    raw = sources.check_raw_files(root / "data" / "raw_sha256.json")
    extra = {}
    for spec in p["extra_tasks"]:
        path = Path(spec["path"]) if Path(spec["path"]).is_absolute() else root / spec["path"]
        extra[spec["name"]] = byo.read_task_file(spec["name"], path, p["seed"], p["test_fraction"],
                                                 p["val_fraction"])

    articles = sources.load_wiki(p["languages"])
    split_of, component_of = tasks.split_articles(articles, p["seed"], p["test_fraction"], p["val_fraction"])
    caps = {"train": p["max_train_per_lang"], "validation": p["max_val_per_lang"],
            "test": p["max_test_per_lang"]}
    kept = tasks.cap_articles(articles, split_of, component_of, p["seed"], caps)
    tables = tasks.build_wiki_tasks(kept, split_of)
    bbc, dropped = sources.load_bbc()
    tables.update(tasks.build_bbc_tasks(bbc, p["seed"], p["bbc_test_size"], p["bbc_train_size"]))
    tables.update(extra)

    manifest = {name: tasks.task_manifest(name) for name in tables}
    sizes = pd.DataFrame(tasks.task_sizes(tables))
    kept_frame = pd.DataFrame([{"lang": a.lang, "split": split_of[a.key], "topic": a.topic} for a in kept])
    data_dir = Path(p["run_dir"]) / "data"
    save_tasks(data_dir, tasks.to_dataset_dicts(tables), manifest,
               card.dataset_card(sizes, manifest, raw, dropped, p), raw)
    return BuiltData(data_dir=data_dir, sizes=sizes, tables=tables, articles=kept_frame,
                     bbc_dropped=dropped, component_sizes=component_sizes(component_of), raw_sha256=raw)
