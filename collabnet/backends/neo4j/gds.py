"""Measures computed by the Graph Data Science library, on one projection at a time.

A projection is a named in-memory graph inside the server; :func:`projection` makes one
for a cut and drops it when the caller is done, even when the computation fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from collabnet.backends.neo4j.connection import Connection
from collabnet.errors import BackendError

__all__ = [
    "MEASURES",
    "communities",
    "has_gds",
    "measures",
    "pagerank_with_isolated",
    "per_organization",
    "projection",
    "without_links",
]

# What one projection gives, in the columns of collabnet.analysis.centrality. Harmonic
# closeness and betweenness come back as raw sums (see :func:`measures`); the analysis
# scales them as it scales its own.
MEASURES = ("pagerank", "eigenvector", "core_number", "harmonic", "betweenness")


def has_gds(connection: Connection) -> bool:
    """Whether the server has the Graph Data Science library."""
    try:
        connection.read("gds/version")
    except BackendError:
        return False
    return True


@contextmanager
def projection(
    connection: Connection, as_of: int | None, listed: Mapping[str, int] | None = None
) -> Iterator[tuple[str, int]]:
    """The name and node count of a projection of the network at ``as_of`` (see
    ``gds/project``), dropped when the block ends, whether or not it raised. ``listed``:
    with participations, how many links and organisations came from files
    (``listed_links``, ``listed_organizations``)."""
    graph_name = f"collabnet-{uuid.uuid4().hex}"
    counts = {"listed_links": None, "listed_organizations": None, **(listed or {})}
    try:
        made = connection.read("gds/project", as_of=as_of, graph_name=graph_name, **counts)
        yield graph_name, int(made[0]["nodes"]) if made else 0
    finally:
        connection.read("gds/drop", graph_name=graph_name)


def measures(
    connection: Connection,
    as_of: int | None,
    everyone: Sequence[str],
    *,
    damping: float,
    listed: Mapping[str, int] | None = None,
    sources: Sequence[str] | None = None,
    seed: int = 0,
    tol: float = 1e-10,
) -> pd.DataFrame:
    """:data:`MEASURES` of ``everyone`` at ``as_of``, all from one projection.

    - ``pagerank``: ``nx.pagerank(G, alpha=damping, weight="weight")``; GDS ranks the
      organisations that have links and the isolated ones are added as networkx treats
      them (see :func:`pagerank_with_isolated`).
    - ``eigenvector``: ``nx.eigenvector_centrality(G)`` (unweighted), iterated to ``tol``.
    - ``core_number``: ``nx.core_number(G)``.
    - ``harmonic``: ``Σ 1 / d(s, v)`` over the ``sources`` (every organisation when
      ``None``), unscaled.
    - ``betweenness``: the summed pair dependencies from every organisation, or, with
      ``sources``, from as many sources drawn by GDS with ``seed``; unscaled, each
      shortest path between two organisations counted once.

    Also ``component``, each organisation's connected component (GDS's numbers).

    Organisations without links score 0 on all but PageRank (and eigenvector
    centrality when nobody has a link).
    """
    if not 0 <= damping < 1:
        raise BackendError(f"damping must be at least 0 and below 1, got {damping}")
    index = pd.Index(everyone)
    with projection(connection, as_of, listed) as (graph_name, nodes):

        def aligned(name: str, column: str, **params: Any) -> np.ndarray:
            # One result at a time, as an array in the order of ``everyone``: the
            # lists read back are let go before the next statement runs.
            gathered = connection.read_columns(name, graph_name=graph_name, **params)
            values = pd.Series(gathered[column], index=gathered["id"], dtype=float)
            return values.reindex(index).fillna(0.0).to_numpy()

        core = aligned("gds/kcore", "core_number")
        rank = aligned(
            "gds/pagerank", "score", damping=damping, max_iterations=1_000, tolerance=1e-12
        )
        vector = aligned("gds/eigenvector", "score", max_iterations=10_000, tolerance=tol)
        if sources is None:
            # GDS divides by the projection's node count minus one.
            harmonic = aligned("gds/harmonic", "score") * (nodes - 1)
        else:
            harmonic = aligned("gds/harmonic_pivots", "score", pivots=list(sources))
        between = aligned(
            "gds/betweenness",
            "score",
            sampling_size=nodes if sources is None else len(sources),
            sampling_seed=seed,
        )
        # Not one of MEASURES: kept with them, so that the components of the same cut
        # need no projection of their own.
        component = aligned("gds/components", "component")
    linked = core > 0
    frame = pd.DataFrame({"id": list(everyone)})
    frame["pagerank"] = _pagerank_with_isolated(rank, linked, damping)
    if linked.any():
        vector = np.where(linked, vector, 0.0)
        frame["eigenvector"] = vector / np.linalg.norm(vector)
    else:
        # No links: every organisation alike, as networkx's start vector.
        frame["eigenvector"] = 1.0 / np.sqrt(max(len(frame), 1))
    frame["core_number"] = core.astype("int64")
    frame["harmonic"] = harmonic
    frame["betweenness"] = between
    frame["component"] = component.astype("int64")
    return frame


def communities(
    connection: Connection,
    as_of: int | None,
    *,
    seed: int,
    resolution: float,
    listed: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Leiden communities at ``as_of``: a frame of ``id`` and ``community`` (GDS's
    numbers), with ``attrs["modularity"]`` as GDS measures it (weighted, at
    ``resolution``). Every organisation of the projection is in it; one without links
    is a community of its own."""
    if resolution <= 0:
        raise BackendError(f"resolution must be positive, got {resolution}")
    with projection(connection, as_of, listed) as (graph_name, _):
        [found] = connection.read(
            "gds/leiden", graph_name=graph_name, resolution=resolution, seed=seed
        )
        rows = connection.read("gds/communities", graph_name=graph_name)
    frame = pd.DataFrame(
        {"id": [row["id"] for row in rows], "community": [int(row["community"]) for row in rows]}
    )
    frame.attrs["modularity"] = float(found["modularity"])
    return frame


def per_organization(
    connection: Connection, as_of: int | None, name: str, listed: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """``triangles`` (``nx.triangles``) or ``component`` (a number per connected
    component) of every organisation of a projection of the network at ``as_of``: a frame
    of ``id`` and that column (integers)."""
    statement = {"triangles": "gds/triangles", "component": "gds/components"}[name]
    with projection(connection, as_of, listed) as (graph_name, _):
        counted = connection.read_columns(statement, graph_name=graph_name)
    return pd.DataFrame({"id": counted["id"], name: np.asarray(counted[name], dtype=np.int64)})


def without_links(name: str, everyone: Sequence[str]) -> pd.DataFrame:
    """What :func:`measures`, :func:`per_organization` and :func:`communities` give for
    measure ``name`` at a cut without any link, where GDS has no relationship to run
    on: every organisation is alone, as networkx has it (PageRank ``1/n``, eigenvector
    centrality ``1/√n``, zeros, a component and a community each; modularity 0)."""
    n = len(everyone)
    frame = pd.DataFrame({"id": list(everyone)})
    alone = {
        "pagerank": np.full(n, 1.0 / n) if n else np.zeros(0),
        "eigenvector": np.full(n, 1.0 / np.sqrt(n)) if n else np.zeros(0),
        "core_number": np.zeros(n, dtype=np.int64),
        "harmonic": np.zeros(n),
        "betweenness": np.zeros(n),
        "triangles": np.zeros(n, dtype=np.int64),
        "component": np.arange(n, dtype=np.int64),
        "community": np.arange(n, dtype=np.int64),
    }
    column = "community" if name == "communities" else name
    frame[column] = alone[column]
    if name == "communities":
        frame.attrs["modularity"] = 0.0
    return frame


def pagerank_with_isolated(
    linked: Mapping[str, float], everyone: Sequence[str], damping: float
) -> pd.DataFrame:
    """networkx's PageRank of the whole network from the PageRank of its linked part.

    ``linked`` holds scores (any scale) for the organisations that have at least one
    link, as GDS computes them; ``everyone`` lists all organisations. networkx spreads
    an isolated organisation's rank evenly over all ``n``, so each of the ``k`` isolated
    ones ends with ``s = (1 - d) / (n - d k)``, and the linked ones share ``1 - k s`` in
    proportion to their PageRank among themselves.

    Examples
    --------
    >>> ranks = pagerank_with_isolated({"a": 1.0, "b": 1.0}, ["a", "b", "c"], 0.85)
    >>> ranks["pagerank"].round(4).tolist()
    [0.4651, 0.4651, 0.0698]
    """
    has_links = np.array([org in linked for org in everyone], dtype=bool)
    scores = np.array([linked.get(org, 0.0) for org in everyone], dtype=float)
    ranks = _pagerank_with_isolated(scores, has_links, damping)
    return pd.DataFrame({"id": list(everyone), "pagerank": ranks})


def _pagerank_with_isolated(scores: np.ndarray, linked: np.ndarray, damping: float) -> np.ndarray:
    """:func:`pagerank_with_isolated` on arrays: GDS's ``scores`` where ``linked``."""
    n = len(scores)
    k = int((~linked).sum())
    share = (1 - damping) / (n - damping * k) if n else 0.0
    total = float(scores[linked].sum())
    shared = (1 - k * share) * scores / total if total else np.zeros(n)
    return np.where(linked, shared, share)
