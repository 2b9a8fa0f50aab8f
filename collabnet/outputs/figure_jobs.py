"""The report's figures drawn in a second process, while the caller computes the rest.

Drawing is slow on large networks: the overview (layout, tens of thousands of markers
and lines, the PNG) takes seconds, and matplotlib itself takes over a second to load.
:class:`FigureJobs` gathers what each figure draws as plain arrays and small tables and
hands them, one job after another, to a Python process running
``python -m collabnet.outputs.figures``, which draws and saves them in that order: the
overview as soon as the network is read, the coverage heatmap and the broker chart once
the analyses they show are computed. :func:`finish_elsewhere` waits for them;
:func:`collabnet.outputs.figures.finish_figures` also draws here what was not drawn
there. This module does not import matplotlib, so a caller whose figures were all drawn
elsewhere never loads it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.outputs.language import Language, check_language
from collabnet.outputs.layout import backbone
from collabnet.outputs.styles import KIND_STYLES, TYPE_STYLES
from collabnet.results import HasResults, Results, results_of

__all__ = [
    "BACKBONE_PER_NODE",
    "OVERVIEW_ALL_PAIRS",
    "OVERVIEW_ELSEWHERE",
    "Caught",
    "ChartData",
    "FigureJobs",
    "HeatmapData",
    "OverviewData",
    "broker_data",
    "finish_elsewhere",
    "heatmap_data",
    "industry_type_counts",
    "overview_data",
    "start_drawing_process",
]

# Above this many linked pairs the overview draws the backbone: each organisation's
# strongest links (as the interactive page does), so that structure stays visible.
OVERVIEW_ALL_PAIRS = 20_000
BACKBONE_PER_NODE = 2
# From this many organisations on, the figures start a process of their own when none
# was started ahead; below it, starting one costs more than it saves.
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


@dataclass(frozen=True)
class HeatmapData:
    """What the coverage heatmap draws: organisations per industry (rows, Chinese names)
    and type (columns), each industry's coverage share when the coverage analysis has
    one, and the industries' English names."""

    counts: pd.DataFrame
    shares: pd.Series | None
    english: dict[str, str]


@dataclass(frozen=True)
class ChartData:
    """What the heatmap (``None`` when no organisation has an industry) and the broker
    chart (the top organisations by betweenness, best first) draw."""

    heatmap: HeatmapData | None
    brokers: pd.DataFrame

    def paths(self, folder: Path) -> list[Path]:
        """The PNGs these charts are saved as in ``folder``: ``coverage.png`` (when there
        is a heatmap) and ``brokers.png``."""
        names = (["coverage.png"] if self.heatmap is not None else []) + ["brokers.png"]
        return [folder / name for name in names]


def industry_type_counts(source: Results | HasResults) -> pd.DataFrame:
    """Organisations per industry (rows, Chinese names) and type (columns, known types).

    Examples
    --------
    >>> import collabnet as cn
    >>> counts = industry_type_counts(cn.load("tests/data/tiny"))
    >>> int(counts.loc["泵阀", "platform"])
    1
    """
    network = results_of(source)
    organizations = network.organizations[["type", "industries"]].explode("industries")
    organizations = organizations.dropna(subset=["industries"])
    industries = network.industries
    names = dict(zip(industries["code"], industries["name_zh"], strict=True))
    present = set(organizations["industries"])
    order = [names[c] for c in industries["code"] if c in present]
    organizations = organizations.assign(industry=organizations["industries"].map(names))
    table = pd.crosstab(organizations["industry"], organizations["type"])
    types = [t for t in TYPE_STYLES if t in table.columns]
    return table.reindex(index=order, columns=types, fill_value=0)


def heatmap_data(source: Results | HasResults) -> HeatmapData | None:
    """What :func:`~collabnet.outputs.figures.coverage_heatmap` draws, or ``None`` when no
    organisation has an industry."""
    network = results_of(source)
    counts = industry_type_counts(network)
    if counts.empty:
        return None
    coverage = network.coverage
    shares = None
    if "coverage_share" in coverage.columns:
        shares = coverage.set_index("name_zh")["coverage_share"].reindex(counts.index)
        shares = shares.astype(float)
    industries = network.industries
    english = dict(zip(industries["name_zh"], industries["name_en"], strict=True))
    return HeatmapData(counts=counts, shares=shares, english=english)


def broker_data(source: Results | HasResults, top: int) -> pd.DataFrame:
    """The ``top`` organisations by betweenness (name, type, betweenness), best first."""
    if top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    chosen = results_of(source).centrality("betweenness").head(top)
    return chosen[["name", "type", "betweenness"]].reset_index(drop=True)


# Warnings raised while drawing elsewhere, as (message, category): raised again here.
Caught = list[tuple[str, type[Warning]]]


class FigureJobs:
    """The figures of ``source`` to be saved in ``folder``, drawn in a second process when
    there is one.

    That process is the one :func:`start_drawing_process` started ahead, or, on networks
    of :data:`OVERVIEW_ELSEWHERE` organisations or more, a new one. The overview is handed
    over at once; :meth:`add_charts` hands over the heatmap and the broker chart. After
    :meth:`wait`, :attr:`caught` holds, for each kind drawn elsewhere (``overview``,
    ``charts``), the warnings raised there; a kind missing from it was not drawn there
    (no process, or it failed) and the caller draws it from :attr:`overview` or
    :attr:`charts`. Use it as a context manager, so that the process ends even when the
    caller fails.
    """

    def __init__(
        self,
        source: Results | HasResults,
        folder: str | Path,
        *,
        dpi: int = 150,
        lang: str = "both",
    ) -> None:
        self.folder = Path(folder)
        self.dpi = dpi
        self.lang: Language = check_language(lang)
        self.overview = overview_data(source)
        self.charts: ChartData | None = None
        self.caught: dict[str, Caught] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._exchange: Path | None = None
        self._sent: list[str] = []
        process = _take_spare()
        if process is None and len(self.overview.types) >= OVERVIEW_ELSEWHERE:
            process = _launch()
        if process is not None:
            self._process = process
            self._exchange = Path(tempfile.mkdtemp(prefix="collabnet-figures-"))
            self._send("overview", self.overview, self.overview_path)

    @property
    def overview_path(self) -> Path:
        """The overview's PNG."""
        return self.folder / "overview.png"

    def add_charts(self, source: Results | HasResults, *, top: int = 15) -> None:
        """Hand over the coverage heatmap and the ``top`` brokers of ``source``."""
        self.charts = ChartData(heatmap=heatmap_data(source), brokers=broker_data(source, top))
        self._send("charts", self.charts, self.folder)

    def paths(self) -> list[Path]:
        """The PNGs written, the overview last."""
        charts = self.charts.paths(self.folder) if self.charts is not None else []
        return [*charts, self.overview_path]

    def _send(self, kind: str, data: object, target: Path) -> None:
        process, exchange = self._process, self._exchange
        if process is None or exchange is None or process.stdin is None:
            return
        job = (data, target, self.dpi, self.lang)
        (exchange / f"{kind}.pickle").write_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
        try:
            process.stdin.write(f"{exchange}\t{kind}\n".encode())
            process.stdin.flush()
        except OSError:
            self.close()
            return
        self._sent.append(kind)

    def wait(self) -> dict[str, Caught]:
        """Wait for the process to draw what it was handed: :attr:`caught`."""
        process, exchange = self._process, self._exchange
        if process is None or exchange is None:
            return self.caught
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.close()
        process.wait()
        # A kind whose warnings were written was drawn and saved in full, even when the
        # process failed later.
        for kind in self._sent:
            with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError):
                done = exchange / f"{kind}.warnings.pickle"
                self.caught[kind] = pickle.loads(done.read_bytes())
        self.close()
        return self.caught

    def close(self) -> None:
        """Stop the second process if it still runs, and remove its files."""
        process, self._process = self._process, None
        if process is not None:
            _end(process)
        exchange, self._exchange = self._exchange, None
        if exchange is not None:
            shutil.rmtree(exchange, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def finish_elsewhere(jobs: FigureJobs) -> list[Path] | None:
    """Wait for ``jobs``. When every figure was drawn elsewhere, raise the warnings raised
    there again here and return the paths written, the overview last; otherwise
    ``None``, and :func:`~collabnet.outputs.figures.finish_figures` draws here what is
    missing."""
    caught = jobs.wait()
    kinds = ["charts", "overview"] if jobs.charts is not None else ["overview"]
    if any(kind not in caught for kind in kinds):
        return None
    for kind in kinds:
        for message, category in caught[kind]:
            warnings.warn(message, category, stacklevel=2)
    return jobs.paths()


_spare: subprocess.Popen[bytes] | None = None


def start_drawing_process() -> None:
    """Start the process that will draw the next figures now, so that it loads matplotlib
    and the rest while this process reads its data.

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
