"""Time the network page: writing it, opening it and using it in headless Chromium.

    python benchmarks/bench_page.py [--cordis] [--cordis-file FILE] [--sample]
                                    [--organizations 5000] [--links 20000] [--runs 3]
                                    [--keep DIR]

Cases: a synthetic network (:func:`synthetic.make_tables`), the shipped sample
(``--sample``) and CORDIS H2020 2014–2017 from ``../shared`` (``--cordis``: 22,787
organisations, 416,754 linked pairs; skipped, saying why, when the file is absent).

For each case it reports, against the targets of the page:

- ``load`` (reading the files; not the page's), ``build`` (:func:`network_page`) and
  ``write`` (HTML text and file): *written* is build + write, target ≤ 10 s;
- the file's size, target ≤ 25 MB;
- time to interactive, target ≤ 5 s: ``window.collabnetReadyAt`` (ms from navigation
  start, set on the first frame after every control is wired), median of ``--runs``;
- each interaction, target ≤ 300 ms until the page gives control back: the time the
  action's own work holds the main thread (search + select by Enter, a type filter, a
  year step, reset), and, reported beside it as "(frame)", the time until the browser
  has shown the next frame; a real mouse click on the biggest organisation likewise,
  from the browser's click event until the page has selected it, and until the next
  frame;
- pan/zoom frames per second, target ≥ 20: frames drawn while the camera pans and zooms
  for two seconds.

Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright, headless, with its
software WebGL (SwiftShader): the figures are what a machine without a GPU gets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The checkout this script lives in, before any installed copy of collabnet.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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
REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
CORDIS = REPO.parent / "shared" / "data" / "cordis-h2020" / "participations-2014-2017.csv.gz"
TARGETS = {"written_s": 10.0, "megabytes": 25.0, "ready_ms": 5000.0, "action_ms": 300.0}

# Runs in the page: one action, then wait for the frame it causes to be drawn.
TIMED = """async (action) => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  await frame();
  const started = performance.now();
  action_code;
  const handled = performance.now() - started;
  await frame();
  return [handled, performance.now() - started];
}"""
ACTIONS = {
    "search-select": (
        "const box = document.getElementById('search'); box.value = NAME;"
        " box.dispatchEvent(new Event('input'));"
        " box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}))"
    ),
    "filter": (
        "const box = document.querySelector('#type-filters input');"
        " box.checked = false; box.dispatchEvent(new Event('change'))"
    ),
    "year-step": (
        "const s = document.getElementById('year');"
        " s.value = String(Math.max(0, Number(s.max) - 1)); s.dispatchEvent(new Event('input'))"
    ),
    "reset": "document.getElementById('reset').click()",
}
PAN_ZOOM = """async () => {
  const renderer = collabnet.renderer, camera = renderer.getCamera();
  const first = collabnet.frames();
  const started = performance.now();
  await new Promise((done) => {
    const step = () => {
      const t = (performance.now() - started) / 2000;
      if (t >= 1) { done(); return; }
      camera.setState({x: 0.5 + 0.15 * Math.sin(6 * t), y: 0.5 + 0.1 * Math.cos(4 * t),
                       ratio: 0.35 + 0.6 * Math.abs(Math.sin(3 * t))});
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  return (collabnet.frames() - first) / ((performance.now() - started) / 1000);
}"""


def build(network: Network, path: Path) -> dict[str, Any]:
    """Build and write the page; seconds for each step and the file's size."""
    started = time.perf_counter()
    page = network_page(network)
    built = time.perf_counter()
    write_html(page.generate_html(), path)
    written = time.perf_counter()
    meta = page.meta
    return {
        "nodes": len(page.node_ids),
        "pairs": len(page.links()),
        "drawn": meta["backbone"]["count"],
        "build_s": built - started,
        "write_s": written - built,
        "written_s": written - started,
        "megabytes": path.stat().st_size / 1e6,
    }


def in_browser(path: Path, runs: int, name: str) -> dict[str, Any]:
    """Time to interactive per run, then interactions and pan/zoom on the last run."""
    from playwright.sync_api import sync_playwright

    ready: list[float] = []
    actions: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=LAUNCH_ARGS,
            headless=True,
            viewport={"width": 1366, "height": 768},
        )
        errors: list[str] = []
        for run in range(runs):
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.resolve().as_uri(), timeout=300_000)
            page.wait_for_selector("body[data-ready=true]", state="attached", timeout=300_000)
            ready.append(page.evaluate("window.collabnetReadyAt"))
            print(f"  run {run + 1}: interactive after {ready[-1]:.0f} ms", flush=True)
            if run == runs - 1:
                for label, code in ACTIONS.items():
                    query = name or page.evaluate("collabnet.nodes.name[0]")
                    script = TIMED.replace("action_code", code.replace("NAME", repr(query)))
                    handled, framed = page.evaluate(script)
                    actions[label] = handled
                    actions[f"{label} (frame)"] = framed
                    print(f"  {label}: {handled:.0f} ms, next frame {framed:.0f} ms", flush=True)
                actions["click"], actions["click (frame)"] = _click_biggest(page)
                print(
                    f"  click: {actions['click']:.0f} ms,"
                    f" next frame {actions['click (frame)']:.0f} ms",
                    flush=True,
                )
                actions["pan-zoom fps"] = page.evaluate(PAN_ZOOM)
            page.close()
        context.close()
    if errors:
        raise RuntimeError(f"the page reported errors: {errors}")
    return {"ready": ready, "actions": actions}


def _click_biggest(page: Any) -> tuple[float, float]:
    """ms from a real mouse click on the biggest organisation until it is selected, and
    until the next frame."""
    # Centred on the biggest organisation and zoomed in, so that nothing covers it; after
    # any camera animation has ended and the view has been drawn at rest.
    page.wait_for_timeout(600)
    where = page.evaluate(
        "(() => { const r = collabnet.renderer, n = collabnet.nodes; let best = 0;"
        " for (let i = 1; i < n.size.length; i++) if (n.size[i] > n.size[best]) best = i;"
        " const d = r.getNodeDisplayData(n.id[best]);"
        " r.getCamera().setState({x: d.x, y: d.y, ratio: 0.05, angle: 0}); r.refresh();"
        " const p = r.framedGraphToViewport(d);"
        " const box = document.getElementById('network').getBoundingClientRect();"
        " return {x: box.left + p.x, y: box.top + p.y}; })()"
    )
    # From the browser's click event (sigma picks the node under it, then the page selects
    # it) until the page's own clickNode handler has run, and until the next frame.
    page.evaluate(
        "window.__clicked = null; window.__clickAt = null;"
        " document.addEventListener('click', () => { window.__clickAt = performance.now(); },"
        " {capture: true, once: true});"
        " collabnet.renderer.once('clickNode', () => {"
        " const handled = performance.now() - window.__clickAt;"
        " requestAnimationFrame(() => setTimeout(() => {"
        " window.__clicked = [handled, performance.now() - window.__clickAt]; }, 0)); });"
    )
    page.wait_for_timeout(600)
    page.mouse.move(where["x"], where["y"])
    page.mouse.click(where["x"], where["y"])
    started = time.perf_counter()
    while page.evaluate("window.__clicked") is None:
        if time.perf_counter() - started > 30:
            raise RuntimeError("the click on the biggest organisation selected nothing")
        time.sleep(0.02)
    handled, framed = page.evaluate("window.__clicked")
    return float(handled), float(framed)


def report(label: str, built: dict[str, Any], measured: dict[str, Any]) -> None:
    ready = statistics.median(measured["ready"])

    def verdict(value: float, target: float, low: bool = True) -> str:
        return "ok" if (value <= target if low else value >= target) else "OVER TARGET"

    print(
        f"\n{label}: {built['nodes']:,} organisations, {built['pairs']:,} linked pairs "
        f"({built['drawn']:,} drawn by default)"
    )
    print(
        f"  written {built['written_s']:.2f} s (build {built['build_s']:.2f} + write "
        f"{built['write_s']:.2f}) {verdict(built['written_s'], TARGETS['written_s'])}; "
        f"file {built['megabytes']:.1f} MB {verdict(built['megabytes'], TARGETS['megabytes'])}"
    )
    runs = ", ".join(f"{r:.0f}" for r in measured["ready"])
    print(
        f"  time to interactive: median {ready:.0f} ms (runs {runs}) "
        f"{verdict(ready, TARGETS['ready_ms'])}"
    )
    for action, value in measured["actions"].items():
        if action.endswith("fps"):
            print(f"  {action:<22} {value:6.1f} {verdict(value, 20.0, low=False)}")
        elif action.endswith("(frame)"):
            print(f"  {action:<22} {value:6.0f} ms")
        else:
            print(f"  {action:<22} {value:6.0f} ms {verdict(value, TARGETS['action_ms'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=5_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", action="store_true", help="Also time data/sample.")
    parser.add_argument("--cordis", action="store_true", help="Also time CORDIS 2014–2017.")
    parser.add_argument(
        "--cordis-file",
        type=Path,
        default=CORDIS,
        help="The CORDIS participations file (default: ../shared beside the checkout).",
    )
    parser.add_argument("--no-synthetic", action="store_true", help="Skip the synthetic case.")
    parser.add_argument("--keep", type=Path, help="Keep the written pages in this folder.")
    parser.add_argument("--page", type=Path, help="Only time this already written page.")
    options = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        sys.exit(f"{CHROMIUM} is absent: install Debian's chromium (scripts/setup.sh)")
    if options.page is not None:
        measured = in_browser(options.page, options.runs, "")
        for action, value in measured["actions"].items():
            print(f"  {action:<14} {value:6.1f}")
        return

    cases: list[tuple[str, Any, str]] = []
    if not options.no_synthetic:
        cases.append(
            (
                f"synthetic {options.organizations:,} / {options.links:,}",
                lambda: Network(make_tables(options.organizations, options.links)),
                "",
            )
        )
    if options.sample:
        cases.append(("data/sample", lambda: cn.load(SAMPLE), "浙大温州研究院"))
    if options.cordis:
        cordis = options.cordis_file
        if cordis.is_file():
            cases.append(("CORDIS H2020 2014–2017", lambda: cn.load(participations=cordis), ""))
        else:
            print(f"CORDIS skipped: {cordis} is absent (the shared data folder is not here)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for number, (label, load, name) in enumerate(cases):
            started = time.perf_counter()
            network = load()
            print(f"\n{label}: loaded in {time.perf_counter() - started:.1f} s", flush=True)
            path = folder / f"page{number}.html"
            built = build(network, path)
            report(label, built, in_browser(path, options.runs, name or _biggest_name(network)))


def _biggest_name(network: Network) -> str:
    degree = network.results.adjacency.matrix.indptr
    ids = network.results.adjacency.ids
    top = max(range(len(ids)), key=lambda i: degree[i + 1] - degree[i])
    organizations = network.organizations.set_index("id")
    return str(organizations.loc[ids[top], "name"])


if __name__ == "__main__":
    main()
