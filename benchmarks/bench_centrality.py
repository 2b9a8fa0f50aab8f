"""Time collabnet's centrality suite against the plain networkx calls.

    python benchmarks/bench_centrality.py [--sizes M L] [--pivots 32] [--networkx all|sampled|none]

Sizes: S = 2,000 organisations / 20,000 links, M = 20,000 / 200,000, L = 200,000 /
2,000,000, all from :func:`synthetic.make_tables`. Above 5,000 organisations harmonic
closeness and betweenness are estimated from ``--pivots`` sources; networkx is timed on
the same estimators (``harmonic_centrality(G, sources=pivots)``,
``betweenness_centrality(G, k=pivots, seed=0)``, which draw the same pivots).

``--networkx sampled`` times networkx only on those two estimators for L (its exact
measures take minutes there) and on everything for the smaller sizes; the table says
which rows were not run.

Peak memory: the largest traced allocation (tracemalloc) during a second, traced run
of collabnet's suite, and the process's peak resident size after it (before networkx
runs).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_tables

from collabnet.analysis.centrality import (
    PIVOTS,
    _shortest_path_measures,
    choose_pivots,
    core_numbers,
    eigenvector_scores,
    pagerank_scores,
)
from collabnet.graph import adjacency

SIZES = {"S": (2_000, 20_000), "M": (20_000, 200_000), "L": (200_000, 2_000_000)}
SEED = 0


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def collabnet_suite(tables: Any, pivots: int) -> dict[str, float]:
    """Seconds per step of collabnet's suite, from tables to every measure."""
    times: dict[str, float] = {}
    times["adjacency matrix"], matrix = _timed(lambda: adjacency(tables))
    hops = matrix.hops
    times["degree"], _ = _timed(lambda: np.diff(hops.indptr))
    times["weighted degree"], _ = _timed(lambda: np.asarray(matrix.matrix.sum(axis=1)))
    times["pagerank"], _ = _timed(lambda: pagerank_scores(matrix.matrix))
    times["eigenvector"], _ = _timed(lambda: eigenvector_scores(matrix.matrix))
    times["k-core"], _ = _timed(lambda: core_numbers(hops))
    sources = choose_pivots(matrix.size, min(pivots, matrix.size), SEED)
    times["harmonic (sampled)"], _ = _timed(
        lambda: _shortest_path_measures(hops, sources, betweenness=False)
    )
    # Betweenness shares the searches with harmonic closeness in `centrality`; timed
    # here with its own searches, so the total slightly overstates the real suite.
    times["betweenness (sampled)"], _ = _timed(lambda: _shortest_path_measures(hops, sources))
    return times


def networkx_suite(graph: nx.Graph, pivots: int, which: str) -> dict[str, float | None]:
    """Seconds per networkx call (None when not run)."""
    run_all = which == "all"
    sources = [int(p) for p in choose_pivots(graph.number_of_nodes(), pivots, SEED)]
    calls: dict[str, tuple[bool, Callable[[], Any]]] = {
        "degree": (run_all, lambda: dict(graph.degree())),
        "weighted degree": (run_all, lambda: dict(graph.degree(weight="weight"))),
        "pagerank": (run_all, lambda: nx.pagerank(graph, weight="weight")),
        "eigenvector": (
            run_all,
            lambda: nx.eigenvector_centrality(graph, weight="weight", max_iter=1000),
        ),
        "k-core": (run_all, lambda: nx.core_number(graph)),
        "harmonic (sampled)": (
            which != "none",
            lambda: nx.harmonic_centrality(graph, sources=sources),
        ),
        "betweenness (sampled)": (
            which != "none",
            lambda: nx.betweenness_centrality(graph, k=pivots, seed=SEED),
        ),
    }
    times: dict[str, float | None] = {}
    for name, (wanted, call) in calls.items():
        times[name] = _timed(call)[0] if wanted else None
        gc.collect()
    return times


def _graph_from_matrix(tables: Any) -> tuple[float, nx.Graph]:
    """The networkx graph (nodes 0..n-1 in organisation order, summed weights)."""

    def build() -> nx.Graph:
        matrix = adjacency(tables).matrix.tocoo()
        keep = matrix.row < matrix.col
        graph = nx.Graph()
        graph.add_nodes_from(range(matrix.shape[0]))
        graph.add_weighted_edges_from(
            zip(
                matrix.row[keep].tolist(),
                matrix.col[keep].tolist(),
                matrix.data[keep].tolist(),
                strict=True,
            )
        )
        return graph

    return _timed(build)


def _peak_rss_gb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def run(size: str, pivots: int, networkx_mode: str) -> None:
    n, m = SIZES[size]
    seconds, tables = _timed(lambda: make_tables(n, m, seed=SEED))
    print(f"\n## {size}: {n:,} organisations, {m:,} links (generated in {seconds:.2f} s)")
    ours = collabnet_suite(tables, pivots)
    gc.collect()
    tracemalloc.start()
    collabnet_suite(tables, pivots)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = _peak_rss_gb()
    theirs: dict[str, float | None] = {}
    build = None
    mode = networkx_mode if size == "L" or networkx_mode == "none" else "all"
    if mode != "none":
        build, graph = _graph_from_matrix(tables)
        theirs = networkx_suite(graph, pivots, mode)
        del graph
        gc.collect()
    print(f"pivots for harmonic and betweenness: {pivots} (seed {SEED})")
    print(f"{'step':<24}{'collabnet s':>12}{'networkx s':>12}{'ratio':>9}")
    compared_ours = compared_theirs = 0.0
    for step, mine in ours.items():
        other = theirs.get(step)
        if other is None:
            shown = "not run" if step != "adjacency matrix" else "-"
            print(f"{step:<24}{mine:>12.3f}{shown:>12}{'':>9}")
            continue
        compared_ours += mine
        compared_theirs += other
        print(f"{step:<24}{mine:>12.3f}{other:>12.3f}{other / mine:>8.0f}x")
    total = sum(ours.values())
    print(f"{'total (collabnet)':<24}{total:>12.3f}")
    if compared_theirs:
        print(
            f"{'compared steps':<24}{compared_ours:>12.3f}{compared_theirs:>12.3f}"
            f"{compared_theirs / compared_ours:>8.0f}x"
        )
        matrix = ours["adjacency matrix"]
        print(
            f"{'... + adjacency matrix':<24}{compared_ours + matrix:>12.3f}"
            f"{compared_theirs:>12.3f}{compared_theirs / (compared_ours + matrix):>8.0f}x"
        )
    if build is not None:
        print(f"(building the networkx graph took {build:.2f} s, not counted)")
    print(
        f"peak memory, collabnet suite: {traced_peak / 1024**3:.2f} GB traced; "
        f"process peak RSS so far {rss:.2f} GB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["M", "L"])
    parser.add_argument("--pivots", type=int, default=PIVOTS)
    parser.add_argument(
        "--networkx",
        choices=["all", "sampled", "none"],
        default="sampled",
        help="networkx calls to time on L (smaller sizes always time all unless 'none')",
    )
    args = parser.parse_args()
    for size in args.sizes:
        run(size, args.pivots, args.networkx)


if __name__ == "__main__":
    main()
