"""The ablation grid expands to the right variants, refuses bad specs, and its tables read right."""

import pandas as pd
import pytest

from helpers.config import ParamError
from helpers.lipost import report as A
from helpers.lipost.sweep.grid import expand_grid

BASE = {"tasks": ["topic", "search", "crosslingual"], "dims": [384, 50], "scale": 20.0, "sampler": "proportional",
        "freeze_layers": 10, "batch_size": 8, "max_pairs_per_task": 200}
SPEC = {"questions": ["transfer", "zero_shot", "multilingual", "dimension", "mixing", "scale", "unfrozen",
                      "data_size"],
        "seeds": [1, 2], "tasks": [], "dims": [128, 16], "scales": [20, 50], "unfrozen": [2, 4],
        "fractions": [0.25]}


def test_small_grid_expands_to_the_right_variants():
    variants = expand_grid(SPEC, ["en", "fr"], BASE, n_layers=12)
    runs = [(v.run, v.seed) for v in variants]
    assert len(runs) == len(set(runs))
    by_run = pd.Series([v.run for v in variants]).value_counts()
    # headline questions on every seed, the others on the first seed only
    for run in ["base", "single:topic", "single:search", "single:crosslingual", "loo:topic", "loo:search",
                "loo:crosslingual", "lang:en-only", "lang:no-crosslingual"]:
        assert by_run[run] == 2, run
    for run in ["dim:matryoshka", "dim:128-projection", "dim:16-projection", "sampler:round_robin", "scale:50",
                "unfrozen:4", "frac:0.25"]:
        assert by_run[run] == 1, run
    assert "scale:20" not in by_run and "unfrozen:2" not in by_run  # those are the base settings
    v = {x.run: x for x in variants}
    assert v["loo:search"].overrides["tasks"] == ["topic", "crosslingual"]
    assert v["lang:en-only"].overrides == {"tasks": ["topic", "search"], "train_languages": ["en"]}
    assert v["dim:matryoshka"].overrides["dims"] == [384, 128, 16] and v["dim:matryoshka"].eval_dims == (384, 128, 16)
    assert v["dim:16-projection"].overrides == {"dims": [16], "projection_dim": 16}
    assert v["unfrozen:4"].overrides == {"freeze_layers": 8, "frozen_cache_layers": 8}
    assert v["frac:0.25"].overrides == {"max_pairs_per_task": 50}
    assert variants[0].slug == "base-s1" and v["single:topic"].slug == "single-topic-s2"  # last seed wins in v


def test_grid_tasks_limit_single_and_leave_one_out():
    variants = expand_grid({**SPEC, "tasks": ["topic"], "questions": ["transfer", "zero_shot"]}, ["en"], BASE, 12)
    assert sorted({v.run for v in variants}) == ["base", "loo:topic", "single:topic"]


@pytest.mark.parametrize("change,match", [
    ({"questions": ["transfer", "colour"]}, "questions = .*'colour'"),
    ({"seeds": []}, "seeds"),
    ({"dims": [384]}, "dims = \\[384\\]; expected a list of sizes between 1 and 383"),
    ({"fractions": [1.0]}, "fractions"),
    ({"unfrozen": [13]}, "unfrozen"),
    ({"tasks": ["storyline"]}, "tasks = \\['storyline'\\]"),
])
def test_invalid_grid_is_refused_with_a_clear_message(change, match):
    with pytest.raises(ParamError, match=match):
        expand_grid({**SPEC, **change}, ["en", "fr"], BASE, n_layers=12)


def test_multilingual_needs_english_and_another_language():
    with pytest.raises(ParamError, match="multilingual needs English"):
        expand_grid({**SPEC, "questions": ["multilingual"]}, ["en"], BASE, 12)


def _rows(values):
    """Tidy rows: values = {(run, seed): {task: value}} at size 384, main metric only."""
    return pd.DataFrame([{"run": run, "seed": seed, "model": "finetuned-384", "task": task, "lang": "all",
                          "metric": "mrr@10" if task != "topic" else "label_accuracy", "value": v, "n": 10}
                         for (run, seed), tv in values.items() for task, v in tv.items()])


MANIFEST = {"topic": {"kind": "label", "in_domain": True}, "search": {"kind": "retrieval", "in_domain": True}}


def test_the_transfer_matrix_is_the_gain_over_the_untuned_model_in_means_over_seeds():
    rows = _rows({("base", 1): {"search": 0.60, "topic": 0.80}, ("base", 2): {"search": 0.62, "topic": 0.82},
                  ("single:search", 1): {"search": 0.50, "topic": 0.40},
                  ("single:search", 2): {"search": 0.52, "topic": 0.41},
                  ("single:topic", 1): {"search": 0.60, "topic": 0.80},
                  ("single:topic", 2): {"search": 0.61, "topic": 0.83},
                  ("untuned", 1): {"search": 0.55, "topic": 0.30}})
    s = A.seed_summary(rows, MANIFEST)
    assert A.value_of(s, "base", 384, "search") == pytest.approx((0.61, 0.0141), abs=1e-3)
    matrix = A.transfer_matrix(s, ["search", "topic"], ["search", "topic"], 384)
    assert matrix.loc["only search", "search"] == pytest.approx(0.51 - 0.55)
    assert matrix.loc["all tasks", "topic"] == pytest.approx(0.81 - 0.30)


def test_grid_from_params_checks_tasks_against_the_data(small_data):
    from helpers.lipost.data.store import UnknownTask
    from helpers.lipost.sweep.grid import grid_from_params

    params = {**BASE, "base_model": "multilingual-e5-small", "steps": 2, "lr": 1e-4, "warmup_ratio": 0.1,
              "max_seq_length": 32, "questions": ["transfer"], "seeds": [1], "grid_tasks": [], "grid_dims": [16],
              "grid_scales": [], "grid_unfrozen": [], "grid_fractions": []}
    grid = grid_from_params(params, small_data.data_dir)
    assert grid.n_layers == 12 and grid.languages == ["en", "es", "fr"]
    assert sorted(v.run for v in grid.variants) == ["base", "single:crosslingual", "single:search", "single:topic"]
    with pytest.raises(UnknownTask, match="tasks: unknown task 'nope'"):
        grid_from_params({**params, "tasks": ["topic", "nope"]}, small_data.data_dir)
    assert grid.base["dropout"] == -1  # optional: the model's own dropout
    with pytest.raises(ParamError, match=r"\['steps'\] missing"):
        grid_from_params({k: v for k, v in params.items() if k != "steps"}, small_data.data_dir)


def test_identical_grid_entries_share_one_run(tmp_path):
    import json

    from helpers.lipost.sweep.run import (
        copy_variant,
        links_html,
        training_identity,
        variant_scoring,
        variant_settings,
    )

    variants = expand_grid(SPEC, ["en", "fr"], BASE, n_layers=12)
    v = {(x.run, x.seed): x for x in variants}
    ident = {key: training_identity(variant_settings(x, BASE), variant_scoring(x, 64, 100, 1)) for key, x in v.items()}
    # leaving the cross-lingual task out is the multilingual question's "no cross-lingual" model ...
    assert ident[("loo:crosslingual", 1)] == ident[("lang:no-crosslingual", 1)]
    # ... but no other two entries (nor two seeds of one) train the same thing
    assert len(set(ident.values())) == len(ident) - 2

    source, dup = v[("loo:crosslingual", 1)], v[("lang:no-crosslingual", 1)]
    origin, folder = tmp_path / "ablations" / source.slug, tmp_path / "ablations" / dup.slug
    (origin / "training").mkdir(parents=True)
    for name, text in [("rows.csv", "model,value\nfinetuned-384,0.5\n"), ("summary.json", "{}"),
                       ("training/train_log.csv", "step,loss\n1,2.0\n"),
                       ("variant.json", json.dumps({"run": source.run, "key": "k", "settings": {}}))]:
        (origin / name).write_text(text)
    (origin / "units.parquet").write_bytes(b"PAR1")  # a variant's per-unit scores travel with its rows
    rec = copy_variant(dup, origin, folder, source, log=lambda m: None)
    assert (folder / "rows.csv").read_text() == (origin / "rows.csv").read_text()
    assert (folder / "training" / "train_log.csv").exists()
    assert (folder / "units.parquet").read_bytes() == b"PAR1"
    saved = json.loads((folder / "variant.json").read_text())
    assert saved["same_as"] == "loo:crosslingual" and saved["seconds"] == 0.0 and rec["run"] == "lang:no-crosslingual"
    html = links_html(pd.DataFrame([{**rec, "slug": dup.slug}]))
    assert "the same run as <code>loo:crosslingual</code>" in html
    assert f'href="../_static/ablations/{dup.slug}/train_log.csv"' in html


def test_a_variant_is_reused_until_what_it_computes_changes(small_data, tmp_path, root):
    """A variant's key is its settings, scoring, code and data: the same call is reused, a
    changed setting retrains, and the record is written last (a half-run variant has none)."""
    import json

    from helpers.lipost.sweep.grid import Variant
    from helpers.lipost.sweep.run import run_variant, variant_scoring, variant_settings

    tiny = {"base_model": "all-MiniLM-L6-v2", "tasks": ["description", "topic"], "steps": 2, "batch_size": 8,
            "max_seq_length": 32, "freeze_layers": 4, "dims": [384, 32], "max_pairs_per_task": 64}
    variant = Variant("base", "base", 1, {}, (384, 32))
    scoring = variant_scoring(variant, 32, 20, 1)
    folder, logs = tmp_path / "ablations" / variant.slug, []
    first = run_variant(root, variant, variant_settings(variant, tiny), scoring, folder, small_data.data_dir,
                        logs.append)
    record = json.loads((folder / "variant.json").read_text())
    assert not first["reused"] and record["settings"]["steps"] == 2 and record["settings"]["save_steps"] == 0
    assert (folder / "training" / "train_log.csv").exists() and (folder / "summary.json").exists()
    assert not (folder / "training" / "checkpoints").exists()  # never resumed: no checkpoints kept
    again = run_variant(root, variant, variant_settings(variant, tiny), scoring, folder, small_data.data_dir,
                        logs.append)
    assert again["reused"] and "unchanged, reused" in logs[-1]
    changed = run_variant(root, variant, variant_settings(variant, {**tiny, "lr": 3e-4}), scoring, folder,
                          small_data.data_dir, logs.append)
    assert not changed["reused"] and changed["key"] != first["key"]


def test_data_size_without_a_cap_takes_fractions_of_the_smallest_task():
    uncapped = {**BASE, "max_pairs_per_task": 0}
    spec = {**SPEC, "questions": ["data_size"], "fractions": [0.25, 0.5]}
    caps = {v.run: v.overrides["max_pairs_per_task"] for v in expand_grid(spec, ["en"], uncapped, 12, 400)
            if v.question == "data_size"}
    assert caps == {"frac:0.25": 100, "frac:0.5": 200}
    capped = {v.run: v.overrides["max_pairs_per_task"] for v in expand_grid(spec, ["en"], BASE, 12, 400)
              if v.question == "data_size"}
    assert capped == {"frac:0.25": 50, "frac:0.5": 100}  # of the base cap (200), not of the task
    with pytest.raises(ParamError, match="data_size needs"):
        expand_grid(spec, ["en"], uncapped, 12)


@pytest.mark.slow
def test_the_grid_on_a_two_worker_dask_cluster_gives_the_in_process_rows(small_data, tmp_path, root):
    """The smallest grid that shows it: two trainings and an entry that shares one, run in this
    process and on a local cluster of two worker processes; the same records and rows."""
    import json

    from helpers.lipost.sweep.grid import Variant
    from helpers.lipost.sweep.run import collect_rows, run_grid, variant_folder

    tiny = {"base_model": "all-MiniLM-L6-v2", "tasks": ["description", "topic"], "steps": 2, "batch_size": 8,
            "max_seq_length": 32, "freeze_layers": 4, "dims": [384, 32], "max_pairs_per_task": 64, "dropout": 0.0}
    variants = [Variant("base", "base", 1, {}, (384, 32)),
                Variant("single:topic", "transfer", 1, {"tasks": ["topic"]}, (384, 32)),
                Variant("loo:description", "zero_shot", 1, {"tasks": ["topic"]}, (384, 32))]  # = single:topic
    tables, records = {}, {}
    for name, executor in [("here", None), ("dask", {"kind": "dask", "workers": 2})]:
        run_dir = tmp_path / name
        run_dir.mkdir()
        (run_dir / "data").symlink_to(small_data.data_dir, target_is_directory=True)
        records[name] = run_grid(root, variants, tiny, run_dir, 32, 20, 1, executor=executor, log=lambda _: None)
        tables[name] = collect_rows(run_dir, variants)
        assert json.loads((variant_folder(run_dir, variants[2]) / "variant.json").read_text())["same_as"] == \
            "single:topic"
    columns = ["run", "seed", "reused", "same_as"]
    assert records["here"][columns].equals(records["dask"][columns])
    here, there = tables["here"], tables["dask"]
    keys = ["run", "seed", "model", "task", "lang", "metric", "n"]
    assert here[keys].equals(there[keys]) and len(here) > 20
    assert (here["value"] - there["value"]).abs().max() < 1e-5  # one worker thread vs two: summation order only
    again = run_grid(root, variants, tiny, tmp_path / "dask", 32, 20, 1, executor={"kind": "dask", "workers": 2},
                     log=lambda _: None)
    assert again["reused"].sum() == 2  # finished variants are reused without starting a job


def test_the_larger_budget_repeats_the_claims_deciding_runs_on_every_seed():
    base = {**BASE, "steps": 32, "freeze_layers": 11}
    spec = {**SPEC, "questions": ["budget"], "budget_steps": 0, "budget_unfrozen": 0, "budget_tasks": ["topic"]}
    variants = expand_grid(spec, ["en", "fr"], base, n_layers=12)
    runs = pd.Series([v.run for v in variants]).value_counts()
    assert set(runs.index) == {"base", "budget:base", "budget:single:topic", "budget:lang:en-only",
                               "budget:lang:no-crosslingual"} and (runs == 2).all()  # every seed
    v = {x.run: x for x in variants}
    # 0 resolves to 4 x the steps and twice the trained layers, served from the base's cache level
    assert v["budget:base"].overrides == {"steps": 128, "freeze_layers": 10, "frozen_cache_layers": 10}
    assert v["budget:single:topic"].overrides["tasks"] == ["topic"]
    for bad, match in [({"budget_steps": 64}, "grid_budget_steps"), ({"budget_unfrozen": 1}, "grid_budget_unfrozen"),
                       ({"budget_tasks": ["nope"]}, "grid_budget_tasks")]:
        with pytest.raises(ParamError, match=match):
            expand_grid({**spec, **bad}, ["en", "fr"], base, n_layers=12)
