"""The command line's contract: help for every command, the JSON of ``info``, the output
options, and the errors a person gets for a missing or wrong argument."""

from __future__ import annotations

import csv
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from collabnet.cli import main
from collabnet.cli._main import COMMANDS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="collabnet")
    return result.exit_code, result.stdout, result.stderr


def test_the_lazy_group_lists_every_command_the_modules_define() -> None:
    for module in set(COMMANDS.values()):
        importlib.import_module(f"collabnet.cli.{module}")
    assert set(main.commands) == set(COMMANDS)


def test_version_does_not_load_the_library() -> None:
    code = (
        "import sys; from collabnet.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'networkx', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("[]")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert out.startswith(f"Usage: collabnet {command} ")
    summary = out.split("\n\n")[1].strip()
    assert summary, f"{command} has no description"


def test_the_group_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    listed = out.split("Commands:")[1]
    for command in main.commands:
        assert f"\n  {command} " in listed


def test_info_json_on_the_sample(in_repo: Path, sample_dir: Path) -> None:
    code, out, err = run("info", "data/sample", "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    organizations = pd.read_csv(sample_dir / "organizations.csv", dtype=str)
    links = pd.read_csv(sample_dir / "links.csv", dtype=str)
    assert summary["organizations"] == len(organizations)
    assert summary["links"] == len(links)
    assert summary["by_type"] == organizations["type"].value_counts().to_dict()
    assert err.splitlines() == [
        f"data/sample/organizations.csv: {len(organizations)} rows read, "
        f"{len(organizations)} kept, 0 rejected",
        f"data/sample/links.csv: {len(links)} rows read, {len(links)} kept, 0 rejected",
    ]


def test_info_csv(in_repo: Path) -> None:
    code, out, _ = run("info", "tests/data/tiny", "--format", "csv")
    assert code == 0
    rows = dict(csv.reader(io.StringIO(out)))
    assert rows.pop("key") == "value"
    assert (rows["organizations"], rows["links"]) == ("7", "9")
    assert rows["by_type"] == "enterprise=3, platform=2, university=2"


def test_info_table(in_repo: Path) -> None:
    code, out, _ = run("info", "tests/data/tiny")
    assert code == 0
    assert "network summary" in out
    assert "│ organizations" in out


def test_output_goes_to_a_file(in_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    code, out, err = run("info", "tests/data/tiny", "--format", "json", "--output", str(target))
    assert code == 0
    assert out == ""
    assert err.splitlines()[-1] == f"written to {target}"
    _, printed, _ = run("info", "tests/data/tiny", "--format", "json")
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(printed)


def test_files_named_explicitly(in_repo: Path) -> None:
    code, out, _ = run(
        "info",
        "--orgs",
        "tests/data/good/xlsx_sheets/organizations.xlsx",
        "--links",
        "tests/data/good/xlsx_sheets/links.xlsx",
        "--sheet",
        "数据",
        "--format",
        "json",
    )
    assert code == 0
    assert (json.loads(out)["organizations"], json.loads(out)["links"]) == (7, 9)


def test_duplicates_lists_the_pairs(tmp_path: Path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nE1,浙江恒达阀门股份有限公司,企业\nE2,浙江恒达阀门有限公司,企业\n"
        "E3,ＡＢＣ科技有限公司,企业\nE4,abc科技,企业\nU1,温州大学,高校\n",
        encoding="utf-8",
    )
    code, out, _ = run("duplicates", str(tmp_path), "--format", "json")
    assert code == 0
    assert [(r["key"], r["id"]) for r in json.loads(out)] == [
        ("abc科技", "E3"),
        ("abc科技", "E4"),
        ("浙江恒达阀门", "E1"),
        ("浙江恒达阀门", "E2"),
    ]


def test_no_data_is_a_usage_error() -> None:
    code, _, err = run("info")
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: give DATA (a folder) or --orgs/--links or --participations"
    )


def test_a_path_that_does_not_exist(in_repo: Path) -> None:
    code, _, err = run("info", "nowhere")
    assert code == 2
    assert (
        err.splitlines()[-1] == "Error: Invalid value for '[DATA]': Path 'nowhere' does not exist."
    )


def test_a_folder_without_organisations(in_repo: Path) -> None:
    code, out, err = run("validate", "tests")
    assert code == 1
    assert out == ""
    assert err == (
        "Error: tests: no organizations file found "
        "(expected organizations.csv/.xlsx, or a participations file)\n"
    )


def test_validate_has_no_lenient_mode(in_repo: Path) -> None:
    # validate has no --lenient: it reports, it does not drop.
    code, _, err = run("validate", "tests/data/tiny", "--lenient")
    assert code == 2
    assert "No such option '--lenient'" in err


def test_the_terminal_lists_twenty_rejected_rows_and_counts_the_rest(tmp_path: Path) -> None:
    rows = "".join(f"E{i},机构{i},工厂\n" for i in range(25))
    (tmp_path / "organizations.csv").write_text(
        "id,name,type\nP1,平台甲,平台\n" + rows, encoding="utf-8"
    )
    code, _, err = run("info", str(tmp_path), "--lenient", "--format", "json")
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == f"{tmp_path / 'organizations.csv'}: 26 rows read, 1 kept, 25 rejected"
    assert lines[1] == "rejected rows (use --rejects FILE to save them):"
    assert len(lines) == 2 + 20 + 1
    assert lines[2].startswith(f"  {tmp_path / 'organizations.csv'}, row 3, column 'type': ")
    assert lines[-1] == "  ... and 5 more"
