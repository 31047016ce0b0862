"""CFR as the paper's numbers were produced (its released code's variant, not textbook CFR).

Vanilla CFR with a full traversal per iteration and **simultaneous** updates of both
players, from a **random** initial policy per seed (each infoset's actions get U(0, 1)
weights, normalised). The regret of action ``a`` at state ``h`` of player ``i`` is
``v(h·a) - v(h)`` weighted by the reach of chance and the partner (the game is
common-payoff, so both players use the one payoff); regrets are summed per infoset and
the next policy is regret matching. Where no regret is positive, the infoset plays
uniform plus Gaussian noise (standard deviation 0.01) per action, clipped at 0 and
renormalised. The result is the **final current iterate** (not the average policy).
OpenSpiel's CFR differs on all three counts (uniform start, alternating updates,
average policy), which is why it lands on Mini-Hanabi's 8-point safe policy.

Explained in the book: {ref}`jps-games-cfr`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from helpers.jps.evaluate import expected_value, random_policy
from helpers.jps.tree import TERMINAL, GameTree

NOISE_SD = 0.01
"""Standard deviation of the noise added to the uniform policy where no regret is positive."""


class CFRError(ValueError):
    """Bad CFR settings (iterations < 1)."""


@dataclass(frozen=True)
class CFRResult:
    """``policy``: the final iterate; ``value``: its exact J; ``mean_value``: J averaged over
    the iterates (the code's other "CFR" number); ``values``: J of every iterate."""

    policy: np.ndarray
    value: float
    mean_value: float
    values: np.ndarray


@numba.njit(cache=True)
def _iterate(internal: np.ndarray, parent: np.ndarray, player: np.ndarray, payoff: np.ndarray,
             chance_prob: np.ndarray, edge_slot: np.ndarray, infoset: np.ndarray, child_ptr: np.ndarray,
             child_ids: np.ndarray, slot_ptr: np.ndarray, policy: np.ndarray, regret: np.ndarray, iterations: int,
             seed: int) -> np.ndarray:
    """Run ``iterations`` simultaneous CFR updates in place on ``policy``/``regret``; return J per iterate.

    Only the ``internal`` (non-terminal) nodes are visited as parents: a terminal's value is
    its payoff and it has no regret, so each terminal costs one read per pass."""
    np.random.seed(seed)
    n = parent.shape[0]
    n_isets = slot_ptr.shape[0] - 1
    values = np.empty(iterations)
    partner = np.empty((n, 2))  # per node and player: the reach of chance and of the partner's actions
    value = payoff.copy()
    for it in range(iterations):
        partner[0, 0] = 1.0
        partner[0, 1] = 1.0
        for k in range(1, internal.shape[0]):
            node = internal[k]
            up = parent[node]
            slot = edge_slot[node]
            mover = player[up]
            prob = policy[slot] if slot >= 0 else chance_prob[node]
            partner[node, 0] = partner[up, 0] * (1.0 if mover == 0 else prob)
            partner[node, 1] = partner[up, 1] * (1.0 if mover == 1 else prob)
        for k in range(internal.shape[0] - 1, -1, -1):
            node = internal[k]
            total = 0.0
            first = child_ptr[node]
            if player[node] >= 0:
                base = slot_ptr[infoset[node]]
                for a in range(child_ptr[node + 1] - first):
                    total += policy[base + a] * value[child_ids[first + a]]
            else:
                for a in range(child_ptr[node + 1] - first):
                    child = child_ids[first + a]
                    total += chance_prob[child] * value[child]
            value[node] = total
        values[it] = value[0]
        for k in range(internal.shape[0]):
            node = internal[k]
            mover = player[node]
            if mover >= 0:
                weight = partner[node, mover]
                base = slot_ptr[infoset[node]]
                first = child_ptr[node]
                own = value[node]
                for a in range(child_ptr[node + 1] - first):
                    regret[base + a] += weight * (value[child_ids[first + a]] - own)
        for iset in range(n_isets):
            lo, hi = slot_ptr[iset], slot_ptr[iset + 1]
            total = 0.0
            for slot in range(lo, hi):
                if regret[slot] > 0:
                    total += regret[slot]
            if total > 0:
                for slot in range(lo, hi):
                    policy[slot] = regret[slot] / total if regret[slot] > 0 else 0.0
            else:
                norm = 0.0
                for slot in range(lo, hi):
                    weight = 1.0 / (hi - lo) + np.random.normal(0.0, NOISE_SD)
                    policy[slot] = weight if weight > 0 else 0.0
                    norm += policy[slot]
                if norm <= 0:
                    for slot in range(lo, hi):
                        policy[slot] = 1.0 / (hi - lo)
                else:
                    for slot in range(lo, hi):
                        policy[slot] /= norm
    return values


def run_cfr(tree: GameTree, iterations: int = 1000, seed: int = 0) -> CFRResult:
    """The paper's CFR variant for ``iterations`` iterations from the random policy of ``seed``."""
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
        raise CFRError(f"parameter 'iterations' = {iterations!r}: expected an integer >= 1")
    policy = random_policy(tree, seed)
    regret = np.zeros(tree.n_slots)
    internal = np.flatnonzero(tree.player != TERMINAL)
    values = _iterate(internal, tree.parent, tree.player, tree.payoff, tree.chance_prob, tree.edge_slot, tree.infoset,
                      tree.child_ptr, tree.child_ids, tree.slot_ptr, policy, regret, iterations, seed)
    return CFRResult(policy=policy, value=expected_value(tree, policy), mean_value=float(values.mean()),
                     values=values)
