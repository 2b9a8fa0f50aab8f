"""Backtest: hide the links of later years, recommend from the earlier network, score.

The network is cut at the end of ``train_until`` with :meth:`Tables.as_of` (for
participation data that re-derives every link and every organisation's attributes from
the training years only), and nothing after the cut is read except to know which pairs
formed. The hidden pairs are the candidate-type pairs first linked in
``train_until + 1 … test_until``.

Two segments are scored separately:

``warm``
    both organisations already had a link at the cut;
``cold``
    the source organisation had none (a newcomer), the target had. Every neighbourhood
    score is zero for such a source, so this segment shows what attributes and target
    popularity alone achieve.

For each method, in the same run and on the same pairs:

- ``auc``: positives against ``negatives`` random never-linked pairs per positive,
  drawn with ``seed`` from the same segment (ties count one half);
- ``precision_at_10``, ``recall_at_10``, ``mrr``, ``ndcg_at_10``: every source with at
  least one hidden pair ranks all unlinked targets; macro average over those sources;
- ``precision_at_100``: share of hidden pairs among the 100 best pairs of the segment.

Ties are broken at random (seeded), so a method that scores most pairs zero is not
flattered by the order of the rows; the draws come per block of rows, so the figures do
not depend on how the rows are split for scoring. The baselines are networkx's classic
link-prediction scores computed on the training network: ``random``, ``common_neighbours``,
``adamic_adar``, ``resource_allocation``, ``preferential_attachment`` and
``adamic_adar+pa`` (the sum of the standardised ``log(1 + AA)`` and ``log(1 + PA)``,
i.e. the two ranked with equal weight). ``collabnet`` is the recommender with the
model asked for (``auto`` unless told otherwise, see
:func:`~collabnet.recommend.ranker.choose_model`); when the learned ranker and the default
weights were compared, the one not chosen is scored in the same run as
``collabnet-learned`` or ``collabnet-default``. The model sees the training years only:
label years up to ``train_until`` (features from the year before each), the last of them
for validation and calibration.

:func:`evaluate_rolling` runs every cut of :func:`rolling_cuts` (for 2014–2017 data:
≤2014→2015, ≤2015→2016, ≤2016→2017 and ≤2015→2016–17) and adds their mean.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.recommend import signals
from collabnet.recommend.features import Candidates, FeatureSpace, Settings
from collabnet.recommend.metrics import auc_score, ranking_metrics
from collabnet.recommend.rank import Scorer
from collabnet.recommend.ranker import (
    AT_SLICE,
    BoundModel,
    LabelledYear,
    Model,
    choose_model,
)
from collabnet.recommend.sampling import sample_non_links
from collabnet.recommend.space import build_space
from collabnet.recommend.weights import Weights
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = [
    "METHODS",
    "auc_score",
    "evaluate",
    "evaluate_rolling",
    "ranking_metrics",
    "rolling_cuts",
]

METHODS = (
    "collabnet",
    "random",
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
    "adamic_adar+pa",
)
# Cells of a segment scored at once, rounded to whole blocks of _KEY_ROWS rows.
_CHUNK_CELLS = 1_000_000
# Random draws (tie-breaks, the random baseline) come in blocks of this many rows, each
# from its own seeded generator: they do not depend on how the rows are chunked.
_KEY_ROWS = 64


def evaluate(
    network: Snapshot | Tables,
    *,
    train_until: int,
    test_until: int | None = None,
    candidates: Candidates | None = None,
    weights: str | Weights = "auto",
    settings: Settings | None = None,
    seed: int = 0,
    negatives: int = 20,
    k: int = 10,
    global_k: int = 100,
    memo: dict[int, LabelledYear | None] | None = None,
    spaces: dict[int, FeatureSpace] | None = None,
    release: Collection[int] = (),
    models: dict[int, Model] | None = None,
    baselines: bool = True,
    trains: dict[int, Tables] | None = None,
) -> pd.DataFrame:
    """Backtest the recommender and the baselines on the years after ``train_until``.

    Parameters
    ----------
    tables
        The whole network, with dated links (or participations).
    train_until
        Last year the recommender may see.
    test_until
        Last hidden year (default: the last year of the data).
    candidates
        Types to pair (default: enterprise × platform, or enterprise × university and
        institute when the training network has no platform).
    weights
        ``"default"`` (documented weights), ``"learned"`` (fitted on the training years
        only) or a :class:`~collabnet.recommend.model.Weights` object.
    seed
        Seed for the sampled non-links and the tie-breaking.
    negatives
        Non-links per positive for the AUC.
    memo, spaces
        Labelled years and feature spaces by year, shared between cuts of the same
        network, candidates and settings (see
        :func:`~collabnet.recommend.ranker.choose_model`).
    release
        Years whose spaces no later use needs: they leave ``spaces`` as soon as this cut
        is done with them.
    models
        Models chosen by ``train_until``, shared between cuts of the same network,
        candidates, settings, weights and seed: the model of a cut depends on its training
        years only, so cuts trained up to the same year share it.
    baselines
        Whether to score the baselines too (False: collabnet's own rows only, as a
        search over weights needs).
    trains
        The tables as of each training year, shared between cuts of the same network
        (cuts trained up to the same year share them).

    Returns
    -------
    pandas.DataFrame
        One row per method and segment: ``method``, ``segment``, ``auc``,
        ``precision_at_10``, ``recall_at_10``, ``mrr``, ``ndcg_at_10``,
        ``precision_at_100`` (with ``k`` and ``global_k`` in the names), ``positives``,
        ``sources`` (sources ranked), ``negatives``. Warm rows come first, ``collabnet``
        first within a segment. ``attrs`` holds the weights used and notes.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> table = evaluate(load_tables("data/sample"), train_until=2022)
    >>> table["method"].iloc[0]
    'collabnet'
    """
    snapshot = as_snapshot(network)
    tables = snapshot.tables
    years = tables.links["year"].dropna()
    if len(years) == 0:
        raise InputError("the links carry no years: a backtest needs dated links")
    last = int(years.max())
    test_until = last if test_until is None else int(test_until)
    if train_until >= test_until:
        raise InputError(
            f"--train-until {train_until} must be before --test-until {test_until} "
            f"(the data's links run {int(years.min())}–{last})"
        )
    first = int(years.min())
    if train_until < first:
        raise InputError(
            f"--train-until {train_until} is before the data starts ({first}): there is no "
            f"network to learn from; give a year from {first} to {test_until - 1}"
        )
    trains = {} if trains is None else trains
    if train_until not in trains:
        trains[train_until] = tables.as_of(train_until)
    train = trains[train_until]
    candidates = candidates or Candidates.default_for(train)
    hidden = _hidden_pairs(snapshot, train, candidates, train_until, test_until)
    if len(hidden) == 0:
        raise InputError(
            f"no new {candidates.source_role}–{candidates.target_role} pairs were first "
            f"linked in {train_until + 1}–{test_until}: nothing to test"
        )
    newcomers = hidden.loc[~hidden["source_known"], ["source", "source_name", "source_type"]]
    newcomers = newcomers.drop_duplicates("source").set_axis(["id", "name", "type"], axis=1)
    spaces = {} if spaces is None else spaces
    # The model sees the training tables only (not the newcomers, known from the test
    # years): it is fitted and validated on label years up to train_until.
    models = {} if models is None else models
    if isinstance(weights, Weights):
        model = Model(weights.method, weights, description=weights.description)
    elif train_until in models:
        model = models[train_until]
    else:
        model = models[train_until] = choose_model(
            train, weights, candidates, settings, seed=seed, memo=memo, spaces=spaces
        )
    if train_until - 1 in release:
        spaces.pop(train_until - 1, None)
    if train_until not in spaces:
        spaces[train_until] = build_space(train, candidates, settings=settings)
    space = build_space(
        train,
        candidates,
        settings=settings,
        extra_sources=newcomers,
        reuse=spaces[train_until] if train_until not in release else spaces.pop(train_until),
    )
    chosen = model.bind(space)
    scorers: list[tuple[str, BoundModel]] = [("collabnet", chosen)]
    for kind, other in model.others.items():
        scorers.append((f"collabnet-{kind}", other.bind(space, like=chosen)))

    row_of = pd.Series(np.arange(len(space.rows)), index=space.ids[space.rows])
    col_of = pd.Series(np.arange(len(space.cols)), index=space.ids[space.cols])
    degree = space.node["degree"].to_numpy()
    warm_targets = set(space.ids[space.cols[degree[space.cols] > 0]])
    unscored = int((~hidden["target"].isin(warm_targets)).sum())
    hidden = hidden[hidden["target"].isin(col_of.index)]
    r = hidden["source"].map(row_of).to_numpy(dtype=np.int64)
    c = hidden["target"].map(col_of).to_numpy(dtype=np.int64)
    already = signals.values_at(space.linked(), r, c) > 0
    r, c = r[~already], c[~already]
    truth = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=space.shape)
    truth.data[:] = 1.0

    warm_rows = np.flatnonzero(degree[space.rows] > 0)
    warm_cols = np.flatnonzero(degree[space.cols] > 0)
    cold_rows = np.flatnonzero(degree[space.rows] == 0)
    methods = _methods(space, scorers, seed, baselines=baselines)

    results = []
    for segment, rows in (("warm", warm_rows), ("cold", cold_rows)):
        segment_truth = _restrict(truth, rows, warm_cols)
        if segment_truth.nnz == 0:
            continue
        results.extend(
            _score_segment(
                segment,
                space,
                methods,
                segment_truth,
                rows,
                warm_cols,
                seed,
                negatives,
                k,
                global_k,
            )
        )
    frame = pd.DataFrame(results)
    frame.attrs["weights"] = model.description
    frame.attrs["train_until"] = train_until
    frame.attrs["test_until"] = test_until
    frame.attrs["coefficients"] = chosen.scorer.weights.coefficients
    frame.attrs["model"] = model
    frame.attrs["notes"] = [
        *space.notes,
        f"train: network up to {train_until}; "
        f"test: pairs first linked {train_until + 1}–{test_until}",
        f"{unscored} hidden pairs whose target had no link at the cut are not scored",
    ]
    return frame


def rolling_cuts(first: int, last: int) -> list[tuple[int, int]]:
    """The backtest cuts of data dated ``first``–``last``: (train until, test until).

    The last three one-year-ahead cuts, then the two-year-ahead cut ending at the last
    year; for 2014–2017: ≤2014→2015, ≤2015→2016, ≤2016→2017 and ≤2015→2016–17.
    """
    cuts = [(year, year + 1) for year in range(max(first, last - 3), last)]
    if last - 2 >= first and (last - 2, last) not in cuts:
        cuts.append((last - 2, last))
    return cuts


def evaluate_rolling(
    network: Snapshot | Tables,
    *,
    cuts: list[tuple[int, int]] | None = None,
    **options: object,
) -> pd.DataFrame:
    """:func:`evaluate` on every cut of :func:`rolling_cuts` (or ``cuts``), and the mean.

    Returns the rows of every cut with a ``cut`` column first (``≤2014→2015``), then one
    ``mean`` row per method and segment (the plain mean of the cuts' figures; positives,
    sources and negatives summed). ``attrs["cuts"]`` holds each cut's model description,
    notes and, when a ranker was fitted, its feature importances
    (:meth:`~collabnet.recommend.ranker.Model.importance`; None otherwise).
    """
    tables = as_snapshot(network).tables
    years = tables.links["year"].dropna()
    if len(years) == 0:
        raise InputError("the links carry no years: a backtest needs dated links")
    first, last = int(years.min()), int(years.max())
    chosen_cuts = cuts if cuts is not None else rolling_cuts(first, last)
    if not chosen_cuts:
        raise InputError(
            f"the links span {first}–{last}: a backtest needs at least two years of data"
        )
    frames = {}
    described = {}
    # Label years and the network as of each year are the same for every cut (and every
    # cut's candidate types are the same unless the training network lacks platforms),
    # so each is built once. A cut up to year T needs the spaces of T and T − 1 (its
    # validation year's); run in order of T, older spaces are let go.
    memos: dict[object, dict[int, LabelledYear | None]] = {}
    spaces: dict[object, dict[int, FeatureSpace]] = {}
    models: dict[object, dict[int, Model]] = {}
    trains: dict[int, Tables] = {}
    ordered = sorted(chosen_cuts)
    for number, (train_until, test_until) in enumerate(ordered):
        later = {year for cut, _ in ordered[number + 1 :] for year in (cut - 1, cut)}
        for by_year in spaces.values():
            for year in [y for y in by_year if y < train_until - 1]:
                del by_year[year]
        for year in [y for y in trains if y < train_until]:
            del trains[year]
        if train_until not in trains:
            trains[train_until] = tables.as_of(train_until)
        key = options.get("candidates") or Candidates.default_for(trains[train_until])
        frame = evaluate(
            network,
            train_until=train_until,
            test_until=test_until,
            memo=memos.setdefault(key, {}),
            spaces=spaces.setdefault(key, {}),
            models=models.setdefault(key, {}),
            trains=trains,
            release={train_until - 1, train_until} - later,
            **options,  # type: ignore[arg-type]
        )
        label = _cut_label(train_until, test_until)
        frames[label] = frame.assign(cut=label)
        model = frame.attrs["model"]
        ranker = model if model.booster is not None else model.others.get("learned")
        described[label] = {
            "cut": label,
            "weights": frame.attrs["weights"],
            "notes": frame.attrs["notes"],
            "importance": ranker.importance() if ranker is not None else None,
        }
    order = [_cut_label(*cut) for cut in chosen_cuts]
    every = pd.concat([frames[label] for label in order], ignore_index=True)
    every = every[["cut", *[c for c in every.columns if c != "cut"]]]
    metric_columns = [
        c for c in every.columns if c not in ("cut", "method", "segment") and c not in _COUNTS
    ]
    grouped = every.groupby(["method", "segment"], sort=False)
    mean = grouped[metric_columns].mean().round(4)
    mean[list(_COUNTS)] = grouped[list(_COUNTS)].sum()
    mean = mean.reset_index().assign(cut="mean")[every.columns]
    result = pd.concat([every, mean], ignore_index=True)
    result.attrs["cuts"] = [described[label] for label in order]
    return result


_COUNTS = ("positives", "sources", "negatives")


def _cut_label(train_until: int, test_until: int) -> str:
    test = (
        str(test_until)
        if test_until == train_until + 1
        else f"{train_until + 1}–{str(test_until)[-2:]}"
    )
    return f"≤{train_until}→{test}"


def _hidden_pairs(
    snapshot: Snapshot, train: Tables, candidates: Candidates, first: int, last: int
) -> pd.DataFrame:
    """Candidate-type pairs first linked after ``first`` up to ``last``, oriented."""
    tables = snapshot.tables
    pairs = snapshot.pairs
    year = pairs["year"].to_numpy(dtype="float64", na_value=np.nan)
    new = pd.DataFrame(
        {"a": pairs["id_a"].to_numpy(), "b": pairs["id_b"].to_numpy(), "year": year}
    )[(year > first) & (year <= last)]
    everyone = tables.organizations.set_index("id")
    known = train.organizations.set_index("id")
    # The type at the cut: participation data re-derives it, and a later majority of
    # declarations must neither choose the test pairs nor point outside the block.
    kind = known["type"].combine_first(everyone["type"]).reindex(everyone.index).to_numpy()
    names = everyone["name"].to_numpy()
    is_source = np.isin(kind, list(candidates.sources))
    is_target = np.isin(kind, list(candidates.targets))
    # Organisations by position: one look-up per pair end, then arrays (an end that is
    # not an organisation, -1, fits nothing).
    ends = {end: everyone.index.get_indexer(pd.Index(new[end])) for end in ("a", "b")}
    listed = (ends["a"] >= 0) & (ends["b"] >= 0)
    frames = []
    for a, b in (("a", "b"), ("b", "a")):
        fits = listed & is_source[ends[a]] & is_target[ends[b]]
        source = ends[a][fits]
        frames.append(
            pd.DataFrame(
                {
                    "source": new[a].to_numpy()[fits],
                    "target": new[b].to_numpy()[fits],
                    "source_type": kind[source],
                    "source_name": names[source],
                }
            )
        )
    hidden = pd.concat(frames, ignore_index=True).drop_duplicates(["source", "target"])
    hidden["source_known"] = hidden["source"].isin(known.index)
    hidden["target_known"] = hidden["target"].isin(known.index)
    return hidden.reset_index(drop=True)


def _restrict(block: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    keep_rows = np.zeros(block.shape[0])
    keep_rows[rows] = 1.0
    keep_cols = np.zeros(block.shape[1])
    keep_cols[cols] = 1.0
    restricted = sp.csr_matrix(sp.diags(keep_rows) @ block @ sp.diags(keep_cols))
    restricted.eliminate_zeros()
    return restricted


@dataclass
class _Method:
    name: str
    at: Callable[[np.ndarray, np.ndarray], np.ndarray]
    # Block rows × every column; the second argument gives seeded random draws for those
    # rows (``draw(width)``, rows × width), which only the random baseline reads.
    dense: Callable[[np.ndarray, Callable[[int], np.ndarray]], np.ndarray]
    # Whether a pair's score depends on that pair alone (not on the others asked with it).
    pairwise: bool = True


def _aucs(
    methods: list[_Method],
    positives: tuple[np.ndarray, np.ndarray],
    negatives: tuple[np.ndarray, np.ndarray],
) -> list[float]:
    """Each method's AUC of ``positives`` against ``negatives`` (row and column arrays).

    Pairwise scores are computed in slices of :data:`AT_SLICE` pairs (the same values,
    in less memory), every method's slices spread over one pool of threads: a slow
    method (the ranker) then shares the processors instead of finishing alone."""
    tasks: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    for number, method in enumerate(methods):
        for side, (r, c) in enumerate((positives, negatives)):
            step = AT_SLICE if method.pairwise else max(len(r), 1)
            tasks.extend(
                (number, side, r[start : start + step], c[start : start + step])
                for start in range(0, max(len(r), 1), step)
            )

    def score(task: tuple[int, int, np.ndarray, np.ndarray]) -> np.ndarray:
        number, _, r, c = task
        return np.asarray(methods[number].at(r, c), dtype=float)

    with ThreadPoolExecutor(max(1, min(signals.worker_count(), len(tasks)))) as pool:
        scored = list(pool.map(score, tasks))
    parts: dict[tuple[int, int], list[np.ndarray]] = {}
    for (number, side, _, _), values in zip(tasks, scored, strict=True):
        parts.setdefault((number, side), []).append(values)
    return [
        auc_score(np.concatenate(parts[(number, 0)]), np.concatenate(parts[(number, 1)]))
        for number in range(len(methods))
    ]


def _methods(
    space: FeatureSpace, scorers: list[tuple[str, BoundModel]], seed: int, *, baselines: bool
) -> list[_Method]:
    own = _own_methods(scorers)
    if not baselines:
        return own
    degree = space.node["degree"].to_numpy()
    row_degree = degree[space.rows]
    col_degree = degree[space.cols]
    # The neighbourhood blocks are always held sparse.
    blocks = {
        name: block for name, block in space.blocks.items() if isinstance(block, sp.csr_matrix)
    }

    def block_method(name: str) -> _Method:
        block = blocks[name]
        return _Method(
            name,
            lambda r, c: signals.values_at(block, r, c),
            lambda rows, _draw: block[rows].toarray(),
        )

    def pa_at(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return row_degree[r] * col_degree[c]

    def pa_dense(rows: np.ndarray, _draw: Callable[[int], np.ndarray]) -> np.ndarray:
        return np.outer(row_degree[rows], col_degree)

    # Standardise log(1+AA) and log(1+PA) over random candidate pairs, then add.
    sr, sc = space.sample_pairs(20_000, seed)
    log_aa = np.log1p(signals.values_at(blocks["adamic_adar"], sr, sc))
    log_pa = np.log1p(pa_at(sr, sc))
    aa_mean, aa_sd = float(log_aa.mean()), float(log_aa.std()) or 1.0
    pa_mean, pa_sd = float(log_pa.mean()), float(log_pa.std()) or 1.0

    def combo_at(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        aa = np.log1p(signals.values_at(blocks["adamic_adar"], r, c))
        return (aa - aa_mean) / aa_sd + (np.log1p(pa_at(r, c)) - pa_mean) / pa_sd

    def combo_dense(rows: np.ndarray, draw: Callable[[int], np.ndarray]) -> np.ndarray:
        aa = np.log1p(blocks["adamic_adar"][rows].toarray())
        return (aa - aa_mean) / aa_sd + (np.log1p(pa_dense(rows, draw)) - pa_mean) / pa_sd

    n_cols = space.shape[1]
    return [
        *own,
        _Method(
            "random",
            lambda r, c: np.random.default_rng([seed, 7]).random(len(r)),
            lambda rows, draw: draw(n_cols),
            pairwise=False,
        ),
        block_method("common_partners"),
        block_method("adamic_adar"),
        block_method("resource_allocation"),
        _Method("preferential_attachment", pa_at, pa_dense),
        _Method("adamic_adar+pa", combo_at, combo_dense),
    ]


def _own_methods(scorers: list[tuple[str, BoundModel]]) -> list[_Method]:
    """collabnet's methods. Those that share a linear scorer (the ranker shortlists with
    the default weights) compute its dense block once per chunk of rows: each thread
    holds the last one it computed, with the rows it was computed for."""
    held = threading.local()

    def linear(scorer: Scorer, rows: np.ndarray) -> np.ndarray:
        last = getattr(held, "last", None)
        if last is None or last[0] is not scorer or last[1] is not rows:
            last = held.last = (scorer, rows, scorer.dense(rows))
        return last[2]

    def dense_of(
        bound: BoundModel,
    ) -> Callable[[np.ndarray, Callable[[int], np.ndarray]], np.ndarray]:
        def dense(rows: np.ndarray, _draw: Callable[[int], np.ndarray]) -> np.ndarray:
            return bound.dense(rows, linear=linear(bound.scorer, rows))

        return dense

    return [_Method(name, bound.at, dense_of(bound)) for name, bound in scorers]


def _score_segment(
    segment: str,
    space: FeatureSpace,
    methods: list[_Method],
    truth: sp.csr_matrix,
    rows: np.ndarray,
    cols: np.ndarray,
    seed: int,
    negatives: int,
    k: int,
    global_k: int,
) -> list[dict[str, object]]:
    rng = np.random.default_rng([seed, 1 if segment == "warm" else 2])
    pr, pc = truth.nonzero()
    queried = np.flatnonzero(np.diff(truth.indptr) > 0)
    in_cols = np.zeros(space.shape[1], dtype=bool)
    in_cols[cols] = True
    linked = space.linked()
    # The look-ups below sort a matrix's indices in place once; done here, before the
    # threads read the matrices, they only read.
    truth.sort_indices()
    linked.sort_indices()

    chunk = _KEY_ROWS * max(1, _CHUNK_CELLS // max(len(cols), 1) // _KEY_ROWS)
    query_mask = np.zeros(space.shape[0], dtype=bool)
    query_mask[queried] = True

    def score_chunk(start: int) -> list[tuple[np.ndarray | None, tuple[np.ndarray, np.ndarray]]]:
        """Each method's per-row measures and best cells for the rows from ``start``.
        Every random draw is seeded by its block of rows, so chunks may run in any order."""
        part = rows[start : start + chunk]
        blocked = linked[part][:, cols].toarray() > 0
        hits = truth[part][:, cols].toarray() > 0
        asked = query_mask[part]
        # One random key per cell breaks ties, the same for every method.
        tiebreak = _draws((seed, 3), start, len(part), len(cols))
        outcome = []
        for number, method in enumerate(methods):

            def draw(width: int, number: int = number) -> np.ndarray:
                return _draws((seed, 11, number), start, len(part), width)

            # np.take keeps rows contiguous (``[:, cols]`` gives a column-major copy).
            scores = np.take(method.dense(part, draw), cols, axis=1)
            scores[blocked] = -np.inf
            measured = None
            if asked.any():
                measured = ranking_metrics(scores[asked], hits[asked], k, tiebreak=tiebreak[asked])
            outcome.append((measured, _chunk_best(scores, hits, tiebreak, global_k)))
        return outcome

    # Chunks on threads (most of their time is in numpy and LightGBM, which release the
    # interpreter lock), their results taken in chunk order: the same as one by one.
    starts = range(0, len(rows), chunk)
    per_row: dict[str, list[np.ndarray]] = {m.name: [] for m in methods}
    best: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {m.name: [] for m in methods}
    with ThreadPoolExecutor(max(1, min(signals.worker_count(), len(starts)))) as pool:
        outcomes = pool.map(score_chunk, starts)
        # The non-links for the AUC are drawn while the chunks are scored.
        nr, nc = sample_non_links(space, negatives * len(pr), rng, truth, rows=rows, cols=cols)
        for outcome in outcomes:
            for method, (measured, cells) in zip(methods, outcome, strict=True):
                if measured is not None:
                    per_row[method.name].append(measured)
                best[method.name].append(cells)

    aucs = _aucs(methods, (pr, pc), (nr, nc))
    results = []
    for method, auc in zip(methods, aucs, strict=True):
        metrics = np.concatenate(per_row[method.name]) if per_row[method.name] else np.zeros((0, 4))
        mean = metrics.mean(axis=0) if len(metrics) else np.full(4, np.nan)
        results.append(
            {
                "method": method.name if method.name != "common_partners" else "common_neighbours",
                "segment": segment,
                "auc": round(float(auc), 4),
                f"precision_at_{k}": round(float(mean[0]), 4),
                f"recall_at_{k}": round(float(mean[1]), 4),
                "mrr": round(float(mean[2]), 4),
                f"ndcg_at_{k}": round(float(mean[3]), 4),
                f"precision_at_{global_k}": round(
                    _global_precision(best[method.name], global_k), 4
                ),
                "positives": len(pr),
                "sources": len(metrics),
                "negatives": len(nr),
            }
        )
    return results


def _draws(words: tuple[int, ...], start: int, count: int, width: int) -> np.ndarray:
    """Uniform draws for rows ``start … start + count`` of a segment × ``width``, from one
    generator per block of :data:`_KEY_ROWS` rows seeded by ``words`` and the block's
    number: a row's draws are the same whichever chunk it is scored in."""
    first, stop = start // _KEY_ROWS, -(-(start + count) // _KEY_ROWS)
    blocks = [
        np.random.default_rng([*words, block]).random((_KEY_ROWS, width))
        for block in range(first, stop)
    ]
    offset = start - first * _KEY_ROWS
    drawn = blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
    return drawn[offset : offset + count]


def _chunk_best(
    scores: np.ndarray, hits: np.ndarray, keys: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` best cells of a chunk, as (score, key) rows and whether each is a
    hit: ties go to the smaller random ``key`` (one per cell), so the best cells of a
    segment are the best of its chunks' best, however it is chunked."""
    flat = scores.ravel()
    flat_keys = keys.ravel()
    valid = np.isfinite(flat)
    if np.count_nonzero(valid) <= count:
        chosen = np.flatnonzero(valid)
    else:
        # ``count`` rows' best cells are at or above the count-th best row maximum, so
        # the cut is too: only the cells above that floor are partitioned.
        row_best = scores.max(axis=1)
        row_best = row_best[np.isfinite(row_best)]
        floor = np.partition(row_best, -count)[-count] if len(row_best) >= count else -np.inf
        at_least = np.flatnonzero(flat >= floor)
        values = flat[at_least]
        cut = np.partition(values[np.isfinite(values)], -count)[-count]
        above = at_least[values > cut]
        tied = at_least[values == cut]
        need = count - len(above)
        if need < len(tied):
            tied = tied[np.argpartition(flat_keys[tied], need - 1)[:need]]
        chosen = np.concatenate([above, tied])
    return np.column_stack([flat[chosen], flat_keys[chosen]]), hits.ravel()[chosen]


def _global_precision(chunks: list[tuple[np.ndarray, np.ndarray]], count: int) -> float:
    if not chunks:
        return float("nan")
    keys = np.concatenate([c[0] for c in chunks])
    hits = np.concatenate([c[1] for c in chunks])
    order = np.lexsort((keys[:, 1], -keys[:, 0]))[:count]
    return float(hits[order].sum() / count)
