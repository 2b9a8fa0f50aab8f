"""A first load through Neo4j's offline importer (``neo4j-admin database import full``).

A push writes through transactions into a running server, which costs the server tens of
microseconds of processor time per link. The offline importer writes the store files
directly, with the server stopped, into a database it creates (or replaces). The CSV
files written here describe exactly what a push of the same tables writes: the same
labels, relationship types and properties (``_row`` and ``_push`` included) and the
dataset node, so every command reads an imported database as it reads a pushed one, and
a later push replaces it as it replaces an earlier push.

Three things the importer cannot write are left to the first connection
(:mod:`collabnet.backends.neo4j.finish`), and the dataset node says they are pending:
the uniqueness constraints (Community's importer creates no schema); properties whose
value is an empty list (an empty CSV field is no property at all), whose names each such
node or relationship carries in ``_empty``; and properties named with a character the
importer reads as header syntax (``:``, ``()``, ``{}``), which go in under a stand-in
name.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collabnet.backends.neo4j.model import (
    DATASET,
    EMPTY,
    IMPORT_PENDING,
    IMPORT_RENAMED,
    IMPORT_STAND_INS,
    LABELS,
    PUSH,
    RELATIONSHIP_TYPES,
    ROW,
)
from collabnet.backends.neo4j.push import check_kinds, check_reserved, dataset_start
from collabnet.errors import BackendError
from collabnet.tables import Tables
from collabnet.writers import plain_value

__all__ = ["ImportFiles", "ImportReport", "offline_import", "write_import_files"]

# Characters tried, in order, as the separator of list elements: the first that no list
# element (nor any name in `_empty`) contains.
_ARRAY_DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c", "|", "\x07")
_SCALARS = ("boolean", "long", "double", "string")
# Characters of a property name that the importer reads as header syntax, and the prefix
# of the stand-in names used instead.
_UNSAFE = re.compile(r"[:(){}]")
_STAND_IN = "_renamed_"
# Rows formatted and written at a time.
_CHUNK = 100_000


@dataclass(frozen=True)
class ImportFiles:
    """CSV files for the importer and the options that name them.

    ``arguments`` go after ``neo4j-admin database import full DATABASE``; ``nodes`` and
    ``relationships`` are the counts the importer should report.
    """

    folder: Path
    arguments: tuple[str, ...]
    nodes: int
    relationships: int
    organizations: int
    links: int
    industries: int
    participations: int


@dataclass(frozen=True)
class ImportReport:
    """What an offline import wrote, and how long its two parts took."""

    organizations: int
    links: int
    industries: int
    participations: int
    nodes: int
    relationships: int
    files_seconds: float
    import_seconds: float

    @property
    def seconds(self) -> float:
        return self.files_seconds + self.import_seconds


def offline_import(
    tables: Tables,
    admin: str | Sequence[str] = "neo4j-admin",
    *,
    database: str = "neo4j",
    overwrite: bool = False,
    folder: str | Path | None = None,
) -> ImportReport:
    """Write ``tables`` into the (stopped) server's database ``database`` with its offline
    importer: the files first, then ``ADMIN database import full``.

    Parameters
    ----------
    admin
        The ``neo4j-admin`` command, as a list or a shell-quoted line (for the server
        ``make neo4j`` runs: ``scripts/neo4j/admin.sh``).
    overwrite
        Replace the database when it already exists (the importer refuses otherwise).
    folder
        Where the CSV files go and stay; by default a temporary folder, removed afterwards.

    Raises
    ------
    BackendError
        When a table cannot be written as CSV for the importer, or the importer fails
        (the message gives its reason and where its full output is).
    """
    command = shlex.split(admin) if isinstance(admin, str) else list(admin)
    if not command:
        raise BackendError("no neo4j-admin command given")
    if shutil.which(command[0]) is None:
        raise BackendError(
            f"cannot run {command[0]}: no such command (give the server's neo4j-admin; for "
            "the one `make neo4j` runs, scripts/neo4j/admin.sh)"
        )
    with tempfile.TemporaryDirectory(prefix="collabnet-import-") as scratch:
        where = Path(folder) if folder is not None else Path(scratch)
        started = time.perf_counter()
        files = write_import_files(tables, where)
        written = time.perf_counter()
        log = where / "import.log"
        arguments = [*command, "database", "import", "full", database, "--verbose"]
        arguments += [*files.arguments, f"--report-file={where / 'import.report'}"]
        if overwrite:
            arguments.append("--overwrite-destination=true")
        try:
            with log.open("wb") as output:
                finished = subprocess.run(
                    arguments, stdout=output, stderr=subprocess.STDOUT, check=False
                )
        except OSError as err:
            raise BackendError(f"cannot run {command[0]}: {err.strerror or err}") from err
        text = log.read_text(encoding="utf-8", errors="replace")
        if finished.returncode != 0:
            reason = _reason(text)
            if "already contains data" in reason and not overwrite:
                reason += " (--overwrite replaces it)"
            if "locked by another process" in reason:
                reason += " (stop the server first)"
            kept = f"; its output is in {log}" if folder is not None else ""
            raise BackendError(f"the offline import failed: {reason}{kept}")
        imported = _imported(text)
        expected = {"nodes": files.nodes, "relationships": files.relationships}
        if imported != expected:
            raise BackendError(
                f"the importer reports {imported.get('nodes')} nodes and "
                f"{imported.get('relationships')} relationships, expected "
                f"{files.nodes} and {files.relationships}"
            )
        return ImportReport(
            organizations=files.organizations,
            links=files.links,
            industries=files.industries,
            participations=files.participations,
            nodes=files.nodes,
            relationships=files.relationships,
            files_seconds=written - started,
            import_seconds=time.perf_counter() - written,
        )


def write_import_files(tables: Tables, folder: str | Path) -> ImportFiles:
    """The CSV files of ``tables`` for the offline importer, written into ``folder``."""
    check_reserved(tables)
    check_kinds(tables)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    push_id = uuid.uuid4().hex
    parts = _parts(tables, push_id)
    delimiter = _array_delimiter(parts)
    arguments: list[str] = [f"--array-delimiter=U+{ord(delimiter):04X}"]
    multiline = False
    for number, part in enumerate(parts):
        if part.rows == 0:
            continue
        path = folder / f"{number:02d}-{part.name}.csv"
        multiline |= part.write(path, delimiter)
        option = "--nodes" if part.node else "--relationships"
        arguments.append(f"{option}={part.group}={path}")
    if multiline:
        arguments.append("--multiline-fields=true")
    nodes = sum(part.rows for part in parts if part.node)
    return ImportFiles(
        folder=folder,
        arguments=tuple(arguments),
        nodes=nodes,
        relationships=sum(part.rows for part in parts if not part.node),
        organizations=len(tables.organizations),
        links=len(tables.links),
        industries=len(tables.industries),
        participations=0 if tables.participations is None else len(tables.participations),
    )


# Typing of columns.


def _kind(value: Any) -> str:
    """The importer's type of one plain value: ``""`` for an empty list, ``"?"`` for a
    value it has no type for."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        if not value:
            return ""
        kinds = {_kind(item) for item in value}
        if len(kinds) == 1 and (kind := kinds.pop()) in _SCALARS:
            return kind + "[]"
    return "?"


def _column_kind(table: str, values: pd.Series) -> str:
    """The importer's type for a whole column, the same for every row (a push gives each
    cell the type of its value; the importer gives one type to the column)."""
    dtype = values.dtype
    if dtype.kind == "b" or str(dtype) == "boolean":
        return "boolean"
    if dtype.kind in "iu":
        return "long"
    if dtype.kind == "f":
        return "double"
    if isinstance(dtype, pd.StringDtype):
        return "string"
    found: dict[str, int] = {}
    for position, value in enumerate(values.tolist()):
        plain = plain_value(value)
        if plain is None:
            continue
        kind = _kind(plain)
        if kind == "?":
            raise BackendError(
                f"{table} row {position + 1}, column {values.name}: a value of type "
                f"{type(value).__name__} cannot go through the offline importer; "
                "use `collabnet neo4j push`"
            )
        found.setdefault(kind, position)
    kinds = set(found) - {""}
    if len(kinds) > 1:
        first, second = sorted(kinds, key=found.__getitem__)[:2]
        raise BackendError(
            f"{table} column {values.name}: row {found[first] + 1} holds a {first} and row "
            f"{found[second] + 1} a {second}; the offline importer gives a column one type, "
            "so use `collabnet neo4j push`"
        )
    if kinds:
        return kinds.pop()
    # Only empty lists, or nothing: any type will do, the empty lists are set later.
    return "string[]" if "" in found else "string"


# Formatting of cells.


def _quoted(texts: Iterable[str]) -> list[str]:
    return ['"' + text.replace('"', '""') + '"' for text in texts]


def _cells(values: pd.Series, kind: str, delimiter: str) -> tuple[list[str], list[bool]]:
    """The CSV cells of a column (``""`` where missing) and which rows hold an empty list."""
    typed = _typed_cells(values)
    if typed is not None:
        return typed, [False] * len(values)
    plain = [plain_value(value) for value in values.tolist()]
    empty = [value == [] for value in plain]
    cells: list[str] = []
    for value in plain:
        if value is None or value == []:
            cells.append("")
        elif kind == "string":
            cells.append('"' + value.replace('"', '""') + '"')
        elif kind == "double":
            cells.append(_double(value))
        elif kind == "boolean":
            cells.append("true" if value else "false")
        elif kind == "long":
            cells.append(str(value))
        else:
            items = [_double(v) if kind == "double[]" else str(v) for v in value]
            if kind == "boolean[]":
                items = ["true" if v else "false" for v in value]
            cells.append('"' + delimiter.join(items).replace('"', '""') + '"')
    return cells, empty


def _typed_cells(values: pd.Series) -> list[str] | None:
    """The cells of a text, integer, float or boolean column, a column at a time (the same
    cells :func:`_cells` writes value by value); ``None`` for any other column."""
    dtype = values.dtype
    missing = values.isna().to_numpy()
    if isinstance(dtype, pd.StringDtype):
        quoted = '"' + values.str.replace('"', '""', regex=False) + '"'
        return quoted.fillna("").tolist()
    if dtype.kind in "iu":
        cells = values.to_numpy(dtype=np.int64, na_value=0).astype(str).tolist()
    elif dtype.kind == "f":
        floats = values.to_numpy(dtype=float)
        cells = list(map(repr, floats.tolist()))
        for position in np.flatnonzero(np.isinf(floats)).tolist():
            cells[position] = _double(float(floats[position]))
    elif dtype.kind == "b" or str(dtype) == "boolean":
        flags = values.to_numpy(dtype=bool, na_value=False)
        cells = np.where(flags, "true", "false").tolist()
    else:
        return None
    for position in np.flatnonzero(missing).tolist():
        cells[position] = ""
    return cells


def _double(value: float) -> str:
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


# The files.


@dataclass
class _Part:
    """One CSV file: a node label set or a relationship type, its header and its rows.

    ``ids`` are the identifier columns (``:ID(...)``, ``:START_ID(...)``, ``:END_ID(...)``)
    with their values; ``frame`` holds the properties, typed by :func:`_column_kind`;
    ``constants`` are properties every row has (``_push``).
    """

    name: str
    group: str
    node: bool
    table: str
    ids: list[tuple[str, list[str]]]
    frame: pd.DataFrame
    constants: dict[str, str]

    @property
    def rows(self) -> int:
        return len(self.frame)

    @cached_property
    def kinds(self) -> dict[str, str]:
        """Each property column's importer type."""
        return {str(c): _column_kind(self.table, self.frame[c]) for c in self.frame.columns}

    def texts(self) -> Iterable[str]:
        """Every string that ends up in a list or in ``_empty`` (for the delimiter)."""
        for column, kind in self.kinds.items():
            yield column
            if kind.endswith("[]"):
                for value in self.frame[column].tolist():
                    for item in plain_value(value) or []:
                        yield str(item)

    def write(self, path: Path, delimiter: str) -> bool:
        """Write the file; whether any text in it spans lines."""
        kinds = self.kinds
        header = [spec for spec, _ in self.ids]
        header += [f"{_header_name(column)}:{kind}" for column, kind in kinds.items()]
        header += [f"{name}:string" for name in self.constants]
        header.append(f"{EMPTY}:string[]")
        multiline = False
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(",".join(_quoted(header)) + "\n")
            for start in range(0, self.rows, _CHUNK):
                stop = min(start + _CHUNK, self.rows)
                columns: list[list[str]] = []
                for _, values in self.ids:
                    columns.append(_quoted(values[start:stop]))
                emptied: list[list[str]] = [[] for _ in range(stop - start)]
                for column, kind in kinds.items():
                    cells, empty = _cells(self.frame[column].iloc[start:stop], kind, delimiter)
                    columns.append(cells)
                    for row in np.flatnonzero(empty).tolist():
                        emptied[row].append(column)
                for value in self.constants.values():
                    columns.append(_quoted([value]) * (stop - start))
                columns.append(
                    [
                        '"' + delimiter.join(names).replace('"', '""') + '"' if names else ""
                        for names in emptied
                    ]
                )
                text = "".join(",".join(row) + "\n" for row in zip(*columns, strict=True))
                # Each row ends in one line break: any other is inside a value.
                multiline = multiline or text.count("\n") > stop - start or "\r" in text
                out.write(text)
        return multiline


def _header_name(column: str) -> str:
    """The name a property goes in under: its own, or a stand-in when the importer would
    read part of it as the header's syntax (a type after ':', an id group in '()', options
    in '{}'); the first connection renames it (see :func:`_renamed`)."""
    if _UNSAFE.search(column) is None:
        return column
    return _STAND_IN + column.encode("utf-8").hex()


def _renamed(parts: Sequence[_Part]) -> list[str]:
    """The columns that go in under a stand-in name (:func:`_header_name`)."""
    names = dict.fromkeys(column for part in parts for column in part.frame.columns)
    return [str(name) for name in names if _header_name(str(name)) != name]


def _array_delimiter(parts: Sequence[_Part]) -> str:
    candidates = list(_ARRAY_DELIMITERS)
    for part in parts:
        for text in part.texts():
            candidates = [c for c in candidates if c not in text]
            if not candidates:
                raise BackendError(
                    f"{part.table}: the list values use every separator the offline importer "
                    "could be given; use `collabnet neo4j push`"
                )
    return candidates[0]


def _with_row(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s columns and each row's position in its table as ``_row``."""
    out = frame.reset_index(drop=True).copy(deep=False)
    out[ROW] = np.arange(len(frame), dtype=np.int64)
    return out


def _parts(tables: Tables, push_id: str) -> list[_Part]:
    stamp = {PUSH: push_id}
    organizations = tables.organizations
    _check_ids("organisations", organizations["id"], "id")
    numbered = _with_row(organizations)
    parts: list[_Part] = []
    for kind, label in LABELS.items():
        rows = numbered[organizations["type"].to_numpy(dtype=object) == kind]
        parts.append(
            _Part(
                f"organizations-{kind}",
                f"Organization:{label}",
                True,
                "organisations",
                [("id:ID(Organization)", rows["id"].astype(str).tolist())],
                rows.drop(columns=["id"]),
                stamp,
            )
        )

    # Industries: the table's rows, and codes only organisations name, with their code
    # only (as a push's MERGE creates them).
    industries = tables.industries
    _check_ids("industries", industries["code"], "code")
    member_of = _memberships(organizations)
    listed = set(industries["code"].tolist())
    extra = [code for code in dict.fromkeys(code for _, code in member_of) if code not in listed]
    parts.append(
        _Part(
            "industries",
            "Industry",
            True,
            "industries",
            [("code:ID(Industry)", industries["code"].astype(str).tolist())],
            _with_row(industries).drop(columns=["code"]),
            stamp,
        )
    )
    parts.append(
        _Part(
            "industries-named",
            "Industry",
            True,
            "organisations",
            [("code:ID(Industry)", extra)],
            pd.DataFrame(index=range(len(extra))),
            {},
        )
    )
    parts.append(
        _Part(
            "in-industry",
            "IN_INDUSTRY",
            False,
            "organisations",
            [
                (":START_ID(Organization)", [org for org, _ in member_of]),
                (":END_ID(Industry)", [code for _, code in member_of]),
            ],
            pd.DataFrame(index=range(len(member_of))),
            stamp,
        )
    )
    counties = organizations["county"] if "county" in organizations else pd.Series(dtype=object)
    in_county = [
        (str(org), county)
        for org, county in zip(organizations["id"].tolist(), counties.tolist(), strict=False)
        if plain_value(county) is not None
    ]
    names = list(dict.fromkeys(county for _, county in in_county))
    parts.append(
        _Part(
            "counties",
            "County",
            True,
            "organisations",
            [("name:ID(County)", names)],
            pd.DataFrame(index=range(len(names))),
            stamp,
        )
    )
    parts.append(
        _Part(
            "in-county",
            "IN_COUNTY",
            False,
            "organisations",
            [
                (":START_ID(Organization)", [org for org, _ in in_county]),
                (":END_ID(County)", [county for _, county in in_county]),
            ],
            pd.DataFrame(index=range(len(in_county))),
            stamp,
        )
    )

    links = tables.links
    numbered = _with_row(links)
    for kind, rel in RELATIONSHIP_TYPES.items():
        rows = numbered[links["kind"].to_numpy(dtype=object) == kind]
        parts.append(
            _Part(
                f"links-{kind}",
                rel,
                False,
                "links",
                [
                    (":START_ID(Organization)", rows["source"].astype(str).tolist()),
                    (":END_ID(Organization)", rows["target"].astype(str).tolist()),
                ],
                rows.drop(columns=["source", "target", "kind"]),
                stamp,
            )
        )

    if tables.participations is not None:
        participations = tables.participations
        projects = tables.projects
        listed_projects: list[str] = []
        if projects is not None:
            # A project may have several rows (themes): one project node, a row node each.
            _check_ids("projects", projects["project"], "project", unique=False)
            listed_projects = list(dict.fromkeys(projects["project"].astype(str).tolist()))
            rows = [str(position) for position in range(len(projects))]
            parts.append(
                _Part(
                    "projects",
                    "Project",
                    True,
                    "projects",
                    [("project:ID(Project)", listed_projects)],
                    pd.DataFrame(index=range(len(listed_projects))),
                    stamp,
                )
            )
            parts.append(
                _Part(
                    "project-rows",
                    "ProjectRow",
                    True,
                    "projects",
                    [(":ID(ProjectRow)", rows)],
                    _with_row(projects),
                    stamp,
                )
            )
            parts.append(
                _Part(
                    "project-rows-of",
                    "ROW_OF",
                    False,
                    "projects",
                    [
                        (":START_ID(ProjectRow)", rows),
                        (":END_ID(Project)", projects["project"].astype(str).tolist()),
                    ],
                    pd.DataFrame(index=range(len(projects))),
                    stamp,
                )
            )
        _check_ids("participations", participations["project"], "project", unique=False)
        known = set(listed_projects)
        named = [
            p
            for p in dict.fromkeys(participations["project"].astype(str).tolist())
            if p not in known
        ]
        parts.append(
            _Part(
                "projects-named",
                "Project",
                True,
                "participations",
                [("project:ID(Project)", named)],
                pd.DataFrame(index=range(len(named))),
                stamp,
            )
        )
        parts.append(
            _Part(
                "participations",
                "PARTICIPATED",
                False,
                "participations",
                [
                    (":START_ID(Organization)", participations["org"].astype(str).tolist()),
                    (":END_ID(Project)", participations["project"].astype(str).tolist()),
                ],
                _with_row(participations).drop(columns=["org", "project"]),
                stamp,
            )
        )

    finished = datetime.now(UTC).isoformat(timespec="seconds")
    renamed = _renamed(parts)
    meta = {
        **dataset_start(tables, push_id),
        "complete": True,
        "finished_at": finished,
        IMPORT_PENDING: True,
        IMPORT_RENAMED: renamed or None,
        IMPORT_STAND_INS: [_header_name(name) for name in renamed] or None,
    }
    present = {key: value for key, value in meta.items() if value is not None}
    parts.append(
        _Part(
            "dataset",
            "Dataset",
            True,
            "dataset",
            [("name:ID(Dataset)", [DATASET])],
            pd.DataFrame({key: pd.Series([value], dtype=object) for key, value in present.items()}),
            {},
        )
    )
    return parts


def _memberships(organizations: pd.DataFrame) -> list[tuple[str, str]]:
    """(organisation, industry code) per listed industry, in table order."""
    if "industries" not in organizations:
        return []
    pairs = []
    for org, codes in zip(
        organizations["id"].tolist(), organizations["industries"].tolist(), strict=True
    ):
        for code in plain_value(codes) or []:
            pairs.append((str(org), str(code)))
    return pairs


def _check_ids(table: str, values: pd.Series, column: str, *, unique: bool = True) -> None:
    """Identifiers are texts (the importer stores them as such), present and unique."""
    for position, value in enumerate(values.tolist()):
        if not isinstance(value, str):
            raise BackendError(
                f"{table} row {position + 1}, column {column}: {value!r} is not a text; "
                "the offline importer stores identifiers as texts, so use "
                "`collabnet neo4j push`"
            )
    if unique and values.duplicated().any():
        position = int(np.flatnonzero(values.duplicated().to_numpy())[0])
        raise BackendError(f"{table} row {position + 1}: {column} {values.iloc[position]!r} again")


# The importer's output.


def _reason(text: str) -> str:
    """The most telling line of the importer's output when it failed."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    causes = [line for line in lines if line.startswith("Caused by:")]
    if causes:
        cause = causes[-1].removeprefix("Caused by:").strip()
        return re.sub(r"^(?:[\w$]+\.)+[\w$]+(?:Exception|Error): ", "", cause)
    for line in reversed(lines):
        if not line.startswith(("at ", "...")) and "Exception" not in line:
            return line
    return "no output"


def _imported(text: str) -> dict[str, int]:
    found = {}
    for number, what in re.findall(r"^\s*(\d+) (nodes|relationships)\s*$", text, re.M):
        found[what] = int(number)
    return found
