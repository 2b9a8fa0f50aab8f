"""A real Neo4j 5 with Graph Data Science for the Neo4j backend's tests.

One server (``tests/neo4j_server.py``: the embedded Neo4j that ``make neo4j`` starts)
runs for the whole session on a free loopback port in a temporary folder, and is stopped
by its own PID. A second one, without the GDS library on its plugin path, starts only
when a test asks for it (the contract tests' "Neo4j without GDS", and the crash test,
which kills it and starts it again on the same store). Every test gets an empty
database: collabnet's nodes are deleted first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from collabnet.backends.neo4j import Neo4jBackend
from collabnet.cli import main
from tests.bolt.servers import BoltTarget, cli_env, connect, need_neo4j, start_server, target_of

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bolt_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltTarget]:
    """The session's Neo4j with GDS."""
    need_neo4j()
    server = start_server(tmp_path_factory.mktemp("neo4j-gds"))
    try:
        yield target_of(server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def bare_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltTarget]:
    """A second Neo4j, without the Graph Data Science library, started on first use."""
    need_neo4j()
    server = start_server(tmp_path_factory.mktemp("neo4j-bare"), gds=False)
    try:
        yield target_of(server)
    finally:
        server.stop()


def collabnet_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "collabnet", *args]


@pytest.fixture
def collabnet() -> Callable[..., list[str]]:
    """The command line that runs ``collabnet ARGS...`` with this interpreter."""
    return collabnet_command


@pytest.fixture
def env_for() -> Callable[[str, str, str | None], dict[str, str]]:
    """Environment for a ``collabnet`` subprocess connecting to (uri, user, password)."""
    return cli_env


@pytest.fixture(scope="session")
def session_backend(bolt_target: BoltTarget) -> Iterator[Neo4jBackend]:
    """One connection for the whole session."""
    connection = connect(bolt_target, retry_seconds=5.0)
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def backend(session_backend: Neo4jBackend) -> Neo4jBackend:
    """The session's connection to an empty database (collabnet's nodes deleted first)."""
    session_backend.drop()
    return session_backend


@pytest.fixture(scope="session")
def bare_session_backend(bare_target: BoltTarget) -> Iterator[Neo4jBackend]:
    connection = connect(bare_target, retry_seconds=5.0)
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def bare_backend(bare_session_backend: Neo4jBackend) -> Neo4jBackend:
    """A connection to an empty database on the Neo4j without GDS."""
    bare_session_backend.drop()
    return bare_session_backend


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(bolt_target: BoltTarget) -> Callable[..., CliResult]:
    """Runs ``collabnet ARGS...`` connected to the test server: in this process (fast),
    or with ``process=True`` in a subprocess of its own."""

    def run(
        *args: str, env: dict[str, str] | None = None, process: bool = False, typed: str = ""
    ) -> CliResult:
        env = env or bolt_target.env()
        if process:
            done = subprocess.run(
                collabnet_command(*args),
                capture_output=True,
                text=True,
                timeout=180,
                cwd=REPO,
                env=env,
            )
            return CliResult(done.returncode, done.stdout, done.stderr)
        changes: dict[str, str | None] = {k: None for k in os.environ if k.startswith("NEO4J_")}
        changes.update({k: v for k, v in env.items() if k.startswith("NEO4J_")})
        invoked = CliRunner(env=changes).invoke(main, list(args), input=typed or None)
        return CliResult(invoked.exit_code, invoked.stdout, invoked.stderr)

    return run
