"""Hubs: who sits at the centre of the collaboration network.

Every measure works on the sparse adjacency matrix (scipy), so the suite stays fast on
millions of links. Each one follows the networkx function named here, called as stated,
and the tests hold it to that function:

- ``degree``: distinct partners, ``G.degree(v)``;
- ``weighted_degree``: ``G.degree(v, weight="weight")``;
- ``pagerank``: ``nx.pagerank(G, weight="weight")`` (weighted);
- ``eigenvector``: ``nx.eigenvector_centrality(G)`` (hops);
- ``harmonic``: ``nx.harmonic_centrality(G)`` (hops);
- ``betweenness``: ``nx.betweenness_centrality(G)``, normalised (hops);
- ``core_number``: ``nx.core_number(G)`` (unweighted).

A pair's weight is the sum of the weights of all links between the two organisations.
PageRank uses it (repeated, heavier collaboration makes a stronger tie); shortest paths
count hops, because a link's weight is a strength, not a distance. Eigenvector
centrality counts hops too: it is then the same measure in memory and in Neo4j, whose
Graph Data Science library rescales weights per organisation in its iteration.

With a backend that computes them (Neo4j with the Graph Data Science library), every
measure comes from the database (:meth:`~collabnet.snapshot.Snapshot.native`) and no
link is read into memory; the sampled betweenness is then GDS's, from as many sources
drawn with the same seed.

Harmonic closeness and betweenness need a breadth-first search from every
organisation. Up to ``exact_limit`` organisations (default 5,000) they are exact; above
it they are estimated from ``pivots`` sources drawn uniformly without replacement with a
fixed ``seed`` (the same draw as ``random.Random(seed).sample``, i.e. as networkx's
``seed``):

- harmonic: ``H(v) ≈ (n - 1) / k_v * Σ_{p in pivots, p ≠ v} 1 / d(p, v)``, where ``k_v``
  is the number of pivots other than ``v``; unbiased, and exact when every node is a
  pivot. It equals ``nx.harmonic_centrality(G, sources=pivots)`` rescaled so.
- betweenness: Brandes' accumulation from the pivots only, rescaled as networkx does
  for ``betweenness_centrality(G, k=len(pivots), seed=seed)``.

The method, pivot count and seed are stored in ``DataFrame.attrs["estimates"]``.

Breadth-first searches run 64 sources at a time with one bit per source, so one pass
over the edges advances all 64 searches by one level.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from collabnet.errors import InputError
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = [
    "MEASURES",
    "betweenness_scores",
    "centrality",
    "choose_pivots",
    "core_numbers",
    "eigenvector_scores",
    "harmonic_scores",
    "pagerank_scores",
    "rerank",
]

MEASURES = (
    "degree",
    "weighted_degree",
    "pagerank",
    "eigenvector",
    "harmonic",
    "betweenness",
    "core_number",
)
EXACT_LIMIT = 5_000
PIVOTS = 32
_WORD = 64


def centrality(
    snapshot: Snapshot | Tables,
    *,
    measure: str = "pagerank",
    damping: float = 0.85,
    exact_limit: int = EXACT_LIMIT,
    pivots: int = PIVOTS,
    seed: int = 0,
    tol: float = 1e-10,
) -> pd.DataFrame:
    """Centrality of every organisation, sorted by ``measure`` (highest first).

    Parameters
    ----------
    snapshot
        The network at one cut (:class:`~collabnet.snapshot.Snapshot`), or validated
        :class:`~collabnet.tables.Tables` taken as their own snapshot.
    measure
        The column to sort by and to rank within each organisation type
        (one of :data:`MEASURES`).
    damping
        PageRank damping factor.
    exact_limit
        Largest network (organisations) for exact harmonic closeness and betweenness.
    pivots
        Number of sources for the estimates above ``exact_limit``.
    seed
        Seed of the pivot draw.
    tol
        Convergence tolerance of PageRank and eigenvector centrality (mean absolute
        change per organisation between iterations, as networkx's ``tol``).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``type``, ``degree``, ``weighted_degree``, ``pagerank``,
        ``eigenvector``, ``harmonic``, ``betweenness``, ``core_number`` and
        ``rank_in_type`` (1 = highest ``measure`` among organisations of the same
        type). ``attrs["estimates"]`` says, for harmonic and betweenness, whether they
        are exact or sampled, with the pivot count and seed.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> hubs = centrality(load_tables("data/sample"))
    >>> hubs.attrs["estimates"]["betweenness"]["method"]
    'exact'
    """
    snapshot = as_snapshot(snapshot)
    if measure not in MEASURES:
        raise InputError(f"unknown measure '{measure}' (expected one of {', '.join(MEASURES)})")
    if pivots < 1:
        raise InputError(f"pivots must be at least 1, got {pivots}")
    orgs = snapshot.organizations
    n = len(orgs)
    sampled = n > exact_limit
    sources = choose_pivots(n, min(pivots, n), seed) if sampled else None
    source_ids = None if sources is None else snapshot.ids[sources].tolist()

    def from_backend(name: str, column: str, **params: object) -> np.ndarray | None:
        native = snapshot.native(name, **params)
        if native is None:
            return None
        return native.set_index("id")[column].reindex(orgs["id"]).to_numpy()

    params = {"damping": damping, "sources": source_ids, "seed": seed, "tol": tol}
    degree = from_backend("degree", "degree")
    weighted = from_backend("degree", "weighted_degree")
    pagerank = from_backend("pagerank", "pagerank", **params)
    eigenvector = from_backend("eigenvector", "eigenvector", **params)
    core = from_backend("core_number", "core_number", **params)
    harmonic = from_backend("harmonic", "harmonic", **params)
    betweenness = from_backend("betweenness", "betweenness", **params)
    if harmonic is None or betweenness is None:
        harmonic, betweenness = _shortest_path_measures(snapshot.hops, sources)
    else:
        # The database returns the sums, scaled here as the in-memory sums are. It
        # counts a shortest path between two organisations once where the search from
        # every source meets it twice. Its sampled betweenness draws its own sources,
        # so every organisation is scaled as a non-source.
        everyone = np.arange(n)
        harmonic = _rescale_harmonic(harmonic, everyone if sources is None else sources, n, sources)
        betweenness = betweenness * 2
        if sources is None:
            betweenness = _rescale_betweenness(betweenness, everyone, n, None)
        elif n > 2:
            betweenness = betweenness / (len(sources) * (n - 2))
    frame = pd.DataFrame(
        {
            "id": orgs["id"].to_numpy(),
            "name": orgs["name"].to_numpy(),
            "type": orgs["type"].to_numpy(),
            "degree": (np.diff(snapshot.hops.indptr) if degree is None else degree).astype(
                np.int64
            ),
            "weighted_degree": (
                np.asarray(snapshot.adjacency.matrix.sum(axis=1)).ravel()
                if weighted is None
                else weighted
            ).astype(float),
            "pagerank": (
                pagerank_scores(snapshot.adjacency.matrix, damping=damping, tol=tol)
                if pagerank is None
                else pagerank.astype(float)
            ),
            "eigenvector": (
                eigenvector_scores(snapshot.hops.astype(float), tol=tol)
                if eigenvector is None
                else eigenvector.astype(float)
            ),
            "harmonic": harmonic,
            "betweenness": betweenness,
            "core_number": (core_numbers(snapshot.hops) if core is None else core).astype(np.int64),
        }
    )
    frame = rerank(frame, measure)
    method = "sampled" if sampled else "exact"
    estimate = {
        "method": method,
        "pivots": len(sources) if sources is not None else n,
        "seed": seed if sampled else None,
        "organizations": n,
        "exact_limit": exact_limit,
    }
    frame.attrs["measure"] = measure
    frame.attrs["estimates"] = {"harmonic": dict(estimate), "betweenness": dict(estimate)}
    return frame


def rerank(frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """A :func:`centrality` frame ranked within type and sorted by another ``measure``."""
    if measure not in MEASURES:
        raise InputError(f"unknown measure '{measure}' (expected one of {', '.join(MEASURES)})")
    # A single pivot leaves its own betweenness undefined (NaN): ranked last.
    ranks = frame.groupby("type")[measure].rank(method="min", ascending=False, na_option="bottom")
    ranked = frame.assign(rank_in_type=ranks.astype(np.int64))
    ranked = ranked.sort_values([measure, "id"], ascending=[False, True], kind="stable")
    ranked = ranked.reset_index(drop=True)
    ranked.attrs = {**frame.attrs, "measure": measure}
    return ranked


def choose_pivots(n: int, k: int, seed: int) -> np.ndarray:
    """``k`` distinct positions out of ``n``: the draw ``random.Random(seed).sample`` makes,
    so networkx given the same seed and node order picks the same sources."""
    if not 0 <= k <= n:
        raise InputError(f"cannot draw {k} pivots from {n} organisations")
    return np.array(random.Random(seed).sample(range(n), k), dtype=np.int64)


def pagerank_scores(
    matrix: sp.csr_matrix,
    *,
    damping: float = 0.85,
    tol: float = 1e-10,
    max_iter: int = 1_000,
) -> np.ndarray:
    """PageRank of a symmetric weighted adjacency matrix, as ``nx.pagerank(G, weight=...)``.

    Organisations without links are dangling: their rank is spread evenly over all,
    as networkx does without a ``dangling`` argument. Stops when the summed absolute
    change is below ``n * tol``.
    """
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0)
    if not 0 <= damping <= 1:
        raise InputError(f"damping must be between 0 and 1, got {damping}")
    strength = np.asarray(matrix.sum(axis=1)).ravel()
    dangling = strength == 0
    inverse = np.divide(1.0, strength, out=np.zeros(n), where=~dangling)
    rank = np.full(n, 1.0 / n)
    # The matrix is symmetric, so x @ D^-1 W is W @ (x / strength).
    for _ in range(max_iter):
        previous = rank
        rank = damping * (matrix @ (previous * inverse) + previous[dangling].sum() / n)
        rank += (1.0 - damping) / n
        if np.abs(rank - previous).sum() < n * tol:
            return rank
    raise InputError(f"PageRank did not converge in {max_iter} iterations (tol={tol})")


def eigenvector_scores(matrix: sp.csr_matrix, *, tol: float = 1e-10) -> np.ndarray:
    """Eigenvector centrality, as ``nx.eigenvector_centrality(G, weight=...)`` converges to.

    networkx iterates ``x ← (A + I) x`` from the all-ones vector, so the limit is the
    projection of that vector on the leading eigenspace, scaled to unit length. When one
    component has the largest eigenvalue that is its Perron vector (zero elsewhere);
    when several components share it (two identical components, say), each gets its
    Perron vector weighted by its projection, as in networkx's limit. The leading
    eigenvector comes from ARPACK, so no slow power iteration is needed.
    """
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0)
    if matrix.nnz == 0:
        return np.full(n, 1.0 / np.sqrt(n))
    top_value, top_vector = _leading_eigenpair(matrix, tol)
    count, label = connected_components(matrix, directed=False)
    scores = np.zeros(n)
    strength = np.asarray(matrix.sum(axis=1)).ravel()
    # The largest eigenvalue of a component is at most its largest row sum.
    reach = np.zeros(count)
    np.maximum.at(reach, label, strength)
    tied_tolerance = 1e-9 * max(1.0, top_value)
    main = np.bincount(label, weights=np.abs(top_vector), minlength=count).argmax()
    for component in np.flatnonzero(reach >= top_value - tied_tolerance):
        members = np.flatnonzero(label == component)
        if component == main:
            value, vector = top_value, top_vector[members]
        else:
            value, vector = _leading_eigenpair(matrix[members][:, members], tol)
        if abs(value - top_value) > tied_tolerance:
            continue
        vector = np.abs(vector) / np.linalg.norm(vector)
        scores[members] = vector * vector.sum()
    return scores / np.linalg.norm(scores)


def _leading_eigenpair(matrix: sp.csr_matrix, tol: float) -> tuple[float, np.ndarray]:
    n = matrix.shape[0]
    if n <= 400:
        values, vectors = np.linalg.eigh(matrix.toarray())
        return float(values[-1]), vectors[:, -1]
    # Strength is close to the leading eigenvector of a heavy-tailed network: a good start.
    start = np.asarray(matrix.sum(axis=1)).ravel() + 1.0
    try:
        values, vectors = eigsh(matrix, k=1, which="LA", v0=start, tol=tol)
    except ArpackNoConvergence as err:
        raise InputError("eigenvector centrality did not converge") from err
    return float(values[0]), vectors[:, 0]


def core_numbers(matrix: sp.csr_matrix) -> np.ndarray:
    """k-core number of each node, as ``nx.core_number``: the largest k such that the node
    belongs to a subgraph where every node has at least k neighbours.

    Peels every node whose remaining degree is at most the current k, all at once,
    until none is left.
    """
    n = matrix.shape[0]
    indptr, indices = matrix.indptr, matrix.indices
    degree = np.diff(indptr).astype(np.int64)
    core = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    level = 0
    candidates = np.arange(n)
    remaining = n
    while remaining:
        peel = candidates[alive[candidates] & (degree[candidates] <= level)]
        if len(peel) == 0:
            level = int(degree[alive].min())
            candidates = np.flatnonzero(alive & (degree <= level))
            continue
        core[peel] = level
        alive[peel] = False
        remaining -= len(peel)
        neighbours = indices[_row_slices(indptr, peel)]
        np.subtract.at(degree, neighbours, 1)
        # Only neighbours of peeled nodes can fall to the current level.
        candidates = np.unique(neighbours[alive[neighbours] & (degree[neighbours] <= level)])
    return core


def _row_slices(indptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions in ``indices`` of every entry of ``rows`` (concatenated)."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total)


def harmonic_scores(matrix: sp.csr_matrix, pivots: np.ndarray | None = None) -> np.ndarray:
    """Harmonic closeness on hops, exact (``pivots=None``) or estimated from ``pivots``
    (see the module docstring for the estimator)."""
    return _shortest_path_measures(matrix, pivots, betweenness=False)[0]


def betweenness_scores(matrix: sp.csr_matrix, pivots: np.ndarray | None = None) -> np.ndarray:
    """Normalised betweenness on hops, as ``nx.betweenness_centrality(G)``, or with
    ``pivots`` as ``nx.betweenness_centrality(G, k=len(pivots))`` with those sources."""
    return _shortest_path_measures(matrix, pivots)[1]


def _shortest_path_measures(
    matrix: sp.csr_matrix, pivots: np.ndarray | None, *, betweenness: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    n = matrix.shape[0]
    sources = np.arange(n) if pivots is None else np.asarray(pivots, dtype=np.int64)
    harmonic = np.zeros(n)
    dependency = np.zeros(n)
    if n == 0 or len(sources) == 0:
        return harmonic, dependency
    pattern = sp.csr_matrix(matrix)
    if betweenness:
        # Each undirected edge once (upper triangle); int32 halves the memory traffic.
        upper = sp.triu(pattern, k=1).tocoo()
        low, high = upper.row.astype(np.int32), upper.col.astype(np.int32)
    for search in _bfs_batches(pattern, sources):
        harmonic += search.harmonic
        if betweenness:
            for j, source in enumerate(search.sources):
                distance = search.distances[:, j]
                dependency += _dependency(distance, low, high, int(source))
    return _rescale_harmonic(harmonic, sources, n, pivots), _rescale_betweenness(
        dependency, sources, n, pivots
    )


def _rescale_harmonic(
    harmonic: np.ndarray, sources: np.ndarray, n: int, pivots: np.ndarray | None
) -> np.ndarray:
    if pivots is None or n < 2:
        return harmonic
    k = len(sources)
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    others = np.where(is_source, k - 1, k).astype(float)
    return np.divide(harmonic * (n - 1), others, out=np.zeros(n), where=others > 0)


def _rescale_betweenness(
    dependency: np.ndarray, sources: np.ndarray, n: int, pivots: np.ndarray | None
) -> np.ndarray:
    """Normalise as networkx 3.6 does (undirected, endpoints excluded)."""
    if n <= 2:
        return dependency
    if pivots is None or len(sources) == n:
        return dependency / ((n - 1) * (n - 2))
    k = len(sources)
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    source_scale = 1 / ((k - 1) * (n - 2)) if k > 1 else np.nan
    return dependency * np.where(is_source, source_scale, 1 / (k * (n - 2)))


@dataclass(frozen=True)
class _Search:
    """Breadth-first searches from up to 64 sources.

    ``distances[v, j]`` is the hop distance from ``sources[j]`` to ``v`` (-1 when
    unreachable); ``harmonic[v]`` is ``Σ_j 1 / distances[v, j]`` over reached ``v ≠
    sources[j]``.
    """

    sources: np.ndarray
    distances: np.ndarray
    harmonic: np.ndarray


def _bfs_batches(matrix: sp.csr_matrix, sources: np.ndarray) -> Iterator[_Search]:
    """Searches from ``sources``, 64 at a time.

    Each node holds a 64-bit word whose bit j says "reached from source j"; a level of
    all 64 searches is one OR over every node's neighbours. Distances are stored node by
    node (each level writes whole rows) in int16 while they fit.
    """
    n = matrix.shape[0]
    indptr, indices = matrix.indptr, matrix.indices
    has_neighbours = np.diff(indptr) > 0
    starts = indptr[:-1][has_neighbours]
    for first in range(0, len(sources), _WORD):
        batch = sources[first : first + _WORD]
        width = len(batch)
        bits = np.left_shift(np.uint64(1), np.arange(width, dtype=np.uint64))
        frontier = np.zeros(n, dtype=np.uint64)
        np.bitwise_or.at(frontier, batch, bits)
        visited = frontier.copy()
        distances: np.ndarray = np.full((n, width), -1, dtype=np.int16)
        distances[batch, np.arange(width)] = 0
        harmonic = np.zeros(n)
        level = 0
        while True:
            level += 1
            reached = np.zeros(n, dtype=np.uint64)
            if len(starts):
                reached[has_neighbours] = np.bitwise_or.reduceat(frontier[indices], starts)
            frontier = reached & ~visited
            active = np.flatnonzero(frontier)
            if len(active) == 0:
                break
            if level == np.iinfo(distances.dtype).max:
                distances = distances.astype(np.int64)
            words = frontier[active]
            visited[active] |= words
            harmonic[active] += np.bitwise_count(words) / level
            flags = np.unpackbits(words.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
            flags = flags[:, :width].view(bool)
            if len(active) > n // 8:
                mask = np.zeros((n, width), dtype=bool)
                mask[active] = flags
                np.putmask(distances, mask, level)
            else:
                rows = distances[active]
                rows[flags] = level
                distances[active] = rows
        yield _Search(batch, distances, harmonic)


def _dependency(distance: np.ndarray, low: np.ndarray, high: np.ndarray, source: int) -> np.ndarray:
    """Brandes' dependency of ``source`` on every node (0 at the source itself).

    ``low``/``high`` list each edge once. An edge lies on a shortest path from the source
    when its ends are one hop apart in distance; both ends of an edge are either reached
    or not, so unreached ends (-1) never pass that test together with a reached one.
    """
    n = len(distance)
    near, far = distance[low], distance[high]
    step = far - near
    on_path = np.flatnonzero((step == 1) | (step == -1))
    downward = step[on_path] == 1
    parent = np.where(downward, low[on_path], high[on_path])
    child = np.where(downward, high[on_path], low[on_path])
    level = np.minimum(near[on_path], far[on_path])
    deepest = int(level.max(initial=-1))
    # A stable sort of small integers is a radix sort.
    order = np.argsort(level.astype(np.int16) if deepest < 2**15 else level, kind="stable")
    parent, child, level = parent[order], child[order], level[order]
    bounds = np.searchsorted(level, np.arange(deepest + 2))
    paths = np.zeros(n)
    paths[source] = 1.0
    for depth in range(len(bounds) - 1):
        span = slice(bounds[depth], bounds[depth + 1])
        paths += np.bincount(child[span], weights=paths[parent[span]], minlength=n)
    dependency = np.zeros(n)
    for depth in range(len(bounds) - 2, -1, -1):
        span = slice(bounds[depth], bounds[depth + 1])
        p, c = parent[span], child[span]
        share = paths[p] / paths[c] * (1.0 + dependency[c])
        dependency += np.bincount(p, weights=share, minlength=n)
    dependency[source] = 0.0
    return dependency
