"""Our means against the paper's, as a stated test: is the paper's number within the noise
of ours?

The paper gives each cell of its table as a mean over seeds, to two decimals, with no
spread and no seed count; its seeds cannot be reproduced. So the comparison reads our
mean over seeds with its 95 % t-interval against the paper's number widened by its
rounding (± 0.005): per cell, the one-sample t-test of our seeds against the nearest edge
of that band (p = 1 when our mean lies inside it), and Holm's step-down over all cells at
5 % family-wise error. A cell Holm rejects *differs* (ours higher or lower); the others are
*within noise*; a cell with one seed has no interval and is *undecided*.

Explained in the book: {ref}`jps-search-table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.claims import StatedTest
from helpers.intervals import holm, seed_interval
from helpers.jps.paper import GAME_LABELS, PAPER_TABLE

ROUNDING = 0.005
"""Half a unit of the paper's last printed decimal: its number stands for this band."""

ROWS = (("cfr1k", "CFR1k"), ("cfr1k+jps", "CFR1k+JPS"))
"""Our model -> the paper's row it is compared with."""

WITHIN, HIGHER, LOWER, UNDECIDED = "within noise", "differs: ours higher", "differs: ours lower", "undecided (one seed)"


def stated_test(check: pd.DataFrame) -> StatedTest:
    """The test :func:`paper_check` applies to its table ``check``, in the words the chapter prints."""
    cells = len(check)
    per_game = check["seeds"].groupby(level="game", sort=False).max()
    seeds = ", ".join(f"{game} {int(n)}" for game, n in per_game.items()) or "none"
    return StatedTest(
        compared="our mean over seeds with the paper's quoted mean, per game and row (CFR1k, CFR1k+JPS)",
        on=f"{cells} cells; seeds per game: {seeds}",
        statistic=f"our mean with its 95 % t-interval; the t-test p-value of our seeds against the nearest edge "
                  f"of the paper's number ± {ROUNDING:g} (its rounding; p = 1 inside it)",
        threshold="a cell differs when Holm rejects it (ours higher or lower by the mean's side), is within noise "
                  "otherwise, undecided with one seed",
        comparisons=max(1, cells), correction="Holm's step-down over the cells' p-values, 5 % family-wise error")


def _p_value(values: np.ndarray, paper: float) -> float:
    mean = float(values.mean())
    if abs(mean - paper) <= ROUNDING or values.size < 2:
        return 1.0
    edge = paper + ROUNDING if mean > paper else paper - ROUNDING
    p = seed_interval(values - edge).p
    return 1.0 if np.isnan(p) else p


def paper_check(rows: pd.DataFrame, games: list[str]) -> pd.DataFrame:
    """Per paper game among ``games`` and row: our mean [95 % t-interval], the paper's number
    (quoted), our mean minus it, the cell's p-value and its reading under Holm (the module
    docstring's test); index: the game's label and the row.

    Args:
        rows: ``metrics.csv`` rows with ``model``, ``task``, ``metric``, ``value`` (one per seed).
        games: the games run, in the table's order.
    """
    values = rows[rows["metric"] == "expected_value"]
    cells = []
    for game in (g for g in games if g in PAPER_TABLE["CFR1k"]):
        for model, row in ROWS:
            seeds = values[(values["task"] == game) & (values["model"] == model)]["value"].to_numpy(dtype=float)
            if seeds.size:
                cells.append({"game": GAME_LABELS[game], "row": row, "seeds": seeds,
                              "paper": PAPER_TABLE[row][game]})
    rejected = holm([_p_value(c["seeds"], c["paper"]) for c in cells]) if cells else []
    out = []
    for cell, reject in zip(cells, rejected, strict=True):
        mean = float(cell["seeds"].mean())
        reading = (UNDECIDED if cell["seeds"].size < 2 else (HIGHER if mean > cell["paper"] else LOWER) if reject
                   else WITHIN)
        out.append({"game": cell["game"], "row": cell["row"],
                    "seeds": cell["seeds"].size, "ours: mean [95 % t-interval]": seed_interval(cell["seeds"]).format(3),
                    "paper (quoted)": f"{cell['paper']:.2f}", "ours − paper": round(mean - cell["paper"], 3),
                    "p (vs paper ± 0.005)": _p_value(cell["seeds"], cell["paper"]), "reading (Holm)": reading})
    columns = ["game", "row", "seeds", "ours: mean [95 % t-interval]", "paper (quoted)", "ours − paper",
               "p (vs paper ± 0.005)", "reading (Holm)"]
    return pd.DataFrame(out, columns=columns).set_index(["game", "row"])


def check_counts(check: pd.DataFrame) -> dict[str, int]:
    """How many cells of :func:`paper_check` read each way: ``paper_cells``, ``paper_within``,
    ``paper_higher``, ``paper_lower``, ``paper_undecided``."""
    reading = check["reading (Holm)"]
    return {"paper_cells": len(check), "paper_within": int((reading == WITHIN).sum()),
            "paper_higher": int((reading == HIGHER).sum()), "paper_lower": int((reading == LOWER).sum()),
            "paper_undecided": int((reading == UNDECIDED).sum())}
