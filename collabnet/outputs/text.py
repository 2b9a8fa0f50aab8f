"""Render a result (a DataFrame or a mapping) as a terminal table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

__all__ = ["FORMATS", "csv_pieces", "render", "to_jsonable"]

FORMATS = ("table", "csv", "json")
# Rows of a CSV rendered at a time by :func:`csv_pieces`.
CSV_ROWS = 10_000


def to_jsonable(value: Any) -> Any:
    """Plain JSON values: NaN/NA become null, tuples lists, numpy scalars Python numbers."""
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict("records")]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray | pd.Series):
        return [to_jsonable(v) for v in list(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def render(result: pd.DataFrame | Mapping[str, Any], fmt: str, *, title: str | None = None) -> str:
    """The text of ``result`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(to_jsonable(result), ensure_ascii=False, indent=2) + "\n"
    frame = result if isinstance(result, pd.DataFrame) else _mapping_frame(result)
    if fmt == "csv":
        return _csv(frame)
    return _table(frame, title)


def _csv(frame: pd.DataFrame, *, header: bool = True) -> str:
    """CSV as pandas writes it (``to_csv(index=False)``), from the cells as text: the
    cells are strings already, and the csv module writes them several times faster."""
    if not len(frame.columns):
        return frame.to_csv(index=False, header=header)
    columns = _text_columns(frame)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow([str(name) for name in frame.columns])
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def csv_pieces(
    frame: pd.DataFrame,
    change: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    *,
    rows: int | None = None,
    header: bool = True,
) -> Iterator[str]:
    """``render(frame, "csv")`` in pieces of ``rows`` rows, the header with the first
    (unless ``header`` is false: the rows of a frame that continues another): written
    one after the other they are the same text, and only one piece's cells are held at
    a time. ``change`` (e.g. making text cells spreadsheet-safe) is applied to each
    piece's rows first (:data:`CSV_ROWS` unless given)."""
    rows = CSV_ROWS if rows is None else rows
    for start in range(0, max(len(frame), 1), rows):
        part = frame.iloc[start : start + rows]
        if not header and len(part) == 0:
            continue
        yield _csv(part if change is None else change(part), header=header and start == 0)


def _mapping_frame(mapping: Mapping[str, Any]) -> pd.DataFrame:
    rows = [{"key": k, "value": _cell(v)} for k, v in mapping.items()]
    return pd.DataFrame(rows, columns=["key", "value"])


def _cell(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    if not len(frame.columns):
        return frame
    columns = _text_columns(frame)
    cells = pd.DataFrame(dict(enumerate(columns)), index=frame.index, dtype=object)
    cells.columns = frame.columns
    return cells


def _text_columns(frame: pd.DataFrame) -> list[list[str]]:
    return [_column_cells(frame.iloc[:, number]) for number in range(len(frame.columns))]


def _column_cells(column: pd.Series) -> list[str]:
    """:func:`_cell` of every value of a column; numpy number columns without the
    per-value type checks (a recommendation table has millions of cells)."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [
            ("" if not math.isfinite(v) else f"{v:.4g}" if abs(v) < 1e6 else f"{v:.0f}")
            for v in column.to_numpy().tolist()
        ]
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return [str(v) for v in column.to_numpy().tolist()]
    return [_plain_cell(v) for v in column.astype(object).tolist()]


def _plain_cell(value: Any) -> str:
    """:func:`_cell`, with its result for plain strings and lists of them taken directly."""
    if type(value) is str:
        return value
    if type(value) is list and all(type(v) is str for v in value):
        return "; ".join(value)
    return _cell(value)


def _table(frame: pd.DataFrame, title: str | None) -> str:
    table = Table(title=title, show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in _cells(frame).itertuples(index=False):
        table.add_row(*row)
    buffer = io.StringIO()
    # The terminal's width when there is one (COLUMNS too); 160 when piped to a file.
    width = shutil.get_terminal_size((160, 24)).columns
    Console(file=buffer, width=width, force_terminal=False, color_system=None).print(table)
    return buffer.getvalue()
