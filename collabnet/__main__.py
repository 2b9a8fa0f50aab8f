"""``python -m collabnet`` runs the command-line interface."""

from collabnet.cli import run

run()
