"""How well each priority industry and county is covered by platforms, and where the gaps are.

The counts follow the bureau's own yardsticks: platforms by level, new-type R&D
institutions (the "5+5" full-coverage target), leading enterprises with a co-built R&D
centre (the "龙头企业+创新平台" model), universities engaged, and new links per year.

An organisation belongs to every industry in its ``industries`` tuple, so one platform
serving two industries counts in both. A link belongs to an industry (or county) when
either end does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from collabnet.errors import InputError
from collabnet.graph import link_positions
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = [
    "OrgFlags",
    "county_coverage",
    "coverage_gaps",
    "industry_county_coverage",
    "industry_coverage",
    "industry_coverage_share",
    "leading_without_platform",
]

PLATFORM_LEVELS = ("national", "provincial", "municipal")
ACADEMIC_TYPES = ("university", "institute")
FINDINGS = (
    "no_rd_institution",
    "no_platform",
    "single_platform",
    "leading_enterprise_without_platform",
    "low_coverage",
    "declining_links",
)


def industry_coverage(snapshot: Snapshot | Tables) -> pd.DataFrame:
    """Coverage of each industry of the industries table (one row each, in table order).

    Parameters
    ----------
    snapshot
        The network at one cut, or validated tables taken as their own snapshot.

    Returns
    -------
    pandas.DataFrame
        ``industry``, ``name_zh``, ``name_en``, ``group``, then

        - ``platforms`` and ``platforms_national`` / ``_provincial`` / ``_municipal``;
        - ``rd_institutions``: new-type R&D institutions (any type) of the industry;
        - ``enterprises``, ``leading_enterprises``;
        - ``covered_enterprises``: enterprises with at least one ``co_built_centre``
          link to a platform; ``covered_leading_enterprises`` likewise;
        - ``coverage_share``: covered leading enterprises / leading enterprises. When the
          ``leading`` flag is missing for every enterprise of the network, it is covered
          enterprises / enterprises instead, and ``coverage_basis`` says so
          (``leading`` or ``all_enterprises``); NaN when the denominator is 0;
        - ``leading_without_platform``: leading enterprises linked to no platform at all;
        - ``universities_engaged``: distinct universities and institutes linked to a
          platform or an enterprise of the industry;
        - ``links`` (links touching the industry) and ``links_<year>``: new links per
          year (undated links count only in ``links``).

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> coverage = industry_coverage(load_tables("data/sample"))
    >>> int(coverage.set_index("industry").loc["footwear", "rd_institutions"])
    0
    """
    return _coverage(as_snapshot(snapshot), ("industry",))


def county_coverage(snapshot: Snapshot | Tables) -> pd.DataFrame:
    """The columns of :func:`industry_coverage`, per county (organisations without a county
    are left out; a university outside the city still counts as engaged)."""
    return _coverage(as_snapshot(snapshot), ("county",))


def industry_county_coverage(snapshot: Snapshot | Tables) -> pd.DataFrame:
    """The columns of :func:`industry_coverage`, per industry and county pair that has at
    least one organisation."""
    return _coverage(as_snapshot(snapshot), ("industry", "county"))


def leading_without_platform(
    snapshot: Snapshot | Tables, industry: str | None = None
) -> pd.DataFrame:
    """Leading enterprises linked to no platform at all (not even by a joint project).

    Returns ``id``, ``name``, ``industries``, ``county``, ``partners`` (distinct partners
    of any type), sorted by industry order then name. With ``industry`` (a code), only
    that industry's enterprises.
    """
    snapshot = as_snapshot(snapshot)
    frame = OrgFlags.of(snapshot)
    orgs = snapshot.organizations
    leading = frame.is_enterprise & frame.leading & ~frame.platform_partner
    if industry is not None:
        if industry not in set(snapshot.industries["code"]):
            raise InputError(f"unknown industry code '{industry}'")
        leading &= orgs["industries"].map(lambda codes: industry in codes).to_numpy(dtype=bool)
    chosen = orgs.loc[leading, ["id", "name", "industries", "county"]].copy()
    chosen["partners"] = frame.partners[leading]
    order = {code: i for i, code in enumerate(snapshot.industries["code"])}
    chosen["_order"] = chosen["industries"].map(
        lambda codes: min((order.get(c, len(order)) for c in codes), default=len(order))
    )
    chosen = chosen.sort_values(["_order", "name"], kind="stable").drop(columns="_order")
    return chosen.reset_index(drop=True)


def coverage_gaps(
    snapshot: Snapshot | Tables,
    *,
    min_coverage: float = 0.5,
    decline: float = 0.2,
    recent_years: int = 2,
    earlier_years: int = 3,
    min_platforms: int = 2,
    min_yearly_links: float = 3.0,
    names_listed: int = 5,
    by_county: bool = False,
    rd_target_year: int | None = 2025,
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Findings about thinly covered industries, one row each, most severe first.

    Parameters
    ----------
    snapshot
        The network at one cut, or validated tables taken as their own snapshot.
    min_coverage
        ``low_coverage`` when an industry's ``coverage_share`` is below this (default 0.5).
    decline
        ``declining_links`` when the mean number of new links per year over the last
        ``recent_years`` years (default 2) is below the mean over the ``earlier_years``
        years before them (default 3) by more than this share (default 0.2, i.e. 20%).
        The last year is the latest link year (up to the network's ``as_of``).
        Industries with fewer than ``min_yearly_links`` new links a year in the earlier
        window (default 3) are not judged: their counts are too small to show a trend.
    min_platforms
        ``single_platform`` when an industry has fewer platforms than this but at least
        one (default 2; the source document asks for 1–2 lead industries per platform,
        so one platform is a single point of failure). None at all is ``no_platform``.
    names_listed
        How many names a ``leading_enterprise_without_platform`` finding quotes; the
        full list comes from :func:`leading_without_platform`.
    by_county
        Also report ``low_coverage`` and ``leading_enterprise_without_platform`` per
        industry and county.
    rd_target_year
        The year of the full-coverage target quoted by ``no_rd_institution`` findings.
    coverage
        :func:`industry_coverage` of ``snapshot`` when the caller already has it (it is
        the slowest part of this function on large networks); computed when None.

    Returns
    -------
    pandas.DataFrame
        ``industry`` (code), ``county`` (None for industry-wide findings), ``finding``
        (one of ``no_rd_institution``, ``no_platform``, ``single_platform``,
        ``leading_enterprise_without_platform``, ``low_coverage``, ``declining_links``),
        ``severity`` (``high``/``medium``/``low``), ``value``, ``threshold``,
        ``reason_zh``, ``reason_en`` and ``reason`` ("中文 / English"). A network
        without any platform gets only ``declining_links`` findings.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> gaps = coverage_gaps(load_tables("data/sample"))
    >>> "no_rd_institution" in set(gaps.loc[gaps["industry"] == "footwear", "finding"])
    True
    """
    if not 0 <= min_coverage <= 1:
        raise InputError(f"min_coverage must be between 0 and 1, got {min_coverage}")
    if not 0 <= decline < 1:
        raise InputError(f"decline must be at least 0 and below 1, got {decline}")
    if recent_years < 1 or earlier_years < 1:
        raise InputError("recent_years and earlier_years must be at least 1")
    snapshot = as_snapshot(snapshot)
    if coverage is None:
        coverage = industry_coverage(snapshot)
    unlinked = leading_without_platform(snapshot)
    # Without any platform (project-participation data, say) every platform finding
    # would fire for every industry and say nothing.
    has_platforms = bool((snapshot.organizations["type"] == "platform").any())
    findings: list[dict[str, object]] = []
    for row in coverage.itertuples(index=False) if has_platforms else ():
        names = _Names(str(row.industry), str(row.name_zh), str(row.name_en))
        findings.extend(_industry_findings(row, names, min_platforms, rd_target_year))
        findings.extend(_unlinked_findings(unlinked, names, None, names_listed))
        findings.extend(_coverage_findings(row, names, None, min_coverage))
    findings.extend(
        _decline_findings(
            link_years(snapshot), coverage, decline, recent_years, earlier_years, min_yearly_links
        )
    )
    if by_county and has_platforms:
        local = industry_county_coverage(snapshot)
        labels = coverage.set_index("industry")[["name_zh", "name_en"]]
        for row in local.itertuples(index=False):
            names = _Names(
                str(row.industry),
                str(labels.at[row.industry, "name_zh"]),
                str(labels.at[row.industry, "name_en"]),
            )
            in_county = unlinked[unlinked["county"] == row.county]
            findings.extend(_unlinked_findings(in_county, names, str(row.county), names_listed))
            findings.extend(_coverage_findings(row, names, str(row.county), min_coverage))
    columns = [
        "industry",
        "county",
        "finding",
        "severity",
        "value",
        "threshold",
        "reason_zh",
        "reason_en",
    ]
    gaps = pd.DataFrame(findings, columns=columns)
    gaps["value"] = gaps["value"].astype(float)
    gaps["threshold"] = gaps["threshold"].astype(float)
    gaps["reason"] = gaps["reason_zh"] + " / " + gaps["reason_en"]
    severity = gaps["severity"].map({"high": 0, "medium": 1, "low": 2})
    finding = gaps["finding"].map({f: i for i, f in enumerate(FINDINGS)})
    industry = gaps["industry"].map({c: i for i, c in enumerate(coverage["industry"])})
    gaps = gaps.assign(_s=severity, _f=finding, _i=industry)
    gaps = gaps.sort_values(["_s", "_f", "_i"], kind="stable").drop(columns=["_s", "_f", "_i"])
    return gaps.reset_index(drop=True)


@dataclass(frozen=True)
class _Names:
    code: str
    zh: str
    en: str


def _finding(
    names: _Names,
    county: str | None,
    finding: str,
    severity: str,
    value: float,
    threshold: float,
    zh: str,
    en: str,
) -> dict[str, object]:
    return {
        "industry": names.code,
        "county": county,
        "finding": finding,
        "severity": severity,
        "value": value,
        "threshold": threshold,
        "reason_zh": zh,
        "reason_en": en,
    }


def _industry_findings(
    row: Any, names: _Names, min_platforms: int, rd_target_year: int | None
) -> list[dict[str, object]]:
    found = []
    rd = int(row.rd_institutions)
    if rd == 0:
        target_zh = f"（{rd_target_year}年全覆盖目标）" if rd_target_year else ""
        target_en = f" ({rd_target_year} full-coverage target)" if rd_target_year else ""
        found.append(
            _finding(
                names,
                None,
                "no_rd_institution",
                "high",
                0,
                1,
                f"{names.zh}没有新型研发机构{target_zh}",
                f"{names.en} has no new-type R&D institution{target_en}",
            )
        )
    platforms = int(row.platforms)
    if platforms == 0:
        found.append(
            _finding(
                names,
                None,
                "no_platform",
                "high",
                0,
                1,
                f"{names.zh}没有创新平台",
                f"{names.en} has no innovation platform",
            )
        )
    elif platforms < min_platforms:
        found.append(
            _finding(
                names,
                None,
                "single_platform",
                "medium",
                platforms,
                min_platforms,
                f"{names.zh}只有{platforms}个创新平台（少于{min_platforms}个）",
                f"{names.en} has only {platforms} innovation platform"
                f"{'s' if platforms != 1 else ''} (fewer than {min_platforms})",
            )
        )
    return found


def _unlinked_findings(
    unlinked: pd.DataFrame, names: _Names, county: str | None, names_listed: int
) -> list[dict[str, object]]:
    mine = unlinked[unlinked["industries"].map(lambda codes: names.code in codes)]
    count = len(mine)
    if count == 0:
        return []
    shown = list(mine["name"].head(names_listed))
    more = count > len(shown)
    where_zh = county or ""
    where_en = f" in {county}" if county else ""
    severity = "high" if count >= 5 else "medium"
    return [
        _finding(
            names,
            county,
            "leading_enterprise_without_platform",
            severity,
            count,
            0,
            f"{where_zh}{names.zh}有{count}家龙头企业没有平台合作伙伴：{'、'.join(shown)}"
            + ("等" if more else ""),
            f"{names.en}{where_en}: {count} leading enterprise"
            f"{'s have' if count != 1 else ' has'} no platform partner: {', '.join(shown)}"
            + (", …" if more else ""),
        )
    ]


def _coverage_findings(
    row: Any, names: _Names, county: str | None, min_coverage: float
) -> list[dict[str, object]]:
    share = float(row.coverage_share)
    if np.isnan(share) or share >= min_coverage:
        return []
    basis = row.coverage_basis
    if basis == "leading":
        covered = int(row.covered_leading_enterprises)
        total = int(row.leading_enterprises)
        who_zh, who_en = "龙头企业", "leading enterprises"
    else:
        covered = int(row.covered_enterprises)
        total = int(row.enterprises)
        who_zh, who_en = "企业", "enterprises"
    where_zh = county or ""
    where_en = f" in {county}" if county else ""
    severity = "high" if share < min_coverage / 2 else "medium"
    return [
        _finding(
            names,
            county,
            "low_coverage",
            severity,
            round(share, 4),
            min_coverage,
            f"{where_zh}{names.zh}{who_zh}共建研发中心覆盖率{share:.0%}"
            f"（{covered}/{total}，低于{min_coverage:.0%}）",
            f"{names.en}{where_en}: {share:.0%} of {who_en} have a co-built R&D centre "
            f"({covered}/{total}, below {min_coverage:.0%})",
        )
    ]


def _decline_findings(
    years: list[int],
    coverage: pd.DataFrame,
    decline: float,
    recent_years: int,
    earlier_years: int,
    min_yearly_links: float,
) -> list[dict[str, object]]:
    if not years:
        return []
    # Not the as_of year: years after the last recorded link have no data yet, not
    # fewer links.
    last = years[-1]
    recent = list(range(last - recent_years + 1, last + 1))
    earlier = list(range(recent[0] - earlier_years, recent[0]))
    if years[0] > earlier[0]:
        return []
    found = []
    for row in coverage.itertuples(index=False):
        per_year = {y: float(getattr(row, f"links_{y}", 0) or 0) for y in recent + earlier}
        before = np.mean([per_year[y] for y in earlier])
        now = np.mean([per_year[y] for y in recent])
        if before == 0 or before < min_yearly_links:
            continue
        change = now / before - 1
        if change >= -decline:
            continue
        names = _Names(str(row.industry), str(row.name_zh), str(row.name_en))
        span_recent = f"{recent[0]}–{recent[-1]}" if len(recent) > 1 else str(recent[0])
        span_earlier = f"{earlier[0]}–{earlier[-1]}" if len(earlier) > 1 else str(earlier[0])
        found.append(
            _finding(
                names,
                None,
                "declining_links",
                "high" if change < -2 * decline else "medium",
                round(float(change), 4),
                -decline,
                f"{names.zh}{span_recent}年年均新增合作{now:.1f}条，"
                f"比{span_earlier}年的{before:.1f}条下降{-change:.0%}",
                f"{names.en}: {now:.1f} new links a year in {span_recent}, "
                f"{-change:.0%} below the {before:.1f} a year of {span_earlier}",
            )
        )
    return found


@dataclass(frozen=True)
class OrgFlags:
    """Per-organisation flags behind every coverage count (arrays in table order), shared
    by coverage, the KPIs and the recommender's coverage-gap bonus."""

    is_platform: np.ndarray
    is_enterprise: np.ndarray
    is_academic: np.ndarray
    leading: np.ndarray
    covered: np.ndarray
    platform_partner: np.ndarray
    partners: np.ndarray
    ends: tuple[np.ndarray, np.ndarray] | None
    leading_known: bool

    @classmethod
    def of(cls, snapshot: Snapshot | Tables) -> OrgFlags:
        snapshot = as_snapshot(snapshot)
        orgs = snapshot.organizations
        org_type = orgs["type"].to_numpy(dtype=object)
        is_platform = org_type == "platform"
        is_enterprise = org_type == "enterprise"
        leading_flag = orgs["leading"].astype("boolean")
        known = bool(leading_flag[is_enterprise].notna().any())
        native = snapshot.native("organization_flags")
        if native is None:
            source, target = link_positions(snapshot.tables)
            links = snapshot.tables.links
            co_built = (links["kind"] == "co_built_centre").to_numpy(dtype=bool)
            covered = np.zeros(len(orgs), dtype=bool)
            for a, b in ((source, target), (target, source)):
                covered[a[co_built & is_enterprise[a] & is_platform[b]]] = True
            platform_partner = np.zeros(len(orgs), dtype=bool)
            platform_partner[source[is_platform[target]]] = True
            platform_partner[target[is_platform[source]]] = True
            partners = np.diff(snapshot.hops.indptr).astype(np.int64)
            ends: tuple[np.ndarray, np.ndarray] | None = (source, target)
        else:
            # Counted by the database (cypher/analysis/organization_flags.cypher).
            native = native.set_index("id").reindex(orgs["id"])
            covered = native["covered"].fillna(False).to_numpy(dtype=bool)
            platform_partner = native["platform_partner"].fillna(False).to_numpy(dtype=bool)
            partners = native["partners"].fillna(0).to_numpy(dtype=np.int64)
            ends = None
        return cls(
            is_platform=is_platform,
            is_enterprise=is_enterprise,
            is_academic=np.isin(org_type, ACADEMIC_TYPES),
            leading=leading_flag.fillna(False).to_numpy(dtype=bool),
            covered=covered,
            platform_partner=platform_partner,
            partners=partners,
            ends=ends,
            leading_known=known,
        )

    def link_ends(self, snapshot: Snapshot) -> tuple[np.ndarray, np.ndarray]:
        """Positions of every link's source and target (read from the tables when the
        flags came from a database)."""
        return self.ends if self.ends is not None else link_positions(snapshot.tables)


def _membership(snapshot: Snapshot, keys: tuple[str, ...]) -> pd.DataFrame:
    """One row per (organisation position, group) with the group's key columns."""
    orgs = snapshot.organizations
    frame = pd.DataFrame({"row": np.arange(len(orgs))})
    if "industry" in keys:
        frame["industry"] = orgs["industries"].to_numpy()
        frame = frame.explode("industry")
        frame = frame[frame["industry"].isin(set(snapshot.industries["code"]))]
    if "county" in keys:
        frame["county"] = orgs["county"].to_numpy(dtype=object)[frame["row"].to_numpy(dtype=int)]
        frame = frame[frame["county"].notna()]
    frame["row"] = frame["row"].astype(np.int64)
    return frame.reset_index(drop=True)


def _coverage(snapshot: Snapshot, keys: tuple[str, ...]) -> pd.DataFrame:
    flags = OrgFlags.of(snapshot)
    members = _membership(snapshot, keys)
    result = _counts(snapshot, keys, flags, members)
    result["universities_engaged"] = _engaged(snapshot, flags, members, keys, result)
    links_per_year = _links_per_year(snapshot, flags, members, keys, result)
    result = pd.concat([result, links_per_year], axis=1)
    order = [
        c
        for c in result.columns
        if c not in ("coverage_basis", "coverage_share", "universities_engaged")
        and not c.startswith("links")
    ]
    order[order.index("leading_without_platform") : order.index("leading_without_platform")] = [
        "coverage_share",
        "coverage_basis",
    ]
    order += ["universities_engaged", *links_per_year.columns]
    return result[order].reset_index(drop=True)


def industry_coverage_share(snapshot: Snapshot | Tables) -> pd.DataFrame:
    """``industry`` and ``coverage_share`` of :func:`industry_coverage`, without the
    columns that count links (universities engaged, links per year)."""
    snapshot = as_snapshot(snapshot)
    keys = ("industry",)
    result = _counts(snapshot, keys, OrgFlags.of(snapshot), _membership(snapshot, keys))
    return result[["industry", "coverage_share"]].reset_index(drop=True)


def _counts(
    snapshot: Snapshot, keys: tuple[str, ...], flags: OrgFlags, members: pd.DataFrame
) -> pd.DataFrame:
    """One row per group: the organisation counts and the coverage share."""
    rows = members["row"].to_numpy()
    key_list = list(keys)
    level = snapshot.organizations["level"].to_numpy(dtype=object)[rows]
    rd = snapshot.organizations["rd_institution"].to_numpy(dtype=bool)[rows]
    platform = flags.is_platform[rows]
    enterprise = flags.is_enterprise[rows]
    leading = enterprise & flags.leading[rows]
    counts = members[key_list].assign(
        platforms=platform,
        **{f"platforms_{lv}": platform & (level == lv) for lv in PLATFORM_LEVELS},
        rd_institutions=rd,
        enterprises=enterprise,
        leading_enterprises=leading,
        covered_enterprises=enterprise & flags.covered[rows],
        covered_leading_enterprises=leading & flags.covered[rows],
        leading_without_platform=leading & ~flags.platform_partner[rows],
    )
    totals = counts.groupby(key_list, sort=False).sum().astype(int)
    result = _base_rows(snapshot, keys, members).join(totals, on=key_list)

    count_columns = list(totals.columns)
    result[count_columns] = result[count_columns].fillna(0).astype(int)
    if flags.leading_known:
        numerator, denominator = "covered_leading_enterprises", "leading_enterprises"
        result["coverage_basis"] = "leading"
    else:
        numerator, denominator = "covered_enterprises", "enterprises"
        result["coverage_basis"] = "all_enterprises"
    result["coverage_share"] = result[numerator] / result[denominator].where(
        result[denominator] > 0
    )
    return result


def _base_rows(snapshot: Snapshot, keys: tuple[str, ...], members: pd.DataFrame) -> pd.DataFrame:
    industries = snapshot.industries.rename(columns={"code": "industry"})[
        ["industry", "name_zh", "name_en", "group"]
    ]
    if keys == ("industry",):
        return industries.reset_index(drop=True)
    if keys == ("county",):
        counties = sorted(members["county"].drop_duplicates())
        # dtype object: with no county at all an empty column would be float.
        return pd.DataFrame({"county": pd.Series(counties, dtype=object)})
    present = members[["industry", "county"]].drop_duplicates()
    order = {c: i for i, c in enumerate(industries["industry"])}
    present = present.assign(_o=present["industry"].map(order))
    present = present.sort_values(["_o", "county"]).drop(columns="_o")
    return present.merge(industries, on="industry", how="left")[
        ["industry", "county", "name_zh", "name_en", "group"]
    ]


def _key_index(result: pd.DataFrame, keys: tuple[str, ...]) -> pd.MultiIndex | pd.Index:
    if len(keys) == 1:
        return pd.Index(result[keys[0]])
    return pd.MultiIndex.from_frame(result[list(keys)])


def _engaged(
    snapshot: Snapshot,
    flags: OrgFlags,
    members: pd.DataFrame,
    keys: tuple[str, ...],
    result: pd.DataFrame,
) -> np.ndarray:
    """Distinct universities and institutes linked to a platform or enterprise of each group."""
    index = _key_index(result, keys)
    native = _native_counts(snapshot, "engaged", keys)
    if native is not None:
        engaged = native.set_index(list(keys))["engaged"]
        return engaged.reindex(index).fillna(0).to_numpy(dtype=np.int64)
    s, t = flags.link_ends(snapshot)
    partner_kind = flags.is_platform | flags.is_enterprise
    academic_end = np.concatenate(
        [s[flags.is_academic[s] & partner_kind[t]], t[flags.is_academic[t] & partner_kind[s]]]
    )
    other_end = np.concatenate(
        [t[flags.is_academic[s] & partner_kind[t]], s[flags.is_academic[t] & partner_kind[s]]]
    )
    pairs = pd.DataFrame({"row": other_end, "academic": academic_end}).drop_duplicates()
    joined = pairs.merge(members, on="row")
    engaged = joined.drop_duplicates([*keys, "academic"]).groupby(list(keys), sort=False).size()
    return engaged.reindex(index).fillna(0).astype(int).to_numpy()


def _native_counts(snapshot: Snapshot, what: str, keys: tuple[str, ...]) -> pd.DataFrame | None:
    """The backend's ``links`` or ``engaged`` counts per group of ``keys`` (the
    ``industry_*`` or ``county_*`` statement), with the key columns only, or ``None``."""
    if keys == ("industry",):
        return snapshot.native(f"industry_{what}")
    native = snapshot.native(f"county_{what}", by_industry="industry" in keys)
    return None if native is None else native.drop(columns=["industry"] if len(keys) == 1 else [])


def link_years(snapshot: Snapshot) -> list[int]:
    """The distinct years of the dated links at the cut, in order."""
    native = snapshot.native("link_years")
    years = native["year"] if native is not None else snapshot.tables.links["year"]
    return sorted(int(year) for year in years.dropna().unique())


def _links_per_year(
    snapshot: Snapshot,
    flags: OrgFlags,
    members: pd.DataFrame,
    keys: tuple[str, ...],
    result: pd.DataFrame,
) -> pd.DataFrame:
    index = _key_index(result, keys)
    native = _native_counts(snapshot, "links", keys)
    if native is None:
        years = snapshot.tables.links["year"]
        link_index = np.arange(len(years))
        source, target = flags.link_ends(snapshot)
        ends = pd.DataFrame(
            {
                "link": np.concatenate([link_index, link_index]),
                "row": np.concatenate([source, target]),
            }
        )
        touching = ends.merge(members, on="row").drop_duplicates(["link", *keys])
        touching["year"] = years.to_numpy(dtype="float64", na_value=np.nan)[
            touching["link"].to_numpy()
        ]
        counted = touching.assign(links=1)
    else:
        # One row per group and year with the links counted by the database.
        counted = native.assign(year=native["year"].astype("float64"))
    total = counted.groupby(list(keys), sort=False)["links"].sum().reindex(index).fillna(0)
    frame = pd.DataFrame({"links": total.astype(int).to_numpy()})
    per_year = counted.dropna(subset=["year"]).groupby([*keys, "year"], sort=False)["links"].sum()
    for year in _year_range(link_years(snapshot)):
        in_year = per_year[per_year.index.get_level_values("year") == float(year)]
        in_year = in_year.droplevel("year") if len(in_year) else in_year.iloc[0:0]
        frame[f"links_{year}"] = (
            in_year.reindex(index).fillna(0).to_numpy(dtype=float).astype(np.int64)
            if len(in_year)
            else 0
        )
    return frame


def _year_range(years: list[int]) -> range:
    return range(years[0], years[-1] + 1) if years else range(0)
