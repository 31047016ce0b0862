"""Train one configuration and score it: the unit of work of chapter 3 and of every ablation variant.

:func:`train_and_score` takes resolved settings (a
:class:`~helpers.lipost.training.config.TrainConfig`) and a :class:`Scoring` spec and
returns the suite's result rows and a training summary. Chapter 3 calls it once, exporting
the model; the ablation grid calls it once per variant, scoring in memory. What a variant
computes is therefore its settings, its scoring spec, the code this module can execute and
the data (see :func:`helpers.fingerprint.variant_key`), never a notebook's prose.

Explained in the book: {ref}`lipost-training`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from helpers.lipost.evaluation import SentenceTransformerEncoder
from helpers.lipost.models.frozen_cache import FrozenPrefixCache
from helpers.lipost.training.config import TrainConfig
from helpers.lipost.training.scoring import score_trained
from helpers.lipost.training.trainer import TrainResult, train_multitask

RELOAD_TOLERANCE = 1e-5  # an exported model must encode as the trained one did, to this max abs difference


@dataclass(frozen=True)
class Scoring:
    """How a trained model is scored with the evaluation suite.

    Attributes:
        max_seq_length: truncation length when encoding the test texts.
        seed: seed of the evaluation's sampling (and of the probe).
        dims: embedding sizes scored; empty = the sizes it was trained at. A size below the
            model's output is its first ``d`` coordinates, re-normalised.
        max_rows: test rows scored per task (a seeded sample shared by every model scored
            with this spec); 0 = the whole test split.
        probe: also fit the logistic-regression probe of the label tasks.
        probe_max_train: training texts per language for the probe.
        prefix: result rows name the model ``<prefix>-<d>``.
    """

    max_seq_length: int
    seed: int
    dims: tuple[int, ...] = ()
    max_rows: int = 0
    probe: bool = False
    probe_max_train: int = 0
    prefix: str = "finetuned"

    def to_dict(self) -> dict:
        return {**asdict(self), "dims": list(self.dims)}


@dataclass
class Outcome:
    """What :func:`train_and_score` returns.

    Attributes:
        rows: the suite's result rows (model, task, lang, metric, value, n).
        summary: training wall time, steps, tokens, trainable parameters, training pairs
            and the frozen-prefix cache's counters; JSON-ready.
        training: the trainer's full result (its ``model`` is the trained model).
        model: the model that was scored: the reloaded export when exported, else the trained one.
        model_dir: the exported folder, or ``None``.
        fingerprint: the scored model's embedding-cache key (``None``: scored without the disk cache).
        reload_difference: the largest difference between the export's and the trained
            model's embeddings of two probe texts (``None``: not exported).
        prefix_cache: the frozen-prefix cache that served the scored model's bottom layers.
        units: each query's and item's score (:mod:`helpers.lipost.evaluation.units`).
    """

    rows: list[dict]
    summary: dict
    training: TrainResult
    model: object
    model_dir: Path | None = None
    fingerprint: str | None = None
    reload_difference: float | None = None
    prefix_cache: FrozenPrefixCache | None = field(default=None, repr=False)
    units: list[dict] = field(default_factory=list, repr=False)

    def encoder(self, name: str, max_seq_length: int) -> SentenceTransformerEncoder:
        """The scored model as an encoder of the suite, with the same embedding cache and
        frozen-prefix cache its scoring used (for further analyses of the same model)."""
        return SentenceTransformerEncoder(self.model, name, self.fingerprint, max_seq_length=max_seq_length,
                                          prefix_cache=self.prefix_cache)


def summarise(result: TrainResult, settings: TrainConfig) -> dict:
    """The training summary a variant's record keeps (JSON-ready)."""
    return {"train_seconds": round(result.seconds, 1), "steps": result.steps,
            "sec_per_step": result.seconds / max(result.steps, 1),
            "sec_per_optimiser_step": result.step_seconds / max(result.timed_steps, 1), "tokens": result.tokens,
            "padded_tokens": result.padded_tokens, "trainable_params": result.trainable_params,
            "train_pairs": sum(result.train_sizes.values()), "freeze_layers": settings.freeze_layers,
            "cache": result.prefix_stats}


def export_and_reload(result: TrainResult, settings: TrainConfig, export_to: Path) -> tuple[object, Path, float]:
    """Export the trained model and reload it as a colleague would; refuse a reload that
    does not encode as the trained model did."""
    from sentence_transformers import SentenceTransformer

    from helpers.lipost.models.materialize import default_device
    from helpers.lipost.training.export import export_model

    model_dir = export_model(result.model, Path(export_to), settings.to_dict(), result.train_sizes, result.seconds,
                             result.steps)
    reloaded = SentenceTransformer(str(model_dir), device=default_device())
    probe_texts = ["Impressionism", "Le Louvre est un musée d'art à Paris."]
    prompt = "passage" if "passage" in (reloaded.prompts or {}) else None
    difference = float(abs(reloaded.encode(probe_texts, prompt_name=prompt)
                           - result.model.encode(probe_texts, prompt_name=prompt)).max())
    if difference >= RELOAD_TOLERANCE:
        raise RuntimeError(f"the model exported to {model_dir} encodes differently from the trained one "
                           f"(max abs difference {difference:.2e} >= {RELOAD_TOLERANCE})")
    return reloaded, model_dir, difference


def train_and_score(settings: TrainConfig, data_dir: Path, out_dir: Path, scoring: Scoring, *,
                    export_to: Path | None = None, validation=None) -> Outcome:
    """Train one configuration, then score it with the suite.

    Args:
        settings: resolved training settings.
        data_dir: the run's task data (``runs/<profile>/lipost/data``).
        out_dir: training logs (``train_log.csv``, TensorBoard) and checkpoints; a second
            call on the same folder resumes the same run.
        scoring: how the trained model is scored.
        export_to: a folder to export the model to (a standard sentence-transformers folder
            with its model card); the reloaded export is then what is scored, with the
            embedding cache keyed by its files. ``None``: score the trained model in memory.
        validation: an evaluator run every ``settings.eval_steps`` steps while training.

    Returns:
        :class:`Outcome`: rows, summary, and the models involved.
    """
    result = train_multitask(settings, Path(data_dir), Path(out_dir), evaluator=validation)
    model, model_dir, difference = result.model, None, None
    if export_to is not None:
        model, model_dir, difference = export_and_reload(result, settings, export_to)
    return score_result(result, settings, data_dir, scoring, model, model_dir, difference)


def score_result(result: TrainResult, settings: TrainConfig, data_dir: Path, scoring: Scoring, model,
                 model_dir: Path | None = None, reload_difference: float | None = None) -> Outcome:
    """Score ``model`` (the trained model, or its reloaded export in ``model_dir``) with the
    suite; the embedding cache is keyed by the export's files, or not used without one."""
    fingerprint = None
    if model_dir is not None:
        from helpers.fingerprint import model_key

        fingerprint = model_key(model_dir)
    cache = FrozenPrefixCache(model, settings.cache_layers) if settings.cache_layers else None
    units: list[dict] = []
    rows = score_trained(model, list(scoring.dims) or settings.dims, Path(data_dir), fingerprint,
                         scoring.max_seq_length, probe=scoring.probe, probe_max_train=scoring.probe_max_train,
                         seed=scoring.seed, max_rows=scoring.max_rows or None, prefix=scoring.prefix,
                         prefix_cache=cache, units=units)
    return Outcome(rows=rows, summary=summarise(result, settings), training=result, model=model,
                   model_dir=model_dir, fingerprint=fingerprint, reload_difference=reload_difference,
                   prefix_cache=cache, units=units)
