"""Bureau lists as clerks hand them over (tests/data/good/, written by make_bad_inputs.py):
names kept as written, roles in 类型, missing markers, dates, counties, one workbook,
duplicates the user confirms, and command-line output that is safe to open in Excel."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from collabnet.cli import main
from collabnet.cli._app import emit
from collabnet.tables import Tables, load_tables

GOOD = "tests/data/good"
BUREAU_XLSX = f"{GOOD}/bureau_xlsx/bureau.xlsx"
BUREAU_NAMES = [
    "国科温州研究院（温州生物材料与工程研究所）",
    "浙大温州研究院",
    "正泰电器股份有限公司",
    "浙江恒达阀门股份有限公司",
    "温州大学",
]


@pytest.fixture
def bureau(in_repo: Path) -> Tables:
    return load_tables(BUREAU_XLSX)


def test_one_workbook_holds_both_sheets_found_by_headers(bureau: Tables) -> None:
    assert bureau.organizations["name"].tolist() == BUREAU_NAMES
    # Links name organisations by 简称 (正泰电器, 国科温研院) and by 全称.
    assert bureau.links[["source", "target"]].values.tolist() == [
        ["正泰电器股份有限公司", "浙大温州研究院"],
        ["浙江恒达阀门股份有限公司", BUREAU_NAMES[0]],
        [BUREAU_NAMES[0], "温州大学"],
        ["浙大温州研究院", "温州大学"],
    ]
    assert bureau.links["year"].tolist() == [2021, 2022, 2020, 2019]  # date cell, 2020/6/1, 年月


def test_the_bureau_list_is_understood(bureau: Tables) -> None:
    orgs = bureau.organizations.set_index("name")
    # An id derived from a name keeps the name, full-width brackets and all.
    assert bureau.organizations["id"].tolist() == BUREAU_NAMES
    assert orgs["type"].tolist() == [
        "platform",
        "platform",
        "enterprise",
        "enterprise",
        "university",
    ]
    assert orgs["leading"].tolist() == [pd.NA, pd.NA, True, True, pd.NA]  # 龙头企业, 链主企业
    assert dict(bureau.leading_from) == {"类型": 2}
    assert orgs["county"].tolist() == ["瓯海区", "鹿城区", "乐清市", "永嘉县", "瓯海区"]
    assert orgs["founded"].tolist() == [2018, 2019, 1997, 1998, 1933]  # Excel date, 1998年6月
    assert orgs["level"].tolist() == ["provincial", "provincial", "none", "none", "none"]
    assert orgs.loc["浙江恒达阀门股份有限公司", "industries"] == (
        "pumps_valves",
        "intelligent_equipment",
    )
    assert orgs.loc["温州大学", "industries"] == ()  # "/"
    # A free column keeps what the clerk wrote, markers included.
    assert orgs["备注"].tolist()[:2] == ["暂无", "—"]
    assert [str(w) for w in bureau.warnings] == [
        f"{BUREAU_XLSX}, row 10: skipped a total or note row ('合计')",
        f"{BUREAU_XLSX}, row 11: skipped a total or note row ('注：名单截至2024年6月')",
        f"{BUREAU_XLSX}, row 6: skipped a total or note row ('合计')",
    ]


def test_the_gbk_csv_twin_gives_the_same_tables(bureau: Tables) -> None:
    twin = load_tables(f"{GOOD}/bureau_gbk")
    pd.testing.assert_frame_equal(twin.organizations, bureau.organizations)
    pd.testing.assert_frame_equal(twin.links, bureau.links)
    assert [w.row for w in twin.warnings] == [10, 11, 6]


@pytest.mark.parametrize(
    "args",
    [
        [BUREAU_XLSX],
        ["--orgs", BUREAU_XLSX, "--links", BUREAU_XLSX],
        ["--orgs", BUREAU_XLSX, "--links", BUREAU_XLSX, "--orgs-sheet", "名单"],
        ["--orgs", BUREAU_XLSX, "--links", BUREAU_XLSX, "--links-sheet", "1"],
    ],
)
def test_info_on_one_workbook_counts_leading_enterprises(in_repo: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["info", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["organizations"], summary["links"]) == (5, 4)
    assert summary["leading_enterprises"] == 2
    assert summary["leading_from"] == "column '类型' (2)"
    assert result.stderr.splitlines()[0] == (
        f"{BUREAU_XLSX}: 7 rows read, 5 kept, 0 rejected, 2 skipped (totals and notes)"
    )


def test_a_wrong_sheet_for_links_names_the_sheets(in_repo: Path) -> None:
    result = CliRunner().invoke(
        main, ["info", "--orgs", BUREAU_XLSX, "--links", BUREAU_XLSX, "--links-sheet", "名单"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {BUREAU_XLSX}, row 3: missing required column")


def test_an_explicit_leading_column_wins_over_the_type(in_repo: Path) -> None:
    tables = load_tables(f"{GOOD}/leading_from_type")
    orgs = tables.organizations.set_index("id")
    # 龙头企业 (empty flag), 链主企业 but 否, 骨干企业 (flag NA), 企业 but 是.
    assert orgs["leading"].tolist()[:4] == [True, False, True, True]
    assert orgs["type"].tolist() == [
        *["enterprise"] * 4,
        "platform",  # 研究院
        "university",  # 学院
        "institute",  # 研究所
    ]
    assert dict(tables.leading_from) == {"是否龙头": 1, "type": 2}
    assert tables.summary()["leading_from"] == "column '是否龙头' (1), column 'type' (2)"


def test_missing_markers_are_missing_in_optional_columns(in_repo: Path) -> None:
    tables = load_tables(f"{GOOD}/missing_markers")
    orgs = tables.organizations
    assert orgs["industries"].tolist() == [("pumps_valves",), (), ()]
    assert orgs["county"].isna().all()
    assert orgs["level"].tolist() == ["none"] * 3
    assert orgs["founded"].isna().all()
    assert orgs["leading"].tolist() == [pd.NA, True, pd.NA]
    links = tables.links
    assert links["year"].isna().all()
    assert links["weight"].tolist() == [1.0, 1.0]
    assert links["funding"].isna().all()


def test_dates_give_the_year(in_repo: Path) -> None:
    tables = load_tables(f"{GOOD}/dates_in_years")
    assert tables.links["year"].tolist() == [2021, 2020, 2019, 2018, 2017]
    assert tables.organizations["founded"].tolist() == [2020, 1998, 1933]


def test_industries_split_on_every_separator(in_repo: Path) -> None:
    orgs = load_tables(f"{GOOD}/list_separators").organizations.set_index("id")
    assert orgs["industries"].to_dict() == {
        "P1": ("pumps_valves", "intelligent_equipment"),  # ；
        "P2": ("electrical", "new_materials"),  # ,
        "E1": ("pumps_valves", "electrical"),  # /
        "E2": ("footwear", "apparel"),  # ，
        "E3": ("digital_economy", "intelligent_equipment"),  # line break
        "U1": ("life_health", "new_materials"),  # " ; "
    }


def test_names_and_free_text_stay_as_written(in_repo: Path) -> None:
    folder = f"{GOOD}/verbatim_names"
    written = pd.read_csv(f"{folder}/organizations.csv", dtype=str, keep_default_na=False)
    tables = load_tables(folder)
    orgs = tables.organizations
    assert orgs["name"].tolist() == written["name"].tolist()
    assert orgs["capabilities"].tolist() == written["capabilities"].tolist()
    # The link writes the half-width (乐清); it still finds the full-width name.
    assert tables.links[["source", "target"]].values.tolist() == [["P1", "E1"]]
    for fmt in ("json", "csv", "table"):
        result = CliRunner().invoke(main, ["duplicates", folder, "--format", fmt])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["centrality", folder, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {r["name"] for r in json.loads(result.stdout)} == set(written["name"])
    result = CliRunner().invoke(main, ["centrality", folder, "--format", "csv"])
    shown = pd.read_csv(pd.io.common.StringIO(result.stdout), dtype=str)
    assert set(shown["name"]) == set(written["name"])


def test_undated_participations_count_for_the_whole_network_only(in_repo: Path) -> None:
    folder = f"{GOOD}/undated_participations"
    tables = load_tables(f"{folder}/participations.csv")
    assert tables.undated_participations() == 2
    assert len(tables.links) == 3  # A-B (2019), B-C (undated), A-C (2020)
    assert tables.as_of(2020).links[["source", "target"]].values.tolist() == [
        ["A", "B"],
        ["A", "C"],
    ]
    result = CliRunner().invoke(main, ["info", f"{folder}/participations.csv"])
    assert result.exit_code == 0, result.output
    assert "2 participations have no year: used for the whole network only" in (
        result.stderr.splitlines()
    )


def _duplicated(tmp_path: Path) -> Path:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nE1,正泰电器,企业\nE2,正泰电器股份有限公司,企业\nU1,温州大学,高校\n"
        "P1,温州泵阀研究院,平台\nP2,温州泵阀研究院有限公司,平台\n",
        encoding="utf-8",
    )
    (tmp_path / "links.csv").write_text(
        "source,target,kind\nE1,U1,合作\n正泰电器,P1,共建研发中心\nE1,E2,合作\nP2,U1,合作\n",
        encoding="utf-8",
    )
    return tmp_path


def test_duplicates_are_written_for_review_and_merged_only_when_confirmed(
    tmp_path: Path,
) -> None:
    data = _duplicated(tmp_path)
    aliases = tmp_path / "aliases.csv"
    validated = CliRunner().invoke(main, ["validate", str(data)])
    assert validated.exit_code == 0, validated.output
    assert (
        f"2 probable duplicate pairs: review them with `collabnet duplicates {data} "
        "--write aliases.csv`"
    ) in validated.stderr.splitlines()
    result = CliRunner().invoke(main, ["duplicates", str(data), "--write", str(aliases)])
    assert result.exit_code == 0, result.output
    pairs = pd.read_csv(aliases, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert pairs.values.tolist() == [
        ["E2", "正泰电器股份有限公司", "E1", "正泰电器", "", ""],
        ["P2", "温州泵阀研究院有限公司", "P1", "温州泵阀研究院", "", ""],
    ]
    # Nothing answered: nothing merged.
    assert load_tables(data, aliases=aliases).merges == ()
    pairs["merge"] = ["是", "否"]
    pairs.to_csv(aliases, index=False, encoding="utf-8-sig")
    tables = load_tables(data, aliases=aliases)
    assert tables.merges == (("E1", "E2"),)  # the full name is kept
    assert tables.organizations["id"].tolist() == ["E2", "U1", "P1", "P2"]
    # Links move to the kept organisation; the link between the two is gone.
    assert tables.links[["source", "target"]].values.tolist() == [
        ["E2", "U1"],
        ["E2", "P1"],
        ["P2", "U1"],
    ]
    pairs["merge"] = ["yes", "yes"]
    pairs["keep"] = ["正泰电器", ""]
    pairs.to_csv(aliases, index=False, encoding="utf-8-sig")
    tables = load_tables(data, aliases=aliases)
    assert tables.merges == (("E2", "E1"), ("P1", "P2"))
    info = CliRunner().invoke(main, ["info", str(data), "--aliases", str(aliases)])
    assert f"{aliases}: 2 organisations merged" in info.stderr.splitlines()


def test_an_aliases_file_naming_an_unknown_organisation_is_a_problem(tmp_path: Path) -> None:
    data = _duplicated(tmp_path)
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("id_1,id_2,merge\nE2,E9,是\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["info", str(data), "--aliases", str(aliases)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {aliases}, row 2, column 'id_2': unknown organisation 'E9'\n"


def test_csv_output_shows_formulas_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "正泰"],
            "score": [1.0, -2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    emit(frame, "csv", None)
    written = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out), dtype=str)
    assert written["name"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "正泰",
    ]
    assert written["score"].tolist()[1] == "-2"  # numbers stay numbers
    emit(frame, "json", None)
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == frame["name"].tolist()


def test_a_table_shows_a_name_with_a_line_break_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    emit(pd.DataFrame({"name": ["温州泵阀研究院\n（永嘉）"]}), "table", None)
    assert "温州泵阀研究院 （永嘉）" in capsys.readouterr().out


def test_output_into_a_missing_folder_is_one_line(in_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "summary.json"
    result = CliRunner().invoke(main, ["info", "tests/data/tiny", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot write {target}: the folder {target.parent} does not exist"
    )


def test_top_zero_is_one_line(in_repo: Path) -> None:
    result = CliRunner().invoke(main, ["centrality", "tests/data/tiny", "--top", "0"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: --top 0: give 1 or more rows"


def test_the_page_shows_names_as_written(in_repo: Path, tmp_path: Path) -> None:
    from collabnet.network import Network
    from collabnet.outputs.page import write_page

    folder = f"{GOOD}/verbatim_names"
    written = pd.read_csv(f"{folder}/organizations.csv", dtype=str, keep_default_na=False)
    page = write_page(Network(load_tables(folder)), tmp_path / "page.html")
    html = page.read_text(encoding="utf-8")
    for name in written["name"]:
        assert name in html


def test_a_county_table_replaces_wenzhous(tmp_path: Path) -> None:
    (tmp_path / "counties.csv").write_text("name,aliases\n余杭区,余杭\n", encoding="utf-8")
    (tmp_path / "organizations.csv").write_text(
        "id,name,type,county\nE1,甲,企业,余杭\nE2,乙,企业,乐清\n", encoding="utf-8"
    )
    tables = load_tables(tmp_path)
    assert tables.organizations["county"].tolist() == ["余杭区", "乐清"]
    assert [w.message for w in tables.warnings] == [
        "unknown county '乐清' kept as written; known: 余杭区"
    ]


def test_counties_of_another_place_are_not_warned_about_by_default(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type,county\nE1,甲,企业,Bayern\nE2,乙,企业,Hessen\n", encoding="utf-8"
    )
    tables = load_tables(tmp_path)
    assert tables.organizations["county"].tolist() == ["Bayern", "Hessen"]
    assert tables.warnings == ()
