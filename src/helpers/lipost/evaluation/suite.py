"""Evaluate any encoder on every task's test split; return tidy metric rows.

Rows have ``model, task, lang, metric, value, n`` (the caller adds ``run`` and ``seed``
via :func:`helpers.pipeline.results.record`). ``lang`` is a language (``en``), a
query-document pair for cross-lingual rows (``en-fr``), or ``all`` (pooled).

Per task kind (see :data:`helpers.lipost.data.tasks.TASK_KINDS`):

* ``retrieval``: ``recall@1``, ``recall@10``, ``mrr@10`` over every test document of
  the target language (main metric ``mrr@10``);
* ``group``: the same, where relevant = other documents of the anchor's group;
* ``label``: ``label_accuracy`` (nearest label name; main metric) and, if asked,
  ``probe_accuracy`` (logistic regression on the model's own train-split embeddings);
* every task: ``triplet_accuracy`` and ``pair_auc`` with one seeded random negative.

With ``units`` (a list), :func:`evaluate` also appends each unit's own score, per language
(never ``all``: that is the languages' units together), so a difference between two
models can be given a paired interval over queries and items
(:mod:`helpers.lipost.evaluation.units`): ``rr@10`` per query (the reciprocal rank, 0
below rank 10; their mean is ``mrr@10``), ``label_correct`` per item (1 when the nearest
label name is the gold one; their mean is ``label_accuracy``) and ``triplet_correct`` per
triplet (their mean is ``triplet_accuracy``). Units are numbered in the suite's own
deterministic order, the same for every model scored on the same rows and seed.

Explained in the book: {ref}`lipost-baselines-how-we-measure`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from helpers.lipost.data.store import check_tasks, load_manifest, load_task
from helpers.lipost.evaluation import metrics

MAIN_METRIC = {"retrieval": "mrr@10", "group": "mrr@10", "label": "label_accuracy"}


class _Embedder:
    """Encodes each distinct (text, role) once per evaluation, across all tasks."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.memo: dict[tuple[str, str], np.ndarray] = {}

    def __call__(self, texts: list[str], role: str) -> np.ndarray:
        todo = sorted({t for t in texts if (role, t) not in self.memo})
        if todo:
            for text, vec in zip(todo, self.encoder.encode(todo, role), strict=True):
                self.memo[(role, text)] = vec
        if not texts:
            return np.zeros((0, 1), np.float32)
        return np.stack([self.memo[(role, t)] for t in texts])


def _rows(model: str, task: str, lang: str, values: dict[str, float], n: int) -> list[dict]:
    return [{"model": model, "task": task, "lang": lang, "metric": k, "value": float(v), "n": int(n)}
            for k, v in values.items()]


def _units(model: str, task: str, lang: str, metric: str, values: np.ndarray) -> list[dict]:
    return [{"model": model, "task": task, "lang": lang, "metric": metric, "unit": i, "value": float(v)}
            for i, v in enumerate(values)]


def _target_lang(lang: str) -> str:
    return lang.split("-")[-1]


def _retrieval(emb, task: str, kind: str, test, corpus, prompts: dict) -> dict[str, np.ndarray]:
    """Per query-language: ranks of each unique query."""
    out = {}
    for lang in sorted({r["lang"] for r in test}):
        rows = [r for r in test if r["lang"] == lang]
        target = _target_lang(lang)
        docs = sorted({r["positive"] for r in rows} | {c["text"] for c in corpus if c["lang"] == target})
        if kind == "group":
            docs = sorted({c["text"] for c in corpus if c["lang"] == target} | {r["anchor"] for r in rows})
        doc_index = {d: i for i, d in enumerate(docs)}
        relevant: dict[str, set[int]] = defaultdict(set)
        if kind == "group":
            by_label = defaultdict(set)
            for c in corpus:
                if c["lang"] == target and c["label"]:
                    by_label[c["label"]].add(doc_index[c["text"]])
            for r in rows:
                relevant[r["anchor"]] |= by_label[r["label"]] - {doc_index[r["anchor"]]}
        else:
            for r in rows:
                relevant[r["anchor"]].add(doc_index[r["positive"]])
        queries = sorted(q for q, rel in relevant.items() if rel)
        q_vecs = emb(queries, prompts["anchor"])
        d_vecs = emb(docs, prompts["positive"])
        exclude = [{doc_index[q]} if kind == "group" else set() for q in queries]
        out[lang] = metrics.retrieval_ranks(q_vecs, d_vecs, [relevant[q] for q in queries], exclude)
    return out


def _triplets(emb, test, prompts: dict, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    rows = test
    out = {}
    for lang in sorted({r["lang"] for r in rows}):
        sub = [r for r in rows if r["lang"] == lang]
        if len(sub) < 2:
            continue
        negs = []
        for r in sub:
            for _ in range(100):
                cand = sub[int(rng.integers(len(sub)))]
                if cand["positive"] != r["positive"] and (not r["label"] or cand["label"] != r["label"]):
                    break
            negs.append(cand["positive"])
        a = emb([r["anchor"] for r in sub], prompts["anchor"])
        p = emb([r["positive"] for r in sub], prompts["positive"])
        n = emb(negs, prompts["positive"])
        out[lang] = (metrics.pair_cosines(a, p), metrics.pair_cosines(a, n))
    return out


def _labels(emb, test, train, prompts: dict, probe: bool, probe_max_train: int, seed: int,
            correct: dict | None = None) -> dict:
    from sklearn.linear_model import LogisticRegression

    out = {}
    for lang in sorted({r["lang"] for r in test}):
        rows = [r for r in test if r["lang"] == lang]
        names = sorted({r["positive"] for r in rows} | {r["positive"] for r in train if r["lang"] == lang})
        gold = np.array([names.index(r["positive"]) for r in rows])
        x = emb([r["anchor"] for r in rows], prompts["anchor"])
        hits = metrics.label_correct(x, emb(names, prompts["positive"]), gold)
        if correct is not None:
            correct[lang] = hits
        values = {"label_accuracy": float(np.mean(hits))}
        train_rows = [r for r in train if r["lang"] == lang]
        if probe and len({r["label"] for r in train_rows}) > 1:
            rng = np.random.default_rng(seed)
            pick = rng.permutation(len(train_rows))[:probe_max_train]
            xt = emb([train_rows[i]["anchor"] for i in pick], prompts["anchor"])
            clf = LogisticRegression(max_iter=2000, C=1.0).fit(xt, [train_rows[i]["label"] for i in pick])
            values["probe_accuracy"] = float(np.mean(clf.predict(x) == np.array([r["label"] for r in rows])))
        out[lang] = (values, len(rows))
    return out


def _subsample(test, corpus, max_rows: int, seed: int, kind: str):
    """At most ``max_rows`` rows, and the documents they need plus ``max_rows`` others.

    The others are distractors: corpus documents where the task has a corpus, else (a
    retrieval task such as *description*) the positives of rows left out of the sample,
    so a sampled ranking never shrinks to the sample's own positives (which saturates).
    """
    order = [int(i) for i in np.random.default_rng(seed).permutation(len(test))]
    sample = [test[i] for i in sorted(order[:max_rows])]
    if not corpus:
        if kind != "retrieval":
            return sample, corpus
        in_sample = {r["positive"] for r in sample}
        rest = [test[i] for i in sorted(order[max_rows: 2 * max_rows])]
        return sample, [{"text": r["positive"], "lang": _target_lang(r["lang"]), "label": r["label"],
                         "article": r["article"]} for r in rest if r["positive"] not in in_sample]
    articles, labels = {r["article"] for r in sample}, {r["label"] for r in sample if r["label"]}
    needed = [i for i, c in enumerate(corpus) if c["article"] in articles or (c["label"] and c["label"] in labels)]
    needed_set = set(needed)
    others = [i for i in range(len(corpus)) if i not in needed_set]
    extra = np.random.default_rng(seed).permutation(len(others))[:max_rows]
    return sample, [corpus[i] for i in sorted(needed + [others[i] for i in extra])]


def evaluate(encoder, data_dir: str | Path, tasks: list[str] | None = None, split: str = "test",
             probe: bool = True, probe_max_train: int = 2000, seed: int = 0,
             max_rows: int | None = None, units: list[dict] | None = None) -> list[dict]:
    """Evaluate ``encoder`` on ``tasks`` (default: all) of a saved dataset folder.

    ``max_rows`` scores a seeded sample of each task's rows (with the documents they need
    and as many others): a cheap estimate for validation during training. ``units``: a
    list that receives each query's and item's own score (see the module docstring).
    """
    manifest = load_manifest(Path(data_dir))
    tasks = list(manifest) if tasks is None else check_tasks(tasks, manifest)
    emb = _Embedder(encoder)
    rows: list[dict] = []
    for task in tasks:
        kind, prompts = manifest[task]["kind"], manifest[task]["prompts"]
        dsd = load_task(Path(data_dir), task)
        if split not in dsd:
            continue
        # plain lists of row dicts: iterating a Dataset row by row costs ~50 us a row, which
        # made a sampled evaluation mostly Python overhead
        test = dsd[split].to_list()
        corpus = dsd[f"corpus_{split}"].to_list() if f"corpus_{split}" in dsd else []
        if max_rows and len(test) > max_rows:
            test, corpus = _subsample(test, corpus, max_rows, seed, kind)
        if kind in ("retrieval", "group"):
            ranks = _retrieval(emb, task, kind, test, corpus, prompts)
            if units is not None:
                for lang, r in ranks.items():
                    units += _units(encoder.name, task, lang, "rr@10", metrics.reciprocal_ranks(r, 10))
            for lang, r in [*ranks.items(), ("all", np.concatenate(list(ranks.values())))]:
                vals = {"recall@1": metrics.recall_at_k(r, 1), "recall@10": metrics.recall_at_k(r, 10),
                        "mrr@10": metrics.mrr_at_k(r, 10)}
                rows += _rows(encoder.name, task, lang, vals, len(r))
        else:
            train = dsd["train"].to_list() if "train" in dsd else []
            correct: dict = {}
            by_lang = _labels(emb, test, train, prompts, probe, probe_max_train, seed, correct)
            if units is not None:
                for lang, hits in correct.items():
                    units += _units(encoder.name, task, lang, "label_correct", hits)
            total = sum(n for _, n in by_lang.values())
            for lang, (vals, n) in by_lang.items():
                rows += _rows(encoder.name, task, lang, vals, n)
            shared = set.intersection(*(set(v) for v, _ in by_lang.values()))
            pooled = {k: sum(v[k] * n for v, n in by_lang.values()) / total for k in sorted(shared)}
            rows += _rows(encoder.name, task, "all", pooled, total)
        trip = _triplets(emb, test, prompts, seed)
        if trip and units is not None:
            for lang, (pc, nc) in trip.items():
                units += _units(encoder.name, task, lang, "triplet_correct", (pc > nc).astype(float))
        if trip:
            for lang, (pc, nc) in [*trip.items(), ("all", tuple(np.concatenate(x) for x in zip(*trip.values(),
                                                                                              strict=True)))]:
                vals = {"triplet_accuracy": metrics.triplet_accuracy(pc, nc), "pair_auc": metrics.pair_auc(pc, nc)}
                rows += _rows(encoder.name, task, lang, vals, len(pc))
    return rows
