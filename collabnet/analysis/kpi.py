"""Indicators against the bureau's targets, and the network's evolution year by year.

Targets are data: a CSV with ``metric, year, target, comparison, description_zh,
description_en`` (``collabnet/defaults/targets.csv`` holds the Wenzhou 2025 targets;
``data/sample/targets.csv`` has the same format). ``metric`` names one of
:data:`METRICS`, ``comparison`` is one of ``>=``, ``>``, ``<=``, ``<``, ``==``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from collabnet.analysis.coverage import OrgFlags, link_years
from collabnet.analysis.structure import connections, link_count
from collabnet.errors import InputError
from collabnet.graph import link_positions
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables, default_industries

__all__ = ["COMPARISONS", "METRICS", "default_targets", "evolution", "kpi", "read_targets"]

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "≥": operator.ge,
    "≤": operator.le,
}
TARGET_COLUMNS = ("metric", "year", "target", "comparison", "description_zh", "description_en")
_MAX_DEFAULT_YEARS = 10


def _co_built_centres(snapshot: Snapshot) -> float:
    """Distinct enterprise–platform pairs joined by a ``co_built_centre`` link."""
    native = snapshot.native("co_built_centres")
    if native is not None:
        return float(native["pairs"].iloc[0])
    tables = snapshot.tables
    links = tables.links
    source, target = link_positions(tables)
    org_type = tables.organizations["type"].to_numpy(dtype=object)
    kind = (links["kind"] == "co_built_centre").to_numpy(dtype=bool)
    pair = {"enterprise", "platform"}
    ends = kind & (org_type[source] != org_type[target])
    ends &= np.isin(org_type[source], list(pair)) & np.isin(org_type[target], list(pair))
    low = np.minimum(source[ends], target[ends])
    high = np.maximum(source[ends], target[ends])
    return float(len(np.unique(low * max(len(org_type), 1) + high)))


def _industries_with_rd(snapshot: Snapshot) -> set[str]:
    orgs = snapshot.organizations
    rd = orgs[orgs["rd_institution"].to_numpy(dtype=bool)]
    codes = set(snapshot.industries["code"])
    return {c for t in rd["industries"] for c in t if c in codes}


def _rd_share(snapshot: Snapshot) -> float:
    total = len(snapshot.industries)
    return len(_industries_with_rd(snapshot)) / total if total else float("nan")


def _platform_industry_counts(snapshot: Snapshot) -> pd.Series:
    orgs = snapshot.organizations
    return orgs.loc[orgs["type"] == "platform", "industries"].map(len)


def _lead_max(snapshot: Snapshot) -> float:
    counts = _platform_industry_counts(snapshot)
    return float(counts.max()) if len(counts) else float("nan")


def _lead_min(snapshot: Snapshot) -> float:
    counts = _platform_industry_counts(snapshot)
    return float(counts.min()) if len(counts) else float("nan")


def _lead_range_share(snapshot: Snapshot) -> float:
    counts = _platform_industry_counts(snapshot)
    return float(counts.between(1, 2).mean()) if len(counts) else float("nan")


def _coverage_totals(snapshot: Snapshot) -> tuple[int, int]:
    """(covered, total) leading enterprises, or all enterprises when ``leading`` is unknown,
    counted as :func:`collabnet.analysis.coverage.industry_coverage` counts them."""
    flags = OrgFlags.of(snapshot)
    enterprise = flags.is_enterprise & flags.leading if flags.leading_known else flags.is_enterprise
    return int((flags.covered & enterprise).sum()), int(enterprise.sum())


def _coverage_share(snapshot: Snapshot) -> float:
    covered, total = _coverage_totals(snapshot)
    return covered / total if total else float("nan")


def _pairs_and_components(snapshot: Snapshot) -> tuple[int, np.ndarray]:
    """Linked pairs, and the size of every connected component (an organisation without
    links is one)."""
    found = connections(snapshot)
    sizes = found["component"].value_counts().to_numpy()
    return int(found["partners"].sum()) // 2, sizes


def _count_type(org_type: str) -> Callable[[Snapshot], float]:
    def count(snapshot: Snapshot) -> float:
        return float((snapshot.organizations["type"] == org_type).sum())

    count.__doc__ = f"Organisations of type {org_type}."
    return count


METRICS: dict[str, Callable[[Snapshot], float]] = {
    "industries_with_rd_institution_share": _rd_share,
    "industries_with_rd_institution": lambda t: float(len(_industries_with_rd(t))),
    "rd_institutions": lambda t: float(t.organizations["rd_institution"].sum()),
    "co_built_centres": _co_built_centres,
    "leading_enterprises_with_centre": lambda t: float(_coverage_totals(t)[0]),
    "coverage_share": _coverage_share,
    "platform_lead_industries_max": _lead_max,
    "platform_lead_industries_min": _lead_min,
    "platforms_with_1_2_lead_industries_share": _lead_range_share,
    "platforms": _count_type("platform"),
    "enterprises": _count_type("enterprise"),
    "links": lambda t: float(link_count(t)),
}


_KPI_COLUMNS = [
    "metric",
    "year",
    "value",
    "target",
    "comparison",
    "target_year",
    "met",
    "description_zh",
    "description_en",
]
NO_TARGETS = (
    'no targets for this network: the shipped targets are Wenzhou\'s, for its "5+5" '
    "industries, which no organisation of this network belongs to (give a targets file)"
)


def uses_default_industries(snapshot: Snapshot | Tables) -> bool:
    """Whether the shipped ("5+5") targets can mean anything for the network: some
    organisation belongs to a shipped industry, or none has an industry at all (a list
    without an industry column is still the bureau's)."""
    codes = set(default_industries()["code"])
    listed = {
        code for codes_of in as_snapshot(snapshot).organizations["industries"] for code in codes_of
    }
    return not listed or bool(listed & codes)


def default_targets() -> pd.DataFrame:
    """The targets shipped with collabnet (Wenzhou's 2025 targets)."""
    source = resources.files("collabnet") / "defaults" / "targets.csv"
    with resources.as_file(source) as path:
        return read_targets(path)


def read_targets(path: str | Path) -> pd.DataFrame:
    """Read and check a targets file (CSV in UTF-8 or GBK, or ``.xlsx``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: targets file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            try:
                raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
            except UnicodeDecodeError:
                raw = pd.read_csv(path, dtype=str, encoding="gb18030", keep_default_na=False)
    except (ValueError, OSError) as err:
        raise InputError(f"{path}: cannot read the targets file ({err})") from err
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in TARGET_COLUMNS[:4] if c not in raw.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} in the targets file")
    rows = []
    for number, record in enumerate(raw.to_dict("records"), start=2):
        where = f"{path}, row {number}"
        metric = str(record["metric"]).strip()
        if metric not in METRICS:
            raise InputError(f"{where}: unknown metric '{metric}' (known: {', '.join(METRICS)})")
        comparison = str(record["comparison"]).strip()
        if comparison not in COMPARISONS:
            raise InputError(
                f"{where}: unknown comparison '{comparison}' (expected one of >=, >, <=, <, ==)"
            )
        try:
            year = int(str(record["year"]).strip())
            target = float(str(record["target"]).strip())
        except ValueError as err:
            raise InputError(f"{where}: year and target must be numbers") from err
        rows.append(
            {
                "metric": metric,
                "year": year,
                "target": target,
                "comparison": comparison,
                "description_zh": str(record.get("description_zh") or ""),
                "description_en": str(record.get("description_en") or ""),
            }
        )
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS))


def _years(snapshot: Snapshot, years: list[int] | None) -> list[int | None]:
    """The years asked for, or the default ones; none may lie after the network's cut."""
    if years is None:
        return _default_years(snapshot)
    cut = snapshot.as_of
    late = [year for year in years if cut is not None and year > cut]
    if late:
        raise InputError(
            f"year {late[0]} is after the network's cut at {cut} (--as-of): "
            "evaluate later years on the whole network"
        )
    return list(years)


def _default_years(snapshot: Snapshot) -> list[int | None]:
    if snapshot.as_of is not None:
        return [int(snapshot.as_of)]
    years = link_years(snapshot)
    if not years:
        # Undated links: the only state to evaluate is the network as it is.
        return [None]
    last = years[-1]
    first = max(years[0], last - _MAX_DEFAULT_YEARS + 1)
    return list(range(first, last + 1))


def kpi(
    snapshot: Snapshot | Tables,
    targets: pd.DataFrame | str | Path | None = None,
    years: list[int] | None = None,
) -> pd.DataFrame:
    """Each target's metric, evaluated on the network as it stood at the end of each year.

    Parameters
    ----------
    snapshot
        The network (a snapshot, or validated tables taken as their own snapshot);
        each year is evaluated on the snapshot of the same backend at that year.
    targets
        A targets table, or the path of a targets file; by default the shipped targets,
        when the network uses the shipped industries (else no row, and
        ``attrs["note"]`` says why).
    years
        The years to evaluate; by default the network's ``as_of`` year if it has one,
        else every year from the first to the last link year (at most the last 10).

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``year`` (the year evaluated), ``value``, ``target``,
        ``comparison``, ``target_year``, ``met`` (the value already satisfies the
        target), ``description_zh``, ``description_en``; one row per target and year.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> table = kpi(load_tables("data/sample"), years=[2024])
    >>> table.set_index("metric").loc["co_built_centres", "met"]
    np.True_
    """
    snapshot = as_snapshot(snapshot)
    if targets is None:
        if not uses_default_industries(snapshot):
            empty = pd.DataFrame(columns=_KPI_COLUMNS)
            empty.attrs["note"] = NO_TARGETS
            return empty
        goals = default_targets()
    elif isinstance(targets, pd.DataFrame):
        goals = targets
    else:
        goals = read_targets(targets)
    chosen = _years(snapshot, years)
    rows = []
    for year in chosen:
        state = snapshot.at(year)
        values = {metric: METRICS[metric](state) for metric in dict.fromkeys(goals["metric"])}
        for goal in goals.to_dict("records"):
            value = values[goal["metric"]]
            target = float(goal["target"])
            compare = COMPARISONS[str(goal["comparison"])]
            rows.append(
                {
                    "metric": goal["metric"],
                    "year": year,
                    "value": value,
                    "target": target,
                    "comparison": goal["comparison"],
                    "target_year": int(goal["year"]),
                    "met": bool(not np.isnan(value) and compare(value, target)),
                    "description_zh": goal["description_zh"],
                    "description_en": goal["description_en"],
                }
            )
    return pd.DataFrame(rows, columns=_KPI_COLUMNS)


def evolution(snapshot: Snapshot | Tables, years: list[int] | None = None) -> pd.DataFrame:
    """The network at the end of each year, one row per year.

    Columns: ``year``, ``organizations``, ``links`` (link rows), ``pairs`` (linked
    pairs), ``density`` (pairs / possible pairs), ``components`` (connected components,
    an organisation without links counting as one), ``largest_component_share``
    (organisations in the largest component / all), ``coverage_share`` (see
    :func:`collabnet.analysis.coverage.industry_coverage`), ``co_built_centres``,
    ``rd_institutions`` and ``industries_with_rd_institution``. Years default as in
    :func:`kpi`.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> growth = evolution(load_tables("data/sample"))
    >>> bool(growth["links"].is_monotonic_increasing)
    True
    """
    snapshot = as_snapshot(snapshot)
    chosen = _years(snapshot, years)
    rows = []
    for year in chosen:
        state = snapshot.at(year)
        n = len(state.organizations)
        pairs, sizes = _pairs_and_components(state)
        count, largest = (len(sizes), sizes.max() / n) if n else (0, float("nan"))
        rows.append(
            {
                "year": year,
                "organizations": n,
                "links": link_count(state),
                "pairs": pairs,
                "density": 2 * pairs / (n * (n - 1)) if n > 1 else 0.0,
                "components": int(count),
                "largest_component_share": float(largest),
                "coverage_share": _coverage_share(state),
                "co_built_centres": int(_co_built_centres(state)),
                "rd_institutions": int(state.organizations["rd_institution"].sum()),
                "industries_with_rd_institution": len(_industries_with_rd(state)),
            }
        )
    return pd.DataFrame(rows)
