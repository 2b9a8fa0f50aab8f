"""A network derived from project participations, stored in Neo4j: the participations
go in as ``(:Organization)-[:PARTICIPATED]->(:Project)``, so every cut at an earlier year
derives its links again from the projects up to then, exactly as in memory."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from neo4j import GraphDatabase

from collabnet.analysis import structure
from collabnet.analysis.brokerage import brokerage, platform_brokers
from collabnet.analysis.centrality import centrality
from collabnet.analysis.coverage import (
    county_coverage,
    coverage_gaps,
    industry_county_coverage,
    industry_coverage,
)
from collabnet.analysis.kpi import kpi
from collabnet.backends.neo4j import COVERAGE_QUERIES, Neo4jBackend, pairs
from collabnet.errors import BackendError, InputError
from collabnet.graph import build_graph, pair_table
from collabnet.network import Network
from collabnet.recommend import recommend
from collabnet.recommend.features import Candidates
from collabnet.recommend.space import build_space
from collabnet.tables import Tables, load_tables
from tests.bolt.servers import PASSWORD

pytestmark = pytest.mark.bolt

# Projects A (2015: o1, o2, o3), B (2016: o1, o2, o1's row twice), C (2017: o3 alone),
# D (2016: o2, o4); o1 and X1 also listed with a link each, o5 founded in 2016.
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


def write_listed_and_derived(folder: Path) -> Path:
    """Participations, projects, and organisations and links listed beside them, as files."""
    folder.mkdir(exist_ok=True)
    (folder / "participations.csv").write_text(PARTICIPATIONS, encoding="utf-8")
    (folder / "programme-parts.csv").write_text(
        "rcn,programme_part\nA,ERC\nB,SC1\nC,LEIT\nD,SC1\nB,SC2\n", encoding="utf-8"
    )
    (folder / "organizations.csv").write_text(
        "id,name,type,founded\no1,Alpha,企业,2010\nX1,温州大学,高校,1933\no5,New Co,企业,2016\n",
        encoding="utf-8",
    )
    (folder / "links.csv").write_text(
        "source,target,kind,year\no1,X1,合作,2014\nX1,o5,联合项目,2017\n", encoding="utf-8"
    )
    return folder


@pytest.fixture
def listed_and_derived(tmp_path: Path) -> Tables:
    return load_tables(write_listed_and_derived(tmp_path))


def projects_network(folder: Path, themes: list[str] | None = None) -> Tables:
    """120 projects over 2014–2017 of 30 companies and 12 schools (as tests/test_evaluate);
    with ``themes``, a programme-parts file gives project ``i`` the theme ``i mod n``."""
    rng = np.random.default_rng(1)
    companies = [f"C{i}" for i in range(30)]
    schools = [f"S{i}" for i in range(12)]
    rows = [
        {
            "rcn": f"R{project}",
            "pic": member,
            "type": "PRC" if member[0] == "C" else "HES",
            "start_year": 2014 + project // 30,
        }
        for project in range(120)
        for member in [
            *rng.choice(companies, 3, replace=False),
            *rng.choice(schools, 2, replace=False),
        ]
    ]
    folder.mkdir()
    pd.DataFrame(rows).to_csv(folder / "participations.csv", index=False)
    if themes:
        pd.DataFrame(
            {
                "rcn": [f"R{project}" for project in range(120)],
                "programme_part": [themes[project % len(themes)] for project in range(120)],
            }
        ).to_csv(folder / "programme-parts.csv", index=False)
    return load_tables(folder / "participations.csv")


def industry_projects(folder: Path) -> Tables:
    """:func:`projects_network` with industries as programme parts, beside listed
    platforms and leading enterprises with counties, and listed links between them."""
    industries = ["footwear", "apparel", "electrical", "auto_parts"]
    projects_network(folder, themes=industries)
    counties = ["鹿城区", "龙湾区", "瑞安市"]
    listed = [("P", "platform", 5, 2014), ("C", "enterprise", 30, 2000)]
    pd.DataFrame(
        [
            {
                "id": f"{prefix}{i}",
                "name": f"{kind}{i}",
                "type": kind,
                "industries": industries[i % 4],
                "county": counties[i % 3],
                "founded": founded + i % 3,
                "leading": kind == "enterprise",
            }
            for prefix, kind, count, founded in listed
            for i in range(0, count, 1 if kind == "platform" else 3)
        ]
    ).to_csv(folder / "organizations.csv", index=False)
    pd.DataFrame(
        {
            "source": [f"C{i}" for i in range(0, 30, 3)],
            "target": [f"P{i % 5}" for i in range(10)],
            "kind": "co_built_centre",
            "year": [2014 + i % 4 for i in range(10)],
        }
    ).to_csv(folder / "links.csv", index=False)
    return load_tables(folder)


def same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal frames; a missing value is missing, whether NaN or None (a concatenation of
    listed and derived organisations mixes the two in object columns)."""
    pd.testing.assert_frame_equal(
        got.astype(object).where(got.notna(), None),
        expected.astype(object).where(expected.notna(), None),
    )


def test_participations_and_projects_round_trip(
    backend: Neo4jBackend, listed_and_derived: Tables
) -> None:
    tables = listed_and_derived
    backend.push(tables)
    backend.push(tables)
    counts = backend.counts()
    assert counts["relationships"]["PARTICIPATED"] == len(tables.participations) == 9
    assert counts["nodes"]["Project"] == 4
    # Project B is in two programme parts: both rows are kept.
    assert counts["nodes"]["ProjectRow"] == len(tables.projects) == 5
    # The pull derives the links again from the participations instead of reading them.
    assert backend.dataset()["links_derived"] is True  # type: ignore[index]
    pulled = backend.pull()
    for name in (
        "organizations",
        "links",
        "industries",
        "participations",
        "projects",
        "listed_organizations",
        "listed_links",
    ):
        same_frame(getattr(pulled, name), getattr(tables, name))
    for year in (2014, 2015, 2016, 2017, None):
        got, expected = pulled.as_of(year), tables.as_of(year)
        same_frame(got.organizations, expected.organizations)
        pd.testing.assert_frame_equal(got.links, expected.links)
    got_summary, expected_summary = pulled.summary(), tables.summary()
    got_summary.pop("files"), expected_summary.pop("files")
    assert got_summary == expected_summary


def test_projects_stored_one_row_per_project_are_refused(
    backend: Neo4jBackend, listed_and_derived: Tables
) -> None:
    """A database whose projects table lost rows (as an earlier collabnet stored it: the
    rows on the project nodes) says so in one line instead of giving fewer rows."""
    backend.push(listed_and_derived)
    with GraphDatabase.driver(backend.uri, auth=(backend.user, PASSWORD)) as driver:
        driver.execute_query("MATCH (row:ProjectRow) DETACH DELETE row")
    backend.refresh()
    with pytest.raises(BackendError, match=r"holds 0 of the projects table's 5 rows .* push"):
        backend.pull()


def test_links_that_are_not_the_derived_ones_are_read_back(
    backend: Neo4jBackend, listed_and_derived: Tables
) -> None:
    """Tables made in code may pair participations with other links: those are stored
    and read back as they are, not derived again."""
    tables = replace(
        listed_and_derived,
        links=listed_and_derived.links.assign(weight=listed_and_derived.links["weight"] * 2),
    )
    backend.push(tables)
    assert backend.dataset()["links_derived"] is False  # type: ignore[index]
    pd.testing.assert_frame_equal(backend.pull().links, tables.links)


def test_as_of_and_evaluate_on_the_database_equal_memory(
    backend: Neo4jBackend, tmp_path: Path
) -> None:
    tables = projects_network(tmp_path / "projects")
    backend.push(tables)
    database, memory = Network(backend, as_of=2015), Network(tables, as_of=2015)
    # The leak this guards against: weights counted over all years at a 2015 cut.
    pd.testing.assert_frame_equal(database.links, memory.links)
    assert database.links["weight"].sum() < tables.links["weight"].sum()
    pd.testing.assert_frame_equal(
        Network(backend).evaluate(train_until=2015, test_until=2017),
        Network(tables).evaluate(train_until=2015, test_until=2017),
    )


# Harder cases for a cut: o1's first row of project E is of 2017 and its second of 2015,
# so E joins o1 and o4 from 2015, with the year of the row kept at each cut; o5, listed
# as founded in 2016, takes part in 2015; X1's listed link to o4 precedes o4's first
# project; o6's only row has no year.
LATER_ROWS = """\
E,o1,2017,PRC,Alpha GmbH
E,o4,2015,PUB,Delta
E,o1,2015,REC,Alpha Labs
F,o5,2015,PRC,
F,o2,2015,HES,
G,o6,,PRC,
"""


@pytest.mark.parametrize(
    "dataset", ["listed_and_derived", "later_rows", "projects", "industry_projects"]
)
def test_an_earlier_cut_is_derived_in_the_database(
    backend: Neo4jBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dataset: str
) -> None:
    if dataset == "projects":
        tables = projects_network(tmp_path / "projects")
    elif dataset == "industry_projects":
        tables = industry_projects(tmp_path / "projects")
    else:
        folder = write_listed_and_derived(tmp_path / dataset)
        if dataset == "later_rows":
            with (folder / "participations.csv").open("a", encoding="utf-8") as rows:
                rows.write(LATER_ROWS)
            with (folder / "links.csv").open("a", encoding="utf-8") as rows:
                rows.write("X1,o4,合作,2014\n")
        tables = load_tables(folder)
    backend.push(tables)
    backend.refresh()
    monkeypatch.setattr(backend, "pull", lambda: pytest.fail("the links were read back"))
    assert backend.has_ego_procedure
    for year in (2013, 2014, 2015, 2016, 2017):
        natives = {"degree", "partners", "pair_table", *COVERAGE_QUERIES, "ego_brokerage"}
        assert natives <= backend.native_measures(year)
        snapshot, expected = backend.snapshot(year), tables.as_of(year)
        same_frame(snapshot.organizations, expected.organizations)
        graph = build_graph(expected, records=False)
        degrees = backend.measure("degree", year, {}).set_index("id").sort_index()
        assert degrees["degree"].to_dict() == dict(graph.degree())
        assert degrees["weighted_degree"].to_dict() == dict(graph.degree(weight="weight"))
        pd.testing.assert_frame_equal(structure.pair_table(snapshot), pair_table(expected))
        ids = list(expected.organizations["id"])
        found = structure.partners_of(snapshot, ids)
        assert {k: sorted(v) for k, v in found.items()} == {
            node: sorted(graph[node]) for node in graph
        }
        # Before any link (2013) too, where GDS has no relationship to run on.
        hubs, files_hubs = centrality(snapshot), centrality(expected)
        columns = ["id", "degree", "weighted_degree", "pagerank", "core_number"]
        pd.testing.assert_frame_equal(
            hubs[columns].sort_values("id").reset_index(drop=True),
            files_hubs[columns].sort_values("id").reset_index(drop=True),
            check_dtype=False,
            check_exact=False,
            rtol=1e-6,
        )
        for ours, files in ((snapshot, expected), (backend.snapshot(), tables)):
            summaries = [structure.summary(ours), structure.summary(files)]
            summaries[0].pop("files"), summaries[1].pop("files")
            assert summaries[0] == summaries[1]
        # The coverage counts, with the types, industries and counties of the cut.
        for analysis in (
            industry_coverage,
            county_coverage,
            industry_county_coverage,
            coverage_gaps,
            kpi,
        ):
            pd.testing.assert_frame_equal(analysis(snapshot), analysis(expected))
        # Ego networks with the cut's groups (a type or county the cut derives), by
        # collabnet's procedure and by the Cypher statement a server without it runs.
        for procedure in (True, False):
            monkeypatch.setattr(backend, "has_ego_procedure", procedure)
            for partition in ("type", "county"):
                pd.testing.assert_frame_equal(
                    brokerage(snapshot, partition=partition),
                    brokerage(expected, partition=partition),
                    check_exact=False,
                    rtol=1e-9,
                )
            pd.testing.assert_frame_equal(platform_brokers(snapshot), platform_brokers(expected))
        # The recommender's signals, derived at the cut by collabnet's procedures: every
        # feature of every pair, and the lists.
        assert set(pairs.MEASURES) <= backend.native_measures(year)
        for candidates in (None, "enterprise:university,institute"):
            for weights in ("default", "auto"):
                try:
                    files_list = recommend(expected, weights=weights, candidates=candidates)
                except InputError as error:  # no candidate of these types at the cut
                    with pytest.raises(InputError, match=re.escape(str(error))):
                        recommend(snapshot, weights=weights, candidates=candidates)
                    continue
                if weights == "default":
                    chosen = Candidates.parse(candidates) if candidates else None
                    ours, theirs = build_space(snapshot, chosen), build_space(expected, chosen)
                    assert ours.shape == theirs.shape
                    r, c = (cells.ravel() for cells in np.indices(ours.shape))
                    pd.testing.assert_frame_equal(ours.features_at(r, c), theirs.features_at(r, c))
                pd.testing.assert_frame_equal(
                    recommend(snapshot, weights=weights, candidates=candidates), files_list
                )
