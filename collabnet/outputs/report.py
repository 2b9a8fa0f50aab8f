"""The briefing: one self-contained HTML page to forward (中文, English or both), and a workbook.

For the people who read rather than run the analyses: a one-page summary (要点: findings
and proposed actions, each with the number behind it, and where the indicators stand),
headline indicators against the bureau's targets, coverage gaps with their reasons, the
hubs and brokers of the network, the recommended enterprise–platform pairings with
their rank and reasons, and the figures.

The page opens offline: styles are inline, figures are PNG data URIs, there is no
script, and a Content-Security-Policy forbids any request the page might otherwise make.
Every piece of data is HTML-escaped, so an organisation called ``<script>…`` shows as
text. The workbook holds one sheet per section with the same rows as the page.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import html
import math
import tempfile
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import numpy as np
import pandas as pd

from collabnet._version import __version__
from collabnet.analysis.coverage import link_years
from collabnet.analysis.structure import linked_size
from collabnet.errors import InputError
from collabnet.outputs.contents import Briefing, Column, Figure, Section
from collabnet.outputs.figure_jobs import FigureJobs, finish_elsewhere
from collabnet.outputs.language import Language, check_language, say
from collabnet.outputs.summary import (
    NO_TARGETS_EN,
    NO_TARGETS_ZH,
    measure_text,
    summarise,
    top_share,
)
from collabnet.outputs.workbook import write_workbook
from collabnet.results import HasResults, Results, results_of

__all__ = [
    "SHEETS",
    "Briefing",
    "Column",
    "Figure",
    "Section",
    "briefing",
    "render_html",
    "write_report",
    "write_workbook",
]

SHEETS = {
    "kpis": "关键指标",
    "gaps": "覆盖缺口",
    "hubs": "枢纽机构",
    "brokers": "桥梁机构",
    "recommendations": "推荐配对",
}
# The page quotes each pairing's strongest reasons; the workbook keeps them all.
REASONS_SHOWN = 3
SEVERITY = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
FINDINGS = {
    "no_rd_institution": ("无新型研发机构", "no new-type R&D institution"),
    "no_platform": ("无创新平台", "no platform"),
    "single_platform": ("仅一个平台", "a single platform"),
    "leading_enterprise_without_platform": (
        "龙头企业无平台合作",
        "leading enterprises without a platform",
    ),
    "low_coverage": ("覆盖率低", "low coverage"),
    "declining_links": ("新增合作下降", "declining new links"),
}
TYPES = {
    "platform": ("创新平台", "platform"),
    "enterprise": ("企业", "enterprise"),
    "university": ("高校", "university"),
    "institute": ("科研院所", "institute"),
    "other": ("其他", "other"),
}
FIGURES = {
    "coverage": (
        "各产业机构数（按类型）与龙头企业覆盖率",
        "Organisations per industry and type, and the share of leading enterprises with a "
        "co-built R&D centre",
    ),
    "brokers": ("中介中心性最高的机构", "The organisations with the highest betweenness"),
    "overview": ("协作网络全貌", "The whole collaboration network"),
}


def briefing(
    source: Results | HasResults,
    *,
    top: int = 10,
    pairings: int = 20,
    targets: pd.DataFrame | str | Path | None = None,
    figures: bool = True,
    title: str | None = None,
    lang: str = "zh",
) -> Briefing:
    """Compute everything the briefing shows.

    Parameters
    ----------
    source
        The results of one snapshot (``network.results``, or ``network.at(year)`` for a
        past year); a :class:`~collabnet.network.Network` stands for its results.
    top
        How many hubs and brokers to list.
    pairings
        How many recommended enterprise–platform pairings to list.
    targets
        Targets table or file for the indicators (default: the shipped targets; see
        :func:`collabnet.analysis.kpi.kpi`).
    figures
        Draw the figures (the slowest part on large networks).
    title
        The title in the document's language (default 协作网络简报, or "Collaboration
        network briefing" in English; with ``both``, the Chinese one).
    lang
        ``zh`` (default), ``en``, or ``both`` (each heading and sentence in Chinese with
        its English below). Organisation names are shown as written in every language.

    Returns
    -------
    Briefing
        The summary, the sections of :data:`SHEETS` in that order, and the figures as
        PNG bytes.
    """
    with contextlib.ExitStack() as stack:
        content, jobs = _without_figures(
            source,
            top=top,
            pairings=pairings,
            targets=targets,
            figures=figures,
            title=title,
            lang=lang,
            stack=stack,
        )
        return _with_figures(content, jobs)


def _without_figures(
    source: Results | HasResults,
    *,
    top: int,
    pairings: int,
    targets: pd.DataFrame | str | Path | None,
    figures: bool,
    title: str | None,
    lang: str,
    stack: contextlib.ExitStack,
) -> tuple[Briefing, FigureJobs | None]:
    """The briefing without its figures, and the figures being drawn (``None`` without
    figures); ``stack`` ends the drawing when it closes."""
    if top < 1 or pairings < 1:
        raise InputError(f"top and pairings must be at least 1, got {top} and {pairings}")
    language = check_language(lang)
    network = results_of(source)
    year = _report_year(network)
    # The overview is handed over first: on a large network it is drawn in a second
    # process while the sections are computed here. The charts follow once the coverage
    # and the betweenness they show are computed.
    jobs = None
    if figures:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        jobs = stack.enter_context(FigureJobs(network, folder, lang=language))
    sections = [
        _kpi_section(network, targets, year),
        _gap_section(network),
        _hub_section(network, top),
    ]
    if jobs is not None:
        jobs.add_charts(network, top=top)
    sections += [_broker_section(network, top), _recommendation_section(network, pairings)]
    industries = network.industries
    labels = {
        "industry": {
            str(code): (str(zh), str(en))
            for code, zh, en in zip(
                industries["code"], industries["name_zh"], industries["name_en"], strict=True
            )
        },
        "type": TYPES,
        "finding": FINDINGS,
    }
    frames = {section.id: section.frame for section in sections}
    plan = frames["recommendations"] if len(frames["recommendations"]) else None
    content = Briefing(
        title_zh=(title if language != "en" else None) or "协作网络简报",
        title_en=(title if language == "en" else None) or "Collaboration network briefing",
        facts=_facts(network, year),
        sections=tuple(sections),
        labels=labels,
        figures=(),
        lang=language,
        summary=summarise(
            network,
            kpis=frames["kpis"],
            gaps=frames["gaps"],
            hubs=frames["hubs"],
            brokers=frames["brokers"],
            plan=plan,
        ),
    )
    return content, jobs


def _with_figures(content: Briefing, jobs: FigureJobs | None) -> Briefing:
    if jobs is None:
        return content
    return dataclasses.replace(content, figures=_figures(jobs))


def write_report(
    source: Results | HasResults,
    path: str | Path,
    xlsx: str | Path | None = None,
    *,
    top: int = 10,
    pairings: int = 20,
    targets: pd.DataFrame | str | Path | None = None,
    figures: bool = True,
    title: str | None = None,
    lang: str = "zh",
) -> Path:
    """Write the briefing as one self-contained HTML file (and, with ``xlsx``, a workbook).

    Options as in :func:`briefing`. Returns the path of the HTML file.

    Examples
    --------
    >>> import collabnet as cn, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> page = write_report(cn.load("data/sample"), folder / "b.html", folder / "b.xlsx",
    ...                     figures=False)
    >>> 'id="gaps"' in page.read_text(encoding="utf-8")
    True
    """
    target = Path(path)
    with contextlib.ExitStack() as stack:
        content, jobs = _without_figures(
            source,
            top=top,
            pairings=pairings,
            targets=targets,
            figures=figures,
            title=title,
            lang=lang,
            stack=stack,
        )
        if xlsx is not None:
            # The workbook holds no figures: it is written while they are drawn.
            write_workbook(content, xlsx)
        content = _with_figures(content, jobs)
    target.write_text(render_html(content), encoding="utf-8")
    return target


def _report_year(network: Results) -> int | None:
    if network.as_of is not None:
        return int(network.as_of)
    years = link_years(network.snapshot)
    return years[-1] if years else None


def _facts(network: Results, year: int | None) -> dict[str, object]:
    orgs = network.organizations
    types = orgs["type"].value_counts()
    pairs, links = linked_size(network.snapshot)
    return {
        "year": year,
        "organizations": len(orgs),
        "linked_pairs": pairs,
        "links": links,
        "platforms": int(types.get("platform", 0)),
        "rd_institutions": int(orgs["rd_institution"].sum()),
        "enterprises": int(types.get("enterprise", 0)),
        "leading_enterprises": int(orgs["leading"].fillna(False).astype(bool).sum()),
        "academic": int(types.get("university", 0) + types.get("institute", 0)),
    }


def _kpi_section(
    network: Results, targets: pd.DataFrame | str | Path | None, year: int | None
) -> Section:
    frame = network.kpi(targets, year)
    untargeted = "note" in frame.attrs
    return Section(
        id="kpis",
        sheet=SHEETS["kpis"],
        title_zh="关键指标与目标",
        title_en="Key indicators against targets",
        intro_zh=NO_TARGETS_ZH if untargeted else f"{_year_zh(year)}各项指标的当前值与目标值。",
        intro_en=(
            NO_TARGETS_EN if untargeted else f"Each indicator {_year_en(year)}, against its target."
        ),
        frame=frame,
        columns=(
            Column("description", "指标", "Indicator", "bilingual"),
            Column("value", "当前值", "Value", "measure"),
            Column("target", "目标", "Target", "measure"),
            Column("met", "是否达成", "Met", "status"),
        ),
    )


def _gap_section(network: Results) -> Section:
    return Section(
        id="gaps",
        sheet=SHEETS["gaps"],
        title_zh="产业覆盖缺口",
        title_en="Coverage gaps",
        intro_zh="重点产业中平台、新型研发机构或龙头企业合作覆盖薄弱之处，按严重程度排序。",
        intro_en=(
            "Where priority industries are thinly covered by platforms, new-type R&D "
            "institutions or leading-enterprise ties, most severe first."
        ),
        frame=network.gaps,
        columns=(
            Column("severity", "严重程度", "Severity", "severity"),
            Column("industry", "产业", "Industry", "code", "industry"),
            Column("finding", "问题", "Finding", "code", "finding"),
            Column("reason", "原因", "Reason", "bilingual"),
        ),
    )


def _hub_section(network: Results, top: int) -> Section:
    frame = network.centrality().head(top)
    return Section(
        id="hubs",
        sheet=SHEETS["hubs"],
        title_zh="枢纽机构",
        title_en="Hubs",
        intro_zh=f"PageRank 最高的 {len(frame)} 家机构：合作伙伴多，且伙伴本身也处于中心。",
        intro_en=(
            f"The {len(frame)} organisations with the highest PageRank: many partners, "
            "and central partners."
        ),
        frame=frame,
        columns=(
            Column("name", "机构", "Organisation"),
            Column("type", "类型", "Type", "code", "type"),
            Column("degree", "合作伙伴数", "Partners", "integer"),
            Column("pagerank", "PageRank", "PageRank", "number"),
            Column("betweenness", "中介中心性", "Betweenness", "number"),
            Column("rank_in_type", "同类排名", "Rank in type", "integer"),
        ),
    )


def _broker_section(network: Results, top: int) -> Section:
    frame = network.brokers(top)
    return Section(
        id="brokers",
        sheet=SHEETS["brokers"],
        title_zh="桥梁机构",
        title_en="Brokers",
        intro_zh=(
            f"连接互不相连的伙伴最多的 {len(frame)} 家机构（Gould–Fernandez 中介角色计数；"
            "约束度越低，结构洞越多）。"
        ),
        intro_en=(
            f"The {len(frame)} organisations that join the most partners who are not "
            "linked to each other (Gould–Fernandez brokerage; lower constraint means more "
            "structural holes)."
        ),
        frame=frame,
        columns=(
            Column("name", "机构", "Organisation"),
            Column("type", "类型", "Type", "code", "type"),
            Column("degree", "合作伙伴数", "Partners", "integer"),
            Column("brokerage", "中介次数", "Brokered pairs", "integer"),
            Column("liaison", "跨类联络", "Liaison", "integer"),
            Column("constraint", "约束度", "Constraint", "number"),
        ),
    )


def _recommendation_section(network: Results, pairings: int) -> Section:
    title = ("推荐配对", "Recommended pairings")
    columns = (
        Column("plan", "序号", "No.", "integer"),
        Column("enterprise_name", "企业", "Enterprise"),
        Column("platform_name", "创新平台", "Platform"),
        Column("industries", "产业", "Industries", "codes", "industry"),
        Column("candidate_rank", "候选配对中排名", "Rank among candidate pairs", "standing"),
        Column(
            "reasons",
            f"主要理由（前 {REASONS_SHOWN} 条）",
            f"Why (the {REASONS_SHOWN} strongest reasons)",
            "reasons",
        ),
    )
    if not (network.organizations["type"] == "platform").any():
        return Section(
            "recommendations",
            SHEETS["recommendations"],
            *title,
            "网络中没有创新平台，无法给出“龙头企业+创新平台”配对。",
            "The network has no innovation platform, so there is no enterprise–platform "
            "pairing to recommend.",
            pd.DataFrame(columns=[c.name for c in columns]),
            columns,
        )
    plan = network.plan(pairings)
    frame = plan if plan is not None else pd.DataFrame(columns=[c.name for c in columns])
    gap_codes = list(frame.attrs.get("gap_industries", [])) if plan is not None else []
    english = dict(zip(network.industries["code"], network.industries["name_en"], strict=True))
    gap_names = [str(english.get(code, code)) for code in gap_codes]
    candidates = int(frame.attrs.get("candidates", len(frame)))
    return Section(
        id="recommendations",
        sheet=SHEETS["recommendations"],
        title_zh=title[0],
        title_en=title[1],
        intro_zh=(
            f"“龙头企业+创新平台”最优配对方案（{len(frame)} 对）：每家企业至多一对，"
            "每个平台共建研发中心不超过 5 个；得分综合共同伙伴、能力关键词、产业与覆盖缺口。"
            f"排名是该配对的得分在全部 {candidates:,} 个候选配对中的位次，括号内为得分不低于它的"
            "候选配对所占比例；理由只列支持该配对的证据。"
        ),
        intro_en=(
            f"The best plan of {len(frame)} new leading-enterprise–platform pairs: at most "
            "one per enterprise, at most 5 co-built centres per platform; scores combine "
            "shared partners, capability keywords, industry and coverage gaps. The rank is "
            f"the pair's score among all {candidates:,} candidate pairs, with the share of "
            "candidates scoring at least as well; reasons list only evidence for the pair."
            + (f" Gap industries: {', '.join(gap_names)}." if gap_names else "")
        ),
        frame=frame.reset_index(drop=True),
        columns=columns,
    )


def _figures(jobs: FigureJobs) -> tuple[Figure, ...]:
    written = finish_elsewhere(jobs)
    if written is None:
        # Imported only here: matplotlib is slow to load, and not needed when every
        # figure was drawn in the second process.
        from collabnet.outputs.figures import finish_figures

        written = finish_figures(jobs)
    return tuple(
        Figure(path.stem, *FIGURES.get(path.stem, (path.stem, path.stem)), path.read_bytes())
        for path in written
    )


def _year_zh(year: int | None) -> str:
    return f"截至{year}年底，" if year is not None else ""


def _year_en(year: int | None) -> str:
    return f"at the end of {year}" if year is not None else "now"


def render_html(content: Briefing) -> str:
    """The briefing as one HTML document (UTF-8 text, no external resources), in the
    briefing's language: the summary first, then the overview, each section and the
    figures."""
    assets = resources.files("collabnet") / "outputs" / "assets"
    template = Template((assets / "report.html").read_text(encoding="utf-8"))
    style = (assets / "report.css").read_text(encoding="utf-8")
    lang = content.lang
    parts = [_header(content), _summary_html(content), _overview(content)]
    for section in content.sections:
        parts.append(_section_html(section, content))
    parts.append(_figures_html(content.figures, lang))
    parts.append(_footer(content))
    return template.substitute(
        lang="en" if lang == "en" else "zh-CN",
        version=_text(__version__),
        title=_text(say(content.title_zh, content.title_en, lang, " · ")),
        style=style,
        body="\n".join(parts),
    )


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _say(zh: object, en: object, lang: Language, tag: str = "span") -> str:
    """Escaped text in ``lang``; with ``both``, Chinese then English on its own line (one
    language only when they are equal)."""
    if lang == "zh":
        return _text(zh)
    if lang == "en" or str(zh) == str(en):
        return _text(en)
    return f'{_text(zh)}<{tag} class="en" lang="en">{_text(en)}</{tag}>'


def _inline(zh: object, en: object, lang: Language) -> str:
    """Like :func:`_say`, with both languages on one line."""
    if lang != "both" or str(zh) == str(en):
        return _say(zh, en, lang)
    return f'{_text(zh)} <span lang="en">{_text(en)}</span>'


def _lead(zh: str, en: str, lang: Language, css: str = "lead") -> str:
    """A paragraph in ``lang`` (two paragraphs with ``both``)."""
    if lang == "zh":
        return f'<p class="{css}">{_text(zh)}</p>'
    if lang == "en":
        return f'<p class="{css}">{_text(en)}</p>'
    return f'<p class="{css}">{_text(zh)}</p><p class="{css}" lang="en">{_text(en)}</p>'


def _header(content: Briefing) -> str:
    lang = content.lang
    year = content.facts.get("year")
    when_zh = f"数据截至 {year} 年底" if year is not None else "数据无年份"
    when_en = f"network at the end of {year}" if year is not None else "undated network"
    links = [("summary", "要点", "Summary"), ("overview", "概况", "Overview")]
    links += [(s.id, s.title_zh, s.title_en) for s in content.sections]
    links += [("figures", "图表", "Figures")]
    items = "".join(
        f'<li><a href="#{_text(i)}">{_inline(zh, en, lang)}</a></li>' for i, zh, en in links
    )
    created = _text(content.created.isoformat())
    return (
        '<header id="top">'
        f"<h1>{_say(content.title_zh, content.title_en, lang)}</h1>"
        f'<p class="meta">{_inline(when_zh, when_en, lang)} · '
        f"{_inline('生成于', 'created', lang)} {created}</p>"
        f'<nav aria-label="{_text(say("目录", "contents", lang))}"><ol>{items}</ol></nav>'
        "</header>"
    )


def _summary_html(content: Briefing) -> str:
    """The first section: findings, proposed actions and where the indicators stand."""
    lang = content.lang
    summary = content.summary
    if summary is None:
        return ""

    def points(items: Sequence[Any]) -> str:
        if not items:
            return f'<p class="empty">{_inline("无", "none", lang)}</p>'
        rows = "".join(
            f'<li data-section="{_text(p.section)}">{_say(p.zh, p.en, lang, "span")}</li>'
            for p in items
        )
        return f"<ol>{rows}</ol>"

    state = "unknown" if summary.targets == 0 else "unmet"
    if summary.targets and summary.met == summary.targets:
        state = "met"
    return (
        '<section id="summary" class="summary">'
        f"<h2>{_say('要点', 'Summary', lang)}</h2>"
        f'<div class="kpi-status {state}"><strong>{_inline("指标", "Indicators", lang)}</strong> '
        f"{_say(summary.status.zh, summary.status.en, lang)}</div>"
        '<div class="summary-columns">'
        f"<div><h3>{_say('主要发现', 'Findings', lang)}</h3>{points(summary.findings)}</div>"
        f"<div><h3>{_say('建议行动', 'Proposed actions', lang)}</h3>{points(summary.actions)}</div>"
        "</div></section>"
    )


_FACTS = (
    ("organizations", "机构", "organisations"),
    ("linked_pairs", "合作（对）", "linked pairs"),
    ("platforms", "创新平台", "innovation platforms"),
    ("rd_institutions", "新型研发机构", "new-type R&D institutions"),
    ("enterprises", "企业", "enterprises"),
    ("leading_enterprises", "龙头骨干企业", "leading enterprises"),
    ("academic", "高校和科研院所", "universities and institutes"),
)


def _overview(content: Briefing) -> str:
    lang = content.lang
    cards = "".join(
        '<div class="card">'
        f'<div class="value">{_number(content.facts.get(key, 0), "integer")}</div>'
        f'<div class="label">{_say(zh, en, lang, "div")}</div>'
        "</div>"
        for key, zh, en in _FACTS
    )
    pairs = int(content.facts.get("linked_pairs", 0))  # type: ignore[call-overload]
    records = int(content.facts.get("links", 0))  # type: ignore[call-overload]
    note = ""
    if records != pairs:
        note = _lead(
            f"一对机构之间可有多条合作记录（不同项目或类型）：共 {pairs:,} 对合作、{records:,} "
            "条合作记录。本简报、交互网页和 collabnet info 都按对计数，并给出记录数。",
            f"A pair of organisations may share several link records (projects or kinds): "
            f"{pairs:,} linked pairs, {records:,} link records. This briefing, the "
            "interactive page and collabnet info count pairs and give the records too.",
            lang,
            "note",
        )
    return (
        '<section id="overview">'
        f"<h2>{_say('概况', 'Overview', lang)}</h2>"
        f'<div class="cards">{cards}</div>{note}'
        "</section>"
    )


def _section_html(section: Section, content: Briefing) -> str:
    lang = content.lang
    head = (
        f'<section id="{_text(section.id)}">'
        f"<h2>{_say(section.title_zh, section.title_en, lang)}</h2>"
        + _lead(section.intro_zh, section.intro_en, lang)
    )
    # Indicators read best as cards; their table is the workbook's indicators sheet.
    body = _kpi_cards(section.frame, lang) if section.id == "kpis" else _table(section, content)
    return head + body + "</section>"


def _kpi_cards(frame: pd.DataFrame, lang: Language) -> str:
    if frame.empty:
        return _none(lang)
    cards = []
    for row in frame.to_dict("records"):
        met = row.get("met")
        state = "unknown" if met is None or met is pd.NA else ("met" if met else "unmet")
        target = f"{_comparison(row.get('comparison'))} {_measure(row, 'target')}"
        year = row.get("target_year")
        by = f" ({_text(year)})" if year is not None and not pd.isna(year) else ""
        label = _say(
            row.get("description_zh") or row.get("metric"),
            row.get("description_en") or row.get("metric"),
            lang,
            "div",
        )
        cards.append(
            f'<div class="card {state}">'
            f'<div class="value">{_measure(row, "value")}</div>'
            f'<div class="label">{label}</div>'
            f'<div class="target">{_inline("目标", "target", lang)} {target}{by} · '
            f"{_status(met, lang)}</div>"
            "</div>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _none(lang: Language) -> str:
    return f'<p class="empty">{_inline("无", "none", lang)}</p>'


def _table(section: Section, content: Briefing) -> str:
    lang = content.lang
    if section.frame.empty:
        return _none(lang)
    header = "".join(
        f'<th scope="col"{_NUMBER_HEAD if c.kind in _NUMERIC else ""}>{_say(c.zh, c.en, lang)}</th>'
        for c in section.columns
    )
    candidates = section.frame.attrs.get("candidates")
    rows = []
    for row in section.frame.to_dict("records"):
        cells = "".join(_cell(row, column, content, candidates) for column in section.columns)
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<div class="table-wrap"><table>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></div>"
    )


_NUMERIC = ("integer", "number", "measure", "standing")
_NUMBER_HEAD = ' class="number"'


def _cell(row: Mapping[Any, Any], column: Column, content: Briefing, candidates: object) -> str:
    lang = content.lang
    kind = column.kind
    value = row.get(column.name)
    if kind in ("integer", "number"):
        return f'<td class="number">{_number(value, kind)}</td>'
    if kind == "measure":
        prefix = _comparison(row.get("comparison")) + " " if column.name == "target" else ""
        return f'<td class="number">{prefix}{_measure(row, column.name)}</td>'
    if kind == "standing":
        of = f" / {int(candidates):,}" if isinstance(candidates, int) else ""
        share = top_share(row.get("percentile"))
        top = _inline(f"前 {share}", f"top {share}", lang)
        return f'<td class="number">{_number(value, "integer")}{of}<br><small>{top}</small></td>'
    if kind == "status":
        return f"<td>{_status(value, lang)}</td>"
    if kind == "severity":
        zh, en = SEVERITY.get(str(value), (str(value), str(value)))
        return f'<td class="severity-{_text(value)}">{_say(zh, en, lang)}</td>'
    if kind == "bilingual":
        zh, en = row.get(column.name + "_zh", ""), row.get(column.name + "_en", "")
        return f"<td>{_say(zh, en, lang)}</td>"
    if kind in ("code", "codes"):
        vocabulary = content.labels.get(column.vocabulary or "", {})
        codes = [value] if kind == "code" else _as_list(value)
        names = [vocabulary.get(str(c), (str(c), str(c))) for c in codes]
        zh, en = "、".join(n[0] for n in names), ", ".join(n[1] for n in names)
        return f"<td>{_say(zh, en, lang)}</td>"
    if kind == "reasons":
        items = "".join(
            f"<li>{_say(*_split_reason(str(reason)), lang)}</li>"
            for reason in _as_list(value)[:REASONS_SHOWN]
        )
        return f'<td><ul class="reasons">{items}</ul></td>'
    return f"<td>{_text(_plain(value))}</td>"


def _as_list(value: object) -> list[object]:
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return list(value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return []
    return [value]


def _split_reason(reason: str) -> tuple[str, str]:
    """A recommender reason reads "中文 / English": split at the first " / "."""
    zh, separator, en = reason.partition(" / ")
    return (zh, en) if separator else (reason, reason)


def _plain(value: object) -> str:
    if isinstance(value, tuple | list):
        return "、".join(str(v) for v in value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return str(value)


def _number(value: object, kind: str) -> str:
    if value is None or value is pd.NA:
        return "—"
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "—"
    if kind == "integer" or number.is_integer():
        return f"{number:,.0f}"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    if abs(number) >= 1:
        return f"{number:.2f}"
    return f"{number:.3f}"


def _measure(row: Mapping[Any, Any], name: str) -> str:
    if str(row.get("metric", "")).endswith("_share"):
        return measure_text(row.get("metric"), row.get(name))
    return _number(row.get(name), "number")


def _comparison(sign: object) -> str:
    return {">=": "≥", "<=": "≤", "==": "="}.get(str(sign), _text(sign))


def _status(met: object, lang: Language) -> str:
    if met is None or met is pd.NA:
        return f'<span class="status unknown">— {_inline("未知", "unknown", lang)}</span>'
    if bool(met):
        return f'<span class="status met">✓ {_inline("达成", "met", lang)}</span>'
    return f'<span class="status unmet">✗ {_inline("未达成", "not met", lang)}</span>'


def _figures_html(figures: Sequence[Figure], lang: Language) -> str:
    body = "".join(
        f'<figure id="figure-{_text(f.id)}">'
        f'<img src="data:image/png;base64,{base64.b64encode(f.png).decode("ascii")}" '
        f'alt="{_text(say(f.caption_zh, f.caption_en, lang, " / "))}">'
        f"<figcaption>{_say(f.caption_zh, f.caption_en, lang)}</figcaption>"
        "</figure>"
        for f in figures
    )
    if not figures:
        body = f'<p class="empty">{_inline("未生成图表", "no figures drawn", lang)}</p>'
    return f'<section id="figures"><h2>{_say("图表", "Figures", lang)}</h2>{body}</section>'


def _footer(content: Briefing) -> str:
    version = _text(__version__)
    return (
        "<footer>"
        + _lead(
            f"由 collabnet {version} 生成。各表完整数据见同名 Excel 工作簿（每节一张工作表）。",
            f"Made with collabnet {version}. The workbook of the same name holds every table, "
            "one sheet per section.",
            content.lang,
            "foot",
        )
        + "</footer>"
    )
