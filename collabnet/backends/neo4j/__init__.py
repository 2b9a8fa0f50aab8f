"""The graph in a Neo4j 5 database.

:class:`Neo4jBackend` implements :class:`~collabnet.backends.GraphBackend`: ``push``
writes validated tables into the database, ``snapshot`` gives the network at a cut,
and ``measure`` computes degrees, the counts behind industry coverage, brokerage and the
recommender's link signals in Cypher (or collabnet's own procedures, when installed),
and PageRank, eigenvector centrality, core numbers, harmonic closeness and betweenness
with the Graph Data Science library when the server has it. A snapshot reads only the
organisations and industries; whatever an analysis computes in memory reads the tables
back, once.

The graph model is described in ``cypher/README.md``; every statement comes from the
catalog of ``.cypher`` files (:mod:`collabnet.backends.cypher_catalog`). The parts:

- :mod:`~collabnet.backends.neo4j.model`: labels, relationship types, bookkeeping names;
- :mod:`~collabnet.backends.neo4j.connection`: the driver, statements run by name,
  one-line errors;
- :mod:`~collabnet.backends.neo4j.push`: rows, batches and pruning;
- :mod:`~collabnet.backends.neo4j.bulk`: a first load with Neo4j's offline importer, and
  :mod:`~collabnet.backends.neo4j.finish`, what the first connection completes after it;
- :mod:`~collabnet.backends.neo4j.read`: tables, counts and named queries read back;
- :mod:`~collabnet.backends.neo4j.gds`: projections and the GDS measures;
- :mod:`~collabnet.backends.neo4j.pairs`: what the recommender asks of the database.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import pandas as pd

from collabnet.backends.neo4j import gds, pairs, read
from collabnet.backends.neo4j.bulk import ImportReport, offline_import
from collabnet.backends.neo4j.connection import DEFAULT_URI, Connection, translate_error
from collabnet.backends.neo4j.gds import pagerank_with_isolated
from collabnet.backends.neo4j.model import DATASET, KIND_OF_TYPE, LABELS, RELATIONSHIP_TYPES
from collabnet.backends.neo4j.push import (
    BATCH_ROWS,
    PUSH_WORKERS,
    PushProgress,
    PushReport,
    delete_dataset,
    push,
)
from collabnet.backends.neo4j.read import USER_QUERIES
from collabnet.errors import BackendError
from collabnet.participations import derive_organizations
from collabnet.snapshot import Snapshot
from collabnet.tables import Tables, organizations_as_of, participants_as_of

__all__ = [
    "BATCH_ROWS",
    "COVERAGE_QUERIES",
    "DATASET",
    "DEFAULT_URI",
    "LABELS",
    "RELATIONSHIP_TYPES",
    "USER_QUERIES",
    "ImportReport",
    "Neo4jBackend",
    "PushProgress",
    "PushReport",
    "offline_import",
    "pagerank_with_isolated",
    "translate_error",
]

# Counts behind collabnet.analysis.coverage and .kpi, one cypher/analysis/ statement each.
COVERAGE_QUERIES = (
    "organization_flags",
    "industry_links",
    "industry_engaged",
    "link_years",
    "co_built_centres",
    "county_links",
    "county_engaged",
)

_ENV = {
    "uri": "NEO4J_URI",
    "user": "NEO4J_USER",
    "password": "NEO4J_PASSWORD",
    "database": "NEO4J_DATABASE",
}


class Neo4jBackend:
    """A collaboration network stored in a Neo4j 5 database.

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
        self._connection = Connection(
            uri,
            user=user,
            password=password,
            database=database,
            retry_seconds=retry_seconds,
            connection_timeout=connection_timeout,
        )
        self._tables: Tables | None = None
        self._organizations: pd.DataFrame | None = None
        self._projects: pd.DataFrame | None = None
        self._snapshots: dict[int | None, Snapshot] = {}
        self._meta: dict[str, Any] | None = None
        self._measures: dict[tuple[object, ...], pd.DataFrame] = {}
        # Degrees per cut: several analyses of one command ask for them.
        self._degrees: dict[int | None, pd.DataFrame] = {}
        self._said_no_gds = False

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

    @property
    def uri(self) -> str:
        return self._connection.uri

    @property
    def user(self) -> str:
        return self._connection.user

    @property
    def database(self) -> str | None:
        return self._connection.database

    @property
    def agent(self) -> str:
        """The server's own name and version, as it announces itself over Bolt."""
        return self._connection.agent

    @property
    def version(self) -> str:
        """The Neo4j version, as ``dbms.components()`` reports it."""
        return self._connection.version

    @cached_property
    def has_gds(self) -> bool:
        """Whether the server has the Graph Data Science library (checked once)."""
        return gds.has_gds(self._connection)

    @cached_property
    def has_pair_procedure(self) -> bool:
        """Whether the server has collabnet's path-signal procedure (checked once):
        without it, the same signals are computed in Cypher, more slowly."""
        return pairs.has_procedure(self._connection)

    @cached_property
    def has_derived_pair_procedure(self) -> bool:
        """Whether the server has collabnet's procedures for an earlier cut of a network
        derived from participations (checked once): without them, the recommender runs
        in memory on such a network."""
        return pairs.has_procedure(self._connection, pairs.DERIVED_PROCEDURE)

    @cached_property
    def has_ego_procedure(self) -> bool:
        """Whether the server has collabnet's ego-brokerage procedure (checked once):
        without it, each ego network is measured in Cypher, more slowly."""
        return pairs.has_procedure(self._connection, read.EGO_PROCEDURE)

    def close(self) -> None:
        """Close the driver's connections."""
        self._connection.close()

    def __enter__(self) -> Neo4jBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        database = self.database or "default"
        return (
            f"<Neo4jBackend {self.uri} user={self.user} database={database} neo4j={self.version}>"
        )

    def tables(self) -> Tables:
        """The tables last pushed, read from the database once and then cached."""
        if self._tables is None:
            self._tables = self.pull()
        return self._tables

    def snapshot(self, as_of: int | None = None) -> Snapshot:
        """The network at the end of ``as_of``; cached per year.

        Its organisations and industries are read alone, so the measures the database
        computes (:meth:`native_measures`) never bring a link into memory; whatever an
        analysis computes in memory reads the tables back, once per backend.
        """
        if as_of not in self._snapshots:
            light = self._held_as_cut(as_of) or self._derived_cut(as_of) is not None
            self._snapshots[as_of] = Snapshot(
                lambda: self.tables().as_of(as_of),
                as_of=as_of,
                backend=self,
                organizations=(lambda: self._organizations_at(as_of)) if light else None,
                industries=self._industries if light else None,
                derived=self._from_participations(),
            )
        return self._snapshots[as_of]

    def _organizations_at(self, as_of: int | None) -> pd.DataFrame:
        if self._tables is not None:
            return self._tables.as_of(as_of).organizations
        meta = self._complete_meta()
        if self._organizations is None:
            self._organizations = read.read_organizations(self._connection, meta)
        if as_of is None:
            return self._organizations
        if self._derived_cut(as_of) is None:
            return organizations_as_of(self._organizations, as_of).reset_index(drop=True)
        # An earlier cut of a network derived from participations: its participants are
        # derived again from their participations up to then, as in memory.
        participants = derive_organizations(
            read.participants(self._connection, meta, as_of),
            self._project_table(),
            self._industries(),
            until=as_of,
        )
        listed = read.leading_rows(self._organizations, meta, "listed_organization")
        return participants_as_of(listed, participants, as_of).reset_index(drop=True)

    def _cut(self, as_of: int | None, derived: Mapping[str, Any]) -> read.CutOrganizations:
        """The earlier cut ``as_of`` of a network derived from participations, as the
        statements that take its organisations are given it."""
        return read.CutOrganizations(
            derived, self._stored_ids(), self.snapshot(as_of).organizations
        )

    def _project_table(self) -> pd.DataFrame | None:
        """The projects table pushed (project themes), read once; None without one."""
        if self._tables is not None:
            return self._tables.projects
        meta = self._complete_meta()
        if self._projects is None and meta.get("project_columns") is not None:
            self._projects = read.read_projects(self._connection, meta)
        return self._projects

    def _stored_ids(self) -> pd.Series:
        """The ids of the organisations stored, in ``_row`` order."""
        if self._tables is not None:
            return self._tables.organizations["id"]
        if self._organizations is None:
            self._organizations = read.read_organizations(self._connection, self._complete_meta())
        return self._organizations["id"]

    def _industries(self) -> pd.DataFrame:
        if self._tables is not None:
            return self._tables.industries
        return read.read_industries(self._connection, self._complete_meta())

    def _complete_meta(self) -> dict[str, Any]:
        meta = self._dataset_meta()
        if not meta:
            raise BackendError(
                f"no collabnet data in the database at {self.uri}; "
                "push some first with `collabnet neo4j push DATA`"
            )
        if not meta.get("complete"):
            raise BackendError(
                f"the last push to {self.uri} did not finish; run `collabnet neo4j push` again"
            )
        return meta

    def _from_participations(self) -> bool:
        return bool(self._dataset_meta().get("participation_columns"))

    def _held_as_cut(self, as_of: int | None) -> bool:
        """Whether the organisations and links stored are the network at ``as_of`` once
        the later ones are left out: always, except at an earlier cut of a network
        derived from participations, whose organisations and links are derived again
        from the projects up to then (see :meth:`collabnet.tables.Tables.as_of`)."""
        return as_of is None or not self._from_participations()

    def _derived_cut(self, as_of: int | None) -> dict[str, Any] | None:
        """At an earlier cut of a network derived from participations, the parameters of
        the ``analysis/derived/`` statements, which derive its links in the database:
        how many organisations and links came from files. ``None`` elsewhere."""
        return None if self._held_as_cut(as_of) else self._listed()

    def _listed(self) -> dict[str, Any] | None:
        """With participations, how many links and organisations came from files
        (``listed_links``, ``listed_organizations``): they come first in their tables."""
        meta = self._dataset_meta()
        if meta.get("listed_link_rows") is None:
            return None
        return {
            "listed_organizations": int(meta.get("listed_organization_rows") or 0),
            "listed_links": int(meta["listed_link_rows"]),
        }

    def native_measures(self, as_of: int | None = None) -> frozenset[str]:
        """What :meth:`measure` computes in the database at ``as_of``.

        At every cut, ``dataset_facts``: what the push recorded of the whole dataset
        (participations without a year, where leading enterprises were marked). In
        Cypher: ``degree`` (distinct partners and summed weight), ``partners`` (the
        partners' ids of the organisations ``ids``), ``pair_table`` (each linked
        pair's ends, kinds, first year, summed weight and funding, and links), the counts behind
        industry coverage (:data:`COVERAGE_QUERIES`), ``ego_brokerage`` (per ego
        network, for ``ids``) and what the recommender asks
        (:data:`collabnet.backends.neo4j.pairs.MEASURES`). On a network derived from
        participations, an earlier cut derives its organisations and links again:
        ``degree``, ``partners``, ``pair_table``, the coverage counts and
        ``ego_brokerage`` come from the ``analysis/derived/`` statements, which derive
        the links from the participations in the database (the coverage counts and the
        ego networks are given the cut's organisations, whose types, industries and
        counties are derived in memory). On such a network the recommender's measures,
        with ``organization_themes`` (each organisation's projects' themes), are computed
        at every cut when the server has collabnet's procedures
        (:attr:`has_derived_pair_procedure`), from ``recommend/derived/`` at an earlier
        one; without them the recommender runs in memory. With the Graph Data Science
        library, at every cut, also PageRank,
        eigenvector centrality, core numbers, harmonic closeness, betweenness,
        ``triangles``, connected ``component`` and ``communities``
        (Leiden). Without the library, the first call says so on stderr, once.
        """
        names: set[str] = {"dataset_facts"}
        if self._held_as_cut(as_of):
            names.update(("degree", "partners", "pair_table", *COVERAGE_QUERIES, "ego_brokerage"))
            if not self._from_participations():
                names.update(pairs.MEASURES)
            elif self.has_derived_pair_procedure:
                names.update((*pairs.MEASURES, *pairs.PROJECT_MEASURES))
        elif self._derived_cut(as_of) is not None:
            names.update(("degree", "partners", "pair_table", *COVERAGE_QUERIES, "ego_brokerage"))
            if self.has_derived_pair_procedure:
                names.update((*pairs.MEASURES, *pairs.PROJECT_MEASURES))
        if self.has_gds:
            names.update((*gds.MEASURES, "communities", "triangles", "component"))
        elif not self._said_no_gds:
            self._said_no_gds = True
            print(
                f"collabnet: the database at {self.uri} has no Graph Data Science library: "
                "PageRank, eigenvector, core numbers, harmonic closeness, betweenness and "
                "communities are computed in memory",
                file=sys.stderr,
            )
        return frozenset(names)

    def measure(self, name: str, as_of: int | None, params: Mapping[str, object]) -> pd.DataFrame:
        """``name`` at ``as_of``, computed by the database: a frame of ``id`` and the
        measure's columns (``degree`` gives ``degree`` and ``weighted_degree``), or the
        rows of the coverage statement of that name.

        The GDS measures come from one projection per cut, pre-aggregated per pair so
        that weights equal the in-memory adjacency's, and dropped right after; their
        results are kept for the next measure at that cut with the same ``params``:
        ``damping`` (PageRank's, 0.85 by default), ``tol`` (eigenvector centrality's),
        ``sources`` (ids: harmonic closeness from these only, and betweenness from as
        many sources drawn by GDS; all when ``None``) and ``seed``. See
        :func:`collabnet.backends.neo4j.gds.measures`.
        """
        if name not in self.native_measures(as_of):
            raise BackendError(f"the database at {self.uri} does not compute '{name}'")
        derived = self._derived_cut(as_of)
        if name == "dataset_facts":
            return self._dataset_facts()
        if name == "degree":
            if as_of not in self._degrees:
                self._degrees[as_of] = read.degrees(self._connection, as_of, derived)
            return self._degrees[as_of].copy()
        if name == "partners":
            ids = params.get("ids")
            if not isinstance(ids, list | tuple):
                raise BackendError(f"ids must be a list, got {ids!r}")
            statement = "analysis/partners" if derived is None else "analysis/derived/partners"
            partners = self._connection.read_columns(
                statement, as_of=as_of, ids=[str(i) for i in ids], **(derived or {})
            )
            return pd.DataFrame(partners, columns=["id", "partners"])
        if name == "pair_table":
            return read.pair_table(self._connection, as_of, derived)
        if name == "organization_themes":
            found = pairs.measure(self._connection, "organization_projects", as_of, params)
            return read.project_themes(found, self._project_table())
        if name in pairs.MEASURES:
            cut = None
            if derived is not None and as_of is not None:
                cut = read.cut_parameters(self._cut(as_of, derived))
            return pairs.measure(
                self._connection,
                name,
                as_of,
                params,
                procedure=self.has_pair_procedure,
                projects=self._from_participations(),
                cut=cut,
            )
        if name in COVERAGE_QUERIES:
            extra: dict[str, Any] = {}
            if name.startswith("county_"):
                extra["by_industry"] = bool(params.get("by_industry", False))
            if derived is not None and as_of is not None and name != "link_years":
                return read.cut_coverage(
                    self._connection,
                    name,
                    as_of,
                    self._cut(as_of, derived),
                    self.snapshot(as_of).industries["code"].tolist(),
                    by_industry=bool(extra.get("by_industry", False)),
                )
            if derived is not None:
                extra = derived
            statement = f"analysis/{name}" if derived is None else f"analysis/derived/{name}"
            counted = self._connection.read_columns(statement, as_of=as_of, **extra)
            if name == "link_years":
                counted["kind"] = [KIND_OF_TYPE[kind] for kind in counted["kind"]]
            return pd.DataFrame(counted)
        listed = self._listed()
        if name == "ego_brokerage":
            ids, partition = params.get("ids"), params.get("partition", "type")
            if not isinstance(ids, list | tuple) or not isinstance(partition, str):
                raise BackendError(f"ids must be a list, partition a name: {ids!r}, {partition!r}")
            return read.ego_brokerage(
                self._connection,
                as_of,
                [str(i) for i in ids],
                partition,
                procedure=self.has_ego_procedure,
                cut=None if derived is None else self._cut(as_of, derived),
            )
        if not self._linked(as_of):
            # GDS has no relationship to run on.
            return gds.without_links(name, self._everyone(as_of))
        if name == "component":
            # Any measures of this cut already hold its components.
            for key, measured in self._measures.items():
                if key[0] == as_of:
                    return measured[["id", "component"]]
        if name in ("triangles", "component"):
            found = gds.per_organization(self._connection, as_of, name, listed)
            return found.set_index("id").reindex(self._everyone(as_of)).reset_index()
        if name == "communities":
            seed, resolution = params.get("seed", 0), params.get("resolution", 1.0)
            if not isinstance(seed, int) or not isinstance(resolution, int | float):
                raise BackendError(f"seed and resolution must be numbers: {seed!r}, {resolution!r}")
            return gds.communities(
                self._connection,
                as_of,
                seed=seed,
                resolution=float(resolution),
                listed=listed,
            )
        damping = params.get("damping", 0.85)
        tol = params.get("tol", 1e-10)
        seed = params.get("seed", 0)
        sources = params.get("sources")
        if not isinstance(damping, int | float) or not isinstance(tol, int | float):
            raise BackendError(f"damping and tol must be numbers, got {damping!r}, {tol!r}")
        if not isinstance(seed, int):
            raise BackendError(f"seed must be an integer, got {seed!r}")
        if sources is not None and not isinstance(sources, list | tuple):
            raise BackendError(f"sources must be a list of ids, got {sources!r}")
        chosen = None if sources is None else tuple(str(s) for s in sources)
        key = (as_of, float(damping), float(tol), chosen, seed)
        if key not in self._measures:
            self._measures[key] = gds.measures(
                self._connection,
                as_of,
                self._everyone(as_of),
                damping=float(damping),
                listed=listed,
                sources=chosen,
                seed=seed,
                tol=float(tol),
            )
        return self._measures[key][["id", name]]

    def _dataset_facts(self) -> pd.DataFrame:
        """One row: ``undated_participations``, and the columns that marked leading
        enterprises with how many each marked (``leading_columns``, ``leading_counts``)."""
        meta = self._complete_meta()
        undated = 0
        if meta.get("participation_columns") is not None:
            found = self._connection.read("analysis/undated_participations")
            undated = int(found[0]["participations"]) if found else 0
        return pd.DataFrame(
            {
                "undated_participations": [undated],
                "leading_columns": [list(meta.get("leading_columns", []))],
                "leading_counts": [[int(n) for n in meta.get("leading_counts", [])]],
            }
        )

    def _linked(self, as_of: int | None) -> bool:
        """Whether any organisation has a link at the cut (taken as yes when the
        database does not count degrees there)."""
        if "degree" not in self.native_measures(as_of):
            return True
        return bool((self.measure("degree", as_of, {})["degree"] > 0).any())

    def _everyone(self, as_of: int | None) -> list[str]:
        """The ids of the organisations at the cut."""
        if not self._held_as_cut(as_of):
            # Who exists at an earlier cut is derived again from the participations.
            return list(self.snapshot(as_of).ids)
        return self.measure("degree", as_of, {})["id"].tolist()

    def _dataset_meta(self) -> dict[str, Any]:
        if self._meta is None:
            self._meta = self.dataset() or {}
        return self._meta

    def fingerprint(self, as_of: int | None) -> str | None:
        """The last complete push's id and the cut: every push gets a new id, so the
        fingerprint changes whenever the dataset may have (``None`` before a complete
        push)."""
        meta = self._dataset_meta()
        if not meta.get("complete") or not meta.get("push_id"):
            return None
        return f"neo4j:{meta['push_id']}@{as_of}"

    def refresh(self) -> None:
        """Forget cached tables and snapshots (after someone else pushed)."""
        self._tables = None
        self._organizations = None
        self._projects = None
        self._meta = None
        self._snapshots.clear()
        self._measures.clear()
        self._degrees.clear()

    def dataset(self) -> dict[str, Any] | None:
        """The dataset node's properties, or ``None`` when nothing was pushed."""
        return read.dataset(self._connection)

    def pull(self) -> Tables:
        """The tables last pushed, read from the database (same columns, types and order)."""
        return read.pull(self._connection)

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type, as the database counts them."""
        return read.counts(self._connection)

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a read-only statement from the catalog (``analysis/`` or ``read/``); its
        records as a DataFrame."""
        return read.run_query(self._connection, name, params)

    def info(self) -> dict[str, Any]:
        """Server, GDS, and the dataset's push state and counts."""
        meta = self.dataset() or {}
        counts = self.counts()
        return {
            "uri": self.uri,
            "database": self.database or "default",
            "server": self.agent,
            "gds": self.has_gds,
            "pushed_at": meta.get("finished_at") or meta.get("started_at"),
            "complete": meta.get("complete"),
            "organizations": counts["nodes"].get("Organization", 0),
            "links": sum(counts["relationships"].get(t, 0) for t in KIND_OF_TYPE),
            "nodes": counts["nodes"],
            "relationships": counts["relationships"],
        }

    def drop(self) -> int:
        """Delete collabnet's nodes and relationships; the number of nodes deleted."""
        deleted = delete_dataset(self._connection)
        self.refresh()
        return deleted

    def push(
        self,
        tables: Tables,
        *,
        progress: Callable[[PushProgress], None] | None = None,
        batch_rows: int | None = None,
        workers: int = PUSH_WORKERS,
    ) -> PushReport:
        """Write ``tables`` into the database so that it holds exactly them.

        Idempotent: organisations, industries and counties are merged on their ids,
        links and participations are created afresh (one relationship per row), and
        every write is stamped with this push's id; once all batches are in, whatever an
        earlier push wrote and this one did not is deleted. Pushing the same tables twice
        leaves the same nodes and relationships. A push that fails part-way leaves the
        dataset marked unfinished; pushing again completes it.

        Rows go in ``UNWIND`` batches of ``batch_rows`` (:data:`BATCH_ROWS` by default;
        the push benchmark uses 1 to compare with one statement per row). Links and
        participations go ``workers`` transactions at a time (:data:`PUSH_WORKERS`).

        Raises
        ------
        BackendError
            Naming the batch that failed and the rows it held, e.g. ``push failed at
            links batch 12 of 40 (cooperation links from rows 551–1210): ...`` (one batch
            holds one kind of link, so its rows are those of that kind in the range).
        """
        try:
            return push(
                self._connection, tables, progress=progress, batch_rows=batch_rows, workers=workers
            )
        finally:
            self.refresh()
