"""Scores for a whole candidate block, and each row's best columns, without pair loops.

A linear predictor splits into a part per row, a part per column, a part per group of
rows with the same industries, county and country (a small dense table), and a sparse
part. A dense chunk of the block is the sum of the four; the best ``k`` columns of
every row of a huge block come from the union of the row's sparse entries and its
group's best columns, which is exact and checked row by row (see :meth:`Scorer.top`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.recommend.features import DENSE_CELLS, FEATURES, FeatureSpace
from collabnet.recommend.signals import PathRows, values_at, worker_count
from collabnet.recommend.weights import Weights, sigmoid

__all__ = ["Scorer"]

# Up to this many columns, rows are sorted fully; beyond, only the cells above a bound
# on their k-th best are (the same order: best first, ties to the earlier column).
_FULL_SORT_COLUMNS = 4096
# Added to blocked pairs so that they stand out among the sparse entries.
_BLOCKED = 1e30
# Cells whose best columns are sorted out at once.
_SORT_CELLS = 1_000_000
# Rows whose top lists are found from their group lists at once.
_GROUPED_ROWS = 2048
# Groups whose tables (a value for every column) are made and partitioned at once.
_TABLE_ROWS = 64
# Cells of a chunk scored densely at once; each processor holds two or three float64
# arrays of a chunk while it scores one.
_DENSE_CHUNK_CELLS = 2_000_000


@dataclass
class Scorer:
    """The linear predictor of ``weights`` over ``space``'s block."""

    space: FeatureSpace
    weights: Weights

    def __post_init__(self) -> None:
        missing = self.space.missing
        coefficients, intercept = self.weights.raw()
        coefficients = {k: v for k, v in coefficients.items() if k not in missing}
        space = self.space
        n_rows, n_cols = space.shape
        row_part = np.full(n_rows, intercept)
        col_part = np.zeros(n_cols)
        blocks: list[tuple[float, str]] = []
        group_tables = np.zeros((space.industry_tables["same_industry"].shape[0], n_cols))
        self._county_weight = 0.0
        self._country_weight = 0.0
        self._theme_weight = 0.0
        for name, coef in coefficients.items():
            shape = FEATURES[name].shape
            if shape == "source":
                row_part += coef * space.node_vector(name)
            elif shape == "target":
                col_part += coef * space.node_vector(name)
            elif shape == "block":
                blocks.append((coef, name))
            elif shape == "theme":
                self._theme_weight = coef
            elif shape == "industry":
                group_tables += coef * space.industry_tables[FEATURES[name].raw]
            elif shape == "county":
                self._county_weight = coef
            else:
                self._country_weight = coef
        self.row_part = row_part
        self.col_part = col_part
        self.sparse, self._by_rows = _weighted_sum(space, blocks)
        self.industry_part = group_tables
        self._row_county = space.county[space.rows]
        self._col_county = space.county[space.cols]
        self._row_country = space.country[space.rows]
        self._col_country = space.country[space.cols]
        reference = self.at(*space.sample_pairs(20_000, 1))
        self._centre = float(reference.mean())
        self._spread = float(reference.std()) or 1.0

    def score(self, logits: np.ndarray) -> np.ndarray:
        """Scores in 0–1 for linear predictors.

        Learned weights give the probability that the pair forms within a year. The
        default weights are not calibrated, so their predictor is first standardised over
        random candidate pairs: 0.5 is an average pair, 0.95 about two standard
        deviations better.
        """
        logits = np.asarray(logits, dtype=float)
        if self.weights.method == "learned":
            return sigmoid(logits)
        return sigmoid((logits - self._centre) / self._spread)

    def _add_place(self, total: np.ndarray, rows: np.ndarray) -> None:
        """Add the same-county and same-country terms of block rows ``rows`` to
        ``total`` (rows × every column), in place.

        Rows with the same county and country share one row of terms (0, either weight,
        or their sum), made once and added where it is not zero.
        """
        terms = [
            (weight, row_code[rows], col_code)
            for weight, row_code, col_code in (
                (self._county_weight, self._row_county, self._col_county),
                (self._country_weight, self._row_country, self._col_country),
            )
            if weight != 0.0
        ]
        if not terms or len(rows) == 0:
            return
        keys = np.stack([np.maximum(codes, -1) for _, codes, _ in terms], axis=1)
        groups, members = np.unique(keys, axis=0, return_inverse=True)
        members = members.ravel()
        for number, key in enumerate(groups):
            row_terms = np.zeros(total.shape[1])
            for (weight, _, col_code), code in zip(terms, key, strict=True):
                if code >= 0:
                    np.add(row_terms, weight, out=row_terms, where=col_code == code)
            touched = np.flatnonzero(row_terms)
            if len(touched) == 0:
                continue
            where = np.flatnonzero(members == number)
            if len(where) == len(rows) and len(touched) == total.shape[1]:
                total += row_terms
            else:
                total[np.ix_(where, touched)] += row_terms[touched]

    def dense(
        self, rows: np.ndarray, paths: list[tuple[PathRows, np.ndarray]] | None = None
    ) -> np.ndarray:
        """Linear predictor for block rows ``rows`` × every column; with ``paths``, the
        rows of each three-step block computed on the way are added to it."""
        rows = np.asarray(rows, dtype=np.int64)
        # Added up in place, term after term: the same sums as one expression, with one
        # term's array beside the total instead of the partial sums too.
        total = self.row_part[rows, None] + self.col_part[None, :]
        total += self.industry_part[self.space.industry_of_row[rows]]
        self._add_place(total, rows)
        total += self.sparse[rows].toarray()
        total += self._themes(rows)
        total += self._dense_rows(rows, paths)
        return total

    def _dense_rows(
        self, rows: np.ndarray, paths: list[tuple[PathRows, np.ndarray]] | None = None
    ) -> np.ndarray | float:
        """The dense blocks' part for block rows ``rows`` × every column."""

        def parts() -> Iterable[tuple[float, bool, np.ndarray]]:
            for coef, log, block in self._by_rows:
                values = block.dense(rows)
                if paths is not None and isinstance(block, PathRows):
                    paths.append((block, values))
                yield coef, log, values

        return _dense_sum(parts())

    def _dense_at(self, r: np.ndarray, c: np.ndarray) -> np.ndarray | float:
        """The dense blocks' part at block positions ``(r, c)``."""
        return _dense_sum((coef, log, block.at(r, c)) for coef, log, block in self._by_rows)

    def _themes(self, rows: np.ndarray) -> np.ndarray | float:
        if self._theme_weight == 0.0:
            return 0.0
        return self._theme_weight * np.log1p(self.space.theme_block(rows))

    def at(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Linear predictor at block positions ``(r, c)``."""
        r = np.asarray(r, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        value = self.row_part[r] + self.col_part[c]
        value = value + self.industry_part[self.space.industry_of_row[r], c]
        for weight, row_code, col_code in (
            (self._county_weight, self._row_county, self._col_county),
            (self._country_weight, self._row_country, self._col_country),
        ):
            if weight != 0.0:
                value = value + weight * ((row_code[r] == col_code[c]) & (row_code[r] >= 0))
        if len(r):
            value = value + values_at(self.sparse, r, c)
            value = value + self._dense_at(r, c)
        if self._theme_weight != 0.0:
            value = value + self._theme_weight * self.space.value_at("theme_overlap", r, c)
        return value

    def top(
        self,
        k: int,
        rows: np.ndarray | None = None,
        *,
        closed: np.ndarray | None = None,
        dense_cells: int = DENSE_CELLS,
    ) -> pd.DataFrame:
        """The ``k`` best unlinked columns of each row: ``row``, ``col``, ``logit``, ``rank``.

        ``closed`` (a boolean per column) leaves columns out, e.g. full platforms. Ties go
        to the earlier column.
        Blocks up to ``dense_cells`` cells (ten times that when the sparse signals fill
        a quarter of the block) are scored densely in chunks; bigger ones by groups of
        rows sharing industries, county and country.
        """
        return self.tops([(k, closed)], rows, dense_cells=dense_cells)[0]

    def tops(
        self,
        asks: Sequence[tuple[int, np.ndarray | None]],
        rows: np.ndarray | None = None,
        *,
        dense_cells: int = DENSE_CELLS,
    ) -> list[pd.DataFrame]:
        """:meth:`top` for each ``(k, closed)`` of ``asks``, in that order. Where the block
        is scored densely, each chunk is scored once for all of them."""
        rows = np.arange(self.space.shape[0]) if rows is None else np.asarray(rows, np.int64)
        blocked = self.space.linked(rows)
        n_cols = self.space.shape[1]
        shuts = [
            np.zeros(n_cols, dtype=bool) if closed is None else np.asarray(closed, dtype=bool)
            for _, closed in asks
        ]
        ks = [k for k, _ in asks]
        cells = len(rows) * n_cols
        # Dense chunks also win when the sparse part already fills much of the block.
        crowded = self.sparse.nnz >= 0.25 * self.space.shape[0] * n_cols
        # Theme overlap is a dense product with no group structure, and dense path blocks
        # fill the block: only dense chunks.
        themed = self._theme_weight != 0.0 or bool(self._by_rows)
        if themed or cells <= dense_cells or (crowded and cells <= 10 * dense_cells):
            frames = self._top_dense(ks, rows, blocked, shuts)
            for frame in frames:
                frame.attrs["dense_rows"] = len(rows)
            return frames
        return [
            self._top_by_groups(k, rows, blocked, shut) for k, shut in zip(ks, shuts, strict=True)
        ]

    def _top_by_groups(
        self, k: int, rows: np.ndarray, blocked: sp.csr_matrix, shut: np.ndarray
    ) -> pd.DataFrame:
        n_cols = self.space.shape[1]
        frames = []
        pending = np.arange(len(rows))
        depth = 2 * k + 8
        # Rows whose group list holds fewer than k free columns try a deeper list.
        while len(pending) and depth < n_cols:
            # A chunk of rows at a time: each row's list is its own, and the group lists
            # and candidates of every row at once are a few arrays of rows × depth.
            short = []
            for start in range(0, len(pending), _GROUPED_ROWS):
                part = pending[start : start + _GROUPED_ROWS]
                found, left = self._top_grouped(k, rows[part], blocked[part], depth, part, shut)
                frames.append(found)
                short.append(left)
            pending = np.concatenate(short)
            depth *= 4
        if len(pending):
            frames.append(self._top_dense([k], rows[pending], blocked[pending], [shut])[0])
        frame = pd.concat(frames, ignore_index=True)
        position = np.empty(self.space.shape[0], dtype=np.int64)
        position[rows] = np.arange(len(rows))
        order = np.lexsort((frame["rank"].to_numpy(), position[frame["row"].to_numpy()]))
        frame = frame.iloc[order].reset_index(drop=True)
        frame.attrs["dense_rows"] = len(pending)
        return frame

    def _top_dense(
        self, ks: list[int], rows: np.ndarray, blocked: sp.csr_matrix, shuts: list[np.ndarray]
    ) -> list[pd.DataFrame]:
        n_cols = self.space.shape[1]
        chunk = max(1, _DENSE_CHUNK_CELLS // max(n_cols, 1))
        # Lists without closed columns first: the others close theirs in the scores.
        order = sorted(range(len(ks)), key=lambda number: bool(shuts[number].any()))

        def best(start: int) -> list[pd.DataFrame]:
            part = rows[start : start + chunk]
            paths: list[tuple[PathRows, np.ndarray]] = []
            scores = self.dense(part, paths)
            _close(scores, blocked[start : start + chunk])
            found: list[pd.DataFrame] = [pd.DataFrame()] * len(ks)
            for place, number in enumerate(order):
                shut = shuts[number]
                view = scores
                if shut.any():
                    # The last list may close its columns in place.
                    view = scores if place == len(order) - 1 else scores.copy()
                    view[:, shut] = -np.inf
                found[number] = _best_columns(view, part, ks[number])
            _keep_chosen(paths, part, found)
            return found

        starts = range(0, len(rows), chunk)
        # Chunks on every processor (numpy and scipy's sparse products release the
        # interpreter lock), in order; one at a time inside another pool's thread.
        on_main = threading.current_thread() is threading.main_thread()
        workers = min(worker_count(), len(starts)) if on_main else 1
        if workers <= 1:
            chunks = [best(start) for start in starts]
        else:
            with ThreadPoolExecutor(workers) as pool:
                chunks = list(pool.map(best, starts))
        return [_finish([found[number] for found in chunks]) for number in range(len(ks))]

    def _top_grouped(
        self,
        k: int,
        rows: np.ndarray,
        blocked: sp.csr_matrix,
        depth: int,
        index: np.ndarray,
        closed: np.ndarray,
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Best columns of the rows whose group list (``depth`` long) has k free columns;
        also returns ``index`` of the other rows."""
        space = self.space
        n_cols = space.shape[1]
        industry = space.industry_of_row[rows]
        keys = pd.DataFrame(
            {
                "industry": industry,
                "county": self._row_county[rows] if self._county_weight else 0,
                "country": self._row_country[rows] if self._country_weight else 0,
            }
        )
        group, first = _factorize_rows(keys)
        group_rows = rows[first]
        depth = min(n_cols, depth)
        best = np.empty((len(group_rows), depth), dtype=np.int64)
        values = np.empty((len(group_rows), depth))
        # Away from its sparse entries a row scores its group's table plus a constant.
        # The tables go a few dozen groups at a time: a row of them is every column.
        for start in range(0, len(group_rows), _TABLE_ROWS):
            these = group_rows[start : start + _TABLE_ROWS]
            table = self.col_part[None, :] + self.industry_part[space.industry_of_row[these]]
            self._add_place(table, these)
            table[:, closed] = -np.inf
            found = (
                np.argpartition(-table, depth - 1, axis=1)[:, :depth]
                if depth < n_cols
                else (np.tile(np.arange(n_cols), (len(these), 1)))
            )
            found_values = np.take_along_axis(table, found, axis=1)
            del table
            order = np.lexsort((found, -found_values), axis=1)
            best[start : start + len(these)] = np.take_along_axis(found, order, axis=1)
            values[start : start + len(these)] = np.take_along_axis(found_values, order, axis=1)
        table_max = values[:, 0]

        sparse = (
            self.sparse
            if len(rows) == space.shape[0] and (rows == np.arange(len(rows))).all()
            else (sp.csr_matrix(self.sparse[rows]))
        )
        row_values = self.row_part[rows]
        group_best = best[group]
        candidate_rows = np.repeat(np.arange(len(rows)), depth)
        taken = (np.asarray(sparse[candidate_rows, group_best.ravel()]).ravel() != 0) | ~_unblocked(
            blocked, candidate_rows, group_best.ravel()
        )
        free = ~taken.reshape(len(rows), depth) & np.isfinite(values[group])
        seen = np.cumsum(free, axis=1)
        enough = seen[:, -1] >= k
        # The k-th free column of the group list bounds what a sparse pair must beat.
        kth = np.argmax(seen >= k, axis=1)
        threshold = np.where(enough, values[group, kth] + row_values, -np.inf)

        # Sparse pairs: only those whose credit can lift them over the threshold, judged
        # first by a cheap upper bound, then exactly.
        # NaN (-inf - -inf) only for a group whose every column is closed, where no pair
        # can be chosen: its sparse pairs are left out all the same.
        with np.errstate(invalid="ignore"):
            floor = threshold - row_values - table_max[group]
        sr = np.repeat(np.arange(len(rows)), np.diff(sparse.indptr))
        hopeful = sparse.data >= floor[sr]
        sr = sr[hopeful]
        sc = sparse.indices[hopeful]
        credit = sparse.data[hopeful] + self.col_part[sc]
        ceiling = (
            row_values
            + self.industry_part.max(axis=1)[industry]
            + (max(self._county_weight, 0.0) + max(self._country_weight, 0.0))
        )
        hopeful = credit + ceiling[sr] >= threshold[sr]
        sr, sc, credit = sr[hopeful], sc[hopeful], credit[hopeful]
        logits = row_values[sr] + credit + self.industry_part[industry[sr], sc]
        for weight, row_code, col_code in (
            (self._county_weight, self._row_county[rows], self._col_county),
            (self._country_weight, self._row_country[rows], self._col_country),
        ):
            if weight != 0.0:
                codes = row_code[sr]
                logits += weight * ((codes == col_code[sc]) & (codes >= 0))
        good = (logits >= threshold[sr]) & ~closed[sc]
        sr, sc, logits = sr[good], sc[good], logits[good]
        open_pair = _unblocked(blocked, sr, sc)
        sr, sc, logits = sr[open_pair], sc[open_pair], logits[open_pair]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(sr, minlength=len(rows)))])
        keep = _segment_top(indptr, logits, k)
        fr, fd = np.nonzero(free & (seen <= k))
        pair_rows = np.concatenate([sr[keep], fr])
        pair_cols = np.concatenate([sc[keep], group_best[fr, fd]])
        pair_logits = np.concatenate([logits[keep], values[group[fr], fd] + row_values[fr]])
        chosen, rank = _rank_within_rows(pair_rows, pair_cols, pair_logits, len(rows), k)
        frame = pd.DataFrame(
            {
                "row": rows[pair_rows[chosen]],
                "col": pair_cols[chosen],
                "logit": pair_logits[chosen],
                "rank": rank,
            }
        )
        short = np.flatnonzero(~enough) if depth < n_cols else np.zeros(0, dtype=np.int64)
        if len(short):
            frame = frame[~frame["row"].isin(rows[short])]
        return frame, index[short]


def _unblocked(blocked: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Which of the pairs (``rows``, ``cols``) ``blocked`` holds no entry for. (scipy gives
    a sparse matrix, not values, for an empty list of pairs.)"""
    if blocked.nnz == 0 or len(rows) == 0:
        return np.ones(len(rows), dtype=bool)
    return np.asarray(blocked[rows, cols]).ravel() == 0


def _rank_within_rows(
    rows: np.ndarray, cols: np.ndarray, logits: np.ndarray, n_rows: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of each row's ``k`` best entries (higher logit, then lower column) and
    their ranks. Rows hold few entries here, so they are sorted side by side in a padded
    array rather than in one long sort."""
    counts = np.bincount(rows, minlength=n_rows)
    width = int(counts.max(initial=0))
    if width == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if width > 256:
        order = np.lexsort((cols, -logits, rows))
        sorted_rows = rows[order]
        rank = np.arange(len(order)) - np.searchsorted(sorted_rows, sorted_rows, side="left") + 1
        return order[rank <= k], rank[rank <= k]
    by_row = np.argsort(rows, kind="stable")
    slot = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    position = np.full((n_rows, width), -1, dtype=np.int64)
    position[rows[by_row], slot] = by_row
    padded_logits = np.where(position >= 0, logits[position], -np.inf)
    padded_cols = np.where(position >= 0, cols[position], np.iinfo(np.int64).max)
    order = np.lexsort((padded_cols, -padded_logits), axis=1)[:, :k]
    picked = np.take_along_axis(position, order, axis=1)
    rank = np.tile(np.arange(1, order.shape[1] + 1), (n_rows, 1))
    valid = picked >= 0
    return picked[valid], rank[valid]


def _segment_top(indptr: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Mask of the entries at or above the ``k``-th largest value of their CSR row.

    Rows are padded into a few width classes (powers of two) and partitioned together,
    so the cost stays linear in the number of entries.
    """
    counts = np.diff(indptr)
    keep = np.ones(len(values), dtype=bool)
    long_rows = np.flatnonzero(counts > k)
    if len(long_rows) == 0:
        return keep
    kth = np.full(len(counts), -np.inf)
    widths = 1 << np.ceil(np.log2(counts[long_rows])).astype(np.int64)
    for width in np.unique(widths):
        chosen = long_rows[widths == width]
        padded = np.full((len(chosen), int(width)), -np.inf)
        lengths = counts[chosen]
        row_index = np.repeat(np.arange(len(chosen)), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        source = np.repeat(indptr[chosen], lengths) + offsets
        padded[row_index, offsets] = values[source]
        kth[chosen] = np.partition(padded, int(width) - k, axis=1)[:, int(width) - k]
    owner = np.repeat(np.arange(len(counts)), counts)
    return values >= kth[owner]


def _weighted_sum(
    space: FeatureSpace, blocks: list[tuple[float, str]]
) -> tuple[sp.csr_matrix, list[tuple[float, bool, PathRows | _HeldRows]]]:
    """Σ coef·feature over the sparse block features, and the other blocks (dense or
    computed row by row, :class:`PathRows`) as (coef, log, block), summed for the rows
    asked for only: a whole block's sum would hold another block-sized array (a quarter
    GB for CORDIS's enterprises × universities and institutes). Sparse blocks sharing
    one sparsity pattern (shared partners, Adamic–Adar, resource allocation) are added
    on their data arrays."""
    total: sp.csr_matrix | None = None
    held = [
        (coef, FEATURES[name].log, space.blocks[FEATURES[name].raw])
        for coef, name in blocks
        if not isinstance(space.blocks[FEATURES[name].raw], sp.csr_matrix)
    ]
    by_rows: list[tuple[float, bool, PathRows | _HeldRows]] = [
        (coef, log, block if isinstance(block, PathRows) else _HeldRows(block))
        for coef, log, block in held
    ]
    for coef, name in blocks:
        block = space.blocks[FEATURES[name].raw]
        if not isinstance(block, sp.csr_matrix):
            continue
        if block.nnz == 0:
            continue
        # One new array per block, changed in place: the blocks are a hundred MB each on
        # CORDIS, and the sum is made while the whole feature space is held.
        if FEATURES[name].log:
            data = np.log1p(block.data)
            data *= coef
        else:
            data = coef * block.data
        if total is None:
            total = sp.csr_matrix((data, block.indices, block.indptr), shape=block.shape)
        elif total.indptr is block.indptr or (
            np.array_equal(total.indptr, block.indptr)
            and np.array_equal(total.indices, block.indices)
        ):
            if np.result_type(total.data, data) == total.data.dtype:
                total.data += data
            else:
                total = sp.csr_matrix(
                    (total.data + data, total.indices, total.indptr), shape=block.shape
                )
        else:
            total = sp.csr_matrix(
                total + sp.csr_matrix((data, block.indices, block.indptr), shape=block.shape)
            )
    if total is None:
        total = sp.csr_matrix(space.shape)
    return total, by_rows


def _dense_sum(parts: Iterable[tuple[float, bool, np.ndarray]]) -> np.ndarray | float:
    """Σ coef·values (``log1p`` of them where ``log``), in float32 like the blocks."""
    total: np.ndarray | None = None
    for coef, log, values in parts:
        values = np.log1p(values) if log else values
        total = coef * values if total is None else total + coef * values
    return 0.0 if total is None else total


class _HeldRows:
    """A held dense block with :class:`PathRows`'s interface, to sum with one row by row."""

    def __init__(self, block: np.ndarray) -> None:
        self.block = block

    def dense(self, rows: np.ndarray) -> np.ndarray:
        return self.block[rows]

    def at(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return self.block[r, c]


def _factorize_rows(keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row of ``keys`` and the position of each group's first row."""
    combined = pd.MultiIndex.from_frame(keys)
    group, _ = pd.factorize(combined)
    first = np.unique(group, return_index=True)[1]
    return group.astype(np.int64), first


def _close(scores: np.ndarray, blocked: sp.csr_matrix) -> None:
    """Set ``scores`` to −inf where ``blocked`` (of the same shape) is positive, without
    a dense copy of it."""
    blocked = sp.csr_matrix(blocked)
    blocked.sum_duplicates()
    rows = np.repeat(np.arange(blocked.shape[0]), np.diff(blocked.indptr))
    positive = blocked.data > 0
    scores[rows[positive], blocked.indices[positive]] = -np.inf


def _best_columns(scores: np.ndarray, rows: np.ndarray, k: int) -> pd.DataFrame:
    """Each row's ``k`` best finite scores: best first, ties to the earlier column."""
    n_cols = scores.shape[1]
    depth = min(k, n_cols)
    if depth == 0:
        return pd.DataFrame({"row": [], "col": [], "logit": [], "rank": []})
    if n_cols <= _FULL_SORT_COLUMNS:
        return _best_sorted(scores, rows, depth)
    # A few rows at a time: the candidates' masks and positions are then a few MB.
    step = max(1, _SORT_CELLS // n_cols)
    parts = [
        _best_candidates(scores[start : start + step], rows[start : start + step], depth)
        for start in range(0, len(scores), step)
    ]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _best_sorted(scores: np.ndarray, rows: np.ndarray, depth: int) -> pd.DataFrame:
    """:func:`_best_columns` by a full stable sort of every row."""
    n_cols = scores.shape[1]
    step = max(1, _SORT_CELLS // n_cols)
    part = np.concatenate(
        [
            np.argsort(-scores[start : start + step], axis=1, kind="stable")[:, :depth]
            for start in range(0, len(scores), step)
        ]
        or [np.zeros((0, depth), dtype=np.int64)]
    )
    values = np.take_along_axis(scores, part, axis=1)
    frame = pd.DataFrame(
        {
            "row": np.repeat(rows, depth),
            "col": part.ravel(),
            "logit": values.ravel(),
            "rank": np.tile(np.arange(1, depth + 1), len(rows)),
        }
    )
    return frame[np.isfinite(frame["logit"].to_numpy())]


# Columns per group whose maxima bound each row's k-th best score from below.
_BOUND_WIDTH = 64


def _best_candidates(scores: np.ndarray, rows: np.ndarray, depth: int) -> pd.DataFrame:
    """:func:`_best_columns` for wide rows, without sorting or partitioning them.

    The maxima of a row's column groups are cells of the row, one per group, so the
    ``depth``-th largest of them is at most the row's ``depth``-th best score. Every
    cell at or above it (ties at the cut included) lies in a group whose maximum
    reaches it, at least ``depth`` groups of about :data:`_BOUND_WIDTH` columns; only
    those groups' cells are read again, and only the candidates are sorted.
    """
    n_cols = scores.shape[1]
    groups = min(n_cols, max(4 * depth, -(-n_cols // _BOUND_WIDTH)))
    starts = np.linspace(0, n_cols, groups, endpoint=False).astype(np.int64)
    stops = np.append(starts[1:], n_cols)
    maxima = np.maximum.reduceat(scores, starts, axis=1)
    bound = np.partition(maxima, groups - depth, axis=1)[:, groups - depth]
    # Closed cells (−inf) are never listed.
    bound = np.maximum(bound, np.finfo(float).min)
    row_of, group = np.nonzero(maxima >= bound[:, None])
    width = int((stops - starts).max())
    cols = starts[group][:, None] + np.arange(width)[None, :]
    inside = cols < stops[group][:, None]
    cols = np.minimum(cols, n_cols - 1)
    values = scores[row_of[:, None], cols]
    chosen = inside & (values >= bound[row_of][:, None])
    r = np.broadcast_to(row_of[:, None], cols.shape)[chosen]
    c, values = cols[chosen], values[chosen]
    order = np.lexsort((c, -values, r))
    r, c, values = r[order], c[order], values[order]
    rank = np.arange(len(r)) - np.searchsorted(r, r, side="left") + 1
    keep = rank <= depth
    return pd.DataFrame(
        {"row": rows[r[keep]], "col": c[keep], "logit": values[keep], "rank": rank[keep]}
    )


def _keep_chosen(
    paths: list[tuple[PathRows, np.ndarray]], part: np.ndarray, found: list[pd.DataFrame]
) -> None:
    """Hand the chosen cells' three-step values (rows ``part`` of each block, as the
    scores used them) to their blocks, which read them back for the pairs shown."""
    chosen = [frame for frame in found if len(frame)]
    if not paths or not chosen:
        return
    r = np.concatenate([frame["row"].to_numpy(dtype=np.int64) for frame in chosen])
    c = np.concatenate([frame["col"].to_numpy(dtype=np.int64) for frame in chosen])
    order = np.argsort(part, kind="stable")
    local = order[np.searchsorted(part[order], r)]
    for block, values in paths:
        block.keep(r, c, values[local, c])


def _finish(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({"row": [], "col": [], "logit": [], "rank": []})
    frame = pd.concat(frames, ignore_index=True)
    frame["rank"] = frame.groupby("row", sort=False).cumcount() + 1
    return frame
