"""Contrastive losses for label tasks: InfoNCE that does not push same-label items apart.

In a label task (``topic``: summary -> topic name) or a group task (``storyline``), many
rows of a batch share a label, so their positives are the *same* text or a text that is
just as right. Plain MultipleNegativesRankingLoss would treat those as negatives and ask
the model to separate a summary from its own topic name. This loss masks them out.

Explained in the book: {ref}`lipost-training-model-and-losses`.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import Tensor, nn


class LabelAwareMultipleNegativesRankingLoss(nn.Module):
    """In-batch InfoNCE where candidates with the anchor's label are not negatives.

    For a batch of (anchor_i, positive_i, label_i), the loss is the cross-entropy of
    ``scale * cos(anchor_i, positive_j)`` over ``j``, with target ``j = i`` and every
    ``j != i`` whose ``label_j == label_i`` removed from the softmax. With all labels
    distinct it equals MultipleNegativesRankingLoss.

    Args:
        model: the SentenceTransformer being trained.
        scale: inverse temperature of the softmax (20 = temperature 0.05).

    Inputs: ``(anchor, positive)`` text columns and an integer ``label`` column.

    Reference: Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020 (the idea of
    not contrasting same-class items); van den Oord et al., 2018 (InfoNCE).
    """

    def __init__(self, model, scale: float = 20.0) -> None:
        super().__init__()
        self.model = model
        self.scale = scale

    def forward(self, sentence_features: Iterable[dict[str, Tensor]], labels: Tensor) -> Tensor:
        anchors, positives = (self.model(f)["sentence_embedding"] for f in sentence_features)
        return label_aware_infonce(anchors, positives, labels, self.scale)

    @property
    def citation(self) -> str:
        return "@inproceedings{khosla2020supcon, title={Supervised Contrastive Learning}, year={2020}}"


def label_aware_infonce(anchors: Tensor, positives: Tensor, labels: Tensor, scale: float) -> Tensor:
    """The loss of :class:`LabelAwareMultipleNegativesRankingLoss` on embeddings."""
    a = nn.functional.normalize(anchors, dim=-1)
    p = nn.functional.normalize(positives, dim=-1)
    logits = scale * a @ p.T
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=logits.device)
    logits = logits.masked_fill(same & ~eye, float("-inf"))
    target = torch.arange(len(labels), device=logits.device)
    return nn.functional.cross_entropy(logits, target)
