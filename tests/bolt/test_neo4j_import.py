"""The offline importer (``collabnet neo4j import``) against a real Neo4j: the database it
writes holds, node for node and property for property, what a push of the same tables
writes into the session's server; the first connection adds the constraints and empty
lists, and a later push replaces the import as it replaces a push."""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase

from collabnet.backends.neo4j import Neo4jBackend, offline_import
from collabnet.cli import main
from collabnet.errors import BackendError
from collabnet.network import Network
from collabnet.tables import Tables, load_tables
from tests.bolt.servers import PASSWORD, need_neo4j
from tests.bolt.test_neo4j_backend import assert_same_tables, expected_counts, hostile_tables
from tests.bolt.test_neo4j_participations import same_frame, write_listed_and_derived
from tests.neo4j_server import Neo4jServer

pytestmark = pytest.mark.bolt

REPO = Path(__file__).resolve().parents[2]
ADMIN = ["bash", str(REPO / "scripts" / "neo4j" / "admin.sh")]
# Written anew by every load, or the time of it.
_VARYING = {"_push", "push_id", "started_at", "finished_at"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A Neo4j whose store the tests import into while it is stopped."""
    need_neo4j()
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-import") / "home", password=PASSWORD)
    try:
        yield server
    finally:
        server.stop()


def imported(server: Neo4jServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point ``scripts/neo4j/admin.sh`` at ``server``'s store, and stop the server."""
    server.stop()
    monkeypatch.setenv("NEO4J_DATA", str(server.folder))


def connect_to(server: Neo4jServer) -> Neo4jBackend:
    return Neo4jBackend(server.uri, user=server.user, password=server.password)


def _plain(properties: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in properties.items() if k not in _VARYING))


def dump(uri: str, auth: tuple[str, str]) -> Counter[Any]:
    """Every node and relationship with its labels or type and its properties (those that
    differ between two loads of the same tables left out), as a multiset."""
    with GraphDatabase.driver(uri, auth=auth) as driver:
        nodes = driver.execute_query(
            "MATCH (n) RETURN elementId(n) AS node, labels(n) AS labels, properties(n) AS p"
        ).records
        relationships = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS type, "
            "properties(r) AS p, elementId(b) AS b"
        ).records
    described = {
        record["node"]: (tuple(sorted(record["labels"])), _plain(record["p"])) for record in nodes
    }
    found: Counter[Any] = Counter(described.values())
    for record in relationships:
        found[
            (described[record["a"]], record["type"], _plain(record["p"]), described[record["b"]])
        ] += 1
    return found


def with_empty_lists(tables: Tables) -> Tables:
    """``tables`` with one organisation in no industry (an empty list)."""
    organizations = tables.organizations.copy()
    organizations.at[0, "industries"] = ()
    return replace(tables, organizations=organizations)


def test_an_import_holds_exactly_what_a_push_writes(
    server: Neo4jServer,
    backend: Neo4jBackend,
    tiny_tables: Tables,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    tables = with_empty_lists(hostile_tables(tiny_tables))
    assert any(value == () for value in tables.organizations["industries"])
    imported(server, monkeypatch)
    report = offline_import(tables, ADMIN, folder=tmp_path / "files")
    assert (report.organizations, report.links) == (len(tables.organizations), len(tables.links))
    # The store exists now: importing again needs --overwrite.
    with pytest.raises(
        BackendError, match=r"^the offline import failed: .*already contains data.*--overwrite"
    ):
        offline_import(tables, ADMIN)
    offline_import(tables, ADMIN, overwrite=True)
    server.start()
    with pytest.raises(BackendError, match=r"locked by another process.*stop the server first"):
        offline_import(tables, ADMIN, overwrite=True)

    backend.push(tables)
    pushed = dump(backend.uri, (server.user, PASSWORD))
    before = dump(server.uri, server.auth)
    # Before the first connection: no constraints, the empty lists still named in _empty.
    assert before != pushed
    with connect_to(server) as target:
        assert target.counts() == expected_counts(tables)
        assert_same_tables(target.pull(), tables)
    assert dump(server.uri, server.auth) == pushed
    with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        constraints = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name").records
    assert {record["name"] for record in constraints} >= {
        "collabnet_organization_id",
        "collabnet_industry_code",
        "collabnet_county_name",
        "collabnet_dataset_name",
        "collabnet_project_id",
    }

    # A push replaces the imported data as it replaces an earlier push.
    smaller = replace(tiny_tables, links=tiny_tables.links.iloc[:4])
    with connect_to(server) as target:
        target.push(smaller)
        assert target.counts() == expected_counts(smaller)
        assert_same_tables(target.pull(), smaller)


def test_the_command_imports_participation_data(
    server: Neo4jServer,
    backend: Neo4jBackend,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    data = write_listed_and_derived(tmp_path / "data")
    tables = load_tables(data)
    imported(server, monkeypatch)
    admin = shlex.join(ADMIN)
    run = CliRunner().invoke(
        main, ["neo4j", "import", str(data), "--neo4j-admin", admin, "--overwrite"]
    )
    assert run.exit_code == 0, run.stderr
    assert f"imported {len(tables.organizations)} organisations" in run.stderr
    server.start()

    backend.push(tables)
    with connect_to(server) as target:
        pulled = target.pull()
        for name in ("organizations", "links", "participations", "projects", "listed_links"):
            same_frame(getattr(pulled, name), getattr(tables, name))
        for year in (2015, 2016, None):
            pd.testing.assert_frame_equal(
                Network(target, as_of=year).links, Network(tables, as_of=year).links
            )
    assert dump(server.uri, server.auth) == dump(backend.uri, (server.user, PASSWORD))


def test_a_missing_neo4j_admin_is_one_clear_line(sample_dir: Path) -> None:
    run = CliRunner().invoke(
        main, ["neo4j", "import", str(sample_dir), "--neo4j-admin", "no-such-neo4j-admin"]
    )
    assert run.exit_code != 0
    last = run.stderr.splitlines()[-1]
    assert last.startswith("Error: cannot run no-such-neo4j-admin: no such command"), run.stderr
    assert "Traceback" not in run.stderr
