"""Chapter 3's training, in this process or on several: ``torchrun`` started as a subprocess.

:func:`train_chapter_model` is the chapter's one call: one process trains in-process
(:func:`helpers.lipost.experiment.train_and_score`), more start ``torchrun``.

:func:`launch_training` writes the run's spec to the training folder and runs
``python -m torch.distributed.run --standalone --nproc-per-node N -m
helpers.lipost.distributed <spec>`` (one process per rank; on a multi-GPU
machine, one per GPU), waits for it, and returns the first rank's summary. When a rank
fails, :class:`DistributedTrainingFailed` names the rank and its error (from the file
each rank leaves when it fails), and points to ``torchrun.log``. :func:`train_and_score_on_processes`
then scores the exported model in this process, as
:func:`helpers.lipost.experiment.train_and_score` does after a single-process training.

Explained in the book: {ref}`lipost-training-several-processes`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers.config import ParamError
from helpers.lipost.distributed import RESULT, batches_file, failure_file
from helpers.lipost.experiment import Outcome, Scoring, score_result, train_and_score
from helpers.lipost.training.config import TrainConfig
from helpers.lipost.training.trainer import TrainResult
from helpers.paths import atomic_write_text

LOG = "torchrun.log"


class DistributedTrainingFailed(RuntimeError):
    """A rank of a training on several processes failed; the message names the rank and the error."""


def _failures(out_dir: Path, processes: int) -> list[str]:
    """``rank r: <error's first line>`` for every rank that left an error."""
    found = []
    for rank in range(processes):
        path = failure_file(out_dir, rank)
        if path.exists():
            found.append(f"rank {rank}: {path.read_text().splitlines()[0]}")
    return found


def launch_training(settings: TrainConfig, data_dir: Path, out_dir: Path, processes: int, task_per_process: bool,
                    export_to: Path | None = None, validation: dict | None = None, timeout: float | None = None
                    ) -> dict:
    """Train ``settings`` on ``processes`` processes with ``torchrun``; return the first rank's summary.

    Args:
        settings: resolved training settings; ``batch_size`` is each process's batch.
        data_dir: the run's task data.
        out_dir: training folder (logs, checkpoints, the spec, ``torchrun.log``, each
            rank's ``batches-rank<r>.json``); shared by the ranks, so on several
            machines it must be on a shared filesystem.
        processes: ranks to start (at least 2).
        task_per_process: each process draws its batch from a different task in every step.
        export_to: where the first rank exports the trained model.
        validation: :class:`~helpers.lipost.training.validation.SuiteValidation`'s
            settings (``tasks``, ``max_rows``, ``max_seq_length``, ``seed``), or ``None``.
        timeout: seconds before the launch is stopped (``None``: no limit).

    Raises:
        ParamError: fewer than 2 processes (one process trains without ``torchrun``).
        DistributedTrainingFailed: a rank failed; names the rank and its error.
    """
    if not isinstance(processes, int) or processes < 2:
        raise ParamError(f"processes = {processes!r}: torchrun is for 2 or more processes; one trains in-process")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for rank in range(processes):
        failure_file(out_dir, rank).unlink(missing_ok=True)
        batches_file(out_dir, rank).unlink(missing_ok=True)
    (out_dir / RESULT).unlink(missing_ok=True)
    spec = {"settings": settings.to_dict(), "data_dir": str(Path(data_dir).resolve()),
            "out_dir": str(out_dir.resolve()), "task_per_process": task_per_process,
            "export_to": str(Path(export_to).resolve()) if export_to is not None else None,
            "validation": validation}
    spec_path = out_dir / "launch.json"
    atomic_write_text(spec_path, json.dumps(spec, indent=1))
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={processes}",
               "-m", "helpers.lipost.distributed", str(spec_path.resolve())]
    with open(out_dir / LOG, "w") as log:
        try:
            code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ),
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired as err:
            raise DistributedTrainingFailed(f"training on {processes} processes did not finish within {timeout} s; "
                                            f"see {out_dir / LOG}") from err
    failures = _failures(out_dir, processes)
    if code != 0 or failures or not (out_dir / RESULT).exists():
        tail = (out_dir / LOG).read_text(errors="replace").strip().splitlines()[-5:]
        named = "; ".join(failures) or "no rank left an error (killed?); torchrun's last lines: " + " | ".join(tail)
        raise DistributedTrainingFailed(f"training on {processes} processes failed (torchrun exit code {code}): "
                                        f"{named}; full log: {out_dir / LOG}")
    return json.loads((out_dir / RESULT).read_text())


def train_and_score_on_processes(settings: TrainConfig, data_dir: Path, out_dir: Path, scoring: Scoring, *,
                                 processes: int, task_per_process: bool, export_to: Path,
                                 validation: dict | None = None) -> Outcome:
    """:func:`helpers.lipost.experiment.train_and_score` with the training on ``processes``
    processes (:func:`launch_training`): the exported model is reloaded here and scored."""
    from sentence_transformers import SentenceTransformer

    from helpers.lipost.models.materialize import default_device

    summary = launch_training(settings, data_dir, out_dir, processes, task_per_process, export_to, validation)
    model = SentenceTransformer(summary["model_dir"], device=default_device())
    result = TrainResult(model=model, seconds=summary["seconds"], steps=summary["steps"],
                         trainable_params=summary["trainable_params"], train_sizes=summary["train_sizes"],
                         resumed_from=summary["resumed_from"], tokens=summary["tokens"],
                         padded_tokens=summary["padded_tokens"], peak_rss_mb=summary["peak_rss_mb"],
                         prefix_stats=summary["prefix_stats"], step_seconds=summary["step_seconds"],
                         timed_steps=summary["timed_steps"], processes=summary["processes"])
    return score_result(result, settings, data_dir, scoring, model, Path(summary["model_dir"]),
                        summary["reload_difference"])


def validation_settings(settings: TrainConfig, max_rows: int, seed: int) -> dict | None:
    """The settings of the validation while training (:class:`~helpers.lipost.training.validation.SuiteValidation`):
    the trained tasks, ``max_rows`` rows of each, at the training length; ``None`` when
    ``settings.eval_steps`` is 0 (no validation during the run)."""
    if not settings.eval_steps:
        return None
    return {"tasks": settings.tasks, "max_rows": max_rows, "max_seq_length": settings.max_seq_length, "seed": seed}


def train_chapter_model(settings: TrainConfig, data_dir: Path, out_dir: Path, scoring: Scoring, *, processes: int,
                        task_per_process: bool, export_to: Path, validation: dict | None) -> Outcome:
    """Train and score chapter 3's model: in this process when ``processes`` is 1
    (:func:`~helpers.lipost.experiment.train_and_score`), else on ``processes`` processes
    with ``torchrun`` (:func:`train_and_score_on_processes`); either way the exported
    model is reloaded and scored here. ``validation``: :func:`validation_settings`."""
    if processes > 1:
        return train_and_score_on_processes(settings, data_dir, out_dir, scoring, processes=processes,
                                            task_per_process=task_per_process, export_to=export_to,
                                            validation=validation)
    from helpers.lipost.training.validation import SuiteValidation

    evaluator = SuiteValidation(data_dir, **validation) if validation else None
    return train_and_score(settings, data_dir, out_dir, scoring, export_to=export_to, validation=evaluator)


def how_trained(processes: int, task_per_process: bool) -> str:
    """The chapter's words for where the training ran."""
    if processes == 1:
        return "one process (this notebook's)"
    if task_per_process:
        return f"{processes} processes, each drawing its batch of a step from a different task"
    return f"{processes} processes, drawing their batches of a step from one task"


def training_figures(outcome: Outcome, batch_size: int) -> dict[str, str]:
    """The training's figures as the chapter prints them (glued as ``train_<name>``): wall
    minutes, steps, seconds per step and per optimiser step, the share of time between
    steps, trainable parameters (M), tokens and pairs per second, padding share, peak memory."""
    result = outcome.training
    seconds = max(result.seconds, 1e-9)
    return {"minutes": format(result.seconds / 60, ".1f"), "steps": format(result.steps),
            "sec_per_step": format(result.seconds / max(result.steps, 1), ".2f"),
            "sec_per_optimiser_step": format(outcome.summary["sec_per_optimiser_step"], ".2f"),
            "between_steps_pct": format(100 * (1 - result.step_seconds / seconds), ".0f"),
            "trainable_m": format(result.trainable_params / 1e6, ".1f"),
            "tokens_per_s": format(result.tokens / seconds, ",.0f"),
            "pairs_per_s": format(result.steps * batch_size * result.processes / seconds, ".1f"),
            "padding_pct": format(100 * (1 - result.tokens / max(result.padded_tokens, 1)), ".0f"),
            "peak_gb": format(result.peak_rss_mb / 1024, ".1f")}
