"""Validation: strict and lenient loads, what each keeps and drops, and name matching.

The property tests write random mixes of good and bad rows, each bad row carrying a
problem chosen on purpose, and check that a lenient load keeps exactly the good rows,
drops exactly the bad ones, and that rows read = rows kept + rows rejected.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collabnet as cn
from collabnet.errors import NotFoundError, ValidationError
from collabnet.names import find_organization, normalise_name, probable_duplicates
from collabnet.tables import Tables, load_tables

TYPES = ["平台", "企业", "高校", "科研院所", "其他", "enterprise", "ＰＬＡＴＦＯＲＭ", "Company"]
INDUSTRIES = ["", "泵阀", "电气、智能装备", "汽摩配;数字经济", "Footwear"]
LEVELS = ["", "国家级", "省级", "市级", "municipal", "无", "-"]
FOUNDED = ["", "1998", "2020年", "２０１５", "1800"]
FLAGS = ["", "是", "否", "TRUE", "no", "√"]
KINDS = ["共建研发中心", "合作", "co-built centre", "Joint Project", "孵化", "共建单位"]
YEARS = ["", "2019", "２０２１", "2020年", "1900", "2100"]
WEIGHTS = ["", "1", "2.5", "１"]
FUNDING = ["", "0", "1,200", "30.5"]

# Each bad kind of row, with the cell that makes it bad.
BAD_ORGANIZATIONS = {
    "empty_name": ("name", ""),
    "unknown_type": ("type", "工厂"),
    "empty_type": ("type", ""),
    "bad_founded": ("founded", "19x8"),
    "founded_too_early": ("founded", "1700"),
    "bad_level": ("level", "区级"),
    "bad_flag": ("leading", "也许"),
    "unknown_industry": ("industries", "泵阀、钢铁"),
    "empty_id": ("id", ""),
    "duplicate_id": ("id", None),  # an earlier good row's id
}
BAD_LINKS = {
    "unknown_org": ("source", "X99"),
    "empty_source": ("source", ""),
    "rejected_org": ("target", None),  # an organisation whose row was rejected
    "self_link": ("target", None),  # the source again
    "bad_kind": ("kind", "朋友"),
    "bad_year": ("year", "2O19"),
    "year_out_of_range": ("year", "1850"),
    "negative_weight": ("weight", "-1"),
    "zero_weight": ("weight", "0"),
    "text_weight": ("weight", "很多"),
    "negative_funding": ("funding", "-5"),
    "repeat": (None, None),  # an earlier good row, exactly
}
ORG_COLUMNS = ["id", "name", "type", "industries", "level", "founded", "leading"]
LINK_COLUMNS = ["source", "target", "kind", "year", "weight", "funding", "title"]


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in rows)


@st.composite
def networks(draw: st.DrawFn) -> dict[str, list]:
    """Organisation and link rows, each good or bad on purpose, with the expected outcome."""
    org_kinds = draw(
        st.lists(st.sampled_from(["good", "good", *BAD_ORGANIZATIONS]), min_size=0, max_size=12)
    )
    # Two good organisations first, so that good links are always possible.
    org_kinds = ["good", "good", *org_kinds]
    organizations: list[dict[str, str]] = []
    kept_ids: list[str] = []
    bad_org_rows: list[int] = []
    rejected_ids: list[str] = []
    for i, kind in enumerate(org_kinds):
        row = {
            "id": f"E{i}",
            "name": f"机构{i}",
            "type": draw(st.sampled_from(TYPES)),
            "industries": draw(st.sampled_from(INDUSTRIES)),
            "level": draw(st.sampled_from(LEVELS)),
            "founded": draw(st.sampled_from(FOUNDED[:4])),
            "leading": draw(st.sampled_from(FLAGS)),
        }
        if kind == "good":
            kept_ids.append(row["id"])
        else:
            column, value = BAD_ORGANIZATIONS[kind]
            row[column] = draw(st.sampled_from(kept_ids)) if value is None else value
            bad_org_rows.append(i + 2)
            if kind not in ("empty_id", "duplicate_id"):
                rejected_ids.append(row["id"])
        organizations.append(row)

    link_kinds = draw(
        st.lists(st.sampled_from(["good", "good", *BAD_LINKS]), min_size=0, max_size=15)
    )
    links: list[dict[str, str]] = []
    good_links: list[dict[str, str]] = []
    bad_link_rows: list[int] = []
    for j, kind in enumerate(link_kinds):
        source, target = draw(st.permutations(kept_ids).map(lambda ids: ids[:2]))
        row = {
            "source": source,
            "target": target,
            "kind": draw(st.sampled_from(KINDS)),
            "year": draw(st.sampled_from(YEARS)),
            "weight": draw(st.sampled_from(WEIGHTS)),
            "funding": draw(st.sampled_from(FUNDING)),
            "title": f"项目{j}",
        }
        if kind == "rejected_org" and not rejected_ids:
            kind = "bad_kind"
        if kind == "repeat" and not good_links:
            kind = "unknown_org"
        if kind == "good":
            good_links.append(row)
        else:
            column, value = BAD_LINKS[kind]
            if kind == "repeat":
                row = dict(draw(st.sampled_from(good_links)))
            elif kind == "rejected_org":
                row["target"] = draw(st.sampled_from(rejected_ids))
            elif kind == "self_link":
                row["target"] = row["source"]
            else:
                assert column is not None and value is not None
                row[column] = value
            bad_link_rows.append(j + 2)
        links.append(row)
    return {
        "organizations": organizations,
        "links": links,
        "kept_ids": kept_ids,
        "bad_org_rows": bad_org_rows,
        "good_links": good_links,
        "bad_link_rows": bad_link_rows,
    }


def _load(network: dict[str, list], strict: bool) -> Tables:
    with tempfile.TemporaryDirectory() as folder:
        _write(Path(folder) / "organizations.csv", ORG_COLUMNS, network["organizations"])
        _write(Path(folder) / "links.csv", LINK_COLUMNS, network["links"])
        tables = load_tables(folder, strict=strict)
    return tables


def _rejected_rows(tables: Tables, table: str) -> set[int]:
    files = {c.file: c.table for c in tables.counts}
    chosen = tables.rejects["file"].map(files) == table
    return set(tables.rejects.loc[chosen, "row"].astype(int))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_lenient_keeps_exactly_the_good_rows(network: dict[str, list]) -> None:
    tables = _load(network, strict=False)
    assert tables.organizations["id"].tolist() == network["kept_ids"]
    assert _rejected_rows(tables, "organizations") == set(network["bad_org_rows"])
    kept = tables.links[["source", "target", "title"]].values.tolist()
    assert kept == [[r["source"], r["target"], r["title"]] for r in network["good_links"]]
    assert _rejected_rows(tables, "links") == set(network["bad_link_rows"])
    organizations, links = tables.counts
    assert organizations.read == len(network["organizations"])
    assert links.read == len(network["links"])
    for count in tables.counts:
        assert count.read == count.kept + count.rejected
    assert organizations.rejected == len(network["bad_org_rows"])
    assert links.rejected == len(network["bad_link_rows"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_strict_lists_what_lenient_drops(network: dict[str, list]) -> None:
    lenient = _load(network, strict=False)
    if network["bad_org_rows"] or network["bad_link_rows"]:
        with pytest.raises(ValidationError) as caught:
            _load(network, strict=True)
        # Each load writes to its own folder: compare file names.
        problems = [(Path(p.file).name, p.row, p.column, p.message) for p in caught.value.problems]
        rejects = lenient.rejects[["file", "row", "column", "reason"]]
        assert problems == [
            (Path(f).name, r, None if pd.isna(c) else c, m)
            for f, r, c, m in rejects.itertuples(index=False)
        ]
    else:
        strict = _load(network, strict=True)
        pd.testing.assert_frame_equal(strict.links, lenient.links)
        assert lenient.rejects.empty


@pytest.mark.parametrize(
    ("year", "kept"),
    [("1900", True), ("2100", True), ("1899", False), ("2101", False), ("2019.0", True),
     ("2019年", True), (" 2019 ", True), ("２０１９", True), ("2019.5", False), ("", True)],
)  # fmt: skip
def test_link_years(tmp_path: Path, year: str, kept: bool) -> None:
    (tmp_path / "organizations.csv").write_text("id,name,type\nA,甲,企业\nB,乙,高校\n")
    (tmp_path / "links.csv").write_text(f"source,target,kind,year\nA,B,合作,{year}\n")
    tables = load_tables(tmp_path, strict=False)
    assert len(tables.links) == int(kept)


def test_links_may_name_organisations_by_name(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nE1,浙江恒达阀门股份有限公司,企业\nU1,温州大学,高校\n", encoding="utf-8"
    )
    (tmp_path / "links.csv").write_text(
        "source,target,kind\n浙江恒达阀门股份有限公司,温州大学,合作\n"
        "浙江恒达阀门有限公司,U1,联合项目\n浙江恒达阀门 股份有限公司,温州大学,孵化\n",
        encoding="utf-8",
    )
    links = load_tables(tmp_path).links
    assert links[["source", "target"]].values.tolist() == [["E1", "U1"]] * 3


def test_a_link_naming_a_rejected_organisation_says_so(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nE1,恒达阀门有限公司,工厂\nU1,温州大学,高校\n", encoding="utf-8"
    )
    (tmp_path / "links.csv").write_text(
        "source,target,kind\n恒达阀门有限公司,U1,合作\n", encoding="utf-8"
    )
    tables = load_tables(tmp_path, strict=False)
    assert tables.rejects["reason"].tolist()[1] == (
        "organisation '恒达阀门有限公司' has a problem in the organisations file; "
        "fix that row first"
    )


def test_an_ambiguous_name_is_not_guessed(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nE1,恒达阀门有限公司,企业\nE2,恒达阀门股份有限公司,企业\nU1,温州大学,高校\n",
        encoding="utf-8",
    )
    (tmp_path / "links.csv").write_text("source,target,kind\n恒达阀门,U1,合作\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_tables(tmp_path)
    assert caught.value.problems[0].message == (
        "ambiguous organisation '恒达阀门': matches 恒达阀门有限公司, 恒达阀门股份有限公司; "
        "give its id or full name"
    )


def test_without_an_id_column_the_name_is_the_id(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "名称,类型\n温州大学,高校\n浙大温州研究院,平台\n温州大学,高校\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as caught:
        load_tables(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'organizations.csv'}, row 4, column '名称': "
        "duplicate id '温州大学' (first on row 2)"
    ]
    organizations = load_tables(tmp_path, strict=False).organizations
    assert organizations["id"].tolist() == ["温州大学", "浙大温州研究院"]


def test_type_and_flag_spellings(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type,rd_institution,leading\n"
        "A,甲,新型研发机构,,\nB,乙,创新平台,是,\nC,丙,龙头企业,,√\nD,丁,research institute,否,N\n",
        encoding="utf-8",
    )
    organizations = load_tables(tmp_path).organizations
    assert organizations["type"].tolist() == ["platform", "platform", "enterprise", "institute"]
    assert organizations["rd_institution"].tolist() == [True, True, False, False]
    assert organizations["leading"].tolist() == [pd.NA, pd.NA, True, False]


def test_the_summary_counts(tiny_tables: Tables) -> None:
    summary = tiny_tables.summary()
    assert summary["organizations"] == 7
    assert summary["links"] == 9
    assert summary["by_type"] == {"enterprise": 3, "platform": 2, "university": 2}
    assert summary["by_kind"] == {
        "joint_project": 3,
        "co_built_centre": 2,
        "cooperation": 2,
        "co_founding": 1,
        "incubation": 1,
    }
    assert (summary["first_year"], summary["last_year"]) == (2019, 2024)


def test_the_sample_loads_strictly_with_nothing_rejected(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    assert tables.rejects.empty
    assert [(c.table, c.read == c.kept, c.rejected) for c in tables.counts] == [
        ("organizations", True, 0),
        ("links", True, 0),
    ]


# Names that differ only in width, spacing or legal-form suffix, and names that do not.
SAME_ORGANIZATION = [
    ("浙江恒达阀门股份有限公司", "浙江恒达阀门有限公司"),
    ("温州（集团）机械有限公司", "温州(集团)机械 有限公司"),
    ("正泰电器集团有限公司", "正泰电器"),
    ("ＡＢＣ科技有限公司", "abc科技公司"),
    ("瑞安 汽配 有限责任公司", "瑞安汽配"),
    ("温州·瓯江实验室", "温州瓯江实验室"),
]
DIFFERENT_ORGANIZATIONS = [
    ("温州大学", "温州医科大学"),
    ("浙江恒达阀门制造股份有限公司", "浙江恒达泵业股份有限公司"),
    ("瑞安汽配有限公司", "乐清汽配有限公司"),
]


@pytest.mark.parametrize(("first", "second"), SAME_ORGANIZATION)
def test_normalised_names_match(first: str, second: str) -> None:
    assert normalise_name(first) == normalise_name(second)


@pytest.mark.parametrize(("first", "second"), DIFFERENT_ORGANIZATIONS)
def test_different_names_stay_apart(first: str, second: str) -> None:
    assert normalise_name(first) != normalise_name(second)


def test_probable_duplicates_are_reported_not_merged(tmp_path: Path) -> None:
    rows = [("E1", SAME_ORGANIZATION[0][0]), ("E2", SAME_ORGANIZATION[0][1])]
    rows += [("E3", SAME_ORGANIZATION[1][0]), ("E4", SAME_ORGANIZATION[1][1])]
    others = [name for pair in DIFFERENT_ORGANIZATIONS for name in pair]
    rows += [(f"U{i}", name) for i, name in enumerate(others)]
    text = "id,name,type\n" + "".join(f"{i},{n},企业\n" for i, n in rows)
    (tmp_path / "organizations.csv").write_text(text, encoding="utf-8")
    network = cn.load(tmp_path)
    assert len(network.organizations) == len(rows)
    duplicates = network.duplicates()
    assert duplicates.columns.tolist() == ["key", "id", "name", "type"]
    assert duplicates["id"].tolist() == ["E1", "E2", "E3", "E4"]
    assert duplicates["key"].tolist() == ["浙江恒达阀门"] * 2 + ["温州机械"] * 2
    assert network.summary()["probable_duplicates"] == 4
    pd.testing.assert_frame_equal(duplicates, probable_duplicates(network.organizations))


def test_find_an_organisation_by_id_name_or_variant(tiny_tables: Tables) -> None:
    orgs = tiny_tables.organizations
    assert find_organization(orgs, "E1") == "E1"
    assert find_organization(orgs, "温州大学") == "U2"
    assert find_organization(orgs, "浙江恒达阀门有限公司") == "E1"
    with pytest.raises(NotFoundError) as caught:
        find_organization(orgs, "温州泵阀")
    assert str(caught.value) == (
        "no organisation with id or name '温州泵阀'; did you mean: 温州泵阀研究院, 温州大学?"
    )
