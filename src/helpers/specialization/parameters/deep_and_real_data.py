"""Parameters of ``02_deep_and_real_data``: the deep sweep, the digits teacher and the BN check.

Their defaults are the fields of :class:`~helpers.specialization.settings.DeepConfig`
(``deep_*``, and ``n_seeds``), :class:`~helpers.specialization.settings.DigitsConfig`
(``digits_*``) and :class:`~helpers.specialization.settings.BatchNormConfig` (``bn_*``).

Explained in the book: {ref}`specialization-deep`.
"""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer, number
from helpers.specialization.parameters.common import EXECUTOR, WIDTH_MULTIPLES, at_least, int_list
from helpers.specialization.settings import BatchNormConfig, DeepConfig, DigitsConfig, defaults

LEARNING_RATES = Rule("two learning rates [before, after the drop], each in (0, 1]",
                      lambda v: isinstance(v, list) and len(v) == 2
                      and all(isinstance(x, int | float) and not isinstance(x, bool) and 0 < x <= 1 for x in v))
WIDTHS = Rule("a non-empty list of layer widths (integers >= 1)",
              lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, int) and not isinstance(x, bool)
                                                                and x >= 1 for x in v))
RULES = {
    **RUN_RULES,
    "n_seeds": integer(1, 64), "executor": EXECUTOR,
    "deep_widths": WIDTHS, "deep_multi": integer(1), "deep_input_dim": integer(2), "deep_outputs": integer(1),
    "deep_data_std": number(0, 100, lo_open=True), "deep_sizes": int_list(1, "training-set sizes"),
    "deep_steps": integer(1), "deep_batch_size": integer(1), "deep_lr": LEARNING_RATES,
    "deep_lr_drop": number(0, 1), "deep_n_eval": integer(10), "deep_checks": integer(1),
    "deep_decay": number(0, 5),
    "digits_multis": WIDTH_MULTIPLES, "digits_widths": WIDTHS, "digits_teacher_epochs": integer(1),
    "digits_steps": integer(1), "digits_lr": number(0, 1, lo_open=True),
    "bn_channels": WIDTHS, "bn_epochs": integer(1), "bn_seeds": integer(1, 64),
}


def cross_check(params: dict) -> None:
    """Every deep training set at least one batch."""
    at_least(params, "deep_batch_size", "deep_sizes", "every training set")


DEFAULTS = {"n_seeds": DeepConfig().n_seeds, **defaults(DeepConfig(), "deep_", set(RULES)),
            **defaults(DigitsConfig(), "digits_", set(RULES)), **defaults(BatchNormConfig(), "bn_", set(RULES))}
"""The one source of each default the chapter's parameters cell shows."""

STEP_RULES = StepRules(rules=RULES, cross_check=cross_check, defaults=DEFAULTS)
