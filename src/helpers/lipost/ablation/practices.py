"""The best-practices chapter's two tables, computed from the run's results (never typed).

:func:`claim_table` answers the paper's four claims from the ablation grid (claims 1-3,
means over seeds, ties within the spread) and the headline comparison of the training
chapter (claim 4). :func:`practice_table` states one practice per measured question, the
evidence behind it and how strong that evidence is: *strong* when it holds over several
seeds beyond their spread, *suggestive* when it rests on one seed, *mixed* otherwise.

Explained in the book: {ref}`lipost-best-practices`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.lipost.ablation import analysis as A
from helpers.lipost.evaluation.report import claim_verdict, main_metric_rows, wins

PAPER = {
    1: "multi-task training beats a model trained on each task alone, on every task",
    2: "on a task not used in training, the model beats the baseline model",
    3: "multi-task training improves languages other than English",
    4: "small (50-d) domain embeddings beat general-purpose embeddings on the domain's tasks",
}


def _tally(counts: dict[str, int]) -> str:
    return f"{counts['win']} wins, {counts['tie']} ties, {counts['loss']} losses"


def claim_table(rows: pd.DataFrame, manifest: dict, tasks: list[str], probed: list[str], full: int, small: int,
                n_seeds: int) -> pd.DataFrame:
    """Claim, what the paper reports, what this run measured, verdict, where it is shown."""
    ablation = rows[rows["step"] == "04_ablations"]
    s = A.seed_summary(ablation, manifest)
    transfer = A.count_verdicts(A.transfer_gain(s, probed, full))
    zs = A.count_verdicts(A.zero_shot_table(s, probed, full))
    ood_tasks = [t for t in manifest if not manifest[t]["in_domain"]]
    ood = A.count_verdicts(A.compare(s, ("base", full), ("untuned", full), ood_tasks))
    runs = {"all languages": "base", "English only": "lang:en-only", "no cross-lingual task": "lang:no-crosslingual"}
    _, _, ml = A.language_table(ablation, manifest, runs, full)
    headline = main_metric_rows(rows[rows["run"].isin(["baseline", "multitask"]) & (rows["lang"] == "all")], manifest)
    small_wins = wins(headline, f"finetuned-{small}", "all-mpnet-base-v2", tasks)
    both = {k: zs[k] + ood[k] for k in zs}
    seeds = f"mean of {n_seeds} seed{'s' if n_seeds > 1 else ''}"
    table = [
        (1, f"multi-task vs single-task model per task ({seeds}): {_tally(transfer)}",
         A.claim_word(transfer, sum(transfer.values())), "Ablations, section 1"),
        (2, f"left-out task vs un-tuned model: {_tally(zs)}; BBC (never trained on): {_tally(ood)}",
         A.claim_word(both, sum(both.values())), "Ablations, section 2"),
        (3, f"all-language vs English-only training on Spanish/French cells: {ml['other_win']} wins, "
            f"{ml['other_tie']} ties, {ml['other_loss']} losses; with vs without the cross-lingual task on "
            f"cross-lingual directions: {ml['xl_win']} wins, {ml['xl_tie']} ties, {ml['xl_loss']} losses",
         ml["verdict"], "Ablations, section 3"),
        (4, f"{small}-d fine-tuned vs all-mpnet-base-v2 (768-d): better on {len(small_wins)} of {len(tasks)} "
            "in-domain tasks (headline model, one seed)",
         claim_verdict(len(small_wins), len(tasks)), "Multi-task contrastive training, headline table"),
    ]
    return pd.DataFrame([{"claim": c, "the paper reports": PAPER[c], "measured here": m, "verdict": v, "shown in": w}
                         for c, m, v, w in table]).set_index("claim")


def _strength(counts: dict[str, int], seeds: int) -> str:
    if seeds < 2:
        return "suggestive (one seed)"
    return "strong" if counts["win"] and not counts["loss"] else "mixed"


def practice_table(rows: pd.DataFrame, manifest: dict, summaries: pd.DataFrame, variants: list, tasks: list[str],
                   probed: list[str], full: int, n_layers: int, base_frozen: int, base_cap: int, n_seeds: int
                   ) -> pd.DataFrame:
    """One row per measured practice: the practice, its evidence, and how strong it is."""
    ablation = rows[rows["step"] == "04_ablations"]
    s = A.seed_summary(ablation, manifest)
    asked = {v.question for v in variants}
    out = []
    if "transfer" in asked:
        c = A.count_verdicts(A.transfer_gain(s, probed, full))
        text = ("Train the tasks together rather than one model per task" if c["win"] > c["loss"] else
                "One multi-task model is not better per task at this scale, but serves every task with one model"
                if c["loss"] > c["win"] else
                "Multi-task and single-task models are on par here: one model serving every task is the cheaper choice")
        out.append((text, f"multi-task vs single-task: {_tally(c)}", _strength(c, n_seeds)))
    if "multilingual" in asked:
        runs = {"all": "base", "en": "lang:en-only", "noxl": "lang:no-crosslingual"}
        _, _, ml = A.language_table(ablation, manifest, runs, full)
        c = {k: ml[f"other_{k}"] for k in ("win", "tie", "loss")}
        text = ("Train on every language you serve, not English alone" if c["win"] > c["loss"] else
                "Training on Spanish and French did not clearly beat English-only training on those languages "
                "at this scale (the base model is multilingual already)")
        out.append((text, f"on Spanish/French cells: {_tally(c)}", _strength(c, n_seeds)))
    for question, label in (("mixing", "Task sampling"), ("scale", "InfoNCE scale (inverse temperature)")):
        if question not in asked:
            continue
        settings = {"base": "base"} | {v.run: v.run for v in variants if v.question == question}
        means = {run: A.in_domain_mean(s, run, full, tasks) for run in settings}
        best = max(means, key=means.get)
        spread = float(np.mean([A.value_of(s, "base", full, t)[1] for t in tasks]))
        text = ", ".join(f"{run}: {m:.3f}" for run, m in means.items())
        margin = means[best] - sorted(means.values())[-2] if len(means) > 1 else 0.0
        clear = margin > spread
        verdict = "suggestive (one seed)" if clear else "no clear winner (within the base's seed spread)"
        practice = f"{label}: {best} scored best" if clear else f"{label}: the settings tried score alike"
        out.append((practice, f"mean in-domain main metric, {text}", verdict))
    if "unfrozen" in asked:
        pts = A.unfrozen_points(s, summaries, n_layers, base_frozen, tasks, full)
        text = "; ".join(f"{int(r.unfrozen)} layers: {r.value:.3f} at {r.sec_per_step:.2f} s/step"
                         for r in pts.itertuples())
        best = pts.loc[pts["value"].idxmax()]
        out.append((f"Layers to train on a CPU budget: the top {int(best.unfrozen)} scored best", text,
                    "suggestive (one seed)"))
    if "dimension" in asked:
        pts = A.size_points(s, [v.eval_dims[-1] for v in variants if v.run.endswith("-projection")], full, tasks)
        wide = pts.pivot_table(index="size", columns="method", values="value")
        nested = wide.get("nested (Matryoshka) training")
        proj = wide.get("learned projection")
        if nested is not None and proj is not None:
            small = [int(d) for d in wide.index if d != full and d in nested and d in proj]
            nested_ok = [d for d in small if nested[d] >= proj[d]]
            practice = ("Small embeddings: one nested (Matryoshka) model, truncated, rather than a projection per size"
                        if len(nested_ok) * 2 >= len(small) else
                        "Small embeddings: a learned projection per size beat truncating one nested model")
            out.append((practice, "; ".join(f"{d}-d: nested {nested[d]:.3f}, projection {proj[d]:.3f}"
                                            for d in sorted(small, reverse=True)), "suggestive (one seed)"))
    if "data_size" in asked:
        pts = A.data_points(s, variants, base_cap, tasks, full).groupby("pairs")["value"].mean()
        out.append(("More distinct pairs per task help at a fixed step budget" if pts.is_monotonic_increasing
                    else "Distinct pairs per task: no steady gain at this step budget",
                    "; ".join(f"{int(p)} pairs/task: {v:.3f}" for p, v in pts.items()), "suggestive (one seed)"))
    return pd.DataFrame(out, columns=["practice", "evidence (this run)", "strength"])
