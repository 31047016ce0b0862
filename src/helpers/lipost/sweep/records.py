"""What a finished ablation variant leaves in ``runs/<profile>/lipost/ablations/<slug>/``.

Its settings and key (``variant.json``, written last), its result rows, its training
summary and its training log (:data:`RECORD_FILES`). The book stage copies them under
``_static/`` (:func:`static_files`) so the ablation chapter links each variant's record;
the environment appendix counts the grid's time by the variants' own run times
(:func:`variant_seconds`), since a resumed ablation step records only its last session.
Light on purpose: the part's contract imports it.

Explained in the book: {ref}`pipeline-ablation-variants`.
"""

from __future__ import annotations

import json
from pathlib import Path

VARIANT_RECORD = "variant.json"
RECORD_FILES = (VARIANT_RECORD, "rows.csv", "summary.json", "training/train_log.csv")
"""A variant's record files, ``variant.json`` first (it marks the variant finished)."""


def finished_records(run_dir: Path) -> list[Path]:
    """The ``variant.json`` of every finished variant of the run, in name order."""
    return sorted((Path(run_dir) / "ablations").glob(f"*/{VARIANT_RECORD}"))


def static_files(run_dir: Path) -> list[tuple[Path, str]]:
    """``(source file, path under _static/)`` for every record file of every finished variant."""
    files = []
    for record in finished_records(run_dir):
        for name in RECORD_FILES:
            source = record.parent / name
            if source.exists():
                files.append((source, f"ablations/{record.parent.name}/{Path(name).name}"))
    return files


def variant_seconds(run_dir: Path) -> tuple[int, float]:
    """How many variants finished and the sum of their own run times (a variant reused
    from an earlier session counts the time it took then)."""
    records = [json.loads(p.read_text()) for p in finished_records(run_dir)]
    return len(records), float(sum(r["seconds"] for r in records))
