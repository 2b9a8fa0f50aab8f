"""The ``collabnet`` command: a thin layer over the library (see ``collabnet --help``)."""

from collabnet.cli import analytics, core, viz
from collabnet.cli import neo4j as neo4j
from collabnet.cli import recommend as recommend
from collabnet.cli import report as report
from collabnet.cli._app import main

__all__ = ["analytics", "core", "main", "viz"]
