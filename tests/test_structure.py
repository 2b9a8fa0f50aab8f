"""The network's size, partners and components, against networkx on the same graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from collabnet.analysis.structure import (
    connections,
    link_count,
    linked_size,
    pair_table,
    partners_of,
)
from collabnet.graph import build_graph
from collabnet.graph import pair_table as graph_pair_table
from collabnet.tables import Tables, load_tables


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Tables:
    return load_tables(sample_dir)


@pytest.mark.parametrize("as_of", [None, 2020])
def test_partners_and_components_are_networkx_s(sample: Tables, as_of: int | None) -> None:
    tables = sample.as_of(as_of)
    graph = build_graph(tables, records=False)
    found = connections(tables)
    assert found["id"].tolist() == tables.organizations["id"].tolist()
    assert found.set_index("id")["partners"].to_dict() == dict(graph.degree())
    # The same partition: one label per networkx component, no label shared by two.
    labels = found.set_index("id")["component"]
    groups = list(nx.connected_components(graph))
    assert len(groups) > 1
    assert {frozenset(labels.loc[list(group)]) for group in groups} == {
        frozenset([labels.loc[next(iter(group))]]) for group in groups
    }
    assert labels.nunique() == len(groups)


@pytest.mark.parametrize("as_of", [None, 2020])
def test_size_counts_pairs_and_link_records(sample: Tables, as_of: int | None) -> None:
    tables = sample.as_of(as_of)
    graph = build_graph(tables, records=False)
    assert linked_size(tables) == (graph.number_of_edges(), len(tables.links))
    assert link_count(tables) == len(tables.links)
    # Link records outnumber pairs where a pair has links of several kinds or years.
    assert len(tables.links) > graph.number_of_edges()


def test_partners_of_are_the_graph_s_neighbours(sample: Tables) -> None:
    graph = build_graph(sample, records=False)
    ids = [str(i) for i in sample.organizations["id"].iloc[[0, 5, 17, 300]]]
    found = partners_of(sample, ids)
    assert list(found) == ids
    for i in ids:
        assert found[i] == sorted(str(p) for p in graph.neighbors(i))
    assert any(found[i] for i in ids)


def test_the_pair_table_is_the_graph_s(sample: Tables) -> None:
    graph = build_graph(sample, records=False)
    pairs = pair_table(sample)
    assert len(pairs) == graph.number_of_edges()
    for row in pairs.head(50).itertuples():
        assert row.weight == graph.edges[row.id_a, row.id_b]["weight"]
    assert pairs.equals(graph_pair_table(sample))
