"""Options that point a command at a graph database, shared by the analyses and ``neo4j``.

The password never appears on the command line: it comes from ``NEO4J_PASSWORD`` or
from a hidden prompt (``--ask-password``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from collabnet.network import Network

if TYPE_CHECKING:
    from collabnet.backends.neo4j import Neo4jBackend

__all__ = [
    "BACKEND_OPTIONS",
    "CONNECTION_OPTIONS",
    "backend_options",
    "connect",
    "connection_options",
    "open_database",
]

CONNECTION_OPTIONS = ("uri", "user", "database", "ask_password")
BACKEND_OPTIONS = ("backend", *CONNECTION_OPTIONS)
_OPTION_NAMES = {
    "data": "DATA",
    "organizations": "--orgs",
    "organizations_sheet": "--orgs-sheet",
    "links_sheet": "--links-sheet",
}


def connection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--uri``, ``--user``, ``--database`` and ``--ask-password``."""

    @click.option(
        "--uri",
        envvar="NEO4J_URI",
        show_envvar=True,
        help="Bolt address of the database [default: bolt://localhost:7687].",
    )
    @click.option(
        "--user", envvar="NEO4J_USER", show_envvar=True, help="Database user [default: neo4j]."
    )
    @click.option(
        "--database",
        envvar="NEO4J_DATABASE",
        show_envvar=True,
        help="Database name [default: the server's default].",
    )
    @click.option(
        "--ask-password",
        is_flag=True,
        help="Prompt for the password (hidden) instead of reading NEO4J_PASSWORD.",
    )
    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        return command(**kwargs)

    return wrapper


def backend_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--backend networkx|neo4j`` and the connection options."""

    @click.option(
        "--backend",
        type=click.Choice(["networkx", "neo4j"]),
        default="networkx",
        show_default=True,
        help="Read the network from files (networkx) or from a graph database (neo4j).",
    )
    @connection_options
    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        return command(**kwargs)

    return wrapper


def connect(
    *,
    uri: str | None,
    user: str | None,
    database: str | None,
    ask_password: bool,
    retry_seconds: float = 30.0,
) -> Neo4jBackend:
    """Connect for the running command; the connection closes when the command ends."""
    from collabnet.backends.neo4j import Neo4jBackend  # the driver loads only when needed

    password = click.prompt("Neo4j password", hide_input=True) if ask_password else None
    backend = Neo4jBackend.from_env(
        uri, user=user, password=password, database=database, retry_seconds=retry_seconds
    )
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(backend.close)
    return backend


def open_database(
    *,
    files: Mapping[str, Any],
    as_of: int | None,
    uri: str | None,
    user: str | None,
    database: str | None,
    ask_password: bool,
) -> Network:
    """The network stored in the database, for a command run with ``--backend neo4j``."""
    given = [_OPTION_NAMES.get(name, f"--{name}") for name, value in files.items() if value]
    if given:
        raise click.UsageError(
            "with --backend neo4j the network is read from the database, not from files "
            f"(drop {', '.join(given)}; to load files into it, run `collabnet neo4j push DATA`)"
        )
    backend = connect(uri=uri, user=user, database=database, ask_password=ask_password)
    return Network(backend, as_of=as_of)
