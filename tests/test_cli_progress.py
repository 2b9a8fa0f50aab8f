"""Long commands show a spinner on a terminal's stderr, and nothing extra elsewhere."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "collabnet", "info", "data/sample"]


def test_a_terminal_sees_what_the_command_is_doing() -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(COMMAND, cwd=REPO, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    text = seen.decode("utf-8", "replace")
    assert "reading and checking the files" in text
    assert "699 rows read" in text


def test_a_pipe_gets_only_the_report_lines() -> None:
    done = subprocess.run(COMMAND, cwd=REPO, capture_output=True, text=True, check=True)
    assert "reading and checking" not in done.stderr
    assert done.stderr.splitlines()[0].endswith("699 rows read, 699 kept, 0 rejected")
