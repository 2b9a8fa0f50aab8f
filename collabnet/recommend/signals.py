"""Pair signals computed with sparse matrix products, for whole candidate blocks at once.

Every function takes a symmetric 0/1 adjacency matrix ``links`` (no self-loops) and
either a block (``rows`` × ``cols`` positions, result ``len(rows) × len(cols)``) or a
list of pairs. The definitions are networkx's, so the scores can be checked against
``nx.common_neighbors``, ``nx.adamic_adar_index``, ``nx.resource_allocation_index``,
``nx.jaccard_coefficient`` and ``nx.preferential_attachment``:

- common neighbours ``|N(u) ∩ N(v)|`` — the (u, v) entry of ``A²``;
- Adamic–Adar ``Σ 1/log deg(w)`` over common neighbours ``w``;
- resource allocation ``Σ 1/deg(w)``;
- Jaccard ``|N(u) ∩ N(v)| / |N(u) ∪ N(v)|``;
- preferential attachment ``deg(u)·deg(v)``.

Between an enterprise and a platform the first three are zero unless the two share a
partner (a university, say), so :func:`paths3` adds walks of length three
(enterprise → platform → enterprise → platform, ...), the second term of a truncated
Katz index ``β·A² + β²·A³``. Walks and paths coincide for unlinked pairs, the only
pairs a recommender scores. :func:`three_steps` adds the three-step random-walk
probability and :func:`multiplicity` the common neighbours weighted by the number of
joint projects on each side.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "COMPILED_MIN_CELLS",
    "KATZ_BETA",
    "PathRows",
    "adamic_adar",
    "block_signals",
    "char_ngram_tfidf",
    "common_neighbours",
    "degrees",
    "jaccard",
    "katz",
    "multiplicity",
    "neighbourhood_scores",
    "pair_scores",
    "paths3",
    "paths3_work",
    "positions_at",
    "preferential_attachment",
    "resource_allocation",
    "same_pattern",
    "text_similarity",
    "three_steps",
    "values_at",
    "values_from",
    "worker_count",
]

KATZ_BETA = 0.05
T = TypeVar("T")
# Blocks of fewer cells than this get their network signals from scipy's products of
# sparse matrices, which then take a fraction of a second, and numba (about 125 MB
# once imported, and a first compilation of its loops on a new installation) is not
# loaded; bigger ones from the compiled loops of :mod:`collabnet.recommend.kernels`.
# Both give the same values (the tests run both).
COMPILED_MIN_CELLS = 1_000_000
# Block cells per chunk of the three-step products (a few tens of MB per chunk).
PATH_CHUNK_CELLS = 4_000_000
PAIR_METHODS = (
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "preferential_attachment",
)
# Characters that end a keyword: n-grams never span them.
_SEPARATORS = re.compile(r"[\s、，,。．.;；:：/|()（）\[\]【】“”\"'·\-—_+]+")


def degrees(links: sp.csr_matrix) -> np.ndarray:
    """Number of distinct partners of every node."""
    return np.diff(links.indptr).astype(float)


def _sides(
    links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    left = sp.csr_matrix(links[rows])
    # The matrix is symmetric: the columns' neighbourhoods are rows too.
    right = sp.csr_matrix(links[cols]).T.tocsr()
    return left, right


def _through(left: sp.csr_matrix, right: sp.csr_matrix, weight: np.ndarray | None) -> sp.csr_matrix:
    if weight is not None:
        left = sp.csr_matrix(
            (left.data * weight[left.indices], left.indices, left.indptr), shape=left.shape
        )
    return sp.csr_matrix(left @ right)


def neighbourhood_scores(
    links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
    """Common neighbours, Adamic–Adar and resource allocation for the block.

    On a block of :data:`COMPILED_MIN_CELLS` cells or more the three come from one pass
    over the two-step walks (compiled loops, :mod:`collabnet.recommend.kernels`), in
    row chunks on :func:`worker_count` threads; on a smaller one from scipy's products
    ``A[rows] · diag(w) · A[:, cols]``. Each sum adds the shared partners in ascending
    order, as those products do, so both give the same values. The three share one
    sparsity pattern, stored once, so later sums can work on their data arrays
    directly.
    """
    degree = degrees(links)
    resource = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    if not _compiled(rows, cols):
        return _neighbourhood_products(links, rows, cols, degree, resource)
    weights = np.vstack([np.ones_like(degree), adamic_adar_weight(degree), resource])
    shared, adamic_adar, allocated = _shared_partner_sums(links, rows, cols, weights)
    return shared, adamic_adar, allocated


def _compiled(rows: np.ndarray, cols: np.ndarray) -> bool:
    """Whether a block is big enough for the compiled loops (see
    :data:`COMPILED_MIN_CELLS`)."""
    return len(rows) * len(cols) >= COMPILED_MIN_CELLS


def _neighbourhood_products(
    links: sp.csr_matrix,
    rows: np.ndarray,
    cols: np.ndarray,
    degree: np.ndarray,
    resource: np.ndarray,
) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
    """:func:`neighbourhood_scores` by scipy's products of sparse matrices."""
    left, right = _sides(links, rows, cols)

    def through(weight: np.ndarray | None) -> sp.csr_matrix:
        block = _through(left, right, weight)
        block.sort_indices()
        return block

    shared, adamic_adar, allocated = (
        through(weight) for weight in (None, adamic_adar_weight(degree), resource)
    )
    return shared, same_pattern(adamic_adar, shared), same_pattern(allocated, shared)


def _shared_partner_sums(
    links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray
) -> list[sp.csr_matrix]:
    """``A[rows] · diag(weights[k]) · A[:, cols]`` for every row ``k`` of ``weights``,
    on one sparsity pattern (sorted)."""
    from collabnet.recommend.kernels import shared_partner_counts, shared_partner_sums

    links = sp.csr_matrix(links)
    links.sort_indices()
    indptr = links.indptr.astype(np.int64)
    indices = links.indices.astype(np.int64)
    to_cols = sp.csr_matrix(links[:, np.asarray(cols, dtype=np.int64)])
    to_cols.sort_indices()
    to_indptr = to_cols.indptr.astype(np.int64)
    to_indices = to_cols.indices.astype(np.int64)
    sources = np.ascontiguousarray(rows, dtype=np.int64)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    shape = (len(sources), len(cols))
    parts = np.array_split(np.arange(len(sources)), max(1, min(len(sources), 8 * worker_count())))
    parts = [part for part in parts if len(part)]

    def run(work: Callable[[int, int], None]) -> None:
        _on_threads(lambda task: work(*task), tasks)

    tasks = [(int(part[0]), int(part[-1]) + 1) for part in parts]
    lengths = np.zeros(len(sources), dtype=np.int64)

    def count(start: int, stop: int) -> None:
        lengths[start:stop] = shared_partner_counts(
            indptr, indices, to_indptr, to_indices, sources[start:stop], len(cols)
        )

    run(count)
    out_indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    out_indices = np.zeros(int(out_indptr[-1]), dtype=np.int64)
    out_data = np.zeros((len(weights), int(out_indptr[-1])))

    def fill(start: int, stop: int) -> None:
        first, last = out_indptr[start], out_indptr[stop]
        shared_partner_sums(
            indptr,
            indices,
            to_indptr,
            to_indices,
            weights,
            sources[start:stop],
            out_indptr[start : stop + 1] - first,
            out_indices[first:last],
            out_data[:, first:last],
        )

    run(fill)
    return _on_one_pattern(shape, out_indptr, out_indices, out_data)


def _on_one_pattern(
    shape: tuple[int, int],
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray | list[np.ndarray],
) -> list[sp.csr_matrix]:
    """CSR blocks of one sorted sparsity pattern (index arrays stored once), one per
    array of values in ``data``."""
    small = max(int(indptr[-1]), shape[1]) < 2**31
    index = indices.astype(np.int32 if small else np.int64, copy=False)
    pointer = indptr.astype(index.dtype, copy=False)
    blocks = []
    for values in data:
        block = sp.csr_matrix(shape)
        block.data, block.indices, block.indptr = values, index, pointer
        block.has_sorted_indices = True
        blocks.append(block)
    return blocks


def block_signals(
    links: sp.csr_matrix,
    rows: np.ndarray,
    cols: np.ndarray,
    weighted: sp.csr_matrix | None = None,
    *,
    chunk_cells: int = PATH_CHUNK_CELLS,
) -> dict[str, sp.csr_matrix | np.ndarray | PathRows]:
    """:func:`neighbourhood_scores`, :func:`three_steps` and, given the weighted
    adjacency, :func:`multiplicity` for the block: ``common_partners``,
    ``adamic_adar``, ``resource_allocation``, ``paths3``, ``walk3`` and
    ``multiplicity``.

    When the path blocks are held densely, all of them come from one pass over the
    walks (:func:`collabnet.recommend.kernels.three_step_rows_shared`): the shared
    partners' sums are the two-step reach the three-step pass gathers anyway. The
    values are the same as the separate functions' bit for bit.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    held = _how_to_hold(links, rows, cols)
    steps = _ThreeSteps(links, cols) if held == "dense" and _compiled(rows, cols) else None
    link_weights = None
    if steps is not None and weighted is not None:
        ordered = sp.csr_matrix(weighted, dtype=np.float64, copy=True)
        ordered.sort_indices()
        if np.array_equal(ordered.indptr, steps.indptr) and np.array_equal(
            ordered.indices, steps.indices
        ):
            link_weights = ordered.data
    with ThreadPoolExecutor(1) as beside:
        # The multiplicity product, where the pass does not give it, runs beside (a pool
        # of its own), so that neither processor waits for the last one.
        multiplied = (
            beside.submit(multiplicity, weighted, rows, cols)
            if weighted is not None and link_weights is None
            else None
        )
        if steps is None:
            shared, adamic_adar, allocated = neighbourhood_scores(links, rows, cols)
            counts, walks = _three_steps(links, rows, cols, chunk_cells, held)
            found: dict[str, sp.csr_matrix | np.ndarray | PathRows] = {
                "common_partners": shared,
                "adamic_adar": adamic_adar,
                "resource_allocation": allocated,
                "paths3": counts,
                "walk3": walks,
            }
        else:
            found = _one_pass(steps, rows, chunk_cells, link_weights)
        if multiplied is not None:
            shared = found["common_partners"]
            assert isinstance(shared, sp.csr_matrix)
            # Joint projects weigh the same shared partners: the pattern of common
            # partners.
            found["multiplicity"] = same_pattern(multiplied.result(), shared)
    return found


def _one_pass(
    steps: _ThreeSteps, rows: np.ndarray, chunk_cells: int, link_weights: np.ndarray | None
) -> dict[str, sp.csr_matrix | np.ndarray | PathRows]:
    """:func:`block_signals` held densely, from one pass over the walks in row chunks
    on :func:`worker_count` threads. The shared sums' entries are counted first (a pass
    over the two-step walks alone), so every chunk writes its part of the final arrays."""
    from collabnet.recommend.kernels import shared_partner_counts, three_step_rows_shared

    width = len(steps.cols)
    adamic_adar_terms = adamic_adar_weight(np.diff(steps.indptr).astype(float))
    weights = np.ones(len(steps.indices)) if link_weights is None else link_weights
    counts_block = np.zeros((len(rows), width), dtype=np.float32)
    walks_block = np.zeros_like(counts_block)
    step = max(1, chunk_cells // max(width, 1))
    starts = list(range(0, len(rows), step))
    sources = np.ascontiguousarray(rows, dtype=np.int64)
    lengths = np.zeros(len(rows), dtype=np.int64)

    def count(start: int) -> None:
        lengths[start : start + step] = shared_partner_counts(
            steps.indptr,
            steps.indices,
            steps.to_cols_indptr,
            steps.to_cols_indices,
            sources[start : start + step],
            width,
        )

    _on_threads(count, starts)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    indices = np.zeros(int(indptr[-1]), dtype=np.int32)
    # One array per signal: each is let go with its block.
    data = [np.zeros(int(indptr[-1])) for _ in range(4 if link_weights is not None else 3)]
    unused = np.zeros(int(indptr[-1])) if link_weights is None else None

    def fill(start: int) -> None:
        stop = min(start + step, len(rows))
        first, last = indptr[start], indptr[stop]
        three_step_rows_shared(
            steps.indptr,
            steps.indices,
            weights,
            steps.inverse,
            adamic_adar_terms,
            steps.to_cols_indptr,
            steps.to_cols_indices,
            steps.cols,
            sources[start:stop],
            counts_block[start:stop],
            walks_block[start:stop],
            indptr[start : stop + 1] - first,
            indices[first:last],
            *(values[first:last] for values in data),
            *(() if unused is None else (unused[first:last],)),
        )

    _on_threads(fill, starts)
    names = ["common_partners", "adamic_adar", "resource_allocation", "multiplicity"]
    blocks = _on_one_pattern((len(rows), width), indptr, indices, data)
    found: dict[str, sp.csr_matrix | np.ndarray | PathRows] = dict(zip(names, blocks, strict=False))
    found["paths3"] = counts_block
    found["walk3"] = walks_block
    return found


def same_pattern(block: sp.csr_matrix, like: sp.csr_matrix) -> sp.csr_matrix:
    """``block`` on the very index arrays of ``like`` when both have the same sparsity
    pattern (memory is then spent on their values only), else ``block`` unchanged."""
    block.sort_indices()
    like.sort_indices()
    if not (
        np.array_equal(block.indptr, like.indptr) and np.array_equal(block.indices, like.indices)
    ):
        return block
    shared = sp.csr_matrix(like.shape)
    shared.data, shared.indices, shared.indptr = block.data, like.indices, like.indptr
    shared.has_sorted_indices = True
    return shared


def common_neighbours(links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Number of shared partners for every (row, col) pair of the block."""
    left, right = _sides(links, rows, cols)
    return _through(left, right, None)


def adamic_adar_weight(degree: np.ndarray) -> np.ndarray:
    """Each common partner's weight in the Adamic–Adar index: 1/ln(degree)."""
    # A common neighbour has degree >= 2, so log(degree) > 0 wherever it is used.
    return np.divide(
        1.0, np.log(np.maximum(degree, 2.0)), out=np.zeros_like(degree), where=degree > 1
    )


def adamic_adar(links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Adamic–Adar index for every pair of the block."""
    left, right = _sides(links, rows, cols)
    return _through(left, right, adamic_adar_weight(degrees(links)))


def resource_allocation(links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Resource-allocation index for every pair of the block."""
    degree = degrees(links)
    weight = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    left, right = _sides(links, rows, cols)
    return _through(left, right, weight)


def jaccard(links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Jaccard coefficient for every pair of the block (zero where no partner is shared)."""
    shared = common_neighbours(links, rows, cols).tocoo()
    degree = degrees(links)
    union = degree[rows][shared.row] + degree[cols][shared.col] - shared.data
    values = np.divide(shared.data, union, out=np.zeros_like(shared.data), where=union > 0)
    return sp.csr_matrix((values, (shared.row, shared.col)), shape=shared.shape)


def preferential_attachment(links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``deg(row)·deg(col)`` for every pair of the block, as a dense array."""
    degree = degrees(links)
    return np.outer(degree[rows], degree[cols])


def paths3_work(links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> float:
    """Multiply-adds :func:`paths3` needs, to decide beforehand whether it is affordable."""
    to_cols = links[:, cols]
    per_node = np.diff(sp.csr_matrix(to_cols).indptr).astype(float)
    # Two-step reach of each node into the columns is at most the sum over its partners.
    reach = np.minimum(links @ per_node, float(len(cols)))
    from_rows = np.bincount(links[rows].indices, minlength=links.shape[0]).astype(float)
    return float(from_rows @ reach + degrees(links) @ per_node)


def paths3(
    links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, *, chunk_cells: int = PATH_CHUNK_CELLS
) -> sp.csr_matrix:
    """Number of walks of length three from each row to each column of the block.

    For pairs that are not linked these are simple paths u–x–y–v, through any partners.
    Computed in row chunks of about ``chunk_cells`` block cells, so the cost is bounded
    by the block, however dense the three-step reach is.
    """
    counts = three_steps(links, rows, cols, chunk_cells=chunk_cells, dense=False)[0]
    return sp.csr_matrix(counts)


def three_steps(
    links: sp.csr_matrix,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    chunk_cells: int = PATH_CHUNK_CELLS,
    dense: bool | None = None,
) -> tuple[sp.csr_matrix | np.ndarray | PathRows, sp.csr_matrix | np.ndarray | PathRows]:
    """Walks of length three and the three-step random-walk probability, for the block.

    The first is ``(A³)[u, v]``; the second ``(P³)[u, v]`` with ``P = D⁻¹A`` (each step
    goes to a partner chosen uniformly), which discounts paths through hubs. Only the
    block is ever held, never ``A³``.

    When most of the block is reached in three steps (as in project networks, where a
    project is a clique), a sparse block would cost more than a dense one and its sparse
    products are slow: the block is then returned as two dense float32 arrays, both
    computed by one pass over the walks (:mod:`collabnet.recommend.kernels`), row chunk
    by row chunk of about ``chunk_cells`` cells (below :data:`COMPILED_MIN_CELLS`
    cells, the sparse blocks made dense). Otherwise (``dense=False``, or a block of
    more than :data:`DENSE_PATH_CELLS` cells, or one reached at less than
    :data:`DENSE_PATH_FILL`) two sparse blocks are built row chunk by row chunk of about
    ``chunk_cells`` cells from ``A·A[:, cols]`` and ``P·P[:, cols]``, unless even those
    would hold more than :data:`SPARSE_PATH_ENTRIES` entries: then neither the block
    nor ``A·A[:, cols]`` is held, and two :class:`PathRows` compute the rows they are
    asked for, by the same pass. ``dense=None`` decides from a sample of rows.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    held = "sparse" if dense is False else "dense" if dense else _how_to_hold(links, rows, cols)
    return _three_steps(links, rows, cols, chunk_cells, held)


def _three_steps(
    links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, chunk_cells: int, held: str
) -> tuple[sp.csr_matrix | np.ndarray | PathRows, sp.csr_matrix | np.ndarray | PathRows]:
    """:func:`three_steps` held as ``held`` says (``dense``, ``rows`` or ``sparse``)."""
    shape = (len(rows), len(cols))
    if held == "dense" and _compiled(rows, cols):
        return _dense_three_steps(links, rows, cols, chunk_cells)
    if held == "dense":
        sparse_counts, sparse_walks = _three_steps(links, rows, cols, chunk_cells, "sparse")
        assert isinstance(sparse_counts, sp.csr_matrix)
        assert isinstance(sparse_walks, sp.csr_matrix)
        return (
            sparse_counts.toarray().astype(np.float32),
            sparse_walks.toarray().astype(np.float32),
        )
    if held == "rows":
        return PathRows.pair(links, rows, cols)
    degree = degrees(links)
    inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    step = sp.csr_matrix(sp.diags(inverse) @ links)
    right = sp.csr_matrix(links[:, cols])
    two = sp.csr_matrix(links @ right)
    two_walk = sp.csr_matrix(step @ sp.csr_matrix(step[:, cols]))
    chunk = max(1, chunk_cells // max(len(cols), 1))
    counts: list[sp.csr_matrix] = []
    walks: list[sp.csr_matrix] = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        counts.append(sp.csr_matrix(sp.csr_matrix(links[part]) @ two))
        walks.append(sp.csr_matrix(sp.csr_matrix(step[part]) @ two_walk))
    if not counts:
        return sp.csr_matrix(shape), sp.csr_matrix(shape)
    count_block = sp.csr_matrix(sp.vstack(counts), shape=shape)
    walk_block = sp.csr_matrix(sp.vstack(walks), shape=shape)
    # Probabilities to float32 precision, as a dense block and PathRows hold them: how
    # a block is held (or where it was computed) never changes its values.
    walk_block.data = walk_block.data.astype(np.float32).astype(np.float64)
    count_block.sort_indices()
    walk_block.sort_indices()
    return count_block, walk_block


# Path blocks up to this many cells may be held densely (float32: 4 bytes a cell)...
DENSE_PATH_CELLS = 100_000_000
# ...when at least this share of a sample of rows' cells is reached in three steps.
DENSE_PATH_FILL = 0.2
_FILL_SAMPLE_ROWS = 256


# Sparse path blocks of more entries than this (estimated) are not held: their rows are
# computed when asked for (:class:`PathRows`).
SPARSE_PATH_ENTRIES = 50_000_000


def _how_to_hold(links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> str:
    """``dense`` when a dense path block is affordable and a sample of rows reaches most
    of it, ``rows`` when a sparse one would still be too big, else ``sparse``."""
    cells = len(rows) * len(cols)
    if cells == 0:
        return "sparse"
    sample = rows[np.linspace(0, len(rows) - 1, min(len(rows), _FILL_SAMPLE_ROWS)).astype(int)]
    reached = sp.csr_matrix(sp.csr_matrix(links[sample]) @ links) @ sp.csr_matrix(links[:, cols])
    share = sp.csr_matrix(reached).nnz / (len(sample) * len(cols))
    if cells <= DENSE_PATH_CELLS and share >= DENSE_PATH_FILL:
        return "dense"
    return "rows" if share * cells > SPARSE_PATH_ENTRIES else "sparse"


class _ThreeSteps:
    """Both three-step blocks of ``links`` from any nodes to the columns ``cols``,
    computed together (:func:`collabnet.recommend.kernels.three_step_rows`).

    Each thread remembers the rows it computed last, so the walk counts and the walk
    probabilities of the same rows, asked for one after the other, cost one pass.
    """

    def __init__(self, links: sp.csr_matrix, cols: np.ndarray) -> None:
        links = sp.csr_matrix(links)
        links.sort_indices()
        self.indptr = links.indptr.astype(np.int64)
        self.indices = links.indices.astype(np.int64)
        degree = np.diff(self.indptr).astype(float)
        self.inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
        self.cols = np.asarray(cols, dtype=np.int64)
        to_cols = sp.csr_matrix(links[:, self.cols])
        to_cols.sort_indices()
        self.to_cols_indptr = to_cols.indptr.astype(np.int64)
        self.to_cols_indices = to_cols.indices.astype(np.int64)
        self._last = threading.local()

    def _remembered(self, key: tuple[bytes, ...]) -> tuple[np.ndarray, np.ndarray] | None:
        last = getattr(self._last, "value", None)
        return last[1] if last is not None and last[0] == key else None

    def _remember(self, key: tuple[bytes, ...], counts: np.ndarray, walks: np.ndarray) -> None:
        # Read-only: both kinds' callers get these very arrays.
        counts.flags.writeable = False
        walks.flags.writeable = False
        self._last.value = (key, (counts, walks))

    def rows(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Walk counts and probabilities from ``nodes`` to every column, float32
        (read-only)."""
        from collabnet.recommend.kernels import three_step_rows

        nodes = np.ascontiguousarray(nodes, dtype=np.int64)
        key = (nodes.tobytes(),)
        remembered = self._remembered(key)
        if remembered is not None:
            return remembered
        counts = np.zeros((len(nodes), len(self.cols)), dtype=np.float32)
        walks = np.zeros_like(counts)
        three_step_rows(
            self.indptr,
            self.indices,
            self.inverse,
            self.to_cols_indptr,
            self.to_cols_indices,
            nodes,
            counts,
            walks,
        )
        self._remember(key, counts, walks)
        return counts, walks

    def pairs(self, nodes: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The same values at the pairs ``(nodes[k], cols[k])`` (``cols`` are column
        positions), float32."""
        from collabnet.recommend.kernels import three_step_pairs

        nodes = np.ascontiguousarray(nodes, dtype=np.int64)
        cols = np.ascontiguousarray(cols, dtype=np.int64)
        key = (b"pairs", nodes.tobytes(), cols.tobytes())
        remembered = self._remembered(key)
        if remembered is not None:
            return remembered
        # A source's pairs side by side: one two-step reach each.
        order = np.argsort(nodes, kind="stable")
        counts = np.zeros(len(nodes), dtype=np.float32)
        walks = np.zeros_like(counts)
        three_step_pairs(
            self.indptr,
            self.indices,
            self.inverse,
            np.ascontiguousarray(nodes[order]),
            np.ascontiguousarray(self.cols[cols[order]]),
            counts,
            walks,
        )
        back = np.empty_like(order)
        back[order] = np.arange(len(order))
        counts, walks = counts[back], walks[back]
        self._remember(key, counts, walks)
        return counts, walks


class PathRows:
    """A three-step block too big to hold: walk counts (``A³``) or the three-step
    random-walk probability (``P³``, ``P = D⁻¹A``) from the nodes ``rows`` to the
    columns, its rows computed when asked for, as float32 like a held dense block.

    :meth:`pair` makes both over one :class:`_ThreeSteps`, which computes the two
    together. Block rows past ``rows`` (newcomers, without links) are zero.

    Values a caller took from :meth:`dense` and handed to :meth:`keep` (a ranking's
    chosen cells) are read back by :meth:`at` instead of being computed again, so the
    signals shown with a pair are the very ones its score was made of.
    """

    KINDS = ("counts", "walks")

    def __init__(
        self, steps: _ThreeSteps, kind: str, rows: np.ndarray, n_rows: int | None = None
    ) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"unknown three-step kind '{kind}' (expected counts or walks)")
        self.steps = steps
        self.kind = kind
        self._which = self.KINDS.index(kind)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = steps.cols
        self.shape = (len(self.rows) if n_rows is None else n_rows, len(self.cols))
        # Kept cells, as (row · columns + column) keys and values; merged and sorted by
        # key when next read.
        self._kept: list[tuple[np.ndarray, np.ndarray]] = []
        self._kept_sorted = True
        self._kept_lock = threading.Lock()

    @classmethod
    def pair(
        cls, links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
    ) -> tuple[PathRows, PathRows]:
        """Walk counts and walk probabilities from ``rows`` to ``cols`` (node positions
        in the 0/1 adjacency ``links``), computed together."""
        steps = _ThreeSteps(links, cols)
        return cls(steps, "counts", rows), cls(steps, "walks", rows)

    def with_rows(self, count: int) -> PathRows:
        """The same block with empty rows appended up to ``count`` rows."""
        return PathRows(self.steps, self.kind, self.rows, count)

    def dense(self, block_rows: np.ndarray) -> np.ndarray:
        """Block rows ``block_rows`` × every column, dense float32 (read-only)."""
        block_rows = np.asarray(block_rows, dtype=np.int64)
        known = block_rows < len(self.rows)
        if known.all():
            return self.steps.rows(self.rows[block_rows])[self._which]
        out = np.zeros((len(block_rows), self.shape[1]), dtype=np.float32)
        if known.any():
            out[known] = self.steps.rows(self.rows[block_rows[known]])[self._which]
        return out

    def keep(self, r: np.ndarray, c: np.ndarray, values: np.ndarray) -> None:
        """Remember the values :meth:`dense` gave at block positions ``(r, c)``; safe to
        call from several threads."""
        keys = np.asarray(r, dtype=np.int64) * self.shape[1] + np.asarray(c, dtype=np.int64)
        with self._kept_lock:
            self._kept.append((keys, np.asarray(values, dtype=np.float32)))
            self._kept_sorted = False

    def _remembered(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The kept cells' keys, sorted, and their values."""
        with self._kept_lock:
            if not self._kept:
                return None
            if not self._kept_sorted:
                keys = np.concatenate([keys for keys, _ in self._kept])
                values = np.concatenate([values for _, values in self._kept])
                order = np.argsort(keys, kind="stable")
                self._kept = [(keys[order], values[order])]
                self._kept_sorted = True
            return self._kept[0]

    def at(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Values at block positions ``(r, c)``, float32 (as :meth:`dense` has them):
        kept ones read back, the others computed."""
        r = np.asarray(r, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        out = np.zeros(len(r), dtype=np.float32)
        kept = self._remembered()
        if kept is not None and len(r):
            keys, values = kept
            wanted = r * self.shape[1] + c
            where = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            found = keys[where] == wanted
            out[found] = values[where[found]]
            missing = np.flatnonzero(~found)
            if len(missing) < len(r):
                if len(missing):
                    out[missing] = self._computed(r[missing], c[missing])
                return out
        return self._computed(r, c)

    def _computed(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        out = np.zeros(len(r), dtype=np.float32)
        known = np.flatnonzero(r < len(self.rows))
        if len(known):
            out[known] = self.steps.pairs(self.rows[r[known]], c[known])[self._which]
        return out


def _dense_three_steps(
    links: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, cells: int
) -> tuple[np.ndarray, np.ndarray]:
    """Walk counts and walk probabilities from ``rows`` to ``cols``, two dense float32
    blocks, computed in row chunks of about ``cells`` cells on :func:`worker_count`
    threads. Each chunk writes its own rows, so the blocks are the same however many
    threads there are."""
    steps = _ThreeSteps(links, cols)
    counts = np.zeros((len(rows), len(cols)), dtype=np.float32)
    walks = np.zeros_like(counts)
    step = max(1, cells // max(len(cols), 1))

    def fill(start: int) -> None:
        part_counts, part_walks = steps.rows(rows[start : start + step])
        counts[start : start + len(part_counts)] = part_counts
        walks[start : start + len(part_walks)] = part_walks

    starts = range(0, len(rows), step)
    _on_threads(fill, starts)
    return counts, walks


def _on_threads(work: Callable[[T], None], items: Sequence[T]) -> None:
    """``work(item)`` for every item, on :func:`worker_count` threads (compiled loops,
    numpy and scipy's sparse products release the interpreter lock); in this thread
    when there is one worker or one item."""
    workers = min(worker_count(), len(items))
    if workers <= 1:
        for item in items:
            work(item)
        return
    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(work, items):
            pass


def worker_count() -> int:
    """The threads a block computation uses: the processors this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def multiplicity(weighted: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Common neighbours weighted by joint-project multiplicity: ``Σ_w W[u, w]·W[w, v]``.

    ``weighted`` holds the number of joint projects (the link weight) of each pair, so a
    partner shared through many projects on both sides counts for more than one met once.
    """
    left = sp.csr_matrix(weighted[rows])
    right = sp.csr_matrix(weighted[cols]).T.tocsr()
    return sp.csr_matrix(left @ right)


def katz(shared: np.ndarray, three: np.ndarray, beta: float = KATZ_BETA) -> np.ndarray:
    """Truncated Katz index ``β·A² + β²·A³`` from common-neighbour and 3-path counts."""
    return beta * np.asarray(shared, dtype=float) + beta**2 * np.asarray(three, dtype=float)


def values_at(
    block: sp.csr_matrix | np.ndarray | PathRows, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """The entries of a block (sparse, or dense) at the given (row, col) positions, as a
    flat array.

    For a sparse block every position is looked up in its row's sorted column indices by
    a binary search run for all positions at once (a few dozen vectorised steps): on
    blocks with tens of millions of entries this is many times faster than scipy's fancy
    indexing, which the backtest and the ranker would call with ~10⁶ positions.
    """
    if isinstance(block, np.ndarray):
        return block[np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)].astype(
            float
        )
    if isinstance(block, PathRows):
        return block.at(rows, cols).astype(float)
    return values_from(block, positions_at(block, rows, cols))


def values_from(block: sp.csr_matrix, positions: np.ndarray) -> np.ndarray:
    """The entries of a sparse block at :func:`positions_at`'s positions (0 where -1)."""
    if len(positions) == 0 or block.nnz == 0:
        return np.zeros(len(positions))
    return np.where(positions >= 0, block.data[np.maximum(positions, 0)], 0.0).astype(float)


def positions_at(block: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Where the entries at the given (row, col) positions sit in ``block.data`` (-1 where
    there is none); blocks with the same index arrays share them."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if len(rows) == 0 or block.nnz == 0:
        return np.full(len(rows), -1, dtype=np.int64)
    # Sorting in place leaves the matrix equal and spares the next call the work.
    block.sort_indices()
    indices = block.indices
    low = block.indptr[rows].astype(np.int64)
    stop = block.indptr[rows + 1].astype(np.int64)
    high = stop.copy()
    # The first position of each row segment whose column is not below the one wanted.
    while True:
        open_ = low < high
        if not open_.any():
            break
        middle = (low + high) // 2
        below = np.zeros(len(rows), dtype=bool)
        below[open_] = indices[middle[open_]] < cols[open_]
        low = np.where(open_ & below, middle + 1, low)
        high = np.where(open_ & ~below, middle, high)
    at = np.minimum(low, len(indices) - 1)
    found = (low < stop) & (indices[at] == cols)
    return np.where(found, at, -1)


def pair_scores(links: sp.csr_matrix, u: np.ndarray, v: np.ndarray, method: str) -> np.ndarray:
    """A networkx link-prediction score for arbitrary pairs ``(u[i], v[i])``.

    ``method`` is one of ``common_neighbours``, ``adamic_adar``, ``resource_allocation``,
    ``jaccard``, ``preferential_attachment``. Rows are multiplied element-wise, so the
    cost grows with the degrees of the pairs, not with the size of a block.
    """
    if method not in PAIR_METHODS:
        raise ValueError(f"unknown method '{method}' (expected one of {', '.join(PAIR_METHODS)})")
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    degree = degrees(links)
    if method == "preferential_attachment":
        return degree[u] * degree[v]
    shared = sp.csr_matrix(links[u].multiply(links[v]))
    if method == "adamic_adar":
        shared = sp.csr_matrix(shared @ sp.diags(adamic_adar_weight(degree)))
    elif method == "resource_allocation":
        weight = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
        shared = sp.csr_matrix(shared @ sp.diags(weight))
    total = np.asarray(shared.sum(axis=1)).ravel()
    if method == "jaccard":
        union = degree[u] + degree[v] - total
        return np.divide(total, union, out=np.zeros_like(total), where=union > 0)
    return total


def _ngrams(text: str, sizes: Sequence[int]) -> list[str]:
    grams: list[str] = []
    for piece in _SEPARATORS.split(text.lower()):
        if not piece:
            continue
        if len(piece) < min(sizes):
            grams.append(piece)
            continue
        for size in sizes:
            grams.extend(piece[i : i + size] for i in range(len(piece) - size + 1))
    return grams


def char_ngram_tfidf(texts: Sequence[str], sizes: Sequence[int] = (2, 3)) -> sp.csr_matrix:
    """Character n-gram TF-IDF vectors (rows L2-normalised) of Chinese or mixed text.

    No word segmentation is needed: overlapping bigrams and trigrams of each keyword
    (keywords end at punctuation such as 、) match across phrasings, and the smooth
    inverse document frequency ``log((1 + n) / (1 + df)) + 1`` damps n-grams that
    every text has. Empty texts give zero rows.
    """
    grams = [_ngrams(t, sizes) for t in texts]
    lengths = np.fromiter((len(g) for g in grams), dtype=np.int64, count=len(grams))
    if lengths.sum() == 0:
        return sp.csr_matrix((len(texts), 0))
    flat = pd.Series([g for gs in grams for g in gs], dtype=object)
    codes, vocabulary = pd.factorize(flat)
    doc = np.repeat(np.arange(len(texts)), lengths)
    counts = sp.csr_matrix((np.ones(len(codes)), (doc, codes)), shape=(len(texts), len(vocabulary)))
    counts.sum_duplicates()
    present = counts.copy()
    present.data[:] = 1.0
    document_frequency = np.asarray(present.sum(axis=0)).ravel()
    idf = np.log((1.0 + len(texts)) / (1.0 + document_frequency)) + 1.0
    weighted = sp.csr_matrix(counts @ sp.diags(idf))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ weighted)


def text_similarity(
    left: sp.csr_matrix, right: sp.csr_matrix, *, floor: float = 0.02
) -> sp.csr_matrix:
    """Cosine similarity of L2-normalised text vectors, every left row × every right row.

    Similarities below ``floor`` (texts sharing one common n-gram) are dropped, so the
    block stays sparse; it is computed in row chunks to bound memory.
    """
    if left.shape[1] == 0 or right.shape[0] == 0:
        return sp.csr_matrix((left.shape[0], right.shape[0]))
    right_t = sp.csr_matrix(right.T)
    step = max(1, 5_000_000 // max(right.shape[0], 1))
    parts = []
    for start in range(0, left.shape[0], step):
        part = sp.csr_matrix(left[start : start + step] @ right_t)
        part.data[part.data < floor] = 0.0
        part.eliminate_zeros()
        parts.append(part)
    block = sp.csr_matrix(sp.vstack(parts))
    block.sort_indices()
    return block
