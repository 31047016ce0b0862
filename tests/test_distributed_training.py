"""Training on several processes: which task each process trains on in a step, and a tiny
two-process training with torchrun (CPU, gloo) that trains, exports, reloads and encodes."""

import json

import numpy as np
import pytest
import torch
from torch.utils.data import BatchSampler, ConcatDataset, RandomSampler

from helpers.config import ParamError
from helpers.lipost.training.config import make_config
from helpers.lipost.training.mixing import ProcessMixingBatchSampler

SIZES = (40, 24, 16)  # three tasks' training pairs


def _sampler(processes: int, task_per_process: bool, sampler: str = "proportional") -> ProcessMixingBatchSampler:
    generator = torch.Generator().manual_seed(3)
    datasets = [list(range(n)) for n in SIZES]
    per_task = [BatchSampler(RandomSampler(d, generator=generator), batch_size=4, drop_last=True) for d in datasets]
    return ProcessMixingBatchSampler(ConcatDataset(datasets), per_task, generator, seed=3, processes=processes,
                                     task_per_process=task_per_process, sampler=sampler)


def _task_of(index: int) -> int:
    return int(np.searchsorted(np.cumsum(SIZES), index, side="right"))


def _steps(processes: int, task_per_process: bool, sampler: str = "proportional") -> list[list[int]]:
    """Per step, the task of each process's batch, as Accelerate shards the sequence (rank r: r, N + r, ...)."""
    batches = list(_sampler(processes, task_per_process, sampler))
    assert len(batches) == len(_sampler(processes, task_per_process, sampler)) and len(batches) % processes == 0
    tasks = []
    for batch in batches:
        assert len({_task_of(i) for i in batch}) == 1  # a batch holds one task's pairs
        tasks.append(_task_of(batch[0]))
    return [tasks[s:s + processes] for s in range(0, len(tasks), processes)]


@pytest.mark.parametrize("sampler", ["proportional", "round_robin"])
def test_task_per_process_gives_each_process_its_own_task_in_a_step(sampler):
    mixed = _steps(3, True, sampler)
    assert all(len(set(step)) == 3 for step in mixed)
    same = _steps(2, False, sampler)
    assert all(len(set(step)) == 1 for step in same)
    assert len({step[0] for step in same}) > 1  # ... but not always the same task
    assert _steps(2, False, sampler) == same  # seeded


def test_task_per_process_needs_a_task_per_process():
    with pytest.raises(ParamError, match="needs at least 4 tasks, got 3"):
        _sampler(4, True)


def test_chapter_3_parameters_refuse_bad_process_settings():
    from helpers.lipost.parameters.training_step import check_launch_settings

    base = {**make_config({}).to_dict(), "processes": 1, "task_per_process": False}
    check_launch_settings(base)
    with pytest.raises(ParamError, match="task_per_process mixes tasks across processes"):
        check_launch_settings({**base, "task_per_process": True})
    with pytest.raises(ParamError, match="processes = 8 with task_per_process needs at least 8 tasks"):
        check_launch_settings({**base, "processes": 8, "task_per_process": True})


TINY = dict(base_model="all-MiniLM-L6-v2", steps=3, batch_size=8, max_seq_length=32, save_steps=0, eval_steps=0,
            freeze_layers=4, dims=[384, 32], lr=5e-4, tasks=["description", "topic"], max_pairs_per_task=64,
            dropout=0.0)


@pytest.mark.slow
def test_two_processes_train_export_and_mix_tasks_as_asked(small_data, tmp_path):
    """torchrun, 2 CPU processes (gloo): the ranks end with the same weights; the exported
    model loads and encodes; with
    task_per_process the two batches of every step come from different tasks, without it
    from the same task; a failing rank is named with its error."""
    from sentence_transformers import SentenceTransformer

    from helpers.lipost.distributed import batches_file
    from helpers.lipost.launch import DistributedTrainingFailed, launch_training

    settings = make_config(TINY)
    for mixed in (True, False):
        out = tmp_path / f"mixed-{mixed}"
        summary = launch_training(settings, small_data.data_dir, out, 2, mixed,
                                  export_to=tmp_path / "model" if mixed else None, timeout=600)
        assert summary["steps"] == 3 and summary["processes"] == 2
        ranks = [json.loads(batches_file(out, r).read_text()) for r in (0, 1)]
        assert ranks[0]["weights"] == ranks[1]["weights"]  # each trained on its own batches; DDP kept them equal
        assert len(ranks[0]["tasks"]) == len(ranks[1]["tasks"]) == 3
        pairs = list(zip(ranks[0]["tasks"], ranks[1]["tasks"], strict=True))
        if mixed:
            assert all(a != b for a, b in pairs)
            summary_mixed = summary
        else:
            assert all(a == b for a, b in pairs)
        assert len(json.loads((out / "train_summary.json").read_text())) == 3  # written once, by the first rank

    assert summary_mixed["reload_difference"] < 1e-5  # the first rank exported, reloaded and compared
    model = SentenceTransformer(summary_mixed["model_dir"], device="cpu")
    vectors = model.encode(["a query", "un document en français"])
    assert vectors.shape == (2, 384) and np.isfinite(vectors).all()

    with pytest.raises(DistributedTrainingFailed, match=r"rank \d: UnknownTask: tasks: unknown task 'nope'"):
        launch_training(make_config({**TINY, "tasks": ["nope", "topic"]}), small_data.data_dir, tmp_path / "bad", 2,
                        False, timeout=600)
