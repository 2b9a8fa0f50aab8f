"""Probable duplicates as a file the user reviews, and the merges they confirm.

collabnet never merges two organisations by itself: ``collabnet duplicates DATA --write
aliases.csv`` lists the probable pairs with an empty ``merge`` column, the user answers
是/否 (yes/no) per pair, and ``--aliases aliases.csv`` applies the confirmed ones at load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from collabnet.checks import _Checked, _Checker, _empty
from collabnet.lookup import OrganisationIndex
from collabnet.names import normalise_name
from collabnet.readers import RawTable
from collabnet.schema import BOOL_ALIASES, is_missing, normalise_value

__all__ = ["ALIAS_COLUMNS", "Merge", "confirmed_merges", "duplicate_pairs", "write_aliases"]

ALIAS_COLUMNS = ("id_1", "name_1", "id_2", "name_2", "merge", "keep")


@dataclass(frozen=True)
class Merge:
    """One confirmed merge: ``dropped`` becomes ``kept`` (both organisation ids)."""

    dropped: str
    kept: str
    dropped_name: str
    kept_name: str


def duplicate_pairs(organizations: pd.DataFrame) -> pd.DataFrame:
    """Probable duplicates as pairs to review, one row per pair.

    In each group of names equal up to width, spaces and legal-form suffix, every other
    organisation is paired with the one holding the longest (fullest) name, which is
    listed first; ``merge`` and ``keep`` are left empty for the user.

    Examples
    --------
    >>> import pandas as pd
    >>> orgs = pd.DataFrame({"id": ["E1", "E2"], "name": ["正泰电器", "正泰电器股份有限公司"]})
    >>> duplicate_pairs(orgs)[["id_1", "id_2"]].values.tolist()
    [['E2', 'E1']]
    """
    keyed = organizations[["id", "name"]].astype(str).copy()
    keyed["key"] = keyed["name"].map(normalise_name)
    keyed["length"] = keyed["name"].str.len()
    rows = []
    for _key, group in keyed[keyed.duplicated("key", keep=False)].groupby("key", sort=True):
        ordered = group.sort_values(["length", "id"], ascending=[False, True])
        full = ordered.iloc[0]
        for other in ordered.iloc[1:].itertuples():
            rows.append(
                {
                    "id_1": full["id"],
                    "name_1": full["name"],
                    "id_2": other.id,
                    "name_2": other.name,
                    "merge": "",
                    "keep": "",
                }
            )
    return pd.DataFrame(rows, columns=list(ALIAS_COLUMNS))


def write_aliases(organizations: pd.DataFrame, path: str | Path) -> int:
    """Write the probable pairs to ``path`` (CSV for Excel); returns how many pairs."""
    pairs = duplicate_pairs(organizations)
    pairs.to_csv(path, index=False, encoding="utf-8-sig")
    return len(pairs)


def confirmed_merges(raw: RawTable, organizations: pd.DataFrame) -> tuple[list[Merge], _Checked]:
    """The merges a reviewed aliases file confirms, and the check of that file.

    A pair is merged when its ``merge`` cell says yes (是, yes, y, true, 1); the
    organisation kept is the one ``keep`` names (by id or name), else the one with the
    longer (full) name. Merges chain: when B merges into A and C into B, C ends in A.
    """
    check = _Checker(raw, "aliases")
    check.require_columns()
    index = OrganisationIndex(organizations)
    names = dict(
        zip(organizations["id"].astype(str), organizations["name"].astype(str), strict=True)
    )
    answer = check.optional("merge").map(normalise_value)
    unknown_answer = (answer != "") & ~answer.isin(BOOL_ALIASES)
    check.flag(unknown_answer, "merge", lambda _p, v: f"merge '{v}' is not yes/no (是/否)")
    wanted = answer.map(lambda a: BOOL_ALIASES.get(a) is True)
    ends = {}
    for number in ("1", "2"):
        given = check.text(f"id_{number}").where(
            ~check.text(f"id_{number}").map(is_missing), check.text(f"name_{number}")
        )
        found = given.map(index.find)
        ends[number] = found.map(lambda f: f if isinstance(f, str) else None)
        check.flag(
            wanted & given.map(is_missing),
            f"id_{number}",
            lambda _p, v: _empty("organisation", v),
        )

        def unknown(pos: int, _value: str, given: pd.Series = given) -> str:
            return f"unknown organisation '{given.iat[pos]}'"

        check.flag(wanted & ~given.map(is_missing) & ends[number].isna(), f"id_{number}", unknown)
    keep_text = check.optional("keep")
    keep = keep_text.map(index.find).map(lambda f: f if isinstance(f, str) else None)
    stray = wanted & (keep_text != "") & (keep.isna() | ((keep != ends["1"]) & (keep != ends["2"])))
    check.flag(
        stray,
        "keep",
        lambda p, v: f"keep '{v}' is neither organisation of the pair",
    )
    checked = check.finish(pd.DataFrame({"merge": wanted}))
    kept_into: dict[str, str] = {}
    for pos in range(len(raw.frame)):
        if check.bad[pos] or not wanted.iat[pos]:
            continue
        first, second = str(ends["1"].iat[pos]), str(ends["2"].iat[pos])
        marked = keep.iat[pos]
        if isinstance(marked, str):
            kept = marked
        else:
            kept = first if len(names[first]) >= len(names[second]) else second
        dropped = second if kept == first else first
        if dropped != kept:
            kept_into[dropped] = kept

    def final(ident: str) -> str:
        seen = {ident}
        while ident in kept_into and kept_into[ident] not in seen:
            ident = kept_into[ident]
            seen.add(ident)
        return ident

    merges = [
        Merge(dropped, final(dropped), names[dropped], names[final(dropped)])
        for dropped in kept_into
        if final(dropped) != dropped
    ]
    return merges, checked
