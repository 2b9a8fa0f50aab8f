"""Write validated tables back to files that :func:`~collabnet.tables.load_tables` reads.

The counterpart of :mod:`collabnet.readers`: ``collabnet neo4j pull -o FOLDER`` writes
the tables read from a database with it, so they load again exactly as pushed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collabnet.tables import Tables

__all__ = ["plain_value", "write_tables"]


def write_tables(tables: Tables, folder: str | Path) -> list[Path]:
    """Write ``organizations.csv``, ``links.csv`` and ``industries.csv`` that
    :func:`~collabnet.tables.load_tables` reads back into the same tables.

    Lists (an organisation's industries, an industry's aliases) are joined with ``;``,
    flags written ``true``/``false``, missing values left empty.

    Examples
    --------
    >>> import tempfile
    >>> from collabnet.tables import load_tables
    >>> tables = load_tables("data/sample")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in write_tables(tables, folder)]
    ['organizations.csv', 'links.csv', 'industries.csv']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        ("organizations", tables.organizations),
        ("links", tables.links),
        ("industries", tables.industries),
    ):
        path = folder / f"{name}.csv"
        _as_text(frame).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written


def plain_value(value: Any) -> Any:
    """A cell as plain Python: scalars and lists, ``None`` for a missing value.

    Examples
    --------
    >>> plain_value(np.int64(3)), plain_value(float("nan")), plain_value(("a", "b"))
    (3, None, ['a', 'b'])
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, tuple | list | np.ndarray):
        return [plain_value(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    def cell(value: Any) -> str:
        value = plain_value(value)
        if value is None:
            return ""
        if isinstance(value, list):
            return ";".join(str(v) for v in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return str(value)

    return pd.DataFrame(
        {c: [cell(v) for v in frame[c].to_numpy(dtype=object)] for c in frame.columns}
    )
