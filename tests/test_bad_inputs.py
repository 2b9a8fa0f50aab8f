"""The bad-input corpus (tests/data/bad/, written by tests/make_bad_inputs.py).

Every case asserts the exact text a clerk reads: each problem of a strict load, the
one-line error of the command line, the list ``collabnet validate`` prints, and the
reasons a lenient load gives for the rows it drops.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from collabnet.cli import main
from collabnet.errors import InputError, Problem, ValidationError
from collabnet.tables import load_tables

BAD = "tests/data/bad"
TYPES = "platform/平台, enterprise/企业, university/高校, institute/科研院所, other/其他"
LEVELS = "national/国家级, provincial/省级, municipal/市级, none/无"
KINDS = (
    "co_built_centre/共建研发中心, cooperation/合作, co_founding/共建, "
    "joint_project/联合项目, incubation/孵化"
)
INDUSTRIES = (
    "electrical/电气, footwear/鞋业, apparel/服装, auto_parts/汽车零部件, pumps_valves/泵阀, "
    "digital_economy/数字经济, intelligent_equipment/智能装备, life_health/生命健康, "
    "nev_connected/新能源智能网联汽车, new_materials/新材料"
)
BOOL = "is not yes/no (true/false, 是/否)"


def rejected(case: str, row: int, column: str, org: str) -> str:
    """The problem of a link whose organisation's own row was rejected."""
    return (
        f"{BAD}/{case}/links.csv, row {row}, column '{column}': organisation '{org}' has a "
        "problem in the organisations file; fix that row first"
    )


# Problems in rows: a strict load lists them all; a lenient load drops those rows.
ROW_PROBLEMS: dict[str, list[str]] = {
    "unknown_type": [
        f"{BAD}/unknown_type/organizations.csv, row 4, column '类型': "
        f"unknown organisation type '工厂' (expected one of {TYPES})",
        rejected("unknown_type", 3, "target", "U1"),
    ],
    "gbk_encoded": [
        f"{BAD}/gbk_encoded/organizations.csv, row 3, column '类型': "
        f"unknown organisation type '工厂' (expected one of {TYPES})",
        rejected("gbk_encoded", 2, "source", "E1"),
    ],
    "excel_title_row": [
        f"{BAD}/excel_title_row/organizations.xlsx, row 3, column '类型': "
        f"unknown organisation type '工厂' (expected one of {TYPES})",
        rejected("excel_title_row", 2, "target", "P1"),
        rejected("excel_title_row", 3, "source", "P1"),
    ],
    "excel_blank_rows": [
        f"{BAD}/excel_blank_rows/organizations.xlsx, row 7, column '成立年份': "
        "founding year '二〇〇五' is not a number (write it like 2019)",
        rejected("excel_blank_rows", 3, "target", "U1"),
    ],
    "duplicate_id": [
        f"{BAD}/duplicate_id/organizations.csv, row 5, column 'id': "
        "duplicate id 'E1' (first on row 3)",
    ],
    "utf8_bom": [
        f"{BAD}/utf8_bom/organizations.csv, row 5, column '编号': "
        "duplicate id 'P1' (first on row 2)",
    ],
    "empty_name": [
        f"{BAD}/empty_name/organizations.csv, row 4, column 'name': empty name",
        rejected("empty_name", 3, "target", "U1"),
    ],
    "unknown_industry": [
        f"{BAD}/unknown_industry/organizations.csv, row 3, column 'industries': "
        f"unknown industry '钢铁' (known: {INDUSTRIES})",
        rejected("unknown_industry", 2, "source", "E1"),
    ],
    "unknown_level": [
        f"{BAD}/unknown_level/organizations.csv, row 2, column 'level': "
        f"unknown level '区级' (expected one of {LEVELS})",
        rejected("unknown_level", 2, "target", "P1"),
        rejected("unknown_level", 3, "source", "P1"),
    ],
    "bad_flag": [
        f"{BAD}/bad_flag/organizations.csv, row 3, column 'leading': "
        f"leading-enterprise flag '也许' {BOOL}",
        rejected("bad_flag", 2, "source", "E1"),
    ],
    "year_not_whole": [
        f"{BAD}/year_not_whole/organizations.csv, row 3, column 'founded': "
        "founding year '1998.5' is not a whole year",
        rejected("year_not_whole", 2, "source", "E1"),
    ],
    "comma_in_name": [
        f"{BAD}/comma_in_name/organizations.csv, row 5: more values than the header has "
        "columns (extra: '否'); a value that contains a comma must be in quotes",
        f"{BAD}/comma_in_name/organizations.csv, row 5, column 'type': "
        f"unknown organisation type '乐清分公司' (expected one of {TYPES})",
        f"{BAD}/comma_in_name/organizations.csv, row 5, column 'industries': "
        f"unknown industry '企业' (known: {INDUSTRIES})",
        f"{BAD}/comma_in_name/organizations.csv, row 5, column 'level': "
        f"unknown level '乐清市' (expected one of {LEVELS})",
        f"{BAD}/comma_in_name/organizations.csv, row 5, column 'leading': "
        f"leading-enterprise flag '2005' {BOOL}",
    ],
    "rejected_organization": [
        f"{BAD}/rejected_organization/organizations.csv, row 4, column 'type': "
        f"unknown organisation type '工厂' (expected one of {TYPES})",
        rejected("rejected_organization", 3, "target", "U1"),
        rejected("rejected_organization", 4, "target", "U1"),
    ],
    "unknown_link_org": [
        f"{BAD}/unknown_link_org/links.csv, row 4, column 'source': "
        "unknown organisation 'E9' (not in the organisations file)",
    ],
    "unknown_kind": [
        f"{BAD}/unknown_kind/links.csv, row 3, column 'kind': "
        f"unknown link kind '朋友' (expected one of {KINDS})",
    ],
    "year_out_of_range": [
        f"{BAD}/year_out_of_range/links.csv, row 3, column 'year': "
        "year '1850' is outside 1900–2100",
    ],
    "year_letter_o": [
        f"{BAD}/year_letter_o/links.csv, row 2, column 'year': "
        "year '2O21' is not a number (write it like 2019)",
    ],
    "non_numeric_weight": [
        f"{BAD}/non_numeric_weight/links.csv, row 2, column 'weight': "
        "weight '很多' is not a number",
    ],
    "negative_weight": [
        f"{BAD}/negative_weight/links.csv, row 3, column 'weight': "
        "weight '-2' must be greater than 0",
    ],
    "negative_funding": [
        f"{BAD}/negative_funding/links.csv, row 2, column 'funding': "
        "funding '-50' must be 0 or more",
    ],
    "fullwidth_number": [
        f"{BAD}/fullwidth_number/links.csv, row 3, column 'weight': "
        "weight '－２' must be greater than 0",
    ],
    "self_link": [
        f"{BAD}/self_link/links.csv, row 4, column 'target': links '温州大学' to itself",
    ],
    "repeated_link": [
        f"{BAD}/repeated_link/links.csv, row 4: repeats row 2 exactly",
    ],
    "empty_marker_name": [
        f"{BAD}/empty_marker_name/organizations.csv, row 4, column 'name': "
        "empty name ('无' marks a missing value)",
        rejected("empty_marker_name", 3, "target", "U1"),
    ],
    "empty_marker_type": [
        f"{BAD}/empty_marker_type/organizations.csv, row 2, column '类型': "
        "empty organisation type ('不详' marks a missing value)",
        rejected("empty_marker_type", 2, "target", "P1"),
        rejected("empty_marker_type", 3, "source", "P1"),
    ],
    "empty_marker_kind": [
        f"{BAD}/empty_marker_kind/links.csv, row 3, column 'kind': "
        "empty link kind ('NA' marks a missing value)",
    ],
    "empty_marker_link_end": [
        f"{BAD}/empty_marker_link_end/links.csv, row 2, column 'source': "
        "empty organisation ('—' marks a missing value)",
    ],
    "ambiguous_short_name": [
        f"{BAD}/ambiguous_short_name/links.csv, row 4, column 'source': ambiguous organisation "
        "'恒达': matches 浙江恒达阀门股份有限公司, 温州恒达电气有限公司; give its id or full name",
    ],
    "fullwidth_duplicate_id": [
        f"{BAD}/fullwidth_duplicate_id/organizations.csv, row 5, column 'id': "
        "duplicate id 'Ｐ１' (first on row 2)",
    ],
    "bad_date": [
        f"{BAD}/bad_date/links.csv, row 3, column 'year': "
        "year '2020-13-01' is not a number (write it like 2019)",
    ],
    "duplicate_county": [
        f"{BAD}/duplicate_county/counties.csv, row 4, column 'name': "
        "duplicate county '永嘉县' (first on row 2)",
    ],
}

COUNTIES = (
    "鹿城区, 龙湾区, 瓯海区, 洞头区, 乐清市, 瑞安市, 龙港市, 永嘉县, 平阳县, 苍南县, 文成县, 泰顺县"
)
# Files that load, with something about them `collabnet validate` reports as a warning.
WARNINGS: dict[str, list[str]] = {
    "unknown_county": [
        f"{BAD}/unknown_county/organizations.csv, row 5, column 'county': "
        f"unknown county '柳市镇' kept as written; known: {COUNTIES}",
    ],
    "padded_name": [
        f"{BAD}/padded_name/organizations.csv, row 2, column 'name': "
        "spaces before or after the name were removed",
        f"{BAD}/padded_name/organizations.csv, row 4, column 'name': "
        "spaces before or after the name were removed",
    ],
    "name_with_line_break": [
        f"{BAD}/name_with_line_break/organizations.csv, row 2, column 'name': "
        "the name holds a line break; tables show it on one line",
    ],
    "total_rows": [
        f"{BAD}/total_rows/organizations.csv, row 5: skipped a total or note row ('小计')",
        f"{BAD}/total_rows/organizations.csv, row 6: "
        "skipped a total or note row ('注：数据截至2024年6月')",
        f"{BAD}/total_rows/organizations.csv, row 7: skipped a total or note row ('说明')",
        f"{BAD}/total_rows/links.csv, row 4: skipped a total or note row ('合计')",
    ],
}

# Problems with a whole file: nothing can be dropped, so even a lenient load stops.
FILE_PROBLEMS: dict[str, list[str]] = {
    "missing_column": [
        f"{BAD}/missing_column/organizations.csv, row 1: missing required column 'type' "
        "(also accepted: '类型', '机构类型', '单位类型')",
    ],
    "duplicated_column": [
        f"{BAD}/duplicated_column/organizations.csv, row 1: "
        "columns '名称' and 'name' both mean 'name'; keep one of them",
    ],
    "header_only": [
        f"{BAD}/header_only/organizations.csv, row 1: no organisations below the header row",
    ],
}

# Files that cannot be read at all.
UNREADABLE: dict[str, str] = {
    "undecodable": f"{BAD}/undecodable/organizations.csv: "
    "cannot decode the file as UTF-8 or GBK/GB18030; save it as UTF-8 CSV",
    "empty_file": f"{BAD}/empty_file/organizations.csv: the file is empty",
    "damaged_gzip": f"{BAD}/damaged_gzip/organizations.csv.gz: damaged gzip file "
    "(Compressed file ended before the end-of-stream marker was reached)",
    "no_header": f"{BAD}/no_header/organizations.csv: no header row in the first 10 rows "
    "(expected column names such as 'name' or '名称', 'type' or '类型')",
    "no_organizations_file": f"{BAD}/no_organizations_file: no organizations file found "
    "(expected organizations.csv/.xlsx, or a participations file)",
    "workbook_without_columns": f"{BAD}/workbook_without_columns/organizations.xlsx: no sheet "
    "has the columns of an organisations table (expected 'name' or '名称', 'type' or '类型'); "
    "the workbook's sheets and the headers found: 封面 (2024年温州市创新平台及龙头企业名单); "
    "名单 (序号, 单位, 地址)",
}

PROBLEMS = {**ROW_PROBLEMS, **FILE_PROBLEMS}


def one_line(problems: list[str]) -> str:
    """The command line's error for a strict load with these problems."""
    more = len(problems) - 1
    tail = f" (and {more} more; `collabnet validate` lists them all)" if more else ""
    return f"Error: {problems[0]}{tail}\n"


def test_the_corpus_holds_every_case_and_nothing_else() -> None:
    folders = {p.name for p in (Path(__file__).parent / "data" / "bad").iterdir()}
    assert folders == set(PROBLEMS) | set(UNREADABLE) | set(WARNINGS)
    assert len(folders) >= 15


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_a_strict_load_lists_every_problem(in_repo: Path, case: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_tables(f"{BAD}/{case}")
    assert [str(p) for p in caught.value.problems] == PROBLEMS[case]


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_an_unreadable_input_says_why(in_repo: Path, case: str) -> None:
    with pytest.raises(InputError) as caught:
        load_tables(f"{BAD}/{case}", strict=False)
    assert str(caught.value) == UNREADABLE[case]


@pytest.mark.parametrize("case", sorted(FILE_PROBLEMS))
def test_a_lenient_load_still_stops_at_a_problem_with_the_whole_file(
    in_repo: Path, case: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        load_tables(f"{BAD}/{case}", strict=False)
    assert [str(p) for p in caught.value.problems] == FILE_PROBLEMS[case]


@pytest.mark.parametrize("case", sorted(ROW_PROBLEMS))
def test_a_lenient_load_drops_each_bad_row_with_its_reason(in_repo: Path, case: str) -> None:
    tables = load_tables(f"{BAD}/{case}", strict=False)
    reasons = [
        str(Problem(r.file, r.row, None if pd.isna(r.column) else r.column, r.reason))
        for r in tables.rejects.itertuples()
    ]
    # A row with several problems is one rejected row listed once per problem.
    assert reasons == ROW_PROBLEMS[case]
    for count in tables.counts:
        assert count.read == count.kept + count.rejected + count.skipped
        rows = tables.rejects.loc[tables.rejects["file"] == count.file, "row"]
        assert count.rejected == rows.nunique()


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_the_command_line_prints_one_line_and_exits_1(in_repo: Path, case: str) -> None:
    result = CliRunner().invoke(main, ["info", f"{BAD}/{case}"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == one_line(PROBLEMS[case])


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_the_command_line_says_why_a_file_is_unreadable(in_repo: Path, case: str) -> None:
    result = CliRunner().invoke(main, ["info", f"{BAD}/{case}"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {UNREADABLE[case]}\n"


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_validate_lists_every_problem_and_exits_1(in_repo: Path, case: str) -> None:
    result = CliRunner().invoke(main, ["validate", f"{BAD}/{case}", "--format", "json"])
    assert result.exit_code == 1
    listed = [
        str(Problem(p["file"], p["row"], p["column"], p["problem"]))
        for p in json.loads(result.stdout)
    ]
    assert listed == PROBLEMS[case]


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_a_file_that_loads_with_warnings_says_what_validate_saw(in_repo: Path, case: str) -> None:
    assert [str(w) for w in load_tables(f"{BAD}/{case}").warnings] == WARNINGS[case]
    result = CliRunner().invoke(main, ["validate", f"{BAD}/{case}"])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warned == [f"warning: {w}" for w in WARNINGS[case]]


def test_skipped_rows_are_counted_on_the_command_line(in_repo: Path) -> None:
    result = CliRunner().invoke(main, ["info", f"{BAD}/total_rows", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:2] == [
        f"{BAD}/total_rows/organizations.csv: 6 rows read, 3 kept, 0 rejected, "
        "3 skipped (totals and notes)",
        f"{BAD}/total_rows/links.csv: 3 rows read, 2 kept, 0 rejected, "
        "1 skipped (totals and notes)",
    ]


def test_validate_passes_a_good_folder(in_repo: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "tests/data/tiny"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "valid: 16 rows in 2 files"


def test_lenient_command_line_reports_counts_and_rejected_rows(in_repo: Path) -> None:
    result = CliRunner().invoke(
        main, ["info", f"{BAD}/unknown_type", "--lenient", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{BAD}/unknown_type/organizations.csv: 3 rows read, 2 kept, 1 rejected",
        f"{BAD}/unknown_type/links.csv: 2 rows read, 1 kept, 1 rejected",
        "rejected rows (use --rejects FILE to save them):",
        *(f"  {p}" for p in ROW_PROBLEMS["unknown_type"]),
    ]
    assert json.loads(result.stdout)["by_type"] == {"platform": 1, "enterprise": 1}


def test_rejects_file_holds_each_dropped_row(in_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "rejects.csv"
    result = CliRunner().invoke(
        main, ["info", f"{BAD}/comma_in_name", "--lenient", "--rejects", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"rejected rows written to {out}" in result.stderr.splitlines()
    rejects = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert rejects.columns.tolist() == ["file", "row", "column", "value", "reason"]
    assert set(rejects["row"]) == {"5"}
    assert rejects["column"].tolist() == ["", "type", "industries", "level", "leading"]
    assert rejects["value"].tolist()[1:] == ["乐清分公司", "企业", "乐清市", "2005"]


def test_full_width_digits_read_as_numbers(in_repo: Path) -> None:
    links = load_tables(f"{BAD}/fullwidth_number", strict=False).links
    # Row 2: ２０２１年, weight １ and funding １，２００; row 3 (weight －２) is dropped.
    assert links[["source", "target", "year", "weight", "funding"]].values.tolist() == [
        ["E1", "P1", 2021, 1.0, 1200.0]
    ]


def test_a_rejected_row_does_not_make_its_twin_a_repeat(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text("id,name,type\nE1,甲,企业\nE2,乙,企业\n")
    # Row 2's year is unreadable, so it is dropped; row 3 then repeats nothing kept.
    (tmp_path / "links.csv").write_text("source,target,kind,year\nE1,E2,合作,2O19\nE1,E2,合作,\n")
    tables = load_tables(tmp_path, strict=False)
    assert tables.rejects["row"].tolist() == [2]
    assert len(tables.links) == 1


def test_debug_shows_the_traceback(in_repo: Path) -> None:
    args = ["--debug", "info", f"{BAD}/unknown_type"]
    quiet = CliRunner().invoke(main, args[1:])
    assert "Traceback" not in quiet.output
    done = subprocess.run(
        [sys.executable, "-m", "collabnet", *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert (
        done.stderr.rstrip()
        .splitlines()[-1]
        .startswith("collabnet.errors.ValidationError: " + PROBLEMS["unknown_type"][0])
    )


def test_the_corpus_is_reproducible(tmp_path: Path) -> None:
    script = Path(__file__).parent / "make_bad_inputs.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True)
    committed = Path(__file__).parent / "data"
    for group in ("bad", "good"):
        written = sorted(p.relative_to(tmp_path) for p in (tmp_path / group).rglob("*"))
        assert written == sorted(p.relative_to(committed) for p in (committed / group).rglob("*"))
        for path in written:
            if (tmp_path / path).is_file():
                assert (tmp_path / path).read_bytes() == (committed / path).read_bytes(), path
