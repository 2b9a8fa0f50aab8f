"""The Neo4j backend against a real Neo4j 5 with Graph Data Science.

Every result is checked against an independent reference: the tables pushed, networkx
on the graph built from them, or pandas on the tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from neo4j import GraphDatabase
from neo4j import exceptions as neo4j_errors

from collabnet.analysis.centrality import centrality
from collabnet.backends import GraphBackend
from collabnet.backends.cypher_catalog import get_query
from collabnet.backends.memory import MemoryBackend
from collabnet.backends.neo4j import (
    BATCH_ROWS,
    LABELS,
    RELATIONSHIP_TYPES,
    Neo4jBackend,
    PushProgress,
)
from collabnet.errors import BackendError
from collabnet.graph import build_graph
from collabnet.network import Network
from collabnet.recommend import core
from collabnet.tables import Tables, load_tables
from tests.bolt.servers import PASSWORD, BoltTarget, write_network

pytestmark = pytest.mark.bolt

LINK_KEY = ["source", "target", "kind", "year", "weight", "funding"]


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Tables:
    return load_tables(sample_dir)


def ordered(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def assert_same_tables(got: Tables, expected: Tables) -> None:
    """Equal organisations, links and industries, up to row order."""
    pd.testing.assert_frame_equal(
        ordered(got.organizations, ["id"]), ordered(expected.organizations, ["id"])
    )
    key = [*LINK_KEY, *(c for c in expected.links.columns if c not in LINK_KEY)]
    pd.testing.assert_frame_equal(ordered(got.links, key), ordered(expected.links, key))
    pd.testing.assert_frame_equal(
        ordered(got.industries, ["code"]), ordered(expected.industries, ["code"])
    )


def reference_degrees(tables: Tables, as_of: int | None) -> pd.DataFrame:
    graph = build_graph(tables, as_of=as_of, records=False)
    frame = pd.DataFrame(
        {
            "id": list(graph.nodes),
            "degree": [graph.degree(n) for n in graph.nodes],
            "weighted_degree": [float(graph.degree(n, weight="weight")) for n in graph.nodes],
        }
    )
    return ordered(frame, ["id"])


def expected_counts(tables: Tables) -> dict[str, dict[str, int]]:
    """Nodes and relationships the graph model implies, counted with pandas."""
    orgs = tables.organizations
    nodes = {"Organization": len(orgs), "Industry": len(tables.industries), "Dataset": 1}
    for org_type, count in orgs["type"].value_counts().items():
        nodes[LABELS[str(org_type)]] = int(count)
    counties = orgs["county"].dropna()
    if len(counties):
        nodes["County"] = int(counties.nunique())
    relationships = {
        RELATIONSHIP_TYPES[str(kind)]: int(count)
        for kind, count in tables.links["kind"].value_counts().items()
    }
    memberships = int(orgs["industries"].map(len).sum())
    if memberships:
        relationships["IN_INDUSTRY"] = memberships
    if len(counties):
        relationships["IN_COUNTY"] = len(counties)
    return {"nodes": nodes, "relationships": relationships}


@pytest.mark.parametrize("kind", ["networkx", "neo4j"])
def test_backends_agree_on_the_sample(
    kind: str, sample: Tables, request: pytest.FixtureRequest
) -> None:
    """Both backends give the tables, degrees, snapshots and analyses of the files."""
    if kind == "networkx":
        backend: GraphBackend = MemoryBackend(sample)
    else:
        database: Neo4jBackend = request.getfixturevalue("backend")
        database.push(sample)
        backend = database
    assert isinstance(backend, GraphBackend)

    assert_same_tables(backend.tables(), sample)
    for as_of in (None, 2020):
        snapshot = backend.snapshot(as_of)
        assert snapshot is backend.snapshot(as_of)
        assert nx.utils.graphs_equal(
            build_graph(snapshot.tables, records=False),
            build_graph(sample, as_of=as_of, records=False),
        )
        hubs = centrality(snapshot)[["id", "degree", "weighted_degree"]]
        pd.testing.assert_frame_equal(
            ordered(hubs, ["id"]),
            reference_degrees(sample, as_of),
            check_exact=False,
            rtol=1e-12,
            check_dtype=False,
        )
        if isinstance(backend, Neo4jBackend):
            in_database = backend.query("analysis/degrees", {"as_of": as_of})
            pd.testing.assert_frame_equal(
                ordered(in_database, ["id"]), reference_degrees(sample, as_of), check_dtype=False
            )

    network, reference = Network(backend), Network(sample)
    got, expected = network.summary(), reference.summary()
    got.pop("files"), expected.pop("files")
    assert got == expected
    assert network.at(2021).summary()["links"] == reference.at(2021).summary()["links"]
    pd.testing.assert_frame_equal(
        ordered(centrality(network.snapshot), ["id"]),
        ordered(centrality(sample), ["id"]),
        check_exact=False,
        rtol=1e-9,
    )
    if "pagerank" in backend.native_measures():
        ranks = backend.measure("pagerank", None, {"damping": 0.85})
        graph = build_graph(sample, records=False)
        pagerank = nx.pagerank(graph, weight="weight", tol=1e-12)
        assert ranks.set_index("id")["pagerank"].to_dict() == pytest.approx(pagerank, rel=1e-6)


def test_pushing_twice_leaves_the_same_nodes_and_relationships(
    backend: Neo4jBackend, sample: Tables
) -> None:
    first = backend.push(sample)
    after_first = backend.counts()
    second = backend.push(sample)
    assert backend.counts() == after_first == expected_counts(sample)
    # Links and memberships are created afresh by every push; the first push's copies
    # are the only thing pruned, and no node is.
    memberships = sum(after_first["relationships"][t] for t in ("IN_INDUSTRY", "IN_COUNTY"))
    assert second.pruned == len(sample.links) + memberships
    assert first.batches == second.batches > 1


def test_links_between_one_pair_survive_and_are_not_duplicated(
    backend: Neo4jBackend, tiny_tables: Tables
) -> None:
    extra = pd.DataFrame(
        {
            "source": ["E1", "E1", "E1", "E1"],
            "target": ["P2", "P2", "P2", "P2"],
            "kind": ["joint_project", "joint_project", "cooperation", "cooperation"],
            "year": pd.array([2021, 2022, 2022, 2022], dtype="Int64"),
            "weight": [1.0, 1.0, 2.0, 2.0],
            "funding": [10.0, float("nan"), float("nan"), float("nan")],
            "title": ["甲", "乙", None, None],
        }
    )
    links = pd.concat([tiny_tables.links, extra.astype(tiny_tables.links.dtypes)])
    links["title"] = links["title"].where(links["title"].notna(), None)
    tables = replace(tiny_tables, links=links.reset_index(drop=True))
    backend.push(tables)
    backend.push(tables)
    assert backend.counts() == expected_counts(tables)
    pulled = backend.pull()
    assert_same_tables(pulled, tables)

    def between(links: pd.DataFrame) -> pd.DataFrame:
        return links[(links["source"] == "E1") & (links["target"] == "P2")]

    assert len(between(pulled.links)) == len(between(tables.links)) >= 5


def test_a_later_push_replaces_what_the_files_no_longer_hold(
    backend: Neo4jBackend, sample: Tables
) -> None:
    backend.push(sample)
    orgs = sample.organizations.copy()
    dropped = set(orgs["id"].iloc[:40])
    changed = orgs.index[orgs["id"] == "E002"]
    orgs.loc[changed, "type"] = "institute"
    orgs.loc[changed, "industries"] = pd.Series([("footwear",)], index=changed)
    orgs = orgs[~orgs["id"].isin(dropped)].reset_index(drop=True)
    links = sample.links
    links = links[~links["source"].isin(dropped) & ~links["target"].isin(dropped)].copy()
    links.iloc[0, links.columns.get_loc("weight")] = 7.5
    edited = replace(sample, organizations=orgs, links=links.reset_index(drop=True))

    report = backend.push(edited)

    assert report.pruned > 0
    assert backend.counts() == expected_counts(edited)
    assert_same_tables(backend.pull(), edited)
    labels = backend.query("read/organizations")["properties"]
    e002 = next(p for p in labels if p["id"] == "E002")
    assert e002["type"] == "institute"
    kinds = backend.query("analysis/degree_by_type").set_index("type")["organizations"]
    assert kinds.to_dict() == edited.organizations["type"].value_counts().to_dict()


def test_pull_without_a_push_says_what_to_do(backend: Neo4jBackend) -> None:
    with pytest.raises(BackendError, match=r"no collabnet data .*collabnet neo4j push DATA"):
        backend.pull()


HOSTILE = [
    'O\'Brien "引号" 研究院',
    "'})-[:X]->(n) DETACH DELETE n //",
    "<script>alert('x')</script>",
    "`backtick` 院",
    "x'})-[:INCUBATION]->(y) //",
    "// comment ' MATCH (n) DETACH DELETE n //",
    "two\nlines\r\nand a tab\t",
    "back\\slash\\' and \\n literally",
    "' RETURN 1 AS x //",
]


def hostile_tables(tiny: Tables) -> Tables:
    orgs = tiny.organizations.copy()
    names = (HOSTILE * 2)[: len(orgs)]
    orgs["name"] = pd.Series(names, dtype=orgs["name"].dtype)
    renamed = {"E1": "E'1 })-[", "P2": "P`2 //"}
    orgs["id"] = orgs["id"].replace(renamed)
    orgs["capabilities"] = pd.Series([h[::-1] for h in names], dtype=object)
    links = tiny.links.copy()
    links["source"] = links["source"].replace(renamed)
    links["target"] = links["target"].replace(renamed)
    links["title"] = pd.Series((HOSTILE * 3)[: len(links)], dtype=object)
    orgs = orgs.rename(columns={"capabilities": "note's (备注)"})
    return replace(tiny, organizations=orgs, links=links)


def test_hostile_names_are_stored_verbatim_and_change_no_query(
    backend: Neo4jBackend, tiny_tables: Tables
) -> None:
    tables = hostile_tables(tiny_tables)
    backend.push(tables)
    backend.push(tables)
    assert backend.counts() == expected_counts(tables)
    assert_same_tables(backend.pull(), tables)
    candidates = backend.query("analysis/platform_candidates", {"id": "E'1 })-[", "limit": 10})
    graph = build_graph(tables, records=False)
    reachable = nx.single_source_shortest_path_length(graph, "E'1 })-[", cutoff=3)
    expected = {
        org
        for org, hops in reachable.items()
        if hops >= 2 and graph.nodes[org]["type"] == "platform"
    }
    assert set(candidates["id"]) == expected
    assert backend.query("analysis/platform_candidates", {"id": HOSTILE[2], "limit": 5}).empty
    assert backend.counts() == expected_counts(tables)


def test_names_written_in_full_width_come_back_as_written(backend: Neo4jBackend) -> None:
    """Full-width brackets and letters, ideographic spaces and 〔〕 are stored as the
    file wrote them, not normalised on the way in or out."""
    tables = load_tables(Path(__file__).resolve().parents[1] / "data" / "good" / "verbatim_names")
    backend.push(tables)
    pulled = backend.pull().organizations.set_index("id")
    written = tables.organizations.set_index("id")
    for column in ("name", "capabilities"):
        assert pulled.loc[written.index, column].tolist() == written[column].tolist()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("type", "Platform`:Admin", r"unknown type 'Platform`:Admin' \(expected one of platform"),
        ("kind", "EVIL]->(x)", r"links row 1: unknown kind 'EVIL\]->\(x\)'"),
    ],
)
def test_labels_and_relationship_types_come_only_from_the_whitelist(
    backend: Neo4jBackend, tiny_tables: Tables, column: str, value: str, message: str
) -> None:
    if column == "type":
        orgs = tiny_tables.organizations.assign(type=value)
        tables = replace(tiny_tables, organizations=orgs)
    else:
        tables = replace(tiny_tables, links=tiny_tables.links.assign(kind=value))
    with pytest.raises(BackendError, match=message):
        backend.push(tables)
    assert backend.counts() == {"nodes": {}, "relationships": {}}


def test_values_are_stored_exactly(backend: Neo4jBackend, tiny_tables: Tables) -> None:
    precise = tiny_tables.links.copy()
    precise.loc[2, "weight"] = 0.1234567890123
    precise.loc[3, "funding"] = 1e-300
    organizations = tiny_tables.organizations.copy()
    organizations["capabilities"] = pd.Series(["很长" * 5_000] * len(organizations), dtype=object)
    tables = replace(tiny_tables, organizations=organizations, links=precise)
    backend.push(tables)
    assert_same_tables(backend.pull(), tables)


def test_uniqueness_constraints_are_created_and_used_by_merge(
    backend: Neo4jBackend, tiny_tables: Tables, bolt_target: BoltTarget
) -> None:
    backend.push(tiny_tables)
    with GraphDatabase.driver(bolt_target.uri, auth=(bolt_target.user, PASSWORD)) as driver:
        constraints = {
            (tuple(record["labelsOrTypes"]), tuple(record["properties"]), record["type"])
            for record in driver.execute_query("SHOW CONSTRAINTS").records
        }
        assert {
            (("Organization",), ("id",), "UNIQUENESS"),
            (("Industry",), ("code",), "UNIQUENESS"),
            (("County",), ("name",), "UNIQUENESS"),
            (("Dataset",), ("name",), "UNIQUENESS"),
        } <= constraints
        plan = driver.execute_query(
            "EXPLAIN " + get_query("load/organizations/platform").text, rows=[], push="x"
        ).summary.plan
        assert plan is not None and "NodeUniqueIndexSeek" in json.dumps(plan)
        with pytest.raises(neo4j_errors.ConstraintError):
            driver.execute_query("CREATE (:Organization {id: 'P1'})")
    assert backend.counts() == expected_counts(tiny_tables)


def test_links_go_in_unwind_batches_of_thousands(backend: Neo4jBackend, tmp_path: Path) -> None:
    tables = load_tables(write_network(tmp_path / "data", organizations=3_000, links=30_000))
    seen: list[PushProgress] = []
    report = backend.push(tables, progress=seen.append)
    links = [step for step in seen if step.phase == "links"]
    assert report.batches == len(seen)
    sizes = np.diff([0, *(step.rows_done for step in links)])
    assert sizes.max() == BATCH_ROWS >= 1_000
    assert backend.counts() == expected_counts(tables)


@pytest.mark.parametrize(
    ("name", "params"),
    [("delete/dataset", {"limit": 100}), ("load/prune_nodes", {"push": "x", "limit": 100})],
)
def test_query_refuses_statements_that_write(
    backend: Neo4jBackend, tiny_tables: Tables, name: str, params: dict[str, Any]
) -> None:
    backend.push(tiny_tables)
    with pytest.raises(
        BackendError, match=rf"^query '{name}' writes to or manages the database; only analysis/"
    ):
        backend.query(name, params)
    assert backend.counts() == expected_counts(tiny_tables)


def test_coverage_query_matches_pandas(backend: Neo4jBackend, sample: Tables) -> None:
    backend.push(sample)
    got = backend.query("analysis/coverage_by_industry").set_index("industry")
    orgs = sample.organizations.explode("industries")
    links = sample.links
    platforms = set(sample.organizations.loc[sample.organizations["type"] == "platform", "id"])
    touching = pd.concat(
        [
            links.loc[links["target"].isin(platforms), "source"],
            links.loc[links["source"].isin(platforms), "target"],
        ]
    )
    for code in sample.industries["code"]:
        members = orgs[orgs["industries"] == code]
        is_leading = members["leading"].fillna(False).astype(bool)
        leading = members[(members["type"] == "enterprise") & is_leading]
        row = got.loc[code]
        assert row["platforms"] == (members["type"] == "platform").sum()
        assert row["rd_institutions"] == members["rd_institution"].sum()
        assert row["enterprises"] == (members["type"] == "enterprise").sum()
        assert row["leading_enterprises"] == len(leading)
        assert row["leading_without_platform"] == (~leading["id"].isin(touching)).sum()


def test_candidate_platforms_match_networkx(backend: Neo4jBackend, sample: Tables) -> None:
    backend.push(sample)
    graph = build_graph(sample, records=False)
    for enterprise in ("E002", "E100", "E250"):
        got = backend.query("analysis/platform_candidates", {"id": enterprise, "limit": 1000})
        hops = nx.single_source_shortest_path_length(graph, enterprise, cutoff=3)
        expected = {
            org: (hop, len(list(nx.common_neighbors(graph, enterprise, org))))
            for org, hop in hops.items()
            if hop >= 2 and graph.nodes[org]["type"] == "platform"
        }
        found = zip(got["hops"], got["common_partners"], strict=True)
        assert dict(zip(got["id"], found, strict=True)) == expected
        assert got["hops"].is_monotonic_increasing


@pytest.mark.slow
def test_cli_push_pull_round_trip(
    run_cli: Callable[..., Any], sample_dir: Path, sample: Tables, tmp_path: Path
) -> None:
    first = run_cli("neo4j", "push", str(sample_dir), process=True)
    assert first.returncode == 0, first.stderr
    assert "pushed 699 organisations, 1724 links and 10 industries" in first.stderr
    assert "links: batch" in first.stderr
    again = run_cli("neo4j", "push", str(sample_dir))
    assert again.returncode == 0, again.stderr
    info = json.loads(run_cli("neo4j", "info", "--format", "json").stdout)
    assert info["organizations"] == 699 and info["links"] == 1724 and info["complete"]

    pulled = run_cli("neo4j", "pull", "-o", str(tmp_path / "out"))
    assert pulled.returncode == 0, pulled.stderr
    assert_same_tables(load_tables(tmp_path / "out"), sample)


@pytest.mark.slow
def test_analysis_commands_read_the_database(run_cli: Callable[..., Any], sample_dir: Path) -> None:
    assert run_cli("neo4j", "push", str(sample_dir)).returncode == 0
    for command in (["info"], ["centrality", "--top", "15"], ["gaps"]):
        from_files = run_cli(*command, str(sample_dir), "--format", "json")
        from_database = run_cli(*command, "--backend", "neo4j", "--format", "json")
        assert from_database.returncode == 0, from_database.stderr
        files, database = json.loads(from_files.stdout), json.loads(from_database.stdout)
        if command == ["info"]:
            files.pop("files"), database.pop("files")
        if command[0] == "centrality":
            # PageRank comes from GDS on the database: the in-memory one within 1e-6.
            pd.testing.assert_frame_equal(
                pd.DataFrame(database), pd.DataFrame(files), check_exact=False, rtol=1e-6
            )
        else:
            assert database == files


@pytest.mark.parametrize("extra", [[], ["--industry", "footwear"], ["--weights", "default"]])
def test_every_enterprise_as_csv_group_by_group_is_the_files_csv(
    run_cli: Callable[..., Any],
    sample_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
) -> None:
    """From the database, every enterprise's recommendations are written a group of
    enterprises at a time: the CSV is the one from the files, byte for byte."""
    assert run_cli("neo4j", "push", str(sample_dir)).returncode == 0
    monkeypatch.setattr(core, "GROUP_SOURCES", 45)
    asked = ["--top", "4", "--format", "csv", *extra]
    from_files = run_cli("recommend", str(sample_dir), *asked)
    from_database = run_cli("recommend", "--backend", "neo4j", *asked)
    assert from_database.returncode == 0, from_database.stderr
    assert from_database.stdout == from_files.stdout
    assert from_database.stdout.count("enterprise_id") == 1
    assert len(from_database.stdout.splitlines()) > 50
    weights = [line for line in from_database.stderr.splitlines() if line.startswith("weights:")]
    assert len(weights) == 1


def test_the_server_notes_on_statements_stay_off_the_terminal(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    # Links without titles: the statements reading titles name a property no link has,
    # which the server notes; the driver would log each note as a warning on stderr.
    data = write_network(tmp_path / "untitled", organizations=200, links=600)
    assert run_cli("neo4j", "push", str(data)).returncode == 0
    run = run_cli("recommend", "--backend", "neo4j", "--top", "3", "--format", "csv", process=True)
    assert run.returncode == 0, run.stderr
    assert "notification" not in run.stderr.lower(), run.stderr[:2000]


def test_cli_query_runs_named_files_with_parameters(
    run_cli: Callable[..., Any], sample_dir: Path, sample: Tables
) -> None:
    assert run_cli("neo4j", "push", str(sample_dir)).returncode == 0
    result = run_cli(
        "neo4j", "query", "analysis/degrees", "--param", "as_of=2020", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    got = ordered(pd.DataFrame(json.loads(result.stdout)), ["id"])
    expected = reference_degrees(sample, 2020)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)

    refused = run_cli("neo4j", "query", "load/links/cooperation")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "Error: 'load/links/cooperation' is run by push and pull, not by hand; "
        "`collabnet neo4j query` lists the queries you can run"
    )
    missing = run_cli("neo4j", "query", "analysis/platform_candidates", "--param", "id=E002")
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        "Error: query 'analysis/platform_candidates' needs --param limit=... "
        "(integer: most platforms listed)"
    )


def test_backend_neo4j_refuses_files(run_cli: Callable[..., Any], sample_dir: Path) -> None:
    result = run_cli("info", str(sample_dir), "--backend", "neo4j")
    assert result.returncode == 2
    assert "with --backend neo4j the network is read from the database" in result.stderr
    assert "drop DATA" in result.stderr


def test_unreachable_server_is_one_clear_line(run_cli: Callable[..., Any]) -> None:
    with pytest.raises(
        BackendError, match=r"^cannot reach the graph database at bolt://127\.0\.0\.1:9: .+"
    ):
        Neo4jBackend("bolt://127.0.0.1:9", password="x", retry_seconds=1)
    result = run_cli("neo4j", "info", "--uri", "bolt://127.0.0.1:9")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot reach the graph database at bolt://127.0.0.1:9")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_wrong_password_is_one_clear_line(
    run_cli: Callable[..., Any], bolt_target: BoltTarget, env_for: Callable[..., dict[str, str]]
) -> None:
    with pytest.raises(BackendError) as refused:
        Neo4jBackend(bolt_target.uri, user="neo4j", password="not-the-password")
    assert str(refused.value) == (
        f"the graph database at {bolt_target.uri} refused the credentials of user 'neo4j' "
        "(set NEO4J_PASSWORD, or use --ask-password)"
    )
    result = run_cli("neo4j", "info", env=env_for(bolt_target.uri, "neo4j", "not-the-password"))
    assert result.returncode == 1
    assert result.stderr == f"Error: {refused.value}\n"


def test_a_missing_database_is_one_clear_line(
    run_cli: Callable[..., Any], bolt_target: BoltTarget
) -> None:
    with pytest.raises(BackendError) as refused:
        Neo4jBackend(bolt_target.uri, user=bolt_target.user, password=PASSWORD, database="wenzhou")
    assert str(refused.value) == f"the server at {bolt_target.uri} has no database 'wenzhou'"
    result = run_cli("neo4j", "info", "--database", "wenzhou")
    assert result.returncode == 1
    assert result.stderr == f"Error: {refused.value}\n"


def test_the_password_is_never_shown(
    run_cli: Callable[..., Any],
    bolt_target: BoltTarget,
    env_for: Callable[..., dict[str, str]],
    tiny_tables: Tables,
) -> None:
    secret = bolt_target.password
    assert secret == PASSWORD
    backend = Neo4jBackend(bolt_target.uri, user=bolt_target.user, password=secret)
    backend.push(tiny_tables)
    for shown in (repr(backend), str(vars(backend)), str(vars(backend._connection))):
        assert secret not in shown
    backend.close()
    env = env_for(bolt_target.uri, bolt_target.user, secret)
    outputs = [
        run_cli(*args, env=env)
        for args in (
            ["neo4j", "push", "tests/data/tiny"],
            ["neo4j", "info", "--format", "json"],
            ["info", "--backend", "neo4j"],
        )
    ]
    without = {k: v for k, v in env.items() if k != "NEO4J_PASSWORD"}
    prompted = run_cli("neo4j", "info", "--ask-password", env=without, typed=secret + "\n")
    assert prompted.returncode == 0, prompted.stderr
    assert "Neo4j password" in prompted.stdout + prompted.stderr
    outputs.append(prompted)
    no_option = run_cli("neo4j", "info", "--password", secret, env=without)
    assert no_option.returncode == 2 and "No such option '--password'" in no_option.stderr
    # A traceback (--debug) is printed by the interpreter, so this one runs as a process.
    debug = ["--debug", "neo4j", "info", "--uri", "bolt://127.0.0.1:9"]
    outputs.append(run_cli(*debug, env=env, process=True))
    assert [o.returncode for o in outputs[:3]] == [0, 0, 0], outputs[0].stderr
    assert outputs[-1].returncode == 1 and "Traceback" in outputs[-1].stderr
    for output in outputs:
        assert secret not in output.stdout + output.stderr
