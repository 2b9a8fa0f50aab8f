"""The ``collabnet`` command: a thin layer over the library (see ``collabnet --help``).

Commands are defined in the sibling modules and loaded when run (see
:mod:`collabnet.cli._main`).
"""

from collabnet.cli._main import main, run

__all__ = ["main", "run"]
