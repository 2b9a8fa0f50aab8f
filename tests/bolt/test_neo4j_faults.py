"""A push whose server dies half-way fails with one line naming the batch, and a rerun
after the restart completes it: exact counts, no duplicates.

The server is the session's Neo4j without GDS: it is killed with SIGKILL (the JVM, by
its PID) between two batches and started again on the same store, which Neo4j recovers
from its transaction log.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from collabnet.backends.neo4j import Neo4jBackend
from collabnet.errors import BackendError
from collabnet.tables import load_tables
from tests.bolt.servers import KINDS, BoltTarget, connect, restart, write_network

pytestmark = pytest.mark.bolt


@pytest.mark.slow
def test_killed_server_mid_push_then_rerun_completes(
    tmp_path: Path,
    bare_backend: Neo4jBackend,
    bare_target: BoltTarget,
    collabnet: Callable[..., list[str]],
    env_for: Callable[..., dict[str, str]],
) -> None:
    data = write_network(tmp_path / "data")
    tables = load_tables(data)
    server = bare_target.server

    def start_push() -> subprocess.Popen[str]:
        return subprocess.Popen(
            collabnet("neo4j", "push", str(data), "--retry-seconds", "1", "--batch-rows", "250"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_for(bare_target.uri, bare_target.user, bare_target.password),
        )

    push = start_push()
    try:
        assert push.stderr is not None
        seen = []
        for line in push.stderr:
            seen.append(line)
            if line.startswith("links: batch"):
                # Freeze the push between two batches, then crash the server.
                os.kill(push.pid, signal.SIGSTOP)
                break
        else:
            pytest.fail("the push ended before its links phase:\n" + "".join(seen))
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

    restart(server, gds=False)
    with connect(bare_target) as backend:
        counts = backend.counts()
        written = sum(counts["relationships"].get(k.upper(), 0) for k in KINDS)
        assert counts["nodes"]["Organization"] == len(tables.organizations)
        assert 0 < written < len(tables.links)
        with pytest.raises(BackendError, match=r"the last push .* did not finish"):
            backend.pull()

    rerun = start_push()
    _, err = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, err
    with connect(bare_target) as backend:
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
