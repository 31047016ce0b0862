"""Each experiment's settings, written once: the book's defaults are these objects' fields.

A chapter's parameters cell shows the same values as literals (papermill needs them); its
step rules name these fields as their one source (:attr:`~helpers.config.StepRules.defaults`,
built by :func:`defaults`), and one test checks every literal against them. The job
functions take every setting as a required argument: no signature carries a second set
of defaults. A parameter of a chapter is named ``<prefix><field>`` (``dynamics_teacher``,
``sc_sizes``, ``deep_steps``): :func:`from_params` reads a config back from a chapter's
checked parameters.

Explained in the book: {ref}`specialization-setting`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar


@dataclass(frozen=True)
class TwoLayerConfig:
    """The two-layer sweep of chapter 1: teacher decays x student widths, seeds batched.

    Attributes:
        n_seeds: seeds per configuration, batched into one tensor computation.
        input_dim: input dimension d of the paper.
        outputs: output dimension c of the paper.
        data_std: inputs are N(0, data_std^2 I).
        n_train: training inputs per seed.
        n_eval: evaluation inputs per seed (the paper draws 10k; 5k keeps the correlations cheap).
        lr: SGD learning rate.
        batch_size: SGD batch.
        teacher_nodes: m, the teacher's hidden width in the L-shape, recovery and loss figures.
        decays: fan-out strength decays p.
        multis: student widths as multiples of m.
        epochs: checkpoints after step 0; an epoch is ``steps_per_epoch`` SGD steps (100 as the paper).
        steps_per_epoch: SGD steps per epoch (1,000 as in the paper).
        early_epoch: the short run of the recovery figure.
        threshold: a teacher node is recovered when its best correlation is strictly above it.
    """

    n_seeds: int = 8
    input_dim: int = 100
    outputs: int = 50
    data_std: float = 1.5
    n_train: int = 10000
    n_eval: int = 5000
    lr: float = 0.01
    batch_size: int = 16
    teacher_nodes: int = 10
    decays: tuple[float, ...] = (0, 1, 2)
    multis: tuple[int, ...] = (1, 2, 5, 10)
    epochs: int = 100
    steps_per_epoch: int = 1000
    early_epoch: int = 5
    threshold: float = 0.95


@dataclass(frozen=True)
class DynamicsConfig:
    """Chapter 1's run that checks which teacher nodes are learned first (parameters ``dynamics_*``).

    Attributes:
        teacher: the teacher's hidden width m.
        multi: the student's width multiple.
        decay: the teacher's fan-out decay p.
        train: training inputs per seed.
        checkpoints: checkpoints after step 0.
        every: SGD steps between two checkpoints.
    """

    teacher: int = 10
    multi: int = 2
    decay: float = 1.0
    train: int = 1000
    checkpoints: int = 60
    every: int = 100


@dataclass(frozen=True)
class SampleComplexityConfig:
    """Chapter 1's sample-complexity runs, Gaussian vs teacher-aware data (parameters ``sc_*``).

    Attributes:
        teacher: the teacher's hidden width m.
        decay: the teacher's fan-out decay p.
        multis: student width multiples.
        sizes: training-set sizes.
        seeds: seeds (from the profile's seed), all trained on one seed axis.
        steps: SGD steps for every size.
        shift_mean: teacher-aware points are shifted off a boundary by alpha ~ U[shift_mean, shift_mean + shift_std].
        shift_std: the width of that range.
    """

    teacher: int = 5
    decay: float = 1.0
    multis: tuple[int, ...] = (1, 2, 5, 10)
    sizes: tuple[int, ...] = (30, 60, 120, 240, 480, 960)
    seeds: int = 8
    steps: int = 10000
    shift_mean: float = 2.0
    shift_std: float = 2.0


@dataclass(frozen=True)
class DeepConfig:
    """Chapter 2's deep students of deep teachers on Gaussian data (parameters ``deep_*``).

    Attributes:
        n_seeds: seeds of the deep and the digits runs (chapter 2's ``n_seeds``).
        widths: teacher hidden widths, bottom first (the paper: 50, 75, 100, 125).
        multi: student widths are this multiple of the teacher's.
        input_dim: input dimension.
        outputs: output dimension.
        data_std: inputs are N(0, data_std^2 I).
        sizes: training-set sizes (the paper: 5k to 2M).
        steps: SGD steps for every size (one budget, as the author's ``total_bp_iters``).
        batch_size: SGD batch.
        lr: learning rates before and after the drop.
        lr_drop: share of the steps before the drop.
        n_eval: evaluation inputs.
        checks: checkpoints after step 0.
        decay: the teacher's fan-out strength decay p (column i of every layer above the
            first divided by (1 + i)^p; the paper's default 0: every node equally strong).
    """

    n_seeds: int = 8
    widths: tuple[int, ...] = (10, 15, 20, 25)
    multi: int = 2
    input_dim: int = 20
    outputs: int = 100
    data_std: float = 10.0
    sizes: tuple[int, ...] = (500, 2000, 8000, 32000)
    steps: int = 4000
    batch_size: int = 64
    lr: tuple[float, float] = (0.2, 0.1)
    lr_drop: float = 0.2
    n_eval: int = 2048
    checks: int = 3
    decay: float = 0.0


@dataclass(frozen=True)
class DigitsConfig:
    """Chapter 2's teacher trained on scikit-learn's digits and its students (parameters ``digits_*``).

    Attributes:
        multis: student width multiples.
        widths: the teacher's hidden widths.
        teacher_epochs: full-batch Adam steps of the teacher.
        steps: the students' SGD steps.
        lr: the students' learning rate.
        batch_size: the students' batch.
        noise: std of the Gaussian noise added to every shifted training image.
    """

    multis: tuple[int, ...] = (1, 2, 5)
    widths: tuple[int, ...] = (32, 32)
    teacher_epochs: int = 300
    steps: int = 2000
    lr: float = 0.01
    batch_size: int = 64
    noise: float = 0.3


@dataclass(frozen=True)
class BatchNormConfig:
    """Chapter 2's BatchNorm-bias check on a VGG-like network trained on the digits (parameters ``bn_*``).

    Attributes:
        channels: channels of each conv3x3 -> BN -> ReLU block.
        epochs: training epochs.
        seeds: networks trained, one per seed from the profile's seed.
        batch_size: SGD batch.
        lr: SGD learning rate (momentum 0.9, weight decay 5e-4, as VGG was trained).
    """

    channels: tuple[int, ...] = (16, 16, 32, 32, 64, 64)
    epochs: int = 15
    seeds: int = 8
    batch_size: int = 64
    lr: float = 0.05


Config = TypeVar("Config")


def _plain(value: Any) -> Any:
    """A tuple as the list a notebook literal (and a JSON record) holds."""
    return list(value) if isinstance(value, tuple) else value


def defaults(config: Any, prefix: str = "", names: set[str] | None = None) -> dict[str, Any]:
    """``{<prefix><field>: default}`` for the fields of ``config`` a chapter declares (``names``;
    every field when ``None``), tuples as lists: a step's :attr:`~helpers.config.StepRules.defaults`."""
    values = {prefix + f.name: _plain(getattr(config, f.name)) for f in fields(config)}
    return {name: value for name, value in values.items() if names is None or name in names}


def from_params(config: Config, params: dict[str, Any], prefix: str = "") -> Config:
    """``config`` with every field a chapter's parameters set (``<prefix><field>``), lists as tuples."""
    given = {f.name: params[prefix + f.name] for f in fields(config) if prefix + f.name in params}
    return replace(config, **{name: tuple(v) if isinstance(v, list) else v for name, v in given.items()})
