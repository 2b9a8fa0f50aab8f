"""The embedded default backend: validated tables held in memory."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property, lru_cache

import pandas as pd

from collabnet.snapshot import Snapshot
from collabnet.tables import Tables

__all__ = ["MemoryBackend"]


class MemoryBackend:
    """Holds validated tables; every measure is computed in memory from its snapshots."""

    name = "networkx"

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._snapshot = lru_cache(maxsize=8)(self._cut)

    def tables(self) -> Tables:
        return self._tables

    def snapshot(self, as_of: int | None = None) -> Snapshot:
        return self._snapshot(as_of)

    def _cut(self, as_of: int | None) -> Snapshot:
        return Snapshot(lambda: self._tables.as_of(as_of), as_of=as_of, backend=self)

    def native_measures(self, as_of: int | None = None) -> frozenset[str]:
        return frozenset()

    def fingerprint(self, as_of: int | None) -> str | None:
        return f"{self._digest}@{as_of}"

    @cached_property
    def _digest(self) -> str:
        return self._tables.digest()

    def measure(self, name: str, as_of: int | None, params: Mapping[str, object]) -> pd.DataFrame:
        raise NotImplementedError(f"the in-memory backend has no native '{name}'")

    def __repr__(self) -> str:
        summary = self._tables.summary()
        return f"<MemoryBackend {summary['organizations']} organisations, {summary['links']} links>"
