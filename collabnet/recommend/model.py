"""Candidate pairs, their features, and the weights that turn features into one score.

A :class:`FeatureSpace` holds one snapshot of the network seen as a block of candidate
pairs: source organisations (rows, by default enterprises) × target organisations
(columns, by default platforms). Every feature is one of four shapes, so that a whole
block is scored with a few vectorised operations and never a Python loop over pairs:

- a property of the source (``source_*``) or of the target (``target_*``);
- a sparse block (shared partners, Adamic–Adar, resource allocation, paths of length
  three, capability-text similarity), zero for most pairs;
- a comparison of the two ends' industries, county or country.

A :class:`Weights` object combines standardised features linearly (the score shown to
users is derived from that sum by :meth:`collabnet.recommend.rank.Scorer.score`). Weights
are either learned from the network's own history (:func:`learn_weights`) or the
documented :data:`DEFAULT_WEIGHTS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize

from collabnet.errors import InputError
from collabnet.graph import link_positions
from collabnet.recommend import signals
from collabnet.schema import ORG_TYPES
from collabnet.tables import Tables

__all__ = [
    "DEFAULT_WEIGHTS",
    "FEATURES",
    "Candidates",
    "Feature",
    "FeatureSpace",
    "Settings",
    "Weights",
    "build_space",
    "default_weights",
    "fit_logistic",
    "learn_weights",
    "resolve_weights",
    "sigmoid",
]

ACADEMIC = ("university", "institute")
MIN_POSITIVES = 5
MOMENT_SOURCES = 1000
MOMENT_SEED = 20240626
# Pair blocks up to this many cells are scored densely in one go; bigger ones by groups.
DENSE_CELLS = 20_000_000


@dataclass(frozen=True)
class Feature:
    """One model feature: its shape, transform and a bilingual description."""

    name: str
    shape: str  # source | target | block | industry | county | country
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

# Weights on standardised features (each feature has mean 0 and standard deviation 1
# over the candidate pairs). Network proximity and fit come first, popularity second:
# shared partners and 3-step paths, capability text and industry, then the target's
# size and activity and the coverage-gap bonus; idle years count against a pair. A
# platform's unused capacity weighs most, so full platforms drop unless the rest of the
# evidence is strong. Chosen by hand, then checked only on training-year splits of the
# CORDIS data (2014–2015) and on the sample; ``--weights learned`` replaces them with
# weights fitted on the network's own history.
DEFAULT_WEIGHTS: dict[str, float] = {
    "source_degree": 0.2,
    "source_activity": 0.3,
    "source_recent": 0.3,
    "source_new_partners": 0.0,
    "source_idle_years": -0.2,
    "source_partner_share": 0.1,
    "target_degree": 0.3,
    "target_activity": 0.4,
    "target_recent": 0.3,
    "target_new_partners": 0.0,
    "target_idle_years": -0.2,
    "target_partner_share": 0.3,
    "target_capacity_left": 1.0,
    "common_partners": 0.3,
    "adamic_adar": 0.1,
    "resource_allocation": 0.1,
    "paths3": 0.4,
    "text_similarity": 0.5,
    "same_industry": 0.4,
    "coverage_gap": 0.3,
    "same_county": 0.2,
    "same_country": 0.2,
}


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
    def default_for(cls, tables: Tables) -> Candidates:
        """Enterprise × platform, or enterprise × university/institute without platforms."""
        if (tables.organizations["type"] == "platform").any():
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
    max_path_work
        Multiply-adds allowed for the 3-step path counts; on bigger networks they are
        left out (and the result says so), keeping every other signal.
    """

    capacity: int = 5
    coverage_target: float = 0.5
    max_path_work: float = 5e8


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
    blocks: dict[str, sp.csr_matrix]
    industry_of_row: np.ndarray
    industry_tables: dict[str, np.ndarray]
    county: np.ndarray
    country: np.ndarray
    coverage: pd.DataFrame | None
    moment_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    notes: list[str] = field(default_factory=list)
    missing: frozenset[str] = frozenset()

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def linked(self, rows: np.ndarray | None = None) -> sp.csr_matrix:
        """0/1 block of the pairs already linked (by any kind of link)."""
        chosen = self.rows if rows is None else self.rows[rows]
        return sp.csr_matrix(self.links[chosen][:, self.cols])

    def raw_at(self, name: str, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The raw quantity behind feature ``name`` at block positions ``(r, c)``."""
        feature = FEATURES[name]
        if feature.shape == "source":
            return self.node[feature.raw].to_numpy(dtype=float)[self.rows[r]]
        if feature.shape == "target":
            return self.node[feature.raw].to_numpy(dtype=float)[self.cols[c]]
        if feature.shape == "block":
            return signals.values_at(self.blocks[feature.raw], r, c)
        if feature.shape == "industry":
            return self.industry_tables[feature.raw][self.industry_of_row[r], c]
        codes = self.county if feature.shape == "county" else self.country
        a, b = codes[self.rows[r]], codes[self.cols[c]]
        return ((a == b) & (a >= 0)).astype(float)

    def value_at(self, name: str, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Feature ``name`` (transformed as the model sees it) at block positions."""
        values = self.raw_at(name, r, c)
        return np.log1p(values) if FEATURES[name].log else values

    def features_at(self, r: np.ndarray, c: np.ndarray) -> pd.DataFrame:
        """Every model feature at block positions ``(r, c)``, one column each."""
        r = np.asarray(r, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        return pd.DataFrame({name: self.value_at(name, r, c) for name in FEATURES})

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

    def row_of(self, ids: Sequence[str]) -> np.ndarray:
        """Block rows of the given source ids."""
        index = pd.Series(np.arange(len(self.rows)), index=self.ids[self.rows])
        return index.loc[list(ids)].to_numpy()

    def col_of(self, ids: Sequence[str]) -> np.ndarray:
        """Block columns of the given target ids."""
        index = pd.Series(np.arange(len(self.cols)), index=self.ids[self.cols])
        return index.loc[list(ids)].to_numpy()


def build_space(
    tables: Tables,
    candidates: Candidates | None = None,
    *,
    settings: Settings | None = None,
    sources: Sequence[str] | None = None,
    extra_sources: pd.DataFrame | None = None,
) -> FeatureSpace:
    """The candidate block of ``tables`` with every feature computed.

    Parameters
    ----------
    tables
        The network as known at the time of recommending (``tables.as_of(year)``).
    candidates
        Types to pair (default: :meth:`Candidates.default_for`).
    settings
        Feature parameters (:class:`Settings`).
    sources
        Only these source ids as rows (default: every organisation of a source type).
    extra_sources
        Organisations (``id``, ``name``, ``type``) unknown to ``tables`` to add as rows
        without links or attributes: newcomers to score in a backtest ("cold start").
    """
    settings = settings or Settings()
    candidates = candidates or Candidates.default_for(tables)
    known = len(tables.organizations)
    if extra_sources is not None and len(extra_sources):
        tables = _with_newcomers(tables, extra_sources)
    organizations = tables.organizations
    ids = organizations["id"].to_numpy(dtype=object)
    source_end, target_end = link_positions(tables)
    links = _binary_adjacency(source_end, target_end, len(ids))
    org_type = organizations["type"].to_numpy(dtype=object)
    every_source = np.flatnonzero(np.isin(org_type, candidates.sources))
    # A fixed random set of sources (newcomers excluded) on which features are standardised.
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
    cols = np.flatnonzero(np.isin(org_type, candidates.targets))
    year = _snapshot_year(tables)
    node = _node_features(tables, links, (source_end, target_end), candidates, settings, year)

    shared, adamic_adar, resource = signals.neighbourhood_scores(links, rows, cols)
    blocks: dict[str, sp.csr_matrix] = {
        "common_partners": shared,
        "adamic_adar": adamic_adar,
        "resource_allocation": resource,
    }
    notes: list[str] = []
    missing: set[str] = set()
    work = signals.paths3_work(links, rows, cols)
    if work <= settings.max_path_work:
        blocks["paths3"] = signals.paths3(links, rows, cols)
    else:
        missing.add("paths3")
        blocks["paths3"] = sp.csr_matrix((len(rows), len(cols)))
        notes.append(
            f"paths of length 3 left out: {work:.2g} multiply-adds exceed the limit "
            f"of {settings.max_path_work:.2g} (Settings.max_path_work)"
        )
    target_texts = capability_texts(tables, enriched=False)
    if any(target_texts[j] for j in cols):
        source_texts = capability_texts(tables, enriched=True)
        vectors = signals.char_ngram_tfidf(
            [source_texts[i] for i in rows] + [target_texts[j] for j in cols]
        )
        blocks["text_similarity"] = signals.text_similarity(
            vectors[: len(rows)], vectors[len(rows) :]
        )
    else:
        blocks["text_similarity"] = sp.csr_matrix((len(rows), len(cols)))

    coverage = _coverage(tables, candidates, (source_end, target_end))
    industry_of_row, industry_tables = _industry_tables(
        tables, rows, cols, coverage, settings.coverage_target
    )
    return FeatureSpace(
        tables=tables,
        candidates=candidates,
        settings=settings,
        year=year,
        ids=ids,
        links=links,
        rows=rows,
        cols=cols,
        node=node,
        blocks=blocks,
        industry_of_row=industry_of_row,
        industry_tables=industry_tables,
        county=_codes(organizations, "county"),
        country=_codes(organizations, "country"),
        coverage=coverage,
        moment_rows=moment_rows,
        notes=notes,
        missing=frozenset(missing),
    )


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


def capability_texts(tables: Tables, *, enriched: bool = False) -> list[str]:
    """Text describing each organisation's capabilities, in ``organizations`` order.

    Its ``capabilities`` column; ``enriched`` (used for the side that asks, e.g. the
    enterprise) adds the Chinese names of its industries and the titles of the joint
    projects it took part in (when links have a ``title`` column).
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
        links = tables.links
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
            parts.append(organizations["id"].map(titles).fillna(""))
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


def _binary_adjacency(source: np.ndarray, target: np.ndarray, n: int) -> sp.csr_matrix:
    keep = source != target
    a, b = source[keep], target[keep]
    matrix = sp.csr_matrix(
        (np.ones(2 * len(a)), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    matrix.sort_indices()
    return matrix


def _node_features(
    tables: Tables,
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
    pair_key = np.minimum(source, target).astype(np.int64) * n + np.maximum(source, target)
    order = np.lexsort((np.nan_to_num(link_year, nan=np.inf), pair_key))
    first_of_pair = np.ones(len(order), dtype=bool)
    first_of_pair[1:] = pair_key[order][1:] != pair_key[order][:-1]
    firsts = order[first_of_pair]
    fresh = firsts[link_year[firsts] == year] if year is not None else firsts[:0]
    new_partners = np.bincount(np.concatenate([source[fresh], target[fresh]]), minlength=n).astype(
        float
    )
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


def _coverage(
    tables: Tables, candidates: Candidates, ends_of_links: tuple[np.ndarray, np.ndarray]
) -> pd.DataFrame | None:
    """Each industry's coverage share when platforms are the targets, else None.

    The definition of :func:`collabnet.analysis.coverage.industry_coverage`: leading
    enterprises with a co-built R&D centre among the industry's leading enterprises (all
    enterprises when no enterprise is flagged as leading), computed here with array
    operations because it is needed on every call.
    """
    if "platform" not in candidates.targets:
        return None
    organizations = tables.organizations
    org_type = organizations["type"].to_numpy(dtype=object)
    enterprise = org_type == "enterprise"
    platform = org_type == "platform"
    source, target = ends_of_links
    centre = (tables.links["kind"] == "co_built_centre").to_numpy(dtype=bool)
    covered = np.zeros(len(organizations), dtype=bool)
    for a, b in ((source, target), (target, source)):
        covered[a[centre & enterprise[a] & platform[b]]] = True
    flags = organizations["leading"].astype("boolean")
    leading_known = bool(flags[enterprise].notna().any())
    counted = enterprise & (flags.fillna(False).to_numpy(dtype=bool) if leading_known else True)
    members = organizations["industries"].to_numpy(dtype=object)
    rows = []
    for code in tables.industries["code"]:
        mine = np.fromiter((code in m for m in members), dtype=bool, count=len(members))
        total = int((mine & counted).sum())
        share = (mine & counted & covered).sum() / total if total else np.nan
        rows.append({"industry": code, "coverage_share": share})
    return pd.DataFrame(rows, columns=["industry", "coverage_share"])


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


@dataclass(frozen=True)
class Weights:
    """Coefficients on standardised features, and how they were obtained.

    The linear predictor of a pair is ``intercept + Σ coef[f]·(x[f] − mean[f]) / scale[f]``
    and its score the logistic function of it.
    """

    coefficients: dict[str, float]
    mean: dict[str, float]
    scale: dict[str, float]
    intercept: float
    method: str
    description: str

    def raw(self) -> tuple[dict[str, float], float]:
        """Coefficients on the unstandardised features, and the matching intercept."""
        coefficients = {}
        intercept = self.intercept
        for name, coef in self.coefficients.items():
            scale = self.scale.get(name, 0.0)
            if coef == 0.0 or scale <= 0.0:
                continue
            coefficients[name] = coef / scale
            intercept -= coef * self.mean[name] / scale
        return coefficients, intercept

    def table(self) -> pd.DataFrame:
        """The weights as a frame: ``feature``, ``weight`` (standardised), ``zh``, ``en``.

        Examples
        --------
        >>> from collabnet.tables import load_tables
        >>> space = build_space(load_tables("data/sample"))
        >>> default_weights(space).table().set_index("feature").loc["paths3", "weight"]
        np.float64(0.4)
        """
        return pd.DataFrame(
            {
                "feature": list(self.coefficients),
                "weight": [round(v, 4) for v in self.coefficients.values()],
                "zh": [FEATURES[n].zh for n in self.coefficients],
                "en": [FEATURES[n].en for n in self.coefficients],
            }
        )


def sigmoid(values: np.ndarray) -> np.ndarray:
    """The logistic function, computed without overflow."""
    return np.exp(-np.logaddexp(0.0, -values))


def _moments(frame: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    mean = {str(k): float(v) for k, v in frame.mean().items()}
    spread = {str(k): float(v) for k, v in frame.std(ddof=0).items()}
    # Features that do not vary carry no information: their weight is dropped.
    return mean, {k: (v if v > 1e-12 else 0.0) for k, v in spread.items()}


def default_weights(space: FeatureSpace, *, sample: int = 20_000, seed: int = 0) -> Weights:
    """:data:`DEFAULT_WEIGHTS`, standardised over a random sample of the space's pairs."""
    r, c = space.sample_pairs(sample, seed)
    mean, scale = _moments(space.features_at(r, c))
    coefficients = {k: (v if scale.get(k, 0.0) > 0 else 0.0) for k, v in DEFAULT_WEIGHTS.items()}
    return Weights(
        coefficients=coefficients,
        mean=mean,
        scale=scale,
        intercept=0.0,
        method="default",
        description="documented default weights (collabnet.recommend.model.DEFAULT_WEIGHTS)",
    )


def fit_logistic(
    features: np.ndarray, labels: np.ndarray, *, l2: float = 100.0
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression on standardised features, by L-BFGS-B.

    Minimises ``Σ log(1 + exp(−y·z)) + l2/2·|w|²`` (labels 0/1, intercept unpenalised).
    Returns the coefficients and the intercept. The default ``l2 = 100`` was chosen on a
    split of the CORDIS training years (quarters of 2015), not on any test year.
    """
    d = features.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = features @ w + b
        value = float(np.sum(np.logaddexp(0.0, z) - labels * z) + 0.5 * l2 * (w @ w))
        residual = sigmoid(z) - labels
        gradient = np.append(features.T @ residual + l2 * w, residual.sum())
        return value, gradient

    start = np.zeros(d + 1)
    start[d] = np.log(max(labels.mean(), 1e-6) / max(1 - labels.mean(), 1e-6))
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return result.x[:d], float(result.x[d])


def new_pairs(
    space: FeatureSpace, links: pd.DataFrame, first: int, last: int
) -> tuple[np.ndarray, np.ndarray]:
    """Block positions of pairs first linked in years ``first``–``last`` (not yet linked).

    Only pairs whose two ends are in the space count.
    """
    dated = links[links["year"].notna() & (links["year"] >= first) & (links["year"] <= last)]
    row_of = pd.Series(np.arange(len(space.rows)), index=space.ids[space.rows])
    col_of = pd.Series(np.arange(len(space.cols)), index=space.ids[space.cols])
    found = []
    for a, b in (("source", "target"), ("target", "source")):
        r = dated[a].map(row_of)
        c = dated[b].map(col_of)
        keep = (r.notna() & c.notna()).to_numpy()
        found.append(
            np.stack([r[keep].to_numpy(dtype=np.int64), c[keep].to_numpy(dtype=np.int64)], axis=1)
        )
    pairs = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), np.int64)
    if len(pairs) == 0:
        return pairs[:, 0], pairs[:, 1]
    already = signals.values_at(space.linked(), pairs[:, 0], pairs[:, 1]) > 0
    pairs = pairs[~already]
    return pairs[:, 0], pairs[:, 1]


def sample_non_links(
    space: FeatureSpace,
    count: int,
    rng: np.random.Generator,
    exclude: sp.csr_matrix,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` distinct block positions linked neither now nor in ``exclude``.

    ``rows``/``cols`` restrict the draw to those block rows and columns.
    """
    rows = np.arange(space.shape[0]) if rows is None else rows
    cols = np.arange(space.shape[1]) if cols is None else cols
    capacity = len(rows) * len(cols)
    if count <= 0 or capacity == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    linked = space.linked()
    chosen: set[tuple[int, int]] = set()
    r_out: list[np.ndarray] = []
    c_out: list[np.ndarray] = []
    found = 0
    for _ in range(20):
        need = count - found
        if need <= 0:
            break
        draw = max(2 * need, 1000)
        r = rows[rng.integers(0, len(rows), size=draw)]
        c = cols[rng.integers(0, len(cols), size=draw)]
        bad = (signals.values_at(linked, r, c) > 0) | (signals.values_at(exclude, r, c) > 0)
        key = r.astype(np.int64) * space.shape[1] + c
        key, first = np.unique(key[~bad], return_index=True)
        order = np.sort(first)
        r, c = r[~bad][order], c[~bad][order]
        fresh = np.array([(a, b) not in chosen for a, b in zip(r, c, strict=True)], dtype=bool)
        r, c = r[fresh][:need], c[fresh][:need]
        chosen.update(zip(r.tolist(), c.tolist(), strict=True))
        r_out.append(r)
        c_out.append(c)
        found += len(r)
    if not r_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(r_out), np.concatenate(c_out)


def learn_weights(
    tables: Tables,
    year: int,
    candidates: Candidates | None = None,
    *,
    settings: Settings | None = None,
    negatives: int = 20,
    seed: int = 0,
    l2: float = 100.0,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> Weights | None:
    """Weights fitted on the network's own history: which pairs did form in ``year``?

    Features come from the network as it stood at the end of ``year − 1``; the positive
    labels are the candidate pairs first linked in ``year`` (both ends already present),
    and ``negatives`` random unlinked pairs per positive are the negative labels. Only
    ``tables`` is read, so pass ``tables.as_of(last_training_year)`` in a backtest.
    Returns None when fewer than :data:`MIN_POSITIVES` new pairs formed that year.
    """
    candidates = candidates or Candidates.default_for(tables)
    earlier = build_space(tables.as_of(year - 1), candidates, settings=settings)
    r, c = new_pairs(earlier, tables.links, year, year)
    if len(r) < MIN_POSITIVES:
        return None
    rng = np.random.default_rng(seed)
    positives = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=earlier.shape)
    count = min(negatives * len(r), 200_000)
    nr, nc = sample_non_links(earlier, count, rng, positives)
    frame = earlier.features_at(np.concatenate([r, nr]), np.concatenate([c, nc]))
    labels = np.concatenate([np.ones(len(r)), np.zeros(len(nr))])
    mean, scale = _moments(frame)
    skipped = set(exclude) | set(earlier.missing)
    used = [k for k in FEATURES if scale[k] > 0 and k not in skipped]
    standard = (
        np.column_stack([(frame[k].to_numpy() - mean[k]) / scale[k] for k in used])
        if used
        else np.zeros((len(labels), 0))
    )
    coef, intercept = fit_logistic(standard, labels, l2=l2)
    coefficients = dict.fromkeys(FEATURES, 0.0)
    coefficients.update({k: float(v) for k, v in zip(used, coef, strict=True)})
    # Negatives were subsampled: shift the intercept back to the base rate of new pairs.
    total = earlier.shape[0] * earlier.shape[1] - earlier.linked().nnz
    if len(nr) and total > len(r):
        intercept += float(np.log(len(nr) / max(total - len(r), 1)))
    return Weights(
        coefficients=coefficients,
        mean=mean,
        scale=scale,
        intercept=intercept,
        method="learned",
        description=(
            f"learned: network up to {year - 1}, labels = {len(r)} pairs first linked in "
            f"{year} vs {len(nr)} random unlinked pairs (L2 logistic regression)"
        ),
    )


def resolve_weights(
    choice: str | Weights,
    space: FeatureSpace,
    *,
    year: int | None = None,
    seed: int = 0,
) -> Weights:
    """The weights asked for: a :class:`Weights` object, ``"learned"`` or ``"default"``.

    ``"learned"`` fits on the last year of ``space``'s network (or ``year``); when the
    network has no dated history to learn from, the default weights are used and
    ``Weights.description`` says why.
    """
    if isinstance(choice, Weights):
        return choice
    if choice not in ("learned", "default"):
        raise InputError(f"weights '{choice}': expected 'learned' or 'default'")
    if choice == "default":
        return default_weights(space, seed=seed)
    fit_year = year if year is not None else space.year
    learned = None
    if fit_year is not None:
        learned = learn_weights(
            space.tables,
            fit_year,
            space.candidates,
            settings=space.settings,
            seed=seed,
            exclude=space.missing,
        )
    if learned is None:
        fallback = default_weights(space, seed=seed)
        reason = (
            f"fewer than {MIN_POSITIVES} new pairs in {fit_year} to learn from"
            if fit_year is not None
            else "the links carry no years to learn from"
        )
        return replace(fallback, description=f"{fallback.description}; {reason}")
    return learned
