"""The book's parts: one per system of the source papers, in reading order.

A part has its notebooks in ``notebooks/<name>/``, its helpers in ``helpers.<name>``,
its block ``parts: <name>:`` in every profile and its run folder
``runs/<profile>/<name>/`` (executed notebooks, step records, ``results/metrics.csv``).
Parts run in this order and each part's steps chain within the part only, so a change
to one part never re-runs another.

Explained in the book: {ref}`pipeline-parts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Part:
    """One part of the book.

    Attributes:
        name: folder name under ``notebooks/``, ``src/helpers/`` and ``runs/<profile>/``.
        title: the part's caption in the book's table of contents.
        paper: the source paper, as the front page cites it.
    """

    name: str
    title: str
    paper: str


PARTS: tuple[Part, ...] = (
    Part("lipost", "Part I · LiPost", "LiPost: multi-task contrastive post embeddings (arXiv 2405.11344)"),
    Part("jps", "Part II · Joint Policy Search", "Joint Policy Search for multi-agent collaboration with "
         "imperfect information (NeurIPS 2020)"),
    Part("specialization", "Part III · Student specialization", "Student specialization in deep ReLU networks with "
         "finite width and input dimension (ICML 2020)"),
)
PART_NAMES = tuple(p.name for p in PARTS)


def part(name: str) -> Part:
    """The part called ``name``; :class:`~helpers.config.ParamError` naming the known ones otherwise."""
    from helpers.config import ParamError

    for candidate in PARTS:
        if candidate.name == name:
            return candidate
    raise ParamError(f"unknown part {name!r}; the book's parts are {list(PART_NAMES)}")


def notebook_path(root: Path, part_name: str, step: str) -> Path:
    """The source notebook of one step: ``notebooks/<part>/<step>.ipynb``."""
    return Path(root) / "notebooks" / part_name / f"{step}.ipynb"


def part_run_dir(root: Path, profile: str, part_name: str) -> Path:
    """Where one part of one profile's run lives: ``runs/<profile>/<part>``."""
    return Path(root) / "runs" / profile / part_name
