"""Node positions for drawing a network: pivot MDS per component, spread, settled, packed.

Used where the browser should not lay the network out itself (large pages) and for the
report's overview figure.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, shortest_path

__all__ = ["backbone", "layout_positions", "link_ranks"]

# Components up to this size get a force-directed finish (all pairs, so quadratic).
_FORCE_LIMIT = 1_000
# Components up to this size are drawn as a ring: every iterative step costs more in
# per-call overhead than it gains, and real networks have hundreds of these.
_RING_LIMIT = 6
_BIG_COMPONENT = 5_000


def layout_positions(matrix: sp.spmatrix | sp.sparray, *, seed: int = 0) -> np.ndarray:
    """Positions (n x 2) for the nodes of a symmetric adjacency matrix, about 1 unit apart.

    Each connected component is placed by pivot multidimensional scaling (Brandes and
    Pich: classical scaling of the hop distances to up to 50 far-apart pivots), then
    spread so that nodes rarely overlap; components are packed in rows, largest first.
    Linear in the size of the graph, so it takes well under a second at 5,000
    organisations, where force-directed layouts in networkx take minutes.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> path = sp.csr_array(([1, 1, 1, 1], ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(3, 3))
    >>> layout_positions(path).shape
    (3, 2)
    """
    matrix = sp.csr_array(matrix)
    n = matrix.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    count, labels = connected_components(matrix, directed=False)
    members = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[members], np.arange(count + 1))
    components = [members[bounds[c] : bounds[c + 1]] for c in range(count)]
    components.sort(key=len, reverse=True)
    singles = [c for c in components if len(c) == 1]
    groups = [c for c in components if len(c) > 1]
    rng = np.random.default_rng(seed)
    placed: list[tuple[np.ndarray, np.ndarray]] = []
    for nodes in groups:
        if len(nodes) <= _RING_LIMIT:
            placed.append((nodes, _ring(len(nodes))))
            continue
        component = matrix[nodes][:, nodes]
        # On big components half the pivots and spreading rounds still place every node
        # within a few units of where 50 and 40 would; each halving saves seconds.
        big = len(nodes) > _BIG_COMPONENT
        local = _spread(
            _pivot_mds(component, rng, pivots=25 if big else 50),
            rng,
            iterations=20 if big else 40,
        )
        if len(nodes) <= _FORCE_LIMIT:
            local = _settle(local, component)
        placed.append((nodes, local))
    if singles:
        alone = np.concatenate(singles)
        side = math.ceil(math.sqrt(len(alone)))
        grid = np.stack([np.arange(len(alone)) % side, np.arange(len(alone)) // side], axis=1)
        placed.append((alone, grid.astype(float)))
    return _pack(placed, n)


def _ring(n: int) -> np.ndarray:
    """``n`` points on a circle, neighbours 1 unit apart (two points: 1 unit apart)."""
    if n == 2:
        return np.array([[0.0, 0.0], [1.0, 0.0]])
    radius = 0.5 / math.sin(math.pi / n)
    angle = 2 * math.pi * np.arange(n) / n
    return radius * np.column_stack([np.cos(angle), np.sin(angle)])


def _pivot_mds(matrix: sp.csr_array, rng: np.random.Generator, pivots: int = 50) -> np.ndarray:
    n = matrix.shape[0]
    if n <= 2:
        return np.array([[0.0, 0.0], [1.0, 0.0]])[:n]
    k = min(pivots, n)
    distances = np.empty((k, n))
    nearest = np.full(n, np.inf)
    pivot = int(rng.integers(n))
    for row in range(k):
        # The matrix is symmetric already: directed=False would copy it into A + Aᵀ on
        # every call, which costs more than the search itself on large components.
        distances[row] = shortest_path(matrix, directed=True, unweighted=True, indices=pivot)
        nearest = np.minimum(nearest, distances[row])
        # Farthest-first pivots cover the whole component.
        pivot = int(np.argmax(nearest))
    squared = distances.T**2
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean()
    # The top right singular vectors from the k x k Gram matrix: the same coordinates as
    # an SVD of the n x k matrix, at a fraction of its cost when n is large.
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, np.argsort(values)[::-1][:2]]
    coordinates = centred @ top
    if coordinates.shape[1] < 2:
        coordinates = np.column_stack([coordinates, np.zeros(n)])
    return np.asarray(coordinates)


def _spread(positions: np.ndarray, rng: np.random.Generator, iterations: int = 40) -> np.ndarray:
    """Scale to about one node per unit area, then push apart nodes closer than 1 unit."""
    # Imported here: only drawing needs it, and the report hands the overview's layout
    # to another process before it needs anything from scipy.spatial.
    from scipy.spatial import cKDTree

    n = len(positions)
    centred = positions - np.median(positions, axis=0)
    reach = float(np.percentile(np.hypot(centred[:, 0], centred[:, 1]), 90))
    scale = math.sqrt(0.9 * n / math.pi) / reach if reach > 0 else 1.0
    current = centred * scale
    for step in range(iterations):
        pairs = cKDTree(current).query_pairs(1.0, output_type="ndarray")
        if len(pairs) == 0:
            break
        first, second = pairs[:, 0], pairs[:, 1]
        delta = current[first] - current[second]
        distance = np.hypot(delta[:, 0], delta[:, 1])
        stacked = distance < 1e-9
        if stacked.any():
            angle = rng.random(int(stacked.sum())) * 2 * math.pi
            delta[stacked] = np.column_stack([np.cos(angle), np.sin(angle)]) * 1e-3
            distance[stacked] = 1e-3
        push = ((1.0 - distance) / distance / 4)[:, None] * delta
        move = np.zeros_like(current)
        for axis in (0, 1):
            move[:, axis] = np.bincount(first, push[:, axis], n) - np.bincount(
                second, push[:, axis], n
            )
        length = np.hypot(move[:, 0], move[:, 1]) + 1e-12
        cap = 2.0 * (1 - step / iterations) + 0.1
        current = current + move * (np.minimum(length, cap) / length)[:, None]
    return current


def _settle(positions: np.ndarray, matrix: sp.csr_array, iterations: int = 60) -> np.ndarray:
    """Fruchterman–Reingold from the given start: every pair repels, linked pairs attract.

    Ideal distance 1; the step shrinks linearly, so a good start (pivot MDS) is kept in
    its broad shape while clusters and leaves fall into place.
    """
    n = len(positions)
    upper = sp.triu(matrix, k=1).tocoo()
    first, second = upper.row, upper.col
    # Single precision halves the memory traffic of the all-pairs arrays.
    current = positions.astype(np.float32)
    step = max(float(np.ptp(current, axis=0).max()) / 10, 1.0)
    for iteration in range(iterations):
        x, y = current[:, 0], current[:, 1]
        squared = (x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2
        inverse = 1.0 / np.maximum(squared, 1e-4)
        np.fill_diagonal(inverse, 0.0)
        # Σ_j (p_i - p_j) / d_ij² without forming the n × n × 2 differences.
        move = current * inverse.sum(axis=1)[:, None] - inverse @ current
        along = current[first] - current[second]
        length = np.sqrt((along**2).sum(axis=1))[:, None]
        pull = along * length
        for axis in (0, 1):
            move[:, axis] -= np.bincount(first, pull[:, axis], n)
            move[:, axis] += np.bincount(second, pull[:, axis], n)
        size = np.maximum(np.sqrt((move**2).sum(axis=1)), 1e-12)
        limit = step * (1 - iteration / iterations) + 0.01
        current += (move * (np.minimum(size, limit) / size)[:, None]).astype(np.float32)
    return current.astype(float)


def _pack(placed: list[tuple[np.ndarray, np.ndarray]], n: int) -> np.ndarray:
    """Shelf-pack components (largest first) into rows about as wide as the whole is tall."""
    margin = 2.0
    boxes = [local - local.min(axis=0) for _, local in placed]
    extents = [box.max(axis=0) + margin for box in boxes]
    area = sum(float(w * h) for w, h in extents)
    width = max(math.sqrt(area), max(float(w) for w, _ in extents))
    positions = np.zeros((n, 2))
    x = y = row_height = 0.0
    for (nodes, _), box, (w, h) in zip(placed, boxes, extents, strict=True):
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        positions[nodes] = box + np.array([x, y])
        x += float(w)
        row_height = max(row_height, float(h))
    return positions - positions.mean(axis=0)


def backbone(
    a: np.ndarray, b: np.ndarray, weight: np.ndarray, degree: np.ndarray, *, per_node: int = 2
) -> np.ndarray:
    """Which links are among some organisation's ``per_node`` strongest (boolean mask).

    Strongest by weight; between equal weights, the link to the better-connected partner,
    so that a peripheral organisation hangs from the hub it works with. Every
    organisation with a link keeps at least one. ``link_ranks(...) < per_node``.

    Examples
    --------
    >>> a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    >>> backbone(a, b, np.array([3.0, 1.0, 2.0]), np.array([3, 1, 1, 1]), per_node=1)
    array([ True,  True,  True])
    >>> backbone(a, b, np.array([3.0, 1.0, 2.0]), np.array([3, 9, 1, 1]), per_node=1)
    array([ True,  True,  True])
    """
    return link_ranks(a, b, weight, degree) < per_node


def link_ranks(a: np.ndarray, b: np.ndarray, weight: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Each link's rank among the links of the end where it ranks best (0: the strongest).

    The order is :func:`backbone`'s; one sort serves every ``per_node``.

    Examples
    --------
    >>> a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    >>> link_ranks(a, b, np.array([3.0, 1.0, 2.0]), np.array([3, 1, 1, 1])).tolist()
    [0, 0, 0]
    >>> link_ranks(a, np.array([1, 1, 1]), np.array([3.0, 1.0, 2.0]), np.array([3, 3])).tolist()
    [0, 2, 1]
    """
    count = len(a)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    node = np.concatenate([a, b])
    other = np.concatenate([b, a])
    strength = np.concatenate([weight, weight])
    order = np.lexsort((-degree[other], -strength, node))
    ranked = node[order]
    # Position of each entry within its node's run of the sorted order.
    within = np.empty(len(order), dtype=np.int64)
    within[order] = np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")
    # Entry i is link i seen from a, entry count + i the same link seen from b.
    return np.minimum(within[:count], within[count:])
