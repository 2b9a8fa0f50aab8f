"""The object analysts hold in a notebook: one network, one backend, one point in time.

Every analysis is a plain function of a :class:`~collabnet.snapshot.Snapshot` in its own
module; :class:`Network` resolves the snapshot once and its methods are those functions
bound to it, with the same parameters and documentation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import pandas as pd

from collabnet.analysis import brokerage as _brokerage
from collabnet.analysis import centrality as _centrality
from collabnet.analysis import communities as _communities
from collabnet.analysis import coverage as _coverage
from collabnet.analysis import kpi as _kpi
from collabnet.analysis import structure as _structure
from collabnet.backends import GraphBackend
from collabnet.backends.memory import MemoryBackend
from collabnet.errors import InputError
from collabnet.graph import Adjacency, build_graph
from collabnet.names import find_organization, probable_duplicates
from collabnet.results import Results
from collabnet.snapshot import Snapshot
from collabnet.tables import Tables, load_tables

if TYPE_CHECKING:
    # Only for the annotations: networkx is imported by the code that builds a graph, the
    # recommender (and LightGBM with it) by the methods that recommend.
    import networkx as nx

    from collabnet.recommend.core import Recommendations
    from collabnet.recommend.store import ModelStore

__all__ = ["Network", "connect", "load"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _on_snapshot(
    function: Callable[Concatenate[Snapshot, _P], _R],
) -> Callable[Concatenate[Network, _P], _R]:
    """``function`` as a method that passes the network's snapshot as the first argument."""

    @functools.wraps(function)
    def method(self: Network, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return function(self.snapshot, *args, **kwargs)

    method.__doc__ = f"See :func:`{function.__module__}.{function.__name__}`.\n\n" + (
        function.__doc__ or ""
    )
    return method


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

    def __init__(
        self,
        backend: GraphBackend | Tables,
        *,
        as_of: int | None = None,
        models: ModelStore | None = None,
    ) -> None:
        self.backend: GraphBackend = (
            MemoryBackend(backend) if isinstance(backend, Tables) else backend
        )
        self.as_of = as_of
        self._models = models

    def at(self, year: int | None) -> Network:
        """The same network as it stood at the end of ``year``."""
        return Network(self.backend, as_of=year, models=self._models)

    @property
    def models(self) -> ModelStore:
        """Where :meth:`recommend` keeps the models it chose, so that asking again costs
        nothing (:class:`~collabnet.recommend.store.ModelStore`; in memory unless set to
        one with a folder)."""
        if self._models is None:
            from collabnet.recommend.store import ModelStore

            self._models = ModelStore()
        return self._models

    @models.setter
    def models(self, store: ModelStore) -> None:
        self._models = store

    @cached_property
    def snapshot(self) -> Snapshot:
        """The network at ``as_of``, as every analysis takes it (cached by the backend)."""
        return self.backend.snapshot(self.as_of)

    @property
    def tables(self) -> Tables:
        """The validated tables at ``as_of``."""
        return self.snapshot.tables

    @cached_property
    def results(self) -> Results:
        """The analyses of this snapshot, each computed once: what the outputs take."""
        return Results(self.snapshot)

    @property
    def organizations(self) -> pd.DataFrame:
        return self.snapshot.organizations

    @property
    def links(self) -> pd.DataFrame:
        return self.tables.links

    @property
    def industries(self) -> pd.DataFrame:
        return self.snapshot.industries

    @property
    def rejects(self) -> pd.DataFrame:
        """Rows dropped by a lenient load, with file, row, column, value and reason."""
        return self.backend.tables().rejects

    @cached_property
    def graph(self) -> nx.Graph:
        """The NetworkX graph at ``as_of``."""
        return build_graph(self.tables)

    @property
    def adjacency(self) -> Adjacency:
        """Weighted sparse adjacency matrix at ``as_of``."""
        return self.snapshot.adjacency

    def find(self, query: str) -> str:
        """The id of an organisation given by id or (Chinese) name; suggests near matches."""
        return find_organization(self.organizations, query)

    def summary(self) -> dict[str, object]:
        """Counts of organisations and links, by type and kind, and per input file (see
        :func:`collabnet.analysis.structure.summary`), and the probable duplicates."""
        summary = _structure.summary(self.snapshot)
        summary["probable_duplicates"] = len(self.duplicates())
        return summary

    def duplicates(self) -> pd.DataFrame:
        """Organisations whose names differ only in width, spacing or legal-form suffix."""
        return probable_duplicates(self.organizations)

    centrality = _on_snapshot(_centrality.centrality)
    brokers = _on_snapshot(_brokerage.brokerage)
    platform_brokers = _on_snapshot(_brokerage.platform_brokers)
    communities = _on_snapshot(_communities.community_membership)
    community_profile = _on_snapshot(_communities.community_profile)
    community_industries = _on_snapshot(_communities.community_industries)
    gaps = _on_snapshot(_coverage.coverage_gaps)
    leading_without_platform = _on_snapshot(_coverage.leading_without_platform)
    kpi = _on_snapshot(_kpi.kpi)
    evolution = _on_snapshot(_kpi.evolution)

    def coverage(self, *, by: str = "industry") -> pd.DataFrame:
        """Coverage per ``industry``, ``county`` or ``industry_county``: see
        :func:`collabnet.analysis.coverage.industry_coverage`."""
        functions = {
            "industry": _coverage.industry_coverage,
            "county": _coverage.county_coverage,
            "industry_county": _coverage.industry_county_coverage,
        }
        if by not in functions:
            expected = ", ".join(functions)
            raise InputError(f"unknown coverage grouping '{by}' (expected one of {expected})")
        return functions[by](self.snapshot)

    def viz(
        self, path: str | Path | None = "network.html", *, height: int = 720, **options: object
    ) -> object:
        """Write the interactive page to ``path`` and show it inline in Jupyter.

        ``options`` are those of :func:`collabnet.outputs.page.network_page` (``color_by``,
        ``size_by``, ``focus``, ``radius``, ``recommendations``, ...). The page is embedded
        with ``srcdoc``, so it shows offline and without a server; ``path=None`` writes no
        file. Returns an ``IPython.display.HTML`` object.
        """
        from collabnet.outputs.page import inline_frame, network_page, write_html

        html = network_page(self.results, **options).generate_html()  # type: ignore[arg-type]
        if path is not None:
            write_html(html, path)
        return inline_frame(html, height=height)

    def report(
        self,
        path: str | Path = "briefing.html",
        *,
        xlsx: str | Path | None = None,
        top: int = 10,
        pairings: int = 20,
        targets: pd.DataFrame | str | Path | None = None,
        figures: bool = True,
        title: str | None = None,
        lang: str = "zh",
    ) -> Path:
        """Write the briefing (HTML, and a workbook with ``xlsx``): see
        :func:`collabnet.outputs.report.write_report`. Returns the HTML file's path."""
        from collabnet.outputs.report import write_report

        return write_report(
            self.results,
            path,
            xlsx,
            top=top,
            pairings=pairings,
            targets=targets,
            figures=figures,
            title=title,
            lang=lang,
        )

    def recommend(
        self,
        *,
        enterprise: str | None = None,
        platform: str | None = None,
        university: str | None = None,
        top: int = 10,
        weights: str = "auto",
        candidates: str | None = None,
        capacity: int = 5,
        explain: bool = True,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Partners to approach next, with reasons: see
        :func:`collabnet.recommend.core.recommend`."""
        from collabnet.recommend import Settings, recommend

        return recommend(
            self.snapshot,
            enterprise=enterprise,
            platform=platform,
            university=university,
            top=top,
            weights=weights,
            candidates=candidates,
            settings=Settings(capacity=capacity),
            explain=explain,
            seed=seed,
            models=self.models,
        )

    def recommend_every(
        self,
        *,
        top: int = 10,
        weights: str = "auto",
        candidates: str | None = None,
        capacity: int = 5,
        explain: bool = True,
        seed: int = 0,
    ) -> Recommendations:
        """Every enterprise's partners a group at a time: see
        :func:`collabnet.recommend.core.recommend_every`."""
        from collabnet.recommend import Settings
        from collabnet.recommend.core import recommend_every

        return recommend_every(
            self.snapshot,
            top=top,
            weights=weights,
            candidates=candidates,
            settings=Settings(capacity=capacity),
            explain=explain,
            seed=seed,
            models=self.models,
        )

    def plan(
        self,
        *,
        pairs: int | None = None,
        capacity: int = 5,
        per_enterprise: int = 1,
        quota: int = 0,
        gap_industries: list[str] | None = None,
        coverage_target: float = 0.5,
        leading_only: bool | None = None,
        weights: str = "default",
        seed: int = 0,
    ) -> pd.DataFrame:
        """An optimal pairing plan: see :func:`collabnet.recommend.plan.pairing_plan`."""
        from collabnet.recommend import pairing_plan

        return pairing_plan(
            self.snapshot,
            pairs=pairs,
            capacity=capacity,
            per_enterprise=per_enterprise,
            quota=quota,
            gap_industries=gap_industries,
            coverage_target=coverage_target,
            leading_only=leading_only,
            weights=weights,
            seed=seed,
        )

    def match_demands(
        self,
        demands: pd.DataFrame | str | Path,
        *,
        top: int = 5,
        text_weight: float = 0.7,
        weights: str = "default",
    ) -> pd.DataFrame:
        """揭榜挂帅 needs matched to platforms: see
        :func:`collabnet.recommend.demands.match_demands`."""
        from collabnet.recommend import match_demands

        return match_demands(
            self.snapshot, demands, top=top, text_weight=text_weight, weights=weights
        )

    def evaluate(
        self,
        *,
        train_until: int,
        test_until: int | None = None,
        candidates: str | None = None,
        weights: str = "auto",
        seed: int = 0,
    ) -> pd.DataFrame:
        """Backtest the recommender against the baselines: see
        :func:`collabnet.recommend.evaluate.evaluate`."""
        from collabnet.recommend import Candidates, evaluate

        return evaluate(
            self.snapshot,
            train_until=train_until,
            test_until=test_until,
            candidates=Candidates.parse(candidates) if candidates else None,
            weights=weights,
            seed=seed,
        )

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
    counties: str | Path | None = None,
    sheet: str | int | None = None,
    organizations_sheet: str | int | None = None,
    links_sheet: str | int | None = None,
    aliases: str | Path | None = None,
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
        counties=counties,
        sheet=sheet,
        organizations_sheet=organizations_sheet,
        links_sheet=links_sheet,
        aliases=aliases,
        strict=strict,
    )
    return Network(tables, as_of=as_of)


def connect(
    uri: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    as_of: int | None = None,
) -> Network:
    """The network stored in a Neo4j database.

    Values not given come from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` and
    ``NEO4J_DATABASE``. Load files into the database with
    ``connect().backend.push(load(...).tables)`` or ``collabnet neo4j push DATA``.
    """
    from collabnet.backends.neo4j import Neo4jBackend  # the driver loads only when needed

    backend = Neo4jBackend.from_env(uri, user=user, password=password, database=database)
    return Network(backend, as_of=as_of)
