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
from collabnet.lookup import County, OrganisationIndex, match_key
from collabnet.readers import RawTable
from collabnet.schema import (
    BOOL_ALIASES,
    COLUMN_ALIASES,
    GROUP_ALIASES,
    KIND_ALIASES,
    LEADING_TYPES,
    LEVEL_ALIASES,
    RD_INSTITUTION_TYPES,
    REQUIRED_COLUMNS,
    TYPE_ALIASES,
    is_missing,
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
# Lists in a cell (industries, aliases); compared after NFKC, so ；，／ count too.
_LIST_SEPARATORS = re.compile(r"[;,、/\n\r]")
# A date where a year is expected: 2018-06-01, 2018/6/1, 2018.6.1, 2018年6月, and the
# "2018-06-01 00:00:00" an Excel date cell reads as. The year is what is kept.
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_DATE = re.compile(
    rf"^(\d{{4}})\s*(?:年\s*{_MONTH}\s*月(?:\s*{_DAY}\s*日?)?"
    rf"|[-/]{_MONTH}(?:[-/]{_DAY})?(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?"
    rf"|\.{_MONTH}\.{_DAY})$"
)


@dataclass(frozen=True)
class FileCount:
    """Rows read from one file, and how many were kept and rejected."""

    file: str
    table: str
    read: int
    kept: int
    rejected: int
    # Of the rows read, the total and note rows (合计, 注：…) left out as not data.
    skipped: int = 0


@dataclass
class _Checked:
    frame: pd.DataFrame
    count: FileCount
    problems: list[Problem]
    values: list[str]
    rejected_keys: set[str] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)
    # Where the leading-enterprise flags came from: user header -> organisations marked.
    leading_from: dict[str, int] = field(default_factory=dict)


class _Checker:
    """Collects problems for one raw table; a row with any problem is rejected."""

    def __init__(self, raw: RawTable, table: str) -> None:
        self.raw = raw
        self.table = table
        self.frame = raw.frame
        self.bad = np.zeros(len(raw.frame), dtype=bool)
        self.problems: list[tuple[int, Problem, str]] = []
        self.warnings: list[Problem] = [
            Problem(raw.file, row, None, f"skipped a total or note row ('{first}')")
            for row, first in raw.skipped
        ]
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
        """The column's cells as written (trimmed), ``""`` where the column is absent."""
        if column not in self.frame.columns:
            return pd.Series([""] * len(self.frame), dtype=object)
        cells = self.frame[column].astype(object).fillna("")
        return each_distinct(cells, lambda v: str(v).strip())

    def optional(self, column: str) -> pd.Series:
        """An optional column's cells, with missing markers (NA, -, 无, 不详…) read as empty."""
        return each_distinct(self.text(column), lambda v: "" if is_missing(v) else v)

    def warn(self, mask: pd.Series | np.ndarray, column: str | None, message: str) -> None:
        """Note something about a row that is kept, for ``validate`` to report."""
        user_column = None if column is None else self.raw.columns.get(column, column)
        rows = self.raw.rows.to_numpy()
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)).tolist():
            self.warnings.append(Problem(self.raw.file, int(rows[pos]), user_column, message))

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
        raw = self.text(column) if default is None else self.optional(column)
        keys = each_distinct(raw, normalise_value)
        out = keys.map(aliases)
        if default is not None:
            out = out.where(keys != "", default)
        unknown = out.isna() & ((keys != "") | (default is None))
        expected = _spellings(aliases)
        self.flag(
            unknown,
            column,
            lambda _p, v: (
                _empty(what, v)
                if is_missing(v)
                else f"unknown {what} '{v}' (expected one of {expected})"
            ),
        )
        return out

    def integer(self, column: str, bounds: tuple[int, int], what: str) -> pd.Series:
        """A year column: whole numbers within ``bounds``, an optional trailing 年, or a date."""
        raw = each_distinct(self.optional(column), _year_text)
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
        raw = (
            self.optional(column)
            .map(lambda v: unicodedata.normalize("NFKC", v))
            .str.replace(",", "", regex=False)
        )
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
        keys = each_distinct(self.optional(column), normalise_value)
        out = keys.map(lambda k: BOOL_ALIASES.get(k, pd.NA) if k else pd.NA)
        bad = (keys != "") & out.isna()
        self.flag(bad, column, lambda _p, v: f"{what} '{v}' is not yes/no (true/false, 是/否)")
        return out.astype("boolean")

    def non_empty(self, column: str, what: str) -> pd.Series:
        values = self.text(column)
        self.flag(each_distinct(values, is_missing), column, lambda _p, v: _empty(what, v))
        return values

    def unique(self, values: pd.Series, column: str, what: str) -> None:
        """Flag repeats of a value, compared by :func:`match_key` (so Ｐ１ repeats P1)."""
        keys = values.map(match_key)
        candidates = keys.where(~pd.Series(self.bad) & (keys != ""))
        repeated = candidates.notna() & candidates.duplicated(keep="first")
        first_row: dict[str, int] = {}
        for value, row in zip(candidates, self.raw.rows.to_numpy(), strict=True):
            if isinstance(value, str) and value not in first_row:
                first_row[value] = int(row)
        self.flag(
            repeated,
            column,
            lambda p, v: (
                f"duplicate {what} '{v.strip()}' (first on row {first_row[str(keys.iat[p])]})"
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
        rejected_keys = set(key[self.bad].map(match_key)) if key is not None else set()
        count = FileCount(
            self.raw.file,
            self.table,
            len(frame) + len(self.raw.skipped),
            int(keep.sum()),
            int(self.bad.sum()),
            len(self.raw.skipped),
        )
        warnings = sorted(self.warnings, key=lambda w: w.row or 0)
        return _Checked(
            frame=frame[keep].reset_index(drop=True),
            count=count,
            problems=[p for _, p, _ in ordered],
            values=[v for _, _, v in ordered],
            rejected_keys=rejected_keys - {""},
            warnings=warnings,
        )

    def extras(self, canonical: tuple[str, ...]) -> pd.DataFrame:
        """The file's other columns, kept as text (empty cells become missing)."""
        other = [c for c in self.frame.columns if c not in canonical]
        kept = self.frame[other].astype(object)
        return kept.where(kept != "", None)


def each_distinct(values: pd.Series, function: Callable[[str], object]) -> pd.Series:
    """``values.map(function)``, calling ``function`` once per distinct value: long
    tables repeat the same few spellings (types, kinds, years) thousands of times."""
    if values.empty:
        return values.map(function)  # keeps the object dtype a dict look-up would lose
    # Codes into the distinct values, then one take: a dict look-up per row through
    # Series.map costs about twice as much on 100,000 rows.
    codes, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    results = pd.Series([function(value) for value in distinct]).to_numpy()
    return pd.Series(results[codes], index=values.index, name=values.name)


def _year_text(value: str) -> str:
    """A year cell without width variants, a trailing 年 or the rest of a date."""
    text = re.sub(r"\s*年$", "", unicodedata.normalize("NFKC", value))
    match = _DATE.match(text)
    return match.group(1) if match else text


def _empty(what: str, value: str) -> str:
    """The problem of a required cell left empty, or holding a marker such as NA or 无."""
    if value.strip():
        return f"empty {what} ('{value.strip()}' marks a missing value)"
    return f"empty {what}"


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
    aliases = check.optional("aliases").map(lambda t: tuple(a for a in _split_list(t) if a))
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


def _split_list(text: str) -> list[str]:
    """The items of a list cell; separators are compared after NFKC (so ；，／ count)."""
    return [p.strip() for p in _LIST_SEPARATORS.split(unicodedata.normalize("NFKC", text))]


def _check_organizations(
    raw: RawTable, vocabulary: dict[str, str], counties: County | None = None
) -> _Checked:
    check = _Checker(raw, "organizations")
    check.require_columns()
    if len(raw.frame) == 0:
        raise ValidationError(
            [Problem(raw.file, raw.header_row, None, "no organisations below the header row")]
        )
    name = check.non_empty("name", "name")
    ident = check.text("id") if "id" in raw.frame.columns else name
    if "id" in raw.frame.columns:
        check.flag(ident.map(is_missing), "id", lambda _p, v: _empty("id", v))
    org_type = check.mapped("type", TYPE_ALIASES, "organisation type")
    type_keys = check.text("type").map(normalise_value)
    rd_from_type = type_keys.isin({normalise_value(t) for t in RD_INSTITUTION_TYPES})
    leading_from_type = type_keys.isin({normalise_value(t) for t in LEADING_TYPES})
    industries = _industry_codes(check, vocabulary)
    level = check.mapped("level", LEVEL_ALIASES, "level", default="none")
    founded = check.integer("founded", FOUNDED_RANGE, "founding year")
    rd_flag = check.boolean("rd_institution", "new-type R&D institution flag")
    flagged = check.boolean("leading", "leading-enterprise flag")
    # An explicit leading column wins; 类型 = 龙头企业 fills the rows it leaves empty.
    leading = flagged.where(flagged.notna(), leading_from_type.where(leading_from_type))
    leading = leading.astype("boolean")
    county = _county(check, counties)
    check.unique(ident, "id" if "id" in raw.frame.columns else "name", "id")
    raw_names = check.text("name")
    check.warn(
        raw_names.str.contains(r"[\r\n\u2028\u2029]", regex=True),
        "name",
        "the name holds a line break; tables show it on one line",
    )
    check.warn(
        _positions(raw.trimmed.get("name", ()), len(raw.frame)),
        "name",
        "spaces before or after the name were removed",
    )
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
    checked.rejected_keys |= set(name[check.bad].map(match_key)) - {""}
    kept = ~check.bad
    from_column = int((flagged.fillna(False) & kept).sum())
    from_type = int((flagged.isna() & leading_from_type & kept).sum())
    if from_column:
        checked.leading_from[raw.columns.get("leading", "leading")] = from_column
    if from_type:
        checked.leading_from[raw.columns.get("type", "type")] = from_type
    return checked


def _positions(positions: tuple[int, ...], length: int) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    mask[list(positions)] = True
    return mask


def _county(check: _Checker, counties: County | None) -> pd.Series:
    """Counties by their full name (乐清 → 乐清市); an unknown one kept as written, and
    listed as a warning when the table applies to this data (it is the user's own, or some
    county of the data is in it)."""
    written = check.optional("county")
    if counties is None:
        return written
    keys = written.map(normalise_value)
    known = keys.map(counties.spellings)
    unknown = (keys != "") & known.isna()
    if unknown.any() and (counties.given or known.notna().any()):
        first_row: dict[str, int] = {}
        rows = check.raw.rows.to_numpy()
        for value, row, bad in zip(written, rows, unknown, strict=True):
            if bad:
                first_row.setdefault(value, int(row))
        listed = ", ".join(counties.names)
        for value, row in first_row.items():
            times = int((written[unknown] == value).sum())
            more = f" (on {times} rows)" if times > 1 else ""
            check.warnings.append(
                Problem(
                    check.raw.file,
                    row,
                    check.raw.columns.get("county", "county"),
                    f"unknown county '{value}' kept as written{more}; known: {listed}",
                )
            )
    return known.where(known.notna(), written)


def _check_counties(raw: RawTable) -> _Checked:
    check = _Checker(raw, "counties")
    check.require_columns()
    name = check.non_empty("name", "county")
    check.unique(name, "name", "county")
    aliases = check.optional("aliases").map(lambda t: tuple(a for a in _split_list(t) if a))
    return check.finish(pd.DataFrame({"name": name, "aliases": aliases}))


def _industry_codes(check: _Checker, vocabulary: dict[str, str]) -> pd.Series:
    known = _spellings(vocabulary)
    codes: list[tuple[str, ...]] = []
    unknown = np.zeros(len(check.frame), dtype=bool)
    first_unknown: dict[int, str] = {}
    for pos, text in enumerate(check.optional("industries")):
        parts = [p for p in _split_list(text) if p and not is_missing(p)]
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


def _check_links(
    raw: RawTable,
    organizations: pd.DataFrame,
    rejected_ids: set[str],
    merged: dict[str, str] | None = None,
) -> _Checked:
    check = _Checker(raw, "links")
    check.require_columns()
    index = OrganisationIndex(organizations, merged)
    ends = {}
    merged_end = pd.Series(False, index=raw.frame.index)
    for end in ("source", "target"):
        given = check.text(end)
        merged_end |= given.map(index.merged_away)
        found = given.map(index.find)
        resolved = found.map(lambda f: f if isinstance(f, str) else None)
        check.flag(given.map(is_missing), end, lambda _p, v: _empty("organisation", v))
        unknown = ~given.map(is_missing) & resolved.isna()

        def problem(pos: int, value: str, found: pd.Series = found) -> str:
            return _unresolved(value, found.iat[pos], rejected_ids)

        check.flag(unknown, end, problem)
        ends[end] = resolved
    # A link between two organisations merged into one is dropped later, not a problem.
    self_link = ends["source"].notna() & (ends["source"] == ends["target"]) & ~merged_end
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


def _unresolved(value: str, found: object, rejected_ids: set[str]) -> str:
    text = value.strip()
    if isinstance(found, tuple):
        return (
            f"ambiguous organisation '{text}': matches {', '.join(found)}; give its id or full name"
        )
    if match_key(value) in rejected_ids:
        return f"organisation '{text}' has a problem in the organisations file; fix that row first"
    return f"unknown organisation '{text}' (not in the organisations file)"


def _check_participations(raw: RawTable) -> _Checked:
    check = _Checker(raw, "participations")
    check.require_columns()
    project = check.non_empty("project", "project")
    org = check.non_empty("org", "organisation")
    year = check.integer("year", YEAR_RANGE, "year")
    org_type = check.mapped("org_type", TYPE_ALIASES, "organisation type", default="other")
    org_name = check.optional("org_name")
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
