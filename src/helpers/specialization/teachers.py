"""Teacher networks: grid-valued, unit-normalised random ReLU teachers.

Two-layer teacher (the paper's core setting): every hidden node's fan-in is a unique,
non-zero vector drawn from the 9-value grid {-1, -0.75, ..., 1}, normalised to unit length,
with bias -0.1; the output layer's rows are again unique grid vectors, and the fan-out of
hidden node j (1-indexed) is divided by j**p (strength decay p: node 1 strongest). Deep
teacher: the same grid rows in every layer, biases U(-0.5, 0.5), optional decay of the
columns above the first layer, each row (bias included) normalised to unit norm, then each
hidden layer's bias shifted by its median pre-activation on tuning inputs so every node is
active on about half of them, and the outputs standardised.

Explained in the book: {ref}`specialization-setting`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID = np.linspace(-1.0, 1.0, 9)
"""The nine values a teacher weight is drawn from."""


class TeacherError(ValueError):
    """A teacher that cannot be built as asked (bad size or decay)."""


def grid_rows(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """``rows`` unique, non-zero vectors of length ``cols`` with entries from :data:`GRID`."""
    if rows < 1 or cols < 1:
        raise TeacherError(f"a teacher layer needs at least one row and one column, got {rows} x {cols}")
    out: list[np.ndarray] = []
    seen: set[bytes] = set()
    while len(out) < rows:
        row = rng.choice(GRID, size=cols)
        key = row.tobytes()
        if not np.any(row) or key in seen:
            continue
        seen.add(key)
        out.append(row)
    return np.stack(out)


@dataclass(frozen=True)
class TwoLayerTeacher:
    """``y = w2 @ relu(w1 @ x + b1) + b2``; shapes (m, d), (m,), (c, m), (c,)."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def hidden(self, x: np.ndarray) -> np.ndarray:
        """Post-ReLU hidden activations, (N, m)."""
        return np.maximum(x @ self.w1.T + self.b1, 0.0)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Outputs, (N, c)."""
        return self.hidden(x) @ self.w2.T + self.b2


def two_layer_teacher(rng: np.random.Generator, d: int, m: int, c: int, decay: float) -> TwoLayerTeacher:
    """A two-layer teacher of ``m`` hidden nodes on ``d`` inputs and ``c`` outputs, fan-out decay ``decay``."""
    if decay < 0:
        raise TeacherError(f"strength decay p = {decay}: expected p >= 0")
    w1 = grid_rows(rng, m, d)
    w1 /= np.linalg.norm(w1, axis=1, keepdims=True)
    w2 = grid_rows(rng, c, m) / np.arange(1, m + 1) ** decay
    return TwoLayerTeacher(w1, np.full(m, -0.1), w2, np.full(c, -0.1))


def fanout_strength(teacher: TwoLayerTeacher) -> np.ndarray:
    """The fan-out norm of each teacher node, (m,)."""
    return np.linalg.norm(teacher.w2, axis=0)


@dataclass(frozen=True)
class DeepTeacher:
    """A ReLU MLP: ``layers`` is [(W, b), ...], the last one linear."""

    layers: tuple[tuple[np.ndarray, np.ndarray], ...]

    def activations(self, x: np.ndarray) -> list[np.ndarray]:
        """Post-ReLU activations of every hidden layer (bottom first) and the output last."""
        out, h = [], x
        for index, (w, b) in enumerate(self.layers):
            z = h @ w.T + b
            h = z if index == len(self.layers) - 1 else np.maximum(z, 0.0)
            out.append(h)
        return out


def deep_teacher(rng: np.random.Generator, d: int, widths: list[int], outputs: int, tune_x: np.ndarray,
                 decay: float = 0.0) -> DeepTeacher:
    """A deep teacher with hidden ``widths`` (bottom first), each hidden node active on ~half of ``tune_x``."""
    if decay < 0:
        raise TeacherError(f"strength decay p = {decay}: expected p >= 0")
    sizes = [d, *widths, outputs]
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        w = grid_rows(rng, fan_out, fan_in)
        b = rng.uniform(-0.5, 0.5, size=fan_out)
        if index > 0 and decay:
            w = w / np.arange(1, fan_in + 1) ** decay
        norm = np.sqrt((w**2).sum(axis=1) + b**2)
        layers.append((w / norm[:, None], b / norm))
    h = tune_x
    tuned = []
    for index, (w, b) in enumerate(layers):
        z = h @ w.T + b
        if index < len(layers) - 1:
            shift = np.median(z, axis=0)
            b, z = b - shift, z - shift
            h = np.maximum(z, 0.0)
        else:
            mean, std = z.mean(axis=0), z.std(axis=0) + 1e-12
            w, b = w / std[:, None], (b - mean) / std
        tuned.append((w, b))
    return DeepTeacher(tuple(tuned))
