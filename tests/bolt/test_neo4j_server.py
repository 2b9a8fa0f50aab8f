"""The real Neo4j 5 + Graph Data Science that tests/neo4j_server.py starts.

The session's server (starting one takes tens of seconds); skipped, with the reason,
where java or the jars from ``make setup`` are missing. Killing it and restarting on
the same store is tested with a push in flight, in ``test_neo4j_faults.py``.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import pytest

from tests.bolt.servers import BoltTarget
from tests.neo4j_server import Neo4jServer, neo4j_available

neo4j = pytest.importorskip("neo4j")

_unavailable = neo4j_available()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(_unavailable is not None, reason=_unavailable or ""),
]


@pytest.fixture
def server(bolt_target: BoltTarget) -> Neo4jServer:
    """The session's Neo4j with GDS: each start costs tens of seconds, so it is shared."""
    return bolt_target.server


def query(server: Neo4jServer, cypher: str, **parameters: Any) -> list[dict[str, Any]]:
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        records, _, _ = driver.execute_query(cypher, parameters, database_="neo4j")
    return [record.data() for record in records]


def test_ready_line_names_the_loopback_port(server: Neo4jServer) -> None:
    lines = server.log.read_text().splitlines()
    assert [line for line in lines if line.startswith("ready:")] == [
        f"ready: bolt://127.0.0.1:{server.port}"
    ]
    assert server.uri == f"bolt://127.0.0.1:{server.port}"


def test_return_one(server: Neo4jServer) -> None:
    assert query(server, "RETURN 1 AS one") == [{"one": 1}]


def test_gds_is_installed(server: Neo4jServer) -> None:
    [row] = query(server, "CALL gds.version() YIELD gdsVersion RETURN gdsVersion")
    assert str(row["gdsVersion"]).startswith("2.")


def test_weighted_pagerank_matches_networkx(server: Neo4jServer) -> None:
    # An undirected path a -2- b -1- c, as collabnet projects its collaboration network.
    query(server, "MATCH (n:PrSmoke) DETACH DELETE n")
    query(
        server,
        "CREATE (:PrSmoke {id: 'a'})-[:LINK {weight: 2.0}]->(b:PrSmoke {id: 'b'}),"
        " (b)-[:LINK {weight: 1.0}]->(:PrSmoke {id: 'c'})",
    )
    query(
        server,
        "CALL gds.graph.project('pr-smoke', 'PrSmoke',"
        " {LINK: {orientation: 'UNDIRECTED', properties: 'weight'}}) YIELD graphName"
        " RETURN graphName",
    )
    try:
        rows = query(
            server,
            "CALL gds.pageRank.stream('pr-smoke', {relationshipWeightProperty: 'weight',"
            " dampingFactor: 0.85, maxIterations: 1000, tolerance: 1e-12})"
            " YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score",
        )
    finally:
        query(server, "CALL gds.graph.drop('pr-smoke') YIELD graphName RETURN graphName")
    query(server, "MATCH (n:PrSmoke) DETACH DELETE n")

    # GDS does not normalise (scores sum to the node count here); networkx does.
    scores = {str(row["id"]): float(row["score"]) for row in rows}
    total = math.fsum(scores.values())
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=2.0)
    graph.add_edge("b", "c", weight=1.0)
    expected = nx.pagerank(graph, alpha=0.85, weight="weight", tol=1e-14, max_iter=10_000)
    assert scores.keys() == expected.keys()
    for node, value in expected.items():
        assert scores[node] / total == pytest.approx(value, abs=1e-6)


def test_wrong_password_is_refused(server: Neo4jServer) -> None:
    with (
        neo4j.GraphDatabase.driver(server.uri, auth=(server.user, "not-the-password")) as driver,
        pytest.raises(neo4j.exceptions.AuthError),
    ):
        driver.verify_connectivity()
    assert query(server, "RETURN 2 AS two") == [{"two": 2}]
