"""One process of chapter 3's training on several processes; ``torchrun`` starts one per rank.

``python -m torch.distributed.run --standalone --nproc-per-node N -m
helpers.lipost.distributed SPEC`` (what
:func:`helpers.lipost.launch.launch_training` runs) starts ``N`` copies of
:func:`main`. Each joins the process group (``nccl`` on GPUs, ``gloo`` on CPUs) and
calls :func:`helpers.lipost.training.trainer.train_multitask` with the settings of the
spec file, which then trains with DDP. Each rank writes the task of every batch it trained
on and a digest of its trained weights (``batches-rank<r>.json``: DDP keeps the ranks'
weights equal, though each trained on its own batches); the first rank exports the model, reloads it and writes
the training's summary (``distributed_result.json``), last. A rank that fails writes
``failed-rank<r>.txt`` (the error and its traceback) before exiting, so the launcher can
name the rank and the error.

Explained in the book: {ref}`lipost-training-several-processes`.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

from helpers.paths import atomic_write_text

RESULT = "distributed_result.json"


def failure_file(out_dir: Path, rank: int) -> Path:
    """Where rank ``rank`` leaves its error: ``failed-rank<r>.txt`` in the training folder."""
    return Path(out_dir) / f"failed-rank{rank}.txt"


def batches_file(out_dir: Path, rank: int) -> Path:
    """Where rank ``rank`` lists the task of each batch it trained on (``tasks``) and the
    digest of its trainable weights (``weights``): ``batches-rank<r>.json``."""
    return Path(out_dir) / f"batches-rank{rank}.json"


def weights_digest(model) -> str:
    """SHA-256 of a model's trainable parameters (names and values)."""
    import hashlib

    digest = hashlib.sha256()
    for name, param in model.named_parameters():
        if param.requires_grad:
            digest.update(name.encode())
            digest.update(param.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _join_process_group() -> None:
    import torch
    import torch.distributed as dist

    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")


def _train(spec: dict, rank: int) -> None:
    """This rank's part: train, record its batches' tasks; on the first rank, export and summarise."""
    import torch.distributed as dist

    from helpers.lipost.data.store import check_tasks, load_manifest
    from helpers.lipost.training.config import make_config

    settings, data_dir, out_dir = make_config(spec["settings"]), Path(spec["data_dir"]), Path(spec["out_dir"])
    check_tasks(settings.tasks, load_manifest(data_dir), "tasks")  # bad input fails before the model loads

    from helpers.lipost.experiment import export_and_reload
    from helpers.lipost.training.trainer import train_multitask

    validation = None
    if spec.get("validation"):
        from helpers.lipost.training.validation import SuiteValidation

        validation = SuiteValidation(data_dir, **spec["validation"])
    result = train_multitask(settings, data_dir, out_dir, evaluator=validation,
                             task_per_process=spec["task_per_process"])
    atomic_write_text(batches_file(out_dir, rank), json.dumps({"tasks": result.batch_tasks,
                                                                "weights": weights_digest(result.model)}))
    if rank == 0:
        summary = {"seconds": result.seconds, "steps": result.steps, "trainable_params": result.trainable_params,
                   "train_sizes": result.train_sizes, "resumed_from": result.resumed_from, "tokens": result.tokens,
                   "padded_tokens": result.padded_tokens, "peak_rss_mb": result.peak_rss_mb,
                   "prefix_stats": result.prefix_stats, "step_seconds": result.step_seconds,
                   "timed_steps": result.timed_steps, "processes": result.processes,
                   "model_dir": None, "reload_difference": None}
        if spec.get("export_to"):
            _, model_dir, difference = export_and_reload(result, settings, Path(spec["export_to"]))
            summary.update(model_dir=str(model_dir), reload_difference=difference)
        atomic_write_text(out_dir / RESULT, json.dumps(summary, indent=1))
    dist.barrier()


def main(spec_path: str) -> None:
    """Run this rank (``RANK`` from ``torchrun``) of the training the spec file describes."""
    spec = json.loads(Path(spec_path).read_text())
    rank = int(os.environ.get("RANK", "0"))
    try:
        _join_process_group()
        _train(spec, rank)
    except BaseException as err:
        atomic_write_text(failure_file(spec["out_dir"], rank),
                          f"{type(err).__name__}: {err}\n\n{traceback.format_exc()}")
        raise
    finally:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1])
