"""Parameters of ``03_training``: the training settings (checked by
:func:`helpers.lipost.training.config.make_config`) and the evaluation's."""

from __future__ import annotations

from helpers.config import RUN_RULES, ParamError, Rule, StepRules, integer
from helpers.lipost.training.config import RULES as TRAIN_RULES
from helpers.lipost.training.config import TrainConfig, make_config

EVAL_RULES: dict[str, Rule] = {
    "eval_max_seq_length": integer(16, 512),
    "probe_max_train": integer(10),
    "val_max_rows": integer(10),
    "pca_fit_per_task": integer(10),
    "extra_seeds": Rule("a list of distinct non-negative integers",
                        lambda v: isinstance(v, list) and all(isinstance(s, int) and not isinstance(s, bool)
                                                              and s >= 0 for s in v) and len(set(v)) == len(v)),
}
"""The chapter's evaluation parameters; ``extra_seeds``: the headline model trained again on
these seeds (scored, not exported), so its spread over seeds is shown and its comparisons
pair over queries and seeds."""

LAUNCH_RULES: dict[str, Rule] = {
    "processes": integer(1, 1024),
    "task_per_process": Rule("true or false", lambda v: isinstance(v, bool)),
}
"""How the training runs: on how many processes (``torchrun`` when more than one) and
whether each process draws its batch from a different task in a step (the paper's mixing)."""


def training_config(params: dict) -> TrainConfig:
    """The training settings among ``params``, checked together by ``make_config``."""
    return make_config({name: params[name] for name in TRAIN_RULES})


def check_launch_settings(params: dict) -> None:
    """Refuse ``task_per_process`` on one process, or with fewer tasks than processes."""
    if params["task_per_process"] and params["processes"] < 2:
        raise ParamError("parameter 'task_per_process' = True: task_per_process mixes tasks across processes; "
                         "it needs processes >= 2 (got processes = 1)")
    if params["task_per_process"] and params["processes"] > len(params["tasks"]):
        raise ParamError(f"parameter 'task_per_process' = True: processes = {params['processes']} with "
                         f"task_per_process needs at least {params['processes']} tasks, got {len(params['tasks'])}")


def check_training_settings(params: dict) -> None:
    """Refuse training settings that do not fit together (see :func:`training_config`),
    process settings that do not fit them (:func:`check_launch_settings`), and an extra
    seed equal to the profile's seed."""
    training_config(params)
    check_launch_settings(params)
    if params["seed"] in params["extra_seeds"]:
        raise ParamError(f"parameter 'extra_seeds' = {params['extra_seeds']}: repeats the seed {params['seed']}")


DEFAULTS = {**{name: value for name, value in TrainConfig().to_dict().items() if name != "seed"},
            "eval_max_seq_length": TrainConfig().max_seq_length, "extra_seeds": [14, 15]}
"""The one source of the chapter's training literals (:class:`TrainConfig`; the seed is the
profile's) and of its encoding length, the training length."""

STEP_RULES = StepRules(rules={**RUN_RULES, **TRAIN_RULES, **EVAL_RULES, **LAUNCH_RULES},
                       cross_check=check_training_settings, defaults=DEFAULTS)
