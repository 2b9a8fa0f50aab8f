"""Recommendation commands: recommend, plan, match-demands, evaluate."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd

from collabnet.cli._app import (
    analysis_options,
    data_options,
    emit,
    emit_frames,
    main,
    output_options,
    select,
)
from collabnet.network import Network
from collabnet.recommend.evaluate import evaluate_rolling
from collabnet.recommend.features import Candidates
from collabnet.recommend.plan import write_plan
from collabnet.recommend.store import ModelStore, default_folder

_WEIGHTS = click.option(
    "--weights",
    type=click.Choice(["default", "learned"]),
    default="default",
    show_default=True,
    help="Documented default weights, or weights learned from the network's last year.",
)
_MODEL = click.option(
    "--weights",
    type=click.Choice(["auto", "default", "learned"]),
    default="auto",
    show_default=True,
    help="auto: the learned ranker when it beats the documented default weights on the "
    "last year of the data (it says which and why), else the defaults; or either one.",
)
_CANDIDATES = click.option(
    "--candidates",
    help="Types to pair, SOURCES:TARGETS, e.g. enterprise:platform or "
    "enterprise:university,institute (default: enterprise:platform, or "
    "enterprise:university,institute when there are no platforms).",
)


def _notes(frame_attrs: Mapping[Any, Any]) -> None:
    if "weights" in frame_attrs:
        click.echo(f"weights: {frame_attrs['weights']}", err=True)
    notes = frame_attrs.get("notes")
    for note in notes if isinstance(notes, list) else []:
        click.echo(f"note: {note}", err=True)


def _narrow(frame: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """A terminal table keeps the names, score, rank and reasons; CSV and JSON keep all."""
    if fmt != "table":
        return frame
    if frame.attrs.get("score", "").startswith("calibrated"):
        frame = frame.assign(score=frame["score"].map(lambda p: f"{100 * p:.1f}%"))
    keep = [c for c in frame.columns[:6]]
    keep += [c for c in ("reasons",) if c in frame.columns] or [
        c for c in ("common_partners", "paths3", "same_industry", "text_similarity") if c in frame
    ]
    return frame[keep]


@main.command()
@data_options
@analysis_options
@output_options
@click.option("--enterprise", help="Rank platforms for this enterprise (id or name).")
@click.option("--platform", help="Rank enterprises for this platform (id or name).")
@click.option("--university", help="Rank platforms to co-found with this university (id or name).")
@_MODEL
@_CANDIDATES
@click.option(
    "--capacity", type=int, default=5, show_default=True, help="Co-built centres per platform."
)
@click.option("--no-reasons", is_flag=True, help="Leave out the reasons (faster on huge networks).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sampled pairs.")
@click.option(
    "--choose-again",
    is_flag=True,
    help="Choose the model again instead of taking the one kept from an earlier run on the "
    "same data and options (kept in $COLLABNET_CACHE/models, default ~/.cache/collabnet/models).",
)
def recommend(
    network: Network,
    as_of: int | None,
    org_type: str | None,
    industry: str | None,
    top: int | None,
    fmt: str,
    output: Path | None,
    enterprise: str | None,
    platform: str | None,
    university: str | None,
    weights: str,
    candidates: str | None,
    capacity: int,
    no_reasons: bool,
    seed: int,
    choose_again: bool,
) -> None:
    """Partners to approach next, with reasons (without --enterprise/--platform/--university:
    every enterprise's best partners). --top is the number per organisation (default 10)."""
    if org_type is not None:
        raise click.UsageError("--type does not apply to `collabnet recommend`; use --candidates")
    # The model chosen on the same data before is taken again: choosing it is most of a
    # run's time, and its answer depends only on what the key of the store holds.
    network.models = ModelStore(None if choose_again else default_folder())
    if enterprise is None and platform is None and university is None:
        _every_source(
            network,
            top or 10,
            weights,
            candidates,
            capacity,
            not no_reasons,
            seed,
            industry,
            fmt,
            output,
        )
        return
    frame = network.recommend(
        enterprise=enterprise,
        platform=platform,
        university=university,
        top=top or 10,
        weights=weights,
        candidates=candidates,
        capacity=capacity,
        explain=not no_reasons,
        seed=seed,
    )
    _notes(frame.attrs)
    id_column = frame.columns[2] if platform is not None else frame.columns[0]
    chosen = select(frame, network, industry=industry, id_column=id_column)
    emit(_narrow(chosen, fmt), fmt, output, title="recommended partners")


def _every_source(
    network: Network,
    top: int,
    weights: str,
    candidates: str | None,
    capacity: int,
    explain: bool,
    seed: int,
    industry: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Every enterprise's partners; as CSV, written a group of enterprises at a time."""
    every = network.recommend_every(
        top=top,
        weights=weights,
        candidates=candidates,
        capacity=capacity,
        explain=explain,
        seed=seed,
    )
    click.echo(f"weights: {every.weights}", err=True)

    def frames() -> Iterator[pd.DataFrame]:
        for frame in every.frames:
            chosen = select(frame, network, industry=industry, id_column=frame.columns[0])
            del frame  # written before the next group is computed
            yield chosen
            del chosen
        _notes({"notes": every.notes})

    if fmt == "csv":
        emit_frames(frames(), output)
        return
    found = list(frames())
    frame = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]
    frame.attrs["score"] = every.score
    emit(_narrow(frame, fmt), fmt, output, title="recommended partners")


@main.command()
@data_options
@output_options
@click.option(
    "--pairs", type=int, help="New pairs to plan (default: enough for >100 co-built centres)."
)
@click.option(
    "--capacity",
    type=int,
    default=5,
    show_default=True,
    help="Co-built centres a platform can host.",
)
@click.option(
    "--per-enterprise",
    type=int,
    default=1,
    show_default=True,
    help="New pairs per enterprise at most.",
)
@click.option(
    "--quota", type=int, default=0, show_default=True, help="Pairs each gap industry gets at least."
)
@click.option(
    "--gap-industry",
    "gap_industries",
    multiple=True,
    help="Industry (code) that gets the quota; repeat for several (default: industries "
    "below --coverage-target).",
)
@click.option(
    "--coverage-target",
    type=float,
    default=0.5,
    show_default=True,
    help="Coverage share below which an industry is a gap.",
)
@click.option(
    "--all-enterprises", is_flag=True, help="Consider every enterprise, not only leading ones."
)
@_WEIGHTS
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sampled pairs.")
def plan(
    network: Network,
    fmt: str,
    output: Path | None,
    pairs: int | None,
    capacity: int,
    per_enterprise: int,
    quota: int,
    gap_industries: tuple[str, ...],
    coverage_target: float,
    all_enterprises: bool,
    weights: str,
    seed: int,
) -> None:
    """An optimal pairing plan (integer programme): new enterprise–platform pairs within
    platform capacity, per-enterprise limits and industry quotas. --output plan.xlsx or
    plan.csv writes a workbook or CSV."""
    frame = network.plan(
        pairs=pairs,
        capacity=capacity,
        per_enterprise=per_enterprise,
        quota=quota,
        gap_industries=list(gap_industries) or None,
        coverage_target=coverage_target,
        leading_only=False if all_enterprises else None,
        weights=weights,
        seed=seed,
    )
    attrs = frame.attrs
    click.echo(
        f"{len(frame)} pairs, total score {attrs['total_score']:.4f} (proven optimal); "
        f"existing co-built centres: {attrs['existing_centres']}; gap industries: "
        f"{', '.join(attrs['gap_industries']) or 'none'}",
        err=True,
    )
    if output is not None and output.suffix.lower() in (".xlsx", ".csv"):
        write_plan(frame, output)
        click.echo(f"written to {output}", err=True)
        return
    emit(_narrow(frame, fmt), fmt, output, title="pairing plan")


@main.command("match-demands")
@data_options
@click.argument("demands", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@output_options
@click.option("--top", type=int, default=5, show_default=True, help="Platforms per demand.")
@click.option(
    "--text-weight",
    type=float,
    default=0.7,
    show_default=True,
    help="Share of the score from text similarity.",
)
@_WEIGHTS
def match_demands(
    network: Network,
    demands: Path,
    fmt: str,
    output: Path | None,
    top: int,
    text_weight: float,
    weights: str,
) -> None:
    """揭榜挂帅: the platforms best able to solve each technology need in DEMANDS
    (id, enterprise, title, description, industry, year)."""
    frame = network.match_demands(demands, top=top, text_weight=text_weight, weights=weights)
    emit(frame, fmt, output, title="揭榜挂帅 matches")


@main.command()
@data_options
@output_options
@click.option(
    "--train-until",
    type=int,
    help="Last year the recommender may see (default: every rolling cut of the data, "
    "e.g. ≤2014→2015, ≤2015→2016, ≤2016→2017 and ≤2015→2016–17, and their mean).",
)
@click.option("--test-until", type=int, help="Last hidden year (default: the data's last year).")
@_CANDIDATES
@_MODEL
@click.option(
    "--segment",
    type=click.Choice(["warm", "cold", "all"]),
    default="warm",
    show_default=True,
    help="warm: both organisations linked before the cut; cold: newcomer sources.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the non-links and tie-breaks."
)
def evaluate(
    network: Network,
    fmt: str,
    output: Path | None,
    train_until: int | None,
    test_until: int | None,
    candidates: str | None,
    weights: str,
    segment: str,
    seed: int,
) -> None:
    """Backtest: hide links after --train-until, recommend, and score collabnet against
    random, common neighbours, Adamic–Adar, resource allocation, preferential attachment
    and Adamic–Adar + PA (AUC, precision/recall@10, MRR, nDCG@10, precision@100)."""
    if train_until is None:
        if test_until is not None:
            raise click.UsageError("--test-until needs --train-until")
        frame = evaluate_rolling(
            network.snapshot,
            candidates=Candidates.parse(candidates) if candidates else None,
            weights=weights,
            seed=seed,
        )
        for cut in frame.attrs["cuts"]:
            click.echo(f"{cut['cut']}: {cut['weights']}", err=True)
            importance = cut["importance"]
            if importance is not None and len(importance):
                shares = ", ".join(
                    f"{name} {share:.0%}"
                    for name, share in zip(
                        importance["feature"][:5], importance["share"][:5], strict=True
                    )
                )
                click.echo(f"{cut['cut']}: ranker gain {shares}", err=True)
        title = "backtest: every rolling cut and their mean"
    else:
        frame = network.evaluate(
            train_until=train_until,
            test_until=test_until,
            candidates=candidates,
            weights=weights,
            seed=seed,
        )
        _notes(frame.attrs)
        title = (
            f"backtest: train ≤{train_until}, test {train_until + 1}–{frame.attrs['test_until']}"
        )
    if segment != "all":
        frame = frame[frame["segment"] == segment].reset_index(drop=True)
    emit(frame, fmt, output, title=title)
