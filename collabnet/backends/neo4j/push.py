"""Writing validated tables into the database: rows, batches, pruning, the dataset node.

A push is idempotent. Organisations, industries and counties are merged on their ids,
links on their endpoints, kind and a hash of the whole row, and every write is stamped
with the push's id; once all batches are in, whatever an earlier push wrote and this one
did not is deleted.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from collabnet.backends.cypher_catalog import Query, get_query
from collabnet.backends.neo4j.connection import Connection
from collabnet.backends.neo4j.model import (
    DATASET,
    KEY,
    KIND_OF_TYPE,
    LABELS,
    PUSH,
    RELATIONSHIP_TYPES,
    ROW,
)
from collabnet.backends.neo4j.read import counts
from collabnet.errors import BackendError
from collabnet.tables import Tables
from collabnet.writers import plain_value

__all__ = ["BATCH_ROWS", "PushProgress", "PushReport", "delete_dataset", "push"]

# Rows per UNWIND statement: large enough that a round trip costs little per row, small
# enough that one transaction stays a few megabytes.
BATCH_ROWS = 5_000

_RESERVED = (PUSH, ROW, KEY)
_PRUNE_LIMIT = 10_000
_SCHEMA = (
    "schema/organization_id",
    "schema/industry_code",
    "schema/county_name",
    "schema/dataset_name",
    "schema/project_id",
)


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


@dataclass(frozen=True)
class _Row:
    query: str
    values: dict[str, Any]
    label: str
    group: str


def push(
    connection: Connection,
    tables: Tables,
    *,
    progress: Callable[[PushProgress], None] | None = None,
    batch_rows: int | None = None,
) -> PushReport:
    """Write ``tables`` so that the database holds exactly them (see
    :meth:`collabnet.backends.neo4j.Neo4jBackend.push`)."""
    started = time.perf_counter()
    push_id = uuid.uuid4().hex
    _check_reserved(tables)
    limit = batch_rows or BATCH_ROWS
    if limit < 1:
        raise BackendError(f"batch_rows must be at least 1, got {batch_rows}")
    phases = [
        ("industries", _plan("industries", _industry_rows(tables), limit)),
        ("organisations", _plan("organisations", _organization_rows(tables), limit)),
        ("links", _plan("links", _link_rows(tables), limit)),
    ]
    if tables.participations is not None:
        # Kept with the links derived from them, so that a cut at an earlier year can
        # derive its links again from the projects up to then, as in memory.
        if tables.projects is not None:
            phases.append(("projects", _plan("projects", _project_rows(tables.projects), limit)))
        participated = _participation_rows(tables.participations)
        phases.append(("participations", _plan("participations", participated, limit)))
    for name in _SCHEMA:
        connection.write(name)
    connection.write("load/dataset", name=DATASET, properties=_dataset_start(tables, push_id))
    total_batches = 0
    for phase, batches in phases:
        rows = sum(len(batch.rows) for batch in batches)
        done = 0
        for batch in batches:
            _send(connection, batch, push_id, len(batches))
            done += len(batch.rows)
            if progress is not None:
                progress(PushProgress(phase, batch.number, len(batches), done, rows))
        total_batches += len(batches)
    pruned = _prune(connection, push_id)
    found = counts(connection)
    expected = {
        "Organization": len(tables.organizations),
        "Industry": len(tables.industries),
    }
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


def _plan(phase: str, rows: Iterable[_Row], limit: int) -> list[_Batch]:
    """Cut ``rows`` into batches of at most ``limit`` rows.

    A batch holds rows for one statement (one organisation type, one link kind), in
    table order; the statements follow one another in the order they first appear.
    """
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    labels: dict[str, str] = {}
    for position, row in enumerate(rows, start=1):
        groups.setdefault(row.query, []).append((position, row.values))
        labels.setdefault(row.query, row.group)
    batches: list[_Batch] = []
    for name, members in groups.items():
        query = get_query(name)
        for start in range(0, len(members), limit):
            chunk = members[start : start + limit]
            rows_sent = [values for _, values in chunk]
            batches.append(
                _Batch(
                    phase,
                    len(batches) + 1,
                    labels[name],
                    chunk[0][0],
                    chunk[-1][0],
                    query,
                    rows_sent,
                )
            )
    return batches


def _send(connection: Connection, batch: _Batch, push_id: str, batches: int) -> None:
    parameters = {"rows": batch.rows, "push": push_id}
    try:
        connection.run(batch.query, parameters, write=True)
    except BackendError as err:
        span = f"{batch.group} from rows {batch.first_row}–{batch.last_row}"
        raise BackendError(
            f"push failed at {batch.phase} batch {batch.number} of {batches} ({span}): {err}"
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


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    columns = list(frame.columns)
    for values in zip(*(frame[c].to_numpy(dtype=object) for c in columns), strict=True):
        yield {column: plain_value(value) for column, value in zip(columns, values, strict=True)}


def _properties(record: Mapping[str, Any], position: int) -> dict[str, Any]:
    properties = {key: value for key, value in record.items() if value is not None}
    properties[ROW] = position
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
        properties[KEY] = key
        yield _Row(
            f"load/links/{record['kind']}",
            {"s": record["source"], "t": record["target"], "p": _properties(properties, position)},
            f"{record['source']} → {record['target']}, {record['kind']}",
            f"{record['kind']} links",
        )


def _project_rows(projects: pd.DataFrame) -> Iterator[_Row]:
    for position, record in enumerate(_records(projects)):
        yield _Row(
            "load/projects",
            _properties(record, position),
            f"project {record['project']}",
            "projects",
        )


def _participation_rows(participations: pd.DataFrame) -> Iterator[_Row]:
    keys = _link_keys(participations)
    for position, (record, key) in enumerate(zip(_records(participations), keys, strict=True)):
        properties = {k: v for k, v in record.items() if k not in ("org", "project")}
        properties[KEY] = key
        yield _Row(
            "load/participations",
            {"o": record["org"], "p": record["project"], "r": _properties(properties, position)},
            f"{record['org']} in {record['project']}",
            "participations",
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


def _dataset_start(tables: Tables, push_id: str) -> dict[str, Any]:
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
