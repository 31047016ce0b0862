"""Part I, LiPost: multi-task contrastive fine-tuning of a multilingual encoder.

Subpackages, in the order the part's chapters use them: ``data`` (tasks and splits from
open Wikipedia/BBC text), ``models`` (the pip-installed base models), ``evaluation``
(the scoring suite and baselines), ``training`` (the multi-task trainer), ``experiment``
(train one configuration and score it: chapter 3 calls it once, the ablation grid once
per variant), ``ablation`` (the grid of training variants) and ``viz`` (figures and
maps); ``parameters`` holds the rules of every chapter's parameters, which the notebooks
and the runner both apply.
"""
