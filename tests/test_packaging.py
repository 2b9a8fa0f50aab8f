"""A real (non-editable) install ships the Cypher files, the package data and the page's JS.

The editable install used everywhere else reads ``cypher/`` straight from the checkout,
so it would not notice a wheel that forgot them. This builds the wheel with the
environment's own hatchling (no build isolation, so no network is needed), from the
checkout and from the sdist, installs it into a scratch directory, and imports it from
there in a separate interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Runs in the installed copy: lists every file under collabnet/cypher (relative paths)
# and says whether the default industry table is there.
PROBE = """
import importlib.resources as r
import json

import collabnet


def walk(node, prefix=""):
    for child in node.iterdir():
        rel = prefix + child.name
        if child.is_dir():
            yield from walk(child, rel + "/")
        else:
            yield rel


root = r.files("collabnet")
cypher = root / "cypher"
print(json.dumps({
    "file": collabnet.__file__,
    "cypher": sorted(walk(cypher)) if cypher.is_dir() else [],
    "industries_csv": (root / "defaults" / "industries.csv").is_file(),
    "sample": sorted(p.name for p in (root / "sample").iterdir())
    if (root / "sample").is_dir()
    else [],
    "vendor": sorted(p.name for p in (root / "outputs" / "vendor").iterdir())
    if (root / "outputs" / "vendor").is_dir()
    else [],
}))
"""


def _run(
    cmd: list[str], env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("built_from", ["checkout", "sdist"])
def test_wheel_ships_cypher_files_and_package_data(tmp_path: Path, built_from: str) -> None:
    repo_cypher = sorted(
        p.relative_to(REPO / "cypher").as_posix() for p in (REPO / "cypher").rglob("*.cypher")
    )
    assert repo_cypher, "expected at least one .cypher file under cypher/"

    # Never reach for an index: everything needed is already in this environment.
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    wheel_dir, target, work = tmp_path / "wheel", tmp_path / "site", tmp_path / "work"
    work.mkdir()
    pip = [sys.executable, "-m", "pip"]
    source = REPO
    if built_from == "sdist":
        # `python -m build` makes the wheel from the sdist: it must carry everything.
        sdist_dir = tmp_path / "sdist"
        build = [sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(sdist_dir)]
        _run([*build, str(REPO)], env=env)
        (source,) = sdist_dir.glob("*.tar.gz")
    _run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheel_dir), str(source)],
        env=env,
    )
    wheels = list(wheel_dir.glob("*.whl"))
    assert len(wheels) == 1, wheels
    _run([*pip, "install", "--no-deps", "--target", str(target), str(wheels[0])], env=env)

    # Like `python -I` but keeping PYTHONPATH: no user site, no cwd or script dir on
    # sys.path, and a bare environment. The venv's site-packages stays available for
    # the dependencies; PYTHONPATH comes before it, and so before the editable install.
    probe_env = {"PYTHONPATH": str(target), "PATH": os.environ.get("PATH", "")}
    proc = _run([sys.executable, "-s", "-P", "-c", PROBE], cwd=work, env=probe_env)
    installed = json.loads(proc.stdout.strip().splitlines()[-1])

    assert Path(installed["file"]).resolve().is_relative_to(target.resolve()), installed["file"]
    missing = sorted(set(repo_cypher) - set(installed["cypher"]))
    assert not missing, f"cypher files missing from the wheel: {missing}"
    assert installed["industries_csv"], "collabnet/defaults/industries.csv missing from the wheel"
    repo_sample = sorted(p.name for p in (REPO / "data" / "sample").iterdir())
    assert installed["sample"] == repo_sample, "the bundled sample differs from data/sample"

    # The demo reads the sample from inside the installed package, not from the checkout.
    demo = _run(
        [
            sys.executable,
            "-s",
            "-P",
            "-m",
            "collabnet",
            "demo",
            "--format",
            "json",
            "--page",
            "p.html",
        ],
        cwd=work,
        env=probe_env,
    )
    assert json.loads(demo.stdout)["summary"]["organizations"] == 699
    assert (work / "p.html").is_file()

    # The page's JavaScript travels inside the wheel, with its licences, and the page the
    # installed copy writes inlines it: it opens and works without the checkout.
    assert installed["vendor"] == [
        "graphology.LICENSE.txt",
        "graphology.umd.min.js",
        "sigma.LICENSE.txt",
        "sigma.min.js",
    ]
    page = (work / "p.html").read_text("utf-8")
    shipped = Path(target, "collabnet", "outputs", "vendor", "sigma.min.js").read_text("utf-8")
    assert shipped.splitlines()[0] in page
    _open_in_chromium(work / "p.html", organizations=699)


CHROMIUM_PROBE = """
import json, sys
from playwright.sync_api import sync_playwright

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        headless=True,
    )
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(sys.argv[1])
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    print(json.dumps({
        "organizations": page.evaluate("collabnet.nodes.id.length"),
        "labels": page.evaluate("collabnet.labels().length"),
        "errors": errors,
    }))
    browser.close()
"""


def _open_in_chromium(path: Path, organizations: int) -> None:
    """Open the page in Debian's Chromium (when there) and check it drew the network.

    In its own interpreter: the browser tests may hold Playwright's loop in this one.
    """
    if not Path("/usr/bin/chromium").is_file():
        return
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    proc = _run(
        [sys.executable, "-c", CHROMIUM_PROBE, path.resolve().as_uri()], env=dict(os.environ)
    )
    opened = json.loads(proc.stdout.strip().splitlines()[-1])
    assert opened == {"organizations": organizations, "labels": opened["labels"], "errors": []}
    assert opened["labels"] > 0
