"""How the network hangs together: its size, each organisation's partners and component.

Each function asks the backend first (:meth:`collabnet.snapshot.Snapshot.native`), so a
database answers with a row per organisation and sends no link.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components

from collabnet.graph import PAIR_COLUMNS
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables, summary_of

__all__ = [
    "connections",
    "link_count",
    "linked_size",
    "pair_table",
    "partners_of",
    "summary",
]


def connections(snapshot: Snapshot | Tables) -> pd.DataFrame:
    """Per organisation, in the organisations' order: ``id``, ``partners`` (distinct
    partners) and ``component`` (a label shared by the organisations of one connected
    component; one without links is a component of its own).

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> found = connections(load_tables("data/sample"))
    >>> list(found.columns)
    ['id', 'partners', 'component']
    """
    snapshot = as_snapshot(snapshot)
    ids = snapshot.ids
    degrees, components = snapshot.native("degree"), snapshot.native("component")
    if degrees is not None and components is not None:
        partners = degrees.set_index("id")["degree"].reindex(ids).to_numpy(dtype=np.int64)
        labels = components.set_index("id")["component"].reindex(ids).to_numpy(dtype=np.int64)
    else:
        hops = snapshot.hops
        partners = np.diff(hops.indptr).astype(np.int64)
        labels = (
            connected_components(hops, directed=False)[1].astype(np.int64)
            if hops.shape[0]
            else np.zeros(0, dtype=np.int64)
        )
    return pd.DataFrame({"id": ids, "partners": partners, "component": labels})


def linked_size(snapshot: Snapshot | Tables) -> tuple[int, int]:
    """Linked pairs and links (records) at the snapshot's cut.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> tables = load_tables("data/sample")
    >>> linked_size(tables)[1] == len(tables.links)
    True
    """
    snapshot = as_snapshot(snapshot)
    degrees = snapshot.native("degree")
    pairs = int(degrees["degree"].sum()) // 2 if degrees is not None else len(snapshot.pairs)
    return pairs, link_count(snapshot)


def link_count(snapshot: Snapshot | Tables) -> int:
    """Links (records, not pairs) at the snapshot's cut."""
    snapshot = as_snapshot(snapshot)
    native = snapshot.native("link_years")
    return int(native["links"].sum()) if native is not None else len(snapshot.links)


def pair_table(snapshot: Snapshot | Tables) -> pd.DataFrame:
    """:func:`collabnet.graph.pair_table` at the snapshot's cut, the same columns in the
    same order: from the backend when it computes it (a database sends the pairs, not
    the link table).

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> tables = load_tables("data/sample")
    >>> int(pair_table(tables)["links"].sum()) == len(tables.links)
    True
    """
    snapshot = as_snapshot(snapshot)
    native = snapshot.native("pair_table")
    if native is None:
        return snapshot.pairs
    index = snapshot.index
    ends = np.stack(
        [
            index.reindex(native["id_a"]).to_numpy(dtype=np.int64),
            index.reindex(native["id_b"]).to_numpy(dtype=np.int64),
        ]
    )
    found = native.assign(a=ends.min(axis=0), b=ends.max(axis=0))
    swapped = ends[0] > ends[1]
    found.loc[swapped, ["id_a", "id_b"]] = found.loc[swapped, ["id_b", "id_a"]].to_numpy()
    return found[list(PAIR_COLUMNS)].reset_index(drop=True)


def partners_of(snapshot: Snapshot | Tables, ids: Sequence[str]) -> dict[str, list[str]]:
    """The partners' ids of each organisation of ``ids`` at the snapshot's cut.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> tables = load_tables("data/sample")
    >>> first = str(tables.links["source"].iloc[0])
    >>> str(tables.links["target"].iloc[0]) in partners_of(tables, [first])[first]
    True
    """
    snapshot = as_snapshot(snapshot)
    wanted = [str(i) for i in ids]
    native = snapshot.native("partners", ids=wanted)
    if native is not None:
        found = dict(zip(native["id"], native["partners"], strict=True))
        return {i: sorted(str(p) for p in found.get(i) or ()) for i in wanted}
    matrix, index = snapshot.hops, snapshot.index
    out = {}
    for i in wanted:
        row = int(index[i])
        partners = snapshot.ids[matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]]
        out[i] = sorted(str(p) for p in partners)
    return out


def summary(snapshot: Snapshot | Tables) -> dict[str, object]:
    """What ``collabnet info`` reports: :meth:`collabnet.tables.Tables.summary` at the
    snapshot's cut, and the linked pairs (with a note when link records are more), the
    connected components and the density. A database counts the links per kind and
    year, the participations without a year and the components; no link is read.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> found = summary(load_tables("data/sample"))
    >>> found["linked_pairs"] <= found["links"]
    True
    """
    snapshot = as_snapshot(snapshot)
    counted, facts = snapshot.native("link_years"), snapshot.native("dataset_facts")
    if counted is None or facts is None:
        found = snapshot.tables.summary()
    else:
        kinds = counted.groupby("kind").agg(links=("links", "sum"), first=("first", "min"))
        kinds = kinds.sort_values(["links", "first"], ascending=[False, True], kind="stable")
        years = counted.loc[counted["year"].notna() & (counted["links"] > 0), "year"]
        fact = facts.iloc[0]
        found = summary_of(
            snapshot.organizations,
            snapshot.industries,
            by_kind={str(k): int(n) for k, n in kinds["links"].items()},
            years=(int(years.min()), int(years.max())) if len(years) else None,
            as_of=snapshot.as_of,
            leading_from=list(zip(fact["leading_columns"], fact["leading_counts"], strict=True)),
            undated_participations=int(fact["undated_participations"]),
        )
    pairs, records = linked_size(snapshot)
    found["linked_pairs"] = pairs
    if pairs != records:
        found["links_note"] = (
            f"links counts {records:,} link records; a pair of organisations "
            f"linked by several projects or kinds is one of the {pairs:,} linked pairs"
        )
    nodes = len(snapshot.ids)
    found["components"] = int(connections(snapshot)["component"].nunique()) if nodes else 0
    found["density"] = round(2 * pairs / (nodes * (nodes - 1)), 6) if nodes > 1 else 0.0
    return found
