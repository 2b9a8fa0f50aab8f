"""Recommendations and their explanations on a hand-built network, and block scoring."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

import collabnet as cn
from collabnet.cli import main
from collabnet.errors import InputError, NotFoundError
from collabnet.graph import build_graph
from collabnet.recommend import Candidates, Settings, recommend
from collabnet.recommend.model import (
    FEATURES,
    build_space,
    default_weights,
    fit_logistic,
    learn_weights,
    resolve_weights,
)
from collabnet.recommend.rank import Scorer
from collabnet.recommend.space import build_spaces
from collabnet.tables import Tables, load_tables

ORGANIZATIONS = """id,name,type,industries,county,leading,capabilities
E1,恒达阀门有限公司,enterprise,pumps_valves,瑞安市,true,密封、阀门
E2,智造电气有限公司,enterprise,electrical,乐清市,true,断路器
E3,瑞安泵业有限公司,enterprise,pumps_valves,瑞安市,false,
P1,温州泵阀研究院,platform,pumps_valves,瑞安市,,密封、流体仿真
P2,温州电气研究院,platform,electrical,乐清市,,断路器、配电
P3,温州数字研究院,platform,digital_economy,鹿城区,,工业互联网
U1,浙江大学,university,,,,
U2,温州大学,university,,鹿城区,,
I1,中科院温州所,institute,,,,
"""
LINKS = """source,target,kind,year
E1,U1,joint_project,2022
E1,U2,joint_project,2022
E1,I1,joint_project,2023
P1,U1,cooperation,2021
P1,U2,cooperation,2021
P1,I1,cooperation,2022
P2,U1,cooperation,2021
E2,P2,co_built_centre,2022
E3,P1,co_built_centre,2023
E2,U2,joint_project,2023
"""


@pytest.fixture
def hand(tmp_path: Path) -> Tables:
    """3 enterprises, 3 platforms, 2 universities, 1 institute; E1 shares U1, U2, I1 with P1."""
    (tmp_path / "organizations.csv").write_text(ORGANIZATIONS, encoding="utf-8")
    (tmp_path / "links.csv").write_text(LINKS, encoding="utf-8")
    return load_tables(tmp_path)


def _row(frame: pd.DataFrame, platform: str) -> pd.Series:
    return frame.set_index("platform_id").loc[platform]


def test_explanations_name_the_shared_partners(hand: Tables) -> None:
    best = recommend(hand, enterprise="E1", top=3)
    assert set(best["platform_id"]) == {"P1", "P2", "P3"}
    reasons = _row(best, "P1")["reasons"]
    shared = next(r for r in reasons if r.startswith("共同合作"))
    assert shared == (
        "共同合作高校2所：浙江大学、温州大学；共同合作科研院所1家：中科院温州所 / "
        "shares 2 university partners: 浙江大学, 温州大学; shares 1 institute partner: 中科院温州所"
    )
    assert "同在瑞安市 / same county 瑞安市" in reasons
    assert "同属泵阀产业 / both in industry Pumps and valves" in reasons
    assert (
        "泵阀产业覆盖率0%，低于目标50% / "
        "industry Pumps and valves coverage 0%, below the 50% target" in reasons
    )
    # P1 hosts a centre already, so its capacity lowers the score: it is not a reason.
    assert not any(r.startswith("平台还可承接") for r in reasons)
    assert any(r.startswith("能力关键词相同：密封") for r in reasons)
    p2 = _row(best, "P2")["reasons"]
    assert "共同合作高校1所：浙江大学 / shares 1 university partner: 浙江大学" in p2
    assert not any(r.startswith("共同合作") for r in _row(best, "P3")["reasons"])


def test_numeric_signals_match_networkx(hand: Tables) -> None:
    best = recommend(hand, enterprise="E1", top=3).set_index("platform_id")
    graph = build_graph(hand)
    for platform in ("P1", "P2", "P3"):
        shared = len(list(nx.common_neighbors(graph, "E1", platform)))
        ((_, _, adamic_adar),) = nx.adamic_adar_index(graph, [("E1", platform)])
        paths = [p for p in nx.all_simple_paths(graph, "E1", platform, cutoff=3) if len(p) == 4]
        assert best.loc[platform, "common_partners"] == shared
        assert best.loc[platform, "adamic_adar"] == pytest.approx(adamic_adar, abs=1e-6)
        assert best.loc[platform, "paths3"] == len(paths)
        assert best.loc[platform, "katz"] == pytest.approx(0.05 * shared + 0.0025 * len(paths))
    assert best.loc["P1", "same_county"] == 1.0
    assert best.loc["P1", "co_built"] == 1


def test_best_platform_first_and_linked_platforms_left_out(hand: Tables) -> None:
    best = recommend(hand, enterprise="E1", top=3)
    assert best["platform_id"].iat[0] == "P1"
    assert list(best["rank"]) == [1, 2, 3]
    assert best["score"].is_monotonic_decreasing
    assert "P2" not in set(recommend(hand, enterprise="E2", top=3)["platform_id"])


def test_platform_query_ranks_enterprises(hand: Tables) -> None:
    best = recommend(hand, platform="温州泵阀研究院", top=5)
    assert list(best.columns[:4]) == [
        "platform_id",
        "platform_name",
        "enterprise_id",
        "enterprise_name",
    ]
    assert set(best["enterprise_id"]) == {"E1", "E2"}  # E3 already has a centre with P1
    assert best["enterprise_id"].iat[0] == "E1"


def test_university_query_ranks_platforms_to_co_found(hand: Tables) -> None:
    best = recommend(hand, university="温州大学", top=5)
    assert list(best.columns[:4]) == [
        "university_id",
        "university_name",
        "platform_id",
        "platform_name",
    ]
    assert set(best["platform_id"]) == {"P2", "P3"}


def test_unknown_name_gets_suggestions(hand: Tables) -> None:
    with pytest.raises(NotFoundError, match="did you mean: 恒达阀门有限公司"):
        recommend(hand, enterprise="恒达阀")


def test_wrong_type_is_refused(hand: Tables) -> None:
    with pytest.raises(
        InputError, match=r"'U1' \(U1\) is a university, not enterprise; use --university"
    ):
        recommend(hand, enterprise="U1")
    with pytest.raises(InputError, match="at most one of"):
        recommend(hand, enterprise="E1", platform="P1")


def test_every_enterprise_gets_its_top(hand: Tables) -> None:
    best = recommend(hand, top=2)
    assert best.groupby("enterprise_id").size().to_dict() == {"E1": 2, "E2": 2, "E3": 2}


def test_candidates_without_platforms(hand: Tables) -> None:
    best = recommend(hand, enterprise="E2", candidates="enterprise:university,institute")
    assert set(best["partner_id"]) == {"U1", "I1"}


@pytest.mark.parametrize("text", ["enterprise", "enterprise:robot", ":platform"])
def test_bad_candidates_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="candidates"):
        Candidates.parse(text)


def _synthetic(seed: int, links: int = 24_000) -> Tables:
    from benchmarks.synthetic import make_tables

    return make_tables(3000, links, seed=seed)


@pytest.mark.parametrize("links", [6_000, 24_000])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("weights", ["default", "learned"])
def test_grouped_top_equals_dense_top(seed: int, weights: str, links: int) -> None:
    space = build_space(_synthetic(seed, links))
    scorer = Scorer(space, resolve_weights(weights, space))
    dense = scorer.top(10, dense_cells=10**12)
    grouped = scorer.top(10, dense_cells=0)
    if links == 6_000:
        # Sparse enough that almost every row is served by its group's list.
        assert grouped.attrs["dense_rows"] < 0.01 * space.shape[0]
    pd.testing.assert_frame_equal(
        dense.reset_index(drop=True), grouped.reset_index(drop=True), check_exact=False, rtol=1e-12
    )


@pytest.mark.parametrize(("rows", "tables"), [(97, 256), (4096, 5)])
def test_grouped_top_in_chunks_of_rows_equals_one_pass(
    monkeypatch: pytest.MonkeyPatch, rows: int, tables: int
) -> None:
    """Rows, and the group tables they are served from, in chunks: the same lists."""
    from collabnet.recommend import rank

    space = build_space(_synthetic(0, 6_000))
    scorer = Scorer(space, resolve_weights("learned", space))
    whole = scorer.top(100, dense_cells=0)
    monkeypatch.setattr(rank, "_GROUPED_ROWS", rows)
    monkeypatch.setattr(rank, "_TABLE_ROWS", tables)
    assert space.shape[0] > 10 * 97
    chunked = scorer.top(100, dense_cells=0)
    pd.testing.assert_frame_equal(chunked.reset_index(drop=True), whole.reset_index(drop=True))
    assert chunked.attrs["dense_rows"] == whole.attrs["dense_rows"]


def test_every_column_closed_gives_no_pair_and_no_warning() -> None:
    space = build_space(_synthetic(2, 6_000))
    scorer = Scorer(space, resolve_weights("default", space))
    closed = np.ones(space.shape[1], dtype=bool)
    assert scorer.top(10, closed=closed, dense_cells=0).empty


def test_a_chunk_without_sparse_pairs_checks_no_blocked_pair() -> None:
    # scipy gives a sparse matrix, not values, for an empty list of pairs; a chunk of rows
    # whose sparse pairs all fall below their threshold asks for exactly that.
    from collabnet.recommend.rank import _unblocked

    blocked = sp.csr_matrix(np.eye(4))[np.array([0, 2])]
    empty = np.zeros(0, dtype=np.int64)
    assert _unblocked(blocked, empty, empty).shape == (0,)
    assert _unblocked(blocked, np.array([0, 1, 1]), np.array([0, 0, 2])).tolist() == [
        False,
        True,
        False,
    ]


def test_dense_top_in_chunks_on_threads_equals_a_full_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    from collabnet.recommend import rank

    space = build_space(_synthetic(3, 24_000))
    scorer = Scorer(space, resolve_weights("default", space))
    n_rows, n_cols = space.shape
    # About 40 rows a chunk: the rows go through many chunks on two threads, each
    # sorted out 7 rows at a time.
    monkeypatch.setattr(rank, "DENSE_CELLS", 4 * 40 * n_cols)
    monkeypatch.setattr(rank, "_SORT_CELLS", 7 * n_cols)
    monkeypatch.setattr(rank, "worker_count", lambda: 2)
    top = scorer.top(10, dense_cells=10**12).reset_index(drop=True)
    assert top.attrs["dense_rows"] == n_rows

    # Every row's ten best unlinked columns by a full sort of its scores, ties to the
    # earlier column.
    scores = scorer.dense(np.arange(n_rows))
    scores[space.linked().toarray() > 0] = -np.inf
    rows, cols, logits, ranks = [], [], [], []
    for row in range(n_rows):
        order = np.lexsort((np.arange(n_cols), -scores[row]))[:10]
        order = order[np.isfinite(scores[row, order])]
        rows += [row] * len(order)
        cols += order.tolist()
        logits += scores[row, order].tolist()
        ranks += list(range(1, len(order) + 1))
    assert top["row"].tolist() == rows
    assert top["col"].tolist() == cols
    assert top["rank"].tolist() == ranks
    np.testing.assert_allclose(top["logit"].to_numpy(), logits, rtol=1e-12)


def test_several_lists_from_one_dense_pass_equal_full_sorts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lists with different closed columns, asked at once, are each what a full sort of
    every row's scores gives: closing one list's columns leaves the others' scores."""
    from collabnet.recommend import rank

    space = build_space(_synthetic(1, 24_000))
    scorer = Scorer(space, resolve_weights("default", space))
    n_rows, n_cols = space.shape
    monkeypatch.setattr(rank, "DENSE_CELLS", 4 * 40 * n_cols)
    monkeypatch.setattr(rank, "worker_count", lambda: 2)
    thirds = np.arange(n_cols) % 3 == 0
    halves = np.arange(n_cols) % 2 == 1
    asks = [(3, thirds), (10, None), (5, halves)]
    lists = scorer.tops(asks, dense_cells=10**12)
    scores = scorer.dense(np.arange(n_rows))
    scores[space.linked().toarray() > 0] = -np.inf
    for (k, closed), got in zip(asks, lists, strict=True):
        shut = np.where(closed[None, :], -np.inf, scores) if closed is not None else scores
        rows, cols = [], []
        for row in range(n_rows):
            order = np.lexsort((np.arange(n_cols), -shut[row]))[:k]
            order = order[np.isfinite(shut[row, order])]
            rows += [row] * len(order)
            cols += order.tolist()
        assert got["row"].tolist() == rows
        assert got["col"].tolist() == cols
        assert got["rank"].tolist() == got.groupby("row").cumcount().add(1).tolist()


@pytest.mark.parametrize("links", [6_000, 24_000])
def test_closed_columns_are_left_out_the_same_way(links: int) -> None:
    space = build_space(_synthetic(2, links))
    scorer = Scorer(space, resolve_weights("default", space))
    closed = np.zeros(space.shape[1], dtype=bool)
    closed[::3] = True
    dense = scorer.top(10, closed=closed, dense_cells=10**12)
    grouped = scorer.top(10, closed=closed, dense_cells=0)
    assert not closed[grouped["col"].to_numpy()].any()
    pd.testing.assert_frame_equal(
        dense.reset_index(drop=True), grouped.reset_index(drop=True), check_exact=False, rtol=1e-12
    )


def test_block_scores_equal_pair_scores(hand: Tables) -> None:
    space = build_space(hand)
    scorer = Scorer(space, default_weights(space))
    rows = np.arange(space.shape[0])
    dense = scorer.dense(rows)
    r, c = np.meshgrid(rows, np.arange(space.shape[1]), indexing="ij")
    np.testing.assert_allclose(dense, scorer.at(r.ravel(), c.ravel()).reshape(dense.shape))


def test_scores_do_not_depend_on_the_query(hand: Tables) -> None:
    one = recommend(hand, enterprise="E1", top=3)
    every = recommend(hand, top=3)
    merged = one.merge(every, on=["enterprise_id", "platform_id"], suffixes=("", "_all"))
    np.testing.assert_allclose(merged["score"], merged["score_all"])


@pytest.mark.parametrize("enterprise", ["E004", "E164", "E020"])
def test_one_enterprise_gets_its_rows_of_the_run_over_every_enterprise(
    sample_dir: Path, enterprise: str
) -> None:
    """Text similarity, moments and scores do not depend on which sources a block holds:
    one enterprise's query gives exactly its rows of the whole run, reasons included."""
    tables = load_tables(sample_dir)
    one = recommend(tables, enterprise=enterprise, weights="default")
    every = recommend(tables, weights="default")
    mine = every[every["enterprise_id"] == enterprise].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, mine)


def test_spaces_in_groups_hold_the_features_of_one_space(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    whole = build_space(tables)
    ids = list(whole.ids[whole.rows])
    groups = [ids[:40], ids[40:41], ids[41:]]
    for group, space in zip(groups, build_spaces(tables, groups), strict=True):
        rows = np.repeat(np.arange(len(group)), space.shape[1])
        cols = np.tile(np.arange(space.shape[1]), len(group))
        at = whole.row_of(group)[rows]
        pd.testing.assert_frame_equal(space.features_at(rows, cols), whole.features_at(at, cols))
        assert default_weights(space) == default_weights(whole)


def test_capacity_setting_changes_the_load_signal(hand: Tables) -> None:
    space = build_space(hand, settings=Settings(capacity=1))
    left = space.node["capacity_left"].to_numpy()[space.cols]
    assert list(left) == [0.0, 0.0, 1.0]


def test_fit_logistic_reaches_the_optimum() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(400, 3))
    labels = (features @ [1.5, -1.0, 0.0] + rng.normal(size=400) > 0).astype(float)
    coef, intercept = fit_logistic(features, labels, l2=1.0)
    # Newton's method on the same objective, written out independently.
    theta = np.zeros(4)
    design = np.column_stack([features, np.ones(400)])
    penalty = np.diag([1.0, 1.0, 1.0, 0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ theta))
        gradient = design.T @ (p - labels) + penalty @ theta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        theta -= np.linalg.solve(hessian, gradient)
    np.testing.assert_allclose(np.append(coef, intercept), theta, atol=1e-4)


def test_learned_weights_find_the_signal_that_made_the_links() -> None:
    # New pairs in 2024 all share partners; random pairs rarely do.
    tables = _synthetic(3)
    links = tables.links
    space = build_space(tables.as_of(2023))
    shared = space.blocks["common_partners"].tocoo()
    rng = np.random.default_rng(0)
    pick = rng.choice(shared.nnz, size=300, replace=False)
    ids = space.ids
    fresh = pd.DataFrame(
        {
            "source": ids[space.rows[shared.row[pick]]],
            "target": ids[space.cols[shared.col[pick]]],
            "kind": "co_built_centre",
            "year": pd.array([2024] * 300, dtype="Int64"),
            "weight": 1.0,
            "funding": np.nan,
        }
    )
    old = links[links["year"] <= 2023]
    changed = Tables(
        organizations=tables.organizations,
        links=pd.concat([old, fresh], ignore_index=True).astype(links.dtypes.to_dict()),
        industries=tables.industries,
    )
    weights = learn_weights(changed, 2024)
    assert weights is not None
    assert weights.coefficients["common_partners"] > 0.5
    assert weights.coefficients["common_partners"] == max(weights.coefficients.values())


def test_learned_falls_back_to_default_without_history(hand: Tables) -> None:
    space = build_space(hand)
    weights = resolve_weights("learned", space)
    assert weights.method == "default"
    assert "fewer than 5 new pairs in 2023" in weights.description


def test_every_feature_has_a_default_weight() -> None:
    from collabnet.recommend.model import DEFAULT_WEIGHTS

    assert set(DEFAULT_WEIGHTS) == set(FEATURES)


def test_cli_recommend_json_on_the_sample(sample_dir: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["recommend", str(sample_dir), "--enterprise", "E004", "--top", "3", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 3
    for record in records:
        assert {"platform_id", "platform_name", "score", "reasons"} <= set(record)
        assert all(" / " in reason for reason in record["reasons"])


def test_cli_unknown_enterprise_exits_1_with_suggestions(sample_dir: Path) -> None:
    names = pd.read_csv(sample_dir / "organizations.csv")
    name = names.loc[names["id"] == "E004", "name"].iat[0]
    query = name[3:9]
    result = CliRunner().invoke(main, ["recommend", str(sample_dir), "--enterprise", query])
    assert result.exit_code == 1
    assert (
        f"Error: no organisation with id or name '{query}'; did you mean: {name}" in result.output
    )


def test_cli_help_lists_the_recommendation_commands() -> None:
    for command in ("recommend", "plan", "match-demands", "evaluate"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_a_network_without_enterprises_gets_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nP1,平台甲,platform\nU1,大学乙,university\n", encoding="utf-8"
    )
    (tmp_path / "links.csv").write_text(
        "source,target,kind,year\nP1,U1,cooperation,2022\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="nothing to pair: the network has 0 organisations"):
        cn.load(tmp_path).recommend()
