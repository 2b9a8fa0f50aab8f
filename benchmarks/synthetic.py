"""Synthetic collaboration networks of any size, shaped like the Wenzhou sample.

Used by the benchmarks and by tests that need a graph bigger than the sample. The tables
are built in memory with the dtypes :func:`collabnet.tables.load_tables` produces, so no
files are written or validated.

Degrees are heavy-tailed: links attach preferentially (Barabási–Albert style), computed
for all links at once. Organisations arrive one after another; each brings a random
number of links (about ``n_links / n_organizations``). The far end of a newcomer's link
is, with probability ``1 - UNIFORM_SHARE``, an endpoint of an earlier link chosen at
random (so an organisation is picked in proportion to its degree), otherwise an earlier
organisation chosen uniformly. "An endpoint of an earlier link" can itself be the far end
of a still earlier link, and those chains are resolved by pointer jumping, a handful of
vectorised passes.

    >>> tables = make_tables(1_000, 10_000, seed=1)
    >>> len(tables.organizations), len(tables.links)
    (1000, 10000)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from collabnet.tables import Tables, default_industries

__all__ = ["COUNTIES", "TYPE_SHARES", "make_tables"]

COUNTIES = (
    "鹿城区",
    "龙湾区",
    "瓯海区",
    "洞头区",
    "乐清市",
    "瑞安市",
    "龙港市",
    "永嘉县",
    "平阳县",
    "苍南县",
    "文成县",
    "泰顺县",
)
TYPE_SHARES = {
    "platform": 0.10,
    "enterprise": 0.55,
    "university": 0.15,
    "institute": 0.15,
    "other": 0.05,
}
ID_PREFIX = {"platform": "P", "enterprise": "E", "university": "U", "institute": "I", "other": "O"}
NAME_STEM = {
    "platform": "合成研究院",
    "enterprise": "合成企业有限公司",
    "university": "合成大学",
    "institute": "合成研究所",
    "other": "合成机构",
}
# Earlier arrivals collect more links; platforms and universities arrive early, as they
# do in the sample, so the hubs are mostly platforms.
ARRIVAL_SPREAD = {
    "platform": 0.3,
    "enterprise": 1.0,
    "university": 0.6,
    "institute": 0.8,
    "other": 1.0,
}
UNIFORM_SHARE = 0.2
YEARS = (2019, 2024)


def make_tables(n_organizations: int, n_links: int, seed: int = 0) -> Tables:
    """A synthetic network of ``n_organizations`` and ``n_links`` links.

    Parameters
    ----------
    n_organizations
        Number of organisations (at least 2); types are drawn with :data:`TYPE_SHARES`.
    n_links
        Number of link rows. No link joins an organisation to itself; a pair can be
        linked more than once (different years), as in real registers.
    seed
        Seed of the random generator; the same arguments give the same tables.

    Returns
    -------
    Tables
        Organisations with the "5+5" industry codes, Wenzhou counties, levels and flags;
        links with kinds that follow the endpoint types (enterprise–platform:
        ``co_built_centre`` or ``incubation``; platform–university/institute:
        ``cooperation`` or ``co_founding``; anything else: ``joint_project``), years
        2019–2024 rising with arrival, weights and funding.
    """
    if n_organizations < 2:
        raise ValueError("n_organizations must be at least 2")
    if n_links < 0:
        raise ValueError("n_links must not be negative")
    rng = np.random.default_rng(seed)
    industries = default_industries()
    organizations = _organizations(n_organizations, industries["code"].to_numpy(), rng)
    source, target = _attach(n_organizations, n_links, rng)
    # Arrival order is a shuffle of the table order, so ids carry no hint of degree.
    arrival = _arrival_order(organizations["type"].to_numpy(), rng)
    links = _links(organizations, arrival[source], arrival[target], rng)
    return Tables(organizations=organizations, links=links, industries=industries)


def _organizations(n: int, codes: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    types = np.array(list(TYPE_SHARES))
    shares = np.array(list(TYPE_SHARES.values()))
    org_type = np.sort(rng.choice(len(types), size=n, p=shares / shares.sum()))
    type_names = types[org_type]
    # Ids number organisations within their type: P0000001, E0000001, ...
    first_of_type = np.searchsorted(org_type, org_type)
    number = np.arange(n) - first_of_type + 1
    prefix = np.array([ID_PREFIX[t] for t in types])[org_type]
    stems = np.array([NAME_STEM[t] for t in types])[org_type]
    digits = np.char.zfill(number.astype(str), 7)
    ids = np.char.add(prefix.astype(str), digits)
    names = np.char.add(stems.astype(str), digits)

    is_platform = type_names == "platform"
    is_enterprise = type_names == "enterprise"
    is_academic = np.isin(type_names, ["university", "institute"])
    first = rng.integers(0, len(codes), size=n)
    second = (first + rng.integers(1, len(codes), size=n)) % len(codes)
    two = (is_platform & (rng.random(n) < 0.6)) | (is_enterprise & (rng.random(n) < 0.15))
    none = (type_names == "other") | (is_academic & (rng.random(n) < 0.5))
    industry_lists = [
        () if z else ((codes[a], codes[b]) if t else (codes[a],))
        for a, b, t, z in zip(first, second, two, none, strict=True)
    ]

    county = np.array(COUNTIES, dtype=object)[rng.integers(0, len(COUNTIES), size=n)]
    # Universities are often outside the city: no county.
    county[is_academic & (rng.random(n) < 0.4)] = None
    level = np.full(n, "none", dtype=object)
    draw = rng.random(n)
    level[is_platform] = np.where(
        draw[is_platform] < 0.05,
        "national",
        np.where(draw[is_platform] < 0.35, "provincial", "municipal"),
    )
    founded = np.where(
        is_platform, rng.integers(2005, 2019, size=n), rng.integers(1950, 2019, size=n)
    )
    leading = pd.array(np.where(is_enterprise, rng.random(n) < 0.4, False), dtype="boolean")
    leading[~is_enterprise] = pd.NA
    return pd.DataFrame(
        {
            "id": pd.array(ids, dtype="str"),
            "name": pd.array(names, dtype="str"),
            "type": pd.array(type_names, dtype="str"),
            "industries": pd.Series(industry_lists, dtype=object),
            "county": pd.array(county, dtype="str"),
            "level": pd.array(level, dtype="str"),
            "founded": pd.array(founded, dtype="Int64"),
            "rd_institution": is_platform & (rng.random(n) < 0.3),
            "leading": leading,
        }
    )


def _arrival_order(types: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row of the organisation arriving ``k``-th, for every ``k``."""
    spread = pd.Series(types).map(ARRIVAL_SPREAD).to_numpy(dtype=float)
    return np.argsort(rng.random(len(types)) * spread, kind="stable")


def _attach(n: int, n_links: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Preferential attachment in arrival positions: (newcomer, earlier organisation)."""
    newcomer = np.sort(rng.integers(1, n, size=n_links))
    # Links of earlier arrivals are the links before the newcomer's first one.
    earlier_links = np.searchsorted(newcomer, newcomer, side="left")
    uniform = (rng.random(n_links) < UNIFORM_SHARE) | (earlier_links == 0)
    # For copied ends: an earlier link, and which of its two ends.
    pick = (rng.random(n_links) * earlier_links).astype(np.int64)
    take_newcomer_end = rng.random(n_links) < 0.5

    far = np.full(n_links, -1, dtype=np.int64)
    far[uniform] = (rng.random(int(uniform.sum())) * newcomer[uniform]).astype(np.int64)
    direct = ~uniform & take_newcomer_end
    far[direct] = newcomer[pick[direct]]
    pointer = np.where(~uniform & ~take_newcomer_end, pick, -1)
    # Pointer jumping: each pass either copies a resolved far end or skips a step.
    waiting = np.flatnonzero(pointer >= 0)
    while len(waiting):
        ahead = pointer[waiting]
        ready = far[ahead] >= 0
        far[waiting[ready]] = far[ahead[ready]]
        waiting = waiting[~ready]
        pointer[waiting] = pointer[pointer[waiting]]
    return newcomer, far


def _links(
    organizations: pd.DataFrame, a: np.ndarray, b: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    n_links = len(a)
    types = organizations["type"].to_numpy(dtype=object)
    ids = organizations["id"].to_numpy(dtype=object)
    # Platforms and enterprises first, so directed kinds read enterprise -> platform.
    rank = pd.Series(types).map(
        {"enterprise": 0, "platform": 1, "university": 2, "institute": 2, "other": 3}
    )
    rank_arr = rank.to_numpy()
    swap = rank_arr[a] > rank_arr[b]
    source = np.where(swap, b, a)
    target = np.where(swap, a, b)
    s_type, t_type = types[source], types[target]
    draw = rng.random(n_links)
    kind = np.full(n_links, "joint_project", dtype=object)
    ent_plat = (s_type == "enterprise") & (t_type == "platform")
    kind[ent_plat] = np.where(draw[ent_plat] < 0.85, "co_built_centre", "incubation")
    plat_acad = (s_type == "platform") & np.isin(t_type, ["university", "institute"])
    kind[plat_acad] = np.where(draw[plat_acad] < 0.85, "cooperation", "co_founding")
    # Later arrivals link later: years rise along the links, with a little noise.
    span = YEARS[1] - YEARS[0] + 1
    step = np.arange(n_links) * span // max(n_links, 1)
    year = np.clip(YEARS[0] + step + rng.integers(-1, 2, size=n_links), *YEARS)
    weight = rng.integers(1, 4, size=n_links).astype(float)
    funding = np.round(rng.lognormal(3.5, 1.0, size=n_links), 1)
    funding[kind == "cooperation"] = np.nan
    return pd.DataFrame(
        {
            "source": pd.array(ids[source], dtype="str"),
            "target": pd.array(ids[target], dtype="str"),
            "kind": pd.array(kind, dtype="str"),
            "year": pd.array(year, dtype="Int64"),
            "weight": weight,
            "funding": funding,
        }
    )
