"""The network at one point in time: what every analysis takes.

A :class:`Snapshot` is resolved once per (backend, ``as_of``) and then shared: the
validated tables at the cut, one canonical pair table, the node index and the sparse
adjacency (weighted and binary). Everything is computed on first use, so a snapshot
whose measures come from a database never builds the pair table in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.graph import Adjacency, pair_adjacency, pair_table
from collabnet.tables import Tables

__all__ = ["GraphBackend", "Snapshot", "as_snapshot"]


@runtime_checkable
class GraphBackend(Protocol):
    """Where the network lives: the operations every backend provides.

    A backend answers one question, :meth:`snapshot`: the network as it stood at the end
    of a year. Analyses take that snapshot, never the backend. A backend that computes
    some measures itself (Neo4j with the Graph Data Science library) names them in
    :meth:`native_measures` and computes them in :meth:`measure`;
    :meth:`Snapshot.native` is the one place that asks.
    """

    name: str

    def tables(self) -> Tables:
        """Every organisation and link, as validated tables (all years)."""
        ...

    def snapshot(self, as_of: int | None = None) -> Snapshot:
        """The network at the end of ``as_of`` (all of it when ``None``), cached per year."""
        ...

    def native_measures(self, as_of: int | None = None) -> frozenset[str]:
        """The measures :meth:`measure` computes at ``as_of`` (none for the in-memory
        backend)."""
        ...

    def measure(self, name: str, as_of: int | None, params: Mapping[str, object]) -> pd.DataFrame:
        """One of :meth:`native_measures` at ``as_of``: a frame with an ``id`` column and
        the measure's columns. Only called for names in ``native_measures(as_of)``."""
        ...

    def fingerprint(self, as_of: int | None) -> str | None:
        """A digest of the network at ``as_of``, equal whenever it holds the same
        content; ``None`` when the backend cannot tell (nothing is then kept by it)."""
        ...


class Snapshot:
    """The network as it stood at the end of ``as_of`` (all of it when ``None``).

    Parameters
    ----------
    tables
        The validated tables at the cut, or a function that returns them (called once,
        on first use).
    as_of
        The year of the cut.
    backend
        The backend the snapshot came from, asked for the measures it computes natively.
    organizations, industries
        Functions that return those two tables at the cut without the links (a database
        reads them alone); by default they come from ``tables``.
    derived
        Whether the organisations and links were derived from project participations; by
        default, whether ``tables`` hold participations.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> snapshot = Snapshot(load_tables("data/sample"))
    >>> snapshot.adjacency.size == len(snapshot.organizations)
    True
    >>> int(snapshot.hops.sum()) == 2 * len(snapshot.pairs)
    True
    """

    def __init__(
        self,
        tables: Tables | Callable[[], Tables],
        *,
        as_of: int | None = None,
        backend: GraphBackend | None = None,
        organizations: Callable[[], pd.DataFrame] | None = None,
        industries: Callable[[], pd.DataFrame] | None = None,
        derived: bool | None = None,
    ) -> None:
        self._source = tables
        self._organizations = organizations
        self._industries = industries
        self._derived = derived
        self.as_of = as_of
        self.backend = backend

    @cached_property
    def tables(self) -> Tables:
        """The validated tables at the cut."""
        source = self._source
        return source if isinstance(source, Tables) else source()

    @cached_property
    def organizations(self) -> pd.DataFrame:
        """The organisations at the cut."""
        if self._organizations is not None and "tables" not in self.__dict__:
            return self._organizations()
        return self.tables.organizations

    @property
    def links(self) -> pd.DataFrame:
        return self.tables.links

    @cached_property
    def derived(self) -> bool:
        """Whether the organisations and links were derived from project participations."""
        if self._derived is not None:
            return self._derived
        return self.tables.participations is not None

    @cached_property
    def industries(self) -> pd.DataFrame:
        """The industries (all of them: an industry has no year)."""
        if self._industries is not None and "tables" not in self.__dict__:
            return self._industries()
        return self.tables.industries

    @cached_property
    def ids(self) -> np.ndarray:
        """Organisation ids; position ``i`` is row ``i`` of every matrix."""
        return self.organizations["id"].to_numpy(dtype=object)

    @cached_property
    def index(self) -> pd.Series:
        """Position of each organisation id."""
        return pd.Series(np.arange(len(self.ids)), index=self.ids)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """One row per linked pair: see :func:`collabnet.graph.pair_table`."""
        return pair_table(self.tables)

    @cached_property
    def adjacency(self) -> Adjacency:
        """Weighted adjacency: a pair's link weights summed."""
        return pair_adjacency(self.pairs, self.organizations["id"])

    @cached_property
    def hops(self) -> sp.csr_matrix:
        """Binary adjacency: 1 for every linked pair."""
        return self.adjacency.hops

    @cached_property
    def fingerprint(self) -> str | None:
        """A digest of what the snapshot holds (see :meth:`GraphBackend.fingerprint`):
        what results computed from it are kept by, e.g. the recommender's chosen model."""
        if self.backend is None:
            return self.tables.digest()
        return self.backend.fingerprint(self.as_of)

    def computes(self, measure: str) -> bool:
        """Whether the backend computes ``measure`` itself (see :meth:`native`)."""
        backend = self.backend
        return backend is not None and measure in backend.native_measures(self.as_of)

    def native(self, measure: str, **params: object) -> pd.DataFrame | None:
        """``measure`` computed by the backend when it computes it natively, else ``None``.

        The one place that decides where a measure comes from: analyses call this first
        and compute in memory when it returns ``None``.
        """
        backend = self.backend
        if backend is None or measure not in backend.native_measures(self.as_of):
            return None
        return backend.measure(measure, self.as_of, params)

    def at(self, year: int | None) -> Snapshot:
        """The snapshot of the same backend at another year."""
        if self.backend is not None:
            return self.backend.snapshot(year)
        return Snapshot(self.tables.as_of(year), as_of=year)

    def __repr__(self) -> str:
        when = f" as of {self.as_of}" if self.as_of is not None else ""
        return f"<Snapshot{when}: {len(self.organizations)} organisations>"


def as_snapshot(network: Snapshot | Tables) -> Snapshot:
    """A snapshot as given, or the snapshot of validated tables at their own cut."""
    if isinstance(network, Snapshot):
        return network
    if isinstance(network, Tables):
        return Snapshot(network, as_of=network.as_of_year)
    raise InputError(f"expected a Snapshot or Tables, got {type(network).__name__}")
