"""The paper's claims for Part II answered from this run's rows, and the practices graded by evidence.

Rows, verdict words and grades are the book's (:mod:`helpers.claims`); this module only
says what each claim's sub-tests are. Every claim is tested game by game, from the
``cfr1k`` and ``cfr1k+jps`` rows of the main table (chapter 2) and the JPS records' step
changes (:func:`step_changes`), and its verdict is :func:`helpers.claims.verdict` of the
games' outcomes. A practice's evidence is a list with one piece per game (or one piece),
graded by :func:`helpers.claims.grade` with this part's bar of :data:`MIN_SEEDS` seeds.

Explained in the book: {ref}`jps-practices-claims`.
"""

from __future__ import annotations

import pandas as pd

from helpers.claims import CONTRADICTED, FAIL, PASS, UNDECIDED, Claim, Practice, grade, verdict
from helpers.jps.games import BEST_KNOWN, PAPER_GAMES, reaches
from helpers.jps.paper import GAME_LABELS, PAPER_TABLE
from helpers.jps.part import PART
from helpers.jps.report import NEVER_WORSE_TOL

MIN_SEEDS = PART.min_seeds
"""The fewest seeds per game behind a *strong* practice (the part's contract)."""

LABEL, SHOWN_IN = "jps-search-table", "Joint Policy Search: the main table"
"""The section that shows every claim's numbers (the main table and the facts below it)."""


def _values(rows: pd.DataFrame, model: str) -> pd.DataFrame:
    picked = rows[(rows["model"] == model) & (rows["metric"] == "expected_value")]
    return picked.pivot_table(index="seed", columns="task", values="value")


def step_changes(records: list[dict]) -> dict[str, list[float]]:
    """Per game, the smallest change of the value between consecutive JPS iterations of every
    JPS run in ``records`` (:func:`helpers.jps.sweep.cfr_jps_job`'s ``min_step``)."""
    steps: dict[str, list[float]] = {}
    for rec in records:
        steps.setdefault(rec["game"], []).extend(jps["min_step"] for jps in rec["jps"].values())
    return steps


def claims(rows: pd.DataFrame, steps: dict[str, list[float]]) -> list[Claim]:
    """The paper's three claims, each with its per-game sub-tests and verdict.

    Args:
        rows: the main table's ``metrics.csv`` rows (chapter 2).
        steps: :func:`step_changes` of every JPS run of the part.

    Returns:
        Claims 1-3: JPS never worsens a policy, improves CFR's solutions on every game,
        reaches the best-known values.
    """
    cfr, jps = _values(rows, "cfr1k"), _values(rows, "cfr1k+jps")
    games = [g for g in PAPER_GAMES if g in cfr.columns and g in jps.columns]
    drops = ((jps[games] - cfr[games]) < -NEVER_WORSE_TOL).sum()  # per paper game: seeds that end lower
    never_worse = [bool(min(steps.get(g, []), default=0.0) >= -NEVER_WORSE_TOL and not drops.get(g, 0))
                   for g in dict.fromkeys([*games, *steps])]
    all_steps = [s for g in steps for s in steps[g]]
    gains = {g: jps[g].mean() - cfr[g].mean() for g in games}
    reached = {g: int(sum(reaches(g, v) for v in jps[g].dropna())) for g in games}
    paper_gain = ", ".join(f"{GAME_LABELS[g]} {PAPER_TABLE['CFR1k'][g]:.2f} → {PAPER_TABLE['CFR1k+JPS'][g]:.2f}"
                           for g in games)
    ours_gain = ", ".join(f"{GAME_LABELS[g]} {cfr[g].mean():.3f} → {jps[g].mean():.3f}" for g in games)
    gap_closed = "; ".join(f"{GAME_LABELS[g]} {reached[g]}/{int(jps[g].notna().sum())} seeds reach "
                           f"{BEST_KNOWN[g]:g}" for g in games)
    common = {"part": PART.name, "label": LABEL, "shown_in": SHOWN_IN}
    return [
        Claim(number=1, claim="JPS never worsens a policy",
              paper="a guarantee: each JPS step has a non-negative exact gain (the no-change option is always "
                    "available)",
              measured=f"{len(all_steps)} JPS runs; smallest step change {min(all_steps, default=0.0):.2e}; "
                       f"{int(drops.sum())} seeds end below their CFR1k start; every applied chain's predicted "
                       "gain matched the re-evaluated gain to 1e-9",
              verdict=verdict(never_worse),
              test=f"per game: every JPS step changes the exact value by ≥ −{NEVER_WORSE_TOL:g} and no seed ends "
                   "below its CFR1k start", **common),
        Claim(number=2, claim="JPS improves CFR's solutions on every game",
              paper=f"mean CFR1k → CFR1k+JPS (quoted): {paper_gain}",
              measured=f"improved on {sum(gains[g] > NEVER_WORSE_TOL for g in games)} of {len(games)} games "
                       f"(mean over seeds): {ours_gain}",
              verdict=verdict(bool(gains[g] > NEVER_WORSE_TOL) for g in games),
              test=f"per paper game: mean CFR1k+JPS − mean CFR1k over seeds > {NEVER_WORSE_TOL:g}", **common),
        Claim(number=3, claim="JPS reaches or approaches the best known values",
              paper="CFR1k+JPS reaches the best-known value on at least one seed in every game (its * marks), and "
                    "the optimum 1.00 on every Comm game",
              measured=gap_closed, verdict=verdict(bool(reached[g] > 0) for g in games),
              test="per paper game: at least one CFR1k+JPS seed within 0.005 of the best-known value (1e-9 of a "
                   "proven optimum)", **common),
    ]


def _practice(text: str, evidence: str, support: list[bool | None], seeds: int, numbers: tuple[int, ...] = ()
              ) -> Practice:
    """A practice graded by :func:`helpers.claims.grade` (each piece made a plain ``bool`` or
    ``None``, as the grader counts by identity); a contradicted one is reworded as what this
    run does not bear out, so the table never prints it as advice."""
    graded = grade([None if s is None else bool(s) for s in support], seeds, MIN_SEEDS)
    if graded == CONTRADICTED:
        text = f"Not borne out by this run: {text[0].lower()}{text[1:]}"
    return Practice(part=PART.name, practice=text, evidence=evidence, grade=graded, claims=numbers)


def practices(rows: pd.DataFrame, depths: pd.DataFrame, openspiel_value: float | None) -> list[Practice]:
    """One practice per measurement, with its evidence (one piece per game) and grade.

    Args:
        rows: the main table's ``metrics.csv`` rows (chapter 2).
        depths: :func:`helpers.jps.report.depth_summary` of the depth ablation.
        openspiel_value: OpenSpiel's CFR on Mini-Hanabi (``None`` if not run).
    """
    cfr, jps = _values(rows, "cfr1k"), _values(rows, "cfr1k+jps")
    games = [g for g in cfr.columns if g in jps.columns]
    seeds_min = int(jps[games].notna().sum().min())
    spread = cfr[games].std(ddof=1).fillna(0.0)
    dropped = [g for g in games if ((jps[g] - cfr[g]) < -NEVER_WORSE_TOL).any()]  # NaN: seed not run
    out = [_practice("Run JPS on top of a CFR solution: it can only keep or raise the value",
                     f"{len(games)} games, >= {seeds_min} seeds each: "
                     + (f"a seed ended below its start on {len(dropped)}" if dropped
                        else "no seed ended below its start"),
                     [PASS if g not in dropped else FAIL for g in games], seeds_min, (1,))]
    varied = [g for g in games if spread[g] > 1e-6]  # a game whose seeds agree neither supports nor contradicts
    out.append(_practice("Report collaborative-game solvers over many random starts, not one: CFR stops at "
                         "different equilibria from different seeds",
                         f"the CFR1k value varies across seeds on {len(varied)} of {len(games)} games "
                         f"(largest sd {spread.max():.3f})",
                         [PASS if g in varied else UNDECIDED for g in games], seeds_min))
    if len(depths):
        cheaper = _depth_support(depths)
        out.append(_practice("On large games limit the chain length (d = 1-3): it keeps most of the gain at a "
                             "fraction of the search cost",
                             f"a limited depth was as good (within 0.01) and no slower on {sum(cheaper)} of "
                             f"{len(cheaper)} games where unlimited depth was feasible",
                             cheaper, int(depths["seeds"].min())))
    if openspiel_value is not None and "mini-hanabi" in cfr.columns:
        ours = cfr["mini-hanabi"].mean()
        out.append(_practice("Use the paper's CFR variant (random start, final iterate) as the baseline, not "
                             "OpenSpiel's textbook CFR, on collaborative games",
                             f"Mini-Hanabi: OpenSpiel's CFR {openspiel_value:.3f} (the 8-point safe policy) vs "
                             f"ours {ours:.3f} mean over seeds",
                             [bool(ours > openspiel_value)], int(cfr["mini-hanabi"].notna().sum())))
    return out


def _depth_support(depths: pd.DataFrame) -> list[bool]:
    """Per game with an unlimited search: whether its best limited depth gained as much (within
    0.01) in no more seconds."""
    unlimited = depths[depths["depth"] == 0]
    support = []
    for game, group in depths[depths["depth"] > 0].groupby("game"):
        full = unlimited[unlimited["game"] == game]
        if len(full):
            best = group.sort_values("gain").iloc[-1]
            support.append(bool(best["seconds"] <= full["seconds"].iloc[0]
                                and best["gain"] >= full["gain"].iloc[0] - 0.01))
    return support
