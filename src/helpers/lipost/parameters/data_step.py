"""Parameters of ``01_data``: the dataset build's (:data:`helpers.lipost.data.build.RULES`)
and those of the base model's headroom check, which encodes at the one text length
(:attr:`TrainConfig.max_seq_length <helpers.lipost.training.config.TrainConfig>`)."""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer, number, text
from helpers.lipost.data.build import RULES as BUILD_RULES
from helpers.lipost.data.build import check_split_fractions
from helpers.lipost.training.config import TrainConfig

STEP_RULES = StepRules(
    rules={**RUN_RULES, **BUILD_RULES,
           "base_model": text(),
           "check_max_seq_length": integer(16, 512),
           "saturation_bar": number(0.0, 1.0, lo_open=True),
           "prefix_levels": Rule("a list of layer counts (each at least 1)",
                                 lambda v: isinstance(v, list) and all(isinstance(k, int) and k >= 1 for k in v))},
    cross_check=check_split_fractions,
    defaults={"base_model": TrainConfig().base_model, "check_max_seq_length": TrainConfig().max_seq_length},
)
