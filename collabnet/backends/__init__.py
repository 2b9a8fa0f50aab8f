"""Where the network lives: in memory (the default) or in a Neo4j database.

A backend answers one question, :meth:`GraphBackend.snapshot`: the network as it stood
at the end of a year. Analyses take that :class:`~collabnet.snapshot.Snapshot`, never the
backend. A backend that computes some measures itself (Neo4j with the Graph Data Science
library) names them in :attr:`GraphBackend.native_measures` and computes them in
:meth:`GraphBackend.measure`; :meth:`Snapshot.native` is the one place that asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pandas as pd

if TYPE_CHECKING:
    from collabnet.snapshot import Snapshot
    from collabnet.tables import Tables

__all__ = ["GraphBackend"]


@runtime_checkable
class GraphBackend(Protocol):
    """The operations every graph backend provides."""

    name: str

    def tables(self) -> Tables:
        """Every organisation and link, as validated tables (all years)."""
        ...

    def snapshot(self, as_of: int | None = None) -> Snapshot:
        """The network at the end of ``as_of`` (all of it when ``None``), cached per year."""
        ...

    @property
    def native_measures(self) -> frozenset[str]:
        """The measures :meth:`measure` computes (empty for the in-memory backend)."""
        ...

    def measure(self, name: str, as_of: int | None, params: Mapping[str, object]) -> pd.DataFrame:
        """One of :attr:`native_measures` at ``as_of``: a frame with an ``id`` column and
        the measure's columns. Only called for names in :attr:`native_measures`."""
        ...
