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
import pandas as pd

from helpers.jps.evaluate import evaluate, expected_value, random_policy
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


def identity_table(tree: GameTree, pairs: int = 5) -> pd.DataFrame:
    """Both statements checked on ``pairs`` pairs of random mixed policies of ``tree``.

    For pair ``p`` the old and new policies are drawn with seeds ``1000 + p`` and ``2000 + p``;
    one row per pair gives :func:`identity_check` of the pair and, for a policy that takes
    the new one on a random third of the infosets only (seed ``p``), the largest density off
    the changed infosets (:func:`changed_infosets_only`: 0 by locality).

    Explained in the book: {ref}`jps-games-density`.
    """
    rows = []
    for pair in range(pairs):
        old = random_policy(tree, 1000 + pair)
        new = random_policy(tree, 2000 + pair)
        changed = old.copy()  # change a third of the infosets only, to check locality
        rng = np.random.default_rng(pair)
        for iset in rng.choice(tree.n_infosets, tree.n_infosets // 3 + 1, replace=False):
            lo, hi = tree.slot_ptr[iset], tree.slot_ptr[iset + 1]
            changed[lo:hi] = new[lo:hi]
        rows.append({"pair": pair, **identity_check(tree, old, new),
                     "largest density off the changed infosets": changed_infosets_only(tree, old, changed)})
    return pd.DataFrame(rows).set_index("pair")
