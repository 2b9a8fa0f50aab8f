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
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.tables import Tables

__all__ = ["Adjacency", "adjacency", "build_graph", "graph_to_tables", "link_positions"]


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
    tables = tables.as_of(as_of)
    graph = nx.Graph(as_of=tables.as_of_year)
    organizations = tables.organizations
    attributes = organizations.drop(columns=["id"]).astype(object)
    attributes = attributes.where(attributes.notna(), None)
    graph.add_nodes_from(zip(organizations["id"], attributes.to_dict("records"), strict=True))

    links = tables.links
    if len(links) == 0:
        return graph
    ordered = _ordered_pairs(links)
    frame = links.assign(_a=ordered[0], _b=ordered[1])
    pairs = frame.groupby(["_a", "_b"], sort=False)
    aggregate = pd.DataFrame(
        {
            "year": pairs["year"].min(),
            "weight": pairs["weight"].sum(),
            "funding": pairs["funding"].sum(min_count=1),
            "links": pairs.size(),
            "kinds": _kinds_per_pair(frame),
        }
    )
    edge_records: dict[tuple[str, str], list[dict[Hashable, Any]]] = {}
    if records:
        plain = links.astype(object).where(links.notna(), None).to_dict("records")
        for (a, b), record in zip(zip(frame["_a"], frame["_b"], strict=True), plain, strict=True):
            edge_records.setdefault((a, b), []).append(record)
    columns = (
        aggregate["kinds"].to_numpy(),
        aggregate["year"].to_numpy(dtype="float64", na_value=np.nan),
        aggregate["weight"].to_numpy(dtype="float64"),
        aggregate["funding"].to_numpy(dtype="float64", na_value=np.nan),
        aggregate["links"].to_numpy(),
    )
    for (a, b), kinds, year, weight, funding, count in zip(aggregate.index, *columns, strict=True):
        data: dict[str, object] = {
            "kinds": kinds,
            "year": None if np.isnan(year) else int(year),
            "weight": float(weight),
            "funding": None if np.isnan(funding) else float(funding),
            "links": int(count),
        }
        if records:
            data["records"] = edge_records[(a, b)]
        graph.add_edge(a, b, **data)
    return graph


def _kinds_per_pair(frame: pd.DataFrame) -> pd.Series:
    """The sorted tuple of distinct link kinds per pair, without a Python call per pair.

    Each kind is a bit; summing the bits of a pair's distinct kinds gives a mask that
    names its set of kinds.
    """
    kinds = sorted(set(frame["kind"]))
    bit = {kind: 1 << i for i, kind in enumerate(kinds)}
    distinct = frame.drop_duplicates(["_a", "_b", "kind"])
    masks = distinct["kind"].map(bit).groupby([distinct["_a"], distinct["_b"]], sort=False).sum()
    names = {m: tuple(k for k in kinds if m & bit[k]) for m in set(masks)}
    return masks.map(names)


def _ordered_pairs(links: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    source = links["source"].to_numpy(dtype=object)
    target = links["target"].to_numpy(dtype=object)
    swap = source.astype(str) > target.astype(str)
    return np.where(swap, target, source), np.where(swap, source, target)


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
    n = len(tables.organizations)
    source, target = link_positions(tables)
    values = tables.links["weight"].to_numpy(dtype=float) if weighted else np.ones(len(source))
    low, high = np.minimum(source, target), np.maximum(source, target)
    upper = sp.csr_matrix((values, (low, high)), shape=(n, n))
    upper.sum_duplicates()
    if not weighted:
        upper.data[:] = 1.0
    matrix = (upper + upper.T).tocsr()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return Adjacency(matrix=matrix, ids=tables.organizations["id"].to_numpy(dtype=object))
