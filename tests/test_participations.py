"""Links derived from project participations: a hand-computed case, and the real CORDIS
Horizon 2020 file checked against figures computed independently from the raw file."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import collabnet as cn
from collabnet.cli import main
from collabnet.participations import _project_pairs
from collabnet.tables import Tables, default_industries, derive_from_participations, load_tables

# Projects A (2015: o1, o2, o3), B (2016: o1, o2), C (2017: o3 alone), D (2016: o2, o4).
# o1's row in B appears twice: one participation all the same.
PARTICIPATIONS = """\
rcn,pic,start_year,type,name
A,o1,2015,PRC,Alpha GmbH
A,o2,2015,HES,
A,o3,2015,PRC,
B,o1,2016,PRC,Alpha GmbH
B,o2,2016,REC,
B,o1,2016,PRC,Alpha GmbH
C,o3,2017,REC,
D,o2,2016,HES,
D,o4,2016,PUB,
"""
PROGRAMME_PARTS = "rcn,programme_part\nA,ERC\nB,SC1\nC,LEIT\nD,SC1\n"


@pytest.fixture
def projects_dir(tmp_path: Path) -> Path:
    (tmp_path / "participations.csv").write_text(PARTICIPATIONS, encoding="utf-8")
    (tmp_path / "programme-parts.csv").write_text(PROGRAMME_PARTS, encoding="utf-8")
    return tmp_path


def _links(tables: Tables) -> list[tuple[str, str, int, float]]:
    links = tables.links
    return list(zip(links["source"], links["target"], links["year"], links["weight"], strict=True))


def test_organisations_in_one_project_are_linked(projects_dir: Path) -> None:
    tables = load_tables(projects_dir)
    orgs = tables.organizations.set_index("id")
    assert orgs.index.tolist() == ["o1", "o2", "o3", "o4"]
    assert orgs["name"].tolist() == ["Alpha GmbH", "o2", "o3", "o4"]  # no name: the id
    # o2: HES twice, REC once. o3: PRC once, REC once, a tie: the first alphabetically.
    assert orgs["type"].tolist() == ["enterprise", "university", "enterprise", "other"]
    # o1: ERC once, SC1 once (a tie); o2: SC1 twice; o3: ERC and LEIT once each.
    assert orgs["industries"].tolist() == [("ERC",), ("SC1",), ("ERC",), ("SC1",)]
    assert set(tables.industries["code"]) == {"ERC", "LEIT", "SC1"}
    # Year = first joint year; weight = number of joint projects; C links nobody.
    assert _links(tables) == [
        ("o1", "o2", 2015, 2.0),
        ("o1", "o3", 2015, 1.0),
        ("o2", "o3", 2015, 1.0),
        ("o2", "o4", 2016, 1.0),
    ]
    assert set(tables.links["kind"]) == {"joint_project"}


def test_as_of_learns_nothing_from_later_projects(projects_dir: Path) -> None:
    then = load_tables(projects_dir).as_of(2015)
    orgs = then.organizations.set_index("id")
    assert orgs.index.tolist() == ["o1", "o2", "o3"]  # o4 joins in 2016
    assert orgs["industries"].tolist() == [("ERC",), ("ERC",), ("ERC",)]
    assert orgs["type"].tolist() == ["enterprise", "university", "enterprise"]
    assert _links(then) == [
        ("o1", "o2", 2015, 1.0),
        ("o1", "o3", 2015, 1.0),
        ("o2", "o3", 2015, 1.0),
    ]
    later = load_tables(projects_dir).as_of(2016).organizations.set_index("id")
    assert later.loc["o3", "industries"] == ("ERC",)  # LEIT comes in 2017
    assert later.loc["o2", "industries"] == ("SC1",)


def test_a_participations_file_alone(projects_dir: Path) -> None:
    tables = load_tables(projects_dir / "participations.csv")
    assert tables.projects is None
    assert tables.organizations["industries"].tolist() == [()] * 4
    assert len(tables.links) == 4


def test_listed_organisations_and_links_stay_at_every_year(projects_dir: Path) -> None:
    (projects_dir / "organizations.csv").write_text(
        "id,name,type,founded\no1,Alpha,企业,2010\nX1,温州大学,高校,1933\no5,New Co,企业,2016\n",
        encoding="utf-8",
    )
    (projects_dir / "links.csv").write_text(
        "source,target,kind,year\no1,X1,合作,2014\nX1,o5,联合项目,2017\n", encoding="utf-8"
    )
    tables = load_tables(projects_dir)
    assert tables.organizations["id"].tolist() == ["o1", "X1", "o5", "o2", "o3", "o4"]
    assert len(tables.links) == 2 + 4
    then = tables.as_of(2015)
    assert then.organizations["id"].tolist() == ["o1", "X1", "o2", "o3"]
    assert then.organizations.set_index("id").loc["o1", "name"] == "Alpha"
    assert _links(then) == [
        ("o1", "X1", 2014, 1.0),
        ("o1", "o2", 2015, 1.0),
        ("o1", "o3", 2015, 1.0),
        ("o2", "o3", 2015, 1.0),
    ]
    assert len(tables.as_of(2017).links) == 6


def test_a_listed_organisation_may_use_project_themes_and_default_industries(
    projects_dir: Path,
) -> None:
    (projects_dir / "organizations.csv").write_text(
        "id,name,type,industries\nX1,温州大学,高校,泵阀;SC1\n", encoding="utf-8"
    )
    tables = load_tables(projects_dir)
    assert tables.organizations.set_index("id").loc["X1", "industries"] == (
        "pumps_valves",
        "SC1",
    )
    assert {"pumps_valves", "SC1", "ERC"} <= set(tables.industries["code"])


TYPE_CODES = {
    "PRC": "enterprise",
    "HES": "university",
    "REC": "institute",
    "PUB": "other",
    "OTH": "other",
}


@pytest.fixture(scope="module")
def cordis(cordis_dir: Path) -> tuple[Tables, pd.DataFrame, pd.DataFrame]:
    tables = load_tables(
        participations=cordis_dir / "participations-2014-2017.csv.gz",
        projects=cordis_dir / "programme-parts-2014-2017.csv.gz",
    )
    raw = pd.read_csv(cordis_dir / "participations-2014-2017.csv.gz", dtype={"pic": str})
    parts = pd.read_csv(cordis_dir / "programme-parts-2014-2017.csv.gz", dtype={"rcn": str})
    return tables, raw, parts


@pytest.mark.slow
def test_cordis_organisations_and_types(cordis: tuple[Tables, pd.DataFrame, pd.DataFrame]) -> None:
    tables, raw, _ = cordis
    assert len(tables.organizations) == raw["pic"].nunique() == 22_787
    # The most frequent declared type of each organisation, from the raw file.
    declared = raw.assign(kind=raw["type"].map(TYPE_CODES))
    most = declared.groupby("pic")["kind"].agg(lambda s: s.value_counts().index[0])
    expected = most.value_counts().to_dict()
    assert tables.summary()["by_type"] == expected
    assert expected == {
        "enterprise": 14_395,
        "other": 4_110,
        "institute": 2_269,
        "university": 2_013,
    }
    types = tables.organizations.set_index("id")["type"]
    assert types.loc[most.index].tolist() == most.tolist()


@pytest.mark.slow
def test_cordis_links_are_the_pairs_sharing_a_project(
    cordis: tuple[Tables, pd.DataFrame, pd.DataFrame],
) -> None:
    tables, raw, _ = cordis
    members = raw.drop_duplicates(["rcn", "pic"]).groupby("rcn")["pic"].agg(sorted)
    pairs = {pair for orgs in members for pair in itertools.combinations(orgs, 2)}
    assert len(tables.links) == len(pairs) == 416_754
    # Each project adds one to the weight of each of its pairs.
    assert tables.links["weight"].sum() == sum(len(o) * (len(o) - 1) // 2 for o in members)
    derived = set(zip(tables.links["source"], tables.links["target"], strict=True))
    assert derived == pairs


@pytest.mark.slow
def test_cordis_as_of_2015_uses_only_projects_up_to_2015(
    cordis: tuple[Tables, pd.DataFrame, pd.DataFrame],
) -> None:
    tables, raw, parts = cordis
    then = tables.as_of(2015)
    early = raw[raw["start_year"] <= 2015].drop_duplicates(["rcn", "pic"])
    assert set(then.organizations["id"]) == set(early["pic"])
    themes = early.assign(rcn=early["rcn"].astype(str)).merge(parts, on="rcn")
    counts = themes.groupby(["pic", "programme_part"]).size().reset_index(name="n")
    counts = counts.sort_values(["pic", "n", "programme_part"], ascending=[True, False, True])
    expected = counts.drop_duplicates("pic").set_index("pic")["programme_part"]
    industries = then.organizations.set_index("id")["industries"]
    assert industries.loc[expected.index].map(lambda codes: codes[0]).tolist() == expected.tolist()
    without_theme = set(then.organizations["id"]) - set(expected.index)
    assert all(industries.loc[list(without_theme)].map(len) == 0)
    assert then.links["year"].max() == 2015
    assert (
        then.links["weight"]
        <= tables.links.set_index(["source", "target"])
        .loc[list(zip(then.links["source"], then.links["target"], strict=True)), "weight"]
        .to_numpy()
    ).all()


@pytest.mark.slow
def test_cordis_on_the_command_line(in_repo: Path, cordis_dir: Path) -> None:
    path = "../shared/data/cordis-h2020/participations-2014-2017.csv.gz"
    if not Path(path).is_file():
        pytest.skip(f"{path} is not beside the repository")
    result = CliRunner().invoke(main, ["info", "--participations", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["organizations"] == 22_787
    assert summary["links"] == 416_754
    assert summary["by_type"]["enterprise"] == 14_395
    # The programme parts beside the file were found and read as the industries.
    assert summary["industries"] == 17
    assert result.stderr.splitlines() == [
        "../shared/data/cordis-h2020/programme-parts-2014-2017.csv.gz: "
        "18092 rows read, 18092 kept, 0 rejected",
        f"{path}: 70724 rows read, 70724 kept, 0 rejected",
    ]


@pytest.mark.slow
def test_cordis_through_the_network_facade(cordis_dir: Path) -> None:
    network = cn.load(participations=cordis_dir / "participations-2014-2017.csv.gz")
    assert network.adjacency.matrix.shape == (22_787, 22_787)
    assert network.adjacency.matrix.nnz == 2 * 416_754


def test_as_of_never_looks_past_an_earlier_cut() -> None:
    """Cutting at 2021 and then asking for 2030 must not bring back the 2022 project."""
    participations = pd.DataFrame(
        {
            "project": ["p1", "p1", "p2", "p2"],
            "org": ["A", "B", "A", "C"],
            "year": pd.array([2020, 2020, 2022, 2022], dtype="Int64"),
            "org_type": ["enterprise", "university", "enterprise", "university"],
            "org_name": [None, None, None, None],
        }
    )
    organizations, links = derive_from_participations(participations, None, default_industries())
    tables = Tables(
        organizations=organizations,
        links=links,
        industries=default_industries(),
        participations=participations,
    )
    cut = tables.as_of(2021)
    assert sorted(cut.organizations["id"]) == ["A", "B"]
    assert sorted(cut.as_of(2030).organizations["id"]) == ["A", "B"]
    assert len(cut.as_of(2030).links) == 1


def test_confirmed_duplicates_merge_before_links_are_derived(tmp_path: Path) -> None:
    parts = tmp_path / "participations.csv"
    parts.write_text(
        "project,org,year,type,org_name\n"
        "X1,E1,2019,企业,正泰电器\nX1,U1,2019,高校,温州大学\n"
        "X2,E2,2020,企业,正泰电器股份有限公司\nX2,U1,2020,高校,温州大学\n"
        "X3,E1,2021,企业,正泰电器\nX3,E2,2021,企业,正泰电器股份有限公司\n",
        encoding="utf-8",
    )
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("id_1,name_1,id_2,name_2,merge,keep\nE2,,E1,,是,\n", encoding="utf-8")
    tables = load_tables(parts, aliases=aliases)
    assert tables.merges == (("E1", "E2"),)
    assert sorted(tables.organizations["id"]) == ["E2", "U1"]
    # Both joint projects with U1 now count for the kept organisation; X3 joins it to itself.
    assert tables.links[["source", "target", "weight"]].values.tolist() == [["E2", "U1", 2.0]]
    assert tables.as_of(2019).links[["source", "target"]].values.tolist() == [["E2", "U1"]]


def test_project_pairs_match_a_count_over_every_project() -> None:
    rng = np.random.default_rng(7)
    drawn = zip(rng.integers(0, 40, 400), rng.integers(0, 60, 400), strict=True)
    rows = {(int(p), int(o)) for p, o in drawn}
    project, org = (np.array(column) for column in zip(*sorted(rows), strict=True))
    year = pd.Series(rng.choice([2014.0, 2015.0, 2016.0, np.nan], len(project)))
    expected: dict[tuple[int, int], list[float]] = {}
    for p in set(project.tolist()):
        members = sorted(zip(org[project == p], year[project == p], strict=True))
        for (a, year_a), (b, _) in itertools.combinations(members, 2):
            expected.setdefault((a, b), []).append(year_a)

    pairs = _project_pairs(project, org, year)

    assert list(zip(pairs["a"], pairs["b"], strict=True)) == sorted(expected)
    assert pairs["weight"].tolist() == [len(expected[pair]) for pair in sorted(expected)]
    for got, pair in zip(pairs["year"], sorted(expected), strict=True):
        known = [y for y in expected[pair] if not math.isnan(y)]
        assert (math.isnan(got) and not known) or got == min(known)
