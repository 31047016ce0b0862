"""The practices this part can stand behind for people who size networks, each tied to
the claims (rows of :func:`helpers.specialization.claims.claim_table`) that measure it and
graded by that evidence: *strong* when every claim behind it holds over several seeds,
*mixed* when some hold or hold partly, *suggestive* when it rests on one seed or none holds.

Explained in the book: {ref}`specialization-best-practices`.
"""

from __future__ import annotations

import pandas as pd

PRACTICES = [
    ("Over-realise: give a layer more nodes than the function needs (2x-5x); more of the target's units are "
     "matched, sooner, and the extra nodes do not hurt the fit", [2, 8]),
    ("After training, prune by fan-out: nodes that matched nothing end with near-zero outgoing weight, so "
     "removing the lowest-fan-out nodes drops the un-specialised ones", [1, 7]),
    ("Train long enough for weak units: strong units are learned first, weak ones late; an early plateau "
     "of the loss is not the end", [2, 4]),
    ("Do not pick the width by the loss of a short run: with equal-strength units the narrow net wins early, "
     "with unequal ones it gets stuck", [3]),
    ("Data decides specialisation: samples near the units' boundaries specialise with far fewer examples; with "
     "plain data, deeper layers need more of it", [5, 6]),
    ("With a teacher trained on real data, wider students match its hidden units better", [8]),
]


def grade(verdicts: list[str], seeds: int) -> str:
    """strong / mixed / suggestive, from the verdicts of the claims behind a practice."""
    if seeds < 2 or all(v == "does not hold here" for v in verdicts):
        return "suggestive"
    return "strong" if all(v == "holds" for v in verdicts) else "mixed"


def practice_table(claims: pd.DataFrame, seeds: int) -> pd.DataFrame:
    """One row per practice: the practice, the claims behind it with their verdicts, the grade."""
    rows = []
    for text, numbers in PRACTICES:
        verdicts = [claims.loc[n, "verdict"] for n in numbers if n in claims.index]
        evidence = "; ".join(f"claim {n} ({claims.loc[n, 'verdict']})" for n in numbers if n in claims.index)
        rows.append({"practice": text, "evidence": evidence, "grade": grade(verdicts, seeds)})
    return pd.DataFrame(rows)
