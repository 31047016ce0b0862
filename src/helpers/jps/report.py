"""The chapters' tables, built from the sweeps' rows (:mod:`helpers.jps.rows`); every mean
over seeds carries its 95 % t-interval and every share of seeds its Clopper-Pearson interval
(:mod:`helpers.intervals`). The sentences the prose states are in :mod:`helpers.jps.facts`.

Chapter 1: the games' sizes beside the paper's, Mini-Hanabi against OpenSpiel's
``tiny_hanabi``, the CFR runs (one row per seed, their ``metrics.csv`` rows, the spread per
game). Chapter 2: the ``metrics.csv`` rows of the main sweep, the main table in the paper's
layout (this run's rows beside the paper's, quoted), our means against the paper's, the
value per JPS iteration and the time per game. Chapter 3: the depth ablation and
sample-based JPS.

Explained in the book: {ref}`jps-games-cfr` and {ref}`jps-search-table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.intervals import Interval, binomial_interval, seed_interval
from helpers.jps.games import BEST_KNOWN, PAPER_SIZES, make_game, reaches
from helpers.jps.paper import GAME_LABELS, PAPER_SAMPLED, PAPER_STARRED, PAPER_TABLE
from helpers.jps.rows import by_samples

NEVER_WORSE_TOL = 1e-9
"""A JPS step (or a seed's end) may lower the value by at most this (rounding) and still count
as not worsening it; a mean gain above it counts as an improvement."""


def mean_cell(values: pd.Series | np.ndarray | list[float], digits: int = 3) -> str:
    """A mean over seeds with its 95 % t-interval, as the tables print it: ``0.875 [0.716, 1.034]``
    (one seed: ``[n/a, n/a]``, no interval)."""
    return seed_interval(np.asarray(values, dtype=float)).format(digits)


def share_cell(successes: int, trials: int) -> str:
    """A share of seeds with its Clopper-Pearson interval, as the tables print it: ``2/3: 0.67 [0.09, 0.99]``."""
    return f"{successes}/{trials}: {binomial_interval(successes, trials).format(2)}"


def size_table(games: list[str]) -> pd.DataFrame:
    """Per game (index: its label): our tree's states, decision infosets, depth and policy
    entries, beside the paper's counts where it gives them (empty otherwise).

    Explained in the book: {ref}`jps-games-rules`.
    """
    rows = []
    for game in games:
        tree = make_game(game)
        sizes = tree.sizes()
        paper_states, paper_infosets = PAPER_SIZES.get(game, (None, None))
        rows.append({"game": GAME_LABELS.get(game, game), "states": sizes["states"], "states (paper)": paper_states,
                     "decision infosets": sizes["decision_infosets"],
                     "decision infosets (brief's count)": paper_infosets, "depth": sizes["max_depth"],
                     "policy entries": tree.n_slots})
    return pd.DataFrame(rows).set_index("game")


def openspiel_comparison(policy_seeds: int) -> pd.DataFrame:
    """Mini-Hanabi's value under ``policy_seeds`` random policies, three ways: our tree, OpenSpiel's
    ``tiny_hanabi`` in our array format (the policy matched by infoset key), and OpenSpiel's own
    ``expected_returns``; one row per policy seed.

    Explained in the book: {ref}`jps-games-openspiel`.
    """
    import pyspiel

    from helpers.jps.evaluate import expected_value, random_policy
    from helpers.jps.games.minihanabi import to_tiny_hanabi
    from helpers.jps.openspiel_games import openspiel_tree, to_openspiel_policy

    game = pyspiel.load_game("tiny_hanabi")
    theirs, index = openspiel_tree(game)
    ours = make_game("mini-hanabi")
    rows = []
    for seed in range(policy_seeds):
        policy = random_policy(ours, seed)
        translated = to_tiny_hanabi(ours, policy, theirs, index.keys)
        tabular = pyspiel.TabularPolicy(to_openspiel_policy(theirs, index, translated))
        rows.append({"policy seed": seed, "ours": expected_value(ours, policy),
                     "tiny_hanabi in our format": expected_value(theirs, translated),
                     "pyspiel.expected_returns": pyspiel.expected_returns(game.new_initial_state(), tabular, -1,
                                                                          True)[0]})
    return pd.DataFrame(rows).set_index("policy seed")

def _distinct_values(values: pd.Series) -> int:
    """How many different values ``values`` holds, rounded to two decimals (the paper's precision)."""
    return len(set(np.round(values, 2)))


def cfr_distribution(values: pd.DataFrame) -> pd.DataFrame:
    """How the final-iterate values of :func:`cfr_values` spread over seeds, per game.

    Args:
        values: the table :func:`cfr_values` returns.

    Returns:
        One row per game (index ``game``, in first-seen order) with ``seeds``, ``mean``, ``sd``,
        ``lowest``, ``highest``, ``distinct_values`` (at two decimals), ``seeds at best known``
        (:func:`helpers.jps.sweep.reaches`) and ``largest |final − mean iterate|`` (over seeds,
        the final iterate's value against the mean over iterations).

    Explained in the book: {ref}`jps-games-cfr`.
    """
    distribution = values.groupby("game", sort=False).agg(
        seeds=("value", "size"), mean=("value", "mean"), sd=("value", "std"), lowest=("value", "min"),
        highest=("value", "max"), distinct_values=("value", _distinct_values))
    distribution["seeds at best known"] = [int(sum(reaches(g, v) for v in values[values["game"] == g]["value"]))
                                           for g in distribution.index]
    distribution["largest |final − mean iterate|"] = (
        values.assign(gap=(values["value"] - values["mean over iterations"]).abs())
        .groupby("game", sort=False)["gap"].max())
    return distribution


def cfr_table(values: pd.DataFrame) -> pd.DataFrame:
    """:func:`cfr_distribution` as chapter 1 prints it (index: the games' labels): the mean with
    its 95 % t-interval over seeds, and the share of seeds at the best-known value with its
    Clopper-Pearson interval, beside the spread.

    Explained in the book: {ref}`jps-games-cfr`.
    """
    distribution = cfr_distribution(values)
    by_game = dict(tuple(values.groupby("game", sort=False)["value"]))
    return pd.DataFrame({
        "seeds": distribution["seeds"].to_numpy(),
        "mean [95 % t-interval]": [mean_cell(by_game[g]) for g in distribution.index],
        "lowest": distribution["lowest"].round(3).to_numpy(), "highest": distribution["highest"].round(3).to_numpy(),
        "distinct values": distribution["distinct_values"].to_numpy(),
        "seeds at best known [95 % Clopper-Pearson]": [share_cell(int(k), int(n)) for k, n in zip(
            distribution["seeds at best known"], distribution["seeds"], strict=True)],
        "largest |final − mean iterate|": distribution["largest |final − mean iterate|"].round(4).to_numpy()},
        index=pd.Index([GAME_LABELS.get(g, g) for g in distribution.index], name="game"))


def summary_table(rows: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """Per game and model (of ``models``): mean and sd of the value over seeds, the mean's 95 %
    t-interval (``low``, ``high``; ``nan`` for one seed), the seeds, and the seeds reaching the
    best-known value (:func:`helpers.jps.games.reaches`).

    Explained in the book: {ref}`jps-search-table`.
    """
    values = rows[(rows["metric"] == "expected_value") & rows["model"].isin(models)]
    out = []
    for (game, model), group in values.groupby(["task", "model"], sort=False):
        reached = sum(reaches(game, v) for v in group["value"])
        interval = seed_interval(group["value"].to_numpy())
        out.append({"game": game, "model": model, "mean": group["value"].mean(),
                    "sd": group["value"].std(ddof=1) if len(group) > 1 else 0.0, "low": interval.low,
                    "high": interval.high, "seeds": len(group), "reached": reached})
    return pd.DataFrame(out)


def main_table(summary: pd.DataFrame, games: list[str]) -> pd.DataFrame:
    """Rows: ours (mean over seeds with its 95 % t-interval; the seeds reaching the best-known
    value, with the share's Clopper-Pearson interval), then the paper's rows marked as quoted
    (``*``: the paper's mark that a seed reached the best known)."""
    cells: dict[str, dict[str, str]] = {}
    for model, title in (("cfr1k", "CFR1k (ours)"), ("cfr1k+jps", "CFR1k+JPS (ours)")):
        own = summary[summary["model"] == model].set_index("game")
        cells[f"{title}: mean [95 % t-interval]"] = {
            g: Interval(own.loc[g, "mean"], own.loc[g, "low"], own.loc[g, "high"], 0.95, "", 0).format(3)
            for g in games if g in own.index}
        cells[f"{title}: seeds at best known [95 % Clopper-Pearson]"] = {
            g: (share_cell(int(own.loc[g, "reached"]), int(own.loc[g, "seeds"])) if g in BEST_KNOWN else "–")
            for g in games if g in own.index}
    for method, values in PAPER_TABLE.items():
        starred = PAPER_STARRED.get(method, set())
        cells[f"{method} (paper, quoted)"] = {g: f"{values[g]:.2f}" + ("*" if g in starred else "")
                                              for g in games if g in values}
    table = pd.DataFrame(cells).T.reindex(columns=games).fillna("–")
    return table.rename(columns=GAME_LABELS)


def paper_gaps(summary: pd.DataFrame, games: list[str]) -> pd.DataFrame:
    """Our mean over seeds minus the paper's, for CFR1k and CFR1k+JPS, on the paper's games among
    ``games`` (index: the games' labels).

    Explained in the book: {ref}`jps-search-table`.
    """
    paper_games = [g for g in games if g in PAPER_TABLE["CFR1k"]]
    ours = summary.set_index(["game", "model"])["mean"]
    return pd.DataFrame({"CFR1k: ours − paper": [ours[(g, "cfr1k")] - PAPER_TABLE["CFR1k"][g] for g in paper_games],
                         "CFR1k+JPS: ours − paper": [ours[(g, "cfr1k+jps")] - PAPER_TABLE["CFR1k+JPS"][g]
                                                     for g in paper_games]},
                        index=[GAME_LABELS[g] for g in paper_games])


def curves(records: list[dict], length: int) -> pd.DataFrame:
    """Value after each JPS outer iteration (held after the search stops), per game and seed, long form.

    Explained in the book: {ref}`jps-search-curves`.
    """
    out = []
    for rec in records:
        for jps in rec["jps"].values():
            values = jps["values"] + [jps["values"][-1]] * max(0, length + 1 - len(jps["values"]))
            out += [{"game": rec["game"], "seed": rec["seed"], "iteration": k, "value": v}
                    for k, v in enumerate(values[:length + 1])]
    return pd.DataFrame(out)


def time_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per game: mean seconds per seed of CFR1k and of JPS, and mean JPS state visits."""
    picked = rows[rows["metric"].isin(["seconds", "visits"])]
    table = picked.pivot_table(index="task", columns=["model", "metric"], values="value", aggfunc="mean")
    out = pd.DataFrame({"CFR1k seconds": table[("cfr1k", "seconds")],
                        "JPS seconds": table[("cfr1k+jps", "seconds")],
                        "JPS state visits": table[("cfr1k+jps", "visits")]})
    order = [g for g in GAME_LABELS if g in out.index]
    return out.loc[order]


def time_shown(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`time_table` as chapter 2 prints it (index: the games' labels): each mean over seeds
    with its 95 % t-interval (seconds of this machine, so the interval is the spread of the
    seeds' work and of the machine's load together).

    Explained in the book: {ref}`jps-search-time`.
    """
    picked = rows[rows["metric"].isin(["seconds", "visits"])]
    columns = {("cfr1k", "seconds"): ("CFR1k seconds", 3), ("cfr1k+jps", "seconds"): ("JPS seconds", 3),
               ("cfr1k+jps", "visits"): ("JPS state visits", 0)}
    order = [g for g in GAME_LABELS if g in set(picked["task"])]
    out = {title: [mean_cell(picked[(picked["task"] == g) & (picked["model"] == model)
                                    & (picked["metric"] == metric)]["value"], digits) for g in order]
           for (model, metric), (title, digits) in columns.items()}
    return pd.DataFrame(out, index=pd.Index([GAME_LABELS[g] for g in order], name="game")).rename(
        columns=lambda c: f"{c} [95 % t-interval]")


def sampled_table(records: list[dict]) -> pd.DataFrame:
    """Sample-based JPS: per game, our mean value over seeds with its 95 % t-interval for every k
    ("all states" is the exact search), and the CFR1k start, beside the paper's row (quoted).

    Explained in the book: {ref}`jps-practices-samples`.
    """
    rows = []
    for game in dict.fromkeys(rec["game"] for rec in records):
        own = [rec for rec in records if rec["game"] == game]
        keys = [k for k, _ in by_samples(own[0]["jps"])]
        mean = {("all states" if k == "0" else f"k={k}"): mean_cell([r["jps"][k]["value"] for r in own])
                for k in keys}
        label = GAME_LABELS.get(game, game)
        rows.append({"row": f"{label}, CFR1k + JPS (ours, {len(own)} seeds, mean [95 % t-interval])", **mean})
        rows.append({"row": f"{label}, CFR1k (ours)", "all states": mean_cell([r["cfr_value"] for r in own])})
        if game in PAPER_SAMPLED:
            rows.append({"row": f"{label}, CFR1k + JPS (paper, quoted)",
                         **{("all states" if k == "all states" else f"k={k}"): f"{v:.2f}"
                            for k, v in PAPER_SAMPLED[game].items()}})
    table = pd.DataFrame(rows).set_index("row")
    ks = sorted((c for c in table.columns if c.startswith("k=")), key=lambda c: int(c[2:]))
    return table[["all states", *ks]].fillna("–")


def depth_summary(ablation: pd.DataFrame) -> pd.DataFrame:
    """Per game and depth limit of :func:`helpers.jps.rows.depth_runs`: mean value gained over
    CFR1k with its 95 % t-interval (``gain_low``, ``gain_high``), mean value, mean seconds,
    mean visits, seeds (games and depths in first-seen order), and the 95 % t-interval of the
    paired per-seed gain minus the unlimited search's (``vs_unlimited_low``, ``vs_unlimited_high``;
    ``nan`` where the game has no unlimited search).

    Explained in the book: {ref}`jps-practices-depth`.
    """
    ablation = ablation.assign(gain=ablation["value"] - ablation["cfr_value"])
    groups = ablation.groupby(["game", "depth"], sort=False)
    summary = (groups.agg(gain=("gain", "mean"), value=("value", "mean"), seconds=("seconds", "mean"),
                          visits=("visits", "mean"), seeds=("seed", "nunique")).reset_index())
    intervals = [seed_interval(group["gain"].to_numpy()) for _, group in groups]
    paired = []  # per (game, depth): gain minus the unlimited search's gain on the same seeds
    for (game, _depth), group in groups:
        full = ablation[(ablation["game"] == game) & (ablation["depth"] == 0)].set_index("seed")["gain"]
        diff = (group.set_index("seed")["gain"] - full).dropna().to_numpy()
        paired.append(seed_interval(diff) if diff.size else Interval(*[float("nan")] * 3, 0.95, "", 0))
    return summary.assign(gain_low=[iv.low for iv in intervals], gain_high=[iv.high for iv in intervals],
                          vs_unlimited_low=[iv.low for iv in paired], vs_unlimited_high=[iv.high for iv in paired])


def depth_shown(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`depth_summary` for the chapter: games by label, depth 0 shown as ∞, the mean gain
    with its 95 % t-interval over seeds."""
    gain = [Interval(row.gain, row.gain_low, row.gain_high, 0.95, "", 0).format(4) for row in summary.itertuples()]
    return pd.DataFrame({"game": summary["game"].map(lambda g: GAME_LABELS.get(g, g)),
                         "depth": summary["depth"].map(lambda d: "∞" if d == 0 else str(d)),
                         "gain over CFR1k [95 % t-interval]": gain, "value": summary["value"].round(4),
                         "seconds": summary["seconds"].round(4), "visits": summary["visits"].round(0),
                         "seeds": summary["seeds"]})
