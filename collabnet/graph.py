"""Validated tables to a NetworkX graph and back, and to a sparse adjacency matrix.

The graph is undirected: one edge per pair of organisations, however many links the
tables hold between them. Each edge carries the aggregate (``kinds``, first ``year``,
total ``weight`` and ``funding``, number of ``links``) and, under ``records``, every
original link row, so :func:`graph_to_tables` gives the tables back without loss
(including the direction of ``incubation`` and ``co_built_centre`` links).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.tables import Tables

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "PAIR_COLUMNS",
    "Adjacency",
    "adjacency",
    "build_graph",
    "graph_to_tables",
    "link_positions",
    "pair_adjacency",
    "pair_table",
]


def build_graph(tables: Tables, *, as_of: int | None = None, records: bool = True) -> nx.Graph:
    """The collaboration network as an undirected NetworkX graph.

    Nodes are organisation ids with every organisation column as attributes. With
    ``records=False`` edges keep only the aggregates, which saves memory on big graphs.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> graph = build_graph(load_tables("data/sample"))
    >>> graph.nodes["P001"]["type"]
    'platform'
    """
    # Imported here: the analyses work on sparse matrices, and most commands never
    # build a NetworkX graph.
    import networkx as nx

    tables = tables.as_of(as_of)
    graph = nx.Graph(as_of=tables.as_of_year)
    organizations = tables.organizations
    attributes = organizations.drop(columns=["id"]).astype(object)
    attributes = attributes.where(attributes.notna(), None)
    graph.add_nodes_from(zip(organizations["id"], attributes.to_dict("records"), strict=True))

    links = tables.links
    if len(links) == 0:
        return graph
    pairs = pair_table(tables)
    edge_records: dict[tuple[int, int], list[dict[Hashable, Any]]] = {}
    if records:
        source, target = link_positions(tables)
        low, high = np.minimum(source, target), np.maximum(source, target)
        plain = links.astype(object).where(links.notna(), None).to_dict("records")
        for a, b, record in zip(low.tolist(), high.tolist(), plain, strict=True):
            edge_records.setdefault((a, b), []).append(record)
    columns = (
        pairs["a"].to_numpy(),
        pairs["b"].to_numpy(),
        pairs["kinds"].to_numpy(),
        pairs["year"].to_numpy(dtype="float64", na_value=np.nan),
        pairs["weight"].to_numpy(dtype="float64"),
        pairs["funding"].to_numpy(dtype="float64", na_value=np.nan),
        pairs["links"].to_numpy(),
    )
    ids = organizations["id"].to_numpy(dtype=object)
    for a, b, kinds, year, weight, funding, count in zip(*columns, strict=True):
        data: dict[str, object] = {
            "kinds": kinds,
            "year": None if np.isnan(year) else int(year),
            "weight": float(weight),
            "funding": None if np.isnan(funding) else float(funding),
            "links": int(count),
        }
        if records:
            data["records"] = edge_records[(int(a), int(b))]
        graph.add_edge(ids[a], ids[b], **data)
    return graph


PAIR_COLUMNS = ("a", "b", "id_a", "id_b", "kinds", "year", "weight", "funding", "links")


def pair_table(tables: Tables) -> pd.DataFrame:
    """One row per linked (unordered) pair of organisations: the links between them summed.

    This is the one place where links become pairs; everything that needs pairs (the
    adjacency, the graph, the backtest's first years, the page) starts from here.

    Returns
    -------
    pandas.DataFrame
        ``a`` < ``b`` (row positions in ``tables.organizations``), ``id_a``, ``id_b``
        (their ids), ``kinds`` (sorted tuple of the distinct link kinds), ``year`` (the
        first, Int64), ``weight`` (sum), ``funding`` (sum, NaN when none is known) and
        ``links`` (how many link rows), in the order each pair first appears.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> pairs = pair_table(load_tables("data/sample"))
    >>> bool((pairs["a"] < pairs["b"]).all())
    True
    """
    source, target = link_positions(tables)
    links = tables.links
    ids = tables.organizations["id"].to_numpy(dtype=object)
    if len(links) == 0:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in PAIR_COLUMNS})
        return empty.astype(
            {
                "a": np.int64,
                "b": np.int64,
                "year": "Int64",
                "weight": float,
                "funding": float,
                "links": np.int64,
            }
        )
    frame = pd.DataFrame(
        {
            "a": np.minimum(source, target),
            "b": np.maximum(source, target),
            "kind": links["kind"].to_numpy(dtype=object),
            "year": links["year"].to_numpy(),
            "weight": links["weight"].to_numpy(dtype=float),
            "funding": links["funding"].to_numpy(dtype=float),
        }
    )
    grouped = frame.groupby(["a", "b"], sort=False)
    pairs = pd.DataFrame(
        {
            "kinds": _kinds_per_pair(frame),
            "year": grouped["year"].min().astype("Int64"),
            "weight": grouped["weight"].sum(),
            "funding": grouped["funding"].sum(min_count=1),
            "links": grouped.size().astype(np.int64),
        }
    ).reset_index()
    pairs.insert(2, "id_a", ids[pairs["a"].to_numpy()])
    pairs.insert(3, "id_b", ids[pairs["b"].to_numpy()])
    return pairs[list(PAIR_COLUMNS)]


def _kinds_per_pair(frame: pd.DataFrame) -> pd.Series:
    """The sorted tuple of distinct link kinds per pair, without a Python call per pair.

    Each kind is a bit; summing the bits of a pair's distinct kinds gives a mask that
    names its set of kinds.
    """
    # Integer codes, not the strings: a set of, or a map over, a few hundred thousand
    # kind strings costs a second.
    codes, uniques = pd.factorize(frame["kind"], sort=True)
    kinds = uniques.tolist()
    shifts = codes.astype(object) if len(kinds) > 62 else codes  # Python ints past 62 kinds
    bits = pd.DataFrame({"a": frame["a"], "b": frame["b"], "bit": np.left_shift(1, shifts)})
    distinct = bits.drop_duplicates()
    masks = distinct.groupby(["a", "b"], sort=False)["bit"].sum()
    names = {m: tuple(k for i, k in enumerate(kinds) if m & (1 << i)) for m in set(masks)}
    return masks.map(names)


def graph_to_tables(graph: nx.Graph, template: Tables) -> Tables:
    """The organisations and links tables of a graph built by :func:`build_graph`.

    ``template`` supplies the industries table and the column order.
    """
    ids = list(graph.nodes)
    organizations = pd.DataFrame([graph.nodes[n] for n in ids])
    organizations.insert(0, "id", ids)
    organizations = _restore_dtypes(organizations, template.organizations)
    rows = [record for _, _, data in graph.edges(data=True) for record in data.get("records", [])]
    links = pd.DataFrame(rows, columns=list(template.links.columns))
    links = _restore_dtypes(links, template.links)
    return Tables(organizations=organizations, links=links, industries=template.industries)


def _restore_dtypes(frame: pd.DataFrame, template: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=list(template.columns))
    for column, dtype in template.dtypes.items():
        values = frame[column].astype(dtype)
        frame[column] = (
            values.where(values.notna(), None) if pd.api.types.is_object_dtype(dtype) else values
        )
    return frame


@dataclass(frozen=True)
class Adjacency:
    """A symmetric sparse adjacency matrix (CSR, sorted, no explicit zeros) and its node ids.

    Row ``i`` is organisation ``ids[i]``, in the order of the organisations table.
    """

    matrix: sp.csr_matrix
    ids: np.ndarray

    @property
    def size(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def hops(self) -> sp.csr_matrix:
        """The same pattern with every entry 1."""
        pattern = self.matrix.copy()
        pattern.data = np.ones_like(pattern.data)
        return pattern

    def index(self) -> pd.Series:
        """Position of each id."""
        return pd.Series(np.arange(len(self.ids)), index=self.ids)


def link_positions(tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """Row positions in ``tables.organizations`` of each link's source and target.

    One factorisation of ids and link ends together: several times faster than an index
    look-up on millions of string ids.
    """
    ids = tables.organizations["id"]
    links = tables.links
    n, m = len(ids), len(links)
    codes, _ = pd.factorize(pd.concat([ids, links["source"], links["target"]], ignore_index=True))
    source, target = codes[n : n + m], codes[n + m :]
    if len(codes) and (codes[:n].max(initial=-1) != n - 1 or codes[n:].max(initial=-1) >= n):
        raise InputError("organisation ids are not unique, or a link names an unknown id")
    return source.astype(np.int64), target.astype(np.int64)


def adjacency(tables: Tables, *, as_of: int | None = None, weighted: bool = True) -> Adjacency:
    """The network as a symmetric CSR matrix; links between one pair are summed.

    Built straight from the links table with vectorised pandas, so it stays fast on
    millions of links where building a NetworkX graph would not. With
    ``weighted=False`` every linked pair counts 1.
    """
    tables = tables.as_of(as_of)
    return pair_adjacency(pair_table(tables), tables.organizations["id"], weighted=weighted)


def pair_adjacency(pairs: pd.DataFrame, ids: pd.Series, *, weighted: bool = True) -> Adjacency:
    """The symmetric CSR matrix of a :func:`pair_table` over the organisations ``ids``."""
    n = len(ids)
    a, b = pairs["a"].to_numpy(dtype=np.int64), pairs["b"].to_numpy(dtype=np.int64)
    values = pairs["weight"].to_numpy(dtype=float) if weighted else np.ones(len(a))
    matrix = sp.csr_matrix(
        (np.concatenate([values, values]), (np.concatenate([a, b]), np.concatenate([b, a]))),
        shape=(n, n),
    )
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return Adjacency(matrix=matrix, ids=ids.to_numpy(dtype=object))
