"""The chapters' tables, built from the sweeps' records (:mod:`helpers.jps.sweep`).

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

from helpers.jps.games import BEST_KNOWN, PAPER_SIZES, make_game, reaches
from helpers.jps.paper import GAME_LABELS, PAPER_SAMPLED, PAPER_STARRED, PAPER_TABLE

NEVER_WORSE_TOL = 1e-9
"""A JPS step (or a seed's end) may lower the value by at most this (rounding) and still count
as not worsening it; a mean gain above it counts as an improvement."""


def by_depth(runs: dict[str, dict]) -> list[tuple[str, dict]]:
    """A record's JPS runs keyed by depth limit, in one order whether the record was just
    computed or read back from its (key-sorted) file: limited depths ascending, then 0 (unlimited)."""
    return sorted(runs.items(), key=lambda item: (int(item[0]) == 0, int(item[0])))


def by_samples(runs: dict[str, dict]) -> list[tuple[str, dict]]:
    """A sampled record's JPS runs keyed by k, in ascending k (0, the exact search, first), in
    one order whether the record was just computed or read back from its file."""
    return sorted(runs.items(), key=lambda item: int(item[0]))


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


def sizes_matching(sizes: pd.DataFrame) -> tuple[int, int]:
    """``(matched, checked)``: of the rows of :func:`size_table` the paper gives counts for, how
    many match both its state count and its decision-infoset count."""
    checked = sizes.dropna()
    matched = ((checked["states"] == checked["states (paper)"])
               & (checked["decision infosets"] == checked["decision infosets (brief's count)"]))
    return int(matched.sum()), len(checked)


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

CFR_METRICS = (("expected_value", "value"), ("mean_iterate_value", "mean over iterations"),
               ("purified_value", "purified"), ("seconds", "seconds"))
"""``metrics.csv`` metric name -> the :func:`cfr_values` column it reads, in row order."""


def cfr_values(records: list[dict]) -> pd.DataFrame:
    """One row per CFR-only record (:func:`helpers.jps.sweep.cfr_job`), in the records' order.

    Args:
        records: the jobs' results, each with ``game``, ``seed``, ``cfr_value``,
            ``cfr_mean_value``, ``cfr_pure_value`` and ``cfr_seconds``.

    Returns:
        Columns ``game``, ``seed``, ``value`` (the final iterate's exact value), ``mean over
        iterations``, ``purified`` and ``seconds``.

    Explained in the book: {ref}`jps-games-cfr`.
    """
    return pd.DataFrame([{"game": r["game"], "seed": r["seed"], "value": r["cfr_value"],
                          "mean over iterations": r["cfr_mean_value"], "purified": r["cfr_pure_value"],
                          "seconds": r["cfr_seconds"]} for r in records])


def cfr_metric_rows(values: pd.DataFrame) -> list[dict]:
    """The ``metrics.csv`` rows of :func:`cfr_values`: per seed, one row per metric of :data:`CFR_METRICS`.

    Args:
        values: the table :func:`cfr_values` returns.

    Returns:
        Long-format rows (run ``cfr-distribution``, model ``cfr1k``, task = game, lang ``all``,
        ``n`` 1), seed by seed in the table's order, the metrics in :data:`CFR_METRICS` order.

    Explained in the book: {ref}`jps-games-cfr`.
    """
    rows = []
    for _, row in values.iterrows():
        for metric, column in CFR_METRICS:
            rows.append({"run": "cfr-distribution", "model": "cfr1k", "task": row["game"], "lang": "all",
                         "metric": metric, "value": row[column], "n": 1, "seed": int(row["seed"])})
    return rows


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


def game_rows(records: list[dict]) -> list[dict]:
    """``metrics.csv`` rows of CFR+JPS records (:func:`helpers.jps.sweep.cfr_jps_job`): per seed the
    ``cfr1k`` value and seconds, and per JPS run its value, seconds and state visits (model
    ``cfr1k+jps``, or ``cfr1k+jps(d=<depth>)`` when a record holds several depths).

    Explained in the book: {ref}`jps-search-table`.
    """
    rows = []
    for rec in records:
        base = {"task": rec["game"], "lang": "all", "n": 1, "seed": rec["seed"]}
        rows.append({**base, "model": "cfr1k", "metric": "expected_value", "value": rec["cfr_value"]})
        rows.append({**base, "model": "cfr1k", "metric": "seconds", "value": rec["cfr_seconds"]})
        for depth, jps in by_depth(rec["jps"]):
            model = "cfr1k+jps" if len(rec["jps"]) == 1 else f"cfr1k+jps(d={depth})"
            rows.append({**base, "model": model, "metric": "expected_value", "value": jps["value"]})
            rows.append({**base, "model": model, "metric": "seconds", "value": jps["seconds"]})
            rows.append({**base, "model": model, "metric": "visits", "value": jps["visits"]})
    return rows


def summary_table(rows: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """Per game and model (of ``models``): mean and sd of the value over seeds, the seeds, and
    the seeds reaching the best-known value (:func:`helpers.jps.games.reaches`).

    Explained in the book: {ref}`jps-search-table`.
    """
    values = rows[(rows["metric"] == "expected_value") & rows["model"].isin(models)]
    out = []
    for (game, model), group in values.groupby(["task", "model"], sort=False):
        reached = sum(reaches(game, v) for v in group["value"])
        out.append({"game": game, "model": model, "mean": group["value"].mean(),
                    "sd": group["value"].std(ddof=1) if len(group) > 1 else 0.0, "seeds": len(group),
                    "reached": reached})
    return pd.DataFrame(out)


def main_table(summary: pd.DataFrame, games: list[str]) -> pd.DataFrame:
    """Rows: ours (mean ± sd over seeds; how many seeds reach the best-known value), then the
    paper's rows marked as quoted (``*``: the paper's mark that a seed reached the best known)."""
    cells: dict[str, dict[str, str]] = {}
    for model, title in (("cfr1k", "CFR1k (ours)"), ("cfr1k+jps", "CFR1k+JPS (ours)")):
        own = summary[summary["model"] == model].set_index("game")
        cells[title] = {g: f"{own.loc[g, 'mean']:.3f} ± {own.loc[g, 'sd']:.3f}" for g in games if g in own.index}
        cells[f"{title}: seeds reaching best known"] = {
            g: (f"{int(own.loc[g, 'reached'])}/{int(own.loc[g, 'seeds'])}" if g in BEST_KNOWN else "–")
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


def longest_search(records: list[dict]) -> int:
    """The most JPS outer iterations any search of ``records`` took."""
    return max(len(jps["values"]) - 1 for rec in records for jps in rec["jps"].values())


def time_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per game: mean seconds per seed of CFR1k and of JPS, and mean JPS state visits."""
    picked = rows[rows["metric"].isin(["seconds", "visits"])]
    table = picked.pivot_table(index="task", columns=["model", "metric"], values="value", aggfunc="mean")
    out = pd.DataFrame({"CFR1k seconds": table[("cfr1k", "seconds")],
                        "JPS seconds": table[("cfr1k+jps", "seconds")],
                        "JPS state visits": table[("cfr1k+jps", "visits")]})
    order = [g for g in GAME_LABELS if g in out.index]
    return out.loc[order]


def compute_minutes(times: pd.DataFrame, games: dict[str, dict]) -> float:
    """Minutes of compute of the main sweep: per game of :func:`time_table`, (CFR1k + JPS seconds
    per seed) times its seeds in ``games`` (the sweep's spec), summed.

    Explained in the book: {ref}`jps-search-time`.
    """
    seeds = pd.Series({g: games[g]["seeds"] for g in times.index})
    return float((times["CFR1k seconds"] + times["JPS seconds"]).mul(seeds).sum() / 60)


def openspiel_row(value: float, seed: int) -> pd.DataFrame:
    """The ``metrics.csv`` row of OpenSpiel's CFR on Mini-Hanabi (run ``openspiel``).

    Explained in the book: {ref}`jps-search-openspiel`.
    """
    return pd.DataFrame([{"run": "openspiel", "model": "openspiel-cfr", "task": "mini-hanabi", "lang": "all",
                          "metric": "expected_value", "value": value, "n": 1, "seed": seed}])


def sampled_table(records: list[dict]) -> pd.DataFrame:
    """Sample-based JPS: per game, our mean value over seeds for every k ("all states" is the
    exact search), and the CFR1k start, beside the paper's row (quoted).

    Explained in the book: {ref}`jps-practices-samples`.
    """
    rows = []
    for game in dict.fromkeys(rec["game"] for rec in records):
        own = [rec for rec in records if rec["game"] == game]
        keys = [k for k, _ in by_samples(own[0]["jps"])]
        mean = {("all states" if k == "0" else f"k={k}"): sum(r["jps"][k]["value"] for r in own) / len(own)
                for k in keys}
        label = GAME_LABELS.get(game, game)
        cfr_mean = sum(r["cfr_value"] for r in own) / len(own)
        rows.append({"row": f"{label}, CFR1k + JPS (ours, {len(own)} seeds)",
                     **{column: f"{v:.3f}" for column, v in mean.items()}})
        rows.append({"row": f"{label}, CFR1k (ours)", "all states": f"{cfr_mean:.3f}"})
        if game in PAPER_SAMPLED:
            rows.append({"row": f"{label}, CFR1k + JPS (paper, quoted)",
                         **{("all states" if k == "all states" else f"k={k}"): f"{v:.2f}"
                            for k, v in PAPER_SAMPLED[game].items()}})
    table = pd.DataFrame(rows).set_index("row")
    ks = sorted((c for c in table.columns if c.startswith("k=")), key=lambda c: int(c[2:]))
    return table[["all states", *ks]].fillna("–")


def depth_runs(records: list[dict]) -> pd.DataFrame:
    """The depth ablation's records (:func:`helpers.jps.sweep.depth_jobs`) as one row per (game,
    seed, depth): ``cfr_value`` (the common start), JPS's ``value``, ``seconds`` and ``visits``.

    Explained in the book: {ref}`jps-practices-depth`.
    """
    return pd.DataFrame([{"game": rec["game"], "seed": rec["seed"], "depth": int(depth), "cfr_value": rec["cfr_value"],
                          "value": jps["value"], "seconds": jps["seconds"], "visits": jps["visits"]}
                         for rec in records for depth, jps in by_depth(rec["jps"])])


def depth_summary(ablation: pd.DataFrame) -> pd.DataFrame:
    """Per game and depth limit of :func:`depth_runs`: mean value gained over CFR1k, mean value,
    mean seconds, mean visits, seeds (games and depths in first-seen order).

    Explained in the book: {ref}`jps-practices-depth`.
    """
    ablation = ablation.assign(gain=ablation["value"] - ablation["cfr_value"])
    return (ablation.groupby(["game", "depth"], sort=False)
            .agg(gain=("gain", "mean"), value=("value", "mean"), seconds=("seconds", "mean"),
                 visits=("visits", "mean"), seeds=("seed", "nunique")).reset_index())


def depth_shown(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`depth_summary` for the chapter: games by label, depth 0 shown as ∞."""
    return summary.assign(game=summary["game"].map(lambda g: GAME_LABELS.get(g, g)),
                          depth=summary["depth"].map(lambda d: "∞" if d == 0 else str(d)))


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


def sampled_rows(records: list[dict]) -> pd.DataFrame:
    """``metrics.csv`` rows of sample-based JPS (:func:`helpers.jps.sweep.sampled_jobs`): per seed
    and k the value, model ``cfr1k+jps(k=<k>)`` (``cfr1k+jps`` for the exact search), run ``sampled``.

    Explained in the book: {ref}`jps-practices-samples`.
    """
    return pd.DataFrame([{"run": "sampled", "model": "cfr1k+jps" + ("" if k == "0" else f"(k={k})"),
                          "task": rec["game"], "lang": "all", "metric": "expected_value", "value": jps["value"],
                          "n": 1, "seed": rec["seed"]}
                         for rec in records for k, jps in by_samples(rec["jps"])])


def sampled_facts(records: list[dict]) -> dict[str, object]:
    """What chapter 3's prose states about sample-based JPS: ``sampled_runs`` (sampled searches,
    the exact one not counted), ``sampled_dropped`` (those whose value fell below the CFR1k
    start at some step) and ``sampled_hanabi`` (Mini-Hanabi's mean with k = 1 against the exact
    search, in words).

    Explained in the book: {ref}`jps-practices-samples`.
    """
    dropped = sum(jps["lowest"] < rec["cfr_value"] - NEVER_WORSE_TOL for rec in records
                  for k, jps in rec["jps"].items() if k != "0")
    hanabi = [rec for rec in records if rec["game"] == "mini-hanabi"]
    if hanabi and "1" in hanabi[0]["jps"]:
        with_one = sum(rec["jps"]["1"]["value"] for rec in hanabi) / len(hanabi)
        with_all = sum(rec["jps"]["0"]["value"] for rec in hanabi) / len(hanabi)
        words = f"the mean with k = 1 is {with_one:.3f}, against {with_all:.3f} over all states"
    else:
        words = "k = 1 was not run here"
    return {"sampled_dropped": dropped, "sampled_runs": sum(len(rec["jps"]) - 1 for rec in records),
            "sampled_hanabi": words}
