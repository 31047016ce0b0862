"""Evaluation used by every chapter: metrics, cached encoders and the task suite."""

from helpers.lipost.evaluation.encoders import SentenceTransformerEncoder
from helpers.lipost.evaluation.suite import MAIN_METRIC, evaluate

__all__ = ["MAIN_METRIC", "SentenceTransformerEncoder", "evaluate"]
