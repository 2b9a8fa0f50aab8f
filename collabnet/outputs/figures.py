"""Figures for reports: coverage heatmap, top brokers, network overview (matplotlib, PNG).

Every figure is drawn with a CJK-capable font, so Chinese names never turn into empty
boxes: the first installed of :data:`CJK_FAMILIES` (Debian: ``fonts-noto-cjk``), found
even when it was installed after matplotlib built its font cache. When none is installed
a :class:`UserWarning` says so and which package to install. Figures
are built on :class:`matplotlib.figure.Figure` directly (the Agg canvas, no pyplot
state), so they work on servers and in tests without a display.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from collabnet.errors import InputError
from collabnet.outputs.figure_jobs import (
    BACKBONE_PER_NODE,
    Caught,
    ChartData,
    FigureJobs,
    HeatmapData,
    OverviewData,
    broker_data,
    finish_elsewhere,
    heatmap_data,
    industry_type_counts,
    overview_data,
)
from collabnet.outputs.language import Language, check_language, say
from collabnet.outputs.layout import layout_positions
from collabnet.outputs.styles import KIND_STYLES, TYPE_STYLES
from collabnet.results import HasResults, Results

__all__ = [
    "CJK_FAMILIES",
    "broker_chart",
    "cjk_font_family",
    "coverage_heatmap",
    "finish_figures",
    "industry_type_counts",
    "overview_figure",
    "save_figure",
    "write_figures",
]

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)
_MARKERS = {"diamond": "D", "dot": "o", "triangle": "^", "square": "s", "hexagon": "h"}


# Where CJK fonts live when fontconfig cannot be asked (globs, tried in order).
_CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJK*Regular*",
    "/usr/share/fonts/**/SourceHanSans*",
    "/usr/share/fonts/**/wqy-zenhei*",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti*",
    "/Library/Fonts/*Han*",
)


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """The first installed font family of :data:`CJK_FAMILIES`, or ``None``.

    matplotlib knows the fonts that were installed when it first built its font cache; a
    font installed later (``make demo`` before ``apt-get install fonts-noto-cjk``) is
    missing from it. So when the cache knows none, the font files themselves are looked
    up (fontconfig, then the usual places) and added to matplotlib's font list.
    """
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    known = next((family for family in CJK_FAMILIES if family in installed), None)
    if known is not None:
        return known
    for path in _cjk_font_files():
        try:
            font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
        except (OSError, RuntimeError, ValueError):
            continue
    return None


def _cjk_font_files() -> list[str]:
    """Installed font files with Chinese glyphs, the usual families first."""
    import glob

    found: list[str] = []
    if shutil.which("fc-list"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            listed = subprocess.run(
                ["fc-list", ":lang=zh", "file", "family"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
            rank = {family: i for i, family in enumerate(CJK_FAMILIES)}
            entries = []
            for line in listed.splitlines():
                path, _, families = line.partition(":")
                names = [f.strip() for f in families.split(",")]
                best = min((rank.get(n, len(rank)) for n in names), default=len(rank))
                bold = "bold" in path.lower()
                entries.append((best, bold, path.strip()))
            found += [path for _, _, path in sorted(entries) if path]
    for pattern in _CJK_FONT_FILES:
        found += sorted(glob.glob(pattern, recursive=True))
    return list(dict.fromkeys(p for p in found if Path(p).is_file()))


@contextlib.contextmanager
def _cjk_fonts() -> Iterator[None]:
    family = cjk_font_family()
    if family is None:
        warnings.warn(
            "no CJK font found (looked for " + ", ".join(CJK_FAMILIES[:3]) + ", ... in "
            "matplotlib's font list and with fontconfig): Chinese labels will show as "
            "boxes; install one, e.g. `apt-get install fonts-noto-cjk`",
            UserWarning,
            stacklevel=3,
        )
        families = ["DejaVu Sans"]
    else:
        families = [family, "DejaVu Sans"]
    with mpl.rc_context({"font.family": families, "axes.unicode_minus": False}):
        yield


def coverage_heatmap(source: Results | HasResults, *, lang: Language = "both") -> Figure:
    """Organisations per industry and type (heatmap), with each industry's coverage share.

    An organisation counts in every industry it lists. The right panel shows the share
    of leading enterprises with a co-built R&D centre (see
    :func:`collabnet.analysis.coverage.industry_coverage`), when that analysis is there.
    Labels are in ``lang`` (``zh``, ``en`` or ``both``).

    Examples
    --------
    >>> import collabnet as cn
    >>> figure = coverage_heatmap(cn.load("data/sample"))
    >>> [axes.get_title() for axes in figure.axes][:1]
    ['机构数 organisations by industry × type']
    """
    lang = check_language(lang)
    data = heatmap_data(source)
    if data is None:
        raise InputError("no organisation has an industry: nothing to draw")
    return _heatmap(data, lang)


def _heatmap(data: HeatmapData, lang: Language) -> Figure:
    counts, shares = data.counts, data.shares
    with _cjk_fonts():
        height = 1.2 + 0.42 * len(counts)
        figure = Figure(figsize=(10.5 if shares is not None else 8, height), layout="constrained")
        if shares is not None:
            grid = figure.add_gridspec(1, 2, width_ratios=[3.2, 1])
            heat, share_axes = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
        else:
            heat, share_axes = figure.add_subplot(), None
        values = counts.to_numpy(dtype=float)
        image = heat.imshow(values, cmap="Blues", aspect="auto")
        industry_labels = [
            data.english.get(label, label) if lang == "en" else str(label) for label in counts.index
        ]
        heat.set_yticks(range(len(counts)), labels=industry_labels)
        type_labels = [
            say(TYPE_STYLES[t]["zh"], TYPE_STYLES[t]["en"], lang, "\n") for t in counts.columns
        ]
        heat.set_xticks(range(len(counts.columns)), labels=type_labels)
        heat.tick_params(length=0)
        limit = values.max() if values.size else 0
        for (row, column), value in np.ndenumerate(values):
            heat.text(
                column,
                row,
                f"{int(value)}",
                ha="center",
                va="center",
                fontsize=9,
                color="white" if value > limit / 2 else "#212529",
            )
        heat.set_title(say("机构数", "organisations by industry × type", lang))
        figure.colorbar(image, ax=heat, shrink=0.8, label=say("机构数", "organisations", lang))
        if share_axes is not None and shares is not None:
            positions = np.arange(len(shares))
            share_axes.barh(positions, shares.to_numpy() * 100, color="#e8590c")
            share_axes.set_yticks(positions, labels=[""] * len(shares))
            share_axes.set_ylim(len(shares) - 0.5, -0.5)
            share_axes.set_xlim(0, 100)
            share_axes.set_xlabel("%")
            share_axes.set_title(say("龙头企业覆盖率", "coverage share", lang, "\n"))
            for position, share in zip(positions, shares.to_numpy(), strict=True):
                if np.isnan(share):
                    continue
                inside = share > 0.6
                share_axes.text(
                    share * 100 - 2 if inside else share * 100 + 2,
                    float(position),
                    f"{share:.0%}",
                    va="center",
                    ha="right" if inside else "left",
                    color="white" if inside else "#212529",
                    fontsize=8,
                )
    return figure


def broker_chart(source: Results | HasResults, *, top: int = 15, lang: Language = "both") -> Figure:
    """The ``top`` organisations by betweenness, labelled in ``lang``.

    Examples
    --------
    >>> import collabnet as cn
    >>> figure = broker_chart(cn.load("data/sample"), top=5)
    >>> len(figure.axes[0].patches)
    5
    """
    lang = check_language(lang)
    return _broker_chart(broker_data(source, top), lang)


def _broker_chart(brokers: pd.DataFrame, lang: Language) -> Figure:
    chosen = brokers.iloc[::-1]
    with _cjk_fonts():
        figure = Figure(figsize=(8.5, 1.0 + 0.36 * len(chosen)), layout="constrained")
        axes = figure.add_subplot()
        colors = [TYPE_STYLES.get(str(t), TYPE_STYLES["other"])["color"] for t in chosen["type"]]
        positions = np.arange(len(chosen))
        axes.barh(positions, chosen["betweenness"].to_numpy(dtype=float), color=colors)
        axes.set_yticks(positions, labels=[str(name) for name in chosen["name"]])
        axes.set_xlabel(say("中介中心性", "betweenness centrality", lang))
        axes.set_title(say(f"前 {len(chosen)} 位桥梁机构", f"top {len(chosen)} brokers", lang))
        axes.spines[["top", "right"]].set_visible(False)
        present = [t for t in TYPE_STYLES if t in set(chosen["type"])]
        handles = [
            Line2D(
                [],
                [],
                color=TYPE_STYLES[t]["color"],
                lw=8,
                label=say(TYPE_STYLES[t]["zh"], TYPE_STYLES[t]["en"], lang),
            )
            for t in present
        ]
        axes.legend(handles=handles, loc="lower right", frameon=False)
    return figure


# Label positions tried around a point, in points: right-above, left-above, right-below...
_LABEL_OFFSETS = ((4, 4), (-4, 4), (4, -4), (-4, -4), (6, 0), (-6, 0))


def overview_figure(
    source: Results | HasResults, *, labels: int = 12, seed: int = 0, lang: Language = "both"
) -> Figure:
    """The whole network at a glance: organisations by type, links by kind.

    One line per linked pair, coloured by its most important kind (the order of
    :data:`~collabnet.outputs.styles.KIND_STYLES`); above :data:`OVERVIEW_ALL_PAIRS`
    pairs, only each organisation's :data:`BACKBONE_PER_NODE` strongest links. Up to
    ``labels`` of the organisations with most partners are named, best connected first,
    and a name that would overlap one already placed is left out. Both legends (types
    and link kinds) and the title are in ``lang``.

    Examples
    --------
    >>> import collabnet as cn
    >>> figure = overview_figure(cn.load("tests/data/tiny"))
    >>> figure.axes[0].get_title()
    '协作网络概览 network overview'
    """
    lang = check_language(lang)
    return _overview(overview_data(source), labels=labels, seed=seed, lang=lang)


def _overview(data: OverviewData, *, labels: int, seed: int, lang: Language) -> Figure:
    positions = layout_positions(data.matrix, seed=seed)
    degree = np.diff(data.matrix.indptr)
    with _cjk_fonts():
        # Fixed margins rather than a layout engine: the labels are placed by measuring
        # them, which needs the axes where they will be drawn.
        figure = Figure(figsize=(10, 9.5))
        axes = figure.add_axes((0.01, 0.08, 0.98, 0.86))
        kind_handles = _draw_pairs(axes, data, positions, lang)
        sizes = 8 + 140 * np.sqrt(degree / max(int(degree.max(initial=0)), 1))
        types = data.types
        type_handles = []
        for code, style in TYPE_STYLES.items():
            chosen = types == code
            if not chosen.any():
                continue
            axes.scatter(
                positions[chosen, 0],
                positions[chosen, 1],
                s=sizes[chosen],
                c=style["color"],
                marker=_MARKERS.get(style["shape"], "o"),
                # White rims separate a few hundred markers; on thousands they only cost.
                edgecolors="white",
                linewidths=0.4 if len(types) < 5_000 else 0.0,
                zorder=3,
            )
            type_handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker=_MARKERS.get(style["shape"], "o"),
                    color=style["color"],
                    markersize=8,
                    label=f"{say(style['zh'], style['en'], lang)} ({int(chosen.sum()):,})",
                )
            )
        title = say("协作网络概览", "network overview", lang)
        if data.thinned:
            title += "\n" + say(
                f"（每家机构最强的 {BACKBONE_PER_NODE} 条合作）",
                f"(each organisation's {BACKBONE_PER_NODE} strongest links)",
                lang,
            )
        axes.set_title(title)
        axes.set_aspect("equal")
        axes.set_axis_off()
        # Types on the first row of the legend, link kinds on the second.
        columns = max(len(type_handles), len(kind_handles), 1)
        blank = Line2D([], [], ls="", label=" ")
        padded = [type_handles + [blank] * (columns - len(type_handles))]
        if kind_handles:
            padded.append(kind_handles + [blank] * (columns - len(kind_handles)))
        figure.legend(
            handles=[row[c] for c in range(columns) for row in padded],
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=columns,
            frameon=False,
            fontsize=7.5 if lang == "both" else 8.5,
        )
        _place_labels(figure, axes, positions, data.names, degree, labels)
    return figure


def _draw_pairs(
    axes: object, data: OverviewData, positions: np.ndarray, lang: Language
) -> list[Line2D]:
    """One line per pair drawn, the least important kinds first so that co-built
    centres stay on top; the legend handles of the kinds drawn."""
    rank = {kind: i for i, kind in enumerate(KIND_STYLES)}
    handles = []
    for code in reversed(KIND_STYLES):
        chosen = data.kind == code
        if not chosen.any():
            continue
        style = KIND_STYLES[code]
        width = 0.3 + 0.25 * float(style["width"])
        dotted = "dotted" if style["dashes"] else "solid"
        segments = np.stack([positions[data.a[chosen]], positions[data.b[chosen]]], axis=1)
        axes.add_collection(  # type: ignore[attr-defined]
            LineCollection(
                list(segments),
                colors=style["color"],
                linewidths=width,
                alpha=0.5,
                linestyles=dotted,
                zorder=1 + rank[code] * 0.01,
                # Smoothing tens of thousands of hairlines costs seconds and shows little.
                antialiaseds=int(chosen.sum()) < 5_000,
            ),
            # The lines join organisations, whose markers set the limits anyway.
            autolim=False,
        )
        handles.append(
            Line2D(
                [],
                [],
                color=style["color"],
                lw=max(width * 2, 1.2),
                ls=dotted,
                label=f"{say(style['zh'], style['en'], lang)} ({int(chosen.sum()):,})",
            )
        )
    return handles[::-1]


def _place_labels(
    figure: Figure,
    axes: object,
    positions: np.ndarray,
    names: np.ndarray,
    degree: np.ndarray,
    most: int,
) -> None:
    """Name up to ``most`` of the best-connected organisations, none overlapping another."""
    if most <= 0 or len(names) == 0:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    axes.autoscale_view()  # type: ignore[attr-defined]
    axes.apply_aspect()  # type: ignore[attr-defined]
    placed: list[object] = []
    for position in np.argsort(-degree, kind="stable")[:most]:
        if degree[position] == 0:
            break
        for dx, dy in _LABEL_OFFSETS:
            label = axes.annotate(  # type: ignore[attr-defined]
                names[position],
                positions[position],
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx >= 0 else "right",
                va="bottom" if dy > 0 else ("top" if dy < 0 else "center"),
                fontsize=8,
                zorder=4,
                annotation_clip=False,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
            label.set_in_layout(False)
            box = label.get_window_extent(renderer).expanded(1.05, 1.15)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            label.remove()


def save_figure(figure: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Save ``figure`` as PNG (white background) and return the path."""
    target = Path(path)
    with _cjk_fonts():
        figure.savefig(target, dpi=dpi, format="png", facecolor="white")
    return target


def write_figures(
    source: Results | HasResults,
    folder: str | Path,
    *,
    top: int = 15,
    dpi: int = 150,
    lang: Language = "both",
) -> list[Path]:
    """Write ``coverage.png``, ``brokers.png`` and ``overview.png`` into ``folder``,
    labelled in ``lang``.

    ``coverage.png`` is left out when no organisation has an industry (there is nothing
    to count); the paths returned are those written. On large networks the overview is
    drawn in a second process while the charts are computed here; a process started
    ahead draws them all (see :class:`~collabnet.outputs.figure_jobs.FigureJobs`).
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with FigureJobs(source, target, dpi=dpi, lang=lang) as jobs:
        jobs.add_charts(source, top=top)
        return finish_figures(jobs)


def finish_figures(jobs: FigureJobs) -> list[Path]:
    """Wait for ``jobs`` and draw here what was not drawn elsewhere: the paths written,
    the overview last. Warnings raised while drawing elsewhere are raised again here."""
    written = finish_elsewhere(jobs)
    if written is not None:
        return written
    caught = jobs.caught
    if jobs.charts is not None:
        drawn = caught.get("charts")
        if drawn is None:
            drawn = _write_charts(jobs.charts, jobs.folder, jobs.dpi, jobs.lang)
        _raise_again(drawn)
    drawn = caught.get("overview")
    if drawn is None:
        drawn = _write_overview(jobs.overview, jobs.overview_path, jobs.dpi, jobs.lang)
    _raise_again(drawn)
    return jobs.paths()


def _raise_again(caught: Caught) -> None:
    for message, category in caught:
        warnings.warn(message, category, stacklevel=3)


def _write_overview(data: OverviewData, path: Path, dpi: int, lang: Language) -> Caught:
    """Draw and save the overview; the warnings raised meanwhile, to raise again where
    the job was started."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_figure(_overview(data, labels=12, seed=0, lang=lang), path, dpi=dpi)
    return [(str(w.message), w.category) for w in caught]


def _write_charts(data: ChartData, folder: Path, dpi: int, lang: Language) -> Caught:
    """Draw and save the heatmap (when there is one) and the broker chart in ``folder``;
    the warnings raised meanwhile."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = [_heatmap(data.heatmap, lang)] if data.heatmap is not None else []
        drawn.append(_broker_chart(data.brokers, lang))
        for figure, path in zip(drawn, data.paths(folder), strict=True):
            save_figure(figure, path, dpi=dpi)
    return [(str(w.message), w.category) for w in caught]


def _warm_up() -> None:
    """Load what drawing needs before the first job comes: the layout's nearest-neighbour
    search, and the fonts and their caches (a small chart with Chinese and Latin text,
    rendered and thrown away)."""
    from scipy.spatial import cKDTree  # noqa: F401

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample = pd.DataFrame(
            {"name": ["机构 organisation"], "type": ["platform"], "betweenness": [1.0]}
        )
        _broker_chart(sample, "both").savefig(io.BytesIO(), dpi=30, format="png")


def _draw_jobs() -> None:
    """The drawing process of :class:`~collabnet.outputs.figure_jobs.FigureJobs`: warms
    up, then for each line on standard input (a folder and a kind of figure) reads
    ``KIND.pickle`` there, draws and saves the figure(s) and writes
    ``KIND.warnings.pickle``. It ends when its input closes."""
    _warm_up()
    for line in sys.stdin:
        folder, _, kind = line.rstrip("\n").partition("\t")
        exchange = Path(folder)
        data, target, dpi, lang = pickle.loads((exchange / f"{kind}.pickle").read_bytes())
        if kind == "overview":
            caught = _write_overview(data, target, dpi, lang)
        else:
            caught = _write_charts(data, target, dpi, lang)
        (exchange / f"{kind}.warnings.pickle").write_bytes(pickle.dumps(caught))


if __name__ == "__main__":
    _draw_jobs()
