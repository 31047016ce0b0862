"""Part I's claims and practices, answered from the run's results (never typed).

:func:`inputs` gathers what the best-practices chapter needs from the run folder: the
metric rows, the task manifest, the ablation grid exactly as its chapter ran it (from the
step records of ``03_training`` and ``04_ablations``) and each variant's training summary.
:func:`claim_rows` answers the paper's four claims through :mod:`helpers.claims`: claims
1-3 from the ablation grid (means over seeds, ties within the spread), claim 4 from the
headline comparison of the training chapter; the verdict of each is
:func:`helpers.claims.verdict_from_counts` of its tally of wins, ties and losses.
:func:`practice_rows` states one practice per measured question, the evidence behind it
and its grade (:func:`helpers.claims.grade`, with this part's bar :data:`MIN_SEEDS`).

Explained in the book: {ref}`lipost-best-practices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.claims import FAIL, PASS, UNDECIDED, Claim, Practice, grade, verdict_from_counts
from helpers.lipost import report as A
from helpers.lipost.sweep.grid import MIN_SEEDS

PART = "lipost"

PAPER = {
    1: "multi-task training beats a model trained on each task alone, on every task",
    2: "on a task not used in training, the model beats the baseline model",
    3: "multi-task training improves languages other than English",
    4: "small (50-d) domain embeddings beat general-purpose embeddings on the domain's tasks",
}
"""What the paper reports, per claim."""

CLAIMS = {1: "positive transfer", 2: "zero-shot", 3: "multilingual", 4: "specialised beats general"}
"""Each claim in a few words, as the chapter names it."""

SHOWN_IN = {
    1: ("lipost-ablations-transfer", "Ablations, section 1"),
    2: ("lipost-ablations-zero-shot", "Ablations, section 2"),
    3: ("lipost-ablations-multilingual", "Ablations, section 3"),
    4: ("lipost-training-headline-table", "Multi-task contrastive training, headline table"),
}
"""Each claim's evidence: the MyST label of its section and the link's text."""

OUTCOME_SUPPORT = {"win": PASS, "tie": UNDECIDED, "loss": FAIL}
"""A comparison's outcome as a sub-test of a claim, or a piece of evidence for a practice."""


@dataclass
class Inputs:
    """What the claims and practices are computed from (:func:`inputs`).

    Attributes:
        rows: the run's metric rows (``results/metrics.csv``).
        manifest: the task manifest of the run's data.
        tasks: the in-domain tasks of the ablation base.
        probed: the tasks the grid trained single-task and leave-one-out models for.
        full, small: the training chapter's full and small embedding sizes.
        n_seeds: the seeds the grid's headline comparisons ran on.
        summaries: each variant's training summary.
        variants: the grid's variants.
        n_layers: the base model's layers.
        base: the grid's base training settings.
    """

    rows: pd.DataFrame
    manifest: dict
    tasks: list[str]
    probed: list[str]
    full: int
    small: int
    n_seeds: int
    summaries: pd.DataFrame
    variants: list
    n_layers: int
    base: dict


def inputs(run_dir: Path) -> Inputs:
    """Read the run's results and rebuild the ablation grid as its chapter ran it."""
    from helpers.lipost.data.store import load_manifest
    from helpers.lipost.sweep.grid import grid_from_params
    from helpers.lipost.sweep.run import collect_summaries
    from helpers.pipeline import results
    from helpers.pipeline.results import step_params

    run_dir = Path(run_dir)
    training, ablation = step_params(run_dir, "03_training"), step_params(run_dir, "04_ablations")
    manifest = load_manifest(run_dir / "data")
    grid = grid_from_params(ablation, run_dir / "data")
    return Inputs(rows=results.load(run_dir), manifest=manifest,
                  tasks=[t for t in grid.base["tasks"] if manifest[t]["in_domain"]],
                  probed=ablation["grid_tasks"] or grid.base["tasks"], full=training["dims"][0],
                  small=training["dims"][-1], n_seeds=len(ablation["seeds"]),
                  summaries=collect_summaries(run_dir, grid.variants), variants=grid.variants,
                  n_layers=grid.n_layers, base=grid.base)


def _tally(counts: dict[str, int]) -> str:
    return f"{counts['win']} wins, {counts['tie']} ties, {counts['loss']} losses"


def _verdict(counts: dict[str, int]) -> str:
    return verdict_from_counts(counts["win"], counts["tie"], counts["loss"])


def _claim(number: int, measured: str, verdict: str) -> Claim:
    label, shown_in = SHOWN_IN[number]
    return Claim(part=PART, number=number, claim=CLAIMS[number], paper=PAPER[number], measured=measured,
                 verdict=verdict, label=label, shown_in=shown_in)


def headline_verdict(n_wins: int, n_tasks: int) -> str:
    """Claim 4's verdict: the small fine-tuned embedding against the general-purpose model
    on each in-domain task, a task not won counting as a loss (one seed: no ties)."""
    return verdict_from_counts(n_wins, 0, n_tasks - n_wins)


def claim_rows(data: Inputs) -> list[Claim]:
    """The paper's four claims with what this run measured and the verdict of each."""
    ablation = data.rows[data.rows["step"] == "04_ablations"]
    s = A.seed_summary(ablation, data.manifest)
    transfer = A.count_verdicts(A.transfer_gain(s, data.probed, data.full))
    zs = A.count_verdicts(A.zero_shot_table(s, data.probed, data.full))
    ood_tasks = [t for t in data.manifest if not data.manifest[t]["in_domain"]]
    ood = A.count_verdicts(A.compare(s, ("base", data.full), ("untuned", data.full), ood_tasks))
    runs = {"all languages": "base", "English only": "lang:en-only", "no cross-lingual task": "lang:no-crosslingual"}
    _, _, ml = A.language_table(ablation, data.manifest, runs, data.full)
    rows = data.rows
    headline = A.main_metric_rows(rows[rows["run"].isin(["baseline", "multitask"]) & (rows["lang"] == "all")],
                                  data.manifest)
    small_wins = A.wins(headline, f"finetuned-{data.small}", "all-mpnet-base-v2", data.tasks)
    both = {k: zs[k] + ood[k] for k in zs}
    seeds = f"mean of {data.n_seeds} seed{'s' if data.n_seeds > 1 else ''}"
    return [
        _claim(1, f"multi-task vs single-task model per task ({seeds}): {_tally(transfer)}", _verdict(transfer)),
        _claim(2, f"left-out task vs un-tuned model: {_tally(zs)}; BBC (never trained on): {_tally(ood)}",
               _verdict(both)),
        _claim(3, f"all-language vs English-only training on Spanish/French cells: {ml['other_win']} wins, "
                  f"{ml['other_tie']} ties, {ml['other_loss']} losses; with vs without the cross-lingual task on "
                  f"cross-lingual directions: {ml['xl_win']} wins, {ml['xl_tie']} ties, {ml['xl_loss']} losses",
               str(ml["verdict"])),
        _claim(4, f"{data.small}-d fine-tuned vs all-mpnet-base-v2 (768-d): better on {len(small_wins)} of "
                  f"{len(data.tasks)} in-domain tasks (headline model, one seed)",
               headline_verdict(len(small_wins), len(data.tasks))),
    ]


def support(counts: dict[str, int], favoured: bool = True) -> list[bool | None]:
    """A tally of comparisons as evidence for a practice: a win supports a practice that
    favours the compared setting (``favoured``) and contradicts one that says it is no
    better; a tie settles nothing."""
    sign = {PASS: PASS if favoured else FAIL, FAIL: FAIL if favoured else PASS, UNDECIDED: UNDECIDED}
    return [sign[OUTCOME_SUPPORT[k]] for k in ("win", "tie", "loss") for _ in range(counts[k])]


def _practice(practice: str, evidence: str, pieces: list[bool | None], seeds: int,
              claims: tuple[int, ...] = ()) -> Practice:
    return Practice(part=PART, practice=practice, evidence=evidence, grade=grade(pieces, seeds, MIN_SEEDS),
                    claims=claims)


def practice_rows(data: Inputs) -> list[Practice]:
    """One practice per question the grid measured: the practice as the evidence words it,
    the evidence, and its grade (the questions beyond the headline three ran on one seed)."""
    ablation = data.rows[data.rows["step"] == "04_ablations"]
    s = A.seed_summary(ablation, data.manifest)
    asked = {v.question for v in data.variants}
    full, tasks = data.full, data.tasks
    out = []
    if "transfer" in asked:
        c = A.count_verdicts(A.transfer_gain(s, data.probed, full))
        text = ("Train the tasks together rather than one model per task" if c["win"] > c["loss"] else
                "One multi-task model is not better per task at this scale, but serves every task with one model"
                if c["loss"] > c["win"] else
                "Multi-task and single-task models are on par here: one model serving every task is the cheaper choice")
        out.append(_practice(text, f"multi-task vs single-task: {_tally(c)}",
                             support(c, favoured=c["loss"] <= c["win"]), data.n_seeds, (1,)))
    if "multilingual" in asked:
        runs = {"all": "base", "en": "lang:en-only", "noxl": "lang:no-crosslingual"}
        _, _, ml = A.language_table(ablation, data.manifest, runs, full)
        c = {k: int(ml[f"other_{k}"]) for k in ("win", "tie", "loss")}
        text = ("Train on every language you serve, not English alone" if c["win"] > c["loss"] else
                "Training on Spanish and French did not clearly beat English-only training on those languages "
                "at this scale (the base model is multilingual already)")
        out.append(_practice(text, f"on Spanish/French cells: {_tally(c)}", support(c, favoured=c["win"] > c["loss"]),
                             data.n_seeds, (3,)))
    for question, label in (("mixing", "Task sampling"), ("scale", "InfoNCE scale (inverse temperature)")):
        if question not in asked:
            continue
        settings = {"base": "base"} | {v.run: v.run for v in data.variants if v.question == question}
        means = {run: A.in_domain_mean(s, run, full, tasks) for run in settings}
        best = max(means, key=means.get)
        spread = float(np.mean([A.value_of(s, "base", full, t)[1] for t in tasks]))
        text = ", ".join(f"{run}: {m:.3f}" for run, m in means.items())
        margin = means[best] - sorted(means.values())[-2] if len(means) > 1 else 0.0
        clear = margin > spread
        practice = f"{label}: {best} scored best" if clear else f"{label}: the settings tried score alike"
        out.append(_practice(practice, f"mean in-domain main metric, {text}", [PASS if clear else UNDECIDED], 1))
    if "unfrozen" in asked:
        pts = A.unfrozen_points(s, data.summaries, data.n_layers, data.base["freeze_layers"], tasks, full)
        text = "; ".join(f"{int(r.unfrozen)} layers: {r.value:.3f} at {r.sec_per_step:.2f} s/step"
                         for r in pts.itertuples())
        best = pts.loc[pts["value"].idxmax()]
        out.append(_practice(f"Layers to train on a CPU budget: the top {int(best.unfrozen)} scored best", text,
                             [PASS], 1))
    if "dimension" in asked:
        out += _dimension_practice(s, data)
    if "data_size" in asked:
        pts = A.data_points(s, data.variants, data.base["max_pairs_per_task"], tasks, full)
        means = pts.groupby("pairs")["value"].mean()
        out.append(_practice("More distinct pairs per task help at a fixed step budget" if means.is_monotonic_increasing
                             else "Distinct pairs per task: no steady gain at this step budget",
                             "; ".join(f"{int(p)} pairs/task: {v:.3f}" for p, v in means.items()), [PASS], 1))
    return out


def _dimension_practice(s: pd.DataFrame, data: Inputs) -> list[Practice]:
    """Nested training truncated vs a learned projection per size (one seed)."""
    sizes = [v.eval_dims[-1] for v in data.variants if v.run.endswith("-projection")]
    wide = A.size_points(s, sizes, data.full, data.tasks).pivot_table(index="size", columns="method", values="value")
    nested, proj = wide.get("nested (Matryoshka) training"), wide.get("learned projection")
    if nested is None or proj is None:
        return []
    small = [int(d) for d in wide.index if d != data.full and d in nested and d in proj]
    nested_ok = [d for d in small if nested[d] >= proj[d]]
    practice = ("Small embeddings: one nested (Matryoshka) model, truncated, rather than a projection per size"
                if len(nested_ok) * 2 >= len(small) else
                "Small embeddings: a learned projection per size beat truncating one nested model")
    return [_practice(practice, "; ".join(f"{d}-d: nested {nested[d]:.3f}, projection {proj[d]:.3f}"
                                          for d in sorted(small, reverse=True)), [PASS], 1)]
