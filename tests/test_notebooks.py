"""Every notebook in ``notebooks/`` runs top to bottom, and is committed without outputs.

The notebooks execute in a kernel of this very interpreter (the project's ``.venv``):
a kernelspec naming ``sys.executable`` is written to a scratch ``JUPYTER_PATH``, so a
``python3`` kernel installed elsewhere on the machine cannot be picked up by mistake.
The executed copies stay in memory; the committed files are never rewritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the dev extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the dev extra")
pytest.importorskip("ipykernel", reason="ipykernel is in the dev extra")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = (
    "01_overview.ipynb",
    "02_coverage_and_kpis.ipynb",
    "03_recommendations.ipynb",
    "04_neo4j.ipynb",
    "05_backtest_cordis.ipynb",
)
KERNEL = "python3"
NEO4J_NOTEBOOK = "04_neo4j.ipynb"
CORDIS_NOTEBOOK = "05_backtest_cordis.ipynb"
CORDIS = REPO.parent / "shared" / "data" / "cordis-h2020"
CELL_TIMEOUT = 300


@pytest.fixture(scope="module")
def project_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``python3`` kernelspec that starts this interpreter, first on ``JUPYTER_PATH``."""
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "collabnet (project environment)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(root))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        yield KERNEL


def test_kernel_is_the_project_interpreter(project_kernel: str) -> None:
    argv = KernelSpecManager().get_kernel_spec(project_kernel).argv
    assert Path(argv[0]) == Path(sys.executable)


def test_every_notebook_is_present() -> None:
    assert [p.name for p in NOTEBOOKS] == list(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts"
    assert notebook.cells[0].cell_type == "markdown", f"{path.name} should open with a title"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, project_kernel: str, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name=project_kernel,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    files = sorted(NOTEBOOK_DIR.iterdir())
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch, _bolt_server(path, tmp_path) as bolt:
        for name in [k for k in os.environ if k.startswith("NEO4J_")]:
            patch.delenv(name)
        for name, value in bolt.items():
            patch.setenv(name, value)
        try:
            client.execute()
        except CellExecutionError as err:
            pytest.fail(f"{path.name}: {_failed_cell(notebook)}\n{err}", pytrace=False)
    elapsed = time.perf_counter() - started
    assert elapsed < CELL_TIMEOUT, f"{path.name} took {elapsed:.0f} s"
    assert sorted(NOTEBOOK_DIR.iterdir()) == files, f"{path.name} left files in notebooks/"
    # A notebook may skip only when what it needs is really missing.
    available = {
        NEO4J_NOTEBOOK: bool(bolt),
        CORDIS_NOTEBOOK: (CORDIS / "participations-2014-2017.csv.gz").is_file(),
    }
    if available.get(path.name, True):
        assert not _skipped(notebook), f"{path.name} skipped although its data was there"


@contextlib.contextmanager
def _bolt_server(path: Path, folder: Path) -> Iterator[dict[str, str]]:
    """``NEO4J_*`` for the Neo4j notebook: a Neo4j with GDS of its own (as for
    tests/bolt); none for the other notebooks, or when Neo4j cannot start here (the
    notebook then says it skips)."""
    if path.name != NEO4J_NOTEBOOK:
        yield {}
        return
    from tests.neo4j_server import Neo4jServer, neo4j_available

    if neo4j_available() is not None:
        yield {}
        return
    with Neo4jServer(folder / "neo4j") as server:
        yield {
            "NEO4J_URI": server.uri,
            "NEO4J_USER": server.user,
            "NEO4J_PASSWORD": server.password,
        }


def _skipped(notebook: nbformat.NotebookNode) -> bool:
    """Whether a cell displayed the "Skipped: ..." message of a notebook missing its data."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "**Skipped:" in output.get("data", {}).get("text/markdown", ""):
                return True
    return False


def _failed_cell(notebook: nbformat.NotebookNode) -> str:
    """Which cell raised: its number among all cells and its first line."""
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return f"cell {index} ({first!r}) raised {output.ename}: {output.evalue}"
    return "a cell failed"
