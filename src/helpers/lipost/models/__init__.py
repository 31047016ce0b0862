"""Offline base models (see :mod:`helpers.lipost.models.materialize`)."""

from helpers.lipost.models.materialize import E5_PROMPTS, KNOWN_MODELS, ModelNotAvailable, load_model, model_path

__all__ = ["E5_PROMPTS", "KNOWN_MODELS", "ModelNotAvailable", "load_model", "model_path"]
