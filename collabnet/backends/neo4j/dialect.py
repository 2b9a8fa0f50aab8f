"""What the graph model calls things, and how values travel to each kind of server.

Labels and relationship types come only from the fixed mappings :data:`LABELS` and
:data:`RELATIONSHIP_TYPES`, which select among the ``.cypher`` files; nothing from the
data is ever written into a statement.

Servers differ (a :class:`Dialect` each). Neo4j takes batches of thousands of rows and
stores every value exactly. FalkorDB (recognised because ``dbms.components()`` fails on
it; over Bolt it calls itself Neo4j 5.13) writes the parameters into the query text in a
4 KB buffer and crashes beyond it; it also puts strings between single quotes without
escaping them and prints numbers with six decimals, so string parameters are escaped
here, unusual map keys quoted, and numbers that six decimals cannot hold are refused
rather than silently rounded.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collabnet.backends.cypher_catalog import Query
from collabnet.schema import LINK_KINDS, ORG_TYPES

__all__ = [
    "DATASET",
    "FALKORDB",
    "KEY",
    "KIND_OF_TYPE",
    "LABELS",
    "NEO4J",
    "PUSH",
    "RELATIONSHIP_TYPES",
    "ROW",
    "Dialect",
    "Unstorable",
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
KIND_OF_TYPE = {rel: kind for kind, rel in RELATIONSHIP_TYPES.items()}
DATASET = "collabnet"
# collabnet's own bookkeeping properties: the push that last wrote an item, the row's
# position in its table, and a link row's hash (see cypher/README.md).
PUSH = "_push"
ROW = "_row"
KEY = "_key"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

if set(LABELS) != set(ORG_TYPES) or set(RELATIONSHIP_TYPES) != set(LINK_KINDS):
    raise ImportError("collabnet.backends.neo4j: LABELS/RELATIONSHIP_TYPES out of step with schema")


class Unstorable(ValueError):
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
            raise Unstorable("contains a NUL character, which FalkorDB cannot store")
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unstorable(f"{value} cannot be sent to FalkorDB")
        if float(f"{value:f}") != value:
            raise Unstorable(
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
                raise Unstorable(f"name {key!r} contains a backtick, which FalkorDB cannot store")
            plain = _IDENTIFIER.fullmatch(key) is not None
            encoded[key if plain else f"`{key}`"] = _falkordb_value(item)
        return encoded
    raise Unstorable(f"unsupported value {value!r} ({type(value).__name__})")


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
