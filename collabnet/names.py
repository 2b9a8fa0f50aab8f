"""Organisation-name normalisation, to flag probable duplicates (never to merge them)."""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from collabnet.errors import NotFoundError

__all__ = ["find_organization", "normalise_name", "probable_duplicates"]

# Longest first, so 股份有限公司 is removed whole rather than leaving 股份.
_LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团",
    "公司",
)
_BRACKETED = re.compile(r"[(\[]\s*(集团|控股|股份)?\s*[)\]]")
_SPACE_AND_PUNCT = re.compile(r"[\s·・.,\-_'\"“”‘’]+")


def normalise_name(name: str) -> str:
    """A comparison key: half-width, no spaces, no legal-form suffix.

    Examples
    --------
    >>> normalise_name("浙江恒达阀门股份有限公司")
    '浙江恒达阀门'
    >>> normalise_name("温州（集团）机械 有限公司") == normalise_name("温州(集团)机械有限公司")
    True
    """
    text = unicodedata.normalize("NFKC", str(name)).lower()
    text = _BRACKETED.sub("", text)
    text = _SPACE_AND_PUNCT.sub("", text)
    changed = True
    while changed:
        changed = False
        for suffix in _LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
    return text


def probable_duplicates(organizations: pd.DataFrame) -> pd.DataFrame:
    """Groups of organisations whose names normalise to the same key.

    Returns one row per organisation in such a group, with columns ``key``, ``id``,
    ``name`` and ``type``, sorted by key; empty when there are none.
    """
    keyed = organizations[["id", "name", "type"]].copy()
    keyed.insert(0, "key", keyed["name"].map(normalise_name))
    repeated = keyed[keyed.duplicated("key", keep=False)]
    return repeated.sort_values(["key", "id"]).reset_index(drop=True)


def find_organization(organizations: pd.DataFrame, query: str) -> str:
    """The id of the organisation named by ``query``: an id, a name, or a normalised name.

    Raises :class:`~collabnet.errors.NotFoundError` with the closest names as suggestions
    when nothing (or more than one organisation) matches.

    Examples
    --------
    >>> import pandas as pd
    >>> orgs = pd.DataFrame(
    ...     {"id": ["E1"], "name": ["浙江恒达阀门股份有限公司"], "type": ["enterprise"]}
    ... )
    >>> find_organization(orgs, "浙江恒达阀门有限公司")
    'E1'
    """
    text = unicodedata.normalize("NFKC", str(query)).strip()
    ids = organizations["id"].astype(str)
    if (ids == text).any():
        return text
    for keys, probe in (
        (organizations["name"], text),
        (organizations["name"].map(normalise_name), normalise_name(text)),
    ):
        hits = ids[(keys == probe).to_numpy()]
        if len(hits) == 1:
            return str(hits.iat[0])
        if len(hits) > 1:
            raise NotFoundError(
                f"'{query}' names several organisations ({', '.join(hits)}); give an id"
            )
    names = organizations["name"].astype(str).tolist()
    close = difflib.get_close_matches(text, names, n=5, cutoff=0.4)
    partial = [n for n in names if text and text in n][:5]
    suggestions = list(dict.fromkeys(partial + close))[:5]
    raise NotFoundError(f"no organisation with id or name '{query}'", suggestions)
