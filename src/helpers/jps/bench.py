"""Part II's ``make bench``: CFR and JPS speed on this machine.

1. CFR iterations per second on OpenSpiel's ``tiny_bridge_2p`` (107,129 histories): ours
   (the paper's variant, compiled with numba, simultaneous updates: one tree pass per
   iteration) against OpenSpiel's C++ ``CFRSolver`` on the same game (alternating updates),
   timed in turns; the ratio is our CFR it/s ÷ OpenSpiel C++ CFR it/s, same game, same
   iterations per timed call (:data:`CFR_COMPARES`); the target is a ratio >= 1.
2. JPS (state, candidate-infoset) visits per second: the unlimited search on Comm L = 6 and
   the d = 3 search on 2-Suited Bridge N = 4, from a CFR solution.

Called by ``make bench`` (:mod:`helpers.pipeline.bench`, which adds the run's per-step
wall times and records everything in ``runs/bench/bench.json``).

Explained in the book: {ref}`jps-search-time`.
"""

from __future__ import annotations

from pathlib import Path

CFR_ITERATIONS = 20
"""Iterations per timed call (each solver is timed over the same count, in turns)."""

REPEATS = 5
"""Timed calls per solver (interleaved); each figure is the median."""

CFR_COMPARES = (f"our CFR it/s ÷ OpenSpiel C++ CFRSolver it/s, same game (tiny_bridge_2p), {CFR_ITERATIONS} "
                f"iterations per timed call, median of {REPEATS} interleaved calls each (ours: simultaneous updates, "
                "one tree pass per iteration; OpenSpiel: alternating updates, its own iteration)")
"""What ``cfr_speed_ratio`` compares with what, as ``make bench`` prints and records it."""

JPS_SETTINGS = (("comm-6", 0, 5), ("bridge2-4", 3, 10))
"""(game, depth limit, outer iterations) of each timed JPS search."""


def cfr_speed(repeats: int = REPEATS) -> dict[str, float | str]:
    """Iterations/s of our CFR and of OpenSpiel's C++ CFRSolver on ``tiny_bridge_2p``, and their ratio."""
    import pyspiel

    from helpers.jps.cfr import run_cfr
    from helpers.jps.games import make_game
    from helpers.pipeline.bench import interleaved_medians

    tree = make_game("tiny-bridge-2p")
    run_cfr(tree, 2, 0)  # compile
    solver = pyspiel.CFRSolver(pyspiel.load_game("tiny_bridge_2p"))

    def openspiel() -> None:
        for _ in range(CFR_ITERATIONS):
            solver.evaluate_and_update_policy()

    ours_s, theirs_s = interleaved_medians([lambda: run_cfr(tree, CFR_ITERATIONS, 0), openspiel], repeats)
    return {"cfr_iter_per_s_ours": CFR_ITERATIONS / ours_s, "cfr_iter_per_s_openspiel": CFR_ITERATIONS / theirs_s,
            "cfr_speed_ratio": theirs_s / ours_s, "cfr_speed_ratio_compares": CFR_COMPARES}


def jps_speed() -> dict[str, float]:
    """JPS visits per second (and the visits and seconds) on the settings of :data:`JPS_SETTINGS`:
    (state, candidate-infoset) visits of one search ÷ its seconds, from a 100-iteration CFR
    policy of seed 0, after a one-iteration search that compiles the code."""
    from helpers.jps.cfr import run_cfr
    from helpers.jps.games import make_game
    from helpers.jps.search import run_jps

    out = {}
    for game, depth, iterations in JPS_SETTINGS:
        tree = make_game(game)
        policy = run_cfr(tree, 100, 0).policy
        run_jps(tree, policy, depth, 1, 0)  # compile
        result = run_jps(tree, policy, depth, iterations, 0)
        label = f"{game}_d{depth}"
        out[f"jps_visits_per_s_{label}"] = result.visits / result.seconds
        out[f"jps_visits_{label}"] = result.visits
        out[f"jps_seconds_{label}"] = result.seconds
    return out


def main(profile: str, root: Path) -> dict:
    """Measure, print and return Part II's speed figures (the profile does not change them)."""
    figures = cfr_speed() | jps_speed()
    print(f"  CFR speed ratio = {CFR_COMPARES}: {figures['cfr_iter_per_s_ours']:.1f} it/s ÷ "
          f"{figures['cfr_iter_per_s_openspiel']:.1f} it/s = {figures['cfr_speed_ratio']:.2f}x")
    for game, depth, iterations in JPS_SETTINGS:
        label = f"{game}_d{depth}"
        print(f"  JPS on {game}, depth limit {depth or 'none'}, {iterations} outer iterations: "
              f"{figures[f'jps_visits_{label}']:,.0f} (state, candidate-infoset) visits ÷ "
              f"{figures[f'jps_seconds_{label}']:.2f} s = {figures[f'jps_visits_per_s_{label}']:,.0f} visits/s")
    return figures
