"""Read one input file into a frame of text cells, whatever its format and encoding.

Cells stay text here; parsing and checking happen once, in :mod:`collabnet.tables`.
The reader finds the header row itself (spreadsheets often carry a title row or a blank
row above it) and remembers, for every data row, its row number as the user sees it.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from collabnet.errors import InputError, Problem, ValidationError
from collabnet.schema import COLUMN_ALIASES, REQUIRED_COLUMNS, header_lookup, normalise_header

__all__ = ["RawTable", "describe_workbook", "find_sheets", "read_table"]

# How many leading rows may hold titles or blanks before the header row.
_HEADER_SEARCH_ROWS = 10
_GZIP_MAGIC = b"\x1f\x8b"
# A row whose first cell says it is a total or a note is not data (compared without spaces).
_TOTAL_OR_NOTE = frozenset({"合计", "总计", "小计", "备注", "说明", "注"})
_NOTE_START = re.compile(r"^(注|备注|说明)\s*[:：]")


@dataclass(frozen=True)
class RawTable:
    """A file's data rows as text with canonical headers where recognised.

    ``rows`` holds the spreadsheet row number of each data row, aligned with ``frame``.
    ``columns`` maps each canonical column to the header the user wrote. ``header_row`` is
    the spreadsheet row of the header (``None`` for Parquet, which has none), and
    ``overflow`` maps the position of each data row that has values beyond the last
    headed column to a sentence describing them. ``trimmed`` lists, per canonical column,
    the positions of the cells that had spaces before or after their text (removed here),
    and ``skipped`` the spreadsheet row and first cell of each total or note row left out.
    """

    file: str
    frame: pd.DataFrame
    rows: pd.Series
    columns: dict[str, str]
    header_row: int | None = 1
    overflow: dict[int, str] = field(default_factory=dict)
    trimmed: dict[str, tuple[int, ...]] = field(default_factory=dict)
    skipped: tuple[tuple[int, str], ...] = ()


def read_table(path: str | Path, table: str, *, sheet: str | int | None = None) -> RawTable:
    """Read ``path`` as the given kind of table (see ``schema.TABLE_KINDS``).

    Accepts CSV/TSV (UTF-8, UTF-8 with BOM, GBK/GB18030; optionally gzip-compressed),
    Excel ``.xlsx`` (``sheet`` by name or 0-based index) and Parquet.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".xlsx", ".xlsm"):
        hint = "give the column a header or delete the value"
        if sheet is None:
            grids = _read_excel_sheets(path)
            if len(grids) > 1:
                chosen = _sheet_for(grids, table)
                if chosen is None:
                    raise InputError(
                        f"{path}: no sheet has the columns of {_table_phrase(table)} "
                        f"(expected {_expected(table)}); {_sheets_and_headers(grids)}"
                    )
                return _with_header(path, grids[chosen], table, hint)
            return _with_header(path, next(iter(grids.values())), table, hint)
        grid, _sheets = _read_excel(path, sheet)
        return _with_header(path, grid, table, hint)
    elif suffixes and suffixes[-1] == ".parquet":
        return _read_parquet(path, table)
    else:
        grid = _read_delimited(path)
        hint = "a value that contains a comma must be in quotes"
    return _with_header(path, grid, table, hint)


def find_sheets(path: str | Path, tables: tuple[str, ...]) -> dict[str, str]:
    """For one workbook, the sheet holding each of ``tables``, found by its headers.

    A sheet holds a table when its header row names every required column of it; when
    several do, the one naming the most of the table's columns wins. Tables found in no
    sheet are left out.
    """
    grids = _read_excel_sheets(Path(path))
    found = {}
    for table in tables:
        chosen = _sheet_for(grids, table)
        if chosen is not None:
            found[table] = chosen
    return found


def describe_workbook(path: str | Path) -> str:
    """The sheets of a workbook with the headers found on each, for error messages."""
    return _sheets_and_headers(_read_excel_sheets(Path(path)))


def _sheet_for(grids: dict[str, pd.DataFrame], table: str) -> str | None:
    lookup = header_lookup(table)
    required = set(REQUIRED_COLUMNS[table])
    best, best_hits = None, 0
    for name, grid in grids.items():
        for index in range(min(_HEADER_SEARCH_ROWS, len(grid))):
            hits = {lookup.get(normalise_header(c)) for c in grid.iloc[index]} - {None}
            if required <= hits and len(hits) > best_hits:
                best, best_hits = name, len(hits)
    return best


def _sheets_and_headers(grids: dict[str, pd.DataFrame]) -> str:
    described = []
    for name, grid in grids.items():
        header: list[str] = []
        for index in range(min(_HEADER_SEARCH_ROWS, len(grid))):
            cells = [str(c).strip() for c in grid.iloc[index] if str(c).strip()]
            if len(cells) > len(header):
                header = cells
        described.append(f"{name} ({', '.join(header) or 'empty'})")
    return "the workbook's sheets and the headers found: " + "; ".join(described)


def _table_phrase(table: str) -> str:
    return {"organizations": "an organisations table", "links": "a links table"}.get(
        table, f"a {table} table"
    )


def _expected(table: str) -> str:
    return ", ".join(f"'{c}' or '{COLUMN_ALIASES[table][c][1]}'" for c in REQUIRED_COLUMNS[table])


def _read_delimited(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise InputError(f"{path}: damaged gzip file ({err})") from err
    text = _decode(path, data)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    # Judge the separator on several lines: a title line above the header may hold neither.
    head = "\n".join(text.split("\n", _HEADER_SEARCH_ROWS)[:_HEADER_SEARCH_ROWS])
    sep = "\t" if head.count("\t") > head.count(",") else ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # Rows of unequal length (a title line, a stray comma) or blank lines before the
        # first row: read the rows one by one.
        return _read_ragged(path, text, sep)


def _read_ragged(path: Path, text: str, sep: str) -> pd.DataFrame:
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error as err:
        raise InputError(f"{path}: not a well-formed table ({err})") from err
    width = max(len(r) for r in records)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=object)


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{path}: cannot decode the file as UTF-8 or GBK/GB18030; save it as UTF-8 CSV"
    )


def _read_excel(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, list[str]]:
    try:
        workbook = pd.ExcelFile(path, engine="openpyxl")
    except Exception as err:  # openpyxl raises a zoo of types for damaged files
        raise InputError(f"{path}: not a readable Excel workbook ({err})") from err
    with workbook:
        names = [str(n) for n in workbook.sheet_names]
        if sheet is None:
            chosen: str | int = 0
        elif str(sheet) in names:
            chosen = str(sheet)
        elif isinstance(sheet, int) or str(sheet).isdigit():
            index = int(sheet)
            if index >= len(names):
                raise InputError(f"{path}: no sheet number {index}; sheets: {', '.join(names)}")
            chosen = index
        else:
            raise InputError(f"{path}: no sheet named '{sheet}'; sheets: {', '.join(names)}")
        grid = pd.read_excel(workbook, sheet_name=chosen, header=None, dtype=str)
    return grid.fillna(""), names


def _read_excel_sheets(path: Path) -> dict[str, pd.DataFrame]:
    try:
        workbook = pd.ExcelFile(path, engine="openpyxl")
    except Exception as err:  # openpyxl raises a zoo of types for damaged files
        raise InputError(f"{path}: not a readable Excel workbook ({err})") from err
    with workbook:
        grids = pd.read_excel(workbook, sheet_name=None, header=None, dtype=str)
    return {str(name): grid.fillna("") for name, grid in grids.items()}


def _read_parquet(path: Path, table: str) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except ImportError as err:
        raise InputError(
            f"{path}: reading Parquet needs pyarrow (pip install 'collabnet-graph[parquet]')"
        ) from err
    except Exception as err:
        raise InputError(f"{path}: not a readable Parquet file ({err})") from err
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    header = [str(c) for c in frame.columns]
    columns = _canonical_columns(path, header, table, None)
    text.columns = [columns.get(h, h) for h in header]
    rows = pd.Series(range(1, len(text) + 1), dtype="int64")
    return RawTable(
        str(path), text.reset_index(drop=True), rows, _user_headers(columns), header_row=None
    )


def _with_header(path: Path, grid: pd.DataFrame, table: str, hint: str) -> RawTable:
    untrimmed = grid.fillna("").astype(str)
    grid = untrimmed.apply(lambda col: col.str.strip())
    header_index = _find_header(path, grid, table)
    header_row = header_index + 1
    header = [str(h).strip() for h in grid.iloc[header_index]]
    width = max(i + 1 for i, h in enumerate(header) if h)
    header = _distinct(header[:width])
    columns = _canonical_columns(path, header, table, header_row)
    body = grid.iloc[header_index + 1 :]
    body = body[(body != "").any(axis=1)]
    first = _first_cells(body)
    # Judge each distinct first cell once: a long table repeats few of them.
    distinct, inverse = np.unique(first, return_inverse=True)
    totals = np.array([_is_total_or_note(text) for text in distinct], dtype=bool)[inverse]
    skipped = tuple(
        (int(position) + 1, str(text))
        for position, text in zip(body.index[totals], first[totals], strict=True)
    )
    body = body[~totals]
    rows = pd.Series(body.index.to_numpy() + 1, dtype="int64")
    padded = (untrimmed.loc[body.index] != body).reset_index(drop=True)
    frame = body.reset_index(drop=True)
    beyond = frame.iloc[:, width:].to_numpy(dtype=object)
    overflow = {
        int(pos): "more values than the header has columns "
        f"(extra: {', '.join(repr(v) for v in beyond[pos] if v)}); {hint}"
        for pos in np.flatnonzero((beyond != "").any(axis=1))
    }
    frame = frame.iloc[:, :width]
    frame.columns = [columns.get(h, h) if h else f"column_{i + 1}" for i, h in enumerate(header)]
    trimmed = {
        str(column): tuple(int(p) for p in padded.index[padded.iloc[:, i]])
        for i, column in enumerate(frame.columns)
        if padded.iloc[:, i].any()
    }
    unnamed = [c for c in frame.columns if c.startswith("column_") and c not in columns]
    frame = frame.drop(columns=[c for c in unnamed if (frame[c] == "").all()])
    return RawTable(
        str(path), frame, rows, _user_headers(columns), header_row, overflow, trimmed, skipped
    )


def _first_cells(body: pd.DataFrame) -> np.ndarray:
    """Each row's first non-empty cell ("" for an empty row), as strings."""
    if body.size == 0:
        return np.zeros(len(body), dtype=str).astype(object)
    first = body.iloc[:, 0].to_numpy(dtype=object)
    # Most rows start with a value; only the others need the rest of the row.
    blank = np.flatnonzero(first == "")
    if len(blank):
        values = body.iloc[blank].to_numpy(dtype=object)
        filled = values != ""
        chosen = values[np.arange(len(values)), filled.argmax(axis=1)]
        first = first.copy()
        first[blank] = np.where(filled.any(axis=1), chosen, "")
    return first.astype(str)


def _is_total_or_note(text: str) -> bool:
    first = "".join(unicodedata.normalize("NFKC", text).split())
    return first.rstrip(":") in _TOTAL_OR_NOTE or bool(_NOTE_START.match(first))


def _distinct(header: list[str]) -> list[str]:
    """Number repeated headers (备注, 备注_2) so that no column hides another."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        if name:
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name}_{seen[name]}"
        out.append(name)
    return out


def _find_header(path: Path, grid: pd.DataFrame, table: str) -> int:
    """The first leading row naming two known columns, else the one naming the most."""
    lookup = header_lookup(table)
    best, best_hits = None, 0
    for index in range(min(_HEADER_SEARCH_ROWS, len(grid))):
        hits = {lookup.get(normalise_header(cell)) for cell in grid.iloc[index]} - {None}
        if len(hits) > best_hits:
            best, best_hits = index, len(hits)
        if len(hits) >= 2:
            return index
    if best is None:
        if len(grid) == 0:
            raise InputError(f"{path}: the file is empty")
        expected = ", ".join(
            f"'{c}' or '{COLUMN_ALIASES[table][c][1]}'" for c in REQUIRED_COLUMNS[table]
        )
        raise InputError(
            f"{path}: no header row in the first {_HEADER_SEARCH_ROWS} rows "
            f"(expected column names such as {expected})"
        )
    return best


def _canonical_columns(
    path: Path, header: list[str], table: str, header_row: int | None
) -> dict[str, str]:
    """Map each user header to its canonical name; two headers for one column is an error."""
    lookup = header_lookup(table)
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    problems = []
    for user in header:
        canonical = lookup.get(normalise_header(user))
        if canonical is None:
            continue
        if canonical in seen:
            problems.append(
                Problem(
                    str(path),
                    header_row,
                    None,
                    f"columns '{seen[canonical]}' and '{user}' both mean '{canonical}'; "
                    "keep one of them",
                )
            )
            continue
        seen[canonical] = user
        mapping[user] = canonical
    if problems:
        raise ValidationError(problems)
    return mapping


def _user_headers(mapping: dict[str, str]) -> dict[str, str]:
    return {canonical: user for user, canonical in mapping.items()}
