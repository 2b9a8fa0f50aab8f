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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from collabnet.errors import InputError, NotFoundError, Problem, ValidationError
from collabnet.names import normalise_name
from collabnet.readers import RawTable, read_table
from collabnet.schema import (
    BOOL_ALIASES,
    COLUMN_ALIASES,
    GROUP_ALIASES,
    KIND_ALIASES,
    LEVEL_ALIASES,
    RD_INSTITUTION_TYPES,
    REQUIRED_COLUMNS,
    TYPE_ALIASES,
    normalise_value,
)

__all__ = [
    "FileCount",
    "Tables",
    "default_industries",
    "derive_from_participations",
    "find_input_files",
    "load_tables",
    "resolve_industry",
]

YEAR_RANGE = (1900, 2100)
FOUNDED_RANGE = (1800, 2100)
ORG_COLUMNS = (
    "id",
    "name",
    "type",
    "industries",
    "county",
    "level",
    "founded",
    "rd_institution",
    "leading",
)
LINK_COLUMNS = ("source", "target", "kind", "year", "weight", "funding")
PARTICIPATION_COLUMNS = ("project", "org", "year", "org_type", "org_name")
# Participation columns that describe the organisation rather than the project.
_ORG_ATTRIBUTES_IN_PARTICIPATIONS = ("country", "county", "location")
_LIST_SEPARATORS = re.compile(r"[;、]")
_FILE_STEMS: dict[str, tuple[str, ...]] = {
    "organizations": ("organizations", "organisations", "orgs", "机构", "组织"),
    "links": ("links", "relations", "合作关系", "关系"),
    "industries": ("industries", "产业"),
    "participations": ("participations", "参与"),
    "projects": ("projects", "programme-parts", "programme_parts", "项目"),
}
_EXTENSIONS = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".xlsx", ".parquet")


@dataclass(frozen=True)
class FileCount:
    """Rows read from one file, and how many were kept and rejected."""

    file: str
    table: str
    read: int
    kept: int
    rejected: int


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
            org_frames = [derived_orgs]
            if self.listed_organizations is not None:
                founded = self.listed_organizations["founded"]
                org_frames.insert(0, self.listed_organizations[founded.isna() | (founded <= year)])
            organizations = _combine_organizations(org_frames)
            dated = listed_links["year"]
            links = _combine_links([listed_links[dated.isna() | (dated <= year)], derived_links])
            present = set(organizations["id"])
            links = links[links["source"].isin(present) & links["target"].isin(present)]
        else:
            founded = self.organizations["founded"]
            organizations = self.organizations[founded.isna() | (founded <= year)]
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

    def summary(self) -> dict[str, object]:
        """Counts for ``collabnet info``: organisations, links, by type and kind, years."""
        years = self.links["year"].dropna()
        return {
            "organizations": len(self.organizations),
            "links": len(self.links),
            "by_type": {k: int(v) for k, v in self.organizations["type"].value_counts().items()},
            "by_kind": {k: int(v) for k, v in self.links["kind"].value_counts().items()},
            "industries": len(self.industries),
            "first_year": int(years.min()) if len(years) else None,
            "last_year": int(years.max()) if len(years) else None,
            "as_of": self.as_of_year,
            "files": [vars(c) for c in self.counts],
        }


# --------------------------------------------------------------------------- discovery


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
) -> Tables:
    """Read and validate a network's files.

    Parameters
    ----------
    data
        A folder holding ``organizations.*`` and ``links.*`` (and optionally
        ``industries.*``, ``participations.*``, ``projects.*``), or a single
        participations file. Files named explicitly take precedence.
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
            files["participations"] = data
        else:
            files.update(find_input_files(data))
    for table, given in (
        ("organizations", organizations),
        ("links", links),
        ("participations", participations),
        ("projects", projects),
        ("industries", industries),
    ):
        if given is not None:
            files[table] = Path(given)
    if "participations" not in files and "organizations" not in files:
        where = f"{data}: " if data is not None else ""
        raise InputError(
            f"{where}no organizations file found (expected organizations.csv/.xlsx, "
            "or a participations file)"
        )

    checks: list[_Checked] = []
    if "industries" in files:
        industries_checked = _check_industries(
            read_table(files["industries"], "industries", sheet=sheet)
        )
        checks.append(industries_checked)
        industry_table = industries_checked.frame
    else:
        industry_table = default_industries()

    participations_table = projects_table = None
    org_frames: list[pd.DataFrame] = []
    link_frames: list[pd.DataFrame] = []
    if "projects" in files:
        projects_checked = _check_projects(read_table(files["projects"], "projects", sheet=sheet))
        checks.append(projects_checked)
        projects_table = projects_checked.frame
        if "industries" not in files and "organizations" not in files:
            # Project themes replace the default "5+5" list: they are this data's industries.
            industry_table = industry_table.iloc[0:0]
        industry_table = _add_project_industries(industry_table, projects_table)
    vocabulary = _industry_vocabulary(industry_table)
    if "participations" in files:
        parts_checked = _check_participations(
            read_table(files["participations"], "participations", sheet=sheet)
        )
        checks.append(parts_checked)
        participations_table = parts_checked.frame
        derived_orgs, derived_links = derive_from_participations(
            participations_table, projects_table, industry_table
        )
        org_frames.append(derived_orgs)
        link_frames.append(derived_links)
    if "organizations" in files:
        orgs_checked = _check_organizations(
            read_table(files["organizations"], "organizations", sheet=sheet), vocabulary
        )
        checks.append(orgs_checked)
        org_frames.insert(0, orgs_checked.frame)
    organization_table = _combine_organizations(org_frames)
    if "links" in files:
        rejected_ids = set().union(*(c.rejected_keys for c in checks))
        links_checked = _check_links(
            read_table(files["links"], "links", sheet=sheet), organization_table, rejected_ids
        )
        checks.append(links_checked)
        link_frames.insert(0, links_checked.frame)
    link_table = _combine_links(link_frames)
    listed_organizations = listed_links = None
    if participations_table is not None:
        listed_organizations = org_frames[0] if "organizations" in files else None
        listed_links = link_frames[0] if "links" in files else _combine_links([])

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
    )


def default_industries() -> pd.DataFrame:
    """Wenzhou's "5+5" priority industries, the default industries table."""
    source = resources.files("collabnet") / "defaults" / "industries.csv"
    with resources.as_file(source) as path:
        return _check_industries(read_table(path, "industries")).frame


# --------------------------------------------------------------------------- checking


@dataclass
class _Checked:
    frame: pd.DataFrame
    count: FileCount
    problems: list[Problem]
    values: list[str]
    rejected_keys: set[str] = field(default_factory=set)


class _Checker:
    """Collects problems for one raw table; a row with any problem is rejected."""

    def __init__(self, raw: RawTable, table: str) -> None:
        self.raw = raw
        self.table = table
        self.frame = raw.frame
        self.bad = np.zeros(len(raw.frame), dtype=bool)
        self.problems: list[tuple[int, Problem, str]] = []
        overflow = np.zeros(len(raw.frame), dtype=bool)
        overflow[list(raw.overflow)] = True
        self.flag(overflow, None, lambda p, _v: raw.overflow[p])

    def require_columns(self) -> None:
        missing = [c for c in REQUIRED_COLUMNS[self.table] if c not in self.frame.columns]
        if missing:
            raise ValidationError(
                [
                    Problem(
                        self.raw.file,
                        self.raw.header_row,
                        None,
                        f"missing required column '{c}' (also accepted: "
                        f"{', '.join(repr(a) for a in COLUMN_ALIASES[self.table][c][1:4])})",
                    )
                    for c in missing
                ]
            )

    def text(self, column: str) -> pd.Series:
        if column not in self.frame.columns:
            return pd.Series([""] * len(self.frame), dtype=object)
        return (
            self.frame[column]
            .astype(object)
            .fillna("")
            .map(lambda v: unicodedata.normalize("NFKC", str(v)).strip())
        )

    def flag(
        self,
        mask: pd.Series | np.ndarray,
        column: str | None,
        message: Callable[[int, str], str],
    ) -> None:
        """Record a problem for each row where ``mask`` holds (``column=None``: whole row)."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        values = self.frame[column].to_numpy() if column in self.frame.columns else None
        user_column = None if column is None else self.raw.columns.get(column, column)
        rows = self.raw.rows.to_numpy()
        for pos in positions.tolist():
            value = "" if values is None else str(values[pos])
            problem = Problem(self.raw.file, int(rows[pos]), user_column, message(pos, value))
            self.problems.append((pos, problem, value))
        self.bad[positions] = True

    def mapped(
        self, column: str, aliases: dict[str, str], what: str, default: str | None = None
    ) -> pd.Series:
        raw = self.text(column)
        keys = raw.map(normalise_value)
        out = keys.map(aliases)
        if default is not None:
            out = out.where(keys != "", default)
        unknown = out.isna() & ((keys != "") | (default is None))
        expected = _spellings(aliases)
        self.flag(
            unknown,
            column,
            lambda _p, v: (
                f"unknown {what} '{v}' (expected one of {expected})"
                if v.strip()
                else f"empty {what}"
            ),
        )
        return out

    def integer(self, column: str, bounds: tuple[int, int], what: str) -> pd.Series:
        """A year column: whole numbers within ``bounds``, an optional trailing 年."""
        raw = self.text(column).str.replace(r"\s*年$", "", regex=True)
        numbers = pd.to_numeric(raw.where(raw != ""), errors="coerce")
        not_number = (raw != "") & numbers.isna()
        self.flag(
            not_number, column, lambda _p, v: f"{what} '{v}' is not a number (write it like 2019)"
        )
        low, high = bounds
        whole = numbers.notna() & (numbers % 1 == 0)
        self.flag(
            numbers.notna() & ~whole, column, lambda _p, v: f"{what} '{v}' is not a whole year"
        )
        out_of_range = whole & ((numbers < low) | (numbers > high))
        self.flag(out_of_range, column, lambda _p, v: f"{what} '{v}' is outside {low}–{high}")
        return numbers.where(whole & ~out_of_range).round().astype("Int64")

    def number(self, column: str, what: str, default: float | None, positive: bool) -> pd.Series:
        raw = self.text(column).str.replace(",", "", regex=False)
        numbers = pd.to_numeric(raw.where(raw != ""), errors="coerce").astype(float)
        self.flag(
            (raw != "") & numbers.isna(), column, lambda _p, v: f"{what} '{v}' is not a number"
        )
        limit = "greater than 0" if positive else "0 or more"
        negative = numbers <= 0 if positive else numbers < 0
        self.flag(negative.fillna(False), column, lambda _p, v: f"{what} '{v}' must be {limit}")
        if default is not None:
            numbers = numbers.where(raw != "", default)
        return numbers

    def boolean(self, column: str, what: str) -> pd.Series:
        keys = self.text(column).map(normalise_value)
        out = keys.map(lambda k: BOOL_ALIASES.get(k, pd.NA) if k else pd.NA)
        bad = (keys != "") & out.isna()
        self.flag(bad, column, lambda _p, v: f"{what} '{v}' is not yes/no (true/false, 是/否)")
        return out.astype("boolean")

    def non_empty(self, column: str, what: str) -> pd.Series:
        values = self.text(column)
        self.flag(values == "", column, lambda _p, _v: f"empty {what}")
        return values

    def unique(self, values: pd.Series, column: str, what: str) -> None:
        candidates = values.where(~pd.Series(self.bad) & (values != ""))
        repeated = candidates.notna() & candidates.duplicated(keep="first")
        first_row: dict[str, int] = {}
        for value, row in zip(candidates, self.raw.rows.to_numpy(), strict=True):
            if isinstance(value, str) and value not in first_row:
                first_row[value] = int(row)
        self.flag(
            repeated,
            column,
            lambda p, v: (
                f"duplicate {what} '{v.strip()}' (first on row {first_row[str(values.iat[p])]})"
            ),
        )

    def finish(self, frame: pd.DataFrame, key: pd.Series | None = None) -> _Checked:
        keep = ~self.bad
        # Per row: whole-row problems first (they often cause the others), then by column.
        position = {
            self.raw.columns.get(str(c), str(c)): i for i, c in enumerate(self.frame.columns)
        }
        ordered = sorted(
            self.problems,
            key=lambda item: (
                item[0],
                -1 if item[1].column is None else position.get(item[1].column, len(position)),
            ),
        )
        rejected_keys = set(key[self.bad]) if key is not None else set()
        count = FileCount(
            self.raw.file, self.table, len(frame), int(keep.sum()), int(self.bad.sum())
        )
        return _Checked(
            frame=frame[keep].reset_index(drop=True),
            count=count,
            problems=[p for _, p, _ in ordered],
            values=[v for _, _, v in ordered],
            rejected_keys=rejected_keys - {""},
        )

    def extras(self, canonical: tuple[str, ...]) -> pd.DataFrame:
        """The file's other columns, kept as text (empty cells become missing)."""
        other = [c for c in self.frame.columns if c not in canonical]
        kept = self.frame[other].astype(object)
        return kept.where(kept != "", None)


def _spellings(aliases: dict[str, str]) -> str:
    """Each accepted value with its first Chinese spelling: ``platform/平台, ...``."""
    chinese: dict[str, str] = {}
    for spelling, value in aliases.items():
        if not spelling.isascii():
            chinese.setdefault(value, spelling)
    values = dict.fromkeys(aliases.values())
    return ", ".join(f"{v}/{chinese[v]}" if v in chinese else v for v in values)


def _check_industries(raw: RawTable) -> _Checked:
    check = _Checker(raw, "industries")
    check.require_columns()
    code = check.non_empty("code", "industry code")
    check.unique(code, "code", "industry code")
    name_zh = check.non_empty("name_zh", "industry name")
    name_en = check.text("name_en")
    group = check.mapped("group", GROUP_ALIASES, "industry group", default="emerging")
    aliases = check.text("aliases").map(
        lambda t: tuple(a.strip() for a in _LIST_SEPARATORS.split(t) if a.strip())
    )
    frame = pd.DataFrame(
        {
            "code": code,
            "name_zh": name_zh,
            "name_en": name_en.where(name_en != "", name_zh),
            "group": group,
            "aliases": aliases,
        }
    )
    return check.finish(frame)


def _industry_vocabulary(industries: pd.DataFrame) -> dict[str, str]:
    vocabulary: dict[str, str] = {}
    columns = [industries[c] for c in ("code", "name_zh", "name_en", "aliases")]
    for code, name_zh, name_en, aliases in zip(*columns, strict=True):
        for spelling in (code, name_zh, name_en, *aliases):
            vocabulary.setdefault(normalise_value(spelling), str(code))
    return vocabulary


def _check_organizations(raw: RawTable, vocabulary: dict[str, str]) -> _Checked:
    check = _Checker(raw, "organizations")
    check.require_columns()
    if len(raw.frame) == 0:
        raise ValidationError(
            [Problem(raw.file, raw.header_row, None, "no organisations below the header row")]
        )
    name = check.non_empty("name", "name")
    ident = check.text("id") if "id" in raw.frame.columns else name
    if "id" in raw.frame.columns:
        check.flag(ident == "", "id", lambda _p, _v: "empty id")
    org_type = check.mapped("type", TYPE_ALIASES, "organisation type")
    rd_from_type = check.text("type").isin(RD_INSTITUTION_TYPES)
    industries = _industry_codes(check, vocabulary)
    level = check.mapped("level", LEVEL_ALIASES, "level", default="none")
    founded = check.integer("founded", FOUNDED_RANGE, "founding year")
    rd_flag = check.boolean("rd_institution", "new-type R&D institution flag")
    leading = check.boolean("leading", "leading-enterprise flag")
    county = check.text("county")
    check.unique(ident, "id" if "id" in raw.frame.columns else "name", "id")
    frame = pd.DataFrame(
        {
            "id": ident,
            "name": name,
            "type": org_type,
            "industries": industries,
            "county": county.where(county != "", None),
            "level": level,
            "founded": founded,
            "rd_institution": (rd_flag.fillna(False) | rd_from_type).astype(bool),
            "leading": leading,
        }
    )
    frame = pd.concat([frame, check.extras(ORG_COLUMNS)], axis=1)
    checked = check.finish(frame, key=ident)
    # Links may name an organisation by name as well as by id.
    checked.rejected_keys |= set(name[check.bad]) - {""}
    return checked


def _industry_codes(check: _Checker, vocabulary: dict[str, str]) -> pd.Series:
    known = _spellings(vocabulary)
    codes: list[tuple[str, ...]] = []
    unknown = np.zeros(len(check.frame), dtype=bool)
    first_unknown: dict[int, str] = {}
    for pos, text in enumerate(check.text("industries")):
        parts = [p.strip() for p in _LIST_SEPARATORS.split(text) if p.strip()]
        resolved = [vocabulary.get(normalise_value(p)) for p in parts]
        missing = [p for p, r in zip(parts, resolved, strict=True) if r is None]
        if missing:
            unknown[pos] = True
            first_unknown[pos] = missing[0]
        codes.append(tuple(dict.fromkeys(r for r in resolved if r is not None)))
    check.flag(
        unknown,
        "industries",
        lambda p, _v: f"unknown industry '{first_unknown[p]}' (known: {known})",
    )
    return pd.Series(codes, dtype=object)


def _check_links(raw: RawTable, organizations: pd.DataFrame, rejected_ids: set[str]) -> _Checked:
    check = _Checker(raw, "links")
    check.require_columns()
    resolve = _organisation_resolver(organizations)
    ends = {}
    for end in ("source", "target"):
        given = check.text(end)
        resolved = given.map(resolve)
        check.flag(given == "", end, lambda _p, _v: "no organisation given")
        unknown = (given != "") & resolved.isna()
        check.flag(
            unknown,
            end,
            lambda _p, v: (
                f"organisation '{v.strip()}' has a problem in the organisations file; "
                "fix that row first"
                if unicodedata.normalize("NFKC", v).strip() in rejected_ids
                else f"unknown organisation '{v.strip()}' (not in the organisations file)"
            ),
        )
        ends[end] = resolved
    self_link = ends["source"].notna() & (ends["source"] == ends["target"])
    check.flag(self_link, "target", lambda _p, v: f"links '{v.strip()}' to itself")
    kind = check.mapped("kind", KIND_ALIASES, "link kind")
    year = check.integer("year", YEAR_RANGE, "year")
    weight = check.number("weight", "weight", default=1.0, positive=True)
    funding = check.number("funding", "funding", default=None, positive=False)
    frame = pd.DataFrame(
        {
            "source": ends["source"],
            "target": ends["target"],
            "kind": kind,
            "year": year,
            "weight": weight,
            "funding": funding,
        }
    )
    frame = pd.concat([frame, check.extras(LINK_COLUMNS)], axis=1)
    # Only rows without other problems count as repeats, so that a rejected row's twin is
    # kept rather than dropped for repeating a row that is gone.
    good = ~check.bad
    row_key = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    repeated = np.zeros(len(frame), dtype=bool)
    repeated[good] = pd.Series(row_key[good]).duplicated().to_numpy()
    first = good & ~repeated
    first_row = dict(zip(row_key[first].tolist(), raw.rows.to_numpy()[first].tolist(), strict=True))
    check.flag(repeated, None, lambda p, _v: f"repeats row {first_row[int(row_key[p])]} exactly")
    return check.finish(frame)


def _organisation_resolver(organizations: pd.DataFrame) -> Callable[[str], str | None]:
    """Find an organisation by id, then by exact name, then by normalised name."""
    by_id = set(organizations["id"])
    by_name = _unique_map(organizations["name"], organizations["id"])
    by_key = _unique_map(organizations["name"].map(normalise_name), organizations["id"])

    def resolve(text: str) -> str | None:
        if not text:
            return None
        if text in by_id:
            return text
        return by_name.get(text) or by_key.get(normalise_name(text))

    return resolve


def _unique_map(keys: pd.Series, values: pd.Series) -> dict[str, str]:
    frame = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()})
    frame = frame[~frame.duplicated("key", keep=False)]
    return dict(zip(frame["key"], frame["value"], strict=True))


def _check_participations(raw: RawTable) -> _Checked:
    check = _Checker(raw, "participations")
    check.require_columns()
    project = check.non_empty("project", "project")
    org = check.non_empty("org", "organisation")
    year = check.integer("year", YEAR_RANGE, "year")
    org_type = check.mapped("org_type", TYPE_ALIASES, "organisation type", default="other")
    org_name = check.text("org_name")
    frame = pd.DataFrame(
        {
            "project": project,
            "org": org,
            "year": year,
            "org_type": org_type,
            "org_name": org_name.where(org_name != "", None),
        }
    )
    frame = pd.concat([frame, check.extras(PARTICIPATION_COLUMNS)], axis=1)
    return check.finish(frame)


def _check_projects(raw: RawTable) -> _Checked:
    check = _Checker(raw, "projects")
    check.require_columns()
    project = check.non_empty("project", "project")
    industry = check.non_empty("industry", "industry")
    return check.finish(pd.DataFrame({"project": project, "industry": industry}))


def _add_project_industries(industries: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Project themes (e.g. CORDIS programme parts) become industries when not already known."""
    vocabulary = _industry_vocabulary(industries)
    new = sorted({i for i in projects["industry"] if normalise_value(i) not in vocabulary})
    if not new:
        return industries
    extra = pd.DataFrame(
        {
            "code": new,
            "name_zh": new,
            "name_en": new,
            "group": "emerging",
            "aliases": [() for _ in new],
        }
    )
    return pd.concat([industries, extra], ignore_index=True)


# --------------------------------------------------------------------------- participations


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
    parts = participations
    if until is not None:
        parts = parts[parts["year"].notna() & (parts["year"] <= until)]
    parts = parts.drop_duplicates(["project", "org"])

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
    for column in _ORG_ATTRIBUTES_IN_PARTICIPATIONS:
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
        code=projects["industry"].map(lambda t: vocabulary.get(normalise_value(t)))
    )
    joined = (
        parts[["org", "project"]]
        .merge(theme[["project", "code"]], on="project")
        .dropna(subset=["code"])
    )
    return _most_frequent_per(joined, "code").map(lambda c: (c,))


def _project_pairs(project: np.ndarray, org: np.ndarray, year: pd.Series) -> pd.DataFrame:
    """Every unordered pair of organisations sharing a project, aggregated over projects."""
    frame = pd.DataFrame(
        {"p": project, "o": org, "y": year.to_numpy(dtype="float64", na_value=np.nan)}
    )
    left = frame.merge(frame[["p", "o"]], on="p", suffixes=("", "_b"))
    left = left[left["o"] < left["o_b"]]
    grouped = left.groupby(["o", "o_b"], sort=True).agg(year=("y", "min"), weight=("p", "nunique"))
    grouped = grouped.reset_index().rename(columns={"o": "a", "o_b": "b"})
    return grouped


# --------------------------------------------------------------------------- combining


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
