"""Time the network page: building it in Python, and time-to-interactive in Chromium.

    python benchmarks/bench_page.py [--organizations 5000] [--links 20000] [--runs 3]
                                    [--sample] [--layout auto|fixed|physics]

The network comes from :func:`synthetic.make_tables`; ``--sample`` adds the shipped
Wenzhou sample (data/sample, 699 organisations), where the browser settles the layout
with physics before it stops.

Time-to-interactive is measured in headless Chromium (Debian's ``/usr/bin/chromium``,
driven by Playwright) from navigation start until the page has drawn the network with
physics off and its controls are wired: the page sets ``window.collabnetReadyAt``
(``performance.now()``, whose origin is navigation start) on the first ``afterDrawing``
after stabilisation, or straight away when the layout came from Python. Each run opens
the file in a fresh page; the table reports each run and the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_tables

import collabnet as cn
from collabnet.network import Network
from collabnet.outputs.page import network_page, write_html

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def build(network: Network, path: Path, layout: str) -> dict[str, Any]:
    """Build and write the page; seconds for each step and the file's size."""
    started = time.perf_counter()
    page = network_page(network, layout=layout)  # type: ignore[arg-type]
    built = time.perf_counter()
    write_html(page.generate_html(), path)
    written = time.perf_counter()
    return {
        "nodes": len(page.nodes),
        "edges": len(page.edges),
        "layout": page.meta["layout"],
        "build_s": built - started,
        "write_s": written - built,
        "megabytes": path.stat().st_size / 1e6,
    }


def time_to_interactive(path: Path, runs: int) -> list[dict[str, float]]:
    """Per run: ms from navigation start to DOMContentLoaded, load, and ready."""
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=LAUNCH_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
        )
        errors: list[str] = []
        for _ in range(runs):
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.resolve().as_uri(), timeout=300_000)
            page.wait_for_selector("body[data-ready=true]", state="attached", timeout=300_000)
            timing = page.evaluate(
                "(() => { const n = performance.getEntriesByType('navigation')[0];"
                " return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd,"
                " ready: window.collabnetReadyAt,"
                " nodes: collabnet.nodes.length, edges: collabnet.edges.length}; })()"
            )
            if errors:
                raise RuntimeError(f"the page reported errors: {errors}")
            results.append(timing)
            page.close()
        context.close()
    return results


def report(label: str, built: dict[str, Any], runs: list[dict[str, float]]) -> None:
    print(
        f"\n{label}: {built['nodes']:,} organisations, {built['edges']:,} links, "
        f"layout={built['layout']}, file {built['megabytes']:.1f} MB"
    )
    print(f"  python: build {built['build_s']:.2f} s, write {built['write_s']:.2f} s")
    print("  run  DOMContentLoaded ms  load ms  time-to-interactive ms")
    for number, run in enumerate(runs, start=1):
        print(f"  {number:>3}  {run['dom']:>18.0f}  {run['load']:>7.0f}  {run['ready']:>22.0f}")
    ready = statistics.median(run["ready"] for run in runs)
    print(f"  median time-to-interactive: {ready:.0f} ms ({ready / 1000:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=5_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layout", choices=["auto", "fixed", "physics"], default="auto")
    parser.add_argument("--sample", action="store_true", help="Also time data/sample.")
    options = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        sys.exit(f"{CHROMIUM} is absent: install Debian's chromium (scripts/setup.sh)")

    with tempfile.TemporaryDirectory() as folder:
        cases = []
        tables = make_tables(options.organizations, options.links)
        cases.append((f"synthetic {options.organizations:,} / {options.links:,}", Network(tables)))
        if options.sample:
            cases.append(("data/sample", cn.load(SAMPLE)))
        for number, (label, network) in enumerate(cases):
            path = Path(folder) / f"page{number}.html"
            built = build(network, path, options.layout)
            report(label, built, time_to_interactive(path, options.runs))


if __name__ == "__main__":
    main()
