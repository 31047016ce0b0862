"""Part I's sweep: the ablation grid (:mod:`.grid`: which variants answer which question),
how its variants run and are recorded (:mod:`.run`) and what their records are
(:mod:`.records`).

Explained in the book: {ref}`lipost-ablations-how-it-runs`.
"""
