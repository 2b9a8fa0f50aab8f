"""Tables to a NetworkX graph and back, the network at the end of a year, and the
sparse adjacency matrix, checked by hand on the tiny network and against NetworkX."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collabnet.graph import adjacency, build_graph, graph_to_tables
from collabnet.network import Network
from collabnet.tables import Tables, load_tables


def test_one_edge_per_pair_with_the_links_aggregated(tiny_tables: Tables) -> None:
    graph = build_graph(tiny_tables)
    assert graph.number_of_nodes() == 7
    # Nine links; E1–P2 has two of them (a co-built centre in 2020, a project in 2022).
    assert sorted(tuple(sorted(e)) for e in graph.edges) == [
        ("E1", "P2"), ("E1", "U2"), ("E2", "P1"), ("E2", "U1"),
        ("E3", "P1"), ("P1", "U1"), ("P1", "U2"), ("P2", "U2"),
    ]  # fmt: skip
    pair = graph.edges["P2", "E1"]
    assert pair["kinds"] == ("co_built_centre", "joint_project")
    assert (pair["year"], pair["weight"], pair["funding"], pair["links"]) == (2020, 2.0, 60.0, 2)
    assert [r["kind"] for r in pair["records"]] == ["co_built_centre", "joint_project"]
    assert graph.edges["E2", "P1"]["weight"] == 2.0
    assert graph.edges["E2", "P1"]["funding"] == 1200.0
    undated = graph.edges["E2", "U1"]
    assert (undated["year"], undated["funding"], undated["links"]) == (None, None, 1)


def test_nodes_carry_the_organisation_columns(tiny_tables: Tables) -> None:
    node = build_graph(tiny_tables).nodes["P1"]
    assert node["name"] == "浙大温州研究院"
    assert node["type"] == "platform"
    assert node["industries"] == ("digital_economy", "intelligent_equipment")
    assert (node["county"], node["level"], node["founded"]) == ("鹿城区", "provincial", 2019)
    assert node["rd_institution"] is True
    assert node["leading"] is None
    assert node["capabilities"] == "人工智能、工业互联网"


def test_without_records_edges_keep_only_the_aggregates(tiny_tables: Tables) -> None:
    graph = build_graph(tiny_tables, records=False)
    assert "records" not in graph.edges["E1", "P2"]
    assert graph.edges["E1", "P2"]["weight"] == 2.0


def _assert_same_tables(back: Tables, tables: Tables) -> None:
    pd.testing.assert_frame_equal(back.organizations, tables.organizations)
    # The graph lists links by pair, not in file order; the rows themselves are unchanged.
    order = list(tables.links.columns)
    pd.testing.assert_frame_equal(
        back.links.sort_values(order, na_position="first").reset_index(drop=True),
        tables.links.sort_values(order, na_position="first").reset_index(drop=True),
    )


def test_round_trip_on_the_tiny_network(tiny_tables: Tables) -> None:
    back = graph_to_tables(build_graph(tiny_tables), tiny_tables)
    _assert_same_tables(back, tiny_tables)
    # Direction survives: the incubation runs from E3 to P1 as written.
    incubation = back.links[back.links["kind"] == "incubation"]
    assert incubation[["source", "target"]].values.tolist() == [["E3", "P1"]]


def test_round_trip_on_the_sample(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    _assert_same_tables(graph_to_tables(build_graph(tables), tables), tables)


@st.composite
def small_networks(draw: st.DrawFn) -> tuple[list[list[str]], list[list[str]]]:
    """Valid organisation and link rows: several links per pair, blanks, both directions."""
    count = draw(st.integers(min_value=1, max_value=8))
    ids = [f"N{i}" for i in range(count)]
    organizations = [
        [
            i,
            f"机构{i}",
            draw(st.sampled_from(["平台", "企业", "高校", "科研院所", "其他"])),
            draw(st.sampled_from(["", "泵阀", "电气、鞋业"])),
            draw(st.sampled_from(["", "鹿城区", "乐清市"])),
            draw(st.sampled_from(["", "2001", "2019"])),
            draw(st.sampled_from(["", "是", "否"])),
            draw(st.sampled_from(["", "备注"])),
        ]
        for i in ids
    ]
    links = []
    if count > 1:
        pairs = st.permutations(ids).map(lambda p: p[:2])
        for j in range(draw(st.integers(min_value=0, max_value=12))):
            source, target = draw(pairs)
            links.append(
                [
                    source,
                    target,
                    draw(st.sampled_from(["合作", "孵化", "联合项目", "共建研发中心"])),
                    draw(st.sampled_from(["", "2018", "2020", "2023"])),
                    draw(st.sampled_from(["", "1", "2.5"])),
                    draw(st.sampled_from(["", "0", "12.5"])),
                    f"t{j}",
                ]
            )
    return organizations, links


def _tables(organizations: list[list[str]], links: list[list[str]]) -> Tables:
    with tempfile.TemporaryDirectory() as folder:
        with (Path(folder) / "organizations.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "name", "type", "industries", "county", "founded", "leading"])
            writer.writerows(r[:-1] for r in organizations)
        with (Path(folder) / "links.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["source", "target", "kind", "year", "weight", "funding", "title"])
            writer.writerows(links)
        return load_tables(folder)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_networks())
def test_round_trip_on_generated_networks(network: tuple[list, list]) -> None:
    tables = _tables(*network)
    _assert_same_tables(graph_to_tables(build_graph(tables), tables), tables)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_networks(), st.sampled_from([None, 2017, 2018, 2020, 2023]))
def test_adjacency_equals_networkx(network: tuple[list, list], year: int | None) -> None:
    tables = _tables(*network)
    graph = build_graph(tables, as_of=year)
    for weighted in (True, False):
        matrix = adjacency(tables, as_of=year, weighted=weighted)
        assert matrix.ids.tolist() == list(graph.nodes)
        if not graph:  # nobody founded yet: NetworkX refuses an empty graph
            assert matrix.matrix.shape == (0, 0)
            continue
        expected = nx.to_scipy_sparse_array(
            graph, nodelist=list(graph.nodes), weight="weight" if weighted else None
        )
        assert np.array_equal(matrix.matrix.toarray(), expected.toarray())


def test_adjacency_of_the_tiny_network_by_hand(tiny_tables: Tables) -> None:
    result = adjacency(tiny_tables)
    position = result.index()
    dense = result.matrix.toarray()
    assert dense[position["E1"], position["P2"]] == dense[position["P2"], position["E1"]] == 2.0
    assert dense[position["E2"], position["P1"]] == 2.0  # one link of weight 2
    assert dense.sum() == 2 * tiny_tables.links["weight"].sum()
    assert adjacency(tiny_tables, weighted=False).matrix.sum() == 2 * 8


def test_adjacency_of_the_sample_equals_networkx(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    for year in (None, 2021):
        graph = build_graph(tables, as_of=year)
        matrix = adjacency(tables, as_of=year)
        expected = nx.to_scipy_sparse_array(graph, nodelist=matrix.ids.tolist(), weight="weight")
        assert abs(matrix.matrix - expected).max() == 0


# The tiny network at the end of a year, worked out from tests/data/tiny by hand:
# P1 was founded in 2019 and P2 in 2020; the E2–U1 project has no year, so it is always
# there (as long as both ends are).
AS_OF = {
    2018: (["E1", "E2", "E3", "U1", "U2"], [("E2", "U1")]),
    2019: (["P1", "E1", "E2", "E3", "U1", "U2"], [("P1", "U1"), ("E2", "U1")]),
    2020: (
        ["P1", "P2", "E1", "E2", "E3", "U1", "U2"],
        [("E1", "P2"), ("P1", "U1"), ("E2", "U1")],
    ),
    2022: (
        ["P1", "P2", "E1", "E2", "E3", "U1", "U2"],
        [
            ("E1", "P2"),
            ("E2", "P1"),
            ("P1", "U1"),
            ("P1", "U2"),
            ("P2", "U2"),
            ("E2", "U1"),
            ("E1", "P2"),
        ],
    ),
}


@pytest.mark.parametrize("year", sorted(AS_OF))
def test_the_network_at_the_end_of_a_year(tiny_tables: Tables, year: int) -> None:
    organizations, links = AS_OF[year]
    then = tiny_tables.as_of(year)
    assert then.as_of_year == year
    assert then.organizations["id"].tolist() == organizations
    assert list(zip(then.links["source"], then.links["target"], strict=True)) == links
    graph = build_graph(tiny_tables, as_of=year)
    assert graph.graph["as_of"] == year
    assert sorted(graph.nodes) == sorted(organizations)
    assert graph.number_of_edges() == len({frozenset(pair) for pair in links})


def test_a_pair_seen_twice_is_dated_by_its_first_link(tiny_tables: Tables) -> None:
    assert build_graph(tiny_tables, as_of=2021).edges["E1", "P2"]["weight"] == 1.0
    edge = build_graph(tiny_tables, as_of=2022).edges["E1", "P2"]
    assert (edge["year"], edge["weight"], edge["links"]) == (2020, 2.0, 2)


def test_as_of_none_is_everything(tiny_tables: Tables) -> None:
    assert tiny_tables.as_of(None) is tiny_tables


def test_the_network_object_at_a_year(tiny_tables: Tables) -> None:
    network = Network(tiny_tables)
    earlier = network.at(2019)
    assert earlier.as_of == 2019
    assert earlier.graph.number_of_edges() == 2
    assert earlier.adjacency.ids.tolist() == ["P1", "E1", "E2", "E3", "U1", "U2"]
    summary = earlier.summary()
    assert (summary["organizations"], summary["links"], summary["components"]) == (6, 2, 4)
    assert network.summary()["density"] == round(2 * 8 / (7 * 6), 6)
