"""Why a pair is recommended: its evidence in words and numbers, in Chinese and English.

Each reason is one string ``"中文 / English"``, built from the same numbers the score
used: shared partners by name, three-step paths with an example, the industry both
work in and its coverage gap, the county or country, the platform's load against its
capacity, capability keywords in common, and how active the partner has been.
Reasons are ordered by how much their signal added to the pair's score (the ranker's
tree SHAP values, or the linear weights' contributions); a signal that lowered the score
is never given as a reason.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp

from collabnet.recommend.features import FeatureSpace
from collabnet.recommend.signals import values_at
from collabnet.recommend.weights import Weights

__all__ = ["TYPE_WORDS", "explain_pairs", "keywords", "shared_keywords"]

# How each organisation type is named in a reason: Chinese, English (singular, plural).
TYPE_WORDS: dict[str, tuple[str, str, str]] = {
    "platform": ("平台", "platform partner", "platform partners"),
    "enterprise": ("企业", "enterprise partner", "enterprise partners"),
    "university": ("高校", "university partner", "university partners"),
    "institute": ("科研院所", "institute partner", "institute partners"),
    "other": ("其他机构", "other partner", "other partners"),
}
_MEASURE = {
    "platform": "个",
    "enterprise": "家",
    "university": "所",
    "institute": "家",
    "other": "家",
}
_KIND_NUMBER = {kind: number for number, kind in enumerate(TYPE_WORDS)}
_NAMES_SHOWN = 3
# Shared partners counted with numpy from this many on, in a plain loop below.
_MANY_PARTNERS = 64
# Pairs explained together; more are taken in chunks of this many.
_PAIRS_AT_ONCE = 20_000
# Above this many pairs, three-step paths are counted but not illustrated: each example
# is a search in the network.
EXAMPLE_PAIRS = 20_000
_KEYWORD_SPLIT = re.compile(r"[、，,;；/|\s]+")
# Reasons are ranked by these features' contributions to the score.
_REASON_FEATURES = {
    "shared": ("common_partners", "adamic_adar", "resource_allocation", "multiplicity"),
    "paths": ("paths3", "walk3"),
    "theme": ("theme_overlap",),
    "industry": ("same_industry",),
    "gap": ("coverage_gap",),
    "county": ("same_county",),
    "country": ("same_country",),
    "capacity": ("target_capacity_left",),
    "keywords": ("text_similarity",),
    "activity": ("target_degree", "target_activity", "target_recent", "target_new_partners"),
    "idle": ("source_idle_years",),
}


def keywords(text: object) -> list[str]:
    """Capability keywords of a ``、``-separated text (empty for missing text)."""
    if not isinstance(text, str):
        return []
    return [k for k in (p.strip() for p in _KEYWORD_SPLIT.split(text)) if len(k) >= 2]


def shared_keywords(words: list[str], other_words: list[str], other_text: str) -> list[str]:
    """Keywords of one side found among the other side's keywords or in its text."""
    found = [w for w in words if w in other_text or any(w in o or o in w for o in other_words)]
    found += [o for o in other_words if o not in found and any(o in w for w in words)]
    return list(dict.fromkeys(found))


def explain_pairs(
    space: FeatureSpace,
    weights: Weights,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    contributions: pd.DataFrame | None = None,
    max_examples: int | None = None,
) -> list[list[str]]:
    """Bilingual reasons for each block pair ``(rows[i], cols[i])``.

    Parameters
    ----------
    space
        The feature space the pairs were scored in.
    weights
        The weights that scored them (to order the reasons by contribution).
    rows, cols
        Block positions of the pairs.
    contributions
        How much each feature moved each pair's score (one column per feature, e.g. the
        ranker's tree SHAP values); default: the linear weights' ``coef·(x − mean)``.
    max_examples
        Above this many pairs, three-step paths are counted but not illustrated
        (default: :data:`EXAMPLE_PAIRS`).

    Only evidence that raised the pair's score is given as a reason, strongest first.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if max_examples is None:
        max_examples = EXAMPLE_PAIRS
    if len(rows) == 0:
        return []
    if len(rows) > _PAIRS_AT_ONCE:
        # Each pair is explained on its own: in chunks, memory stays bounded.
        shown = max_examples if len(rows) <= max_examples else -1
        out: list[list[str]] = []
        for start in range(0, len(rows), _PAIRS_AT_ONCE):
            part = slice(start, start + _PAIRS_AT_ONCE)
            out.extend(
                explain_pairs(
                    space,
                    weights,
                    rows[part],
                    cols[part],
                    contributions=(
                        None
                        if contributions is None
                        else contributions.iloc[part].reset_index(drop=True)
                    ),
                    max_examples=shown,
                )
            )
        return out
    organizations = space.tables.organizations
    names = organizations["name"].astype(str).to_numpy()
    types = organizations["type"].astype(str).to_numpy()
    # Position of each type in TYPE_WORDS (past its end for a type it does not name).
    kinds = np.array([_KIND_NUMBER.get(kind, len(TYPE_WORDS)) for kind in types], dtype=np.int64)
    source = space.rows[rows]
    target = space.cols[cols]
    if contributions is None:
        contributions = _linear_contributions(space.features_at(rows, cols), weights)
    contribution = _by_reason(contributions)
    with_examples = len(rows) <= max_examples
    if space.evidence is not None:
        shared, examples = space.evidence(source, target, with_examples)
    else:
        shared = _shared_partners(space.links, source, target)
        examples = _path_examples(space, source, target) if with_examples else None
    industry_names = _industry_names(space)
    coverage: dict[object, float] = (
        space.coverage.set_index("industry")["coverage_share"].to_dict()
        if space.coverage is not None
        else {}
    )
    industries = organizations["industries"].to_numpy(dtype=object)
    county = _column(organizations, "county")
    country = _column(organizations, "country")
    capabilities = _column(organizations, "capabilities")
    texts = _source_texts(space)
    node = space.node
    co_built = node["co_built"].to_numpy(dtype=float)
    idle_years = node["idle_years"].to_numpy(dtype=float)
    last_year = node["last_year"].to_numpy(dtype=float)
    target_type = types[target]
    year = space.year
    themes = space.theme_rows if space.theme_rows.shape[1] else None
    # Plain lists: the loop below reads one value at a time.
    theme = np.round(space.raw_at("theme_overlap", rows, cols), 1).tolist()
    path_counts = space.raw_at("paths3", rows, cols).tolist()
    gain = {reason: values.tolist() for reason, values in contribution.items()}
    sources, targets = source.tolist(), target.tolist()
    degree = node["degree"].to_numpy(dtype=float)
    recent = node["recent"].to_numpy(dtype=float)

    # A target's activity reads the same in each of its pairs.
    activity_of: dict[int, str] = {}
    keywords_of: dict[int, list[str]] = {}
    out = []
    for i in range(len(rows)):
        s, t = sources[i], targets[i]
        found: list[tuple[float, str]] = []
        partners = shared.indices[shared.indptr[i] : shared.indptr[i + 1]]
        if len(partners):
            found.append((gain["shared"][i], _shared_reason(partners, names, kinds)))
        paths = float(path_counts[i])
        if paths > 0:
            via = examples[i] if examples is not None else None
            found.append((gain["paths"][i], _paths_reason(int(paths), via, names)))
        common = [c for c in _tuple(industries[s]) if c in set(_tuple(industries[t]))]
        if common:
            label = "、".join(industry_names.get(c, (c, c))[0] for c in common)
            label_en = ", ".join(industry_names.get(c, (c, c))[1] for c in common)
            found.append((gain["industry"][i], f"同属{label}产业 / both in industry {label_en}"))
            for code in common:
                share = coverage.get(code, np.nan)
                target_share = space.settings.coverage_target
                if pd.notna(share) and share < target_share:
                    zh, en = industry_names.get(code, (code, code))
                    found.append(
                        (
                            gain["gap"][i],
                            f"{zh}产业覆盖率{share:.0%}，低于目标{target_share:.0%} / "
                            f"industry {en} coverage {share:.0%}, below the "
                            f"{target_share:.0%} target",
                        )
                    )
        if county[s] is not None and county[s] == county[t]:
            found.append((gain["county"][i], f"同在{county[s]} / same county {county[s]}"))
        elif country[s] is not None and country[s] == country[t]:
            found.append((gain["country"][i], f"同在{country[s]} / same country {country[s]}"))
        if target_type[i] == "platform":
            # Only raises a score when the platform has room: say so as the reason.
            free = max(space.settings.capacity - int(co_built[t]), 0)
            found.append(
                (
                    gain["capacity"][i],
                    f"平台还可承接{free}个共建研发中心（容量{space.settings.capacity}） / the "
                    f"platform has room for {free} more co-built centre{'s' if free != 1 else ''}"
                    f" (capacity {space.settings.capacity})",
                )
            )
        target_words = keywords_of.get(t)
        if target_words is None:
            target_words = keywords_of[t] = keywords(capabilities[t])
        # Without keywords of the target nothing can be shared.
        words = (
            shared_keywords(target_words, keywords(capabilities[s]), texts[s])
            if target_words
            else []
        )
        if words:
            found.append(
                (
                    gain["keywords"][i],
                    f"能力关键词相同：{'、'.join(words[:5])} / capability keywords in common: "
                    f"{', '.join(words[:5])}",
                )
            )
        activity = activity_of.get(t)
        if activity is None:
            activity = activity_of[t] = _activity_reason(
                int(degree[t]), float(recent[t]), types[t], year
            )
        found.append((gain["activity"][i], activity))
        idle = float(idle_years[s])
        if np.isnan(last_year[s]):
            found.append(
                (
                    gain["idle"][i],
                    f"{names[s]}尚无合作记录 / {names[s]} has no link on record yet",
                )
            )
        elif year is not None and idle >= 2:
            found.append(
                (
                    gain["idle"][i],
                    f"{names[s]}已{int(idle)}年无新合作 / {names[s]} has had no new link for "
                    f"{int(idle)} years",
                )
            )
        if themes is not None and theme[i] > 0:
            found.append(
                (
                    gain["theme"][i],
                    f"{names[t]}在{names[s]}的项目主题中有{theme[i]:g}个项目 / "
                    f"{names[t]} has {theme[i]:g} projects in the themes of {names[s]}'s projects",
                )
            )
        # A reason is evidence that raised the score; what pushed it down is not one.
        found = [item for item in found if item[0] > 0]
        found.sort(key=lambda item: -item[0])
        out.append([text for _, text in found])
    return out


def _linear_contributions(features: pd.DataFrame, weights: Weights) -> pd.DataFrame:
    coefficients, _ = weights.raw()
    return pd.DataFrame(
        {
            name: coefficients.get(name, 0.0)
            * (features[name].to_numpy() - weights.mean.get(name, 0.0))
            for name in features.columns
        }
    )


def _by_reason(contributions: pd.DataFrame) -> dict[str, np.ndarray]:
    result = {}
    for reason, names in _REASON_FEATURES.items():
        total = np.zeros(len(contributions))
        for name in names:
            if name in contributions.columns:
                total += contributions[name].to_numpy(dtype=float)
        result[reason] = total
    return result


def _shared_reason(partners: np.ndarray, names: np.ndarray, kinds: np.ndarray) -> str:
    """The shared partners by type, a few named; ``kinds`` holds each organisation's
    position in :data:`TYPE_WORDS` (hubs share thousands of partners: no Python loop over
    that many)."""
    by_type: dict[int, list[int]] = {}
    if len(partners) < _MANY_PARTNERS:
        for partner, number in zip(partners.tolist(), kinds[partners].tolist(), strict=True):
            by_type.setdefault(number, []).append(partner)
        counts = {number: len(chosen) for number, chosen in by_type.items()}
    else:
        of_kind = kinds[partners]
        counts = dict(enumerate(np.bincount(of_kind).tolist()))
        by_type = {number: partners[of_kind == number][:_NAMES_SHOWN].tolist() for number in counts}
    parts_zh = []
    parts_en = []
    for number, (kind, (zh, one, many)) in enumerate(TYPE_WORDS.items()):
        count = counts.get(number, 0)
        if count == 0:
            continue
        shown = [str(names[p]) for p in by_type[number][:_NAMES_SHOWN]]
        more = count > _NAMES_SHOWN
        parts_zh.append(
            f"共同合作{zh}{count}{_MEASURE[kind]}：{'、'.join(shown)}{'等' if more else ''}"
        )
        noun = one if count == 1 else many
        parts_en.append(f"shares {count} {noun}: {', '.join(shown)}{', …' if more else ''}")
    return "；".join(parts_zh) + " / " + "; ".join(parts_en)


def _paths_reason(count: int, via: tuple[int, int] | None, names: np.ndarray) -> str:
    paths = f"{count} three-step collaboration path{'s' if count != 1 else ''}"
    if via is None:
        return f"三步合作路径{count}条 / {paths}"
    first, second = (str(names[v]) for v in via)
    return f"三步合作路径{count}条（如经{first}→{second}） / {paths} (e.g. via {first} → {second})"


def _activity_reason(degree: int, recent: float, kind: str, year: int | None) -> str:
    zh, _, _ = TYPE_WORDS.get(kind, ("机构", "", ""))
    text_zh = f"{zh}有{degree}个合作伙伴"
    text_en = f"{kind} has {degree} partner{'s' if degree != 1 else ''}"
    if year is not None and recent > 0:
        text_zh += f"，{year}年活跃度{recent:g}"
        text_en += f", activity {recent:g} in {year}"
    return f"{text_zh} / {text_en}"


def _shared_partners(links: sp.csr_matrix, source: np.ndarray, target: np.ndarray) -> sp.csr_matrix:
    """Row ``i``: the partners ``source[i]`` and ``target[i]`` share, in index order.

    Each partner of the source is looked up among the target's: targets (platforms,
    universities) can have thousands of partners, which are never copied out."""
    own = sp.csr_matrix(links[source])
    own.sort_indices()
    pair = np.repeat(np.arange(len(source)), np.diff(own.indptr))
    both = values_at(links, target[pair], own.indices) > 0
    indptr = np.concatenate([[0], np.cumsum(np.bincount(pair[both], minlength=len(source)))])
    return sp.csr_matrix(
        (own.data[both], own.indices[both], indptr), shape=(len(source), links.shape[1])
    )


def _path_examples(
    space: FeatureSpace, source: np.ndarray, target: np.ndarray
) -> list[tuple[int, int] | None]:
    """For each pair one three-step path source → x → y → target, as (x, y), if any."""
    links = space.links
    to_second = sp.csr_matrix(links[source] @ links)
    ends = sp.csr_matrix(to_second.multiply(links[target]))
    examples: list[tuple[int, int] | None] = []
    for i in range(len(source)):
        start, stop = ends.indptr[i], ends.indptr[i + 1]
        if start == stop:
            examples.append(None)
            continue
        candidates = ends.indices[start:stop]
        counts = ends.data[start:stop]
        order = np.lexsort((candidates, -counts))
        example = None
        for y in candidates[order]:
            if y == source[i]:
                continue
            middle = np.intersect1d(
                links.indices[links.indptr[source[i]] : links.indptr[source[i] + 1]],
                links.indices[links.indptr[y] : links.indptr[y + 1]],
            )
            middle = middle[(middle != target[i]) & (middle != y)]
            if len(middle):
                example = (int(middle[0]), int(y))
                break
        examples.append(example)
    return examples


def _industry_names(space: FeatureSpace) -> dict[str, tuple[str, str]]:
    table = space.tables.industries
    return {
        str(code): (str(zh), str(en))
        for code, zh, en in zip(table["code"], table["name_zh"], table["name_en"], strict=True)
    }


def _column(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), None).to_numpy(dtype=object)


def _source_texts(space: FeatureSpace) -> list[str]:
    """Capabilities and project titles of each organisation (industry names left out)."""
    organizations = space.tables.organizations
    capabilities = _column(organizations, "capabilities")
    texts = ["" if c is None else str(c) for c in capabilities]
    links = space.tables.links if space.titled_links is None else space.titled_links
    if "title" in links.columns and len(links):
        titled = links[links["title"].notna()]
        position = pd.Series(np.arange(len(organizations)), index=organizations["id"].to_numpy())
        for end in ("source", "target"):
            for p, title in zip(titled[end].map(position), titled["title"], strict=True):
                if pd.notna(p):
                    texts[int(p)] += "、" + str(title)
    return texts


def _tuple(value: object) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()
