"""Compiled loops for the network signals of a candidate block: the sums over shared
partners (common partners, Adamic–Adar, resource allocation, joint-project
multiplicity) and the two three-step signals.

Walks of length three from an enterprise ``e`` to a candidate ``c`` go ``e → x → y → c``.
Both three-step signals come from one pass over them: the walk count ``(A³)[e, c]`` and
the random-walk probability ``(P³)[e, c]`` with ``P = D⁻¹A``, which weighs each walk by
``1 / (deg e · deg x · deg y)``. A row's pass first gathers its two-step reach (every
``y`` with its count of walks ``e → x → y`` and their summed ``1 / deg x``), then spreads
each ``y`` over its candidate partners. The reach read at the candidates is their
shared-partner sums. The work is the number of such steps, not the size of the products
of sparse matrices that compute the same numbers.

Sums run in a fixed order (the reach in the order it is first found, each partner list
in its stored order), so a row, and any cell of it asked for alone, has the same value
bit for bit however the rows are split among calls or threads. The loops release the
interpreter lock: callers run row chunks on threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "shared_partner_counts",
    "shared_partner_sums",
    "three_step_pairs",
    "three_step_rows",
    "three_step_rows_shared",
]


@njit(nogil=True, cache=True)
def _reach(
    indptr: np.ndarray,
    indices: np.ndarray,
    inverse: np.ndarray,
    source: int,
    counts: np.ndarray,
    walks: np.ndarray,
    found: np.ndarray,
) -> int:
    """Two-step reach of ``source`` into ``counts``/``walks`` (zero before), the nodes
    reached listed in ``found`` in the order first reached; returns how many."""
    reached = 0
    for a in range(indptr[source], indptr[source + 1]):
        middle = indices[a]
        share = inverse[middle]
        for b in range(indptr[middle], indptr[middle + 1]):
            node = indices[b]
            if counts[node] == 0.0:
                found[reached] = node
                reached += 1
            counts[node] += 1.0
            walks[node] += share
    return reached


@njit(nogil=True, cache=True)
def _spread(
    inverse: np.ndarray,
    to_cols_indptr: np.ndarray,
    to_cols_indices: np.ndarray,
    source: int,
    reached: int,
    found: np.ndarray,
    counts: np.ndarray,
    walks: np.ndarray,
    row_counts: np.ndarray,
    row_walks: np.ndarray,
    counts_out: np.ndarray,
    walks_out: np.ndarray,
) -> None:
    """The third step: each node of ``source``'s two-step reach (cleared on the way)
    spread over its partners among the columns, into the output rows."""
    for j in range(reached):
        node = found[j]
        count = counts[node]
        walk = walks[node] * inverse[node]
        counts[node] = 0.0
        walks[node] = 0.0
        for b in range(to_cols_indptr[node], to_cols_indptr[node + 1]):
            col = to_cols_indices[b]
            row_counts[col] += count
            row_walks[col] += walk
    last = inverse[source]
    for col in range(row_counts.shape[0]):
        counts_out[col] = row_counts[col]
        walks_out[col] = row_walks[col] * last
        row_counts[col] = 0.0
        row_walks[col] = 0.0


@njit(nogil=True, cache=True)
def three_step_rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    inverse: np.ndarray,
    to_cols_indptr: np.ndarray,
    to_cols_indices: np.ndarray,
    sources: np.ndarray,
    counts_out: np.ndarray,
    walks_out: np.ndarray,
) -> None:
    """Walk counts and probabilities from each node of ``sources`` to every column.

    ``indptr``/``indices`` are the 0/1 adjacency (CSR), ``inverse`` is ``1 / degree`` (0
    for isolates) and ``to_cols_*`` the CSR of ``A[:, cols]``. Row ``i`` of both outputs
    (float32, ``len(sources)`` × columns) is written whole.
    """
    n = indptr.shape[0] - 1
    width = counts_out.shape[1]
    counts = np.zeros(n)
    walks = np.zeros(n)
    found = np.empty(n, np.int64)
    row_counts = np.zeros(width)
    row_walks = np.zeros(width)
    for i in range(sources.shape[0]):
        source = sources[i]
        reached = _reach(indptr, indices, inverse, source, counts, walks, found)
        _spread(
            inverse,
            to_cols_indptr,
            to_cols_indices,
            source,
            reached,
            found,
            counts,
            walks,
            row_counts,
            row_walks,
            counts_out[i],
            walks_out[i],
        )


@njit(nogil=True, cache=True)
def three_step_rows_shared(
    indptr: np.ndarray,
    indices: np.ndarray,
    link_weights: np.ndarray,
    inverse: np.ndarray,
    adamic_adar: np.ndarray,
    to_cols_indptr: np.ndarray,
    to_cols_indices: np.ndarray,
    cols: np.ndarray,
    sources: np.ndarray,
    counts_out: np.ndarray,
    walks_out: np.ndarray,
    shared_indptr: np.ndarray,
    shared_indices: np.ndarray,
    shared_counts: np.ndarray,
    shared_adamic_adar: np.ndarray,
    shared_resource: np.ndarray,
    shared_multiplicity: np.ndarray,
) -> None:
    """:func:`three_step_rows`, and from the same two-step reach each row's sums over
    the partners it shares with each column (``cols``: their node positions): the
    count, Adamic–Adar (partner ``x`` adds ``adamic_adar[x]``), resource allocation
    (``inverse[x]``) and the multiplicity ``Σ W[e, x]·W[x, c]`` (``link_weights`` are
    ``W``'s values on the adjacency's pattern), partners in ascending order as a
    product of sparse matrices adds them.

    The shared sums go into CSR blocks whose row pointers
    :func:`shared_partner_counts` gave (``shared_indptr``): ``shared_indices`` gets the
    columns (ascending), the four ``shared_*`` arrays the sums' values.
    """
    n = indptr.shape[0] - 1
    width = counts_out.shape[1]
    counts = np.zeros(n)
    walks = np.zeros(n)
    adamic = np.zeros(n)
    multiplied = np.zeros(n)
    found = np.empty(n, np.int64)
    row_counts = np.zeros(width)
    row_walks = np.zeros(width)
    for i in range(sources.shape[0]):
        source = sources[i]
        reached = 0
        for a in range(indptr[source], indptr[source + 1]):
            middle = indices[a]
            share = inverse[middle]
            weight = adamic_adar[middle]
            first_weight = link_weights[a]
            for b in range(indptr[middle], indptr[middle + 1]):
                node = indices[b]
                if counts[node] == 0.0:
                    found[reached] = node
                    reached += 1
                counts[node] += 1.0
                walks[node] += share
                adamic[node] += weight
                multiplied[node] += first_weight * link_weights[b]
        entry = shared_indptr[i]
        for j in range(width):
            node = cols[j]
            if counts[node] != 0.0:
                shared_indices[entry] = j
                shared_counts[entry] = counts[node]
                shared_adamic_adar[entry] = adamic[node]
                shared_resource[entry] = walks[node]
                shared_multiplicity[entry] = multiplied[node]
                entry += 1
        for j in range(reached):
            adamic[found[j]] = 0.0
            multiplied[found[j]] = 0.0
        _spread(
            inverse,
            to_cols_indptr,
            to_cols_indices,
            source,
            reached,
            found,
            counts,
            walks,
            row_counts,
            row_walks,
            counts_out[i],
            walks_out[i],
        )


@njit(nogil=True, cache=True)
def three_step_pairs(
    indptr: np.ndarray,
    indices: np.ndarray,
    inverse: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    counts_out: np.ndarray,
    walks_out: np.ndarray,
) -> None:
    """:func:`three_step_rows`'s values at the pairs ``(sources[k], targets[k])`` (node
    positions; pairs of one source next to each other cost one reach).

    A cell is summed over the target's partners in the order the row pass meets them,
    so it equals the row pass's value bit for bit.
    """
    n = indptr.shape[0] - 1
    counts = np.zeros(n)
    walks = np.zeros(n)
    found = np.empty(n, np.int64)
    order = np.zeros(n, np.int64)
    reached = 0
    current = -1
    for k in range(sources.shape[0]):
        source = sources[k]
        if source != current:
            for j in range(reached):
                counts[found[j]] = 0.0
                walks[found[j]] = 0.0
            reached = _reach(indptr, indices, inverse, source, counts, walks, found)
            for j in range(reached):
                order[found[j]] = j
            current = source
        target = targets[k]
        start, stop = indptr[target], indptr[target + 1]
        places = np.empty(stop - start, np.int64)
        kept = 0
        for b in range(start, stop):
            node = indices[b]
            if counts[node] != 0.0:
                places[kept] = order[node]
                kept += 1
        places = np.sort(places[:kept])
        count = 0.0
        walk = 0.0
        for j in range(kept):
            node = found[places[j]]
            count += counts[node]
            walk += walks[node] * inverse[node]
        counts_out[k] = count
        walks_out[k] = walk * inverse[source]


@njit(nogil=True, cache=True)
def _two_step_row(
    indptr: np.ndarray,
    indices: np.ndarray,
    to_cols_indptr: np.ndarray,
    to_cols_indices: np.ndarray,
    source: int,
    seen: np.ndarray,
    found: np.ndarray,
) -> int:
    """Columns reached from ``source`` in two steps, listed in ``found`` in the order
    first reached and marked in ``seen`` (to be cleared by the caller); returns how
    many."""
    reached = 0
    for a in range(indptr[source], indptr[source + 1]):
        middle = indices[a]
        for b in range(to_cols_indptr[middle], to_cols_indptr[middle + 1]):
            col = to_cols_indices[b]
            if not seen[col]:
                seen[col] = True
                found[reached] = col
                reached += 1
    return reached


@njit(nogil=True, cache=True)
def shared_partner_counts(
    indptr: np.ndarray,
    indices: np.ndarray,
    to_cols_indptr: np.ndarray,
    to_cols_indices: np.ndarray,
    sources: np.ndarray,
    width: int,
) -> np.ndarray:
    """How many columns each source reaches in two steps (the entries of its row of
    :func:`shared_partner_sums`)."""
    seen = np.zeros(width, np.bool_)
    found = np.empty(width, np.int64)
    out = np.zeros(sources.shape[0], np.int64)
    for i in range(sources.shape[0]):
        reached = _two_step_row(
            indptr, indices, to_cols_indptr, to_cols_indices, sources[i], seen, found
        )
        out[i] = reached
        for j in range(reached):
            seen[found[j]] = False
    return out


@njit(nogil=True, cache=True)
def shared_partner_sums(
    indptr: np.ndarray,
    indices: np.ndarray,
    to_cols_indptr: np.ndarray,
    to_cols_indices: np.ndarray,
    weights: np.ndarray,
    sources: np.ndarray,
    out_indptr: np.ndarray,
    out_indices: np.ndarray,
    out_data: np.ndarray,
) -> None:
    """Sums over the partners ``x`` each source shares with each column it reaches, one
    sum per row of ``weights`` (``weights[k, x]`` is partner ``x``'s term in sum ``k``),
    into a CSR block with the row pointers :func:`shared_partner_counts` gave:
    ``out_indices`` gets the columns (ascending), ``out_data[k]`` sum ``k``'s values.

    Partners are added in ascending order, as scipy's product of sparse matrices adds
    them, so the sums are the same bit for bit.
    """
    n_cols = to_cols_indices.max() + 1 if to_cols_indices.shape[0] else 0
    sums = weights.shape[0]
    seen = np.zeros(n_cols, np.bool_)
    found = np.empty(n_cols, np.int64)
    totals = np.zeros((n_cols, sums))
    for i in range(sources.shape[0]):
        source = sources[i]
        reached = _two_step_row(
            indptr, indices, to_cols_indptr, to_cols_indices, source, seen, found
        )
        found[:reached] = np.sort(found[:reached])
        for a in range(indptr[source], indptr[source + 1]):
            middle = indices[a]
            for b in range(to_cols_indptr[middle], to_cols_indptr[middle + 1]):
                col = to_cols_indices[b]
                for k in range(sums):
                    totals[col, k] += weights[k, middle]
        start = out_indptr[i]
        for j in range(reached):
            col = found[j]
            seen[col] = False
            out_indices[start + j] = col
            for k in range(sums):
                out_data[k, start + j] = totals[col, k]
                totals[col, k] = 0.0
