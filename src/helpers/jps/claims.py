"""The paper's claims for Part II answered from this run's rows, and the practices graded by evidence.

Rows, verdict words and grades are the book's (:mod:`helpers.claims`); this module only
says what each claim's sub-tests are and states them (:class:`helpers.claims.StatedTest`),
chosen from what the paper claims before the run is read:

1. *JPS never worsens a policy* is a guarantee (the no-change option is always there and
   the applied chain's gain is exact), so it is checked exactly: per game, every JPS step
   of every run and every seed's end against its CFR1k start, with exact (full-tree)
   values; there is no sampling error to put an interval on.
2. *JPS improves CFR's solutions* is a statement about the table's means: per paper game
   the paired per-seed difference CFR1k+JPS − CFR1k, its mean over seeds with a 95 %
   t-interval (:func:`helpers.intervals.seed_interval`), the games' t-test p-values under
   Holm at 5 % family-wise error (:func:`helpers.intervals.holm_outcomes`).
3. *JPS reaches or approaches the best known values* reads the paper's ``*``: the share of
   CFR1k+JPS seeds at the best-known value with its Clopper-Pearson interval
   (:func:`helpers.intervals.binomial_interval`); a game passes when the interval lies
   above 0. That is an existence claim: no number of seeds refutes it (a game where no
   seed reaches it is undecided, and the interval's upper bound says how rare a reach can
   still be), so its verdict can be *holds*, *holds partly* or *not settled*, never
   *does not hold*.

A practice's evidence is a list with one piece per game (or one piece), graded by
:func:`helpers.claims.grade` with this part's bar of :data:`MIN_SEEDS` seeds.

Explained in the book: {ref}`jps-practices-claims`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from helpers.claims import CONTRADICTED, FAIL, PASS, UNDECIDED, Claim, Practice, StatedTest, grade, verdict
from helpers.intervals import LEVEL, Interval, binomial_interval, holm_outcomes, seed_interval
from helpers.jps.games import BEST_KNOWN, PAPER_GAMES, REACH_TOL, reaches
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


def paired_gains(cfr: pd.DataFrame, jps: pd.DataFrame, games: list[str]) -> dict[str, Interval]:
    """Per game, the mean over seeds of the paired difference CFR1k+JPS − CFR1k (seeds run by
    both) with its t-interval; a game with one seed has no bounds and its ``p`` is set to 1
    (undecided under Holm)."""
    out = {}
    for game in games:
        diff = (jps[game] - cfr[game]).dropna().to_numpy()
        interval = seed_interval(diff)
        out[game] = interval if not np.isnan(interval.p) else dataclasses.replace(interval, p=1.0)
    return out


def reach_shares(jps: pd.DataFrame, games: list[str]) -> dict[str, Interval]:
    """Per game, the share of CFR1k+JPS seeds at the best-known value
    (:func:`helpers.jps.games.reaches`) with its Clopper-Pearson interval."""
    return {g: binomial_interval(int(sum(reaches(g, v) for v in jps[g].dropna())), int(jps[g].notna().sum()))
            for g in games}


def _outcome_word(outcome: bool | None) -> str:
    return {True: "pass", False: "fail", None: "undecided"}[outcome]


def claims(rows: pd.DataFrame, steps: dict[str, list[float]]) -> list[Claim]:
    """The paper's three claims, each with its stated test, per-game sub-tests and verdict.

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
    checked = list(dict.fromkeys([*games, *steps]))
    never_worse = [bool(min(steps.get(g, []), default=0.0) >= -NEVER_WORSE_TOL and not drops.get(g, 0))
                   for g in checked]
    all_steps = [s for g in steps for s in steps[g]]
    n_seeds = {g: int(jps[g].notna().sum()) for g in games}
    seeds_words = ", ".join(f"{GAME_LABELS[g]} {n_seeds[g]}" for g in games) or "none"
    gains = paired_gains(cfr, jps, games)
    gain_outcomes = dict(zip(games, holm_outcomes([gains[g] for g in games]), strict=True))
    shares = reach_shares(jps, games)
    share_outcomes = {g: shares[g].outcome(0.0) for g in games}
    paper_gain = ", ".join(f"{GAME_LABELS[g]} {PAPER_TABLE['CFR1k'][g]:.2f} → {PAPER_TABLE['CFR1k+JPS'][g]:.2f}"
                           for g in games)
    ours_gain = "; ".join(f"{GAME_LABELS[g]} {gains[g].format(3)} ({_outcome_word(gain_outcomes[g])})"
                          for g in games)
    gap_closed = "; ".join(f"{GAME_LABELS[g]}: {round(shares[g].estimate * n_seeds[g])} of {n_seeds[g]} seeds reach "
                           f"{BEST_KNOWN[g]:g}, share {shares[g].format(2)} ({_outcome_word(share_outcomes[g])})"
                           for g in games)
    level = f"{LEVEL * 100:.0f} %"
    common = {"part": PART.name, "label": LABEL, "shown_in": SHOWN_IN}
    return [
        Claim(number=1, claim="JPS never worsens a policy",
              paper="a guarantee: each JPS step has a non-negative exact gain (the no-change option is always "
                    "available)",
              measured=f"{len(all_steps)} JPS runs on {len(checked)} games; smallest step change "
                       f"{min(all_steps, default=0.0):.2e}; {int(drops.sum())} seeds end below their CFR1k "
                       "start; every applied chain's predicted gain matched the re-evaluated gain to 1e-9",
              verdict=verdict(never_worse),
              test=StatedTest(
                  compared="each JPS step's value with the value before it, and each seed's CFR1k+JPS value "
                           "with its CFR1k start",
                  on=f"every JPS run of the part (main table and depth ablation): {len(all_steps)} runs on "
                     f"{len(checked)} games",
                  statistic="per game, the smallest exact change of the value over all steps and seed ends "
                            "(full-tree evaluation)",
                  threshold=f"a game passes when every change is ≥ −{NEVER_WORSE_TOL:g} (rounding), fails "
                            "otherwise",
                  comparisons=max(1, len(checked)),
                  correction="none needed: every check is exact, with no sampling error to correct for"),
              interval=f"exact: every value is the full-tree expectation in float64; −{NEVER_WORSE_TOL:g} is "
                       "the rounding allowance", **common),
        Claim(number=2, claim="JPS improves CFR's solutions on every game",
              paper=f"mean CFR1k → CFR1k+JPS (quoted): {paper_gain}",
              measured=f"mean gain CFR1k+JPS − CFR1k per seed [{level} t-interval] (Holm outcome): {ours_gain}",
              verdict=verdict(gain_outcomes[g] for g in games),
              test=StatedTest(
                  compared="CFR1k+JPS with its own CFR1k start, seed by seed",
                  on=f"{len(games)} paper games; seeds per game: {seeds_words}",
                  statistic=f"the mean over seeds of the paired difference CFR1k+JPS − CFR1k, with its {level} "
                            "t-interval and t-test p-value",
                  threshold="a game passes when Holm rejects a zero mean gain and the mean is above 0, fails when "
                            "Holm rejects it and the mean is below 0, and is undecided otherwise (fewer than 3 seeds: "
                            "undecided)",
                  comparisons=max(1, len(games)),
                  correction="Holm's step-down over the games' p-values, 5 % family-wise error"),
              interval=f"{level} t-interval over seeds of the paired per-seed gain, per game; the games' p-values "
                       "Holm-corrected", **common),
        Claim(number=3, claim="JPS reaches or approaches the best known values",
              paper="CFR1k+JPS reaches the best-known value on at least one seed in every game (its * marks), and "
                    "the optimum 1.00 on every Comm game",
              measured=gap_closed, verdict=verdict(share_outcomes[g] for g in games),
              test=StatedTest(
                  compared="CFR1k+JPS's final values with the paper's best-known value of each game",
                  on=f"{len(games)} paper games; seeds per game: {seeds_words}",
                  statistic=f"the share of seeds at the best-known value (within {REACH_TOL:g} of it; 1e-9 of a "
                            f"proven optimum), with its {level} Clopper-Pearson interval",
                  threshold="a game passes when the interval lies above 0 (the paper's *: it is reached), and is "
                            "undecided when no seed reaches it (an existence claim: seeds cannot refute it, the "
                            "upper bound says how rare a reach can still be)",
                  comparisons=max(1, len(games)),
                  correction="none needed: a share's lower bound is above 0 exactly when a seed reached the "
                             "value, which no correction of the level changes"),
              interval=f"{level} Clopper-Pearson interval of each game's share of seeds at the best-known value",
              **common),
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
                             f"a limited depth was as good (within 0.01: paired 95 % t-interval over seeds "
                             f"above −0.01) and no slower on {sum(c is True for c in cheaper)} of {len(cheaper)} "
                             f"games where unlimited depth was feasible, undecided on "
                             f"{sum(c is None for c in cheaper)}",
                             cheaper, int(depths["seeds"].min())))
    if openspiel_value is not None and "mini-hanabi" in cfr.columns:
        ours = seed_interval(cfr["mini-hanabi"].dropna().to_numpy())  # OpenSpiel's CFR is deterministic: exact
        out.append(_practice("Use the paper's CFR variant (random start, final iterate) as the baseline, not "
                             "OpenSpiel's textbook CFR, on collaborative games",
                             f"Mini-Hanabi: OpenSpiel's CFR {openspiel_value:.3f} (the 8-point safe policy, "
                             f"deterministic) vs ours {ours.format(3)} (mean over seeds, 95 % t-interval): "
                             "supports when the whole interval is above OpenSpiel's value",
                             [ours.outcome(openspiel_value)], int(cfr["mini-hanabi"].notna().sum())))
    return out


def _depth_support(depths: pd.DataFrame) -> list[bool | None]:
    """Per game with an unlimited search: whether its best limited depth (highest mean gain) gained
    as much as the unlimited search, within 0.01, in no more mean seconds. "As much" reads the
    95 % t-interval of the paired per-seed gain difference (:func:`helpers.jps.report.depth_summary`):
    its lower bound above −0.01 supports, its upper bound below −0.01 contradicts, else undecided;
    a slower limited search contradicts."""
    unlimited = depths[depths["depth"] == 0]
    support: list[bool | None] = []
    for game, group in depths[depths["depth"] > 0].groupby("game"):
        full = unlimited[unlimited["game"] == game]
        if len(full):
            best = group.sort_values("gain").iloc[-1]
            paired = Interval(best["gain"] - full["gain"].iloc[0], best["vs_unlimited_low"],
                              best["vs_unlimited_high"], LEVEL, "paired t-interval over seeds", int(best["seeds"]))
            support.append(False if best["seconds"] > full["seconds"].iloc[0] else paired.outcome(-0.01))
    return support
