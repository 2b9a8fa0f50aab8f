"""Measures computed by the Graph Data Science library, on one projection at a time.

A projection is a named in-memory graph inside the server; :func:`projection` makes one
for a cut and drops it when the caller is done, even when the computation fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import pandas as pd

from collabnet.backends.neo4j.connection import Connection
from collabnet.errors import BackendError

__all__ = ["has_gds", "pagerank", "pagerank_with_isolated", "projection"]


def has_gds(connection: Connection) -> bool:
    """Whether the server has the Graph Data Science library."""
    try:
        connection.read("gds/version")
    except BackendError:
        return False
    return True


@contextmanager
def projection(connection: Connection, as_of: int | None) -> Iterator[str]:
    """The name of a projection of the links at ``as_of``, dropped afterwards."""
    graph_name = f"collabnet-{uuid.uuid4().hex}"
    try:
        connection.read("gds/project", as_of=as_of, graph_name=graph_name)
        yield graph_name
    finally:
        connection.read("gds/drop", graph_name=graph_name)


def pagerank(
    connection: Connection, as_of: int | None, everyone: Sequence[str], damping: float
) -> pd.DataFrame:
    """Weighted PageRank as ``nx.pagerank(G, alpha=damping, weight="weight")`` gives it.

    GDS ranks the organisations that have links; the isolated ones in ``everyone`` are
    added as networkx treats them (see :func:`pagerank_with_isolated`).
    """
    if not 0 <= damping < 1:
        raise BackendError(f"damping must be at least 0 and below 1, got {damping}")
    with projection(connection, as_of) as graph_name:
        scores = connection.read(
            "gds/pagerank",
            graph_name=graph_name,
            damping=damping,
            max_iterations=1_000,
            tolerance=1e-12,
        )
    linked = {row["id"]: float(row["score"]) for row in scores}
    return pagerank_with_isolated(linked, everyone, damping)


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
    n = len(everyone)
    isolated = [org for org in everyone if org not in linked]
    k = len(isolated)
    share = (1 - damping) / (n - damping * k) if n else 0.0
    total = sum(linked.values())
    scores = {org: share for org in isolated}
    for org, score in linked.items():
        scores[org] = (1 - k * share) * score / total if total else 0.0
    return pd.DataFrame({"id": list(everyone), "pagerank": [scores[o] for o in everyone]})
