"""The BatchNorm-bias check, on a small BN network we train ourselves.

The paper's notebook reads the BN shift beta of every channel of torchvision's
ImageNet-pretrained VGG19-BN and finds most of them negative (a BN layer before a ReLU
with beta < 0 makes its channel active on fewer than half the inputs, like the teacher
nodes of the theory). Pretrained weights cannot be downloaded here, so this is a
substitute, labelled as one: a VGG-style stack of conv3x3 -> BN -> ReLU blocks trained on
scikit-learn's digits with SGD (momentum 0.9, weight decay 5e-4, as VGG was trained),
whose betas we count per layer. beta = 0 exactly is counted apart, not as negative.

Explained in the book: {ref}`specialization-batchnorm`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from helpers.specialization.batched import one_thread
from helpers.specialization.digits import digits_split


def vgg_like(channels: list[int]) -> nn.Sequential:
    """conv3x3 (padding 1) -> BN -> ReLU per entry of ``channels``, a 2x2 max-pool after every
    second block, then global average pooling and a linear layer to 10 classes."""
    blocks: list[nn.Module] = []
    fan_in = 1
    for index, width in enumerate(channels):
        blocks += [nn.Conv2d(fan_in, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
        if index % 2 == 1:
            blocks.append(nn.MaxPool2d(2))
        fan_in = width
    return nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(fan_in, 10))


def run_batchnorm(seed: int, channels: list[int], epochs: int, batch_size: int, lr: float) -> dict:
    """Train one BN network on the digits; its betas per BN layer and its test accuracy."""
    x_train, y_train, x_test, y_test = digits_split()
    torch.manual_seed(seed)
    rng = np.random.default_rng([seed, 53])
    net = vgg_like(channels)
    optimiser = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    inputs, labels = torch.from_numpy(x_train).unsqueeze(1), torch.from_numpy(y_train)
    with one_thread():
        net.train()
        for _ in range(epochs):
            order = torch.from_numpy(rng.permutation(len(labels)))
            for start in range(0, len(labels), batch_size):
                pick = order[start:start + batch_size]
                optimiser.zero_grad()
                nn.functional.cross_entropy(net(inputs[pick]), labels[pick]).backward()
                optimiser.step()
        net.eval()
        with torch.no_grad():
            accuracy = float((net(torch.from_numpy(x_test).unsqueeze(1)).argmax(1).numpy() == y_test).mean())
    betas = [module.bias.detach().numpy() for module in net if isinstance(module, nn.BatchNorm2d)]
    return {"seed": seed, "channels": channels, "accuracy": accuracy,
            "negative": [int((b < 0).sum()) for b in betas], "zero": [int((b == 0).sum()) for b in betas],
            "total": [int(b.size) for b in betas]}
