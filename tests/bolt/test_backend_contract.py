"""One contract, every backend: the files in memory, Neo4j with Graph Data Science, and
Neo4j without it give the same answers.

Degrees and core numbers are exact, harmonic closeness and PageRank within 1e-6 (GDS
iterates PageRank to 1e-12), each checked against networkx on the graph built from the
files, and against what the backend says it computes natively
(:attr:`GraphBackend.native_measures`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from collabnet.analysis.centrality import centrality
from collabnet.backends import GraphBackend
from collabnet.backends.memory import MemoryBackend
from collabnet.backends.neo4j import Neo4jBackend
from collabnet.graph import build_graph
from collabnet.tables import Tables, load_tables
from tests.bolt.servers import PASSWORD
from tests.bolt.test_neo4j_participations import projects_network

pytestmark = pytest.mark.bolt

BACKENDS = ["files", "neo4j", "neo4j-without-gds"]
EXPECTED_NATIVE = {
    "files": set(),
    "neo4j": {"degree", "pagerank", "core_number", "harmonic"},
    "neo4j-without-gds": {"degree"},
}


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Tables:
    return load_tables(sample_dir)


@pytest.fixture(params=BACKENDS)
def holding(request: pytest.FixtureRequest) -> Callable[[Tables], GraphBackend]:
    """A function giving a backend that holds the given tables (pushed, for Neo4j)."""

    def make(tables: Tables) -> GraphBackend:
        if request.param == "files":
            return MemoryBackend(tables)
        name = "backend" if request.param == "neo4j" else "bare_backend"
        database: Neo4jBackend = request.getfixturevalue(name)
        database.push(tables)
        return database

    make.kind = request.param  # type: ignore[attr-defined]
    return make


def reference(tables: Tables, as_of: int | None) -> tuple[nx.Graph, pd.DataFrame]:
    """networkx's graph of the files at the cut, and its degrees, PageRank and cores."""
    graph = build_graph(tables.as_of(as_of), records=False)
    ids = list(graph.nodes)
    frame = pd.DataFrame(
        {
            "degree": [graph.degree(n) for n in ids],
            "weighted_degree": [float(graph.degree(n, weight="weight")) for n in ids],
            "pagerank": pd.Series(
                nx.pagerank(graph, weight="weight", tol=1e-13, max_iter=10_000)
            ).loc[ids],
            "core_number": pd.Series(nx.core_number(graph)).loc[ids],
            "harmonic": pd.Series(nx.harmonic_centrality(graph)).loc[ids],
        },
        index=pd.Index(ids, name="id"),
    )
    return graph, frame.sort_index()


@pytest.mark.parametrize("as_of", [None, 2020])
def test_degrees_pagerank_and_cores_agree(
    holding: Callable[[Tables], GraphBackend], sample: Tables, as_of: int | None
) -> None:
    backend = holding(sample)
    assert set(backend.native_measures) == EXPECTED_NATIVE[holding.kind]  # type: ignore[attr-defined]
    _, expected = reference(sample, as_of)
    hubs = centrality(backend.snapshot(as_of)).set_index("id").sort_index()
    pd.testing.assert_frame_equal(
        hubs[["degree", "weighted_degree", "core_number"]],
        expected[["degree", "weighted_degree", "core_number"]],
        check_dtype=False,
    )
    pd.testing.assert_series_equal(
        hubs["pagerank"], expected["pagerank"], check_exact=False, rtol=1e-6
    )
    for name in backend.native_measures:
        native = backend.measure(name, as_of, {"damping": 0.85}).set_index("id").sort_index()
        columns = ["degree", "weighted_degree"] if name == "degree" else [name]
        pd.testing.assert_frame_equal(
            native[columns], expected[columns], check_dtype=False, check_exact=False, rtol=1e-6
        )


def test_a_cut_of_a_participations_network_agrees(
    holding: Callable[[Tables], GraphBackend], tmp_path: Path
) -> None:
    tables = projects_network(tmp_path / "projects")
    backend = holding(tables)
    for as_of in (2015, 2016, None):
        _, expected = reference(tables, as_of)
        hubs = centrality(backend.snapshot(as_of)).set_index("id").sort_index()
        pd.testing.assert_frame_equal(
            hubs[["degree", "weighted_degree", "core_number"]],
            expected[["degree", "weighted_degree", "core_number"]],
            check_dtype=False,
        )
        pd.testing.assert_series_equal(
            hubs["pagerank"], expected["pagerank"], check_exact=False, rtol=1e-6
        )
        if "pagerank" in backend.native_measures:
            native = backend.measure("pagerank", as_of, {"damping": 0.85})
            pd.testing.assert_series_equal(
                native.set_index("id")["pagerank"].sort_index(),
                expected["pagerank"],
                check_exact=False,
                rtol=1e-6,
            )


def test_without_gds_the_fallback_is_said_once(
    bare_backend: Neo4jBackend, tiny_tables: Tables, capsys: pytest.CaptureFixture[str]
) -> None:
    bare_backend.push(tiny_tables)
    fresh = Neo4jBackend(bare_backend.uri, user=bare_backend.user, password=PASSWORD)
    try:
        centrality(fresh.snapshot())
        centrality(fresh.snapshot(2020))
    finally:
        fresh.close()
    assert capsys.readouterr().err == (
        f"collabnet: the database at {fresh.uri} has no Graph Data Science library: "
        "PageRank, core numbers and harmonic closeness are computed in memory\n"
    )
