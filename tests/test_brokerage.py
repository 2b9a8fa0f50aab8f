"""Brokerage: Burt's measures against networkx, brokerage roles against hand counts and
an explicit enumeration of every triad."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from collabnet.analysis.brokerage import ROLES, brokerage, platform_brokers, structural_holes
from collabnet.errors import InputError
from collabnet.graph import adjacency, build_graph
from collabnet.tables import Tables, default_industries, load_tables


def make_tables(types: dict[str, str], edges: list[tuple[str, str, float]]) -> Tables:
    ids = list(types)
    n = len(ids)
    organizations = pd.DataFrame(
        {
            "id": pd.array(ids, dtype="str"),
            "name": pd.array([f"名称{i}" for i in ids], dtype="str"),
            "type": pd.array([types[i] for i in ids], dtype="str"),
            "industries": pd.Series([()] * n, dtype=object),
            "county": pd.array([None] * n, dtype="str"),
            "level": pd.array(["none"] * n, dtype="str"),
            "founded": pd.array([pd.NA] * n, dtype="Int64"),
            "rd_institution": np.zeros(n, dtype=bool),
            "leading": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    links = pd.DataFrame(
        {
            "source": pd.array([e[0] for e in edges], dtype="str"),
            "target": pd.array([e[1] for e in edges], dtype="str"),
            "kind": pd.array(["joint_project"] * len(edges), dtype="str"),
            "year": pd.array([pd.NA] * len(edges), dtype="Int64"),
            "weight": np.array([e[2] for e in edges], dtype=float),
            "funding": np.full(len(edges), np.nan),
        }
    )
    return Tables(organizations=organizations, links=links, industries=default_industries())


ROLE_CASES = {
    "star": (
        """P1 (platform) with two enterprises and a university, none linked to another:

                E1
                |
          E2 — P1 — U1

        (E1, E2): same group, broker outside it -> consultant
        (E1, U1), (E2, U1): three groups -> liaison ×2""",
        {"P1": "platform", "E1": "enterprise", "E2": "enterprise", "U1": "university"},
        [("P1", "E1"), ("P1", "E2"), ("P1", "U1")],
        {"P1": {"consultant": 1, "liaison": 2}},
    ),
    "gatekeeper": (
        """E2 between its own group and a platform; E1–E3 are linked (closed):

          E1 — E2 — P1
            \\  |
              E3

        broker E2: (E1, P1) and (E3, P1) -> gatekeeper_representative ×2;
        (E1, E3) is closed. E1 and E3 broker nothing (their partners are linked).""",
        {"E1": "enterprise", "E2": "enterprise", "E3": "enterprise", "P1": "platform"},
        [("E1", "E2"), ("E2", "P1"), ("E2", "E3"), ("E1", "E3")],
        {"E2": {"gatekeeper_representative": 2}},
    ),
    "coordinator": (
        """A path of three enterprises and a university hanging off the end:

          E1 — E2 — E3 — U1

        broker E2: (E1, E3) all enterprises -> coordinator;
        broker E3: (E2, U1), E3 shares its group with E2 only -> gatekeeper_representative""",
        {"E1": "enterprise", "E2": "enterprise", "E3": "enterprise", "U1": "university"},
        [("E1", "E2"), ("E2", "E3"), ("E3", "U1")],
        {"E2": {"coordinator": 1}, "E3": {"gatekeeper_representative": 1}},
    ),
}


@pytest.mark.parametrize("name", list(ROLE_CASES))
def test_roles_on_hand_drawn_cases(name: str) -> None:
    _, types, edges, expected = ROLE_CASES[name]
    result = brokerage(make_tables(types, [(a, b, 1.0) for a, b in edges])).set_index("id")
    for org_id in types:
        wanted = expected.get(org_id, {})
        for role in ROLES:
            assert result.at[org_id, role] == wanted.get(role, 0), (name, org_id, role)
        assert result.at[org_id, "brokerage"] == sum(wanted.values())


def _enumerate_roles(graph: nx.Graph, group: dict[str, object]) -> dict[str, dict[str, int]]:
    counts = {node: dict.fromkeys(ROLES, 0) for node in graph}
    for broker in graph:
        for a, c in itertools.combinations(graph[broker], 2):
            if graph.has_edge(a, c):
                continue
            ga, gb, gc = group[a], group[broker], group[c]
            if ga == gb == gc:
                role = "coordinator"
            elif ga == gc:
                role = "consultant"
            elif gb in (ga, gc):
                role = "gatekeeper_representative"
            else:
                role = "liaison"
            counts[broker][role] += 1
    return counts


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("partition", ["type", "county"])
def test_roles_match_an_enumeration_of_every_triad(seed: int, partition: str) -> None:
    rng = np.random.default_rng(seed)
    graph = nx.gnm_random_graph(35, 90 if seed % 2 else 40, seed=seed)
    types = {f"N{v}": str(rng.choice(["platform", "enterprise", "university"])) for v in graph}
    tables = make_tables(types, [(f"N{u}", f"N{v}", 1.0) for u, v in graph.edges])
    counties = rng.choice(["鹿城区", "瑞安市", None], size=len(types))
    tables.organizations["county"] = pd.array(counties, dtype="str")
    result = brokerage(tables, partition=partition).set_index("id")
    reference = build_graph(tables, records=False)
    group = {
        org_id: (value if isinstance(value, str) else None)
        for org_id, value in zip(
            tables.organizations["id"], tables.organizations[partition], strict=True
        )
    }
    expected = _enumerate_roles(reference, group)
    for org_id, roles in expected.items():
        for role, count in roles.items():
            assert result.at[org_id, role] == count, (org_id, role)


@pytest.mark.parametrize("seed", range(3))
def test_constraint_and_effective_size_match_networkx(seed: int) -> None:
    rng = np.random.default_rng(seed)
    graph = nx.gnm_random_graph(30, 70, seed=seed)
    graph.add_node(99)
    types = {f"N{v}": "enterprise" for v in graph}
    edges = [(f"N{u}", f"N{v}", float(rng.integers(1, 5))) for u, v in graph.edges]
    tables = make_tables(types, edges)
    result = brokerage(tables).set_index("id")
    reference = build_graph(tables, records=False)
    constraint = nx.constraint(reference, weight="weight")
    # networkx 3.6's whole-graph fast path normalises by the wrong axis for weighted
    # graphs (networkx PR #8906); the per-node path (nodes=...) is Burt's definition.
    effective = nx.effective_size(reference, nodes=list(reference), weight="weight")
    ids = list(reference)
    np.testing.assert_allclose(
        result.loc[ids, "constraint"], [constraint[i] for i in ids], atol=1e-12
    )
    np.testing.assert_allclose(
        result.loc[ids, "effective_size"], [effective[i] for i in ids], atol=1e-12
    )
    assert np.isnan(result.at["N99", "constraint"])
    assert np.isnan(result.at["N99", "effective_size"])


def test_unweighted_effective_size_is_borgattis_formula() -> None:
    graph = nx.powerlaw_cluster_graph(40, 3, 0.5, seed=2)
    tables = make_tables(
        {f"N{v}": "other" for v in graph}, [(f"N{u}", f"N{v}", 1.0) for u, v in graph.edges]
    )
    constraint, effective = structural_holes(adjacency(tables).matrix)
    expected = nx.effective_size(build_graph(tables, records=False))
    np.testing.assert_allclose(effective, [expected[f"N{v}"] for v in graph], atol=1e-12)
    assert (constraint > 0).all()


def test_platform_brokers_counts_open_enterprise_university_triads() -> None:
    """P1 links E1, E2, U1, I1 (an institute counts as a university); E1–U1 already work
    together, so P1 holds 2 × 2 − 1 = 3 open triads. P2 links only E2: none.

          E1 ─ U1
           \\  /
      E2 ── P1 ── I1
       |
      P2
    """
    types = {
        "P1": "platform",
        "P2": "platform",
        "E1": "enterprise",
        "E2": "enterprise",
        "U1": "university",
        "I1": "institute",
    }
    edges = [("P1", "E1"), ("P1", "E2"), ("P1", "U1"), ("P1", "I1"), ("E1", "U1"), ("E2", "P2")]
    result = platform_brokers(make_tables(types, [(a, b, 1.0) for a, b in edges]))
    assert result["id"].tolist() == ["P1", "P2"]
    first = result.iloc[0]
    assert (first["enterprises"], first["universities"], first["linked_pairs"]) == (2, 2, 1)
    assert first["open_triads"] == 3
    assert result.iloc[1]["open_triads"] == 0


def test_sample_brokers_are_platforms(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    result = brokerage(tables)
    assert result["type"].head(3).tolist() == ["platform"] * 3
    # Every open triad has exactly one role, so the total is the number of unlinked
    # neighbour pairs: C(degree, 2) minus the triangles networkx counts.
    graph = build_graph(tables)
    triangles = nx.triangles(graph)
    open_triads = {v: math.comb(graph.degree(v), 2) - triangles[v] for v in graph}
    assert result.set_index("id")["brokerage"].to_dict() == open_triads
    # Open enterprise–platform–university triads, counted pair by pair on the graph.
    top = platform_brokers(tables).iloc[0]
    kind = nx.get_node_attributes(graph, "type")
    neighbours = list(graph[top["id"]])
    enterprises = [n for n in neighbours if kind[n] == "enterprise"]
    academics = [n for n in neighbours if kind[n] in ("university", "institute")]
    unlinked = sum(1 for e in enterprises for u in academics if not graph.has_edge(e, u))
    assert top["open_triads"] == unlinked


def test_unknown_partition(tiny_tables: Tables) -> None:
    with pytest.raises(InputError, match="unknown partition column 'province'"):
        brokerage(tiny_tables, partition="province")


def test_empty_network() -> None:
    result = brokerage(make_tables({}, []))
    assert result.empty
    assert [*ROLES, "brokerage"] == list(result.columns[-5:])


@pytest.mark.parametrize("top", [1, 5, 10, 40])
def test_top_gives_the_first_rows_of_the_full_table(sample_dir: Path, top: int) -> None:
    tables = load_tables(sample_dir)
    pd.testing.assert_frame_equal(brokerage(tables, top=top), brokerage(tables).head(top))


def test_top_must_be_positive(tiny_tables: Tables) -> None:
    with pytest.raises(InputError, match="top must be at least 1, got 0"):
        brokerage(tiny_tables, top=0)


def test_triangles_match_networkx(sample_dir: Path) -> None:
    from collabnet.analysis.brokerage import _triangles
    from collabnet.snapshot import Snapshot

    tables = load_tables(sample_dir)
    snapshot = Snapshot(tables)
    expected = nx.triangles(build_graph(tables))
    ids = snapshot.adjacency.ids
    assert _triangles(snapshot.hops).tolist() == [expected[i] for i in ids]
