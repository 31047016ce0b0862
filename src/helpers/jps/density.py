"""The policy-change density identity, computed term by term (to check it numerically).

For policies sigma and sigma' the density of a non-terminal history ``h`` is
``rho(h) = pi'(h) * sum_a (sigma'(a|h) - sigma(a|h)) * v(h·a)``, with the new reach
``pi'`` and the *old* values ``v``. Summed over every history it equals
``J(sigma') - J(sigma)``, and it vanishes wherever sigma' = sigma: a change of policy is
worth the sum of its densities over the infosets it changes. JPS rests on this.

Explained in the book: {ref}`jps-games-density`.
"""

from __future__ import annotations

import numpy as np

from helpers.jps.evaluate import evaluate, expected_value
from helpers.jps.tree import GameTree


def densities(tree: GameTree, policy: np.ndarray, new_policy: np.ndarray) -> np.ndarray:
    """``rho(h)`` for every node (0 at terminals and chance nodes)."""
    _, value = evaluate(tree, policy)
    new_reach, _ = evaluate(tree, new_policy)
    under = tree.edge_slot >= 0  # edges out of decision nodes
    slot = tree.edge_slot[under]
    terms = new_reach[tree.parent[under]] * (new_policy[slot] - policy[slot]) * value[under]
    return np.bincount(tree.parent[under], weights=terms, minlength=tree.n_nodes)


def identity_check(tree: GameTree, policy: np.ndarray, new_policy: np.ndarray) -> dict[str, float]:
    """Both sides of the identity: the summed densities and ``J(sigma') - J(sigma)``, and their gap."""
    total = float(densities(tree, policy, new_policy).sum())
    change = expected_value(tree, new_policy) - expected_value(tree, policy)
    return {"sum_of_densities": total, "value_change": change, "gap": abs(total - change)}


def changed_infosets_only(tree: GameTree, policy: np.ndarray, new_policy: np.ndarray) -> float:
    """The largest ``|rho(h)|`` over states whose infoset's policy did not change (0 by locality)."""
    rho = densities(tree, policy, new_policy)
    same = np.array([np.array_equal(policy[lo:hi], new_policy[lo:hi])
                     for lo, hi in zip(tree.slot_ptr[:-1], tree.slot_ptr[1:], strict=True)])
    states = np.flatnonzero(tree.infoset >= 0)
    mask = same[tree.infoset[states]]
    return float(np.abs(rho[states[mask]]).max(initial=0.0))
