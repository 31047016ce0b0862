"""Multi-task contrastive training with sentence-transformers' trainer.

One loss per task (in-batch-negative InfoNCE: MultipleNegativesRankingLoss for pair
tasks, :class:`~helpers.lipost.training.losses.LabelAwareMultipleNegativesRankingLoss` for label
and group tasks), each wrapped in MatryoshkaLoss so the first ``dims[-1]`` dimensions of
the embedding are trained to work alone. The trainer's multi-dataset batch sampler keeps
every batch inside one task (proportional or round-robin over tasks). Lower layers can be
frozen, and their output served from
:class:`~helpers.lipost.models.frozen_cache.FrozenPrefixCache`; an optional learned projection
maps the embedding to a smaller size. Checkpoints are saved every ``save_steps``; calling :func:`train_multitask` again
on the same folder resumes from the last one. Per-task losses go to ``train_log.csv`` and
TensorBoard (``tb/``). Started by ``torchrun`` on several processes
(:mod:`helpers.lipost.distributed`), the same function trains with DDP: each
process draws its own batch of every step (:mod:`helpers.lipost.training.mixing`), the
first process alone writes logs, checkpoints and the summary.

Explained in the book: {ref}`lipost-training-model-and-losses`.
"""

from __future__ import annotations

import csv
import functools
import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from transformers import TrainerCallback

from helpers.config import ParamError
from helpers.fingerprint import checkpoint_key
from helpers.lipost.models import load_model
from helpers.lipost.models.frozen_cache import frozen_prefix
from helpers.lipost.training.config import TrainConfig
from helpers.lipost.training.losses import LabelAwareMultipleNegativesRankingLoss
from helpers.lipost.training.pairs import task_prompts, training_sets


class TrackedLoss(nn.Module):
    """Forwards to ``loss``; remembers each batch's value under ``task`` and counts tokens.

    ``tokens`` counts real (attention-mask) tokens, ``padded`` every position fed to the
    encoder, so their ratio is the share of work spent on padding. ``order`` receives the
    task of every batch, in the order this process trained on them.
    """

    def __init__(self, task: str, loss: nn.Module, sink: dict[str, list[float]], counts: dict[str, int],
                 order: list[str] | None = None) -> None:
        super().__init__()
        self.task, self.loss, self.sink, self.counts = task, loss, sink, counts
        self.order = order if order is not None else []
        self.model = loss.model

    def forward(self, sentence_features, labels):
        features = list(sentence_features)
        for f in features:
            self.counts["tokens"] += int(f["attention_mask"].sum())
            self.counts["padded"] += int(f["attention_mask"].numel())
        value = self.loss(features, labels)
        self.sink[self.task].append(float(value.detach()))
        self.order.append(self.task)
        return value

    @property
    def citation(self) -> str | None:
        return getattr(self.loss, "citation", None)


class LossLog(TrainerCallback):
    """Appends step, learning rate, loss and per-task mean losses to a CSV and TensorBoard."""

    def __init__(self, path: Path, sink: dict[str, list[float]], tb_dir: Path) -> None:
        self.path, self.sink, self.tb_dir = path, sink, tb_dir
        self.writer = None
        self.started = time.time()

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero:  # on several processes, the first one logs
            return
        if logs and any(k.startswith("eval_") for k in logs):
            self._append(self.path.with_name("validation_log.csv"),
                         {"step": state.global_step, **{k.removeprefix("eval_"): v for k, v in logs.items()
                                                       if k.startswith("eval_validation")}})
        if not logs or "loss" not in logs:
            return
        row = {"step": state.global_step, "seconds": round(time.time() - self.started, 1),
               "lr": logs.get("learning_rate"), "loss": logs.get("loss")}
        for task, values in self.sink.items():
            if values:
                row[f"loss/{task}"] = sum(values) / len(values)
                values.clear()
        if self.writer is None:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(self.tb_dir / "tasks"))
        for key, value in row.items():
            if key.startswith("loss/"):
                self.writer.add_scalar(key, value, state.global_step)
        self._append(self.path, row, ["step", "seconds", "lr", "loss"] + [f"loss/{t}" for t in sorted(self.sink)])

    @staticmethod
    def _append(path: Path, row: dict, fields: list[str] | None = None) -> None:
        new = not path.exists()
        with open(path, "a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields or list(row), extrasaction="ignore")
            if new:
                writer.writeheader()
            writer.writerow(row)


class StepTimer(TrainerCallback):
    """Sums the wall time of the optimisation steps alone (forward, backward, optimiser),
    from each step's start to its end: not the batches' collation before it, nor the
    validations, checkpoints and logs between steps, which the training's total includes."""

    def __init__(self) -> None:
        self.seconds, self.steps, self._began = 0.0, 0, None

    def on_step_begin(self, args, state, control, **kwargs):
        self._began = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        if self._began is not None:
            self.seconds += time.perf_counter() - self._began
            self.steps += 1
            self._began = None


class StopAfter(TrainerCallback):
    """Stop training after ``step`` optimiser steps (used to test resuming)."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step >= self.step:
            control.should_training_stop = True
            control.should_save = True


def freeze_lower_layers(model, n_layers: int) -> int:
    """Freeze the embeddings and the lowest ``n_layers`` transformer layers; return trainable params."""
    encoder = model[0].auto_model
    if n_layers > 0:
        for param in encoder.embeddings.parameters():
            param.requires_grad = False
        layers = encoder.encoder.layer
        if n_layers > len(layers):
            raise ParamError(f"freeze_layers = {n_layers}: the model has only {len(layers)} layers")
        for layer in layers[:n_layers]:
            for param in layer.parameters():
                param.requires_grad = False
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def set_dropout(model, p: float) -> int:
    """Set every dropout layer of ``model`` (hidden states and attention weights) to ``p``;
    return how many there are."""
    layers = [m for m in model.modules() if isinstance(m, nn.Dropout)]
    for layer in layers:
        layer.p = p
    return len(layers)


def add_projection(model, dim: int):
    """Insert a linear map (full size -> ``dim``, no bias) before normalisation.

    It is initialised to plain truncation (the first ``dim`` coordinates), so training
    starts where a Matryoshka-truncated embedding starts and can only learn from there.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense

    full = model.get_embedding_dimension()
    if dim >= full:
        raise ParamError(f"projection_dim = {dim} must be smaller than the model's {full} dimensions")
    dense = Dense(full, dim, bias=False, activation_function=nn.Identity(), init_weight=torch.eye(dim, full))
    modules = list(model)
    projected = SentenceTransformer(modules=[*modules[:-1], dense, modules[-1]], prompts=model.prompts,
                                    device=str(model.device))
    projected.max_seq_length = model.max_seq_length
    return projected


def _reset_if_stale(out_dir: Path, identity: str) -> None:
    """Resume only checkpoints of the same run: anything else in ``out_dir`` is cleared."""
    import shutil

    marker = out_dir / "run_identity.txt"
    if out_dir.exists() and (not marker.exists() or marker.read_text() != identity):
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(identity)


@dataclass
class TrainResult:
    model: object
    seconds: float  # training wall time, summed over resumed sessions of this run
    steps: int
    trainable_params: int
    train_sizes: dict[str, int]
    resumed_from: str | None
    tokens: int  # real tokens encoded (both sides of every pair), summed over resumed sessions
    padded_tokens: int  # positions encoded, padding included, likewise
    peak_rss_mb: float  # peak resident memory of the process so far
    prefix_stats: dict | None = None  # the frozen-prefix cache's counters in this session (None: no cache)
    step_seconds: float = 0.0  # of ``seconds``, the optimisation steps alone (StepTimer), this session
    timed_steps: int = 0  # the steps ``step_seconds`` covers (this session's)
    batch_tasks: list[str] | None = None  # the task of each batch this process trained on, in order (this session)
    processes: int = 1  # training processes (DDP); tokens are summed over them


def _world() -> tuple[int, int]:
    """This process's rank and the number of training processes (``(0, 1)`` outside ``torchrun``)."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def _sum_over_processes(values: dict[str, float]) -> dict[str, float]:
    """``values`` summed over every training process (unchanged on one)."""
    import torch.distributed as dist

    if _world()[1] == 1:
        return values
    device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else "cpu"
    total = torch.tensor(list(values.values()), dtype=torch.float64, device=device)
    dist.all_reduce(total)
    return {k: int(v) for k, v in zip(values, total.tolist(), strict=True)}


def train_multitask(cfg: TrainConfig, data_dir: Path, out_dir: Path, evaluator=None,
                    stop_after: int | None = None, task_per_process: bool = False) -> TrainResult:
    """Train (or resume training) a multi-task model; checkpoints and logs go to ``out_dir``.

    Under ``torchrun`` every process calls it with the same arguments; ``task_per_process``
    then gives each process a different task in every step (else all train on one task).
    """
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.sentence_transformer.losses import MatryoshkaLoss, MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers, MultiDatasetBatchSamplers
    from transformers.trainer_utils import get_last_checkpoint

    from helpers.lipost.data.store import load_manifest

    rank, processes = _world()
    torch.manual_seed(cfg.seed)
    model = load_model(cfg.base_model, keep=True)  # the grid trains many variants of one base
    full_dim = model.get_embedding_dimension()
    if cfg.dims[0] > full_dim:
        raise ParamError(f"dims = {cfg.dims}: the largest size exceeds the model's {full_dim} dimensions")
    model.max_seq_length = cfg.max_seq_length
    if cfg.dropout >= 0:
        set_dropout(model, cfg.dropout)
    trainable = freeze_lower_layers(model, cfg.freeze_layers)
    if cfg.projection_dim:
        model = add_projection(model, cfg.projection_dim)
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    train = training_sets(Path(data_dir), cfg.tasks, cfg.batch_size, cfg.max_pairs_per_task, cfg.seed,
                          cfg.train_languages)
    kinds = {t: load_manifest(Path(data_dir))[t]["kind"] for t in cfg.tasks}
    sink: dict[str, list[float]] = {task: [] for task in cfg.tasks}
    counts = {"tokens": 0, "padded": 0}
    order: list[str] = []
    losses = {}
    for task in cfg.tasks:
        if kinds[task] in ("label", "group"):
            base = LabelAwareMultipleNegativesRankingLoss(model, scale=cfg.scale)
        else:
            base = MultipleNegativesRankingLoss(model, scale=cfg.scale)
        loss = MatryoshkaLoss(model, base, matryoshka_dims=cfg.dims) if len(cfg.dims) > 1 else base
        losses[task] = TrackedLoss(task, loss, sink, counts, order)

    out_dir = Path(out_dir)
    ckpt_dir = out_dir / "checkpoints"
    identity = cfg.to_dict() if processes == 1 else {**cfg.to_dict(), "processes": processes,
                                                     "task_per_process": task_per_process}
    if rank == 0:
        _reset_if_stale(out_dir, checkpoint_key(identity, Path(data_dir), [__name__]))
    if processes > 1:
        import torch.distributed as dist

        from helpers.lipost.training.mixing import ProcessMixingBatchSampler

        dist.barrier()  # the others write into the folder the first one has just checked
        mixing = functools.partial(ProcessMixingBatchSampler, processes=processes, task_per_process=task_per_process,
                                   sampler=cfg.sampler)
    else:
        mixing = (MultiDatasetBatchSamplers.PROPORTIONAL if cfg.sampler == "proportional"
                  else MultiDatasetBatchSamplers.ROUND_ROBIN)
    args = SentenceTransformerTrainingArguments(
        output_dir=str(ckpt_dir), max_steps=cfg.steps, per_device_train_batch_size=cfg.batch_size,
        learning_rate=cfg.lr, warmup_steps=cfg.warmup_ratio,  # transformers 5: a float < 1 is a ratio
        seed=cfg.seed, data_seed=cfg.seed,
        multi_dataset_batch_sampler=mixing,
        batch_sampler=BatchSamplers.BATCH_SAMPLER, prompts=task_prompts(Path(data_dir), cfg.tasks,
                                                                        bool(model.prompts.get("query"))),
        logging_steps=max(1, min(10, cfg.steps // 10)), save_strategy="steps" if cfg.save_steps else "no",
        save_steps=cfg.save_steps or None,
        save_total_limit=2, report_to=["tensorboard"],
        eval_strategy="steps" if (evaluator is not None and cfg.eval_steps) else "no",
        eval_steps=cfg.eval_steps or None, dataloader_drop_last=True, use_cpu=not torch.cuda.is_available(),
        disable_tqdm=False, save_only_model=False,
    )
    timer = StepTimer()
    callbacks = [LossLog(out_dir / "train_log.csv", sink, out_dir / "tb"), timer]
    if stop_after:
        callbacks.append(StopAfter(stop_after))
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(out_dir / "tb")  # read by transformers' TB callback
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=train, loss=losses,
                                         evaluator=evaluator, callbacks=callbacks)
    last = get_last_checkpoint(str(ckpt_dir)) if ckpt_dir.is_dir() else None
    start = time.time()
    with frozen_prefix(model, cfg.cache_layers) as cache:  # a projection shares the encoder module
        trainer.train(resume_from_checkpoint=last)
    counts = _sum_over_processes(counts)
    session = {"seconds": time.time() - start, **counts}
    total = _add_to_summary(out_dir / "train_summary.json", session) if rank == 0 else session
    import resource

    return TrainResult(model=model, seconds=total["seconds"], steps=trainer.state.global_step,
                       trainable_params=trainable, train_sizes={t: len(d) for t, d in train.items()},
                       resumed_from=last, tokens=total["tokens"], padded_tokens=total["padded"],
                       peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                       prefix_stats=cache.stats() if cache is not None else None,
                       step_seconds=timer.seconds, timed_steps=timer.steps, batch_tasks=order,
                       processes=processes)


def _add_to_summary(path: Path, part: dict) -> dict:
    """Add this session's seconds and token counts to the run's totals (across resumes)."""
    import json

    from helpers.paths import atomic_write_text

    total = json.loads(path.read_text()) if path.exists() else {}
    total = {k: total.get(k, 0) + v for k, v in part.items()}
    atomic_write_text(path, json.dumps(total))
    return total
