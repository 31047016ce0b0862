"""What the chapters' prose states about the run, computed from its tables and records (the
notebooks glue these values; no sentence about the run is typed).

Explained in the book: {ref}`jps-games-rules`, {ref}`jps-search-table` and {ref}`jps-practices`.
"""

from __future__ import annotations

import pandas as pd

from helpers.jps.paper import PAPER_TABLE
from helpers.jps.report import NEVER_WORSE_TOL, paper_gaps


def sizes_matching(sizes: pd.DataFrame) -> tuple[int, int]:
    """``(matched, checked)``: of the rows of :func:`size_table` the paper gives counts for, how
    many match both its state count and its decision-infoset count."""
    checked = sizes.dropna()
    matched = ((checked["states"] == checked["states (paper)"])
               & (checked["decision infosets"] == checked["decision infosets (brief's count)"]))
    return int(matched.sum()), len(checked)


def search_facts(summary: pd.DataFrame, rows: pd.DataFrame, games: list[str]) -> dict[str, object]:
    """What chapter 2's prose states about the main sweep, from its summary and rows.

    Returns: ``n_paper_games`` (the paper's games among ``games``), ``largest_gap_cfr`` and
    ``largest_gap_jps`` (the largest |ours − paper| of :func:`paper_gaps`), ``jps_gain_games``
    (paper games whose mean JPS beats the mean CFR1k by more than :data:`NEVER_WORSE_TOL`),
    ``n_seed_runs`` and ``n_seeds_lower`` ((game, seed) runs, and those whose JPS ended below
    their CFR1k value), ``comm_reached`` (Comm seeds at the optimum, in words) and
    ``games_reached`` (paper games where a JPS seed reached the best-known value).

    Explained in the book: {ref}`jps-search-table`.
    """
    paper_games = [g for g in games if g in PAPER_TABLE["CFR1k"]]
    gaps = paper_gaps(summary, games).abs().max()
    ours = summary.set_index(["game", "model"])["mean"]
    per_seed = rows[rows["metric"] == "expected_value"].pivot_table(index=["task", "seed"], columns="model",
                                                                    values="value")
    reached = summary[summary["model"] == "cfr1k+jps"].set_index("game")
    comm = [g for g in paper_games if g.startswith("comm-")]
    return {"n_paper_games": len(paper_games), "largest_gap_cfr": float(gaps["CFR1k: ours − paper"]),
            "largest_gap_jps": float(gaps["CFR1k+JPS: ours − paper"]),
            "jps_gain_games": int(sum(ours[(g, "cfr1k+jps")] > ours[(g, "cfr1k")] + NEVER_WORSE_TOL
                                      for g in paper_games)),
            "n_seed_runs": len(per_seed),
            "n_seeds_lower": int((per_seed["cfr1k+jps"] < per_seed["cfr1k"] - NEVER_WORSE_TOL).sum()),
            "comm_reached": (f"{int(reached.loc[comm, 'reached'].sum())} of {int(reached.loc[comm, 'seeds'].sum())}"
                             if comm else "none (no Comm game run)"),
            "games_reached": int((reached.loc[paper_games, "reached"] > 0).sum())}


def longest_search(records: list[dict]) -> int:
    """The most JPS outer iterations any search of ``records`` took."""
    return max(len(jps["values"]) - 1 for rec in records for jps in rec["jps"].values())


def compute_minutes(times: pd.DataFrame, games: dict[str, dict]) -> float:
    """Minutes of compute of the main sweep: per game of :func:`time_table`, (CFR1k + JPS seconds
    per seed) times its seeds in ``games`` (the sweep's spec), summed.

    Explained in the book: {ref}`jps-search-time`.
    """
    seeds = pd.Series({g: games[g]["seeds"] for g in times.index})
    return float((times["CFR1k seconds"] + times["JPS seconds"]).mul(seeds).sum() / 60)


def depth_share(summary: pd.DataFrame) -> tuple[float, int]:
    """``(percent, games)``: over the games of :func:`depth_summary` where the unlimited search
    gained more than :data:`NEVER_WORSE_TOL`, the smallest share (in %) of its gain that the
    best depth-limited search kept, and how many such games there are (``nan`` when none).

    Explained in the book: {ref}`jps-practices-depth`.
    """
    unlimited = summary[summary["depth"] == 0].set_index("game")
    share = [group["gain"].max() / unlimited.loc[game, "gain"]
             for game, group in summary[summary["depth"] > 0].groupby("game")
             if game in unlimited.index and unlimited.loc[game, "gain"] > NEVER_WORSE_TOL]
    return (min(share) * 100 if share else float("nan")), len(share)


def sampled_facts(records: list[dict]) -> dict[str, object]:
    """What chapter 3's prose states about sample-based JPS: ``sampled_runs`` (sampled searches,
    the exact one not counted), ``sampled_dropped`` (those whose value fell below the CFR1k
    start at some step), ``exact_runs`` and ``exact_dropped`` (the same for the exact searches
    of the same jobs), ``sampled_hanabi`` (Mini-Hanabi's mean with k = 1 against the exact
    search, in words) and ``paper_hanabi`` (the paper's, quoted, in words).

    Explained in the book: {ref}`jps-practices-samples`.
    """
    from helpers.jps.paper import PAPER_SAMPLED

    def dropped(exact: bool) -> int:
        return sum(jps["lowest"] < rec["cfr_value"] - NEVER_WORSE_TOL for rec in records
                   for k, jps in rec["jps"].items() if (k == "0") == exact)

    hanabi = [rec for rec in records if rec["game"] == "mini-hanabi"]
    if hanabi and "1" in hanabi[0]["jps"]:
        with_one = sum(rec["jps"]["1"]["value"] for rec in hanabi) / len(hanabi)
        with_all = sum(rec["jps"]["0"]["value"] for rec in hanabi) / len(hanabi)
        words = f"the mean with k = 1 is {with_one:.3f}, against {with_all:.3f} over all states"
    else:
        words = "k = 1 was not run here"
    paper = PAPER_SAMPLED["mini-hanabi"]
    return {"sampled_dropped": dropped(False), "sampled_runs": sum(len(rec["jps"]) - 1 for rec in records),
            "exact_dropped": dropped(True), "exact_runs": sum("0" in rec["jps"] for rec in records),
            "sampled_hanabi": words,
            "paper_hanabi": f"{paper['1']:.2f} with k = 1 against {paper['all states']:.2f} over all states"}


def depth_settings(games: dict[str, dict]) -> str:
    """The main sweep's depth limit per game, in words (``unlimited on Comm L=3, Mini-Hanabi; d = 2
    on SB N=4``), from its spec ``games`` (game -> ``{"seeds", "depth_limit"}``).

    Explained in the book: {ref}`jps-search-table`.
    """
    from helpers.jps.paper import GAME_LABELS

    by_depth: dict[int, list[str]] = {}
    for game, spec in games.items():
        by_depth.setdefault(int(spec["depth_limit"]), []).append(GAME_LABELS.get(game, game))
    return "; ".join(("unlimited" if d == 0 else f"d = {d}") + " on " + ", ".join(names)
                     for d, names in sorted(by_depth.items(), key=lambda item: (item[0] != 0, item[0])))


def early_gain(curves: pd.DataFrame, iterations: int = 3) -> tuple[float, int]:
    """``(percent, runs)``: over the JPS runs of ``curves`` (:func:`helpers.jps.report.curves`) that
    gained more than :data:`NEVER_WORSE_TOL`, the mean share (in %) of a run's final gain reached
    after ``iterations`` outer iterations, and how many such runs there are (``nan`` when none).

    Explained in the book: {ref}`jps-search-curves`.
    """
    shares = []
    for _, run in curves.groupby(["game", "seed"], sort=False):
        values = run.sort_values("iteration")["value"].to_numpy()
        gain = values[-1] - values[0]
        if gain > NEVER_WORSE_TOL:
            shares.append((values[min(iterations, len(values) - 1)] - values[0]) / gain)
    return (100 * sum(shares) / len(shares) if shares else float("nan")), len(shares)


def openspiel_seeds_above(rows: pd.DataFrame, openspiel_value: float) -> str:
    """How many of our CFR1k seeds on Mini-Hanabi end above OpenSpiel's CFR value, in words (``3 of 20``)."""
    ours = rows[(rows["task"] == "mini-hanabi") & (rows["model"] == "cfr1k") & (rows["metric"] == "expected_value")]
    return f"{int((ours['value'] > openspiel_value + NEVER_WORSE_TOL).sum())} of {len(ours)}"
