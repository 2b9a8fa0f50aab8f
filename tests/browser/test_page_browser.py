"""The network page in a real browser: offline, readable, every control, inert names."""

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
ZDWZ = "浙大温州研究院"


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> cn.Network:
    return cn.load(sample_dir)


@pytest.fixture(scope="module")
def sample_page(sample: cn.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with ten recommended enterprise–platform pairs listed.

    The pairs are made here, not by the recommender: these tests are about the page.
    """
    organizations = sample.organizations
    enterprises = organizations.loc[organizations["type"] == "enterprise", "id"].head(10)
    platforms = organizations.loc[organizations["type"] == "platform", "id"].head(10)
    pairs = pd.DataFrame(
        {
            "enterprise_id": enterprises.to_numpy(),
            "platform_id": platforms.to_numpy(),
            "score": np.linspace(0.9, 0.5, 10),
            "reasons": [[f"理由 {i} reason", "同属一个产业 same industry"] for i in range(10)],
        }
    )
    return write_page(
        sample, tmp_path_factory.mktemp("page") / "sample.html", recommendations=pairs
    )


def unique_pairs(links: pd.DataFrame) -> set[tuple[str, str]]:
    source, target = links["source"].astype(str), links["target"].astype(str)
    low = np.where(source < target, source, target)
    high = np.where(source < target, target, source)
    return set(zip(low, high, strict=True))


def visible_nodes(opened: OpenedPage) -> set[str]:
    return set(opened.js("collabnet.visibleIds()"))


def drawn_links(opened: OpenedPage) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in opened.js("collabnet.drawnLinks()")}


def camera(opened: OpenedPage) -> dict[str, float]:
    return dict(opened.js("collabnet.renderer.getCamera().getState()"))


def settle(opened: OpenedPage) -> None:
    """Wait for the camera animation (250 ms) to end."""
    opened.page.wait_for_timeout(400)


def on_screen(opened: OpenedPage, ids: set[str]) -> bool:
    """Whether every one of ``ids`` is drawn inside the graph area."""
    return bool(
        opened.js(
            f"(() => {{ const r = collabnet.renderer, d = r.getDimensions();"
            f" return {json.dumps(sorted(ids))}.every((id) => {{"
            " const p = r.framedGraphToViewport(r.getNodeDisplayData(id));"
            " return p.x >= 0 && p.y >= 0 && p.x <= d.width && p.y <= d.height; }); })()"
        )
    )


def partners(sample: cn.Network, org_id: str) -> set[str]:
    links = sample.links
    return set(links.loc[links["source"] == org_id, "target"]) | set(
        links.loc[links["target"] == org_id, "source"]
    )


def id_of(sample: cn.Network, name: str) -> str:
    organizations = sample.organizations
    return str(organizations.loc[organizations["name"] == name, "id"].iat[0])


@pytest.mark.slow
def test_page_opens_offline_with_every_organisation_and_link(
    sample_page: Path, sample: cn.Network, open_page: Opener, tmp_path: Path
) -> None:
    opened = open_page(sample_page)
    degree = pd.concat([sample.links["source"], sample.links["target"]]).value_counts()
    linked = set(degree.index)

    assert opened.console_errors == []
    assert opened.requests == [sample_page.resolve().as_uri()]
    assert opened.js("collabnet.nodes.id.length") == len(sample.organizations)
    # Isolates are hidden behind a counted toggle; every link is drawn (a small network).
    isolates = set(sample.organizations["id"]) - linked
    assert visible_nodes(opened) == linked
    assert f"({len(isolates)})" in opened.page.text_content("#isolates-label")
    assert drawn_links(opened) == unique_pairs(sample.links)
    assert opened.js("window.collabnetReadyAt") > 0
    # Records and distinct pairs both shown, since they differ.
    summary = opened.page.text_content("#summary")
    assert f"{len(unique_pairs(sample.links))} 对合作" in summary
    assert f"{len(sample.links)} 条合作记录" in summary

    shot = tmp_path / "sample.png"
    opened.page.screenshot(path=str(shot))
    pixels = imread(shot)[:, :, :3]
    graph_area = pixels[:, 280:-310]
    assert (graph_area.min(axis=2) < 0.9).mean() > 0.02


def overlapping(boxes: list[list[float]]) -> list[tuple[list[float], list[float]]]:
    """The pairs of label boxes [left, top, right, bottom] whose insides intersect."""
    return [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


@pytest.mark.parametrize("viewport", [(1366, 768), (1920, 1080)])
def test_labels_never_overlap_and_multiply_as_you_zoom(
    sample_page: Path, sample: cn.Network, open_page: Opener, viewport: tuple[int, int]
) -> None:
    opened = open_page(sample_page)
    opened.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    opened.js("collabnet.fit(false)")
    opened.page.wait_for_timeout(200)
    area = opened.js("collabnet.renderer.getDimensions()")
    labels = opened.js("collabnet.labels()")
    boxes = opened.js("window.collabnetLabelBoxes()")
    by_degree = sample.results.centrality("degree").sort_values("degree", ascending=False)

    assert len(boxes) == len(labels) >= 15
    assert set(by_degree["id"].head(3)) <= set(labels)
    assert overlapping(boxes) == []
    for left, top, right, bottom in boxes:
        assert 0 <= left < right <= area["width"] and 0 <= top < bottom <= area["height"]

    # Zoomed in on the best-connected organisation: more names, still apart.
    top_id = str(by_degree["id"].iat[0])
    opened.js(
        "(() => { const r = collabnet.renderer;"
        f" const d = r.getNodeDisplayData({json.dumps(top_id)});"
        " r.getCamera().setState({x: d.x, y: d.y, ratio: 0.25, angle: 0}); })()"
    )
    opened.page.wait_for_timeout(300)
    zoomed = opened.js("collabnet.labels()")
    zoomed_boxes = opened.js("window.collabnetLabelBoxes()")
    assert len(zoomed) > len(labels)
    assert set(zoomed) - set(labels)
    # Nor is any label hidden under the buttons over the graph.
    toolbar = opened.js(
        "(() => { const a = document.getElementById('network').getBoundingClientRect();"
        " const b = document.getElementById('toolbar').getBoundingClientRect();"
        " return [b.left - a.left, b.top - a.top, b.right - a.left, b.bottom - a.top]; })()"
    )
    assert overlapping([*zoomed_boxes, toolbar]) == []


def test_search_selects_highlights_and_lists_partners_by_kind(
    sample_page: Path, sample: cn.Network, open_page: Opener
) -> None:
    wanted = id_of(sample, ZDWZ)
    opened = open_page(sample_page)
    opened.page.set_viewport_size({"width": 1366, "height": 768})

    opened.page.fill("#search", "温州研究")
    listed = opened.page.eval_on_selector_all(
        "#search-results button", "(all) => all.map((b) => b.dataset.id)"
    )
    assert wanted in listed

    opened.page.fill("#search", "浙大温州")
    opened.page.press("#search", "Enter")
    settle(opened)
    expected = partners(sample, wanted)
    assert opened.js("collabnet.state().sel") == wanted
    assert set(opened.js("collabnet.highlighted()")) == expected | {wanted}
    # The rest is dimmed, the view fits the organisation and its partners.
    other = next(iter(set(sample.organizations["id"]) - expected - {wanted}))
    assert opened.js("document.getElementById('veil').hidden") is False
    assert opened.js(f"collabnet.renderer.getNodeDisplayData('{other}').highlighted") is False
    assert opened.js(f"collabnet.renderer.getNodeDisplayData('{wanted}').highlighted") is True
    assert on_screen(opened, expected | {wanted})
    # Named first, in bold, then as many partners as fit apart from each other.
    labels = opened.js("collabnet.labels()")
    assert labels[0] == wanted and len(labels) > 10
    assert set(labels[1:]) <= expected
    assert overlapping(opened.js("window.collabnetLabelBoxes()")) == []

    # The details panel is visible without scrolling at 1366×768 and lists the partners.
    assert ZDWZ in opened.page.text_content("#details h3")
    head = opened.page.locator("#details h4").bounding_box()
    assert head is not None and head["y"] + head["height"] <= 768
    buttons = opened.page.eval_on_selector_all(
        "#details ul.partners button", "(all) => all.map((b) => b.dataset.id)"
    )
    # Each kind lists its 40 strongest partners; the heading counts them all.
    assert set(buttons) <= expected and len(buttons) >= min(40, len(expected))
    assert opened.page.text_content("#details h4") == f"合作方 partners: {len(expected)}"
    kinds = opened.page.eval_on_selector_all("#details .kind-head", "(all) => all.length")
    assert kinds >= 2

    # Clicking a partner selects it; the drawing follows the new highlight exactly.
    partner = buttons[0]
    opened.page.click(f"#details ul.partners button[data-id='{partner}']")
    assert opened.js("collabnet.state().sel") == partner
    drawn_highlighted = (
        "collabnet.nodes.id.filter((id) => collabnet.renderer.getNodeDisplayData(id).highlighted)"
    )
    assert set(opened.js(drawn_highlighted)) == partners(sample, partner) | {partner}
    # Reset clears the selection, and no organisation stays drawn as highlighted.
    opened.page.click("#reset")
    assert opened.js("collabnet.state().sel") is None
    assert opened.js(drawn_highlighted) == []
    assert opened.console_errors == []


def test_hover_highlights_partners_and_click_selects(
    sample_page: Path, sample: cn.Network, open_page: Opener
) -> None:
    wanted = id_of(sample, ZDWZ)
    opened = open_page(sample_page)
    opened.js(
        f"(() => {{ const r = collabnet.renderer, d = r.getNodeDisplayData('{wanted}');"
        " r.getCamera().setState({x: d.x, y: d.y, ratio: 0.1, angle: 0}); r.refresh(); })()"
    )
    box = opened.page.locator("#network").bounding_box()
    point = opened.js(
        f"collabnet.renderer.framedGraphToViewport(collabnet.renderer.getNodeDisplayData('{wanted}'))"
    )
    opened.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    highlighted = opened.wait_until("collabnet.highlighted().length > 0 && collabnet.highlighted()")
    assert set(highlighted) == partners(sample, wanted) | {wanted}

    opened.page.mouse.move(box["x"] + 2, box["y"] + 2)
    assert opened.wait_until("collabnet.highlighted().length === 0")

    opened.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert opened.wait_until(f"collabnet.state().sel === '{wanted}'")
    assert ZDWZ in opened.page.text_content("#details")


@pytest.mark.parametrize(
    ("industry", "county", "unchecked"),
    [
        ("footwear", None, []),
        (None, "永嘉县", []),
        (None, None, ["enterprise", "other"]),
        ("pumps_valves", "永嘉县", ["university"]),
    ],
)
def test_filters_show_exactly_the_organisations_inside_them_and_refit(
    sample_page: Path,
    sample: cn.Network,
    open_page: Opener,
    industry: str | None,
    county: str | None,
    unchecked: list[str],
) -> None:
    organizations = sample.organizations
    links = sample.links
    linked = set(links["source"]) | set(links["target"])
    keep = ~organizations["type"].isin(unchecked) & organizations["id"].isin(linked)
    if industry is not None:
        keep &= organizations["industries"].map(lambda codes: industry in codes)
    if county is not None:
        keep &= organizations["county"].eq(county).fillna(False)
    expected = set(organizations.loc[keep, "id"])
    expected_links = unique_pairs(
        links[links["source"].isin(expected) & links["target"].isin(expected)]
    )
    opened = open_page(sample_page)
    before = camera(opened)

    if industry is not None:
        opened.page.select_option("#industry-filter", industry)
    if county is not None:
        opened.page.select_option("#county-filter", county)
    for org_type in unchecked:
        opened.page.uncheck(f"input[data-type={org_type}]")
    settle(opened)

    assert 0 < len(expected) < len(organizations)
    assert visible_nodes(opened) == expected
    assert drawn_links(opened) == expected_links
    assert on_screen(opened, expected)
    if industry is not None or county is not None:
        assert camera(opened)["ratio"] < before["ratio"]  # zoomed in on what is left

    opened.page.click("#reset")
    settle(opened)
    assert visible_nodes(opened) == linked
    assert camera(opened)["ratio"] == pytest.approx(before["ratio"], rel=0.01)


def test_fit_button_and_isolates_toggle(
    sample_page: Path, sample: cn.Network, open_page: Opener
) -> None:
    opened = open_page(sample_page)
    home = camera(opened)
    opened.js("collabnet.renderer.getCamera().setState({x: 0.1, y: 0.9, ratio: 0.05, angle: 0})")
    opened.page.click("#fit")
    settle(opened)
    assert camera(opened)["ratio"] == pytest.approx(home["ratio"], rel=0.01)

    opened.page.check("#show-isolates")
    assert visible_nodes(opened) == set(sample.organizations["id"])
    assert "isolates=1" in opened.js("location.hash")


@pytest.mark.parametrize("colouring", ["industry", "community"])
def test_colour_by_industry_and_by_community(
    sample_page: Path, sample: cn.Network, open_page: Opener, colouring: str
) -> None:
    opened = open_page(sample_page)
    wanted = id_of(sample, ZDWZ)
    opened.page.select_option("#color-by", colouring)
    colour = opened.js(f"collabnet.renderer.getNodeDisplayData('{wanted}').color")
    meta = opened.js("collabnet.meta")
    position = opened.js(f"collabnet.nodes.id.indexOf('{wanted}')")
    if colouring == "industry":
        first = opened.js(f"collabnet.nodes.industries[{position}][0]")
        assert colour == meta["industries"][first]["color"]
        assert "首个产业" in opened.page.text_content("#legend")
    else:
        community = opened.js(f"collabnet.nodes.community[{position}]")
        assert colour == meta["communities"][community]["color"]
        assert "Louvain" in opened.page.text_content("#legend")
    # Link kinds keep their own colours, listed in the legend.
    assert "联合项目 joint project" in opened.page.text_content("#legend")


def test_time_slider_shows_the_network_as_it_stood(
    sample_page: Path, sample: cn.Network, open_page: Opener
) -> None:
    opened = open_page(sample_page)
    opened.page.check("#show-isolates")
    years = opened.js("collabnet.meta.years")
    year = years[len(years) // 2]
    then = sample.results.at(year)

    opened.js(
        f"(() => {{ const s = document.getElementById('year'); s.value = '{years.index(year)}';"
        " s.dispatchEvent(new Event('input')); })()"
    )
    assert opened.page.text_content("#year-label") == str(year)
    assert visible_nodes(opened) == set(then.organizations["id"])
    assert drawn_links(opened) == set(
        zip(
            np.minimum(then.pairs["id_a"], then.pairs["id_b"]),
            np.maximum(then.pairs["id_a"], then.pairs["id_b"]),
            strict=True,
        )
    )
    assert f"year={year}" in opened.js("location.hash")


def test_recommended_pairs_are_listed_and_focus_on_click(
    sample_page: Path, sample: cn.Network, open_page: Opener
) -> None:
    opened = open_page(sample_page)
    data = "document.getElementById('collabnet-data').textContent"
    listed = opened.js(f"JSON.parse({data}).recommended")
    items = opened.page.locator("#pair-list button")

    assert items.count() == len(listed) == 10
    first = items.nth(0).text_content()
    assert first.startswith("#1")
    assert "得分 score" in first
    assert listed[0]["reasons"][0] in first

    items.nth(2).click()
    settle(opened)
    pair = listed[2]
    assert opened.js("collabnet.state().sel") == pair["a"]
    assert {pair["a"], pair["b"]} <= set(opened.js("collabnet.highlighted()"))
    assert on_screen(opened, {pair["a"], pair["b"]})

    opened.page.check("#only-recommended")
    settle(opened)
    ends = {p["a"] for p in listed} | {p["b"] for p in listed}
    assert visible_nodes(opened) == ends
    assert drawn_links(opened) == set()  # only the recommended pairs themselves


def test_export_png_downloads_the_current_view(sample_page: Path, open_page: Opener) -> None:
    opened = open_page(sample_page)
    with opened.page.expect_download() as download:
        opened.page.click("#export")
    path = download.value.path()
    data = Path(path).read_bytes()

    assert download.value.suggested_filename == "collabnet-network.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(path)[:, :, :3]
    assert (pixels.min(axis=2) < 0.9).mean() > 0.02  # nodes, links and labels, not blank


def test_url_hash_restores_the_view_for_a_colleague(
    sample_page: Path, sample: cn.Network, open_page: Opener
) -> None:
    opened = open_page(sample_page)
    opened.page.select_option("#industry-filter", "footwear")
    opened.page.fill("#search", "鞋")
    first = opened.page.eval_on_selector("#search-results button", "(b) => b.dataset.id")
    opened.page.click("#search-results button")
    years = opened.js("collabnet.meta.years")
    opened.js(
        f"(() => {{ const s = document.getElementById('year'); s.value = '{len(years) - 2}';"
        " s.dispatchEvent(new Event('input')); })()"
    )
    state = opened.js("collabnet.state()")
    shown = visible_nodes(opened)
    url = opened.js("location.href")
    assert "industry=footwear" in url and f"sel={first}" in url

    again = opened.page.context.new_page()  # a colleague's tab, opening the shared link
    try:
        again.goto(url)
        again.wait_for_selector("body[data-ready=true]", state="attached")
        assert again.evaluate("collabnet.state()") == state
        assert set(again.evaluate("collabnet.visibleIds()")) == shown
        assert again.input_value("#search") == "鞋"
        assert again.input_value("#industry-filter") == "footwear"
        assert again.text_content("#details h3") == opened.page.text_content("#details h3")
    finally:
        again.close()


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
    return write_page(
        cn.load(folder), tmp_path / "hostile.html", focus="H1", radius=2, recommendations=pairs
    )


def test_markup_in_names_stays_text(hostile_page: Path, open_page: Opener) -> None:
    opened = open_page(hostile_page)

    assert opened.dialogs == []
    assert opened.console_errors == []
    assert opened.requests == [hostile_page.resolve().as_uri()]
    assert opened.js("collabnet.nodes.id.length") == 3
    assert HOSTILE in opened.js("document.title")
    assert HOSTILE in opened.page.text_content("#page-title")
    # --focus selects the organisation: its details and partners are text.
    assert opened.page.text_content("#details h3") == HOSTILE
    assert CLOSER in opened.page.text_content("#details ul.partners")
    assert HOSTILE_REASON in opened.page.text_content("#pair-list")
    # Names on the graph are drawn on a canvas, never parsed.
    assert "H1" in opened.js("collabnet.labels()")

    opened.page.fill("#search", "<img")
    assert opened.page.text_content("#search-results button .name") == HOSTILE
    opened.page.fill("#search", "</script")
    assert opened.page.text_content("#search-results button .name") == CLOSER

    assert opened.js("document.querySelectorAll('img, b:not(#year-label)').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 4
    assert opened.dialogs == []
    assert opened.requests == [hostile_page.resolve().as_uri()]


def test_large_pages_move_the_last_picture_while_the_camera_moves(
    sample: cn.Network, open_page: Opener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collabnet.outputs import page as page_module

    monkeypatch.setattr(page_module, "MOTION_THRESHOLD", 100)
    opened = open_page(write_page(sample, tmp_path / "moving.html"))
    rendered = opened.js("collabnet.frames()")
    # Large pages draw points and one-pixel lines: one pass each in software WebGL.
    programs = (
        "[collabnet.renderer.getSetting('nodeProgramClasses').circle"
        " === Sigma.rendering.NodePointProgram,"
        " collabnet.renderer.getSetting('edgeProgramClasses').line"
        " === Sigma.rendering.EdgeLineProgram]"
    )
    assert opened.js(programs) == [True, True]
    shot = tmp_path / "moving.png"
    opened.page.screenshot(path=str(shot))
    graph_area = imread(shot)[:, 280:-310, :3]
    assert (graph_area.min(axis=2) < 0.9).mean() > 0.02

    opened.js(
        "(() => { const c = collabnet.renderer.getCamera(), s = c.getState();"
        " c.setState({x: s.x + 0.1, y: s.y, ratio: s.ratio * 0.5, angle: 0}); })()"
    )
    moved = opened.wait_until("document.getElementById('stage').style.transform")
    assert "scale(2" in moved  # zoomed in twice: the picture is scaled, not redrawn
    # Once the camera rests, the network is drawn afresh at the new view.
    assert opened.wait_until("document.getElementById('stage').style.transform === ''")
    assert opened.js("collabnet.frames()") >= rendered + 2
    assert opened.console_errors == []
