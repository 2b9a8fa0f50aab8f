"""Outputs: text tables, CSV and JSON for the command line; pages, figures and reports."""
