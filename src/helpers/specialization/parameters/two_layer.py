"""Parameters of ``01_two_layer``: the two-layer sweep, the dynamics run and the sample-complexity runs.

Their defaults are the fields of :class:`~helpers.specialization.settings.TwoLayerConfig`,
:class:`~helpers.specialization.settings.DynamicsConfig` (``dynamics_*``) and
:class:`~helpers.specialization.settings.SampleComplexityConfig` (``sc_*``).

Explained in the book: {ref}`specialization-setting`.
"""

from __future__ import annotations

from helpers.config import RUN_RULES, ParamError, StepRules, integer, number
from helpers.specialization.parameters.common import (
    EXECUTOR,
    THRESHOLD,
    WIDTH_MULTIPLES,
    at_least,
    int_list,
    number_list,
)
from helpers.specialization.settings import DynamicsConfig, SampleComplexityConfig, TwoLayerConfig, defaults

RULES = {
    **RUN_RULES,
    "n_seeds": integer(1, 64), "executor": EXECUTOR,
    "input_dim": integer(2), "outputs": integer(1), "data_std": number(0, 100, lo_open=True),
    "n_train": integer(1), "n_eval": integer(10), "lr": number(0, 1, lo_open=True), "batch_size": integer(1),
    "teacher_nodes": integer(2), "decays": number_list(0, 5, "fan-out decays p"), "multis": WIDTH_MULTIPLES,
    "epochs": integer(1), "steps_per_epoch": integer(1), "early_epoch": integer(1), "threshold": THRESHOLD,
    "dynamics_teacher": integer(2), "dynamics_multi": integer(1), "dynamics_decay": number(0, 5),
    "dynamics_train": integer(1), "dynamics_checkpoints": integer(2), "dynamics_every": integer(1),
    "sc_teacher": integer(2), "sc_decay": number(0, 5), "sc_multis": WIDTH_MULTIPLES,
    "sc_sizes": int_list(1, "training-set sizes"), "sc_seeds": integer(1, 64), "sc_steps": integer(1),
}


def cross_check(params: dict) -> None:
    """Data sizes at least the batch; the early checkpoint within the run."""
    at_least(params, "batch_size", "n_train", "the training set")
    at_least(params, "batch_size", "dynamics_train", "the training set")
    at_least(params, "batch_size", "sc_sizes", "every training set")
    if params["early_epoch"] > params["epochs"]:
        raise ParamError(f"parameter 'early_epoch' = {params['early_epoch']}: expected at most epochs = "
                         f"{params['epochs']}")


DEFAULTS = {**defaults(TwoLayerConfig(), "", set(RULES)), **defaults(DynamicsConfig(), "dynamics_", set(RULES)),
            **defaults(SampleComplexityConfig(), "sc_", set(RULES))}
"""The one source of each default the chapter's parameters cell shows."""

STEP_RULES = StepRules(rules=RULES, cross_check=cross_check, defaults=DEFAULTS)
