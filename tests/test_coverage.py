"""Industry and county coverage, and the gaps found in them, on hand-counted networks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collabnet.analysis.coverage import (
    county_coverage,
    coverage_gaps,
    industry_county_coverage,
    industry_coverage,
    industry_coverage_share,
    leading_without_platform,
)
from collabnet.errors import InputError
from collabnet.tables import Tables, default_industries, load_tables


def org(
    org_id: str,
    org_type: str,
    industries: tuple[str, ...] = (),
    county: str | None = "鹿城区",
    level: str = "none",
    rd: bool = False,
    leading: bool | None = None,
) -> dict[str, object]:
    return {
        "id": org_id,
        "name": f"{org_id}名称",
        "type": org_type,
        "industries": industries,
        "county": county,
        "level": level,
        "founded": pd.NA,
        "rd_institution": rd,
        "leading": leading,
    }


def network(orgs: list[dict[str, object]], links: list[tuple[str, str, str, int | None]]) -> Tables:
    organizations = pd.DataFrame(orgs)
    organizations["founded"] = pd.array(organizations["founded"], dtype="Int64")
    organizations["leading"] = pd.array(organizations["leading"], dtype="boolean")
    organizations["rd_institution"] = organizations["rd_institution"].astype(bool)
    for column in ("id", "name", "type", "county", "level"):
        organizations[column] = pd.array(organizations[column], dtype="str")
    frame = pd.DataFrame(
        {
            "source": pd.array([link[0] for link in links], dtype="str"),
            "target": pd.array([link[1] for link in links], dtype="str"),
            "kind": pd.array([link[2] for link in links], dtype="str"),
            "year": pd.array([link[3] for link in links], dtype="Int64"),
            "weight": np.ones(len(links)),
            "funding": np.full(len(links), np.nan),
        }
    )
    return Tables(organizations=organizations, links=frame, industries=default_industries())


@pytest.fixture
def footwear_town() -> Tables:
    """Footwear: one municipal platform P1 (not an R&D institution), leading enterprises
    E1 (co-built centre with P1), E2 (joint project with P1 only), E3 (no platform link,
    works with U1) and non-leading E4. Electrical: provincial R&D institution P2 with a
    co-built centre to leading E5 in 瑞安市. U1 cooperates with P2.

    E4 adds joint projects with P1 so that footwear has 5, 5, 5 new links in 2020–2022
    and 2, 2 in 2023–2024: a 60% decline. One footwear link (E4–U1) has no year.
    """
    orgs = [
        org("P1", "platform", ("footwear",), level="municipal"),
        org("P2", "platform", ("electrical",), county="瑞安市", level="provincial", rd=True),
        org("E1", "enterprise", ("footwear",), leading=True),
        org("E2", "enterprise", ("footwear",), leading=True),
        org("E3", "enterprise", ("footwear",), leading=True),
        org("E4", "enterprise", ("footwear",), leading=False),
        org("E5", "enterprise", ("electrical",), county="瑞安市", leading=True),
        org("U1", "university", county=None),
    ]
    links: list[tuple[str, str, str, int | None]] = [
        ("E1", "P1", "co_built_centre", 2020),
        ("E2", "P1", "joint_project", 2021),
        ("E3", "U1", "joint_project", 2022),
        ("E5", "P2", "co_built_centre", 2022),
        ("P2", "U1", "cooperation", 2021),
        ("E4", "U1", "joint_project", None),
    ]
    extra = {2020: 4, 2021: 4, 2022: 4, 2023: 2, 2024: 2}
    for year, count in extra.items():
        links += [("E4", "P1", "joint_project", year)] * count
    return network(orgs, links)


def test_industry_coverage_counts(footwear_town: Tables) -> None:
    coverage = industry_coverage(footwear_town).set_index("industry")
    footwear = coverage.loc["footwear"]
    assert footwear["platforms"] == 1
    assert footwear["platforms_municipal"] == 1
    assert footwear["platforms_provincial"] == 0
    assert footwear["rd_institutions"] == 0
    assert footwear["enterprises"] == 4
    assert footwear["leading_enterprises"] == 3
    assert footwear["covered_enterprises"] == 1
    assert footwear["covered_leading_enterprises"] == 1
    assert footwear["coverage_share"] == pytest.approx(1 / 3)
    assert footwear["coverage_basis"] == "leading"
    assert footwear["leading_without_platform"] == 1
    # U1 works with E3 and E4 (footwear enterprises).
    assert footwear["universities_engaged"] == 1
    assert footwear["links"] == 3 + 1 + 16
    assert [footwear[f"links_{y}"] for y in range(2020, 2025)] == [5, 5, 5, 2, 2]
    electrical = coverage.loc["electrical"]
    assert (electrical["platforms"], electrical["rd_institutions"]) == (1, 1)
    assert electrical["coverage_share"] == 1.0
    assert electrical["universities_engaged"] == 1
    assert np.isnan(coverage.loc["apparel", "coverage_share"])
    assert coverage.index.tolist() == default_industries()["code"].tolist()


def test_tiny_coverage(tiny_tables: Tables) -> None:
    """tiny: pumps_valves has P2 (municipal, 新型研发机构) and leading E1, whose co-built
    centre is with P2; U2 works with both. Links touching P2 or E1: E1–P2 (2020),
    P2–U2 (2021), E1–P2 joint project (2022), E1–U2 (2023)."""
    pumps = industry_coverage(tiny_tables).set_index("industry").loc["pumps_valves"]
    assert (pumps["platforms"], pumps["platforms_municipal"], pumps["rd_institutions"]) == (1, 1, 1)
    assert (pumps["enterprises"], pumps["leading_enterprises"], pumps["covered_enterprises"]) == (
        1,
        1,
        1,
    )
    assert pumps["universities_engaged"] == 1
    assert pumps["links"] == 4
    assert [pumps[f"links_{y}"] for y in range(2019, 2025)] == [0, 1, 1, 1, 1, 0]


def test_coverage_share_alone(footwear_town: Tables) -> None:
    """The recommender's gap bonus asks for the shares only: the same as the whole table's,
    on either basis."""
    shares = industry_coverage_share(footwear_town).set_index("industry")["coverage_share"]
    assert shares["footwear"] == pytest.approx(1 / 3)
    assert shares["electrical"] == 1.0
    orgs = footwear_town.organizations.copy()
    orgs["leading"] = pd.array([pd.NA] * len(orgs), dtype="boolean")
    unknown = Tables(orgs, footwear_town.links, footwear_town.industries)
    for tables in (footwear_town, unknown):
        pd.testing.assert_frame_equal(
            industry_coverage_share(tables),
            industry_coverage(tables)[["industry", "coverage_share"]],
        )
    assert industry_coverage_share(unknown).set_index("industry").loc[
        "footwear", "coverage_share"
    ] == pytest.approx(1 / 4)


def test_county_coverage(footwear_town: Tables) -> None:
    counties = county_coverage(footwear_town).set_index("county")
    assert counties.index.tolist() == ["瑞安市", "鹿城区"]
    assert counties.loc["瑞安市", "platforms"] == 1
    assert counties.loc["瑞安市", "leading_enterprises"] == 1
    assert counties.loc["鹿城区", "enterprises"] == 4
    assert counties.loc["鹿城区", "coverage_share"] == pytest.approx(1 / 3)
    both = industry_county_coverage(footwear_town)
    assert both[["industry", "county"]].values.tolist() == [
        ["electrical", "瑞安市"],
        ["footwear", "鹿城区"],
    ]


def test_unknown_leading_flags_fall_back_to_all_enterprises(footwear_town: Tables) -> None:
    orgs = footwear_town.organizations.copy()
    orgs["leading"] = pd.array([pd.NA] * len(orgs), dtype="boolean")
    tables = Tables(orgs, footwear_town.links, footwear_town.industries)
    footwear = industry_coverage(tables).set_index("industry").loc["footwear"]
    assert footwear["coverage_basis"] == "all_enterprises"
    assert footwear["coverage_share"] == pytest.approx(1 / 4)


def test_leading_without_platform(footwear_town: Tables) -> None:
    unlinked = leading_without_platform(footwear_town)
    assert unlinked["id"].tolist() == ["E3"]
    assert unlinked.iloc[0]["partners"] == 1
    assert leading_without_platform(footwear_town, industry="electrical").empty
    with pytest.raises(InputError, match="unknown industry code 'shoes'"):
        leading_without_platform(footwear_town, industry="shoes")


def test_gap_findings(footwear_town: Tables) -> None:
    gaps = coverage_gaps(footwear_town, min_yearly_links=1)
    footwear = gaps[gaps["industry"] == "footwear"].set_index("finding")
    assert set(footwear.index) == {
        "no_rd_institution",
        "single_platform",
        "leading_enterprise_without_platform",
        "low_coverage",
        "declining_links",
    }
    assert footwear.loc["no_rd_institution", "reason"] == (
        "鞋业没有新型研发机构（2025年全覆盖目标） / "
        "Footwear has no new-type R&D institution (2025 full-coverage target)"
    )
    assert footwear.loc["single_platform", "reason_en"] == (
        "Footwear has only 1 innovation platform (fewer than 2)"
    )
    unlinked = footwear.loc["leading_enterprise_without_platform"]
    assert unlinked["value"] == 1
    assert unlinked["reason_zh"] == "鞋业有1家龙头企业没有平台合作伙伴：E3名称"
    low = footwear.loc["low_coverage"]
    assert (low["value"], low["threshold"]) == (pytest.approx(0.3333, abs=1e-4), 0.5)
    assert "(1/3, below 50%)" in low["reason_en"]
    decline = footwear.loc["declining_links"]
    assert decline["value"] == pytest.approx(-0.6)
    assert decline["threshold"] == pytest.approx(-0.2)
    assert decline["reason_en"] == (
        "Footwear: 2.0 new links a year in 2023–2024, 60% below the 5.0 a year of 2020–2022"
    )
    assert footwear["county"].isna().all()
    assert gaps["severity"].tolist() == sorted(
        gaps["severity"], key=lambda s: {"high": 0, "medium": 1, "low": 2}[s]
    )
    assert list(gaps.columns) == [
        "industry",
        "county",
        "finding",
        "severity",
        "value",
        "threshold",
        "reason_zh",
        "reason_en",
        "reason",
    ]
    # Apparel has nothing at all: no platform, no R&D institution.
    assert set(gaps.loc[gaps["industry"] == "apparel", "finding"]) == {
        "no_rd_institution",
        "no_platform",
    }


def test_gap_thresholds_are_parameters(footwear_town: Tables) -> None:
    lenient = coverage_gaps(
        footwear_town, min_coverage=0.3, decline=0.7, min_platforms=1, min_yearly_links=1
    )
    footwear = set(lenient.loc[lenient["industry"] == "footwear", "finding"])
    assert "low_coverage" not in footwear
    assert "declining_links" not in footwear
    assert "single_platform" not in footwear
    assert "declining_links" in set(coverage_gaps(footwear_town)["finding"])
    # Fewer than 6 new links a year before: too small a base to call a trend.
    quiet = coverage_gaps(footwear_town, min_yearly_links=6)
    assert "declining_links" not in set(quiet["finding"])
    with pytest.raises(InputError, match="min_coverage must be between 0 and 1"):
        coverage_gaps(footwear_town, min_coverage=1.5)


def test_gaps_by_county(footwear_town: Tables) -> None:
    gaps = coverage_gaps(footwear_town, by_county=True)
    local = gaps[gaps["county"].notna()]
    assert set(zip(local["industry"], local["county"], local["finding"], strict=True)) == {
        ("footwear", "鹿城区", "leading_enterprise_without_platform"),
        ("footwear", "鹿城区", "low_coverage"),
    }
    assert local["reason_zh"].str.startswith("鹿城区鞋业").all()


def test_sample_gaps_find_the_built_in_imbalances(sample_dir: Path) -> None:
    """data/generate_sample.py builds these in (see data/sample/README.md)."""
    tables = load_tables(sample_dir)
    gaps = coverage_gaps(tables)
    found = set(zip(gaps["industry"], gaps["finding"], strict=True))
    assert {
        ("footwear", "no_rd_institution"),
        ("nev_connected", "no_rd_institution"),
        ("nev_connected", "single_platform"),
        ("pumps_valves", "declining_links"),
        ("footwear", "low_coverage"),
        ("apparel", "low_coverage"),
        ("footwear", "leading_enterprise_without_platform"),
        ("apparel", "leading_enterprise_without_platform"),
    } <= found
    strong = {"electrical", "digital_economy", "life_health", "intelligent_equipment"}
    assert not any(
        industry in strong and finding in {"no_rd_institution", "low_coverage", "single_platform"}
        for industry, finding in found
    )
    assert len(leading_without_platform(tables)) == 60
    unlinked = gaps[gaps["finding"] == "leading_enterprise_without_platform"].set_index("industry")
    assert unlinked.loc["footwear", "value"] == 14
    coverage = industry_coverage(tables).set_index("industry")
    assert coverage.loc["nev_connected", "platforms"] == 1
    assert coverage.loc[["footwear", "apparel"], "platforms"].tolist() == [3, 3]


def test_network_without_platforms_gets_only_trend_findings(footwear_town: Tables) -> None:
    orgs = footwear_town.organizations.copy()
    orgs["type"] = orgs["type"].replace("platform", "institute")
    tables = Tables(orgs, footwear_town.links, footwear_town.industries)
    gaps = coverage_gaps(tables, min_yearly_links=1)
    assert set(gaps["finding"]) == {"declining_links"}


def test_county_coverage_without_any_county(footwear_town: Tables) -> None:
    orgs = footwear_town.organizations.copy()
    orgs["county"] = pd.array([None] * len(orgs), dtype="str")
    tables = Tables(orgs, footwear_town.links, footwear_town.industries)
    counties = county_coverage(tables)
    assert counties.empty
    assert "coverage_share" in counties.columns


def test_years_without_any_link_are_not_a_decline(footwear_town: Tables) -> None:
    """The links end in 2024; cut at 2026, 2025–2026 hold no data, not zero new links.
    The window stays 2023–2024 against 2020–2022, as without the cut."""
    later = coverage_gaps(footwear_town.as_of(2026), min_yearly_links=1)
    now = coverage_gaps(footwear_town, min_yearly_links=1)
    assert later.loc[later["finding"] == "declining_links", "industry"].tolist() == ["footwear"]
    pd.testing.assert_frame_equal(later, now)
