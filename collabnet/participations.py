"""Organisations and joint-project links derived from project participations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from collabnet.checks import _industry_vocabulary, each_distinct
from collabnet.schema import normalise_value

__all__ = ["ORG_ATTRIBUTES_IN_PARTICIPATIONS", "derive_from_participations", "derive_organizations"]

# Participation columns that describe the organisation rather than the project.
ORG_ATTRIBUTES_IN_PARTICIPATIONS = ("country", "county", "location")


def derive_from_participations(
    participations: pd.DataFrame,
    projects: pd.DataFrame | None,
    industries: pd.DataFrame,
    *,
    until: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organisations and joint-project links implied by project participations.

    Two organisations in the same project are linked; a link's ``year`` is the pair's
    first joint year and its ``weight`` the number of distinct joint projects. An
    organisation's type is its most frequent declared type, and its industry the most
    frequent industry of its projects (ties go to the alphabetically first type or
    industry code). With ``until``, only projects up to that year count, so nothing is
    learnt from the future.
    """
    parts = _participations_until(participations, until)
    organizations = _derived_organizations(parts, projects, industries)
    codes = pd.Series(organizations.index.to_numpy(), index=organizations["id"].to_numpy())
    project_codes, _ = pd.factorize(parts["project"])
    pairs = _project_pairs(
        project_codes, codes.loc[parts["org"].to_numpy()].to_numpy(), parts["year"]
    )
    ids = organizations["id"].to_numpy()
    links = pd.DataFrame(
        {
            "source": ids[pairs["a"].to_numpy()],
            "target": ids[pairs["b"].to_numpy()],
            "kind": "joint_project",
            "year": pairs["year"].astype("Int64").to_numpy(),
            "weight": pairs["weight"].astype(float).to_numpy(),
            "funding": np.nan,
        }
    )
    return organizations, links


def derive_organizations(
    participations: pd.DataFrame,
    projects: pd.DataFrame | None,
    industries: pd.DataFrame,
    *,
    until: int | None = None,
) -> pd.DataFrame:
    """The organisations of :func:`derive_from_participations` alone, without their links.

    Only the organisation's columns of ``participations`` are read (``project``, ``org``,
    ``year``, ``org_type``, ``org_name`` and :data:`ORG_ATTRIBUTES_IN_PARTICIPATIONS`),
    in row order: of an organisation's rows in one project, the first counts.
    """
    return _derived_organizations(
        _participations_until(participations, until), projects, industries
    )


def _participations_until(participations: pd.DataFrame, until: int | None) -> pd.DataFrame:
    """One row per (project, organisation), its first, among the rows up to ``until``."""
    parts = participations
    if until is not None:
        parts = parts[parts["year"].notna() & (parts["year"] <= until)]
    return parts.drop_duplicates(["project", "org"])


def _derived_organizations(
    parts: pd.DataFrame, projects: pd.DataFrame | None, industries: pd.DataFrame
) -> pd.DataFrame:
    grouped = parts.groupby("org", sort=True)
    org_type = _most_frequent_per(parts, "org_type")
    names = grouped["org_name"].first()
    organizations = pd.DataFrame({"id": names.index.to_numpy()})
    organizations["name"] = names.fillna(pd.Series(names.index, index=names.index)).to_numpy()
    organizations["type"] = org_type.reindex(names.index).to_numpy()
    organizations["industries"] = (
        _main_industry(parts, projects, industries).reindex(names.index).to_numpy()
    )
    organizations["industries"] = organizations["industries"].map(
        lambda v: v if isinstance(v, tuple) else ()
    )
    organizations["county"] = None
    organizations["level"] = "none"
    organizations["founded"] = pd.array([pd.NA] * len(organizations), dtype="Int64")
    organizations["rd_institution"] = False
    organizations["leading"] = pd.array([pd.NA] * len(organizations), dtype="boolean")
    for column in ORG_ATTRIBUTES_IN_PARTICIPATIONS:
        if column in parts.columns:
            organizations[column] = (
                _most_frequent_per(parts, column).reindex(names.index).to_numpy()
            )
    return organizations


def _most_frequent_per(frame: pd.DataFrame, column: str, key: str = "org") -> pd.Series:
    """Per ``key``, the most frequent non-missing value of ``column``.

    Ties go to the value that sorts first, so the result never depends on row order.
    """
    counts = frame.groupby([key, column]).size().reset_index(name="n")
    ordered = counts.sort_values([key, "n", column], ascending=[True, False, True])
    return ordered.drop_duplicates(key).set_index(key)[column]


def _main_industry(
    parts: pd.DataFrame, projects: pd.DataFrame | None, industries: pd.DataFrame
) -> pd.Series:
    if projects is None or len(parts) == 0:
        return pd.Series(dtype=object)
    vocabulary = _industry_vocabulary(industries)
    theme = projects.assign(
        code=each_distinct(projects["industry"], lambda t: vocabulary.get(normalise_value(t)))
    )
    joined = (
        parts[["org", "project"]]
        .merge(theme[["project", "code"]], on="project")
        .dropna(subset=["code"])
    )
    return _most_frequent_per(joined, "code").map(lambda c: (c,))


def _project_pairs(project: np.ndarray, org: np.ndarray, year: pd.Series) -> pd.DataFrame:
    """Every unordered pair of organisations sharing a project, aggregated over projects:
    ``a < b`` (organisation codes), the first joint ``year`` (NaN when no joint project
    has one) and the ``weight``, the number of joint projects. Each (project,
    organisation) is given once."""
    years = year.to_numpy(dtype="float64", na_value=np.nan)
    if len(project) == 0:
        return pd.DataFrame({"a": org[:0], "b": org[:0], "year": years, "weight": org[:0]})
    order = np.argsort(project, kind="stable")
    member_org, member_year, grouped = org[order], years[order], project[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    # Each member against every member of its project, itself included.
    span = np.repeat(sizes, sizes)
    first = np.repeat(np.arange(len(order)), span)
    within = np.arange(len(first)) - np.repeat(np.cumsum(span) - span, span)
    second = np.repeat(np.repeat(starts, sizes), span) + within
    a, b = member_org[first], member_org[second]
    keep = a < b
    joint_year = member_year[first][keep]
    width = int(member_org.max()) + 1
    key = a[keep].astype(np.int64) * width + b[keep]
    # By pair, then year: the first row of each pair has its first year (NaN sorts last).
    ranked = np.lexsort((joint_year, key))
    key, joint_year = key[ranked], joint_year[ranked]
    head = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return pd.DataFrame(
        {
            "a": key[head] // width,
            "b": key[head] % width,
            "year": joint_year[head],
            "weight": np.diff(np.r_[head, len(key)]),
        }
    )
