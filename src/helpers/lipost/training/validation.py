"""Periodic validation during training: the book's suite on a sample of the validation split.

Explained in the book: {ref}`lipost-training-model-and-losses`.
"""

from __future__ import annotations

from pathlib import Path

from sentence_transformers.sentence_transformer.evaluation import SentenceEvaluator

from helpers.lipost.data.store import load_manifest
from helpers.lipost.evaluation import MAIN_METRIC, SentenceTransformerEncoder, evaluate


class SuiteValidation(SentenceEvaluator):
    """Main metric of each task on ``max_rows`` validation rows, pooled over languages.

    Args:
        data_dir: the run's dataset folder.
        tasks: tasks to score (those with a validation split).
        max_rows: rows sampled per task (seeded), to keep each evaluation cheap on a CPU.
        max_seq_length: encoding truncation.
        seed: sampling seed.
    """

    def __init__(self, data_dir: Path, tasks: list[str], max_rows: int = 200, max_seq_length: int = 128,
                 seed: int = 0) -> None:
        super().__init__()
        self.data_dir, self.tasks, self.max_rows = Path(data_dir), tasks, max_rows
        self.max_seq_length, self.seed = max_seq_length, seed
        self.manifest = load_manifest(self.data_dir)
        self.primary_metric = "mean_main"
        self.greater_is_better = True

    def __call__(self, model, output_path: str | None = None, epoch: int = -1, steps: int = -1) -> dict:
        encoder = SentenceTransformerEncoder(model, "validation", None, max_seq_length=self.max_seq_length)
        rows = evaluate(encoder, self.data_dir, self.tasks, split="validation", probe=False, seed=self.seed,
                        max_rows=self.max_rows)
        scores = {f"{r['task']}_{r['metric']}": r["value"] for r in rows
                  if r["lang"] == "all" and r["metric"] == MAIN_METRIC[self.manifest[r["task"]]["kind"]]}
        scores["mean_main"] = sum(scores.values()) / max(len(scores), 1)
        return self.prefix_name_to_metrics(scores, "validation")
