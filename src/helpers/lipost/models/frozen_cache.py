"""Run the frozen bottom of the encoder once per distinct text, and reuse its output.

When the embeddings and the lowest ``k`` transformer layers are frozen, their output for
a given token sequence never changes, yet a plain training step recomputes it every time
the text is seen, and every evaluation recomputes it for every test text. This module
attaches to a sentence-transformers model whose first module wraps a BERT-style encoder
and replaces the encoder's forward by: *look up* the level-``k`` hidden states of each row
(computing and storing the missing ones, without gradient and without dropout), then run
only the layers above ``k``. Results are identical to the plain forward in evaluation mode
up to the float16 rounding of the stored states (tested); in training the frozen layers
apply no dropout, which is what makes their output cacheable.

The store is keyed by a hash of the frozen weights and ``k``, kept in memory and written
to ``<cache>/frozen_prefix/<key>/`` as append-only shards (each written atomically), so
variants of a run that share texts (the ablation grid) compute each prefix once. A state
missing at level ``k`` starts from the highest lower level stored for the same weights,
and keeps what it passes at those levels: variants that freeze fewer layers find them.

Explained in the book: {ref}`pipeline-ablation-variants` and {ref}`environment-speed-levers`.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from transformers.masking_utils import create_bidirectional_mask
from transformers.modeling_outputs import BaseModelOutput

from helpers.fingerprint import frozen_weights_keys
from helpers.paths import atomic_write_bytes, cache_dir


class _Store:
    """The level-``k`` states of one set of frozen weights: in memory, and as shards on disk."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.entries: dict[bytes, torch.Tensor] = {}  # token ids -> [length, hidden] float16
        self.new: dict[bytes, torch.Tensor] = {}  # entries not yet written
        if folder is not None and folder.is_dir():
            for shard in sorted(folder.glob("*.pt")):
                part = torch.load(shard, weights_only=True)
                states = part["states"].split(part["lengths"].tolist())
                self.entries.update(zip(part["keys"], states, strict=True))

    def add(self, keys: list[bytes], lengths: list[int], hidden: torch.Tensor) -> int:
        """Keep row ``i`` of ``hidden`` (its first ``lengths[i]`` positions) under ``keys[i]``."""
        added = 0
        for i, key in enumerate(keys):
            if key not in self.entries:
                self.entries[key] = self.new[key] = hidden[i, : lengths[i]].detach().to("cpu", torch.float16).clone()
                added += 1
        return added

    def padded(self, keys: list[bytes], width: int, hidden_size: int) -> torch.Tensor:
        """The stored states of ``keys`` as ``[rows, width, hidden]`` float32, zeros after each row's end."""
        out = torch.zeros(len(keys), width, hidden_size)
        for i, key in enumerate(keys):
            state = self.entries[key]
            out[i, : state.shape[0]] = state.to(torch.float32)
        return out

    def save(self) -> int:
        """Write the entries added since the last save as one new shard; return their number."""
        if self.folder is None or not self.new:
            return 0
        keys = list(self.new)
        part = {"keys": keys, "lengths": torch.tensor([self.new[x].shape[0] for x in keys]),
                "states": torch.cat([self.new[x] for x in keys])}
        buffer = io.BytesIO()
        torch.save(part, buffer)
        atomic_write_bytes(self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.pt", buffer.getvalue())
        count = len(self.new)
        self.new.clear()
        return count


_OPEN: dict[str, _Store] = {}  # weights key -> store, shared by every cache of this process


@contextmanager
def isolated_stores() -> Iterator[None]:
    """While active, caches open their stores as a new process would (from disk only), and
    nothing they open is shared with the rest of this process. For measurements (``make
    bench``) and tests that must not see, or leave behind, this process's states."""
    global _OPEN
    outer, _OPEN = _OPEN, {}
    try:
        yield
    finally:
        _OPEN = outer


def _folder(key: str, persist: bool) -> Path | None:
    return cache_dir() / "frozen_prefix" / key if persist else None


def _open(key: str, persist: bool) -> _Store:
    if key not in _OPEN:  # else another model of this process (an earlier ablation variant) opened it
        _OPEN[key] = _Store(_folder(key, persist))
    return _OPEN[key]


class FrozenPrefixCache:
    """Level-``k`` hidden states of a BERT encoder, computed once per token sequence.

    A missing state is computed from the highest lower level already stored for the same
    frozen weights (else from the embeddings), and the states it passes at those stored
    levels are kept there too: the ablation grid's variants with 11, 10 and 8 frozen
    layers thereby run each training text's shared bottom layers once.

    Args:
        model: a ``SentenceTransformer`` whose first module's ``auto_model`` is BERT-like
            (``embeddings`` + ``encoder.layer``), e.g. multilingual-e5-small.
        k: number of bottom layers served from the cache (they must be frozen).
        persist: keep the store on disk under the cache folder (``False``: memory only).
    """

    def __init__(self, model, k: int, persist: bool = True) -> None:
        self.bert = model[0].auto_model
        layers = self.bert.encoder.layer
        if not 0 < k <= len(layers):
            raise ValueError(f"frozen cache level {k} outside 1..{len(layers)}")
        self.k, self.persist = k, persist
        keys = frozen_weights_keys(self.bert, k)
        self.key, self._lower_keys = keys[k], {j: keys[j] for j in range(1, k)}
        self.folder = _folder(self.key, persist)
        self._store = _open(self.key, persist)
        self._lower: dict[int, _Store] | None = None  # opened on the first miss
        self.hits = self.misses = self.from_lower = 0

    @property
    def store(self) -> dict[bytes, torch.Tensor]:
        return self._store.entries

    def lower_stores(self) -> dict[int, _Store]:
        """The stores of lower levels that exist for these weights (in this process or on disk)."""
        if self._lower is None:
            self._lower = {j: _open(key, self.persist) for j, key in self._lower_keys.items()
                           if key in _OPEN or (self.persist and _folder(key, True).is_dir())}
        return self._lower

    def save(self) -> int:
        """Write the entries added since the last save (this level's and those kept at lower
        levels) as shards; return how many of this level's were written."""
        for store in (self._lower or {}).values():
            store.save()
        return self._store.save()

    # -- computation ----------------------------------------------------------------------
    def _compute(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, keys: list[bytes],
                 lengths: list[int], start: int) -> torch.Tensor:
        """Level-``k`` states of these rows, run from level ``start`` (0: the embeddings); the
        states passed at other stored levels are kept there."""
        lower = self.lower_stores()
        was_training = self.bert.training
        self.bert.eval()
        with torch.no_grad():
            if start:
                hidden = lower[start].padded(keys, input_ids.shape[1], self.bert.config.hidden_size)
                hidden = hidden.to(input_ids.device)
            else:
                hidden = self.bert.embeddings(input_ids=input_ids)
            mask = create_bidirectional_mask(config=self.bert.config, inputs_embeds=hidden,
                                             attention_mask=attention_mask)
            for level in range(start + 1, self.k + 1):
                hidden = self.bert.encoder.layer[level - 1](hidden, mask)
                if level in lower and level < self.k:
                    lower[level].add(keys, lengths, hidden)
        self.bert.train(was_training)
        return hidden

    @staticmethod
    def _keys(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[list[bytes], list[int]]:
        """One key per row (its real token ids) and the row lengths; rows must be right-padded."""
        counts = attention_mask.sum(dim=1)
        positions = torch.arange(attention_mask.shape[1], device=attention_mask.device)
        if not torch.equal(attention_mask.bool(), positions < counts[:, None]):
            raise ValueError("frozen cache needs right-padded inputs (a contiguous attention mask)")
        lengths = counts.tolist()
        return [input_ids[i, :n].cpu().numpy().tobytes() for i, n in enumerate(lengths)], lengths

    def store_rows(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, hidden: torch.Tensor) -> int:
        """Keep level-``k`` states computed elsewhere (see :func:`record_prefixes`); return how many were new."""
        keys, lengths = self._keys(input_ids, attention_mask)
        return self._store.add(keys, lengths, hidden)

    def prefix(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Level-``k`` hidden states ``[batch, seq, hidden]`` (zeros at padded positions)."""
        keys, lengths = self._keys(input_ids, attention_mask)
        missing = [i for i, key in enumerate(keys) if key not in self.store]
        self.misses += len(missing)
        self.hits += len(keys) - len(missing)
        if missing:
            lower = self.lower_stores()
            starts: dict[int, list[int]] = {}  # level to start from -> rows
            for i in missing:
                starts.setdefault(max((j for j in lower if keys[i] in lower[j].entries), default=0), []).append(i)
            for start, rows in starts.items():
                width = max(lengths[i] for i in rows)
                index = torch.tensor(rows, device=input_ids.device)
                row_keys, row_lengths = [keys[i] for i in rows], [lengths[i] for i in rows]
                hidden = self._compute(input_ids[index, :width], attention_mask[index, :width], row_keys,
                                       row_lengths, start)
                self._store.add(row_keys, row_lengths, hidden)
                self.from_lower += len(rows) if start else 0
        return self._store.padded(keys, input_ids.shape[1], self.bert.config.hidden_size).to(input_ids.device)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids=None,
                **_: object) -> BaseModelOutput:
        """Drop-in for the encoder's forward: cached bottom, live top layers."""
        if token_type_ids is not None and bool(token_type_ids.any()):
            raise ValueError("frozen cache supports single-segment inputs only (token_type_ids all 0)")
        hidden = self.prefix(input_ids, attention_mask)
        mask = create_bidirectional_mask(config=self.bert.config, inputs_embeds=hidden, attention_mask=attention_mask)
        for layer in self.bert.encoder.layer[self.k:]:
            hidden = layer(hidden, mask)
        return BaseModelOutput(last_hidden_state=hidden)

    @contextmanager
    def attached(self) -> Iterator[FrozenPrefixCache]:
        """Inside the block the encoder's forward runs through this cache (the saved model is
        unaffected); on exit, even after an error, its own forward is restored and the
        states computed inside are written to disk (each shard atomically: they are states
        of the frozen weights, correct whatever failed)."""
        if "forward" in self.bert.__dict__:
            raise RuntimeError("this encoder's forward is already replaced (a frozen-prefix cache is attached)")
        self.bert.forward = self.forward
        try:
            yield self
        finally:
            self.bert.__dict__.pop("forward", None)
            self.save()

    def stats(self) -> dict[str, int]:
        """Rows served, rows computed (``from_lower`` of them from a lower stored level), rows stored."""
        return {"hits": self.hits, "misses": self.misses, "from_lower": self.from_lower, "stored": len(self.store)}


@contextmanager
def frozen_prefix(model, k: int, persist: bool = True) -> Iterator[FrozenPrefixCache | None]:
    """Serve the bottom ``k`` layers of ``model`` from the frozen-prefix cache inside the block.

    A new :class:`FrozenPrefixCache` used through :meth:`FrozenPrefixCache.attached`
    (``k = 0``: no cache, and the block gets ``None``). The cache's counters stay readable
    after the block.
    """
    if not k:
        yield None
        return
    with FrozenPrefixCache(model, k, persist).attached() as cache:
        yield cache


@contextmanager
def record_prefixes(model, levels: Iterable[int]) -> Iterator[list[FrozenPrefixCache]]:
    """While active, every forward of ``model`` also stores its level-``k`` hidden states for
    each ``k`` in ``levels``; the forward itself is the plain, exact one.

    An un-tuned model's embeddings (chapters 1-2) thereby fill the caches that a model
    trained from it with ``k`` frozen layers reads (chapter 3, the ablation grid): the same
    texts then run only the trained layers. Shards are written when the block ends.
    """
    levels = sorted(set(levels))
    if not levels:
        yield []
        return
    bert = model[0].auto_model
    caches = [FrozenPrefixCache(model, k) for k in levels]
    inputs: dict[str, torch.Tensor] = {}

    # sentence-transformers calls ``auto_model.forward`` directly, so module hooks on the
    # encoder never fire: wrap its forward to see the inputs (the layers' hooks do fire)
    own = bert.__dict__.get("forward")
    plain_forward = bert.forward

    def forward_noting_inputs(*args, **kwargs):
        ids = kwargs["input_ids"] if "input_ids" in kwargs else args[0]
        mask = kwargs.get("attention_mask")
        inputs["ids"], inputs["mask"] = ids, torch.ones_like(ids) if mask is None else mask
        return plain_forward(*args, **kwargs)

    def keeper(cache: FrozenPrefixCache):
        def keep(_module, _args, output):
            hidden = output[0] if isinstance(output, tuple) else output
            with torch.inference_mode(False):
                cache.store_rows(inputs["ids"], inputs["mask"], hidden)
        return keep

    bert.forward = forward_noting_inputs
    handles = [bert.encoder.layer[c.k - 1].register_forward_hook(keeper(c)) for c in caches]
    try:
        yield caches
    finally:
        for handle in handles:
            handle.remove()
        if own is None:
            bert.__dict__.pop("forward", None)
        else:
            bert.forward = own
    for cache in caches:
        cache.save()
