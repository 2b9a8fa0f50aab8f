"""The network overview drawn in a second process, while the caller computes the rest.

The overview (layout, drawing and PNG) is the slowest figure: seconds on tens of
thousands of organisations. :class:`OverviewJob` gathers what it draws as plain arrays
and hands them to a Python process running ``python -m collabnet.outputs.figures``,
which draws and saves it; the caller draws the other figures meanwhile
(:func:`collabnet.outputs.figures.finish_figures`). This module does not import
matplotlib, so a caller can start the job before it has loaded matplotlib itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from collabnet.outputs.language import Language, check_language
from collabnet.outputs.layout import backbone
from collabnet.outputs.styles import KIND_STYLES
from collabnet.results import HasResults, Results, results_of

__all__ = [
    "BACKBONE_PER_NODE",
    "OVERVIEW_ALL_PAIRS",
    "OVERVIEW_ELSEWHERE",
    "OverviewData",
    "OverviewJob",
    "overview_data",
    "start_drawing_process",
]

# Above this many linked pairs the overview draws the backbone: each organisation's
# strongest links (as the interactive page does), so that structure stays visible.
OVERVIEW_ALL_PAIRS = 20_000
BACKBONE_PER_NODE = 2
# From this many organisations on, a job starts a process of its own when none was
# started ahead; below it, starting one costs more than it saves.
OVERVIEW_ELSEWHERE = 5_000
# The module that draws, run as ``python -m``: it reads the job's folder on stdin.
_DRAWER = "collabnet.outputs.figures"


@dataclass(frozen=True)
class OverviewData:
    """What the overview draws, as plain arrays: cheap to send to another process.

    Nodes are in the adjacency's order; ``a``, ``b`` and ``kind`` describe the pairs
    drawn (the backbone when ``thinned``), ``kind`` being each pair's most important kind.
    """

    matrix: sp.csr_array
    types: np.ndarray
    names: np.ndarray
    a: np.ndarray
    b: np.ndarray
    kind: np.ndarray
    thinned: bool


def overview_data(source: Results | HasResults) -> OverviewData:
    """What :func:`~collabnet.outputs.figures.overview_figure` draws for ``source``."""
    network = results_of(source)
    adjacency = network.adjacency
    organizations = network.organizations.set_index("id").loc[adjacency.ids]
    matrix = sp.csr_array(adjacency.matrix)
    pairs = network.pairs
    # Pair ends are row positions of the organisations table, the adjacency's order.
    a = pairs["a"].to_numpy(dtype=np.int64)
    b = pairs["b"].to_numpy(dtype=np.int64)
    thinned = len(pairs) > OVERVIEW_ALL_PAIRS
    if thinned:
        degree = np.bincount(np.concatenate([a, b]), minlength=matrix.shape[0])
        keep = backbone(
            a, b, pairs["weight"].to_numpy(dtype=float), degree, per_node=BACKBONE_PER_NODE
        )
        pairs, a, b = pairs[keep], a[keep], b[keep]
    rank = {kind: i for i, kind in enumerate(KIND_STYLES)}
    first = {
        kinds: min(kinds, key=lambda k: rank.get(k, len(rank))) for kinds in set(pairs["kinds"])
    }
    return OverviewData(
        matrix=matrix,
        types=organizations["type"].astype(str).to_numpy(dtype=object),
        names=organizations["name"].astype(str).to_numpy(dtype=object),
        a=a,
        b=b,
        kind=pairs["kinds"].map(first).to_numpy(dtype=object),
        thinned=thinned,
    )


class OverviewJob:
    """The overview of ``source``, to be saved as ``path``: drawn in a second process when
    there is one.

    That process is the one :func:`start_drawing_process` started ahead, or, on networks
    of :data:`OVERVIEW_ELSEWHERE` organisations or more, a new one. :meth:`wait` returns
    the warnings raised while drawing it there, or ``None`` when it was not drawn there
    (no process, or it failed): the caller then draws it from :attr:`data`. Use it as a
    context manager, so that the process ends even when the caller fails.
    """

    def __init__(
        self, source: Results | HasResults, path: str | Path, *, dpi: int = 150, lang: str = "both"
    ) -> None:
        self.path = Path(path)
        self.dpi = dpi
        self.lang: Language = check_language(lang)
        self.data = overview_data(source)
        self._process: subprocess.Popen[bytes] | None = None
        self._exchange: Path | None = None
        process = _take_spare()
        if process is None and len(self.data.types) >= OVERVIEW_ELSEWHERE:
            process = _launch()
        if process is not None:
            self._hand_over(process)

    def _hand_over(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._exchange = Path(tempfile.mkdtemp(prefix="collabnet-overview-"))
        job = (self.data, self.path, self.dpi, self.lang)
        (self._exchange / "job.pickle").write_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
        assert process.stdin is not None
        try:
            process.stdin.write(f"{self._exchange}\n".encode())
            process.stdin.close()
        except OSError:
            self.close()

    def wait(self) -> list[tuple[str, type[Warning]]] | None:
        """Wait for the drawing: the warnings raised while drawing it elsewhere, or
        ``None`` when it was not drawn elsewhere."""
        process, exchange = self._process, self._exchange
        if process is None or exchange is None:
            return None
        caught = None
        if process.wait() == 0:
            with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError):
                caught = pickle.loads((exchange / "warnings.pickle").read_bytes())
        self.close()
        return caught

    def close(self) -> None:
        """Stop the second process if it still runs, and remove its files."""
        process, self._process = self._process, None
        if process is not None:
            _end(process)
        exchange, self._exchange = self._exchange, None
        if exchange is not None:
            shutil.rmtree(exchange, ignore_errors=True)

    def __enter__(self) -> OverviewJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_spare: subprocess.Popen[bytes] | None = None


def start_drawing_process() -> None:
    """Start the process that will draw the next overview now, so that it loads
    matplotlib and the rest while this process reads its data.

    The ``report`` and ``figures`` commands call this first. A process started and not
    used ends when this one does (its standard input closes).
    """
    global _spare
    if _spare is None or _spare.poll() is not None:
        _spare = _launch()


def _take_spare() -> subprocess.Popen[bytes] | None:
    global _spare
    process, _spare = _spare, None
    if process is not None and process.poll() is not None:
        _end(process)
        return None
    return process


def _launch() -> subprocess.Popen[bytes] | None:
    """A new drawing process waiting for its job on standard input, or ``None`` (also
    when this interpreter cannot say where its executable is, as when embedded)."""
    if not sys.executable:
        return None
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    try:
        return subprocess.Popen(
            [sys.executable, "-m", _DRAWER],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    except (OSError, ValueError):
        return None


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
