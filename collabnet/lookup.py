"""Finding things by what the user wrote: organisations by id, name or short name, and
counties by their full or short name. Matching compares normalised keys; the stored text
stays as written."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from collabnet.names import normalise_name
from collabnet.schema import is_missing, normalise_value

__all__ = ["County", "OrganisationIndex", "county_lookup", "match_key"]


def match_key(text: object) -> str:
    """The key ids and names are matched by: NFKC, trimmed (the stored text is not)."""
    return unicodedata.normalize("NFKC", str(text)).strip()


@dataclass(frozen=True)
class County:
    """The county table as look-up: every spelling's key to the county's full name."""

    names: tuple[str, ...]
    spellings: dict[str, str]
    given: bool


def county_lookup(counties: pd.DataFrame, *, given: bool) -> County:
    """Look-up for a county table (``name``, ``aliases``); ``given`` when the user's own."""
    spellings: dict[str, str] = {}
    for name, aliases in zip(counties["name"], counties["aliases"], strict=True):
        for spelling in (name, *aliases):
            spellings.setdefault(normalise_value(spelling), str(name))
    return County(tuple(str(n) for n in counties["name"]), spellings, given)


class OrganisationIndex:
    """Finds an organisation by id, name, short name (简称) or normalised name.

    Each spelling is tried exactly first, then by its NFKC key, then by
    :func:`~collabnet.names.normalise_name` (width, spaces, legal-form suffix). ``merged``
    maps the ids and names of organisations merged into others to the id kept.
    """

    def __init__(self, organizations: pd.DataFrame, merged: dict[str, str] | None = None) -> None:
        ids = organizations["id"].astype(str).tolist()
        names = organizations["name"].astype(str).tolist()
        self._names = dict(zip(ids, names, strict=True))
        self._ids = set(ids)
        self._merged = {match_key(k): v for k, v in (merged or {}).items()}
        short = (
            organizations["short_name"].astype(object).tolist()
            if "short_name" in organizations.columns
            else [None] * len(ids)
        )
        self._levels: list[tuple[Callable[[str], str], dict[str, list[str]]]] = []
        for key_of, columns in (
            (lambda t: t, (ids, names)),
            (match_key, (ids, names)),
            (normalise_value, (names, short)),
            (normalise_name, (names, short)),
        ):
            table: dict[str, list[str]] = {}
            for column in columns:
                for ident, spelling in zip(ids, column, strict=True):
                    if isinstance(spelling, str) and spelling.strip():
                        hits = table.setdefault(key_of(spelling), [])
                        if ident not in hits:
                            hits.append(ident)
            self._levels.append((key_of, table))

    def find(self, text: str) -> str | tuple[str, ...] | None:
        """The id named by ``text``, the names it could mean when several, else ``None``."""
        found = self._present(text)
        return self._merged.get(match_key(text)) if found is None else found

    def merged_away(self, text: str) -> bool:
        """Whether ``text`` names an organisation merged into another."""
        return self._present(text) is None and match_key(text) in self._merged

    def _present(self, text: str) -> str | tuple[str, ...] | None:
        if not text or is_missing(text):
            return None
        if text in self._ids:
            return text
        for key_of, table in self._levels:
            hits = table.get(key_of(text), [])
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                return tuple(self._names[h] for h in hits)
        return None
