"""Parameters of ``05_visualizations``: the maps' sample and UMAP settings, the encoding
length, the neighbour examples and the un-tuned model's prefix level."""

from __future__ import annotations

from helpers.config import RUN_RULES, Rule, StepRules, integer, number, text
from helpers.lipost.training.config import TrainConfig

STEP_RULES = StepRules(rules={
    **RUN_RULES,
    "base_model": text(),
    "max_points": integer(50),
    "umap_neighbors": integer(2, 200),
    "umap_min_dist": number(0.0, 1.0),
    "eval_max_seq_length": integer(16, 512),
    "n_queries": integer(1, 20),
    "k_neighbours": integer(1, 20),
    "interactive": Rule("true or false", lambda v: isinstance(v, bool)),
    "prefix_level": integer(0, 24),
}, defaults={"base_model": TrainConfig().base_model, "eval_max_seq_length": TrainConfig().max_seq_length})
