"""The backtest: metrics against hand counts, no peeking at the test years, real data."""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from collabnet.cli import main
from collabnet.errors import InputError
from collabnet.recommend.evaluate import METHODS, auc_score, evaluate, ranking_metrics
from collabnet.tables import Tables, load_tables


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_equals_pairwise_comparison(seed: int) -> None:
    rng = np.random.default_rng(seed)
    positive = rng.integers(0, 5, size=40).astype(float)
    negative = rng.integers(0, 5, size=70).astype(float)
    wins = (positive[:, None] > negative[None, :]).sum() + 0.5 * (
        positive[:, None] == negative[None, :]
    ).sum()
    assert auc_score(positive, negative) == pytest.approx(wins / (40 * 70))


def test_ranking_metrics_by_hand() -> None:
    scores = np.array([[0.9, 0.8, 0.7, 0.6, -np.inf], [0.1, 0.5, 0.5, 0.2, 0.3]])
    hits = np.array([[False, True, False, True, False], [True, False, True, False, False]])
    tiebreak = np.array([[0, 0, 0, 0, 0], [0.5, 0.9, 0.1, 0.5, 0.5]])
    metrics = ranking_metrics(scores, hits, k=2, tiebreak=tiebreak)
    # Row 1: hits at ranks 2 and 4. Row 2: item 2 wins the tie (rank 1), item 0 is last (5).
    discount = 1 / np.log2([2, 3])
    expected = [
        [1 / 2, 1 / 2, 1 / 2, discount[1] / discount.sum()],
        [1 / 2, 1 / 2, 1.0, discount[0] / discount.sum()],
    ]
    np.testing.assert_allclose(metrics, expected)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("k", [1, 5, 30])
def test_ranking_metrics_equal_a_full_sort(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, size=(30, 25)).astype(float)
    scores[rng.random((30, 25)) < 0.1] = -np.inf
    hits = (rng.random((30, 25)) < 0.15 + 0.2 * (seed % 2)) & np.isfinite(scores)
    hits[0] = False
    tiebreak = rng.random((30, 25))
    got = ranking_metrics(scores, hits, k=k, tiebreak=tiebreak)
    for row in range(30):
        order = np.lexsort((tiebreak[row], -scores[row]))
        ranked = hits[row][order]
        found = ranked[:k].sum()
        relevant = ranked.sum()
        first = np.argmax(ranked) + 1 if relevant else np.inf
        dcg = sum(1 / np.log2(i + 2) for i in np.flatnonzero(ranked[:k]))
        ideal = sum(1 / np.log2(i + 2) for i in range(min(relevant, k)))
        expected = [
            found / k,
            found / relevant if relevant else 0,
            1 / first,
            dcg / ideal if ideal else 0,
        ]
        np.testing.assert_allclose(got[row], expected)


def _synthetic() -> Tables:
    from benchmarks.synthetic import make_tables

    return make_tables(2500, 12_000, seed=4)


def test_evaluate_reports_every_method_per_segment() -> None:
    table = evaluate(_synthetic(), train_until=2022)
    assert list(table.columns[:3]) == ["method", "segment", "auc"]
    warm = table[table["segment"] == "warm"]
    methods = list(warm["method"])
    # auto scores the model it chose as collabnet and the one it compared it with too.
    assert methods[0] == "collabnet"
    assert methods[1] in ("collabnet-learned", "collabnet-default")
    assert methods[2:] == list(METHODS[1:])
    assert warm["positives"].nunique() == 1
    assert (warm["negatives"] == 20 * warm["positives"]).all()
    random = warm.set_index("method").loc["random", "auc"]
    assert abs(random - 0.5) < 0.05


def test_without_baselines_collabnet_scores_the_same() -> None:
    tables = _synthetic()
    every = evaluate(tables, train_until=2022, weights="default")
    own = evaluate(tables, train_until=2022, weights="default", baselines=False)
    assert list(own["method"].unique()) == ["collabnet"]
    pd.testing.assert_frame_equal(
        own.reset_index(drop=True),
        every[every["method"] == "collabnet"].reset_index(drop=True),
    )


def test_future_links_outside_the_candidates_change_nothing() -> None:
    tables = _synthetic()
    organizations = tables.organizations
    platforms = organizations.loc[organizations["type"] == "platform", "id"].to_numpy()
    universities = organizations.loc[organizations["type"] == "university", "id"].to_numpy()
    rng = np.random.default_rng(0)
    extra = pd.DataFrame(
        {
            "source": rng.choice(platforms, 300),
            "target": rng.choice(universities, 300),
            "kind": "cooperation",
            "year": pd.array([2024] * 300, dtype="Int64"),
            "weight": 5.0,
            "funding": np.nan,
        }
    ).astype(tables.links.dtypes.to_dict())
    more = dataclasses.replace(tables, links=pd.concat([tables.links, extra], ignore_index=True))
    before = evaluate(tables, train_until=2022, weights="learned")
    after = evaluate(more, train_until=2022, weights="learned")
    pd.testing.assert_frame_equal(before, after)


def test_newcomers_of_the_test_years_do_not_reach_the_learned_weights() -> None:
    tables = _synthetic()
    organizations = tables.organizations
    platforms = organizations.loc[organizations["type"] == "platform", "id"].to_numpy()
    newcomers = organizations[organizations["type"] == "enterprise"].head(40).copy()
    newcomers["id"] = [f"N{i}" for i in range(40)]
    newcomers["name"] = [f"新企业{i}" for i in range(40)]
    newcomers["founded"] = pd.array([2024] * 40, dtype="Int64")
    links = pd.DataFrame(
        {
            "source": newcomers["id"].to_numpy(),
            "target": np.random.default_rng(0).choice(platforms, 40),
            "kind": "cooperation",
            "year": pd.array([2024] * 40, dtype="Int64"),
            "weight": 1.0,
            "funding": np.nan,
        }
    ).astype(tables.links.dtypes.to_dict())
    more = dataclasses.replace(
        tables,
        organizations=pd.concat([organizations, newcomers], ignore_index=True),
        links=pd.concat([tables.links, links], ignore_index=True),
    )
    before = evaluate(tables, train_until=2022, weights="learned")
    after = evaluate(more, train_until=2022, weights="learned")
    assert after.attrs["coefficients"] == before.attrs["coefficients"]
    pd.testing.assert_frame_equal(
        before[before["segment"] == "warm"], after[after["segment"] == "warm"]
    )


def _participations(tmp_path: Path, extra: list[dict[str, object]] | None = None) -> Tables:
    rows: list[dict[str, object]] = []
    rng = np.random.default_rng(1)
    companies = [f"C{i}" for i in range(30)]
    schools = [f"S{i}" for i in range(12)]
    for project in range(120):
        year = 2014 + project // 30
        members = [*rng.choice(companies, 3, replace=False), *rng.choice(schools, 2, replace=False)]
        rows += [
            {
                "rcn": f"R{project}",
                "pic": m,
                "type": "PRC" if m[0] == "C" else "HES",
                "start_year": year,
            }
            for m in members
        ]
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "participations.csv"
    pd.DataFrame(rows + (extra or [])).to_csv(path, index=False)
    return load_tables(path)


def test_hidden_pairs_use_the_type_at_the_cut(tmp_path: Path) -> None:
    # X is a university in the training years, an enterprise by its later majority.
    early = [
        {"rcn": "Y0", "pic": pic, "type": kind, "start_year": 2014}
        for pic, kind in (("X", "HES"), ("C0", "PRC"))
    ]
    late = [
        {"rcn": f"Z{i}", "pic": pic, "type": kind, "start_year": 2017}
        for i in range(5)
        for pic, kind in (("X", "PRC"), ("S1", "HES"))
    ]
    tables = _participations(tmp_path / "later", early + late)
    assert tables.organizations.set_index("id").loc["X", "type"] == "enterprise"
    assert tables.as_of(2015).organizations.set_index("id").loc["X", "type"] == "university"
    plain = evaluate(_participations(tmp_path / "plain"), train_until=2015, test_until=2017)
    table = evaluate(tables, train_until=2015, test_until=2017)
    # X–S1 is not an enterprise–university pair at the cut, so it is not a test pair.
    assert list(table["positives"]) == list(plain["positives"])


def test_evaluate_on_participations_uses_training_years_only(tmp_path: Path) -> None:
    # Later projects of companies with other organisations only: no candidate pair.
    later = [
        {"rcn": f"X{i}", "pic": p, "type": t, "start_year": 2017}
        for i in range(5)
        for p, t in (("C1", "PRC"), (f"O{i}", "OTH"))
    ]
    before = evaluate(
        _participations(tmp_path / "plain"), train_until=2015, test_until=2017, weights="learned"
    )
    after = evaluate(
        _participations(tmp_path / "more", later),
        train_until=2015,
        test_until=2017,
        weights="learned",
    )
    pd.testing.assert_frame_equal(before, after)


def test_evaluate_needs_years_after_the_cut() -> None:
    with pytest.raises(InputError, match="--train-until 2024 must be before --test-until 2024"):
        evaluate(_synthetic(), train_until=2024)


def test_a_cut_before_the_data_starts_is_one_sentence() -> None:
    tables = _synthetic()
    first = int(tables.links["year"].min())
    with pytest.raises(
        InputError, match=rf"--train-until 1990 is before the data starts \({first}\)"
    ):
        evaluate(tables, train_until=1990)


def test_cli_evaluate_on_the_sample(sample_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["evaluate", str(sample_dir), "--train-until", "2022", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    methods = [r["method"] for r in records]
    assert methods[0] == "collabnet"
    assert methods[1] in ("collabnet-learned", "collabnet-default")
    assert {r["segment"] for r in records} == {"warm"}
    assert {"auc", "precision_at_10", "recall_at_10", "mrr", "ndcg_at_10"} <= set(records[0])


@pytest.mark.slow
def test_cordis_backtest_beats_every_baseline(cordis_dir: Path) -> None:
    """The acceptance command on the real Horizon 2020 data (about 35 s)."""
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "--participations",
            str(cordis_dir / "participations-2014-2017.csv.gz"),
            "--train-until",
            "2015",
            "--test-until",
            "2017",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    records = {r["method"]: r for r in json.loads(result.stdout)}
    ours = records.pop("collabnet")
    records.pop("collabnet-learned", None)
    records.pop("collabnet-default", None)
    assert set(records) == set(METHODS[1:])
    for baseline in records.values():
        assert ours["auc"] > baseline["auc"]
        assert ours["precision_at_10"] > baseline["precision_at_10"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_chunk_best_equals_a_full_sort(seed: int) -> None:
    from collabnet.recommend.evaluate import _chunk_best

    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 6, size=(150, 40)).astype(float)
    scores[rng.random(scores.shape) < 0.3] = -np.inf
    scores[:20] = -np.inf
    hits = rng.random(scores.shape) < 0.1
    keys = rng.random(scores.shape)
    count = 100 if seed else 5000
    best, found = _chunk_best(scores, hits, keys, count)
    # The reference: every finite cell sorted by score (higher first), then key.
    flat, flat_keys = scores.ravel(), keys.ravel()
    finite = np.flatnonzero(np.isfinite(flat))
    chosen = finite[np.lexsort((flat_keys[finite], -flat[finite]))][:count]
    order = np.lexsort((best[:, 1], -best[:, 0]))
    np.testing.assert_array_equal(best[order, 0], flat[chosen])
    np.testing.assert_array_equal(best[order, 1], flat_keys[chosen])
    np.testing.assert_array_equal(found[order], hits.ravel()[chosen])


def test_the_draws_do_not_depend_on_the_chunks() -> None:
    from collabnet.recommend.evaluate import _KEY_ROWS, _draws

    whole = _draws((5, 3), 0, 5 * _KEY_ROWS + 7, 11)
    for chunk in (_KEY_ROWS, 2 * _KEY_ROWS, 3 * _KEY_ROWS):
        parts = [
            _draws((5, 3), start, min(chunk, len(whole) - start), 11)
            for start in range(0, len(whole), chunk)
        ]
        np.testing.assert_array_equal(np.concatenate(parts), whole)
    assert not np.array_equal(_draws((5, 4), 0, 3, 11), whole[:3])


def test_the_backtest_does_not_depend_on_the_chunk_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks of 64 rows and chunks holding the whole segment give the same figures,
    ties and the random baseline included."""
    module = importlib.import_module("collabnet.recommend.evaluate")
    tables = _synthetic()
    figures = []
    for cells in (1, 10**9):
        monkeypatch.setattr(module, "_CHUNK_CELLS", cells)
        figures.append(evaluate(tables, train_until=2022, weights="default", seed=4))
    assert figures[0]["sources"].max() > 2 * module._KEY_ROWS
    pd.testing.assert_frame_equal(figures[0], figures[1])


def test_the_weight_search_scores_as_evaluate_and_restores_the_defaults() -> None:
    import importlib.util

    from collabnet.recommend.weights import DEFAULT_WEIGHTS
    from collabnet.snapshot import as_snapshot

    path = Path(__file__).resolve().parents[1] / "scripts" / "tune_weights.py"
    spec = importlib.util.spec_from_file_location("tune_weights", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tables = _synthetic()
    backtest = module.Backtest(as_snapshot(tables))
    before = dict(DEFAULT_WEIGHTS)
    changed = {**before, "paths3": before["paths3"] + 1.0}
    table = backtest.score(changed)
    assert before == DEFAULT_WEIGHTS
    assert list(table.index) == [f"≤{a}→{b}" for a, b in backtest.cuts]
    # Each cut's figures are evaluate's collabnet row under the same weights.
    train_until, test_until = backtest.cuts[-1]
    DEFAULT_WEIGHTS.update(changed)
    try:
        frame = evaluate(tables, train_until=train_until, test_until=test_until, weights="default")
    finally:
        DEFAULT_WEIGHTS.update(before)
    row = frame[(frame["method"] == "collabnet") & (frame["segment"] == "warm")].iloc[0]
    for measure in ("precision_at_10", "mrr", "ndcg_at_10"):
        assert table.iloc[-1][measure] == row[measure]
    expected = table[["precision_at_10", "mrr", "ndcg_at_10"]].mean(axis=1)
    pd.testing.assert_series_equal(table["summary"], expected, check_names=False)
    # The changed weight moved the figures: the search can tell weights apart.
    assert not backtest.score(before).equals(table)
