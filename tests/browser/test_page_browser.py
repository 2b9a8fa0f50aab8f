"""The network page in a real browser: offline, complete, searchable, filterable, inert."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

import collabnet as cn
from collabnet.outputs.page import write_page

pytestmark = pytest.mark.browser

# The opener returns conftest.OpenedPage: page, requests, console_errors, dialogs, js().
OpenedPage = Any
Opener = Callable[[Path], OpenedPage]
HOSTILE = "<img src=x onerror=alert(1)>"
CLOSER = "</script><script>alert(2)</script><!--"
HOSTILE_REASON = "<b>shared</b> & <img src=y onerror=alert(3)>"


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> cn.Network:
    return cn.load(sample_dir)


@pytest.fixture(scope="module")
def physics_page(sample: cn.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample as the command writes it by default (the browser settles the layout)."""
    return write_page(sample, tmp_path_factory.mktemp("page") / "sample.html")


@pytest.fixture(scope="module")
def fixed_page(sample: cn.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with the layout computed in Python: opens fast, for the interaction tests."""
    return write_page(sample, tmp_path_factory.mktemp("page") / "fixed.html", layout="fixed")


def unique_pairs(links: pd.DataFrame) -> set[tuple[str, str]]:
    source, target = links["source"].astype(str), links["target"].astype(str)
    low = np.where(source < target, source, target)
    high = np.where(source < target, target, source)
    return set(zip(low, high, strict=True))


def visible_nodes(opened: OpenedPage) -> set[str]:
    return set(opened.js("collabnet.nodes.getIds({filter: (n) => !n.hidden})"))


def visible_links(opened: OpenedPage) -> set[tuple[str, str]]:
    ends = opened.js(
        "collabnet.edges.get({filter: (e) => !e.hidden && !e.recommended})"
        ".map((e) => [e.from, e.to])"
    )
    return {(min(a, b), max(a, b)) for a, b in ends}


@pytest.mark.slow
def test_page_opens_offline_with_every_organisation_and_link(
    physics_page: Path, sample: cn.Network, open_page: Opener, tmp_path: Path
) -> None:
    opened = open_page(physics_page)

    assert opened.console_errors == []
    assert opened.requests == [physics_page.resolve().as_uri()]
    assert opened.js("collabnet.nodes.length") == len(sample.organizations)
    assert visible_nodes(opened) == set(sample.organizations["id"])
    # Each linked pair once: a set comparison alone would not see a pair drawn twice.
    assert opened.js("collabnet.edges.length") == len(unique_pairs(sample.links))
    assert visible_links(opened) == unique_pairs(sample.links)
    # Stabilised, then stopped.
    assert opened.js("collabnet.meta.layout") == "physics"
    assert opened.js("collabnet.network.physics.physicsEnabled") is False

    shot = tmp_path / "sample.png"
    opened.page.screenshot(path=str(shot))
    pixels = imread(shot)[:, :, :3]
    graph_area = pixels[:, 320:]
    assert pixels.std() > 0.05
    # More than 2% of the drawing area is not background white: nodes and links are drawn.
    assert (graph_area.min(axis=2) < 0.9).mean() > 0.02


def test_search_selects_and_focuses_a_partial_chinese_name(
    fixed_page: Path, sample: cn.Network, open_page: Opener
) -> None:
    organizations = sample.organizations
    wanted = str(organizations.loc[organizations["name"] == "浙大温州研究院", "id"].iat[0])
    opened = open_page(fixed_page)

    opened.page.fill("#search", "温州研究")
    listed = opened.page.eval_on_selector_all(
        "#search-results button", "(all) => all.map((b) => b.dataset.id)"
    )
    assert wanted in listed

    opened.page.fill("#search", "浙大温州")
    opened.page.press("#search", "Enter")
    assert opened.js("collabnet.network.getSelectedNodes()") == [wanted]
    centred = (
        "(() => { const v = collabnet.network.getViewPosition();"
        f" const p = collabnet.network.getPositions(['{wanted}'])['{wanted}'];"
        " return Math.hypot(v.x - p.x, v.y - p.y) < 1; })()"
    )
    assert opened.wait_until(centred)
    assert "浙大温州研究院" in opened.page.text_content("#details")
    assert opened.console_errors == []


@pytest.mark.parametrize(
    ("industry", "county", "unchecked"),
    [
        ("footwear", None, []),
        (None, "永嘉县", []),
        (None, None, ["enterprise", "other"]),
        ("pumps_valves", "永嘉县", ["university"]),
    ],
)
def test_filters_hide_exactly_the_organisations_outside_them(
    fixed_page: Path,
    sample: cn.Network,
    open_page: Opener,
    industry: str | None,
    county: str | None,
    unchecked: list[str],
) -> None:
    organizations = sample.organizations
    keep = ~organizations["type"].isin(unchecked)
    if industry is not None:
        keep &= organizations["industries"].map(lambda codes: industry in codes)
    if county is not None:
        keep &= organizations["county"].eq(county).fillna(False)
    expected = set(organizations.loc[keep, "id"])
    links = sample.links
    expected_links = unique_pairs(
        links[links["source"].isin(expected) & links["target"].isin(expected)]
    )
    opened = open_page(fixed_page)

    if industry is not None:
        opened.page.select_option("#industry-filter", industry)
    if county is not None:
        opened.page.select_option("#county-filter", county)
    for org_type in unchecked:
        opened.page.uncheck(f"input[data-type={org_type}]")

    assert 0 < len(expected) < len(organizations)
    assert visible_nodes(opened) == expected
    assert visible_links(opened) == expected_links

    opened.page.click("#reset-filters")
    assert len(visible_nodes(opened)) == len(organizations)


@pytest.fixture
def hostile_page(tmp_path: Path) -> Path:
    """Three organisations whose names and a recommendation's reason are markup."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    organizations = pd.DataFrame(
        {
            "id": ["H1", "H2", "H3"],
            "name": [HOSTILE, CLOSER, "正常企业"],
            "type": ["platform", "enterprise", "enterprise"],
            "industries": ["泵阀", "电气", "电气"],
            "county": ["永嘉县", "乐清市", "乐清市"],
        }
    )
    links = pd.DataFrame(
        {
            "source": ["H1", "H2"],
            "target": ["H2", "H3"],
            "kind": ["co_built_centre", "joint_project"],
            "year": [2020, 2021],
        }
    )
    organizations.to_csv(folder / "organizations.csv", index=False)
    links.to_csv(folder / "links.csv", index=False)
    pairs = pd.DataFrame(
        {"enterprise": ["H3"], "platform": ["H1"], "score": [0.9], "explanation": [HOSTILE_REASON]}
    )
    return write_page(cn.load(folder), tmp_path / "hostile.html", focus="H1", recommendations=pairs)


def hover(opened: OpenedPage, point_js: str, expected: str) -> str:
    """Move the mouse onto a canvas point; the tooltip's text once it shows ``expected``."""
    box = opened.page.locator("#network").bounding_box()
    point = opened.js(f"collabnet.network.canvasToDOM({point_js})")
    opened.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = "document.querySelector('div.vis-tooltip')"
    opened.wait_until(
        f"(() => {{ const t = {tooltip}; return t !== null && t.style.visibility !== 'hidden'"
        f" && t.innerText.includes({json.dumps(expected)}); }})()"
    )
    return str(opened.js(f"{tooltip} === null ? '' : {tooltip}.innerText"))


def test_markup_in_names_stays_text(hostile_page: Path, open_page: Opener) -> None:
    opened = open_page(hostile_page)

    assert opened.dialogs == []
    assert opened.console_errors == []
    assert opened.requests == [hostile_page.resolve().as_uri()]
    assert opened.js("collabnet.nodes.length") == 3
    assert HOSTILE in opened.js("document.title")
    assert HOSTILE in opened.page.text_content("#page-title")
    assert opened.page.text_content("#details").startswith(HOSTILE)

    tooltip = hover(opened, "collabnet.network.getPositions(['H1'])['H1']", HOSTILE)
    assert tooltip.startswith(HOSTILE)
    # Text set through innerText: line breaks become <br>, and nothing else is an element.
    tags = opened.js("[...document.querySelectorAll('div.vis-tooltip *')].map((e) => e.tagName)")
    assert set(tags) <= {"BR"}

    # A point on the dashed recommended edge that no node covers.
    on_edge = """(() => {
        const net = collabnet.network, p = net.getPositions(['H1', 'H3']);
        for (let t = 0.1; t < 0.95; t += 0.05) {
            const c = {x: p.H1.x + t * (p.H3.x - p.H1.x), y: p.H1.y + t * (p.H3.y - p.H1.y)};
            const d = net.canvasToDOM(c);
            if (net.getNodeAt(d) === undefined && net.getEdgeAt(d) === 'r0') return c;
        }
        return null;
    })()"""
    assert opened.js(on_edge) is not None
    reason = hover(opened, on_edge, "理由")
    assert HOSTILE_REASON in reason

    opened.page.fill("#search", "<img")
    assert opened.page.text_content("#search-results button .name") == HOSTILE
    opened.page.fill("#search", "</script")
    assert opened.page.text_content("#search-results button .name") == CLOSER

    assert opened.js("document.querySelectorAll('img, b').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 3
    assert opened.dialogs == []
    assert opened.requests == [hostile_page.resolve().as_uri()]


def test_recommended_pairs_are_dashed_and_can_be_hidden(
    hostile_page: Path, open_page: Opener
) -> None:
    opened = open_page(hostile_page)
    recommended = opened.js("collabnet.edges.get({filter: (e) => e.recommended})")

    assert [(e["from"], e["to"]) for e in recommended] == [("H3", "H1")]
    assert recommended[0]["dashes"]
    assert not opened.js("collabnet.edges.get('r0').hidden")

    opened.page.uncheck("#show-recommended")
    assert opened.js("collabnet.edges.get('r0').hidden") is True
    assert len(visible_links(opened)) == 2
