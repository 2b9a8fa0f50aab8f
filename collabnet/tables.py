"""Validated tables: the contract every analysis, backend and output relies on.

Files enter here and are checked once. After :func:`load_tables` returns, the frames hold
canonical columns with parsed values:

organizations
    ``id``, ``name``, ``type`` (see ``schema.ORG_TYPES``), ``industries`` (tuple of
    industry codes), ``county``, ``level``, ``founded`` (Int64), ``rd_institution``
    (bool), ``leading`` (nullable boolean), then the file's other columns as text.
links
    ``source``, ``target`` (organisation ids), ``kind``, ``year`` (Int64), ``weight``
    (float), ``funding`` (float, 万元), then other columns as text.
industries
    ``code``, ``name_zh``, ``name_en``, ``group``, ``aliases`` (tuple).
participations (optional)
    ``project``, ``org``, ``year``, ``org_type``, ``org_name``, other columns as text.
projects (optional)
    ``project``, ``industry`` (industry code).

Names and other text are kept exactly as the file writes them (only trimmed); matching
compares normalised keys (NFKC, lower case), never the stored text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from collabnet.aliases import Merge, confirmed_merges
from collabnet.checks import (
    LINK_COLUMNS,
    FileCount,
    _add_project_industries,
    _check_counties,
    _check_industries,
    _check_links,
    _check_organizations,
    _check_participations,
    _check_projects,
    _Checked,
    _industry_vocabulary,
)
from collabnet.errors import InputError, NotFoundError, Problem, ValidationError
from collabnet.lookup import county_lookup
from collabnet.participations import derive_from_participations
from collabnet.readers import RawTable, describe_workbook, find_sheets, read_table
from collabnet.schema import normalise_value

__all__ = [
    "FileCount",
    "Tables",
    "default_counties",
    "default_industries",
    "derive_from_participations",
    "find_input_files",
    "links_are_derived",
    "links_with_derived",
    "load_tables",
    "organizations_as_of",
    "participants_as_of",
    "resolve_industry",
    "summary_of",
]

_FILE_STEMS: dict[str, tuple[str, ...]] = {
    "organizations": ("organizations", "organisations", "orgs", "机构", "组织"),
    "links": ("links", "relations", "合作关系", "关系"),
    "industries": ("industries", "产业"),
    "participations": ("participations", "参与"),
    "counties": ("counties", "县市区"),
    "projects": ("projects", "programme-parts", "programme_parts", "项目"),
}
_EXTENSIONS = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".xlsx", ".parquet")


# The frames that make up a network's content (see Tables.digest).
_CONTENT = (
    "organizations",
    "links",
    "industries",
    "participations",
    "projects",
    "listed_organizations",
    "listed_links",
    "counties",
)


@dataclass(frozen=True)
class Tables:
    """The validated tables of one network, plus what loading them kept and rejected."""

    organizations: pd.DataFrame
    links: pd.DataFrame
    industries: pd.DataFrame
    participations: pd.DataFrame | None = None
    projects: pd.DataFrame | None = None
    counts: tuple[FileCount, ...] = ()
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "row", "column", "value", "reason"])
    )
    as_of_year: int | None = None
    # With participations: the rows that came from organisations and links files, kept
    # apart so that as_of can derive the rest again for an earlier year.
    listed_organizations: pd.DataFrame | None = None
    listed_links: pd.DataFrame | None = None
    # Things about kept rows worth a look (trimmed or multi-line names, unknown counties,
    # skipped total rows), for `collabnet validate`; they never reject a row.
    warnings: tuple[Problem, ...] = ()
    # Where leading enterprises were marked: the user's column header -> how many.
    leading_from: tuple[tuple[str, int], ...] = ()
    # Organisations merged by a reviewed aliases file: (dropped id, kept id).
    merges: tuple[tuple[str, str], ...] = ()
    counties: pd.DataFrame | None = None

    def as_of(self, year: int | None) -> Tables:
        """The network as it stood at the end of ``year``.

        Organisations founded later are left out, and so are links first seen later.
        Undated links and organisations without a founding year count as always present.
        With participations, links are derived again from the projects up to ``year``,
        so weights count only the joint projects known by then, and so are the industries
        of the organisations not listed in an organisations file.
        """
        if year is None:
            return self
        if self.as_of_year is not None:
            # Tables already cut at a year cannot show what came after it.
            year = min(year, self.as_of_year)
        if self.participations is not None:
            derived_orgs, derived_links = derive_from_participations(
                self.participations, self.projects, self.industries, until=year
            )
            listed_links = self.listed_links
            if listed_links is None:
                listed_links = self.links[self.links["kind"] != "joint_project"]
            organizations = participants_as_of(self.listed_organizations, derived_orgs, year)
            dated = listed_links["year"]
            links = _combine_links([listed_links[dated.isna() | (dated <= year)], derived_links])
            present = set(organizations["id"])
            links = links[links["source"].isin(present) & links["target"].isin(present)]
        else:
            organizations = organizations_as_of(self.organizations, year)
            present = set(organizations["id"])
            dated = self.links["year"]
            links = self.links[
                (dated.isna() | (dated <= year))
                & self.links["source"].isin(present)
                & self.links["target"].isin(present)
            ]
        return replace(
            self,
            organizations=organizations.reset_index(drop=True),
            links=links.reset_index(drop=True),
            as_of_year=year,
        )

    def digest(self) -> str:
        """A SHA-256 of what the tables hold: every frame's columns, types and values, and
        the cut. Equal tables give equal digests, whatever objects hold them."""
        digest = hashlib.sha256(repr(self.as_of_year).encode())
        for name in _CONTENT:
            frame = getattr(self, name)
            digest.update(name.encode())
            if frame is None:
                digest.update(b"\0")
                continue
            digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
            for column in frame.columns:
                values = pd.util.hash_pandas_object(frame[column], index=False)
                digest.update(values.to_numpy().tobytes())
        return digest.hexdigest()

    def summary(self) -> dict[str, object]:
        """Counts for ``collabnet info``: organisations, links, by type and kind, years."""
        years = self.links["year"].dropna()
        return summary_of(
            self.organizations,
            self.industries,
            by_kind={str(k): int(v) for k, v in self.links["kind"].value_counts().items()},
            years=(int(years.min()), int(years.max())) if len(years) else None,
            as_of=self.as_of_year,
            leading_from=self.leading_from,
            undated_participations=self.undated_participations(),
            merged=len(self.merges),
            files=[vars(c) for c in self.counts],
        )

    def undated_participations(self) -> int:
        """Participations without a year: used for the whole network, not for any year."""
        if self.participations is None:
            return 0
        return int(self.participations["year"].isna().sum())


def summary_of(
    organizations: pd.DataFrame,
    industries: pd.DataFrame,
    *,
    by_kind: dict[str, int],
    years: tuple[int, int] | None,
    as_of: int | None,
    leading_from: Sequence[tuple[str, int]],
    undated_participations: int,
    merged: int = 0,
    files: Sequence[dict[str, Any]] = (),
) -> dict[str, object]:
    """:meth:`Tables.summary` from its parts: the organisations and industries, the links
    per kind (most first, ties in order of first appearance), the first and last link
    years, the cut, the columns that marked leading enterprises with how many each, the
    participations without a year, the merges made and the files read."""
    leading = organizations["leading"].fillna(False).astype(bool)
    sources = ", ".join(f"column '{column}' ({n})" for column, n in leading_from)
    return {
        "organizations": len(organizations),
        "links": sum(by_kind.values()),
        "by_type": {k: int(v) for k, v in organizations["type"].value_counts().items()},
        "by_kind": dict(by_kind),
        "industries": len(industries),
        "first_year": years[0] if years else None,
        "last_year": years[1] if years else None,
        "as_of": as_of,
        "leading_enterprises": int(leading.sum()),
        "leading_from": sources or None,
        "undated_participations": undated_participations,
        "merged": merged,
        "files": list(files),
    }


def organizations_as_of(organizations: pd.DataFrame, year: int) -> pd.DataFrame:
    """The organisations present at the end of ``year``: founded by then, or undated
    (without participations; see :meth:`Tables.as_of`)."""
    founded = organizations["founded"]
    return organizations[founded.isna() | (founded <= year)]


def find_input_files(folder: str | Path) -> dict[str, Path]:
    """The input files in ``folder``, keyed by table kind (``organizations``, ``links``, ...).

    A file belongs to a table when its name starts with one of the table's stems (for
    example ``organizations.csv``, ``links.xlsx``, ``participations-2014.csv.gz``).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"{folder}: not a folder (expected a folder holding organizations.* and links.*)"
        )
    found: dict[str, Path] = {}
    for table, stems in _FILE_STEMS.items():
        matches = sorted(
            p
            for p in folder.iterdir()
            if p.is_file()
            and p.name.lower().endswith(_EXTENSIONS)
            and any(p.name.lower().startswith(stem) for stem in stems)
        )
        if len(matches) > 1:
            names = ", ".join(p.name for p in matches)
            raise InputError(f"{folder}: several {table} files ({names}); name one explicitly")
        if matches:
            found[table] = matches[0]
    return found


def load_tables(
    data: str | Path | None = None,
    *,
    organizations: str | Path | None = None,
    links: str | Path | None = None,
    participations: str | Path | None = None,
    projects: str | Path | None = None,
    industries: str | Path | None = None,
    sheet: str | int | None = None,
    strict: bool = True,
    counties: str | Path | None = None,
    aliases: str | Path | None = None,
    organizations_sheet: str | int | None = None,
    links_sheet: str | int | None = None,
) -> Tables:
    """Read and validate a network's files.

    Parameters
    ----------
    data
        A folder holding ``organizations.*`` and ``links.*`` (and optionally
        ``industries.*``, ``counties.*``, ``participations.*``, ``projects.*``), a single
        participations file, or one workbook whose sheets hold the organisations and the
        links (found by their headers). Files named explicitly take precedence.
    sheet, organizations_sheet, links_sheet
        The Excel sheet (name or 0-based number) of every workbook, or of the
        organisations or links workbook only. Without them, a workbook's sheet is the one
        whose headers fit the table.
    counties
        A county table (``name``, ``aliases``) replacing Wenzhou's twelve.
    aliases
        A reviewed file from ``collabnet duplicates --write``: its confirmed pairs are
        merged into one organisation each.
    strict
        When true (the default) any problem raises :class:`ValidationError` listing every
        problem found. When false, rows with problems are dropped and listed in
        ``Tables.rejects`` with their reason.

    Examples
    --------
    >>> tables = load_tables("data/sample")
    >>> sorted(tables.summary()["by_type"])
    ['enterprise', 'institute', 'other', 'platform', 'university']
    """
    files: dict[str, Path] = {}
    if data is not None:
        data = Path(data)
        if data.is_file():
            files.update(_files_in_one_file(data))
        else:
            files.update(find_input_files(data))
    for table, given in (
        ("organizations", organizations),
        ("links", links),
        ("participations", participations),
        ("projects", projects),
        ("industries", industries),
        ("counties", counties),
    ):
        if given is not None:
            files[table] = Path(given)
    if "participations" not in files and "organizations" not in files:
        where = f"{data}: " if data is not None else ""
        raise InputError(
            f"{where}no organizations file found (expected organizations.csv/.xlsx, "
            "or a participations file)"
        )
    sheets = {
        "organizations": sheet if organizations_sheet is None else organizations_sheet,
        "links": sheet if links_sheet is None else links_sheet,
    }

    def read(table: str) -> RawTable:
        return read_table(files[table], table, sheet=sheets.get(table, sheet))

    checks: list[_Checked] = []
    if "industries" in files:
        industries_checked = _check_industries(read("industries"))
        checks.append(industries_checked)
        industry_table = industries_checked.frame
    else:
        industry_table = default_industries()
    if "counties" in files:
        counties_checked = _check_counties(read("counties"))
        checks.append(counties_checked)
        county_table = counties_checked.frame
    else:
        county_table = default_counties()
    county = county_lookup(county_table, given="counties" in files)

    participations_table = projects_table = None
    org_frames: list[pd.DataFrame] = []
    link_frames: list[pd.DataFrame] = []
    if "projects" in files:
        projects_checked = _check_projects(read("projects"))
        checks.append(projects_checked)
        projects_table = projects_checked.frame
        if "industries" not in files and "organizations" not in files:
            # Project themes replace the default "5+5" list: they are this data's industries.
            industry_table = industry_table.iloc[0:0]
        industry_table = _add_project_industries(industry_table, projects_table)
    vocabulary = _industry_vocabulary(industry_table)
    if "participations" in files:
        parts_checked = _check_participations(read("participations"))
        checks.append(parts_checked)
        participations_table = parts_checked.frame
    if "organizations" in files:
        orgs_checked = _check_organizations(read("organizations"), vocabulary, county)
        checks.append(orgs_checked)
        org_frames.append(orgs_checked.frame)

    if participations_table is not None:
        derived_orgs, derived_links = derive_from_participations(
            participations_table, projects_table, industry_table
        )
        org_frames, link_frames = [*org_frames, derived_orgs], [derived_links]
    organization_table = _combine_organizations(org_frames)

    merges: list[Merge] = []
    if aliases is not None:
        merges, aliases_checked = confirmed_merges(
            read_table(aliases, "aliases"), organization_table
        )
        checks.append(aliases_checked)
        dropped = {m.dropped: m.kept for m in merges}
        if dropped:
            if "organizations" in files:
                listed = org_frames[0]
                org_frames[0] = listed[~listed["id"].isin(dropped)].reset_index(drop=True)
            if participations_table is not None:
                participations_table = participations_table.assign(
                    org=participations_table["org"].replace(dropped)
                ).drop_duplicates(["project", "org"])
                derived_orgs, derived_links = derive_from_participations(
                    participations_table, projects_table, industry_table
                )
                # The listed organisations stay first; the derived ones are replaced.
                org_frames, link_frames = [*org_frames[:-1], derived_orgs], [derived_links]
            organization_table = _combine_organizations(org_frames)
    merged_names = {m.dropped: m.kept for m in merges} | {m.dropped_name: m.kept for m in merges}

    if "links" in files:
        rejected_ids = set().union(*(c.rejected_keys for c in checks))
        links_checked = _check_links(read("links"), organization_table, rejected_ids, merged_names)
        checks.append(links_checked)
        link_frames.insert(0, links_checked.frame)
    link_table = _combine_links(link_frames)
    if merges:
        # A link between two organisations now merged into one is no link at all.
        link_table = link_table[link_table["source"] != link_table["target"]]
        link_table = link_table.reset_index(drop=True)
    listed_organizations = listed_links = None
    if participations_table is not None:
        listed_organizations = org_frames[0] if "organizations" in files else None
        listed_links = link_frames[0] if "links" in files else _combine_links([])
        if merges and "links" in files:
            kept = listed_links["source"] != listed_links["target"]
            listed_links = listed_links[kept].reset_index(drop=True)

    problems = [p for c in checks for p in c.problems]
    if strict and problems:
        raise ValidationError(problems)
    rejects = pd.DataFrame(
        [
            {"file": p.file, "row": p.row, "column": p.column, "value": v, "reason": p.message}
            for c in checks
            for p, v in zip(c.problems, c.values, strict=True)
        ],
        columns=["file", "row", "column", "value", "reason"],
    )
    leading_from: dict[str, int] = {}
    for c in checks:
        for column, n in c.leading_from.items():
            leading_from[column] = leading_from.get(column, 0) + n
    return Tables(
        organizations=organization_table,
        links=link_table,
        industries=industry_table,
        participations=participations_table,
        projects=projects_table,
        counts=tuple(c.count for c in checks),
        rejects=rejects,
        listed_organizations=listed_organizations,
        listed_links=listed_links,
        warnings=tuple(w for c in checks for w in c.warnings),
        leading_from=tuple(leading_from.items()),
        merges=tuple((m.dropped, m.kept) for m in merges),
        counties=county_table,
    )


def _files_in_one_file(path: Path) -> dict[str, Path]:
    """A single file given as DATA: a workbook holding organisations (and links) sheets,
    else a participations file."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {"participations": path}
    found = find_sheets(path, ("organizations", "links", "participations"))
    if "organizations" in found:
        return {table: path for table in ("organizations", "links") if table in found}
    if "participations" in found:
        return {"participations": path}
    raise InputError(
        f"{path}: no sheet has an organisations table (expected 'name' or '名称', "
        f"'type' or '类型') or a participations table; {describe_workbook(path)}"
    )


def default_counties() -> pd.DataFrame:
    """Wenzhou's twelve county-level divisions with their short names (乐清 → 乐清市)."""
    source = resources.files("collabnet") / "defaults" / "counties.csv"
    with resources.as_file(source) as path:
        return _check_counties(read_table(path, "counties")).frame


def default_industries() -> pd.DataFrame:
    """Wenzhou's "5+5" priority industries, the default industries table."""
    source = resources.files("collabnet") / "defaults" / "industries.csv"
    with resources.as_file(source) as path:
        return _check_industries(read_table(path, "industries")).frame


def links_with_derived(
    listed_links: pd.DataFrame,
    participations: pd.DataFrame,
    projects: pd.DataFrame | None,
    industries: pd.DataFrame,
) -> pd.DataFrame:
    """The links table of a network derived from participations, as :func:`load_tables`
    makes it: the links read from files, then one per pair of organisations sharing
    projects (see :func:`derive_from_participations`)."""
    _, derived = derive_from_participations(participations, projects, industries)
    return _combine_links([listed_links, derived])


def links_are_derived(tables: Tables) -> bool:
    """Whether ``tables.links`` is :func:`links_with_derived` of its listed links and
    participations, value for value and type for type (so that a database can derive
    them again instead of storing and reading them back)."""
    if tables.participations is None or tables.listed_links is None:
        return False
    again = links_with_derived(
        tables.listed_links, tables.participations, tables.projects, tables.industries
    )
    return list(again.columns) == list(tables.links.columns) and again.equals(tables.links)


def participants_as_of(
    listed: pd.DataFrame | None, derived: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The organisations at the end of ``year`` of a network derived from participations:
    those ``listed`` in an organisations file, founded by then or of no known founding
    year, then the organisations ``derived`` from the participations up to then that are
    not among them."""
    frames = [derived]
    if listed is not None:
        founded = listed["founded"]
        frames.insert(0, listed[founded.isna() | (founded <= year)])
    return _combine_organizations(frames)


def _combine_organizations(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Listed organisations first; participants not listed are added after them."""
    if not frames:
        raise InputError("no organisations to load")
    combined, *rest = [f for f in frames if len(f)] or frames[:1]
    for extra in rest:
        combined = pd.concat(
            [combined, extra[~extra["id"].isin(combined["id"])]], ignore_index=True
        )
    return combined.reset_index(drop=True)


def _combine_links(frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [f for f in frames if len(f)]
    if len(filled) == 1 or (frames and not filled):
        return (filled or frames)[0].reset_index(drop=True)
    if not frames:
        empty = {c: pd.Series(dtype="object") for c in LINK_COLUMNS}
        frame = pd.DataFrame(empty)
        frame["year"] = frame["year"].astype("Int64")
        frame["weight"] = frame["weight"].astype(float)
        frame["funding"] = frame["funding"].astype(float)
        return frame
    return pd.concat(filled, ignore_index=True)


def resolve_industry(industries: pd.DataFrame, text: str) -> str:
    """The industry code for a code, Chinese or English name, or alias.

    Examples
    --------
    >>> resolve_industry(default_industries(), "汽摩配")
    'auto_parts'
    """
    code = _industry_vocabulary(industries).get(normalise_value(text))
    if code is None:
        known = ", ".join(f"{r.code} ({r.name_zh})" for r in industries.itertuples())
        raise NotFoundError(f"unknown industry '{text}'; known industries: {known}")
    return code
