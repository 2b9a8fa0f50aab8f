"""The interactive network page: one self-contained HTML file that opens offline.

The page draws with sigma.js (WebGL) over a graphology graph. Both come from npm at
set-up time (``scripts/page-js``) and travel inside the wheel (``collabnet/outputs/vendor``);
:func:`page_html` inlines them, so the page needs no network. vis-network, drawn on a 2D
canvas and settled by in-browser physics, froze for seconds per action on networks of
20,000 organisations; WebGL redraws those in milliseconds, and everything slow is done
once here instead: the layout (:func:`layout_positions`), the communities, the sizes and
a *backbone* of each organisation's strongest links, drawn by default when the network
has more than :data:`ALL_LINKS_LIMIT` linked pairs (every link is one click away, and a
selected organisation always shows all of its own).

Names are data, never markup: everything travels as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` written as
``\\u003c``-style escapes (so no name can close the block); the page's script puts names
into the document only through ``textContent`` and draws them on a canvas. Links travel
as base64 typed arrays, a tenth of the size of a JSON list of objects. A
Content-Security-Policy forbids any request the page might make.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.analysis.communities import label_propagation
from collabnet.errors import InputError
from collabnet.outputs.html import (
    asset,
    inline_frame,
    inline_script,
    inline_style,
    script_json,
    vendor_script,
    write_html,
)
from collabnet.outputs.layout import backbone, layout_positions, link_ranks
from collabnet.outputs.styles import (
    COMMUNITY_PALETTE,
    KIND_STYLES,
    RECOMMENDED_STYLE,
    TYPE_STYLES,
)
from collabnet.results import HasResults, Results, results_of

__all__ = [
    "ALL_LINKS_LIMIT",
    "COLOR_BY",
    "KIND_STYLES",
    "TYPE_STYLES",
    "NetworkPage",
    "backbone",
    "inline_frame",
    "layout_positions",
    "linked_pairs",
    "network_page",
    "page_html",
    "script_json",
    "write_html",
    "write_page",
]

COLOR_BY = ("type", "industry", "community")
# Above this many linked pairs only the backbone is drawn until the analyst asks for all.
ALL_LINKS_LIMIT = 20_000
# Each organisation's strongest links kept in the backbone.
BACKBONE_PER_NODE = 2
# Up to this many linked pairs the communities are Louvain's on every link (as the
# `communities` command finds them); above it networkx's Louvain takes minutes, so the
# page uses label propagation on a wider backbone.
LOUVAIN_LIMIT = 60_000
# Up to this many organisations the details show PageRank and betweenness too.
METRICS_LIMIT = 2_000
COMMUNITIES_SHOWN = len(COMMUNITY_PALETTE)
# Above this many organisations plus drawn links the page moves its last picture while
# the camera moves and redraws when it rests (see page.js).
MOTION_THRESHOLD = 10_000

_MIN_SIZE, _MAX_SIZE = 2.5, 16.0
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
_SMALL_COMMUNITY_COLOR = "#ced4da"
_METRIC_LABELS = {
    "degree": "度 degree",
    "weighted_degree": "加权度 weighted degree",
    "pagerank": "PageRank",
    "eigenvector": "特征向量 eigenvector",
    "harmonic": "调和接近 harmonic",
    "betweenness": "中介 betweenness",
    "core_number": "核数 core number",
}
_DETAIL_METRICS = ("degree", "pagerank", "betweenness")
_FONT_FACE = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimHei", sans-serif'


@dataclass
class NetworkPage:
    """The page's data (``payload``) and title; :meth:`generate_html` gives the page."""

    title: str
    payload: dict[str, Any] = field(repr=False)

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.payload["meta"])

    @property
    def node_ids(self) -> list[str]:
        return list(self.payload["nodes"]["id"])

    def links(self) -> pd.DataFrame:
        """The page's linked pairs: ``a``, ``b`` (ids), ``kinds``, ``year``, ``records``,
        ``backbone`` — decoded from the payload, as the browser reads them."""
        edges, ids, kinds = self.payload["edges"], self.node_ids, self.payload["meta"]["kinds"]
        a, b = _decode(edges["a"], np.uint32), _decode(edges["b"], np.uint32)
        bits = _decode(edges["kinds"], np.uint8)
        return pd.DataFrame(
            {
                "a": [ids[i] for i in a],
                "b": [ids[i] for i in b],
                "kinds": [
                    tuple(k["code"] for j, k in enumerate(kinds) if int(m) & (1 << j)) for m in bits
                ],
                "year": _decode(edges["year"], np.uint16),
                "records": _decode(edges["records"], np.uint32),
                "backbone": _decode(edges["backbone"], np.uint8).astype(bool),
            }
        )

    def generate_html(self) -> str:
        """The whole page as text."""
        return page_html(self)

    def write_html(self, path: str | Path) -> Path:
        """Write the page to ``path`` as UTF-8, whatever the system's default encoding."""
        return write_html(self.generate_html(), path)


def network_page(
    source: Results | HasResults,
    *,
    color_by: str = "type",
    size_by: str = "degree",
    as_of: int | None = None,
    focus: str | None = None,
    radius: int = 1,
    recommendations: int | pd.DataFrame | None = None,
    title: str | None = None,
    seed: int = 0,
) -> NetworkPage:
    """The network as a page: positions, sizes, colours, backbone, communities, filters.

    Parameters
    ----------
    source
        The results of the snapshot to draw (``network.results``; a
        :class:`~collabnet.network.Network` stands for its results).
    color_by
        The colouring the page opens with: ``type``, ``industry`` (an organisation's first
        industry) or ``community``; the page switches between them.
    size_by
        The centrality that sizes the nodes and ranks their labels: ``degree``,
        ``weighted_degree``, or any column of
        :func:`collabnet.analysis.centrality.centrality`.
    as_of
        Draw the network as it stood at the end of this year.
    focus
        Draw only the neighbourhood of this organisation (id or name), ``radius`` links
        deep, with the organisation selected.
    radius
        Depth of the ``focus`` neighbourhood (1: its partners; 2 reaches much of a
        well-connected network).
    recommendations
        Recommended enterprise–platform pairs to list and draw: a number N (the best N of
        ``results.recommendations()``) or a DataFrame of pairs.
    title
        The page's title.
    seed
        Seed of the layout and of the communities.

    Returns
    -------
    NetworkPage
        ``generate_html()`` gives the page.

    Examples
    --------
    >>> import collabnet as cn
    >>> page = network_page(cn.load("data/sample"))
    >>> len(page.node_ids), page.meta["backbone"]["all_drawn"]
    (699, True)
    """
    if color_by not in COLOR_BY:
        raise InputError(f"cannot colour by '{color_by}' (expected one of {', '.join(COLOR_BY)})")
    if radius < 0:
        raise InputError(f"radius must be 0 or more, got {radius}")
    results = results_of(source)
    if as_of is not None:
        results = results.at(as_of)
    organizations = results.organizations
    ids = organizations["id"].astype(str).tolist()
    linked = linked_pairs(results.pairs)
    focus_id = results.find(focus) if focus is not None else None
    drawn = np.arange(len(ids))
    if focus_id is not None:
        hops = results.adjacency.hops
        drawn = _neighbourhood(hops, int(results.snapshot.index[focus_id]), radius)
        ids = [ids[i] for i in drawn]
        inside = set(ids)
        linked = linked[linked["a"].isin(inside) & linked["b"].isin(inside)].reset_index(drop=True)
    frame = organizations.set_index("id").loc[ids]
    position = pd.Index(ids)
    a = position.get_indexer(pd.Index(linked["a"])).astype(np.int64)
    b = position.get_indexer(pd.Index(linked["b"])).astype(np.int64)
    weight = linked["weight"].to_numpy(dtype=float)
    degree = np.bincount(np.concatenate([a, b]), minlength=len(ids))

    all_drawn = len(linked) <= ALL_LINKS_LIMIT
    ranks = link_ranks(a, b, weight, degree)
    in_backbone = np.ones(len(linked), dtype=bool) if all_drawn else ranks < BACKBONE_PER_NODE
    positions = layout_positions(results.adjacency.hops[drawn][:, drawn], seed=seed)
    community = _communities(ids, a, b, weight, ranks, seed=seed)

    metrics = _metrics(results, size_by, len(ids))
    sizes = _sizes(metrics[size_by].reindex(ids).fillna(0.0).to_numpy(dtype=float))
    pairs = _recommended_pairs(results, recommendations, set(ids))
    page_title = title or _default_title(results, focus_id, frame)
    payload = {
        "meta": _meta(
            results,
            frame,
            linked,
            color_by=color_by,
            size_by=size_by,
            focus_id=focus_id,
            metrics=metrics,
            community=community,
            degree=degree,
            all_drawn=all_drawn,
            drawn=int(in_backbone.sum()),
            title=page_title,
        ),
        "nodes": _nodes(results, frame, ids, positions, sizes, community, linked, a, b),
        "edges": _edges(linked, a, b, in_backbone),
        "recommended": pairs,
    }
    return NetworkPage(title=page_title, payload=payload)


def write_page(source: Results | HasResults, path: str | Path, **options: Any) -> Path:
    """Write :func:`network_page` to ``path`` as UTF-8 and return the path.

    ``options`` are those of :func:`network_page`.
    """
    return write_html(network_page(source, **options).generate_html(), path)


def page_html(page: NetworkPage) -> str:
    """The self-contained HTML of a page built by :func:`network_page`."""
    template = Template(asset("page.html"))
    return template.substitute(
        title=html.escape(page.title),
        page_css=inline_style(asset("page.css")),
        data=script_json(page.payload),
        graphology_js=inline_script(vendor_script("graphology_js")),
        sigma_js=inline_script(vendor_script("sigma_js")),
        page_js=inline_script(asset("page.js")),
    )


def linked_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """The canonical pair table (:attr:`Results.pairs`) as the page draws it.

    Returns ``a`` and ``b`` (ids), ``kinds`` (in the precedence order of
    :data:`KIND_STYLES`, then any others), ``year`` (first), ``links`` (count of link
    records), ``weight`` (sum) and ``funding``.
    """
    columns = ["a", "b", "kinds", "year", "links", "weight", "funding"]
    precedence = {kind: i for i, kind in enumerate(KIND_STYLES)}
    ordered = {
        kinds: tuple(sorted(kinds, key=lambda k: (precedence.get(k, len(precedence)), k)))
        for kinds in set(pairs["kinds"])
    }
    return pd.DataFrame(
        {
            "a": pairs["id_a"].astype(str).to_numpy(),
            "b": pairs["id_b"].astype(str).to_numpy(),
            "kinds": pairs["kinds"].map(ordered).to_numpy(),
            "year": pairs["year"].to_numpy(),
            "links": pairs["links"].to_numpy(),
            "weight": pairs["weight"].to_numpy(),
            "funding": pairs["funding"].to_numpy(),
        },
        columns=columns,
    )


def _neighbourhood(hops: sp.csr_matrix, focus: int, radius: int) -> np.ndarray:
    """Positions within ``radius`` links of ``focus``, in table order."""
    reached = np.zeros(hops.shape[0], dtype=bool)
    reached[focus] = True
    for _ in range(radius):
        grown = reached | (hops @ reached.astype(float) > 0)
        if (grown == reached).all():
            break
        reached = grown
    return np.flatnonzero(reached)


def _communities(
    ids: list[str],
    a: np.ndarray,
    b: np.ndarray,
    weight: np.ndarray,
    ranks: np.ndarray,
    *,
    seed: int,
) -> np.ndarray:
    """Community number per organisation, 0 the largest (organisations alone get their own).

    ``ranks`` are the links' :func:`~collabnet.outputs.layout.link_ranks`.
    """
    import networkx as nx

    if len(a) <= LOUVAIN_LIMIT:
        graph = nx.Graph()
        graph.add_nodes_from(range(len(ids)))
        graph.add_weighted_edges_from(zip(a.tolist(), b.tolist(), weight.tolist(), strict=True))
        groups = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        ordered = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
        label = np.zeros(len(ids), dtype=np.int64)
        for number, members in enumerate(ordered):
            label[members] = number
        return label
    # Label propagation floods a graph as dense as CORDIS's through its hubs; on each
    # organisation's five strongest links it finds communities with a modularity near
    # Louvain's first level (0.32 against 0.41 on CORDIS) in under a second.
    wider = ranks < 5
    found = label_propagation(len(ids), a[wider], b[wider], weight[wider], seed=seed, rounds=10)
    # Renumber: 0 the largest community, ties by their smallest member.
    _, first, sizes = np.unique(found, return_index=True, return_counts=True)
    order = np.lexsort((first, -sizes))
    renumber = np.empty(len(order), dtype=np.int64)
    renumber[order] = np.arange(len(order))
    return renumber[np.unique(found, return_inverse=True)[1]]


def _metrics(results: Results, size_by: str, count: int) -> pd.DataFrame:
    """Per organisation id: degree and, on small networks, the other centrality measures."""
    from collabnet.analysis.centrality import MEASURES

    if size_by not in MEASURES:
        raise InputError(f"cannot size by '{size_by}' (expected one of {', '.join(MEASURES)})")
    if size_by in ("degree", "weighted_degree") and count > METRICS_LIMIT:
        # Betweenness on a big network takes seconds; sizing by degree does not need it.
        matrix = results.adjacency.matrix
        return pd.DataFrame(
            {
                "degree": np.diff(matrix.indptr).astype(np.int64),
                "weighted_degree": np.asarray(matrix.sum(axis=1)).ravel(),
            },
            index=pd.Index(results.adjacency.ids, name="id"),
        )
    return pd.DataFrame(results.centrality(size_by)).set_index("id")


def _nodes(
    results: Results,
    frame: pd.DataFrame,
    ids: list[str],
    positions: np.ndarray,
    sizes: np.ndarray,
    community: np.ndarray,
    linked: pd.DataFrame,
    a: np.ndarray,
    b: np.ndarray,
) -> dict[str, list[Any]]:
    type_codes = {code: i for i, code in enumerate(_type_codes(frame))}
    industry_codes = {code: i for i, code in enumerate(_industry_codes(results, frame))}
    county_codes = {name: i for i, name in enumerate(_county_counts(frame).index)}
    industries = [
        [industry_codes[c] for c in _codes(codes) if c in industry_codes]
        for codes in frame["industries"]
    ]
    flags = []
    for rd, leading in zip(
        frame.get("rd_institution", pd.Series([None] * len(frame))),
        frame.get("leading", pd.Series([None] * len(frame))),
        strict=True,
    ):
        words = []
        if _flag(rd):
            words.append("新型研发机构 new-type R&D institution")
        if _flag(leading):
            words.append("龙头企业 leading enterprise")
        flags.append(" · ".join(words))
    return {
        "id": ids,
        "name": frame["name"].astype(str).tolist(),
        "type": [type_codes[str(t)] for t in frame["type"]],
        "industries": industries,
        "county": [county_codes.get(_text(c), -1) if _text(c) else -1 for c in frame["county"]],
        "flags": flags,
        "x": np.round(positions[:, 0], 2).tolist(),
        # Screen y grows downwards in the layout's usual drawing, upwards in sigma's.
        "y": np.round(-positions[:, 1], 2).tolist(),
        "size": np.round(sizes, 2).tolist(),
        "year": _entry_years(results, frame, linked, a, b),
        "community": community.tolist(),
    }


def _entry_years(
    results: Results, frame: pd.DataFrame, linked: pd.DataFrame, a: np.ndarray, b: np.ndarray
) -> list[int | None]:
    """The year each organisation enters the network, as :meth:`Results.at` counts it.

    Its founding year when known; for organisations derived from participations, the
    year of their first joint project; otherwise None (always present).
    """
    if "founded" in frame.columns:
        founded = pd.to_numeric(frame["founded"], errors="coerce").to_numpy(dtype=float)
    else:
        founded = np.full(len(frame), np.nan)
    if results.snapshot.derived and len(linked):
        years = pd.to_numeric(linked["year"], errors="coerce").to_numpy(dtype=float)
        first = np.full(len(frame), np.inf)
        np.minimum.at(first, a, np.nan_to_num(years, nan=np.inf))
        np.minimum.at(first, b, np.nan_to_num(years, nan=np.inf))
        first[np.isinf(first)] = np.nan
        founded = np.where(np.isnan(founded), first, founded)
    return [None if math.isnan(y) else int(y) for y in founded]


def _edges(
    linked: pd.DataFrame, a: np.ndarray, b: np.ndarray, in_backbone: np.ndarray
) -> dict[str, str]:
    """The linked pairs as base64 little-endian arrays (``a``/``b`` are node positions)."""
    codes = {code: i for i, code in enumerate(_kind_codes(linked))}
    masks = {kinds: sum(1 << codes[k] for k in kinds) for kinds in set(linked["kinds"].tolist())}
    bits = linked["kinds"].map(masks).to_numpy(dtype=np.uint8)
    years = pd.to_numeric(linked["year"], errors="coerce").fillna(0).to_numpy(dtype=np.uint16)
    return {
        "a": _encode(a, np.uint32),
        "b": _encode(b, np.uint32),
        "kinds": _encode(bits, np.uint8),
        "year": _encode(years, np.uint16),
        "records": _encode(linked["links"].to_numpy(dtype=np.uint32), np.uint32),
        "backbone": _encode(in_backbone.astype(np.uint8), np.uint8),
    }


def _encode(values: np.ndarray, dtype: type) -> str:
    little = np.dtype(dtype).newbyteorder("<")
    return base64.b64encode(np.ascontiguousarray(values, dtype=little).tobytes()).decode("ascii")


def _decode(text: str, dtype: type) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.dtype(dtype).newbyteorder("<"))


def _kind_codes(linked: pd.DataFrame) -> list[str]:
    """Link kinds in precedence order: the known ones, then any others (at most 8)."""
    seen = {k for kinds in set(linked["kinds"].tolist()) for k in kinds}
    codes = list(KIND_STYLES) + sorted(seen - set(KIND_STYLES))
    if len(codes) > 8:
        raise InputError(f"the page draws at most 8 link kinds, got {len(codes)}: {codes}")
    return codes


def _type_codes(frame: pd.DataFrame) -> list[str]:
    present = set(frame["type"].astype(str))
    return [t for t in TYPE_STYLES if t in present] + sorted(present - set(TYPE_STYLES))


def _industry_codes(results: Results, frame: pd.DataFrame) -> list[str]:
    present = {c for codes in frame["industries"] for c in _codes(codes)}
    return [str(c) for c in results.industries["code"] if str(c) in present]


def _county_counts(frame: pd.DataFrame) -> pd.Series:
    counties = frame["county"].map(_text)
    return counties[counties != ""].value_counts()


def _meta(
    results: Results,
    frame: pd.DataFrame,
    linked: pd.DataFrame,
    *,
    color_by: str,
    size_by: str,
    focus_id: str | None,
    metrics: pd.DataFrame,
    community: np.ndarray,
    degree: np.ndarray,
    all_drawn: bool,
    drawn: int,
    title: str,
) -> dict[str, Any]:
    types = frame["type"].astype(str).value_counts()
    memberships = pd.Series([c for codes in frame["industries"] for c in _codes(codes)])
    industry_counts = memberships.value_counts()
    names = results.industries.set_index(results.industries["code"].astype(str))
    industry_codes = _industry_codes(results, frame)
    industries = [
        {
            "code": code,
            "zh": str(names.loc[code, "name_zh"]),
            "en": str(names.loc[code, "name_en"]),
            "count": int(industry_counts.get(code, 0)),
            "color": _INDUSTRY_PALETTE[i % len(_INDUSTRY_PALETTE)],
        }
        for i, code in enumerate(industry_codes)
    ]
    kind_counts: dict[str, int] = dict.fromkeys(_kind_codes(linked), 0)
    for combination, pairs_of_kinds in linked["kinds"].value_counts().items():
        for kind in combination:  # type: ignore[attr-defined]
            kind_counts[kind] += int(pairs_of_kinds)
    kinds = []
    for code in _kind_codes(linked):
        style = KIND_STYLES.get(code, {**KIND_STYLES["joint_project"], "zh": code, "en": code})
        kinds.append(
            {
                "code": code,
                "zh": style["zh"],
                "en": style["en"],
                "color": style["color"],
                "width": style["width"],
                "count": int(kind_counts.get(code, 0)),
            }
        )
    sizes = np.bincount(community) if len(community) else np.zeros(0, dtype=np.int64)
    shown = [c for c in range(min(COMMUNITIES_SHOWN, len(sizes))) if sizes[c] > 1]
    communities = [
        {
            "color": COMMUNITY_PALETTE[c],
            "size": int(sizes[c]),
            "label": _community_label(frame, community, degree, c),
        }
        for c in shown
    ]
    method = (
        "Louvain（全部连接）Louvain on every link"
        if len(linked) <= LOUVAIN_LIMIT
        else "标签传播（每个机构最强的5条连接）"
        "label propagation on each organisation's 5 strongest links"
    )
    metric_columns = [m for m in dict.fromkeys((*_DETAIL_METRICS, size_by)) if m in metrics]
    values = metrics.reindex(frame.index)
    dated = pd.to_numeric(linked["year"], errors="coerce").dropna().to_numpy(dtype=np.int64)
    years = [int(y) for y in np.unique(dated)]
    isolates = int((degree == 0).sum())
    records = int(linked["links"].sum())
    return {
        "title": title,
        "as_of": results.as_of,
        "color_by": color_by,
        "size_by": size_by,
        "size_label": _METRIC_LABELS.get(size_by, size_by),
        "font": _FONT_FACE,
        "focus": focus_id,
        "types": [
            {
                "code": code,
                "zh": TYPE_STYLES.get(code, TYPE_STYLES["other"])["zh"],
                "en": TYPE_STYLES[code]["en"] if code in TYPE_STYLES else code,
                "color": TYPE_STYLES.get(code, TYPE_STYLES["other"])["color"],
                "count": int(types.get(code, 0)),
            }
            for code in _type_codes(frame)
        ],
        "kinds": kinds,
        "recommended": {
            "zh": RECOMMENDED_STYLE["zh"],
            "en": RECOMMENDED_STYLE["en"],
            "color": RECOMMENDED_STYLE["color"],
            "width": RECOMMENDED_STYLE["width"],
        },
        "score_label": "得分 score",
        "industries": industries,
        "no_industry_color": _NO_INDUSTRY_COLOR,
        "counties": [
            {"name": str(name), "count": int(count)}
            for name, count in _county_counts(frame).items()
        ],
        "communities": communities,
        "community_note": f"社区 communities: {method}",
        "small_community_color": _SMALL_COMMUNITY_COLOR,
        "metrics": [
            {
                "label": _METRIC_LABELS.get(m, m),
                "values": [_number(v) if _text(v) != "" else "—" for v in values[m]],
            }
            for m in metric_columns
        ],
        "years": years,
        "backbone": {
            "all_drawn": all_drawn,
            "count": drawn,
            "per_node": BACKBONE_PER_NODE,
        },
        "isolates": {"count": isolates, "shown_by_default": False},
        "motion_threshold": MOTION_THRESHOLD,
        "records": records,
        "pairs_note": (
            "一对机构之间可有多条合作记录（不同项目或类型），图中画为一条线。"
            f"共 {len(linked):,} 对合作、{records:,} 条记录。"
            " A pair of organisations may share several link records (projects or kinds);"
            f" it is drawn as one line: {len(linked):,} linked pairs, {records:,} records."
        ),
    }


def _community_label(
    frame: pd.DataFrame, community: np.ndarray, degree: np.ndarray, number: int
) -> str:
    """A community's best-connected member, named in the legend."""
    members = np.flatnonzero(community == number)
    hub = members[np.argmax(degree[members])]
    return f"{frame['name'].iat[hub]!s} 等"


def _recommended_pairs(
    results: Results, recommendations: int | pd.DataFrame | None, present: set[str]
) -> list[dict[str, Any]]:
    """Recommended pairs: ``a``, ``b`` (ids), ``rank`` (1 = best), ``score``, ``reasons``."""
    if recommendations is None:
        return []
    if isinstance(recommendations, pd.DataFrame):
        frame = recommendations
    elif recommendations < 1:
        return []
    else:
        frame = _best_pairs(results, recommendations)
    ends = _pair_columns(frame)
    pairs: list[dict[str, Any]] = []
    for row in frame.to_dict("records"):
        a, b = str(row[ends[0]]), str(row[ends[1]])
        if a not in present or b not in present:
            continue
        why = next((row[c] for c in ("reasons", "explanation", "reason", "why") if c in row), "")
        parts = list(why) if isinstance(why, list | tuple | np.ndarray) else [why]
        score = row.get("score")
        pairs.append(
            {
                "a": a,
                "b": b,
                "rank": len(pairs) + 1,
                "score": None if score is None or pd.isna(score) else _number(score),
                "reasons": [_text(part) for part in parts if _text(part)],
            }
        )
    return pairs


def _best_pairs(results: Results, count: int) -> pd.DataFrame:
    """The ``count`` best-scoring pairs of ``results.recommendations()``, with reasons.

    ``recommendations(top=k)`` ranks every enterprise's k best partners; the overall best
    ``count`` pairs are among the ``count`` best of each, and reasons are computed only
    down to the deepest rank those pairs reach.
    """
    quick = results.recommendations(count, explain=False)
    if "rank" in quick.columns and len(quick):
        best = quick.sort_values("score", ascending=False, kind="stable").head(count)
        quick = results.recommendations(int(best["rank"].max()))
    return pd.DataFrame(quick).sort_values("score", ascending=False, kind="stable").head(count)


def _pair_columns(frame: pd.DataFrame) -> tuple[str, str]:
    for ends in (("enterprise", "platform"), ("source", "target")):
        if set(ends) <= set(frame.columns):
            return ends
    # recommendations() names its id columns after the roles: enterprise_id, platform_id.
    ids = [c for c in frame.columns if str(c).endswith("_id")]
    if len(ids) >= 2:
        return str(ids[0]), str(ids[1])
    raise InputError(
        "recommendations need columns enterprise and platform (ids); got "
        + ", ".join(map(str, frame.columns))
    )


def _default_title(results: Results, focus_id: str | None, frame: pd.DataFrame) -> str:
    title = "协作网络 Collaboration network"
    if focus_id is not None:
        title += f" · {frame.loc[focus_id, 'name']!s}"
    if results.as_of is not None:
        title += f" · {results.as_of}"
    return title


def _sizes(values: np.ndarray) -> np.ndarray:
    """Node radii: area grows with the value (square root), the largest value gets the most."""
    if len(values) == 0:
        return values
    high = float(np.max(values))
    if high <= 0:
        return np.full(len(values), _MIN_SIZE)
    share = np.sqrt(np.clip(values, 0.0, None) / high)
    return _MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * share


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
