"""The network page without a browser: its data, escaping, layout, backbone, encoding, command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

import collabnet as cn
from collabnet.cli import main
from collabnet.errors import InputError, NotFoundError
from collabnet.outputs import page as page_module
from collabnet.outputs.page import (
    KIND_STYLES,
    TYPE_STYLES,
    layout_positions,
    network_page,
    script_json,
    write_page,
)

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "tiny"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def tiny() -> cn.Network:
    return cn.load(TINY)


def payload(html_text: str) -> dict[str, object]:
    block = re.search(
        r'<script type="application/json" id="collabnet-data">(.*?)</script>', html_text, re.S
    )
    assert block is not None
    return dict(json.loads(block.group(1)))


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "</script><script>alert(1)</script>", "<!-- x", "a & b", "行\u2028分\u2029段"],
)
def test_script_json_cannot_end_the_script_block_and_round_trips(text: str) -> None:
    encoded = script_json({"name": text})

    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded and "\u2029" not in encoded
    assert json.loads(encoded) == {"name": text}


def nodes_of(page: page_module.NetworkPage) -> dict[str, dict[str, object]]:
    """The page's columnar nodes as one dict per organisation id."""
    columns = page.payload["nodes"]
    return {
        org_id: {key: values[i] for key, values in columns.items()}
        for i, org_id in enumerate(columns["id"])
    }


def test_tiny_page_has_every_organisation_and_each_linked_pair_once(tiny: cn.Network) -> None:
    page = network_page(tiny)
    links = page.links()

    assert sorted(page.node_ids) == ["E1", "E2", "E3", "P1", "P2", "U1", "U2"]
    # Nine links, but E1–P2 is linked twice (co-built centre 2020, joint project 2022).
    pairs = sorted(tuple(sorted(ends)) for ends in zip(links["a"], links["b"], strict=True))
    assert pairs == [
        ("E1", "P2"),
        ("E1", "U2"),
        ("E2", "P1"),
        ("E2", "U1"),
        ("E3", "P1"),
        ("P1", "U1"),
        ("P1", "U2"),
        ("P2", "U2"),
    ]
    double = links[(links["a"] + links["b"]).isin(["E1P2", "P2E1"])].iloc[0]
    assert double["kinds"] == ("co_built_centre", "joint_project")
    assert (double["records"], double["year"]) == (2, 2020)
    # Small networks draw every link; the undated one travels as year 0.
    assert links["backbone"].all() and page.meta["backbone"]["all_drawn"]
    assert sorted(links["year"].tolist()) == [0, 2019, 2020, 2021, 2021, 2022, 2023, 2024]
    assert page.meta["records"] == 9


def test_type_colours_and_sizes_follow_type_and_degree(tiny: cn.Network) -> None:
    page = network_page(tiny, size_by="degree")
    nodes = nodes_of(page)
    types = [t["code"] for t in page.meta["types"]]
    degree = dict(tiny.graph.degree())

    for org_id, node in nodes.items():
        assert types[node["type"]] == tiny.graph.nodes[org_id]["type"]  # type: ignore[index]
    # P1 has most partners (4), E3 fewest (1): sizes follow degree.
    size = {org_id: node["size"] for org_id, node in nodes.items()}
    assert max(size, key=size.__getitem__) == max(degree, key=degree.__getitem__) == "P1"
    assert size["E3"] == min(size.values())
    assert size["E1"] == size["E2"]  # both have 2 partners


def test_link_colours_differ_from_every_node_colour() -> None:
    node_colours = {style["color"] for style in TYPE_STYLES.values()}
    link_colours = [style["color"] for style in KIND_STYLES.values()]

    assert len(set(link_colours)) == len(link_colours)
    assert node_colours.isdisjoint(link_colours)
    assert page_module.RECOMMENDED_STYLE["color"] not in node_colours | set(link_colours)


def test_industries_and_communities_are_numbered_for_the_page(tiny: cn.Network) -> None:
    page = network_page(tiny, color_by="industry")
    nodes = nodes_of(page)
    industries = [i["code"] for i in page.meta["industries"]]

    # E1 (pumps_valves) and P2 (泵阀) share an industry; U1 has none.
    assert nodes["E1"]["industries"] == nodes["P2"]["industries"]
    assert [industries[i] for i in nodes["E1"]["industries"]] == ["pumps_valves"]  # type: ignore[union-attr]
    assert nodes["U1"]["industries"] == []
    # Louvain on the tiny network, numbered from the largest community.
    membership = tiny.communities(seed=0).set_index("id")["community"]
    same = {(a, b) for a in nodes for b in nodes if membership[a] == membership[b]}
    assert same == {
        (a, b) for a in nodes for b in nodes if nodes[a]["community"] == nodes[b]["community"]
    }


def test_details_carry_chinese_industries_flags_and_metrics(tiny: cn.Network) -> None:
    page = network_page(tiny)
    p1 = nodes_of(page)["P1"]
    metrics = {m["label"]: m["values"][page.node_ids.index("P1")] for m in page.meta["metrics"]}

    assert p1["name"] == "浙大温州研究院"
    assert p1["flags"] == "新型研发机构 new-type R&D institution"
    assert [page.meta["counties"][p1["county"]]["name"]] == ["鹿城区"]  # type: ignore[index]
    assert metrics["度 degree"] == "4"
    assert set(metrics) == {"度 degree", "PageRank", "中介 betweenness"}


def test_entry_years_follow_founding_as_results_at_does(tiny: cn.Network) -> None:
    page = network_page(tiny)
    years = dict(zip(page.node_ids, page.payload["nodes"]["year"], strict=True))

    assert years == {
        "P1": 2019,
        "P2": 2020,
        "E1": 1998,
        "E2": 2005,
        "E3": 2010,
        "U1": 1897,
        "U2": 1933,
    }
    assert page.meta["years"] == [2019, 2020, 2021, 2022, 2023, 2024]


def test_focus_keeps_the_neighbourhood_within_radius_one_by_default(tiny: cn.Network) -> None:
    near = network_page(tiny, focus="浙大温州研究院")
    everything = network_page(tiny, focus="P1", radius=2)

    assert set(near.node_ids) == {"P1", "E2", "E3", "U1", "U2"}
    assert len(near.links()) == 5  # E2–P1, E3–P1, P1–U1, P1–U2 and E2–U1
    assert near.meta["focus"] == "P1"
    assert len(everything.node_ids) == 7


def test_focus_on_an_unknown_name_suggests_near_names(tiny: cn.Network) -> None:
    with pytest.raises(NotFoundError, match="did you mean: 浙大温州研究院"):
        network_page(tiny, focus="浙大温州")


def test_as_of_draws_the_network_of_that_year(tiny: cn.Network) -> None:
    page = network_page(tiny, as_of=2020)
    links = page.links()
    # Every organisation was founded by 2020; links dated 2020 or earlier, or undated, remain.
    pairs = {tuple(sorted(ends)) for ends in zip(links["a"], links["b"], strict=True)}

    assert pairs == {("E1", "P2"), ("P1", "U1"), ("E2", "U1")}
    assert page.meta["as_of"] == 2020


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"color_by": "county"}, "cannot colour by 'county'"),
        ({"size_by": "fame"}, "cannot size by 'fame'"),
        ({"radius": -1}, "radius must be 0 or more"),
    ],
)
def test_bad_options_are_refused(
    tiny: cn.Network, options: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        network_page(tiny, **options)  # type: ignore[arg-type]


def test_recommended_pairs_are_listed_with_rank_score_and_reasons(tiny: cn.Network) -> None:
    pairs = pd.DataFrame(
        {
            "enterprise": ["E3", "E9"],
            "platform": ["P2", "P1"],
            "score": [0.8, 0.5],
            "reason": ["同属汽配与泵阀供应链", "E9 is not in the network"],
        }
    )
    page = network_page(tiny, recommendations=pairs)

    assert page.payload["recommended"] == [
        {"a": "E3", "b": "P2", "rank": 1, "score": "0.8", "reasons": ["同属汽配与泵阀供应链"]}
    ]


def test_recommendations_list_the_best_scoring_pairs_of_recommend(tiny: cn.Network) -> None:
    every = tiny.recommend(top=len(tiny.organizations), explain=False)
    best = every.sort_values("score", ascending=False, kind="stable").head(2)
    listed = network_page(tiny, recommendations=2).payload["recommended"]

    assert [(p["a"], p["b"]) for p in listed] == list(
        zip(best["enterprise_id"], best["platform_id"], strict=True)
    )
    assert [p["rank"] for p in listed] == [1, 2]
    assert all(isinstance(reason, str) for p in listed for reason in p["reasons"])


def test_recommendation_table_without_pair_columns_is_refused(tiny: cn.Network) -> None:
    with pytest.raises(InputError, match="columns enterprise and platform"):
        network_page(tiny, recommendations=pd.DataFrame({"a": ["E1"], "b": ["P1"]}))


def test_backbone_keeps_each_organisations_strongest_links() -> None:
    # A star around 0 plus a heavy 1–2 link: 1 and 2 keep it, 3 and 4 hang from the hub.
    a = np.array([0, 0, 0, 0, 1])
    b = np.array([1, 2, 3, 4, 2])
    weight = np.array([1.0, 1.0, 1.0, 1.0, 5.0])
    degree = np.bincount(np.concatenate([a, b]))

    kept = page_module.backbone(a, b, weight, degree, per_node=1)

    assert kept.tolist() == [True, False, True, True, True]


def test_big_networks_draw_a_backbone_and_carry_every_link(
    tiny: cn.Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page_module, "ALL_LINKS_LIMIT", 4)
    monkeypatch.setattr(page_module, "BACKBONE_PER_NODE", 1)
    page = network_page(tiny)
    links = page.links()

    assert len(links) == 8 and not page.meta["backbone"]["all_drawn"]
    assert page.meta["backbone"]["count"] == int(links["backbone"].sum()) < 8
    # Every organisation with a link keeps one in the backbone.
    drawn = set(links.loc[links["backbone"], "a"]) | set(links.loc[links["backbone"], "b"])
    assert drawn == set(page.node_ids)


def test_html_is_self_contained_and_names_are_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        f'id,name,type\nH1,"{HOSTILE}",platform\nH2,"</script><!--",enterprise\n', "utf-8"
    )
    (folder / "links.csv").write_text("source,target,kind\nH1,H2,co_built_centre\n", "utf-8")
    path = write_page(cn.load(folder), tmp_path / "page.html", focus="H1")
    text = path.read_text("utf-8")

    assert HOSTILE not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text  # the <title> and heading
    assert text.count("</script>") == 4  # data, graphology, sigma, the page's own script
    assert "sourceMappingURL" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<link" not in text
    assert "//cdn" not in text
    names = payload(text)["nodes"]["name"]  # type: ignore[index]
    assert names == [HOSTILE, "</script><!--"]


def test_the_page_is_written_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    script = (
        "import collabnet as cn\n"
        "from collabnet.outputs.page import network_page\n"
        f"network_page(cn.load({str(TINY)!r})).write_html({str(target)!r})\n"
    )
    # An ASCII locale with UTF-8 mode off: any write without an explicit encoding fails.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    env["PYTHONCOERCECLOCALE"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "浙大温州研究院" in target.read_bytes().decode("utf-8")


def test_layout_positions_separate_nodes_and_components() -> None:
    graph = nx.disjoint_union_all([nx.karate_club_graph(), nx.path_graph(4), nx.empty_graph(3)])
    matrix = nx.to_scipy_sparse_array(graph, format="csr")
    positions = layout_positions(matrix, seed=1)

    assert positions.shape == (len(graph), 2)
    assert np.isfinite(positions).all()
    gaps = np.hypot(*(positions[:, None, :] - positions[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > 0.2
    karate, path = positions[:34], positions[34:38]
    # Bounding boxes of different components do not overlap.
    assert (path.min(axis=0) > karate.max(axis=0)).any() or (
        path.max(axis=0) < karate.min(axis=0)
    ).any()
    np.testing.assert_array_equal(positions, layout_positions(matrix, seed=1))


def test_layout_positions_keep_linked_nodes_closer_than_unlinked() -> None:
    graph = nx.barbell_graph(8, 0)
    matrix = sp.csr_array(nx.to_scipy_sparse_array(graph))
    positions = layout_positions(matrix)
    distance = np.hypot(*(positions[:, None, :] - positions[None, :, :]).transpose(2, 0, 1))
    linked = nx.to_numpy_array(graph).astype(bool)
    np.fill_diagonal(linked, False)
    unlinked = ~linked
    np.fill_diagonal(unlinked, False)

    assert distance[linked].mean() < distance[unlinked].mean()


def test_viz_writes_the_page_and_embeds_it_with_srcdoc(tiny: cn.Network, tmp_path: Path) -> None:
    pytest.importorskip("IPython", reason="IPython is not installed")
    shown = tiny.viz(tmp_path / "network.html", height=500)
    frame = shown.data  # type: ignore[attr-defined]

    assert (tmp_path / "network.html").is_file()
    assert frame.startswith('<div><iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "height: 500px" in frame
    assert "<script" not in frame
    assert tiny.viz(None) is not None


def test_viz_command_writes_the_page(in_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "network.html"
    result = CliRunner().invoke(main, ["viz", "tests/data/tiny", "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert len(payload(target.read_text("utf-8"))["nodes"]["id"]) == 7  # type: ignore[index]


def test_viz_command_lists_recommendations(in_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "network.html"
    result = CliRunner().invoke(
        main, ["viz", "tests/data/tiny", "-o", str(target), "--recommendations", "3"]
    )

    assert result.exit_code == 0, result.output
    assert len(payload(target.read_text("utf-8"))["recommended"]) == 3  # type: ignore[arg-type]


def test_viz_command_reports_an_unknown_focus(in_repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["viz", "tests/data/tiny", "-o", str(tmp_path / "x.html"), "--focus", "浙大温州"]
    )

    assert result.exit_code == 1
    assert "Error: no organisation with id or name '浙大温州'; did you mean: 浙大温州研究院" in (
        result.output
    )


def test_viz_command_has_help() -> None:
    result = CliRunner().invoke(main, ["viz", "--help"])

    assert result.exit_code == 0
    assert "--size-by" in result.output and "--recommendations" in result.output
