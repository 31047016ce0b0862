"""Chapter 2's claims (deep teachers, the digits teacher, the BatchNorm shifts), each with
its stated test; assembled with chapter 1's by :func:`helpers.specialization.claims.claims`.

Every sub-test reads a per-seed number (paired by seed where two sides are compared), its
mean over seeds and the t-interval (:mod:`helpers.specialization.claim_stats`), Bonferroni
over the sub-tests of one verdict.

Explained in the book: {ref}`specialization-best-practices`.
"""

from __future__ import annotations

import numpy as np

from helpers.claims import StatedTest, verdict
from helpers.specialization import report
from helpers.specialization.claim_stats import BONFERRONI, SHARE, outcomes_text, over_seeds, shown

DEEP_AND_REAL = "Deep networks and real data"

LOOSE, TIGHT = 0.6, 0.95
"""Deep L-shape: students below LOOSE best correlation against those above TIGHT (the brief's F5)."""


def _where(section: str) -> dict[str, str]:
    return {"shown_in": f"{DEEP_AND_REAL}, section {section}"}


def _family(k: int) -> str:
    return BONFERRONI if k > 1 else ""


def deep_claims(result: dict) -> list[dict]:
    """F6 and F5: rho_mean per layer rises with data, lowest layer first; the deep L-shape."""
    table = report.deep_table(result).pivot_table(index="seed", columns=["layer", "size"], values="rho_mean")
    layers = sorted({layer for layer, _ in table.columns})
    sizes = sorted({size for _, size in table.columns})
    k = 2 * len(layers) - 1
    rises = {layer: over_seeds((table[(layer, sizes[-1])] - table[(layer, sizes[0])]).to_numpy(), k)
             for layer in layers}
    by_layer = table.T.groupby(level="layer").mean().T  # seed x layer: mean over sizes
    ahead = {layer: over_seeds((by_layer[layers[0]] - by_layer[layer]).to_numpy(), k) for layer in layers[1:]}
    outcomes = [iv.outcome(0) for iv in [*rises.values(), *ahead.values()]]
    means = table.mean()
    path = "; ".join(f"L{layer}: " + " → ".join(f"{means[(layer, size)]:.2f}" for size in sizes) for layer in layers)
    per_layer = {
        "claim": "Deep nets: mean best correlation per layer rises with the training-set size, lowest layer first",
        "paper": "ICML Fig. 6, 2x (paper's notebooks): ρ_mean L0/L3 0.73/0.44 at 5k, 0.97/0.57 at 12.5k, ≈1.0 in "
                 "all layers from 20k",
        "measured": f"ρ_mean (mean over seeds) at N = {', '.join(str(s) for s in sizes)}: {path}; rise from the "
                    "smallest to the largest N: " + ", ".join(f"L{la} {iv.format(2)}" for la, iv in rises.items())
                    + "; L0 minus each higher layer (mean over N): "
                    + ", ".join(f"L{la} {iv.format(2)}" for la, iv in ahead.items()) + f" ({outcomes_text(outcomes)})",
        "verdict": verdict(outcomes), "label": "specialization-deep", **_where("1"),
        "test": StatedTest(compared="each layer at the largest against the smallest training set; the lowest layer "
                                    "against each higher one", on=f"{len(table)} seeds, {len(layers)} layers, "
                                    f"{len(sizes)} sizes",
                           statistic="per seed, the paired difference of ρ_mean (mean best correlation of the "
                                     "layer's teacher nodes); mean over seeds with its t-interval",
                           threshold="each sub-test passes when the whole interval lies above 0, fails when wholly "
                                     "below", comparisons=k, correction=_family(k)),
        "interval": "; ".join(f"rise L{la}: {shown(iv)}" for la, iv in rises.items()) + "; t-intervals over seeds"}
    points = report.deep_lshape(result)
    gaps, counts = {}, []
    for layer in layers:
        part = points[points.layer == layer]
        per_seed = [seed_part[seed_part.usefulness > TIGHT].fanout.mean() - seed_part[seed_part.usefulness
                    < LOOSE].fanout.mean() for _, seed_part in part.groupby("seed")]
        gaps[layer] = over_seeds(per_seed, len(layers))
        counts.append(f"L{layer}: {int((part.usefulness > TIGHT).sum())}")
    banded = {layer: bool((points[points.layer == layer].usefulness > TIGHT).any()) for layer in layers}
    lshape_outcomes = [gaps[layer].outcome(0) if banded[layer] else False for layer in layers]
    lshape = {
        "claim": "Deep L-shape: every layer has specialised students, and the others have smaller generalised "
                 "fan-out",
        "paper": "multi 10, 40 epochs (paper's notebooks): a band at ρ≈1 (fan-out up to 0.65-0.85) and a "
                 "low-fan-out mass at ρ<0.6 in every layer; a run without BN shows no clean L",
        "measured": f"students with ρ > {TIGHT} at N = {sizes[-1]} (pooled over seeds): {', '.join(counts)}; mean "
                    f"fan-out of ρ > {TIGHT} minus ρ < {LOOSE} students: "
                    + ", ".join(f"L{la} {iv.format(2)}" for la, iv in gaps.items())
                    + f" ({outcomes_text(lshape_outcomes)})",
        "verdict": verdict(lshape_outcomes), "label": "specialization-deep", **_where("1"),
        "test": StatedTest(compared=f"the generalised fan-out of specialised students (ρ > {TIGHT}) against the "
                                    f"others' (ρ < {LOOSE}), per layer, at the largest training set",
                           on=f"{len(table)} seeds (those with students in both groups), {len(layers)} layers",
                           statistic="per seed, mean fan-out of the specialised minus the others'; mean over seeds "
                                     "with its t-interval (no specialised student in a seed: left out)",
                           threshold="each layer passes when the whole interval lies above 0, fails when wholly "
                                     "below or when no seed has a specialised student in it (no band at ρ ≈ 1)",
                           comparisons=len(layers), correction=_family(len(layers))),
        "interval": "; ".join(f"L{la}: {shown(iv)}" for la, iv in gaps.items()) + "; t-intervals over seeds"}
    return [per_layer, lshape]


def digits_claim(result: dict) -> dict:
    """CIFAR analogue: per layer, the widest students' rho_mean above the narrowest's (paired by seed)."""
    multis = sorted(result["rho_mean"], key=int)
    narrow, wide = np.asarray(result["rho_mean"][multis[0]]), np.asarray(result["rho_mean"][multis[-1]])
    layers = narrow.shape[1]
    gaps = [over_seeds(wide[:, layer] - narrow[:, layer], layers) for layer in range(layers)]
    outcomes = [iv.outcome(0) for iv in gaps] if len(multis) > 1 else []
    means = "; ".join(f"{m}x: " + "/".join(f"{v:.2f}" for v in np.mean(result["rho_mean"][m], axis=0))
                      for m in multis)
    return {"claim": "Real-data teacher: wider students specialise more (CIFAR-10 in the paper; digits here)",
            "paper": "CIFAR-10 4-layer CNN (paper's notebooks): ρ_mean per layer 1x ≈ 0.72/0.49/0.39/0.47, "
                     "2x ≈ 0.79/0.68/0.65/0.68",
            "measured": f"digits MLP teacher, ρ_mean per layer (means over {len(result['seeds'])} seed(s)): {means}; "
                        f"{multis[-1]}x - {multis[0]}x: " + "/".join(iv.format(2) for iv in gaps)
                        + f" ({outcomes_text(outcomes)})",
            "verdict": verdict(outcomes), "label": "specialization-digits", **_where("2"),
            "test": StatedTest(compared=f"the widest students ({multis[-1]}x) against the narrowest ({multis[0]}x) "
                                        "of the same teacher", on=f"{len(result['seeds'])} seeds, {layers} layers",
                               statistic="per seed and layer, ρ_mean widest minus narrowest; mean over seeds with "
                                         "its t-interval",
                               threshold="each layer passes when the whole interval lies above 0, fails when wholly "
                                         "below", comparisons=layers, correction=_family(layers)),
            "interval": "; ".join(f"layer {i}: {shown(iv)}" for i, iv in enumerate(gaps)) + "; t-intervals over seeds"}


def batchnorm_claim(results: list[dict]) -> dict:
    """F8: most BN shifts are negative (share > 0.5), more so in the deeper half of the layers."""
    table = report.batchnorm_table(results)
    half = len(table) // 2
    share = over_seeds([sum(r["negative"]) / sum(r["total"]) for r in results], 2, bounds=SHARE)
    deeper = over_seeds([np.sum(r["negative"][half:]) / np.sum(r["total"][half:])
                         - np.sum(r["negative"][:half]) / np.sum(r["total"][:half]) for r in results], 2)
    outcomes = [share.outcome(0.5), deeper.outcome(0)]
    return {"claim": "BatchNorm shifts: most β are negative, more so in deeper layers",
            "paper": "ImageNet VGG19-BN (paper's notebook): 92.9% of 5,504 channels have β ≤ 0; the deep "
                     "half ≥ 96%",
            "measured": f"substitute (our VGG-like BN net on digits): share of β < 0 per seed {share.format(2)}; "
                        f"deeper minus shallower half {deeper.format(2)}; per layer (pooled) "
                        + "/".join(f"{v:.0%}" for v in table.negative_share),
            "verdict": verdict(outcomes), "label": "specialization-batchnorm", **_where("3"),
            "test": StatedTest(compared="the share of BN shifts below zero against one half; the deeper half of the "
                                        "layers against the shallower", on=f"{len(results)} seeds (networks)",
                               statistic="per seed, the share of β < 0 over all channels, and its deeper-half minus "
                                         "shallower-half difference; means over seeds with t-intervals",
                               threshold="passes when the whole interval lies above 0.5 (share) or 0 (difference), "
                                         "fails when wholly below", comparisons=2, correction=BONFERRONI),
            "interval": f"share: {shown(share)}; difference: {shown(deeper)}; t-intervals over seeds"}
