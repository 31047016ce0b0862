"""The two-layer (shallow) experiments: one configuration (teacher size m, decay p, width
multiple) over a batch of seeds, and the sample-complexity runs on Gaussian vs
teacher-aware data.

Each seed fixes the teacher and the data through a generator seeded with (seed, m, p), so
students of every width meet the same teacher and the same inputs; the student's init and
its batches come from a generator that also includes the width. These functions are the
sweep's jobs (:mod:`helpers.specialization.sweep`): module-level, every setting a required
argument (the defaults live in :mod:`helpers.specialization.settings`), and they return
JSON-serialisable dicts (lists of floats).

Explained in the book: {ref}`specialization-setting`.
"""

from __future__ import annotations

import numpy as np
import torch

from helpers.specialization import batched, measures
from helpers.specialization.batched import SettingError, check_multi, one_thread
from helpers.specialization.teachers import TwoLayerTeacher, two_layer_teacher

SOURCES = ("gaussian", "teacher-aware")


def _decay_code(decay: float) -> int:
    return int(round(decay * 1000))


def teacher_and_data(seed: int, d: int, c: int, m: int, decay: float, data_std: float, n_train: int,
                     n_eval: int) -> tuple[TwoLayerTeacher, np.ndarray, np.ndarray]:
    """The seed's teacher, its training inputs (n_train, d) and its evaluation inputs (n_eval, d)."""
    rng = np.random.default_rng([seed, m, _decay_code(decay)])
    teacher = two_layer_teacher(rng, d, m, c, decay)
    return teacher, rng.normal(0.0, data_std, size=(n_train, d)), rng.normal(0.0, data_std, size=(n_eval, d))


def teacher_aware_inputs(rng: np.random.Generator, teacher: TwoLayerTeacher, n: int, data_std: float,
                         shift_mean: float, shift_std: float) -> np.ndarray:
    """``n`` inputs placed at the teacher's decision boundaries (the augmentation the theorem needs).

    For each teacher node, about n / (3 m) Gaussian points are projected onto its hyperplane
    w.x + b = 0; each is kept, and two copies are shifted by +alpha w and -alpha w along the
    normal, alpha ~ U[shift_mean, shift_mean + shift_std]. Every point is then rescaled to
    norm data_std * sqrt(d), the typical norm of a Gaussian input.
    """
    m, d = teacher.w1.shape
    per_node = -(-n // (3 * m))
    points = []
    for w, b in zip(teacher.w1, teacher.b1, strict=True):
        x = rng.normal(0.0, data_std, size=(per_node, d))
        on_plane = x - ((x @ w + b) / (w @ w))[:, None] * w
        alpha = rng.uniform(shift_mean, shift_mean + shift_std, size=(per_node, 1))
        points += [on_plane, on_plane + alpha * w, on_plane - alpha * w]
    out = np.concatenate(points)[rng.permutation(3 * m * per_node)[:n]]
    return out / np.linalg.norm(out, axis=1, keepdims=True) * data_std * np.sqrt(d)


def _student_rngs(seeds: list[int], m: int, decay: float, multi: int, tag: int) -> list[np.random.Generator]:
    return [np.random.default_rng([seed, m, _decay_code(decay), multi, tag]) for seed in seeds]


def run_config(seeds: list[int], m: int, decay: float, multi: int, d: int, c: int, data_std: float,
               n_train: int, n_eval: int, lr: float, batch_size: int, epochs: int, steps_per_epoch: int,
               threshold: float) -> dict:
    """Train a ``multi`` x m student on every seed's teacher; what the chapter's figures need.

    Returns per seed: ``eval_loss`` per epoch (index 0 = before training), ``best_eval``
    (best eval-set correlation per teacher node at every epoch), and at the end
    ``usefulness`` (each student's best train-set correlation), ``fanout`` (each student's
    fan-out norm) and ``teacher_fanout`` (each teacher node's strength).
    """
    check_multi(multi)
    measures.check_threshold(threshold)
    made = [teacher_and_data(seed, d, c, m, decay, data_std, n_train, n_eval) for seed in seeds]
    x_train = torch.from_numpy(np.stack([x for _, x, _ in made]))
    x_eval = torch.from_numpy(np.stack([x for _, _, x in made]))
    y_train = torch.from_numpy(np.stack([t(x) for t, x, _ in made]))
    y_eval = torch.from_numpy(np.stack([t(x) for t, _, x in made]))
    f_eval = torch.from_numpy(np.stack([t.hidden(x) for t, _, x in made]))
    rngs = _student_rngs(seeds, m, decay, multi, 0)
    students = batched.init_students(rngs, multi * m, d, c)
    loss, best = [], []

    def checkpoint(epoch: int, current: batched.Students) -> None:
        loss.append(batched.eval_mse(current, x_eval, y_eval).tolist())
        rho = measures.correlation(f_eval, current.hidden(x_eval))
        best.append(measures.best_per_teacher(rho).tolist())

    with one_thread():
        batched.train(students, x_train, y_train, [n_train] * len(seeds), rngs, lr, batch_size, epochs,
                      steps_per_epoch, on_epoch=checkpoint)
        f_train = torch.from_numpy(np.stack([t.hidden(x) for t, x, _ in made]))
        usefulness = measures.best_per_student(measures.correlation(f_train, students.hidden(x_train)))
    return {"seeds": list(seeds), "m": m, "decay": decay, "multi": multi, "steps_per_epoch": steps_per_epoch,
            "eval_loss": np.asarray(loss).T.tolist(), "best_eval": np.transpose(best, (1, 0, 2)).tolist(),
            "usefulness": usefulness.tolist(), "fanout": measures.fanout_norm(students.w2).tolist(),
            "teacher_fanout": [np.linalg.norm(t.w2, axis=0).tolist() for t, _, _ in made]}


def run_sample_complexity(seeds: list[int], sizes: list[int], source: str, m: int, decay: float, multi: int,
                          d: int, c: int, data_std: float, n_eval: int, lr: float, batch_size: int, steps: int,
                          shift_mean: float, shift_std: float, threshold: float) -> dict:
    """Train ``multi`` x m students on training sets of every size in ``sizes``, for every seed.

    All (size, seed) pairs train together on one seed axis. ``source`` is ``gaussian``
    (plain Gaussian inputs) or ``teacher-aware`` (:func:`teacher_aware_inputs`). Returns,
    per size and seed, the final mean over teacher nodes of the best eval-set correlation
    (``rho_mean``), the eval loss, and the number of teacher nodes recovered (> ``threshold``).
    """
    if source not in SOURCES:
        raise SettingError(f"data source {source!r}: expected one of {list(SOURCES)}")
    check_multi(multi)
    if min(sizes) < batch_size:
        raise batched.BatchError(f"training-set size {min(sizes)} is smaller than batch_size = {batch_size}")
    pairs = [(size, seed) for size in sizes for seed in seeds]
    biggest = max(sizes)
    xs, ys, x_ev, y_ev, f_ev = [], [], [], [], []
    for size, seed in pairs:
        teacher, x_train, x_eval = teacher_and_data(seed, d, c, m, decay, data_std, biggest, n_eval)
        if source == "teacher-aware":
            aware_rng = np.random.default_rng([seed, m, _decay_code(decay), size, 7])
            x_train = np.concatenate([teacher_aware_inputs(aware_rng, teacher, size, data_std, shift_mean,
                                                           shift_std), x_train[size:]])
        xs.append(x_train)
        ys.append(teacher(x_train))
        x_ev.append(x_eval)
        y_ev.append(teacher(x_eval))
        f_ev.append(teacher.hidden(x_eval))
    rngs = [np.random.default_rng([seed, m, _decay_code(decay), multi, size, 1]) for size, seed in pairs]
    students = batched.init_students(rngs, multi * m, d, c)
    x_eval_t = torch.from_numpy(np.stack(x_ev))
    with one_thread():
        batched.train(students, torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys)),
                      [size for size, _ in pairs], rngs, lr, batch_size, 1, steps)
        best = measures.best_per_teacher(measures.correlation(torch.from_numpy(np.stack(f_ev)),
                                                              students.hidden(x_eval_t)))
        loss = batched.eval_mse(students, x_eval_t, torch.from_numpy(np.stack(y_ev)))
    return {"source": source, "multi": multi, "sizes": [size for size, _ in pairs], "seeds": [s for _, s in pairs],
            "rho_mean": best.mean(dim=1).tolist(), "eval_loss": loss.tolist(),
            "recovered": measures.recovered(best, threshold).sum(dim=1).tolist()}

