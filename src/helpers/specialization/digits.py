"""A teacher trained on real data: scikit-learn's handwritten digits (1,797 8x8 images, 10 classes).

The paper's real-data experiment trains a CIFAR-10 teacher and students of 1x, 2x, 5x its
width to match it; CIFAR-10 cannot be downloaded here and its CNN costs hours per epoch
on 2 cores. This is the honest substitute the brief names: per seed, an MLP teacher 64 ->
[32, 32] -> 10 is trained on the digits with cross-entropy and frozen; students of the
same shape times ``multi`` learn its logits by MSE on the training images, each batch
shifted by up to one pixel and given small Gaussian noise; the mean over teacher nodes of
the best correlation (rho_mean) per layer is measured on the held-out images.

Explained in the book: {ref}`specialization-digits`.
"""

from __future__ import annotations

import numpy as np
import torch

from helpers.specialization import deep
from helpers.specialization.batched import check_multi, one_thread


def digits_split(test_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardised digit images (N, 64) and labels, split into train and test."""
    from sklearn.datasets import load_digits

    data = load_digits()
    order = np.random.default_rng(seed).permutation(len(data.target))
    images = data.images[order].astype(np.float32)
    labels = data.target[order]
    images = (images - images.mean()) / images.std()
    cut = int(len(labels) * (1 - test_fraction))
    return images[:cut], labels[:cut], images[cut:], labels[cut:]


def augment(rng: np.random.Generator, images: np.ndarray, noise: float) -> np.ndarray:
    """Images (B, 8, 8) shifted by up to one pixel each way (edges repeated), plus N(0, noise^2)
    noise, flattened to (B, 64)."""
    count, side = images.shape[0], images.shape[1]
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)), mode="edge")
    offsets = rng.integers(0, 3, size=(count, 2))
    rows = np.arange(side)[None, :] + offsets[:, :1]
    cols = np.arange(side)[None, :] + offsets[:, 1:]
    out = padded[np.arange(count)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return (out + rng.normal(0.0, noise, size=out.shape)).reshape(count, -1).astype(np.float32)


def train_teacher(seed: int, widths: list[int], x: np.ndarray, y: np.ndarray, epochs: int) -> list[list[torch.Tensor]]:
    """A stacked (one-seed) MLP teacher trained with cross-entropy (Adam, full batch) for ``epochs`` steps."""
    torch.manual_seed(seed)
    layers = deep.init_mlp([np.random.default_rng([seed, 41])], [x[0].size, *widths, 10])
    params = [p for layer in layers for p in layer]
    optimiser = torch.optim.Adam(params, lr=0.01)
    inputs, labels = torch.from_numpy(x.reshape(len(x), -1)).unsqueeze(0), torch.from_numpy(y)
    for _ in range(epochs):
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(deep.forward(layers, inputs)[1][0], labels)
        loss.backward()
        optimiser.step()
    return [[w.detach(), b.detach()] for w, b in layers]


def run_digits(seeds: list[int], multis: list[int], widths: list[int], teacher_epochs: int, steps: int,
               batch_size: int, lr: float, noise: float) -> dict:
    """Per seed: a digits teacher, then 1 student per width multiple; rho_mean per layer and accuracies.

    Returns per multiple: ``rho_mean`` (seed x layer, held-out images), the students' test
    accuracy on the true labels (``student_acc``), and the teachers' test accuracy.
    """
    for multi in multis:
        check_multi(multi)
    x_train, y_train, x_test, y_test = digits_split()
    test = torch.from_numpy(x_test.reshape(len(x_test), -1)).unsqueeze(0)
    out: dict = {"seeds": list(seeds), "multis": list(multis), "widths": widths, "teacher_acc": [],
                 "rho_mean": {}, "student_acc": {}}
    with one_thread():
        teachers = [train_teacher(seed, widths, x_train, y_train, teacher_epochs) for seed in seeds]
        for teacher in teachers:
            logits = deep.forward(teacher, test)[1][0]
            out["teacher_acc"].append(float((logits.argmax(1).numpy() == y_test).mean()))
        stacked = [[torch.cat([t[i][0] for t in teachers]), torch.cat([t[i][1] for t in teachers])]
                   for i in range(len(widths) + 1)]
        test_s = test.expand(len(seeds), -1, -1)
        for multi in multis:
            rngs = [np.random.default_rng([seed, multi, 43]) for seed in seeds]
            student = deep.init_mlp(rngs, [64, *[multi * k for k in widths], 10])

            def sample(step: int, rngs=rngs) -> tuple[torch.Tensor, torch.Tensor]:
                x = torch.from_numpy(np.stack([augment(rng, x_train[rng.integers(0, len(x_train), batch_size)],
                                                       noise) for rng in rngs]))
                with torch.no_grad():
                    return x, deep.forward(stacked, x)[1]

            deep.train(student, sample, steps, (lr, lr), 1.0)
            stats = deep.layer_stats(student, stacked, test_s)
            out["rho_mean"][str(multi)] = np.mean(np.asarray(stats["best"]), axis=2).T.tolist()
            with torch.no_grad():
                predicted = deep.forward(student, test_s)[1].argmax(2).numpy()
            out["student_acc"][str(multi)] = (predicted == y_test).mean(axis=1).tolist()
    return out
