"""Part II's CFR and JPS: the hand-worked chain, exact gains, monotone values, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.jps.cfr import CFRError, run_cfr
from helpers.jps.density import changed_infosets_only, identity_check
from helpers.jps.evaluate import expected_value, pure_policy, random_policy
from helpers.jps.games import PAPER_GAMES, make_game
from helpers.jps.games.public import build_public, leaf_payoffs
from helpers.jps.search import SearchError, best_chain, run_jps
from helpers.jps.tree import TERMINAL, from_public_tree

PAYOFF = {(0, 0): 2.0, (1, 1): 5.0, (0, 1): 0.0, (1, 0): 0.0}


def coordination_game():
    """No cards; P1 picks a in {0, 1}, P2 sees it and picks b; payoff 2 for (0, 0), 5 for (1, 1), else 0."""
    def moves(history):
        return (len(history), [0, 1]) if len(history) < 2 else (TERMINAL, [])

    public, histories = build_public(moves)
    cards = np.zeros((1, 2), dtype=np.int64)
    payoff = leaf_payoffs(cards, public, histories, lambda c, h: np.full(c.shape[0], PAYOFF[h]))
    return from_public_tree("coordination", cards, public, payoff)


def test_hand_worked_chain_escapes_the_two_point_equilibrium():
    tree = coordination_game()
    # infosets: 0 = P1; 1 = P2 after a = 0; 2 = P2 after a = 1. Everyone plays 0: J = 2, and no single
    # infoset can improve alone (P1 switching to 1 meets P2's 0 and scores 0).
    stuck = pure_policy(tree, np.array([0, 0, 0]))
    assert expected_value(tree, stuck) == 2.0
    gain, chain, _ = best_chain(tree, stuck, tree.first_mover_infosets(), depth_limit=1)
    assert gain == 0.0  # f(P1, 1) = 1 * (v(a=1) - v(root)) = 0 - 2 < 0: stop is best
    gain, chain, visits = best_chain(tree, stuck, tree.first_mover_infosets(), depth_limit=0)
    # f(P1, 1) = -2, then P2 after a = 1 with new reach 1: f = 1 * (5 - 0) = 5; total 3
    assert chain == [(0, 1), (2, 1)]
    assert gain == pytest.approx(3.0)
    result = run_jps(tree, stuck, depth_limit=0)
    assert result.values[0] == 2.0 and result.value == pytest.approx(5.0)


@pytest.mark.parametrize("game", [*PAPER_GAMES, "tiny-bridge-2p"])
def test_jps_never_decreases_the_value(game):
    tree = make_game(game)
    big = tree.n_nodes > 100_000 or game.startswith(("bidding-16", "bridge2-4"))
    cfr = run_cfr(tree, iterations=5 if big else 30, seed=1)
    result = run_jps(tree, cfr.policy, depth_limit=3 if game.startswith(("bridge2", "bidding-16", "tiny")) else 0,
                     max_iterations=2 if big else 10, seed=1)
    assert result.values[0] == pytest.approx(cfr.value)
    assert np.all(np.diff(result.values) >= -1e-12)
    for before, after, gain in zip(result.values, result.values[1:], result.gains, strict=False):
        assert after - before == pytest.approx(gain, abs=1e-9)  # run_jps also asserts this itself


def test_jps_reaches_the_comm_optimum_and_improves_mini_hanabi():
    comm = make_game("comm-3")
    for seed in range(5):
        assert run_jps(comm, run_cfr(comm, 1000, seed).policy).value == pytest.approx(1.0)
    hanabi = make_game("mini-hanabi")
    cfr_values = [run_cfr(hanabi, 1000, seed).value for seed in range(20)]
    jps_values = [run_jps(hanabi, run_cfr(hanabi, 1000, seed).policy).value for seed in range(20)]
    assert 8.4 < np.mean(cfr_values) < np.mean(jps_values) <= 10.0


def test_cfr_is_reproducible_per_seed_and_varies_across_seeds():
    tree = make_game("mini-hanabi")
    first, again = run_cfr(tree, 200, 4), run_cfr(tree, 200, 4)
    assert np.array_equal(first.policy, again.policy)
    assert len({round(run_cfr(tree, 200, seed).value, 6) for seed in range(10)}) > 1


def test_density_identity_and_locality():
    tree = make_game("bidding-4")
    old, new = random_policy(tree, 1), random_policy(tree, 2)
    assert identity_check(tree, old, new)["gap"] < 1e-12
    half = old.copy()
    half[: tree.slot_ptr[5]] = new[: tree.slot_ptr[5]]
    assert changed_infosets_only(tree, old, half) == 0.0


def test_bad_settings_fail_before_any_work():
    tree = make_game("mini-hanabi")
    with pytest.raises(SearchError, match="parameter 'depth_limit' = -1"):
        run_jps(tree, random_policy(tree, 0), depth_limit=-1)
    with pytest.raises(SearchError, match="max_iterations"):
        run_jps(tree, random_policy(tree, 0), max_iterations=0)
    with pytest.raises(CFRError, match="parameter 'iterations' = 0"):
        run_cfr(tree, 0)


def test_sampled_jps_on_mini_hanabi_follows_the_paper_trend():
    tree = make_game("mini-hanabi")
    policies = [run_cfr(tree, 1000, seed).policy for seed in range(20)]
    one = np.mean([run_jps(tree, p, 0, 100, seed, samples=1).value for seed, p in enumerate(policies)])
    exact = np.mean([run_jps(tree, p, 0, 100, seed).value for seed, p in enumerate(policies)])
    assert one > exact  # the paper: 10.00 with k = 1 vs 9.50 over all states
    with pytest.raises(SearchError, match="parameter 'samples' = -2"):
        run_jps(tree, policies[0], samples=-2)
