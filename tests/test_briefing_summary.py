"""The briefing's summary, languages, counts and workbook, checked against the input
files read directly (pandas on the CSVs), not against the analyses that produced them."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import collabnet as cn
from collabnet.cli import main
from collabnet.outputs.page import network_page
from collabnet.outputs.report import SHEETS, briefing, render_html, write_workbook

CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


class _Text(HTMLParser):
    """The visible text of a page, and the texts inside elements marked lang="en"."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.english: list[str] = []
        self._skip = 0
        self._english_depth: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1
        self._english_depth.append(dict(attrs).get("lang") == "en")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._skip -= 1
        if self._english_depth:
            self._english_depth.pop()

    def handle_data(self, data: str) -> None:
        if self._skip or not data.strip():
            return
        self.chunks.append(data)
        if any(self._english_depth):
            self.english.append(data)


def _visible(text: str) -> _Text:
    parser = _Text()
    parser.feed(text)
    return parser


@pytest.fixture(scope="module")
def raw(sample_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(sample_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("organizations", "links")
    }


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> cn.Network:
    return cn.load(sample_dir)


@pytest.fixture(scope="module")
def pages(sample: cn.Network) -> dict[str, str]:
    return {
        lang: render_html(briefing(sample, figures=False, lang=lang))
        for lang in ("zh", "en", "both")
    }


def _industries(cell: str) -> set[str]:
    return {code for code in cell.split(";") if code}


def test_summary_is_the_first_section_with_findings_and_actions(pages: dict[str, str]) -> None:
    for text in pages.values():
        sections = re.findall(r'<section id="([^"]+)"', text)
        assert sections[0] == "summary"
        summary = text[text.index('<section id="summary"') : text.index("</section>")]
        findings, actions = re.findall(r"<ol>(.*?)</ol>", summary)
        assert 3 <= findings.count("<li") <= 5
        assert 3 <= actions.count("<li") <= 5
        # Every finding and action carries a number.
        for item in re.findall(r"<li[^>]*>(.*?)</li>", summary):
            assert re.search(r"\d", item), item


def test_industries_without_rd_institution_really_have_none(
    sample: cn.Network, raw: dict[str, pd.DataFrame]
) -> None:
    organizations = raw["organizations"]
    with_rd: set[str] = set()
    for cell, flag in zip(
        organizations["industries"], organizations["rd_institution"], strict=True
    ):
        if flag.strip().lower() == "true":
            with_rd |= _industries(cell)
    industries = cn.load(Path("data/sample")).industries
    names = dict(zip(industries["code"], industries["name_en"], strict=True))
    missing = [names[code] for code in industries["code"] if code not in with_rd]
    assert missing, "the sample is meant to have an industry without an R&D institution"

    summary = briefing(sample, figures=False).summary
    assert summary is not None
    first = summary.findings[0].en
    assert first.startswith(", ".join(missing) + " have no new-type R&D institution")
    assert f"({len(missing)} of {len(industries)} priority industries)" in first


def test_unlinked_leading_enterprises_are_counted_from_the_lists(
    sample: cn.Network, raw: dict[str, pd.DataFrame]
) -> None:
    organizations = raw["organizations"]
    kind = dict(zip(organizations["id"], organizations["type"], strict=True))
    leading = set(
        organizations.loc[
            (organizations["type"] == "enterprise")
            & (organizations["leading"].str.lower() == "true"),
            "id",
        ]
    )
    links = raw["links"]
    with_platform = {
        a for a, b in zip(links["source"], links["target"], strict=True) if kind[b] == "platform"
    } | {b for a, b in zip(links["source"], links["target"], strict=True) if kind[a] == "platform"}
    unlinked = len(leading - with_platform)
    summary = briefing(sample, figures=False).summary
    assert summary is not None
    sentence = next(p.en for p in summary.findings if "work with no innovation platform" in p.en)
    assert sentence.startswith(f"{unlinked} leading enterprises ({unlinked / len(leading):.0%})")


def test_proposed_pairings_are_new_planned_pairs_in_the_gap_industry(
    sample: cn.Network, raw: dict[str, pd.DataFrame]
) -> None:
    organizations = raw["organizations"].set_index("id")
    links = raw["links"]
    linked = {frozenset(pair) for pair in zip(links["source"], links["target"], strict=True)}
    content = briefing(sample, figures=False)
    assert content.summary is not None
    plan = content.section("recommendations").frame
    industries = sample.industries
    codes = dict(zip(industries["name_en"], industries["code"], strict=True))
    proposals = [p for p in content.summary.actions if "broker a co-built R&D centre" in p.en]
    assert proposals
    for point in proposals:
        match = re.search(r"pair (\d+) of the plan; its score ranks (\d+) of ([\d,]+)", point.en)
        assert match, point.en
        pair = plan[plan["plan"] == int(match.group(1))].iloc[0]
        assert pair["enterprise_name"] in point.zh and pair["platform_name"] in point.zh
        assert int(match.group(2)) == pair["candidate_rank"]
        assert frozenset((pair["enterprise_id"], pair["platform_id"])) not in linked
        industry = next(name for name in codes if name in point.en.split(":")[0])
        assert codes[industry] in _industries(
            organizations.loc[pair["enterprise_id"], "industries"]
        )


def test_kpi_status_counts_the_targets_met(sample: cn.Network) -> None:
    content = briefing(sample, figures=False, lang="en")
    kpis = content.section("kpis").frame
    assert content.summary is not None
    met = int(kpis["met"].sum())
    assert content.summary.status.en.startswith(f"{met} of {len(kpis)} indicators met")


def test_a_network_of_other_industries_says_it_has_no_targets(tmp_path: Path) -> None:
    (tmp_path / "industries.csv").write_text(
        "code,name_zh,name_en\nwidgets,小部件,Widgets\n", "utf-8"
    )
    (tmp_path / "organizations.csv").write_text(
        "id,name,type,industries\nP1,平台一,platform,widgets\nE1,企业一,enterprise,widgets\n",
        "utf-8",
    )
    (tmp_path / "links.csv").write_text("source,target,kind\nE1,P1,cooperation\n", "utf-8")
    content = briefing(cn.load(tmp_path), figures=False, lang="en")
    assert content.summary is not None
    assert content.summary.status.en.startswith("There are no targets for this network")
    assert "kpi-status unknown" in render_html(content)


def test_english_has_no_chinese_but_organisation_names(
    pages: dict[str, str], sample: cn.Network
) -> None:
    english = pages["en"]
    assert '<html lang="en">' in english
    # Headings, table headers and the navigation: not a Chinese character.
    for tag in ("h1", "h2", "h3", "th", "nav", "figcaption"):
        for inner in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", english, flags=re.S):
            assert not CJK.search(inner), (tag, inner)
    # Sentences: only what the lists themselves say in Chinese (names, counties, the
    # capability keywords a reason quotes).
    organizations = sample.organizations
    quoted = list(organizations["name"].astype(str)) + [
        str(c) for c in organizations["county"].dropna()
    ]
    for text in organizations["capabilities"].dropna().astype(str):
        quoted += re.split(r"[、，,;；/\s]+", text)
    text = " ".join(_visible(english).chunks)
    for value in sorted({q for q in quoted if q}, key=len, reverse=True):
        text = text.replace(value, "")
    assert not CJK.findall(text), sorted(set(CJK.findall(text)))[:20]


def test_chinese_carries_no_english_duplicates(pages: dict[str, str]) -> None:
    zh = pages["zh"]
    assert 'lang="en"' not in zh.split("<body", 1)[1]
    for english in ("Key indicators against targets", "Coverage gaps", "Recommended pairings"):
        assert english not in zh
        assert english in pages["both"]
    assert _visible(pages["both"]).english


def test_reasons_only_support_the_pair(pages: dict[str, str]) -> None:
    for text in pages.values():
        assert "平台已有0个" not in text and "has 0 co-built" not in text


def test_page_briefing_and_info_count_links_alike(sample_dir: Path, sample: cn.Network) -> None:
    result = CliRunner().invoke(main, ["info", str(sample_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    info = json.loads(result.stdout)
    links = pd.read_csv(sample_dir / "links.csv", dtype=str)
    distinct = {frozenset(p) for p in zip(links["source"], links["target"], strict=True)}
    facts = briefing(sample, figures=False).facts
    page = network_page(sample)
    assert info["linked_pairs"] == facts["linked_pairs"] == len(distinct)
    assert info["links"] == facts["links"] == len(links)
    assert info["links_note"].startswith(f"links counts {len(links):,} link records")
    assert page.meta["records"] == len(links)
    text = render_html(briefing(sample, figures=False, lang="en"))
    assert f"{len(distinct):,} linked pairs, {len(links):,} link records" in text


def test_workbook_reads_as_a_document(sample: cn.Network, tmp_path: Path) -> None:
    path = write_workbook(briefing(sample, figures=False), tmp_path / "b.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == list(SHEETS.values())
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A3"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A2:")
        assert not any(CJK.search(str(c.value)) for c in sheet[2] if c.value), sheet.title
    pairs = workbook[SHEETS["recommendations"]]
    header = [c.value for c in pairs[2]]
    assert pairs.cell(1, header.index("score") + 1).value == "得分"
    percentile = pairs.cell(3, header.index("percentile") + 1)
    assert percentile.number_format == "0.00%" and 0 < percentile.value <= 1
    flags = {pairs.cell(3, header.index("same_county") + 1).value}
    assert flags <= {"是", "否"}
    kpis = workbook[SHEETS["kpis"]]
    header = [c.value for c in kpis[2]]
    for row in kpis.iter_rows(min_row=3):
        metric = row[header.index("metric")].value
        shown = row[header.index("value")].number_format
        assert (shown == "0.0%") == str(metric).endswith("_share")
        assert row[header.index("met")].value in ("是", "否")
        assert row[header.index("year")].number_format == "0"


def test_cli_lang_writes_one_language(sample_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "b.html"
    result = CliRunner().invoke(
        main, ["report", str(sample_dir), "-o", str(page), "--no-figures", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "<h2>Summary</h2>" in page.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(sample_dir), "--lang", "fr"])
    assert result.exit_code == 2
    assert "Invalid value for '--lang': 'fr' is not one of 'zh', 'en', 'both'." in result.stderr


@pytest.mark.slow
def test_cordis_briefing_has_no_targets(cordis_dir: Path, tmp_path: Path) -> None:
    participations = cordis_dir / "participations-2014-2017.csv.gz"
    page = tmp_path / "cordis.html"
    result = CliRunner().invoke(
        main,
        ["report", "--participations", str(participations), "-o", str(page), "--no-figures"],
    )
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.index('id="summary"') < text.index('id="overview"')
    assert "本网络没有对应的目标" in text
    summary = text[text.index('id="summary"') : text.index('id="overview"')]
    findings, actions = re.findall(r"<ol>(.*?)</ol>", summary, flags=re.S)
    assert 3 <= findings.count("<li") <= 5
    assert 3 <= actions.count("<li") <= 5


def test_organisations_outside_the_main_network_are_counted_as_networkx_does(
    tmp_path: Path,
) -> None:
    import networkx as nx

    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nP1,平台一,platform\nE1,企业一,enterprise\nE2,企业二,enterprise\n"
        "U1,大学一,university\nE3,企业三,enterprise\nE4,企业四,enterprise\nE5,企业五,enterprise\n",
        "utf-8",
    )
    links = [("E1", "P1"), ("E2", "P1"), ("P1", "U1"), ("E3", "E4")]
    (tmp_path / "links.csv").write_text(
        "source,target,kind\n" + "".join(f"{a},{b},cooperation\n" for a, b in links), "utf-8"
    )
    graph = nx.Graph(links)
    graph.add_nodes_from(["P1", "E1", "E2", "U1", "E3", "E4", "E5"])
    largest = max(nx.connected_components(graph), key=len)
    isolated = nx.number_of_isolates(graph)
    outside = graph.number_of_nodes() - len(largest) - isolated
    content = briefing(cn.load(tmp_path), figures=False, lang="en")
    assert content.summary is not None
    said = [p.en for p in content.summary.findings + content.summary.actions]
    share = f"{(outside + isolated) / graph.number_of_nodes():.0%}"
    assert (
        f"{outside + isolated:,} organisations ({share}) stand outside the main network: "
        f"{isolated} have no link yet, {outside} work only in small separate groups." in said
    )
    assert len(content.summary.findings) >= 3 and len(content.summary.actions) >= 2


# Two industries and no platform, as in CORDIS: a dense widgets cluster, a sparse gadgets
# star joined to it through I1, a pair apart from both and one organisation with no link;
# E1–U1 twice: two link records, one partner each.
NO_PLATFORM_MEMBERS = {
    "widgets": ["U1", "E1", "E2", "E3", "E4", "I1"],
    "gadgets": ["U2", "E5", "E6", "E7", "E8", "E9", "E10", "E11"],
}
NO_PLATFORM_LINKS = [
    ("U1", "E1"), ("U1", "E2"), ("U1", "E3"), ("U1", "E4"), ("E1", "E2"), ("E2", "E3"),
    ("E3", "E4"), ("I1", "U1"), ("I1", "E1"), ("I1", "U2"), ("U2", "E5"), ("U2", "E6"),
    ("U2", "E7"), ("U2", "E8"), ("E10", "E11"), ("E1", "U1"),
]  # fmt: skip


@pytest.fixture
def no_platform(tmp_path: Path) -> Path:
    (tmp_path / "industries.csv").write_text(
        "code,name_zh,name_en\nwidgets,小部件,Widgets\ngadgets,小器具,Gadgets\n", "utf-8"
    )
    kinds = {"U": "university", "E": "enterprise", "I": "institute"}
    rows = [
        f"{org},机构{org},{kinds[org[0]]},{industry}\n"
        for industry, members in NO_PLATFORM_MEMBERS.items()
        for org in members
    ]
    (tmp_path / "organizations.csv").write_text(
        "id,name,type,industries\n" + "".join(rows), "utf-8"
    )
    (tmp_path / "links.csv").write_text(
        "source,target,kind\n" + "".join(f"{a},{b},cooperation\n" for a, b in NO_PLATFORM_LINKS),
        "utf-8",
    )
    return tmp_path


def test_a_network_without_platforms_gets_actions_grounded_in_its_links(
    no_platform: Path,
) -> None:
    import networkx as nx

    organizations = pd.read_csv(no_platform / "organizations.csv", dtype=str)
    industry = dict(zip(organizations["id"], organizations["industries"], strict=True))
    graph = nx.Graph(NO_PLATFORM_LINKS)
    graph.add_nodes_from(organizations["id"])
    partners = dict(graph.degree())
    content = briefing(cn.load(no_platform), figures=False, lang="en")
    assert content.summary is not None
    actions = [p.en for p in content.summary.actions]
    chinese = [p.zh for p in content.summary.actions]

    assert 3 <= len(actions) <= 5
    # The bridge: the best by betweenness after the broker already named, and the
    # industries its partners are in.
    broker = next(a for a in actions if a.startswith("Build new joint projects around "))
    named = broker.removeprefix("Build new joint projects around ").split(":")[0]
    bridge = next(a for a in actions if a.startswith("Use "))
    betweenness = nx.betweenness_centrality(graph)
    ranking = sorted(betweenness, key=lambda org: (-betweenness[org], org))
    chosen = next(org for org in ranking if f"机构{org}" != named)
    spanned = {industry[other] for other in graph[chosen]}
    assert bridge == (
        f"Use 机构{chosen} as the bridge between the {len(spanned)} industries its "
        f"{partners[chosen]} partners belong to (betweenness {betweenness[chosen]:.4f}, "
        f"rank {ranking.index(chosen) + 1} in the network)."
    )
    assert f"建议以机构{chosen}为桥梁" in " ".join(chinese)
    # The industry whose organisations have the fewest partners on average.
    means = {
        code: sum(partners[org] for org in members) / len(members)
        for code, members in NO_PLATFORM_MEMBERS.items()
    }
    thin = min(means, key=lambda code: means[code])
    overall = sum(partners.values()) / len(partners)
    name = {"widgets": "Widgets", "gadgets": "Gadgets"}[thin]
    assert (
        f"Strengthen {name}: its {len(NO_PLATFORM_MEMBERS[thin])} organisations have "
        f"{means[thin]:.1f} partners on average, against {overall:.1f} across the network"
    ) in " ".join(actions)
    # Organisations that depend on one partner.
    single = sum(1 for d in partners.values() if d == 1)
    assert f"Find a second partner for the {single} organisations " in " ".join(actions)
    assert f"为只有1个合作伙伴的{single}家机构" in " ".join(chinese)
