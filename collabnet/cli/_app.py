"""The click group and the options every command shares; commands live in sibling modules."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, overload

import click
import pandas as pd

from collabnet.cli._connection import BACKEND_OPTIONS, backend_options, open_database
from collabnet.cli._main import main
from collabnet.cli._progress import working
from collabnet.errors import Problem
from collabnet.network import Network, load
from collabnet.outputs.text import FORMATS, csv_pieces, render
from collabnet.schema import ORG_TYPES

__all__ = [
    "FILE_OPTIONS",
    "analysis_options",
    "data_options",
    "emit",
    "files_options",
    "main",
    "open_network",
    "output_options",
    "select",
]


# Rejected rows listed on the terminal; --rejects FILE saves all of them.
_REJECTS_SHOWN = 20


# Names of the input-file parameters that files_options passes on.
FILE_OPTIONS = (
    "data",
    "organizations",
    "links",
    "participations",
    "projects",
    "industries",
    "counties",
    "sheet",
    "organizations_sheet",
    "links_sheet",
    "aliases",
)


def files_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """DATA and the options naming input files, passed on as keyword arguments."""

    @click.argument("data", required=False, type=click.Path(exists=True, path_type=Path))
    @click.option(
        "--orgs",
        "organizations",
        type=click.Path(exists=True, path_type=Path),
        help="Organisations file.",
    )
    @click.option("--links", type=click.Path(exists=True, path_type=Path), help="Links file.")
    @click.option(
        "--participations",
        type=click.Path(exists=True, path_type=Path),
        help="Project participations (project, org, year[, type]); "
        "links are derived from shared projects.",
    )
    @click.option(
        "--projects",
        type=click.Path(exists=True, path_type=Path),
        help="Project themes (project, industry), e.g. CORDIS programme parts.",
    )
    @click.option(
        "--industries",
        type=click.Path(exists=True, path_type=Path),
        help="Industries file (default: Wenzhou's 5+5).",
    )
    @click.option(
        "--counties",
        type=click.Path(exists=True, path_type=Path),
        help="County table (name, aliases; default: Wenzhou's 12 with short names).",
    )
    @click.option(
        "--sheet",
        help="Excel sheet name or 0-based number (default: the sheet whose headers fit).",
    )
    @click.option("--orgs-sheet", "organizations_sheet", help="Sheet of the organisations.")
    @click.option("--links-sheet", "links_sheet", help="Sheet of the links.")
    @click.option(
        "--aliases",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Reviewed pairs from `collabnet duplicates --write`: merge those marked 是/yes.",
    )
    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        return command(**kwargs)

    return wrapper


def data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """DATA, the input-file options, ``--lenient``, ``--rejects`` and ``--backend`` with
    the connection options; passes ``network`` (read from the database with
    ``--backend neo4j``)."""

    @files_options
    @click.option("--lenient", is_flag=True, help="Drop bad rows (reported) instead of stopping.")
    @click.option(
        "--rejects",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write dropped rows and reasons to this CSV.",
    )
    @backend_options
    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        options = {k: kwargs.pop(k) for k in (*FILE_OPTIONS, "lenient", "rejects")}
        connection = {k: kwargs.pop(k) for k in BACKEND_OPTIONS}
        if connection.pop("backend") == "neo4j":
            kwargs["network"] = open_database(
                files=options, as_of=kwargs.get("as_of"), **connection
            )
        else:
            with working("reading and checking the files…"):
                kwargs["network"] = open_network(**options, as_of=kwargs.get("as_of"))
        with working("computing…"):
            return command(**kwargs)

    return wrapper


def open_network(
    *,
    data: Path | None,
    organizations: Path | None = None,
    links: Path | None = None,
    participations: Path | None = None,
    projects: Path | None = None,
    industries: Path | None = None,
    counties: Path | None = None,
    sheet: str | None = None,
    organizations_sheet: str | None = None,
    links_sheet: str | None = None,
    aliases: Path | None = None,
    lenient: bool = False,
    rejects: Path | None = None,
    as_of: int | None = None,
) -> Network:
    """Load a network for a command and report rows read, kept and rejected on stderr."""
    if data is None and organizations is None and participations is None:
        raise click.UsageError("give DATA (a folder) or --orgs/--links or --participations")
    if participations is not None and projects is None:
        projects = _sibling_projects(participations)
    network = load(
        data,
        organizations=organizations,
        links=links,
        participations=participations,
        projects=projects,
        industries=industries,
        counties=counties,
        sheet=sheet,
        organizations_sheet=organizations_sheet,
        links_sheet=links_sheet,
        aliases=aliases,
        strict=not lenient,
        as_of=as_of,
    )
    tables = network.backend.tables()
    for count in tables.counts:
        skipped = f", {count.skipped} skipped (totals and notes)" if count.skipped else ""
        click.echo(
            f"{count.file}: {count.read} rows read, {count.kept} kept, "
            f"{count.rejected} rejected{skipped}",
            err=True,
        )
    if tables.merges:
        click.echo(f"{aliases}: {len(tables.merges)} organisations merged", err=True)
    undated = tables.undated_participations()
    if undated:
        click.echo(
            f"{undated} participations have no year: used for the whole network only",
            err=True,
        )
    if rejects is not None:
        network.rejects.to_csv(rejects, index=False, encoding="utf-8-sig")
        click.echo(f"rejected rows written to {rejects}", err=True)
    elif len(network.rejects):
        click.echo("rejected rows (use --rejects FILE to save them):", err=True)
        shown = network.rejects.head(_REJECTS_SHOWN)
        for file, row, column, reason in zip(
            shown["file"], shown["row"], shown["column"], shown["reason"], strict=True
        ):
            where = None if pd.isna(column) else str(column)
            click.echo(f"  {Problem(str(file), int(row), where, str(reason))}", err=True)
        if len(network.rejects) > _REJECTS_SHOWN:
            click.echo(f"  ... and {len(network.rejects) - _REJECTS_SHOWN} more", err=True)
    return network


def _sibling_projects(participations: Path) -> Path | None:
    """A project-themes file next to a participations file (e.g. CORDIS programme parts)."""
    folder = participations.parent
    stems = ("programme-parts", "programme_parts", "projects")
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().startswith(stems))
    return found[0] if len(found) == 1 else None


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--format table|csv|json`` and ``--output FILE``; passes ``fmt`` and ``output``."""

    @click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )
    @click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to FILE instead of standard output.",
    )
    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        output = kwargs.get("output")
        if output is not None and not output.parent.is_dir():
            raise click.ClickException(
                f"cannot write {output}: the folder {output.parent} does not exist"
            )
        return command(**kwargs)

    return wrapper


def analysis_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--as-of``, ``--type``, ``--industry``, ``--top``, shared by every analysis."""

    @click.option(
        "--as-of", type=int, help="Analyse the network as it stood at the end of this year."
    )
    @click.option(
        "--type", "org_type", type=click.Choice(ORG_TYPES), help="Only organisations of this type."
    )
    @click.option("--industry", help="Only organisations in this industry (code or name).")
    @click.option("--top", type=int, help="Only the first N rows.")
    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        top = kwargs.get("top")
        if top is not None and top < 1:
            raise click.ClickException(f"--top {top}: give 1 or more rows")
        return command(**kwargs)

    return wrapper


def emit(
    result: pd.DataFrame | Mapping[str, Any],
    fmt: str,
    output: Path | None,
    *,
    title: str | None = None,
) -> None:
    """Write a command's result to ``output`` (UTF-8) or standard output.

    In CSV, a text cell that a spreadsheet would run as a formula (it starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'`` so that it shows
    as text, as OWASP advises against CSV injection; numbers and JSON stay as they are. In
    a table, line breaks inside a cell become spaces so that each row stays one line.
    """
    pieces: Iterable[str]
    if fmt == "csv" and isinstance(result, pd.DataFrame):
        # A few thousand rows at a time: a table of every enterprise's recommendations
        # would otherwise be held as cells, as text and as bytes at once.
        pieces = csv_pieces(result, _spreadsheet_safe)
    elif fmt == "csv":
        pieces = [render(_map_text(result, _inert_in_spreadsheet), fmt, title=title)]
    elif fmt == "table":
        pieces = [render(_map_text(result, _one_line), fmt, title=title)]
    else:
        pieces = [render(result, fmt, title=title)]
    _write(pieces, fmt, output)


def _write(pieces: Iterable[str], fmt: str, output: Path | None) -> None:
    if output is None:
        for piece in pieces:
            click.echo(piece, nl=False)
    else:
        with output.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8") as handle:
            for piece in pieces:
                handle.write(piece)
        click.echo(f"written to {output}", err=True)


def emit_frames(frames: Iterable[pd.DataFrame], output: Path | None) -> None:
    """Write frames with the same columns as one CSV table (see :func:`emit`), each
    frame rendered and written before the next is asked for."""

    def pieces() -> Iterator[str]:
        for number, frame in enumerate(frames):
            yield from csv_pieces(frame, _spreadsheet_safe, header=number == 0)
            del frame  # before the next frame is asked for

    _write(pieces(), "csv", output)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_in_spreadsheet(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    return _map_text(frame, _inert_in_spreadsheet)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


@overload
def _map_text(result: pd.DataFrame, change: Callable[[str], str]) -> pd.DataFrame: ...


@overload
def _map_text(result: Mapping[str, Any], change: Callable[[str], str]) -> Mapping[str, Any]: ...


def _map_text(
    result: pd.DataFrame | Mapping[str, Any], change: Callable[[str], str]
) -> pd.DataFrame | Mapping[str, Any]:
    """``result`` with ``change`` applied to every text value (in lists and mappings too)."""

    def cell(value: Any) -> Any:
        if isinstance(value, str):
            return change(value)
        if isinstance(value, tuple | list):
            return type(value)(cell(v) for v in value)
        if isinstance(value, Mapping):
            return {k: cell(v) for k, v in value.items()}
        return value

    if isinstance(result, pd.DataFrame):
        frame = result.copy()
        for column in frame.columns:
            values = frame[column]
            if values.dtype == object or pd.api.types.is_string_dtype(values):
                frame[column] = pd.Series(
                    [cell(v) for v in values.astype(object).tolist()],
                    index=frame.index,
                    dtype=object,
                )
        return frame
    return {k: cell(v) for k, v in result.items()}


def select(
    frame: pd.DataFrame,
    network: Network,
    *,
    org_type: str | None = None,
    industry: str | None = None,
    top: int | None = None,
    id_column: str = "id",
) -> pd.DataFrame:
    """Keep the rows whose organisation has the type and industry asked for, then the top N."""
    organizations = network.organizations.set_index("id")
    ids = frame[id_column]
    keep = pd.Series(True, index=frame.index)
    if org_type is not None:
        keep &= ids.map(organizations["type"]).eq(org_type)
    if industry is not None:
        from collabnet.tables import resolve_industry

        code = resolve_industry(network.industries, industry)
        keep &= ids.map(organizations["industries"]).map(
            lambda codes: isinstance(codes, tuple) and code in codes
        )
    chosen = frame[keep.to_numpy()]
    return chosen.head(top) if top is not None else chosen
