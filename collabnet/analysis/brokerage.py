"""Brokers: organisations that join partners who are not linked to each other.

Two families of measures:

- Burt's structural holes: ``constraint`` (low = many non-redundant partners) and
  ``effective_size`` (partners minus their redundancy), weighted by link weight as
  ``nx.constraint(G, weight="weight")`` and ``nx.effective_size(G, weight="weight")``.
  Both are NaN for an organisation without partners, as in networkx.
- Gould–Fernandez brokerage roles, with a partition of the organisations (by default
  their ``type``). For each broker B every open triad A–B–C (A and C both partners of B,
  not linked to each other) counts once, by the groups of A, B and C:

  ==============================  ==================================================
  role                            groups
  ==============================  ==================================================
  ``coordinator``                 A, B, C all in one group
  ``consultant`` (itinerant)      A and C in one group, B in another
  ``gatekeeper_representative``   B shares its group with exactly one of A, C
  ``liaison``                     A, B, C in three different groups
  ==============================  ==================================================

  Gould and Fernandez defined the roles on directed ties, where a gatekeeper receives
  from outside its group and a representative sends outside it. Collaboration links
  have no direction, so the two are the same configuration here and are reported
  together as ``gatekeeper_representative``.

A backend that measures ego networks itself (Neo4j: ``cypher/analysis/ego_brokerage``)
does so one batch of egos at a time, and sends back per organisation only its partners
per group, its linked partner pairs per pair of groups and its two Burt measures; for
``top``, the leaders come from its triangle counts (GDS). In memory, counting works on
the sparse adjacency: a broker's neighbour pairs by group come from its neighbour counts
per group; the pairs that are linked (closed triads) come from common-neighbour counts
restricted to existing links, a sparse product done in row chunks to bound memory.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.errors import InputError
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = ["ROLES", "brokerage", "gould_fernandez", "platform_brokers", "structural_holes"]

ROLES = ("coordinator", "consultant", "gatekeeper_representative", "liaison")
_CHUNK = 2_048


def structural_holes(
    matrix: sp.csr_matrix, nodes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Burt's ``(constraint, effective_size)`` of every node of a symmetric weighted
    adjacency matrix (or of ``nodes`` only, in their order), as networkx computes them
    with ``weight`` set.

    With ``p[i, j] = w[i, j] / Σ_k w[i, k]`` and ``m[i, j] = w[i, j] / max_k w[i, k]``:
    ``constraint(i) = Σ_{j ∈ N(i)} (p[i, j] + Σ_q p[i, q] p[q, j])²`` and
    ``effective_size(i) = Σ_{j ∈ N(i)} (1 - Σ_q p[i, q] m[j, q])``.
    """
    n = matrix.shape[0]
    chosen = np.arange(n) if nodes is None else np.asarray(nodes, dtype=np.int64)
    if n == 0 or len(chosen) == 0:
        return np.zeros(len(chosen)), np.zeros(len(chosen))
    weights = sp.csr_matrix(matrix, dtype=float)
    strength = np.asarray(weights.sum(axis=1)).ravel()
    largest = np.asarray(weights.max(axis=1).toarray()).ravel()
    isolated = np.diff(weights.indptr) == 0
    share = sp.diags(np.divide(1.0, strength, out=np.zeros(n), where=~isolated)) @ weights
    relative = sp.diags(np.divide(1.0, largest, out=np.zeros(n), where=~isolated)) @ weights
    share, relative = share.tocsr(), relative.tocsr()
    pattern = weights.copy()
    pattern.data = np.ones_like(pattern.data)
    constraint = np.zeros(len(chosen))
    redundancy = np.zeros(len(chosen))
    relative_t = relative.T.tocsr()
    for start in range(0, len(chosen), _CHUNK):
        part = slice(start, min(start + _CHUNK, len(chosen)))
        rows = chosen[part]
        mask = pattern[rows]
        local = share[rows] + (share[rows] @ share).multiply(mask)
        constraint[part] = np.asarray(sp.csr_matrix(local).power(2).sum(axis=1)).ravel()
        overlap = (share[rows] @ relative_t).multiply(mask)
        redundancy[part] = np.asarray(overlap.sum(axis=1)).ravel()
    effective = np.diff(pattern.indptr)[chosen] - redundancy
    constraint[isolated[chosen]] = np.nan
    effective[isolated[chosen]] = np.nan
    return constraint, effective


def brokerage(
    snapshot: Snapshot | Tables, *, partition: str = "type", top: int | None = None
) -> pd.DataFrame:
    """Structural holes and Gould–Fernandez brokerage roles of every organisation.

    Parameters
    ----------
    snapshot
        The network at one cut, or validated tables taken as their own snapshot.
    partition
        The organisations column that defines the groups (default ``type``; ``county``
        works too). Missing values form one group of their own.
    top
        Only the ``top`` first rows (the same rows as without it). Every organisation's
        open triads come from its degree and triangle count; the roles and structural
        holes, which cost a sparse product each, are computed for the leaders only.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``type``, ``group`` (the partition value), ``degree``,
        ``constraint``, ``effective_size``, one column per role of :data:`ROLES` (open
        triads brokered) and ``brokerage`` (their total), sorted by ``brokerage``
        (highest first), then ``constraint`` (lowest first).

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> brokers = brokerage(load_tables("data/sample"))
    >>> brokers.loc[0, "type"]
    'platform'
    """
    snapshot = as_snapshot(snapshot)
    orgs = snapshot.organizations
    if partition not in orgs.columns:
        raise InputError(
            f"unknown partition column '{partition}' (organisation columns: "
            f"{', '.join(map(str, orgs.columns))})"
        )
    if top is not None and top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    values = orgs[partition].astype(object).where(orgs[partition].notna(), None)
    labels, groups = pd.factorize(values.map(_group_name))
    labels = labels.astype(np.int64)
    in_database = _in_database(snapshot, values, labels, groups, top)
    if in_database is not None:
        degree, nodes, roles, constraint, effective = in_database
    else:
        hops = snapshot.hops
        degree = np.diff(hops.indptr).astype(np.int64)
        nodes = np.arange(len(orgs)) if top is None else _leaders(_open_triads(hops, degree), top)
        roles = gould_fernandez(hops, labels, len(groups), nodes)
        constraint, effective = structural_holes(snapshot.adjacency.matrix, nodes)
    frame = pd.DataFrame(
        {
            "id": orgs["id"].to_numpy()[nodes],
            "name": orgs["name"].to_numpy()[nodes],
            "type": orgs["type"].to_numpy()[nodes],
            "group": values.to_numpy()[nodes],
            "degree": degree[nodes],
            "constraint": constraint,
            "effective_size": effective,
        }
    )
    for role in ROLES:
        frame[role] = roles[role]
    frame["brokerage"] = frame[list(ROLES)].sum(axis=1)
    # Constraint is rounded for the order only, so that sums taken in another order (in
    # a database) cannot swap two organisations whose constraint is the same.
    order = np.lexsort(
        (frame["id"].to_numpy(), np.round(frame["constraint"].to_numpy(), 12), -frame["brokerage"])
    )
    frame = frame.iloc[order]
    if top is not None:
        frame = frame.head(top)
    frame.attrs["partition"] = partition
    return frame.reset_index(drop=True)


def _group_name(value: object) -> str:
    return "" if value is None else str(value)


Measured = tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray]


def _in_database(
    snapshot: Snapshot, values: pd.Series, labels: np.ndarray, groups: pd.Index, top: int | None
) -> Measured | None:
    """``(degree, nodes, roles, constraint, effective_size)`` computed by the backend,
    ego by ego, or ``None`` when it does not compute them (or the groups are not plain
    values that a database property holds as they are).

    The leaders for ``top`` come from each organisation's triangles when the backend
    counts them; otherwise every organisation's ego network is measured."""
    if not values.map(lambda v: v is None or isinstance(v, str)).all():
        return None
    degrees = snapshot.native("degree")
    if degrees is None:
        return None
    ids = snapshot.ids
    degree = degrees.set_index("id")["degree"].reindex(ids).fillna(0).to_numpy(dtype=np.int64)
    nodes = np.arange(len(ids))
    if top is not None:
        counted = snapshot.native("triangles")
        if counted is not None:
            triangles = counted.set_index("id")["triangles"].reindex(ids).fillna(0)
            open_triads = degree * (degree - 1) // 2 - triangles.to_numpy(dtype=np.int64)
            nodes = _leaders(open_triads, top)
    egos = snapshot.native("ego_brokerage", ids=list(ids[nodes]), partition=values.name)
    if egos is None:
        return None
    egos = egos.set_index("id").reindex(ids[nodes])
    position = {name: label for label, name in enumerate(groups)}
    per_group, linked = _ego_counts(egos, lambda value: position[_group_name(value)], len(groups))
    roles = _roles(per_group, linked, labels[nodes])
    isolated = degree[nodes] == 0
    constraint = np.where(isolated, np.nan, egos["constraint"].to_numpy(dtype=float))
    effective = np.where(isolated, np.nan, egos["effective_size"].to_numpy(dtype=float))
    return degree, nodes, roles, constraint, effective


def _ego_counts(
    egos: pd.DataFrame, label: Callable[[object], int], groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """``per_group[b, g]`` and ``linked[b, g, h]`` (as :func:`_roles` takes them) from a
    backend's ego rows, whose groups are property values that ``label`` numbers."""
    per_group = np.zeros((len(egos), groups), dtype=np.int64)
    linked = np.zeros((len(egos), groups, groups), dtype=np.int64)
    for row, (found, pairs) in enumerate(zip(egos["groups"], egos["linked"], strict=True)):
        for entry in found:
            per_group[row, label(entry["group"])] += entry["members"]
        for entry in pairs:
            linked[row, label(entry["first"]), label(entry["second"])] += entry["pairs"]
    return per_group, linked


def _open_triads(hops: sp.csr_matrix, degree: np.ndarray) -> np.ndarray:
    """Per node, the pairs of its partners that are not linked to each other."""
    return degree * (degree - 1) // 2 - _triangles(hops)


def _leaders(open_triads: np.ndarray, top: int) -> np.ndarray:
    """The nodes whose open triads (partner pairs not linked to each other) reach the
    ``top``-th largest count, ties included, so that the tie-break stays exact."""
    if top >= len(open_triads):
        return np.arange(len(open_triads))
    floor = np.partition(open_triads, len(open_triads) - top)[len(open_triads) - top]
    return np.flatnonzero(open_triads >= floor)


def _triangles(hops: sp.csr_matrix) -> np.ndarray:
    """Triangles through each node of a binary symmetric adjacency.

    Links are oriented from the lower- to the higher-degree end, so that no node has
    more than about √(2·links) out-neighbours and the products stay small even around
    hubs with thousands of partners. A triangle u → v → w (u → w) is counted once: for
    its lowest node by ``(L @ L) ∘ L``, for its middle and highest nodes by the rows and
    columns of ``(Lᵀ @ L) ∘ L``.
    """
    n = hops.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    degree = np.diff(hops.indptr)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    upper = sp.triu(hops, format="coo")
    a, b = upper.row, upper.col
    forward = rank[a] < rank[b]
    rows = np.where(forward, a, b)
    cols = np.where(forward, b, a)
    oriented = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    backward = oriented.T.tocsr()
    out = np.zeros(n, dtype=np.float64)
    for start in range(0, n, _CHUNK):
        part = slice(start, min(start + _CHUNK, n))
        lowest = (oriented[part] @ oriented).multiply(oriented[part])
        out[part] += np.asarray(lowest.sum(axis=1)).ravel()
        upper_edge = sp.csr_matrix((backward[part] @ oriented).multiply(oriented[part]))
        out[part] += np.asarray(upper_edge.sum(axis=1)).ravel()
        out += np.asarray(upper_edge.sum(axis=0)).ravel()
    return np.rint(out).astype(np.int64)


def gould_fernandez(
    hops: sp.csr_matrix, labels: np.ndarray, groups: int, nodes: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Open triads brokered by each node (or by ``nodes`` only, in their order), per role,
    for group ``labels`` (0..groups-1)."""
    n = hops.shape[0]
    brokers = np.arange(n) if nodes is None else np.asarray(nodes, dtype=np.int64)
    if n == 0 or len(brokers) == 0:
        return {role: np.zeros(len(brokers), dtype=np.int64) for role in ROLES}
    onehot = sp.csr_matrix((np.ones(n), (np.arange(n), labels)), shape=(n, groups))
    per_group = np.rint((hops[brokers] @ onehot).toarray()).astype(np.int64)
    linked = _linked_neighbour_pairs(hops, brokers, labels, groups)
    return _roles(per_group, linked, labels[brokers])


def _roles(
    per_group: np.ndarray, linked: np.ndarray, own_labels: np.ndarray
) -> dict[str, np.ndarray]:
    """Open triads per role, from each broker's partners per group (``per_group[b, g]``),
    its linked partner pairs per pair of groups (``linked[b, g, h]``, see
    :func:`_linked_neighbour_pairs`) and its own group."""
    mine = np.arange(len(own_labels))
    own = per_group[mine, own_labels]
    degree = per_group.sum(axis=1)
    others = degree - own
    other_groups = per_group.copy()
    other_groups[mine, own_labels] = 0
    possible = {
        "coordinator": own * (own - 1) // 2,
        "consultant": (other_groups * (other_groups - 1) // 2).sum(axis=1),
        "gatekeeper_representative": own * others,
        "liaison": (others**2 - (other_groups**2).sum(axis=1)) // 2,
    }
    same = linked[mine, own_labels, own_labels]
    diagonal = np.einsum("igg->ig", linked)
    outside_diagonal = diagonal.sum(axis=1) - same
    mixed_with_own = linked[mine, own_labels, :].sum(axis=1) - same
    outside_total = linked.sum(axis=(1, 2)) - 2 * mixed_with_own - same
    closed = {
        "coordinator": same // 2,
        "consultant": outside_diagonal // 2,
        "gatekeeper_representative": mixed_with_own,
        "liaison": (outside_total - outside_diagonal) // 2,
    }
    return {role: possible[role] - closed[role] for role in ROLES}


def _linked_neighbour_pairs(
    hops: sp.csr_matrix, brokers: np.ndarray, labels: np.ndarray, groups: int
) -> np.ndarray:
    """``out[b, g, h]``: ordered pairs (A, C) of linked partners of ``brokers[b]`` with A in
    group g and C in group h (each unordered pair appears once as (A, C), once as (C, A))."""
    n = hops.shape[0]
    onehot = sp.csr_matrix((np.ones(n), (np.arange(n), labels)), shape=(n, groups))
    out = np.zeros((len(brokers), groups, groups), dtype=np.int64)
    members = [np.flatnonzero(labels == h) for h in range(groups)]
    for start in range(0, len(brokers), _CHUNK):
        chunk = brokers[start : start + _CHUNK]
        partners = hops[chunk]
        for h, in_group in enumerate(members):
            if len(in_group) == 0:
                continue
            # common[b, a]: partners of b in group h that are also partners of a.
            common = (partners[:, in_group] @ hops[in_group, :]).multiply(partners)
            out[start : start + len(chunk), :, h] = np.rint(
                (sp.csr_matrix(common) @ onehot).toarray()
            ).astype(np.int64)
    return out


# The sides a platform brokers between: enterprises (0), universities and research
# institutes (1); everyone else is 2.
_PLATFORM_SIDES = {"enterprise": 0, "university": 1, "institute": 1}


def platform_brokers(snapshot: Snapshot | Tables) -> pd.DataFrame:
    """Which platforms broker between enterprises and universities.

    For each platform: ``enterprises`` and ``universities`` (universities and research
    institutes) among its partners, ``linked_pairs`` of those that already work together,
    and ``open_triads`` = enterprises × universities − linked pairs, the
    enterprise–platform–university triads the platform alone holds together. Sorted by
    ``open_triads``.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> platform_brokers(load_tables("data/sample")).columns[:3].tolist()
    ['id', 'name', 'enterprises']
    """
    snapshot = as_snapshot(snapshot)
    orgs = snapshot.organizations
    org_type = orgs["type"].to_numpy(dtype=object)
    platforms = np.flatnonzero(org_type == "platform")
    egos = snapshot.native("ego_brokerage", ids=list(snapshot.ids[platforms]), partition="type")
    if egos is not None:
        per_group, pairs = _ego_counts(
            egos.set_index("id").reindex(snapshot.ids[platforms]),
            lambda kind: _PLATFORM_SIDES.get(str(kind), 2),
            3,
        )
    else:
        labels = np.array([_PLATFORM_SIDES.get(kind, 2) for kind in org_type], dtype=np.int64)
        hops = snapshot.hops
        onehot = sp.csr_matrix(
            (np.ones(len(labels)), (np.arange(len(labels)), labels)), shape=(len(labels), 3)
        )
        per_group = np.rint((hops[platforms] @ onehot).toarray()).astype(np.int64)
        pairs = _linked_neighbour_pairs(hops, platforms, labels, 3)
    linked = pairs[:, 0, 1]
    frame = pd.DataFrame(
        {
            "id": orgs["id"].to_numpy()[platforms],
            "name": orgs["name"].to_numpy()[platforms],
            "enterprises": per_group[:, 0],
            "universities": per_group[:, 1],
            "linked_pairs": linked,
            "open_triads": per_group[:, 0] * per_group[:, 1] - linked,
        }
    )
    frame = frame.sort_values(["open_triads", "id"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)
