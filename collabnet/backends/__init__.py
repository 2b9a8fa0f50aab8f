"""Where the graph lives: in memory (NetworkX, the default) or in a Neo4j database.

Analyses are written against :class:`GraphBackend`, a deliberately small contract: the
validated tables, a NetworkX view at a point in time, and the few aggregates a database
can compute faster than shipping the whole graph over the wire.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import networkx as nx
import pandas as pd

from collabnet.tables import Tables

__all__ = ["GraphBackend"]


@runtime_checkable
class GraphBackend(Protocol):
    """The operations every graph backend provides."""

    name: str

    def tables(self) -> Tables:
        """All organisations and links, as validated tables."""
        ...

    def graph(self, as_of: int | None = None) -> nx.Graph:
        """The network at the end of ``as_of`` (all of it when ``None``) as a NetworkX graph."""
        ...

    def degrees(self, as_of: int | None = None) -> pd.DataFrame:
        """Per organisation: ``id``, ``degree`` (distinct partners), ``weighted_degree``."""
        ...

    def pagerank(self, as_of: int | None = None, *, damping: float = 0.85) -> pd.DataFrame | None:
        """Per organisation ``id`` and ``pagerank`` when the backend computes it natively,
        else ``None`` (the caller then computes it in memory)."""
        ...
