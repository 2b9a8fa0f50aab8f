"""The briefing in a real browser: offline, complete, inert, and its Chinese really drawn."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

import collabnet as cn
from collabnet.outputs.report import SHEETS, write_report

pytestmark = pytest.mark.browser

# The opener returns conftest.OpenedPage: page, requests, console_errors, dialogs, js().
Opener = Callable[[Path], Any]
HOSTILE = "<img src=x onerror=alert(1)>"
SECTIONS = ["summary", "overview", *SHEETS, "figures"]
# The office screen the summary must fit on without scrolling.
LAPTOP = {"width": 1366, "height": 768}

# Draws one character at 48 px in the heading's font on a canvas and returns its ink as a
# bit string; a character the font cannot draw comes out as the fallback box (tofu).
GLYPHS = """() => {
  const family = getComputedStyle(document.querySelector("h1")).fontFamily;
  const canvas = document.createElement("canvas");
  canvas.width = 64;
  canvas.height = 64;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  ctx.font = `48px ${family}`;
  const ink = (text) => {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 64, 64);
    ctx.fillStyle = "#000";
    ctx.textBaseline = "top";
    ctx.fillText(text, 4, 4);
    const data = ctx.getImageData(0, 0, 64, 64).data;
    let bits = "";
    for (let i = 0; i < data.length; i += 4) bits += data[i] < 128 ? "1" : "0";
    return bits;
  };
  return {
    wen: ink("温"),
    zhou: ink("州"),
    tofu: ink(String.fromCodePoint(0x10fffd)),
    width: ctx.measureText("温州").width,
  };
}"""


@pytest.fixture(scope="module")
def briefing_page(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's briefing, with the top hub renamed to a piece of markup."""
    data = tmp_path_factory.mktemp("hostile-sample")
    for name in ("organizations.csv", "links.csv"):
        shutil.copy(sample_dir / name, data)
    organizations = pd.read_csv(data / "organizations.csv", dtype=str, keep_default_na=False)
    organizations.loc[organizations["id"] == "P002", "name"] = HOSTILE
    organizations.to_csv(data / "organizations.csv", index=False)
    folder = Path(os.environ.get("COLLABNET_SCREENSHOTS") or tmp_path_factory.mktemp("briefing"))
    return write_report(cn.load(data), folder / "briefing.html", lang="both")


@pytest.fixture(scope="module")
def chinese_page(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's briefing as the command writes it by default: Chinese only."""
    folder = Path(os.environ.get("COLLABNET_SCREENSHOTS") or tmp_path_factory.mktemp("zh"))
    return write_report(cn.load(sample_dir), folder / "briefing-zh.html", figures=False)


def test_opens_offline_without_errors(briefing_page: Path, open_page: Opener) -> None:
    opened = open_page(briefing_page)
    assert opened.console_errors == []
    assert opened.dialogs == []
    assert [u for u in opened.requests if not u.startswith(("file://", "data:"))] == []
    assert opened.js("[...document.images].every((i) => i.complete && i.naturalWidth > 0)")
    assert opened.js("document.images.length") == 3


def test_every_section_is_there_and_visible(briefing_page: Path, open_page: Opener) -> None:
    opened = open_page(briefing_page)
    heights = opened.js(
        f"{SECTIONS}.map((id) => document.getElementById(id)?.getBoundingClientRect().height)"
    )
    assert all(h and h > 40 for h in heights), dict(zip(SECTIONS, heights, strict=True))
    rows = {
        section: opened.js(f"document.querySelectorAll('#{section} tbody tr').length")
        for section in ("gaps", "hubs", "brokers", "recommendations")
    }
    assert rows["hubs"] == rows["brokers"] == 10
    assert rows["recommendations"] == 20
    assert rows["gaps"] > 0


def test_a_hostile_name_is_shown_as_text(briefing_page: Path, open_page: Opener) -> None:
    opened = open_page(briefing_page)
    first_hub = opened.js("document.querySelector('#hubs tbody tr td').textContent")
    assert first_hub == HOSTILE
    assert opened.js("document.querySelectorAll('img[src=x]').length") == 0
    assert opened.dialogs == []


def test_chinese_is_drawn_with_a_cjk_font(
    briefing_page: Path, open_page: Opener, browser_context: Any
) -> None:
    opened = open_page(briefing_page)
    session = browser_context.new_cdp_session(opened.page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    heading = session.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": heading})["fonts"]
    title = opened.js("document.querySelector('h1').firstChild.textContent")
    cjk = sum(1 for ch in title if ord(ch) >= 0x4E00)
    drawn = {f["familyName"]: f["glyphCount"] for f in fonts}
    assert any("CJK" in family and count >= cjk for family, count in drawn.items()), drawn

    glyphs = opened.js(GLYPHS)
    assert glyphs["wen"].count("1") > 50
    assert glyphs["wen"] != glyphs["zhou"]
    assert glyphs["tofu"] not in (glyphs["wen"], glyphs["zhou"])
    # CJK glyphs are square: two of them at 48 px are about 96 px wide.
    assert 86 <= glyphs["width"] <= 106


def test_screenshot_is_not_blank(briefing_page: Path, open_page: Opener, tmp_path: Path) -> None:
    opened = open_page(briefing_page)
    shot = briefing_page.with_suffix(".png") if "COLLABNET_SCREENSHOTS" in os.environ else None
    shot = shot or tmp_path / "briefing.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    pixels = imread(shot)[..., :3]
    assert pixels.shape[0] > 3000, "the full page should be several screens long"
    ink = (pixels < 0.9).any(axis=2).mean()
    rgb = (pixels[::2, ::2] * 255).astype(np.uint32)
    colours = len(np.unique((rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]))
    assert ink > 0.05
    assert colours > 100


def test_summary_is_the_first_section_and_visible_on_a_laptop(
    chinese_page: Path, open_page: Opener
) -> None:
    opened = open_page(chinese_page)
    opened.page.set_viewport_size(LAPTOP)
    first = opened.js("document.querySelector('section').id")
    assert first == "summary"
    box = opened.js(
        "(() => { const r = document.getElementById('summary').getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, height: r.height}; })()"
    )
    # It starts on the first screen, below the title, and its findings are all there.
    assert 0 < box["top"] < LAPTOP["height"] / 3, box
    findings = opened.js(
        "[...document.querySelectorAll('#summary ol')].map((list) => {"
        " const items = [...list.children];"
        " return items.map((li) => li.getBoundingClientRect().bottom); })"
    )
    assert len(findings) == 2
    assert 3 <= len(findings[0]) <= 5 and 3 <= len(findings[1]) <= 5
    # Every finding is on the first screen.
    assert max(findings[0]) <= LAPTOP["height"], findings[0]
    visible = opened.js(
        "(() => { const s = getComputedStyle(document.getElementById('summary'));"
        " return s.display !== 'none' && s.visibility === 'visible'; })()"
    )
    assert visible
    shot = chinese_page.with_suffix(".png")
    if "COLLABNET_SCREENSHOTS" not in os.environ:
        shot = chinese_page.parent / "summary.png"
    opened.page.screenshot(path=str(shot))
    pixels = imread(shot)[..., :3]
    assert pixels.shape[:2] == (LAPTOP["height"], LAPTOP["width"])
