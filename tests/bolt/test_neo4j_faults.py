"""A push whose server dies half-way fails with one line naming the batch, and a rerun
after the restart completes it: exact counts, no duplicates."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from collabnet.backends.neo4j import Neo4jBackend
from collabnet.errors import BackendError
from collabnet.tables import load_tables

pytestmark = pytest.mark.bolt

ORGANIZATIONS = 1_500
LINKS = 6_000
KINDS = ("cooperation", "joint_project", "co_built_centre", "incubation", "co_founding")


def write_network(folder: Path, seed: int = 7) -> Path:
    """A random network big enough for a few hundred batches on FalkorDB."""
    rng = np.random.default_rng(seed)
    folder.mkdir()
    types = rng.choice(["platform", "enterprise", "university", "institute"], ORGANIZATIONS)
    ids = [f"{t[0].upper()}{i:05d}" for i, t in enumerate(types)]
    pd.DataFrame(
        {
            "id": ids,
            "name": [f"合成机构{i}" for i in range(ORGANIZATIONS)],
            "type": types,
            "industries": rng.choice(["pumps_valves", "footwear;apparel", ""], ORGANIZATIONS),
            "founded": rng.integers(1990, 2020, ORGANIZATIONS),
        }
    ).to_csv(folder / "organizations.csv", index=False)
    source = rng.integers(0, ORGANIZATIONS, LINKS)
    target = (source + rng.integers(1, ORGANIZATIONS, LINKS)) % ORGANIZATIONS
    pd.DataFrame(
        {
            "source": [ids[i] for i in source],
            "target": [ids[i] for i in target],
            "kind": rng.choice(KINDS, LINKS),
            "year": rng.integers(2015, 2025, LINKS),
            "weight": rng.integers(1, 4, LINKS),
            "funding": np.round(rng.uniform(0, 500, LINKS), 1),
        }
    ).drop_duplicates().to_csv(folder / "links.csv", index=False)
    return folder


@pytest.mark.slow
def test_killed_server_mid_push_then_rerun_completes(
    tmp_path: Path,
    falkordb_server: Callable[..., Any],
    collabnet: Callable[..., list[str]],
    env_for: Callable[..., dict[str, str]],
) -> None:
    data = write_network(tmp_path / "data")
    tables = load_tables(data)
    server = falkordb_server(persistent=True)
    server.start()

    def start_push() -> subprocess.Popen[str]:
        return subprocess.Popen(
            collabnet("neo4j", "push", str(data), "--retry-seconds", "1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_for(server.uri, server.user, server.password),
        )

    push = start_push()
    try:
        assert push.stderr is not None
        seen = []
        for line in push.stderr:
            seen.append(line)
            if line.startswith("links: batch"):
                # Freeze the push between two batches, keep what is written, crash the server.
                os.kill(push.pid, signal.SIGSTOP)
                break
        else:
            pytest.fail("the push ended before its links phase:\n" + "".join(seen))
        server.save()
        server.kill()
    except BaseException:
        # Whatever failed above, the frozen push must not outlive the test.
        push.kill()
        push.communicate()
        raise
    os.kill(push.pid, signal.SIGCONT)
    _, rest = push.communicate(timeout=120)
    stderr = "".join(seen) + rest
    assert push.returncode == 1, stderr
    last = stderr.strip().splitlines()[-1]
    found = re.fullmatch(
        r"Error: push failed at links batch (\d+) of (\d+) \(\w+ links from rows (\d+)–(\d+)\): "
        r"cannot reach the graph database at bolt://127\.0\.0\.1:\d+: .+; is it running\?",
        last,
    )
    assert found, last
    batch, batches, first, final = map(int, found.groups())
    assert 1 < batch < batches and 1 <= first <= final <= len(tables.links)
    assert "Traceback" not in stderr

    server.start()
    with Neo4jBackend(server.uri, user=server.user, password=server.password) as backend:
        counts = backend.counts()
        written = sum(counts["relationships"].get(k.upper(), 0) for k in KINDS)
        assert counts["nodes"]["Organization"] == len(tables.organizations)
        assert 0 < written < len(tables.links)
        with pytest.raises(BackendError, match=r"the last push .* did not finish"):
            backend.pull()

    server.settle()
    rerun = start_push()
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    server.settle()
    with Neo4jBackend(server.uri, user=server.user, password=server.password) as backend:
        counts = backend.counts()
        pulled = backend.pull()
    kinds = tables.links["kind"].value_counts()
    expected = {str(kind).upper(): int(n) for kind, n in kinds.items()}
    assert {t: counts["relationships"][t] for t in expected} == expected
    assert counts["nodes"]["Organization"] == len(tables.organizations)
    key = ["source", "target", "kind", "year", "weight", "funding"]
    pd.testing.assert_frame_equal(
        pulled.links.sort_values(key).reset_index(drop=True),
        tables.links.sort_values(key).reset_index(drop=True),
    )
