"""Analysis commands: centrality, brokers, communities, gaps, kpi, evolution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from collabnet.analysis import brokerage as analysis_brokerage
from collabnet.analysis import centrality as analysis_centrality
from collabnet.analysis import communities as analysis_communities
from collabnet.analysis import coverage as analysis_coverage
from collabnet.analysis.centrality import MEASURES
from collabnet.analysis.communities import community_industries
from collabnet.analysis.coverage import leading_without_platform
from collabnet.cli._app import analysis_options, data_options, emit, main, output_options, select
from collabnet.cli._options import options_from
from collabnet.network import Network
from collabnet.tables import resolve_industry


def _not_applicable(command: str, **given: object) -> None:
    for option, value in given.items():
        if value is not None:
            raise click.UsageError(f"--{option} does not apply to `collabnet {command}`")


@main.command()
@data_options
@analysis_options
@output_options
@options_from(
    analysis_centrality.centrality,
    only=("measure", "exact_limit", "pivots", "seed"),
    choices={"measure": MEASURES},
)
def centrality(
    network: Network,
    as_of: int | None,
    org_type: str | None,
    industry: str | None,
    top: int | None,
    fmt: str,
    output: Path | None,
    options: dict[str, Any],
) -> None:
    """Hubs: degree, PageRank, eigenvector, harmonic, betweenness and k-core per organisation."""
    frame = network.centrality(**options)
    measure = options["measure"]
    estimate = frame.attrs["estimates"]["betweenness"]
    if estimate["method"] == "sampled":
        click.echo(
            f"note: harmonic and betweenness are estimated from {estimate['pivots']} pivots "
            f"(seed {estimate['seed']}) because the network has {estimate['organizations']:,} "
            f"organisations, more than --exact-limit {estimate['exact_limit']:,}",
            err=True,
        )
    chosen = select(frame, network, org_type=org_type, industry=industry, top=top)
    emit(chosen, fmt, output, title=f"centrality (sorted by {measure})")


@main.command()
@data_options
@analysis_options
@output_options
@options_from(analysis_brokerage.brokerage, only=("partition",))
@click.option(
    "--platforms",
    is_flag=True,
    help="Instead: platforms brokering between enterprises and universities.",
)
def brokers(
    network: Network,
    as_of: int | None,
    org_type: str | None,
    industry: str | None,
    top: int | None,
    fmt: str,
    output: Path | None,
    options: dict[str, Any],
    platforms: bool,
) -> None:
    """Brokers: Burt's constraint and effective size, Gould–Fernandez brokerage roles."""
    if platforms:
        _not_applicable(
            "brokers --platforms",
            type=org_type,
            partition=None if options["partition"] == "type" else options["partition"],
        )
        frame = network.platform_brokers()
        title = "platforms between enterprises and universities (open triads)"
    else:
        # Unfiltered, the first rows are the table's own top: only those are measured.
        leaders = top if org_type is None and industry is None else None
        frame = network.brokers(**options, top=leaders)
        title = f"brokerage (groups: {options['partition']})"
    emit(
        select(frame, network, org_type=org_type, industry=industry, top=top),
        fmt,
        output,
        title=title,
    )


@main.command()
@data_options
@analysis_options
@output_options
@options_from(analysis_communities.community_membership, only=("seed", "resolution"))
@click.option(
    "--members", is_flag=True, help="List every organisation's community instead of the profile."
)
@click.option(
    "--crosstab",
    is_flag=True,
    help="Instead: communities × industries (organisations per industry).",
)
def communities(
    network: Network,
    as_of: int | None,
    org_type: str | None,
    industry: str | None,
    top: int | None,
    fmt: str,
    output: Path | None,
    options: dict[str, Any],
    members: bool,
    crosstab: bool,
) -> None:
    """Louvain communities, their industries, and those without a platform.

    The profile lists one community per row; --industry keeps the communities whose main
    industry it is, --type those with at least one organisation of that type.
    """
    membership = network.communities(**options)
    if members:
        chosen = select(membership, network, org_type=org_type, industry=industry, top=top)
        emit(chosen, fmt, output, title="community of each organisation")
        return
    if crosstab:
        _not_applicable("communities --crosstab", type=org_type, industry=industry)
        table = community_industries(network.tables, membership).reset_index()
        emit(
            table.head(top) if top is not None else table,
            fmt,
            output,
            title="communities × industries",
        )
        return
    profile = network.community_profile(membership=membership)
    click.echo(
        f"modularity {profile.attrs['modularity']:.3f}; community–industry alignment "
        f"(normalised mutual information) {profile.attrs['alignment']:.3f}",
        err=True,
    )
    if industry is not None:
        code = resolve_industry(network.industries, industry)
        profile = profile[profile["main_industry"] == code]
    if org_type is not None:
        having = set(membership.loc[membership["type"] == org_type, "community"])
        profile = profile[profile["community"].isin(having)]
    emit(profile.head(top) if top is not None else profile, fmt, output, title="communities")


@main.command()
@data_options
@analysis_options
@output_options
@options_from(analysis_coverage.coverage_gaps, only=("min_coverage", "decline", "by_county"))
@click.option(
    "--unlinked",
    is_flag=True,
    help="Instead: every leading enterprise without any platform partner.",
)
def gaps(
    network: Network,
    as_of: int | None,
    org_type: str | None,
    industry: str | None,
    top: int | None,
    fmt: str,
    output: Path | None,
    options: dict[str, Any],
    unlinked: bool,
) -> None:
    """Coverage gaps of the priority industries, each with a bilingual reason."""
    _not_applicable("gaps", type=org_type)
    code = resolve_industry(network.industries, industry) if industry is not None else None
    if unlinked:
        frame = leading_without_platform(network.snapshot, industry=code)
        title = "leading enterprises without a platform partner"
    else:
        frame = network.gaps(**options)
        if code is not None:
            frame = frame[frame["industry"] == code]
        title = "coverage gaps"
        if fmt == "table":
            # The bilingual reason already holds both sentences; the table stays readable.
            frame = frame.drop(columns=["reason_zh", "reason_en"])
    emit(frame.head(top) if top is not None else frame, fmt, output, title=title)


@main.command()
@data_options
@analysis_options
@output_options
@click.option(
    "--targets",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Targets file (metric, year, target, comparison, description_zh, description_en).",
)
@click.option("--year", "years", type=int, multiple=True, help="Year to evaluate (repeatable).")
def kpi(
    network: Network,
    as_of: int | None,
    org_type: str | None,
    industry: str | None,
    top: int | None,
    fmt: str,
    output: Path | None,
    targets: Path | None,
    years: tuple[int, ...],
) -> None:
    """Indicators against the targets (default: Wenzhou's 2025 targets), per year."""
    _not_applicable("kpi", type=org_type, industry=industry)
    frame = network.kpi(targets=targets, years=list(years) or None)
    if "note" in frame.attrs:
        click.echo(f"note: {frame.attrs['note']}", err=True)
    emit(frame.head(top) if top is not None else frame, fmt, output, title="targets")


@main.command()
@data_options
@analysis_options
@output_options
def evolution(
    network: Network,
    as_of: int | None,
    org_type: str | None,
    industry: str | None,
    top: int | None,
    fmt: str,
    output: Path | None,
) -> None:
    """The network at the end of each year: size, density, components, coverage."""
    _not_applicable("evolution", type=org_type, industry=industry)
    frame: pd.DataFrame = network.evolution()
    emit(frame.head(top) if top is not None else frame, fmt, output, title="evolution")
