#!/usr/bin/env python3
"""Write the input corpus used by the tests: bad inputs under tests/data/bad/, and the
tiny network of tests/data/tiny/ in other encodings and formats under tests/data/good/.

    python tests/make_bad_inputs.py [--out tests/data]

Every file is written deterministically (fixed gzip and zip timestamps, fixed workbook
properties), so running the script again reproduces the committed files byte for byte.
Binary and non-UTF-8 files (GBK CSV, Excel, Parquet, gzip) exist only through this script.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
TINY = HERE / "data" / "tiny"
FIXED_TIME = datetime(2024, 6, 30, 12, 0, 0)

# A small valid network; each bad case changes one thing in it.
BASE_ORGANIZATIONS = [
    ["id", "name", "type", "industries", "county", "level", "founded", "leading"],
    ["P1", "温州泵阀研究院", "平台", "泵阀", "永嘉县", "市级", "2020", ""],
    ["E1", "浙江恒达阀门股份有限公司", "企业", "泵阀", "永嘉县", "", "1998", "是"],
    ["U1", "温州大学", "高校", "", "鹿城区", "", "1933", ""],
]
BASE_LINKS = [
    ["source", "target", "kind", "year", "weight", "funding"],
    ["E1", "P1", "共建研发中心", "2021", "1", "50"],
    ["P1", "U1", "合作关系", "2020", "1", ""],
]
# The same organisations under Chinese headers.
CHINESE_HEADER = ["编号", "名称", "类型", "所属产业", "县市区", "级别", "成立年份", "龙头企业"]

# A bureau's list as clerks keep it: a merged title row, a blank row, 全称 and 简称, roles
# in 类型 (龙头企业, 链主企业), short county names, missing markers, a date where a year
# is expected, a 合计 row and a note below the data. DATE marks a cell that is an Excel
# date in the workbook and reads 2018/6/1 in its CSV twin, as Excel saves it.
DATE = "date"
BUREAU_TITLE = "2024年温州市创新平台及龙头企业名单"
BUREAU_ORGANIZATIONS: list[list[object]] = [
    ["序号", "全称", "简称", "类型", "所属产业", "县（市、区）", "级别", "成立时间", "备注"],
    ["1", "国科温州研究院（温州生物材料与工程研究所）", "国科温研院", "新型研发机构", "生命健康",
     "瓯海", "省级", (DATE, datetime(2018, 6, 1)), "暂无"],
    ["2", "浙大温州研究院", "浙大温研院", "高能级平台", "数字经济、智能装备", "鹿城区", "省级",
     "2019", "—"],
    [],
    ["3", "正泰电器股份有限公司", "正泰电器", "龙头企业", "电气", "乐清", "NA", "1997", ""],
    ["4", "浙江恒达阀门股份有限公司", "恒达阀门", "链主企业", "泵阀；智能装备", "永嘉县", "无",
     "1998年6月", ""],
    ["5", "温州大学", "温大", "高校", "/", "瓯海区", "-", "1933", ""],
    ["合计", "", "", "", "", "", "", "", "5家"],
    ["注：名单截至2024年6月"],
]  # fmt: skip
BUREAU_LINKS: list[list[object]] = [
    ["单位一", "单位二", "合作类型", "年份", "经费（万元）"],
    ["正泰电器", "浙大温研院", "共建研发中心", "2021", "50"],
    ["恒达阀门", "国科温研院", "共建研发中心", (DATE, datetime(2022, 3, 15)), ""],
    ["国科温研院", "温大", "合作关系", "2020/6/1", ""],
    ["浙大温州研究院", "温州大学", "共建单位", "2019年6月", "NA"],
    ["合计", "", "", "", "50"],
]


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def changed(rows: list[list[str]], row: int, column: int, value: str) -> list[list[str]]:
    """A copy of ``rows`` with one cell replaced (``row`` 0 is the header)."""
    copy = [list(r) for r in rows]
    copy[row][column] = value
    return copy


def chinese(rows: list[list[str]]) -> list[list[str]]:
    return [CHINESE_HEADER, *rows[1:]]


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def write_network(
    folder: Path,
    organizations: list[list[str]] | None = BASE_ORGANIZATIONS,
    links: list[list[str]] | None = BASE_LINKS,
    encoding: str = "utf-8",
) -> None:
    if organizations is not None:
        write_text(folder / "organizations.csv", csv_text(organizations), encoding)
    if links is not None:
        write_text(folder / "links.csv", csv_text(links), encoding)


def as_excel(rows: list[list[object]]) -> list[list[object]]:
    """Rows for a workbook: a marked date becomes an Excel date cell."""
    return [[c[1] if isinstance(c, tuple) else c for c in row] for row in rows]


def as_csv(rows: list[list[object]]) -> list[list[str]]:
    """Rows for a CSV saved by Excel: a date cell reads 2018/6/1."""
    return [
        [f"{c[1].year}/{c[1].month}/{c[1].day}" if isinstance(c, tuple) else str(c) for c in row]
        for row in rows
    ]


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merge: str | None = None) -> None:
    """A workbook with one sheet per entry; ``merge`` merges a range of the first sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value not in ("", None):
                    sheet.cell(row=r, column=c, value=_as_typed(value))
    if merge is not None:
        workbook.worksheets[0].merge_cells(merge)
    workbook.properties.creator = "collabnet tests"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _as_typed(value: object) -> object:
    """Whole numbers as Excel numbers, as a clerk's workbook holds them; the rest as text."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        return int(value)
    return value


def _fixed_zip(data: bytes) -> bytes:
    """The same zip archive with fixed entry timestamps and document dates."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{stamp}\g<3>",
                    content.decode("utf-8"),
                )
                content = text.encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def write_gzip(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def typed_columns(rows: list[list[str]]) -> pa.Table:
    """Parquet columns as a program would write them: years as integers, numbers as floats."""
    header, body = rows[0], rows[1:]
    columns: dict[str, pa.Array] = {}
    for i, name in enumerate(header):
        cells = [r[i] if r[i] != "" else None for r in body]
        if name in ("year", "founded"):
            columns[name] = pa.array([None if c is None else int(c) for c in cells], pa.int64())
        elif name in ("weight", "funding"):
            columns[name] = pa.array(
                [None if c is None else float(c.replace(",", "")) for c in cells], pa.float64()
            )
        else:
            columns[name] = pa.array(cells, pa.string())
    return pa.table(columns)


def read_tiny(name: str) -> list[list[str]]:
    with (TINY / name).open(encoding="utf-8", newline="") as handle:
        return [list(r) for r in csv.reader(handle)]


def bad_cases() -> dict[str, Callable[[Path], None]]:
    """One writer per bad-input case, keyed by the case's folder name."""
    orgs, links = BASE_ORGANIZATIONS, BASE_LINKS
    cases: dict[str, Callable[[Path], None]] = {
        "missing_column": lambda d: write_network(
            d, [[c for j, c in enumerate(r) if j != 2] for r in chinese(orgs)]
        ),
        "duplicate_id": lambda d: write_network(
            d, [*orgs, ["E1", "温州智造电气有限公司", "企业", "电气", "乐清市", "", "2005", ""]]
        ),
        "unknown_link_org": lambda d: write_network(
            d, links=[*links, ["E9", "P1", "合作关系", "2022", "1", ""]]
        ),
        "unknown_type": lambda d: write_network(d, chinese(changed(orgs, 3, 2, "工厂"))),
        "unknown_kind": lambda d: write_network(d, links=changed(links, 2, 2, "朋友")),
        "unknown_industry": lambda d: write_network(d, changed(orgs, 2, 3, "泵阀、钢铁")),
        "unknown_level": lambda d: write_network(d, changed(orgs, 1, 5, "区级")),
        "bad_flag": lambda d: write_network(d, changed(orgs, 2, 7, "也许")),
        "year_out_of_range": lambda d: write_network(d, links=changed(links, 2, 3, "1850")),
        "year_letter_o": lambda d: write_network(d, links=changed(links, 1, 3, "2O21")),
        "year_not_whole": lambda d: write_network(d, changed(orgs, 2, 6, "1998.5")),
        "non_numeric_weight": lambda d: write_network(d, links=changed(links, 1, 4, "很多")),
        "negative_weight": lambda d: write_network(d, links=changed(links, 2, 4, "-2")),
        "negative_funding": lambda d: write_network(d, links=changed(links, 1, 5, "-50")),
        "self_link": lambda d: write_network(
            d, links=[*links, ["U1", "温州大学", "合作关系", "2022", "1", ""]]
        ),
        "empty_name": lambda d: write_network(d, changed(orgs, 3, 1, "")),
        "gbk_encoded": lambda d: write_network(
            d, chinese(changed(orgs, 2, 2, "工厂")), encoding="gbk"
        ),
        "utf8_bom": lambda d: (
            write_text(
                d / "organizations.csv",
                csv_text(chinese([*orgs, ["P1", "温州大学", "高校", "", "", "", "", ""]])),
                "utf-8-sig",
            ),
            write_network(d, organizations=None),
        ),
        "excel_title_row": lambda d: (
            write_xlsx(
                d / "organizations.xlsx",
                {"机构名单": [["2024年温州市创新平台名单"], *chinese(changed(orgs, 1, 2, "工厂"))]},
                merge="A1:H1",
            ),
            write_network(d, organizations=None),
        ),
        "excel_blank_rows": lambda d: (
            write_xlsx(
                d / "organizations.xlsx",
                {"Sheet1": [[], [], *chinese(orgs[:2]), [], *changed(orgs, 3, 6, "二〇〇五")[2:]]},
            ),
            write_network(d, organizations=None),
        ),
        "undecodable": lambda d: (
            (d / "organizations.csv").write_bytes(bytes(range(0x80, 0x100)) * 4),
            write_network(d, organizations=None),
        ),
        "empty_file": lambda d: (
            write_text(d / "organizations.csv", ""),
            write_network(d, organizations=None),
        ),
        "header_only": lambda d: write_network(d, orgs[:1], links[:1]),
        "duplicated_column": lambda d: write_network(
            d, [["id", "名称", "type", "name"], *[[r[0], r[1], r[2], r[1]] for r in orgs[1:]]]
        ),
        "repeated_link": lambda d: write_network(d, links=[*links, links[1]]),
        "fullwidth_number": lambda d: write_network(
            d,
            links=[
                links[0],
                ["E1", "P1", "共建研发中心", "２０２１年", "１", "１，２００"],
                ["P1", "U1", "合作关系", "２０２０", "－２", ""],
            ],
        ),
        "comma_in_name": lambda d: (
            write_text(
                d / "organizations.csv",
                csv_text(orgs) + "E2,温州智造电气有限公司,乐清分公司,企业,电气,乐清市,,2005,否\n",
            ),
            write_network(d, organizations=None),
        ),
        "no_header": lambda d: write_network(
            d, [["温州市创新平台名单"], ["（2024年6月）"], *orgs[1:]]
        ),
        "no_organizations_file": lambda d: write_network(d, organizations=None),
        "rejected_organization": lambda d: write_network(
            d,
            changed(orgs, 3, 2, "工厂"),
            links=[*links, ["E1", "U1", "联合项目", "2023", "1", ""]],
        ),
        "empty_marker_name": lambda d: write_network(d, changed(orgs, 3, 1, "无")),
        "empty_marker_type": lambda d: write_network(d, chinese(changed(orgs, 1, 2, "不详"))),
        "empty_marker_kind": lambda d: write_network(d, links=changed(links, 2, 2, "NA")),
        "empty_marker_link_end": lambda d: write_network(d, links=changed(links, 1, 0, "—")),
        "ambiguous_short_name": lambda d: write_network(
            d,
            [
                [*orgs[0], "简称"],
                *[[*r, s] for r, s in zip(orgs[1:], ["泵阀院", "恒达", "温大"], strict=True)],
                ["E2", "温州恒达电气有限公司", "企业", "电气", "乐清市", "", "2005", "", "恒达"],
            ],
            [*links, ["恒达", "温大", "合作关系", "2022", "1", ""]],
        ),
        "fullwidth_duplicate_id": lambda d: write_network(
            d, [*orgs, ["Ｐ１", "温州智造电气有限公司", "企业", "电气", "乐清市", "", "2005", ""]]
        ),
        "bad_date": lambda d: write_network(d, links=changed(links, 2, 3, "2020-13-01")),
        "duplicate_county": lambda d: (
            write_text(d / "counties.csv", "name,aliases\n永嘉县,永嘉\n鹿城区,鹿城\n永嘉县,\n"),
            write_network(d),
        ),
        "workbook_without_columns": lambda d: (
            write_xlsx(
                d / "organizations.xlsx",
                {
                    "封面": [[BUREAU_TITLE]],
                    "名单": [["序号", "单位", "地址"], ["1", "温州大学", ""]],
                },
            ),
            write_network(d, organizations=None),
        ),
        "unknown_county": lambda d: write_network(
            d,
            [
                *orgs[:3],
                ["U1", "温州大学", "高校", "", "鹿城", "", "1933", ""],
                ["E2", "温州智造电气有限公司", "企业", "电气", "柳市镇", "", "2005", ""],
            ],
        ),
        "padded_name": lambda d: write_network(
            d, changed(changed(orgs, 1, 1, " 温州泵阀研究院 "), 3, 1, "\u3000温州大学")
        ),
        "name_with_line_break": lambda d: write_network(
            d, changed(orgs, 1, 1, "温州泵阀研究院\n（永嘉）")
        ),
        "total_rows": lambda d: write_network(
            d,
            [*orgs, ["小计", "", "", "", "", "", "", ""], ["注：数据截至2024年6月"], ["说明"]],
            [*links, ["合计", "", "", "", "2", "50"]],
        ),
        "damaged_gzip": lambda d: (
            write_gzip(d / "organizations.csv.gz", csv_text(orgs)),
            (d / "organizations.csv.gz").write_bytes(
                (d / "organizations.csv.gz").read_bytes()[:40]
            ),
            write_network(d, organizations=None),
        ),
    }
    return cases


def good_variants() -> dict[str, Callable[[Path], None]]:
    """The tiny network of tests/data/tiny in other encodings and formats."""
    orgs, links = read_tiny("organizations.csv"), read_tiny("links.csv")
    title = ["温州市创新平台合作网络（测试用）"]
    return {
        "gbk": lambda d: write_network(d, orgs, links, encoding="gbk"),
        "bom": lambda d: write_network(d, orgs, links, encoding="utf-8-sig"),
        "csv_title": lambda d: (
            write_text(d / "organizations.csv", title[0] + "\n\n" + csv_text(orgs)),
            write_text(d / "links.csv", csv_text(links)),
        ),
        "xlsx_title": lambda d: (
            write_xlsx(d / "organizations.xlsx", {"机构": [title, [], *orgs]}, merge="A1:J1"),
            write_xlsx(d / "links.xlsx", {"合作": [title, [], *links]}, merge="A1:G1"),
        ),
        "xlsx_sheets": lambda d: (
            write_xlsx(d / "organizations.xlsx", {"说明": [["见第二页"]], "数据": orgs}),
            write_xlsx(d / "links.xlsx", {"说明": [["见第二页"]], "数据": links}),
        ),
        "parquet": lambda d: (
            d.mkdir(parents=True, exist_ok=True),
            pq.write_table(typed_columns(orgs), d / "organizations.parquet"),
            pq.write_table(typed_columns(links), d / "links.parquet"),
        ),
        "gzip": lambda d: (
            write_gzip(d / "organizations.csv.gz", csv_text(orgs)),
            write_gzip(d / "links.csv.gz", csv_text(links)),
        ),
    }


def bureau_variants() -> dict[str, Callable[[Path], None]]:
    """A bureau's list as clerks hand it over, read cleanly: one workbook with both sheets,
    its GBK CSV twin, and one case per spelling the lists use."""
    title, gap = [BUREAU_TITLE], [[]]
    orgs, links = BASE_ORGANIZATIONS, BASE_LINKS
    return {
        "bureau_xlsx": lambda d: write_xlsx(
            d / "bureau.xlsx",
            {
                "名单": as_excel([title, *gap, *BUREAU_ORGANIZATIONS]),
                "合作关系": as_excel(BUREAU_LINKS),
            },
            merge="A1:I1",
        ),
        "bureau_gbk": lambda d: write_network(
            d,
            as_csv([title, *gap, *BUREAU_ORGANIZATIONS]),
            as_csv(BUREAU_LINKS),
            encoding="gbk",
        ),
        "missing_markers": lambda d: write_network(
            d,
            [
                orgs[0],
                ["P1", "温州泵阀研究院", "平台", "泵阀", "N/A", "暂无", "不详", "空"],
                ["E1", "浙江恒达阀门股份有限公司", "企业", "无", "—", "/", "-", "是"],
                ["U1", "温州大学", "高校", "n/a", "NA", "", "暂无", "-"],
            ],
            [
                links[0],
                ["E1", "P1", "共建研发中心", "NA", "-", "无"],
                ["P1", "U1", "合作关系", "不详", "", "—"],
            ],
        ),
        "dates_in_years": lambda d: write_network(
            d,
            changed(changed(orgs, 1, 6, "2020-03-01"), 3, 6, "1933年8月"),
            [
                links[0],
                ["E1", "P1", "共建研发中心", "2021-06-01", "1", ""],
                ["P1", "U1", "合作关系", "2020/6/1", "1", ""],
                ["E1", "U1", "联合项目", "2019年6月", "1", ""],
                ["P1", "U1", "联合项目", "2018.6.1", "1", ""],
                ["E1", "U1", "合作关系", "2017-06-01 00:00:00", "1", ""],
            ],
        ),
        "list_separators": lambda d: write_network(
            d,
            [
                orgs[0],
                ["P1", "温州泵阀研究院", "平台", "泵阀；智能装备", "", "", "", ""],
                ["P2", "温州电气研究院", "平台", "电气,新材料", "", "", "", ""],
                ["E1", "浙江恒达阀门股份有限公司", "企业", "泵阀/电气", "", "", "", ""],
                ["E2", "温州鞋革有限公司", "企业", "鞋业，服装", "", "", "", ""],
                ["E3", "温州数智有限公司", "企业", "数字经济\n智能装备", "", "", "", ""],
                ["U1", "温州大学", "高校", "生命健康 ; 新材料", "", "", "", ""],
            ],
            links,
        ),
        "verbatim_names": lambda d: write_network(
            d,
            [
                ["id", "name", "type", "capabilities"],
                ["P1", "温州市眼视光研究院（乐清）", "新型研发机构", "ＡＩ视觉检测、３Ｄ打印"],
                ["P2", "温州〔2024〕１号平台", "平台", "Ｆｕｌｌ　Ｗｉｄｔｈ"],
                ["E1", "正泰　电器", "企业", "（无）"],
            ],
            [["source", "target", "kind"], ["温州市眼视光研究院(乐清)", "正泰　电器", "合作"]],
        ),
        "undated_participations": lambda d: write_text(
            d / "participations.csv",
            csv_text(
                [
                    ["project", "org", "year", "type"],
                    ["X1", "A", "2019", "企业"],
                    ["X1", "B", "2019", "高校"],
                    ["X2", "B", "NA", "高校"],
                    ["X2", "C", "", "平台"],
                    ["X3", "A", "2020", "企业"],
                    ["X3", "C", "2020", "平台"],
                ]
            ),
        ),
        "leading_from_type": lambda d: write_network(
            d,
            [
                ["id", "name", "type", "是否龙头"],
                ["E1", "正泰电器股份有限公司", "龙头企业", ""],
                ["E2", "浙江恒达阀门股份有限公司", "链主企业", "否"],
                ["E3", "温州智造电气有限公司", "骨干企业", "NA"],
                ["E4", "温州鞋革有限公司", "企业", "是"],
                ["P1", "温州泵阀研究院", "研究院", ""],
                ["U1", "温州医科大学仁济学院", "学院", ""],
                ["I1", "温州市农业科学研究所", "研究所", ""],
            ],
            [["source", "target", "kind"], ["E1", "P1", "共建研发中心"]],
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "data", help="Folder to write into.")
    out = parser.parse_args().out
    good = {**good_variants(), **bureau_variants()}
    for group, writers in (("bad", bad_cases()), ("good", good)):
        for name, write in writers.items():
            folder = out / group / name
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.iterdir():
                old.unlink()
            write(folder)
    print(f"wrote {len(bad_cases())} bad cases and {len(good)} good variants to {out}")


if __name__ == "__main__":
    main()
