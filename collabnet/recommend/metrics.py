"""How well a ranking finds the pairs that formed: AUC and the top-of-list measures."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["auc_score", "ranking_metrics"]


def auc_score(positive: np.ndarray, negative: np.ndarray) -> float:
    """Probability that a positive outscores a negative (ties count one half)."""
    if len(positive) == 0 or len(negative) == 0:
        return float("nan")
    values = np.concatenate([positive, negative])
    ranks = pd.Series(values).rank(method="average").to_numpy()
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ranking_metrics(
    scores: np.ndarray, hits: np.ndarray, k: int, *, tiebreak: np.ndarray | None = None
) -> np.ndarray:
    """Per row: precision@k, recall@k, reciprocal rank of the first hit, nDCG@k.

    ``scores`` and ``hits`` are (rows × items); excluded items score ``-inf`` and are
    never hits. Equal scores are ordered by ``tiebreak`` (same shape, smaller first), or
    else by item order. Only the ranks of the hits are computed (items ranked above each
    hit are counted), which costs one pass over the row per hit instead of a sort.
    """
    n_rows, n_items = scores.shape
    if tiebreak is None:
        tiebreak = np.broadcast_to(np.arange(n_items, dtype=float), scores.shape)
    hit_row, hit_item = np.nonzero(hits)
    ranks = np.empty(len(hit_row))
    step = max(1, 4_000_000 // max(n_items, 1))
    for start in range(0, len(hit_row), step):
        r = hit_row[start : start + step]
        i = hit_item[start : start + step]
        own = scores[r, i][:, None]
        row_scores = scores[r]
        ahead = np.count_nonzero(row_scores > own, axis=1)
        tied = row_scores == own
        # The hit ties with itself; the tie-break is read only where others tie with it.
        shared = np.count_nonzero(tied, axis=1) > 1
        if shared.any():
            rs, own_key = r[shared], tiebreak[r[shared], i[shared]][:, None]
            ahead[shared] += np.count_nonzero(tied[shared] & (tiebreak[rs] < own_key), axis=1)
        ranks[start : start + step] = ahead + 1
    relevant = np.bincount(hit_row, minlength=n_rows).astype(float)
    in_top = ranks <= k
    found = np.bincount(hit_row[in_top], minlength=n_rows).astype(float)
    precision = found / k
    recall = np.divide(found, relevant, out=np.zeros(n_rows), where=relevant > 0)
    first = np.full(n_rows, np.inf)
    np.minimum.at(first, hit_row, ranks)
    reciprocal = 1.0 / first
    gains = np.where(in_top, 1.0 / np.log2(ranks + 1.0), 0.0)
    dcg = np.bincount(hit_row, weights=gains, minlength=n_rows)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.concatenate([[0.0], np.cumsum(discount)])[np.minimum(relevant, k).astype(int)]
    ndcg = np.divide(dcg, ideal, out=np.zeros(n_rows), where=ideal > 0)
    return np.column_stack([precision, recall, reciprocal, ndcg])
