"""Time a first load with Neo4j's offline importer (``collabnet neo4j import``) against a push.

    python benchmarks/bench_neo4j_import.py [--size S|M|L] [--no-push]

Sizes as in the other benchmarks (:func:`synthetic.make_tables`): S = 2,000
organisations / 20,000 links, M = 20,000 / 200,000 (default), L = 200,000 / 2,000,000.

In a temporary folder it imports the network into the store of the Neo4j with GDS that
``make neo4j`` runs (``scripts/neo4j/admin.sh``, the server stopped), starts that server
on it, and lets collabnet's first connection finish the import (constraints). Reported:
the seconds and processor time of writing the CSV files (collabnet) and of the importer
(its JVM), links per second over the whole load, the first connection's finishing time,
and the counts read back, checked against the tables. Then, unless ``--no-push``, the
same network is pushed into the same server after its data is deleted, as the reference:
its links per second and the import's rate as a multiple of it.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# The benchmark helpers beside this file, and the test server under tests/.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import make_tables

from collabnet.backends.neo4j import Neo4jBackend, offline_import
from collabnet.backends.neo4j.model import KIND_OF_TYPE
from tests.neo4j_server import Neo4jServer

SIZES = {"S": (2_000, 20_000), "M": (20_000, 200_000), "L": (200_000, 2_000_000)}
ADMIN = ["bash", str(Path(__file__).resolve().parents[1] / "scripts" / "neo4j" / "admin.sh")]


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--no-push", action="store_true", help="skip the reference push")
    args = parser.parse_args()
    organizations, links = SIZES[args.size]
    tables = make_tables(organizations, links, seed=0)
    print(f"network: {organizations:,} organisations, {len(tables.links):,} links")
    # The server's memory as in the other Neo4j benchmarks (run.sh alone gives 1 GB).
    os.environ.setdefault("NEO4J_HEAP", "6g")
    os.environ.setdefault("NEO4J_PAGECACHE", "2g")
    with tempfile.TemporaryDirectory(prefix="collabnet-bench-") as folder:
        home = Path(folder) / "home"
        os.environ["NEO4J_DATA"] = str(home)
        own, children = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        report = offline_import(tables, ADMIN, folder=Path(folder) / "files")
        own, children = (
            cpu(resource.RUSAGE_SELF) - own,
            cpu(resource.RUSAGE_CHILDREN) - children,
        )
        rate = report.links / report.seconds
        print(
            f"import: {report.nodes:,} nodes and {report.relationships:,} relationships in "
            f"{report.seconds:.1f} s = {rate:,.0f} links/s\n"
            f"  CSV files: {report.files_seconds:.1f} s ({own:.1f} s of collabnet's "
            f"processor time)\n"
            f"  importer:  {report.import_seconds:.1f} s ({children:.1f} s of its processor "
            f"time, start-up of the JVM included)"
        )
        with Neo4jServer(home, java_options=()) as server:
            started = time.perf_counter()
            with Neo4jBackend(server.uri, user=server.user, password=server.password) as backend:
                backend.dataset()
                print(
                    f"first connection: constraints created in "
                    f"{time.perf_counter() - started:.1f} s"
                )
                found = backend.counts()
                in_links = sum(found["relationships"].get(t, 0) for t in KIND_OF_TYPE)
                assert found["nodes"]["Organization"] == len(tables.organizations), found
                assert in_links == len(tables.links), found
                print(f"  counts read back match the tables: {found}")
                if args.no_push:
                    return
                backend.drop()
                pushed = backend.push(tables)
                push_rate = pushed.links / pushed.seconds
                print(
                    f"push into the emptied database (reference): {pushed.seconds:.1f} s = "
                    f"{push_rate:,.0f} links/s\nimport / push = {rate / push_rate:.1f}x"
                )


if __name__ == "__main__":
    main()
