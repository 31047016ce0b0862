"""Numbers behind the embedding pictures: cluster quality, translation cosines, neighbours.

Explained in the book: {ref}`lipost-visualizations`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score, v_measure_score


def cluster_quality(embeddings: np.ndarray, labels: list[str], seed: int) -> dict[str, float]:
    """Silhouette (cosine) of the true labels, and V-measure of k-means (k = number of labels)."""
    labels = np.asarray(labels)
    k = len(set(labels))
    predicted = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(embeddings)
    return {"silhouette": float(silhouette_score(embeddings, labels, metric="cosine")),
            "kmeans_v_measure": float(v_measure_score(labels, predicted))}


def translation_pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """Row positions of the same article in two languages (English against each other one)."""
    pairs = []
    for _, group in frame.reset_index(drop=True).groupby("article"):
        english = group.index[group["lang"] == "en"]
        if len(english):
            pairs += [(int(english[0]), int(i)) for i in group.index[group["lang"] != "en"]]
    return pairs


def translation_cosines(embeddings: np.ndarray, pairs: list[tuple[int, int]], seed: int) -> pd.DataFrame:
    """Cosine of each translation pair and of as many random cross-language pairs (same first item)."""
    rng = np.random.default_rng(seed)
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    others = np.array([j for _, j in pairs])
    rows = []
    for i, j in pairs:
        k = int(rng.choice(others[others != j])) if len(others) > 1 else j
        rows.append({"pair": "translation", "cosine": float(unit[i] @ unit[j])})
        rows.append({"pair": "random", "cosine": float(unit[i] @ unit[k])})
    return pd.DataFrame(rows)


def separation(cosines: pd.DataFrame) -> float:
    """AUC of telling translation pairs from random pairs by cosine (0.5 = no separation)."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(cosines["pair"] == "translation", cosines["cosine"]))


def neighbours(query_emb: np.ndarray, corpus_emb: np.ndarray, corpus: pd.DataFrame, k: int) -> list[pd.DataFrame]:
    """For each query, its ``k`` nearest corpus rows (cosine), as small tables."""
    q = query_emb / np.linalg.norm(query_emb, axis=1, keepdims=True)
    c = corpus_emb / np.linalg.norm(corpus_emb, axis=1, keepdims=True)
    scores = q @ c.T
    out = []
    for row in scores:
        top = np.argsort(-row)[:k]
        out.append(corpus.iloc[top].assign(cosine=row[top].round(3)).reset_index(drop=True))
    return out


def pick_queries(frame: pd.DataFrame, articles: set[str], n: int, seed: int) -> pd.DataFrame:
    """``n`` rows whose article is in ``articles``: one per language first, then any, seeded."""
    pool = frame[frame["article"].isin(articles)].sample(frac=1.0, random_state=seed)
    first = pool.drop_duplicates("lang")
    return pd.concat([first, pool.drop(first.index)]).head(n)


def neighbour_table(hits: dict[str, list[pd.DataFrame]], i: int, article: str) -> pd.DataFrame:
    """Query ``i``'s neighbours under each model side by side; ✓ marks ``article``."""
    return pd.concat({name: h[i].assign(match=h[i]["article"].eq(article).map({True: "✓", False: ""}))
                      for name, h in hits.items()}, axis=1)
