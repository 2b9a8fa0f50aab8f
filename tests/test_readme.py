"""Every ``collabnet`` line of the README runs as written.

Lines that need a Neo4j server are left to the Bolt suite, which runs the same commands
against a real one; lines that read the CORDIS data skip when it is absent.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from collabnet.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def readme_commands() -> list[str]:
    """The ``collabnet`` command lines of the README's bash blocks, continuations joined
    and comments dropped."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["collabnet"]:
                commands.append(shlex.join(words))
    return commands


def test_the_readme_has_commands() -> None:
    assert len(readme_commands()) >= 25


@pytest.mark.parametrize("line", readme_commands())
def test_readme_command_runs(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    words = shlex.split(line)[1:]
    if words[0] == "neo4j" or "--backend" in words:
        pytest.skip("needs a Neo4j server: the Bolt suite runs these against a real one")
    if any("../shared/" in word for word in words):
        if not SHARED.is_dir():
            pytest.skip(f"the shared CORDIS data is not at {SHARED}")
        words = [word.replace("../shared/", f"{SHARED}/") for word in words]
    # Outputs land in a folder of the test's own; inputs are read from the repository.
    for name in ("data", "tests"):
        (tmp_path / name).symlink_to(REPO / name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, words, prog_name="collabnet")
    assert result.exit_code == 0, f"{line}\n{result.output}{result.stderr}"
