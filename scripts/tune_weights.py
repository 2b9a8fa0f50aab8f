"""Search the default weights on the rolling backtest cuts of a dated network.

    python scripts/tune_weights.py                      # CORDIS beside the repository
    python scripts/tune_weights.py --features paths3,walk3 --steps 0.2,0.4

A coordinate search: for each feature in turn, each step is added to its current weight
(and subtracted), and the change is kept when it raises the objective, the mean over the
rolling cuts (:func:`~collabnet.recommend.evaluate.rolling_cuts`) of the warm segment's
mean of P@10, MRR and nDCG@10 — the summary ``--weights auto`` compares models by. A
change is kept only if no cut's P@10 falls by more than ``--tolerance``. Every tried
vector is printed with each cut's figures, so the choice can be read from the output.

The feature spaces, labelled years and calibrations are built once and shared by every
candidate; only the scoring is repeated, with the baselines left out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collabnet.network import load
from collabnet.recommend.evaluate import evaluate, rolling_cuts
from collabnet.recommend.weights import DEFAULT_WEIGHTS
from collabnet.snapshot import Snapshot

CORDIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-h2020"
MEASURES = ("precision_at_10", "mrr", "ndcg_at_10")


class Backtest:
    """The rolling cuts of one network, scored for the weights in DEFAULT_WEIGHTS."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        years = self.snapshot.tables.links["year"].dropna()
        self.cuts = rolling_cuts(int(years.min()), int(years.max()))
        self.memo: dict = {}
        self.spaces: dict = {}
        self.models: dict = {}

    def score(self, weights: dict[str, float]) -> pd.DataFrame:
        """Warm-segment P@10, MRR and nDCG@10 per cut, and the objective."""
        saved = dict(DEFAULT_WEIGHTS)
        DEFAULT_WEIGHTS.update(weights)
        try:
            rows = []
            for train_until, test_until in self.cuts:
                frame = evaluate(
                    self.snapshot,
                    train_until=train_until,
                    test_until=test_until,
                    weights="default",
                    memo=self.memo,
                    spaces=self.spaces,
                    models=self.models,
                    baselines=False,
                )
                warm = frame[(frame["method"] == "collabnet") & (frame["segment"] == "warm")]
                row = warm.iloc[0][list(MEASURES)].astype(float)
                rows.append(row.rename(f"≤{train_until}→{test_until}"))
        finally:
            DEFAULT_WEIGHTS.clear()
            DEFAULT_WEIGHTS.update(saved)
        table = pd.DataFrame(rows)
        table["summary"] = table[list(MEASURES)].mean(axis=1)
        return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--participations",
        type=Path,
        default=CORDIS / "participations-2014-2017.csv.gz",
        help="participation file (default: the CORDIS 2014–2017 file beside the repository)",
    )
    parser.add_argument(
        "--features",
        default="multiplicity,walk3,theme_overlap,paths3,common_partners,adamic_adar,"
        "resource_allocation,target_degree,target_activity,source_activity,text_similarity",
        help="weights to search, in this order (comma-separated)",
    )
    parser.add_argument("--steps", default="0.2", help="step sizes tried, largest first")
    parser.add_argument("--passes", type=int, default=2, help="passes over the features")
    parser.add_argument("--tolerance", type=float, default=0.002, help="largest P@10 drop")
    args = parser.parse_args()
    if not args.participations.exists():
        sys.exit(f"{args.participations}: not found (the CORDIS data is not beside the repo)")

    projects = args.participations.parent / "programme-parts-2014-2017.csv.gz"
    network = load(
        participations=args.participations, projects=projects if projects.is_file() else None
    )
    backtest = Backtest(network.snapshot)
    current = dict(DEFAULT_WEIGHTS)
    started = time.perf_counter()
    best = backtest.score(current)
    print(f"start ({time.perf_counter() - started:.0f} s)\n{best.round(4)}\n", flush=True)
    steps = [float(s) for s in args.steps.split(",")]
    for number in range(args.passes):
        changed = False
        for feature in args.features.split(","):
            for step in steps:
                for sign in (1.0, -1.0):
                    value = round(current[feature] + sign * step, 4)
                    trial = backtest.score({**current, feature: value})
                    gain = trial["summary"].mean() - best["summary"].mean()
                    drop = float((best["precision_at_10"] - trial["precision_at_10"]).max())
                    kept = gain > 0 and drop <= args.tolerance
                    print(
                        f"pass {number + 1} {feature} {current[feature]} → {value}: "
                        f"objective {trial['summary'].mean():.4f} ({gain:+.4f}), "
                        f"P@10 per cut {' '.join(f'{v:.4f}' for v in trial['precision_at_10'])}"
                        f"{' kept' if kept else ''}",
                        flush=True,
                    )
                    if kept:
                        current[feature], best, changed = value, trial, True
                        break
        if not changed:
            break
    changes = {k: v for k, v in current.items() if v != DEFAULT_WEIGHTS[k]}
    print(f"\nchanged weights: {changes}\n{best.round(4)}")
    print(f"mean: {best.mean().round(4).to_dict()}")


if __name__ == "__main__":
    main()
