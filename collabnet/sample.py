"""Where the bundled synthetic sample lives (inside the wheel, or in a source checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["sample_path"]


def sample_path() -> Path:
    """The folder of the synthetic Wenzhou sample shipped with collabnet."""
    packaged = Path(str(resources.files("collabnet"))) / "sample"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data" / "sample"
