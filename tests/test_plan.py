"""The pairing plan is optimal: checked against every subset on small random cases."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from collabnet.cli import main
from collabnet.recommend.plan import InfeasiblePlanError, pairing_plan, solve_pairing, write_plan
from collabnet.tables import load_tables


def _feasible(
    chosen: tuple[int, ...],
    sources: np.ndarray,
    targets: np.ndarray,
    capacity: np.ndarray,
    per_source: int,
    groups: dict[str, np.ndarray],
    quota: int,
) -> bool:
    picked = list(chosen)
    if np.any(np.bincount(targets[picked], minlength=len(capacity)) > capacity):
        return False
    if np.any(np.bincount(sources[picked]) > per_source):
        return False
    return all(mask[picked].sum() >= quota for mask in groups.values())


def _brute_force(scores, sources, targets, pairs, capacity, per_source, groups, quota):
    best = None
    for chosen in itertools.combinations(range(len(scores)), pairs):
        if _feasible(chosen, sources, targets, capacity, per_source, groups, quota):
            total = scores[list(chosen)].sum()
            best = total if best is None or total > best else best
    return best


def _case(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    n_sources, n_targets = 4, 3
    grid = [(s, t) for s in range(n_sources) for t in range(n_targets)]
    keep = rng.random(len(grid)) < 0.8
    sources = np.array([s for (s, _), k in zip(grid, keep, strict=True) if k])
    targets = np.array([t for (_, t), k in zip(grid, keep, strict=True) if k])
    return {
        "scores": rng.random(len(sources)).round(3),
        "sources": sources,
        "targets": targets,
        "capacity": rng.integers(0, 3, size=n_targets).astype(float),
        "industry": rng.random(n_sources) < 0.5,
    }


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("pairs", [1, 2, 3])
@pytest.mark.parametrize("per_source", [1, 2])
@pytest.mark.parametrize("quota", [0, 1])
def test_plan_equals_brute_force(seed: int, pairs: int, per_source: int, quota: int) -> None:
    case = _case(seed)
    scores, sources, targets = case["scores"], case["sources"], case["targets"]
    capacity = case["capacity"]
    groups = {"gap": case["industry"][sources]} if quota else {}
    best = _brute_force(scores, sources, targets, pairs, capacity, per_source, groups, quota)
    if best is None:
        with pytest.raises(InfeasiblePlanError):
            solve_pairing(
                scores,
                sources,
                targets,
                pairs=pairs,
                target_capacity=capacity,
                per_source=per_source,
                groups=groups,
                quota=quota,
            )
        return
    chosen = solve_pairing(
        scores,
        sources,
        targets,
        pairs=pairs,
        target_capacity=capacity,
        per_source=per_source,
        groups=groups,
        quota=quota,
    )
    assert len(chosen) == pairs
    assert _feasible(tuple(chosen), sources, targets, capacity, per_source, groups, quota)
    assert scores[chosen].sum() == pytest.approx(best, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("quota", [0, 2])
def test_each_sources_best_candidates_keep_the_optimum(
    seed: int, quota: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The programme is solved among each source's best candidates: the same total as
    among all of them, ties and per-source quotas included."""
    import collabnet.recommend.plan as plan_module

    rng = np.random.default_rng(seed)
    n_sources, n_targets, pairs = 40, 25, 8
    grid = np.argwhere(rng.random((n_sources, n_targets)) < 0.7)
    sources, targets = grid[:, 0], grid[:, 1]
    # Scores on a coarse grid, so that many tie.
    scores = rng.integers(0, 6, size=len(grid)) / 5
    capacity = rng.integers(0, 3, size=n_targets).astype(float)
    gap = rng.random(n_sources) < 0.3
    groups = {"gap": gap[sources]} if quota else {}
    kept = plan_module._each_sources_best(scores, sources, pairs, groups.values())
    assert kept is not None and len(kept) < len(scores)
    closed = np.where(capacity[targets] >= 1, scores, np.nan)
    assert not np.isin(
        np.flatnonzero(np.isnan(closed)),
        plan_module._each_sources_best(closed, sources, pairs, groups.values()),
    ).any()

    def plan() -> np.ndarray:
        return solve_pairing(
            scores,
            sources,
            targets,
            pairs=pairs,
            target_capacity=capacity,
            per_source=2,
            groups=groups,
            quota=quota,
        )

    chosen = plan()
    monkeypatch.setattr(plan_module, "_each_sources_best", lambda *_: None)
    everything = plan()
    assert len(chosen) == pairs
    assert _feasible(tuple(chosen), sources, targets, capacity, 2, groups, quota)
    assert scores[chosen].sum() == pytest.approx(scores[everything].sum(), abs=1e-9)


def test_a_group_that_splits_a_source_keeps_every_candidate() -> None:
    import collabnet.recommend.plan as plan_module

    sources = np.array([0, 0, 0, 1, 1])
    scores = np.array([0.9, 0.8, 0.1, 0.5, 0.4])
    by_source = np.array([True, True, True, False, False])
    split = np.array([False, False, True, False, False])
    assert plan_module._each_sources_best(scores, sources, 1, [by_source]).tolist() == [0, 3]
    assert plan_module._each_sources_best(scores, sources, 1, [split]) is None
    assert plan_module._each_sources_best(scores, sources, 3, []) is None
    # A candidate that can never be chosen is left out even where all the others stay.
    closed = np.array([0.9, np.nan, 0.1, 0.5, 0.4])
    assert plan_module._each_sources_best(closed, sources, 3, []).tolist() == [0, 2, 3, 4]


def _greedy(scores, sources, targets, pairs, capacity, per_source):
    used_target = np.zeros(len(capacity))
    used_source: dict[int, int] = {}
    chosen = []
    for index in np.argsort(-scores, kind="stable"):
        s, t = sources[index], targets[index]
        if used_target[t] < capacity[t] and used_source.get(s, 0) < per_source:
            chosen.append(index)
            used_target[t] += 1
            used_source[s] = used_source.get(s, 0) + 1
        if len(chosen) == pairs:
            break
    return np.array(chosen)


def test_greedy_is_worse_than_the_plan() -> None:
    # E0 is the best partner of both platforms; greedy spends P0's only slot on it.
    scores = np.array([10.0, 9.0, 8.0, 1.0])
    sources = np.array([0, 0, 1, 1])
    targets = np.array([0, 1, 0, 1])
    capacity = np.array([1.0, 1.0])
    greedy = _greedy(scores, sources, targets, 2, capacity, 1)
    optimal = solve_pairing(
        scores, sources, targets, pairs=2, target_capacity=capacity, per_source=1
    )
    assert scores[greedy].sum() == 11.0
    assert scores[optimal].sum() == 17.0


def test_infeasible_quota_is_a_clear_error() -> None:
    with pytest.raises(InfeasiblePlanError, match="quota 2 for industry footwear cannot be met"):
        solve_pairing(
            np.ones(3),
            np.array([0, 1, 2]),
            np.array([0, 0, 1]),
            pairs=2,
            target_capacity=np.array([2.0, 2.0]),
            groups={"footwear": np.array([True, False, False])},
            quota=2,
        )
    with pytest.raises(InfeasiblePlanError, match="at most 2 fit"):
        solve_pairing(
            np.ones(4),
            np.array([0, 0, 1, 1]),
            np.array([0, 1, 0, 1]),
            pairs=3,
            target_capacity=np.array([5.0, 5.0]),
        )


def test_sample_plan_respects_every_limit(sample_dir: Path) -> None:
    tables = load_tables(sample_dir)
    plan = pairing_plan(tables, pairs=40, capacity=6, quota=2)
    assert len(plan) == 40
    assert not plan["enterprise_id"].duplicated().any()
    assert (plan["platform_load"] <= 6).all()
    organizations = tables.organizations.set_index("id")
    assert organizations.loc[plan["enterprise_id"], "leading"].all()
    for industry in plan.attrs["gap_industries"]:
        assert plan["industries"].map(lambda codes, i=industry: i in codes).sum() >= 2
    links = tables.links
    existing = set(zip(links["source"], links["target"], strict=True))
    assert not any(
        (e, p) in existing or (p, e) in existing
        for e, p in zip(plan["enterprise_id"], plan["platform_id"], strict=True)
    )
    assert plan.attrs["total_score"] == pytest.approx(plan["score"].sum(), abs=1e-5)


def test_big_networks_plan_within_each_enterprises_best_platforms(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import collabnet.recommend.plan as plan_module

    tables = load_tables(sample_dir)
    full = pairing_plan(tables, pairs=20, capacity=6)
    monkeypatch.setattr(plan_module, "POOL_CELLS", 100)
    pooled = pairing_plan(tables, pairs=20, capacity=6)
    assert pooled.attrs["pool"] == "each enterprise's 20 best open platforms"
    assert not pooled["enterprise_id"].duplicated().any()
    assert (pooled["platform_load"] <= 6).all()
    # Twenty platforms per enterprise leave the optimum within reach here.
    assert pooled.attrs["total_score"] == pytest.approx(full.attrs["total_score"], abs=1e-6)


def test_default_number_of_pairs_reaches_the_target(sample_dir: Path) -> None:
    plan = pairing_plan(load_tables(sample_dir))
    # The sample already has more than 100 co-built centres: one pair is still planned.
    assert plan.attrs["existing_centres"] > 100
    assert len(plan) == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_plan_written_to_excel_or_csv(sample_dir: Path, tmp_path: Path, suffix: str) -> None:
    plan = pairing_plan(load_tables(sample_dir), pairs=3)
    path = write_plan(plan, tmp_path / f"plan{suffix}")
    back = pd.read_excel(path, sheet_name="plan") if suffix == ".xlsx" else pd.read_csv(path)
    assert list(back["platform_id"]) == list(plan["platform_id"])
    assert back["reasons"].iat[0] == "\n".join(plan["reasons"].iat[0])


def test_cli_plan_writes_a_workbook(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(
        main, ["plan", str(sample_dir), "--pairs", "5", "--capacity", "6", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "5 pairs, total score" in result.output
    assert len(pd.read_excel(out, sheet_name="plan")) == 5


def test_cli_plan_infeasible_quota_exits_1(sample_dir: Path) -> None:
    result = CliRunner().invoke(main, ["plan", str(sample_dir), "--pairs", "3", "--quota", "5"])
    assert result.exit_code == 1
    assert "Error: quota" in result.output or "Error: quotas need" in result.output


def test_cli_plan_json(sample_dir: Path) -> None:
    result = CliRunner().invoke(main, ["plan", str(sample_dir), "--pairs", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["plan"] for r in json.loads(result.stdout)] == [1, 2]
