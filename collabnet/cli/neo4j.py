"""``collabnet neo4j``: push the network into a graph database, pull it back, query it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pandas as pd

from collabnet.backends.cypher_catalog import catalog, get_query
from collabnet.backends.neo4j import BATCH_ROWS, USER_QUERIES, PushProgress, offline_import
from collabnet.cli._app import (
    FILE_OPTIONS,
    emit,
    files_options,
    main,
    open_network,
    output_options,
)
from collabnet.cli._connection import CONNECTION_OPTIONS, connect, connection_options
from collabnet.errors import InputError
from collabnet.writers import write_tables

__all__ = ["neo4j"]

# Without a terminal, a progress line each time a phase passes another tenth.
_PLAIN_STEPS = 10


@main.group()
def neo4j() -> None:
    """Keep the network in Neo4j: push files in, pull tables out, run the bundled queries.

    Connection: --uri/--user/--database or NEO4J_URI, NEO4J_USER, NEO4J_DATABASE; the
    password from NEO4J_PASSWORD or --ask-password (never as an option value). Every
    analysis command also reads from the database with --backend neo4j.
    """


@neo4j.command()
@files_options
@click.option("--lenient", is_flag=True, help="Drop bad rows (reported) instead of stopping.")
@connection_options
@click.option(
    "--retry-seconds",
    type=float,
    default=30.0,
    show_default=True,
    help="How long to keep retrying a batch that failed transiently.",
)
@click.option(
    "--batch-rows",
    type=click.IntRange(min=1),
    default=BATCH_ROWS,
    show_default=True,
    help="Rows per UNWIND statement (one transaction each).",
)
def push(lenient: bool, retry_seconds: float, batch_rows: int, **options: Any) -> None:
    """Load DATA (validated) into the database, in batches; pushing again is harmless.

    Afterwards the database holds exactly DATA: rows pushed earlier and no longer in
    DATA are removed. If a push is interrupted, run it again to complete it.
    """
    files = {name: options.pop(name) for name in FILE_OPTIONS}
    network = open_network(**files, lenient=lenient)
    backend = connect(**options, retry_seconds=retry_seconds)
    with _progress() as show:
        report = backend.push(network.backend.tables(), progress=show, batch_rows=batch_rows)
    click.echo(
        f"pushed {report.organizations} organisations, {report.links} links and "
        f"{report.industries} industries to {backend.uri} in {report.batches} batches "
        f"({report.seconds:.1f} s; {report.pruned} stale items removed)",
        err=True,
    )


@neo4j.command("import")
@files_options
@click.option("--lenient", is_flag=True, help="Drop bad rows (reported) instead of stopping.")
@click.option(
    "--neo4j-admin",
    "admin",
    envvar="NEO4J_ADMIN",
    default="neo4j-admin",
    show_default=True,
    help="The server's neo4j-admin command (env NEO4J_ADMIN); for `make neo4j`'s server: "
    "scripts/neo4j/admin.sh.",
)
@click.option(
    "--database", default="neo4j", show_default=True, help="The database to create or replace."
)
@click.option(
    "--overwrite", is_flag=True, help="Replace the database when it exists (its data is lost)."
)
@click.option(
    "--keep-files",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the importer's CSV files and output into this folder, and keep them.",
)
def import_(
    lenient: bool,
    admin: str,
    database: str,
    overwrite: bool,
    keep_files: Path | None,
    **files: Any,
) -> None:
    """Load DATA (validated) into a stopped server with Neo4j's offline importer.

    For a first load of a large network: the importer writes the store files directly,
    many times faster than a push. The server must be stopped, and the database must not
    exist (or give --overwrite). The database then holds exactly what `collabnet neo4j
    push DATA` would write; the first command that reads it afterwards (an analysis with
    --backend neo4j, `neo4j pull` or `neo4j info`) creates the constraints, which the
    importer cannot.
    """
    network = open_network(**files, lenient=lenient)
    report = offline_import(
        network.backend.tables(),
        admin,
        database=database,
        overwrite=overwrite,
        folder=keep_files,
    )
    click.echo(
        f"imported {report.organizations} organisations, {report.links} links and "
        f"{report.industries} industries into database {database} in {report.seconds:.1f} s "
        f"({report.files_seconds:.1f} s writing files, {report.import_seconds:.1f} s "
        f"importing; {report.links / max(report.seconds, 1e-9):,.0f} links/s); start the "
        "server and use it",
        err=True,
    )


@neo4j.command()
@connection_options
@click.option(
    "--output",
    "-o",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write organizations.csv, links.csv and industries.csv into this folder.",
)
def pull(folder: Path | None, **options: Any) -> None:
    """Read the network back from the database as tables (the files pushed, reloaded)."""
    backend = connect(**_connection(options))
    tables = backend.pull()
    if folder is None:
        emit(tables.summary(), "table", None, title=f"network in {backend.uri}")
        click.echo("use -o FOLDER to write the tables", err=True)
        return
    for path in write_tables(tables, folder):
        click.echo(f"written to {path}", err=True)


@neo4j.command()
@click.argument("name", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter (repeatable), e.g. --param id=E001.",
)
@connection_options
@output_options
def query(
    name: str | None, params: tuple[str, ...], fmt: str, output: Path | None, **options: Any
) -> None:
    """Run the bundled query NAME and print its result; without NAME, list the queries."""
    if name is None:
        emit(_query_list(), fmt, output, title="queries (collabnet neo4j query NAME)")
        return
    if not name.startswith(USER_QUERIES):
        get_query(name)
        raise InputError(
            f"'{name}' is run by push and pull, not by hand; "
            "`collabnet neo4j query` lists the queries you can run"
        )
    values = get_query(name).parameters_from_text(_pairs(params))
    backend = connect(**_connection(options))
    emit(backend.query(name, values), fmt, output, title=name)


@neo4j.command()
@connection_options
@output_options
def info(fmt: str, output: Path | None, **options: Any) -> None:
    """The server, whether it has Graph Data Science, and what collabnet stored in it."""
    backend = connect(**_connection(options))
    emit(backend.info(), fmt, output, title="graph database")


@neo4j.command()
@connection_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def drop(yes: bool, **options: Any) -> None:
    """Delete everything collabnet stored in the database (other data is left alone)."""
    backend = connect(**_connection(options))
    if not yes:
        click.confirm(f"Delete collabnet's network from {backend.uri}?", abort=True)
    click.echo(f"deleted {backend.drop()} nodes", err=True)


def _connection(options: dict[str, Any]) -> dict[str, Any]:
    return {name: options[name] for name in CONNECTION_OPTIONS}


def _pairs(params: tuple[str, ...]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param expects KEY=VALUE, got '{param}'")
        pairs[key.strip()] = value
    return pairs


def _query_list() -> pd.DataFrame:
    rows = [
        {
            "query": query.name,
            "parameters": ", ".join(
                f"{p.name} ({p.type}{', optional' if p.optional else ''})" for p in query.parameters
            ),
            "description": query.description,
        }
        for query in catalog().values()
        if query.name.startswith(USER_QUERIES)
    ]
    return pd.DataFrame(rows, columns=["query", "parameters", "description"])


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[PushProgress], None]]:
    """A progress bar on a terminal; otherwise a line per tenth of each phase."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("batch {task.fields[batch]}"),
            console=Console(stderr=True),
        )
        tasks: dict[str, Any] = {}

        def show_bar(step: PushProgress) -> None:
            if step.phase not in tasks:
                tasks[step.phase] = bar.add_task(step.phase, total=step.rows, batch="")
            bar.update(
                tasks[step.phase],
                completed=step.rows_done,
                batch=f"{step.batch} of {step.batches}",
            )

        with bar:
            yield show_bar
        return

    shown: dict[str, int] = {}

    def show_line(step: PushProgress) -> None:
        tenth = step.batch * _PLAIN_STEPS // step.batches
        if tenth > shown.get(step.phase, 0) or step.batch == step.batches:
            shown[step.phase] = tenth
            click.echo(
                f"{step.phase}: batch {step.batch} of {step.batches} "
                f"({step.rows_done} of {step.rows} rows)",
                err=True,
            )

    yield show_line
