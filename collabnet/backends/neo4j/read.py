"""Reading the database: the tables pushed, counts, the dataset node, named queries.

Tables come back with the columns, dtypes and row order they were pushed with (the
dataset node records the columns and dtypes, ``_row`` the order).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from collabnet.backends.cypher_catalog import get_query
from collabnet.backends.neo4j.connection import Connection
from collabnet.backends.neo4j.finish import finish_import
from collabnet.backends.neo4j.model import DATASET, IMPORT_PENDING, KIND_OF_TYPE, ROW
from collabnet.errors import BackendError
from collabnet.participations import ORG_ATTRIBUTES_IN_PARTICIPATIONS
from collabnet.tables import Tables, links_with_derived
from collabnet.writers import plain_value

__all__ = [
    "USER_QUERIES",
    "counts",
    "cut_coverage",
    "dataset",
    "degrees",
    "ego_brokerage",
    "leading_rows",
    "pair_table",
    "participants",
    "pull",
    "read_industries",
    "read_organizations",
    "read_projects",
    "run_query",
]

# Folders of the statements anyone may run by name; the others write or manage the database.
USER_QUERIES = ("analysis/", "read/")


def dataset(connection: Connection) -> dict[str, Any] | None:
    """The dataset node's properties, or ``None`` when nothing was pushed; the first call
    after an offline import finishes the import first (:func:`finish_import`)."""
    rows = connection.read("read/dataset", name=DATASET)
    if rows and rows[0]["dataset"].get(IMPORT_PENDING):
        finish_import(connection, dict(rows[0]["dataset"]))
        rows = connection.read("read/dataset", name=DATASET)
    return dict(rows[0]["dataset"]) if rows else None


def pull(connection: Connection) -> Tables:
    """The tables last pushed (same columns, types and order)."""
    meta = dataset(connection)
    if meta is None:
        raise BackendError(
            f"no collabnet data in the database at {connection.uri}; "
            "push some first with `collabnet neo4j push DATA`"
        )
    if not meta.get("complete"):
        raise BackendError(
            f"the last push to {connection.uri} did not finish; run `collabnet neo4j push` again"
        )
    organizations = read_organizations(connection, meta)
    industries = read_industries(connection, meta)
    leading_from = tuple(
        zip(meta.get("leading_columns", []), meta.get("leading_counts", []), strict=True)
    )
    participations = projects = listed_organizations = listed_links = None
    if meta.get("participation_columns") is None:
        links = _read_links(connection, meta)
    else:
        participations = _frame(
            [
                {**row["properties"], "org": row["org"], "project": row["project"]}
                for row in connection.read("read/participations")
            ],
            meta["participation_columns"],
            meta["participation_dtypes"],
        )
        if meta.get("project_columns") is not None:
            projects = read_projects(connection, meta)
        listed_organizations = leading_rows(organizations, meta, "listed_organization")
        if meta.get("links_derived"):
            # Cheaper than reading them: the links derived from the participations are
            # derived again, after those read from files.
            listed = _read_links(connection, meta, int(meta["listed_link_rows"]))
            listed_links = leading_rows(listed, meta, "listed_link")
            assert listed_links is not None  # the push checked the links against them
            links = links_with_derived(listed_links, participations, projects, industries)
        else:
            links = _read_links(connection, meta)
            listed_links = leading_rows(links, meta, "listed_link")
    return Tables(
        organizations=organizations,
        links=links,
        industries=industries,
        participations=participations,
        projects=projects,
        leading_from=leading_from,
        listed_organizations=listed_organizations,
        listed_links=listed_links,
    )


def _read_links(
    connection: Connection, meta: Mapping[str, Any], rows: int | None = None
) -> pd.DataFrame:
    """The links table last pushed, or its first ``rows`` rows."""
    found = (
        connection.read("read/links")
        if rows is None
        else connection.read("read/listed_links", rows=rows)
    )
    return _frame(
        [
            {
                **row["properties"],
                "source": row["source"],
                "target": row["target"],
                "kind": KIND_OF_TYPE[row["type"]],
            }
            for row in found
        ],
        meta["link_columns"],
        meta["link_dtypes"],
    )


def read_organizations(connection: Connection, meta: Mapping[str, Any]) -> pd.DataFrame:
    """The organisations table last pushed (``meta``: the dataset node), without links."""
    columns = list(meta["organization_columns"])
    gathered = connection.read_columns("read/organizations", spread=[*columns, ROW])
    return _columns_frame(gathered, columns, meta["organization_dtypes"])


def read_industries(connection: Connection, meta: Mapping[str, Any]) -> pd.DataFrame:
    """The industries table last pushed (``meta``: the dataset node)."""
    return _frame(
        [row["properties"] for row in connection.read("read/industries")],
        meta["industry_columns"],
        meta["industry_dtypes"],
    )


def read_projects(connection: Connection, meta: Mapping[str, Any]) -> pd.DataFrame:
    """The projects table last pushed (``meta``: the dataset node)."""
    rows = [row["properties"] for row in connection.read("read/projects")]
    if meta.get("project_rows") is not None and len(rows) != int(meta["project_rows"]):
        raise BackendError(
            f"the database at {connection.uri} holds {len(rows)} of the projects table's "
            f"{meta['project_rows']} rows (an earlier collabnet kept one row per project); "
            "push the data again with `collabnet neo4j push`"
        )
    return _frame(rows, meta["project_columns"], meta["project_dtypes"])


def participants(connection: Connection, meta: Mapping[str, Any], as_of: int) -> pd.DataFrame:
    """The participations of a known year up to ``as_of``, in the order pushed, with the
    columns that describe the organisation (those of
    :func:`collabnet.participations.derive_organizations` that the table has)."""
    found = connection.read_columns("read/participants", as_of=as_of)
    columns = list(meta["participation_columns"])
    rows = found.get("row", [])
    order = sorted(range(len(rows)), key=rows.__getitem__)
    return pd.DataFrame(
        {
            column: _column(
                [found[column][i] for i in order],
                meta["participation_dtypes"][columns.index(column)],
            )
            for column in ("project", "org", "year", *_PARTICIPANT_COLUMNS)
            if column in columns
        }
    )


def leading_rows(frame: pd.DataFrame, meta: Mapping[str, Any], name: str) -> pd.DataFrame | None:
    """The first rows of ``frame`` as the table they came from (organisations or links
    read from files come before those derived from participations)."""
    columns = meta.get(f"{name}_columns")
    if columns is None:
        return None
    head = frame.iloc[: int(meta[f"{name}_rows"])]
    records = [
        {column: plain_value(value) for column, value in row.items()}
        for row in head[columns].astype(object).to_dict("records")
    ]
    return _frame(records, columns, meta[f"{name}_dtypes"])


def counts(connection: Connection) -> dict[str, dict[str, int]]:
    """Nodes per label and relationships per type, as the database counts them."""
    nodes = {row["label"]: int(row["nodes"]) for row in connection.read("read/node_counts")}
    relationships = {
        row["type"]: int(row["relationships"])
        for row in connection.read("read/relationship_counts")
    }
    return {"nodes": nodes, "relationships": relationships}


def degrees(
    connection: Connection, as_of: int | None, derived: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Distinct partners and summed link weight per organisation, computed by the database;
    with ``derived`` (the parameters of ``analysis/derived/``), at an earlier cut of a
    network derived from participations."""
    statement = "analysis/degrees" if derived is None else "analysis/derived/degrees"
    frame = pd.DataFrame(connection.read_columns(statement, as_of=as_of, **(derived or {})))
    frame["degree"] = frame["degree"].astype(np.int64)
    frame["weighted_degree"] = frame["weighted_degree"].astype(float)
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


# The coverage counts of an earlier cut of a participation network: statement, and the
# group keys of ``analysis/derived/group_*`` (``industry``/``county``).
_CUT_COVERAGE = {
    "industry_links": ("analysis/derived/group_links", ("industry",)),
    "industry_engaged": ("analysis/derived/group_engaged", ("industry",)),
    "county_links": ("analysis/derived/group_links", ("county",)),
    "county_engaged": ("analysis/derived/group_engaged", ("county",)),
    "organization_flags": ("analysis/derived/organization_flags", ()),
    "co_built_centres": ("analysis/derived/co_built_centres", ()),
}


class CutOrganizations(NamedTuple):
    """An earlier cut of a network derived from participations, as the ``analysis/derived/``
    statements that take its organisations are given it: ``derived`` (how many
    organisations and links came from files), ``stored_ids`` (the ids of the
    organisations stored, in ``_row`` order) and ``organizations`` (who is present
    then, with the type, industries and county derived from the participations up to
    then)."""

    derived: Mapping[str, Any]
    stored_ids: pd.Series
    organizations: pd.DataFrame


def project_themes(found: pd.DataFrame, projects: pd.DataFrame | None) -> pd.DataFrame:
    """``id`` and ``theme`` per organisation and project of ``found`` (``id``,
    ``project``) whose project has a theme: the ``industry`` of its first row in the
    projects table that has one, as the in-memory recommender takes it."""
    if projects is None or "industry" not in projects.columns:
        return pd.DataFrame({"id": [], "theme": []}, dtype=object)
    themes = projects[["project", "industry"]].dropna().drop_duplicates("project")
    joined = found.merge(themes, on="project")
    return pd.DataFrame({"id": joined["id"], "theme": joined["industry"]})


def cut_parameters(cut: CutOrganizations) -> dict[str, Any]:
    """The parameters of the ``recommend/derived/`` statements at the cut: how many links
    came from files (``listed_links``), and per stored organisation row whether it is
    present (``present``) and its type then (``types``, None when absent)."""
    position, present = _cut_rows(cut.stored_ids, cut.organizations)
    types: list[Any] = [None] * len(cut.stored_ids)
    for place, kind in zip(position, cut.organizations["type"], strict=True):
        types[place] = kind
    return {
        "listed_links": cut.derived["listed_links"],
        "present": present.tolist(),
        "types": types,
    }


def cut_coverage(
    connection: Connection,
    name: str,
    as_of: int,
    cut: CutOrganizations,
    industry_codes: Sequence[str],
    *,
    by_industry: bool = False,
) -> pd.DataFrame:
    """Coverage statement ``name`` (one of :data:`COVERAGE_QUERIES` but ``link_years``)
    at an earlier cut of a network derived from participations, in the rows the
    statement of that name gives for a stored cut.

    The cut's organisations go to the database as lists by stored organisation row; the
    links are derived there. ``industry_codes``: the industries counted (others are
    left out, as in memory); ``by_industry``: the county statements' groups are an
    industry and a county.
    """
    statement, keys = _CUT_COVERAGE[name]
    stored_ids, organizations = cut.stored_ids, cut.organizations
    position, present = _cut_rows(stored_ids, organizations)
    types: list[Any] = [None] * len(stored_ids)
    for place, kind in zip(position, organizations["type"], strict=True):
        types[place] = kind
    params: dict[str, Any] = {"as_of": as_of, **cut.derived, "types": types}
    if statement != "analysis/derived/co_built_centres":
        params["present"] = present.tolist()
    if keys:
        if "county" in keys and by_industry:
            keys = ("industry", "county")
        codes = set(industry_codes)
        groups: list[list[list[Any]]] = [[] for _ in range(len(stored_ids))]
        for place, industries, county in zip(
            position, organizations["industries"], organizations["county"], strict=True
        ):
            mine = [code for code in dict.fromkeys(industries) if code in codes]
            if keys == ("industry",):
                groups[place] = [[code] for code in mine]
            elif county is not None and not pd.isna(county):
                groups[place] = [[county]] if keys == ("county",) else [[c, county] for c in mine]
        params["groups"] = groups
        if statement.endswith("group_links"):
            del params["types"]
    if keys and not any(params["groups"]):
        # No organisation in any group (no county at the cut, say): nothing to count.
        counted = ["year", "links"] if statement.endswith("group_links") else ["engaged"]
        found = pd.DataFrame({"group": [], **{column: [] for column in counted}})
    else:
        found = pd.DataFrame(connection.read_columns(statement, **params))
    if not keys:
        return found
    group = found.pop("group")
    columns = {key: [g[i] for g in group] for i, key in enumerate(keys)}
    if name.startswith("county_") and "industry" not in columns:
        columns = {"industry": [None] * len(group), **columns}
    return pd.concat([pd.DataFrame(columns, index=found.index, dtype=object), found], axis=1)


def _cut_rows(stored_ids: pd.Series, organizations: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The stored row of each organisation of a cut, and per stored row whether it is
    present at the cut."""
    position = pd.Index(stored_ids).get_indexer(organizations["id"])
    if (position < 0).any():
        missing = organizations["id"].to_numpy()[position < 0][0]
        raise BackendError(f"organisation {missing!r} of the cut is not in the database")
    present = np.zeros(len(stored_ids), dtype=bool)
    present[position] = True
    return position, present


def pair_table(
    connection: Connection, as_of: int | None, derived: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """The columns of :func:`collabnet.graph.pair_table` but the positions, in its order
    (that of each pair's first link in the links table): ``id_a`` < ``id_b``, ``kinds``
    (sorted tuple of link kinds), ``year`` (the first), ``weight`` and ``funding``
    (summed; NaN when no link has one) and ``links``. With ``derived``, at an earlier
    cut of a network derived from participations, whose derived links follow those read
    from files, ordered by their ends' ids."""
    statement = "analysis/pair_table" if derived is None else "analysis/derived/pair_table"
    found = connection.read_columns(statement, as_of=as_of, **(derived or {}))
    sizes = [len(pairs) for pairs in found["pairs"]]
    rows = list(itertools.chain.from_iterable(found["pairs"]))
    names = {
        kinds: tuple(sorted(KIND_OF_TYPE[kind] for kind in kinds))
        for kinds in {tuple(row[3]) for row in rows}
    }

    def column(place: int, dtype: Any) -> np.ndarray:
        return np.fromiter((row[place] for row in rows), dtype, len(rows))

    frame = pd.DataFrame(
        {
            "id_a": np.repeat(np.array(found["id"], dtype=object), sizes),
            "id_b": column(0, object),
            "kinds": pd.Series([names[tuple(row[3])] for row in rows], dtype=object),
            "year": pd.array([row[4] for row in rows], dtype="Int64"),
            "weight": column(1, float),
            "funding": np.array([np.nan if row[5] is None else row[5] for row in rows], float),
            "links": column(2, np.int64),
            "first": column(6, np.int64),
        }
    )
    order = ["first"] if derived is None else ["first", "id_a", "id_b"]
    ordered = frame.sort_values(order, kind="stable").drop(columns="first")
    return ordered.reset_index(drop=True)


# What a participation says of its organisation, besides the project, organisation and year
# (see collabnet.participations.derive_organizations).
_PARTICIPANT_COLUMNS = ("org_type", "org_name", *ORG_ATTRIBUTES_IN_PARTICIPATIONS)

# Egos per ego_brokerage statement: each one's partners' links are read in full, so a
# batch of hubs is already a sizeable read.
EGO_BATCH = 250
# collabnet's procedure for ego networks (scripts/neo4j/PathSignals.java), used when the
# server has it, and its egos per call: one call reads each organisation's partners
# once for all its egos, so larger calls read less again.
EGO_PROCEDURE = "collabnet.egoBrokerage"
EGO_PROCEDURE_BATCH = 5_000


def ego_brokerage(
    connection: Connection,
    as_of: int | None,
    ids: Sequence[str],
    partition: str,
    *,
    procedure: bool = False,
    cut: CutOrganizations | None = None,
) -> pd.DataFrame:
    """Per ego, from its ego network in the database (``analysis/ego_brokerage``, or
    collabnet's procedure when ``procedure``: the same rows), in batches of
    :data:`EGO_BATCH` (:data:`EGO_PROCEDURE_BATCH` for the procedure): ``id``,
    ``degree``, ``constraint``, ``effective_size``, ``groups`` (maps of ``group`` and
    ``members``) and ``linked`` (maps of ``first``, ``second`` and ``pairs``: ordered
    pairs of linked partners by their groups).

    With ``cut``, at an earlier cut of a network derived from participations: the
    ``analysis/derived/`` statements, which derive the egos' links in the database and
    take who is present and each one's group (column ``partition`` of the cut's
    organisations) as lists by stored organisation row."""
    prefix = "analysis/" if cut is None else "analysis/derived/"
    statement = prefix + ("ego_brokerage_procedure" if procedure else "ego_brokerage")
    batch = EGO_PROCEDURE_BATCH if procedure else EGO_BATCH
    params: dict[str, Any] = {"as_of": as_of}
    if cut is None:
        params["partition"] = partition
    else:
        position, present = _cut_rows(cut.stored_ids, cut.organizations)
        groups: list[Any] = [None] * len(cut.stored_ids)
        group_of = cut.organizations[partition].astype(object)
        for place, value in zip(position, group_of.where(group_of.notna(), None), strict=True):
            groups[place] = value
        params.update(cut.derived, present=present.tolist(), groups=groups)
        params.pop("listed_organizations", None)
    gathered: dict[str, list[Any]] = {}
    for start in range(0, len(ids), batch):
        part = connection.read_columns(statement, ids=list(ids[start : start + batch]), **params)
        for column, values in part.items():
            gathered.setdefault(column, []).extend(values)
    columns = ("id", "degree", "constraint", "effective_size", "groups", "linked")
    return pd.DataFrame({column: gathered.get(column, []) for column in columns})


def run_query(
    connection: Connection, name: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run a read-only statement from the catalog; its records as a DataFrame.

    Only ``analysis/`` and ``read/`` statements are accepted, so that nothing run by name
    writes to or manages the database.
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
    rows = connection.read(name, **values)
    columns = list(rows[0]) if rows else []
    return pd.DataFrame(rows, columns=columns)


def _frame(
    records: list[dict[str, Any]], columns: Sequence[str], dtypes: Sequence[str]
) -> pd.DataFrame:
    """Records read back, in the order pushed, with the columns and dtypes pushed."""
    records = sorted(records, key=lambda r: (r.get(ROW) is None, r.get(ROW) or 0))
    data = {
        column: _column([r.get(column) for r in records], dtype)
        for column, dtype in zip(columns, dtypes, strict=True)
    }
    return pd.DataFrame(data, columns=list(columns))


def _columns_frame(
    gathered: dict[str, list[Any]], columns: Sequence[str], dtypes: Sequence[str]
) -> pd.DataFrame:
    """Columns read back (with ``_row``), in the order pushed, with the dtypes pushed.

    Each list is taken out of ``gathered`` as it is converted, so that the raw values
    and the frame are not held whole at the same time."""
    rows = gathered.pop(ROW)
    order = sorted(range(len(rows)), key=lambda i: (rows[i] is None, rows[i] or 0))
    data = {}
    for column, dtype in zip(columns, dtypes, strict=True):
        values = gathered.pop(column)
        data[column] = _column([values[i] for i in order], dtype)
        del values
    return pd.DataFrame(data, columns=list(columns), copy=False)


def _shared(values: list[Any]) -> list[Any]:
    """``values`` with equal texts (and tuples of texts) made one object: the driver gives
    each cell its own copy, and a column of types, counties or industry lists repeats a
    few values many thousand times. Other values are kept as they are (``1`` and
    ``True`` are equal, and must stay apart)."""
    seen: dict[str | tuple[str, ...], Any] = {}
    shared = []
    for value in values:
        if type(value) is str or (type(value) is tuple and all(type(v) is str for v in value)):
            value = seen.setdefault(value, value)
        shared.append(value)
    return shared


def _column(values: list[Any], dtype: str) -> pd.Series:
    if dtype == "tuple":
        return pd.Series(
            _shared([tuple(v) if v is not None else None for v in values]), dtype=object
        )
    if dtype == "object":
        return pd.Series(_shared(values), dtype=object)
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
