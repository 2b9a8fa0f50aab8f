"""The real Neo4j 5 + Graph Data Science that tests/neo4j_server.py starts.

The session's server (starting one takes tens of seconds); skipped, with the reason,
where java or the jars from ``make setup`` are missing. Killing it and restarting on
the same store is tested with a push in flight, in ``test_neo4j_faults.py``.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from tests.bolt.servers import BoltTarget
from tests.neo4j_server import ROOT, Neo4jServer, neo4j_available

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


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not reaped yet, does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="util-linux's setpriv is not installed")
def test_the_server_stops_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    # A run that dies without stopping its server (SIGKILL, no clean-up) must not leave
    # the JVM behind.
    starter = (
        "import os, signal, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from tests.neo4j_server import Neo4jServer\n"
        f"server = Neo4jServer({str(tmp_path / 'neo4j')!r})\n"
        "server.start()\n"
        "print(server.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", starter], capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    pid = int(run.stdout.split()[-1])
    try:
        deadline = time.monotonic() + 120
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _running(pid), "the server outlived the process that started it"
    finally:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)
