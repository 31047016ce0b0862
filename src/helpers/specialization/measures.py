"""The measures of specialisation: how well each teacher node is matched by a student node.

* :func:`correlation` -- Pearson correlation of post-ReLU activations, rho_jk between
  teacher node j and student node k over a data set, with ``eps`` added to both variances,
  so a dead node (zero variance) gives 0, never NaN. Leading dimensions (seeds) broadcast.
* :func:`best_per_teacher` -- max_k rho_jk; :func:`best_per_student` -- max_j rho_jk (a
  student's "usefulness", the x-axis of the L-shape).
* :func:`recovered` -- a teacher counts as recovered when its best correlation is strictly
  above a threshold (the chapter's ``threshold``).
* :func:`fanout_norm` -- the L2 norm of each student node's outgoing weights (2-layer).
* :func:`generalised_fanout` -- sqrt(E_x ||d y / d h_k||^2), the output-Jacobian norm of a
  hidden node of a deep net; for the top hidden layer it equals the fan-out norm.
* :func:`time_to_recovery` -- the first checkpoint at which a teacher is recovered.

Explained in the book: {ref}`specialization-measures`.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.stats import spearmanr

EPS = 1e-10


class ThresholdError(ValueError):
    """A recovery threshold outside (0, 1)."""


def check_threshold(threshold: float) -> float:
    """``threshold`` if it lies in (0, 1); :class:`ThresholdError` otherwise."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold < 1:
        raise ThresholdError(f"threshold = {threshold!r}: expected a number in (0, 1)")
    return float(threshold)


def _tensor(x) -> torch.Tensor:
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))


def correlation(teacher_act, student_act, eps: float = EPS) -> torch.Tensor:
    """rho, shape (..., m, n), from activations (..., N, m) and (..., N, n)."""
    f, g = _tensor(teacher_act), _tensor(student_act).to(_tensor(teacher_act).dtype)
    f = f - f.mean(dim=-2, keepdim=True)
    g = g - g.mean(dim=-2, keepdim=True)
    cov = f.transpose(-1, -2) @ g
    var_f = (f * f).sum(dim=-2)
    var_g = (g * g).sum(dim=-2)
    return cov / torch.sqrt((var_f[..., :, None] + eps) * (var_g[..., None, :] + eps))


def best_per_teacher(rho: torch.Tensor) -> torch.Tensor:
    """max over students: (..., m)."""
    return rho.max(dim=-1).values


def best_per_student(rho: torch.Tensor) -> torch.Tensor:
    """max over teachers: (..., n)."""
    return rho.max(dim=-2).values


def recovered(best: torch.Tensor, threshold: float) -> torch.Tensor:
    """Boolean (..., m): best correlation strictly above ``threshold``."""
    return best > check_threshold(threshold)


def fanout_norm(w2) -> torch.Tensor:
    """Norm of each hidden node's outgoing weights; ``w2`` is (..., c, n), result (..., n)."""
    return torch.linalg.vector_norm(_tensor(w2), dim=-2)


def generalised_fanout(weights: list[torch.Tensor], pre_acts: list[torch.Tensor],
                       chunk: int = 256) -> list[torch.Tensor]:
    """sqrt(E_x ||column k of dy/dh_l(x)||^2) for every hidden layer l, bottom first.

    ``weights`` are the matrices (..., out, in) of the layers above the first hidden one,
    the output layer last; ``pre_acts`` the hidden layers' pre-activations (..., N, k_l).
    The Jacobian J_l = dy/dh_l is built top-down: J_top = W_out, J_l = J_{l+1} D_{l+1}
    W_{l+1}, with D the 0/1 ReLU gate of each sample; samples go ``chunk`` at a time.
    """
    hidden, top = len(pre_acts), weights[-1]
    n_samples = pre_acts[0].shape[-2]
    sums = [torch.zeros(*pre.shape[:-2], pre.shape[-1], dtype=top.dtype) for pre in pre_acts]
    for start in range(0, n_samples, chunk):
        size = min(chunk, n_samples - start)
        jac = top.unsqueeze(-3).expand(*top.shape[:-2], size, *top.shape[-2:])  # (..., n, out, k_top)
        sums[-1] += (jac**2).sum(dim=(-3, -2))
        for layer in range(hidden - 1, 0, -1):
            gate = (pre_acts[layer][..., start:start + size, :] > 0).to(jac.dtype)
            jac = (jac * gate.unsqueeze(-2)) @ weights[layer - 1].unsqueeze(-3)
            sums[layer - 1] += (jac**2).sum(dim=(-3, -2))
    return [torch.sqrt(total / n_samples) for total in sums]


def time_to_recovery(best_over_time, checkpoints, threshold: float) -> np.ndarray:
    """First checkpoint at which each teacher is recovered; NaN where never.

    ``best_over_time`` is (T, ..., m) (best correlation per teacher at each of the T
    ``checkpoints``); the result is (..., m).
    """
    best = np.asarray(best_over_time)
    hit = best > check_threshold(threshold)
    first = np.argmax(hit, axis=0)
    times = np.asarray(checkpoints, dtype=float)[first]
    return np.where(hit.any(axis=0), times, np.nan)


def strong_first_spearman(times: np.ndarray, never: float) -> float:
    """Spearman correlation of time-to-recovery with teacher index (1 = strongest).

    A teacher never recovered counts as recovering at ``never`` (after the last
    checkpoint), so "not yet" ranks after every "yes". NaN when every time is equal.
    """
    filled = np.where(np.isnan(times), never, times)
    if np.all(filled == filled[0]):
        return float("nan")
    return float(spearmanr(np.arange(len(filled)), filled).statistic)
