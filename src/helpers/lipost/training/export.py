"""Export a trained model as a standard sentence-transformers folder with a model card.

The folder loads anywhere with ``SentenceTransformer(path)``: weights, tokenizer, pooling,
normalisation and the e5 prompts (``prompt_name="query"`` / ``"passage"``). Its README
(the model card sentence-transformers writes from the training run) gets a section that
says how this book made it: base model, tasks and their sizes, every training setting,
and the evaluation table of the run; ``training_record.json``
(:data:`helpers.fingerprint.MODEL_RECORD`) holds the same as data.

Explained in the book: {ref}`lipost-training-export`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.fingerprint import MODEL_RECORD
from helpers.paths import atomic_dir, atomic_write_text

EVAL_MARKER = "### Evaluation (test splits of the run this model comes from)"


def export_model(model, path: Path, config: dict, train_sizes: dict[str, int], seconds: float, steps: int,
                 evaluation: pd.DataFrame | None = None) -> Path:
    """Save ``model`` to ``path`` (atomically) with the book's section appended to its card."""
    path = Path(path)
    meta = {"training": config, "train_pairs": train_sizes, "train_seconds": round(seconds, 1),
            "steps": steps, "source": "LiPost reproduction book, chapter 3"}
    with atomic_dir(path) as tmp:
        model.save(str(tmp), model_name=path.name)
        (tmp / MODEL_RECORD).write_text(json.dumps(meta, indent=1))
        card = tmp / "README.md"
        text = card.read_text() if card.exists() else f"# {path.name}\n"
        card.write_text(text + "\n" + card_section(config, train_sizes, evaluation, seconds, steps))
    return path


def card_section(config: dict, train_sizes: dict[str, int], evaluation: pd.DataFrame | None, seconds: float,
                 steps: int) -> str:
    """The model card's "how this model was made" section, in Markdown."""
    sizes = pd.Series(train_sizes, name="training pairs").to_markdown()
    settings = pd.Series({k: str(v) for k, v in config.items()}, name="value").to_markdown()
    table = evaluation.to_markdown() if evaluation is not None and len(evaluation) else "(not evaluated yet)"
    return f"""
## How this model was made (LiPost reproduction book)

Fine-tuned from `{config['base_model']}` with multi-task contrastive learning: one
in-batch-negative InfoNCE loss per task (label-aware for label/group tasks), every batch
from one task, nested (Matryoshka) dimensions {config['dims']}. {steps} steps in
{seconds:.0f} s. Use the prompts: `model.encode(texts, prompt_name="query")` for short
queries and labels, `prompt_name="passage"` for documents; `truncate_dim={config['dims'][-1]}`
gives the small embedding.

### Training data
{sizes}

### Settings
{settings}

{EVAL_MARKER}
{table}

Citation: Bindal et al., "LiPost: Improved Content Understanding With Effective Use of
Multi-task Contrastive Learning", arXiv:2405.11344 (2024).
"""


def add_evaluation(path: Path, evaluation: pd.DataFrame) -> None:
    """Replace the card's evaluation table with ``evaluation`` (after the model was scored)."""

    card = Path(path) / "README.md"
    head, _, tail = card.read_text().partition(EVAL_MARKER)
    rest = tail.split("\n\nCitation:", 1)
    citation = "\n\nCitation:" + rest[1] if len(rest) > 1 else ""
    atomic_write_text(card, f"{head}{EVAL_MARKER}\n{evaluation.to_markdown()}{citation}")


def load_exported(path: Path, name: str, max_seq_length: int, with_cache: bool = True):
    """An exported model as an encoder of the suite (a
    :class:`~helpers.lipost.evaluation.SentenceTransformerEncoder` named ``name``), with the
    embedding cache keyed by its files, and its frozen bottom layers served from the
    frozen-prefix cache (as in training) when ``with_cache``."""
    from sentence_transformers import SentenceTransformer

    from helpers.fingerprint import model_key
    from helpers.lipost.evaluation import SentenceTransformerEncoder
    from helpers.lipost.models.frozen_cache import FrozenPrefixCache
    from helpers.lipost.models.materialize import default_device

    path = Path(path)
    if not (path / "modules.json").exists():
        raise FileNotFoundError(f"{path} holds no exported model: run the training chapter (03_training) first")
    model = SentenceTransformer(str(path), device=default_device())
    settings = json.loads((path / MODEL_RECORD).read_text())["training"]
    layers = settings.get("frozen_cache_layers", -1)
    layers = settings.get("freeze_layers", 0) if layers < 0 else layers
    cache = FrozenPrefixCache(model, layers) if with_cache and layers else None
    return SentenceTransformerEncoder(model, name, model_key(path), max_seq_length=max_seq_length, prefix_cache=cache)
