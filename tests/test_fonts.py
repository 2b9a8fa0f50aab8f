"""A CJK font installed after matplotlib built its font cache is still found.

This is the README's order on a fresh machine: ``make demo`` builds the cache, then
``make test`` installs ``fonts-noto-cjk``. The cache below is written without any CJK
font, as ``make demo`` leaves it, and a new process must still draw Chinese labels.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from collabnet.outputs import figures

STALE_CACHE = """
import matplotlib
from matplotlib import font_manager
manager = font_manager.fontManager
manager.ttflist = [e for e in manager.ttflist if "CJK" not in e.name and "Han" not in e.name]
cache = f"fontlist-v{font_manager.FontManager.__version__}.json"
font_manager.json_dump(manager, matplotlib.get_cachedir() + "/" + cache)
"""

DRAW = """
import warnings
warnings.simplefilter("error")
from matplotlib import font_manager
assert not any("CJK" in e.name for e in font_manager.fontManager.ttflist), "cache not stale"
from collabnet.outputs import figures
from matplotlib.figure import Figure
family = figures.cjk_font_family()
figure = Figure()
with figures._cjk_fonts():
    figure.add_subplot().set_title("温州泵阀研究院")
    figure.savefig("out.png")
print(family)
"""


@pytest.mark.skipif(
    not figures._cjk_font_files(), reason="no CJK font installed (Debian: fonts-noto-cjk)"
)
def test_a_font_missing_from_a_stale_cache_is_found(tmp_path: Path) -> None:
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl")}
    subprocess.run([sys.executable, "-c", STALE_CACHE], env=env, check=True, cwd=tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", DRAW],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in figures.CJK_FAMILIES
    assert (tmp_path / "out.png").stat().st_size > 0


def test_without_any_cjk_font_none_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # The warning that then says to install one is checked in test_figures.py.
    manager = figures.font_manager.fontManager
    latin = [e for e in manager.ttflist if "CJK" not in e.name and "Han" not in e.name]
    monkeypatch.setattr(figures, "_cjk_font_files", list)
    monkeypatch.setattr(manager, "ttflist", latin)
    figures.cjk_font_family.cache_clear()
    try:
        assert figures.cjk_font_family() is None
    finally:
        figures.cjk_font_family.cache_clear()
