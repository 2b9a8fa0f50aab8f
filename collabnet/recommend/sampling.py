"""Labelled pairs for fitting and testing: pairs that formed, and uniformly drawn non-links."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.recommend import signals
from collabnet.recommend.features import Block, Candidates
from collabnet.snapshot import Snapshot

__all__ = ["new_pairs", "sample_non_links"]


def dated_links(snapshot: Snapshot, first: int, last: int, candidates: Candidates) -> pd.DataFrame:
    """Links (``source``, ``target``, ``year``) dated ``first``–``last``, at least those
    between the candidate types (from the backend when it computes them)."""
    found = snapshot.native(
        "dated_links",
        first=first,
        last=last,
        sources=list(candidates.sources),
        targets=list(candidates.targets),
    )
    return found if found is not None else snapshot.links


def new_pairs(
    space: Block, links: pd.DataFrame, first: int, last: int
) -> tuple[np.ndarray, np.ndarray]:
    """Block positions of pairs first linked in years ``first``–``last`` (not yet linked).

    Only pairs whose two ends are in the space count.
    """
    dated = links[links["year"].notna() & (links["year"] >= first) & (links["year"] <= last)]
    row_of = pd.Series(np.arange(len(space.rows)), index=space.ids[space.rows])
    col_of = pd.Series(np.arange(len(space.cols)), index=space.ids[space.cols])
    found = []
    for a, b in (("source", "target"), ("target", "source")):
        r = dated[a].map(row_of)
        c = dated[b].map(col_of)
        keep = (r.notna() & c.notna()).to_numpy()
        found.append(
            np.stack([r[keep].to_numpy(dtype=np.int64), c[keep].to_numpy(dtype=np.int64)], axis=1)
        )
    pairs = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), np.int64)
    if len(pairs) == 0:
        return pairs[:, 0], pairs[:, 1]
    already = signals.values_at(space.linked(), pairs[:, 0], pairs[:, 1]) > 0
    pairs = pairs[~already]
    return pairs[:, 0], pairs[:, 1]


def sample_non_links(
    space: Block,
    count: int,
    rng: np.random.Generator,
    exclude: sp.csr_matrix,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` distinct block positions linked neither now nor in ``exclude``.

    ``rows``/``cols`` restrict the draw to those block rows and columns.
    """
    rows = np.arange(space.shape[0]) if rows is None else rows
    cols = np.arange(space.shape[1]) if cols is None else cols
    capacity = len(rows) * len(cols)
    if count <= 0 or capacity == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    width = space.shape[1]
    # Every pair linked now or excluded, as sorted keys (row × width + col): a draw is
    # looked up in this short array, not in the blocks' row segments.
    taken = np.union1d(_keys(space.linked(), width), _keys(exclude, width))
    chosen = np.zeros(0, dtype=np.int64)
    r_out: list[np.ndarray] = []
    c_out: list[np.ndarray] = []
    found = 0
    for _ in range(20):
        need = count - found
        if need <= 0:
            break
        draw = max(2 * need, 1000)
        r = rows[rng.integers(0, len(rows), size=draw)]
        c = cols[rng.integers(0, len(cols), size=draw)]
        key = r.astype(np.int64) * width + c
        if len(taken):
            at = np.minimum(np.searchsorted(taken, key), len(taken) - 1)
            good = taken[at] != key
            r, c, key = r[good], c[good], key[good]
        # The first draw of each pair, in the order drawn.
        first = ~pd.Index(key).duplicated()
        r, c, key = r[first], c[first], key[first]
        fresh = ~np.isin(key, chosen)
        r, c = r[fresh][:need], c[fresh][:need]
        chosen = np.concatenate([chosen, key[fresh][:need]])
        r_out.append(r)
        c_out.append(c)
        found += len(r)
    if not r_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(r_out), np.concatenate(c_out)


def _keys(block: sp.csr_matrix, width: int) -> np.ndarray:
    """``row × width + col`` of a block's positive entries."""
    rows = np.repeat(np.arange(block.shape[0], dtype=np.int64), np.diff(block.indptr))
    positive = block.data > 0
    return rows[positive] * width + block.indices[positive]
