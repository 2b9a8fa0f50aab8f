"""The graph in a Neo4j database (or any server speaking Bolt and Cypher, e.g. FalkorDB).

:class:`Neo4jBackend` implements :class:`~collabnet.backends.GraphBackend`: ``push``
writes validated tables into the database, ``tables`` reads them back, ``degrees`` is
computed by the database, ``pagerank`` by the Graph Data Science library when the server
has it, and everything else is computed in memory from the tables read back.

The graph model is described in ``cypher/README.md``. Every statement comes from the
catalog of ``.cypher`` files (:mod:`collabnet.backends.cypher_catalog`); labels and
relationship types are chosen from the fixed mappings :data:`LABELS` and
:data:`RELATIONSHIP_TYPES`, which only ever select among those files.

Servers differ (a :class:`Dialect` each):

- Neo4j gets uniqueness constraints and large batches.
- FalkorDB (recognised because ``dbms.components()`` fails on it; over Bolt it calls
  itself Neo4j 5.13) gets plain indexes and small batches: its Bolt layer writes the
  parameters into the query text in a 4 KB buffer and crashes beyond it. It also puts
  strings between single quotes without escaping them and prints numbers with six
  decimals, so string parameters are escaped here, unusual map keys quoted, and numbers
  that six decimals cannot hold are refused rather than silently rounded.

Writes go through managed transactions only (``execute_write``/``execute_read``): the
driver retries transient failures, and FalkorDB sends ``session.run`` to another graph.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo4j_errors

from collabnet.backends.cypher_catalog import Query, get_query
from collabnet.errors import BackendError
from collabnet.graph import build_graph
from collabnet.schema import LINK_KINDS, ORG_TYPES
from collabnet.tables import Tables

__all__ = [
    "DATASET",
    "FALKORDB",
    "LABELS",
    "NEO4J",
    "RELATIONSHIP_TYPES",
    "USER_QUERIES",
    "Dialect",
    "Neo4jBackend",
    "PushProgress",
    "PushReport",
    "pagerank_with_isolated",
    "translate_error",
    "write_tables",
]

LABELS: dict[str, str] = {
    "platform": "Platform",
    "enterprise": "Enterprise",
    "university": "University",
    "institute": "Institute",
    "other": "Other",
}
RELATIONSHIP_TYPES: dict[str, str] = {
    "co_built_centre": "CO_BUILT_CENTRE",
    "cooperation": "COOPERATION",
    "co_founding": "CO_FOUNDING",
    "joint_project": "JOINT_PROJECT",
    "incubation": "INCUBATION",
}
DATASET = "collabnet"
# Folders of the statements anyone may run by name; the others write or manage the database.
USER_QUERIES = ("analysis/", "read/")
_KIND_OF_TYPE = {rel: kind for kind, rel in RELATIONSHIP_TYPES.items()}
_PUSH = "_push"
_ROW = "_row"
_KEY = "_key"
_RESERVED = (_PUSH, _ROW, _KEY)
_PRUNE_LIMIT = 10_000
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENV = {
    "uri": "NEO4J_URI",
    "user": "NEO4J_USER",
    "password": "NEO4J_PASSWORD",
    "database": "NEO4J_DATABASE",
}
DEFAULT_URI = "bolt://localhost:7687"
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

if set(LABELS) != set(ORG_TYPES) or set(RELATIONSHIP_TYPES) != set(LINK_KINDS):
    raise ImportError("collabnet.backends.neo4j: LABELS/RELATIONSHIP_TYPES out of step with schema")


class _Unstorable(ValueError):
    """A value the server cannot store exactly; the caller says which row and column."""


@dataclass(frozen=True)
class Dialect:
    """What differs between servers: schema statements and how parameters travel.

    ``statement_bytes`` bounds one statement's parameters; ``max_rows`` bounds the rows
    of one batch.
    """

    name: str
    statement_bytes: int
    max_rows: int

    @property
    def is_falkordb(self) -> bool:
        return self.name == "falkordb"

    def encode(self, value: Any) -> Any:
        """``value`` as it must be sent so that the server stores exactly ``value``."""
        if not self.is_falkordb:
            return value
        return _falkordb_value(value)

    def size(self, value: Any) -> int:
        """Bytes ``value`` (already encoded) takes in a statement."""
        if self.is_falkordb:
            return _falkordb_size(value)
        return len(json.dumps(value, ensure_ascii=False, default=str).encode())

    def room(self, query: Query, fixed: Mapping[str, Any]) -> int:
        """Bytes left for ``$rows`` once the statement and its other parameters are counted."""
        if not self.is_falkordb:
            return self.statement_bytes
        # FalkorDB sends "CYPHER name=value ... <statement>" through one 4 KB buffer.
        used = len("CYPHER ") + len(query.text.encode()) + len("rows=[] ")
        used += sum(len(f"{key}= ") + self.size(value) for key, value in fixed.items())
        return self.statement_bytes - used


NEO4J = Dialect("neo4j", statement_bytes=4 * 1024 * 1024, max_rows=10_000)
# 4096-byte buffer on the server, minus a margin for its trailing NUL and rounding.
FALKORDB = Dialect("falkordb", statement_bytes=4_000, max_rows=1_000)


def _falkordb_value(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise _Unstorable("contains a NUL character, which FalkorDB cannot store")
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Unstorable(f"{value} cannot be sent to FalkorDB")
        if float(f"{value:f}") != value:
            raise _Unstorable(
                f"{value!r} has more than six decimals, which FalkorDB's Bolt interface "
                "rounds (Neo4j stores it exactly)"
            )
        return value
    if isinstance(value, list | tuple):
        return [_falkordb_value(item) for item in value]
    if isinstance(value, dict):
        encoded: dict[str, Any] = {}
        for key, item in value.items():
            if "`" in key:
                raise _Unstorable(f"name {key!r} contains a backtick, which FalkorDB cannot store")
            plain = _IDENTIFIER.fullmatch(key) is not None
            encoded[key if plain else f"`{key}`"] = _falkordb_value(item)
        return encoded
    raise _Unstorable(f"unsupported value {value!r} ({type(value).__name__})")


def _falkordb_size(value: Any) -> int:
    """Length of FalkorDB's rendering of an encoded value (see the module docstring)."""
    if value is None:
        return 4
    if isinstance(value, bool):
        return 4 if value else 5
    if isinstance(value, int):
        return len(str(value))
    if isinstance(value, float):
        return len(f"{value:f}")
    if isinstance(value, str):
        return len(value.encode()) + 2
    if isinstance(value, list):
        return 2 + sum(_falkordb_size(item) for item in value) + 2 * max(len(value) - 1, 0)
    if isinstance(value, dict):
        items = sum(len(key.encode()) + 2 + _falkordb_size(item) for key, item in value.items())
        return 2 + items + 2 * max(len(value) - 1, 0)
    return len(str(value))


@dataclass(frozen=True)
class PushProgress:
    """Where a push stands, passed to the ``progress`` callback after every batch."""

    phase: str
    batch: int
    batches: int
    rows_done: int
    rows: int


@dataclass(frozen=True)
class PushReport:
    """What a push wrote: counts read back from the database, batches, time, pruned items."""

    organizations: int
    links: int
    industries: int
    batches: int
    seconds: float
    pruned: int
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)


@dataclass
class _Batch:
    """Rows for one statement, sent in one transaction; rows are 1-based table rows."""

    phase: str
    number: int
    group: str
    first_row: int
    last_row: int
    query: Query
    rows: list[dict[str, Any]]


class Neo4jBackend:
    """A collaboration network stored in a Neo4j (or FalkorDB) database.

    Parameters
    ----------
    uri
        ``bolt://host:7687``, ``neo4j://...`` or, for Aura, ``neo4j+s://...``.
    user, password
        Credentials; with ``password=None`` no authentication is sent. The password is
        handed to the driver and not kept.
    database
        Database name (Neo4j 4+); the server's default when ``None``.
    retry_seconds
        How long the driver keeps retrying a transaction that failed transiently
        (server restarting, leader switch, connection lost).

    Examples
    --------
    >>> backend = Neo4jBackend("bolt://localhost:7687", password=...)  # doctest: +SKIP
    >>> backend.push(load_tables("data/sample"))  # doctest: +SKIP
    >>> Network(backend).summary()  # doctest: +SKIP
    """

    name = "neo4j"

    def __init__(
        self,
        uri: str = DEFAULT_URI,
        *,
        user: str = "neo4j",
        password: str | None = None,
        database: str | None = None,
        retry_seconds: float = 30.0,
        connection_timeout: float = 15.0,
    ) -> None:
        self.uri = uri
        self.user = user
        self.database = database or None
        auth = (user, password) if password is not None else None
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in _SCHEMES:
            raise BackendError(
                f"'{uri}' is not a Bolt address (expected e.g. bolt://localhost:7687 "
                "or neo4j+s://<id>.databases.neo4j.io)"
            )
        try:
            self._driver: Driver = GraphDatabase.driver(
                uri,
                auth=auth,
                max_transaction_retry_time=retry_seconds,
                connection_timeout=connection_timeout,
                connection_acquisition_timeout=connection_timeout + 5,
            )
        except (ValueError, neo4j_errors.ConfigurationError) as err:
            raise BackendError(
                f"'{uri}' is not a Bolt address (expected e.g. bolt://localhost:7687 "
                f"or neo4j+s://<id>.databases.neo4j.io): {_one_line(err)}"
            ) from err
        try:
            self.agent = self._driver.get_server_info().agent
            self.dialect = self._detect_dialect()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as err:
            self._driver.close()
            raise self._error(err) from err
        self._has_gds: bool | None = None
        self._tables: Tables | None = None
        self._graphs: dict[int | None, nx.Graph] = {}

    @classmethod
    def from_env(
        cls,
        uri: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        retry_seconds: float = 30.0,
    ) -> Neo4jBackend:
        """Connect with the given values, else ``NEO4J_URI``, ``NEO4J_USER``,
        ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``, else ``bolt://localhost:7687`` as ``neo4j``."""
        return cls(
            uri or os.environ.get(_ENV["uri"]) or DEFAULT_URI,
            user=user or os.environ.get(_ENV["user"]) or "neo4j",
            password=password if password is not None else os.environ.get(_ENV["password"]),
            database=database or os.environ.get(_ENV["database"]) or None,
            retry_seconds=retry_seconds,
        )

    # ------------------------------------------------------------------ connection

    def close(self) -> None:
        """Close the driver's connections."""
        self._driver.close()

    def __enter__(self) -> Neo4jBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        database = self.database or "default"
        return (
            f"<Neo4jBackend {self.uri} user={self.user} database={database} "
            f"dialect={self.dialect.name}>"
        )

    def _detect_dialect(self) -> Dialect:
        if "falkordb" in self.agent.lower():
            return FALKORDB
        try:
            components = self._read_plain(get_query("server/neo4j_components"), {})
        except neo4j_errors.DatabaseError:
            return FALKORDB
        names = " ".join(str(row.get("name", "")) for row in components)
        return NEO4J if "neo4j" in names.lower() else FALKORDB

    @property
    def has_gds(self) -> bool:
        """Whether the server has the Graph Data Science library (checked once)."""
        if self._has_gds is None:
            self._has_gds = False
            if not self.dialect.is_falkordb:
                try:
                    self._read("gds/version")
                    self._has_gds = True
                except BackendError:
                    self._has_gds = False
        return self._has_gds

    def _session(self) -> Any:
        return self._driver.session(database=self.database)

    def _params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return {key: self.dialect.encode(value) for key, value in params.items()}
        except _Unstorable as err:
            raise BackendError(f"cannot send this value to {self.dialect.name}: {err}") from err

    def _read_plain(self, query: Query, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query.text, dict(params))]

        with self._session() as session:
            result: list[dict[str, Any]] = session.execute_read(work)
        return result

    def _read(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        query = get_query(query_name)
        try:
            return self._read_plain(query, self._params(params))
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as err:
            raise self._error(err) from err

    def _write(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        query = get_query(query_name)
        encoded = self._params(params)

        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query.text, encoded)]

        try:
            with self._session() as session:
                result: list[dict[str, Any]] = session.execute_write(work)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as err:
            raise self._error(err) from err
        return result

    def _error(self, err: BaseException) -> BackendError:
        return translate_error(err, uri=self.uri, user=self.user, database=self.database)

    # ------------------------------------------------------------------ GraphBackend

    def tables(self) -> Tables:
        """The tables last pushed, read from the database once and then cached."""
        if self._tables is None:
            self._tables = self.pull()
        return self._tables

    def refresh(self) -> None:
        """Forget cached tables and graphs (after someone else pushed)."""
        self._tables = None
        self._graphs.clear()

    def graph(self, as_of: int | None = None) -> nx.Graph:
        if as_of not in self._graphs:
            self._graphs[as_of] = build_graph(self.tables(), as_of=as_of)
        return self._graphs[as_of]

    def degrees(self, as_of: int | None = None) -> pd.DataFrame:
        """Distinct partners and summed link weight per organisation, computed by the database."""
        rows = self._read("analysis/degrees", as_of=as_of)
        frame = pd.DataFrame(rows, columns=["id", "degree", "weighted_degree"])
        frame["degree"] = frame["degree"].astype(np.int64)
        frame["weighted_degree"] = frame["weighted_degree"].astype(float)
        return frame.sort_values("id", kind="stable").reset_index(drop=True)

    def pagerank(self, as_of: int | None = None, *, damping: float = 0.85) -> pd.DataFrame | None:
        """Weighted PageRank by the Graph Data Science library; ``None`` without it.

        Matches ``nx.pagerank(G, alpha=damping, weight="weight")``: GDS ranks the
        organisations that have links, and the isolated ones are added as networkx treats
        them (see :func:`pagerank_with_isolated`). FalkorDB's ``algo.pageRank`` is not
        used: it follows one relationship type, in its direction, without weights.
        """
        if not self.has_gds:
            return None
        if not 0 <= damping < 1:
            raise BackendError(f"damping must be at least 0 and below 1, got {damping}")
        everyone = self.degrees(as_of)["id"].tolist()
        graph_name = f"collabnet-{uuid.uuid4().hex}"
        try:
            self._read("gds/project", as_of=as_of, graph_name=graph_name)
            scores = self._read(
                "gds/pagerank",
                graph_name=graph_name,
                damping=damping,
                max_iterations=1_000,
                tolerance=1e-12,
            )
        finally:
            self._read("gds/drop", graph_name=graph_name)
        linked = {row["id"]: float(row["score"]) for row in scores}
        return pagerank_with_isolated(linked, everyone, damping)

    # ------------------------------------------------------------------ reading

    def dataset(self) -> dict[str, Any] | None:
        """The dataset node's properties, or ``None`` when nothing was pushed."""
        rows = self._read("read/dataset", name=DATASET)
        return dict(rows[0]["dataset"]) if rows else None

    def pull(self) -> Tables:
        """The tables last pushed, read from the database (same columns, types and order)."""
        meta = self.dataset()
        if meta is None:
            raise BackendError(
                f"no collabnet data in the database at {self.uri}; "
                "push some first with `collabnet neo4j push DATA`"
            )
        if not meta.get("complete"):
            raise BackendError(
                f"the last push to {self.uri} did not finish; run `collabnet neo4j push` again"
            )
        organizations = _frame(
            [row["properties"] for row in self._read("read/organizations")],
            meta["organization_columns"],
            meta["organization_dtypes"],
        )
        links = _frame(
            [
                {
                    **row["properties"],
                    "source": row["source"],
                    "target": row["target"],
                    "kind": _KIND_OF_TYPE[row["type"]],
                }
                for row in self._read("read/links")
            ],
            meta["link_columns"],
            meta["link_dtypes"],
        )
        industries = _frame(
            [row["properties"] for row in self._read("read/industries")],
            meta["industry_columns"],
            meta["industry_dtypes"],
        )
        return Tables(organizations=organizations, links=links, industries=industries)

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type, as the database counts them."""
        nodes = {row["label"]: int(row["nodes"]) for row in self._read("read/node_counts")}
        relationships = {
            row["type"]: int(row["relationships"]) for row in self._read("read/relationship_counts")
        }
        return {"nodes": nodes, "relationships": relationships}

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a read-only statement from the catalog; its records as a DataFrame.

        Only ``analysis/`` and ``read/`` statements are accepted: a read transaction does
        not stop every server (FalkorDB) from writing.
        """
        query = get_query(name)
        if not name.startswith(USER_QUERIES):
            raise BackendError(
                f"query '{name}' writes to or manages the database; only "
                f"{' and '.join(USER_QUERIES)} statements can be run by name"
            )
        declared = {p.name for p in query.parameters}
        values = {p.name: None for p in query.parameters if p.optional}
        values.update(params or {})
        unknown = sorted(set(values) - declared)
        if unknown:
            raise BackendError(f"query '{name}' has no parameter {', '.join(unknown)}")
        rows = self._read(name, **values)
        columns = list(rows[0]) if rows else []
        return pd.DataFrame(rows, columns=columns)

    def info(self) -> dict[str, Any]:
        """Server, dialect, GDS, and the dataset's push state and counts."""
        meta = self.dataset() or {}
        counts = self.counts()
        return {
            "uri": self.uri,
            "database": self.database or "default",
            "server": self.agent,
            "dialect": self.dialect.name,
            "gds": self.has_gds,
            "pushed_at": meta.get("finished_at") or meta.get("started_at"),
            "complete": meta.get("complete"),
            "organizations": counts["nodes"].get("Organization", 0),
            "links": sum(counts["relationships"].get(t, 0) for t in _KIND_OF_TYPE),
            "nodes": counts["nodes"],
            "relationships": counts["relationships"],
        }

    # ------------------------------------------------------------------ writing

    def drop(self) -> int:
        """Delete collabnet's nodes and relationships; the number of nodes deleted."""
        deleted = 0
        while True:
            rows = self._write("delete/dataset", limit=_PRUNE_LIMIT)
            count = int(rows[0]["deleted"]) if rows else 0
            deleted += count
            if count == 0:
                break
        self.refresh()
        return deleted

    def push(
        self,
        tables: Tables,
        *,
        progress: Callable[[PushProgress], None] | None = None,
        batch_rows: int | None = None,
    ) -> PushReport:
        """Write ``tables`` into the database so that it holds exactly them.

        Idempotent: organisations, industries and counties are merged on their ids,
        links on their endpoints, kind and a hash of the whole row, and every write is
        stamped with this push's id; once all batches are in, whatever an earlier push
        wrote and this one did not is deleted. Pushing the same tables twice leaves the
        same nodes and relationships. A push that fails part-way leaves the dataset
        marked unfinished; pushing again completes it.

        Batches are as large as the server takes (a byte budget per statement, see
        :class:`Dialect`); ``batch_rows`` caps their rows further (the push benchmark
        uses 1 to compare with one statement per row).

        Raises
        ------
        BackendError
            Naming the batch that failed and the rows it held, e.g. ``push failed at
            links batch 12 of 40 (cooperation links from rows 551–1210): ...`` (one batch
            holds one kind of link, so its rows are those of that kind in the range).
        """
        started = time.perf_counter()
        push_id = uuid.uuid4().hex
        _check_reserved(tables)
        limit = min(batch_rows or self.dialect.max_rows, self.dialect.max_rows)
        phases = [
            ("industries", self._plan("industries", _industry_rows(tables), push_id, limit)),
            (
                "organisations",
                self._plan("organisations", _organization_rows(tables), push_id, limit),
            ),
            ("links", self._plan("links", _link_rows(tables), push_id, limit)),
        ]
        self._create_schema()
        self._write("load/dataset", name=DATASET, properties=_dataset_start(tables, push_id))
        total_batches = 0
        for phase, batches in phases:
            rows = sum(len(batch.rows) for batch in batches)
            done = 0
            for batch in batches:
                self._send(batch, push_id, len(batches))
                done += len(batch.rows)
                if progress is not None:
                    progress(PushProgress(phase, batch.number, len(batches), done, rows))
            total_batches += len(batches)
        pruned = self._prune(push_id)
        counts = self.counts()
        expected = {
            "Organization": len(tables.organizations),
            "Industry": len(tables.industries),
        }
        found_links = sum(counts["relationships"].get(t, 0) for t in _KIND_OF_TYPE)
        wrong = [
            f"{n} {label} nodes (expected {e})"
            for label, e in expected.items()
            if (n := counts["nodes"].get(label, 0)) != e
        ]
        if found_links != len(tables.links):
            wrong.append(f"{found_links} links (expected {len(tables.links)})")
        if wrong:
            raise BackendError("push finished but the database holds " + ", ".join(wrong))
        finished = datetime.now(UTC).isoformat(timespec="seconds")
        self._write(
            "load/dataset",
            name=DATASET,
            properties={"complete": True, "finished_at": finished},
        )
        self.refresh()
        return PushReport(
            organizations=len(tables.organizations),
            links=len(tables.links),
            industries=len(tables.industries),
            batches=total_batches,
            seconds=time.perf_counter() - started,
            pruned=pruned,
            nodes=counts["nodes"],
            relationships=counts["relationships"],
        )

    def _create_schema(self) -> None:
        if not self.dialect.is_falkordb:
            for name in _NEO4J_SCHEMA:
                self._write(name)
            return
        existing = {
            (row["label"], prop)
            for row in self._read("schema/falkordb/indexes")
            for prop in row["properties"]
        }
        for name, key in _FALKORDB_INDEXES.items():
            if key not in existing:
                self._write(name)

    def _plan(self, phase: str, rows: Iterable[_Row], push_id: str, max_rows: int) -> list[_Batch]:
        """Cut ``rows`` into batches that fit the dialect's budget.

        A batch holds rows for one statement (one organisation type, one link kind), in
        table order; the statements follow one another in the order they first appear.
        """
        fixed = {"push": self.dialect.encode(push_id)}
        groups: dict[str, list[tuple[int, dict[str, Any], int]]] = {}
        labels: dict[str, str] = {}
        rooms: dict[str, int] = {}
        for position, row in enumerate(rows, start=1):
            try:
                encoded = self.dialect.encode(row.values)
            except _Unstorable as err:
                raise BackendError(f"{phase} row {position} ({row.label}): {err}") from err
            if row.query not in rooms:
                rooms[row.query] = self.dialect.room(get_query(row.query), fixed)
                labels[row.query] = row.group
            size = self.dialect.size(encoded) + 2
            if size > rooms[row.query]:
                raise BackendError(
                    f"{phase} row {position} ({row.label}) takes {size} bytes, more than the "
                    f"{rooms[row.query]} bytes {self.dialect.name} accepts in one statement"
                )
            groups.setdefault(row.query, []).append((position, encoded, size))
        batches: list[_Batch] = []
        for name, members in groups.items():
            query = get_query(name)
            room = rooms[name]
            chunk: list[tuple[int, dict[str, Any], int]] = []
            used = 0
            for member in [*members, None]:
                if chunk and (member is None or used + member[2] > room or len(chunk) >= max_rows):
                    batches.append(
                        _Batch(
                            phase,
                            len(batches) + 1,
                            labels[name],
                            chunk[0][0],
                            chunk[-1][0],
                            query,
                            [encoded for _, encoded, _ in chunk],
                        )
                    )
                    chunk, used = [], 0
                if member is not None:
                    chunk.append(member)
                    used += member[2]
        return batches

    def _send(self, batch: _Batch, push_id: str, batches: int) -> None:
        parameters = {"rows": batch.rows, "push": self.dialect.encode(push_id)}

        def work(tx: ManagedTransaction) -> None:
            tx.run(batch.query.text, parameters).consume()

        try:
            with self._session() as session:
                session.execute_write(work)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as err:
            span = f"{batch.group} from rows {batch.first_row}–{batch.last_row}"
            raise BackendError(
                f"push failed at {batch.phase} batch {batch.number} of {batches} "
                f"({span}): {self._error(err)}"
            ) from err

    def _prune(self, push_id: str) -> int:
        pruned = 0
        for name in ("load/prune_relationships", "load/prune_nodes"):
            while True:
                rows = self._write(name, push=push_id, limit=_PRUNE_LIMIT)
                count = int(rows[0]["deleted"]) if rows else 0
                pruned += count
                if count == 0:
                    break
        return pruned


_NEO4J_SCHEMA = (
    "schema/neo4j/organization_id",
    "schema/neo4j/industry_code",
    "schema/neo4j/county_name",
    "schema/neo4j/dataset_name",
)
_FALKORDB_INDEXES = {
    "schema/falkordb/organization_id": ("Organization", "id"),
    "schema/falkordb/industry_code": ("Industry", "code"),
    "schema/falkordb/county_name": ("County", "name"),
    "schema/falkordb/dataset_name": ("Dataset", "name"),
}


# ---------------------------------------------------------------------- rows to send


@dataclass(frozen=True)
class _Row:
    query: str
    values: dict[str, Any]
    label: str
    group: str


def _plain(value: Any) -> Any:
    """A value the driver can send: Python scalars, lists; ``None`` for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, tuple | list | np.ndarray):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    columns = list(frame.columns)
    for values in zip(*(frame[c].to_numpy(dtype=object) for c in columns), strict=True):
        yield {column: _plain(value) for column, value in zip(columns, values, strict=True)}


def _properties(record: Mapping[str, Any], position: int) -> dict[str, Any]:
    properties = {key: value for key, value in record.items() if value is not None}
    properties[_ROW] = position
    return properties


def _industry_rows(tables: Tables) -> Iterator[_Row]:
    for position, record in enumerate(_records(tables.industries)):
        yield _Row(
            "load/industries",
            _properties(record, position),
            f"industry {record['code']}",
            "industries",
        )


def _organization_rows(tables: Tables) -> Iterator[_Row]:
    for position, record in enumerate(_records(tables.organizations)):
        if record["type"] not in LABELS:
            raise BackendError(
                f"organisations row {position + 1} (id {record['id']}): unknown type "
                f"{record['type']!r} (expected one of {', '.join(LABELS)})"
            )
        yield _Row(
            f"load/organizations/{record['type']}",
            _properties(record, position),
            f"id {record['id']}",
            f"{record['type']} organisations",
        )


def _link_rows(tables: Tables) -> Iterator[_Row]:
    links = tables.links
    for position, (record, key) in enumerate(zip(_records(links), _link_keys(links), strict=True)):
        if record["kind"] not in RELATIONSHIP_TYPES:
            raise BackendError(
                f"links row {position + 1}: unknown kind {record['kind']!r} "
                f"(expected one of {', '.join(RELATIONSHIP_TYPES)})"
            )
        properties = {k: v for k, v in record.items() if k not in ("source", "target", "kind")}
        properties[_KEY] = key
        yield _Row(
            f"load/links/{record['kind']}",
            # Short keys: on FalkorDB every byte of a row counts against the 4 KB budget.
            {"s": record["source"], "t": record["target"], "p": _properties(properties, position)},
            f"{record['source']} → {record['target']}, {record['kind']}",
            f"{record['kind']} links",
        )


def _link_keys(links: pd.DataFrame) -> list[str]:
    """A key per link row: a hash of the whole row, plus a counter for identical rows."""
    if len(links) == 0:
        return []
    hashes = pd.util.hash_pandas_object(links.astype(object), index=False).to_numpy()
    repeat = pd.Series(hashes).groupby(hashes).cumcount().to_numpy()
    keys = []
    for value, count in zip(hashes, repeat, strict=True):
        key = base64.urlsafe_b64encode(int(value).to_bytes(8, "big")).decode().rstrip("=")
        keys.append(f"{key}.{count}" if count else key)
    return keys


def _check_reserved(tables: Tables) -> None:
    for table, frame in (
        ("organisations", tables.organizations),
        ("links", tables.links),
        ("industries", tables.industries),
    ):
        clash = sorted(set(frame.columns) & set(_RESERVED))
        if clash:
            raise BackendError(
                f"the {table} table has a column named {clash[0]}, a name collabnet "
                "keeps for itself in the database; rename the column"
            )


def _dtype_names(frame: pd.DataFrame) -> list[str]:
    names = []
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and values.map(lambda v: isinstance(v, tuple)).any():
            names.append("tuple")
        else:
            names.append(str(values.dtype))
    return names


def _dataset_start(tables: Tables, push_id: str) -> dict[str, Any]:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "push_id": push_id,
        "complete": False,
        "started_at": started,
        "organization_columns": [str(c) for c in tables.organizations.columns],
        "organization_dtypes": _dtype_names(tables.organizations),
        "link_columns": [str(c) for c in tables.links.columns],
        "link_dtypes": _dtype_names(tables.links),
        "industry_columns": [str(c) for c in tables.industries.columns],
        "industry_dtypes": _dtype_names(tables.industries),
    }


# ---------------------------------------------------------------------- rows read back


def _frame(
    records: list[dict[str, Any]], columns: Sequence[str], dtypes: Sequence[str]
) -> pd.DataFrame:
    """Records read back, in the order pushed, with the columns and dtypes pushed."""
    records = sorted(records, key=lambda r: (r.get(_ROW) is None, r.get(_ROW) or 0))
    data = {
        column: _column([r.get(column) for r in records], dtype)
        for column, dtype in zip(columns, dtypes, strict=True)
    }
    return pd.DataFrame(data, columns=list(columns))


def _column(values: list[Any], dtype: str) -> pd.Series:
    if dtype == "tuple":
        return pd.Series([tuple(v) if v is not None else None for v in values], dtype=object)
    if dtype == "object":
        return pd.Series(values, dtype=object)
    if dtype == "bool":
        return pd.Series([bool(v) for v in values], dtype=bool)
    if dtype == "Int64":
        return pd.Series(values, dtype=object).astype("Int64")
    if dtype == "boolean":
        return pd.Series(values, dtype=object).astype("boolean")
    if dtype.startswith("float"):
        return pd.Series([np.nan if v is None else v for v in values], dtype=dtype)
    try:
        return pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(values, dtype=object)


# ---------------------------------------------------------------------- PageRank


def pagerank_with_isolated(
    linked: Mapping[str, float], everyone: Sequence[str], damping: float
) -> pd.DataFrame:
    """networkx's PageRank of the whole network from the PageRank of its linked part.

    ``linked`` holds scores (any scale) for the organisations that have at least one
    link, as GDS computes them; ``everyone`` lists all organisations. networkx spreads
    an isolated organisation's rank evenly over all ``n``, so each of the ``k`` isolated
    ones ends with ``s = (1 - d) / (n - d k)``, and the linked ones share ``1 - k s`` in
    proportion to their PageRank among themselves.

    Examples
    --------
    >>> ranks = pagerank_with_isolated({"a": 1.0, "b": 1.0}, ["a", "b", "c"], 0.85)
    >>> ranks["pagerank"].round(4).tolist()
    [0.4651, 0.4651, 0.0698]
    """
    n = len(everyone)
    isolated = [org for org in everyone if org not in linked]
    k = len(isolated)
    share = (1 - damping) / (n - damping * k) if n else 0.0
    total = sum(linked.values())
    scores = {org: share for org in isolated}
    for org, score in linked.items():
        scores[org] = (1 - k * share) * score / total if total else 0.0
    return pd.DataFrame({"id": list(everyone), "pagerank": [scores[o] for o in everyone]})


# ---------------------------------------------------------------------- files


def write_tables(tables: Tables, folder: str | Path) -> list[Path]:
    """Write ``organizations.csv``, ``links.csv`` and ``industries.csv`` that
    :func:`~collabnet.tables.load_tables` reads back into the same tables.

    Lists (an organisation's industries, an industry's aliases) are joined with ``;``,
    flags written ``true``/``false``, missing values left empty.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        ("organizations", tables.organizations),
        ("links", tables.links),
        ("industries", tables.industries),
    ):
        path = folder / f"{name}.csv"
        _as_text(frame).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    def cell(value: Any) -> str:
        value = _plain(value)
        if value is None:
            return ""
        if isinstance(value, list):
            return ";".join(str(v) for v in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return str(value)

    return pd.DataFrame(
        {c: [cell(v) for v in frame[c].to_numpy(dtype=object)] for c in frame.columns}
    )


# ---------------------------------------------------------------------- messages


def translate_error(
    err: BaseException, *, uri: str, user: str, database: str | None
) -> BackendError:
    """A one-line :class:`BackendError` saying what went wrong, in the user's terms."""
    if isinstance(err, neo4j_errors.AuthError):
        return BackendError(
            f"the graph database at {uri} refused the credentials of user '{user}' "
            "(set NEO4J_PASSWORD, or use --ask-password)"
        )
    code = getattr(err, "code", None) or ""
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return BackendError(f"the server at {uri} has no database '{database}'")
    if isinstance(err, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        return BackendError(
            f"cannot reach the graph database at {uri}: {_reason(err)}; is it running?"
        )
    if isinstance(err, neo4j_errors.Neo4jError):
        message = _one_line(getattr(err, "message", None) or err)
        return BackendError(f"the graph database refused a statement ({code}): {message}")
    return BackendError(f"graph database error at {uri}: {_one_line(err)}")


def _one_line(err: BaseException) -> str:
    return re.sub(r"\s+", " ", str(err)).strip()[:300]


def _reason(err: BaseException) -> str:
    """The useful part of a driver's connection error (e.g. 'Connection refused')."""
    text = _one_line(err)
    found = re.search(r"reason (.+?)\)*$", text)
    if found:
        return re.sub(r"^\[Errno -?\d+\]\s*", "", found.group(1))
    cause = err.__cause__
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__
    return text
