"""The recommender's model in one place: features, the candidate block, and weights.

The parts live by concern: the feature catalogue and the block of candidate pairs in
:mod:`~collabnet.recommend.features`, building that block from a snapshot in
:mod:`~collabnet.recommend.space`, the weights (documented defaults and fitting) in
:mod:`~collabnet.recommend.weights`, and the labelled pairs they are fitted on in
:mod:`~collabnet.recommend.sampling`. This module names them together, so that
``collabnet.recommend.model.DEFAULT_WEIGHTS`` stays where the documentation says it is.
"""

from collabnet.recommend.features import (
    ACADEMIC,
    DENSE_CELLS,
    FEATURES,
    Candidates,
    Feature,
    FeatureSpace,
    Settings,
)
from collabnet.recommend.sampling import new_pairs, sample_non_links
from collabnet.recommend.space import build_space, capability_texts
from collabnet.recommend.weights import (
    DEFAULT_WEIGHTS,
    MIN_POSITIVES,
    Weights,
    default_weights,
    fit_logistic,
    learn_weights,
    resolve_weights,
    sigmoid,
)

__all__ = [
    "ACADEMIC",
    "DEFAULT_WEIGHTS",
    "DENSE_CELLS",
    "FEATURES",
    "MIN_POSITIVES",
    "Candidates",
    "Feature",
    "FeatureSpace",
    "Settings",
    "Weights",
    "build_space",
    "capability_texts",
    "default_weights",
    "fit_logistic",
    "learn_weights",
    "new_pairs",
    "resolve_weights",
    "sample_non_links",
    "sigmoid",
]
