"""Targets and evolution, on the tiny network where every figure can be counted by hand.

tests/data/tiny: platforms P1 (founded 2019, flagged 新型研发机构) and P2 (2020, of type
新型研发机构), enterprises E1–E3, universities U1, U2. Co-built centres: E1–P2 (2020) and
E2–P1 (2021).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from collabnet.analysis.kpi import METRICS, default_targets, evolution, kpi, read_targets
from collabnet.errors import InputError
from collabnet.tables import Tables, load_tables


def test_default_targets_are_the_wenzhou_2025_targets() -> None:
    targets = default_targets().set_index("metric")
    assert targets.loc["co_built_centres", "target"] == 100
    assert targets.loc["co_built_centres", "comparison"] == ">"
    assert targets.loc["industries_with_rd_institution_share", "target"] == 1.0
    assert targets.loc["platform_lead_industries_max", "target"] == 2
    assert (targets["year"] == 2025).all()
    assert set(targets.index) <= set(METRICS)


def test_kpi_on_tiny(tiny_tables: Tables) -> None:
    """P1 (digital_economy, intelligent_equipment; flag 是) and P2 (pumps_valves; type
    新型研发机构) are R&D institutions: 3 of the 10 industries. Platforms have 2 and 1
    industries. By 2020 only E1–P2 is a co-built centre; by 2024 also E2–P1."""
    table = kpi(tiny_tables, years=[2020, 2024])
    values = table.set_index(["metric", "year"])["value"]
    assert values["industries_with_rd_institution_share", 2020] == pytest.approx(0.3)
    assert values["co_built_centres", 2020] == 1
    assert values["co_built_centres", 2024] == 2
    assert values["platform_lead_industries_max", 2024] == 2
    assert values["platform_lead_industries_min", 2024] == 1
    met = table.set_index(["metric", "year"])["met"]
    assert not met["co_built_centres", 2024]
    assert met["platform_lead_industries_max", 2024]
    assert list(table.columns) == [
        "metric",
        "year",
        "value",
        "target",
        "comparison",
        "target_year",
        "met",
        "description_zh",
        "description_en",
    ]
    assert (table["target_year"] == 2025).all()


def test_kpi_defaults_to_the_as_of_year(tiny_tables: Tables) -> None:
    table = kpi(tiny_tables.as_of(2021))
    assert set(table["year"]) == {2021}
    assert set(kpi(tiny_tables)["year"]) == set(range(2019, 2025))


@pytest.mark.parametrize(
    ("comparison", "target", "met"),
    [(">", 2, False), (">=", 2, True), ("<", 3, True), ("<=", 1, False), ("==", 2, True)],
)
def test_comparisons(tiny_tables: Tables, comparison: str, target: float, met: bool) -> None:
    targets = pd.DataFrame(
        [
            {
                "metric": "co_built_centres",
                "year": 2025,
                "target": target,
                "comparison": comparison,
                "description_zh": "",
                "description_en": "",
            }
        ]
    )
    assert kpi(tiny_tables, targets, years=[2024])["met"].tolist() == [met]


def test_targets_file_in_gbk(tmp_path: Path, tiny_tables: Tables) -> None:
    path = tmp_path / "targets.csv"
    text = (
        "metric,year,target,comparison,description_zh,description_en\n"
        "rd_institutions,2025,5,>=,新型研发机构不少于5家,At least 5 R&D institutions\n"
    )
    path.write_bytes(text.encode("gbk"))
    table = kpi(tiny_tables, path, years=[2024])
    assert table.loc[0, "value"] == 2
    assert table.loc[0, "description_zh"] == "新型研发机构不少于5家"
    assert not table.loc[0, "met"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("fame,2025,1,>=,,", "row 2: unknown metric 'fame'"),
        ("platforms,2025,1,=>,,", "row 2: unknown comparison '=>'"),
        ("platforms,soon,1,>=,,", "row 2: year and target must be numbers"),
    ],
)
def test_bad_targets_file(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "targets.csv"
    path.write_text(f"metric,year,target,comparison,description_zh,description_en\n{row}\n")
    with pytest.raises(InputError, match=message):
        read_targets(path)


def test_missing_targets_columns(tmp_path: Path) -> None:
    path = tmp_path / "targets.csv"
    path.write_text("metric,goal\nplatforms,3\n")
    with pytest.raises(InputError, match="missing column"):
        read_targets(path)


def test_evolution_on_tiny(tiny_tables: Tables) -> None:
    """End of 2019: P2 (founded 2020) is absent; 6 organisations. Links: P1–U1 (2019) and
    the undated E2–U1. Components {P1, U1, E2}, {E1}, {E3}, {U2}: 4, the largest 3/6.
    End of 2024: 7 organisations, 9 link rows on 8 pairs (E1–P2 twice), one component."""
    growth = evolution(tiny_tables, years=[2019, 2024]).set_index("year")
    first = growth.loc[2019]
    assert (first["organizations"], first["links"], first["pairs"]) == (6, 2, 2)
    assert first["components"] == 4
    assert first["largest_component_share"] == pytest.approx(0.5)
    assert first["density"] == pytest.approx(2 * 2 / (6 * 5))
    assert first["co_built_centres"] == 0
    assert first["rd_institutions"] == 1
    last = growth.loc[2024]
    assert (last["organizations"], last["links"], last["pairs"]) == (7, 9, 8)
    assert last["components"] == 1
    assert last["co_built_centres"] == 2
    assert last["coverage_share"] == 1.0
    assert last["industries_with_rd_institution"] == 3


def test_sample_kpi(sample_dir: Path) -> None:
    from collabnet.tables import load_tables

    tables = load_tables(sample_dir)
    table = kpi(tables, sample_dir / "targets.csv", years=[2024]).set_index("metric")
    # README of the sample: R&D-institution coverage 8/10; 250 co-built centres.
    assert table.loc["industries_with_rd_institution_share", "value"] == pytest.approx(0.8)
    assert not table.loc["industries_with_rd_institution_share", "met"]
    assert table.loc["co_built_centres", "value"] == 250
    assert table.loc["co_built_centres", "met"]


def test_network_methods_follow_as_of(tiny_tables: Tables) -> None:
    from collabnet.network import Network

    network = Network(tiny_tables).at(2020)
    assert set(network.kpi()["year"]) == {2020}
    assert network.evolution()["organizations"].tolist() == [7]
    assert set(network.coverage(by="county")["county"]) == {"鹿城区", "永嘉县", "乐清市", "瑞安市"}
    with pytest.raises(InputError, match="unknown coverage grouping 'city'"):
        network.coverage(by="city")


def test_targets_workbook_with_an_empty_description(tmp_path: Path) -> None:
    path = tmp_path / "targets.xlsx"
    pd.DataFrame(
        [["platforms", 2025, 3, ">=", None, "At least 3 platforms"]],
        columns=["metric", "year", "target", "comparison", "description_zh", "description_en"],
    ).to_excel(path, index=False)
    targets = read_targets(path)
    assert targets.loc[0, "description_zh"] == ""
    assert (targets.loc[0, "year"], targets.loc[0, "target"]) == (2025, 3.0)


def test_years_after_the_cut_are_refused() -> None:
    tables = load_tables(Path(__file__).resolve().parents[1] / "data" / "sample").as_of(2021)
    with pytest.raises(InputError, match="year 2024 is after the network's cut at 2021"):
        kpi(tables, years=[2020, 2024])
    with pytest.raises(InputError, match="year 2024 is after the network's cut at 2021"):
        evolution(tables, years=[2024])


def test_undated_links_are_evaluated_as_they_stand(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nP1,平台甲,platform\nE1,企业乙,enterprise\n", encoding="utf-8"
    )
    (tmp_path / "links.csv").write_text(
        "source,target,kind\nE1,P1,co_built_centre\n", encoding="utf-8"
    )
    tables = load_tables(tmp_path)
    current = kpi(tables).set_index("metric")
    assert current["year"].isna().all()
    assert current.loc["co_built_centres", "value"] == 1
    assert evolution(tables)["links"].tolist() == [1]
    assert kpi(tables, years=[2024]).set_index("metric").loc["co_built_centres", "value"] == 1


def test_shipped_targets_apply_only_to_networks_in_the_shipped_industries(
    tiny_tables: Tables,
) -> None:
    """Wenzhou's "5+5" targets say nothing about a network of other industries (EU
    programme parts, say): no rows, and a note that says why."""
    own = pd.DataFrame(
        {"code": ["H2020-A"], "name_zh": ["甲"], "name_en": ["A"], "group": [""], "aliases": [()]}
    )
    organizations = tiny_tables.organizations.assign(
        industries=[("H2020-A",)] * len(tiny_tables.organizations)
    )
    elsewhere = replace(tiny_tables, organizations=organizations, industries=own)
    table = kpi(elsewhere)
    assert table.empty
    assert "no targets for this network" in table.attrs["note"]
    given = kpi(elsewhere, targets=default_targets(), years=[2024])
    assert len(given) == len(default_targets())
    assert not kpi(tiny_tables, years=[2024]).empty
