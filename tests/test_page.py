"""The network page without a browser: contents, escaping, layout, encoding, command."""

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


def test_tiny_page_has_every_organisation_and_each_linked_pair_once(tiny: cn.Network) -> None:
    page = network_page(tiny)

    assert sorted(n["id"] for n in page.nodes) == ["E1", "E2", "E3", "P1", "P2", "U1", "U2"]
    # Nine links, but E1–P2 is linked twice (co-built centre 2020, joint project 2022).
    pairs = sorted(tuple(sorted((e["from"], e["to"]))) for e in page.edges)
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
    double = next(e for e in page.edges if {e["from"], e["to"]} == {"E1", "P2"})
    assert double["kind"] == "co_built_centre"
    assert double["kinds"] == ["co_built_centre", "joint_project"]
    assert double["dashes"] is KIND_STYLES["co_built_centre"]["dashes"]
    assert "次数 links: 2" in double["title"]


def test_colour_shape_and_size_encode_type_and_degree(tiny: cn.Network) -> None:
    page = network_page(tiny, size_by="degree")
    nodes = {n["id"]: n for n in page.nodes}
    degree = dict(tiny.graph.degree())

    for org_id, node in nodes.items():
        style = TYPE_STYLES[tiny.graph.nodes[org_id]["type"]]
        assert node["color"]["background"] == style["color"]
        assert node["shape"] == style["shape"]
    # P1 has most partners (4), E3 fewest (1): sizes follow degree.
    by_size = sorted(nodes, key=lambda i: nodes[i]["size"])
    assert by_size[-1] == max(degree, key=degree.__getitem__) == "P1"
    assert nodes["E3"]["size"] == min(n["size"] for n in nodes.values())
    assert nodes["E1"]["size"] == nodes["E2"]["size"]  # both have 2 partners


def test_colour_by_industry_uses_the_first_industry(tiny: cn.Network) -> None:
    page = network_page(tiny, color_by="industry")
    nodes = {n["id"]: n for n in page.nodes}

    # E1 (pumps_valves) and P2 (泵阀) share an industry; U1 has none.
    assert nodes["E1"]["color"]["background"] == nodes["P2"]["color"]["background"]
    assert nodes["E1"]["color"]["background"] != nodes["E2"]["color"]["background"]
    assert nodes["U1"]["color"]["background"] == page.meta["no_industry_color"]


def test_tooltip_is_text_with_chinese_industries_and_metrics(tiny: cn.Network) -> None:
    node = next(n for n in network_page(tiny).nodes if n["id"] == "P1")

    assert node["title"].splitlines() == [
        "浙大温州研究院",
        "编号 id: P1",
        "类型 type: 创新平台 platform · 新型研发机构 new-type R&D institution",
        "产业 industries: 数字经济、智能装备",
        "县市区 county: 鹿城区",
        node["title"].splitlines()[-1],
    ]
    assert node["title"].splitlines()[-1].startswith("度 degree 4 · PageRank ")


def test_focus_keeps_the_neighbourhood_within_the_radius(tiny: cn.Network) -> None:
    near = network_page(tiny, focus="浙大温州研究院", radius=1)
    everything = network_page(tiny, focus="P1", radius=2)

    assert {n["id"] for n in near.nodes} == {"P1", "E2", "E3", "U1", "U2"}
    assert len(near.edges) == 5  # E2–P1, E3–P1, P1–U1, P1–U2 and E2–U1
    assert near.meta["focus"] == "P1"
    assert len(everything.nodes) == 7


def test_focus_on_an_unknown_name_suggests_near_names(tiny: cn.Network) -> None:
    with pytest.raises(NotFoundError, match="did you mean: 浙大温州研究院"):
        network_page(tiny, focus="浙大温州")


def test_as_of_draws_the_network_of_that_year(tiny: cn.Network) -> None:
    page = network_page(tiny, as_of=2020)
    # Every organisation was founded by 2020; links dated 2020 or earlier, or undated, remain.
    pairs = {tuple(sorted((e["from"], e["to"]))) for e in page.edges}

    assert pairs == {("E1", "P2"), ("P1", "U1"), ("E2", "U1")}
    assert page.meta["as_of"] == 2020


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"color_by": "county"}, "cannot colour by 'county'"),
        ({"size_by": "fame"}, "cannot size by 'fame'"),
        ({"radius": -1}, "radius must be 0 or more"),
        ({"layout": "spiral"}, "unknown layout 'spiral'"),
    ],
)
def test_bad_options_are_refused(
    tiny: cn.Network, options: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        network_page(tiny, **options)  # type: ignore[arg-type]


def test_recommended_pairs_become_dashed_edges_with_their_reason(tiny: cn.Network) -> None:
    pairs = pd.DataFrame(
        {
            "enterprise": ["E3", "E9"],
            "platform": ["P2", "P1"],
            "score": [0.8, 0.5],
            "reason": ["同属汽配与泵阀供应链", "E9 is not in the network"],
        }
    )
    page = network_page(tiny, recommendations=pairs)
    recommended = [e for e in page.edges if e.get("recommended")]

    assert [(e["from"], e["to"]) for e in recommended] == [("E3", "P2")]
    assert recommended[0]["dashes"]
    assert "理由 why: 同属汽配与泵阀供应链" in recommended[0]["title"]
    assert page.meta["recommended"]["count"] == 1


def test_recommendations_overlay_the_best_scoring_pairs_of_recommend(tiny: cn.Network) -> None:
    every = tiny.recommend(top=len(tiny.organizations), explain=False)
    best = every.sort_values("score", ascending=False, kind="stable").head(2)
    page = network_page(tiny, recommendations=2)
    recommended = [e for e in page.edges if e.get("recommended")]

    assert [(e["from"], e["to"]) for e in recommended] == list(
        zip(best["enterprise_id"], best["platform_id"], strict=True)
    )
    assert all("理由 why:\n• " in e["title"] for e in recommended)
    assert page.meta["recommended"]["count"] == 2


def test_recommendation_table_without_pair_columns_is_refused(tiny: cn.Network) -> None:
    with pytest.raises(InputError, match="columns enterprise and platform"):
        network_page(tiny, recommendations=pd.DataFrame({"a": ["E1"], "b": ["P1"]}))


def test_layout_switches_to_python_positions_for_big_networks(
    tiny: cn.Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert network_page(tiny).meta["layout"] == "physics"
    page = network_page(tiny, layout="fixed")
    assert page.meta["layout"] == "fixed"
    assert page.options["physics"]["enabled"] is False

    # "auto" above the threshold: tiny's 7 organisations count as big when it is 6.
    monkeypatch.setattr(page_module, "LAYOUT_THRESHOLD", 6)
    big = network_page(tiny)
    assert big.meta["layout"] == "fixed"
    assert big.options["physics"]["enabled"] is False
    assert network_page(tiny, layout="physics").options["physics"]["enabled"] is True


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
    assert text.count("</script>") == 3  # data, vis-network, the page's own script
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<link" not in text
    assert "//cdn" not in text
    names = {n["id"]: n["label"] for n in payload(text)["nodes"]}  # type: ignore[index, union-attr]
    assert names == {"H1": HOSTILE, "H2": "</script><!--"}


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
    assert len(payload(target.read_text("utf-8"))["nodes"]) == 7  # type: ignore[arg-type]


def test_viz_command_overlays_recommendations(in_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "network.html"
    result = CliRunner().invoke(
        main, ["viz", "tests/data/tiny", "-o", str(target), "--recommendations", "3"]
    )

    assert result.exit_code == 0, result.output
    edges = payload(target.read_text("utf-8"))["edges"]
    assert sum(1 for e in edges if e.get("recommended")) == 3  # type: ignore[union-attr]


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
