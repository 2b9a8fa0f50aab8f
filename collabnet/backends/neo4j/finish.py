"""What an offline import leaves to the first connection (see
:mod:`collabnet.backends.neo4j.bulk`): the uniqueness constraints, the empty lists and
the properties written under stand-in names.

The dataset node of an imported database carries ``import_pending``; the first command
that reads the dataset node writes them and removes the flag. Every step is idempotent,
so a command interrupted half-way leaves the flag, and the next one finishes the job.
"""

from __future__ import annotations

from typing import Any

from collabnet.backends.neo4j.connection import Connection
from collabnet.backends.neo4j.model import (
    DATASET,
    IMPORT_PENDING,
    IMPORT_RENAMED,
    IMPORT_STAND_INS,
    SCHEMA,
)

__all__ = ["finish_import"]

_LIMIT = 10_000


def finish_import(connection: Connection, meta: dict[str, Any]) -> None:
    """Create the constraints, give the properties written under stand-in names their own
    names, and set the empty lists, which an offline import could not write (``meta``:
    the dataset node)."""
    for name in SCHEMA:
        connection.write(name)
    renamed = zip(meta.get(IMPORT_STAND_INS) or [], meta.get(IMPORT_RENAMED) or [], strict=True)
    for stand_in, own in renamed:
        for name in ("load/rename_node_property", "load/rename_relationship_property"):
            _until_none(connection, name, source=stand_in, target=own)
    for name in ("load/empty_lists_nodes", "load/empty_lists_relationships"):
        _until_none(connection, name)
    done = {IMPORT_PENDING: None, IMPORT_RENAMED: None, IMPORT_STAND_INS: None}
    connection.write("load/dataset", name=DATASET, properties=done)


def _until_none(connection: Connection, name: str, **params: Any) -> None:
    while True:
        rows = connection.write(name, **params, limit=_LIMIT)
        if not rows or int(rows[0]["changed"]) == 0:
            return
