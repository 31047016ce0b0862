"""UMAP maps of embeddings, before and after fine-tuning, and the cross-lingual views.

Explained in the book: {ref}`lipost-visualizations`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns


def umap_2d(embeddings: np.ndarray, seed: int, n_neighbors: int = 15, min_dist: float = 0.1) -> np.ndarray:
    """2-d UMAP layout (cosine metric, seeded, so a re-run draws the same map)."""
    import umap

    reducer = umap.UMAP(n_neighbors=n_neighbors, min_dist=min_dist, metric="cosine", random_state=seed)
    return reducer.fit_transform(embeddings)


def side_by_side(maps: dict[str, np.ndarray], labels: pd.Series, title: str):
    """One panel per map (e.g. before / after), points coloured by ``labels``."""
    order = sorted(labels.unique())
    palette = dict(zip(order, sns.color_palette("tab20", len(order)), strict=True))
    fig, axes = plt.subplots(1, len(maps), figsize=(6 * len(maps), 5.5))
    for ax, (name, xy) in zip(np.atleast_1d(axes), maps.items(), strict=True):
        for label in order:
            mask = (labels == label).to_numpy()
            ax.scatter(xy[mask, 0], xy[mask, 1], s=6, alpha=0.7, color=palette[label], label=label)
        ax.set_title(name, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    np.atleast_1d(axes)[-1].legend(bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=7, markerscale=2)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def translation_lines(maps: dict[str, np.ndarray], pairs: list[tuple[int, int]], langs: pd.Series, title: str):
    """Maps with a grey line between the two language versions of each article."""
    fig, axes = plt.subplots(1, len(maps), figsize=(6 * len(maps), 5.5))
    for ax, (name, xy) in zip(np.atleast_1d(axes), maps.items(), strict=True):
        for i, j in pairs:
            ax.plot([xy[i, 0], xy[j, 0]], [xy[i, 1], xy[j, 1]], color="grey", lw=0.5, alpha=0.6)
        used = sorted({i for p in pairs for i in p})
        for lang, rows in pd.Series(langs.iloc[used].to_numpy(), index=used).groupby(lambda i: langs.iloc[i]):
            ax.scatter(xy[rows.index, 0], xy[rows.index, 1], s=8, label=lang)
        ax.set_title(name, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    np.atleast_1d(axes)[-1].legend(fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def cosine_histograms(cosines: dict[str, pd.DataFrame]):
    """Distribution of cosine for translation vs random pairs, one panel per model."""
    fig, axes = plt.subplots(1, len(cosines), figsize=(5 * len(cosines), 3.5), sharey=True)
    for ax, (name, frame) in zip(np.atleast_1d(axes), cosines.items(), strict=True):
        sns.histplot(data=frame, x="cosine", hue="pair", bins=30, stat="density", common_norm=False,
                     element="step", ax=ax)
        ax.set_title(name, fontsize=10)
    fig.tight_layout()
    return fig


def interactive_map(xy: np.ndarray, frame: pd.DataFrame, color: str, title: str) -> str:
    """A self-contained HTML scatter (plotly, its JavaScript embedded: works offline) whose
    hover shows each point's article, language, label and the start of its text."""
    import plotly.express as px

    data = frame.assign(x=xy[:, 0], y=xy[:, 1], text_start=frame["text"].str.slice(0, 120))
    fig = px.scatter(data, x="x", y="y", color=color, hover_data={"article": True, "lang": True, "label": True,
                                                                  "text_start": True, "x": False, "y": False},
                     title=title, width=850, height=600)
    fig.update_traces(marker={"size": 5})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.to_html(include_plotlyjs=True, full_html=False)


def test_sample(data_dir, task: str, max_points: int, seed: int) -> pd.DataFrame:
    """A seeded sample of a task's test rows (``text`` = the anchor), sorted by article and language."""
    from helpers.lipost.data.store import load_task

    frame = load_task(data_dir, task)["test"].to_pandas().rename(columns={"anchor": "text"})
    frame = frame.sample(n=min(max_points, len(frame)), random_state=seed)
    return frame.sort_values(["article", "lang"]).reset_index(drop=True)
