"""A pairing plan: which new 龙头企业+创新平台 pairs to broker, chosen together and exactly.

Picking the best pair, then the next best that still fits, and so on, can waste a
platform's last free slot on an enterprise that had an almost as good alternative. The
plan is therefore an integer programme solved to proven optimality by HiGHS
(``scipy.optimize.milp``):

    maximise    Σ score[p] · x[p]                       over candidate pairs p, x[p] ∈ {0, 1}
    subject to  Σ x[p] = N                               (the number of pairs asked for)
                Σ x[p] over a platform's pairs  ≤ capacity − its co-built centres
                Σ x[p] over an enterprise's pairs ≤ per_enterprise
                Σ x[p] over pairs of a gap industry ≥ quota   (optional)

A pair counts towards an industry when its enterprise belongs to the industry (that is
what raises the industry's coverage share). Some optimal plan of N pairs uses only each
enterprise's N best open platforms (see :func:`_each_sources_best`), so the programme
is solved among those: on a network of 20,000 organisations, 91,000 variables instead
of 886,000. On networks with more than :data:`POOL_CELLS` enterprise × open-platform
pairs, only those best platforms are scored in the first place (at least
:data:`POOL_SIZE`), and the plan is still optimal over every pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from collabnet.errors import CollabnetError, InputError
from collabnet.recommend.core import pair_frame
from collabnet.recommend.features import Candidates, Settings
from collabnet.recommend.rank import Scorer
from collabnet.recommend.space import build_space
from collabnet.recommend.weights import Weights, resolve_weights
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = [
    "CENTRE_TARGET",
    "InfeasiblePlanError",
    "largest_plan",
    "pairing_plan",
    "solve_pairing",
    "write_plan",
]

# The bureau's target: more than 100 co-built R&D centres.
CENTRE_TARGET = 100
# Up to this many enterprise × open-platform pairs, every pair is scored; beyond, each
# enterprise's best open platforms only: at least POOL_SIZE, and at least as many as the
# pairs wanted, among which an optimal plan always lies.
POOL_CELLS = 2_000_000
POOL_SIZE = 20


class InfeasiblePlanError(CollabnetError):
    """No set of pairs satisfies the plan's constraints; the message says which one binds."""


def solve_pairing(
    scores: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    *,
    pairs: int,
    target_capacity: np.ndarray,
    per_source: int = 1,
    groups: Mapping[str, np.ndarray] | None = None,
    quota: int = 0,
) -> np.ndarray:
    """Indices of the candidate pairs of an optimal plan (maximum total score).

    Parameters
    ----------
    scores
        Score of each candidate pair.
    sources, targets
        Integer code of each pair's source (enterprise) and target (platform).
    pairs
        Exactly this many pairs are chosen.
    target_capacity
        Free slots of each target code.
    per_source
        At most this many pairs per source.
    groups
        Named boolean masks over the candidates (e.g. pairs of a gap industry); each
        group gets at least ``quota`` pairs.

    Raises
    ------
    InfeasiblePlanError
        When the constraints cannot all hold.
    """
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    groups = dict(groups or {})
    if pairs < 0:
        raise InputError(f"the number of pairs must not be negative (got {pairs})")
    if pairs == 0:
        return np.zeros(0, dtype=np.int64)
    _check_feasible(scores, sources, targets, pairs, target_capacity, per_source, groups, quota)
    open_target = np.asarray(target_capacity, dtype=float)[targets] >= 1
    kept = _each_sources_best(
        np.where(open_target, scores, np.nan), sources, pairs, groups.values() if quota > 0 else ()
    )
    if kept is not None:
        chosen = solve_pairing(
            scores[kept],
            sources[kept],
            targets[kept],
            pairs=pairs,
            target_capacity=target_capacity,
            per_source=per_source,
            groups={name: np.asarray(mask, dtype=bool)[kept] for name, mask in groups.items()},
            quota=quota,
        )
        return kept[chosen]
    columns = np.arange(n)
    blocks = [sp.csr_matrix(np.ones((1, n)))]
    lower = [float(pairs)]
    upper = [float(pairs)]
    for codes, limits in (
        (targets, np.asarray(target_capacity, dtype=float)),
        (sources, np.full(int(sources.max()) + 1 if n else 0, float(per_source))),
    ):
        used, inverse = np.unique(codes, return_inverse=True)
        blocks.append(sp.csr_matrix((np.ones(n), (inverse, columns)), shape=(len(used), n)))
        lower.extend([0.0] * len(used))
        upper.extend(limits[used].tolist())
    for mask in groups.values():
        if quota > 0:
            blocks.append(sp.csr_matrix(np.asarray(mask, dtype=float)[None, :]))
            lower.append(float(quota))
            upper.append(np.inf)
    constraint = LinearConstraint(sp.vstack(blocks).tocsr(), np.array(lower), np.array(upper))
    result = milp(
        -scores,
        constraints=constraint,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        # Proven optimum (no gap). HiGHS's presolve can take seconds on these transport-like
        # programmes whose relaxation is already integral, so it is left out.
        options={"mip_rel_gap": 0.0, "presolve": False},
    )
    if result.status == 2 or result.x is None:
        raise InfeasiblePlanError(
            f"no plan of {pairs} pairs meets the capacity, per-enterprise and quota limits "
            "together; lower --pairs or --quota, or raise --capacity or --per-enterprise"
        )
    if result.status != 0:
        raise InfeasiblePlanError(f"the solver stopped without a proven optimum: {result.message}")
    return np.flatnonzero(result.x > 0.5)


def _each_sources_best(
    scores: np.ndarray, sources: np.ndarray, pairs: int, groups: Iterable[np.ndarray]
) -> np.ndarray | None:
    """The candidates an optimal plan of ``pairs`` pairs can be found among: each source's
    ``pairs`` best (ties to the earlier candidate), in candidate order. A NaN score marks
    a candidate that can never be chosen (its target has no free slot): left out.
    ``None`` when that keeps every candidate, or when a group mixes the pairs of one
    source.

    Some optimal plan uses only these. Take an optimal plan with a pair (s, t) outside
    them. Its other ``pairs - 1`` pairs fill or use at most ``pairs - 1`` targets, so one
    of the ``pairs`` open targets that s ranks above t is neither full nor already
    paired with s. Moving the pair to that target keeps every target within its
    capacity, s's count, and (when each group holds all or none of a source's pairs)
    every group's count, and does not lower the total; each move takes one pair inside.
    """
    n = len(scores)
    if pairs < 1 or n == 0:
        return None
    for mask in groups:
        mixed = pd.Series(np.asarray(mask, dtype=bool)).groupby(sources).nunique()
        if int(mixed.max()) > 1:
            return None
    usable = np.flatnonzero(~np.isnan(scores))
    order = usable[np.lexsort((usable, -scores[usable], sources[usable]))]
    ranked = sources[order]
    within = np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")
    if len(order) == n and (within < pairs).all():
        return None
    return np.sort(order[within < pairs])


def _check_feasible(
    scores: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    pairs: int,
    target_capacity: np.ndarray,
    per_source: int,
    groups: Mapping[str, np.ndarray],
    quota: int,
) -> None:
    """Clear messages for the common ways a plan cannot exist (the solver confirms)."""
    slots = np.asarray(target_capacity, dtype=float)
    free_targets = np.unique(targets)
    target_room = float(slots[free_targets].clip(min=0).sum()) if len(free_targets) else 0.0
    source_room = len(np.unique(sources)) * per_source
    most = int(min(len(scores), target_room, source_room))
    if pairs > most:
        raise InfeasiblePlanError(
            f"{pairs} pairs asked for, but at most {most} fit: {int(target_room)} free "
            f"platform slots, {len(np.unique(sources))} eligible enterprises × "
            f"{per_source} each, {len(scores)} candidate pairs"
        )
    if quota <= 0:
        return
    for name, mask in groups.items():
        mask = np.asarray(mask, dtype=bool)
        group_sources = len(np.unique(sources[mask])) * per_source
        group_targets = (
            float(slots[np.unique(targets[mask])].clip(min=0).sum()) if mask.any() else 0
        )
        room = int(min(mask.sum(), group_sources, group_targets))
        if room < quota:
            raise InfeasiblePlanError(
                f"quota {quota} for industry {name} cannot be met: at most {room} "
                f"pair{'s' if room != 1 else ''} of its enterprises fit"
            )
    if quota * len(groups) > pairs:
        raise InfeasiblePlanError(
            f"quotas need at least {quota * len(groups)} pairs ({quota} for each of "
            f"{len(groups)} gap industries: {', '.join(groups)}), but only {pairs} are planned"
        )


def pairing_plan(
    network: Snapshot | Tables,
    *,
    pairs: int | None = None,
    capacity: int = 5,
    per_enterprise: int = 1,
    quota: int = 0,
    gap_industries: Sequence[str] | None = None,
    coverage_target: float = 0.5,
    leading_only: bool | None = None,
    weights: str | Weights = "default",
    explain: bool = True,
    seed: int = 0,
) -> pd.DataFrame:
    """An optimal set of new enterprise–platform pairs, with each pair's reasons.

    Parameters
    ----------
    network
        The network at one cut (a snapshot, or validated tables).
    pairs
        How many new pairs (default: enough to pass the bureau's target of more than
        :data:`CENTRE_TARGET` co-built R&D centres, at least 1).
    capacity
        Co-built centres a platform can host, existing ones included.
    per_enterprise
        New pairs per enterprise at most.
    quota
        Pairs each gap industry gets at least (0: no quotas).
    gap_industries
        Industry codes that get the quota (default: those whose coverage share is below
        ``coverage_target``).
    leading_only
        Only leading enterprises (default: when the data flags any enterprise as leading).
    weights
        ``"default"``, ``"learned"`` or a :class:`~collabnet.recommend.model.Weights`.

    Returns
    -------
    pandas.DataFrame
        One row per chosen pair, best first: the columns of
        :func:`~collabnet.recommend.core.recommend` (without ``rank``), plus
        ``candidate_rank`` (1 = the best of all candidate pairs) and ``percentile`` (the
        share of candidate pairs that score lower: the default weights' scores are not
        probabilities, so these are what tell one pair from another), ``plan`` (1, 2,
        …), ``industries`` (the enterprise's) and ``platform_load`` (co-built centres
        after the plan). ``attrs`` holds ``candidates`` (how many pairs were candidates),
        ``total_score``, ``pairs``, ``gap_industries`` and ``existing_centres``.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> plan = pairing_plan(load_tables("data/sample"), pairs=5)
    >>> len(plan), int(plan["enterprise_id"].duplicated().sum())
    (5, 0)
    """
    snapshot = as_snapshot(network)
    if capacity < 0 or per_enterprise < 1 or quota < 0:
        raise InputError("capacity and quota must not be negative, per_enterprise at least 1")
    candidates = Candidates(("enterprise",), ("platform",))
    if not (snapshot.organizations["type"] == "platform").any():
        raise InputError("the network has no platforms: a pairing plan needs platforms")
    settings = Settings(capacity=max(capacity, 1), coverage_target=coverage_target)
    space = build_space(snapshot, candidates, settings=settings)
    used = resolve_weights(weights, space, seed=seed)
    scorer = Scorer(space, used)

    organizations = space.tables.organizations
    source_orgs = organizations.iloc[space.rows]
    leading = source_orgs["leading"].astype("boolean")
    if leading_only is None:
        leading_only = bool(leading.fillna(False).any())
    eligible = (
        np.flatnonzero(leading.fillna(False).to_numpy(dtype=bool))
        if leading_only
        else (np.arange(len(space.rows)))
    )
    load = space.node["co_built"].to_numpy()[space.cols]
    free = np.clip(capacity - load, 0, None).astype(float)
    existing = int(load.sum())
    wanted = pairs if pairs is not None else max(1, CENTRE_TARGET + 1 - existing)

    open_cols = np.flatnonzero(free > 0)
    if len(eligible) * len(open_cols) <= POOL_CELLS:
        grid_rows = np.repeat(eligible, len(open_cols))
        grid_cols = np.tile(open_cols, len(eligible))
        unlinked = np.asarray(space.linked()[grid_rows, grid_cols]).ravel() == 0
        grid_rows, grid_cols = grid_rows[unlinked], grid_cols[unlinked]
        logits = scorer.at(grid_rows, grid_cols)
        pool = None
    else:
        # Big networks: each enterprise's best open platforms form the candidate pool.
        pool = max(POOL_SIZE, wanted, 2 * per_enterprise)
        best = scorer.top(pool, rows=eligible, closed=free <= 0)
        grid_rows = best["row"].to_numpy()
        grid_cols = best["col"].to_numpy()
        logits = best["logit"].to_numpy()
    scores = scorer.score(logits)

    codes = {code for codes in source_orgs["industries"] for code in codes}
    if gap_industries is None:
        gaps = []
        if space.coverage is not None:
            share = space.coverage.set_index("industry")["coverage_share"]
            gaps = [c for c, v in share.items() if pd.notna(v) and v < coverage_target]
    else:
        unknown = [c for c in gap_industries if c not in set(snapshot.industries["code"])]
        if unknown:
            raise InputError(f"unknown industry code '{unknown[0]}'")
        gaps = list(gap_industries)
    gaps = [g for g in gaps if g in codes or quota > 0]
    member = source_orgs["industries"].to_numpy(dtype=object)
    groups: dict[str, np.ndarray] = (
        {str(gap): np.array([gap in member[r] for r in grid_rows], dtype=bool) for gap in gaps}
        if quota > 0
        else {}
    )

    chosen = solve_pairing(
        scores,
        grid_rows,
        grid_cols,
        pairs=wanted,
        target_capacity=free,
        per_source=per_enterprise,
        groups=groups,
        quota=quota,
    )
    order = chosen[np.lexsort((grid_cols[chosen], grid_rows[chosen], -scores[chosen]))]
    rows, cols = grid_rows[order], grid_cols[order]
    frame = pair_frame(space, used, rows, cols, explain=explain)
    frame.insert(4, "score", np.round(scores[order], 6))
    ranked = np.sort(scores)
    higher = len(ranked) - np.searchsorted(ranked, scores[order], side="right")
    lower = np.searchsorted(ranked, scores[order], side="left")
    frame.insert(5, "candidate_rank", higher + 1)
    frame.insert(6, "percentile", np.round(lower / max(len(ranked), 1), 6))
    frame.insert(7, "plan", np.arange(1, len(order) + 1))
    frame.insert(8, "industries", [list(member[r]) for r in rows])
    added = pd.Series(cols).value_counts()
    frame["platform_load"] = [int(load[c] + added[c]) for c in cols]
    frame.attrs.update(
        {
            "candidates": len(scores),
            "total_score": float(scores[order].sum()),
            "pairs": int(wanted),
            "gap_industries": gaps,
            "existing_centres": existing,
            "weights": used.description,
            "pool": "every unlinked pair"
            if pool is None
            else f"each enterprise's {pool} best open platforms",
        }
    )
    return frame


def write_plan(plan: pd.DataFrame, path: str | Path) -> Path:
    """Write a plan to ``.xlsx`` (a ``plan`` sheet and an ``about`` sheet) or ``.csv``.

    Reasons go one per line in their cell; CSV is UTF-8 with a byte-order mark so that
    Excel opens the Chinese text correctly.
    """
    path = Path(path)
    table = plan.copy()
    for column in ("reasons", "industries"):
        if column in table.columns:
            table[column] = table[column].map(lambda v: "\n".join(v) if isinstance(v, list) else v)
    if path.suffix.lower() == ".csv":
        table.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"{path}: a plan is written as .xlsx or .csv")
    about = pd.DataFrame(
        {
            "key": ["pairs", "total_score", "existing_centres", "gap_industries", "weights"],
            "value": [
                str(plan.attrs.get("pairs", len(plan))),
                f"{plan.attrs.get('total_score', float('nan')):.6f}",
                str(plan.attrs.get("existing_centres", "")),
                ", ".join(plan.attrs.get("gap_industries", [])),
                str(plan.attrs.get("weights", "")),
            ],
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="plan", index=False)
        about.to_excel(writer, sheet_name="about", index=False)
    return path


def largest_plan(network: Snapshot | Tables, most: int, *, seed: int = 0) -> pd.DataFrame | None:
    """The pairing plan of ``most`` pairs, or of as many as the platforms' capacity and the
    one-pair-per-enterprise limit allow (found by halving); None when not even one fits."""
    try:
        return pairing_plan(network, pairs=most, seed=seed)
    except InfeasiblePlanError:
        pass
    best, low, high = None, 0, most - 1
    while low < high:
        wanted = (low + high + 1) // 2
        try:
            best, low = pairing_plan(network, pairs=wanted, seed=seed), wanted
        except InfeasiblePlanError:
            high = wanted - 1
    return best
