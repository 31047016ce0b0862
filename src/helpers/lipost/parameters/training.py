"""Parameters of ``03_training``: the training settings (checked by
:func:`helpers.lipost.training.config.make_config`) and the evaluation's."""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer
from helpers.lipost.training.config import RULES as TRAIN_RULES
from helpers.lipost.training.config import TrainConfig, make_config

EVAL_RULES: dict[str, Rule] = {
    "eval_max_seq_length": integer(16, 512),
    "probe_max_train": integer(10),
    "val_max_rows": integer(10),
    "pca_fit_per_task": integer(10),
}
"""The chapter's evaluation parameters."""


def training_config(params: dict) -> TrainConfig:
    """The training settings among ``params``, checked together by ``make_config``."""
    return make_config({name: params[name] for name in TRAIN_RULES})


def check_training_settings(params: dict) -> None:
    """Refuse training settings that do not fit together (see :func:`training_config`)."""
    training_config(params)


STEP_RULES = StepRules(rules={**RUN_RULES, **TRAIN_RULES, **EVAL_RULES}, cross_check=check_training_settings)
