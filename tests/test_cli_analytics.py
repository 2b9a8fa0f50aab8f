"""The analysis commands: help, the exact JSON the acceptance forms rely on, filters and
one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from collabnet.cli import main

COMMANDS = ("centrality", "brokers", "communities", "gaps", "kpi", "evolution")


def run(*args: str) -> tuple[int, str, str]:
    # Tables as a file receives them (160 columns), whatever terminal runs the tests.
    result = CliRunner(env={"COLUMNS": "160"}).invoke(main, list(args), prog_name="collabnet")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert out.startswith(f"Usage: collabnet {command} [OPTIONS] [DATA]")
    for option in ("--as-of", "--type", "--industry", "--top", "--format"):
        assert option in out


def test_centrality_json(in_repo: Path, sample_dir: Path) -> None:
    code, out, _ = run("centrality", "data/sample", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert isinstance(records, list)
    assert len(records) == 699
    assert {"id", "name", "type", "degree", "pagerank", "betweenness", "eigenvector"} <= set(
        records[0]
    )
    ranks = [r["pagerank"] for r in records]
    assert ranks == sorted(ranks, reverse=True)


def test_gaps_json(in_repo: Path, sample_dir: Path) -> None:
    code, out, _ = run("gaps", "data/sample", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert {"industry", "finding", "reason"} <= set(records[0])
    found = {(r["industry"], r["finding"]) for r in records}
    assert ("footwear", "no_rd_institution") in found
    assert ("pumps_valves", "declining_links") in found
    assert all(" / " in r["reason"] for r in records)


def test_filters_and_top(in_repo: Path, sample_dir: Path) -> None:
    code, out, _ = run(
        "centrality",
        "data/sample",
        "--type",
        "platform",
        "--industry",
        "鞋业",
        "--top",
        "2",
        "--format",
        "json",
    )
    assert code == 0
    records = json.loads(out)
    assert len(records) == 2
    assert {r["type"] for r in records} == {"platform"}
    code, out, _ = run("gaps", "data/sample", "--industry", "footwear", "--format", "json")
    assert {r["industry"] for r in json.loads(out)} == {"footwear"}


def test_bad_industry_is_a_one_line_error(in_repo: Path, sample_dir: Path) -> None:
    code, out, err = run("centrality", "data/sample", "--industry", "shipbuilding")
    assert code == 1
    assert out == ""
    lines = [line for line in err.splitlines() if line.startswith("Error")]
    assert len(lines) == 1
    assert lines[0].startswith("Error: unknown industry 'shipbuilding'; known industries:")
    assert err.rstrip().endswith(lines[0])


def test_option_that_does_not_apply(in_repo: Path, sample_dir: Path) -> None:
    code, _, err = run("gaps", "data/sample", "--type", "platform")
    assert code == 2
    assert "--type does not apply to `collabnet gaps`" in err


def test_sampled_note(in_repo: Path, sample_dir: Path) -> None:
    code, _, err = run(
        "centrality",
        "data/sample",
        "--exact-limit",
        "100",
        "--pivots",
        "10",
        "--seed",
        "4",
        "--top",
        "1",
    )
    assert code == 0
    assert "estimated from 10 pivots (seed 4)" in err


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (("brokers",), {"id", "constraint", "effective_size", "gatekeeper_representative"}),
        (("brokers", "--platforms"), {"id", "enterprises", "universities", "open_triads"}),
        (("communities",), {"community", "size", "without_platform", "main_industry"}),
        (("communities", "--members"), {"id", "community", "main_industry"}),
        (("communities", "--crosstab"), {"community", "footwear", "electrical"}),
        (("gaps", "--unlinked"), {"id", "name", "industries", "partners"}),
        (("kpi",), {"metric", "year", "value", "target", "target_year", "met"}),
        (("kpi", "--targets", "data/sample/targets.csv", "--year", "2024"), {"metric", "met"}),
        (("evolution",), {"year", "organizations", "density", "largest_component_share"}),
    ],
)
def test_json_keys(in_repo: Path, sample_dir: Path, args: tuple[str, ...], keys: set[str]) -> None:
    code, out, err = run(args[0], "data/sample", *args[1:], "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    assert records
    assert keys <= set(records[0])


def test_as_of(in_repo: Path, sample_dir: Path) -> None:
    code, out, _ = run("kpi", "data/sample", "--as-of", "2021", "--format", "json")
    assert code == 0
    assert {r["year"] for r in json.loads(out)} == {2021}
    code, out, _ = run("gaps", "data/sample", "--as-of", "2020", "--format", "json")
    assert code == 0
    assert json.loads(out)


def test_gaps_table_shows_the_bilingual_reason(in_repo: Path, sample_dir: Path) -> None:
    code, out, _ = run("gaps", "data/sample", "--industry", "footwear")
    assert code == 0
    assert "no_rd_institution" in out
    assert "reason_en" not in out


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["communities", "--crosstab", "--type", "platform"], "--type"),
        (["brokers", "--platforms", "--partition", "county"], "--partition"),
    ],
)
def test_options_a_view_ignores_are_refused(args: list[str], option: str) -> None:
    sample = str(Path(__file__).resolve().parents[1] / "data" / "sample")
    result = CliRunner().invoke(main, [args[0], sample, *args[1:]])
    assert result.exit_code == 2
    assert f"{option} does not apply to `collabnet {args[0]} " in result.output
