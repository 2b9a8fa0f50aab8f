"""The briefing's first page (要点): findings and proposed actions, each with its number.

Every sentence is read off the analyses the briefing already holds (coverage gaps,
indicators against targets, brokers, the pairing plan), so the summary and the sections
below it cannot disagree, and nothing is said that the data does not show.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collabnet.analysis.coverage import leading_without_platform
from collabnet.analysis.structure import linked_size, partners_of
from collabnet.results import Results

__all__ = ["MOST", "Point", "Summary", "measure_text", "standing", "summarise", "top_share"]

# Findings and actions shown, each.
MOST = 5
# Gap-industry pairings proposed, at most.
GAP_ACTIONS = 3
# An industry is judged thinly connected only with at least this many organisations.
THIN_INDUSTRY_MEMBERS = 5
# Organisations looked at, by betweenness, for one whose partners span two industries.
BRIDGE_CANDIDATES = 20
NO_TARGETS_ZH = "本网络没有对应的目标：内置目标是温州“5+5”产业的，本网络的机构不属于这些产业。"
NO_TARGETS_EN = (
    "There are no targets for this network: the built-in targets are Wenzhou's, for its "
    '"5+5" industries, and no organisation here belongs to them.'
)


@dataclass(frozen=True)
class Point:
    """One sentence of the summary, in both languages, and the section it comes from."""

    zh: str
    en: str
    section: str


@dataclass(frozen=True)
class Summary:
    """Findings, proposed actions and where the indicators stand."""

    findings: tuple[Point, ...]
    actions: tuple[Point, ...]
    status: Point
    met: int
    targets: int


def measure_text(metric: object, value: object) -> str:
    """An indicator's value as read: a percentage for ``*_share`` metrics.

    Examples
    --------
    >>> measure_text("industries_with_rd_institution_share", 0.8), measure_text("x", 250.0)
    ('80%', '250')
    """
    if value is None or value is pd.NA:
        return "—"
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "—"
    if str(metric).endswith("_share"):
        return f"{number:.0%}"
    if number.is_integer() or abs(number) >= 100:
        return f"{number:,.0f}"
    return f"{number:.2f}"


def top_share(percentile: object) -> str:
    """The share of candidate pairs that score at least as well, e.g. ``0.40%``.

    Examples
    --------
    >>> top_share(0.996), top_share(0.99999), top_share(0.75)
    ('0.40%', '<0.01%', '25%')
    """
    if percentile is None or percentile is pd.NA:
        return "—"
    above = 1.0 - float(percentile)  # type: ignore[arg-type]
    if math.isnan(above):
        return "—"
    if above < 0.0001:
        return "<0.01%"
    if above < 0.01:
        return f"{above:.2%}"
    return f"{above:.1%}" if above < 0.1 else f"{above:.0%}"


def standing(pair: pd.Series, candidates: object) -> tuple[str, str]:
    """Where a planned pair ranks among all the plan's candidate pairs, in words.

    Examples
    --------
    >>> standing(pd.Series({"candidate_rank": 3}), 8120)[1]
    'its score ranks 3 of 8,120 candidate pairs'
    """
    rank = pair.get("candidate_rank")
    if rank is None or pd.isna(rank) or not isinstance(candidates, int):
        return "", ""
    return (
        f"得分在{candidates:,}个候选配对中排第{int(rank):,}",
        f"its score ranks {int(rank):,} of {candidates:,} candidate pairs",
    )


_COMPARISON = {">=": "≥", "<=": "≤", "==": "=", "≥": "≥", "≤": "≤"}


def summarise(
    network: Results,
    *,
    kpis: pd.DataFrame,
    gaps: pd.DataFrame,
    hubs: pd.DataFrame,
    brokers: pd.DataFrame,
    plan: pd.DataFrame | None,
) -> Summary:
    """The summary of one briefing, from the frames its sections show."""
    names = _industry_names(network)
    unlinked = leading_without_platform(network.snapshot) if len(gaps) else None
    outside = _outside_main_component(network)
    findings = _first(
        MOST,
        [
            _no_rd_finding(gaps, names, len(network.industries)),
            _unlinked_finding(network, gaps, names, unlinked),
            _gap_reason(gaps, "low_coverage", worst=True),
            _broker_finding(brokers),
            _gap_reason(gaps, "declining_links"),
            _gap_reason(gaps, "single_platform"),
            _hub_finding(hubs, brokers),
            _size_finding(network),
            _component_finding(network, outside),
        ],
    )
    actions = _first(
        MOST,
        [
            *_gap_actions(gaps, names, plan),
            _rd_action(kpis, gaps, names),
            _plan_action(kpis, plan),
            _broker_action(brokers, unlinked),
            *_other_kpi_actions(kpis),
            _bridge_action(brokers),
            _component_action(network, outside),
            _betweenness_action(network, brokers),
            _thin_industry_action(network, names),
            _single_partner_action(network),
        ],
    )
    met, status = _status(kpis)
    return Summary(tuple(findings), tuple(actions), status, met, len(kpis))


def _first(most: int, points: Iterable[Point | None]) -> list[Point]:
    return [p for p in points if p is not None][:most]


def _industry_names(network: Results) -> dict[str, tuple[str, str]]:
    industries = network.industries
    return {
        str(code): (str(zh), str(en))
        for code, zh, en in zip(
            industries["code"], industries["name_zh"], industries["name_en"], strict=True
        )
    }


def _rows(gaps: pd.DataFrame, finding: str) -> pd.DataFrame:
    if gaps.empty:
        return gaps
    return gaps[(gaps["finding"] == finding) & gaps["county"].isna()]


def _listed(codes: Iterable[object], names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    pairs = [names.get(str(c), (str(c), str(c))) for c in codes]
    return "、".join(p[0] for p in pairs), ", ".join(p[1] for p in pairs)


def _no_rd_finding(
    gaps: pd.DataFrame, names: dict[str, tuple[str, str]], industries: int
) -> Point | None:
    rows = _rows(gaps, "no_rd_institution")
    if rows.empty:
        return None
    zh, en = _listed(rows["industry"], names)
    n = len(rows)
    return Point(
        f"{zh}尚无新型研发机构（{industries}个重点产业中有{n}个）。",
        f"{en} {'has' if n == 1 else 'have'} no new-type R&D institution "
        f"({n} of {industries} priority industries).",
        "gaps",
    )


def _unlinked_finding(
    network: Results,
    gaps: pd.DataFrame,
    names: dict[str, tuple[str, str]],
    unlinked: pd.DataFrame | None,
) -> Point | None:
    if unlinked is None or unlinked.empty:
        return None
    leading = int(network.organizations["leading"].fillna(False).astype(bool).sum())
    rows = _rows(gaps, "leading_enterprise_without_platform")
    worst = rows.sort_values("value", ascending=False, kind="stable").head(2)
    zh_parts = [f"{names.get(str(c), (c, c))[0]}{int(v)}家" for c, v in _pairs(worst)]
    en_parts = [f"{names.get(str(c), (c, c))[1]} {int(v)}" for c, v in _pairs(worst)]
    n = len(unlinked)
    share = f"{n / leading:.0%}" if leading else "—"
    return Point(
        f"{n}家龙头企业（占{share}）尚未与任何创新平台合作"
        + (f"，最多的是{'、'.join(zh_parts)}。" if zh_parts else "。"),
        f"{n} leading enterprises ({share}) work with no innovation platform yet"
        + (f"; most in {', '.join(en_parts)}." if en_parts else "."),
        "gaps",
    )


def _pairs(rows: pd.DataFrame) -> list[tuple[str, float]]:
    return [(str(c), float(v)) for c, v in zip(rows["industry"], rows["value"], strict=True)]


def _gap_reason(gaps: pd.DataFrame, finding: str, *, worst: bool = False) -> Point | None:
    rows = _rows(gaps, finding)
    if rows.empty:
        return None
    row = rows.sort_values("value", kind="stable").iloc[0] if worst else rows.iloc[0]
    return Point(f"{row['reason_zh']}。", f"{row['reason_en']}.", "gaps")


def _broker_finding(brokers: pd.DataFrame) -> Point | None:
    if brokers.empty or int(brokers["brokerage"].iloc[0]) == 0:
        return None
    row = brokers.iloc[0]
    return Point(
        f"{row['name']}是最重要的桥梁机构：在{int(row['brokerage']):,}对互不合作的伙伴之间"
        f"起连接作用（合作伙伴{int(row['degree']):,}家）。",
        f"{row['name']} is the main broker: it stands between {int(row['brokerage']):,} "
        f"pairs of its partners who do not work with each other ({int(row['degree']):,} "
        "partners).",
        "brokers",
    )


def _hub_finding(hubs: pd.DataFrame, brokers: pd.DataFrame) -> Point | None:
    if hubs.empty:
        return None
    row = hubs.iloc[0]
    if len(brokers) and row["id"] == brokers.iloc[0]["id"]:
        return None
    return Point(
        f"{row['name']}是网络的核心枢纽：PageRank第一，合作伙伴{int(row['degree']):,}家。",
        f"{row['name']} is the network's main hub: first by PageRank, with "
        f"{int(row['degree']):,} partners.",
        "hubs",
    )


def _outside_main_component(network: Results) -> int:
    """Organisations with at least one link that are not in the largest linked group."""
    found = network.connections
    linked = found["partners"].to_numpy() > 0
    if not linked.any():
        return 0
    sizes = pd.Series(found["component"].to_numpy()[linked]).value_counts()
    return int(linked.sum() - sizes.max())


def _isolated(network: Results) -> int:
    """Organisations without a link."""
    return int((network.connections["partners"] == 0).sum())


def _component_finding(network: Results, outside: int) -> Point | None:
    isolated = _isolated(network)
    total = len(network.organizations)
    if total == 0 or outside + isolated == 0:
        return None
    share = f"{(outside + isolated) / total:.0%}"
    return Point(
        f"{outside + isolated:,}家机构（占{share}）不在主体合作网络中：{isolated:,}家尚无合作记录，"
        f"{outside:,}家只在互不相连的小群体内合作。",
        f"{outside + isolated:,} organisations ({share}) stand outside the main network: "
        f"{isolated:,} have no link yet, {outside:,} work only in small separate groups.",
        "overview",
    )


def _bridge_action(brokers: pd.DataFrame) -> Point | None:
    if brokers.empty or int(brokers["brokerage"].iloc[0]) == 0:
        return None
    row = brokers.iloc[0]
    return Point(
        f"依托{row['name']}组织新的联合项目：它连接的伙伴中有{int(row['brokerage']):,}对彼此"
        "尚未合作，是最现成的牵线对象。",
        f"Build new joint projects around {row['name']}: {int(row['brokerage']):,} pairs of "
        "its partners do not yet work with each other, the readiest introductions to make.",
        "brokers",
    )


def _component_action(network: Results, outside: int) -> Point | None:
    isolated = _isolated(network)
    if outside + isolated == 0:
        return None
    return Point(
        f"把主体网络之外的{outside + isolated:,}家机构（{isolated:,}家尚无合作）纳入联合项目或"
        "平台服务。",
        f"Bring the {outside + isolated:,} organisations outside the main network "
        f"({isolated:,} with no link yet) into joint projects or platform services.",
        "overview",
    )


def _partners(network: Results) -> np.ndarray:
    """How many distinct partners each organisation has, in the organisations' order."""
    return network.connections["partners"].to_numpy()


def _betweenness_action(network: Results, brokers: pd.DataFrame) -> Point | None:
    """The organisation most often on the shortest paths between others, as the bridge
    between the industries its partners belong to; the next one when the top broker is
    already named by :func:`_bridge_action`."""
    ranked = network.centrality("betweenness")
    if ranked.empty:
        return None
    named = (
        str(brokers["id"].iloc[0])
        if len(brokers) and int(brokers["brokerage"].iloc[0]) > 0
        else None
    )
    others = ranked[(ranked["id"] != named) & (ranked["betweenness"] > 0)]
    industries = network.organizations.set_index("id")["industries"]
    top = others.head(BRIDGE_CANDIDATES)
    partners = partners_of(network.snapshot, [str(i) for i in top["id"]])
    # ``ranked`` is numbered from 0 in betweenness order: a row's label is its place.
    for place, (_, row) in zip(top.index.to_numpy(np.int64), top.iterrows(), strict=True):
        chosen = industries.loc[partners[str(row["id"])]]
        codes = {str(code) for cell in chosen for code in cell or ()}
        if len(codes) >= 2:
            return _bridge_point(ranked, row, int(place) + 1, len(codes))
    return None


def _bridge_point(ranked: pd.DataFrame, row: pd.Series, rank: int, industries: int) -> Point:
    value = f"{float(row['betweenness']):.4f}"
    estimate = ranked.attrs.get("estimates", {}).get("betweenness", {})
    sampled = estimate.get("method", "exact") != "exact"
    return Point(
        f"建议以{row['name']}为桥梁，连接其{int(row['degree']):,}家合作伙伴所在的{industries}个"
        f"产业（中介中心度{value}{'，抽样估计' if sampled else ''}，全网第{rank}）。",
        f"Use {row['name']} as the bridge between the {industries} industries its "
        f"{int(row['degree']):,} partners belong to (betweenness {value}"
        f"{', a sampled estimate' if sampled else ''}, rank {rank} in the network).",
        "hubs",
    )


def _thin_industry_action(network: Results, names: dict[str, tuple[str, str]]) -> Point | None:
    """The industry whose organisations have the fewest partners on average, when that is
    below the network's average."""
    organizations = network.organizations
    if organizations.empty:
        return None
    partners = _partners(network)
    members = pd.DataFrame(
        {"industry": organizations["industries"].to_numpy(), "partners": partners}
    ).explode("industry")
    members = members.dropna(subset=["industry"])
    if members.empty:
        return None
    by_industry = members.groupby("industry")["partners"].agg(["size", "mean"])
    by_industry = by_industry[by_industry["size"] >= THIN_INDUSTRY_MEMBERS]
    overall = float(partners.mean())
    if by_industry.empty:
        return None
    by_industry = by_industry.sort_values(["mean", "size"], ascending=[True, False])
    code = str(by_industry.index[0])
    size, mean = int(by_industry["size"].iloc[0]), float(by_industry["mean"].iloc[0])
    if mean >= overall:
        return None
    zh, en = names.get(code, (code, code))
    return Point(
        f"加强{zh}产业的合作：该产业{size:,}家机构平均只有{mean:.1f}个合作伙伴，"
        f"全网平均{overall:.1f}个，可优先组织跨产业联合项目。",
        f"Strengthen {en}: its {size:,} organisations have {mean:.1f} partners on average, "
        f"against {overall:.1f} across the network; joint projects with other industries "
        "come first.",
        "overview",
    )


def _single_partner_action(network: Results) -> Point | None:
    partners = _partners(network)
    single = int((partners == 1).sum())
    if single == 0:
        return None
    share = f"{single / len(partners):.0%}"
    return Point(
        f"为只有1个合作伙伴的{single:,}家机构（占{share}）对接第二个合作伙伴，降低对单一伙伴的依赖。",
        f"Find a second partner for the {single:,} organisations ({share}) that have only "
        "one, so that none depends on a single partner.",
        "overview",
    )


def _size_finding(network: Results) -> Point:
    pairs, records = linked_size(network.snapshot)
    organisations = len(network.organizations)
    more = records != pairs
    return Point(
        f"网络共有{organisations:,}家机构、{pairs:,}对合作"
        + (f"（{records:,}条合作记录）" if more else "")
        + "。",
        f"The network has {organisations:,} organisations and {pairs:,} linked pairs"
        + (f" ({records:,} link records)" if more else "")
        + ".",
        "overview",
    )


def _gap_actions(
    gaps: pd.DataFrame, names: dict[str, tuple[str, str]], plan: pd.DataFrame | None
) -> list[Point]:
    """For the worst gap industries, the plan's best pair whose enterprise is in it."""
    if plan is None or plan.empty or gaps.empty:
        return []
    problems: dict[str, Callable[[pd.Series, str, str], tuple[str, str]]] = {
        "no_rd_institution": lambda row, zh, en: (
            f"{zh}尚无新型研发机构",
            f"{en} has no new-type R&D institution",
        ),
        "low_coverage": lambda row, zh, en: (
            f"{zh}龙头企业共建研发中心覆盖率仅{row['value']:.0%}",
            f"in {en} only {row['value']:.0%} of leading enterprises have a co-built R&D centre",
        ),
        "leading_enterprise_without_platform": lambda row, zh, en: (
            f"{zh}有{int(row['value'])}家龙头企业尚无平台合作",
            f"in {en} {int(row['value'])} leading enterprises work with no platform",
        ),
    }
    used: set[int] = set()
    done: set[str] = set()
    actions = []
    for finding, problem in problems.items():
        for _, row in _rows(gaps, finding).iterrows():
            code = str(row["industry"])
            if code in done:
                continue
            match = [
                i
                for i, codes in enumerate(plan["industries"])
                if code in list(codes) and i not in used
            ]
            if not match:
                continue
            used.add(match[0])
            done.add(code)
            pair = plan.iloc[match[0]]
            zh_problem, en_problem = problem(row, *names.get(code, (code, code)))
            reasons = list(pair["reasons"]) if isinstance(pair["reasons"], list | tuple) else []
            why_zh, _, why_en = (str(reasons[0]) if reasons else "").partition(" / ")
            zh_standing, en_standing = standing(pair, plan.attrs.get("candidates"))
            actions.append(
                Point(
                    f"{zh_problem}：建议推动{pair['enterprise_name']}与{pair['platform_name']}"
                    f"共建研发中心（配对方案第{int(pair['plan'])}对"
                    + (f"，{zh_standing}" if zh_standing else "")
                    + (f"；理由：{why_zh}" if why_zh else "")
                    + "）。",
                    f"{en_problem[0].upper()}{en_problem[1:]}: broker a co-built R&D centre "
                    f"between {pair['enterprise_name']} and {pair['platform_name']} (pair "
                    f"{int(pair['plan'])} of the plan"
                    + (f"; {en_standing}" if en_standing else "")
                    + (f"; why: {why_en or why_zh}" if why_zh else "")
                    + ").",
                    "recommendations",
                )
            )
            if len(actions) == GAP_ACTIONS:
                return actions
    return actions


def _kpi_row(kpis: pd.DataFrame, metric: str) -> pd.Series | None:
    if kpis.empty:
        return None
    rows = kpis[kpis["metric"] == metric]
    return rows.iloc[-1] if len(rows) else None


def _target_text(row: pd.Series) -> str:
    sign = _COMPARISON.get(str(row["comparison"]), str(row["comparison"]))
    return f"{sign}{measure_text(row['metric'], row['target'])}"


def _rd_action(
    kpis: pd.DataFrame, gaps: pd.DataFrame, names: dict[str, tuple[str, str]]
) -> Point | None:
    row = _kpi_row(kpis, "industries_with_rd_institution_share")
    missing = _rows(gaps, "no_rd_institution")
    if row is None or bool(row["met"]) or missing.empty:
        return None
    zh, en = _listed(missing["industry"], names)
    value = measure_text(row["metric"], row["value"])
    return Point(
        f"在{zh}各布局至少1家新型研发机构，实现重点产业全覆盖"
        f"（目前{value}，目标{_target_text(row)}，{int(row['target_year'])}年）。",
        f"Establish at least one new-type R&D institution in each of {en} to cover every "
        f"priority industry (now {value}, target {_target_text(row)} by "
        f"{int(row['target_year'])}).",
        "kpis",
    )


def _plan_action(kpis: pd.DataFrame, plan: pd.DataFrame | None) -> Point | None:
    if plan is None or plan.empty:
        return None
    existing = int(plan.attrs.get("existing_centres", 0))
    after = existing + len(plan)
    row = _kpi_row(kpis, "co_built_centres")
    goal_zh = f"，目标{_target_text(row)}个" if row is not None else ""
    goal_en = f"; target {_target_text(row)}" if row is not None else ""
    return Point(
        f"按推荐配对方案新增{len(plan)}个“龙头企业+创新平台”共建研发中心：总数由{existing:,}个"
        f"增至{after:,}个{goal_zh}。",
        f"Broker the {len(plan)} leading-enterprise–platform pairs of the plan: co-built R&D "
        f"centres go from {existing:,} to {after:,}{goal_en}.",
        "recommendations",
    )


def _broker_action(brokers: pd.DataFrame, unlinked: pd.DataFrame | None) -> Point | None:
    if unlinked is None or unlinked.empty or brokers.empty:
        return None
    platforms = brokers[brokers["type"] == "platform"]
    if platforms.empty:
        return None
    row = platforms.iloc[0]
    n = len(unlinked)
    return Point(
        f"请{row['name']}（连接伙伴最多的桥梁平台，合作伙伴{int(row['degree']):,}家）牵头对接"
        f"尚无平台合作的{n}家龙头企业。",
        f"Ask {row['name']} (the platform that brokers most, {int(row['degree']):,} partners) "
        f"to reach out to the {n} leading enterprises that work with no platform yet.",
        "brokers",
    )


def _other_kpi_actions(kpis: pd.DataFrame) -> list[Point]:
    handled = {"industries_with_rd_institution_share", "co_built_centres"}
    actions = []
    for _, row in kpis.iterrows():
        if bool(row["met"]) or row["metric"] in handled:
            continue
        value = measure_text(row["metric"], row["value"])
        actions.append(
            Point(
                f"把“{row['description_zh']}”列为年度重点（目前{value}，目标{_target_text(row)}）。",
                f'Make "{row["description_en"]}" a priority this year (now {value}, target '
                f"{_target_text(row)}).",
                "kpis",
            )
        )
    return actions


def _status(kpis: pd.DataFrame) -> tuple[int, Point]:
    if kpis.empty:
        return 0, Point(NO_TARGETS_ZH, NO_TARGETS_EN, "kpis")
    met = int(kpis["met"].astype(bool).sum())
    unmet = kpis[~kpis["met"].astype(bool)]
    zh = f"{len(kpis)}项指标中{met}项已达成"
    en = f"{met} of {len(kpis)} indicators met"
    if len(unmet):
        zh += "；未达成：" + "；".join(
            f"{r['description_zh']}（目前{measure_text(r['metric'], r['value'])}，"
            f"目标{_target_text(r)}）"
            for _, r in unmet.iterrows()
        )
        en += "; not met: " + "; ".join(
            f"{r['description_en']} (now {measure_text(r['metric'], r['value'])}, target "
            f"{_target_text(r)})"
            for _, r in unmet.iterrows()
        )
    return met, Point(zh + "。", en + ".", "kpis")
