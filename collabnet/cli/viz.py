"""Commands that draw: ``viz`` (the interactive page) and ``figures`` (PNGs for reports)."""

from __future__ import annotations

from pathlib import Path

import click

from collabnet.analysis.centrality import MEASURES
from collabnet.cli._app import data_options, main
from collabnet.cli._options import language_option, prepare_drawing
from collabnet.network import Network
from collabnet.outputs.page import COLOR_BY, write_page


@main.command()
@data_options
@click.option("--as-of", type=int, help="Draw the network as it stood at the end of this year.")
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("network.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option(
    "--color-by",
    type=click.Choice(COLOR_BY),
    default="type",
    show_default=True,
    help="The colouring the page opens with: type, (first) industry or Louvain community "
    "(the page switches between them).",
)
@click.option(
    "--size-by",
    type=click.Choice(MEASURES),
    default="degree",
    show_default=True,
    help="The centrality that sizes the organisations.",
)
@click.option("--focus", help="Draw only this organisation's neighbourhood (id or name).")
@click.option(
    "--radius",
    type=int,
    default=1,
    show_default=True,
    help="Links deep around --focus (2 often reaches most of a well-connected network).",
)
@click.option(
    "--recommendations",
    type=int,
    default=0,
    show_default=True,
    help="List and draw the best N recommended enterprise–platform pairs.",
)
@click.option("--title", help="Title of the page.")
def viz(
    network: Network,
    as_of: int | None,
    output: Path,
    color_by: str,
    size_by: str,
    focus: str | None,
    radius: int,
    recommendations: int,
    title: str | None,
) -> None:
    """Write the interactive network page: one HTML file that opens offline.

    Search by (partial) name; filter by type, industry, county and year; hover or click an
    organisation to see its partners. Large networks open with each organisation's
    strongest links drawn, all of them one click away.
    """
    path = write_page(
        network,
        output,
        color_by=color_by,
        size_by=size_by,
        focus=focus,
        radius=radius,
        recommendations=recommendations or None,
        title=title,
    )
    click.echo(f"written to {path}", err=True)


@main.command()
@data_options
@click.option("--as-of", type=int, help="Draw the network as it stood at the end of this year.")
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("figures"),
    show_default=True,
    help="The folder to write the PNGs into (created when missing).",
    callback=prepare_drawing,
)
@click.option("--top", type=int, default=15, show_default=True, help="Brokers shown.")
@click.option("--dpi", type=int, default=150, show_default=True, help="Resolution of the PNGs.")
@language_option("both", "Language of the labels: Chinese, English, or both.")
def figures(
    network: Network, as_of: int | None, output: Path, top: int, dpi: int, lang: str
) -> None:
    """Write the report figures: coverage heatmap, top brokers, network overview (PNG)."""
    from collabnet.outputs.figures import write_figures
    from collabnet.outputs.language import check_language

    written = write_figures(network, output, top=top, dpi=dpi, lang=check_language(lang))
    for path in written:
        click.echo(f"written to {path}", err=True)
    if not any(path.name == "coverage.png" for path in written):
        click.echo("coverage.png not drawn: no organisation has an industry", err=True)
