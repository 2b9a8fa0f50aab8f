"""How well a ranking finds the pairs that formed: AUC and the top-of-list measures."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["auc_score", "ranking_metrics"]


def auc_score(positive: np.ndarray, negative: np.ndarray) -> float:
    """Probability that a positive outscores a negative (ties count one half)."""
    if len(positive) == 0 or len(negative) == 0:
        return float("nan")
    positive = np.asarray(positive, dtype=float)
    negative = np.asarray(negative, dtype=float)
    n_pos, n_neg = len(positive), len(negative)
    if np.isnan(positive).any() or np.isnan(negative).any():
        # Missing scores have no rank: the rank sum says so (NaN).
        values = np.concatenate([positive, negative])
        ranks = pd.Series(values).rank(method="average").to_numpy()
        return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    # The Mann–Whitney count: negatives below each positive, and half of those equal to
    # it, from one sort of the negatives (exact in float64 at these sizes).
    ordered = np.sort(negative)
    below = np.searchsorted(ordered, positive, side="left")
    up_to = np.searchsorted(ordered, positive, side="right")
    wins = float(below.sum()) + 0.5 * float((up_to - below).sum())
    return wins / (n_pos * n_neg)


def ranking_metrics(
    scores: np.ndarray, hits: np.ndarray, k: int, *, tiebreak: np.ndarray | None = None
) -> np.ndarray:
    """Per row: precision@k, recall@k, reciprocal rank of the first hit, nDCG@k.

    ``scores`` and ``hits`` are (rows × items); excluded items score ``-inf`` and are
    never hits. Equal scores are ordered by ``tiebreak`` (same shape, smaller first), or
    else by item order. Only the ranks of some hits are computed (items ranked above each
    are counted), which costs one pass over the row per hit instead of a sort.
    """
    n_rows, n_items = scores.shape
    if tiebreak is None:
        tiebreak = np.broadcast_to(np.arange(n_items, dtype=float), scores.shape)
    hit_row, hit_item = np.nonzero(hits)
    # Only two kinds of rank matter: each row's first hit (the reciprocal rank) and the
    # hits in the top k. The first hit is the best-scoring one (then the smallest
    # tie-break); when it is below the top k, so is every other hit of its row, whose
    # rank is then left unknown (infinite). So most rows cost one pass, not one per hit.
    own, own_key = scores[hit_row, hit_item], tiebreak[hit_row, hit_item]
    order = np.lexsort((own_key, -own, hit_row))
    leads = order[np.r_[True, hit_row[order][1:] != hit_row[order][:-1]]] if len(order) else order
    ranks = np.full(len(hit_row), np.inf)
    ranks[leads] = _ranks(scores, tiebreak, hit_row[leads], hit_item[leads])
    high = np.zeros(n_rows, dtype=bool)
    high[hit_row[leads][ranks[leads] <= k]] = True
    rest = np.flatnonzero(high[hit_row] & np.isinf(ranks))
    ranks[rest] = _ranks(scores, tiebreak, hit_row[rest], hit_item[rest])
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


def _ranks(scores: np.ndarray, tiebreak: np.ndarray, r: np.ndarray, i: np.ndarray) -> np.ndarray:
    """The rank of cell (``r``, ``i``) in its row: the items scoring higher, and those
    scoring the same with a smaller tie-break, plus one. One pass over the row per cell,
    in chunks of about a million cells."""
    ranks = np.empty(len(r))
    step = max(1, 1_000_000 // max(scores.shape[1], 1))
    for start in range(0, len(r), step):
        rows, items = r[start : start + step], i[start : start + step]
        own = scores[rows, items][:, None]
        # Consecutive rows (one cell per row, as a backtest asks) are read in place.
        consecutive = len(rows) and rows[-1] - rows[0] == len(rows) - 1
        consecutive = consecutive and bool(np.all(np.diff(rows) == 1))
        row_scores = scores[rows[0] : rows[-1] + 1] if consecutive else scores[rows]
        ahead = np.count_nonzero(row_scores > own, axis=1)
        tied = row_scores == own
        # The cell ties with itself; the tie-break is read only where others tie with it.
        shared = np.count_nonzero(tied, axis=1) > 1
        if shared.any():
            rs, own_key = rows[shared], tiebreak[rows[shared], items[shared]][:, None]
            ahead[shared] += np.count_nonzero(tied[shared] & (tiebreak[rs] < own_key), axis=1)
        ranks[start : start + step] = ahead + 1
    return ranks
