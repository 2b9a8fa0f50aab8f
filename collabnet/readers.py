"""Read one input file into a frame of text cells, whatever its format and encoding.

Cells stay text here; parsing and checking happen once, in :mod:`collabnet.tables`.
The reader finds the header row itself (spreadsheets often carry a title row or a blank
row above it) and remembers, for every data row, its row number as the user sees it.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from collabnet.errors import InputError, Problem, ValidationError
from collabnet.schema import COLUMN_ALIASES, REQUIRED_COLUMNS, header_lookup, normalise_header

__all__ = ["RawTable", "read_table"]

# How many leading rows may hold titles or blanks before the header row.
_HEADER_SEARCH_ROWS = 10
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class RawTable:
    """A file's data rows as text with canonical headers where recognised.

    ``rows`` holds the spreadsheet row number of each data row, aligned with ``frame``.
    ``columns`` maps each canonical column to the header the user wrote. ``header_row`` is
    the spreadsheet row of the header (``None`` for Parquet, which has none), and
    ``overflow`` maps the position of each data row that has values beyond the last
    headed column to a sentence describing them.
    """

    file: str
    frame: pd.DataFrame
    rows: pd.Series
    columns: dict[str, str]
    header_row: int | None = 1
    overflow: dict[int, str] = field(default_factory=dict)


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
        grid, sheets = _read_excel(path, sheet)
        try:
            return _with_header(path, grid, table, "give the column a header or delete the value")
        except InputError as err:
            if sheet is None and len(sheets) > 1:
                raise InputError(
                    f"{err}; the workbook's sheets are {', '.join(sheets)}: choose one with --sheet"
                ) from err
            raise
    elif suffixes and suffixes[-1] == ".parquet":
        return _read_parquet(path, table)
    else:
        grid = _read_delimited(path)
        hint = "a value that contains a comma must be in quotes"
    return _with_header(path, grid, table, hint)


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
    grid = grid.fillna("").astype(str).apply(lambda col: col.str.strip())
    header_index = _find_header(path, grid, table)
    header_row = header_index + 1
    header = [str(h).strip() for h in grid.iloc[header_index]]
    width = max(i + 1 for i, h in enumerate(header) if h)
    header = _distinct(header[:width])
    columns = _canonical_columns(path, header, table, header_row)
    body = grid.iloc[header_index + 1 :]
    body = body[(body != "").any(axis=1)]
    rows = pd.Series(body.index.to_numpy() + 1, dtype="int64")
    frame = body.reset_index(drop=True)
    beyond = frame.iloc[:, width:]
    overflow = {
        pos: "more values than the header has columns "
        f"(extra: {', '.join(repr(v) for v in cells if v)}); {hint}"
        for pos, cells in enumerate(beyond.itertuples(index=False))
        if any(cells)
    }
    frame = frame.iloc[:, :width]
    frame.columns = [columns.get(h, h) if h else f"column_{i + 1}" for i, h in enumerate(header)]
    unnamed = [c for c in frame.columns if c.startswith("column_") and c not in columns]
    frame = frame.drop(columns=[c for c in unnamed if (frame[c] == "").all()])
    return RawTable(str(path), frame, rows, _user_headers(columns), header_row, overflow)


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
