"""Parameters of ``03_training``: the training settings (checked by
:func:`helpers.lipost.training.config.make_config`) and the evaluation's."""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer, text
from helpers.lipost.training.config import RULES as TRAIN_RULES
from helpers.lipost.training.config import TrainConfig, make_config

EVAL_RULES: dict[str, Rule] = {
    "eval_max_seq_length": integer(16, 512),
    "probe_max_train": integer(10),
    "val_max_rows": integer(10),
    "pca_fit_per_task": integer(10),
    "eval_seed": integer(-1),
    "variant_dir": text(allow_empty=True),
    "run_name": text(),
    "eval_max_rows": integer(0),
    "eval_dims": Rule("a list of positive sizes",
                      lambda v: isinstance(v, list) and all(isinstance(d, int) and d > 0 for d in v)),
}
"""The evaluation's parameters (the ablation grid sets the last four for its variants)."""


def training_config(params: dict) -> TrainConfig:
    """The training settings among ``params``, checked together by ``make_config``."""
    return make_config({name: params[name] for name in TRAIN_RULES})


def check_training_settings(params: dict) -> None:
    """Refuse training settings that do not fit together (see :func:`training_config`)."""
    training_config(params)


STEP_RULES = StepRules(rules={**RUN_RULES, **TRAIN_RULES, **EVAL_RULES}, cross_check=check_training_settings)
