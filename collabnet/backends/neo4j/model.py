"""What the graph model calls things (see ``cypher/README.md``).

Labels and relationship types come only from the fixed mappings :data:`LABELS` and
:data:`RELATIONSHIP_TYPES`, which select among the ``.cypher`` files; nothing from the
data is ever written into a statement.
"""

from __future__ import annotations

from collabnet.schema import LINK_KINDS, ORG_TYPES

__all__ = [
    "DATASET",
    "KEY",
    "KIND_OF_TYPE",
    "LABELS",
    "PUSH",
    "RELATIONSHIP_TYPES",
    "ROW",
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

if set(LABELS) != set(ORG_TYPES) or set(RELATIONSHIP_TYPES) != set(LINK_KINDS):
    raise ImportError("collabnet.backends.neo4j: LABELS/RELATIONSHIP_TYPES out of step with schema")
