"""The new pair signals against hand computations, and the learned ranker's contracts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import lightgbm as lgb
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from collabnet.recommend import ranker, recommend, signals
from collabnet.recommend.evaluate import _cut_label, evaluate, evaluate_rolling, rolling_cuts
from collabnet.recommend.explain import explain_pairs
from collabnet.recommend.features import FEATURES, Candidates
from collabnet.recommend.rank import Scorer
from collabnet.recommend.ranker import GBM_PARAMS, Model
from collabnet.recommend.space import _themes, build_space
from collabnet.recommend.weights import Weights, default_weights
from collabnet.tables import Tables, load_tables


def _graph(seed: int, n: int = 40) -> tuple[np.ndarray, sp.csr_matrix]:
    graph = nx.gnp_random_graph(n, 0.12, seed=seed)
    dense = nx.to_numpy_array(graph, nodelist=range(n), weight=None)
    return dense, sp.csr_matrix(dense)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("chunk_cells", [7, 10_000])
@pytest.mark.parametrize("held", ["sparse", "dense"])
@pytest.mark.parametrize("workers", [1, 3])
@pytest.mark.parametrize("compiled", [True, False])
def test_three_steps_equal_matrix_powers(
    seed: int,
    chunk_cells: int,
    held: str,
    workers: int,
    compiled: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(signals, "worker_count", lambda: workers)
    monkeypatch.setattr(signals, "COMPILED_MIN_CELLS", 0 if compiled else 10**12)
    dense, matrix = _graph(seed)
    rows, cols = np.arange(0, 25), np.arange(25, 40)
    counts, walks = signals.three_steps(
        matrix, rows, cols, chunk_cells=chunk_cells, dense=held == "dense"
    )
    assert isinstance(counts, np.ndarray) == (held == "dense")
    counts, walks = _array(counts), _array(walks)
    cube = dense @ dense @ dense
    degree = dense.sum(axis=1)
    step = np.divide(dense, degree[:, None], out=np.zeros_like(dense), where=degree[:, None] > 0)
    walk = step @ step @ step
    np.testing.assert_array_equal(counts, cube[np.ix_(rows, cols)])
    # Dense blocks are float32.
    np.testing.assert_allclose(walks, walk[np.ix_(rows, cols)], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("width", [50, 5000])
@pytest.mark.parametrize("k", [1, 10, 70])
def test_best_columns_are_each_rows_best_with_ties_to_the_earlier_column(
    width: int, k: int
) -> None:
    from collabnet.recommend import rank

    rng = np.random.default_rng(width + k)
    # Few distinct values: ties everywhere, at the cut too; closed cells are never listed.
    scores = rng.integers(0, 6, size=(40, width)).astype(float)
    scores[rng.random(scores.shape) < 0.3] = -np.inf
    scores[3] = -np.inf
    scores[4, : width - 3] = -np.inf
    rows = np.arange(100, 140)
    found = rank._best_columns(scores, rows, k)
    expected = []
    for i, row in enumerate(rows):
        listed = sorted((-value, col) for col, value in enumerate(scores[i]) if np.isfinite(value))
        expected += [(row, col, -neg, place + 1) for place, (neg, col) in enumerate(listed[:k])]
    assert list(found.itertuples(index=False, name=None)) == expected


def _array(block: sp.csr_matrix | np.ndarray) -> np.ndarray:
    return block if isinstance(block, np.ndarray) else block.toarray()


def test_multiplicity_equals_a_loop_over_shared_partners() -> None:
    rng = np.random.default_rng(3)
    dense, _ = _graph(4)
    weights = np.triu(dense * rng.integers(1, 5, size=dense.shape), 1)
    weights = weights + weights.T
    rows, cols = np.arange(0, 20), np.arange(20, 40)
    block = signals.multiplicity(sp.csr_matrix(weights), rows, cols).toarray()
    for i, u in enumerate(rows):
        for j, v in enumerate(cols):
            expected = sum(weights[u, w] * weights[w, v] for w in range(len(weights)))
            assert block[i, j] == expected


def test_theme_overlap_is_the_share_of_themes_times_the_activity() -> None:
    organizations = pd.DataFrame({"id": ["E", "U", "V"]})
    participations = pd.DataFrame(
        {
            "project": ["p1", "p2", "p3", "p1", "p4", "p4", "p5"],
            "org": ["E", "E", "E", "U", "U", "V", "V"],
            "year": [2015, 2015, 2016, 2015, 2015, 2015, 2017],
        }
    )
    projects = pd.DataFrame(
        {"project": ["p1", "p2", "p3", "p4", "p5"], "industry": ["SC1", "SC1", "ERC", "SC1", "ERC"]}
    )
    tables = SimpleNamespace(
        organizations=organizations, participations=participations, projects=projects
    )
    shares, counts = _themes(tables, np.array([0]), np.array([1, 2]), 2016)  # type: ignore[arg-type]
    # E: 2 of 3 projects in SC1, 1 in ERC. U: 2 SC1 projects; V: 1 SC1 (p5 is after 2016).
    overlap = shares @ counts.T
    np.testing.assert_allclose(overlap, [[2 / 3 * 2, 2 / 3 * 1]])


def test_rolling_cuts_of_four_years() -> None:
    assert rolling_cuts(2014, 2017) == [(2014, 2015), (2015, 2016), (2016, 2017), (2015, 2017)]
    assert rolling_cuts(2020, 2021) == [(2020, 2021)]


def test_calibration_is_monotone() -> None:
    rng = np.random.default_rng(0)
    scores = np.concatenate([rng.normal(1.0, 1.0, 200), rng.normal(-1.0, 1.0, 4000)])
    labels = np.concatenate([np.ones(200), np.zeros(4000)])
    year = SimpleNamespace(labels=labels, unlinked=100_000, positives=200)
    a, b = ranker._calibrate(scores, year)  # type: ignore[arg-type]
    assert a > 0
    grid = np.linspace(-5, 5, 101)
    probability = 1 / (1 + np.exp(-(a * grid + b)))
    assert (np.diff(probability) > 0).all()
    # Negatives were a sample of 4,000 out of ~100,000 unlinked pairs: probabilities shrink.
    assert probability[50] < 200 / 4200


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Tables:
    return load_tables(sample_dir)


@pytest.fixture(scope="module")
def learned(sample: Tables) -> ranker.Model:
    model = ranker.choose_model(sample, "learned", Candidates.default_for(sample))
    assert model.booster is not None
    return model


def test_the_ranker_is_lightgbm_on_the_stacked_years() -> None:
    """fit_ranker builds its matrix column by column: the trees are those of LightGBM
    trained on the years' frames stacked the plain way."""
    rng = np.random.default_rng(5)
    years = []
    for number, size in enumerate((700, 900)):
        frame = pd.DataFrame({name: rng.normal(size=size) for name in FEATURES})
        labels = (frame.iloc[:, 0] + rng.normal(size=size) > 1.0).to_numpy(dtype=float)
        empty = np.zeros(size, dtype=np.int64)
        years.append(ranker.LabelledYear(2020 + number, empty, empty, labels, frame, size))
    stacked = pd.concat([y.frame for y in years], ignore_index=True)[list(FEATURES)]
    reference = lgb.train(
        {**ranker.GBM_PARAMS, "seed": 3},
        lgb.Dataset(stacked.to_numpy(), label=np.concatenate([y.labels for y in years])),
        num_boost_round=ranker.ROUNDS,
    )
    fitted = ranker.fit_ranker(years, seed=3)
    assert fitted.model_to_string() == reference.model_to_string()


def test_the_ranker_lists_asked_at_once_equal_one_by_one(
    sample: Tables, learned: ranker.Model
) -> None:
    bound = learned.bind(build_space(sample))
    closed = np.arange(bound.space.shape[1]) % 4 == 0
    both = bound.tops([(3, closed), (10, None)])
    pd.testing.assert_frame_equal(both[0], bound.top(3, closed=closed))
    pd.testing.assert_frame_equal(both[1], bound.top(10))
    # The ranker reorders: a list is not the linear scorer's.
    assert not both[1]["col"].equals(bound.scorer.top(10)["col"])


def test_reasons_never_come_from_what_pushed_the_pair_down(sample: Tables) -> None:
    space = build_space(sample)
    rows, cols = np.arange(5), np.arange(5)
    weights = default_weights(space)
    features = space.features_at(rows, cols)
    down = pd.DataFrame({name: -np.ones(5) for name in FEATURES})
    assert explain_pairs(space, weights, rows, cols, contributions=down) == [[]] * 5
    # The activity reason sums the target's degree, activity and recency contributions.
    up = down.assign(
        target_degree=1.0, target_activity=1.0, target_recent=1.0, target_new_partners=1.0
    )
    reasons = explain_pairs(space, weights, rows, cols, contributions=up)
    assert all(len(r) == 1 and "合作伙伴" in r[0] for r in reasons)
    assert len(features) == 5


def test_ranker_contributions_add_up_to_its_score(sample: Tables, learned: ranker.Model) -> None:
    bound = learned.bind(build_space(sample))
    r, c = np.arange(30) % bound.space.shape[0], np.arange(30) % bound.space.shape[1]
    contributions = bound.contributions(r, c).sum(axis=1).to_numpy()
    difference = bound.at(r, c) - contributions
    # Tree SHAP is exact: the rest is the same expected value for every pair.
    np.testing.assert_allclose(difference, difference[0], atol=1e-9)


@pytest.mark.parametrize("learned_wins", [True, False])
def test_auto_keeps_the_ranker_only_when_it_wins(
    sample: Tables, monkeypatch: pytest.MonkeyPatch, learned_wins: bool
) -> None:
    good = {"precision_at_10": 0.3, "mrr": 0.5, "ndcg_at_10": 0.4}
    bad = {"precision_at_10": 0.1, "mrr": 0.2, "ndcg_at_10": 0.1}

    def rigged(bound: ranker.BoundModel, year: ranker.LabelledYear) -> dict[str, float]:
        return good if bound.learned == learned_wins else bad

    monkeypatch.setattr(ranker, "_validation_metrics", rigged)
    model = ranker.choose_model(sample, "auto", Candidates.default_for(sample))
    if learned_wins:
        assert model.kind == "learned"
        assert model.description.startswith("auto: learned ranker — it wins on 2024")
    else:
        assert model.kind == "default"
        assert model.description.startswith("auto: default weights — the ranker loses on 2024")
    assert model.calibration is not None


def test_auto_falls_back_without_history(tiny_tables: Tables) -> None:
    model = ranker.choose_model(tiny_tables, "auto", Candidates.default_for(tiny_tables))
    assert model.kind == "default"
    assert model.description.startswith("auto: default weights — ")


def test_full_platforms_stay_out_of_the_first_three(sample: Tables) -> None:
    best = recommend(sample, enterprise="E164", top=6)
    assert (best["capacity_left"].head(3) > 0).all()
    assert (best["rank"].to_numpy() == np.arange(1, 7)).all()


def test_evaluate_is_deterministic_for_a_seed(sample: Tables) -> None:
    first = evaluate(sample, train_until=2022, seed=5)
    second = evaluate(sample, train_until=2022, seed=5)
    pd.testing.assert_frame_equal(first, second)


def test_importance_puts_the_only_informative_feature_first() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(2000, len(FEATURES)))
    informative = list(FEATURES).index("paths3")
    labels = (features[:, informative] > 0.3).astype(float)
    booster = lgb.train(
        {**GBM_PARAMS, "seed": 0}, lgb.Dataset(features, label=labels), num_boost_round=20
    )
    weights = Weights({}, {}, {}, 0.0, "default", "")
    importance = Model("learned", weights, booster=booster).importance()
    assert importance["feature"].iloc[0] == "paths3"
    assert importance["share"].iloc[0] > 0.9
    assert importance["share"].sum() == pytest.approx(1.0)
    assert Model("default", weights).importance().empty


@pytest.mark.slow
def test_rolling_backtest_is_deterministic_and_equals_separate_cuts(sample: Tables) -> None:
    # The rolling run shares label years and feature spaces between cuts; each cut run
    # on its own (nothing shared) is the reference.
    cuts = [(2022, 2023), (2023, 2024), (2022, 2024)]
    first = evaluate_rolling(sample, cuts=cuts, seed=3)
    second = evaluate_rolling(sample, cuts=cuts, seed=3)
    pd.testing.assert_frame_equal(first, second)
    for train_until, test_until in cuts:
        alone = evaluate(sample, train_until=train_until, test_until=test_until, seed=3)
        label = _cut_label(train_until, test_until)
        shared = first[first["cut"] == label].drop(columns="cut").reset_index(drop=True)
        pd.testing.assert_frame_equal(shared, alone.reset_index(drop=True), check_like=False)


@pytest.mark.parametrize("max_examples", [10, 1000])
def test_reasons_in_chunks_equal_reasons_at_once(
    sample: Tables, monkeypatch: pytest.MonkeyPatch, max_examples: int
) -> None:
    from collabnet.recommend import explain

    space = build_space(sample)
    rng = np.random.default_rng(2)
    rows = rng.integers(0, space.shape[0], size=300)
    cols = rng.integers(0, space.shape[1], size=300)
    weights = default_weights(space)
    whole = explain_pairs(space, weights, rows, cols, max_examples=max_examples)
    monkeypatch.setattr(explain, "_PAIRS_AT_ONCE", 70)
    chunked = explain_pairs(space, weights, rows, cols, max_examples=max_examples)
    assert chunked == whole


def test_features_at_equal_the_dense_blocks(sample: Tables) -> None:
    # Blocks sharing one sparsity pattern are searched once: each must still read its own
    # values, as the dense block has them.
    space = build_space(sample)
    rng = np.random.default_rng(4)
    rows = rng.integers(0, space.shape[0], size=2000)
    cols = rng.integers(0, space.shape[1], size=2000)
    features = space.features_at(rows, cols)
    for name, feature in FEATURES.items():
        if feature.shape != "block":
            continue
        block = space.blocks[feature.raw]
        dense = block if isinstance(block, np.ndarray) else block.toarray()
        expected = dense[rows, cols].astype(float)
        expected = np.log1p(expected) if feature.log else expected
        np.testing.assert_array_equal(features[name].to_numpy(), expected, err_msg=name)


def test_non_links_are_distinct_free_and_drawn_in_order(sample: Tables) -> None:
    from collabnet.recommend.sampling import sample_non_links

    space = build_space(sample)
    rng = np.random.default_rng(8)
    exclude = sp.csr_matrix(
        (
            np.ones(300),
            (rng.integers(0, space.shape[0], 300), rng.integers(0, space.shape[1], 300)),
        ),
        shape=space.shape,
    )
    rows, cols = sample_non_links(space, 5000, np.random.default_rng(3), exclude)
    # The same draws, kept one at a time: the first time a free pair comes up.
    draws = np.random.default_rng(3)
    linked = space.linked().toarray() > 0
    taken = exclude.toarray() > 0
    expected: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    while len(expected) < 5000:
        need = 5000 - len(expected)
        r = draws.integers(0, space.shape[0], size=max(2 * need, 1000))
        c = draws.integers(0, space.shape[1], size=max(2 * need, 1000))
        fresh = []
        for pair in zip(r.tolist(), c.tolist(), strict=True):
            if not linked[pair] and not taken[pair] and pair not in seen:
                seen.add(pair)
                fresh.append(pair)
        expected.extend(fresh[:need])
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == expected


@pytest.mark.parametrize("many", [2, 64])
def test_shared_partners_are_counted_and_named_by_type(
    many: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collabnet.recommend import explain

    # Counted with numpy from ``many`` partners on, in a loop below: both read the same.
    monkeypatch.setattr(explain, "_MANY_PARTNERS", many)
    names = np.array(["U1", "P1", "U2", "U3", "U4", "E1", "X"], dtype=object)
    # university, platform, university ×3, enterprise, and a type reasons do not name.
    kinds = np.array([2, 0, 2, 2, 2, 1, 5])
    reason = explain._shared_reason(np.array([0, 1, 2, 3, 4, 5, 6]), names, kinds)
    assert reason == (
        "共同合作平台1个：P1；共同合作企业1家：E1；共同合作高校4所：U1、U2、U3等 / "
        "shares 1 platform partner: P1; shares 1 enterprise partner: E1; "
        "shares 4 university partners: U1, U2, U3, …"
    )


@pytest.mark.parametrize(
    ("count", "via", "expected"),
    [
        (1, None, "三步合作路径1条 / 1 three-step collaboration path"),
        (3, None, "三步合作路径3条 / 3 three-step collaboration paths"),
        (
            1,
            (0, 1),
            "三步合作路径1条（如经E1→U1） / 1 three-step collaboration path (e.g. via E1 → U1)",
        ),
    ],
)
def test_path_reasons_count_in_the_same_words_with_or_without_an_example(
    count: int, via: tuple[int, int] | None, expected: str
) -> None:
    from collabnet.recommend import explain

    names = np.array(["E1", "U1"], dtype=object)
    assert explain._paths_reason(count, via, names) == expected


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_path_rows_equal_matrix_powers(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    dense, matrix = _graph(seed)
    rows, cols = np.arange(0, 25), np.arange(25, 40)
    # Any block is then too big to hold: its rows are computed when asked for.
    monkeypatch.setattr(signals, "SPARSE_PATH_ENTRIES", 0)
    monkeypatch.setattr(signals, "DENSE_PATH_CELLS", 0)
    counts, walks = signals.three_steps(matrix, rows, cols)
    assert isinstance(counts, signals.PathRows) and isinstance(walks, signals.PathRows)
    cube = dense @ dense @ dense
    degree = dense.sum(axis=1)
    step = np.divide(dense, degree[:, None], out=np.zeros_like(dense), where=degree[:, None] > 0)
    walk = step @ step @ step
    # Two newcomers (rows 25 and 26 of the block) have no links and no paths.
    counts, walks = counts.with_rows(27), walks.with_rows(27)
    asked = np.array([3, 25, 0, 24, 3, 26])
    expected_counts = np.vstack([cube[np.ix_(rows, cols)], np.zeros((2, len(cols)))])[asked]
    expected_walks = np.vstack([walk[np.ix_(rows, cols)], np.zeros((2, len(cols)))])[asked]
    np.testing.assert_array_equal(counts.dense(asked), expected_counts)
    np.testing.assert_allclose(walks.dense(asked), expected_walks, rtol=1e-6, atol=1e-9)
    rng = np.random.default_rng(seed)
    r, c = rng.integers(0, 27, size=300), rng.integers(0, len(cols), size=300)
    full_counts = np.vstack([cube[np.ix_(rows, cols)], np.zeros((2, len(cols)))])
    np.testing.assert_array_equal(counts.at(r, c), full_counts[r, c])
    np.testing.assert_array_equal(walks.at(r, c), walks.dense(r)[np.arange(300), c])
    # Kept cells are read back as given, in two handfuls; the others are computed.
    counts.keep(r[:5], c[:5], np.full(5, -1.0))
    counts.keep(r[150:160], c[150:160], np.full(10, -2.0))
    marked = np.zeros(300, dtype=bool)
    marked[:5] = marked[150:160] = True
    # A cell asked twice, kept once: both read the kept value.
    again = (r[:, None] == r[marked][None, :]) & (c[:, None] == c[marked][None, :])
    marked |= again.any(axis=1)
    got = counts.at(r, c)
    assert set(got[marked].tolist()) <= {-1.0, -2.0}
    np.testing.assert_array_equal(got[~marked], full_counts[r, c][~marked])


def test_ranking_with_path_rows_equals_ranking_with_held_blocks(sample: Tables) -> None:
    space = build_space(sample)
    lazy = build_space(sample)
    lazy.blocks["paths3"], lazy.blocks["walk3"] = signals.PathRows.pair(
        space.links, space.rows, space.cols
    )
    for name in ("paths3", "walk3"):
        block = lazy.blocks[name]
        assert isinstance(block, signals.PathRows)
        space.blocks[name] = block.dense(np.arange(space.shape[0]))
    weights = default_weights(space)
    assert weights.coefficients["paths3"] != 0
    held_scorer, lazy_scorer = Scorer(space, weights), Scorer(lazy, weights)
    assert isinstance(space.blocks["paths3"], np.ndarray)
    assert isinstance(lazy.blocks["paths3"], signals.PathRows)
    best = lazy_scorer.top(10)
    pd.testing.assert_frame_equal(best, held_scorer.top(10))
    # The chosen cells' path values were kept by the ranking: read back, not recomputed.
    chosen_r, chosen_c = best["row"].to_numpy(), best["col"].to_numpy()
    for name in ("paths3", "walk3"):
        block = lazy.blocks[name]
        assert isinstance(block, signals.PathRows)
        asked: list[int] = []
        block._computed = functools.partial(_counted, block._computed, asked)  # type: ignore[method-assign]
        np.testing.assert_array_equal(
            block.at(chosen_r, chosen_c), space.blocks[name][chosen_r, chosen_c]
        )
        assert asked == []
        # A cell not chosen is computed.
        block.at(np.array([0]), np.array([0]))
        assert asked == [1] or [0, 0] in best[["row", "col"]].to_numpy().tolist()

    rng = np.random.default_rng(1)
    r, c = rng.integers(0, space.shape[0], 500), rng.integers(0, space.shape[1], 500)
    np.testing.assert_array_equal(lazy_scorer.at(r, c), held_scorer.at(r, c))
    np.testing.assert_array_equal(lazy_scorer.dense(r[:50]), held_scorer.dense(r[:50]))


def _counted(
    computed: Callable[..., np.ndarray], asked: list[int], r: np.ndarray, *args: object
) -> np.ndarray:
    asked.append(len(r))
    return computed(r, *args)


@pytest.mark.parametrize("seed", [0, 1])
def test_shared_partners_equal_the_product_of_adjacency_rows(seed: int) -> None:
    from collabnet.recommend.explain import _shared_partners

    dense, matrix = _graph(seed)
    rng = np.random.default_rng(seed)
    source, target = rng.integers(0, 40, size=200), rng.integers(0, 40, size=200)
    shared = _shared_partners(matrix, source, target)
    expected = dense[source] * dense[target]
    for i in range(200):
        got = shared.indices[shared.indptr[i] : shared.indptr[i + 1]]
        np.testing.assert_array_equal(got, np.flatnonzero(expected[i]))


def test_auto_keeps_the_defaults_on_a_block_too_large_to_fit_on(
    sample: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = Candidates.default_for(sample)
    types = sample.organizations["type"]
    pairs = int(types.isin(candidates.sources).sum()) * int(types.isin(candidates.targets).sum())

    def no_fitting(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ranker was fitted")

    fit_ranker = ranker.fit_ranker
    monkeypatch.setattr(ranker, "AUTO_MAX_PAIRS", pairs - 1)
    monkeypatch.setattr(ranker, "fit_ranker", no_fitting)
    model = ranker.choose_model(sample, "auto", candidates)
    assert model.kind == "default"
    assert model.description == (
        f"auto: default weights — {pairs:,} candidate pairs are more than the ranker is "
        f"fitted and validated on ({pairs - 1:,}); --weights learned fits it anyway"
    )
    # Still calibrated on the last label year, as --weights default is.
    assert model.calibration == ranker.choose_model(sample, "default", candidates).calibration
    # At the limit itself, auto chooses as before (on the sample, the ranker wins).
    monkeypatch.setattr(ranker, "AUTO_MAX_PAIRS", pairs)
    monkeypatch.setattr(ranker, "fit_ranker", fit_ranker)
    assert ranker.choose_model(sample, "auto", candidates).kind == "learned"
