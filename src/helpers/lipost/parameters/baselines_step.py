"""Parameters of ``02_baselines``: the models scored, their encoding length, the probe's
size and the frozen-prefix levels stored per model."""

from __future__ import annotations

from helpers.config import RUN_RULES, ParamError, Rule, StepRules, integer
from helpers.lipost.models import KNOWN_MODELS
from helpers.lipost.training.config import TrainConfig

KNOWN_BASELINES = (*KNOWN_MODELS, "tfidf")
"""The baselines by name, as :data:`helpers.lipost.evaluation.baselines.BASELINES` lists them
(a test keeps the two equal; importing the evaluation here would load scikit-learn for the runner's check)."""


def check_prefix_levels_models(params: dict) -> None:
    """Refuse ``prefix_levels`` for a model that is not scored, or for ``tfidf`` (no layers)."""
    stray = sorted(m for m in params["prefix_levels"] if m not in params["models"] or m == "tfidf")
    if stray:
        raise ParamError(f"parameter 'prefix_levels' names {stray}: expected transformer models listed in "
                         f"models {params['models']}")


STEP_RULES = StepRules(
    rules={**RUN_RULES,
           "models": Rule(f"a non-empty list of known baselines {list(KNOWN_BASELINES)} or model folders",
                          lambda v: isinstance(v, list) and bool(v) and all(isinstance(m, str) for m in v)),
           "max_seq_length": integer(16, 512),
           "probe_max_train": integer(10),
           "prefix_levels": Rule("a mapping from a model in models to a list of layer counts",
                                 lambda v: isinstance(v, dict) and all(
                                     isinstance(levels, list) and all(isinstance(k, int) and k >= 1 for k in levels)
                                     for levels in v.values()))},
    cross_check=check_prefix_levels_models,
    defaults={"models": list(KNOWN_BASELINES), "max_seq_length": TrainConfig().max_seq_length},
)
