"""Writing validated tables into the database: rows, batches, pruning, the dataset node.

A push is idempotent. Organisations, industries and counties are merged on their ids;
links and participations are created afresh, one relationship per row; every write is
stamped with the push's id, and once all batches are in, whatever an earlier push wrote
and this one did not is deleted. Rows are converted a column at a time, one batch at a
time, so a push holds one batch of row maps in memory, not the whole table.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from collabnet.backends.cypher_catalog import get_query
from collabnet.backends.neo4j.connection import Connection
from collabnet.backends.neo4j.model import (
    DATASET,
    EMPTY,
    KIND_OF_TYPE,
    LABELS,
    PUSH,
    RELATIONSHIP_TYPES,
    ROW,
    SCHEMA,
)
from collabnet.backends.neo4j.read import counts
from collabnet.errors import BackendError
from collabnet.tables import Tables, links_are_derived
from collabnet.writers import plain_value

__all__ = [
    "BATCH_ROWS",
    "PushProgress",
    "PushReport",
    "check_kinds",
    "check_reserved",
    "dataset_start",
    "delete_dataset",
    "push",
]

# Rows per UNWIND statement: large enough that a round trip costs little per row, small
# enough that one transaction stays a few megabytes.
BATCH_ROWS = 5_000

_RESERVED = (PUSH, ROW, EMPTY)
_PRUNE_LIMIT = 10_000

# Phases whose batches go several at a time: relationships, which lock only their two
# end nodes (a transaction that deadlocks on a hub is retried by the driver).
_PARALLEL_PHASES = frozenset({"links", "participations"})

# Transactions in flight at once in those phases.
PUSH_WORKERS = 2


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


@dataclass(frozen=True)
class _Group:
    """Rows of one table sent with one statement: one organisation type, one link kind.

    ``positions`` are the rows' 0-based positions in the table, in table order;
    ``build`` turns a slice of them into the statement's row maps.
    """

    phase: str
    query: str
    label: str
    positions: np.ndarray
    build: Callable[[np.ndarray], list[dict[str, Any]]]


@dataclass(frozen=True)
class _Batch:
    """Rows for one statement, sent in one transaction; built when sent."""

    group: _Group
    number: int
    positions: np.ndarray

    @property
    def span(self) -> str:
        first, last = int(self.positions[0]) + 1, int(self.positions[-1]) + 1
        return f"{self.group.label} from rows {first}–{last}"


def push(
    connection: Connection,
    tables: Tables,
    *,
    progress: Callable[[PushProgress], None] | None = None,
    batch_rows: int | None = None,
    workers: int = PUSH_WORKERS,
) -> PushReport:
    """Write ``tables`` so that the database holds exactly them (see
    :meth:`collabnet.backends.neo4j.Neo4jBackend.push`)."""
    started = time.perf_counter()
    push_id = uuid.uuid4().hex
    check_reserved(tables)
    check_kinds(tables)
    limit = batch_rows or BATCH_ROWS
    if limit < 1:
        raise BackendError(f"batch_rows must be at least 1, got {batch_rows}")
    # Links find their ends by the nodes' element ids, read once the organisations are in.
    nodes = _Nodes(connection)
    phases = [
        ("industries", _industry_groups(tables.industries)),
        ("organisations", _organization_groups(tables.organizations)),
        ("links", _link_groups(tables.links, nodes)),
    ]
    if tables.participations is not None:
        # Kept with the links derived from them, so that a cut at an earlier year can
        # derive its links again from the projects up to then, as in memory.
        if tables.projects is not None:
            phases.append(("projects", _project_groups(tables.projects)))
        phases.append(("participations", _participation_groups(tables.participations, nodes)))
    for name in SCHEMA:
        connection.write(name)
    connection.write("load/dataset", name=DATASET, properties=dataset_start(tables, push_id))
    total_batches = 0
    for phase, groups in phases:
        batches = _batches(groups, limit)
        rows = sum(len(group.positions) for group in groups)
        done = 0
        in_flight = workers if phase in _PARALLEL_PHASES else 1
        for batch in _sent(connection, batches, push_id, in_flight):
            done += len(batch.positions)
            if progress is not None:
                progress(PushProgress(phase, batch.number, len(batches), done, rows))
        total_batches += len(batches)
    pruned = _prune(connection, push_id)
    found = counts(connection)
    expected = {
        "Organization": len(tables.organizations),
        "Industry": len(tables.industries),
    }
    if tables.projects is not None:
        # Every row of the projects table, a project's several themes included.
        expected["ProjectRow"] = len(tables.projects)
    found_links = sum(found["relationships"].get(t, 0) for t in KIND_OF_TYPE)
    wrong = [
        f"{n} {label} nodes (expected {e})"
        for label, e in expected.items()
        if (n := found["nodes"].get(label, 0)) != e
    ]
    if found_links != len(tables.links):
        wrong.append(f"{found_links} links (expected {len(tables.links)})")
    participations = 0 if tables.participations is None else len(tables.participations)
    found_participations = found["relationships"].get("PARTICIPATED", 0)
    if found_participations != participations:
        wrong.append(f"{found_participations} participations (expected {participations})")
    if wrong:
        raise BackendError("push finished but the database holds " + ", ".join(wrong))
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    connection.write(
        "load/dataset", name=DATASET, properties={"complete": True, "finished_at": finished}
    )
    return PushReport(
        organizations=len(tables.organizations),
        links=len(tables.links),
        industries=len(tables.industries),
        batches=total_batches,
        seconds=time.perf_counter() - started,
        pruned=pruned,
        nodes=found["nodes"],
        relationships=found["relationships"],
    )


def delete_dataset(connection: Connection) -> int:
    """Delete collabnet's nodes and relationships, in batches; the number of nodes deleted."""
    return _delete_until_none(connection, "delete/dataset")


def _batches(groups: list[_Group], limit: int) -> list[_Batch]:
    """Cut each group's rows into batches of at most ``limit`` rows, numbered in order."""
    batches: list[_Batch] = []
    for group in groups:
        for start in range(0, len(group.positions), limit):
            positions = group.positions[start : start + limit]
            batches.append(_Batch(group, len(batches) + 1, positions))
    return batches


def _sent(
    connection: Connection, batches: list[_Batch], push_id: str, workers: int
) -> Iterator[_Batch]:
    """Send ``batches``, up to ``workers`` transactions at a time, and yield each batch
    once it is committed, in order. The first failure is raised once the batches in
    flight have ended."""
    if workers <= 1:
        for batch in batches:
            _send(connection, batch, push_id, len(batches))
            yield batch
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[_Batch, Future[None]]] = deque()
        queued = iter(batches)
        try:
            for batch in queued:
                pending.append(
                    (batch, pool.submit(_send, connection, batch, push_id, len(batches)))
                )
                if len(pending) == workers:
                    done, future = pending.popleft()
                    future.result()
                    yield done
            while pending:
                done, future = pending.popleft()
                future.result()
                yield done
        finally:
            for _, future in pending:
                future.cancel()


def _send(connection: Connection, batch: _Batch, push_id: str, batches: int) -> None:
    parameters = {"rows": batch.group.build(batch.positions), "push": push_id}
    try:
        connection.run(get_query(batch.group.query), parameters, write=True)
    except BackendError as err:
        raise BackendError(
            f"push failed at {batch.group.phase} batch {batch.number} of {batches} "
            f"({batch.span}): {err}"
        ) from err


def _prune(connection: Connection, push_id: str) -> int:
    return sum(
        _delete_until_none(connection, name, push=push_id)
        for name in ("load/prune_relationships", "load/prune_nodes")
    )


def _delete_until_none(connection: Connection, name: str, **params: Any) -> int:
    deleted = 0
    while True:
        rows = connection.write(name, **params, limit=_PRUNE_LIMIT)
        count = int(rows[0]["deleted"]) if rows else 0
        deleted += count
        if count == 0:
            return deleted


def _plain_column(values: pd.Series) -> list[Any]:
    """A column's cells as plain Python values, ``None`` where missing (see
    :func:`collabnet.writers.plain_value`), converted a column at a time."""
    if values.dtype == object or values.dtype.kind in "mM":
        return [plain_value(value) for value in values]
    cells = values.tolist()
    for position in np.flatnonzero(values.isna().to_numpy()):
        cells[position] = None
    return cells


def _maps(frame: pd.DataFrame, positions: np.ndarray) -> list[dict[str, Any]]:
    """The rows at ``positions`` as property maps: missing cells left out, ``_row`` added."""
    chunk = frame.iloc[positions]
    columns = [str(column) for column in chunk.columns]
    cells = [_plain_column(chunk[column]) for column in chunk.columns]
    maps = []
    for row, position in enumerate(positions.tolist()):
        properties = {
            column: column_cells[row]
            for column, column_cells in zip(columns, cells, strict=True)
            if column_cells[row] is not None
        }
        properties[ROW] = position
        maps.append(properties)
    return maps


def _by_value(
    phase: str,
    frame: pd.DataFrame,
    column: str,
    query: Callable[[str], str],
    label: Callable[[str], str],
    build: Callable[[np.ndarray], list[dict[str, Any]]],
) -> list[_Group]:
    """One group per distinct value of ``column``, in the order the values first appear."""
    values = frame[column].to_numpy(dtype=object)
    groups = []
    for value in pd.unique(values):
        positions = np.flatnonzero(values == value)
        groups.append(_Group(phase, query(value), label(value), positions, build))
    return groups


def _industry_groups(industries: pd.DataFrame) -> list[_Group]:
    everything = np.arange(len(industries))
    return [
        _Group(
            "industries",
            "load/industries",
            "industries",
            everything,
            lambda positions: _maps(industries, positions),
        )
    ]


def _organization_groups(organizations: pd.DataFrame) -> list[_Group]:
    return _by_value(
        "organisations",
        organizations,
        "type",
        lambda kind: f"load/organizations/{kind}",
        lambda kind: f"{kind} organisations",
        lambda positions: _maps(organizations, positions),
    )


class _Nodes:
    """Each organisation's node (element id), read from the database on first use."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._ids: pd.Series | None = None

    def of(self, ids: pd.Series) -> list[str]:
        if self._ids is None:
            rows = self._connection.read("read/element_ids")
            self._ids = pd.Series(
                [row["node"] for row in rows], index=[row["id"] for row in rows], dtype=object
            )
        return self._ids.reindex(ids.to_numpy(dtype=object)).tolist()


def _link_groups(links: pd.DataFrame, nodes: _Nodes) -> list[_Group]:
    rest = links.drop(columns=["source", "target", "kind"])

    def build(positions: np.ndarray) -> list[dict[str, Any]]:
        sources = nodes.of(links["source"].iloc[positions])
        targets = nodes.of(links["target"].iloc[positions])
        properties = _maps(rest, positions)
        return [
            {"s": s, "t": t, "p": p} for s, t, p in zip(sources, targets, properties, strict=True)
        ]

    return _by_value(
        "links",
        links,
        "kind",
        lambda kind: f"load/links/{kind}",
        lambda kind: f"{kind} links",
        build,
    )


def _project_groups(projects: pd.DataFrame) -> list[_Group]:
    return [
        _Group(
            "projects",
            "load/projects",
            "projects",
            np.arange(len(projects)),
            lambda positions: _maps(projects, positions),
        )
    ]


def _participation_groups(participations: pd.DataFrame, nodes: _Nodes) -> list[_Group]:
    rest = participations.drop(columns=["org", "project"])

    def build(positions: np.ndarray) -> list[dict[str, Any]]:
        organizations = nodes.of(participations["org"].iloc[positions])
        projects = participations["project"].iloc[positions].tolist()
        properties = _maps(rest, positions)
        return [
            {"o": o, "p": p, "r": r}
            for o, p, r in zip(organizations, projects, properties, strict=True)
        ]

    return [
        _Group(
            "participations",
            "load/participations",
            "participations",
            np.arange(len(participations)),
            build,
        )
    ]


def check_kinds(tables: Tables) -> None:
    """Refuse organisation types and link kinds the graph model has no label or type for."""
    organizations, links = tables.organizations, tables.links
    unknown = ~organizations["type"].isin(list(LABELS))
    if unknown.any():
        position = int(np.flatnonzero(unknown.to_numpy())[0])
        record = organizations.iloc[position]
        raise BackendError(
            f"organisations row {position + 1} (id {record['id']}): unknown type "
            f"{record['type']!r} (expected one of {', '.join(LABELS)})"
        )
    unknown = ~links["kind"].isin(list(RELATIONSHIP_TYPES))
    if unknown.any():
        position = int(np.flatnonzero(unknown.to_numpy())[0])
        raise BackendError(
            f"links row {position + 1}: unknown kind {links['kind'].iloc[position]!r} "
            f"(expected one of {', '.join(RELATIONSHIP_TYPES)})"
        )


def check_reserved(tables: Tables) -> None:
    """Refuse tables with a column named like one of collabnet's own properties."""
    for table, frame in (
        ("organisations", tables.organizations),
        ("links", tables.links),
        ("industries", tables.industries),
        ("participations", tables.participations),
        ("projects", tables.projects),
    ):
        if frame is None:
            continue
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


def dataset_start(tables: Tables, push_id: str) -> dict[str, Any]:
    """The dataset node's properties for a load of ``tables`` that starts now: columns,
    types and row counts of each table, so that a pull gives the tables back."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    optional: dict[str, Any] = {}
    # With participations, the organisations and links read from files come first in
    # their tables; their counts, columns and types let a pull set them apart again.
    for name, frame in (
        ("participation", tables.participations),
        ("project", tables.projects),
        ("listed_organization", tables.listed_organizations),
        ("listed_link", tables.listed_links),
    ):
        optional[f"{name}_columns"] = None if frame is None else [str(c) for c in frame.columns]
        optional[f"{name}_dtypes"] = None if frame is None else _dtype_names(frame)
        optional[f"{name}_rows"] = None if frame is None else len(frame)
    return {
        **optional,
        # Whether a pull may derive the links again from the participations.
        "links_derived": links_are_derived(tables),
        "push_id": push_id,
        "complete": False,
        "started_at": started,
        "organization_columns": [str(c) for c in tables.organizations.columns],
        "organization_dtypes": _dtype_names(tables.organizations),
        "link_columns": [str(c) for c in tables.links.columns],
        "link_dtypes": _dtype_names(tables.links),
        "industry_columns": [str(c) for c in tables.industries.columns],
        "industry_dtypes": _dtype_names(tables.industries),
        # Where leading enterprises were marked (column -> count), as two lists: a
        # property holds no maps.
        "leading_columns": [column for column, _ in tables.leading_from],
        "leading_counts": [count for _, count in tables.leading_from],
    }
