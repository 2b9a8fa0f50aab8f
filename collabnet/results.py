"""Results of one snapshot, each analysis computed once: what the outputs take.

The page, the briefing, the figures and the workbook draw from a :class:`Results`; they
never see the network or its backend, and two outputs of the same results share every
analysis they both show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from collabnet.analysis import brokerage, centrality, coverage, kpi, structure
from collabnet.graph import Adjacency, pair_adjacency
from collabnet.names import find_organization
from collabnet.snapshot import Snapshot

__all__ = ["HasResults", "Results", "results_of"]


class Results:
    """The analyses of one :class:`~collabnet.snapshot.Snapshot`, computed on first use.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> results = Results(Snapshot(load_tables("data/sample")))
    >>> results.centrality() is results.centrality()
    True
    """

    def __init__(self, snapshot: Snapshot, *, seed: int = 0) -> None:
        self.snapshot = snapshot
        self.seed = seed
        self._memo: dict[tuple[object, ...], Any] = {}

    def _once(self, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def as_of(self) -> int | None:
        return self.snapshot.as_of

    @property
    def organizations(self) -> pd.DataFrame:
        return self.snapshot.organizations

    @property
    def links(self) -> pd.DataFrame:
        return self.snapshot.links

    @property
    def industries(self) -> pd.DataFrame:
        return self.snapshot.industries

    @property
    def pairs(self) -> pd.DataFrame:
        """:func:`~collabnet.analysis.structure.pair_table`: a database sends the pairs,
        not the link table."""
        return self._once(("pairs",), lambda: structure.pair_table(self.snapshot))

    @property
    def adjacency(self) -> Adjacency:
        """The weighted adjacency of :attr:`pairs`."""
        if not self.snapshot.computes("pair_table"):
            return self.snapshot.adjacency
        return self._once(
            ("adjacency",), lambda: pair_adjacency(self.pairs, self.organizations["id"])
        )

    def at(self, year: int | None) -> Results:
        """The results of the same network as it stood at the end of ``year``."""
        return Results(self.snapshot.at(year), seed=self.seed)

    def find(self, query: str) -> str:
        """The id of an organisation given by id or name."""
        return find_organization(self.organizations, query)

    def centrality(self, measure: str = "pagerank") -> pd.DataFrame:
        """:func:`~collabnet.analysis.centrality.centrality`, sorted by ``measure``.

        Every measure is computed once; another sort order re-ranks the same frame.
        """
        base: pd.DataFrame = self._once(
            ("centrality",), lambda: centrality.centrality(self.snapshot, seed=self.seed)
        )
        if measure == base.attrs["measure"]:
            return base
        return self._once(("centrality", measure), lambda: centrality.rerank(base, measure))

    def brokers(self, top: int | None = None) -> pd.DataFrame:
        """:func:`~collabnet.analysis.brokerage.brokerage` by organisation type (the
        ``top`` first rows only: on large networks much faster than the whole table)."""
        if ("brokers", None) in self._memo:
            return self._memo[("brokers", None)].head(top)
        return self._once(("brokers", top), lambda: brokerage.brokerage(self.snapshot, top=top))

    @property
    def coverage(self) -> pd.DataFrame:
        """:func:`~collabnet.analysis.coverage.industry_coverage`."""
        return self._once(("coverage",), lambda: coverage.industry_coverage(self.snapshot))

    @property
    def connections(self) -> pd.DataFrame:
        """:func:`~collabnet.analysis.structure.connections`: each organisation's partners
        and component."""
        return self._once(("connections",), lambda: structure.connections(self.snapshot))

    @property
    def gaps(self) -> pd.DataFrame:
        """:func:`~collabnet.analysis.coverage.coverage_gaps` with its defaults."""
        return self._once(
            ("gaps",), lambda: coverage.coverage_gaps(self.snapshot, coverage=self.coverage)
        )

    def kpi(
        self, targets: pd.DataFrame | str | Path | None = None, year: int | None = None
    ) -> pd.DataFrame:
        """:func:`~collabnet.analysis.kpi.kpi` at ``year`` (default: as the analysis does)."""
        years = None if year is None else [year]
        return kpi.kpi(self.snapshot, targets=targets, years=years)

    def recommendations(self, top: int = 10, *, explain: bool = True) -> pd.DataFrame:
        """:func:`~collabnet.recommend.core.recommend` for every enterprise (``top`` each)."""
        from collabnet.recommend import recommend

        return self._once(
            ("recommendations", top, explain),
            lambda: recommend(self.snapshot, top=top, explain=explain, seed=self.seed),
        )

    def plan(self, most: int = 20) -> pd.DataFrame | None:
        """The pairing plan of ``most`` pairs, or of as many as fit; None when none fits."""
        from collabnet.recommend import largest_plan

        return self._once(("plan", most), lambda: largest_plan(self.snapshot, most, seed=self.seed))


@runtime_checkable
class HasResults(Protocol):
    """Anything that holds the results of a snapshot (a :class:`~collabnet.network.Network`)."""

    @property
    def results(self) -> Results: ...


def results_of(source: Results | HasResults) -> Results:
    """``source`` if it is results, else the results it holds."""
    return source if isinstance(source, Results) else source.results
