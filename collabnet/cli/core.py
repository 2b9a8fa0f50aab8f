"""Commands about the data itself: info, validate, duplicates, and the demo."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click

from collabnet.aliases import duplicate_pairs, write_aliases
from collabnet.analysis.coverage import leading_without_platform
from collabnet.cli._app import (
    data_options,
    emit,
    files_options,
    main,
    open_network,
    output_options,
)
from collabnet.errors import ValidationError
from collabnet.network import Network
from collabnet.outputs.page import write_page
from collabnet.sample import sample_path


@main.command()
@data_options
@output_options
@click.option("--as-of", type=int, help="Count the network as it stood at the end of this year.")
def info(network: Network, fmt: str, output: Path | None, as_of: int | None) -> None:
    """Counts of organisations and links, by type and kind, and per input file."""
    emit(network.summary(), fmt, output, title="network summary")


@main.command()
@files_options
@output_options
def validate(fmt: str, output: Path | None, **files: Any) -> None:
    """Check the input files; list every problem and exit 1 when there is any."""
    try:
        network = open_network(**files)
    except ValidationError as err:
        rows = [
            {"file": p.file, "row": p.row, "column": p.column, "problem": p.message}
            for p in err.problems
        ]
        import pandas as pd

        emit(pd.DataFrame(rows), fmt, output, title=f"{len(rows)} problems")
        raise SystemExit(1) from err
    tables = network.backend.tables()
    for warning in tables.warnings:
        click.echo(f"warning: {warning}", err=True)
    pairs = len(duplicate_pairs(tables.organizations))
    if pairs:
        click.echo(
            f"{pairs} probable duplicate pairs: review them with "
            f"`collabnet duplicates {_files_argument(files)} --write aliases.csv`",
            err=True,
        )
    counts = tables.counts
    click.echo(f"valid: {sum(c.kept for c in counts)} rows in {len(counts)} files", err=True)


def _files_argument(files: dict[str, Any]) -> str:
    """The input-file arguments as typed, to repeat them in a suggested command."""
    options = {"organizations": "--orgs", "organizations_sheet": "--orgs-sheet"}
    words = [str(files["data"])] if files.get("data") is not None else []
    for name, value in files.items():
        if name != "data" and value is not None:
            words += [options.get(name, "--" + name.replace("_", "-")), str(value)]
    return " ".join(shlex.quote(w) for w in words)


@main.command()
@data_options
@output_options
@click.option(
    "--write",
    "write",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the probable pairs to this CSV for review: answer 是/否 (yes/no) in its "
    "merge column, then load with --aliases FILE.",
)
def duplicates(network: Network, fmt: str, output: Path | None, write: Path | None) -> None:
    """Organisations that are probably the same (names equal up to width, spaces, 有限公司…).

    Nothing is merged unless you say so: --write lists the pairs with an empty merge
    column; mark the pairs that are one organisation 是 (yes), optionally name the one to
    keep in the keep column (else the fuller name is kept), and pass the file back with
    --aliases on any command.
    """
    if write is not None:
        if not write.parent.is_dir():
            raise click.ClickException(
                f"cannot write {write}: the folder {write.parent} does not exist"
            )
        pairs = write_aliases(network.organizations, write)
        click.echo(
            f"{pairs} probable duplicate pairs written to {write}: mark each 是 or 否 in its "
            "merge column, then load with --aliases " + str(write),
            err=True,
        )
        return
    emit(network.duplicates(), fmt, output, title="probable duplicate organisations")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--page",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/demo/network.html"),
    show_default=True,
    help="Where to write the interactive network page.",
)
def demo(fmt: str, page: Path) -> None:
    """Load the bundled synthetic Wenzhou sample and print what collabnet finds in it."""
    network = open_network(data=sample_path())
    hubs = network.centrality().head(5)[["id", "name", "type", "degree", "pagerank", "betweenness"]]
    brokers = network.brokers().head(5)[["id", "name", "type", "brokerage", "constraint"]]
    gaps = network.gaps()[["industry", "finding", "severity", "reason"]]
    # A leading enterprise with no platform partner yet: the pairing the bureau wants.
    unpaired = leading_without_platform(network.tables)["id"]
    pairings = network.recommend(enterprise=str(unpaired.iat[0]), top=3)[
        ["enterprise_name", "platform_name", "score", "reasons"]
    ]
    page.parent.mkdir(parents=True, exist_ok=True)
    write_page(network, page)
    if fmt == "json":
        emit(
            {
                "summary": network.summary(),
                "hubs": hubs,
                "brokers": brokers,
                "gaps": gaps,
                "pairings": pairings,
                "page": str(page),
            },
            fmt,
            None,
        )
        return
    emit(network.summary(), fmt, None, title="synthetic Wenzhou sample: summary")
    emit(hubs, fmt, None, title="top 5 hubs (PageRank)")
    emit(brokers, fmt, None, title="top 5 brokers (open triads brokered)")
    emit(gaps, fmt, None, title="coverage gaps")
    emit(
        pairings,
        fmt,
        None,
        title="3 recommended platforms for a leading enterprise (龙头企业+创新平台)",
    )
    click.echo(f"interactive network page: {page} (open it in a browser; works offline)")
