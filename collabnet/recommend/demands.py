"""揭榜挂帅: match published technology needs of enterprises to the platforms able to solve them.

A need's title and description (plus its industry's name) are compared with each
platform's capabilities and industries by character n-gram TF-IDF cosine similarity —
no word segmentation, so 密封 matches 机械密封 and 密封件. The network signals of the
demanding enterprise and the platform (shared partners, paths, industry, county, ...)
are added with a smaller weight: among platforms that can do the work, those the
enterprise can reach through its partners come first.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from collabnet.errors import NotFoundError, Problem, ValidationError
from collabnet.names import find_organization
from collabnet.readers import read_table
from collabnet.recommend.explain import explain_pairs, keywords
from collabnet.recommend.features import Candidates, Settings
from collabnet.recommend.rank import Scorer
from collabnet.recommend.signals import char_ngram_tfidf
from collabnet.recommend.space import build_space
from collabnet.recommend.weights import Weights, resolve_weights
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables, resolve_industry

__all__ = ["match_demands", "read_demands"]

TEXT_WEIGHT = 0.7
_YEAR_RANGE = (1900, 2100)


def read_demands(
    path: str | Path,
    tables: Tables | Snapshot,
    *,
    sheet: str | int | None = None,
    strict: bool = True,
) -> pd.DataFrame:
    """Read and check a 揭榜挂帅 demands file (CSV, Excel or Parquet).

    Columns: ``id``, ``enterprise`` (id or name of an organisation in ``tables``, the
    network's tables or a snapshot of it),
    ``title``, ``description``, ``industry`` (code or name), ``year``; Chinese headers
    such as 需求编号, 发榜企业, 需求名称, 需求描述 are understood. Only ``enterprise`` and
    ``title`` are required.

    Raises
    ------
    ValidationError
        Listing every problem with its file, row and column (an unknown enterprise comes
        with the closest names). With ``strict=False`` bad rows are dropped instead.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> demands = read_demands("data/sample/demands.csv", load_tables("data/sample"))
    >>> list(demands.columns)
    ['id', 'enterprise', 'enterprise_name', 'title', 'description', 'industry', 'year']
    """
    raw = read_table(path, "demands", sheet=sheet)
    frame = raw.frame
    problems: list[Problem] = []
    bad = np.zeros(len(frame), dtype=bool)

    def text(column: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series([""] * len(frame), dtype=object)
        return frame[column].astype(object).fillna("").astype(str).str.strip()

    row_numbers = raw.rows.to_numpy(dtype=np.int64)

    def flag(position: int, column: str, message: str) -> None:
        problems.append(
            Problem(raw.file, int(row_numbers[position]), raw.columns.get(column, column), message)
        )
        bad[position] = True

    missing = [c for c in ("enterprise", "title") if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(raw.file, raw.header_row, None, f"missing required column '{c}'")
                for c in missing
            ]
        )
    ids = text("id")
    if "id" not in frame.columns:
        ids = pd.Series([f"row {r}" for r in raw.rows], dtype=object)
    seen: dict[str, int] = {}
    for position, value in enumerate(ids):
        if not value:
            flag(position, "id", "empty demand id")
        elif value in seen:
            flag(position, "id", f"duplicate demand id '{value}' (first on row {seen[value]})")
        else:
            seen[value] = int(row_numbers[position])

    organizations = tables.organizations
    kinds = organizations.set_index("id")["type"]
    enterprise_ids: list[str | None] = []
    for position, value in enumerate(text("enterprise")):
        found = None
        if not value:
            flag(position, "enterprise", "empty enterprise")
        else:
            try:
                found = find_organization(organizations, value)
            except NotFoundError as err:
                flag(position, "enterprise", f"unknown enterprise: {err}")
            else:
                if kinds[found] != "enterprise":
                    flag(
                        position,
                        "enterprise",
                        f"'{value}' ({found}) is a {kinds[found]}, not an enterprise",
                    )
                    found = None
        enterprise_ids.append(found)

    titles = text("title")
    for empty in np.flatnonzero((titles == "").to_numpy()):
        flag(int(empty), "title", "empty title")

    industries: list[str | None] = []
    for position, value in enumerate(text("industry")):
        code = None
        if value:
            try:
                code = resolve_industry(tables.industries, value)
            except NotFoundError as err:
                flag(position, "industry", str(err))
        industries.append(code)

    years = text("year").str.replace(r"\s*年$", "", regex=True)
    numbers = pd.to_numeric(years.where(years != ""), errors="coerce")
    for position, (given, number) in enumerate(zip(years, numbers, strict=True)):
        if given and (
            pd.isna(number) or number % 1 or not _YEAR_RANGE[0] <= number <= _YEAR_RANGE[1]
        ):
            flag(
                position,
                "year",
                f"year '{given}' is not a year between {_YEAR_RANGE[0]} and {_YEAR_RANGE[1]}",
            )

    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    if strict and problems:
        raise ValidationError(problems)
    names = organizations.set_index("id")["name"]
    result = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "enterprise": enterprise_ids,
            "enterprise_name": [names.get(e) if e else None for e in enterprise_ids],
            "title": titles.to_numpy(),
            "description": text("description").to_numpy(),
            "industry": industries,
            "year": pd.array(
                [int(n) if pd.notna(n) and n % 1 == 0 else pd.NA for n in numbers], dtype="Int64"
            ),
        }
    )
    return result[~bad].reset_index(drop=True)


def match_demands(
    network: Snapshot | Tables,
    demands: pd.DataFrame | str | Path,
    *,
    top: int = 5,
    text_weight: float = TEXT_WEIGHT,
    weights: str | Weights = "default",
    settings: Settings | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The best platforms for each technology need, with reasons.

    Parameters
    ----------
    network
        The network at one cut (a snapshot, or validated tables).
    demands
        A demands table (as read by :func:`read_demands`) or the path of a demands file.
    top
        Platforms per demand.
    text_weight
        Share of the score from text similarity (the rest from the network).
    weights
        Weights of the network part (see :func:`~collabnet.recommend.core.recommend`).

    Returns
    -------
    pandas.DataFrame
        ``demand_id``, ``title``, ``enterprise_id``, ``enterprise_name``, ``platform_id``
        (or ``partner_id`` when the network has no platforms), ``platform_name``,
        ``score``, ``rank``, ``text_similarity`` (cosine), ``network_score`` (0–1),
        ``reasons``.

        ``score = text_weight · text_similarity / best similarity of the demand
        + (1 − text_weight) · network_score``.

    Examples
    --------
    >>> from collabnet.tables import load_tables
    >>> tables = load_tables("data/sample")
    >>> best = match_demands(tables, "data/sample/demands.csv", top=1)
    >>> len(best)
    30
    """
    snapshot = as_snapshot(network)
    if not isinstance(demands, pd.DataFrame):
        demands = read_demands(demands, snapshot)
    if len(demands) == 0:
        return pd.DataFrame()
    candidates = Candidates.default_for(snapshot.organizations)
    space = build_space(
        snapshot, candidates, settings=settings, sources=list(dict.fromkeys(demands["enterprise"]))
    )
    used = resolve_weights(weights, space, seed=seed)
    scorer = Scorer(space, used)
    organizations = space.tables.organizations
    industries = snapshot.industries
    industry_names = dict(zip(industries["code"], industries["name_zh"], strict=True))

    demand_texts = [
        "、".join(
            str(part)
            for part in (title, description or "", industry_names.get(code, "") if code else "")
        )
        for title, description, code in zip(
            demands["title"], demands["description"], demands["industry"], strict=True
        )
    ]
    capability = (
        organizations["capabilities"].astype(object).fillna("").astype(str)
        if "capabilities" in organizations.columns
        else pd.Series([""] * len(organizations))
    )
    target_rows = organizations.iloc[space.cols]
    target_texts = [
        f"{capability.iat[c]}、{'、'.join(industry_names.get(i, i) for i in inds)}"
        for c, inds in zip(space.cols, target_rows["industries"], strict=True)
    ]
    vectors = char_ngram_tfidf(demand_texts + target_texts)
    n_demands = len(demands)
    similarity = (
        (vectors[:n_demands] @ vectors[n_demands:].T).toarray()
        if vectors.shape[1]
        else (np.zeros((n_demands, len(space.cols))))
    )

    rows = space.row_of(demands["enterprise"].tolist())
    n_cols = len(space.cols)
    network_score = scorer.score(scorer.dense(rows))
    best_text = similarity.max(axis=1, keepdims=True)
    relative = np.divide(similarity, best_text, out=np.zeros_like(similarity), where=best_text > 0)
    combined = text_weight * relative + (1 - text_weight) * network_score
    depth = min(top, n_cols)
    order = np.lexsort((np.tile(np.arange(n_cols), (n_demands, 1)), -combined), axis=1)[:, :depth]

    demand_index = np.repeat(np.arange(n_demands), depth)
    chosen_cols = order.ravel()
    chosen_rows = rows[demand_index]
    reasons_network = explain_pairs(space, used, chosen_rows, chosen_cols)
    linked = np.asarray(space.linked()[chosen_rows, chosen_cols]).ravel() > 0
    ids = space.ids
    names = organizations["name"].astype(str).to_numpy()
    role = space.candidates.target_role
    records = []
    capability_text = capability.to_numpy(dtype=object)
    target_industries = target_rows["industries"].to_numpy(dtype=object)
    for i, (d, c) in enumerate(zip(demand_index, chosen_cols, strict=True)):
        demand = demands.iloc[int(d)]
        terms = _terms_in(keywords(capability_text[space.cols[c]]), demand_texts[d])
        reasons = []
        if terms:
            reasons.append(
                f"需求与平台能力关键词相同：{'、'.join(terms[:5])} / the need and the "
                f"capabilities share: {', '.join(terms[:5])}"
            )
        code = demand["industry"]
        if isinstance(code, str) and code in target_industries[c]:
            zh = industry_names.get(code, code)
            reasons.append(
                f"需求属{zh}产业，平台主攻该产业 / the need is in {zh}, "
                f"a lead industry of the {role}"
            )
        if linked[i]:
            reasons.append("企业与平台已有合作 / the enterprise already works with it")
        reasons.extend(r for r in reasons_network[i] if "相同" not in r)
        records.append(
            {
                "demand_id": demand["id"],
                "title": demand["title"],
                "enterprise_id": demand["enterprise"],
                "enterprise_name": demand["enterprise_name"],
                f"{role}_id": ids[space.cols[c]],
                f"{role}_name": names[space.cols[c]],
                "score": round(float(combined[d, c]), 6),
                "rank": int(i % depth) + 1,
                "text_similarity": round(float(similarity[d, c]), 6),
                "network_score": round(float(network_score[d, c]), 6),
                "reasons": reasons,
            }
        )
    result = pd.DataFrame(records)
    result.attrs["weights"] = used.description
    return result


def _terms_in(words: list[str], text: str) -> list[str]:
    """Capability keywords found in ``text``, or their longest part (≥ 2 characters) found."""
    found = []
    for word in words:
        if word in text:
            found.append(word)
            continue
        part = _longest_common(word, text)
        if len(part) >= 2:
            found.append(part)
    unique = list(dict.fromkeys(found))
    return [t for t in unique if not any(t != other and t in other for other in unique)]


def _longest_common(word: str, text: str) -> str:
    for size in range(len(word), 1, -1):
        for start in range(len(word) - size + 1):
            piece = word[start : start + size]
            if piece in text:
                return piece
    return ""
