"""Building the :class:`~collabnet.recommend.features.FeatureSpace` of a network snapshot.

Every feature comes from the snapshot's own structures: its binary adjacency
(``Snapshot.hops``) for the neighbourhood and path signals, its pair table for first
years, and the coverage analysis (:func:`collabnet.analysis.coverage.industry_coverage_share`)
for the coverage-gap bonus, so the recommender and the coverage report never disagree.
A snapshot whose backend computes the recommender's link signals (Neo4j) gives them
instead, per source, with per-organisation activity: no link table is read
(:func:`_database_space`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.analysis.coverage import industry_coverage_share
from collabnet.checks import LINK_COLUMNS
from collabnet.errors import BackendError
from collabnet.graph import link_positions
from collabnet.recommend import signals
from collabnet.recommend.features import Candidates, Evidence, FeatureSpace, Settings
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = ["GROUP_SOURCES", "SpaceInGroups", "build_space", "build_spaces", "capability_texts"]

MOMENT_SOURCES = 1000
MOMENT_SEED = 20240626


def build_space(
    network: Snapshot | Tables,
    candidates: Candidates | None = None,
    *,
    settings: Settings | None = None,
    sources: Sequence[str] | None = None,
    extra_sources: pd.DataFrame | None = None,
    reuse: FeatureSpace | None = None,
) -> FeatureSpace:
    """The candidate block of a network snapshot with every feature computed.

    Parameters
    ----------
    network
        The network as known at the time of recommending (a snapshot, or validated
        tables such as ``tables.as_of(year)`` taken as their own snapshot).
    candidates
        Types to pair (default: :meth:`Candidates.default_for`).
    settings
        Feature parameters (:class:`Settings`).
    sources
        Only these source ids as rows (default: every organisation of a source type).
    extra_sources
        Organisations (``id``, ``name``, ``type``) unknown to ``tables`` to add as rows
        without links or attributes: newcomers to score in a backtest ("cold start").
    reuse
        A space built from the same network and candidates without ``extra_sources``:
        its link and text signals are taken over (newcomers have none) instead of being
        computed again, which is most of the work.
    """
    snapshot = as_snapshot(network)
    settings = settings or Settings()
    if extra_sources is None and snapshot.computes("pair_signals"):
        return _database_space(snapshot, candidates, settings, sources)
    tables = snapshot.tables
    candidates = candidates or Candidates.default_for(tables)
    known = len(tables.organizations)
    if extra_sources is not None and len(extra_sources):
        tables = _with_newcomers(tables, extra_sources)
    organizations = tables.organizations
    ids = organizations["id"].to_numpy(dtype=object)
    source_end, target_end = link_positions(tables)
    # Newcomers come after every known organisation and have no links yet.
    links = _padded(snapshot.hops, len(ids))
    org_type = organizations["type"].to_numpy(dtype=object)
    rows, cols, moment_rows = _block(ids, org_type, candidates, known, sources)
    year = _snapshot_year(tables)
    node = _node_features(
        tables, snapshot.pairs, links, (source_end, target_end), candidates, settings, year
    )

    if reuse is not None and _extends(reuse, rows, cols):
        blocks = {name: _with_empty_rows(block, len(rows)) for name, block in reuse.blocks.items()}
    else:
        # Newcomers have no links and no text: their rows (last, as a rule) are zero.
        listed_rows = int((rows < known).sum())
        if not (rows[:listed_rows] < known).all():
            listed_rows = len(rows)
        every = np.flatnonzero(np.isin(org_type[:known], candidates.sources))
        blocks = _link_blocks(snapshot, tables, links, rows[:listed_rows], cols, every)
        blocks = {name: _with_empty_rows(block, len(rows)) for name, block in blocks.items()}
    theme_rows, theme_cols = _themes(tables, rows, cols, year)
    return _finish(
        snapshot,
        tables,
        candidates,
        settings,
        year=year,
        links=links,
        rows=rows,
        cols=cols,
        node=node,
        blocks=blocks,
        moment_rows=moment_rows,
        theme_rows=theme_rows,
        theme_cols=theme_cols,
    )


def build_spaces(
    network: Snapshot | Tables,
    groups: Iterable[Sequence[str] | None],
    candidates: Candidates | None = None,
    *,
    settings: Settings | None = None,
) -> Iterator[FeatureSpace]:
    """The feature space of each group of source ids in turn, as
    ``build_space(network, candidates, sources=group)`` gives it (a group of None:
    every source).

    Scores do not depend on which other sources a block holds, so a run over every
    source can go a group at a time and hold one group's block. From a database, what
    the groups share (organisation features, linked pairs, texts, the moment sources'
    path signals) is read once.
    """
    snapshot = as_snapshot(network)
    settings = settings or Settings()
    if snapshot.computes("pair_signals"):
        shared = _DatabaseNetwork.read(snapshot, candidates, settings)
        for group in groups:
            _give_back_freed_memory()
            yield shared.space(group)
    else:
        for group in groups:
            yield build_space(snapshot, candidates, settings=settings, sources=group)


def _finish(
    snapshot: Snapshot,
    tables: Tables,
    candidates: Candidates,
    settings: Settings,
    *,
    rows: np.ndarray,
    cols: np.ndarray,
    notes: list[str] | None = None,
    **parts: Any,
) -> FeatureSpace:
    """The feature space, with the features every snapshot computes alike: industry
    match, the coverage gap (from the snapshot's coverage analysis), county, country."""
    organizations = tables.organizations
    coverage = parts.pop("coverage") if "coverage" in parts else _coverage(snapshot, candidates)
    industry_of_row, industry_tables = _industry_tables(
        tables, rows, cols, coverage, settings.coverage_target
    )
    return FeatureSpace(
        tables=tables,
        candidates=candidates,
        settings=settings,
        snapshot=snapshot,
        ids=organizations["id"].to_numpy(dtype=object),
        rows=rows,
        cols=cols,
        industry_of_row=industry_of_row,
        industry_tables=industry_tables,
        county=_codes(organizations, "county"),
        country=_codes(organizations, "country"),
        coverage=coverage,
        notes=[] if notes is None else notes,
        **parts,
    )


def _block(
    ids: np.ndarray,
    org_type: np.ndarray,
    candidates: Candidates,
    known: int,
    sources: Sequence[str] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Organisation positions of the block's rows and columns, and the block rows kept
    for moments: a fixed random set of sources (newcomers, past ``known``, excluded) on
    which features are standardised, added to the rows asked for."""
    every_source = np.flatnonzero(np.isin(org_type, candidates.sources))
    listed = every_source[every_source < known]
    moment_sources = np.sort(
        np.random.default_rng(MOMENT_SEED).permutation(listed)[:MOMENT_SOURCES]
    )
    if sources is None:
        rows = every_source
    else:
        position = pd.Series(np.arange(len(ids)), index=ids)
        asked = position.loc[list(sources)].to_numpy()
        rows = np.concatenate([asked, np.setdiff1d(moment_sources, asked)])
    moment_rows = np.flatnonzero(np.isin(rows, moment_sources))
    # In the organisations' order whatever the rows' order, so that the pairs drawn
    # from them (the moments, the scorer's reference) are the same for every query.
    moment_rows = moment_rows[np.argsort(rows[moment_rows], kind="stable")]
    cols = np.flatnonzero(np.isin(org_type, candidates.targets))
    return rows, cols, moment_rows


def _database_space(
    snapshot: Snapshot,
    candidates: Candidates | None,
    settings: Settings,
    sources: Sequence[str] | None,
) -> FeatureSpace:
    """The feature space of a snapshot whose backend computes the recommender's link
    signals (see :mod:`collabnet.backends.neo4j.pairs`): no link table is read."""
    return _DatabaseNetwork.read(snapshot, candidates, settings).space(sources)


@dataclass(frozen=True)
class _DatabaseNetwork:
    """What every feature space of a database snapshot shares, read once: the
    organisations' features, the linked candidate pairs, the capability texts'
    vectors, the coverage shares and the path signals of the sources kept for
    moments. :meth:`space` adds a group of sources' path signals.

    The database sends each row's :data:`DATABASE_CANDIDATES` candidates with the most
    common partners, then the most three-step walks, with their path signals; the
    block's other pairs have none. Everything else is computed here from the
    organisations, as :func:`build_space` does.
    """

    snapshot: Snapshot
    tables: Tables
    candidates: Candidates
    settings: Settings
    year: int | None
    node: pd.DataFrame
    links: sp.csr_matrix
    titled: pd.DataFrame
    text: _TextVectors | None
    coverage: pd.DataFrame | None
    cols: np.ndarray
    # Every source (organisation positions, ascending): a group of them is asked for as
    # part of these all, so that the database sizes its statements as for one space of
    # them all.
    every: np.ndarray
    # The sources kept for moments (organisation positions, ascending), in every block
    # whatever its group, and their path signals (``row``: a position among them).
    moment_sources: np.ndarray
    moment_signals: pd.DataFrame
    # Per organisation, its projects per theme (no column without project themes).
    themes: np.ndarray

    @classmethod
    def read(
        cls, snapshot: Snapshot, candidates: Candidates | None, settings: Settings
    ) -> _DatabaseNetwork:
        organizations = snapshot.organizations
        org_type = organizations["type"].to_numpy(dtype=object)
        candidates = candidates or Candidates.default_for(organizations)
        ids = organizations["id"].to_numpy(dtype=object)
        n = len(ids)
        years = snapshot.native("link_years")
        assert years is not None
        dated = years.loc[years["year"].notna(), "year"].astype(float)
        year = (
            snapshot.as_of
            if snapshot.as_of is not None
            else (int(dated.max()) if len(dated) else None)
        )
        both = {"sources": list(candidates.sources), "targets": list(candidates.targets)}
        activity = snapshot.native("organization_activity", year=year, **both)
        assert activity is not None
        node = _database_node_features(
            activity.set_index("id").reindex(ids), org_type, candidates, settings, year, dated
        )
        position = pd.Series(np.arange(n), index=ids)
        linked = snapshot.native("linked_pairs", **both)
        assert linked is not None
        a = position.reindex(linked["source"].to_numpy()).to_numpy()
        b = position.reindex(linked["target"].to_numpy()).to_numpy()
        del linked
        links = sp.csr_matrix(
            (np.ones(2 * len(a)), (np.concatenate([a, b]), np.concatenate([b, a]))),
            shape=(n, n),
        )
        links.data[:] = 1.0
        titled = snapshot.native("link_titles")
        assert titled is not None
        themes = np.zeros((n, 0))
        projects = snapshot.native("organization_themes", year=year)
        if projects is not None:
            themes = _theme_counts(organizations["id"], projects["id"], projects["theme"])
        tables = Tables(
            organizations=organizations,
            links=_no_links(),
            industries=snapshot.industries,
            as_of_year=snapshot.as_of,
        )
        every, cols, moment_rows = _block(ids, org_type, candidates, n, None)
        moment_sources = every[moment_rows]
        return cls(
            snapshot=snapshot,
            tables=tables,
            candidates=candidates,
            settings=settings,
            year=year,
            node=node,
            links=links,
            titled=titled,
            text=_TextVectors.of(tables, every, cols, titled),
            coverage=_coverage(snapshot, candidates),
            cols=cols,
            every=every,
            moment_sources=moment_sources,
            moment_signals=_path_signals(snapshot, candidates, moment_sources, cols, len(every)),
            themes=themes,
        )

    def space(self, sources: Sequence[str] | None) -> FeatureSpace:
        """The feature space with ``sources`` as rows (default: every source)."""
        snapshot, candidates = self.snapshot, self.candidates
        organizations = self.tables.organizations
        ids = organizations["id"].to_numpy(dtype=object)
        org_type = organizations["type"].to_numpy(dtype=object)
        rows, cols, moment_rows = _block(ids, org_type, candidates, len(ids), sources)
        asked = np.flatnonzero(~np.isin(rows, self.moment_sources))
        # Every block holds every moment source; ``moment_rows`` lists them in the
        # organisations' order, as ``moment_signals`` numbers them.
        found = _joined_signals(
            [
                (asked, _path_signals(snapshot, candidates, rows[asked], cols, len(self.every))),
                (moment_rows, self.moment_signals),
            ]
        )
        blocks = _database_blocks(found, (len(rows), len(cols)))
        blocks["text_similarity"] = (
            self.text.block(rows)
            if self.text is not None
            else sp.csr_matrix((len(rows), len(cols)))
        )
        per_row = np.bincount(found["row"].to_numpy(), minlength=len(rows))
        del found
        crowded = per_row >= DATABASE_CANDIDATES
        asked_for = len(rows) if sources is None else len(sources)
        theme_rows, theme_cols = _theme_profiles(self.themes, rows, cols)
        return _finish(
            snapshot,
            self.tables,
            candidates,
            self.settings,
            year=self.year,
            links=self.links,
            rows=rows,
            cols=cols,
            node=self.node,
            blocks=blocks,
            moment_rows=moment_rows,
            notes=crowded_notes(int(crowded[:asked_for].sum()), asked_for, candidates),
            crowded=crowded,
            coverage=self.coverage,
            evidence=_database_evidence(snapshot, ids),
            titled_links=self.titled,
            theme_rows=theme_rows,
            theme_cols=theme_cols,
        )


@dataclass(frozen=True)
class SpaceInGroups:
    """A database snapshot's candidate block whose features are computed a group of
    sources at a time: the block's coordinates and linked pairs at once, for drawing
    pairs from it (a :class:`~collabnet.recommend.features.Block`), and the feature
    space of a group of its rows when asked (:meth:`spaces`)."""

    shared: _DatabaseNetwork

    @classmethod
    def of(
        cls, snapshot: Snapshot, candidates: Candidates | None, settings: Settings | None = None
    ) -> SpaceInGroups:
        return cls(_DatabaseNetwork.read(snapshot, candidates, settings or Settings()))

    @property
    def ids(self) -> np.ndarray:
        return self.shared.tables.organizations["id"].to_numpy(dtype=object)

    @property
    def rows(self) -> np.ndarray:
        return self.shared.every

    @property
    def cols(self) -> np.ndarray:
        return self.shared.cols

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def linked(self, rows: np.ndarray | None = None) -> sp.csr_matrix:
        """0/1 block of the pairs already linked (by any kind of link)."""
        chosen = self.rows if rows is None else self.rows[rows]
        return sp.csr_matrix(self.shared.links[chosen][:, self.cols])

    def spaces(
        self, rows: np.ndarray, size: int | None = None
    ) -> Iterator[tuple[np.ndarray, FeatureSpace]]:
        """The block rows ``rows`` (ascending) in groups of at most ``size``
        (:data:`GROUP_SOURCES` unless given), each with its feature space, whose first
        rows are the group's, in that order."""
        size = size or GROUP_SOURCES
        ids = self.ids
        for start in range(0, len(rows), size):
            group = rows[start : start + size]
            _give_back_freed_memory()
            yield group, self.shared.space(list(ids[self.rows[group]]))


def crowded_notes(full: int, asked: int, candidates: Candidates) -> list[str]:
    """The note on the ``full`` of ``asked`` sources whose candidates the database cut to
    its limit, if any."""
    if not full:
        return []
    return [
        f"{full} of {asked} {candidates.source_role}s reach more than "
        f"{DATABASE_CANDIDATES} candidates within three links: the database sent "
        "those with the most common partners and three-step paths; the others are "
        "scored without path signals"
    ]


def _path_signals(
    snapshot: Snapshot,
    candidates: Candidates,
    sources: np.ndarray,
    cols: np.ndarray,
    total_sources: int,
) -> pd.DataFrame:
    """The database's path signals of the sources at organisation positions ``sources``
    (``row``: a position among them) against the columns ``cols``, as part of a run over
    ``total_sources`` sources."""
    ids = snapshot.organizations["id"].to_numpy(dtype=object)
    found = snapshot.native(
        "pair_signals",
        sources=list(ids[sources]),
        targets=list(candidates.targets),
        candidates=list(ids[cols]),
        limit=DATABASE_CANDIDATES,
        total_sources=total_sources,
    )
    assert found is not None
    return found


def _joined_signals(parts: list[tuple[np.ndarray, pd.DataFrame]]) -> pd.DataFrame:
    """Path-signal frames as one, each frame's ``row`` (a position in its own list of
    sources) turned into the block row ``rows[row]`` of its ``(rows, frame)``."""
    frames = [
        pd.DataFrame(
            {
                "row": rows[found["row"].to_numpy()].astype(np.int32),
                **{name: found[name].to_numpy() for name in found.columns if name != "row"},
            }
        )
        for rows, found in parts
    ]
    joined = pd.concat(frames, ignore_index=True)
    for name in ("partner_degrees", "products"):
        joined.attrs[name] = np.concatenate([found.attrs[name] for _, found in parts])
    return joined


# Sources per group when a block from a database is built a group of sources at a time.
# On L (20,000 platforms) a group of 5,000 costs about 200 MB while it is built, scored
# and explained.
GROUP_SOURCES = 5_000


def _free_to_system() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _free_to_system()


def _give_back_freed_memory() -> None:
    """Hand the memory the previous group freed back to the system (glibc's
    ``malloc_trim``; nothing elsewhere). glibc keeps freed blocks for reuse, and with
    the millions of small objects a group's reasons and evidence leave, a run over many
    groups held more after each one (on L, 80 MB a group)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


# Candidates per source whose path signals a database sends back.
DATABASE_CANDIDATES = 200


def _database_blocks(
    found: pd.DataFrame, shape: tuple[int, int]
) -> dict[str, sp.csr_matrix | np.ndarray | signals.PathRows]:
    """The path blocks from the database's pairs (see
    :mod:`collabnet.backends.neo4j.pairs`), held as :func:`signals.three_steps` holds
    them: dense float32 where most of the block is reached, else sparse."""
    # The pairs in the order of a CSR matrix's entries: by row, then column (the
    # database sends a pair once). Every block is laid out from this one order, without
    # a coordinate matrix per block.
    r, c = found["row"].to_numpy(), found["col"].to_numpy()
    order = np.lexsort((c, r))
    rows_sorted, cols_sorted = r[order], c[order]

    def block(values: np.ndarray, keep: np.ndarray) -> sp.csr_matrix:
        """The pairs where ``keep`` (both in the frame's order) with ``values``."""
        kept = keep[order]
        counts = np.bincount(rows_sorted[kept], minlength=shape[0])
        indptr = np.concatenate([[0], np.cumsum(counts)])
        matrix = sp.csr_matrix((values[order][kept], cols_sorted[kept], indptr), shape=shape)
        matrix.has_sorted_indices = True
        return matrix

    shared_count = found["common_partners"].to_numpy()
    near = shared_count > 0
    shared = block(shared_count, near)
    # Sums over the shared partners in the order of the organisations table, as the
    # sparse products in memory add them up, so that both give the same floats.
    lengths = shared_count[near].astype(np.int64)
    degree = found.attrs["partner_degrees"]
    sums = {
        "adamic_adar": _ordered_sums(signals.adamic_adar_weight(degree), lengths),
        "resource_allocation": _ordered_sums(1.0 / np.maximum(degree, 1.0), lengths),
        "multiplicity": _ordered_sums(found.attrs["products"], lengths),
    }
    blocks: dict[str, sp.csr_matrix | np.ndarray | signals.PathRows] = {"common_partners": shared}
    every = np.zeros(len(found))
    for name, values in sums.items():
        every[near] = values
        blocks[name] = signals.same_pattern(block(every, near), shared)
    del every, sums
    reached = found["paths3"].to_numpy() > 0
    cells = shape[0] * shape[1]
    dense = 0 < cells <= signals.DENSE_PATH_CELLS and reached.sum() >= (
        signals.DENSE_PATH_FILL * cells
    )
    for name in ("paths3", "walk3"):
        # float32 precision, as :func:`signals.three_steps` gives every holding.
        values = found[name].to_numpy().astype(np.float32).astype(np.float64)
        matrix = block(values, reached)
        del values
        blocks[name] = matrix.toarray().astype(np.float32) if dense else matrix
    return blocks


def _ordered_sums(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The sum of each run of ``values`` (``lengths[i]`` of them for run ``i``), added
    one after another (not pairwise, as ``np.sum`` does)."""
    out = np.zeros(len(lengths))
    if not lengths.sum():
        return out
    owner = np.repeat(np.arange(len(lengths)), lengths)
    place = np.arange(len(values)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    # The k-th values of every run at once: each run appears once per step.
    order = np.argsort(place, kind="stable")
    bounds = np.searchsorted(place[order], np.arange(int(lengths.max()) + 1))
    for start, stop in itertools.pairwise(bounds):
        step = order[start:stop]
        out[owner[step]] += values[step]
    return out


def _database_node_features(
    activity: pd.DataFrame,
    org_type: np.ndarray,
    candidates: Candidates,
    settings: Settings,
    year: int | None,
    dated: pd.Series,
) -> pd.DataFrame:
    """:func:`_node_features` from the database's per-organisation counts."""
    degree = activity["degree"].to_numpy(dtype=float)
    last = activity["last_year"].to_numpy(dtype=float)
    if year is not None and len(dated):
        longest = year - float(dated.min()) + 1.0
        idle = np.where(np.isfinite(last), year - last, longest)
    else:
        idle = np.zeros(len(degree))
    is_source = np.isin(org_type, candidates.sources)
    safe_degree = np.maximum(degree, 1.0)
    partner_share = np.where(
        is_source,
        activity["target_partners"].to_numpy(dtype=float) / safe_degree,
        activity["source_partners"].to_numpy(dtype=float) / safe_degree,
    )
    co_built = activity["co_built"].to_numpy(dtype=float)
    capacity_left = np.ones(len(degree))
    platform = org_type == "platform"
    capacity = max(int(settings.capacity), 1)
    capacity_left[platform] = np.clip(capacity - co_built[platform], 0, None) / capacity
    return pd.DataFrame(
        {
            "degree": degree,
            "activity": activity["activity"].to_numpy(dtype=float),
            "recent": activity["recent"].to_numpy(dtype=float),
            "new_partners": activity["new_partners"].to_numpy(dtype=float),
            "idle_years": idle,
            "partner_share": partner_share,
            "co_built": co_built,
            "capacity_left": capacity_left,
            "last_year": last,
        }
    )


def _database_evidence(snapshot: Snapshot, ids: np.ndarray) -> Evidence:
    """The database's evidence behind pairs, by organisation positions."""
    position = pd.Series(np.arange(len(ids)), index=ids)

    def evidence(
        source: np.ndarray, target: np.ndarray, examples: bool
    ) -> tuple[sp.csr_matrix, list[tuple[int, int] | None] | None]:
        pairs = [[ids[s], ids[t]] for s, t in zip(source.tolist(), target.tolist(), strict=True)]
        found = snapshot.native("pair_evidence", pairs=pairs, examples=examples)
        assert found is not None
        # One lookup for every pair's partners (ids the organisations table holds).
        lengths = np.fromiter((len(x) for x in found["shared"]), np.int64, len(found))
        flat = [partner for listed in found["shared"] for partner in listed]
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        indices = position.index.get_indexer(pd.Index(flat, dtype=object)).astype(np.int64)
        if (indices < 0).any():
            raise BackendError("the database named a shared partner the snapshot does not hold")
        shared = sp.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(len(source), len(ids))
        )
        if not examples:
            return shared, None
        paths = [
            None if example is None else (int(position[example[0]]), int(position[example[1]]))
            for example in found["example"]
        ]
        return shared, paths

    return evidence


def _no_links() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in LINK_COLUMNS})
    return frame.astype({"year": "Int64", "weight": float, "funding": float})


def _link_blocks(
    snapshot: Snapshot,
    tables: Tables,
    links: sp.csr_matrix,
    rows: np.ndarray,
    cols: np.ndarray,
    every: np.ndarray,
) -> dict[str, sp.csr_matrix | np.ndarray | signals.PathRows]:
    """The block features of organisations with links: neighbourhood, path, multiplicity
    and capability-text signals (over the texts of the sources ``every``)."""
    weighted = _padded(snapshot.adjacency.matrix, links.shape[0])
    blocks = signals.block_signals(links, rows, cols, weighted)
    blocks["text_similarity"] = _text_block(tables, rows, cols, every)
    return blocks


def _text_block(
    tables: Tables, rows: np.ndarray, cols: np.ndarray, every: np.ndarray
) -> sp.csr_matrix:
    """Capability-text similarity of the block (the sources' texts enriched with their
    industries and project titles), over the corpus of the sources ``every`` (and the
    block's rows) and the columns."""
    text = _TextVectors.of(tables, np.union1d(every, rows), cols)
    return text.block(rows) if text is not None else sp.csr_matrix((len(rows), len(cols)))


@dataclass(frozen=True)
class _TextVectors:
    """TF-IDF vectors of capability texts over one corpus: every source of the block's
    types (organisation positions ``every``, ascending) and every column. The
    document frequencies are counted over that corpus whichever rows a block holds,
    so a pair's similarity does not depend on the other sources asked for."""

    every: np.ndarray
    sources: sp.csr_matrix
    targets: sp.csr_matrix

    @classmethod
    def of(
        cls,
        tables: Tables,
        every: np.ndarray,
        cols: np.ndarray,
        titled: pd.DataFrame | None = None,
    ) -> _TextVectors | None:
        """The vectors, or None when no column has a text."""
        target_texts = capability_texts(tables, enriched=False)
        if not any(target_texts[j] for j in cols):
            return None
        source_texts = capability_texts(tables, enriched=True, titled=titled)
        vectors = signals.char_ngram_tfidf(
            [source_texts[i] for i in every] + [target_texts[j] for j in cols]
        )
        return cls(every, vectors[: len(every)], vectors[len(every) :])

    def block(self, rows: np.ndarray) -> sp.csr_matrix:
        """Similarity of the sources at organisation positions ``rows`` × every column."""
        at = np.searchsorted(self.every, rows)
        if len(rows) and not np.array_equal(self.every[np.minimum(at, len(self.every) - 1)], rows):
            raise ValueError("text vectors asked for a source outside their corpus")
        return signals.text_similarity(self.sources[at], self.targets)


def _extends(space: FeatureSpace, rows: np.ndarray, cols: np.ndarray) -> bool:
    """Whether ``rows`` are ``space``'s rows followed by newcomers, with the same columns."""
    known = len(space.rows)
    return (
        len(rows) >= known
        and np.array_equal(rows[:known], space.rows)
        and np.array_equal(cols, space.cols)
        and bool((rows[known:] >= len(space.ids)).all())
    )


def _with_empty_rows(
    block: sp.csr_matrix | np.ndarray | signals.PathRows, count: int
) -> sp.csr_matrix | np.ndarray | signals.PathRows:
    """``block`` with zero rows appended up to ``count`` rows (newcomers have no links)."""
    extra = count - block.shape[0]
    if extra == 0:
        return block
    if isinstance(block, signals.PathRows):
        return block.with_rows(count)
    if isinstance(block, np.ndarray):
        return np.vstack([block, np.zeros((extra, block.shape[1]), dtype=block.dtype)])
    indptr = np.concatenate([block.indptr, np.full(extra, block.indptr[-1])])
    return sp.csr_matrix((block.data, block.indices, indptr), shape=(count, block.shape[1]))


def _with_newcomers(tables: Tables, newcomers: pd.DataFrame) -> Tables:
    known = set(tables.organizations["id"])
    fresh = newcomers[~newcomers["id"].isin(known)]
    if len(fresh) == 0:
        return tables
    template = tables.organizations
    added = pd.DataFrame({column: [None] * len(fresh) for column in template.columns})
    added["id"] = fresh["id"].to_numpy()
    added["name"] = fresh["name"].to_numpy()
    added["type"] = fresh["type"].to_numpy()
    added["industries"] = [() for _ in range(len(fresh))]
    added["level"] = "none"
    added["rd_institution"] = False
    added["founded"] = pd.array([pd.NA] * len(fresh), dtype="Int64")
    added["leading"] = pd.array([pd.NA] * len(fresh), dtype="boolean")
    organizations = pd.concat(
        [template, added.astype(template.dtypes.to_dict())], ignore_index=True
    )
    return replace(tables, organizations=organizations)


def _snapshot_year(tables: Tables) -> int | None:
    if tables.as_of_year is not None:
        return int(tables.as_of_year)
    years = tables.links["year"].dropna()
    return int(years.max()) if len(years) else None


def capability_texts(
    tables: Tables, *, enriched: bool = False, titled: pd.DataFrame | None = None
) -> list[str]:
    """Text describing each organisation's capabilities, in ``organizations`` order.

    Its ``capabilities`` column; ``enriched`` (used for the side that asks, e.g. the
    enterprise) adds the Chinese names of its industries and the titles of the joint
    projects it took part in (when links have a ``title`` column), read from ``titled``
    (``source``, ``target``, ``title``) when given instead of ``tables.links``.
    """
    organizations = tables.organizations
    n = len(organizations)
    parts: list[pd.Series] = []
    if "capabilities" in organizations.columns:
        parts.append(organizations["capabilities"].astype(object).fillna("").astype(str))
    if enriched:
        names = dict(zip(tables.industries["code"], tables.industries["name_zh"], strict=True))
        parts.append(
            organizations["industries"].map(lambda codes: "、".join(names.get(c, c) for c in codes))
        )
        links = tables.links if titled is None else titled
        if "title" in links.columns and len(links):
            titled = links[links["title"].notna()]
            ends = pd.DataFrame(
                {
                    "id": np.concatenate(
                        [titled["source"].to_numpy(), titled["target"].to_numpy()]
                    ),
                    "title": np.concatenate(
                        [titled["title"].to_numpy(), titled["title"].to_numpy()]
                    ),
                }
            )
            titles = ends.drop_duplicates().groupby("id")["title"].agg("、".join)
            parts.append(organizations["id"].map(titles).astype(object).fillna(""))
    if not parts:
        return [""] * n
    joined = parts[0].astype(str)
    for part in parts[1:]:
        joined = joined + "、" + part.astype(str)
    return joined.str.strip("、").tolist()


def _codes(organizations: pd.DataFrame, column: str) -> np.ndarray:
    if column not in organizations.columns:
        return np.full(len(organizations), -1, dtype=np.int64)
    values = organizations[column].astype(object)
    values = values.where(values.notna() & (values.astype(str).str.strip() != ""), None)
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64)


def _themes(
    tables: Tables, rows: np.ndarray, cols: np.ndarray, year: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Theme profiles from project participations and project themes (e.g. CORDIS
    programme parts) up to ``year``: each row's share of its projects per theme, each
    column's project count per theme. Empty without participations or themes."""
    parts, projects = tables.participations, tables.projects
    empty = np.zeros((len(rows), 0)), np.zeros((len(cols), 0))
    if parts is None or projects is None or "industry" not in projects.columns:
        return empty
    if year is not None:
        parts = parts[parts["year"].notna() & (parts["year"] <= year)]
    joined = (
        parts[["project", "org"]]
        .drop_duplicates()
        .merge(projects[["project", "industry"]].dropna().drop_duplicates("project"), on="project")
    )
    if len(joined) == 0:
        return empty
    counts = _theme_counts(tables.organizations["id"], joined["org"], joined["industry"])
    return _theme_profiles(counts, rows, cols)


def _theme_counts(ids: pd.Series, org: pd.Series, theme: pd.Series) -> np.ndarray:
    """Per organisation (``ids``' order), its projects per theme (sorted), from one row
    per organisation (``org``) and project of theme ``theme``; no column without any."""
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    at = org.map(position)
    keep = at.notna().to_numpy()
    if not keep.any():
        return np.zeros((len(ids), 0))
    codes, _ = pd.factorize(theme.to_numpy()[keep], sort=True)
    return sp.csr_matrix(
        (np.ones(int(keep.sum())), (at[keep].to_numpy(dtype=np.int64), codes)),
        shape=(len(ids), int(codes.max()) + 1),
    ).toarray()


def _theme_profiles(
    counts: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's share of its projects per theme, each column's project count per
    theme, from every organisation's projects per theme."""
    if counts.shape[1] == 0:
        return np.zeros((len(rows), 0)), np.zeros((len(cols), 0))
    totals = counts[rows].sum(axis=1, keepdims=True)
    shares = np.divide(counts[rows], totals, out=np.zeros_like(counts[rows]), where=totals > 0)
    return shares, counts[cols]


def _padded(matrix: sp.csr_matrix, size: int) -> sp.csr_matrix:
    """``matrix`` with empty rows and columns appended up to ``size``."""
    extra = size - matrix.shape[0]
    if extra == 0:
        return matrix
    indptr = np.concatenate([matrix.indptr, np.full(extra, matrix.indptr[-1])])
    return sp.csr_matrix((matrix.data, matrix.indices, indptr), shape=(size, size))


def _node_features(
    tables: Tables,
    pairs: pd.DataFrame,
    links: sp.csr_matrix,
    ends_of_links: tuple[np.ndarray, np.ndarray],
    candidates: Candidates,
    settings: Settings,
    year: int | None,
) -> pd.DataFrame:
    organizations = tables.organizations
    n = len(organizations)
    table = tables.links
    source, target = ends_of_links
    weight = table["weight"].to_numpy(dtype=float)
    link_year = table["year"].to_numpy(dtype="float64", na_value=np.nan)
    ends = np.concatenate([source, target])
    in_year = np.concatenate([link_year, link_year]) == year if year is not None else None

    degree = signals.degrees(links)
    if tables.participations is not None:
        parts = tables.participations
        if year is not None:
            parts = parts[parts["year"].notna() & (parts["year"] <= year)]
        parts = parts.drop_duplicates(["project", "org"])
        position = pd.Series(np.arange(n), index=organizations["id"].to_numpy())
        counted = parts["org"].map(position)
        activity = np.bincount(counted.dropna().astype(int), minlength=n).astype(float)
        latest = parts["year"] == year
        recent_counted = counted[latest.to_numpy(dtype=bool)].dropna().astype(int)
        recent = np.bincount(recent_counted, minlength=n).astype(float)
    else:
        both = np.concatenate([weight, weight])
        activity = np.bincount(ends, weights=both, minlength=n)
        recent = (
            np.bincount(ends[in_year], weights=both[in_year], minlength=n)
            if in_year is not None
            else np.zeros(n)
        )
    # A partner is new in ``year`` when the pair's first dated link is from that year.
    first_year = pairs["year"].to_numpy(dtype="float64", na_value=np.nan)
    fresh = first_year == year if year is not None else np.zeros(len(pairs), dtype=bool)
    new_partners = np.bincount(
        np.concatenate([pairs["a"].to_numpy()[fresh], pairs["b"].to_numpy()[fresh]]),
        minlength=n,
    ).astype(float)
    last = np.full(n, -np.inf)
    dated = ~np.isnan(link_year)
    np.maximum.at(last, source[dated], link_year[dated])
    np.maximum.at(last, target[dated], link_year[dated])
    if year is not None and dated.any():
        longest = year - float(np.nanmin(link_year)) + 1.0
        idle = np.where(np.isfinite(last), year - last, longest)
    else:
        idle = np.zeros(n)

    org_type = organizations["type"].to_numpy(dtype=object)
    is_source = np.isin(org_type, candidates.sources).astype(float)
    is_target = np.isin(org_type, candidates.targets).astype(float)
    safe_degree = np.maximum(degree, 1.0)
    # A source's appetite for partners of the target type, and the reverse.
    partner_share = np.where(
        is_source > 0, (links @ is_target) / safe_degree, (links @ is_source) / safe_degree
    )

    co_built = np.zeros(n)
    kinds = table["kind"].to_numpy(dtype=object)
    centre = kinds == "co_built_centre"
    if centre.any():
        pairs = pd.DataFrame({"e": source[centre], "p": target[centre]}).drop_duplicates()
        platform_end = np.where(
            org_type[pairs["p"].to_numpy()] == "platform", pairs["p"], pairs["e"]
        )
        co_built = np.bincount(platform_end, minlength=n).astype(float)
    capacity_left = np.ones(n)
    platform = org_type == "platform"
    capacity = max(int(settings.capacity), 1)
    capacity_left[platform] = np.clip(capacity - co_built[platform], 0, None) / capacity
    return pd.DataFrame(
        {
            "degree": degree,
            "activity": activity,
            "recent": recent,
            "new_partners": new_partners,
            "idle_years": idle,
            "partner_share": partner_share,
            "co_built": co_built,
            "capacity_left": capacity_left,
            "last_year": np.where(np.isfinite(last), last, np.nan),
        }
    )


def _coverage(snapshot: Snapshot, candidates: Candidates) -> pd.DataFrame | None:
    """Each industry's coverage share (the coverage analysis's) when platforms are the
    targets, else None."""
    if "platform" not in candidates.targets:
        return None
    return industry_coverage_share(snapshot)


def _industry_tables(
    tables: Tables,
    rows: np.ndarray,
    cols: np.ndarray,
    coverage: pd.DataFrame | None,
    coverage_target: float,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Industry features per distinct industry set of the sources × every column."""
    industries = tables.organizations["industries"].to_numpy(dtype=object)
    row_sets = pd.Series(
        [tuple(sorted(v)) if isinstance(v, tuple) else () for v in industries[rows]]
    )
    group, unique_sets = pd.factorize(row_sets)
    codes = {code: i for i, code in enumerate(tables.industries["code"])}
    n_industries = len(codes)
    target_members = np.zeros((len(cols), n_industries), dtype=bool)
    for j, value in enumerate(industries[cols]):
        for code in value if isinstance(value, tuple) else ():
            if code in codes:
                target_members[j, codes[code]] = True
    set_members = np.zeros((len(unique_sets), n_industries), dtype=bool)
    for i, value in enumerate(unique_sets):
        for code in value:
            if code in codes:
                set_members[i, codes[code]] = True
    shared = set_members.astype(float) @ target_members.T.astype(float)
    same = (shared > 0).astype(float)
    gap_table = np.zeros_like(same)
    if coverage is not None and coverage_target > 0:
        share = coverage.set_index("industry")["coverage_share"]
        for code, i in codes.items():
            value = share.get(code, np.nan)
            if pd.isna(value) or value >= coverage_target:
                continue
            gap = (coverage_target - float(value)) / coverage_target
            both = np.outer(set_members[:, i], target_members[:, i])
            gap_table = np.where(both, np.maximum(gap_table, gap), gap_table)
    return group.astype(np.int64), {"same_industry": same, "coverage_gap": gap_table}
