"""The array format every game of Part II is stored in, and its builder.

A game is an explicit tree of ``n`` nodes numbered so that a parent always comes before
its children (breadth first by depth), held in flat arrays: a forward loop over the
node numbers visits parents first, a backward loop children first. Decision nodes are
grouped into information sets (infosets); each infoset owns a contiguous block of
*slots*, one per action, so a policy is one float64 array over all slots.

The paper's games share one shape: a single uniform chance node at the root deals
private cards, then every action is public. :func:`from_public_tree` builds the full
tree from the deals and the *public* tree (identical for every deal): the nodes of public
depth ``l`` come after those of depth ``l - 1``, deal by deal, so the children of every node
are consecutive numbers (what keeps CFR's passes over the children cache-friendly). The OpenSpiel games are built by
:mod:`helpers.jps.openspiel_games` into the same :class:`GameTree` with :func:`assemble`.

Explained in the book: {ref}`jps-games-format`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHANCE, TERMINAL = -1, -2
"""``player`` codes of chance and terminal nodes (players are 0 and 1)."""


class TreeError(ValueError):
    """A game tree that breaks the format (an infoset spanning depths or action counts)."""


@dataclass(frozen=True)
class GameTree:
    """A two-player common-payoff game as flat arrays (float64 payoffs and probabilities).

    Node arrays (length ``n_nodes``): ``parent`` (-1 at the root), ``player`` (0, 1,
    :data:`CHANCE`, :data:`TERMINAL`), ``depth`` (root 0), ``infoset`` (-1 unless a decision
    node), ``chance_prob`` (probability of the edge into the node when its parent is a
    chance node, else 0), ``edge_slot`` (the policy slot of the edge into the node when its
    parent is a decision node, else -1), ``payoff`` (the common payoff at terminals), and
    the children in action order: ``child_ptr`` (``n_nodes + 1``) into ``child_ids``.

    Infoset arrays (length ``n_infosets``): ``iset_player``, ``iset_depth``, ``slot_ptr``
    (``n_infosets + 1``; infoset ``i`` has actions ``slot_ptr[i+1] - slot_ptr[i]``), its
    states ``iset_state_ptr``/``iset_states``, and per slot ``(i, a)`` the successor
    infosets (those holding a child ``h·a`` of a state ``h`` of ``i``): ``succ_ptr`` into
    ``succ_ids``. Infosets are numbered by depth.
    """

    name: str
    parent: np.ndarray
    player: np.ndarray
    depth: np.ndarray
    infoset: np.ndarray
    chance_prob: np.ndarray
    edge_slot: np.ndarray
    payoff: np.ndarray
    child_ptr: np.ndarray
    child_ids: np.ndarray
    iset_player: np.ndarray
    iset_depth: np.ndarray
    slot_ptr: np.ndarray
    iset_state_ptr: np.ndarray
    iset_states: np.ndarray
    succ_ptr: np.ndarray
    succ_ids: np.ndarray

    @property
    def n_nodes(self) -> int:
        return int(self.parent.shape[0])

    @property
    def n_infosets(self) -> int:
        return int(self.iset_player.shape[0])

    @property
    def n_slots(self) -> int:
        return int(self.slot_ptr[-1])

    @property
    def max_depth(self) -> int:
        """The depth of the deepest node, terminals included (the root is depth 0)."""
        return int(self.depth.max())

    def num_actions(self) -> np.ndarray:
        """Actions per infoset."""
        return np.diff(self.slot_ptr)

    def slot_infoset(self) -> np.ndarray:
        """The infoset each slot belongs to."""
        return np.repeat(np.arange(self.n_infosets), self.num_actions())

    def first_mover_infosets(self) -> np.ndarray:
        """The infosets at the shallowest decision depth (where unlimited JPS starts its chains)."""
        return np.flatnonzero(self.iset_depth == self.iset_depth.min())

    def sizes(self) -> dict[str, int]:
        """Node and infoset counts: ``states`` counts every node (the paper's #States)."""
        return {"states": self.n_nodes, "decision_infosets": self.n_infosets,
                "terminals": int((self.player == TERMINAL).sum()), "max_depth": self.max_depth}


def _csr(groups: np.ndarray, n_groups: int, members: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, ids)``: for each group ``g``, ``ids[ptr[g]:ptr[g+1]]`` are the members with ``groups == g``."""
    members = np.arange(groups.shape[0]) if members is None else members
    order = np.argsort(groups, kind="stable")
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=n_groups), out=ptr[1:])
    return ptr, members[order].astype(np.int64)


def assemble(name: str, parent: np.ndarray, player: np.ndarray, infoset: np.ndarray, chance_prob: np.ndarray,
             action: np.ndarray, payoff: np.ndarray, iset_player: np.ndarray, iset_actions: np.ndarray) -> GameTree:
    """Build a :class:`GameTree` from per-node arrays in parent-first order.

    ``action`` is the index of the edge into each node among its parent's children
    (children must be numbered in action order); ``iset_actions`` the number of actions
    of each infoset. Infosets must be numbered by depth. Raises :class:`TreeError` when a
    node's children do not match its infoset's action count or an infoset spans depths.
    """
    n = parent.shape[0]
    parent = parent.astype(np.int64)
    if n > 1 and np.any(parent[1:] >= np.arange(1, n)):
        raise TreeError(f"{name}: nodes must be numbered parent first")
    depth = _depths(parent)
    child_ptr, child_ids = _csr(parent[1:], n, np.arange(1, n))
    n_children = np.diff(child_ptr)
    decision = infoset >= 0
    slot_ptr = np.zeros(iset_actions.shape[0] + 1, dtype=np.int64)
    np.cumsum(iset_actions, out=slot_ptr[1:])
    if np.any(n_children[decision] != iset_actions[infoset[decision]]):
        raise TreeError(f"{name}: a decision node's children do not match its infoset's action count")
    n_isets = iset_player.shape[0]
    iset_state_ptr, iset_states = _csr(infoset[decision], n_isets, np.flatnonzero(decision))
    iset_depth = np.full(n_isets, -1, dtype=np.int64)
    iset_depth[infoset[decision]] = depth[decision]
    if np.any(iset_depth[infoset[decision]] != depth[decision]):
        raise TreeError(f"{name}: an infoset holds states of different depths (JPS needs public depth)")
    if np.any(np.diff(iset_depth) < 0):
        raise TreeError(f"{name}: infosets must be numbered by depth")
    edge_slot = np.full(n, -1, dtype=np.int64)
    under_decision = np.zeros(n, dtype=bool)
    under_decision[1:] = decision[parent[1:]]
    edge_slot[under_decision] = slot_ptr[infoset[parent[under_decision]]] + action[under_decision]
    succ_ptr, succ_ids = _successors(parent, infoset, edge_slot, slot_ptr[-1])
    return GameTree(name=name, parent=parent, player=player.astype(np.int64), depth=depth,
                    infoset=infoset.astype(np.int64), chance_prob=chance_prob.astype(np.float64),
                    edge_slot=edge_slot, payoff=payoff.astype(np.float64), child_ptr=child_ptr,
                    child_ids=child_ids, iset_player=iset_player.astype(np.int64), iset_depth=iset_depth,
                    slot_ptr=slot_ptr, iset_state_ptr=iset_state_ptr, iset_states=iset_states,
                    succ_ptr=succ_ptr, succ_ids=succ_ids)


def _depths(parent: np.ndarray) -> np.ndarray:
    """Each node's depth (root 0), by repeating ``depth = depth[parent] + 1`` until it settles."""
    depth = np.zeros(parent.shape[0], dtype=np.int64)
    while True:
        new = depth.copy()
        new[1:] = depth[parent[1:]] + 1
        if np.array_equal(new, depth):
            return depth
        depth = new


def _successors(parent: np.ndarray, infoset: np.ndarray, edge_slot: np.ndarray,
                n_slots: int) -> tuple[np.ndarray, np.ndarray]:
    """Per slot ``(i, a)``: the distinct decision infosets of the children ``h·a`` of ``i``'s states."""
    has = (edge_slot >= 0) & (infoset >= 0)
    pairs = np.unique(np.stack([edge_slot[has], infoset[has]], axis=1), axis=0)
    ptr = np.zeros(n_slots + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs[:, 0], minlength=n_slots), out=ptr[1:])
    return ptr, pairs[:, 1].astype(np.int64).copy()


@dataclass(frozen=True)
class PublicTree:
    """The public action tree of a card game (the same for every deal), in breadth-first order.

    ``player[p]`` is 0 or 1 at a decision node and :data:`TERMINAL` at a leaf;
    ``children[p]`` lists the public children in action order.
    """

    player: list[int]
    children: list[list[int]]


def from_public_tree(name: str, cards: np.ndarray, public: PublicTree, payoff: np.ndarray) -> GameTree:
    """The full tree of a game dealt by one uniform chance node over ``D`` deals.

    Args:
        cards: ``(D, 2)`` each player's private card per deal (a player without a card
            has 0 everywhere); an infoset is (public node, mover's card).
        public: the public tree, nodes in breadth-first order.
        payoff: ``(D, P)`` the common payoff of each deal at each public node (read at leaves).
    """
    n_deals, n_public = cards.shape[0], len(public.player)
    pub_player = np.asarray(public.player, dtype=np.int64)
    pub_parent = np.full(n_public, -1, dtype=np.int64)
    pub_action = np.zeros(n_public, dtype=np.int64)
    for p, kids in enumerate(public.children):
        for a, kid in enumerate(kids):
            pub_parent[kid], pub_action[kid] = p, a
    n_cards = cards.max(axis=0) + 1
    # infosets: for each public decision node in order, one per card of its mover
    per_node = np.where(pub_player >= 0, n_cards[np.clip(pub_player, 0, 1)], 0)
    iset_start = np.concatenate([[0], np.cumsum(per_node)])
    iset_player = np.repeat(pub_player, per_node)
    iset_actions = np.repeat(np.array([len(k) for k in public.children], dtype=np.int64), per_node)

    pub_depth = np.zeros(n_public, dtype=np.int64)
    for p in range(1, n_public):  # breadth first: a parent precedes its children
        pub_depth[p] = pub_depth[pub_parent[p]] + 1
    starts = np.searchsorted(pub_depth, np.arange(pub_depth.max() + 2))  # public level l is starts[l] .. starts[l+1]
    widths = np.diff(starts)
    offsets = 1 + np.concatenate([[0], np.cumsum(widths * n_deals)])
    # level by level, deal-major within a level, so a node's children are contiguous numbers
    pub_of = np.concatenate([[-1], *(np.tile(np.arange(starts[lv], starts[lv + 1]), n_deals)
                                     for lv in range(len(widths)))])
    deal_of = np.concatenate([[-1], *(np.repeat(np.arange(n_deals), widths[lv]) for lv in range(len(widths)))])
    n = 1 + n_public * n_deals

    def node_of(pub: np.ndarray, deal: np.ndarray) -> np.ndarray:
        level = pub_depth[pub]
        return offsets[level] + deal * widths[level] + (pub - starts[level])

    body = slice(1, n)
    parent = np.zeros(n, dtype=np.int64)
    parent[0] = -1
    pp = pub_parent[pub_of[body]]
    parent[body] = np.where(pp < 0, 0, node_of(np.maximum(pp, 0), deal_of[body]))
    player = np.empty(n, dtype=np.int64)
    player[0] = CHANCE
    player[body] = pub_player[pub_of[body]]
    infoset = np.full(n, -1, dtype=np.int64)
    decision = np.flatnonzero(player >= 0)
    mover = player[decision]
    infoset[decision] = iset_start[pub_of[decision]] + cards[deal_of[decision], mover]
    chance_prob = np.zeros(n)
    chance_prob[1:1 + n_deals] = 1.0 / n_deals
    action = np.zeros(n, dtype=np.int64)
    action[body] = np.where(pp < 0, deal_of[body], pub_action[pub_of[body]])
    values = np.zeros(n)
    values[body] = payoff[deal_of[body], pub_of[body]]
    values[player != TERMINAL] = 0.0
    return assemble(name, parent, player, infoset, chance_prob, action, values, iset_player, iset_actions)
