"""揭榜挂帅 demands: validation of the file and text matching on Chinese examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from collabnet.cli import main
from collabnet.errors import ValidationError
from collabnet.recommend.demands import match_demands, read_demands
from collabnet.tables import Tables, load_tables

ORGANIZATIONS = """id,name,type,industries,county,leading,capabilities
E1,恒达阀门有限公司,enterprise,pumps_valves,永嘉县,true,阀门
E2,智造电气有限公司,enterprise,electrical,乐清市,true,断路器
P1,温州流体密封研究院,platform,pumps_valves,永嘉县,,机械密封、流体仿真、密封件检测
P2,温州电气研究院,platform,electrical,乐清市,,智能断路器、配电自动化
P3,温州数字研究院,platform,digital_economy,鹿城区,,工业互联网、大数据
P4,温州材料研究院,platform,new_materials,龙湾区,,复合材料、功能涂层
U1,浙江大学,university,,,,
"""
LINKS = """source,target,kind,year
E1,U1,joint_project,2022
P3,U1,cooperation,2021
P2,U1,cooperation,2021
E2,P3,co_built_centre,2022
"""


@pytest.fixture
def network(tmp_path: Path) -> Tables:
    (tmp_path / "organizations.csv").write_text(ORGANIZATIONS, encoding="utf-8")
    (tmp_path / "links.csv").write_text(LINKS, encoding="utf-8")
    return load_tables(tmp_path)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demands.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_sealing_need_ranks_the_sealing_platform_first(network: Tables, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id,enterprise,title,description,industry,year\n"
        "D1,恒达阀门有限公司,高参数阀门密封技术,研发高温高压工况下的机械密封与流体泄漏仿真,泵阀,2024\n"
        "D2,E2,智能断路器在线监测,断路器状态监测与配电自动化,电气,2024\n",
    )
    best = match_demands(network, path, top=2)
    first = best[best["rank"] == 1].set_index("demand_id")
    assert first.loc["D1", "platform_id"] == "P1"
    assert first.loc["D2", "platform_id"] == "P2"
    reasons = first.loc["D1", "reasons"]
    assert (
        reasons[0] == "需求与平台能力关键词相同：机械密封、流体 / "
        "the need and the capabilities share: 机械密封, 流体"
    )
    assert (
        "需求属泵阀产业，平台主攻该产业 / the need is in 泵阀, a lead industry of the platform"
        in reasons
    )
    assert (
        first.loc["D1", "text_similarity"]
        > best.set_index(["demand_id", "rank"]).loc[("D1", 2), "text_similarity"]
    )


def test_score_combines_text_and_network(network: Tables, tmp_path: Path) -> None:
    path = _write(tmp_path, "id,enterprise,title\nD1,E1,密封件检测\n")
    best = match_demands(network, path, top=4, text_weight=0.7)
    top_text = best["text_similarity"].max()
    expected = 0.7 * best["text_similarity"] / top_text + 0.3 * best["network_score"]
    assert list(best["score"].round(5)) == list(expected.round(5))
    assert best["score"].is_monotonic_decreasing


def test_validation_names_file_row_and_column(network: Tables, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "编号,发榜企业,需求名称,需求描述,产业,年份\n"
        "D1,恒达阀,密封,,泵阀,2024\n"
        "D1,E2,,,鞋帽,二〇二四\n"
        "D3,温州流体密封研究院,密封,,,2024\n",
    )
    with pytest.raises(ValidationError) as caught:
        read_demands(path, network)
    messages = [str(p) for p in caught.value.problems]
    assert (
        f"{path}, row 2, column '发榜企业': unknown enterprise: "
        "no organisation with id or name '恒达阀'; did you mean: 恒达阀门有限公司?" in messages
    )
    assert f"{path}, row 3, column '编号': duplicate demand id 'D1' (first on row 2)" in messages
    assert f"{path}, row 3, column '需求名称': empty title" in messages
    assert any(
        m.startswith(f"{path}, row 3, column '产业': unknown industry '鞋帽'") for m in messages
    )
    assert (
        f"{path}, row 3, column '年份': year '二〇二四' is not a year between 1900 and 2100"
        in messages
    )
    assert (
        f"{path}, row 4, column '发榜企业': "
        "'温州流体密封研究院' (P1) is a platform, not an enterprise" in messages
    )


def test_lenient_reading_drops_bad_rows(network: Tables, tmp_path: Path) -> None:
    path = _write(tmp_path, "id,enterprise,title\nD1,E1,密封\nD2,无此企业,密封\n")
    demands = read_demands(path, network, strict=False)
    assert list(demands["id"]) == ["D1"]


def test_missing_required_column(network: Tables, tmp_path: Path) -> None:
    path = _write(tmp_path, "id,enterprise,description\nD1,E1,密封\n")
    with pytest.raises(ValidationError, match="missing required column 'title'"):
        read_demands(path, network)


def test_sample_demands_all_match(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    best = match_demands(tables, sample_dir / "demands.csv", top=3)
    assert best["demand_id"].nunique() == 30
    assert (best.groupby("demand_id").size() == 3).all()


def test_cli_match_demands(sample_dir: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "match-demands",
            str(sample_dir),
            str(sample_dir / "demands.csv"),
            "--top",
            "1",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 30
    assert {"demand_id", "platform_id", "score", "text_similarity", "reasons"} <= set(records[0])
