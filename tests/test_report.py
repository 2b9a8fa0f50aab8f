"""The briefing: its workbook holds the analyses' own rows, its page is self-contained,
bilingual and escapes every name; ``collabnet report`` writes both."""

from __future__ import annotations

import base64
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import collabnet as cn
from collabnet.analysis.brokerage import brokerage
from collabnet.analysis.centrality import centrality
from collabnet.analysis.coverage import coverage_gaps
from collabnet.analysis.kpi import kpi
from collabnet.cli import main
from collabnet.errors import InputError
from collabnet.outputs.figures import cjk_font_family
from collabnet.outputs.report import (
    REASONS_SHOWN,
    SHEETS,
    briefing,
    render_html,
    write_report,
    write_workbook,
)
from collabnet.recommend import InfeasiblePlanError, pairing_plan

HOSTILE = "<img src=x onerror=alert(1)>"
FORMULA = "=1+2"
TOP = 3


class _Resources(HTMLParser):
    """Every src/href attribute value and every element id of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.urls.append(value)
                if tag == "img":
                    self.images.append(value)
            if name == "id" and value is not None:
                self.ids.append(value)


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/tiny plus an enterprise named like markup and one named like a formula,
    both linked to a platform so they rank among the hubs and brokers."""
    folder = tmp_path_factory.mktemp("hostile")
    tiny = Path(__file__).resolve().parent / "data" / "tiny"
    shutil.copy(tiny / "organizations.csv", folder)
    shutil.copy(tiny / "links.csv", folder)
    with (folder / "organizations.csv").open("a", encoding="utf-8") as orgs:
        orgs.write(f'E9,"{HOSTILE}",enterprise,pumps_valves,永嘉县,,2015,,true,阀门\n')
        orgs.write(f'E8,"{FORMULA}",enterprise,electrical,乐清市,,2016,,true,断路器\n')
    with (folder / "links.csv").open("a", encoding="utf-8") as links:
        links.write("E9,P1,joint_project,2023,3,5,\n")
        links.write("E9,U1,joint_project,2023,2,5,\n")
        links.write("E9,P2,cooperation,2022,2,,\n")
        links.write("E8,U2,joint_project,2024,1,,\n")
        links.write("E8,P2,joint_project,2024,1,,\n")
    return folder


@pytest.fixture(scope="module")
def hostile_report(
    hostile_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("report")
    network = cn.load(hostile_dir)
    page = network.report(
        folder / "briefing.html", xlsx=folder / "briefing.xlsx", top=TOP, lang="both"
    )
    return page, folder / "briefing.xlsx"


def test_workbook_has_one_sheet_per_section_with_the_analyses_rows(
    hostile_dir: Path, hostile_report: tuple[Path, Path]
) -> None:
    _, workbook = hostile_report
    sheets = pd.read_excel(workbook, sheet_name=None, header=1)
    assert list(sheets) == list(SHEETS.values())
    tables = cn.load(hostile_dir).tables
    last_year = int(tables.links["year"].max())
    expected = {
        SHEETS["kpis"]: kpi(tables, years=[last_year]),
        SHEETS["gaps"]: coverage_gaps(tables),
        SHEETS["hubs"]: centrality(tables).head(TOP),
        SHEETS["brokers"]: brokerage(tables).head(TOP),
    }
    for sheet, frame in expected.items():
        assert list(sheets[sheet].columns) == list(frame.columns), sheet
        assert len(sheets[sheet]) == len(frame), sheet
    hubs, brokers, gaps, kpis = (SHEETS[k] for k in ("hubs", "brokers", "gaps", "kpis"))
    assert sheets[hubs]["id"].tolist() == expected[hubs]["id"].tolist()
    assert sheets[brokers]["id"].tolist() == expected[brokers]["id"].tolist()
    assert sheets[gaps]["reason_zh"].tolist() == expected[gaps]["reason_zh"].tolist()
    # Flags read 是/否.
    assert sheets[kpis]["met"].tolist() == ["是" if m else "否" for m in expected[kpis]["met"]]


def test_recommendations_are_the_largest_plan_that_fits(
    hostile_dir: Path, hostile_report: tuple[Path, Path]
) -> None:
    _, workbook = hostile_report
    sheet = pd.read_excel(workbook, sheet_name=SHEETS["recommendations"], header=1)
    tables = cn.load(hostile_dir).tables
    # Two platforms but only three leading enterprises without one: 20 pairs cannot fit.
    fits = len(sheet)
    assert 0 < fits < 20
    with pytest.raises(InfeasiblePlanError):
        pairing_plan(tables, pairs=fits + 1)
    plan = pairing_plan(tables, pairs=fits)
    assert list(sheet.columns) == list(plan.columns)
    pairs = list(zip(plan["enterprise_id"], plan["platform_id"], strict=True))
    assert list(zip(sheet["enterprise_id"], sheet["platform_id"], strict=True)) == pairs
    # A pair that no signal pushed up has no reason to list: an empty cell.
    assert sheet["reasons"].fillna("").tolist() == ["\n".join(r) for r in plan["reasons"]]


def test_no_platform_means_no_pairings(tmp_path: Path) -> None:
    tiny = Path(__file__).resolve().parent / "data" / "tiny"
    organizations = pd.read_csv(tiny / "organizations.csv", dtype=str)
    links = pd.read_csv(tiny / "links.csv", dtype=str)
    platforms = set(organizations.loc[organizations["id"].str.startswith("P"), "id"])
    organizations[~organizations["id"].isin(platforms)].to_csv(
        tmp_path / "organizations.csv", index=False
    )
    links[~links["source"].isin(platforms) & ~links["target"].isin(platforms)].to_csv(
        tmp_path / "links.csv", index=False
    )
    content = briefing(cn.load(tmp_path), figures=False, lang="en")
    assert content.section("recommendations").frame.empty
    assert "The network has no innovation platform" in render_html(content)


def test_workbook_keeps_names_as_text_never_formulas(hostile_dir: Path, tmp_path: Path) -> None:
    network = cn.load(hostile_dir)
    everyone = len(network.organizations)
    workbook = write_workbook(briefing(network, top=everyone, figures=False), tmp_path / "b.xlsx")
    hubs = pd.read_excel(workbook, sheet_name=SHEETS["hubs"], header=1).set_index("id")
    # A formula cell has no cached value until Excel computes it: it would read as NaN.
    assert hubs.loc["E8", "name"] == FORMULA
    assert hubs.loc["E9", "name"] == HOSTILE


def test_page_shows_a_hostile_name_as_text(hostile_report: tuple[Path, Path]) -> None:
    page, _ = hostile_report
    text = page.read_text(encoding="utf-8")
    assert HOSTILE not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "onerror=alert" not in re.sub(r"&lt;img src=x onerror=alert\(1\)&gt;", "", text)


def test_page_is_self_contained(hostile_report: tuple[Path, Path]) -> None:
    page, _ = hostile_report
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    external = [u for u in parser.urls if not u.startswith(("data:", "#"))]
    assert not external
    assert len(parser.images) == 3
    for source in parser.images:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "@import" not in text and "url(" not in text


def test_page_has_every_section_in_both_languages(hostile_report: tuple[Path, Path]) -> None:
    page, _ = hostile_report
    text = page.read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(text)
    sections = ["summary", "overview", *SHEETS, "figures"]
    assert [i for i in parser.ids if i in sections] == sections
    for zh, en in [
        ("关键指标与目标", "Key indicators against targets"),
        ("产业覆盖缺口", "Coverage gaps"),
        ("枢纽机构", "Hubs"),
        ("桥梁机构", "Brokers"),
        ("推荐配对", "Recommended pairings"),
    ]:
        assert re.search(f'<h2>{zh}<span class="en" lang="en">{en}</span></h2>', text)


def test_indicator_cards_say_met_or_not(hostile_dir: Path) -> None:
    network = cn.load(hostile_dir)
    content = briefing(network, figures=False)
    frame = content.section("kpis").frame
    text = render_html(content)
    assert text.count('class="card met"') == int(frame["met"].sum())
    assert text.count('class="card unmet"') == int((~frame["met"]).sum())


def test_as_of_reports_that_year(hostile_dir: Path) -> None:
    network = cn.load(hostile_dir).at(2022)
    content = briefing(network, figures=False)
    assert set(content.section("kpis").frame["year"]) == {2022}
    assert "数据截至 2022 年底" in render_html(content)


@pytest.mark.parametrize(("top", "pairings"), [(0, 5), (5, 0)])
def test_top_and_pairings_must_be_positive(hostile_dir: Path, top: int, pairings: int) -> None:
    with pytest.raises(InputError, match="top and pairings must be at least 1"):
        write_report(cn.load(hostile_dir), "unused.html", top=top, pairings=pairings)


def test_cli_writes_page_and_workbook(hostile_dir: Path, tmp_path: Path) -> None:
    page, workbook = tmp_path / "b.html", tmp_path / "b.xlsx"
    result = CliRunner().invoke(
        main,
        ["report", str(hostile_dir), "-o", str(page), "--xlsx", str(workbook), "--no-figures"],
    )
    assert result.exit_code == 0, result.output
    assert f"written to {page}" in result.stderr
    assert 'id="figures"' in page.read_text(encoding="utf-8")
    assert list(pd.read_excel(workbook, sheet_name=None)) == list(SHEETS.values())


def test_cli_rejects_a_bad_top_before_loading(hostile_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["report", str(hostile_dir), "-o", str(tmp_path / "b.html"), "--top", "0"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--top': 0 is not in the range x>=1." in result.stderr
    assert "rows read" not in result.stderr
    assert not (tmp_path / "b.html").exists()


def test_cli_reports_a_library_error_in_one_line(tmp_path: Path) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text("metric,year,target,comparison\nunicorns,2025,1,>=\n", encoding="utf-8")
    tiny = Path(__file__).resolve().parent / "data" / "tiny"
    result = CliRunner().invoke(
        main,
        ["report", str(tiny), "-o", str(tmp_path / "b.html"), "--targets", str(targets)],
    )
    assert result.exit_code == 1
    assert f"Error: {targets}, row 2: unknown metric 'unicorns'" in result.stderr
    assert not (tmp_path / "b.html").exists()


def test_page_quotes_each_pairings_strongest_reasons(
    hostile_dir: Path, hostile_report: tuple[Path, Path]
) -> None:
    page, workbook = hostile_report
    fits = len(pd.read_excel(workbook, sheet_name=SHEETS["recommendations"], header=1))
    plan = pairing_plan(cn.load(hostile_dir).tables, pairs=fits)
    text = page.read_text(encoding="utf-8")
    section = text[text.index('id="recommendations"') : text.index('id="figures"')]
    lists = re.findall(r'<ul class="reasons">(.*?)</ul>', section)
    assert len(lists) == len(plan)
    for quoted, reasons in zip(lists, plan["reasons"], strict=True):
        items = re.findall(r"<li>(.*?)<span", quoted)
        assert items == [html.escape(r.split(" / ")[0]) for r in reasons[:REASONS_SHOWN]]


def test_network_without_industries_or_years_still_gets_a_briefing(tmp_path: Path) -> None:
    if cjk_font_family() is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk, see scripts/setup.sh)")
    (tmp_path / "organizations.csv").write_text(
        "id,name,type,leading\nP1,平台一,platform,\nE1,企业一,enterprise,true\n"
        "E2,企业二,enterprise,true\nU1,大学一,university,\n",
        "utf-8",
    )
    (tmp_path / "links.csv").write_text(
        "source,target,kind\nE1,U1,joint_project\nP1,U1,cooperation\n", "utf-8"
    )
    content = briefing(cn.load(tmp_path))
    text = render_html(content)

    assert [f.id for f in content.figures] == ["brokers", "overview"]
    # Undated links: the indicators describe the network as it stands.
    kpis = content.section("kpis").frame.set_index("metric")
    assert kpis["year"].isna().all()
    assert kpis.loc["co_built_centres", "value"] == 0
    html_kpis = text[text.index('<section id="kpis">') : text.index('<section id="gaps">')]
    assert "共建研发中心" in html_kpis
