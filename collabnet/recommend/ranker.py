"""Which model ranks the pairs: the documented weights or a learned ranker, chosen honestly.

The learned ranker is gradient-boosted trees (LightGBM) over every feature of
:data:`~collabnet.recommend.features.FEATURES`. LightGBM rather than scikit-learn's
``HistGradientBoostingClassifier`` because it gives exact per-pair tree SHAP
contributions (``pred_contrib``), which the reasons are built from, and it is
deterministic for a seed with ``deterministic=True``.

Training stacks rolling years: for every label year ``Y`` of the network's history,
features from the network at the end of ``Y − 1`` and positives = pairs first linked in
``Y``, with uniformly drawn unlinked pairs as negatives (as the backtest draws them).
``auto`` fits on every label year but the last, validates on the last, and keeps the
learned ranker only when it ranks the last year's new pairs better than the default
weights (mean of precision@10, MRR and nDCG@10 over the sources that formed pairs);
either way the chosen model's probability is calibrated on that year (Platt scaling).

A whole block is ranked in two stages: the linear default score shortlists each row's
:data:`SHORTLIST` best columns, and the ranker orders the shortlist; the rest of a row
keeps the linear order below it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.recommend.features import FEATURES, Block, Candidates, FeatureSpace, Settings
from collabnet.recommend.metrics import ranking_metrics
from collabnet.recommend.rank import Scorer
from collabnet.recommend.sampling import dated_links, new_pairs, sample_non_links
from collabnet.recommend.signals import worker_count
from collabnet.recommend.space import SpaceInGroups, build_space
from collabnet.recommend.weights import MIN_POSITIVES, Weights, default_weights, fit_logistic
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = [
    "CHOICES",
    "SHORTLIST",
    "BoundModel",
    "LabelledYear",
    "Model",
    "choose_model",
    "fit_ranker",
    "labelled_year",
    "ranker_inputs",
    "space_as_of",
]

CHOICES = ("auto", "default", "learned")
SHORTLIST = 100
NEGATIVES = 20
MAX_NEGATIVES = 200_000
# Chosen on the mean over the rolling CORDIS cuts (see the README's recommendation
# section); small leaves and many samples per leaf keep a thin year from being memorised.
GBM_PARAMS: dict[str, object] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "deterministic": True,
    "force_row_wise": True,
    # One thread: the sets are small, and OpenMP threads that wait on a busy machine
    # cost more than they bring.
    "num_threads": 1,
    "verbose": -1,
}
ROUNDS = 200
# Label years stacked: the last one validates, the ones before it train. Older years
# describe a younger network and cost a feature space each.
LABEL_YEARS = 4
# Above this many candidate pairs (sources × targets), `auto` uses the default weights
# without fitting the ranker: its label-year spaces and shortlists grow with the block,
# and on 200,000 organisations (2.2 billion pairs) the choice took more than 8 GB and half
# an hour. CORDIS 2014–2017 has 62 million pairs.
AUTO_MAX_PAIRS = 250_000_000
# Where the shortlisted pairs sit above every other pair of their row.
_LIFT = 1e6
# From this many pairs on, scoring uses every processor.
_THREADED_ROWS = 20_000
# Pairs whose features are built and scored at once by a learned model.
AT_SLICE = 100_000


# The documented default weights, standardised on the space they score when bound.
DEFAULTS = Weights(
    coefficients={},
    mean={},
    scale={},
    intercept=0.0,
    method="default",
    description="documented default weights (collabnet.recommend.model.DEFAULT_WEIGHTS)",
)


@dataclass
class LabelledYear:
    """Pairs of one label year: features at the end of ``year − 1``, 1 = first linked in
    ``year``, 0 = uniformly drawn unlinked pair."""

    year: int
    rows: np.ndarray
    cols: np.ndarray
    labels: np.ndarray
    frame: pd.DataFrame
    unlinked: int

    @property
    def positives(self) -> int:
        return int(self.labels.sum())


def labelled_year(
    network: Snapshot | Tables,
    year: int,
    candidates: Candidates,
    settings: Settings | None = None,
    *,
    seed: int = 0,
    negatives: int = NEGATIVES,
    spaces: dict[int, FeatureSpace] | None = None,
) -> LabelledYear | None:
    """The labelled pairs of ``year``, or None when fewer than
    :data:`~collabnet.recommend.weights.MIN_POSITIVES` candidate pairs formed.

    ``spaces`` holds feature spaces of the network as of a year (with these candidates
    and settings): the one of ``year − 1`` is taken from it, or built and added to it.
    """
    space = space_as_of(network, year - 1, candidates, settings, spaces)
    if space is None:
        return None
    drawn = _drawn(network, space, year, candidates, seed, negatives)
    if drawn is None:
        return None
    rows, cols, labels = drawn
    return LabelledYear(
        year=year,
        rows=rows,
        cols=cols,
        labels=labels,
        frame=ranker_inputs(space, space.features_at(rows, cols)),
        unlinked=space.shape[0] * space.shape[1] - space.linked().nnz,
    )


def _drawn(
    network: Snapshot | Tables,
    block: Block,
    year: int,
    candidates: Candidates,
    seed: int,
    negatives: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The block positions and labels of ``year``'s labelled pairs: the pairs first
    linked in ``year``, then uniformly drawn unlinked pairs; None when too few formed."""
    r, c = new_pairs(block, dated_links(as_snapshot(network), year, year, candidates), year, year)
    if len(r) < MIN_POSITIVES:
        return None
    rng = np.random.default_rng([seed, year])
    positives = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=block.shape)
    nr, nc = sample_non_links(block, min(negatives * len(r), MAX_NEGATIVES), rng, positives)
    return (
        np.concatenate([r, nr]),
        np.concatenate([c, nc]),
        np.concatenate([np.ones(len(r)), np.zeros(len(nr))]),
    )


def labelled_in_groups(
    snapshot: Snapshot,
    year: int,
    candidates: Candidates,
    settings: Settings | None = None,
    *,
    seed: int = 0,
) -> tuple[LabelledYear, np.ndarray] | None:
    """:func:`labelled_year` of a database snapshot and the default weights' scores at
    its pairs, from the space at the end of ``year − 1`` built a group of sources at a
    time (:class:`~collabnet.recommend.space.SpaceInGroups`): the same pairs, features
    and scores, holding one group's block instead of the whole."""
    earlier = snapshot.at(year - 1)
    if len(_link_years(earlier)) == 0 and not _has_undated_links(earlier):
        return None
    block = SpaceInGroups.of(earlier, candidates, settings)
    drawn = _drawn(snapshot, block, year, candidates, seed, NEGATIVES)
    if drawn is None:
        return None
    rows, cols, labels = drawn
    frames = []
    scores = np.zeros(len(rows))
    for group, space in block.spaces(np.unique(rows)):
        pick = np.flatnonzero(np.isin(rows, group))
        local = np.searchsorted(group, rows[pick])
        frames.append(ranker_inputs(space, space.features_at(local, cols[pick])).set_axis(pick))
        scores[pick] = Model("default", DEFAULTS).bind(space).at(local, cols[pick])
        del space  # before the next group is built
    labelled = LabelledYear(
        year=year,
        rows=rows,
        cols=cols,
        labels=labels,
        frame=pd.concat(frames).sort_index().reset_index(drop=True),
        unlinked=block.shape[0] * block.shape[1] - block.linked().nnz,
    )
    return labelled, scores


def space_as_of(
    network: Snapshot | Tables,
    year: int,
    candidates: Candidates,
    settings: Settings | None = None,
    spaces: dict[int, FeatureSpace] | None = None,
) -> FeatureSpace | None:
    """The feature space of the network at the end of ``year`` (None when it has no
    links yet), from ``spaces`` or built and added to it."""
    spaces = {} if spaces is None else spaces
    space = spaces.get(year)
    if space is None:
        earlier = as_snapshot(network).at(year)
        if len(_link_years(earlier)) == 0 and not _has_undated_links(earlier):
            return None
        space = spaces[year] = build_space(earlier, candidates, settings=settings)
    return space if space.evidence is not None or len(space.tables.links) else None


def _link_years(snapshot: Snapshot) -> pd.Series:
    """The years of the snapshot's dated links (counted by its backend when it can)."""
    counted = snapshot.native("link_years")
    if counted is not None:
        return counted.loc[counted["year"].notna() & (counted["links"] > 0), "year"]
    return snapshot.links["year"].dropna()


def _has_undated_links(snapshot: Snapshot) -> bool:
    counted = snapshot.native("link_years")
    if counted is not None:
        return bool((counted.loc[counted["year"].isna(), "links"] > 0).any())
    return bool(snapshot.links["year"].isna().any())


def ranker_inputs(space: FeatureSpace, features: pd.DataFrame) -> pd.DataFrame:
    """Features standardised over the space's own random candidate pairs.

    Trees cannot extrapolate: a network one year older has larger degrees, more paths and
    more activity everywhere, and raw values beyond the training range would all fall in
    the last leaf. Measured against the same year's typical pair, the years line up.
    """
    return _standardised(features, default_weights(space))


def _standardised(features: pd.DataFrame, reference: Weights) -> pd.DataFrame:
    columns = {}
    for name in FEATURES:
        scale = reference.scale.get(name, 0.0)
        values = features[name].to_numpy(dtype=float)
        columns[name] = (values - reference.mean[name]) / scale if scale > 0 else 0.0 * values
    return pd.DataFrame(columns)


def fit_ranker(years: list[LabelledYear], *, seed: int = 0) -> lgb.Booster:
    """Gradient-boosted trees on the stacked labelled years."""
    # The years' features go straight into one matrix, a column at a time: stacking the
    # frames first, then converting, held two more copies of them.
    names = list(FEATURES)
    matrix = np.empty((sum(len(year.frame) for year in years), len(names)))
    start = 0
    for year in years:
        stop = start + len(year.frame)
        for number, name in enumerate(names):
            matrix[start:stop, number] = year.frame[name].to_numpy(dtype=float)
        start = stop
    labels = np.concatenate([y.labels for y in years])
    params = {**GBM_PARAMS, "seed": seed}
    data = lgb.Dataset(matrix, label=labels, free_raw_data=True)
    return lgb.train(params, data, num_boost_round=ROUNDS)


@dataclass
class Model:
    """A way of ranking a feature space's pairs, with calibrated probabilities.

    ``kind`` is ``default`` (the documented linear weights) or ``learned`` (the ranker,
    over the default weights' shortlist). ``calibration`` maps the ranking score to the
    probability of a new link within a year: ``sigmoid(a·score + b)``; None when there
    was no year to calibrate on.
    """

    kind: str
    weights: Weights
    booster: lgb.Booster | None = None
    calibration: tuple[float, float] | None = None
    description: str = ""
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    # The models compared on the way to this one, by kind (for the backtest's rows).
    others: dict[str, Model] = field(default_factory=dict)

    def importance(self) -> pd.DataFrame:
        """The ranker's total split gain per feature (LightGBM's ``gain`` importance) and
        its share of the total, largest first: ``feature``, ``gain``, ``share``. Empty
        for linear weights."""
        if self.booster is None:
            return pd.DataFrame({"feature": [], "gain": [], "share": []})
        gain = np.asarray(self.booster.feature_importance(importance_type="gain"), float)
        total = gain.sum()
        frame = pd.DataFrame(
            {
                "feature": list(FEATURES),
                "gain": gain,
                "share": gain / total if total > 0 else np.zeros(len(gain)),
            }
        )
        return frame.sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)

    def bind(self, space: FeatureSpace, *, like: BoundModel | None = None) -> BoundModel:
        """The model over one feature space; ``like``, another model bound to the same
        space, lends its scorer when both rank with the default weights (the ranker
        shortlists with them), which are standardised on the space they score."""
        if self.weights.method != "default":
            # Learned linear weights keep the moments they were fitted with.
            return BoundModel(self, space, Scorer(space, self.weights))
        if like is not None and like.space is space and like.model.weights.method == "default":
            return BoundModel(self, space, like.scorer)
        return BoundModel(self, space, Scorer(space, default_weights(space)))


@dataclass
class BoundModel:
    """A :class:`Model` over one feature space: scores, top lists and contributions."""

    model: Model
    space: FeatureSpace
    scorer: Scorer

    @property
    def learned(self) -> bool:
        return self.model.booster is not None

    def at(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Ranking score at block positions (the ranker's log-odds, or the linear one)."""
        r = np.asarray(r, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        booster = self.model.booster
        if booster is None:
            return self.scorer.at(r, c)
        if len(r) == 0:
            return np.zeros(0)
        # In slices: every pair's features are built, standardised and copied for the
        # booster, a few times the slice's size; pairs are scored independently.
        scores = []
        for start in range(0, len(r), AT_SLICE):
            part = slice(start, start + AT_SLICE)
            frame = self._inputs(self.space.features_at(r[part], c[part])).to_numpy()
            threads = _predict_threads(len(frame))
            scores.append(booster.predict(frame, raw_score=True, num_threads=threads))
        return np.asarray(np.concatenate(scores), dtype=float)

    def _inputs(self, features: pd.DataFrame) -> pd.DataFrame:
        # The scorer's default weights carry this space's moments.
        return _standardised(features, self.scorer.weights)

    def probability(self, scores: np.ndarray) -> np.ndarray | None:
        """Calibrated probability of a new link within a year, or None."""
        if self.model.calibration is None:
            return None
        a, b = self.model.calibration
        return _sigmoid(a * np.asarray(scores, dtype=float) + b)

    def top(
        self, k: int, rows: np.ndarray | None = None, *, closed: np.ndarray | None = None
    ) -> pd.DataFrame:
        """Each row's ``k`` best unlinked columns: ``row``, ``col``, ``logit``, ``rank``."""
        return self.tops([(k, closed)], rows)[0]

    def tops(
        self, asks: Sequence[tuple[int, np.ndarray | None]], rows: np.ndarray | None = None
    ) -> list[pd.DataFrame]:
        """:meth:`top` for each ``(k, closed)`` of ``asks``, the block scored once for all
        (:meth:`Scorer.tops`)."""
        if not self.learned:
            return self.scorer.tops(asks, rows)
        shortlists = self.scorer.tops([(max(k, SHORTLIST), closed) for k, closed in asks], rows)
        return [
            self._reorder(shortlist, k) for shortlist, (k, _) in zip(shortlists, asks, strict=True)
        ]

    def _reorder(self, shortlist: pd.DataFrame, k: int) -> pd.DataFrame:
        """The ranker's ``k`` best of each row's shortlist."""
        r = shortlist["row"].to_numpy(dtype=np.int64)
        c = shortlist["col"].to_numpy(dtype=np.int64)
        score = self.at(r, c)
        order = np.lexsort((c, -score, _first_seen(r)))
        frame = pd.DataFrame({"row": r[order], "col": c[order], "logit": score[order]})
        frame["rank"] = frame.groupby("row", sort=False).cumcount() + 1
        return frame[frame["rank"] <= k].reset_index(drop=True)

    def dense(self, rows: np.ndarray, *, linear: np.ndarray | None = None) -> np.ndarray:
        """Ranking keys for block rows × every column: the shortlist lifted above the rest
        in the ranker's order, the rest in the linear order. ``linear``, when given, is
        ``self.scorer.dense(rows)`` already computed (it is read, not changed; without a
        ranker it is what is returned)."""
        if linear is None:
            linear = self.scorer.dense(rows)
        if not self.learned:
            return linear
        keys = linear.copy()
        linked = self.space.linked(np.asarray(rows, dtype=np.int64)).toarray() > 0
        linear = np.where(linked, -np.inf, linear)
        depth = min(SHORTLIST, linear.shape[1])
        # Only the best columns are kept, not the whole partition (one int64 a cell).
        best = np.argpartition(-linear, depth - 1, axis=1)[:, :depth].copy()
        r = np.repeat(np.arange(len(rows)), depth)
        c = best.ravel()
        valid = np.isfinite(linear[r, c])
        r, c = r[valid], c[valid]
        keys[r, c] = _LIFT + self.at(np.asarray(rows)[r], c)
        return keys

    def contributions(self, r: np.ndarray, c: np.ndarray) -> pd.DataFrame:
        """How much each feature moved each pair's score (one column per feature).

        For the ranker, tree SHAP values (``pred_contrib``): exact, and they sum with the
        expected value to the pair's log-odds. For linear weights, ``coef·(x − mean)``.
        """
        r = np.asarray(r, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        features = self.space.features_at(r, c)
        booster = self.model.booster
        if booster is None:
            coefficients, _ = self.scorer.weights.raw()
            mean = self.scorer.weights.mean
            return pd.DataFrame(
                {
                    name: coefficients.get(name, 0.0)
                    * (features[name].to_numpy() - mean.get(name, 0.0))
                    for name in FEATURES
                }
            )
        if len(r) == 0:
            return pd.DataFrame(columns=list(FEATURES), dtype=float)
        inputs = self._inputs(features).to_numpy()
        values = booster.predict(inputs, pred_contrib=True, num_threads=_predict_threads(len(r)))
        return pd.DataFrame(np.asarray(values)[:, : len(FEATURES)], columns=list(FEATURES))


def _predict_threads(rows: int) -> int:
    """Threads for scoring ``rows`` pairs: one for small sets (starting threads costs
    more than it brings) and on a worker thread (its pool already keeps every processor
    busy; more threads only wait on each other), every processor from
    :data:`_THREADED_ROWS` rows on. Rows are scored independently, so the scores do not
    depend on it."""
    if rows < _THREADED_ROWS or threading.current_thread() is not threading.main_thread():
        return 1
    return worker_count()


def _first_seen(rows: np.ndarray) -> np.ndarray:
    """Each row's position of first appearance, to keep the rows in the order given."""
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return first[inverse]


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -values))


def _calibrate(scores: np.ndarray, year: LabelledYear) -> tuple[float, float]:
    """Platt scaling on a labelled year, corrected for the subsampled negatives."""
    a, b = fit_logistic(scores[:, None], year.labels, l2=1e-3)
    negatives = int((year.labels == 0).sum())
    if negatives and year.unlinked > year.positives:
        b += float(np.log(negatives / max(year.unlinked - year.positives, 1)))
    return float(a[0]), b


def _validation_metrics(bound: BoundModel, year: LabelledYear, k: int = 10) -> dict[str, float]:
    """Mean precision@k, MRR and nDCG@k over the sources that formed pairs in ``year``."""
    positive = year.labels > 0
    truth = sp.csr_matrix(
        (np.ones(int(positive.sum())), (year.rows[positive], year.cols[positive])),
        shape=bound.space.shape,
    )
    sources = np.flatnonzero(np.diff(truth.indptr) > 0)
    results = []
    chunk = max(1, 2_000_000 // max(bound.space.shape[1], 1))
    for start in range(0, len(sources), chunk):
        part = sources[start : start + chunk]
        scores = bound.dense(part)
        scores[bound.space.linked(part).toarray() > 0] = -np.inf
        results.append(ranking_metrics(scores, truth[part].toarray() > 0, k))
    values = np.concatenate(results).mean(axis=0) if results else np.full(4, np.nan)
    return {"precision_at_10": values[0], "mrr": values[2], "ndcg_at_10": values[3]}


def _summary(metrics: dict[str, float]) -> float:
    return float(np.mean([metrics["precision_at_10"], metrics["mrr"], metrics["ndcg_at_10"]]))


def choose_model(
    network: Snapshot | Tables,
    choice: str,
    candidates: Candidates,
    settings: Settings | None = None,
    *,
    seed: int = 0,
    last_year: int | None = None,
    memo: dict[int, LabelledYear | None] | None = None,
    spaces: dict[int, FeatureSpace] | None = None,
) -> Model:
    """The model asked for (``auto``, ``default`` or ``learned``) on the network's history.

    Label years are the last :data:`LABEL_YEARS` years, up to ``last_year`` (default: the
    last year of the network), in which at least
    :data:`~collabnet.recommend.weights.MIN_POSITIVES` candidate pairs formed.
    ``learned`` and ``auto`` fit the ranker on every label year but the last and validate
    and calibrate on the last; ``auto`` then keeps the ranker only if it beat the default
    weights there. On a candidate block of more than :data:`AUTO_MAX_PAIRS` pairs,
    ``auto`` keeps the default weights without fitting (calibrated as ``default`` is).
    ``Model.description`` says in one line which model was chosen and why. ``memo`` keeps
    the labelled years between calls on cuts of the same network (a label year's pairs do
    not depend on the cut, as long as the cut is not before it), ``spaces`` the feature
    spaces by year (see :func:`labelled_year`).
    """
    if choice not in CHOICES:
        raise InputError(f"weights '{choice}': expected one of {', '.join(CHOICES)}")
    defaults = DEFAULTS
    snapshot = as_snapshot(network)
    years = _link_years(snapshot)
    if len(years) == 0:
        return Model(
            "default", defaults, description=f"{choice}: default weights — the links carry no years"
        )
    first, last = int(years.min()), int(years.max()) if last_year is None else int(last_year)
    labelled: list[LabelledYear] = []
    memo = {} if memo is None else memo
    pairs = _block_pairs(snapshot, candidates)
    too_many = choice == "auto" and pairs > AUTO_MAX_PAIRS
    # Newest first: the default weights need only the last label year (to calibrate on),
    # the ranker the last LABEL_YEARS.
    wanted = 1 if choice == "default" or too_many else LABEL_YEARS
    # Without a caller's store, only the validation year's space is kept: the others
    # are done with once their labelled pairs have features.
    own = spaces is None
    spaces = {} if spaces is None else spaces
    # From a database, the one label year of the default weights is built a group of
    # sources at a time, with their scores: no whole block is held.
    grouped = own and wanted == 1 and snapshot.computes("pair_signals")
    scored: np.ndarray | None = None
    for year in range(last, first, -1):
        if grouped:
            found_scored = labelled_in_groups(snapshot, year, candidates, settings, seed=seed)
            if found_scored is None:
                continue
            year_pairs, scored = found_scored
            memo[year] = year_pairs
            labelled.append(year_pairs)
            break
        if year not in memo:
            memo[year] = labelled_year(
                snapshot, year, candidates, settings, seed=seed, spaces=spaces
            )
        found = memo[year]
        if own and (found is None or labelled):
            spaces.pop(year - 1, None)
        if found is not None:
            labelled.insert(0, found)
        if len(labelled) == wanted:
            break
    if choice == "default" and not labelled:
        return Model("default", defaults, description=defaults.description)
    if not labelled:
        return Model(
            "default",
            defaults,
            description=(
                f"{choice}: default weights — no label year (a year after the first, "
                f"{first}, with {MIN_POSITIVES} new pairs) to learn or calibrate from"
            ),
        )
    validation = labelled[-1]
    default_bound: BoundModel | None = None
    if scored is None:
        validation_space = space_as_of(snapshot, validation.year - 1, candidates, settings, spaces)
        assert validation_space is not None  # the year has labelled pairs, hence links
        default_bound = Model("default", defaults).bind(validation_space)
        scored = default_bound.at(validation.rows, validation.cols)
    default_model = Model("default", defaults, calibration=_calibrate(scored, validation))
    if choice == "default":
        default_model.description = (
            f"{defaults.description}; probability calibrated on {validation.year}"
        )
        return default_model
    if too_many:
        default_model.description = (
            f"auto: default weights — {pairs:,} candidate pairs are more than the ranker is "
            f"fitted and validated on ({AUTO_MAX_PAIRS:,}); --weights learned fits it anyway"
        )
        return default_model
    if len(labelled) < 2:
        default_model.description = (
            f"{choice}: default weights — only {validation.year} has enough new pairs "
            f"({validation.positives}); the ranker needs one year to fit and a later one "
            "to validate"
        )
        return default_model
    # The ranker's years come from whole spaces, the validation year's kept.
    assert default_bound is not None
    validation_space = default_bound.space
    booster = fit_ranker(labelled[:-1], seed=seed)
    learned_model = Model("learned", defaults, booster=booster)
    learned_bound = learned_model.bind(validation_space, like=default_bound)
    learned_model.calibration = _calibrate(
        learned_bound.at(validation.rows, validation.cols), validation
    )
    fitted = ", ".join(str(y.year) for y in labelled[:-1])
    scores = {
        "learned": _validation_metrics(learned_bound, validation),
        "default": _validation_metrics(default_bound, validation),
    }
    learned_model.validation = default_model.validation = scores
    learned_model.others = {"default": default_model}
    default_model.others = {"learned": learned_model}
    won = _summary(scores["learned"]) > _summary(scores["default"])
    line = (
        f"on {validation.year} (validation; ranker fitted on {fitted}) P@10/MRR/nDCG@10 "
        f"learned {_three(scores['learned'])} vs default {_three(scores['default'])}"
    )
    if choice == "learned":
        learned_model.description = f"learned ranker (LightGBM); {line}"
        return learned_model
    if won:
        learned_model.description = f"auto: learned ranker — it wins {line}"
        return learned_model
    default_model.description = f"auto: default weights — the ranker loses {line}"
    return default_model


def _block_pairs(snapshot: Snapshot, candidates: Candidates) -> int:
    """Sources × targets among the snapshot's organisations: the candidate block's size."""
    kinds = snapshot.organizations["type"]
    return int(kinds.isin(list(candidates.sources)).sum()) * int(
        kinds.isin(list(candidates.targets)).sum()
    )


def _three(metrics: dict[str, float]) -> str:
    return "/".join(f"{metrics[k]:.3f}" for k in ("precision_at_10", "mrr", "ndcg_at_10"))
