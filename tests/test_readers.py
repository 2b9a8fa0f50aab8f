"""Readers: encodings, formats, header rows, spreadsheet row numbers and header aliases."""

from __future__ import annotations

import gzip
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from collabnet.errors import InputError, ValidationError
from collabnet.readers import read_table
from collabnet.schema import normalise_header
from collabnet.tables import Tables, find_input_files, load_tables

GOOD = Path(__file__).parent / "data" / "good"
VARIANTS = {
    "gbk": {},
    "bom": {},
    "csv_title": {},
    "xlsx_title": {},
    "xlsx_sheets": {"sheet": "数据"},
    "parquet": {},
    "gzip": {},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_encoding_and_format_gives_the_same_tables(variant: str, tiny_tables: Tables) -> None:
    tables = load_tables(GOOD / variant, **VARIANTS[variant])
    pd.testing.assert_frame_equal(tables.organizations, tiny_tables.organizations)
    pd.testing.assert_frame_equal(tables.links, tiny_tables.links)


def test_the_tiny_network_reads_as_written(tiny_tables: Tables) -> None:
    orgs = tiny_tables.organizations.set_index("id")
    assert orgs.loc["P1", "industries"] == ("digital_economy", "intelligent_equipment")
    assert orgs.loc["E2", "industries"] == ("electrical", "intelligent_equipment")
    assert orgs.loc["E3", "industries"] == ("auto_parts",)  # written 汽摩配, an alias
    # 新型研发机构 as a type means a platform that is a new-type R&D institution.
    assert orgs.loc["P2", ["type", "rd_institution"]].tolist() == ["platform", True]
    assert orgs["leading"].tolist()[2:5] == [True, True, False]
    assert orgs["leading"].isna().tolist() == [True, True, False, False, False, True, True]
    assert orgs["level"].tolist() == ["provincial", "municipal", *["none"] * 5]
    assert pd.isna(orgs.loc["U1", "county"])
    links = tiny_tables.links
    assert links["kind"].tolist()[:4] == [
        "co_built_centre",
        "co_built_centre",  # 共建研发中心
        "co_founding",
        "cooperation",  # 合作关系
    ]
    assert links.loc[1, "funding"] == 1200.0  # "1,200"
    assert links.loc[2, "weight"] == 1.0  # blank weight counts once
    assert pd.isna(links.loc[7, "year"])


@pytest.mark.parametrize(
    ("variant", "table", "rows"),
    [
        ("bom", "organizations", list(range(2, 9))),
        ("csv_title", "organizations", list(range(4, 11))),  # title, blank, header
        ("xlsx_title", "organizations", list(range(4, 11))),  # merged title, blank, header
        ("xlsx_title", "links", list(range(4, 13))),
        ("parquet", "links", list(range(1, 10))),  # no header row: records count from 1
    ],
)
def test_rows_are_numbered_as_the_spreadsheet_shows_them(
    variant: str, table: str, rows: list[int]
) -> None:
    path = next((GOOD / variant).glob(f"{table}.*"))
    assert read_table(path, table).rows.tolist() == rows


def test_blank_rows_keep_the_numbering(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("\n名单\n\nid,name,type\nE1,甲,企业\n\n,,\nE2,乙,企业\n", encoding="utf-8")
    raw = read_table(path, "organizations")
    assert raw.header_row == 4
    assert raw.rows.tolist() == [5, 8]
    assert raw.frame["id"].tolist() == ["E1", "E2"]


def test_a_tab_separated_file_with_a_title_line(tmp_path: Path) -> None:
    path = tmp_path / "orgs.tsv"
    path.write_text("机构名单\nid\tname\ttype\nE1\t甲, 乙\t企业\n", encoding="utf-8")
    raw = read_table(path, "organizations")
    assert raw.frame.loc[0, "name"] == "甲, 乙"
    assert raw.rows.tolist() == [3]


def test_gzip_is_recognised_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_bytes(gzip.compress("id,name,type\nE1,甲,企业\n".encode("gbk"), mtime=0))
    assert read_table(path, "organizations").frame["name"].tolist() == ["甲"]


def test_gb18030_beyond_gbk(tmp_path: Path) -> None:
    # 𠀾 lies outside GBK; Chinese Windows saves such names as GB18030.
    path = tmp_path / "orgs.csv"
    path.write_bytes("id,name,type\nE1,温州𠀾材料公司,企业\n".encode("gb18030"))
    assert read_table(path, "organizations").frame["name"].tolist() == ["温州𠀾材料公司"]


@pytest.mark.parametrize("sheet", ["数据", 1, "1"])
def test_a_sheet_by_name_or_number(sheet: str | int) -> None:
    raw = read_table(GOOD / "xlsx_sheets" / "links.xlsx", "links", sheet=sheet)
    assert len(raw.frame) == 9


def test_a_sheet_named_like_a_number_is_found_by_name(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "2023"
    workbook.create_sheet("2024").append(["id", "name", "type"])
    workbook["2024"].append(["E1", "甲", "企业"])
    workbook.save(tmp_path / "orgs.xlsx")
    assert read_table(tmp_path / "orgs.xlsx", "organizations", sheet="2024").rows.tolist() == [2]


def test_without_a_sheet_the_one_whose_headers_fit_is_read() -> None:
    raw = read_table(GOOD / "xlsx_sheets" / "links.xlsx", "links")
    assert len(raw.frame) == 9


def test_no_sheet_with_the_columns_lists_sheets_and_headers() -> None:
    path = GOOD / "xlsx_sheets" / "organizations.xlsx"
    with pytest.raises(InputError) as caught:
        read_table(path, "links")
    assert str(caught.value) == (
        f"{path}: no sheet has the columns of a links table (expected 'source' or '来源', "
        "'target' or '目标', 'kind' or '关系类型'); the workbook's sheets and the headers "
        "found: 说明 (见第二页); 数据 (id, name, type, industries, county, level, founded, "
        "rd_institution, leading, capabilities)"
    )


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("合作", "no sheet named '合作'; sheets: 说明, 数据"),
        (5, "no sheet number 5; sheets: 说明, 数据"),
    ],
)  # fmt: skip
def test_a_wrong_sheet_names_the_sheets(sheet: str | int | None, message: str) -> None:
    path = GOOD / "xlsx_sheets" / "links.xlsx"
    with pytest.raises(InputError) as caught:
        read_table(path, "links", sheet=sheet)
    assert str(caught.value) == f"{path}: {message}"


def test_a_value_beyond_the_last_excel_column_is_a_problem(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    for row in (["id", "name", "type"], ["E1", "甲", "企业", "备注：待核实"], ["E2", "乙", "企业"]):
        workbook.active.append(row)
    workbook.save(tmp_path / "organizations.xlsx")
    tables = load_tables(tmp_path, strict=False)
    assert tables.organizations["id"].tolist() == ["E2"]
    assert tables.rejects["reason"].tolist() == [
        "more values than the header has columns (extra: '备注：待核实'); "
        "give the column a header or delete the value"
    ]


def test_a_column_without_header_inside_the_table_is_kept(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text("id,name,,type\nE1,甲,x,企业\n", encoding="utf-8")
    organizations = load_tables(tmp_path).organizations
    assert organizations.loc[0, "column_3"] == "x"


def test_repeated_free_headers_keep_both_columns(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type,备注,备注\nE1,甲,企业,a,b\n", encoding="utf-8"
    )
    organizations = load_tables(tmp_path).organizations
    assert organizations.loc[0, ["备注", "备注_2"]].tolist() == ["a", "b"]


def test_a_missing_file() -> None:
    with pytest.raises(InputError, match=r"^nowhere/organizations\.csv: file not found$"):
        read_table("nowhere/organizations.csv", "organizations")


def test_a_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "organizations.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match=r"organizations\.xlsx: not a readable Excel workbook"):
        read_table(path, "organizations")


def test_two_missing_columns_are_two_problems(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("标题\n\n来源,年份\nE1,2020\n", encoding="utf-8")
    (tmp_path / "organizations.csv").write_text("id,name,type\nE1,甲,企业\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_tables(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}, row 3: missing required column 'target' "
        "(also accepted: '目标', '终点', '机构二')",
        f"{path}, row 3: missing required column 'kind' "
        "(also accepted: '关系类型', '合作类型', '类型')",
    ]


# Header spellings, several per column; each must land on its canonical column.
ORGANIZATION_HEADERS = {
    "id": ["id", "ID", "编号", "机构编号", "统一社会信用代码", "org_id"],
    "name": ["name", "Name", "名称", "名  称", "机构名称", "单位名称", "企业名称", "平台名称"],
    "type": ["type", "类型", "类 型", "机构类型", "单位类型", "类别"],
    "industries": ["industries", "industry", "所属产业", "产业", "产业领域", "主攻产业"],
    "county": ["county", "县市区", "所在县市区", "区县", "所在地区"],
    "level": ["level", "级别", "层级", "认定级别"],
    "founded": ["founded", "成立年份", "成立时间", "建立年份"],
    "rd_institution": ["rd_institution", "RD Institution", "新型研发机构", "是否新型研发机构"],
    "leading": ["leading", "龙头企业", "是否龙头企业", "龙头骨干企业"],
}
LINK_HEADERS = {
    "source": ["source", "来源", "起点", "机构一", "甲方", "单位一"],
    "target": ["target", "目标", "终点", "机构二", "乙方", "单位二"],
    "kind": ["kind", "关系类型", "合作类型", "类型", "link_type", "Link-Type"],
    "year": ["year", "年份", "年度", "合作年份"],
    "weight": ["weight", "权重", "次数", "合作次数", "count"],
    "funding": ["funding", "经费", "金额", "经费（万元）", "经费(万元)", "经费 （万元）", "资金"],
}


def _spellings(headers: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(canonical, h) for canonical, spellings in headers.items() for h in spellings]


@pytest.mark.parametrize(("canonical", "header"), _spellings(ORGANIZATION_HEADERS))
def test_organisation_header_aliases(tmp_path: Path, canonical: str, header: str) -> None:
    columns = dict.fromkeys(["id", "name", "type", "founded"])
    columns[canonical] = None
    names = [header if c == canonical else c for c in columns]
    values = {"id": "E1", "name": "甲", "type": "企业", "founded": "2001", "industries": "泵阀"}
    values |= {"county": "永嘉县", "level": "省级", "rd_institution": "是", "leading": "是"}
    path = tmp_path / "organizations.csv"
    path.write_text(",".join(names) + "\n" + ",".join(values[c] for c in columns) + "\n")
    raw = read_table(path, "organizations")
    assert raw.columns[canonical] == header.strip()
    assert raw.frame.loc[0, canonical] == values[canonical]


@pytest.mark.parametrize(("canonical", "header"), _spellings(LINK_HEADERS))
def test_link_header_aliases(tmp_path: Path, canonical: str, header: str) -> None:
    columns = dict.fromkeys(["source", "target", "kind", "year"])
    columns[canonical] = None
    values = {"source": "E1", "target": "P1", "kind": "合作", "year": "2020"}
    values |= {"weight": "3", "funding": "12.5"}
    names = [header if c == canonical else c for c in columns]
    path = tmp_path / "links.csv"
    path.write_text(",".join(names) + "\n" + ",".join(values[c] for c in columns) + "\n")
    raw = read_table(path, "links")
    assert raw.frame.loc[0, canonical] == values[canonical]


@pytest.mark.parametrize(
    ("written", "normalised"),
    [("名  称", "名称"), (" Name ", "name"), ("NAME_ZH", "name_zh"), ("link-type", "link_type"),
     ("ｎａｍｅ", "name"), ("经费 （万元）", "经费(万元)"), ("start year", "start_year")],
)  # fmt: skip
def test_normalise_header(written: str, normalised: str) -> None:
    assert normalise_header(written) == normalised


def test_input_files_are_found_by_their_stems(tmp_path: Path) -> None:
    for name in ("机构.xlsx", "合作关系.csv.gz", "产业.csv", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    found = find_input_files(tmp_path)
    assert {t: p.name for t, p in found.items()} == {
        "organizations": "机构.xlsx",
        "links": "合作关系.csv.gz",
        "industries": "产业.csv",
    }


def test_two_files_for_one_table_must_be_named_explicitly(tmp_path: Path) -> None:
    for name in ("organizations.csv", "organizations.xlsx"):
        (tmp_path / name).write_bytes(b"")
    with pytest.raises(InputError) as caught:
        find_input_files(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path}: several organizations files (organizations.csv, organizations.xlsx); "
        "name one explicitly"
    )
