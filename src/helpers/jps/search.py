"""Joint Policy Search (JPS): exact search over chains of infoset changes.

Given the current joint policy sigma (its reach ``pi`` and values ``v``), a candidate
change is a *chain* ``(I1, a1), (I2, a2), ...`` with ``I1`` in a candidate set and each
``I(j+1)`` a successor of ``(Ij, aj)``; sigma' plays ``aj`` at ``Ij`` and equals sigma
elsewhere. By the policy-change density identity, ``J(sigma') - J(sigma)`` is the sum
over chain members of ``f(I, a) = sum_{h in I} pi'(h) (v(h·a) - v(h))`` with the *old*
values ``v`` and the *new* reach ``pi'`` (which only chain members above ``h`` change).
A depth-first search (compiled with numba) finds the best chain, always allowing "stop
here" (gain 0) and trying every action, the current one included; the best chain is
applied and its predicted gain is checked against a re-evaluation to 1e-9, so the value
never decreases.

Two modes, as in the paper's released code: ``depth_limit = 0`` (chains of any length
from the first mover's infosets; stop when the best gain is 0) and ``depth_limit = d >
0`` (chains of at most d changes from *all* infosets of one tree depth, taken from a
shuffled list of depths ``1 .. maxDepth - d`` that is refilled after every gain above
1e-4; stop when the list is empty). At most ``max_iterations`` outer iterations.

Explained in the book: {ref}`jps-search-method`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numba
import numpy as np

from helpers.jps.cfr import run_cfr
from helpers.jps.evaluate import edge_probs, expected_value, reach_and_values
from helpers.jps.tree import GameTree

REFILL_GAIN = 1e-4
"""A gain above this refills the depth list (depth-limited mode)."""

STOP_GAIN = 1e-12
"""Unlimited mode stops once the best chain gains no more than this (0 up to rounding)."""

EXACT_TOL = 1e-9
"""Largest allowed gap between a chain's predicted gain and the re-evaluated gain."""


class SearchError(ValueError):
    """Bad JPS settings (a depth limit < 0, iterations < 1)."""


class GainMismatch(AssertionError):
    """A chain's predicted gain differs from the re-evaluated gain by more than :data:`EXACT_TOL`."""


@dataclass
class JPSResult:
    """``policy``: the final policy; ``values``: J before the first and after every outer
    iteration; ``gains``: each applied chain's predicted gain; ``chains``: each applied chain as
    ``[(infoset, action), ...]``; ``visits``: (state, candidate-infoset) visits in all;
    ``seconds``: wall time of the search."""

    policy: np.ndarray
    values: list[float] = field(default_factory=list)
    gains: list[float] = field(default_factory=list)
    chains: list[list[tuple[int, int]]] = field(default_factory=list)
    visits: int = 0
    seconds: float = 0.0

    @property
    def value(self) -> float:
        return self.values[-1]


@numba.njit(cache=True)
def _search(cands: np.ndarray, remaining: int, level: int, reach: np.ndarray, value: np.ndarray,
            edge: np.ndarray, parent: np.ndarray, infoset: np.ndarray, edge_slot: np.ndarray,
            child_ptr: np.ndarray, child_ids: np.ndarray, slot_ptr: np.ndarray, state_ptr: np.ndarray,
            states: np.ndarray, succ_ptr: np.ndarray, succ_ids: np.ndarray, active: np.ndarray,
            new_reach: np.ndarray, chains: np.ndarray, chain_len: np.ndarray, visits: np.ndarray,
            counted: np.ndarray, base: np.ndarray) -> float:
    """Best gain (>= 0) of a chain starting in ``cands``; the chain lands in ``chains[level]``.

    ``base[slot]`` is ``sum_{h in I} pi(h) (v(h·a) - v(h))`` over the counted states (the gain
    with the old reach); only states below a changed infoset, whose reach differs, are
    summed again. Only states with ``counted[h]`` contribute (all of them in the exact search)."""
    best = 0.0
    chain_len[level] = 0
    for index in range(cands.shape[0]):
        iset = cands[index]
        lo, hi = state_ptr[iset], state_ptr[iset + 1]
        changed = np.empty(hi - lo, dtype=np.int64)  # states whose new reach differs from the old
        n_changed = 0
        for k in range(lo, hi):  # pi'(h): walk up to the nearest changed ancestor
            state = states[k]
            product = 1.0
            node = state
            found = -1
            while node > 0:
                up = parent[node]
                up_set = infoset[up]
                if up_set >= 0 and active[up_set] >= 0:
                    found = up
                    break
                product *= edge[node]
                node = up
            if found < 0:
                new_reach[state] = reach[state]
                continue
            if edge_slot[node] - slot_ptr[infoset[found]] == active[infoset[found]]:
                new_reach[state] = new_reach[found] * product
            else:
                new_reach[state] = 0.0
            if counted[state]:
                changed[n_changed] = state
                n_changed += 1
        visits[0] += hi - lo
        n_actions = slot_ptr[iset + 1] - slot_ptr[iset]
        for action in range(n_actions):
            gain = base[slot_ptr[iset] + action]
            for k in range(n_changed):
                state = changed[k]
                gain += (new_reach[state] - reach[state]) * (value[child_ids[child_ptr[state] + action]]
                                                             - value[state])
            slot = slot_ptr[iset] + action
            deeper = 0.0
            has_deeper = False
            if remaining != 1 and succ_ptr[slot + 1] > succ_ptr[slot]:
                active[iset] = action
                deeper = _search(succ_ids[succ_ptr[slot]:succ_ptr[slot + 1]], remaining - 1 if remaining > 0 else 0,
                                 level + 1, reach, value, edge, parent, infoset, edge_slot, child_ptr, child_ids,
                                 slot_ptr, state_ptr, states, succ_ptr, succ_ids, active, new_reach, chains,
                                 chain_len, visits, counted, base)
                active[iset] = -1
                has_deeper = True
            if gain + deeper > best:
                best = gain + deeper
                chains[level, 0, 0] = iset
                chains[level, 0, 1] = action
                tail = chain_len[level + 1] if has_deeper else 0
                for j in range(tail):
                    chains[level, 1 + j, 0] = chains[level + 1, j, 0]
                    chains[level, 1 + j, 1] = chains[level + 1, j, 1]
                chain_len[level] = 1 + tail
    return best


def check_depth_limit(depth_limit: object, parameter: str = "depth_limit") -> int:
    """``depth_limit`` if it is an integer >= 0 (0: unlimited); :class:`SearchError` naming ``parameter`` otherwise."""
    if not isinstance(depth_limit, int) or isinstance(depth_limit, bool) or depth_limit < 0:
        raise SearchError(f"parameter {parameter!r} = {depth_limit!r}: expected an integer >= 0 (0 means unlimited)")
    return depth_limit


def best_chain(tree: GameTree, policy: np.ndarray, candidates: np.ndarray, depth_limit: int = 0,
               counted: np.ndarray | None = None) -> tuple[float, list[tuple[int, int]], int]:
    """``(gain, chain, visits)``: the best chain from ``candidates`` for ``policy`` (chains of at
    most ``depth_limit`` changes; 0: unlimited), its gain and the states visited. The gain is
    exact unless ``counted`` (a per-node mask) restricts the states it sums over."""
    edge = edge_probs(tree.chance_prob, tree.edge_slot, policy)
    reach, value = reach_and_values(tree.parent, tree.payoff, edge)
    counted = np.ones(tree.n_nodes, dtype=np.bool_) if counted is None else counted
    under = (tree.edge_slot >= 0) & counted[np.maximum(tree.parent, 0)]
    up = tree.parent[under]
    base = np.bincount(tree.edge_slot[under], weights=reach[up] * (value[under] - value[up]), minlength=tree.n_slots)
    levels = int(tree.iset_depth.max() - tree.iset_depth.min()) + 3
    chains = np.zeros((levels, levels, 2), dtype=np.int64)
    chain_len = np.zeros(levels, dtype=np.int64)
    visits = np.zeros(1, dtype=np.int64)
    active = np.full(tree.n_infosets, -1, dtype=np.int64)
    new_reach = np.zeros(tree.n_nodes)
    gain = _search(np.asarray(candidates, dtype=np.int64), depth_limit, 0, reach, value, edge, tree.parent,
                   tree.infoset, tree.edge_slot, tree.child_ptr, tree.child_ids, tree.slot_ptr, tree.iset_state_ptr,
                   tree.iset_states, tree.succ_ptr, tree.succ_ids, active, new_reach, chains, chain_len, visits,
                   counted, base)
    chain = [(int(i), int(a)) for i, a in chains[0, :chain_len[0]]]
    return float(gain), chain, int(visits[0])


def apply_chain(tree: GameTree, policy: np.ndarray, chain: list[tuple[int, int]]) -> np.ndarray:
    """A copy of ``policy`` playing each chain member's action deterministically."""
    policy = policy.copy()
    for iset, action in chain:
        policy[tree.slot_ptr[iset]:tree.slot_ptr[iset + 1]] = 0.0
        policy[tree.slot_ptr[iset] + action] = 1.0
    return policy


def search_depths(tree: GameTree, depth_limit: int) -> list[int]:
    """The tree depths whose infosets seed depth-limited searches: decision depths <= maxDepth - d."""
    return sorted(int(d) for d in np.unique(tree.iset_depth) if d <= tree.max_depth - depth_limit)


def sampled_mask(tree: GameTree, candidates: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Sample-based JPS: ``samples`` states drawn with replacement from each candidate infoset,
    marked with their whole subtrees (the states the density sums may use)."""
    counted = np.zeros(tree.n_nodes, dtype=np.bool_)
    for iset in candidates:
        states = tree.iset_states[tree.iset_state_ptr[iset]:tree.iset_state_ptr[iset + 1]]
        counted[rng.choice(states, samples, replace=True)] = True
    while True:  # parents come first: spread the marks down until nothing changes
        spread = counted.copy()
        spread[1:] |= counted[tree.parent[1:]]
        if np.array_equal(spread, counted):
            return counted
        counted = spread


def run_jps(tree: GameTree, policy: np.ndarray, depth_limit: int = 0, max_iterations: int = 100,
            seed: int = 0, samples: int = 0) -> JPSResult:
    """JPS from ``policy`` for at most ``max_iterations`` outer iterations (see the module doc).

    ``samples`` = k > 0 runs the paper's sample-based variant: each outer iteration scores
    chains on k sampled states per candidate infoset (and their subtrees) only, so a step
    may lower the value; the recorded values are always exact evaluations. Raises
    :class:`SearchError` for bad settings before any work and, in the exact search,
    :class:`GainMismatch` if an applied chain's predicted gain is not the re-evaluated one.
    """
    check_depth_limit(depth_limit)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 0:
        raise SearchError(f"parameter 'samples' = {samples!r}: expected an integer >= 0 (0: every state)")
    if not isinstance(max_iterations, int) or isinstance(max_iterations, bool) or max_iterations < 1:
        raise SearchError(f"parameter 'max_iterations' = {max_iterations!r}: expected an integer >= 1")
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    policy = np.asarray(policy, dtype=np.float64).copy()
    value = float(reach_and_values(tree.parent, tree.payoff,
                                   edge_probs(tree.chance_prob, tree.edge_slot, policy))[1][0])
    result = JPSResult(policy=policy, values=[value])
    all_depths = search_depths(tree, depth_limit) if depth_limit > 0 else []
    pending = list(rng.permutation(all_depths)) if depth_limit > 0 else []
    for _ in range(max_iterations):
        if depth_limit > 0:
            if not pending:
                break
            candidates = np.flatnonzero(tree.iset_depth == pending.pop())
        else:
            candidates = tree.first_mover_infosets()
        counted = sampled_mask(tree, candidates, samples, rng) if samples else None
        gain, chain, visits = best_chain(tree, policy, candidates, depth_limit, counted)
        policy = apply_chain(tree, policy, chain)
        new_value = float(reach_and_values(tree.parent, tree.payoff,
                                           edge_probs(tree.chance_prob, tree.edge_slot, policy))[1][0])
        if not samples and abs(new_value - (value + gain)) > EXACT_TOL:
            raise GainMismatch(f"{tree.name}: chain {chain} predicted gain {gain!r} but J moved "
                               f"{new_value - value!r}")
        value = new_value
        result.values.append(value)
        result.gains.append(gain)
        result.chains.append(chain)
        result.visits += visits
        if depth_limit == 0 and gain <= STOP_GAIN and not samples:  # a sampled search re-samples instead
            break
        if depth_limit > 0 and gain > REFILL_GAIN:
            pending = list(rng.permutation(all_depths))
    result.policy = policy
    result.seconds = time.perf_counter() - start
    return result


def example_step(tree: GameTree, best: float, cfr_iterations: int, first_seed: int,
                 tries: int) -> dict | None:
    """One unlimited-depth JPS step on the first CFR solution that is not optimal.

    CFR (:func:`helpers.jps.cfr.run_cfr`) runs from seeds ``first_seed, first_seed + 1, ...``
    (at most ``tries``) until its final iterate is worth less than ``best`` (the game's
    best-known value); the best chain from the first mover's infosets is then found and
    applied. Returns the seed, the value ``before`` and ``after`` (re-evaluated), the
    predicted ``gain``, the ``chain`` in words and the states ``visits``ed; ``None`` when
    every seed tried was already optimal.

    Explained in the book: {ref}`jps-search-method`.
    """
    for seed in range(first_seed, first_seed + tries):
        policy = run_cfr(tree, cfr_iterations, seed).policy
        before = expected_value(tree, policy)
        if before < best - 1e-6:
            gain, chain, visits = best_chain(tree, policy, tree.first_mover_infosets(), 0)
            words = " → ".join(f"(infoset {i} of player {int(tree.iset_player[i]) + 1}, action {a})"
                               for i, a in chain)
            return {"seed": seed, "before": before, "after": expected_value(tree, apply_chain(tree, policy, chain)),
                    "gain": gain, "chain": words, "visits": visits}
    return None
