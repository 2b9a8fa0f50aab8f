"""Communities: Louvain membership, profile, industry crosstab and the NMI alignment."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy
from scipy.stats.contingency import crosstab

from collabnet.analysis.communities import (
    community_industries,
    community_membership,
    community_profile,
    industry_alignment,
    normalized_mutual_information,
)
from collabnet.errors import InputError
from collabnet.tables import Tables, default_industries, load_tables


def two_cliques() -> Tables:
    """Two 5-cliques joined by one link (A4–B0), and an isolated O1.

    Clique A: platform A0, enterprises A1–A4 (electrical; A1 also footwear).
    Clique B: enterprises B0–B2 and universities B3–B4 (life_health), no platform.
    """
    ids = [f"A{i}" for i in range(5)] + [f"B{i}" for i in range(5)] + ["O1"]
    types = ["platform"] + ["enterprise"] * 4 + ["enterprise"] * 3 + ["university"] * 2 + ["other"]
    industries: list[tuple[str, ...]] = [("electrical",)] * 5 + [("life_health",)] * 5 + [()]
    industries[1] = ("electrical", "footwear")
    n = len(ids)
    organizations = pd.DataFrame(
        {
            "id": pd.array(ids, dtype="str"),
            "name": pd.array([f"{i}名称" for i in ids], dtype="str"),
            "type": pd.array(types, dtype="str"),
            "industries": pd.Series(industries, dtype=object),
            "county": pd.array([None] * n, dtype="str"),
            "level": pd.array(["none"] * n, dtype="str"),
            "founded": pd.array([pd.NA] * n, dtype="Int64"),
            "rd_institution": np.zeros(n, dtype=bool),
            "leading": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    pairs = [(f"A{i}", f"A{j}") for i in range(5) for j in range(i + 1, 5)]
    pairs += [(f"B{i}", f"B{j}") for i in range(5) for j in range(i + 1, 5)]
    pairs.append(("A4", "B0"))
    links = pd.DataFrame(
        {
            "source": pd.array([p[0] for p in pairs], dtype="str"),
            "target": pd.array([p[1] for p in pairs], dtype="str"),
            "kind": pd.array(["joint_project"] * len(pairs), dtype="str"),
            "year": pd.array([2022] * len(pairs), dtype="Int64"),
            "weight": np.ones(len(pairs)),
            "funding": np.full(len(pairs), np.nan),
        }
    )
    return Tables(organizations=organizations, links=links, industries=default_industries())


def test_two_cliques_are_two_communities() -> None:
    members = community_membership(two_cliques(), seed=1).set_index("id")["community"]
    assert len(set(members[[f"A{i}" for i in range(5)]])) == 1
    assert len(set(members[[f"B{i}" for i in range(5)]])) == 1
    assert members["A0"] != members["B0"]
    # Ties in size go to the community holding the smallest id.
    assert members["A0"] == 0
    assert members["O1"] == 2


def test_modularity_matches_networkx() -> None:
    tables = two_cliques()
    membership = community_membership(tables, seed=1)
    graph = nx.Graph()
    graph.add_nodes_from(tables.organizations["id"])
    graph.add_edges_from(zip(tables.links["source"], tables.links["target"], strict=True))
    groups = [set(g["id"]) for _, g in membership.groupby("community")]
    assert membership.attrs["modularity"] == pytest.approx(nx.community.modularity(graph, groups))


def test_profile_flags_communities_without_platform() -> None:
    profile = community_profile(two_cliques(), seed=1).set_index("community")
    assert profile.index.tolist() == [0, 1]
    assert profile.loc[0, "without_platform"] == np.False_
    assert profile.loc[1, "without_platform"] == np.True_
    assert profile.loc[0, ["platforms", "enterprises", "universities"]].tolist() == [1, 4, 0]
    assert profile.loc[1, ["platforms", "enterprises", "universities"]].tolist() == [0, 3, 2]
    assert profile.loc[0, ["internal_links", "external_links"]].tolist() == [10, 1]
    assert profile.loc[1, "main_industry"] == "life_health"
    assert profile.loc[0, "industry_share"] == 1.0
    # Main industries coincide with the communities: perfect alignment.
    assert profile.attrs["alignment"] == pytest.approx(1.0)


def test_industry_crosstab_counts_every_industry() -> None:
    tables = two_cliques()
    table = community_industries(tables, community_membership(tables, seed=1))
    assert table.loc[0, "electrical"] == 5
    assert table.loc[0, "footwear"] == 1
    assert table.loc[1, "life_health"] == 5
    assert table.loc[2].sum() == 0
    assert list(table.columns) == default_industries()["code"].tolist()


def test_nmi_hand_computed() -> None:
    """Labels a = [0, 0, 0, 1], b = [x, x, y, y]:
    joint p(0,x) = 1/2, p(0,y) = 1/4, p(1,y) = 1/4; p(a) = (3/4, 1/4); p(b) = (1/2, 1/2).
    I = 1/2 ln(4/3) + 1/4 ln(2/3) + 1/4 ln 2; H(a) = -(3/4 ln 3/4 + 1/4 ln 1/4); H(b) = ln 2.
    """
    mutual = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    h_a = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    h_b = math.log(2)
    expected = mutual / ((h_a + h_b) / 2)
    assert normalized_mutual_information(
        np.array([0, 0, 0, 1]), np.array(["x", "x", "y", "y"], dtype=object)
    ) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ([0, 0, 1, 1], [5, 5, 7, 7], 1.0),
        ([0, 0, 1, 1], [0, 1, 0, 1], 0.0),
        ([1, 1, 1], [2, 2, 2], 1.0),
        ([1, 1, 1], [1, 2, 3], 0.0),
    ],
)
def test_nmi_edge_cases(first: list[int], second: list[int], expected: float) -> None:
    assert normalized_mutual_information(np.array(first), np.array(second)) == pytest.approx(
        expected, abs=1e-12
    )


def test_nmi_agrees_with_entropies_from_scipy() -> None:
    """NMI = 2·I(A;B) / (H(A) + H(B)), with I = H(A) + H(B) − H(A,B) from scipy's entropy."""
    rng = np.random.default_rng(0)
    for _ in range(5):
        a, b = rng.integers(0, 4, 50), rng.integers(0, 6, 50)
        joint = crosstab(a, b).count
        h_a = entropy(joint.sum(axis=1))
        h_b = entropy(joint.sum(axis=0))
        h_ab = entropy(joint.ravel())
        expected = 2 * (h_a + h_b - h_ab) / (h_a + h_b)
        assert normalized_mutual_information(a, b) == pytest.approx(expected, abs=1e-12)


def test_nmi_rejects_different_lengths() -> None:
    with pytest.raises(InputError, match="same length"):
        normalized_mutual_information(np.array([1, 2]), np.array([1]))


def test_membership_is_reproducible_and_checked(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    first = community_membership(tables, seed=3)
    again = community_membership(tables, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert 0.3 < first.attrs["modularity"] < 1.0
    assert 0.0 < industry_alignment(first) < 1.0
    profile = community_profile(tables, first)
    assert profile["size"].is_monotonic_decreasing
    assert (profile["size"] >= 2).all()
    with pytest.raises(InputError, match="resolution must be positive"):
        community_membership(tables, resolution=0)
