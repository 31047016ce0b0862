"""Which task each process trains on in one optimisation step, when training runs on several.

On ``N`` processes, the trainer's data loader hands process ``r`` the batches at
positions ``r, N + r, 2N + r, ...`` of one batch sequence (Accelerate's sharding), so
the ``N`` consecutive batches of a group are the ``N`` batches of one optimisation step
(their gradients are averaged). :class:`ProcessMixingBatchSampler` writes that sequence
step by step:

- ``task_per_process=False``: one task per step, drawn by size (or in turn, with the
  ``round_robin`` sampler), and every process gets a batch of it;
- ``task_per_process=True`` (the paper's mixing: each device samples a different
  dataset, one update per iteration): ``N`` different tasks per step, drawn by size
  without replacement (or the next ``N`` in turn), one per process.

Every batch still holds pairs of one task only. One process keeps the trainer's own samplers.

Explained in the book: {ref}`lipost-training-several-processes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import accumulate

import torch
from sentence_transformers.base.sampler import MultiDatasetDefaultBatchSampler

from helpers.config import ParamError


class ProcessMixingBatchSampler(MultiDatasetDefaultBatchSampler):
    """The batch sequence of a training on ``processes`` processes, a step's ``processes``
    batches at a time (see the module's description).

    Args:
        dataset: the tasks' training sets, concatenated (the trainer builds it).
        batch_samplers: one batch sampler per task (the trainer builds them).
        generator: the trainer's seeded generator.
        seed: the training seed (plus the epoch, each epoch).
        processes: the number of training processes.
        task_per_process: a different task for each process in a step (else one task for all).
        sampler: ``proportional`` (tasks drawn by size) or ``round_robin`` (tasks in turn).
    """

    def __init__(self, dataset, batch_samplers, generator: torch.Generator | None = None, seed: int = 0, *,
                 processes: int, task_per_process: bool, sampler: str = "proportional") -> None:
        super().__init__(dataset, batch_samplers=batch_samplers, generator=generator, seed=seed)
        if task_per_process and processes > len(batch_samplers):
            raise ParamError(f"task_per_process gives each of the {processes} processes its own task in a step: "
                             f"it needs at least {processes} tasks, got {len(batch_samplers)}")
        self.processes, self.task_per_process, self.sampler = processes, task_per_process, sampler

    def __len__(self) -> int:
        """Whole steps only: the tasks' batches, rounded down to a multiple of ``processes`` (at least one step)."""
        return max(sum(len(s) for s in self.batch_samplers) // self.processes, 1) * self.processes

    def step_tasks(self, step: int) -> list[int]:
        """The task index each process trains on in ``step`` (drawn from the seeded generator)."""
        n_tasks = len(self.batch_samplers)
        if self.sampler == "round_robin":
            if self.task_per_process:
                return [(step * self.processes + rank) % n_tasks for rank in range(self.processes)]
            return [step % n_tasks] * self.processes
        weights = torch.tensor([float(len(s)) for s in self.batch_samplers])
        if self.task_per_process:
            return torch.multinomial(weights, self.processes, replacement=False, generator=self.generator).tolist()
        return torch.multinomial(weights, 1, generator=self.generator).tolist() * self.processes

    def __iter__(self) -> Iterator[list[int]]:
        if self.generator is not None and self.seed is not None:
            self.generator.manual_seed(self.seed + self.epoch)
        offsets = [0, *accumulate(len(d) for d in self.dataset.datasets)]
        batches = [iter(s) for s in self.batch_samplers]
        for step in range(len(self) // self.processes):
            for task in self.step_tasks(step):
                try:
                    batch = next(batches[task])
                except StopIteration:  # a task used up within the epoch starts over, reshuffled
                    batches[task] = iter(self.batch_samplers[task])
                    batch = next(batches[task])
                yield [index + offsets[task] for index in batch]
