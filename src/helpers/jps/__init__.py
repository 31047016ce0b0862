"""Part II: Joint Policy Search (Tian, Gong, Jiang, NeurIPS 2020) on collaborative
imperfect-information games, rebuilt as explicit game trees in arrays.

Modules: :mod:`.tree` (the array format shared by every game), :mod:`.games` (Comm,
Mini-Hanabi, Simple Bidding, 2-Suited Bridge), :mod:`.openspiel_games` (any two-player
common-payoff OpenSpiel game in the same format), :mod:`.evaluate` (exact expected
value), :mod:`.density` (the identity JPS rests on), :mod:`.cfr` (the paper's CFR
variant), :mod:`.search` (JPS), :mod:`.paper` (the paper's table and settings, quoted),
:mod:`.paper_check` (our means against the paper's, as a stated test).
The roles every part has: :mod:`.parameters` (each chapter's parameter rules),
:mod:`.sweep` (games x seeds as executor jobs), :mod:`.rows` (their ``metrics.csv`` rows),
:mod:`.report` (the chapters' tables, with intervals), :mod:`.facts` (what the prose states),
:mod:`.claims` (claims and practices, through :mod:`helpers.claims`), :mod:`.figures`,
:mod:`.bench` and :mod:`.part` (the part's contract with the pipeline).

Explained in the book: {ref}`jps-part`.
"""
