"""Ranked partner recommendations with their reasons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from collabnet.errors import InputError
from collabnet.names import find_organization
from collabnet.recommend.explain import EXAMPLE_PAIRS, explain_pairs
from collabnet.recommend.features import ACADEMIC, Candidates, FeatureSpace, Settings
from collabnet.recommend.ranker import BoundModel, Model, choose_model
from collabnet.recommend.signals import katz, values_at
from collabnet.recommend.space import GROUP_SOURCES, build_space, build_spaces, crowded_notes
from collabnet.recommend.store import ModelStore
from collabnet.recommend.weights import Weights
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = ["SIGNAL_COLUMNS", "Recommendations", "pair_frame", "recommend", "recommend_every"]

# Numeric evidence shipped with every recommended pair (raw values, not standardised).
SIGNAL_COLUMNS = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "paths3",
    "katz",
    "text_similarity",
    "same_industry",
    "coverage_gap",
    "same_county",
    "same_country",
)


def recommend(
    network: Snapshot | Tables,
    *,
    enterprise: str | None = None,
    platform: str | None = None,
    university: str | None = None,
    top: int = 10,
    weights: str | Weights = "auto",
    candidates: Candidates | str | None = None,
    settings: Settings | None = None,
    explain: bool = True,
    seed: int = 0,
    models: ModelStore | None = None,
) -> pd.DataFrame:
    """Partners to approach next, best first, each with its reasons.

    Parameters
    ----------
    network
        The network: validated tables (``tables.as_of(year)`` for a past year) or a
        snapshot (``backend.snapshot(year)``); from a database that computes the
        recommender's link signals, no link table is read.
    enterprise
        Id or name of an enterprise: rank the platforms (or, without platforms, the
        universities and institutes) it is not yet linked to.
    platform
        Id or name of a platform: rank the enterprises it is not yet linked to.
    university
        Id or name of a university or institute: rank platforms to co-found with.
    top
        How many partners per organisation.
    weights
        ``"auto"`` (the learned ranker when it beats the documented weights on the
        network's last year, else those weights), ``"default"``, ``"learned"`` (see
        :func:`~collabnet.recommend.ranker.choose_model`) or a
        :class:`~collabnet.recommend.weights.Weights`.
    candidates
        Types to pair, e.g. ``"enterprise:platform"`` (default: see
        :meth:`Candidates.default_for`). With none of ``enterprise``, ``platform`` and
        ``university``, every source organisation gets its ``top`` partners.
    settings
        Capacity per platform, coverage target, path budget (:class:`Settings`).
    explain
        Add the bilingual ``reasons`` column (leave it out for speed on huge networks).
    models
        Where models chosen for ``"auto"``, ``"default"`` and ``"learned"`` are kept
        (:class:`~collabnet.recommend.store.ModelStore`): asking again on the same
        network takes the kept one instead of choosing again.

    Returns
    -------
    pandas.DataFrame
        ``<source>_id``, ``<source>_name``, ``<target>_id``, ``<target>_name`` (roles
        named after the candidate types, e.g. ``enterprise_id`` and ``platform_id``),
        ``score`` (the calibrated probability of a new link within a year when a year
        was available to calibrate on, else the 0–1 score of
        :meth:`~collabnet.recommend.rank.Scorer.score`), ``rank``,
        ``reasons`` (list of "中文 / English" strings), then the numeric signals
        (:data:`SIGNAL_COLUMNS`, the platform's ``co_built`` centres and
        ``capacity_left``, both sides' ``degree``). ``attrs["weights"]`` says which
        weights scored the pairs.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> best = recommend(load_tables("data/sample"), enterprise="E004", top=3)
    >>> list(best.columns[:6])
    ['enterprise_id', 'enterprise_name', 'platform_id', 'platform_name', 'score', 'rank']
    >>> len(best)
    3
    """
    snapshot, chosen, source_id, target_id = _asked(
        network, enterprise, platform, university, top, candidates
    )
    # The model first: the spaces of its label years are let go before this one is built.
    model = _model(snapshot, weights, chosen, settings, seed, models)
    if source_id is None and target_id is None:
        every = _every_source(snapshot, chosen, settings, model, top, explain)
        frames = list(every.frames)
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        notes = every.notes
    else:
        # A target's best sources come from every row; a source's from its own row.
        asked = None if source_id is None else [source_id]
        space = build_space(snapshot, chosen, settings=settings, sources=asked)
        bound = model.bind(space)
        if target_id is not None:
            best = _best_sources(space, bound, space.col_of([target_id])[0], top)
        else:
            best = _open_first(space, bound, top, space.row_of(asked or []))
        frame = _scored(space, bound, best, explain)
        if target_id is not None:
            frame = frame[[*frame.columns[2:4], *frame.columns[0:2], *frame.columns[4:]]]
        notes = list(space.notes)
    frame.attrs["weights"] = model.description
    frame.attrs["score"] = _score_kind(model)
    frame.attrs["notes"] = notes
    return frame.reset_index(drop=True)


@dataclass
class Recommendations:
    """Every source organisation's recommendations, a group of sources at a time.

    ``frames`` gives the groups' rows in turn, as :func:`recommend` without
    ``enterprise``, ``platform`` and ``university`` gives them in one frame; ``notes``
    is complete once ``frames`` is exhausted.
    """

    weights: str
    score: str
    frames: Iterator[pd.DataFrame]
    notes: list[str] = field(default_factory=list)


def recommend_every(
    network: Snapshot | Tables,
    *,
    top: int = 10,
    weights: str | Weights = "auto",
    candidates: Candidates | str | None = None,
    settings: Settings | None = None,
    explain: bool = True,
    seed: int = 0,
    models: ModelStore | None = None,
) -> Recommendations:
    """Every source organisation's ``top`` partners, as :func:`recommend` gives them,
    produced a group of sources at a time: from a database that computes the
    recommender's link signals, only one group's block, pairs and reasons are held at
    once (from files, one group holds every source). The model is chosen first."""
    snapshot, chosen, _, _ = _asked(network, None, None, None, top, candidates)
    model = _model(snapshot, weights, chosen, settings, seed, models)
    return _every_source(snapshot, chosen, settings, model, top, explain)


def _asked(
    network: Snapshot | Tables,
    enterprise: str | None,
    platform: str | None,
    university: str | None,
    top: int,
    candidates: Candidates | str | None,
) -> tuple[Snapshot, Candidates, str | None, str | None]:
    """The snapshot, the candidate types and the source or target asked for, checked."""
    snapshot = as_snapshot(network)
    if sum(q is not None for q in (enterprise, platform, university)) > 1:
        raise InputError("give at most one of enterprise, platform and university")
    if top < 1:
        raise InputError(f"top must be at least 1 (got {top})")
    organizations = snapshot.organizations
    types = organizations.set_index("id")["type"]
    chosen = Candidates.parse(candidates) if isinstance(candidates, str) else candidates
    source_id = target_id = None
    if university is not None:
        source_id = find_organization(organizations, university)
        kind = types[source_id]
        if kind not in ACADEMIC:
            raise InputError(
                f"'{university}' ({source_id}) is a {kind}, not a university or institute"
            )
        chosen = chosen or Candidates((kind,), ("platform",))
    elif enterprise is not None:
        source_id = find_organization(organizations, enterprise)
        chosen = chosen or Candidates.default_for(organizations)
        if types[source_id] not in chosen.sources:
            raise InputError(
                f"'{enterprise}' ({source_id}) is a {types[source_id]}, not "
                f"{' or '.join(chosen.sources)}"
                + ("; use --university" if types[source_id] in ACADEMIC else "")
            )
    elif platform is not None:
        target_id = find_organization(organizations, platform)
        chosen = chosen or Candidates(("enterprise",), ("platform",))
        if types[target_id] not in chosen.targets:
            raise InputError(
                f"'{platform}' ({target_id}) is a {types[target_id]}, not "
                f"{' or '.join(chosen.targets)}"
            )
    chosen = chosen or Candidates.default_for(organizations)
    if not types.isin(chosen.targets).any():
        raise InputError(
            f"the network has no {' or '.join(chosen.targets)} to recommend; "
            "choose other candidate types (e.g. enterprise:university,institute)"
        )
    return snapshot, chosen, source_id, target_id


def _model(
    snapshot: Snapshot,
    weights: str | Weights,
    chosen: Candidates,
    settings: Settings | None,
    seed: int,
    models: ModelStore | None,
) -> Model:
    if isinstance(weights, Weights):
        return Model(weights.method, weights, description=weights.description)
    if models is not None:
        return models.chosen(snapshot, weights, chosen, settings, seed=seed)
    return choose_model(snapshot, weights, chosen, settings, seed=seed)


def _score_kind(model: Model) -> str:
    if model.calibration is not None:
        return "calibrated probability of a new link within a year"
    return "standardised score (no year to calibrate a probability on)"


def _every_source(
    snapshot: Snapshot,
    chosen: Candidates,
    settings: Settings | None,
    model: Model,
    top: int,
    explain: bool,
) -> Recommendations:
    """Every source's recommendations, a group of sources at a time from a database."""
    organizations = snapshot.organizations
    every = organizations.loc[organizations["type"].isin(chosen.sources), "id"].tolist()
    groups: list[list[str] | None] = [None]
    if snapshot.computes("pair_signals"):
        groups = [every[i : i + GROUP_SOURCES] for i in range(0, len(every), GROUP_SOURCES)]
    # Paths are illustrated or not for the whole run, as the pairs it asks for number,
    # whatever the groups.
    examples = EXAMPLE_PAIRS if len(every) * top <= EXAMPLE_PAIRS else 0
    result = Recommendations(weights=model.description, score=_score_kind(model), frames=iter(()))

    def frames() -> Iterator[pd.DataFrame]:
        crowded = asked = 0
        for group, space in zip(
            groups, build_spaces(snapshot, groups, chosen, settings=settings), strict=True
        ):
            bound = model.bind(space)
            rows = None if group is None else np.arange(len(group))
            best = _open_first(space, bound, top, rows)
            yield _scored(space, bound, best, explain, max_examples=examples)
            if group is None:
                result.notes.extend(space.notes)
            elif space.crowded is not None:
                crowded += int(np.count_nonzero(space.crowded[: len(group)]))
                asked += len(group)
            # Let this group go before the next one is built.
            del space, bound
        if asked:
            result.notes.extend(crowded_notes(crowded, asked, chosen))

    result.frames = frames()
    return result


def _scored(
    space: FeatureSpace,
    bound: BoundModel,
    best: pd.DataFrame,
    explain: bool,
    *,
    max_examples: int | None = None,
) -> pd.DataFrame:
    """The pairs of ``best`` (``row``, ``col``, ``logit``, ``rank``) with their names,
    score, rank, reasons and signals (``max_examples``: see
    :func:`~collabnet.recommend.explain.explain_pairs`)."""
    rows_, cols_ = best["row"].to_numpy(), best["col"].to_numpy()
    frame = pair_frame(
        space,
        bound.scorer.weights,
        rows_,
        cols_,
        explain=explain,
        contributions=bound.contributions(rows_, cols_) if explain else None,
        max_examples=max_examples,
    )
    logits = best["logit"].to_numpy()
    probability = bound.probability(logits)
    score = probability if probability is not None else bound.scorer.score(logits)
    frame.insert(4, "score", np.round(score, 6))
    frame.insert(5, "rank", best["rank"].to_numpy(dtype=int))
    return frame


# A leading enterprise's first recommendations avoid platforms already at capacity.
OPEN_FIRST = 3


def _open_first(
    space: FeatureSpace, bound: BoundModel, top: int, rows: np.ndarray | None
) -> pd.DataFrame:
    """Each row's ``top`` best columns, the first :data:`OPEN_FIRST` of them among
    platforms with capacity left unless too few are open."""
    if "platform" not in space.candidates.targets:
        return bound.top(top, rows)
    load = space.node["capacity_left"].to_numpy()[space.cols]
    full = (load <= 0) & (space.ids_type(space.cols) == "platform")
    if not full.any():
        return bound.top(top, rows)
    opened, every = bound.tops([(min(OPEN_FIRST, top), full), (top, None)], rows)
    opened = opened.assign(_first=0)
    every = every.assign(_first=1)
    both = pd.concat([opened, every], ignore_index=True)
    both = both.drop_duplicates(["row", "col"], keep="first")
    order = pd.Series(np.arange(len(every)), index=every["row"].to_numpy())
    first_seen = order.groupby(level=0).min()
    both["_row"] = both["row"].map(first_seen).fillna(-1)
    both = both.sort_values(["_row", "_first", "rank"], kind="stable")
    both["rank"] = both.groupby("row", sort=False).cumcount() + 1
    both = both[both["rank"] <= top]
    return both.drop(columns=["_first", "_row"]).reset_index(drop=True)


def _best_sources(space: FeatureSpace, bound: BoundModel, col: int, top: int) -> pd.DataFrame:
    rows = np.arange(space.shape[0])
    cols = np.full(len(rows), col)
    logits = bound.at(rows, cols)
    linked = values_at(space.linked(), rows, cols) > 0
    logits[linked] = -np.inf
    order = np.lexsort((rows, -logits))[:top]
    order = order[np.isfinite(logits[order])]
    return pd.DataFrame(
        {
            "row": rows[order],
            "col": cols[order],
            "logit": logits[order],
            "rank": np.arange(1, len(order) + 1),
        }
    )


def pair_frame(
    space: FeatureSpace,
    weights: Weights,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    explain: bool = True,
    contributions: pd.DataFrame | None = None,
    max_examples: int | None = None,
) -> pd.DataFrame:
    """Names, reasons and numeric signals of block pairs ``(rows[i], cols[i])``;
    ``contributions`` (per feature) order the reasons (default: the linear weights');
    ``max_examples``: see :func:`~collabnet.recommend.explain.explain_pairs`."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    organizations = space.tables.organizations
    ids = space.ids
    names = organizations["name"].astype(str).to_numpy()
    source_role = space.candidates.source_role
    target_role = space.candidates.target_role
    source = space.rows[rows]
    target = space.cols[cols]
    frame = pd.DataFrame(
        {
            f"{source_role}_id": ids[source],
            f"{source_role}_name": names[source],
            f"{target_role}_id": ids[target],
            f"{target_role}_name": names[target],
        }
    )
    if explain:
        frame["reasons"] = explain_pairs(
            space, weights, rows, cols, contributions=contributions, max_examples=max_examples
        )
    for name in SIGNAL_COLUMNS:
        if name == "katz":
            values = katz(frame["common_partners"].to_numpy(), frame["paths3"].to_numpy())
        else:
            values = space.raw_at(name, rows, cols)
        frame[name] = np.round(values, 6)
    node = space.node
    if "platform" in space.candidates.targets:
        frame["co_built"] = node["co_built"].to_numpy()[target].astype(int)
        frame["capacity_left"] = node["capacity_left"].to_numpy()[target]
    frame[f"{source_role}_degree"] = node["degree"].to_numpy()[source].astype(int)
    frame[f"{target_role}_degree"] = node["degree"].to_numpy()[target].astype(int)
    return frame
