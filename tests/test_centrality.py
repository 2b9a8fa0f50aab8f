"""Centrality measures against networkx's own functions, called the same way.

Tolerances: degree, k-core, harmonic and betweenness are exact computations (1e-12);
PageRank runs both sides to tol=1e-12 (compared at 1e-10); eigenvector centrality
compares the ARPACK/dense eigenvector with networkx's power iteration run to tol=1e-12
(compared at 1e-7, the accuracy networkx's stopping rule guarantees).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from collabnet.analysis.centrality import (
    MEASURES,
    centrality,
    choose_pivots,
)
from collabnet.backends.memory import MemoryBackend
from collabnet.errors import InputError
from collabnet.graph import adjacency, build_graph
from collabnet.tables import Tables, default_industries, load_tables

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from synthetic import make_tables

TYPES = ("platform", "enterprise", "university", "institute", "other")


def graph_tables(graph: nx.Graph, seed: int = 0, repeat_share: float = 0.2) -> Tables:
    """Tables for a networkx graph: random types and weights; some pairs get two link
    rows, so the weights summed per pair are exercised."""
    rng = np.random.default_rng(seed)
    nodes = list(graph)
    n = len(nodes)
    ids = [f"N{v:04d}" for v in nodes]
    organizations = pd.DataFrame(
        {
            "id": pd.array(ids, dtype="str"),
            "name": pd.array([f"机构{v}" for v in nodes], dtype="str"),
            "type": pd.array(rng.choice(TYPES, size=n), dtype="str"),
            "industries": pd.Series([()] * n, dtype=object),
            "county": pd.array([None] * n, dtype="str"),
            "level": pd.array(["none"] * n, dtype="str"),
            "founded": pd.array([pd.NA] * n, dtype="Int64"),
            "rd_institution": np.zeros(n, dtype=bool),
            "leading": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    rows = []
    for u, v in graph.edges:
        rows.append((f"N{u:04d}", f"N{v:04d}", float(rng.integers(1, 4))))
        if rng.random() < repeat_share:
            rows.append((f"N{v:04d}", f"N{u:04d}", float(rng.integers(1, 3))))
    links = pd.DataFrame(
        {
            "source": pd.array([r[0] for r in rows], dtype="str"),
            "target": pd.array([r[1] for r in rows], dtype="str"),
            "kind": pd.array(["joint_project"] * len(rows), dtype="str"),
            "year": pd.array([pd.NA] * len(rows), dtype="Int64"),
            "weight": np.array([r[2] for r in rows], dtype=float),
            "funding": np.full(len(rows), np.nan),
        }
    )
    return Tables(organizations=organizations, links=links, industries=default_industries())


def _graphs() -> list[tuple[str, nx.Graph]]:
    graphs = []
    for seed in range(3):
        graphs.append((f"gnm-sparse-{seed}", nx.gnm_random_graph(40, 30, seed=seed)))
        graphs.append((f"gnm-dense-{seed}", nx.gnm_random_graph(40, 150, seed=seed)))
        graphs.append((f"powerlaw-{seed}", nx.powerlaw_cluster_graph(60, 2, 0.3, seed=seed)))
    two_parts = nx.disjoint_union(nx.path_graph(7), nx.complete_graph(5))
    two_parts.add_nodes_from([100, 101])
    graphs.append(("path+clique+isolated", two_parts))
    return graphs


GRAPHS = _graphs()


def _by_id(values: dict[object, float], graph: nx.Graph) -> pd.Series:
    return pd.Series({node: values[node] for node in graph})


@pytest.fixture(scope="module", params=GRAPHS, ids=[name for name, _ in GRAPHS])
def case(request: pytest.FixtureRequest) -> tuple[Tables, nx.Graph, pd.DataFrame]:
    _, graph = request.param
    tables = graph_tables(graph, seed=len(graph))
    reference = build_graph(tables, records=False)
    ours = centrality(tables, tol=1e-13).set_index("id")
    return tables, reference, ours


def test_graph_cases_are_disconnected_where_intended() -> None:
    disconnected = [name for name, g in GRAPHS if not nx.is_connected(g)]
    assert "path+clique+isolated" in disconnected
    assert any(name.startswith("gnm-sparse") for name in disconnected)


def test_degree_and_weighted_degree(case: tuple[Tables, nx.Graph, pd.DataFrame]) -> None:
    _, graph, ours = case
    for node, degree in graph.degree():
        assert ours.at[node, "degree"] == degree
    for node, strength in graph.degree(weight="weight"):
        assert ours.at[node, "weighted_degree"] == pytest.approx(strength, abs=1e-12)


def test_pagerank_weighted(case: tuple[Tables, nx.Graph, pd.DataFrame]) -> None:
    _, graph, ours = case
    expected = nx.pagerank(graph, weight="weight", tol=1e-12, max_iter=10_000)
    np.testing.assert_allclose(
        ours.loc[list(graph), "pagerank"], _by_id(expected, graph), rtol=0, atol=1e-10
    )


def test_eigenvector_counts_hops(case: tuple[Tables, nx.Graph, pd.DataFrame]) -> None:
    _, graph, ours = case
    expected = nx.eigenvector_centrality(graph, tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(
        ours.loc[list(graph), "eigenvector"], _by_id(expected, graph), rtol=0, atol=1e-7
    )


def test_harmonic_on_hops(case: tuple[Tables, nx.Graph, pd.DataFrame]) -> None:
    _, graph, ours = case
    expected = nx.harmonic_centrality(graph)
    np.testing.assert_allclose(
        ours.loc[list(graph), "harmonic"], _by_id(expected, graph), rtol=0, atol=1e-12
    )


def test_betweenness_on_hops(case: tuple[Tables, nx.Graph, pd.DataFrame]) -> None:
    _, graph, ours = case
    expected = nx.betweenness_centrality(graph)
    np.testing.assert_allclose(
        ours.loc[list(graph), "betweenness"], _by_id(expected, graph), rtol=0, atol=1e-12
    )


def test_core_number(case: tuple[Tables, nx.Graph, pd.DataFrame]) -> None:
    _, graph, ours = case
    expected = nx.core_number(graph)
    assert ours.loc[list(graph), "core_number"].tolist() == [expected[v] for v in graph]


@pytest.mark.parametrize(("seed", "pivots"), [(0, 5), (3, 12), (7, 1)])
def test_sampled_estimates_match_networkx_with_the_same_pivots(seed: int, pivots: int) -> None:
    tables = graph_tables(nx.powerlaw_cluster_graph(80, 2, 0.2, seed=seed), seed=seed)
    graph = build_graph(tables, records=False)
    ours = centrality(tables, exact_limit=10, pivots=pivots, seed=seed).set_index("id")
    expected = nx.betweenness_centrality(graph, k=pivots, seed=seed)
    # With one pivot both leave the pivot's own betweenness undefined (NaN).
    np.testing.assert_allclose(
        ours.loc[list(graph), "betweenness"], _by_id(expected, graph), rtol=0, atol=1e-12
    )
    sources = set(random.Random(seed).sample(list(graph), pivots))
    raw = nx.harmonic_centrality(graph, sources=sources)
    n = graph.number_of_nodes()
    expected_harmonic = {}
    for v in graph:
        others = pivots - 1 if v in sources else pivots
        expected_harmonic[v] = raw[v] * (n - 1) / others if others else 0.0
    np.testing.assert_allclose(
        ours.loc[list(graph), "harmonic"], _by_id(expected_harmonic, graph), rtol=0, atol=1e-12
    )


def test_sampled_estimates_are_reported() -> None:
    tables = graph_tables(nx.gnm_random_graph(30, 60, seed=1))
    sampled = centrality(tables, exact_limit=20, pivots=6, seed=9)
    assert sampled.attrs["estimates"]["betweenness"] == {
        "method": "sampled",
        "pivots": 6,
        "seed": 9,
        "organizations": 30,
        "exact_limit": 20,
    }
    exact = centrality(tables)
    assert exact.attrs["estimates"]["harmonic"]["method"] == "exact"


def test_every_node_as_pivot_is_exact() -> None:
    tables = graph_tables(nx.gnm_random_graph(25, 50, seed=4))
    exact = centrality(tables).set_index("id").sort_index()
    sampled = centrality(tables, exact_limit=0, pivots=25).set_index("id").sort_index()
    np.testing.assert_allclose(sampled["harmonic"], exact["harmonic"], atol=1e-12)
    np.testing.assert_allclose(sampled["betweenness"], exact["betweenness"], atol=1e-12)


def test_pivot_draw_matches_python_random_sample() -> None:
    assert choose_pivots(50, 7, 11).tolist() == random.Random(11).sample(range(50), 7)
    with pytest.raises(InputError, match="cannot draw 8 pivots from 5"):
        choose_pivots(5, 8, 0)


def test_eigenvector_splits_between_identical_components_as_networkx_does() -> None:
    """Two separate triangles share the largest eigenvalue; networkx's iteration from
    the all-ones vector weighs them equally, so every node gets 1/√6."""
    graph = nx.disjoint_union(nx.complete_graph(3), nx.complete_graph(3))
    graph.add_node(6)
    tables = graph_tables(graph, repeat_share=0.0)
    tables.links["weight"] = 1.0
    ours = centrality(tables).set_index("id")
    reference = build_graph(tables, records=False)
    expected = nx.eigenvector_centrality(reference, tol=1e-12, max_iter=10_000)
    np.testing.assert_allclose(
        ours.loc[list(reference), "eigenvector"], _by_id(expected, reference), atol=1e-7
    )
    assert ours.loc["N0000", "eigenvector"] == pytest.approx(1 / np.sqrt(6), abs=1e-9)
    assert ours.loc["N0006", "eigenvector"] == 0.0


def test_network_without_links() -> None:
    tables = graph_tables(nx.empty_graph(4))
    ours = centrality(tables).set_index("id")
    reference = build_graph(tables, records=False)
    assert ours["pagerank"].tolist() == pytest.approx([0.25] * 4)
    expected = nx.eigenvector_centrality(reference)
    assert ours["eigenvector"].tolist() == pytest.approx([expected[v] for v in ours.index])
    assert (ours[["degree", "harmonic", "betweenness", "core_number"]] == 0).all().all()


def test_larger_graph_uses_the_sparse_eigensolver() -> None:
    """Over 400 nodes the eigenvector comes from ARPACK, not a dense solver."""
    tables = graph_tables(nx.powerlaw_cluster_graph(600, 3, 0.2, seed=5), seed=5)
    graph = build_graph(tables, records=False)
    ours = centrality(tables, exact_limit=100, tol=1e-13).set_index("id")
    expected = nx.eigenvector_centrality(graph, tol=1e-12, max_iter=10_000)
    np.testing.assert_allclose(
        ours.loc[list(graph), "eigenvector"], _by_id(expected, graph), atol=1e-7
    )
    pagerank = nx.pagerank(graph, weight="weight", tol=1e-12, max_iter=10_000)
    np.testing.assert_allclose(
        ours.loc[list(graph), "pagerank"], _by_id(pagerank, graph), atol=1e-10
    )


def test_rank_in_type_and_order(tiny_tables: Tables) -> None:
    """tiny: P1 has 4 partners (E2, U1, U2, E3), P2 has 2 (E1, U2); E1 has 2 (P2, U2),
    E2 has 2 (P1, U1), E3 has 1 (P1)."""
    hubs = centrality(tiny_tables, measure="degree")
    assert hubs["id"].iloc[0] == "P1"
    ranks = hubs.set_index("id")["rank_in_type"]
    assert ranks["P1"] == 1
    assert ranks["P2"] == 2
    assert ranks["E1"] == 1
    assert ranks["E2"] == 1
    assert ranks["E3"] == 3
    assert hubs.attrs["measure"] == "degree"
    assert list(hubs.columns) == ["id", "name", "type", *MEASURES, "rank_in_type"]


@pytest.mark.slow
def test_sample_against_networkx(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    graph = build_graph(tables, records=False)
    ours = centrality(tables, tol=1e-13).set_index("id").loc[list(graph)]
    checks = {
        "pagerank": (nx.pagerank(graph, weight="weight", tol=1e-12, max_iter=10_000), 1e-10),
        "eigenvector": (
            nx.eigenvector_centrality(graph, tol=1e-12, max_iter=10_000),
            1e-7,
        ),
        "harmonic": (nx.harmonic_centrality(graph), 1e-9),
        "betweenness": (nx.betweenness_centrality(graph), 1e-12),
        "core_number": (nx.core_number(graph), 0),
    }
    for column, (expected, tolerance) in checks.items():
        np.testing.assert_allclose(
            ours[column], _by_id(expected, graph), rtol=0, atol=tolerance, err_msg=column
        )


def test_bad_arguments(tiny_tables: Tables) -> None:
    with pytest.raises(InputError, match="unknown measure 'fame'"):
        centrality(tiny_tables, measure="fame")
    with pytest.raises(InputError, match="pivots must be at least 1"):
        centrality(tiny_tables, pivots=0)
    with pytest.raises(InputError, match="expected a Snapshot or Tables"):
        centrality("data/sample")


def test_adjacency_sums_repeated_links(tiny_tables: Tables) -> None:
    """tiny has E1–P2 twice (co-built centre, weight 1; joint project, weight 1)."""
    matrix = adjacency(tiny_tables)
    where = {org_id: i for i, org_id in enumerate(matrix.ids)}
    assert matrix.matrix[where["E1"], where["P2"]] == 2.0
    assert matrix.matrix[where["P2"], where["E1"]] == 2.0
    assert matrix.matrix[where["E2"], where["P1"]] == 2.0
    assert matrix.hops.sum() == 2 * 8


def test_synthetic_network_has_the_sample_shape() -> None:
    tables = make_tables(5_000, 40_000, seed=2)
    orgs, links = tables.organizations, tables.links
    assert len(orgs) == 5_000
    assert len(links) == 40_000
    assert not (links["source"] == links["target"]).any()
    shares = orgs["type"].value_counts(normalize=True)
    assert shares["platform"] == pytest.approx(0.10, abs=0.02)
    assert shares["enterprise"] == pytest.approx(0.55, abs=0.03)
    assert shares["university"] + shares["institute"] == pytest.approx(0.30, abs=0.03)
    assert links["year"].min() == 2019
    assert links["year"].max() == 2024
    kinds = set(links["kind"])
    assert {"co_built_centre", "cooperation", "joint_project"} <= kinds
    types = orgs.set_index("id")["type"]
    centres = links[links["kind"] == "co_built_centre"]
    assert (centres["source"].map(types) == "enterprise").all()
    assert (centres["target"].map(types) == "platform").all()
    degree = np.diff(adjacency(tables).hops.indptr)
    assert degree.max() > 20 * np.median(degree)
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "organizations.csv"
    sample_counties = set(pd.read_csv(sample)["county"].dropna())
    assert set(orgs["county"].dropna()) == sample_counties
    codes = set(default_industries()["code"])
    assert all(set(t) <= codes for t in orgs["industries"])
    again = make_tables(5_000, 40_000, seed=2)
    pd.testing.assert_frame_equal(again.links, links)


def test_centrality_on_a_synthetic_network_matches_networkx_samples() -> None:
    tables = make_tables(2_000, 12_000, seed=1)
    graph = build_graph(tables, records=False)
    ours = centrality(tables, exact_limit=500, pivots=8, seed=5).set_index("id")
    expected = nx.betweenness_centrality(graph, k=8, seed=5)
    np.testing.assert_allclose(
        ours.loc[list(graph), "betweenness"], _by_id(expected, graph), atol=1e-12
    )
    assert ours.attrs["estimates"]["betweenness"]["pivots"] == 8


def test_benchmark_suite_runs_on_a_small_network() -> None:
    from bench_centrality import collabnet_suite

    times = collabnet_suite(make_tables(300, 1_500, seed=3), pivots=4)
    assert {"pagerank", "eigenvector", "betweenness (sampled)"} <= set(times)
    assert all(seconds >= 0 for seconds in times.values())


def test_single_pivot_ranks_the_undefined_betweenness_last() -> None:
    """With one pivot its own betweenness is NaN (as in networkx); rank_in_type still
    ranks it, last in its type."""
    tables = graph_tables(nx.path_graph(6), seed=2)
    hubs = centrality(tables, measure="betweenness", exact_limit=2, pivots=1, seed=0)
    pivot = f"N{random.Random(0).sample(range(6), 1)[0]:04d}"
    row = hubs.set_index("id").loc[pivot]
    assert np.isnan(row["betweenness"])
    assert row["rank_in_type"] == (hubs["type"] == row["type"]).sum()
    assert hubs["id"].iloc[-1] == pivot


class _NativePageRank(MemoryBackend):
    """An in-memory backend that claims PageRank as a native measure, with given values."""

    def __init__(self, tables: Tables, given: pd.Series) -> None:
        super().__init__(tables)
        self.given = given
        self.asked: list[tuple[str, int | None, dict[str, object]]] = []

    def native_measures(self, as_of: int | None = None) -> frozenset[str]:
        return frozenset({"pagerank"})

    def measure(self, name: str, as_of: int | None, params: Mapping[str, object]) -> pd.DataFrame:
        self.asked.append((name, as_of, dict(params)))
        return pd.DataFrame({"id": self.given.index, "pagerank": self.given.to_numpy()})


def test_pagerank_from_a_backend_is_used_as_given(tiny_tables: Tables) -> None:
    """A database's PageRank replaces the in-memory one, row for row by id."""
    ids = tiny_tables.organizations["id"]
    given = pd.Series(np.arange(len(ids), dtype=float), index=ids[::-1].to_numpy())
    backend = _NativePageRank(tiny_tables, given)
    frame = centrality(backend.snapshot(2020), damping=0.9).set_index("id")
    assert frame["pagerank"].to_dict() == given.to_dict()
    assert backend.asked == [
        ("pagerank", 2020, {"damping": 0.9, "sources": None, "seed": 0, "tol": 1e-10})
    ]
