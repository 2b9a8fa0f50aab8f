"""The recommender's statements (``cypher/recommend/``) against networkx on the graph
built from the same files: path signals, per-organisation activity, linked and newly
linked pairs, and the evidence behind pairs."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from collabnet.backends.neo4j import Neo4jBackend
from collabnet.graph import build_graph
from collabnet.recommend import space as space_module
from collabnet.recommend.core import recommend
from collabnet.recommend.features import Candidates
from collabnet.recommend.ranker import (
    DEFAULTS,
    Model,
    labelled_in_groups,
    labelled_year,
    space_as_of,
)
from collabnet.tables import Tables, load_tables

pytestmark = pytest.mark.bolt

PLATFORMS = ["platform"]


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Tables:
    return load_tables(sample_dir)


@pytest.fixture(params=["procedure", "cypher"])
def database(request: pytest.FixtureRequest) -> Neo4jBackend:
    """The server with collabnet's procedure (and GDS), and one without either: the
    path signals come from the procedure on the first, from Cypher on the second."""
    backend: Neo4jBackend = request.getfixturevalue(
        "backend" if request.param == "procedure" else "bare_backend"
    )
    assert backend.has_pair_procedure == (request.param == "procedure")
    return backend


def path_signals(
    backend: Neo4jBackend, as_of: int | None, sources: list[str], limit: int
) -> pd.DataFrame:
    """The database's path signals with ids and a list of shared-partner degrees and
    weight products per pair."""
    candidates = backend.snapshot(as_of).organizations.query("type == 'platform'")["id"]
    found = backend.snapshot(as_of).native(
        "pair_signals",
        sources=sources,
        targets=PLATFORMS,
        candidates=candidates.tolist(),
        limit=limit,
    )
    assert found is not None
    ends = np.cumsum(found["common_partners"].to_numpy(dtype=int))
    starts = ends - found["common_partners"].to_numpy(dtype=int)
    degrees, products = found.attrs["partner_degrees"], found.attrs["products"]
    return found.assign(
        source=[sources[i] for i in found["row"]],
        target=candidates.to_numpy()[found["col"]],
        partner_degrees=[degrees[a:b].tolist() for a, b in zip(starts, ends, strict=True)],
        products=[products[a:b].tolist() for a, b in zip(starts, ends, strict=True)],
    )


def graph_at(tables: Tables, as_of: int | None) -> nx.Graph:
    return build_graph(tables.as_of(as_of), records=False)


@pytest.mark.parametrize("as_of", [None, 2021])
def test_path_signals_match_networkx(
    database: Neo4jBackend, sample: Tables, as_of: int | None
) -> None:
    database.push(sample)
    graph = graph_at(sample, as_of)
    platforms = [n for n, kind in graph.nodes(data="type") if kind == "platform"]
    nodes = list(graph.nodes)
    adjacency = nx.to_numpy_array(graph, nodelist=nodes, weight=None)
    weights = nx.to_numpy_array(graph, nodelist=nodes, weight="weight")
    three = np.linalg.matrix_power(adjacency, 3)
    degree = adjacency.sum(axis=1)
    step = adjacency / np.maximum(degree, 1)[:, None]
    walk = np.linalg.matrix_power(step, 3)
    at = {n: i for i, n in enumerate(nodes)}
    sources = ["E002", "E004", "E100", "E250"]
    found = path_signals(database, as_of, sources, 10_000)
    for source in sources:
        got = found[found["source"] == source].set_index("target")
        u = at[source]
        reached = {
            p
            for p in platforms
            if three[u, at[p]] > 0 or any(nx.common_neighbors(graph, source, p))
        }
        assert set(got.index) == reached
        for platform in reached:
            v = at[platform]
            shared = sorted(nx.common_neighbors(graph, source, platform), key=at.get)
            row = got.loc[platform]
            assert row["common_partners"] == len(shared)
            assert sorted(row["partner_degrees"]) == sorted(graph.degree(z) for z in shared)
            # Products of the two pair weights, listed in the organisations' order.
            assert row["products"] == pytest.approx(
                [weights[u, at[z]] * weights[at[z], v] for z in shared]
            )
            assert row["paths3"] == three[u, v]
            assert row["walk3"] == pytest.approx(walk[u, v], rel=1e-12)
        adamic_adar = {
            (a, b): value
            for a, b, value in nx.adamic_adar_index(graph, [(source, p) for p in got.index])
        }
        for platform, degrees in got["partner_degrees"].items():
            expected = adamic_adar[(source, platform)]
            assert sum(1 / math.log(d) for d in degrees) == pytest.approx(expected)


@pytest.mark.parametrize("limit", [1, 5, 17])
def test_only_the_best_candidates_come_back(
    database: Neo4jBackend, sample: Tables, limit: int
) -> None:
    database.push(sample)
    sources = ["E002", "E004", "E100", "E250"]
    every = path_signals(database, None, sources, 10_000)
    best = path_signals(database, None, sources, limit)
    columns = ["source", "target", "common_partners", "paths3", "walk3"]
    ordered = every.sort_values(
        ["row", "common_partners", "paths3", "target"], ascending=[True, False, False, True]
    )
    expected = ordered.groupby("row").head(limit)
    assert (every.groupby("row").size() > limit).any()
    # Ties on common partners and walks are among the candidates cut off.
    assert ordered.duplicated(["row", "common_partners", "paths3"]).any()
    # Each source's candidates in order (the Cypher statement may list the sources in
    # another order).
    best = best.sort_values("row", kind="stable")
    assert best[columns].reset_index(drop=True).equals(expected[columns].reset_index(drop=True))


@pytest.mark.parametrize("as_of", [None, 2021])
def test_activity_and_pairs_match_the_files(
    backend: Neo4jBackend, sample: Tables, as_of: int | None
) -> None:
    backend.push(sample)
    snapshot = backend.snapshot(as_of)
    cut = sample.as_of(as_of)
    graph = graph_at(sample, as_of)
    year = as_of if as_of is not None else int(sample.links["year"].max())
    sides = {"sources": ["enterprise"], "targets": PLATFORMS}
    activity = snapshot.native("organization_activity", year=year, **sides)
    assert activity is not None
    activity = activity.set_index("id")
    links = cut.links
    assert set(activity.index) == set(cut.organizations["id"])
    for org in ("E004", "P001", "U001", "E164"):
        mine = links[(links["source"] == org) | (links["target"] == org)]
        partners = set(graph.neighbors(org)) if org in graph else set()
        row = activity.loc[org]
        assert row["degree"] == len(partners)
        assert row["target_partners"] == sum(graph.nodes[p]["type"] == "platform" for p in partners)
        assert row["activity"] == pytest.approx(mine["weight"].sum())
        assert row["recent"] == pytest.approx(mine.loc[mine["year"] == year, "weight"].sum())
        last = mine["year"].max()
        assert (pd.isna(row["last_year"]) and pd.isna(last)) or row["last_year"] == last
    linked = snapshot.native("linked_pairs", **sides)
    assert linked is not None
    expected = {
        (a, b) if graph.nodes[a]["type"] == "enterprise" else (b, a)
        for a, b in graph.edges
        if {graph.nodes[a]["type"], graph.nodes[b]["type"]} == {"enterprise", "platform"}
    }
    assert set(zip(linked["source"], linked["target"], strict=True)) == expected
    assert len(linked) == len(expected)


def expected_example(graph: nx.Graph, order: dict[str, int], source: str, target: str):
    """The three-step path the explanation shows: among the target's partners y, the
    most partners in common with the source, then the first listed; x the first listed
    of those, other than the target and y."""
    mine = set(graph.neighbors(source))
    ends = [y for y in graph.neighbors(target) if y != source and mine & set(graph.neighbors(y))]
    ends.sort(key=lambda y: (-len(mine & set(graph.neighbors(y))), order[y]))
    for y in ends:
        through = sorted((mine & set(graph.neighbors(y))) - {target, y}, key=order.get)
        if through:
            return [through[0], y]
    return None


def test_evidence_matches_networkx(database: Neo4jBackend, sample: Tables) -> None:
    database.push(sample)
    graph = graph_at(sample, None)
    order = {org: i for i, org in enumerate(sample.organizations["id"])}
    pairs = [
        ["E004", "P001"],
        ["E002", "P010"],
        ["E164", "P003"],
        ["E100", "P020"],
        ["E250", "P005"],
        ["E010", "P002"],
    ]
    found = database.snapshot(None).native("pair_evidence", pairs=pairs, examples=True)
    assert found is not None
    examples = 0
    for (source, target), shared, example in zip(
        pairs, found["shared"], found["example"], strict=True
    ):
        assert shared == sorted(nx.common_neighbors(graph, source, target), key=order.get)
        assert example == expected_example(graph, order, source, target)
        examples += example is not None
    assert examples >= 3


def test_recommend_on_neo4j_reads_no_link_and_says_which_weights(
    backend: Neo4jBackend, sample: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend.push(sample)
    monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    best = recommend(backend.snapshot(None), platform="P001", top=5, weights="default")
    files = recommend(sample, platform="P001", top=5, weights="default")
    pd.testing.assert_frame_equal(best, files)


@pytest.mark.parametrize("group", [29, 10_000])
def test_a_label_year_in_groups_is_the_files_label_year(
    backend: Neo4jBackend, sample: Tables, monkeypatch: pytest.MonkeyPatch, group: int
) -> None:
    """The default weights' label year from the database, its space built a group of
    sources at a time: the same pairs, features and scores as from one space of the
    files."""
    backend.push(sample)
    monkeypatch.setattr(space_module, "GROUP_SOURCES", group)
    candidates = Candidates.default_for(sample.organizations)
    found = labelled_in_groups(backend.snapshot(None), 2023, candidates)
    assert found is not None
    grouped, scores = found
    whole = labelled_year(sample, 2023, candidates)
    assert whole is not None
    for name in ("rows", "cols", "labels"):
        np.testing.assert_array_equal(getattr(grouped, name), getattr(whole, name))
    pd.testing.assert_frame_equal(grouped.frame, whole.frame)
    assert grouped.unlinked == whole.unlinked
    space = space_as_of(sample, 2022, candidates)
    assert space is not None
    expected = Model("default", DEFAULTS).bind(space).at(whole.rows, whole.cols)
    np.testing.assert_array_equal(scores, expected)
