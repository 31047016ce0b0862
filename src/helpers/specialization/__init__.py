"""Part III: student specialization in deep ReLU networks (Tian, ICML 2020), rebuilt.

Teachers (:mod:`.teachers`), the measures of specialisation (:mod:`.measures`), seeds
batched into one tensor computation (:mod:`.batched`), the experiments of the chapters
(:mod:`.two_layer`, :mod:`.deep`, :mod:`.digits`, :mod:`.batchnorm`), their sweep
(:mod:`.sweep`), the claim table and practices (:mod:`.claims`) and the figures
(:mod:`.figures`).

Explained in the book: {ref}`specialization-part`.
"""
