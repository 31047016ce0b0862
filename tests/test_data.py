"""Task builders: topic mapping, leakage, dedupe, masking, determinism."""

import json
import re
from collections import Counter

import pytest

from helpers.lipost.data import sources, tasks
from helpers.lipost.data.masking import MASK, mask_title
from helpers.lipost.data.topics import UNCATEGORIZED, topic_class
from tests.conftest import ROOT


def test_topic_mapping_covers_every_topic_in_the_corpus():
    for art in sources.load_wiki(["en", "es", "fr"]):
        cls = topic_class(art.lang, art.topic)
        assert (cls is None) == (art.topic == UNCATEGORIZED)


def test_no_article_in_test_is_trained_on(small_data):
    train_articles, test_articles = set(), set()
    for table in small_data.tables.values():
        train_articles |= {r["article"] for r in table.rows["train"]}
        test_articles |= {r["article"] for r in table.rows["test"]}
    assert test_articles and train_articles
    assert not train_articles & test_articles
    # texts too: no test summary appears as a training text in any task
    train_texts = {r[c] for t in small_data.tables.values() for r in t.rows["train"] for c in ("anchor", "positive")}
    test_summaries = {r["positive"] for r in small_data.tables["description"].rows["test"]}
    assert not train_texts & test_summaries


def test_translations_share_a_split():
    arts = sources.load_wiki(["en", "fr"])
    split_of, _ = tasks.split_articles(arts, 5, 0.2, 0.1)
    keys = Counter(a.key for a in arts)
    shared = [k for k, n in keys.items() if n == 2]
    assert len(shared) > 1000
    assert all(k in split_of for k in shared)  # one split per key, hence per translation pair


def test_duplicates_dropped():
    for lang in ("en", "es", "fr"):
        extracts = [a.extract for a in sources.load_wiki([lang])]
        assert len(extracts) == len(set(extracts))
    bbc, dropped = sources.load_bbc()
    assert dropped > 0 and len({a.body for a in bbc}) == len(bbc)


def test_same_seed_same_data_other_seed_other_split(small_data, tmp_path, root):
    from helpers.lipost.data.build import build_all
    from tests.conftest import SMALL

    again = build_all({**SMALL, "run_dir": str(tmp_path / "a")}, root)
    assert again.sizes.equals(small_data.sizes)
    assert again.tables["search"].rows["test"] == small_data.tables["search"].rows["test"]
    other = build_all({**SMALL, "seed": 14, "run_dir": str(tmp_path / "b")}, root)
    assert other.tables["search"].rows["test"] != small_data.tables["search"].rows["test"]


def test_mask_title_removes_mentions_case_insensitively():
    text = "The Eiffel Tower is a tower in Paris. EIFFEL designed it."
    masked = mask_title(text, "Eiffel Tower")
    assert "Eiffel" not in masked and "EIFFEL" not in masked and "Tower" not in masked
    assert MASK in masked and "Paris" in masked


def test_saved_dataset_has_every_task_and_a_card(small_data):
    manifest = json.loads((small_data.data_dir / "tasks.json").read_text())
    assert set(manifest) == set(tasks.TASK_KINDS)
    assert not manifest["bbc_headline"]["trainable"] and manifest["search"]["trainable"]
    card = (small_data.data_dir / "README.md").read_text()
    assert "summaries_en-us.json" in card and "Topic mapping" in card


def test_changed_raw_file_is_a_clear_error(tmp_path):
    expected = json.loads((ROOT / "data" / "raw_sha256.json").read_text())
    name = next(iter(expected))
    expected[name] = "0" * 64
    bad = tmp_path / "raw.json"
    bad.write_text(json.dumps(expected))
    with pytest.raises(sources.SourceError, match=name):
        sources.check_raw_files(bad)


def test_unknown_task_is_one_error_wherever_it_is_found(small_data):
    from helpers.config import ParamError
    from helpers.lipost.data.store import UnknownTask, check_tasks, load_manifest, load_task
    from helpers.lipost.evaluation import evaluate
    from helpers.lipost.sweep.grid import grid_from_params

    manifest = load_manifest(small_data.data_dir)
    assert check_tasks(("topic", "search"), manifest) == ["topic", "search"]
    this_run = r"this run has \['bbc_category', 'bbc_headline', 'crosslingual', .*'topic'\]$"
    grid = {"base_model": "multilingual-e5-small", "tasks": ["topic", "nope"], "steps": 2, "batch_size": 8,
            "lr": 1e-4, "warmup_ratio": 0.1, "scale": 20.0, "dims": [384, 50], "sampler": "proportional",
            "freeze_layers": 10, "max_seq_length": 32, "max_pairs_per_task": 0, "questions": ["transfer"],
            "seeds": [1], "grid_tasks": [], "grid_dims": [], "grid_scales": [], "grid_unfrozen": [],
            "grid_fractions": []}
    entry_points = {
        "check_tasks": lambda: check_tasks(["topic", "nope", "nix"], manifest),
        "load_task": lambda: load_task(small_data.data_dir, "nope"),
        "evaluate": lambda: evaluate(None, small_data.data_dir, tasks=["topic", "nope"]),  # refused before encoding
        "ablation grid, tasks": lambda: grid_from_params(grid, small_data.data_dir),
        "ablation grid, grid_tasks": lambda: grid_from_params({**grid, "tasks": ["topic"], "grid_tasks": ["nope"]},
                                                              small_data.data_dir),
    }
    messages = {}
    for where, call in entry_points.items():
        with pytest.raises(UnknownTask) as caught:
            call()
        messages[where] = str(caught.value)
        assert isinstance(caught.value, ParamError), where  # the pipeline reports it as a bad parameter
        assert "'nope'" in messages[where] and re.search(this_run, messages[where]), (where, messages[where])
    assert messages["check_tasks"].startswith("unknown tasks 'nope', 'nix'; ")
    assert messages["load_task"].startswith("unknown task 'nope'; ")
    assert messages["ablation grid, tasks"].startswith("tasks: unknown task 'nope'; ")
    assert messages["ablation grid, grid_tasks"].startswith("grid_tasks: unknown task 'nope'; ")
