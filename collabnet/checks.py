"""Checking raw tables once, where data enters: every problem names the file, row and column.

A :class:`_Checker` turns one :class:`~collabnet.readers.RawTable` into canonical
columns with parsed values; a row with any problem is rejected with its reason. Names and
other text are kept as the user wrote them (only trimmed); look-ups compare normalised
keys instead (see :func:`collabnet.schema.normalise_value`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from collabnet.errors import Problem, ValidationError
from collabnet.names import normalise_name
from collabnet.readers import RawTable
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
_LIST_SEPARATORS = re.compile(r"[;、]")


@dataclass(frozen=True)
class FileCount:
    """Rows read from one file, and how many were kept and rejected."""

    file: str
    table: str
    read: int
    kept: int
    rejected: int


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
