"""Every ``.cypher`` file parses cleanly with Neo4j's own Cypher parser.

The parser is the npm package ``@neo4j-cypher/language-support``, installed by
``scripts/setup.sh`` into ``scripts/cypher-lint/node_modules``; ``lint.mjs`` there
prints its diagnostics as JSON (and drops "Parameter $x is not defined", since every
statement takes parameters). No allow-list is needed: FalkorDB's own statements
(``CALL db.indexes()``, plain ``CREATE INDEX``) are valid Neo4j Cypher too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
LINTER = REPO / "scripts" / "cypher-lint"
CYPHER = REPO / "cypher"


def lint(paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run Neo4j's Cypher parser")
    if not (LINTER / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.skip(f"{LINTER}/node_modules is missing: run scripts/setup.sh (npm ci there)")
    done = subprocess.run(
        [node, str(LINTER / "lint.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, list[dict[str, Any]]] = json.loads(done.stdout)
    return result


def test_every_cypher_file_lints_clean() -> None:
    files = sorted(CYPHER.rglob("*.cypher"))
    assert files, f"no .cypher files under {CYPHER}"
    report = lint(files)
    assert sorted(report) == sorted(map(str, files))
    problems = [
        f"{Path(path).relative_to(REPO)}:{int(d['line']) + 1}:{int(d['character']) + 1}: "
        f"{d['message']}"
        for path, diagnostics in report.items()
        for d in diagnostics
    ]
    assert problems == [], "\n".join(problems)


def test_the_linter_catches_a_broken_statement(tmp_path: Path) -> None:
    broken = tmp_path / "broken.cypher"
    broken.write_text("MATCH (o:Organization {id: $id}) RETURN o.id AS id,\n", encoding="utf-8")
    fine = tmp_path / "fine.cypher"
    fine.write_text("MATCH (o:Organization {id: $id}) RETURN o.id AS id\n", encoding="utf-8")
    report = lint([broken, fine])
    assert report[str(fine)] == []
    assert [d["line"] for d in report[str(broken)]] == [0]
