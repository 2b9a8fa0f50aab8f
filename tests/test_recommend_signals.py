"""Pair signals against networkx's link-prediction functions and hand counts."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from collabnet.recommend import signals
from collabnet.recommend.space import _database_blocks


def _random_graph(seed: int, n: int = 60, p: float = 0.08) -> tuple[nx.Graph, sp.csr_matrix]:
    graph = nx.gnp_random_graph(n, p, seed=seed)
    matrix = sp.csr_matrix(
        nx.to_scipy_sparse_array(graph, nodelist=range(n), weight=None, format="csr"), dtype=float
    )
    return graph, matrix


def _blocks(seed: int) -> tuple[nx.Graph, sp.csr_matrix, np.ndarray, np.ndarray]:
    graph, matrix = _random_graph(seed)
    rng = np.random.default_rng(seed)
    nodes = rng.permutation(graph.number_of_nodes())
    return graph, matrix, np.sort(nodes[:25]), np.sort(nodes[25:45])


NX_FUNCTIONS = {
    "adamic_adar": nx.adamic_adar_index,
    "resource_allocation": nx.resource_allocation_index,
    "jaccard": nx.jaccard_coefficient,
    "preferential_attachment": nx.preferential_attachment,
}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("method", sorted(NX_FUNCTIONS))
def test_block_scores_equal_networkx(seed: int, method: str) -> None:
    graph, matrix, rows, cols = _blocks(seed)
    pairs = list(itertools.product(rows.tolist(), cols.tolist()))
    pairs = [(u, v) for u, v in pairs if u != v]
    expected = {(u, v): s for u, v, s in NX_FUNCTIONS[method](graph, pairs)}
    function = getattr(signals, method)
    block = function(matrix, rows, cols)
    dense = block if isinstance(block, np.ndarray) else block.toarray()
    position = {node: i for i, node in enumerate(rows)}, {node: j for j, node in enumerate(cols)}
    for (u, v), value in expected.items():
        assert dense[position[0][u], position[1][v]] == pytest.approx(value, abs=1e-12, rel=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_common_neighbours_equal_networkx(seed: int) -> None:
    graph, matrix, rows, cols = _blocks(seed)
    block = signals.common_neighbours(matrix, rows, cols).toarray()
    for i, u in enumerate(rows):
        for j, v in enumerate(cols):
            if u != v:
                assert block[i, j] == len(list(nx.common_neighbors(graph, u, v)))


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize(
    "method",
    [
        "common_neighbours",
        "adamic_adar",
        "resource_allocation",
        "jaccard",
        "preferential_attachment",
    ],
)
def test_pair_scores_equal_networkx(seed: int, method: str) -> None:
    graph, matrix = _random_graph(seed)
    rng = np.random.default_rng(seed)
    u = rng.integers(0, 60, size=300)
    v = rng.integers(0, 60, size=300)
    keep = u != v
    u, v = u[keep], v[keep]
    got = signals.pair_scores(matrix, u, v, method)
    if method == "common_neighbours":
        expected = [len(list(nx.common_neighbors(graph, a, b))) for a, b in zip(u, v, strict=True)]
    else:
        expected = [
            s
            for _, _, s in NX_FUNCTIONS[method](
                graph, list(zip(u.tolist(), v.tolist(), strict=True))
            )
        ]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_neighbourhood_scores_share_one_pattern() -> None:
    _, matrix, rows, cols = _blocks(7)
    shared, adamic_adar, resource = signals.neighbourhood_scores(matrix, rows, cols)
    for other in (adamic_adar, resource):
        np.testing.assert_array_equal(shared.indptr, other.indptr)
        np.testing.assert_array_equal(shared.indices, other.indices)
    np.testing.assert_allclose(
        adamic_adar.toarray(), signals.adamic_adar(matrix, rows, cols).toarray()
    )


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("compiled", [True, False])
def test_neighbourhood_scores_equal_products_of_sparse_matrices(
    seed: int, workers: int, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signals, "worker_count", lambda: workers)
    monkeypatch.setattr(signals, "COMPILED_MIN_CELLS", 0 if compiled else 10**12)
    graph, matrix, rows, cols = _blocks(seed)
    found = signals.neighbourhood_scores(matrix, rows, cols)
    # The functions of one signal each are scipy's products of sparse matrices.
    for function, block in zip(
        (signals.common_neighbours, signals.adamic_adar, signals.resource_allocation),
        found,
        strict=True,
    ):
        product = function(matrix, rows, cols)
        product.sort_indices()
        # The same values bit for bit, on the same pattern.
        np.testing.assert_array_equal(block.indptr, product.indptr)
        np.testing.assert_array_equal(block.indices, product.indices)
        np.testing.assert_array_equal(block.data, product.data)
    common = {(u, v): len(list(nx.common_neighbors(graph, u, v))) for u in rows for v in cols}
    dense = found[0].toarray()
    for (u, v), count in common.items():
        assert dense[np.searchsorted(rows, u), np.searchsorted(cols, v)] == count


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("held", ["dense", "rows", "sparse"])
@pytest.mark.parametrize("weights", ["same pattern", "other pattern", None])
def test_block_signals_equal_the_separate_signals(
    seed: int, held: str, weights: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The compiled loops, in one pass, against the separate products of sparse matrices.
    monkeypatch.setattr(signals, "COMPILED_MIN_CELLS", 10**12)
    _, matrix, rows, cols = _blocks(seed)
    rng = np.random.default_rng(seed)
    weighted = None
    if weights is not None:
        upper = sp.triu(matrix, 1).tocoo()
        values = rng.integers(1, 5, size=upper.nnz).astype(float)
        if weights == "other pattern":
            values[::3] = 0.0
        weighted = sp.csr_matrix((values, (upper.row, upper.col)), shape=matrix.shape)
        weighted = sp.csr_matrix(weighted + weighted.T)
        weighted.eliminate_zeros()
    monkeypatch.setattr(signals, "_how_to_hold", lambda *_: held)
    counts, walks = signals.three_steps(matrix, rows, cols, dense=held == "dense")
    expected = dict(
        zip(
            ("common_partners", "adamic_adar", "resource_allocation"),
            signals.neighbourhood_scores(matrix, rows, cols),
            strict=True,
        )
    )
    if weighted is not None:
        expected["multiplicity"] = signals.multiplicity(weighted, rows, cols)
    monkeypatch.setattr(signals, "COMPILED_MIN_CELLS", 0)
    # Small chunks: several on each thread.
    found = signals.block_signals(matrix, rows, cols, weighted, chunk_cells=3 * len(cols))
    assert set(found) == {*expected, "paths3", "walk3"}
    for name, reference in expected.items():
        block = found[name]
        assert isinstance(block, sp.csr_matrix)
        block.eliminate_zeros()
        reference.sort_indices()
        # The same values bit for bit, on the same pattern.
        np.testing.assert_array_equal(block.indptr, reference.indptr)
        np.testing.assert_array_equal(block.indices, reference.indices)
        np.testing.assert_array_equal(block.data, reference.data)
    everything = np.arange(len(rows))
    for name, reference in (("paths3", counts), ("walk3", walks)):
        block = found[name]
        if held == "rows":
            assert isinstance(block, signals.PathRows)
            block = block.dense(everything)
        as_array = block if isinstance(block, np.ndarray) else block.toarray()
        reference = reference if isinstance(reference, np.ndarray) else reference.toarray()
        np.testing.assert_array_equal(as_array, reference)


@pytest.mark.parametrize("seed", [0, 1])
def test_paths3_counts_simple_paths_for_unlinked_pairs(seed: int) -> None:
    graph, matrix, rows, cols = _blocks(seed)
    block = signals.paths3(matrix, rows, cols).toarray()
    for i, u in enumerate(rows):
        for j, v in enumerate(cols):
            if u == v or graph.has_edge(u, v):
                continue
            paths = [p for p in nx.all_simple_paths(graph, u, v, cutoff=3) if len(p) == 4]
            assert block[i, j] == len(paths)


def test_paths3_work_bounds_the_product() -> None:
    _, matrix, rows, cols = _blocks(3)
    assert signals.paths3_work(matrix, rows, cols) >= signals.paths3(matrix, rows, cols).nnz


def test_katz_adds_two_and_three_step_walks() -> None:
    np.testing.assert_allclose(
        signals.katz(np.array([2.0, 0.0]), np.array([4.0, 10.0]), beta=0.1), [0.24, 0.1]
    )


def test_pair_scores_rejects_unknown_method() -> None:
    _, matrix = _random_graph(0)
    with pytest.raises(ValueError, match="unknown method 'katz'"):
        signals.pair_scores(matrix, np.array([0]), np.array([1]), "katz")


def _reference_tfidf_cosine(texts: list[str]) -> np.ndarray:
    """The documented TF-IDF by hand: bigrams and trigrams within 、-separated keywords,
    smooth idf log((1 + n) / (1 + df)) + 1, cosine of the weighted counts."""
    documents = []
    for text in texts:
        grams: dict[str, int] = {}
        for word in filter(None, text.split("、")):
            pieces = (
                [word]
                if len(word) < 2
                else [word[i : i + size] for size in (2, 3) for i in range(len(word) - size + 1)]
            )
            for piece in pieces:
                grams[piece] = grams.get(piece, 0) + 1
        documents.append(grams)
    n = len(texts)
    frequency: dict[str, int] = {}
    for grams in documents:
        for gram in grams:
            frequency[gram] = frequency.get(gram, 0) + 1
    weighted = [
        {g: c * (np.log((1 + n) / (1 + frequency[g])) + 1) for g, c in grams.items()}
        for grams in documents
    ]
    result = np.zeros((n, n))
    for i, a in enumerate(weighted):
        for j, b in enumerate(weighted):
            dot = sum(v * b.get(g, 0.0) for g, v in a.items())
            norm = np.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
            result[i, j] = dot / norm if norm else 0.0
    return result


def test_chinese_ngram_tfidf_equals_a_hand_computed_reference() -> None:
    texts = ["密封、流体仿真", "机械密封、流体", "人工智能、工业互联网", "", "阀"]
    vectors = signals.char_ngram_tfidf(texts)
    similarity = (vectors @ vectors.T).toarray()
    np.testing.assert_allclose(similarity, _reference_tfidf_cosine(texts), atol=1e-12)
    assert similarity[0, 1] > 0
    assert similarity[0, 2] == 0.0


def test_text_similarity_drops_values_below_the_floor() -> None:
    vectors = signals.char_ngram_tfidf(["密封件", "密封", "智能制造"])
    block = signals.text_similarity(vectors[:1], vectors[1:], floor=0.0).toarray()
    floored = signals.text_similarity(vectors[:1], vectors[1:], floor=0.99).toarray()
    assert block[0, 0] > 0
    assert floored.sum() == 0.0


@pytest.mark.parametrize("density", [0.0, 0.05, 0.6])
def test_values_at_equals_dense_indexing(density: float) -> None:
    rng = np.random.default_rng(11)
    block = sp.random(40, 30, density=density, format="csr", random_state=rng)
    block.data += 1.0
    rows = rng.integers(0, 40, size=500)
    cols = rng.integers(0, 30, size=500)
    expected = block.toarray()[rows, cols]
    np.testing.assert_array_equal(signals.values_at(block, rows, cols), expected)
    np.testing.assert_array_equal(signals.values_at(block.toarray(), rows, cols), expected)


def test_positions_at_point_into_the_data_of_every_block_of_the_pattern() -> None:
    rng = np.random.default_rng(5)
    block = sp.random(50, 20, density=0.2, format="csr", random_state=rng)
    block.data += 1.0
    twin = signals.same_pattern(sp.csr_matrix(block * 3.0), block)
    rows = rng.integers(0, 50, size=400)
    cols = rng.integers(0, 20, size=400)
    positions = signals.positions_at(block, rows, cols)
    assert ((positions >= 0) == (block.toarray()[rows, cols] != 0)).all()
    np.testing.assert_array_equal(
        signals.values_from(twin, positions), 3.0 * block.toarray()[rows, cols]
    )


@pytest.mark.parametrize("fill", [0.05, 0.6])
def test_database_pairs_become_the_blocks_a_coordinate_matrix_gives(fill: float) -> None:
    """The database's pairs, in any row order, laid out as blocks: the same entries,
    values and order as scipy's coordinate-to-row conversion, with the shared-partner
    sums added up pair by pair in the order sent."""
    rng = np.random.default_rng(7)
    shape = (40, 30)
    cells = rng.choice(shape[0] * shape[1], size=int(fill * shape[0] * shape[1]), replace=False)
    rows, cols = np.divmod(cells, shape[1])
    common = rng.integers(0, 4, len(cells))
    paths = np.where(rng.random(len(cells)) < 0.8, rng.integers(1, 50, len(cells)), 0)
    paths[common > 0] = np.maximum(paths[common > 0], 1)
    found = pd.DataFrame(
        {
            "row": rows.astype(np.int32),
            "col": cols.astype(np.int32),
            "common_partners": common.astype(float),
            "paths3": paths.astype(float),
            "walk3": paths * rng.random(len(cells)) / 7,
        }
    )
    degrees = rng.integers(2, 30, common.sum()).astype(float)
    products = rng.random(common.sum()) * 5
    found.attrs.update(partner_degrees=degrees, products=products)
    blocks = _database_blocks(found, shape)

    ends = np.cumsum(common)
    spans = list(zip(ends - common, ends, strict=True))
    per_pair = {
        "adamic_adar": [sum(1 / math.log(d) for d in degrees[a:b]) for a, b in spans],
        "resource_allocation": [sum(1 / d for d in degrees[a:b]) for a, b in spans],
        "multiplicity": [sum(products[a:b]) for a, b in spans],
        "common_partners": common.astype(float),
    }
    near = common > 0
    for name, values in per_pair.items():
        expected = sp.coo_matrix(
            (np.asarray(values, dtype=float)[near], (rows[near], cols[near])), shape=shape
        ).tocsr()
        expected.sort_indices()
        got = blocks[name]
        assert np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
        np.testing.assert_allclose(got.data, expected.data, rtol=1e-12)
    reached = paths > 0
    for name in ("paths3", "walk3"):
        values = found[name].to_numpy().astype(np.float32).astype(float)
        expected = sp.coo_matrix((values[reached], (rows[reached], cols[reached])), shape=shape)
        np.testing.assert_array_equal(
            np.asarray(sp.csr_matrix(blocks[name]).todense()), expected.toarray()
        )
    assert isinstance(blocks["paths3"], np.ndarray) == (fill > signals.DENSE_PATH_FILL)


def test_a_small_network_never_loads_the_compiled_loops() -> None:
    import subprocess
    import sys

    from tests.conftest import REPO, SAMPLE

    # A fresh interpreter: in this one, other tests may have loaded numba already.
    script = (
        "import sys, collabnet as cn\n"
        f"net = cn.load({str(SAMPLE)!r})\n"
        "rows = sum(len(frame) for frame in net.recommend_every(top=3).frames)\n"
        "assert rows > 0\n"
        "print('numba' in sys.modules)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"
