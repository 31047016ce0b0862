"""Part III: student specialization in deep ReLU networks (Tian, ICML 2020), rebuilt.

Teachers (:mod:`.teachers`), the measures of specialisation (:mod:`.measures`), seeds
batched into one tensor computation (:mod:`.batched`), each experiment's settings
(:mod:`.settings`), the experiments of the chapters (:mod:`.shallow` for two layers,
:mod:`.deep`, :mod:`.digits`, :mod:`.batchnorm`), their job lists (:mod:`.sweep`), the
chapters' tables (:mod:`.report`), the claims and practices (:mod:`.claims`), the figures
(:mod:`.figures`), ``make bench`` (:mod:`.bench`), the step rules (:mod:`.parameters`) and
the part's contract with the pipeline (:mod:`.part`).

Explained in the book: {ref}`specialization-part`.
"""
