"""Part I's claims and practices, answered from the run's results (never typed).

:func:`inputs` gathers what the best-practices chapter needs from the run folder: the
metric rows, the task manifest, the ablation grid exactly as its chapter ran it (from the
step records of ``03_training`` and ``04_ablations``) and each variant's training summary.
:func:`claim_rows` answers the paper's four claims through :mod:`helpers.claims`: claims
1-3 from the ablation grid, claim 4 from the headline comparison of the training chapter.
Each claim's stated test (:func:`stated_test`, chosen from the paper's words before the
run is read) is a family of paired differences of the main metric over test queries or
items and seeds (:mod:`helpers.lipost.comparisons`), decided under Holm; the verdict is
:func:`helpers.claims.verdict` of the family's outcomes (:func:`family_verdict`).
:func:`practice_rows` states one practice per measured question, the evidence behind it
and its grade (:func:`helpers.claims.grade`, with this part's bar :data:`MIN_SEEDS`).

Explained in the book: {ref}`lipost-best-practices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.claims import FAIL, PASS, UNDECIDED, Claim, Practice, StatedTest, grade, verdict, verdict_from_counts
from helpers.lipost import comparisons as C
from helpers.lipost import report as A
from helpers.lipost.evaluation.units import DIFFERENCE, count_outcomes, outcomes
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
        units: the per-unit scores of chapters 2-4 (:mod:`helpers.lipost.evaluation.units`).
        headline_seeds: the seeds of the headline model.
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
    units: pd.DataFrame
    headline_seeds: list[int]


def inputs(run_dir: Path) -> Inputs:
    """Read the run's results and rebuild the ablation grid as its chapter ran it."""
    from helpers.lipost.data.store import load_manifest
    from helpers.lipost.evaluation.units import load_units
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
                  n_layers=grid.n_layers, base=grid.base,
                  units=load_units(run_dir, ["02_baselines", "03_training", "04_ablations"]),
                  headline_seeds=[training["seed"], *training.get("extra_seeds", [])])


def _tally(counts: dict[str, int]) -> str:
    return f"{counts['win']} wins, {counts['tie']} ties, {counts['loss']} losses"


def _claim(number: int, measured: str, verdict_word: str, test: StatedTest, interval: str) -> Claim:
    label, shown_in = SHOWN_IN[number]
    return Claim(part=PART, number=number, claim=CLAIMS[number], paper=PAPER[number], measured=measured,
                 verdict=verdict_word, label=label, shown_in=shown_in, test=test, interval=interval)


STATISTIC = ("mean paired difference of the task's main metric (reciprocal rank at 10 per query, correct or "
             "not per classified item), with a 95 % paired-bootstrap interval over the units{seeds}")
RULE = ("a comparison passes (win) when Holm's correction rejects 'no difference' and the difference is "
        "positive, fails (loss) when it rejects it with a negative difference, and is undecided (tie) otherwise; "
        "the claim holds when every comparison passes")
HOLM = "Holm's step-down at 5 % family-wise error"

COMPARED = {
    1: "the multi-task model vs the model trained on that task alone, on each probed task ({size}-d)",
    2: "each left-out model vs the un-tuned model on the task it never saw, and the multi-task model vs the "
       "un-tuned model on each task no model trained on (BBC) ({size}-d)",
    3: "all-language vs English-only training on each Spanish and French cell, and training with vs without the "
       "cross-lingual task on each cross-lingual direction ({size}-d)",
    4: "the {small}-d fine-tuned headline model vs all-mpnet-base-v2 (768-d) on each in-domain task",
}
"""What each claim's test sets against what (the paper's claim, re-read in the brief)."""


def stated_test(number: int, comparisons: int, seeds: int, units: str, **sizes: int) -> StatedTest:
    """Claim ``number``'s stated test over ``comparisons`` paired differences (tasks or
    cells), ``seeds`` seeds of the trained side and ``units`` (the test units, in words)."""
    seeds_words = f" and the {seeds} seeds (two-level)" if seeds > 1 else ""
    return StatedTest(compared=COMPARED[number].format(**sizes), on=f"{units}; {seeds} seed(s)",
                      statistic=STATISTIC.format(seeds=seeds_words), threshold=RULE,
                      comparisons=max(comparisons, 1), correction=HOLM if comparisons > 1 else "")


def family_verdict(frame: pd.DataFrame) -> str:
    """A claim's verdict from its family of Holm-decided comparisons (:mod:`helpers.lipost.comparisons`)."""
    return verdict(outcomes(frame))


def interval_text(frame: pd.DataFrame) -> str:
    """Each comparison's difference with its 95 % interval and outcome, as the claim row prints it."""
    if frame.empty:
        return "no per-unit scores: no interval (not settled)"
    return "; ".join(f"{label}: {row[DIFFERENCE]} ({row['outcome (Holm)']})"
                     for label, row in frame.iterrows()) + " (95 % intervals before Holm; outcome after Holm)"


def _units_words(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "no units"
    n = [iv.n for iv in frame.attrs["intervals"]]
    span = f"{min(n)}" if min(n) == max(n) else f"{min(n)}-{max(n)}"
    return f"{len(n)} comparison(s) over {span} test queries or items each"


def claim_families(data: Inputs) -> dict[int, pd.DataFrame]:
    """Each claim's family of comparisons, from the per-unit scores."""
    units, manifest, full = data.units, data.manifest, data.full
    ood = [t for t in manifest if not manifest[t]["in_domain"]]
    ablation = units[~units["run"].isin(["baseline", "multitask"])]
    headline = units[units["run"].isin(["baseline", "multitask"])]
    return {1: C.transfer(ablation, manifest, data.probed, full),
            2: C.zero_shot(ablation, manifest, data.probed, ood, full),
            3: C.multilingual(ablation, manifest, data.tasks, full),
            4: C.models_vs(headline, manifest, [(C.Side("multitask", f"finetuned-{data.small}"),
                                                 C.Side("baseline", "all-mpnet-base-v2"))], data.tasks)}


def claim_rows(data: Inputs) -> list[Claim]:
    """The paper's four claims with what this run measured, the stated test, the intervals
    and the verdict of each."""
    fams = claim_families(data)
    seeds = {1: data.n_seeds, 2: data.n_seeds, 3: data.n_seeds, 4: len(data.headline_seeds)}
    measured = {
        1: "multi-task vs single-task model per task: {}",
        2: "left-out task vs un-tuned model, and BBC (never trained on) vs un-tuned: {}",
        3: "all-language vs English-only (Spanish/French cells) and with vs without the cross-lingual task "
           "(cross-lingual directions): {}",
        4: f"{data.small}-d fine-tuned vs all-mpnet-base-v2 (768-d) per in-domain task: {{}}",
    }
    rows = []
    for number, frame in fams.items():
        test = stated_test(number, len(frame), seeds[number], _units_words(frame), size=data.full, small=data.small)
        rows.append(_claim(number, measured[number].format(_tally(count_outcomes(frame))) +
                           f" ({seeds[number]} seed(s))", family_verdict(frame), test, interval_text(frame)))
    return rows


def headline_verdict(n_wins: int, n_tasks: int) -> str:
    """Claim 4's verdict from a tally where a task not won counts as a loss (kept for the
    chapters' point-estimate summaries; the claim itself reads :func:`claim_families`)."""
    return verdict_from_counts(n_wins, 0, n_tasks - n_wins)


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
        c = count_outcomes(C.transfer(data.units, data.manifest, data.probed, full))
        text = ("Train the tasks together rather than one model per task" if c["win"] > c["loss"] else
                "One multi-task model is not better per task at this scale, but serves every task with one model"
                if c["loss"] > c["win"] else
                "Multi-task and single-task models are on par here: one model serving every task is the cheaper choice")
        out.append(_practice(text, f"multi-task vs single-task: {_tally(c)}",
                             support(c, favoured=c["loss"] <= c["win"]), data.n_seeds, (1,)))
    if "multilingual" in asked:
        c = count_outcomes(C.multilingual(data.units, data.manifest, data.tasks, full))
        text = ("Train on every language you serve, not English alone" if c["win"] > c["loss"] else
                "Training on Spanish and French did not clearly beat English-only training on those languages "
                "at this scale (the base model is multilingual already)")
        out.append(_practice(text, f"on Spanish/French cells: {_tally(c)}", support(c, favoured=c["win"] > c["loss"]),
                             data.n_seeds, (3,)))
    for question, label in (("mixing", "Task sampling"), ("scale", "InfoNCE scale (inverse temperature)")):
        runs = [v.run for v in data.variants if v.question == question]
        if question not in asked or not runs:
            continue
        versus = C.variants_vs_base(data.units, data.manifest, runs, tasks, full)
        c = count_outcomes(versus)
        text = "; ".join(f"{run} vs {data.base[question if question == 'scale' else 'sampler']}: "
                         f"{C.tally(versus.loc[[i for i in versus.index if i.startswith(run + ': ')]])}"
                         for run in runs)
        practice = (f"{label}: the base setting scored better" if c["loss"] > c["win"] else
                    f"{label}: another setting scored better" if c["win"] > c["loss"] else
                    f"{label}: the settings tried score alike")
        out.append(_practice(practice, f"variant vs base per in-domain task (Holm): {text}",
                             [UNDECIDED] if not c["win"] + c["loss"] else [PASS], 1))
    pts = None
    if "unfrozen" in asked:
        pts = A.unfrozen_points(s, data.summaries, data.n_layers, data.base["freeze_layers"], tasks, full)
        pts = pts.dropna(subset=["value"])
        if pts.empty:  # e.g. every layer already trained in the base (full's shape): no depth to compare
            out.append(_practice("Layers to train on a CPU budget: not measured in this run",
                                 "no layer-depth variant was scored beside the base", [UNDECIDED], 1))
            pts = None
    if pts is not None:
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
