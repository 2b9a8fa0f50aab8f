"""The ``collabnet`` group: light to import, so ``collabnet --version`` answers at once.

Each command lives in a sibling module that imports pandas, the analyses and the
outputs; the group imports that module only when the command is run or listed.
"""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import Sequence
from typing import Any

import click

from collabnet.errors import CollabnetError, ValidationError

__all__ = ["COMMANDS", "main", "run"]

# Command name → the module of collabnet.cli that defines it.
COMMANDS = {
    "info": "core",
    "validate": "core",
    "duplicates": "core",
    "demo": "core",
    "centrality": "analytics",
    "brokers": "analytics",
    "communities": "analytics",
    "gaps": "analytics",
    "kpi": "analytics",
    "evolution": "analytics",
    "recommend": "recommend",
    "plan": "recommend",
    "match-demands": "recommend",
    "evaluate": "recommend",
    "viz": "viz",
    "figures": "viz",
    "report": "report",
    "neo4j": "neo4j",
}


class _Main(click.Group):
    """Loads commands on demand and turns collabnet's own errors into one-line messages
    (tracebacks only with --debug)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"collabnet.cli.{COMMANDS[cmd_name]}")
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationError as err:
            if _debug(ctx):
                raise
            count = len(err.problems)
            more = (
                f" (and {count - 1} more; `collabnet validate` lists them all)" if count > 1 else ""
            )
            raise click.ClickException(f"{err.problems[0]}{more}") from err
        except CollabnetError as err:
            if _debug(ctx):
                raise
            raise click.ClickException(str(err)) from err


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.params.get("debug")) or os.environ.get("COLLABNET_DEBUG") == "1"


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.version_option(package_name="collabnet-graph", prog_name="collabnet")
def main(debug: bool) -> None:
    """Collaboration networks of innovation platforms, enterprises and universities.

    DATA is a folder holding organizations.* and links.* (CSV, Excel, Parquet; optionally
    industries.*, participations.*, projects.*), or name the files with --orgs, --links,
    --participations.
    """


def run(args: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """The ``collabnet`` program: runs the command, then exits.

    What the command built stays alive until the interpreter ends; freezing it first
    spares the garbage collector a walk over every object at exit (a third of a second
    after a large network is read).
    """
    _small_pages()
    try:
        main(args, prog_name=prog_name)
    finally:
        gc.freeze()


def _small_pages() -> None:
    """Large arrays on ordinary pages, unless ``NUMPY_MADVISE_HUGEPAGE`` says otherwise.

    By default numpy asks the kernel to back large arrays with huge pages. Where the
    kernel compacts memory for such a request before it returns (transparent huge pages
    with ``defrag`` at ``madvise``, Debian's default), every fresh array of the
    recommender's blocks waits for it: on CORDIS, ``recommend`` for every enterprise
    spent 10.5 s in the kernel with the advice and 3.5 s without, 18.8 s against 14.7 s
    of wall time (medians of five runs each). numpy reads the variable when it is first
    imported, which the commands do after this.
    """
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
