"""One contract, every backend: the files in memory, Neo4j with Graph Data Science, and
Neo4j without it give the same answers.

Degrees, core numbers, coverage and gaps are exact; PageRank, eigenvector centrality,
harmonic closeness and betweenness agree within 1e-6 (GDS iterates to 1e-12); each is
checked against networkx on the graph built from the files, and against what the
backend says it computes natively (:meth:`GraphBackend.native_measures`). With Neo4j
and GDS, centrality, coverage and gaps read no link into memory.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from collabnet.analysis.brokerage import brokerage, platform_brokers
from collabnet.analysis.centrality import centrality
from collabnet.analysis.communities import (
    community_industries,
    community_membership,
    community_profile,
)
from collabnet.analysis.coverage import (
    county_coverage,
    coverage_gaps,
    industry_county_coverage,
    industry_coverage,
    industry_coverage_share,
    leading_without_platform,
)
from collabnet.analysis.kpi import evolution, kpi
from collabnet.analysis.structure import (
    connections,
    linked_size,
    pair_table,
    partners_of,
    summary,
)
from collabnet.backends import GraphBackend
from collabnet.backends.memory import MemoryBackend
from collabnet.backends.neo4j import COVERAGE_QUERIES, Neo4jBackend, pairs
from collabnet.graph import build_graph
from collabnet.outputs import figure_jobs
from collabnet.outputs.figure_jobs import overview_data
from collabnet.outputs.page import network_page
from collabnet.outputs.report import briefing, render_html
from collabnet.recommend import core
from collabnet.recommend.core import recommend
from collabnet.recommend.demands import match_demands
from collabnet.recommend.plan import pairing_plan
from collabnet.recommend.weights import Weights
from collabnet.results import Results
from collabnet.snapshot import as_snapshot
from collabnet.tables import Tables, load_tables
from tests.bolt.servers import PASSWORD
from tests.bolt.test_neo4j_participations import industry_projects, projects_network

pytestmark = pytest.mark.bolt

BACKENDS = ["files", "neo4j", "neo4j-without-gds"]
IN_CYPHER = {
    "dataset_facts",
    "degree",
    "partners",
    "pair_table",
    "ego_brokerage",
    *COVERAGE_QUERIES,
    *pairs.MEASURES,
}
EXPECTED_NATIVE = {
    "files": set(),
    "neo4j": {
        *IN_CYPHER,
        "pagerank",
        "eigenvector",
        "core_number",
        "harmonic",
        "betweenness",
        "communities",
        "triangles",
        "component",
    },
    "neo4j-without-gds": IN_CYPHER,
}
CENTRALITY = ["pagerank", "eigenvector", "harmonic", "betweenness"]
COVERAGE = (
    industry_coverage,
    industry_coverage_share,
    county_coverage,
    industry_county_coverage,
    coverage_gaps,
    leading_without_platform,
)


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
            "triangles": pd.Series(nx.triangles(graph)).loc[ids],
            "harmonic": pd.Series(nx.harmonic_centrality(graph)).loc[ids],
            "eigenvector": pd.Series(
                nx.eigenvector_centrality(graph, tol=1e-13, max_iter=100_000)
            ).loc[ids],
            "betweenness": pd.Series(nx.betweenness_centrality(graph)).loc[ids],
            # Unscaled, as a database returns it: each pair of organisations once.
            "betweenness_sum": pd.Series(nx.betweenness_centrality(graph, normalized=False)).loc[
                ids
            ],
        },
        index=pd.Index(ids, name="id"),
    )
    return graph, frame.sort_index()


@pytest.mark.parametrize("as_of", [None, 2020])
def test_degrees_pagerank_and_cores_agree(
    holding: Callable[[Tables], GraphBackend], sample: Tables, as_of: int | None
) -> None:
    backend = holding(sample)
    assert set(backend.native_measures(as_of)) == EXPECTED_NATIVE[holding.kind]  # type: ignore[attr-defined]
    _, expected = reference(sample, as_of)
    hubs = centrality(backend.snapshot(as_of)).set_index("id").sort_index()
    pd.testing.assert_frame_equal(
        hubs[["degree", "weighted_degree", "core_number"]],
        expected[["degree", "weighted_degree", "core_number"]],
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(
        hubs[CENTRALITY], expected[CENTRALITY], check_exact=False, rtol=1e-6, atol=1e-9
    )
    # Checked elsewhere: coverage against pandas, the recommender's statements in
    # tests/bolt/test_neo4j_recommend.py, partners and components with the briefing.
    skipped = {
        *COVERAGE_QUERIES,
        *pairs.MEASURES,
        "communities",
        "ego_brokerage",
        "component",
        "partners",
        "pair_table",
        "dataset_facts",
    }
    for name in set(backend.native_measures(as_of)) - skipped:
        native = backend.measure(name, as_of, {"damping": 0.85}).set_index("id").sort_index()
        columns = ["degree", "weighted_degree"] if name == "degree" else [name]
        wanted = expected.rename(columns={"betweenness": "-", "betweenness_sum": "betweenness"})
        pd.testing.assert_frame_equal(
            native[columns],
            wanted[columns],
            check_dtype=False,
            check_exact=False,
            rtol=1e-6,
            atol=1e-9,
        )


@pytest.mark.parametrize("as_of", [None, 2020])
def test_coverage_gaps_and_kpis_agree(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    as_of: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = holding(sample)
    if isinstance(backend, Neo4jBackend):
        # Counted in the database: reading the tables back would fail the test.
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    for analysis in (*COVERAGE, kpi):
        pd.testing.assert_frame_equal(
            analysis(backend.snapshot(as_of)), analysis(sample.as_of(as_of))
        )


def test_evolution_agrees(
    holding: Callable[[Tables], GraphBackend], sample: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Year by year; with GDS, pairs and components come from the database's degrees
    and connected components, and no link is read back."""
    backend = holding(sample)
    if holding.kind == "neo4j":  # type: ignore[attr-defined]
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
        for as_of in (None, 2020):
            found = backend.measure("component", as_of, {})
            parts = found.groupby("component")["id"].agg(frozenset)
            graph = build_graph(sample.as_of(as_of), records=False)
            assert set(parts) == {frozenset(c) for c in nx.connected_components(graph)}
    years = [2018, 2020, 2022, 2024]
    pd.testing.assert_frame_equal(
        evolution(backend.snapshot(), years=years), evolution(sample, years=years)
    )


@pytest.mark.parametrize("as_of", [None, 2020])
def test_brokerage_agrees(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    as_of: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Brokerage roles and structural holes, ego by ego in the database (by collabnet's
    procedure on the server that has it, in Cypher on the other): the same as in memory
    (the whole table by type at the last cut, the leaders by county at an earlier one),
    and Burt's measures as networkx computes them, for a spread of brokers."""
    backend = holding(sample)
    if isinstance(backend, Neo4jBackend):
        assert backend.has_ego_procedure == (holding.kind == "neo4j")  # type: ignore[attr-defined]
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    partition, top = ("type", None) if as_of is None else ("county", 7)
    found = brokerage(backend.snapshot(as_of), partition=partition, top=top)
    files = brokerage(sample.as_of(as_of), partition=partition, top=top)
    pd.testing.assert_frame_equal(found, files, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(
        platform_brokers(backend.snapshot(as_of)), platform_brokers(sample.as_of(as_of))
    )
    if top is not None:
        return
    graph = build_graph(sample.as_of(as_of), records=False)
    # networkx's cost grows with the cube of the degree, so brokers with up to 20
    # partners here (tests/test_brokerage.py checks larger ones against networkx).
    chosen = list(found["id"][found["degree"] <= 20][::8])
    assert len(chosen) > 20
    table = found.set_index("id").loc[chosen]
    for column, measure in (("constraint", nx.constraint), ("effective_size", nx.effective_size)):
        # Node by node: networkx's all-nodes matrix shortcut is not Burt's weighted measure.
        expected = pd.Series(measure(graph, nodes=chosen, weight="weight")).loc[chosen]
        pd.testing.assert_series_equal(
            table[column], expected, check_names=False, check_index_type=False, rtol=1e-9
        )


@pytest.mark.parametrize("as_of", [None, 2020])
def test_communities_are_as_modular(
    holding: Callable[[Tables], GraphBackend], sample: Tables, as_of: int | None
) -> None:
    """Leiden in the database, Louvain in memory: modularity within 0.02, and the
    database's own figure is the modularity networkx gives its partition."""
    backend = holding(sample)
    found = community_membership(backend.snapshot(as_of))
    files = community_membership(sample.as_of(as_of))
    assert abs(found.attrs["modularity"] - files.attrs["modularity"]) <= 0.02
    graph = build_graph(sample.as_of(as_of), records=False)
    partition = [set(group["id"]) for _, group in found.groupby("community")]
    assert found.attrs["modularity"] == pytest.approx(
        nx.community.modularity(graph, partition, weight="weight"), abs=1e-6
    )
    assert set(found["id"]) == set(files["id"])


@pytest.mark.parametrize("as_of", [None, 2020])
def test_the_same_community_profile_of_one_partition(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    as_of: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given the same communities, their profile and industries are the files'; with
    GDS the communities and their profile read no link back."""
    backend = holding(sample)
    if holding.kind == "neo4j":  # type: ignore[attr-defined]
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
        assert len(community_profile(backend.snapshot(as_of)))
    snapshot, files = backend.snapshot(as_of), sample.as_of(as_of)
    partition = community_membership(files, seed=1)
    pd.testing.assert_frame_equal(
        community_profile(snapshot, membership=partition),
        community_profile(files, membership=partition),
    )
    pd.testing.assert_frame_equal(
        community_industries(snapshot, membership=partition),
        community_industries(files, membership=partition),
    )


@pytest.mark.parametrize(
    ("as_of", "enterprise", "weights", "group"),
    [
        (2023, "E004", "default", None),
        (2023, "E164", "default", None),
        (None, "E004", "auto", None),
        (2022, None, "default", None),
        (2022, None, "default", 37),
        (None, None, "auto", 101),
    ],
)
def test_the_same_recommendations(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    monkeypatch: pytest.MonkeyPatch,
    as_of: int | None,
    enterprise: str | None,
    weights: str,
    group: int | None,
) -> None:
    """The same recommendations, scores, reasons and signals from every backend (every
    enterprise's top 10 at 2022, and now with the learned ranker); from Neo4j, the link
    signals are computed in the database and no link table is read back, and a run over
    every enterprise, in groups of ``group`` enterprises, gives what one block of them
    all gives from the files."""
    backend = holding(sample)
    if isinstance(backend, Neo4jBackend):
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    if group is not None:
        monkeypatch.setattr(core, "GROUP_SOURCES", group)
    ours = recommend(backend.snapshot(as_of), enterprise=enterprise, weights=weights)
    files = recommend(sample.as_of(as_of), enterprise=enterprise, weights=weights)
    pd.testing.assert_frame_equal(ours, files)
    assert ours.attrs["weights"] == files.attrs["weights"]
    if enterprise is None:
        assert (
            ours["enterprise_id"].nunique()
            == (sample.as_of(as_of).organizations["type"] == "enterprise").sum()
        )


# Linear weights on the three-step paths alone: every path is a reason for its pair.
PATHS_ONLY = Weights(
    coefficients={"paths3": 1.0},
    mean={"paths3": 0.0},
    scale={"paths3": 1.0},
    intercept=0.0,
    method="learned",
    description="three-step paths only",
)


@pytest.mark.parametrize(("examples", "shown"), [(2_000, False), (5_000, True)])
def test_paths_are_illustrated_for_the_run_not_the_group(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    monkeypatch: pytest.MonkeyPatch,
    examples: int,
    shown: bool,
) -> None:
    """Every enterprise's top 10 (3,780 pairs) in groups of 150 enterprises (1,500
    pairs): three-step paths get an example when the run asks for at most ``examples``
    pairs, in every group alike, as from one block of the files."""
    backend = holding(sample)
    if isinstance(backend, Neo4jBackend):
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    monkeypatch.setattr(core, "GROUP_SOURCES", 150)
    monkeypatch.setattr(core, "EXAMPLE_PAIRS", examples)
    ours = recommend(backend.snapshot(2022), weights=PATHS_ONLY)
    files = recommend(sample.as_of(2022), weights=PATHS_ONLY)
    pd.testing.assert_frame_equal(ours, files)
    with_paths = ours["paths3"] > 0
    assert with_paths.sum() > 1_000
    said = ours["reasons"].map(lambda reasons: any("three-step" in r for r in reasons))
    assert said[with_paths].all()
    illustrated = ours["reasons"].map(lambda reasons: any("(e.g. via" in r for r in reasons))
    assert illustrated[with_paths].all() if shown else not illustrated.any()


@pytest.mark.parametrize("weights", ["default", "learned"])
def test_the_same_plan_and_demand_matches(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    sample_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    weights: str,
) -> None:
    """The pairing plan and the demand matches from the database's signals, the same as
    from the files, without reading a link back."""
    backend = holding(sample)
    if isinstance(backend, Neo4jBackend):
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    ours = pairing_plan(backend.snapshot(2023), pairs=20, weights=weights)
    files = pairing_plan(sample.as_of(2023), pairs=20, weights=weights)
    pd.testing.assert_frame_equal(ours, files)
    demands = sample_dir / "demands.csv"
    matched = match_demands(backend.snapshot(None), demands, top=3, weights=weights)
    pd.testing.assert_frame_equal(matched, match_demands(sample, demands, top=3, weights=weights))


def test_centrality_from_neo4j_with_gds_reads_no_link(
    backend: Neo4jBackend, sample: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend.push(sample)
    monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    for as_of in (None, 2020):
        assert community_membership(backend.snapshot(as_of)).attrs["method"].startswith("leiden")
        hubs = centrality(backend.snapshot(as_of), exact_limit=100, seed=3)
        assert hubs.attrs["estimates"]["harmonic"]["method"] == "sampled"
        assert len(hubs) == len(sample.as_of(as_of).organizations)


@pytest.mark.parametrize("as_of", [None, 2020])
def test_the_same_briefing_and_structure(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    as_of: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The briefing's sections and summary, and the network's size, partners and
    components behind them, are the files'; with GDS, none of it reads a link back."""
    backend = holding(sample)
    if holding.kind == "neo4j":  # type: ignore[attr-defined]
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    snapshot, files = backend.snapshot(as_of), sample.as_of(as_of)
    ours, theirs = connections(snapshot), connections(files)
    pd.testing.assert_frame_equal(ours[["id", "partners"]], theirs[["id", "partners"]])
    # Component labels differ by backend; the partition they make does not.
    assert set(ours.groupby("component")["id"].apply(frozenset)) == set(
        theirs.groupby("component")["id"].apply(frozenset)
    )
    assert linked_size(snapshot) == linked_size(files)
    # What `collabnet info` prints; the files read are the files' own.
    summaries = [summary(where) for where in (snapshot, files)]
    read = summaries[1].pop("files")
    assert read
    assert summaries[0].pop("files") == ([] if isinstance(backend, Neo4jBackend) else read)
    assert summaries[0] == summaries[1]
    ids = [str(i) for i in files.organizations["id"].iloc[::50]]
    assert partners_of(snapshot, ids) == partners_of(files, ids)
    written = [
        render_html(briefing(Results(where, seed=0), figures=False, lang="both"))
        for where in (snapshot, as_snapshot(files))
    ]
    assert written[0] == written[1]


@pytest.mark.parametrize("as_of", [None, 2020])
def test_the_same_overview_and_page_without_the_link_table(
    holding: Callable[[Tables], GraphBackend],
    sample: Tables,
    as_of: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the overview draws (every pair, and the backbone of a large network) and the
    interactive page are the files'; a database sends the pairs, never the link table
    (with GDS, the page reads none either)."""
    backend = holding(sample)
    if holding.kind != "files":  # type: ignore[attr-defined]
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    snapshot, files = backend.snapshot(as_of), as_snapshot(sample.as_of(as_of))
    pd.testing.assert_frame_equal(pair_table(snapshot), pair_table(files))
    for limit in (figure_jobs.OVERVIEW_ALL_PAIRS, 100):
        monkeypatch.setattr(figure_jobs, "OVERVIEW_ALL_PAIRS", limit)
        ours, theirs = overview_data(Results(snapshot)), overview_data(Results(files))
        assert ours.thinned == theirs.thinned == (limit == 100)
        assert (ours.matrix != theirs.matrix).nnz == 0
        for field in ("types", "names", "a", "b", "kind"):
            assert getattr(ours, field).tolist() == getattr(theirs, field).tolist()
    if holding.kind != "neo4j":  # type: ignore[attr-defined]
        monkeypatch.undo()  # without GDS, the page's centrality is computed in memory
    pages = [network_page(Results(where), recommendations=20) for where in (snapshot, files)]
    assert pages[0].payload == pages[1].payload
    focus = str(sample.links["source"].iloc[0])
    around = [network_page(Results(where), focus=focus, radius=1) for where in (snapshot, files)]
    assert around[0].payload == around[1].payload


def test_seeded_samples_in_the_database_repeat(backend: Neo4jBackend, sample: Tables) -> None:
    """GDS draws its betweenness sources and runs Leiden by its own numbering of the
    organisations, which follows the order the projection is given its rows: the same
    seed gives the same figures on every projection."""
    backend.push(sample)
    params = {"sources": list(backend.snapshot().ids[:5]), "seed": 1}
    found = []
    for _ in range(3):
        backend.refresh()
        found.append(
            (
                backend.measure("betweenness", None, params).set_index("id")["betweenness"],
                backend.measure("communities", None, {"seed": 1}).set_index("id")["community"],
            )
        )
    assert found[0][0].nunique() > 10
    for betweenness, communities in found[1:]:
        pd.testing.assert_series_equal(betweenness, found[0][0], rtol=1e-9)
        pd.testing.assert_series_equal(communities, found[0][1])


def test_sampled_harmonic_closeness_agrees(backend: Neo4jBackend, sample: Tables) -> None:
    """Above the exact limit both backends search from the same seeded pivots."""
    backend.push(sample)
    ours = centrality(backend.snapshot(), exact_limit=100, pivots=40, seed=7)
    files = centrality(sample, exact_limit=100, pivots=40, seed=7)
    pd.testing.assert_series_equal(
        ours.set_index("id")["harmonic"].sort_index(),
        files.set_index("id")["harmonic"].sort_index(),
        check_exact=False,
        rtol=1e-9,
    )


def test_a_cut_of_a_participations_network_agrees(
    holding: Callable[[Tables], GraphBackend], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = projects_network(tmp_path / "projects")
    backend = holding(tables)
    if holding.kind == "neo4j":  # type: ignore[attr-defined]
        # Every cut derives its links in the database.
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
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
        if "pagerank" in backend.native_measures(as_of):
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
        "PageRank, eigenvector, core numbers, harmonic closeness, betweenness and "
        "communities are computed in memory\n"
    )


@pytest.mark.parametrize("as_of", [None, 2015])
def test_a_participations_network_is_counted_in_the_database(
    holding: Callable[[Tables], GraphBackend],
    tmp_path: Path,
    as_of: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Derived from participations, the whole network's degrees, coverage, gaps, KPIs
    and brokerage come from the database without reading a link back; an earlier cut
    derives its degrees, partners, pairs, coverage counts, KPIs and ego networks in the
    database too, and, with collabnet's procedures, the recommendations' signals. Every
    backend gives the files' answers."""
    tables = industry_projects(tmp_path / "projects")
    assert industry_coverage(tables)["links"].sum() > 0
    backend = holding(tables)
    if isinstance(backend, Neo4jBackend):
        natives = backend.native_measures(as_of)
        assert {"degree", *COVERAGE_QUERIES} <= natives
        assert "ego_brokerage" in natives
        # collabnet's procedures derive an earlier cut's path signals and evidence.
        assert (set(pairs.MEASURES) <= natives) == (holding.kind == "neo4j")  # type: ignore[attr-defined]
        monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    snapshot, files = backend.snapshot(as_of), tables.as_of(as_of)
    for analysis in COVERAGE:
        pd.testing.assert_frame_equal(analysis(snapshot), analysis(files))
    pd.testing.assert_frame_equal(kpi(snapshot), kpi(files))
    if holding.kind == "neo4j" and as_of is None:  # type: ignore[attr-defined]
        # Year by year, components from GDS and the rest from the derived statements.
        pd.testing.assert_frame_equal(evolution(snapshot), evolution(files))
    pd.testing.assert_frame_equal(platform_brokers(snapshot), platform_brokers(files))
    pd.testing.assert_frame_equal(
        brokerage(snapshot, partition="type"),
        brokerage(files, partition="type"),
        check_exact=False,
        rtol=1e-9,
    )
    if holding.kind != "neo4j":  # type: ignore[attr-defined]
        monkeypatch.undo()  # without GDS, PageRank and the rest are computed in memory
    _, expected = reference(tables, as_of)
    hubs = centrality(snapshot).set_index("id").sort_index()
    pd.testing.assert_frame_equal(
        hubs[["degree", "weighted_degree", "core_number"]],
        expected[["degree", "weighted_degree", "core_number"]],
        check_dtype=False,
    )
    # Recommendations count projects and themes: in the database with collabnet's
    # procedures (no link read back), in memory without them. Platforms take part in no
    # project; universities and institutes do, so they have themes.
    for weights, candidates in (
        ("default", None),
        ("auto", None),
        ("default", "enterprise:university,institute"),
        ("auto", "enterprise:university,institute"),
    ):
        found = recommend(snapshot, weights=weights, candidates=candidates)
        pd.testing.assert_frame_equal(
            found, recommend(files, weights=weights, candidates=candidates)
        )
        assert len(found) > 0
    assert any("in the themes of" in reason for reason in found["reasons"].explode())
