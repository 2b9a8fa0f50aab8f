"""The embedded default backend: tables in pandas, graphs in NetworkX."""

from __future__ import annotations

from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd

from collabnet.graph import adjacency, build_graph
from collabnet.tables import Tables

__all__ = ["MemoryBackend"]


class MemoryBackend:
    """Holds validated tables and builds (and caches) graphs from them."""

    name = "networkx"

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._graph = lru_cache(maxsize=8)(self._build)

    def tables(self) -> Tables:
        return self._tables

    def graph(self, as_of: int | None = None) -> nx.Graph:
        return self._graph(as_of)

    def _build(self, as_of: int | None) -> nx.Graph:
        return build_graph(self._tables, as_of=as_of)

    def degrees(self, as_of: int | None = None) -> pd.DataFrame:
        weighted = adjacency(self._tables, as_of=as_of)
        return pd.DataFrame(
            {
                "id": weighted.ids,
                "degree": np.diff(weighted.matrix.indptr).astype(int),
                "weighted_degree": np.asarray(weighted.matrix.sum(axis=1)).ravel(),
            }
        )

    def pagerank(self, as_of: int | None = None, *, damping: float = 0.85) -> pd.DataFrame | None:
        return None

    def __repr__(self) -> str:
        summary = self._tables.summary()
        return f"<MemoryBackend {summary['organizations']} organisations, {summary['links']} links>"
