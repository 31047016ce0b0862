"""Exact evaluation of a joint policy on a :class:`~helpers.jps.tree.GameTree`.

One forward pass over the nodes (parents first) gives each node's reach probability
``pi(h)`` (chance included) and one backward pass its value ``v(h)``, the expected common
payoff of the subtree under the policy. ``J = v(root)``. No sampling anywhere.

Explained in the book: {ref}`jps-games-format`.
"""

from __future__ import annotations

import numba
import numpy as np

from helpers.jps.tree import TERMINAL, GameTree


class PolicyError(ValueError):
    """A policy array that does not fit its game (wrong length, negative, rows not summing to 1)."""


@numba.njit(cache=True)
def edge_probs(chance_prob: np.ndarray, edge_slot: np.ndarray, policy: np.ndarray) -> np.ndarray:
    """The probability of the edge into each node under ``policy`` (1 at the root)."""
    n = edge_slot.shape[0]
    out = np.empty(n)
    out[0] = 1.0
    for node in range(1, n):
        slot = edge_slot[node]
        out[node] = policy[slot] if slot >= 0 else chance_prob[node]
    return out


@numba.njit(cache=True)
def reach_and_values(parent: np.ndarray, payoff: np.ndarray, edge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(pi, v)``: each node's reach probability and its subtree's expected payoff."""
    n = parent.shape[0]
    reach = np.empty(n)
    reach[0] = 1.0
    for node in range(1, n):
        reach[node] = reach[parent[node]] * edge[node]
    value = payoff.copy()
    for node in range(n - 1, 0, -1):
        value[parent[node]] += edge[node] * value[node]
    return reach, value


def check_policy(tree: GameTree, policy: np.ndarray) -> np.ndarray:
    """``policy`` as float64 if it is a distribution over every infoset's actions; :class:`PolicyError` otherwise."""
    policy = np.asarray(policy, dtype=np.float64)
    if policy.shape != (tree.n_slots,):
        raise PolicyError(f"policy has shape {policy.shape}; {tree.name} expects ({tree.n_slots},), one entry per "
                          "(infoset, action)")
    if np.any(policy < 0) or not np.allclose(np.add.reduceat(policy, tree.slot_ptr[:-1]), 1.0, atol=1e-9):
        raise PolicyError(f"policy for {tree.name}: every infoset's entries must be >= 0 and sum to 1")
    return policy


def evaluate(tree: GameTree, policy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(pi, v)`` of ``policy`` on ``tree`` (see :func:`reach_and_values`)."""
    edge = edge_probs(tree.chance_prob, tree.edge_slot, policy)
    return reach_and_values(tree.parent, tree.payoff, edge)


def expected_value(tree: GameTree, policy: np.ndarray) -> float:
    """``J(policy)``: the exact expected common payoff."""
    return float(evaluate(tree, policy)[1][0])


def uniform_policy(tree: GameTree) -> np.ndarray:
    """Every infoset plays its actions with equal probability."""
    return np.repeat(1.0 / tree.num_actions(), tree.num_actions())


def random_policy(tree: GameTree, seed: int) -> np.ndarray:
    """Per infoset, independent U(0, 1) weights per action, normalised (the paper's CFR start)."""
    weights = np.random.default_rng(seed).uniform(0.0, 1.0, tree.n_slots)
    return weights / np.repeat(np.add.reduceat(weights, tree.slot_ptr[:-1]), tree.num_actions())


def pure_policy(tree: GameTree, actions: np.ndarray) -> np.ndarray:
    """The deterministic policy playing ``actions[i]`` at infoset ``i``."""
    policy = np.zeros(tree.n_slots)
    policy[tree.slot_ptr[:-1] + np.asarray(actions)] = 1.0
    return policy


def purify(tree: GameTree, policy: np.ndarray) -> np.ndarray:
    """The argmax action of every infoset, as a deterministic policy."""
    best = [int(np.argmax(policy[lo:hi])) for lo, hi in zip(tree.slot_ptr[:-1], tree.slot_ptr[1:], strict=True)]
    return pure_policy(tree, np.array(best, dtype=np.int64))


def terminal_mask(tree: GameTree) -> np.ndarray:
    """Which nodes are terminals."""
    return tree.player == TERMINAL
