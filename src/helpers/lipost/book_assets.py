"""What Part I adds to the book beside its chapters: each ablation variant's record.

The book stage (:mod:`helpers.pipeline.book`) asks every part for such files through a
module ``helpers.<part>.book_assets`` and copies them under ``_static/``, so the ablation
chapter can link each variant's settings, rows and training log.

Explained in the book: {ref}`pipeline-ablation-variants`.
"""

from __future__ import annotations

from pathlib import Path

from helpers.lipost.ablation.run import RECORD_FILES


def static_files(run_dir: Path) -> list[tuple[Path, str]]:
    """``(source file, path under _static/)`` for every record file of every finished variant."""
    files = []
    for record in sorted((Path(run_dir) / "ablations").glob("*/variant.json")):
        for name in RECORD_FILES:
            source = record.parent / name
            if source.exists():
                files.append((source, f"ablations/{record.parent.name}/{Path(name).name}"))
    return files
