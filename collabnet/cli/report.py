"""``collabnet report``: the briefing as one HTML file, and optionally a workbook."""

from __future__ import annotations

from pathlib import Path

import click

from collabnet.cli._app import data_options, main
from collabnet.cli._options import language_option, prepare_drawing
from collabnet.network import Network


@main.command()
@data_options
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("briefing.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option(
    "--xlsx",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the tables to this Excel workbook (one sheet per section).",
)
@click.option(
    "--as-of", type=int, help="Report on the network as it stood at the end of this year."
)
@click.option(
    "--targets",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Targets file (default: Wenzhou's 2025 targets).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Hubs and brokers listed.",
)
@click.option(
    "--pairings",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Recommended pairings listed (fewer when fewer fit the platforms' capacity).",
)
@click.option(
    "--figures/--no-figures",
    default=True,
    show_default=True,
    help="Draw the figures (slow on very large networks).",
    callback=prepare_drawing,
)
@language_option(
    "zh", "Language of the document: Chinese, English, or both (Chinese with English below)."
)
@click.option("--title", help="Title of the briefing, in its language (default 协作网络简报).")
def report(
    network: Network,
    output: Path,
    xlsx: Path | None,
    as_of: int | None,
    targets: Path | None,
    top: int,
    pairings: int,
    figures: bool,
    title: str | None,
    lang: str,
) -> None:
    """Write the briefing: a one-page summary of findings and proposed actions, then
    indicators against targets, coverage gaps, hubs, brokers, recommended pairings and
    figures, as one HTML file that opens offline (and, with --xlsx, the same tables as a
    workbook with Chinese sheet names and headers)."""
    written = network.report(
        output,
        xlsx=xlsx,
        top=top,
        pairings=pairings,
        targets=targets,
        figures=figures,
        title=title,
        lang=lang,
    )
    click.echo(f"written to {written}", err=True)
    if xlsx is not None:
        click.echo(f"written to {xlsx}", err=True)
