"""The interactive network page: one self-contained HTML file that opens offline.

The page is a :class:`pyvis.network.Network` whose HTML comes from collabnet's own
template (``assets/page.html``), not pyvis's: pyvis's template pulls Bootstrap (and, with
menus, Tom Select) from CDNs even when vis-network itself is inlined. Here vis-network's
JavaScript and CSS (shipped inside the pyvis package) are inlined, and the page's search,
filters, legend and recommendations overlay are a small script of its own
(``assets/page.js``). A Content-Security-Policy forbids any request the page might make.

Names are data, never markup: nodes and edges travel as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` written as
``\\u003c``-style escapes (so no name can close the block), tooltips are plain strings
(vis-network 9 shows a string ``title`` as text) and the page's script puts names into
the document only through ``textContent``.

Above :data:`LAYOUT_THRESHOLD` organisations the layout is computed here
(:func:`layout_positions`: pivot MDS plus an overlap-removal pass, well under a second
at 5,000 organisations) and the browser's physics stays off; below it the same layout
seeds a short physics stabilisation, after which physics stops.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyvis
import scipy.sparse as sp
from pyvis.network import Network as PyvisNetwork

from collabnet.errors import CollabnetError, InputError
from collabnet.outputs.layout import layout_positions
from collabnet.outputs.styles import KIND_STYLES, RECOMMENDED_STYLE, TYPE_STYLES
from collabnet.results import HasResults, Results, results_of

__all__ = [
    "COLOR_BY",
    "KIND_STYLES",
    "LAYOUT_THRESHOLD",
    "TYPE_STYLES",
    "NetworkPage",
    "inline_frame",
    "layout_positions",
    "linked_pairs",
    "network_page",
    "page_html",
    "script_json",
    "write_html",
    "write_page",
]

COLOR_BY = ("type", "industry")
LAYOUT_THRESHOLD = 2_000
# Pixels per unit of layout_positions' spacing (about one node apart).
_PIXELS_PER_UNIT = 45.0
_MIN_SIZE, _MAX_SIZE = 7.0, 36.0

_INDUSTRY_PALETTE = (
    "#1971c2",
    "#f76707",
    "#37b24d",
    "#e03131",
    "#7048e8",
    "#8d5524",
    "#e64980",
    "#343a40",
    "#94d82d",
    "#15aabf",
    "#ffa94d",
    "#748ffc",
)
_NO_INDUSTRY_COLOR = "#ced4da"
_METRIC_LABELS = {
    "degree": "度 degree",
    "weighted_degree": "加权度 weighted degree",
    "pagerank": "PageRank",
    "eigenvector": "特征向量 eigenvector",
    "harmonic": "调和接近 harmonic",
    "betweenness": "中介 betweenness",
    "core_number": "核数 core number",
}
_TOOLTIP_METRICS = ("degree", "pagerank", "betweenness")
_FONT_FACE = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"


class NetworkPage(PyvisNetwork):
    """A pyvis network that renders collabnet's offline page and writes it as UTF-8.

    ``meta`` holds what the page's script needs besides nodes and edges: the title, the
    legend, the filter choices and the layout mode.
    """

    def __init__(self, *, title: str, meta: dict[str, Any]) -> None:
        super().__init__(
            height="100%", width="100%", directed=False, cdn_resources="in_line", heading=""
        )
        self.title = title
        self.meta = meta

    def generate_html(
        self, name: str = "index.html", local: bool = True, notebook: bool = False
    ) -> str:
        """The whole page as text (pyvis's signature; ``name`` and the flags are unused)."""
        self.html = page_html(self)
        return str(self.html)

    def write_html(
        self,
        name: str,
        local: bool = True,
        notebook: bool = False,
        open_browser: bool = False,
    ) -> None:
        """Write the page to ``name`` as UTF-8, whatever the system's default encoding."""
        write_html(self.generate_html(), name)


def network_page(
    source: Results | HasResults,
    *,
    color_by: str = "type",
    size_by: str = "degree",
    as_of: int | None = None,
    focus: str | None = None,
    radius: int = 2,
    recommendations: int | pd.DataFrame | None = None,
    layout: Literal["auto", "physics", "fixed"] = "auto",
    title: str | None = None,
    seed: int = 0,
) -> NetworkPage:
    """The network as a pyvis page: colours, shapes, sizes, tooltips, legend and filters.

    Parameters
    ----------
    source
        The results of the snapshot to draw (``network.results``; a
        :class:`~collabnet.network.Network` stands for its results).
    color_by
        ``type`` (organisation type) or ``industry`` (an organisation's first industry).
    size_by
        The centrality that sizes the nodes: ``degree``, ``weighted_degree``, or any
        column of :func:`collabnet.analysis.centrality.centrality` (``pagerank``,
        ``betweenness``, ...).
    as_of
        Draw the network as it stood at the end of this year.
    focus
        Draw only the neighbourhood of this organisation (id or name), ``radius`` links
        deep.
    radius
        Depth of the ``focus`` neighbourhood.
    recommendations
        Recommended enterprise–platform pairs to overlay as dashed edges: a number N
        (the top N of ``network.recommend()``) or a DataFrame of pairs.
    layout
        ``physics`` (the browser settles the layout, then stops), ``fixed`` (positions
        computed here, physics off) or ``auto`` (physics up to
        :data:`LAYOUT_THRESHOLD` organisations).
    title
        The page's title.
    seed
        Seed of the layout.

    Returns
    -------
    NetworkPage
        A :class:`pyvis.network.Network`; ``generate_html()`` gives the page.

    Examples
    --------
    >>> import collabnet as cn
    >>> page = network_page(cn.load("data/sample"), size_by="degree")
    >>> len(page.nodes), page.meta["layout"]
    (699, 'physics')
    """
    if color_by not in COLOR_BY:
        raise InputError(f"cannot colour by '{color_by}' (expected one of {', '.join(COLOR_BY)})")
    if radius < 0:
        raise InputError(f"radius must be 0 or more, got {radius}")
    if layout not in ("auto", "physics", "fixed"):
        raise InputError(f"unknown layout '{layout}' (expected auto, physics or fixed)")
    network = results_of(source)
    if as_of is not None:
        network = network.at(as_of)
    organizations = network.organizations
    ids = organizations["id"].astype(str).tolist()
    linked = linked_pairs(network.pairs)
    focus_id = network.find(focus) if focus is not None else None
    if focus_id is not None:
        ids = _neighbourhood(ids, linked, focus_id, radius)
        inside = set(ids)
        linked = linked[linked["a"].isin(inside) & linked["b"].isin(inside)]
    metrics = _metrics(network, size_by)
    frame = organizations.set_index("id").loc[ids]
    pairs = _recommended_pairs(network, recommendations, set(ids))

    physics = layout == "physics" or (layout == "auto" and len(ids) <= LAYOUT_THRESHOLD)
    positions = layout_positions(_pair_matrix(ids, linked), seed=seed) * _PIXELS_PER_UNIT

    industry_names = dict(
        zip(network.industries["code"], network.industries["name_zh"], strict=True)
    )
    industry_colors = _industry_colors(network.industries["code"].tolist())
    sizes = _sizes(metrics[size_by].reindex(ids).fillna(0.0).to_numpy(dtype=float))

    page_title = title or _default_title(network, focus_id, frame)
    meta = _meta(
        network,
        frame,
        color_by=color_by,
        size_by=size_by,
        physics=physics,
        focus_id=focus_id,
        industry_colors=industry_colors,
        recommended=len(pairs),
        title=page_title,
    )
    page = NetworkPage(title=page_title, meta=meta)
    names = dict(zip(ids, frame["name"].astype(str), strict=True))
    shown = list(dict.fromkeys(m for m in (*_TOOLTIP_METRICS, size_by) if m in metrics.columns))
    values: dict[str, dict[str, Any]] = metrics.reindex(ids)[shown].to_dict("index")  # type: ignore[assignment]
    rows: dict[str, dict[str, Any]] = frame.to_dict("index")  # type: ignore[assignment]
    for position, (org_id, row) in enumerate(rows.items()):
        codes = _codes(row["industries"])
        style = TYPE_STYLES.get(str(row["type"]), TYPE_STYLES["other"])
        if color_by == "type":
            color = style["color"]
        else:
            color = (
                industry_colors.get(codes[0], _NO_INDUSTRY_COLOR) if codes else _NO_INDUSTRY_COLOR
            )
        node: dict[str, Any] = {
            "id": org_id,
            "label": names[org_id],
            "shape": style["shape"],
            "color": {
                "background": color,
                "border": _darker(color),
                "highlight": {"background": color, "border": "#212529"},
                "hover": {"background": color, "border": "#212529"},
            },
            "size": float(sizes[position]),
            "title": _node_tooltip(org_id, row, codes, industry_names, values[org_id]),
            "x": float(positions[position, 0]),
            "y": float(positions[position, 1]),
            "org_type": str(row["type"]),
            "industries": list(codes),
            "county": _text(row["county"]),
        }
        if org_id == focus_id:
            node["borderWidth"] = 4
            node["color"]["border"] = "#212529"
        page.nodes.append(node)
        page.node_ids.append(org_id)
        page.node_map[org_id] = node
    records: list[dict[str, Any]] = linked.to_dict("records")  # type: ignore[assignment]
    for number, link in enumerate(records):
        page.edges.append(_edge(number, link, names))
    for number, pair in enumerate(pairs):
        page.edges.append(_recommended_edge(number, pair, names))
    page.options = _vis_options(physics=physics, nodes=len(ids), edges=len(page.edges))
    return page


def write_page(source: Results | HasResults, path: str | Path, **options: Any) -> Path:
    """Write :func:`network_page` to ``path`` as UTF-8 and return the path.

    ``options`` are those of :func:`network_page`.
    """
    return write_html(network_page(source, **options).generate_html(), path)


def write_html(html_text: str, path: str | Path) -> Path:
    """Write a page's HTML to ``path`` as UTF-8 and return the path."""
    target = Path(path)
    # Explicit UTF-8: pyvis's own writer uses the locale's codec (gbk on Chinese Windows).
    with open(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(html_text)
    return target


def inline_frame(html_text: str, *, height: int = 720) -> Any:
    """An ``IPython.display.HTML`` showing the page in an iframe through ``srcdoc``.

    ``srcdoc`` carries the whole page, so the notebook needs neither a server nor the
    internet to show it.
    """
    try:
        from IPython.display import HTML
    except ImportError as err:
        raise CollabnetError(
            "showing the page inline needs IPython (Jupyter); use write_page() instead"
        ) from err
    frame = (
        f'<div><iframe srcdoc="{html.escape(html_text, quote=True)}" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #dee2e6;" '
        'sandbox="allow-scripts"></iframe></div>'
    )
    return HTML(frame)


def page_html(page: PyvisNetwork) -> str:
    """The self-contained HTML of a page built by :func:`network_page`."""
    meta = getattr(page, "meta", {})
    title = getattr(page, "title", "") or "collabnet"
    payload = {"nodes": page.nodes, "edges": page.edges, "options": page.options, "meta": meta}
    template = Template(_asset("page.html"))
    return template.substitute(
        title=html.escape(title),
        vis_css=_inline_style(_vis_asset("vis-network.css")),
        page_css=_inline_style(_asset("page.css")),
        data=script_json(payload),
        vis_js=_inline_script(_vis_asset("vis-network.min.js")),
        page_js=_inline_script(_asset("page.js")),
    )


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes, so ``</script>`` and
    ``<!--`` cannot appear, and the line and paragraph separators are escaped too.

    Examples
    --------
    >>> script_json({"name": "</script><!--"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def linked_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """The canonical pair table (:func:`collabnet.graph.pair_table`) as the page draws it.

    Returns ``a`` and ``b`` (ids), ``kinds`` (in the precedence order of
    :data:`KIND_STYLES`, then any others), ``year`` (first), ``links`` (count),
    ``weight`` (sum) and ``funding``.
    """
    columns = ["a", "b", "kinds", "year", "links", "weight", "funding"]
    precedence = {kind: i for i, kind in enumerate(KIND_STYLES)}
    ordered = {
        kinds: tuple(sorted(kinds, key=lambda k: (precedence.get(k, len(precedence)), k)))
        for kinds in set(pairs["kinds"])
    }
    frame = pairs.rename(columns={"id_a": "a_id", "id_b": "b_id"})
    return pd.DataFrame(
        {
            "a": frame["a_id"].astype(str).to_numpy(),
            "b": frame["b_id"].astype(str).to_numpy(),
            "kinds": frame["kinds"].map(ordered).to_numpy(),
            "year": frame["year"].to_numpy(),
            "links": frame["links"].to_numpy(),
            "weight": frame["weight"].to_numpy(),
            "funding": frame["funding"].to_numpy(),
        },
        columns=columns,
    )


def _pair_matrix(ids: list[str], linked: pd.DataFrame) -> sp.csr_array:
    position = pd.Series(np.arange(len(ids)), index=ids)
    a = position.loc[linked["a"].to_numpy()].to_numpy()
    b = position.loc[linked["b"].to_numpy()].to_numpy()
    ones = np.ones(2 * len(a))
    shape = (len(ids), len(ids))
    return sp.csr_array((ones, (np.concatenate([a, b]), np.concatenate([b, a]))), shape=shape)


def _neighbourhood(ids: list[str], linked: pd.DataFrame, focus: str, radius: int) -> list[str]:
    """The ids within ``radius`` links of ``focus``, in the order of ``ids``."""
    matrix = _pair_matrix(ids, linked)
    reached = np.zeros(len(ids), dtype=bool)
    reached[ids.index(focus)] = True
    for _ in range(radius):
        grown = reached | (matrix @ reached.astype(float) > 0)
        if (grown == reached).all():
            break
        reached = grown
    return [org_id for org_id, keep in zip(ids, reached, strict=True) if keep]


def _metrics(network: Results, size_by: str) -> pd.DataFrame:
    """Per organisation id: degree and the other centrality measures (degree only on big
    networks sized by degree)."""
    from collabnet.analysis.centrality import MEASURES

    if size_by not in MEASURES:
        raise InputError(f"cannot size by '{size_by}' (expected one of {', '.join(MEASURES)})")
    if size_by in ("degree", "weighted_degree") and len(network.organizations) > LAYOUT_THRESHOLD:
        # Betweenness on a big network takes seconds; sizing by degree does not need it.
        matrix = network.adjacency.matrix
        return pd.DataFrame(
            {
                "degree": np.diff(matrix.indptr).astype(np.int64),
                "weighted_degree": np.asarray(matrix.sum(axis=1)).ravel(),
            },
            index=pd.Index(network.adjacency.ids, name="id"),
        )
    return pd.DataFrame(network.centrality(size_by)).set_index("id")


def _recommended_pairs(
    network: Results, recommendations: int | pd.DataFrame | None, present: set[str]
) -> list[dict[str, Any]]:
    """Recommended pairs as dicts with ``a``, ``b``, ``score`` and ``why`` (reasons)."""
    if recommendations is None:
        return []
    if isinstance(recommendations, pd.DataFrame):
        frame = recommendations
    elif recommendations < 1:
        return []
    else:
        frame = _best_pairs(network, recommendations)
    ends = _pair_columns(frame)
    pairs = []
    for row in frame.to_dict("records"):
        a, b = str(row[ends[0]]), str(row[ends[1]])
        if a not in present or b not in present:
            continue
        why = next((row[c] for c in ("reasons", "explanation", "reason", "why") if c in row), "")
        parts = list(why) if isinstance(why, list | tuple | np.ndarray) else [why]
        reasons = [_text(part) for part in parts if _text(part)]
        pairs.append({"a": a, "b": b, "score": row.get("score"), "why": reasons})
    return pairs


def _best_pairs(network: Results, count: int) -> pd.DataFrame:
    """The ``count`` best-scoring pairs of ``network.recommend()``, with their reasons.

    ``recommend(top=k)`` ranks every organisation's k best partners; the overall best
    ``count`` pairs are among the ``count`` best of each, and reasons are computed only
    down to the deepest rank those pairs reach.
    """
    quick = network.recommendations(count, explain=False)
    if "rank" in quick.columns and len(quick):
        best = quick.sort_values("score", ascending=False, kind="stable").head(count)
        quick = network.recommendations(int(best["rank"].max()))
    return pd.DataFrame(quick).sort_values("score", ascending=False, kind="stable").head(count)


def _pair_columns(frame: pd.DataFrame) -> tuple[str, str]:
    for ends in (("enterprise", "platform"), ("source", "target")):
        if set(ends) <= set(frame.columns):
            return ends
    # recommend() names its id columns after the roles: enterprise_id, platform_id, ...
    ids = [c for c in frame.columns if str(c).endswith("_id")]
    if len(ids) >= 2:
        return str(ids[0]), str(ids[1])
    raise InputError(
        "recommendations need columns enterprise and platform (ids); got "
        + ", ".join(map(str, frame.columns))
    )


def _node_tooltip(
    org_id: str,
    row: Mapping[str, Any],
    codes: tuple[str, ...],
    industry_names: Mapping[str, str],
    metrics: Mapping[str, Any],
) -> str:
    style = TYPE_STYLES.get(str(row["type"]), TYPE_STYLES["other"])
    kind = f"{style['zh']} {style['en']}"
    if _flag(row.get("rd_institution")):
        kind += " · 新型研发机构 new-type R&D institution"
    if _flag(row.get("leading")):
        kind += " · 龙头企业 leading enterprise"
    industries = "、".join(industry_names.get(c, c) for c in codes) or "—"
    county = _text(row["county"]) or "市外或未填 outside the city / unknown"
    lines = [
        str(row["name"]),
        f"编号 id: {org_id}",
        f"类型 type: {kind}",
        f"产业 industries: {industries}",
        f"县市区 county: {county}",
    ]
    known = [(m, v) for m, v in metrics.items() if _text(v) != ""]
    if known:
        lines.append(" · ".join(f"{_METRIC_LABELS.get(m, m)} {_number(v)}" for m, v in known))
    return "\n".join(lines)


def _edge(number: int, link: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    a, b, kinds = str(link["a"]), str(link["b"]), tuple(link["kinds"])
    kind = kinds[0] if kinds else "joint_project"
    style = KIND_STYLES.get(kind, KIND_STYLES["joint_project"])
    described = "、".join(
        f"{KIND_STYLES[k]['zh']} {KIND_STYLES[k]['en']}" if k in KIND_STYLES else str(k)
        for k in kinds
    )
    facts = []
    if _text(link["year"]):
        facts.append(f"首次 first year: {int(link['year'])}")
    facts.append(f"次数 links: {int(link['links'])}")
    if _text(link["funding"]):
        facts.append(f"经费 funding: {_number(link['funding'])} 万元")
    return {
        "id": f"e{number}",
        "from": a,
        "to": b,
        "kind": kind,
        "kinds": list(kinds),
        "color": {
            "color": style["color"],
            "highlight": style["color"],
            "hover": style["color"],
            "opacity": 0.8,
        },
        "width": style["width"],
        "dashes": style["dashes"],
        "title": f"{names[a]} — {names[b]}\n类型 kinds: {described}\n" + " · ".join(facts),
    }


def _recommended_edge(
    number: int, pair: Mapping[str, Any], names: Mapping[str, str]
) -> dict[str, Any]:
    style = RECOMMENDED_STYLE
    lines = [f"推荐配对 recommended pair: {names[pair['a']]} — {names[pair['b']]}"]
    if pair.get("score") is not None and not pd.isna(pair["score"]):
        lines.append(f"得分 score: {_number(pair['score'])}")
    reasons = pair.get("why") or []
    if len(reasons) == 1:
        lines.append(f"理由 why: {reasons[0]}")
    elif reasons:
        lines.append("理由 why:")
        lines.extend(f"• {reason}" for reason in reasons)
    return {
        "id": f"r{number}",
        "from": pair["a"],
        "to": pair["b"],
        "kind": "recommended",
        "recommended": True,
        "color": {
            "color": style["color"],
            "highlight": style["color"],
            "hover": style["color"],
            "opacity": 1.0,
        },
        "width": style["width"],
        "dashes": style["dashes"],
        "physics": False,
        "title": "\n".join(lines),
    }


def _meta(
    network: Results,
    frame: pd.DataFrame,
    *,
    color_by: str,
    size_by: str,
    physics: bool,
    focus_id: str | None,
    industry_colors: Mapping[str, str],
    recommended: int,
    title: str,
) -> dict[str, Any]:
    types = frame["type"].astype(str).value_counts()
    memberships = pd.Series([c for codes in frame["industries"] for c in _codes(codes)])
    industry_counts = memberships.value_counts()
    industries = [
        {
            "code": str(code),
            "zh": str(zh),
            "en": str(en),
            "count": int(industry_counts.get(code, 0)),
            "color": industry_colors.get(code, _NO_INDUSTRY_COLOR),
        }
        for code, zh, en in zip(
            network.industries["code"],
            network.industries["name_zh"],
            network.industries["name_en"],
            strict=True,
        )
        if industry_counts.get(code, 0)
    ]
    counties = frame["county"].map(_text).value_counts()
    return {
        "title": title,
        "as_of": network.as_of,
        "color_by": color_by,
        "size_by": size_by,
        "size_label": _METRIC_LABELS.get(size_by, size_by),
        "layout": "physics" if physics else "fixed",
        "focus": focus_id,
        "types": [
            {"code": code, **style, "count": int(types.get(code, 0))}
            for code, style in TYPE_STYLES.items()
            if types.get(code, 0)
        ],
        "kinds": [{"code": code, **style} for code, style in KIND_STYLES.items()],
        "recommended": {**RECOMMENDED_STYLE, "count": recommended},
        "industries": industries,
        "no_industry_color": _NO_INDUSTRY_COLOR,
        "counties": [{"name": str(name), "count": int(count)} for name, count in counties.items()],
    }


def _vis_options(*, physics: bool, nodes: int, edges: int) -> dict[str, Any]:
    big = nodes > LAYOUT_THRESHOLD or edges > 4 * LAYOUT_THRESHOLD
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 12, "face": _FONT_FACE, "strokeWidth": 2, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 6}},
        },
        "edges": {"smooth": False, "selectionWidth": 1.5, "hoverWidth": 0.5},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": not big,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
        },
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -40,
                "springLength": 80,
                "avoidOverlap": 0.2,
            },
            "stabilization": {"enabled": physics, "iterations": 150, "updateInterval": 25},
        },
    }


def _default_title(network: Results, focus_id: str | None, frame: pd.DataFrame) -> str:
    title = "协作网络 Collaboration network"
    if focus_id is not None:
        title += f" · {frame.loc[focus_id, 'name']!s}"
    if network.as_of is not None:
        title += f" · {network.as_of}"
    return title


def _industry_colors(codes: list[str]) -> dict[str, str]:
    return {code: _INDUSTRY_PALETTE[i % len(_INDUSTRY_PALETTE)] for i, code in enumerate(codes)}


def _sizes(values: np.ndarray) -> np.ndarray:
    """Node radii: area grows with the value (square root), the largest value gets the most."""
    if len(values) == 0:
        return values
    high = float(np.max(values))
    if high <= 0:
        return np.full(len(values), _MIN_SIZE)
    share = np.sqrt(np.clip(values, 0.0, None) / high)
    return _MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * share


def _darker(color: str) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (red, green, blue)))


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple | list | np.ndarray):
        return tuple(str(v) for v in value)
    return ()


def _flag(value: object) -> bool:
    return value is not None and value is not pd.NA and bool(value)


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _number(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    if number.is_integer() and abs(number) < 1e12:
        return f"{int(number):,}"
    return f"{number:.4g}"


def _asset(name: str) -> str:
    return resources.files("collabnet.outputs").joinpath("assets", name).read_text("utf-8")


def _vis_asset(name: str) -> str:
    folder = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (folder / name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    if "</script" in code.lower() or "<!--" in code:
        raise InputError("a script to inline contains '</script' or '<!--'")
    return code


def _inline_style(css: str) -> str:
    if "</style" in css.lower():
        raise InputError("a style sheet to inline contains '</style'")
    return css
