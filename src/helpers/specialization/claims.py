"""The part's claims and practices, computed from the chapters' records (never typed).

Each of the paper's predictions (the brief's figure-by-figure list) gets a qualitative
test on this run, made of sub-tests, and a verdict by the book's one rule
(:func:`helpers.claims.verdict`: *holds* when every sub-test passes, *holds partly* when
some do, *does not hold* when none does). "The paper reports" quotes the values read off
the author's notebooks (32 seeds, 100k steps), marked as the paper's; "measured here"
gives this run's numbers with their spread over seeds (mean +- std). Each claim names the
section that shows it by its MyST label. The practices (:data:`PRACTICES`) rest on the
claims and are graded by :func:`helpers.claims.grade_from_verdicts` with this part's bar
of :data:`MIN_SEEDS` seeds for *strong*.

Explained in the book: {ref}`specialization-best-practices`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.claims import Claim, Practice, grade_from_verdicts, verdict
from helpers.specialization import report
from helpers.specialization.part import MIN_SEEDS

PART = "specialization"

TWO_LAYER, DEEP_AND_REAL = "Two-layer networks", "Deep networks and real data"


def _verdict(passed: Sequence[bool]) -> str:
    """The book's verdict on sub-tests that each pass or fail (numpy booleans made plain)."""
    return verdict([bool(p) for p in passed])


def _shown(label: str, chapter: str, section: str) -> dict[str, str]:
    """Where a claim is shown: the section's MyST label and the link's text."""
    return {"label": label, "shown_in": f"{chapter}, section {section}"}


def _pm(values) -> str:
    values = np.asarray(values, dtype=float)
    return f"{np.nanmean(values):.2f} ± {np.nanstd(values):.2f}"


def lshape_claim(configs: list[dict]) -> dict[str, str]:
    """F1: over-realised students that match no teacher have (near-)zero fan-out; 1x with decay keeps failures.

    Three sub-tests: the brief's strict one (in every cell of width >= 2, >= 95 % of the
    un-specialised students have fan-out < 0.1 or < 5 % of the largest), the shape (their
    mean fan-out below a fifth of the specialised students'), and 1x failures at p >= 1.
    """
    wide, narrow, ratios = [], [], []
    for result in configs:
        stats = report.lshape_stats(result)
        if result["multi"] >= 2:
            wide.append(stats["low_fanout_share"].to_numpy())
            use, fan = np.asarray(result["usefulness"]), np.asarray(result["fanout"])
            loose, tight = use < report.SPECIALISED, use > 0.95
            if loose.any() and tight.any():
                ratios.append(fan[loose].mean() / fan[tight].mean())
        elif result["decay"] >= 1:
            narrow.append(stats["failures"].to_numpy())
    shares = np.concatenate(wide) if wide else np.array([np.nan])
    failures = np.concatenate(narrow) if narrow else np.array([0])
    cells = [float(np.mean(share)) for share in wide] or [float("nan")]
    ratio = float(np.max(ratios)) if ratios else float("nan")
    passed = [min(cells) >= 0.95, bool(ratios) and ratio < 0.2, bool(np.mean(failures > 0) >= 0.5)]
    return {"claim": "L-shape: un-specialised students of an over-realised net end with near-zero fan-out",
            "paper": "m=10, 100k steps, 32 seeds (paper's notebooks): for 2x-10x, un-specialised students "
                                 "(ρ≈0.35-0.95) have fan-out ≲ 0.1; at 1x with p ≥ 1 failures keep fan-out 0.35-0.75",
            "measured": f"share of un-specialised (ρ<0.9) students with fan-out < 0.1 (or < 5% of the largest), "
                             f"multi ≥ 2: {_pm(shares)} over seeds (worst cell {min(cells):.2f}); their mean fan-out "
                             f"is at most {ratio:.0%} of the specialised (ρ>0.95) students' in every cell; 1x, p ≥ 1: "
                             f"failures (ρ<0.5, fan-out>0.3) in {np.mean(failures > 0):.0%} of seeds",
            "verdict": _verdict(passed), **_shown("specialization-lshape", TWO_LAYER, "L-shape"),
            "test": "the share of un-specialised students with near-zero fan-out is >= 0.95 in every cell of width "
                    ">= 2; their mean fan-out is below a fifth of the specialised ones'; 1x at p >= 1 keeps failures "
                    "in at least half of the seeds"}


def overrealisation_claim(configs: list[dict], early_epoch: int, threshold: float) -> dict[str, str]:
    """F2: the number of teacher nodes recovered grows with width, for every decay; longer training helps."""
    table = {}
    for result in configs:
        per_seed = report.recovery(result, -1, threshold).sum(axis=1)
        early = report.recovery(result, min(early_epoch, len(result["eval_loss"][0]) - 1), threshold).sum(axis=1)
        table[(result["decay"], result["multi"])] = (per_seed, early)
    decays = sorted({d for d, _ in table})
    monotone, wider_better, dominates = [], [], []
    parts = []
    for decay in decays:
        multis = sorted(m for d, m in table if d == decay)
        means = [table[(decay, m)][0].mean() for m in multis]
        spread = max(table[(decay, m)][0].std() for m in multis) + 0.5
        monotone.append(all(b >= a - spread for a, b in zip(means, means[1:], strict=False)))
        wider_better.append(means[-1] >= means[0])
        dominates += [bool(np.all(table[(decay, m)][0] >= table[(decay, m)][1])) for m in multis]
        parts.append(f"p={decay:g}: " + " / ".join(f"{mean:.1f}" for mean in means))
    passed = [all(monotone), all(wider_better), all(dominates)]
    return {"claim": "Over-realisation: wider students recover more teacher nodes, and sooner",
            "paper": "m=20 (paper's notebooks): at p=1 2x-10x recover ≈ all 20, 1x falls to ≈0.3 "
                                 "after idx 12; at p=2 drop-off idx ≈ 6-9 (1x) … 12-17 (10x); 100 epochs dominate 5",
            "measured": f"teacher nodes recovered (mean over seeds) for widths {sorted({m for _, m in table})}: "
                             + "; ".join(parts) + f"; final ≥ early (epoch {early_epoch}) in "
                             f"{np.mean(dominates):.0%} of configurations",
            "verdict": _verdict(passed), **_shown("specialization-recovery", TWO_LAYER, "recovery"),
            "test": "for every p, recovered nodes do not fall with width (beyond the seeds' spread + 0.5); the widest "
                    "recover at least as many as 1x; the final count >= the early one in every configuration"}


def crossover_claim(configs: list[dict]) -> dict[str, str]:
    """F3: equal strength -> 1x reaches the lowest loss; decaying strength -> 1x gets stuck above wider ones."""
    table = report.loss_table(configs)
    lowest, highest = table["decay"].min(), table["decay"].max()

    def cell(decay: float, which: str) -> pd.Series:
        part = table[table["decay"] == decay].sort_values("multi")
        return part.iloc[0] if which == "narrow" else part.iloc[-1]

    equal_n, equal_w = cell(lowest, "narrow"), cell(lowest, "wide")
    decayed_n, decayed_w = cell(highest, "narrow"), cell(highest, "wide")
    passed = [equal_n["mean"] < equal_w["mean"], decayed_n["mean"] > decayed_w["mean"]]
    return {"claim": "Loss crossover: with equal-strength teachers 1x converges best; with decaying strength "
                     "it gets stuck while wider students keep improving",
            "paper": "log10 eval loss at 100 epochs, m=20 (paper's notebooks): p=0: 1x < -8, 10x ≈ -6.0; "
                                 "p=2: 1x ≈ -4.0, 10x ≈ -5.3",
            "measured": f"log10 eval loss: p={lowest:g}: {equal_n['multi']:.0f}x {equal_n['mean']:.2f} ± "
                             f"{equal_n['std']:.2f} vs {equal_w['multi']:.0f}x {equal_w['mean']:.2f} ± "
                             f"{equal_w['std']:.2f}; p={highest:g}: {decayed_n['multi']:.0f}x {decayed_n['mean']:.2f}"
                             f" ± {decayed_n['std']:.2f} vs {decayed_w['multi']:.0f}x {decayed_w['mean']:.2f} ± "
                             f"{decayed_w['std']:.2f}",
            "verdict": _verdict(passed), **_shown("specialization-loss", TWO_LAYER, "loss curves"),
            "test": "mean log10 loss: 1x below the widest at the smallest p, above it at the largest p"}


def strong_first_claim(result: dict, threshold: float) -> dict[str, str]:
    """F4: strong teacher nodes are recovered first (Spearman of time-to-recovery vs index > 0)."""
    table = report.dynamics(result, threshold)
    values = table["spearman"].to_numpy()
    mean, std = np.nanmean(values), np.nanstd(values)
    return {"claim": "Strong teacher nodes (large fan-out) are specialised first",
            "paper": "m=5, 2x, p=1 (paper's notebooks): strongest matched in ≈2-5 epochs of 100 steps, "
                                 "teachers 2-4 in ≈3-12, the weakest unmatched after 40 in 2 of 3 seeds",
            "measured": f"Spearman(time to recovery, teacher index) {mean:.2f} ± {std:.2f} over "
                             f"{len(values)} seeds (m={result['m']}, {result['multi']}x, p={result['decay']:g})",
            "verdict": _verdict([mean > 0, mean - std > 0]), **_shown("specialization-dynamics", TWO_LAYER, "dynamics"),
            "test": "mean Spearman > 0, and mean - std > 0"}


def sample_complexity_claim(results: list[dict], level: float) -> dict[str, str]:
    """F7: teacher-aware data specialises students with far fewer samples than Gaussian data."""
    table = report.sample_complexity_table(results)
    aware = report.smallest_size(table, "teacher-aware", level)
    gauss = report.smallest_size(table, "gaussian", level)
    passed = [aware < gauss, bool(np.isfinite(aware)) and aware * 2 <= gauss]
    largest = table["size"].max()

    def show(size: float) -> str:
        return f"{size:.0f}" if np.isfinite(size) else f"> {largest}"

    return {"claim": "Sample complexity: data at the teacher's boundaries specialises students with far fewer samples",
            "paper": "m=5, p=1 (ICML Fig. 9, paper's notebooks): teacher-aware ρ ≈ 0.95-1.0 at N = 30-60 "
                                 "for multi ≥ 2; Gaussian reaches ≈1.0 only at N ≈ 400-600",
            "measured": f"smallest N with mean ρ ≥ {level} (multi ≥ 2): teacher-aware {show(aware)}, "
                             f"Gaussian {show(gauss)}",
            "verdict": _verdict(passed), **_shown("specialization-sample-complexity", TWO_LAYER, "sample complexity"),
            "test": "teacher-aware data reaches the level at a smaller N than Gaussian data, and at half of it or less"}


def deep_claims(result: dict) -> list[dict[str, str]]:
    """F6 and F5: rho_mean per layer rises with data, lowest layer first; the deep L-shape."""
    table = report.deep_table(result).groupby(["layer", "size"])["rho_mean"].agg(["mean", "std"]).reset_index()
    sizes = sorted(table["size"].unique())
    layers = sorted(table["layer"].unique())
    rises = [table[(table.layer == layer) & (table["size"] == sizes[-1])]["mean"].item()
             > table[(table.layer == layer) & (table["size"] == sizes[0])]["mean"].item() for layer in layers]
    by_layer = table.groupby("layer")["mean"].mean()
    lowest_first = bool(by_layer.iloc[0] >= by_layer.iloc[1:].max())
    shown = "; ".join(f"L{layer}: " + " → ".join(f"{v:.2f}" for v in table[table.layer == layer]["mean"])
                      for layer in layers)
    per_layer = {"claim": "Deep nets: mean best correlation per layer rises with the training-set size, lowest "
                          "layer first",
                 "paper": "ICML Fig. 6, 2x (paper's notebooks): ρ_mean L0/L3 0.73/0.44 at 5k, 0.97/0.57 "
                                      "at 12.5k, ≈1.0 in all layers from 20k",
                 "measured": f"ρ_mean at N = {', '.join(str(s) for s in sizes)}: {shown}",
                 "verdict": _verdict([all(rises), lowest_first]), **_shown("specialization-deep", DEEP_AND_REAL, "1"),
                 "test": "every layer's mean rises from the smallest to the largest N; the lowest layer's average "
                         "is the highest"}
    points = report.deep_lshape(result)
    band, low_fan = [], []  # one sub-test of each kind per layer
    for layer in layers:
        part = points[points.layer == layer]
        specialised, loose = part[part.usefulness > 0.95], part[part.usefulness < 0.6]
        band.append(len(specialised) > 0)
        low_fan.append(len(loose) == 0 or loose.fanout.mean() < specialised.fanout.mean())
    counts = ", ".join(f"L{layer}: {int((points[points.layer == layer].usefulness > 0.95).sum())}" for layer in layers)
    lshape = {"claim": "Deep L-shape: every layer has specialised students, and the others have smaller "
                       "generalised fan-out",
              "paper": "multi 10, 40 epochs (paper's notebooks): a band at ρ≈1 (fan-out up to 0.65-0.85) "
                                   "and a low-fan-out mass at ρ<0.6 in every layer; a run without BN shows no clean L",
              "measured": f"students with ρ > 0.95 at N = {sizes[-1]} (pooled over seeds): {counts}; ρ<0.6 "
                               f"students have the smaller mean fan-out in {sum(low_fan)} of {len(layers)} layers",
              "verdict": _verdict(band + low_fan), **_shown("specialization-deep", DEEP_AND_REAL, "1"),
              "test": "per layer: some students with best correlation > 0.95, and those below 0.6 have the smaller "
                      "mean fan-out"}
    return [per_layer, lshape]


def digits_claim(result: dict) -> dict[str, str]:
    """CIFAR analogue: wider students of a teacher trained on real data match its nodes better."""
    means = {m: np.mean(v, axis=0) for m, v in result["rho_mean"].items()}
    stds = {m: np.std(v, axis=0) for m, v in result["rho_mean"].items()}
    multis = sorted(means, key=int)
    narrow, wide = multis[0], multis[-1]
    on_means = bool(np.all(means[wide] > means[narrow]))
    beyond = bool(np.all(means[wide] - stds[wide] > means[narrow] + stds[narrow]))
    shown = "; ".join(f"{m}x: " + "/".join(f"{v:.2f}" for v in means[m]) for m in multis)
    return {"claim": "Real-data teacher: wider students specialise more (CIFAR-10 in the paper; digits here)",
            "paper": "CIFAR-10 4-layer CNN (paper's notebooks): ρ_mean per layer 1x ≈ 0.72/0.49/0.39/0.47, "
                                 "2x ≈ 0.79/0.68/0.65/0.68",
            "measured": f"digits MLP teacher, ρ_mean per layer: {shown} (means over {len(result['seeds'])} "
                             "seeds)",
            "verdict": _verdict([on_means, beyond]), **_shown("specialization-digits", DEEP_AND_REAL, "2"),
            "test": "per layer, the widest students' mean is above the narrowest's, and beyond one std of each"}


def batchnorm_claim(results: list[dict]) -> dict[str, str]:
    """F8: most BN shifts are negative, more so with depth (substitute network)."""
    table = report.batchnorm_table(results)
    overall = float((table.negative_share * table.channels).sum() / table.channels.sum())
    half = len(table) // 2
    deeper = bool(table.negative_share.iloc[half:].mean() >= table.negative_share.iloc[:half].mean())
    per_seed = [sum(r["negative"]) / sum(r["total"]) for r in results]
    return {"claim": "BatchNorm shifts: most β are negative, more so in deeper layers",
            "paper": "ImageNet VGG19-BN (paper's notebook): 92.9% of 5,504 channels have β ≤ 0; the deep "
                                 "half ≥ 96%",
            "measured": f"substitute (our VGG-like BN net on digits): {overall:.0%} of β < 0 (per seed "
                             f"{_pm(per_seed)}); per layer " + "/".join(f"{v:.0%}" for v in table.negative_share),
            "verdict": _verdict([overall > 0.5, deeper]), **_shown("specialization-batchnorm", DEEP_AND_REAL, "3"),
            "test": "more than half of all shifts below zero; the deeper half of the layers has the larger share"}


def claims(first: dict, second: dict) -> list[Claim]:
    """Every claim, numbered from 1, from chapter 1's and chapter 2's summaries
    (:func:`helpers.specialization.report.read_summaries`)."""
    params = first["params"]
    rows = [lshape_claim(first["configs"]),
            overrealisation_claim(first["configs"], params["early_epoch"], params["threshold"]),
            crossover_claim(first["configs"]), strong_first_claim(first["dynamics"], params["threshold"]),
            sample_complexity_claim(first["sample_complexity"], params["threshold"]),
            *deep_claims(second["deep"]), digits_claim(second["digits"]), batchnorm_claim(second["batchnorm"])]
    return [Claim(part=PART, number=number, **row) for number, row in enumerate(rows, start=1)]


PRACTICES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Over-realise: give a layer more nodes than the function needs (2x-5x); more of the target's units are "
     "matched, sooner, and the extra nodes do not hurt the fit", (2, 8)),
    ("After training, prune by fan-out: nodes that matched nothing end with near-zero outgoing weight, so "
     "removing the lowest-fan-out nodes drops the un-specialised ones", (1, 7)),
    ("Train long enough for weak units: strong units are learned first, weak ones late; an early plateau "
     "of the loss is not the end", (2, 4)),
    ("Do not pick the width by the loss of a short run: with equal-strength units the narrow net wins early, "
     "with unequal ones it gets stuck", (3,)),
    ("Data decides specialisation: samples near the units' boundaries specialise with far fewer examples; with "
     "plain data, deeper layers need more of it", (5, 6)),
    ("With a teacher trained on real data, wider students match its hidden units better", (8,)),
)
"""Each practice and the numbers of the claims it rests on."""


def practices(claim_rows: Sequence[Claim], seeds: int) -> list[Practice]:
    """One practice per entry of :data:`PRACTICES`: the claims behind it with their verdicts
    (its evidence) and its grade, from those verdicts and the fewest ``seeds`` of the run."""
    by_number = {claim.number: claim for claim in claim_rows}
    rows = []
    for text, numbers in PRACTICES:
        behind = [by_number[n] for n in numbers if n in by_number]
        evidence = "; ".join(f"claim {c.number} ({c.verdict})" for c in behind)
        grade = grade_from_verdicts([c.verdict for c in behind], seeds, MIN_SEEDS)
        rows.append(Practice(part=PART, practice=text, evidence=evidence, grade=grade,
                             claims=tuple(c.number for c in behind)))
    return rows


def fewest_seeds(first: dict, second: dict) -> int:
    """The fewest seeds behind any claim: the smaller ``n_seeds`` of the two chapters."""
    return min(first["params"]["n_seeds"], second["params"]["n_seeds"])
