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

from collabnet.analysis import brokerage, centrality, communities, coverage, kpi
from collabnet.analysis.centrality import EXACT_LIMIT, PIVOTS
from collabnet.backends import GraphBackend
from collabnet.backends.memory import MemoryBackend
from collabnet.errors import InputError
from collabnet.graph import Adjacency, adjacency
from collabnet.names import find_organization, probable_duplicates
from collabnet.tables import Tables, load_tables

__all__ = ["Network", "connect", "load"]


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
        self.backend: GraphBackend = (
            MemoryBackend(backend) if isinstance(backend, Tables) else backend
        )
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
        summary["probable_duplicates"] = len(self.duplicates())
        return summary

    def duplicates(self) -> pd.DataFrame:
        """Organisations whose names differ only in width, spacing or legal-form suffix."""
        return probable_duplicates(self.organizations)

    def centrality(
        self,
        *,
        measure: str = "pagerank",
        exact_limit: int = EXACT_LIMIT,
        pivots: int = PIVOTS,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Hubs: see :func:`collabnet.analysis.centrality.centrality`.

        PageRank comes from the backend when it computes it natively (Neo4j with the
        Graph Data Science library), else from memory.
        """
        native = self.backend.pagerank(self.as_of)
        return centrality.centrality(
            self.tables,
            measure=measure,
            exact_limit=exact_limit,
            pivots=pivots,
            seed=seed,
            pagerank=None if native is None else native.set_index("id")["pagerank"],
        )

    def brokers(self, *, partition: str = "type") -> pd.DataFrame:
        """Brokers: see :func:`collabnet.analysis.brokerage.brokerage`."""
        return brokerage.brokerage(self.tables, partition=partition)

    def communities(self, *, seed: int = 0, resolution: float = 1.0) -> pd.DataFrame:
        """Community of each organisation: see
        :func:`collabnet.analysis.communities.community_membership`."""
        return communities.community_membership(self.tables, seed=seed, resolution=resolution)

    def community_profile(
        self, *, membership: pd.DataFrame | None = None, seed: int = 0, resolution: float = 1.0
    ) -> pd.DataFrame:
        """One row per community: see :func:`collabnet.analysis.communities.community_profile`."""
        return communities.community_profile(
            self.tables, membership, seed=seed, resolution=resolution
        )

    def coverage(self, *, by: str = "industry") -> pd.DataFrame:
        """Coverage per ``industry``, ``county`` or ``industry_county``: see
        :func:`collabnet.analysis.coverage.industry_coverage`."""
        functions = {
            "industry": coverage.industry_coverage,
            "county": coverage.county_coverage,
            "industry_county": coverage.industry_county_coverage,
        }
        if by not in functions:
            expected = ", ".join(functions)
            raise InputError(f"unknown coverage grouping '{by}' (expected one of {expected})")
        return functions[by](self.tables)

    def gaps(
        self, *, min_coverage: float = 0.5, decline: float = 0.2, by_county: bool = False
    ) -> pd.DataFrame:
        """Coverage gaps with bilingual reasons: see
        :func:`collabnet.analysis.coverage.coverage_gaps`."""
        return coverage.coverage_gaps(
            self.tables, min_coverage=min_coverage, decline=decline, by_county=by_county
        )

    def kpi(
        self, *, targets: pd.DataFrame | str | Path | None = None, years: list[int] | None = None
    ) -> pd.DataFrame:
        """Indicators against targets per year: see :func:`collabnet.analysis.kpi.kpi`."""
        return kpi.kpi(self.tables, targets=targets, years=years)

    def evolution(self, *, years: list[int] | None = None) -> pd.DataFrame:
        """The network year by year: see :func:`collabnet.analysis.kpi.evolution`."""
        return kpi.evolution(self.tables, years=years)

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

        html = network_page(self, **options).generate_html()  # type: ignore[arg-type]
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
    ) -> Path:
        """Write the bilingual briefing (HTML, and a workbook with ``xlsx``): see
        :func:`collabnet.outputs.report.write_report`. Returns the HTML file's path."""
        from collabnet.outputs.report import write_report

        return write_report(
            self,
            path,
            xlsx,
            top=top,
            pairings=pairings,
            targets=targets,
            figures=figures,
            title=title,
        )

    def recommend(
        self,
        *,
        enterprise: str | None = None,
        platform: str | None = None,
        university: str | None = None,
        top: int = 10,
        weights: str = "default",
        candidates: str | None = None,
        capacity: int = 5,
        explain: bool = True,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Partners to approach next, with reasons: see
        :func:`collabnet.recommend.core.recommend`."""
        from collabnet.recommend import Settings, recommend

        return recommend(
            self.tables,
            enterprise=enterprise,
            platform=platform,
            university=university,
            top=top,
            weights=weights,
            candidates=candidates,
            settings=Settings(capacity=capacity),
            explain=explain,
            seed=seed,
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
            self.tables,
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
            self.tables, demands, top=top, text_weight=text_weight, weights=weights
        )

    def evaluate(
        self,
        *,
        train_until: int,
        test_until: int | None = None,
        candidates: str | None = None,
        weights: str = "default",
        seed: int = 0,
    ) -> pd.DataFrame:
        """Backtest the recommender against the baselines: see
        :func:`collabnet.recommend.evaluate.evaluate`."""
        from collabnet.recommend import Candidates, evaluate

        return evaluate(
            self.tables,
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
