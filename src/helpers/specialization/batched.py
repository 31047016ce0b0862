"""Two-layer students of several seeds trained as one tensor computation.

The seeds of one configuration share every shape, so their weights are stacked on a
leading seed axis and one SGD step of every seed is a handful of batched matrix products
(``torch.bmm``) with the backward pass written out by hand, as the original two-layer
script does, in float64. Each seed keeps its own random streams (student init, batch
indices), drawn with its own ``numpy`` generator, so a seed's numbers do not depend on
which other seeds share the batch: :func:`train` on seeds [a, b] gives what it gives on
[a] and on [b] (checked by the tests). Training sets of different sizes (a seed axis may
also stack data sizes) are padded to the largest; a seed samples only its own rows.

Loss: 1/2 * sum over outputs of the squared error, averaged over the batch; plain SGD
(no momentum, no weight decay), batches drawn with replacement, every parameter trained.

Explained in the book: {ref}`specialization-batched`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

DTYPE = torch.float64


class BatchError(ValueError):
    """A training set smaller than the batch, or arrays whose seed axes disagree."""


class SettingError(ValueError):
    """A setting the experiments do not know, or a width multiple below 1."""


def check_multi(multi: int) -> int:
    """``multi`` if it is an integer width multiple >= 1; :class:`SettingError` otherwise."""
    if isinstance(multi, bool) or not isinstance(multi, int) or multi < 1:
        raise SettingError(f"width multiple = {multi!r}: expected an integer >= 1 (a student at least as wide as "
                           "its teacher)")
    return multi


class one_thread:  # noqa: N801 (used as ``with one_thread():``)
    """Run with one torch thread: these products are too small to gain from two, and the
    threads' hand-offs cost more than they save (0.33 vs 2.2 ms a step measured on 2 cores)."""

    def __enter__(self) -> None:
        self.before = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        torch.set_num_threads(self.before)


@dataclass
class Students:
    """Stacked two-layer students: w1 (S, n, d), b1 (S, n), w2 (S, c, n), b2 (S, c)."""

    w1: torch.Tensor
    b1: torch.Tensor
    w2: torch.Tensor
    b2: torch.Tensor

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Post-ReLU hidden activations (S, N, n) of inputs (S, N, d)."""
        return torch.relu(torch.baddbmm(self.b1.unsqueeze(1), x, self.w1.transpose(1, 2)))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Outputs (S, N, c)."""
        return torch.baddbmm(self.b2.unsqueeze(1), self.hidden(x), self.w2.transpose(1, 2))


def init_students(rngs: list[np.random.Generator], n: int, d: int, c: int, scale: float = 0.005) -> Students:
    """Near-zero students: weights N(0, scale^2) from each seed's generator, biases 0."""
    w1 = np.stack([rng.normal(0.0, scale, size=(n, d)) for rng in rngs])
    w2 = np.stack([rng.normal(0.0, scale, size=(c, n)) for rng in rngs])
    seeds = len(rngs)
    return Students(torch.from_numpy(w1), torch.zeros(seeds, n, dtype=DTYPE), torch.from_numpy(w2),
                    torch.zeros(seeds, c, dtype=DTYPE))


def sgd_step(students: Students, x: torch.Tensor, target: torch.Tensor, lr: float) -> None:
    """One SGD step of every seed on its batch ``x`` (S, B, d) with targets (S, B, c), in place."""
    h = students.hidden(x)
    err = (torch.baddbmm(students.b2.unsqueeze(1), h, students.w2.transpose(1, 2)) - target) / x.shape[1]
    grad_h = torch.bmm(err, students.w2) * (h > 0)
    students.w2 -= lr * torch.bmm(err.transpose(1, 2), h)
    students.b2 -= lr * err.sum(dim=1)
    students.w1 -= lr * torch.bmm(grad_h.transpose(1, 2), x)
    students.b1 -= lr * grad_h.sum(dim=1)


def eval_mse(students: Students, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error over all N * c entries (no 1/2), per seed: (S,)."""
    return ((students(x) - y) ** 2).mean(dim=(1, 2))


def train(students: Students, x_train: torch.Tensor, y_train: torch.Tensor, sizes: list[int],
          rngs: list[np.random.Generator], lr: float, batch_size: int, epochs: int, steps_per_epoch: int,
          on_epoch: Callable[[int, Students], None] | None = None) -> Students:
    """Train every seed for ``epochs`` x ``steps_per_epoch`` SGD steps.

    ``x_train`` (S, N_max, d), ``y_train`` (S, N_max, c); seed s samples its batches (with
    replacement) from its first ``sizes[s]`` rows with ``rngs[s]``. ``on_epoch(epoch,
    students)`` is called before training (epoch 0) and after every epoch.
    """
    seeds = x_train.shape[0]
    if not (y_train.shape[0] == len(sizes) == len(rngs) == seeds == students.w1.shape[0]):
        raise BatchError("the seed axes of students, data, sizes and generators differ")
    if min(sizes) < batch_size:
        raise BatchError(f"a training set of {min(sizes)} samples is smaller than batch_size = {batch_size}")
    rows = torch.arange(seeds).unsqueeze(1)
    if on_epoch is not None:
        on_epoch(0, students)
    for epoch in range(1, epochs + 1):
        index = torch.from_numpy(np.stack([rng.integers(0, size, size=(steps_per_epoch, batch_size))
                                           for rng, size in zip(rngs, sizes, strict=True)]))
        for step in range(steps_per_epoch):
            pick = index[:, step]
            sgd_step(students, x_train[rows, pick], y_train[rows, pick], lr)
        if on_epoch is not None:
            on_epoch(epoch, students)
    return students
