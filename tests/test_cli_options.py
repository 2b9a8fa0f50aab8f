"""Command-line options come from the analysis functions' signatures and docstrings."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from collabnet.analysis.centrality import centrality
from collabnet.cli import main
from collabnet.cli._options import options_from, parameter_help
from collabnet.snapshot import Snapshot


def _toy(
    snapshot: Snapshot,
    *,
    depth: int = 2,
    share: float = 0.5,
    label: str | None = None,
    strict: bool = False,
) -> None:
    """A toy analysis.

    Parameters
    ----------
    snapshot
        The network.
    depth
        How deep to look. More words that are not shown.
    share
        A share between ``0`` and ``1``, see :func:`~collabnet.analysis.kpi.kpi`.
    label
        A name.
    strict
        Refuse more.

    Returns
    -------
    None
    """


def test_parameter_help_takes_each_first_sentence() -> None:
    assert parameter_help(_toy) == {
        "snapshot": "The network.",
        "depth": "How deep to look.",
        "share": "A share between 0 and 1, see collabnet.analysis.kpi.kpi.",
        "label": "A name.",
        "strict": "Refuse more.",
    }


def test_options_keep_the_signature_types_and_defaults() -> None:
    seen: dict[str, object] = {}

    @click.command()
    @options_from(_toy, choices={"label": ("a", "b")})
    def command(options: dict[str, object]) -> None:
        seen.update(options)

    runner = CliRunner()
    assert runner.invoke(command, []).exit_code == 0
    assert seen == {"depth": 2, "share": 0.5, "label": None, "strict": False}
    result = runner.invoke(command, ["--depth", "3", "--share", "0.25", "--label", "b", "--strict"])
    assert result.exit_code == 0, result.output
    assert seen == {"depth": 3, "share": 0.25, "label": "b", "strict": True}
    refused = runner.invoke(command, ["--label", "c"])
    assert refused.exit_code == 2 and "'c' is not one of 'a', 'b'" in refused.output


def test_centrality_command_defaults_are_the_function_defaults() -> None:
    defaults = {name: p.default for name, p in inspect.signature(centrality).parameters.items()}
    help_text = CliRunner().invoke(main, ["centrality", "--help"], terminal_width=400).output
    lines = {line.split()[0]: line for line in help_text.splitlines() if line.strip()[:2] == "--"}
    for option in ("exact_limit", "pivots", "seed"):
        flag = "--" + option.replace("_", "-")
        assert f"[default: {defaults[option]}]" in lines[flag]


@pytest.mark.parametrize("command", ["centrality", "brokers", "communities", "gaps"])
def test_analysis_commands_have_help(command: str) -> None:
    assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0


@pytest.mark.parametrize(("given", "advised"), [(None, "False"), ("1", "True")])
def test_the_program_keeps_large_arrays_on_ordinary_pages(
    sample_dir: Path, given: str | None, advised: str
) -> None:
    """numpy's huge-page advice is off in the ``collabnet`` program unless the user's
    NUMPY_MADVISE_HUGEPAGE says otherwise."""
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if given is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = given
    # numpy is imported by the command, after the program has set its environment.
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('advised', "
        "sys.modules['numpy']._core.multiarray._get_madvise_hugepage()))\n"
        f"from collabnet.cli import run\nrun(['info', {str(sample_dir)!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.stdout.splitlines()[-1] == f"advised {advised}", done.stderr
