"""The ``full-small`` profile: every setting of ``full`` but its sizes, which are divided
by one factor, so the GPU/cluster profile runs end to end in the tests and cannot rot
unseen.

``full`` is written for a GPU machine or a cluster (hours to a day on this CPU). What can
break there without a GPU is its *shape*: the processes of distributed training, the text
lengths, the layers trained, the widths, the games and their depth limits, the step
schedules. ``full-small`` keeps all of that and shrinks only what each part declares a
size (:attr:`helpers.pipeline.contract.PartContract.sizes`: seeds, steps, samples, test
caps), each divided by :data:`FACTOR` and kept at or above its floor. A size of ``0``
("everything", e.g. a whole test split) becomes its floor. The run lands under
``runs/full-small/`` like any profile's.

Explained in the book: {ref}`pipeline-profiles`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = "full-small"
"""The derived profile's name (``--profile full-small``)."""

BASE = "full"
"""The profile it is derived from."""

FACTOR = 1000
"""The one factor every size of ``full`` is divided by."""


class SizeSpecError(ValueError):
    """A part's size declaration that does not fit the parameter's value."""


@dataclass(frozen=True)
class Items:
    """A list whose length is the size (seed ids, say): its first ``len / factor`` items
    are kept, at least ``floor`` of them."""

    floor: int


def scaled(value: Any, floor: Any, factor: int = FACTOR, where: str = "") -> Any:
    """``value`` with its sizes divided by ``factor``, each kept ≥ its floor.

    ``floor`` mirrors the value's shape: :class:`Items` keeps a list's first items; an
    int floor scales an int, each int of a list (duplicates after scaling dropped, order
    kept) and each value of a mapping (e.g. seeds per game); a mapping of floors scales
    those keys of a value (or of each mapping inside a mapping: ``{game: {seeds: 30,
    depth_limit: 3}}`` with ``{seeds: 1}``).
    """
    if isinstance(floor, Items):
        if not isinstance(value, list):
            raise SizeSpecError(f"{where}: Items({floor.floor}) for a {type(value).__name__} value")
        return value[:max(floor.floor, math.ceil(len(value) / factor))]
    if isinstance(floor, Mapping):
        if not isinstance(value, Mapping):
            raise SizeSpecError(f"{where}: a mapping of sizes {dict(floor)} for a {type(value).__name__} value")
        if set(floor) & set(value):  # the sizes are keys of this mapping
            return {k: scaled(v, floor[k], factor, f"{where}.{k}") if k in floor else v for k, v in value.items()}
        return {k: scaled(v, floor, factor, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, bool) or not isinstance(floor, int):
        raise SizeSpecError(f"{where}: cannot scale {value!r} with floor {floor!r}")
    if isinstance(value, int):
        return floor if value == 0 else max(floor, round(value / factor))
    if isinstance(value, list):
        out: list[int] = []
        for item in value:
            size = scaled(item, floor, factor, where)
            if size not in out:
                out.append(size)
        return out
    if isinstance(value, Mapping):
        return {k: scaled(v, floor, factor, f"{where}.{k}") for k, v in value.items()}
    raise SizeSpecError(f"{where}: cannot scale a {type(value).__name__} ({value!r})")


def derive(root: Path) -> dict[str, Any]:
    """The ``full-small`` profile: ``full`` with each declared size of each step (as the
    step would run it under ``full``: notebook default or profile value) scaled down."""
    from helpers.pipeline.parameters import resolve
    from helpers.pipeline.parts import load
    from helpers.pipeline.profiles import load_profile, part_steps

    data = load_profile(BASE, root)
    small = copy.deepcopy(data)
    for part_name in data["parts"]:
        sizes = load(part_name).sizes
        for step in part_steps(data, part_name):
            if not sizes.get(step):
                continue
            params = resolve(BASE, root, part_name, step, data)
            block = small["parts"][part_name].get(step) or {}
            for name, floor in sizes[step].items():
                if name not in params:
                    raise SizeSpecError(f"part {part_name!r}, step {step!r}: size {name!r} is not a parameter "
                                        "of its notebook")
                block[name] = scaled(params[name], floor, FACTOR, f"{part_name}/{step}.{name}")
            small["parts"][part_name][step] = block
    return small
