"""Partner recommendation: which leading enterprise should pair with which platform, and why.

recommend
    Ranked partners for an enterprise, a platform, a university, or every enterprise,
    each pair with bilingual reasons (:mod:`collabnet.recommend.core`).
pairing_plan
    An optimal set of new pairs under platform capacity, per-enterprise limits and
    industry quotas, solved exactly (:mod:`collabnet.recommend.plan`).
match_demands
    揭榜挂帅 technology needs matched to platforms by capability text and network
    (:mod:`collabnet.recommend.demands`).
evaluate
    Backtest against networkx's link-prediction baselines on later years
    (:mod:`collabnet.recommend.evaluate`).

Signals (:mod:`~collabnet.recommend.signals`), the feature catalogue
(:mod:`~collabnet.recommend.features`) and the candidate block built from a snapshot
(:mod:`~collabnet.recommend.space`), weights (:mod:`~collabnet.recommend.weights`) and the
labelled pairs they are fitted on (:mod:`~collabnet.recommend.sampling`), block scoring
(:mod:`~collabnet.recommend.rank`) and explanations (:mod:`~collabnet.recommend.explain`)
sit underneath.
"""

from collabnet.recommend.core import SIGNAL_COLUMNS, recommend
from collabnet.recommend.demands import match_demands, read_demands
from collabnet.recommend.evaluate import METHODS, evaluate
from collabnet.recommend.model import (
    DEFAULT_WEIGHTS,
    FEATURES,
    Candidates,
    Settings,
    Weights,
    learn_weights,
)
from collabnet.recommend.plan import (
    InfeasiblePlanError,
    largest_plan,
    pairing_plan,
    solve_pairing,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "FEATURES",
    "METHODS",
    "SIGNAL_COLUMNS",
    "Candidates",
    "InfeasiblePlanError",
    "Settings",
    "Weights",
    "evaluate",
    "largest_plan",
    "learn_weights",
    "match_demands",
    "pairing_plan",
    "read_demands",
    "recommend",
    "solve_pairing",
]
