"""The weights that turn features into one score: the documented defaults, or learned.

A :class:`Weights` object combines standardised features linearly (the score shown to
users is derived from that sum by :meth:`collabnet.recommend.rank.Scorer.score`). Weights
are either learned from the network's own history (:func:`learn_weights`) or the
documented :data:`DEFAULT_WEIGHTS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize

from collabnet.errors import InputError
from collabnet.recommend.features import FEATURES, Candidates, FeatureSpace, Settings
from collabnet.recommend.sampling import dated_links, new_pairs, sample_non_links
from collabnet.recommend.space import build_space
from collabnet.snapshot import Snapshot, as_snapshot
from collabnet.tables import Tables

__all__ = [
    "DEFAULT_WEIGHTS",
    "MIN_POSITIVES",
    "Weights",
    "default_weights",
    "fit_logistic",
    "learn_weights",
    "resolve_weights",
    "sigmoid",
]

MIN_POSITIVES = 5

# Weights on standardised features (each feature has mean 0 and standard deviation 1
# over the candidate pairs). Network proximity and fit come first, popularity second:
# three-step paths, joint-project multiplicity, the three-step walk, shared partners and
# thematic overlap, capability text and industry, then the target's size and activity
# and the coverage-gap bonus; idle years count against a pair. A platform's unused
# capacity weighs most, so full platforms drop unless the rest of the evidence is strong.
# The network weights (paths3, multiplicity, walk3, theme_overlap, common_partners,
# target_activity) come from a coordinate search on the mean over the rolling CORDIS
# 2014–2017 cuts (scripts/tune_weights.py; the README's recommendation section gives
# the table); the others were chosen by hand and checked on CORDIS's 2014–2015 training
# years and on the sample. ``--weights learned`` replaces them all with a ranker fitted
# on the network's own history.
DEFAULT_WEIGHTS: dict[str, float] = {
    "source_degree": 0.2,
    "source_activity": 0.3,
    "source_recent": 0.3,
    "source_new_partners": 0.0,
    "source_idle_years": -0.2,
    "source_partner_share": 0.1,
    "target_degree": 0.3,
    "target_activity": 0.2,
    "target_recent": 0.3,
    "target_new_partners": 0.0,
    "target_idle_years": -0.2,
    "target_partner_share": 0.3,
    "target_capacity_left": 1.0,
    "common_partners": 0.1,
    "adamic_adar": 0.1,
    "resource_allocation": 0.1,
    "paths3": 0.6,
    "multiplicity": 0.2,
    "walk3": 0.2,
    "theme_overlap": 0.2,
    "text_similarity": 0.5,
    "same_industry": 0.4,
    "coverage_gap": 0.3,
    "same_county": 0.2,
    "same_country": 0.2,
}


@dataclass(frozen=True)
class Weights:
    """Coefficients on standardised features, and how they were obtained.

    The linear predictor of a pair is ``intercept + Σ coef[f]·(x[f] − mean[f]) / scale[f]``
    and its score the logistic function of it.
    """

    coefficients: dict[str, float]
    mean: dict[str, float]
    scale: dict[str, float]
    intercept: float
    method: str
    description: str

    def raw(self) -> tuple[dict[str, float], float]:
        """Coefficients on the unstandardised features, and the matching intercept."""
        coefficients = {}
        intercept = self.intercept
        for name, coef in self.coefficients.items():
            scale = self.scale.get(name, 0.0)
            if coef == 0.0 or scale <= 0.0:
                continue
            coefficients[name] = coef / scale
            intercept -= coef * self.mean[name] / scale
        return coefficients, intercept

    def table(self) -> pd.DataFrame:
        """The weights as a frame: ``feature``, ``weight`` (standardised), ``zh``, ``en``.

        Examples
        --------
        >>> from collabnet.tables import load_tables
        >>> space = build_space(load_tables("data/sample"))
        >>> default_weights(space).table().set_index("feature").loc["paths3", "weight"]
        np.float64(0.6)
        """
        return pd.DataFrame(
            {
                "feature": list(self.coefficients),
                "weight": [round(v, 4) for v in self.coefficients.values()],
                "zh": [FEATURES[n].zh for n in self.coefficients],
                "en": [FEATURES[n].en for n in self.coefficients],
            }
        )


def sigmoid(values: np.ndarray) -> np.ndarray:
    """The logistic function, computed without overflow."""
    return np.exp(-np.logaddexp(0.0, -values))


def _moments(frame: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    mean = {str(k): float(v) for k, v in frame.mean().items()}
    spread = {str(k): float(v) for k, v in frame.std(ddof=0).items()}
    # Features that do not vary carry no information: their weight is dropped.
    return mean, {k: (v if v > 1e-12 else 0.0) for k, v in spread.items()}


def default_weights(space: FeatureSpace, *, sample: int = 20_000, seed: int = 0) -> Weights:
    """:data:`DEFAULT_WEIGHTS`, standardised over a random sample of the space's pairs."""
    r, c = space.sample_pairs(sample, seed)
    mean, scale = _moments(space.features_at(r, c))
    coefficients = {k: (v if scale.get(k, 0.0) > 0 else 0.0) for k, v in DEFAULT_WEIGHTS.items()}
    return Weights(
        coefficients=coefficients,
        mean=mean,
        scale=scale,
        intercept=0.0,
        method="default",
        description="documented default weights (collabnet.recommend.model.DEFAULT_WEIGHTS)",
    )


def fit_logistic(
    features: np.ndarray, labels: np.ndarray, *, l2: float = 100.0
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression on standardised features, by L-BFGS-B.

    Minimises ``Σ log(1 + exp(−y·z)) + l2/2·|w|²`` (labels 0/1, intercept unpenalised).
    Returns the coefficients and the intercept. The default ``l2 = 100`` was chosen on a
    split of the CORDIS training years (quarters of 2015), not on any test year.
    """
    d = features.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = features @ w + b
        value = float(np.sum(np.logaddexp(0.0, z) - labels * z) + 0.5 * l2 * (w @ w))
        residual = sigmoid(z) - labels
        gradient = np.append(features.T @ residual + l2 * w, residual.sum())
        return value, gradient

    start = np.zeros(d + 1)
    start[d] = np.log(max(labels.mean(), 1e-6) / max(1 - labels.mean(), 1e-6))
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return result.x[:d], float(result.x[d])


def learn_weights(
    network: Snapshot | Tables,
    year: int,
    candidates: Candidates | None = None,
    *,
    settings: Settings | None = None,
    negatives: int = 20,
    seed: int = 0,
    l2: float = 100.0,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> Weights | None:
    """Weights fitted on the network's own history: which pairs did form in ``year``?

    Features come from the network as it stood at the end of ``year − 1``; the positive
    labels are the candidate pairs first linked in ``year`` (both ends already present),
    and ``negatives`` random unlinked pairs per positive are the negative labels. Only
    ``network`` is read, so pass ``tables.as_of(last_training_year)`` in a backtest.
    Returns None when fewer than :data:`MIN_POSITIVES` new pairs formed that year.
    """
    snapshot = as_snapshot(network)
    candidates = candidates or Candidates.default_for(snapshot.organizations)
    earlier = build_space(snapshot.at(year - 1), candidates, settings=settings)
    r, c = new_pairs(earlier, dated_links(snapshot, year, year, candidates), year, year)
    if len(r) < MIN_POSITIVES:
        return None
    rng = np.random.default_rng(seed)
    positives = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=earlier.shape)
    count = min(negatives * len(r), 200_000)
    nr, nc = sample_non_links(earlier, count, rng, positives)
    frame = earlier.features_at(np.concatenate([r, nr]), np.concatenate([c, nc]))
    labels = np.concatenate([np.ones(len(r)), np.zeros(len(nr))])
    mean, scale = _moments(frame)
    skipped = set(exclude) | set(earlier.missing)
    used = [k for k in FEATURES if scale[k] > 0 and k not in skipped]
    standard = (
        np.column_stack([(frame[k].to_numpy() - mean[k]) / scale[k] for k in used])
        if used
        else np.zeros((len(labels), 0))
    )
    coef, intercept = fit_logistic(standard, labels, l2=l2)
    coefficients = dict.fromkeys(FEATURES, 0.0)
    coefficients.update({k: float(v) for k, v in zip(used, coef, strict=True)})
    # Negatives were subsampled: shift the intercept back to the base rate of new pairs.
    total = earlier.shape[0] * earlier.shape[1] - earlier.linked().nnz
    if len(nr) and total > len(r):
        intercept += float(np.log(len(nr) / max(total - len(r), 1)))
    return Weights(
        coefficients=coefficients,
        mean=mean,
        scale=scale,
        intercept=intercept,
        method="learned",
        description=(
            f"learned: network up to {year - 1}, labels = {len(r)} pairs first linked in "
            f"{year} vs {len(nr)} random unlinked pairs (L2 logistic regression)"
        ),
    )


def resolve_weights(
    choice: str | Weights,
    space: FeatureSpace,
    *,
    year: int | None = None,
    seed: int = 0,
) -> Weights:
    """The weights asked for: a :class:`Weights` object, ``"learned"`` or ``"default"``.

    ``"learned"`` fits on the last year of ``space``'s network (or ``year``); when the
    network has no dated history to learn from, the default weights are used and
    ``Weights.description`` says why.
    """
    if isinstance(choice, Weights):
        return choice
    if choice not in ("learned", "default"):
        raise InputError(f"weights '{choice}': expected 'learned' or 'default'")
    if choice == "default":
        return default_weights(space, seed=seed)
    fit_year = year if year is not None else space.year
    learned = None
    if fit_year is not None:
        learned = learn_weights(
            space.tables if space.snapshot is None else space.snapshot,
            fit_year,
            space.candidates,
            settings=space.settings,
            seed=seed,
            exclude=space.missing,
        )
    if learned is None:
        fallback = default_weights(space, seed=seed)
        reason = (
            f"fewer than {MIN_POSITIVES} new pairs in {fit_year} to learn from"
            if fit_year is not None
            else "the links carry no years to learn from"
        )
        return replace(fallback, description=f"{fallback.description}; {reason}")
    return learned
