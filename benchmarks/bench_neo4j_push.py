"""Time ``Neo4jBackend.push``: UNWIND batches against one row per statement.

    python benchmarks/bench_neo4j_push.py [--size S|M|L] [--single-rows 5000]
    python benchmarks/bench_neo4j_push.py --orgs 2000 --links 20000     # any size

Sizes as in the other benchmarks (:func:`synthetic.make_tables`): S = 2,000
organisations / 20,000 links, M = 20,000 / 200,000 (default), L = 200,000 / 2,000,000.

Without ``--uri`` it starts its own Neo4j with GDS (``tests/neo4j_server.py``, the
server ``make neo4j`` runs) on a loopback port in a temporary folder and stops it
afterwards. With ``--uri`` (and NEO4J_USER / NEO4J_PASSWORD) it measures a Neo4j of yours instead;
everything collabnet stored there is deleted first.

Reported, in one run:

1. the whole network pushed in batches: seconds and rows per second per phase, and the
   time to pull it back;
2. the first ``--single-rows`` links pushed again into an empty database, once with one
   row per statement (``batch_rows=1``) and once batched, and the ratio of their rates;
3. how the links rate grows with rows per statement, on the same links.

With the server it starts itself, part 1 also gives each phase's processor time per row:
collabnet's process (encoding the rows, the driver) and the server's JVM (read from
``/proc``). On a machine with N cores, N seconds of processor time per second is the most
there is, so N / (both per row) bounds the rate any client could reach with this server's
write path, whatever the statement looks like.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

# The benchmark helpers beside this file, and the test server under tests/.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import make_tables

from collabnet.backends.neo4j import BATCH_ROWS, Neo4jBackend, PushProgress
from collabnet.backends.neo4j.push import PUSH_WORKERS
from collabnet.tables import Tables
from tests.neo4j_server import Neo4jServer

SIZES = {"S": (2_000, 20_000), "M": (20_000, 200_000), "L": (200_000, 2_000_000)}


def own_cpu() -> float:
    """Processor seconds (user + system) of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """Processor seconds (user + system) of process ``pid`` so far, from ``/proc``."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PhaseClock:
    """Seconds, rows and processor seconds per push phase, from the progress callback;
    the server's too when its process id is known."""

    def __init__(self, server_pid: int | None = None) -> None:
        self.server_pid = server_pid
        self.started = time.perf_counter()
        self.last = self.started
        self.last_cpu = self._cpu()
        self.phases: dict[str, list[float]] = {}
        # Per phase: [collabnet's processor seconds, the server's].
        self.cpu: dict[str, list[float]] = {}

    def _cpu(self) -> tuple[float, float]:
        server = process_cpu(self.server_pid) if self.server_pid else float("nan")
        return own_cpu(), server

    def __call__(self, step: PushProgress) -> None:
        now = time.perf_counter()
        cpu = self._cpu()
        seconds = self.phases.get(step.phase, [0.0, 0, 0])[0]
        self.phases[step.phase] = [seconds + now - self.last, step.rows_done, step.batch]
        spent = self.cpu.setdefault(step.phase, [0.0, 0.0])
        spent[0] += cpu[0] - self.last_cpu[0]
        spent[1] += cpu[1] - self.last_cpu[1]
        self.last, self.last_cpu = now, cpu

    def rate(self, phase: str) -> float:
        seconds, rows, _ = self.phases[phase]
        return rows / seconds if seconds else float("nan")


def first_links(tables: Tables, count: int) -> Tables:
    """The first ``count`` links and the organisations they join."""
    links = tables.links.head(count).reset_index(drop=True)
    used = set(links["source"]) | set(links["target"])
    organizations = tables.organizations[tables.organizations["id"].isin(used)]
    return replace(tables, organizations=organizations.reset_index(drop=True), links=links)


def push(
    backend: Neo4jBackend,
    tables: Tables,
    batch_rows: int | None = None,
    server_pid: int | None = None,
    workers: int = PUSH_WORKERS,
) -> PhaseClock:
    backend.drop()
    clock = PhaseClock(server_pid)
    backend.push(tables, progress=clock, batch_rows=batch_rows, workers=workers)
    return clock


def run(args: argparse.Namespace, backend: Neo4jBackend, server_pid: int | None = None) -> None:
    organizations, links = (args.orgs, args.links) if args.orgs else SIZES[args.size]
    started = time.perf_counter()
    tables = make_tables(organizations, links, seed=0)
    print(
        f"network: {organizations:,} organisations, {links:,} links "
        f"(made in {time.perf_counter() - started:.1f} s)"
    )
    print(
        f"server: {backend.agent}, at most {args.batch_rows:,} rows per batch, "
        f"{args.workers} transaction(s) at a time for links and participations"
    )

    full = push(
        backend, tables, batch_rows=args.batch_rows, server_pid=server_pid, workers=args.workers
    )
    rows = []
    for phase, (seconds, done, batches) in full.phases.items():
        # The first phase's clock also runs while every row is encoded and batched.
        label = "industries (+ encoding, schema)" if phase == "industries" else phase
        own, server = full.cpu[phase]
        rows.append(
            {
                "phase": label,
                "rows": int(done),
                "batches": int(batches),
                "rows/batch": round(done / batches, 1),
                "seconds": round(seconds, 2),
                "rows/s": round(done / seconds),
                "collabnet CPU µs/row": round(own / done * 1e6),
                "server CPU µs/row": round(server / done * 1e6) if server_pid else "—",
            }
        )
    total_rows = sum(r["rows"] for r in rows)
    total_seconds = time.perf_counter() - full.started
    print("\n1. whole network, batched")
    print(pd.DataFrame(rows).to_string(index=False))
    print(
        f"   total {total_rows:,} rows in {total_seconds:.1f} s "
        f"= {total_rows / total_seconds:,.0f} rows/s (schema, pruning and checks included)"
    )
    if server_pid and "links" in full.cpu:
        cores = os.cpu_count() or 1
        own, server = full.cpu["links"]
        done = full.phases["links"][1]
        print(
            f"   links: {(own + server) / done * 1e6:.0f} µs of processor time per link "
            f"(collabnet {own / done * 1e6:.0f}, server {server / done * 1e6:.0f}); "
            f"{cores} cores allow at most {cores * done / (own + server):,.0f} links/s "
            f"at that cost, {cores * done / server:,.0f} if the client cost nothing"
        )

    started = time.perf_counter()
    pulled = backend.pull()
    print(
        f"   pull back: {len(pulled.organizations):,} organisations and "
        f"{len(pulled.links):,} links in {time.perf_counter() - started:.1f} s"
    )

    if args.single_rows < 1:
        backend.drop()
        return
    subset = first_links(tables, args.single_rows)
    single = push(backend, subset, batch_rows=1)
    batched = push(backend, subset, batch_rows=args.batch_rows)
    ratio = batched.rate("links") / single.rate("links")
    print(f"\n2. first {len(subset.links):,} links ({len(subset.organizations):,} organisations)")
    print(f"   one row per statement: {single.rate('links'):,.0f} links/s")
    print(
        f"   batched ({batched.phases['links'][1] / batched.phases['links'][2]:.1f} "
        f"rows per statement): {batched.rate('links'):,.0f} links/s"
    )
    print(f"   batched / one row = {ratio:.1f}x")

    print("\n3. links/s by rows per statement (same links)")
    for size in args.sweep:
        clock = push(backend, subset, batch_rows=size)
        seconds, done, batches = clock.phases["links"]
        print(
            f"   {size:>6} requested, {done / batches:7.1f} actual: {done / seconds:9,.0f} links/s"
        )
    backend.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--orgs", type=int, help="organisations (overrides --size)")
    parser.add_argument("--links", type=int, default=0, help="links (with --orgs)")
    parser.add_argument(
        "--single-rows",
        type=int,
        default=5_000,
        help="links pushed one per statement (default 5000)",
    )
    parser.add_argument(
        "--sweep",
        type=int,
        nargs="*",
        default=[1, 10, 100, 1_000, 5_000],
        help="rows per statement to try on those links",
    )
    parser.add_argument(
        "--batch-rows", type=int, default=BATCH_ROWS, help=f"rows per batch (default {BATCH_ROWS})"
    )
    parser.add_argument(
        "--uri", help="a Neo4j of yours (NEO4J_USER, NEO4J_PASSWORD); default: start one"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=PUSH_WORKERS,
        help=f"transactions in flight for links (default {PUSH_WORKERS})",
    )
    parser.add_argument(
        "--java-options",
        default="",
        help="JVM options for the server it starts (default: none, the JIT at full strength)",
    )
    args = parser.parse_args()
    if args.uri:
        with Neo4jBackend.from_env(args.uri) as backend:
            run(args, backend)
        return
    # The server's memory as in the scale benchmark (run.sh alone gives a 1 GB heap).
    os.environ.setdefault("NEO4J_HEAP", "6g")
    os.environ.setdefault("NEO4J_PAGECACHE", "2g")
    with (
        tempfile.TemporaryDirectory(prefix="collabnet-bench-") as folder,
        # The JIT compiler at full strength, as `make neo4j` runs it (the tests' server
        # trades it for a faster start), unless --java-options says otherwise.
        Neo4jServer(folder, java_options=args.java_options.split()) as server,
        Neo4jBackend(server.uri, user=server.user, password=server.password) as backend,
    ):
        run(args, backend, server.pid)


if __name__ == "__main__":
    main()
