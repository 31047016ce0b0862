"""Part II's games: tree sizes against the paper, proven optima, and OpenSpiel interop."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from helpers.jps.evaluate import PolicyError, check_policy, expected_value, pure_policy, random_policy
from helpers.jps.games import PAPER_SIZES, UnknownGame, check_game, make_game
from helpers.jps.games.bidding import top_bid
from helpers.jps.tree import TERMINAL


@pytest.mark.parametrize("game", sorted(PAPER_SIZES))
def test_tree_sizes_match_the_paper(game):
    tree = make_game(game)
    states, infosets = PAPER_SIZES[game]
    assert tree.n_nodes == states
    assert tree.n_infosets == infosets
    assert np.all(tree.parent[1:] < np.arange(1, tree.n_nodes))  # parents first
    assert np.all(np.diff(tree.iset_depth) >= 0)  # infosets numbered by depth


def test_simple_bidding_contracts():
    assert [2 ** (top_bid(n) - 1) for n in (4, 8, 16)] == [4, 8, 16]


def _brute_force_optimum(tree):
    choices = [range(n) for n in tree.num_actions()]
    return max(expected_value(tree, pure_policy(tree, np.array(pick))) for pick in itertools.product(*choices))


def test_mini_hanabi_optimum_is_ten_and_safe_policy_eight():
    tree = make_game("mini-hanabi")
    assert _brute_force_optimum(tree) == pytest.approx(10.0)
    assert expected_value(tree, pure_policy(tree, np.ones(tree.n_infosets, dtype=np.int64))) == pytest.approx(8.0)


@pytest.mark.parametrize("rounds", [1, 2, 3, 5])
def test_comm_binary_code_reaches_the_optimum(rounds):
    tree = make_game(f"comm-{rounds}")
    cards = 2 ** rounds
    actions = []
    # P1's public nodes are the binary strings of length 0 .. L-1 in breadth-first order, one infoset per card
    for length in range(rounds):
        for _prefix in range(2 ** length):
            actions += [(card >> (rounds - 1 - length)) & 1 for card in range(cards)]
    actions += list(range(cards))  # P2 at the signal string k (MSB first) guesses k
    assert expected_value(tree, pure_policy(tree, np.array(actions))) == pytest.approx(1.0)
    assert _brute_force_optimum(tree) == pytest.approx(1.0) if rounds == 1 else True


def test_bridge_payoffs_follow_the_rules():
    tree = make_game("bridge2-3")
    terminal = tree.player == TERMINAL
    assert set(np.unique(tree.payoff[terminal])) <= {-1.0, 0.0, 1.0, 2.0, 4.0}


def test_unknown_game_or_size_is_refused_by_name():
    with pytest.raises(UnknownGame, match="parameter 'game' = 'comm-9'"):
        check_game("comm-9")
    with pytest.raises(UnknownGame, match="unknown game"):
        make_game("poker-3")
    with pytest.raises(UnknownGame, match="'bidding-x'"):
        check_game("bidding-x")


def test_policy_check_refuses_a_policy_of_the_wrong_shape():
    tree = make_game("mini-hanabi")
    with pytest.raises(PolicyError, match="expects"):
        check_policy(tree, np.ones(3))
    check_policy(tree, random_policy(tree, 0))


# --- OpenSpiel -----------------------------------------------------------------------------

pyspiel = pytest.importorskip("pyspiel")


def test_mini_hanabi_equals_openspiel_tiny_hanabi():
    from helpers.jps.games.minihanabi import to_tiny_hanabi
    from helpers.jps.openspiel_games import openspiel_tree, to_openspiel_policy

    ours = make_game("mini-hanabi")
    theirs, index = openspiel_tree("tiny_hanabi")
    game = pyspiel.load_game("tiny_hanabi")
    assert theirs.n_infosets == ours.n_infosets and theirs.n_nodes == ours.n_nodes + 2
    for seed in range(5):
        policy = random_policy(ours, seed)
        translated = to_tiny_hanabi(ours, policy, theirs, index.keys)
        table = pyspiel.TabularPolicy(to_openspiel_policy(theirs, index, translated))
        expected = pyspiel.expected_returns(game.new_initial_state(), table, -1, True)[0]
        assert expected_value(ours, policy) == pytest.approx(expected, abs=1e-12)
        assert expected_value(theirs, translated) == pytest.approx(expected, abs=1e-12)
    assert _brute_force_optimum(theirs) == pytest.approx(10.0)
    # P1 plays 2 on card 0 and 0 on card 1; P2 (infoset 2 + 2 a1 + c2) answers 2, 0 after a1 = 0 and 0, 2 after a1 = 2
    best = np.array([2, 0, 2, 0, 0, 0, 0, 2])
    assert expected_value(ours, pure_policy(ours, best)) == pytest.approx(10.0)
    table = pyspiel.TabularPolicy(to_openspiel_policy(theirs, index, to_tiny_hanabi(ours, pure_policy(ours, best),
                                                                                    theirs, index.keys)))
    assert pyspiel.expected_returns(game.new_initial_state(), table, -1, True)[0] == pytest.approx(10.0)


def test_evaluator_agrees_with_openspiel_on_tiny_bridge():
    from helpers.jps.openspiel_games import openspiel_tree, to_openspiel_policy

    tree, index = openspiel_tree("tiny_bridge_2p")
    game = pyspiel.load_game("tiny_bridge_2p")
    policy = random_policy(tree, 3)
    table = pyspiel.TabularPolicy(to_openspiel_policy(tree, index, policy))
    assert expected_value(tree, policy) == pytest.approx(
        pyspiel.expected_returns(game.new_initial_state(), table, -1, True)[0], abs=1e-9)
    assert tree.n_infosets == 3584


@pytest.mark.parametrize("name, why", [("kuhn_poker", "common-payoff"), ("matrix_coordination", "sequential"),
                                       ("kuhn_poker(players=3)", "two-player")])
def test_openspiel_games_that_do_not_fit_are_refused(name, why):
    from helpers.jps.openspiel_games import NotCommonPayoff, load_openspiel

    with pytest.raises(NotCommonPayoff, match=f"parameter 'openspiel_game'.*{why}"):
        load_openspiel(name)


def test_openspiel_cfr_lands_on_the_safe_policy():
    from helpers.jps.openspiel_games import openspiel_cfr_value

    assert openspiel_cfr_value("tiny_hanabi", 300) == pytest.approx(8.0, abs=0.05)
