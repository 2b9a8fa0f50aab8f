"""The Examples in collabnet's docstrings run, from the repository root, as written.

Every module whose source holds an example is collected, so modules added later are
covered without touching this file.
"""

from __future__ import annotations

import doctest
import importlib
import io
from pathlib import Path

import pytest

import collabnet

PACKAGE = Path(collabnet.__file__).parent
REPO = PACKAGE.parent


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(REPO).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("module_name", _modules_with_examples())
def test_docstring_examples_run(
    module_name: str, monkeypatch: pytest.MonkeyPatch, sample_dir: Path
) -> None:
    # The examples read data/sample relative to the repository root, as a reader would.
    monkeypatch.chdir(REPO)
    module = importlib.import_module(module_name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    assert tests, f"{module_name} mentions >>> but has no runnable example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    for test in tests:
        runner.run(test, out=report.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, report.getvalue()
