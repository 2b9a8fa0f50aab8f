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

__all__ = ["MEASURES", "has_gds", "measures", "pagerank_with_isolated", "projection"]

# What one projection gives, in the columns of collabnet.analysis.centrality. Not
# eigenvector centrality: GDS iterates x <- A x where networkx iterates x <- (A + I) x,
# and on a network that is nearly bipartite (enterprises and platforms) GDS's iteration
# oscillates instead of converging (measured: 0.2 off the in-memory scores on the sample).
MEASURES = ("pagerank", "core_number", "harmonic")


def has_gds(connection: Connection) -> bool:
    """Whether the server has the Graph Data Science library."""
    try:
        connection.read("gds/version")
    except BackendError:
        return False
    return True


@contextmanager
def projection(
    connection: Connection, as_of: int | None, listed_links: int | None = None
) -> Iterator[tuple[str, int]]:
    """The name and node count of a projection of the network at ``as_of`` (see
    ``gds/project``), dropped when the block ends, whether or not it raised."""
    graph_name = f"collabnet-{uuid.uuid4().hex}"
    try:
        made = connection.read(
            "gds/project", as_of=as_of, graph_name=graph_name, listed_links=listed_links
        )
        yield graph_name, int(made[0]["nodes"]) if made else 0
    finally:
        connection.read("gds/drop", graph_name=graph_name)


def measures(
    connection: Connection,
    as_of: int | None,
    everyone: Sequence[str],
    *,
    damping: float,
    listed_links: int | None = None,
) -> pd.DataFrame:
    """:data:`MEASURES` of ``everyone`` at ``as_of``, all from one projection.

    ``pagerank`` is ``nx.pagerank(G, alpha=damping, weight="weight")``: GDS ranks the
    organisations that have links and the isolated ones are added as networkx treats
    them (see :func:`pagerank_with_isolated`). ``core_number`` is networkx's
    ``core_number`` and ``harmonic`` its ``harmonic_centrality`` (exact, never
    sampled); both are 0 for an organisation without links.
    """
    if not 0 <= damping < 1:
        raise BackendError(f"damping must be at least 0 and below 1, got {damping}")
    with projection(connection, as_of, listed_links) as (graph_name, nodes):
        ranks = connection.read(
            "gds/pagerank",
            graph_name=graph_name,
            damping=damping,
            max_iterations=1_000,
            tolerance=1e-12,
        )
        cores = connection.read("gds/kcore", graph_name=graph_name)
        closeness = connection.read("gds/harmonic", graph_name=graph_name)
    frame = pagerank_with_isolated(
        {row["id"]: float(row["score"]) for row in ranks}, everyone, damping
    )
    core = {row["id"]: int(row["core_number"]) for row in cores}
    frame["core_number"] = frame["id"].map(core).fillna(0).astype("int64")
    # GDS divides by the projection's node count minus one; networkx reports the sum.
    harmonic = {row["id"]: float(row["score"]) * (nodes - 1) for row in closeness}
    frame["harmonic"] = frame["id"].map(harmonic).fillna(0.0).astype(float)
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
    n = len(everyone)
    isolated = [org for org in everyone if org not in linked]
    k = len(isolated)
    share = (1 - damping) / (n - damping * k) if n else 0.0
    total = sum(linked.values())
    scores = {org: share for org in isolated}
    for org, score in linked.items():
        scores[org] = (1 - k * share) * score / total if total else 0.0
    return pd.DataFrame({"id": list(everyone), "pagerank": [scores[o] for o in everyone]})
