"""The recommender's feature catalogue and the block of candidate pairs it is computed on.

A :class:`FeatureSpace` holds one snapshot of the network seen as a block of candidate
pairs: source organisations (rows, by default enterprises) × target organisations
(columns, by default platforms). Every feature is one of four shapes, so that a whole
block is scored with a few vectorised operations and never a Python loop over pairs:

- a property of the source (``source_*``) or of the target (``target_*``);
- a sparse block (shared partners, their joint-project multiplicity, Adamic–Adar,
  resource allocation, paths of length three and the three-step random walk,
  capability-text similarity), zero for many pairs;
- a product of theme profiles (the source's project themes against the target's
  activity in them);
- a comparison of the two ends' industries, county or country.

The space is built by :func:`collabnet.recommend.space.build_space`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.recommend import signals
from collabnet.schema import ORG_TYPES
from collabnet.snapshot import Snapshot
from collabnet.tables import Tables

__all__ = [
    "ACADEMIC",
    "DENSE_CELLS",
    "FEATURES",
    "Candidates",
    "Feature",
    "FeatureSpace",
    "Settings",
]

ACADEMIC = ("university", "institute")
# Positions of block pairs in sparse blocks, by the blocks' index arrays (their ids).
_Positions = dict[tuple[int, int], np.ndarray]
# Pair blocks up to this many cells are scored densely in one go; bigger ones by groups.
DENSE_CELLS = 20_000_000


@dataclass(frozen=True)
class Feature:
    """One model feature: its shape, transform and a bilingual description."""

    name: str
    shape: str  # source | target | block | theme | industry | county | country
    raw: str  # the raw quantity it is computed from
    log: bool
    zh: str
    en: str


_FEATURE_LIST = (
    Feature("source_degree", "source", "degree", True, "合作伙伴数", "partners"),
    Feature("source_activity", "source", "activity", True, "合作活跃度", "activity"),
    Feature("source_recent", "source", "recent", True, "最近一年活跃度", "activity last year"),
    Feature(
        "source_new_partners",
        "source",
        "new_partners",
        True,
        "最近一年新伙伴",
        "new partners last year",
    ),
    Feature(
        "source_idle_years",
        "source",
        "idle_years",
        False,
        "距上次合作年数",
        "years since last link",
    ),
    Feature(
        "source_partner_share",
        "source",
        "partner_share",
        False,
        "目标类型伙伴占比",
        "share of partners of the target type",
    ),
    Feature("target_degree", "target", "degree", True, "合作伙伴数", "partners"),
    Feature("target_activity", "target", "activity", True, "合作活跃度", "activity"),
    Feature("target_recent", "target", "recent", True, "最近一年活跃度", "activity last year"),
    Feature(
        "target_new_partners",
        "target",
        "new_partners",
        True,
        "最近一年新伙伴",
        "new partners last year",
    ),
    Feature(
        "target_idle_years",
        "target",
        "idle_years",
        False,
        "距上次合作年数",
        "years since last link",
    ),
    Feature(
        "target_partner_share",
        "target",
        "partner_share",
        False,
        "来源类型伙伴占比",
        "share of partners of the source type",
    ),
    Feature("target_capacity_left", "target", "capacity_left", False, "剩余容量", "capacity left"),
    Feature("common_partners", "block", "common_partners", True, "共同合作伙伴", "shared partners"),
    Feature("adamic_adar", "block", "adamic_adar", False, "Adamic–Adar指数", "Adamic–Adar index"),
    Feature(
        "resource_allocation",
        "block",
        "resource_allocation",
        False,
        "资源分配指数",
        "resource allocation",
    ),
    Feature("paths3", "block", "paths3", True, "三步合作路径", "paths of length 3"),
    Feature(
        "multiplicity",
        "block",
        "multiplicity",
        True,
        "共同伙伴的联合项目数",
        "joint projects through shared partners",
    ),
    Feature("walk3", "block", "walk3", False, "三步随机游走概率", "three-step random-walk chance"),
    Feature(
        "theme_overlap",
        "theme",
        "theme_overlap",
        True,
        "在企业项目主题中的活跃度",
        "activity in the enterprise's project themes",
    ),
    Feature(
        "text_similarity",
        "block",
        "text_similarity",
        False,
        "能力文本相似度",
        "capability-text similarity",
    ),
    Feature("same_industry", "industry", "same_industry", False, "同一产业", "same industry"),
    Feature(
        "coverage_gap", "industry", "coverage_gap", False, "产业覆盖缺口", "industry coverage gap"
    ),
    Feature("same_county", "county", "same_county", False, "同一县市区", "same county"),
    Feature("same_country", "country", "same_country", False, "同一国家", "same country"),
)
FEATURES: dict[str, Feature] = {f.name: f for f in _FEATURE_LIST}


@dataclass(frozen=True)
class Candidates:
    """Which organisation types are paired: sources (rows) with targets (columns).

    Examples
    --------
    >>> Candidates.parse("enterprise:university,institute")
    Candidates(sources=('enterprise',), targets=('university', 'institute'))
    """

    sources: tuple[str, ...] = ("enterprise",)
    targets: tuple[str, ...] = ("platform",)

    @classmethod
    def parse(cls, text: str) -> Candidates:
        """``SOURCES:TARGETS``, each a comma-separated list of organisation types."""
        if text.count(":") != 1:
            raise InputError(
                f"candidates '{text}': expected SOURCE_TYPES:TARGET_TYPES, "
                "e.g. enterprise:platform or enterprise:university,institute"
            )
        left, right = text.split(":")
        sides = []
        for part in (left, right):
            types = tuple(t.strip() for t in part.split(",") if t.strip())
            unknown = [t for t in types if t not in ORG_TYPES]
            if not types or unknown:
                raise InputError(
                    f"candidates '{text}': unknown organisation type "
                    f"'{(unknown or [part])[0]}' (expected {', '.join(ORG_TYPES)})"
                )
            sides.append(types)
        return cls(sides[0], sides[1])

    @classmethod
    def default_for(cls, network: Tables | pd.DataFrame) -> Candidates:
        """Enterprise × platform, or enterprise × university/institute without platforms
        (``network``: the tables, or just their organisations)."""
        organizations = network.organizations if isinstance(network, Tables) else network
        if (organizations["type"] == "platform").any():
            return cls(("enterprise",), ("platform",))
        return cls(("enterprise",), ACADEMIC)

    @property
    def source_role(self) -> str:
        return _role(self.sources)

    @property
    def target_role(self) -> str:
        return _role(self.targets)


def _role(types: tuple[str, ...]) -> str:
    return types[0] if len(types) == 1 else "partner"


@dataclass(frozen=True)
class Settings:
    """Parameters of the features.

    capacity
        Co-built R&D centres a platform can host; ``target_capacity_left`` is the unused
        share of it.
    coverage_target
        Coverage share an industry should reach; below it, pairs in the industry get the
        ``coverage_gap`` bonus in proportion to the shortfall.
    """

    capacity: int = 5
    coverage_target: float = 0.5


Evidence = Callable[
    [np.ndarray, np.ndarray, bool], tuple[sp.csr_matrix, list[tuple[int, int] | None] | None]
]


class Block(Protocol):
    """A candidate block's coordinates and its linked pairs: what drawing pairs from a
    block needs (a :class:`FeatureSpace`, or a block whose features are computed a
    group of rows at a time)."""

    @property
    def ids(self) -> np.ndarray: ...

    @property
    def rows(self) -> np.ndarray: ...

    @property
    def cols(self) -> np.ndarray: ...

    @property
    def shape(self) -> tuple[int, int]: ...

    def linked(self, rows: np.ndarray | None = None) -> sp.csr_matrix: ...


@dataclass
class FeatureSpace:
    """One snapshot of the network as a block of candidate pairs, with their features.

    Block coordinates: row ``i`` is organisation ``ids[rows[i]]``, column ``j`` is
    ``ids[cols[j]]``.
    """

    tables: Tables
    candidates: Candidates
    settings: Settings
    year: int | None
    ids: np.ndarray
    links: sp.csr_matrix
    rows: np.ndarray
    cols: np.ndarray
    node: pd.DataFrame
    # Sparse, or dense (float32) where most pairs have a value (three-step paths), or
    # computed row by row where neither fits (three-step paths of huge blocks).
    blocks: dict[str, sp.csr_matrix | np.ndarray | signals.PathRows]
    industry_of_row: np.ndarray
    industry_tables: dict[str, np.ndarray]
    county: np.ndarray
    country: np.ndarray
    coverage: pd.DataFrame | None
    # Theme profiles: the share of each row's projects per theme, and each column's
    # project count per theme; ``theme_overlap`` is their product.
    theme_rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    theme_cols: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    moment_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    notes: list[str] = field(default_factory=list)
    # Rows whose candidates the database cut to its limit (a space built from a database).
    crowded: np.ndarray | None = None
    missing: frozenset[str] = frozenset()
    # A space built from a database holds only the block's links (``links``), so the
    # evidence behind pairs is asked of the database: for organisation positions
    # ``(source[i], target[i])``, the partners each pair shares (row ``i`` of a sparse
    # matrix over organisations) and, when asked, one three-step path (x, y) per pair.
    evidence: Evidence | None = None
    # The links with a title (``source``, ``target``, ``title``) when ``tables`` has
    # none (a space built from a database).
    titled_links: pd.DataFrame | None = None
    # The snapshot the space was built from (to learn weights from its earlier years).
    snapshot: Snapshot | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def linked(self, rows: np.ndarray | None = None) -> sp.csr_matrix:
        """0/1 block of the pairs already linked (by any kind of link)."""
        chosen = self.rows if rows is None else self.rows[rows]
        return sp.csr_matrix(self.links[chosen][:, self.cols])

    def raw_at(
        self, name: str, r: np.ndarray, c: np.ndarray, positions: _Positions | None = None
    ) -> np.ndarray:
        """The raw quantity behind feature ``name`` at block positions ``(r, c)``.

        ``positions`` keeps the positions of ``(r, c)`` in sparse blocks by their index
        arrays, so that blocks sharing them (see :func:`signals.same_pattern`) are
        searched once."""
        feature = FEATURES[name]
        if feature.shape == "source":
            return self.node[feature.raw].to_numpy(dtype=float)[self.rows[r]]
        if feature.shape == "target":
            return self.node[feature.raw].to_numpy(dtype=float)[self.cols[c]]
        if feature.shape == "block":
            block = self.blocks[feature.raw]
            if positions is None or not isinstance(block, sp.csr_matrix):
                return signals.values_at(block, r, c)
            key = (id(block.indptr), id(block.indices))
            if key not in positions:
                positions[key] = signals.positions_at(block, r, c)
            return signals.values_from(block, positions[key])
        if feature.shape == "theme":
            if self.theme_rows.shape[1] == 0:
                return np.zeros(len(r))
            return np.einsum("ij,ij->i", self.theme_rows[r], self.theme_cols[c])
        if feature.shape == "industry":
            return self.industry_tables[feature.raw][self.industry_of_row[r], c]
        codes = self.county if feature.shape == "county" else self.country
        a, b = codes[self.rows[r]], codes[self.cols[c]]
        return ((a == b) & (a >= 0)).astype(float)

    def value_at(
        self, name: str, r: np.ndarray, c: np.ndarray, positions: _Positions | None = None
    ) -> np.ndarray:
        """Feature ``name`` (transformed as the model sees it) at block positions."""
        values = self.raw_at(name, r, c, positions)
        return np.log1p(values) if FEATURES[name].log else values

    def features_at(self, r: np.ndarray, c: np.ndarray) -> pd.DataFrame:
        """Every model feature at block positions ``(r, c)``, one column each."""
        r = np.asarray(r, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        positions: _Positions = {}
        return pd.DataFrame({name: self.value_at(name, r, c, positions) for name in FEATURES})

    def theme_block(self, rows: np.ndarray) -> np.ndarray:
        """Raw ``theme_overlap`` for block rows ``rows`` × every column (dense)."""
        if self.theme_rows.shape[1] == 0:
            return np.zeros((len(rows), self.shape[1]))
        return self.theme_rows[rows] @ self.theme_cols.T

    def node_vector(self, name: str) -> np.ndarray:
        """Transformed source or target feature for every row or column of the block."""
        feature = FEATURES[name]
        positions = self.rows if feature.shape == "source" else self.cols
        values = self.node[feature.raw].to_numpy(dtype=float)[positions]
        return np.log1p(values) if feature.log else values

    def sample_pairs(self, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """Random block positions (with replacement) among the rows kept for moments.

        Those rows are the same whichever sources were asked for, so standardised
        features, and hence scores, do not depend on the query.
        """
        if 0 in self.shape:
            sources, targets = self.candidates.sources, self.candidates.targets
            raise InputError(
                f"nothing to pair: the network has {self.shape[0]} organisations of type "
                f"{'/'.join(sources)} and {self.shape[1]} of type {'/'.join(targets)}"
            )
        rng = np.random.default_rng(seed)
        rows = self.moment_rows if len(self.moment_rows) else np.arange(self.shape[0])
        return rows[rng.integers(0, len(rows), size=count)], rng.integers(
            0, self.shape[1], size=count
        )

    def ids_type(self, positions: np.ndarray) -> np.ndarray:
        """Organisation type at the given organisation positions."""
        return self.tables.organizations["type"].to_numpy(dtype=object)[positions]

    def row_of(self, ids: Sequence[str]) -> np.ndarray:
        """Block rows of the given source ids."""
        index = pd.Series(np.arange(len(self.rows)), index=self.ids[self.rows])
        return index.loc[list(ids)].to_numpy()

    def col_of(self, ids: Sequence[str]) -> np.ndarray:
        """Block columns of the given target ids."""
        index = pd.Series(np.arange(len(self.cols)), index=self.ids[self.cols])
        return index.loc[list(ids)].to_numpy()
