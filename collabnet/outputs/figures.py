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
from collabnet.outputs.layout import layout_positions
from collabnet.outputs.styles import KIND_STYLES, TYPE_STYLES
from collabnet.results import HasResults, Results, results_of

__all__ = [
    "CJK_FAMILIES",
    "broker_chart",
    "cjk_font_family",
    "coverage_heatmap",
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
    import shutil
    import subprocess

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


def coverage_heatmap(source: Results | HasResults) -> Figure:
    """Organisations per industry and type (heatmap), with each industry's coverage share.

    An organisation counts in every industry it lists. The right panel shows the share
    of leading enterprises with a co-built R&D centre (see
    :func:`collabnet.analysis.coverage.industry_coverage`), when that analysis is there.

    Examples
    --------
    >>> import collabnet as cn
    >>> figure = coverage_heatmap(cn.load("data/sample"))
    >>> [axes.get_title() for axes in figure.axes][:1]
    ['机构数 organisations by industry × type']
    """
    network = results_of(source)
    counts = industry_type_counts(network)
    if counts.empty:
        raise InputError("no organisation has an industry: nothing to draw")
    shares = _coverage_shares(network, counts.index)
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
        industry_labels = [str(label) for label in counts.index]
        heat.set_yticks(range(len(counts)), labels=industry_labels)
        type_labels = [f"{TYPE_STYLES[t]['zh']}\n{TYPE_STYLES[t]['en']}" for t in counts.columns]
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
        heat.set_title("机构数 organisations by industry × type")
        figure.colorbar(image, ax=heat, shrink=0.8, label="机构数 organisations")
        if share_axes is not None and shares is not None:
            positions = np.arange(len(shares))
            share_axes.barh(positions, shares.to_numpy() * 100, color="#e8590c")
            share_axes.set_yticks(positions, labels=[""] * len(shares))
            share_axes.set_ylim(len(shares) - 0.5, -0.5)
            share_axes.set_xlim(0, 100)
            share_axes.set_xlabel("%")
            share_axes.set_title("龙头企业覆盖率\ncoverage share")
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
    order = [names[c] for c in industries["code"] if c in set(organizations["industries"])]
    organizations = organizations.assign(industry=organizations["industries"].map(names))
    table = pd.crosstab(organizations["industry"], organizations["type"])
    types = [t for t in TYPE_STYLES if t in table.columns]
    return table.reindex(index=order, columns=types, fill_value=0)


def _coverage_shares(network: Results, names: pd.Index) -> pd.Series | None:
    frame = network.coverage
    if "coverage_share" not in frame.columns:
        return None
    return frame.set_index("name_zh")["coverage_share"].reindex(names).astype(float)


def broker_chart(source: Results | HasResults, *, top: int = 15) -> Figure:
    """The ``top`` organisations by betweenness.

    Examples
    --------
    >>> import collabnet as cn
    >>> figure = broker_chart(cn.load("data/sample"), top=5)
    >>> len(figure.axes[0].patches)
    5
    """
    if top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    chosen = results_of(source).centrality("betweenness").head(top).iloc[::-1]
    with _cjk_fonts():
        figure = Figure(figsize=(8.5, 1.0 + 0.36 * len(chosen)), layout="constrained")
        axes = figure.add_subplot()
        colors = [TYPE_STYLES.get(str(t), TYPE_STYLES["other"])["color"] for t in chosen["type"]]
        positions = np.arange(len(chosen))
        axes.barh(positions, chosen["betweenness"].to_numpy(dtype=float), color=colors)
        axes.set_yticks(positions, labels=[str(name) for name in chosen["name"]])
        axes.set_xlabel("中介中心性 betweenness centrality")
        axes.set_title(f"前 {len(chosen)} 位桥梁机构 top brokers")
        axes.spines[["top", "right"]].set_visible(False)
        present = [t for t in TYPE_STYLES if t in set(chosen["type"])]
        handles = [
            Line2D([], [], color=TYPE_STYLES[t]["color"], lw=8, label=TYPE_STYLES[t]["zh"])
            for t in present
        ]
        axes.legend(handles=handles, loc="lower right", frameon=False)
    return figure


def overview_figure(source: Results | HasResults, *, labels: int = 12, seed: int = 0) -> Figure:
    """The whole network at a glance: organisations by type, links by kind.

    The ``labels`` organisations with most partners are named.

    Examples
    --------
    >>> import collabnet as cn
    >>> figure = overview_figure(cn.load("tests/data/tiny"))
    >>> figure.axes[0].get_title()
    '协作网络概览 network overview'
    """
    network = results_of(source)
    adjacency = network.adjacency
    ids = adjacency.ids
    positions = layout_positions(adjacency.matrix, seed=seed)
    organizations = network.organizations.set_index("id").loc[ids]
    degree = np.diff(adjacency.matrix.indptr)
    with _cjk_fonts():
        figure = Figure(figsize=(10, 9), layout="constrained")
        axes = figure.add_subplot()
        _draw_links(axes, network, positions, adjacency.index())
        sizes = 8 + 140 * np.sqrt(degree / max(int(degree.max(initial=0)), 1))
        types = organizations["type"].astype(str).to_numpy()
        handles = []
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
                edgecolors="white",
                linewidths=0.4,
                zorder=3,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker=_MARKERS.get(style["shape"], "o"),
                    color=style["color"],
                    markersize=8,
                    label=f"{style['zh']} {style['en']} ({int(chosen.sum())})",
                )
            )
        names = organizations["name"].astype(str).to_numpy()
        for position in np.argsort(-degree, kind="stable")[: max(labels, 0)]:
            if degree[position] == 0:
                break
            axes.annotate(
                names[position],
                positions[position],
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
            )
        figure.legend(
            handles=handles, loc="outside lower center", ncols=len(handles), frameon=False
        )
        axes.set_title("协作网络概览 network overview")
        axes.set_aspect("equal")
        axes.set_axis_off()
    return figure


def _draw_links(axes: object, network: Results, positions: np.ndarray, index: pd.Series) -> None:
    links = network.links
    if len(links) == 0:
        return
    source = index.loc[links["source"].to_numpy()].to_numpy()
    target = index.loc[links["target"].to_numpy()].to_numpy()
    # Draw the least important kinds first so co-built centres stay on top.
    for kind in reversed(list(KIND_STYLES)):
        chosen = (links["kind"] == kind).to_numpy()
        if not chosen.any():
            continue
        segments = np.stack([positions[source[chosen]], positions[target[chosen]]], axis=1)
        style = KIND_STYLES[kind]
        lines = LineCollection(
            list(segments),
            colors=style["color"],
            linewidths=0.3 + 0.25 * float(style["width"]),
            alpha=0.5,
            linestyles="dotted" if style["dashes"] else "solid",
            zorder=1 + list(KIND_STYLES).index(kind) * 0.01,
            label=f"{style['zh']} {style['en']}",
        )
        axes.add_collection(lines)  # type: ignore[attr-defined]


def save_figure(figure: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Save ``figure`` as PNG (white background) and return the path."""
    target = Path(path)
    with _cjk_fonts():
        figure.savefig(target, dpi=dpi, format="png", facecolor="white")
    return target


def write_figures(
    source: Results | HasResults, folder: str | Path, *, top: int = 15, dpi: int = 150
) -> list[Path]:
    """Write ``coverage.png``, ``brokers.png`` and ``overview.png`` into ``folder``.

    ``coverage.png`` is left out when no organisation has an industry (there is nothing
    to count); the paths returned are those written.
    """
    network = results_of(source)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    if not industry_type_counts(network).empty:
        written.append(save_figure(coverage_heatmap(network), target / "coverage.png", dpi=dpi))
    written.append(save_figure(broker_chart(network, top=top), target / "brokers.png", dpi=dpi))
    written.append(save_figure(overview_figure(network), target / "overview.png", dpi=dpi))
    return written
