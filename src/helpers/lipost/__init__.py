"""Part I, LiPost: multi-task contrastive fine-tuning of a multilingual encoder.

Layers, lowest first (a module imports only from the layers below it): ``data`` (tasks and
splits from open Wikipedia/BBC text); ``models`` (the pip-installed base models and the
frozen-prefix cache of their bottom layers); ``evaluation`` (the scoring suite and
baselines); ``training`` (the multi-task trainer); ``experiment`` (train one configuration
and score it: chapter 3 calls it once, every ablation variant once); ``launch`` and
``distributed`` (chapter 3's training in-process or on several processes); ``sweep`` (the
ablation grid and how its variants run); ``report`` (the chapters' tables); ``claims`` (the
paper's claims and the practices, through :mod:`helpers.claims`); ``figures``; ``bench``
(``make bench``) and ``appendix`` (what the environment appendix shows of this part);
``parameters`` holds the rules of every chapter's parameters, and ``part`` the part's
contract with the pipeline (:data:`helpers.lipost.part.PART`).

Explained in the book: {ref}`lipost-training`.
"""
