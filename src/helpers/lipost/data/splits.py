"""Article-level splits shared by every task and language.

The unit of splitting is a *component*: articles joined by a translation link (the
same title key in two languages) or by a storyline group (the same short description
in one language). A whole component goes to one split, so an article, its translations
and its storyline neighbours never sit on both sides of the train/test line. The split
of a component is a pure function of the seed and the component's smallest key.

Explained in the book: {ref}`lipost-data-splits`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

SPLITS = ("train", "validation", "test")


def stable_unit(seed: int, key: str) -> float:
    """A number in [0, 1) fixed by ``seed`` and ``key`` (SHA-256, not Python's hash)."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(keys: Iterable[str], groups: Iterable[Iterable[str]]) -> dict[str, str]:
    """Map each key to its component's representative (its smallest member)."""
    uf = _UnionFind()
    for key in keys:
        uf.find(key)
    for group in groups:
        members = list(group)
        for other in members[1:]:
            uf.union(members[0], other)
    return {key: uf.find(key) for key in uf.parent}


def split_for(u: float, test_fraction: float, val_fraction: float) -> str:
    """Map a uniform draw to a split name."""
    return "test" if u < test_fraction else "validation" if u < test_fraction + val_fraction else "train"


def assign_splits(component_of: dict[str, str], seed: int, test_fraction: float,
                  val_fraction: float) -> dict[str, str]:
    """Split name per key: one draw per component, so members share a split."""
    return {key: split_for(stable_unit(seed, comp), test_fraction, val_fraction)
            for key, comp in component_of.items()}


def component_sizes(component_of: dict[str, str]) -> list[int]:
    """Sizes of all components, largest first (for the chapter's sanity table)."""
    counts: dict[str, int] = defaultdict(int)
    for comp in component_of.values():
        counts[comp] += 1
    return sorted(counts.values(), reverse=True)
