"""The comparisons the chapters and the claims read, as families of paired differences.

Every comparison is two models scored on the same test rows: the mean paired difference
of the task's main metric over its queries (``rr@10``) or items (``label_correct``), with
a 95 % paired-bootstrap interval (over the seeds too where a side has several) from
:mod:`helpers.lipost.evaluation.units`. The comparisons one verdict or one table reads are
one family, decided together under Holm's correction at 5 % family-wise error: a *win* is
a difference whose family test rejects "no difference" with a positive sign, a *loss*
with a negative sign, a *tie* otherwise.

Explained in the book: {ref}`lipost-ablations` and {ref}`lipost-best-practices`.
"""

from __future__ import annotations

import pandas as pd

from helpers.claims import verdict
from helpers.lipost.evaluation.suite import MAIN_METRIC
from helpers.lipost.evaluation.units import UNIT_METRIC, Side, count_outcomes, family, outcomes

Comparison = tuple[str, Side, Side, str, str, str]


def unit_metric(manifest: dict, task: str) -> str:
    """The per-unit score whose mean is the task's main metric."""
    return UNIT_METRIC[MAIN_METRIC[manifest[task]["kind"]]]


def transfer(units: pd.DataFrame, manifest: dict, probed: list[str], size: int, prefix: str = "") -> pd.DataFrame:
    """Claim 1: the multi-task model vs the model trained on each task alone, on that task."""
    model = f"finetuned-{size}"
    return family(units, [(task, Side(f"{prefix}base", model), Side(f"{prefix}single:{task}", model), task,
                           unit_metric(manifest, task), "all") for task in probed])


def zero_shot(units: pd.DataFrame, manifest: dict, probed: list[str], out_of_domain: list[str], size: int,
              prefix: str = "") -> pd.DataFrame:
    """Claim 2: each left-out model vs the un-tuned model on the task it never saw, and the
    multi-task model vs the un-tuned one on the tasks no model trained on (BBC)."""
    model, untuned = f"finetuned-{size}", Side("untuned", f"untuned-{size}")
    left_out = [(f"left out: {t}", Side(f"{prefix}loo:{t}", model), untuned, t, unit_metric(manifest, t), "all")
                for t in probed]
    never = [(f"never trained on: {t}", Side(f"{prefix}base", model), untuned, t, unit_metric(manifest, t), "all")
             for t in out_of_domain]
    return family(units, left_out + never)


def language_cells(units: pd.DataFrame, manifest: dict, tasks: list[str]) -> tuple[list, list]:
    """The in-domain (task, language) cells of the units: non-English monolingual ones and
    cross-lingual directions (``en-fr``)."""
    cells = sorted({(t, lang) for t, lang in zip(units["task"], units["lang"], strict=True)
                    if t in tasks and manifest[t]["in_domain"]})
    return ([c for c in cells if c[1] != "en" and "-" not in c[1]], [c for c in cells if "-" in c[1]])


def multilingual(units: pd.DataFrame, manifest: dict, tasks: list[str], size: int,
                 prefix: str = "") -> pd.DataFrame:
    """Claim 3: all-language vs English-only training on the Spanish and French cells, and
    with vs without the cross-lingual task on the cross-lingual directions."""
    model = f"finetuned-{size}"
    other, crossing = language_cells(units, manifest, tasks)
    rows = [(f"{t} ({lang}): all vs English only", Side(f"{prefix}base", model), Side(f"{prefix}lang:en-only", model),
             t, unit_metric(manifest, t), lang) for t, lang in other]
    rows += [(f"{t} ({lang}): with vs without cross-lingual", Side(f"{prefix}base", model),
              Side(f"{prefix}lang:no-crosslingual", model), t, unit_metric(manifest, t), lang) for t, lang in crossing]
    return family(units, rows)


def models_vs(units: pd.DataFrame, manifest: dict, contests: list[tuple[Side, Side]], tasks: list[str]
              ) -> pd.DataFrame:
    """Each contest ``(a, b)`` on each task, one family (the chapters' headline tables)."""
    return family(units, [(f"{a.model} vs {b.model}: {t}", a, b, t, unit_metric(manifest, t), "all")
                          for a, b in contests for t in tasks])


def variants_vs_base(units: pd.DataFrame, manifest: dict, runs: list[str], tasks: list[str], size: int
                     ) -> pd.DataFrame:
    """Each single-question variant vs the grid's base on each task, one family."""
    model = f"finetuned-{size}"
    return family(units, [(f"{run}: {t}", Side(run, model), Side("base", model), t, unit_metric(manifest, t), "all")
                          for run in runs for t in tasks])


def contests(units: pd.DataFrame, manifest: dict, pairs: list[tuple[Side, Side]], tasks: list[str]) -> pd.DataFrame:
    """Each contest ``(a, b)`` over ``tasks`` as its own Holm family, the families stacked
    (chapter 3's headline comparisons: a contest's family is what a claim on it reads)."""
    frames = [models_vs(units, manifest, [pair], tasks) for pair in pairs]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames) if frames else models_vs(units, manifest, [], tasks)


def tally(frame: pd.DataFrame) -> str:
    """A family's wins, ties and losses in words."""
    c = count_outcomes(frame)
    return f"{c['win']} wins, {c['tie']} ties, {c['loss']} losses"


def budget_families(units: pd.DataFrame, manifest: dict, tasks: list[str], singles: list[str],
                    out_of_domain: list[str], size: int, prefix: str = "") -> dict[int, pd.DataFrame]:
    """The deciding comparisons of claims 1-3 that the larger budget repeats, at the budget
    of ``prefix`` (``""``: the grid's base budget, ``"budget:"``: the larger one)."""
    return {1: transfer(units, manifest, singles, size, prefix),
            2: zero_shot(units, manifest, [], out_of_domain, size, prefix),
            3: multilingual(units, manifest, tasks, size, prefix)}


def budget_curve(units: pd.DataFrame, manifest: dict, tasks: list[str], singles: list[str],
                 out_of_domain: list[str], size: int, budgets: dict[str, str]) -> pd.DataFrame:
    """Per claim and budget (``budgets``: run prefix -> its words): the comparisons' tally
    and the verdict they give, so the chapter shows whether a verdict moves with budget."""
    rows = []
    for prefix, words in budgets.items():
        for number, frame in budget_families(units, manifest, tasks, singles, out_of_domain, size, prefix).items():
            rows.append({"claim": number, "budget": words, "comparisons": len(frame), "outcomes": tally(frame),
                         "verdict": verdict(outcomes(frame))})
    return pd.DataFrame(rows).set_index(["claim", "budget"]).sort_index(level=0, sort_remaining=False)
