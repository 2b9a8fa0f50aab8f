"""Time the briefing on CORDIS: ``collabnet report`` end to end, against a reference.

    python benchmarks/bench_report.py [--cordis-file FILE] [--runs 5]

Each run is a fresh ``python -m collabnet report --participations FILE -o ... --xlsx ...``
(imports, loading, analyses, figures, HTML and workbook), timed from outside: wall time,
and the CPU time of the command and every process it started. Target: ≤ 10 s of wall
time.

The reference is the same command with every figure drawn in the command's own process
(no drawing process started ahead, none started for large networks), the way the
briefing was drawn before its figures moved to a second process. The two alternate
run by run, so that a machine whose pace drifts affects both alike; the script prints
every run, the medians and their ratio.

CORDIS H2020 2014–2017 is read from ``../shared`` beside the checkout, or from
``--cordis-file``; the script says so and exits when it is absent.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORDIS = REPO.parent / "shared" / "data" / "cordis-h2020" / "participations-2014-2017.csv.gz"
TARGET_SECONDS = 10.0

# The command with every figure drawn in its own process: no process started ahead, and
# no threshold a network can reach.
_IN_PROCESS = """
import sys
import collabnet.outputs.figure_jobs as job
job.start_drawing_process = lambda: None
job.OVERVIEW_ELSEWHERE = float("inf")
from collabnet.cli import run
run(sys.argv[1:], prog_name="collabnet")
"""


def _run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    subprocess.run(command, check=True, cwd=REPO, env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cordis-file", type=Path, default=CORDIS)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    if not options.cordis_file.is_file():
        sys.exit(f"the CORDIS participations are not at {options.cordis_file}: give --cordis-file")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        arguments = [
            "report",
            "--participations",
            str(options.cordis_file.resolve()),
            "-o",
            str(Path(folder) / "briefing.html"),
            "--xlsx",
            str(Path(folder) / "briefing.xlsx"),
        ]
        cases = {
            "collabnet": [sys.executable, "-m", "collabnet", *arguments],
            "reference": [sys.executable, "-c", _IN_PROCESS, *arguments],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        print(f"CORDIS briefing, {options.runs} runs each, alternating (load {load:.1f})")
        for run in range(options.runs):
            for name, command in cases.items():
                wall, cpu = _run(command)
                times[name].append((wall, cpu))
                print(f"  run {run + 1} {name:9s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    medians = {name: statistics.median(w for w, _ in runs) for name, runs in times.items()}
    for name, runs in times.items():
        walls = [w for w, _ in runs]
        cpus = [c for _, c in runs]
        over = sum(w > TARGET_SECONDS for w in walls)
        print(
            f"{name:9s} wall {min(walls):.2f}–{max(walls):.2f} s, median {medians[name]:.2f} s "
            f"({over} of {len(walls)} over {TARGET_SECONDS:g} s); "
            f"CPU median {statistics.median(cpus):.2f} s"
        )
    print(
        f"collabnet / reference, median wall: {medians['collabnet'] / medians['reference']:.2f} "
        f"(load {os.getloadavg()[0]:.1f} at the end)"
    )


if __name__ == "__main__":
    main()
