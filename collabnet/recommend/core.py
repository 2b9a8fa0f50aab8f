"""Ranked partner recommendations with their reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from collabnet.errors import InputError
from collabnet.names import find_organization
from collabnet.recommend.explain import explain_pairs
from collabnet.recommend.features import ACADEMIC, Candidates, FeatureSpace, Settings
from collabnet.recommend.rank import Scorer
from collabnet.recommend.signals import katz, values_at
from collabnet.recommend.space import build_space
from collabnet.recommend.weights import Weights, resolve_weights
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = ["SIGNAL_COLUMNS", "pair_frame", "recommend"]

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
    weights: str | Weights = "default",
    candidates: Candidates | str | None = None,
    settings: Settings | None = None,
    explain: bool = True,
    seed: int = 0,
) -> pd.DataFrame:
    """Partners to approach next, best first, each with its reasons.

    Parameters
    ----------
    tables
        The network (``tables.as_of(year)`` for a past year).
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
        ``"default"`` (documented weights), ``"learned"`` (fitted on the network's
        last year) or a :class:`~collabnet.recommend.model.Weights`.
    candidates
        Types to pair, e.g. ``"enterprise:platform"`` (default: see
        :meth:`Candidates.default_for`). With none of ``enterprise``, ``platform`` and
        ``university``, every source organisation gets its ``top`` partners.
    settings
        Capacity per platform, coverage target, path budget (:class:`Settings`).
    explain
        Add the bilingual ``reasons`` column (leave it out for speed on huge networks).

    Returns
    -------
    pandas.DataFrame
        ``<source>_id``, ``<source>_name``, ``<target>_id``, ``<target>_name`` (roles
        named after the candidate types, e.g. ``enterprise_id`` and ``platform_id``),
        ``score`` (0–1, see :meth:`~collabnet.recommend.rank.Scorer.score`), ``rank``,
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
    tables = as_snapshot(network).tables
    if sum(q is not None for q in (enterprise, platform, university)) > 1:
        raise InputError("give at most one of enterprise, platform and university")
    if top < 1:
        raise InputError(f"top must be at least 1 (got {top})")
    organizations = tables.organizations
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
        chosen = chosen or Candidates.default_for(tables)
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
    chosen = chosen or Candidates.default_for(tables)
    if not types.isin(chosen.targets).any():
        raise InputError(
            f"the network has no {' or '.join(chosen.targets)} to recommend; "
            "choose other candidate types (e.g. enterprise:university,institute)"
        )

    space = build_space(
        tables,
        chosen,
        settings=settings,
        sources=[source_id] if source_id is not None else None,
    )
    used = resolve_weights(weights, space, seed=seed)
    scorer = Scorer(space, used)
    if target_id is not None:
        best = _best_sources(space, scorer, space.col_of([target_id])[0], top)
    elif source_id is not None:
        best = scorer.top(top, rows=space.row_of([source_id]))
    else:
        best = scorer.top(top)
    frame = pair_frame(space, used, best["row"].to_numpy(), best["col"].to_numpy(), explain=explain)
    frame.insert(4, "score", np.round(scorer.score(best["logit"].to_numpy()), 6))
    frame.insert(5, "rank", best["rank"].to_numpy(dtype=int))
    if target_id is not None:
        frame = frame[[*frame.columns[2:4], *frame.columns[0:2], *frame.columns[4:]]]
    frame.attrs["weights"] = used.description
    frame.attrs["notes"] = list(space.notes)
    return frame.reset_index(drop=True)


def _best_sources(space: FeatureSpace, scorer: Scorer, col: int, top: int) -> pd.DataFrame:
    rows = np.arange(space.shape[0])
    cols = np.full(len(rows), col)
    logits = scorer.at(rows, cols)
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
) -> pd.DataFrame:
    """Names, reasons and numeric signals of block pairs ``(rows[i], cols[i])``."""
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
        frame["reasons"] = explain_pairs(space, weights, rows, cols)
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
