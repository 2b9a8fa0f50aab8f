"""What the graph model calls things (see ``cypher/README.md``).

Labels and relationship types come only from the fixed mappings :data:`LABELS` and
:data:`RELATIONSHIP_TYPES`, which select among the ``.cypher`` files; nothing from the
data is ever written into a statement.
"""

from __future__ import annotations

from collabnet.schema import LINK_KINDS, ORG_TYPES

__all__ = [
    "DATASET",
    "EMPTY",
    "IMPORT_PENDING",
    "IMPORT_RENAMED",
    "IMPORT_STAND_INS",
    "KEY",
    "KIND_OF_TYPE",
    "LABELS",
    "PUSH",
    "RELATIONSHIP_TYPES",
    "ROW",
    "SCHEMA",
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
# After an offline import: the names of a node's or relationship's properties whose value
# is an empty list (the importer cannot write one), and the dataset node's flag saying that
# these lists and the constraints are still to be written.
EMPTY = "_empty"
IMPORT_PENDING = "import_pending"
# The dataset node's lists of properties an offline import wrote under stand-in names
# (their names hold characters of the importer's header syntax), and those stand-ins.
IMPORT_RENAMED = "import_renamed"
IMPORT_STAND_INS = "import_stand_ins"
# The uniqueness constraints, created by a push and after an offline import.
SCHEMA = (
    "schema/organization_id",
    "schema/industry_code",
    "schema/county_name",
    "schema/dataset_name",
    "schema/project_id",
)

if set(LABELS) != set(ORG_TYPES) or set(RELATIONSHIP_TYPES) != set(LINK_KINDS):
    raise ImportError("collabnet.backends.neo4j: LABELS/RELATIONSHIP_TYPES out of step with schema")
