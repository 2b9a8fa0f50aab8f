"""What the recommender asks of the database (``cypher/recommend/``): path signals of
candidate pairs, per-organisation link activity, the linked and newly linked pairs of
the candidate types, and the evidence behind a recommended pair.

Every statement works on the network at a cut (``as_of``) and returns rows per source
or per pair, never the link table: the sources go in batches, and only each source's
best candidates come back.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from collabnet.backends.neo4j.connection import Connection
from collabnet.errors import BackendError

__all__ = [
    "DERIVED_PROCEDURE",
    "MEASURES",
    "PROCEDURE",
    "PROJECT_MEASURES",
    "has_procedure",
    "measure",
    "signal_batch",
]

# Sources per path-signal statement: each one's three-step reach is expanded in full.
# The server reads the partners of every organisation a statement reaches once per
# statement, which on a large network costs more than the sources' own walks: the sources
# go in about SIGNAL_BATCHES statements of SIGNAL_BATCH to SIGNAL_BATCH_MAX each (the
# client holds two statements' rows at a time). On L, one statement of 500 sources takes
# about 6.5 s on a warm server and one of 5,000 about 11 s: a feature space's path
# signals took 139-165 s in statements of up to 5,000, and more than 13 minutes in
# statements of 500.
SIGNAL_BATCH = 500
SIGNAL_BATCH_MAX = 5_000
SIGNAL_BATCHES = 16
# Path-signal statements in flight at once (each runs on one server thread).
SIGNAL_WORKERS = 2
# Pairs per evidence statement: like the sources' walks, larger statements read the
# partner lists fewer times; at an earlier cut of a network derived from participations,
# where each statement derives the partners again from the projects, ten times more.
EVIDENCE_BATCH = 5_000
DERIVED_EVIDENCE_BATCH = 50_000
# Candidates per source when the caller does not say.
DEFAULT_LIMIT = 200

MEASURES = (
    "pair_signals",
    "organization_activity",
    "linked_pairs",
    "dated_links",
    "pair_evidence",
    "link_titles",
)
# What the recommender asks besides on a network derived from participations: each
# organisation's project themes (from ``organization_projects`` and the projects table),
# which give the thematic overlap.
PROJECT_MEASURES = ("organization_themes",)


# collabnet's own procedure (scripts/neo4j/PathSignals.java), used when installed; a
# server still running an older build of it has not this name, and gets the Cypher.
PROCEDURE = "collabnet.pairSignalsPacked"
# Its twin at an earlier cut of a network derived from participations: without it, the
# recommender runs in memory on such a network.
DERIVED_PROCEDURE = "collabnet.pairSignalsDerived"


def has_procedure(connection: Connection, name: str = PROCEDURE) -> bool:
    """Whether the server has collabnet's procedure ``name`` (the path signals' by
    default)."""
    found = connection.read("server/collabnet_procedures", name=name)
    return bool(found and found[0]["installed"])


# The statements of each measure, for a stored cut and for an earlier cut of a network
# derived from participations.
_STATEMENTS = {
    "organization_activity": "recommend/organization_activity",
    "linked_pairs": "recommend/linked_pairs",
    "dated_links": "recommend/dated_links",
    "link_titles": "recommend/link_titles",
}
_DERIVED_STATEMENTS = {
    "organization_activity": "recommend/derived/organization_activity",
    "linked_pairs": "recommend/derived/linked_pairs",
    "dated_links": "recommend/derived/dated_links",
    "link_titles": "recommend/derived/link_titles",
}


def measure(
    connection: Connection,
    name: str,
    as_of: int | None,
    params: Mapping[str, object],
    *,
    procedure: bool = False,
    projects: bool = False,
    cut: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Statement ``recommend/<name>`` at ``as_of`` with ``params``, as a frame; path
    signals come from :data:`PROCEDURE` when ``procedure`` (the same rows).

    ``projects``: the network is derived from participations, so an organisation's
    activity is its projects (``recommend/project_activity``), not its links' weight.
    ``cut``: at an earlier cut of such a network, the parameters of the
    ``recommend/derived/`` statements (how many links came from files, and who is present
    and each one's type at the cut, by stored organisation row), which derive the links
    from the participations up to then; path signals and evidence then come from
    collabnet's procedures only."""
    derived = dict(cut or {})
    statements = _STATEMENTS if cut is None else _DERIVED_STATEMENTS
    if name == "pair_signals":
        return _pair_signals(
            connection,
            as_of,
            _texts(params, "sources"),
            params,
            packed=procedure or cut is not None,
            cut=cut,
        )
    if name == "organization_activity":
        year = params.get("year")
        if year is not None and not isinstance(year, int):
            raise BackendError(f"year must be an integer, got {year!r}")
        both = {"sources": _texts(params, "sources"), "targets": _texts(params, "targets")}
        frame = pd.DataFrame(
            connection.read_columns(
                statements["organization_activity"], as_of=as_of, year=year, **both, **derived
            )
        )
        if projects:
            counted = pd.DataFrame(connection.read_columns("recommend/project_activity", year=year))
            counted = counted.set_index("id").reindex(frame["id"])
            frame["activity"] = counted["activity"].to_numpy(dtype=float)
            frame["recent"] = counted["recent"].to_numpy(dtype=float)
        return frame.astype({"last_year": "float64"})
    if name == "linked_pairs":
        return pd.DataFrame(
            connection.read_columns(
                statements["linked_pairs"],
                **({"as_of": as_of} if cut is None else {"as_of": as_of, **derived}),
                sources=_texts(params, "sources"),
                targets=_texts(params, "targets"),
            ),
            columns=["source", "target"],
        )
    if name == "dated_links":
        return pd.DataFrame(
            connection.read_columns(
                statements["dated_links"],
                first=_integer(params, "first", None),
                last=_integer(params, "last", None),
                sources=_texts(params, "sources"),
                targets=_texts(params, "targets"),
                **({} if cut is None else {"as_of": as_of, **derived}),
            ),
            columns=["source", "target", "year"],
        )
    if name == "link_titles":
        extra = {} if cut is None else {k: v for k, v in derived.items() if k != "types"}
        return pd.DataFrame(
            connection.read_columns(statements["link_titles"], as_of=as_of, **extra),
            columns=["source", "target", "title"],
        )
    if name == "organization_projects":
        year = params.get("year")
        if year is not None and not isinstance(year, int):
            raise BackendError(f"year must be an integer, got {year!r}")
        return pd.DataFrame(
            connection.read_columns("recommend/organization_projects", year=year),
            columns=["id", "project"],
        )
    if name == "pair_evidence":
        if cut is not None:
            extra = {k: v for k, v in derived.items() if k != "types"}
            return _pair_evidence(
                connection, as_of, params, "recommend/derived/pair_evidence_procedure", extra
            )
        statement = "recommend/pair_evidence_procedure" if procedure else "recommend/pair_evidence"
        return _pair_evidence(connection, as_of, params, statement)
    raise BackendError(f"no recommender statement named '{name}'")


def _pair_signals(
    connection: Connection,
    as_of: int | None,
    sources: list[str],
    params: Mapping[str, object],
    *,
    packed: bool,
    cut: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per pair: ``row`` (position in ``sources``), ``col`` (position in the
    ``candidates`` ids) and the signals; the shared partners' degrees and weight
    products, one after another in the frame's order, are ``attrs["partner_degrees"]``
    and ``attrs["products"]`` (``common_partners`` of them per pair). Each batch is
    made compact as it arrives: a pair costs a few dozen bytes, not Python objects.
    With ``packed``, collabnet's procedure sends the numbers as packed arrays
    (``recommend/pair_signals_procedure``); else the Cypher statement sends lists of
    values (``recommend/pair_signals``). Both give the same frame."""
    candidates = _texts(params, "candidates")
    column = pd.Index(candidates)
    position = pd.Index(sources)
    parts: list[pd.DataFrame] = []
    degrees: list[np.ndarray] = []
    products: list[np.ndarray] = []
    statement = "recommend/pair_signals_procedure" if packed else "recommend/pair_signals"
    if cut is not None:
        statement = "recommend/derived/pair_signals_procedure"

    # A group of a larger run's sources goes in statements sized for the whole run. At
    # an earlier cut, each statement derives again the partners of every organisation
    # it reaches from their projects, which costs more than the walks: the largest
    # statements.
    size = signal_batch(max(_integer(params, "total_sources", len(sources)), len(sources)))
    if cut is not None:
        size = SIGNAL_BATCH_MAX

    def fetch(start: int) -> dict[str, Any]:
        found = connection.read_columns(
            statement,
            sources=sources[start : start + size],
            targets=_texts(params, "targets"),
            as_of=as_of,
            limit=_integer(params, "limit", DEFAULT_LIMIT),
            **({"candidates": candidates} if packed else {}),
            **(cut or {}),
        )
        return _unpacked(found) if packed else _listed(found, column)

    # SIGNAL_WORKERS batches at a time: the server computes them side by side while the
    # client waits; they are taken in order, as one by one.
    with ThreadPoolExecutor(SIGNAL_WORKERS) as pool:
        for batch in pool.map(fetch, range(0, len(sources), size)):
            if (batch["col"] < 0).any():
                raise BackendError("the database named a candidate that is not in the block")
            rows = np.repeat(position.get_indexer(pd.Index(batch["source"])), batch["count"])
            parts.append(
                pd.DataFrame(
                    {
                        "row": rows.astype(np.int32),
                        "col": batch["col"].astype(np.int32),
                        **{name: batch[name] for name in ("common_partners", "paths3", "walk3")},
                    }
                )
            )
            degrees.append(batch["partner_degrees"])
            products.append(batch["products"])
    frame = pd.concat(parts, ignore_index=True) if parts else _empty_signals()
    frame.attrs["partner_degrees"] = np.concatenate(degrees) if degrees else np.zeros(0)
    frame.attrs["products"] = np.concatenate(products) if products else np.zeros(0)
    return frame


def signal_batch(sources: int) -> int:
    """Sources per path-signal statement for ``sources`` in all."""
    return min(max(-(-sources // SIGNAL_BATCHES), SIGNAL_BATCH), SIGNAL_BATCH_MAX)


def _empty_signals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": np.zeros(0, np.int32),
            "col": np.zeros(0, np.int32),
            **{name: np.zeros(0) for name in ("common_partners", "paths3", "walk3")},
        }
    )


def _listed(found: Mapping[str, list[Any]], column: pd.Index) -> dict[str, Any]:
    """A batch of the Cypher statement's rows (a list per source and column) as arrays."""
    return {
        "source": found["source"],
        "count": np.array([len(listed) for listed in found["targets"]], dtype=np.int64),
        "col": column.get_indexer(pd.Index(_flat(found["targets"], object))),
        "common_partners": _flat(found["common_partners"], float),
        "paths3": _flat(found["paths3"], float),
        "walk3": _flat(found["walk3"], float),
        "partner_degrees": _flat([v for listed in found["partner_degrees"] for v in listed], float),
        "products": _flat([v for listed in found["products"] for v in listed], float),
    }


# The procedure's packed columns: little-endian int32 or float64, as arrays of floats
# like the Cypher statement's values (count and col stay integers).
_PACKED = {
    "counts": "<i4",
    "cols": "<i4",
    "common_partners": "<i4",
    "partner_degrees": "<i4",
    "products": "<f8",
    "paths3": "<f8",
    "walk3": "<f8",
}


def _unpacked(found: Mapping[str, list[Any]]) -> dict[str, Any]:
    """The procedure's one row of a batch (see ``recommend/pair_signals_procedure``)."""
    if len(found["sources"]) != 1:
        raise BackendError(f"the path-signal procedure gave {len(found['sources'])} rows, not 1")
    arrays = {
        name: np.frombuffer(bytes(found[name][0]), dtype=dtype) for name, dtype in _PACKED.items()
    }
    return {
        "source": found["sources"][0],
        "count": arrays["counts"].astype(np.int64),
        "col": arrays["cols"].astype(np.int64),
        **{
            name: arrays[name].astype(float)
            for name in ("common_partners", "paths3", "walk3", "partner_degrees", "products")
        },
    }


def _flat(lists: list[list[Any]], dtype: type) -> np.ndarray:
    values = [value for listed in lists for value in listed]
    return np.asarray(values, dtype=dtype) if values else np.zeros(0, dtype=dtype)


def _pair_evidence(
    connection: Connection,
    as_of: int | None,
    params: Mapping[str, object],
    statement: str,
    extra: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    pairs = params.get("pairs")
    if not isinstance(pairs, list | tuple):
        raise BackendError(f"pairs must be a list of [source, target] ids, got {pairs!r}")
    examples = bool(params.get("examples", False))
    listed = [[str(s), str(t)] for s, t in pairs]
    shared: list[Any] = []
    found: list[Any] = []
    batch = EVIDENCE_BATCH if extra is None else DERIVED_EVIDENCE_BATCH

    def fetch(start: int) -> tuple[int, dict[str, list[Any]]]:
        part = listed[start : start + batch]
        return len(part), connection.read_columns(
            statement, pairs=part, as_of=as_of, examples=examples, **(extra or {})
        )

    # Like the path signals: SIGNAL_WORKERS batches at a time, taken in order.
    with ThreadPoolExecutor(SIGNAL_WORKERS) as pool:
        for asked, rows in pool.map(fetch, range(0, len(listed), batch)):
            order = np.argsort(np.asarray(rows["position"], dtype=np.int64), kind="stable")
            if len(order) != asked:
                raise BackendError(
                    f"the database explained {len(order)} of {asked} pairs: "
                    "an organisation of a pair is missing"
                )
            shared.extend(rows["shared"][i] for i in order)
            found.extend(rows["example"][i] for i in order)
    return pd.DataFrame({"shared": shared, "example": found})


def _texts(params: Mapping[str, object], name: str) -> list[str]:
    value = params.get(name)
    if not isinstance(value, list | tuple):
        raise BackendError(f"{name} must be a list, got {value!r}")
    return [str(v) for v in value]


def _integer(params: Mapping[str, object], name: str, default: int | None) -> Any:
    value = params.get(name, default)
    if value is None and default is None and name in params:
        raise BackendError(f"{name} must be an integer, got None")
    if not isinstance(value, int) or isinstance(value, bool):
        raise BackendError(f"{name} must be an integer, got {value!r}")
    return value
