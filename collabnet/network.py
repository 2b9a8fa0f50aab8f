"""The object analysts hold in a notebook: one network, one backend, one point in time.

Every analysis is a plain function in its own module; :class:`Network` only saves typing
by passing the right graph and tables to it and returning its DataFrame.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import networkx as nx
import pandas as pd
from scipy.sparse.csgraph import connected_components

from collabnet.backends import GraphBackend
from collabnet.backends.memory import MemoryBackend
from collabnet.graph import Adjacency, adjacency
from collabnet.names import find_organization, probable_duplicates
from collabnet.tables import Tables, load_tables

__all__ = ["Network", "load"]


class Network:
    """A collaboration network, optionally seen as it stood at the end of ``as_of``.

    Examples
    --------
    >>> import collabnet as cn
    >>> net = cn.load("data/sample")
    >>> net.summary()["by_type"]["platform"]
    68
    >>> net.at(2020).as_of
    2020
    """

    def __init__(self, backend: GraphBackend | Tables, *, as_of: int | None = None) -> None:
        self.backend: GraphBackend = MemoryBackend(backend) if isinstance(backend, Tables) else backend
        self.as_of = as_of

    def at(self, year: int | None) -> Network:
        """The same network as it stood at the end of ``year``."""
        return Network(self.backend, as_of=year)

    @cached_property
    def tables(self) -> Tables:
        """The validated tables at ``as_of``."""
        return self.backend.tables().as_of(self.as_of)

    @property
    def organizations(self) -> pd.DataFrame:
        return self.tables.organizations

    @property
    def links(self) -> pd.DataFrame:
        return self.tables.links

    @property
    def industries(self) -> pd.DataFrame:
        return self.tables.industries

    @property
    def rejects(self) -> pd.DataFrame:
        """Rows dropped by a lenient load, with file, row, column, value and reason."""
        return self.backend.tables().rejects

    @property
    def graph(self) -> nx.Graph:
        """The NetworkX graph at ``as_of`` (cached by the backend)."""
        return self.backend.graph(self.as_of)

    @cached_property
    def adjacency(self) -> Adjacency:
        """Weighted sparse adjacency matrix at ``as_of``."""
        return adjacency(self.tables)

    def find(self, query: str) -> str:
        """The id of an organisation given by id or (Chinese) name; suggests near matches."""
        return find_organization(self.organizations, query)

    def summary(self) -> dict[str, object]:
        """Counts of organisations and links, by type and kind, and per input file."""
        summary = self.tables.summary()
        matrix = self.adjacency.matrix
        nodes, pairs = matrix.shape[0], matrix.nnz // 2
        summary["components"] = int(connected_components(matrix, directed=False)[0]) if nodes else 0
        summary["density"] = round(2 * pairs / (nodes * (nodes - 1)), 6) if nodes > 1 else 0.0
        summary["probable_duplicates"] = int(len(self.duplicates()))
        return summary

    def duplicates(self) -> pd.DataFrame:
        """Organisations whose names differ only in width, spacing or legal-form suffix."""
        return probable_duplicates(self.organizations)

    def __repr__(self) -> str:
        tables = self.tables
        counts = tables.organizations["type"].value_counts()
        by_type = ", ".join(f"{n} {t}" for t, n in counts.items())
        when = f" as of {self.as_of}" if self.as_of is not None else ""
        return (
            f"<Network{when}: {len(tables.organizations)} organisations ({by_type}), "
            f"{len(tables.links)} links, backend={self.backend.name}>"
        )


def load(
    data: str | Path | None = None,
    *,
    organizations: str | Path | None = None,
    links: str | Path | None = None,
    participations: str | Path | None = None,
    projects: str | Path | None = None,
    industries: str | Path | None = None,
    sheet: str | int | None = None,
    strict: bool = True,
    as_of: int | None = None,
) -> Network:
    """Read, validate and wrap a network's files (see :func:`collabnet.tables.load_tables`)."""
    tables = load_tables(
        data,
        organizations=organizations,
        links=links,
        participations=participations,
        projects=projects,
        industries=industries,
        sheet=sheet,
        strict=strict,
    )
    return Network(tables, as_of=as_of)
