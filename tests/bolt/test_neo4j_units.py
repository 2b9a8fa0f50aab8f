"""Parts of the Neo4j backend that need no server: the query catalog, error messages,
the PageRank of isolated organisations, files."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from neo4j import exceptions as neo4j_errors

from collabnet.backends import cypher_catalog
from collabnet.backends.cypher_catalog import catalog, get_query, used_parameters
from collabnet.backends.neo4j import (
    LABELS,
    RELATIONSHIP_TYPES,
    USER_QUERIES,
    bulk,
    pagerank_with_isolated,
    translate_error,
)
from collabnet.backends.neo4j.bulk import write_import_files
from collabnet.backends.neo4j.push import _batches, _Group, _sent
from collabnet.backends.neo4j.read import _shared
from collabnet.errors import BackendError, InputError, NotFoundError
from collabnet.tables import Tables, load_tables
from collabnet.writers import write_tables

REPO = Path(__file__).resolve().parents[2]
CYPHER = REPO / "cypher"


def test_every_file_loads_through_the_catalog() -> None:
    files = sorted(
        p.relative_to(CYPHER).with_suffix("").as_posix() for p in CYPHER.rglob("*.cypher")
    )
    assert files == sorted(catalog())
    for name, query in catalog().items():
        assert query.text and not query.text.startswith("//"), name
        assert query.description, f"{name}: no description comment"
        declared = {p.name for p in query.parameters}
        assert used_parameters(query) == declared, f"{name}: $parameters used vs declared"


def test_every_file_is_used_or_offered_to_users() -> None:
    """Each statement is named by the code that runs it, or is one users may run; and
    every name the code uses exists."""
    sources = [
        *sorted((REPO / "collabnet" / "backends" / "neo4j").glob("*.py")),
        REPO / "collabnet" / "cli" / "neo4j.py",
    ]
    literals = {
        node.value
        for source in sources
        for node in ast.walk(ast.parse(source.read_text("utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    folders = {"load/organizations/", "load/links/"} & literals  # completed by type / kind
    names = {
        literal
        for literal in literals
        if re.fullmatch(
            r"(schema|server|gds|load|delete|read|analysis|recommend)/[a-z0-9_/]*[a-z0-9_]", literal
        )
    }
    assert names - set(catalog()) == set()
    unused = [
        query
        for query in catalog()
        if query not in names
        and not query.startswith(tuple(folders))
        and not query.startswith(USER_QUERIES)
    ]
    assert unused == []


@pytest.mark.parametrize(
    ("folder", "fixed"),
    [("load/organizations", LABELS), ("load/links", RELATIONSHIP_TYPES)],
)
def test_one_file_per_type_each_writing_its_own_label(folder: str, fixed: dict[str, str]) -> None:
    for key, label in fixed.items():
        text = get_query(f"{folder}/{key}").text
        written = set(re.findall(r"(?:SET o:|\[link:)(\w+)", text))
        assert written == {label}


def test_the_catalog_suggests_names_and_converts_parameters() -> None:
    with pytest.raises(NotFoundError, match=r"no Cypher query named 'degree'.*analysis/degrees"):
        get_query("degree")
    query = get_query("analysis/platform_candidates")
    assert query.parameters_from_text({"id": "E001", "limit": "5"}) == {"id": "E001", "limit": 5}
    with pytest.raises(InputError, match=r"parameter limit must be a integer, got 'five'"):
        query.parameters_from_text({"id": "E001", "limit": "five"})
    with pytest.raises(InputError, match=r"has no parameter year \(expected: id, limit\)"):
        query.parameters_from_text({"id": "E001", "limit": "5", "year": "2020"})
    assert get_query("analysis/degrees").parameters_from_text({}) == {"as_of": None}


def test_a_source_checkout_reads_the_top_level_folder() -> None:
    assert Path(str(cypher_catalog.cypher_root())) == CYPHER


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            neo4j_errors.Neo4jError._hydrate_neo4j(
                code="Neo.ClientError.Security.Unauthorized", message="bad credentials"
            ),
            "the graph database at bolt://db:7687 refused the credentials of user 'neo4j' "
            "(set NEO4J_PASSWORD, or use --ask-password)",
        ),
        (
            neo4j_errors.Neo4jError._hydrate_neo4j(
                code="Neo.ClientError.Database.DatabaseNotFound",
                message="Database does not exist. Database name: 'wenzhou'.",
            ),
            "the server at bolt://db:7687 has no database 'wenzhou'",
        ),
        (
            neo4j_errors.ServiceUnavailable(
                "Couldn't connect to db:7687 (resolved to ()):\n"
                "Failed to establish connection to ('10.0.0.1', 7687) "
                "(reason [Errno 111] Connection refused)"
            ),
            "cannot reach the graph database at bolt://db:7687: Connection refused; is it running?",
        ),
    ],
)
def test_errors_become_one_line_messages(error: Exception, message: str) -> None:
    translated = translate_error(error, uri="bolt://db:7687", user="neo4j", database="wenzhou")
    assert isinstance(translated, BackendError)
    assert str(translated) == message


def test_a_bad_uri_is_refused_before_connecting() -> None:
    from collabnet.backends.neo4j import Neo4jBackend

    with pytest.raises(BackendError, match=r"'http://db:7474' is not a Bolt address"):
        Neo4jBackend("http://db:7474")


def test_pagerank_with_isolated_matches_networkx() -> None:
    graph = nx.karate_club_graph()
    for node in graph.nodes:
        for neighbour in graph[node]:
            graph[node][neighbour]["weight"] = 1.0 + (node * neighbour) % 5
    graph.add_nodes_from(["lonely", "alone", "solo"])
    damping = 0.8
    expected = nx.pagerank(graph, alpha=damping, weight="weight", tol=1e-14, max_iter=10_000)
    linked = graph.subgraph(n for n in graph if graph.degree(n) > 0)
    # GDS-like output: unnormalised scores of the linked part only.
    part = nx.pagerank(linked, alpha=damping, weight="weight", tol=1e-14, max_iter=10_000)
    scores = {str(n): s * len(part) for n, s in part.items()}
    got = pagerank_with_isolated(scores, [str(n) for n in graph.nodes], damping)
    assert got.set_index("id")["pagerank"].to_dict() == pytest.approx(
        {str(n): s for n, s in expected.items()}, rel=1e-9
    )


def test_written_tables_load_back_equal(sample_dir: Path, tmp_path: Path) -> None:
    tables = load_tables(sample_dir)
    write_tables(tables, tmp_path)
    again = load_tables(tmp_path)
    for name in ("organizations", "links", "industries"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(tables, name))
    assert isinstance(again, Tables)


class _Recorder:
    """A connection stand-in that records the batches run and fails on one of them."""

    def __init__(self, failing: int | None) -> None:
        self.failing = failing
        self.ran: list[int] = []

    def run(self, query: object, params: dict[str, object], *, write: bool) -> list[object]:
        rows = params["rows"]
        assert isinstance(rows, list) and write
        if rows[0] == self.failing:
            raise BackendError("refused")
        self.ran.append(int(rows[0]))
        return []


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_batches_in_flight_are_reported_in_order_and_fail_by_name(workers: int) -> None:
    group = _Group(
        "links", "load/links/cooperation", "cooperation links", np.arange(10), lambda p: p.tolist()
    )
    batches = _batches([group], 2)
    done = _Recorder(failing=None)
    reported = [b.number for b in _sent(done, batches, "push", workers)]  # type: ignore[arg-type]
    assert reported == [1, 2, 3, 4, 5]
    assert sorted(done.ran) == [0, 2, 4, 6, 8]
    failing = _Recorder(failing=6)
    with pytest.raises(
        BackendError, match=r"links batch 4 of 5 \(cooperation links from rows 7–8\)"
    ):
        list(_sent(failing, batches, "push", workers))  # type: ignore[arg-type]
    assert 6 not in failing.ran


def test_equal_texts_read_back_become_one_object() -> None:
    cells = ["".join(["plat", "form"]) for _ in range(3)] + [("a", "b"), ("a", "b"), 1, True, None]
    shared = _shared(cells)
    assert shared == cells
    assert shared[0] is shared[1] is shared[2] and shared[3] is shared[4]
    assert type(shared[5]) is int and type(shared[6]) is bool


def test_import_files_refuse_a_column_of_two_types(tiny_tables: Tables, tmp_path: Path) -> None:
    organizations = tiny_tables.organizations.copy()
    organizations["grade"] = pd.Series(["A", 3, *["B"] * (len(organizations) - 2)], dtype=object)
    tables = replace(tiny_tables, organizations=organizations)
    with pytest.raises(
        BackendError,
        match=r"^organisations column grade: row 1 holds a string "
        r"and row 2 a long; .*collabnet neo4j push",
    ):
        write_import_files(tables, tmp_path)


def test_import_files_pick_a_list_separator_no_value_contains(
    tiny_tables: Tables, tmp_path: Path
) -> None:
    organizations = tiny_tables.organizations.copy()
    organizations.at[0, "industries"] = ("a\x1fb", "c")
    files = write_import_files(replace(tiny_tables, organizations=organizations), tmp_path)
    assert "--array-delimiter=U+001E" in files.arguments
    assert files.organizations == len(organizations)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(['a "quoted", text', None, "", "two\nlines"], dtype="str"),
        pd.Series([1, None, -3, 2**40], dtype="Int64"),
        pd.Series([0.1, np.nan, np.inf, -np.inf, 1e300]),
        pd.Series([True, None, False], dtype="boolean"),
        pd.Series([True, False]),
    ],
    ids=["text", "integers", "floats", "nullable booleans", "booleans"],
)
def test_import_cells_by_column_equal_the_cells_value_by_value(values: pd.Series) -> None:
    kind = bulk._column_kind("t", values)
    by_column, _ = bulk._cells(values, kind, "\x1f")
    by_value, _ = bulk._cells(values.astype(object), kind, "\x1f")
    assert by_column == by_value
    assert by_column[1] == "" or len(values) == 2
