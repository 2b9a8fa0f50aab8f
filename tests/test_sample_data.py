"""Checks on the synthetic Wenzhou sample in data/sample/ (see data/sample/README.md).

The counts are those of the bureau's reply 温科提复〔2024〕106号 that the sample is
calibrated to; the imbalances are the ones built in on purpose.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GENERATOR = ROOT / "data" / "generate_sample.py"
FILES = ("organizations.csv", "links.csv", "demands.csv", "targets.csv", "README.md")

ORG_COLUMNS = [
    "id", "name", "type", "industries", "county", "level", "founded", "rd_institution",
    "leading", "capabilities", "partner_university", "location",
]  # fmt: skip
LINK_COLUMNS = ["source", "target", "kind", "year", "weight", "funding", "title"]
LINK_KINDS = {"co_built_centre", "cooperation", "co_founding", "joint_project", "incubation"}
COUNTY_TEXT = "鹿城区 龙湾区 瓯海区 洞头区 乐清市 瑞安市 龙港市 永嘉县 平阳县 苍南县 文成县 泰顺县"
COUNTIES = set(COUNTY_TEXT.split())
ID_PREFIX = {"platform": "P", "enterprise": "E", "university": "U", "institute": "I", "other": "O"}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def orgs() -> pd.DataFrame:
    return read("organizations.csv")


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    frame = read("links.csv")
    frame["year"] = frame["year"].astype(int)
    return frame


@pytest.fixture(scope="module")
def platforms(orgs: pd.DataFrame) -> pd.DataFrame:
    return orgs[orgs["type"] == "platform"]


def has_industry(frame: pd.DataFrame, code: str) -> pd.Series:
    return frame["industries"].str.split(";").apply(lambda codes: code in codes)


def test_headers(orgs: pd.DataFrame, links: pd.DataFrame) -> None:
    assert list(orgs.columns) == ORG_COLUMNS
    assert list(links.columns) == LINK_COLUMNS
    assert list(read("demands.csv").columns) == [
        "id", "enterprise", "title", "description", "industry", "year",
    ]  # fmt: skip
    assert list(read("targets.csv").columns) == [
        "metric", "year", "target", "comparison", "description_zh", "description_en",
    ]  # fmt: skip


def test_files_are_utf8_without_bom_or_crlf() -> None:
    for name in FILES:
        data = (SAMPLE / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in data, name
        data.decode("utf-8")


def test_ids_are_unique_and_match_types(orgs: pd.DataFrame) -> None:
    assert orgs["id"].is_unique
    assert orgs["name"].is_unique
    assert set(orgs["type"]) == set(ID_PREFIX)
    for org_type, prefix in ID_PREFIX.items():
        assert orgs.loc[orgs["type"] == org_type, "id"].str.startswith(prefix).all()


def test_platform_counts(platforms: pd.DataFrame) -> None:
    assert len(platforms) == 68


def test_named_platforms_with_their_co_founders(
    orgs: pd.DataFrame, platforms: pd.DataFrame
) -> None:
    name_of = orgs.set_index("id")["name"]
    partner = platforms.set_index("name")["partner_university"]
    assert name_of[partner["国科温州研究院"]] == "中国科学院大学"
    assert name_of[partner["浙大温州研究院"]] == "浙江大学"
    assert name_of[partner["香港理工大学温州技术创新研究院"]] == "香港理工大学"


def test_24_platforms_co_built_with_universities_outside_wenzhou(
    orgs: pd.DataFrame, platforms: pd.DataFrame
) -> None:
    academics = orgs[orgs["type"].isin(["university", "institute"])].set_index("id")
    partners = platforms.loc[platforms["partner_university"] != "", "partner_university"]
    assert partners.isin(academics.index).all()
    outside = academics.loc[partners, "county"] == ""
    assert outside.sum() == 24


def test_22_new_type_rd_institutions_11_provincial(
    orgs: pd.DataFrame, platforms: pd.DataFrame
) -> None:
    rd = platforms[platforms["rd_institution"] == "true"]
    assert len(rd) == 22
    assert rd["level"].value_counts().to_dict() == {"provincial": 11, "municipal": 11}
    assert (orgs.loc[orgs["type"] != "platform", "rd_institution"] == "false").all()
    assert (orgs.loc[orgs["type"] != "platform", "level"] == "none").all()
    assert set(platforms["level"]) <= {"national", "provincial", "municipal"}


def test_198_leading_enterprises_each_with_a_co_built_centre(
    orgs: pd.DataFrame, links: pd.DataFrame
) -> None:
    kind_of = orgs.set_index("id")["type"]
    leading = set(orgs.loc[orgs["leading"] == "true", "id"])
    centres = links[links["kind"] == "co_built_centre"]
    assert (centres["source"].map(kind_of) == "enterprise").all()
    assert (centres["target"].map(kind_of) == "platform").all()
    assert set(centres["source"]) <= leading
    assert len(set(centres["source"])) == 198
    assert len(centres) >= 198
    assert centres["target"].value_counts().max() <= 12
    assert (orgs.loc[orgs["type"] != "enterprise", "leading"] == "false").all()


def test_243_universities_and_institutes_all_cooperating(
    orgs: pd.DataFrame, links: pd.DataFrame
) -> None:
    academics = set(orgs.loc[orgs["type"].isin(["university", "institute"]), "id"])
    assert len(academics) == 243
    cooperating = set(links.loc[links["kind"] == "cooperation", "target"])
    assert academics <= cooperating


def test_links_point_to_existing_organisations(orgs: pd.DataFrame, links: pd.DataFrame) -> None:
    ids = set(orgs["id"])
    assert links["source"].isin(ids).all()
    assert links["target"].isin(ids).all()
    assert set(links["kind"]) == LINK_KINDS


def test_no_self_links_or_duplicate_rows(links: pd.DataFrame) -> None:
    assert (links["source"] != links["target"]).all()
    assert not links.duplicated(["source", "target", "kind", "year"]).any()


def test_years_weights_and_funding(orgs: pd.DataFrame, links: pd.DataFrame) -> None:
    founded = orgs.set_index("id")["founded"].astype(int)
    dated = links[links["kind"] != "co_founding"]
    assert dated["year"].between(2019, 2024).all()
    co_founding = links[links["kind"] == "co_founding"]
    assert (co_founding["year"] == co_founding["source"].map(founded)).all()
    assert links["weight"].astype(int).between(1, 8).all()
    funded = links["kind"].isin(["joint_project", "co_built_centre"])
    assert (links.loc[~funded, "funding"] == "").all()
    amounts = pd.to_numeric(links.loc[funded & (links["funding"] != ""), "funding"])
    assert (amounts > 0).all()
    assert (links.loc[links["kind"] == "joint_project", "title"] != "").all()
    assert (links.loc[links["kind"] != "joint_project", "title"] == "").all()


def test_industry_codes_and_places(orgs: pd.DataFrame, platforms: pd.DataFrame) -> None:
    codes = set(pd.read_csv(ROOT / "collabnet" / "defaults" / "industries.csv")["code"])
    used = orgs["industries"].str.split(";").explode()
    assert set(used[used != ""]) <= codes
    assert platforms["industries"].str.split(";").str.len().between(1, 2).all()
    local = orgs["county"] != ""
    assert set(orgs.loc[local, "county"]) <= COUNTIES
    assert (orgs.loc[local, "location"] == "").all()
    assert (orgs.loc[~local, "location"] != "").all()
    assert local[orgs["type"].isin(["platform", "enterprise"])].all()


def test_footwear_has_no_new_type_rd_institution(platforms: pd.DataFrame) -> None:
    footwear = platforms[has_industry(platforms, "footwear")]
    assert len(footwear) > 0
    assert (footwear["rd_institution"] == "false").all()


def test_nev_connected_depends_on_a_single_platform(platforms: pd.DataFrame) -> None:
    nev = platforms[has_industry(platforms, "nev_connected")]
    assert len(nev) == 1
    assert (nev["rd_institution"] == "false").all()


def test_pumps_valves_links_decline(orgs: pd.DataFrame, links: pd.DataFrame) -> None:
    pumps = set(orgs.loc[has_industry(orgs, "pumps_valves"), "id"])
    touching = links[links["source"].isin(pumps) | links["target"].isin(pumps)]
    per_year = touching["year"].value_counts()
    assert per_year.reindex([2023, 2024]).mean() < per_year.reindex([2020, 2021, 2022]).mean()


def test_leading_enterprises_without_a_platform_partner(
    orgs: pd.DataFrame, links: pd.DataFrame
) -> None:
    platform_ids = set(orgs.loc[orgs["type"] == "platform", "id"])
    partnered = set(links.loc[links["target"].isin(platform_ids), "source"])
    partnered |= set(links.loc[links["source"].isin(platform_ids), "target"])
    leading = orgs[orgs["leading"] == "true"]
    alone = leading[~leading["id"].isin(partnered)]
    assert 50 <= len(alone) <= 70


def test_deliberate_duplicate_names(orgs: pd.DataFrame) -> None:
    def key(name: str) -> str:
        name = unicodedata.normalize("NFKC", name)
        for suffix in ("股份有限公司", "有限公司", "(集团)", "集团"):
            name = name.replace(suffix, "")
        return name

    enterprises = orgs[orgs["type"] == "enterprise"]
    keys = enterprises["name"].map(key)
    assert keys.duplicated().sum() == 3


def test_hubs(orgs: pd.DataFrame, links: pd.DataFrame) -> None:
    degree = pd.concat([links["source"], links["target"]]).value_counts()
    degree = degree.reindex(orgs["id"], fill_value=0)
    named = orgs.set_index("name")["id"]
    top = set(degree.nlargest(10).index)
    for hub in ("浙大温州研究院", "国科温州研究院", "浙江大学", "温州大学"):
        assert named[hub] in top, hub
    assert degree.max() >= 20 * degree.median()


def test_demands(orgs: pd.DataFrame) -> None:
    demands = read("demands.csv")
    leading = set(orgs.loc[orgs["leading"] == "true", "id"])
    assert 25 <= len(demands) <= 35
    assert demands["id"].is_unique
    assert demands["enterprise"].isin(leading).all()
    assert demands["year"].astype(int).between(2023, 2024).all()
    assert (demands["title"] != "").all()
    assert (demands["description"] != "").all()


def test_targets() -> None:
    targets = read("targets.csv").set_index("metric")
    assert targets.loc["industries_with_rd_institution_share", "target"] == "1.0"
    assert targets.loc["industries_with_rd_institution_share", "description_zh"].startswith('"5+5"')
    assert targets.loc["co_built_centres", "comparison"] == ">"
    assert targets.loc["platform_lead_industries_max", "target"] == "2"


def test_generator_reproduces_the_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
