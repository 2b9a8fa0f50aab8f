"""The database path at scale: push rate, and each command's time and peak memory from
files and from Neo4j, in one run.

    python benchmarks/bench_neo4j_scale.py                   # sizes M and L
    python benchmarks/bench_neo4j_scale.py --sizes S M --commands centrality gaps
    python benchmarks/bench_neo4j_scale.py --orgs 5000 --links 50000

Sizes as in the other benchmarks (:func:`synthetic.make_tables`): S = 2,000
organisations / 20,000 links, M = 20,000 / 200,000, L = 200,000 / 2,000,000; and M3 =
20,000 / 600,000, to see whether memory follows the links.

For each size it writes the network as CSV files, starts its own Neo4j with GDS (the
server ``make neo4j`` runs, with the JIT compiler at full strength) on a loopback port
in a temporary folder, pushes the tables into it and reports links per second. Then it
runs each command as a fresh ``collabnet`` process, once on the files and once with
``--backend neo4j``, and reports its wall time and peak resident memory (the process's
own, not the database's: the server is a separate process). The last table holds the
ratios that matter: the database path's peak memory over the file path's, per size, and
how it changes from one size to the next.

Commands (``--commands``): ``centrality`` (``--top 10``), ``gaps``, ``brokers``
(``--top 10``), ``recommend`` (``--top 10`` for every enterprise, as CSV), ``report``
(the briefing) and ``viz`` (the interactive page), both written nowhere. A command that
runs longer than ``--timeout`` seconds is stopped and reported as such. Every run starts
with an empty store of chosen models (``COLLABNET_CACHE`` in the temporary folder), so
``recommend`` chooses its model as a first run on new data does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

# The benchmark helpers beside this file, and the test server under tests/.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import make_tables

from collabnet.backends.neo4j import Neo4jBackend
from collabnet.writers import write_tables
from tests.neo4j_server import Neo4jServer

# M3 has M's organisations and three times its links: the database path's memory should
# stay where M's is.
SIZES = {
    "S": (2_000, 20_000),
    "M": (20_000, 200_000),
    "M3": (20_000, 600_000),
    "L": (200_000, 2_000_000),
}
COMMANDS = {
    "centrality": ["centrality", "--top", "10"],
    "gaps": ["gaps"],
    "brokers": ["brokers", "--top", "10"],
    # CSV: the terminal table of every enterprise's top 10 takes longer to lay out than
    # the recommendations take to compute.
    "recommend": ["recommend", "--top", "10", "--format", "csv"],
    "report": ["report", "-o", os.devnull],
    "viz": ["viz", "-o", os.devnull],
}
COLLABNET = Path(sys.executable).with_name("collabnet")


@dataclass(frozen=True)
class Run:
    """One command's wall time (s) and peak resident memory (MB), or why it has none."""

    seconds: float | None
    peak_mb: float | None
    failed: str | None = None

    def cells(self) -> str:
        if self.failed:
            return f"{self.failed:>22}"
        return f"{self.seconds:8.1f} s {self.peak_mb:8.0f} MB"


def measure(arguments: list[str], env: dict[str, str], timeout: float) -> Run:
    """Run ``collabnet ARGUMENTS`` under ``/usr/bin/time`` and read its figures."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        command = ["/usr/bin/time", "-f", "%e %M", "-o", report.name, str(COLLABNET), *arguments]
        try:
            done = subprocess.run(
                command,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Run(None, None, f"over {timeout:.0f} s")
        if done.returncode != 0:
            last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            return Run(None, None, f"exit {done.returncode}: {' '.join(last)[:60]}")
        seconds, kilobytes = report.read().split()[-2:]
    return Run(float(seconds), int(kilobytes) / 1024)


def bench_size(
    label: str, n_orgs: int, n_links: int, commands: list[str], timeout: float, seed: int
) -> dict[str, tuple[Run, Run]]:
    print(f"\n== {label}: {n_orgs:,} organisations, {n_links:,} links", flush=True)
    tables = make_tables(n_orgs, n_links, seed=seed)
    # The files must pass validation, which refuses a link row repeated exactly.
    tables = replace(tables, links=tables.links.drop_duplicates().reset_index(drop=True))
    results: dict[str, tuple[Run, Run]] = {}
    with tempfile.TemporaryDirectory(prefix="collabnet-scale-") as folder:
        files = Path(folder) / "files"
        write_tables(tables, files)
        env = dict(os.environ)
        # A fresh store of chosen models: every recommend run chooses its model, as a
        # first run on new data does.
        env["COLLABNET_CACHE"] = str(Path(folder) / "cache")
        env.setdefault("NEO4J_HEAP", "6g")
        env.setdefault("NEO4J_PAGECACHE", "2g")
        os.environ.update({k: env[k] for k in ("NEO4J_HEAP", "NEO4J_PAGECACHE")})
        with Neo4jServer(Path(folder) / "neo4j", java_options=()) as server:
            with Neo4jBackend(server.uri, user=server.user, password=server.password) as backend:
                started = time.perf_counter()
                report = backend.push(tables)
                seconds = time.perf_counter() - started
            del tables
            print(
                f"push: {report.organizations:,} organisations and {report.links:,} links in "
                f"{seconds:.1f} s = {report.links / seconds:,.0f} links/s overall "
                "(organisations, schema, pruning and checks included)",
                flush=True,
            )
            env.update(NEO4J_URI=server.uri, NEO4J_USER=server.user, NEO4J_PASSWORD=server.password)
            print(f"{'command':>12} {'files':>22} {'neo4j':>22} {'memory neo4j/files':>20}")
            for name in commands:
                on_files = measure([*COMMANDS[name], str(files)], env, timeout)
                on_neo4j = measure([*COMMANDS[name], "--backend", "neo4j"], env, timeout)
                results[name] = (on_files, on_neo4j)
                print(
                    f"{name:>12} {on_files.cells()} {on_neo4j.cells()} "
                    f"{_ratio(on_neo4j.peak_mb, on_files.peak_mb):>20}",
                    flush=True,
                )
    return results


def _ratio(top: float | None, bottom: float | None) -> str:
    return "—" if top is None or bottom is None or bottom == 0 else f"{top / bottom:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["M", "L"])
    parser.add_argument("--orgs", type=int, default=0, help="organisations (instead of --sizes)")
    parser.add_argument("--links", type=int, default=0, help="links (with --orgs)")
    parser.add_argument("--commands", nargs="+", choices=list(COMMANDS), default=list(COMMANDS))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per command")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = (
        {f"{args.orgs:,}/{args.links:,}": (args.orgs, args.links)}
        if args.orgs
        else {label: SIZES[label] for label in args.sizes}
    )
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start")
    every = {
        label: bench_size(label, n, m, args.commands, args.timeout, args.seed)
        for label, (n, m) in sizes.items()
    }
    print("\npeak memory of the collabnet process, MB (neo4j / files)")
    for name in args.commands:
        cells = []
        for label, results in every.items():
            on_files, on_neo4j = results[name]
            cells.append(
                f"{label}: {on_neo4j.peak_mb or float('nan'):,.0f} / "
                f"{on_files.peak_mb or float('nan'):,.0f}"
            )
        print(f"{name:>12}  " + "   ".join(cells))


if __name__ == "__main__":
    main()
