"""A real Neo4j 5 with Graph Data Science on a loopback Bolt port, for the tests.

It runs ``scripts/neo4j/run.sh``: an embedded Neo4j Community 5.26 with the GDS library,
started from the jars that ``scripts/setup.sh`` (``scripts/neo4j/resolve.sh``) copied
from Maven Central into ``.neo4j/lib``. Bolt listens on 127.0.0.1 only, authentication
is on (user ``neo4j``), and the store lives in the folder you give, so a server started
again on the same folder after :meth:`Neo4jServer.kill` finds its data (after recovery).
Nothing here needs the network once the jars are there.

The JVM runs in its own process group and is stopped by its own process id, never by
name. Where util-linux's ``setpriv`` is installed, the JVM also gets SIGTERM when the
thread that started it ends (``PR_SET_PDEATHSIG``): a test run or benchmark that is
killed before it can stop its server does not leave the server running.

Starting takes some 15 s on two idle cores and a minute or more on busy ones (loading
classes and warming up Cypher), so share one server per test session and give each test
a clean database.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

__all__ = ["FAST_START", "Neo4jServer", "Neo4jServerError", "lib_folder", "neo4j_available"]

ROOT = Path(__file__).resolve().parents[1]
RUN_SCRIPT = ROOT / "scripts" / "neo4j" / "run.sh"
POM = ROOT / "scripts" / "neo4j" / "pom.xml"
_HOST = "127.0.0.1"
_READY = "ready: "
# JIT with C1 only: less compile work while Neo4j and Cypher warm up (see Neo4jServer).
FAST_START = ("-XX:TieredStopAtLevel=1",)
# SIGTERM to the server when the thread that started it ends (kept across run.sh's exec
# of the JVM); without setpriv the server outlives a killed parent.
_SETPRIV = shutil.which("setpriv")
_STOP_WITH_PARENT = (_SETPRIV, "--pdeathsig", "TERM", "--") if _SETPRIV else ()


class Neo4jServerError(RuntimeError):
    """The Neo4j process did not start, or could not be stopped."""


def lib_folder() -> Path:
    """Where the Neo4j and GDS jars are: ``$NEO4J_LIB``, else ``.neo4j/lib`` in the repo."""
    configured = os.environ.get("NEO4J_LIB")
    return Path(configured) if configured else ROOT / ".neo4j" / "lib"


@functools.cache
def neo4j_available() -> str | None:
    """Why a Neo4j server cannot be started here, or ``None`` when it can.

    Checks for ``java`` (17 or later) on the PATH and for jars resolved from the current
    ``scripts/neo4j/pom.xml`` (the stamp ``scripts/neo4j/resolve.sh`` writes).
    """
    java = shutil.which("java")
    if java is None:
        return "java not found on PATH: install a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
    if shutil.which("javac") is None:
        return "javac not found on PATH: install a JDK 17+, not only a JRE"
    try:
        version = subprocess.run(
            [java, "-XshowSettings:properties", "-version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"java does not run: {error}"
    for line in version.splitlines():
        if line.strip().startswith("java.specification.version ="):
            spec = line.split("=", 1)[1].strip()
            if not spec.isdigit() or int(spec) < 17:
                return f"Neo4j 5 needs Java 17 or later, found {spec}"
    stamp = lib_folder() / ".stamp"
    if not stamp.is_file():
        return f"Neo4j jars not resolved in {lib_folder()}: run `make setup`"
    if stamp.read_text().strip() != hashlib.sha256(POM.read_bytes()).hexdigest():
        return (
            f"Neo4j jars in {lib_folder()} are older than scripts/neo4j/pom.xml: run `make setup`"
        )
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((_HOST, 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path} not found)"
    return "\n".join(text.splitlines()[-lines:])


class Neo4jServer:
    """One embedded Neo4j + GDS process on a loopback Bolt port, with its store in ``folder``.

    Parameters
    ----------
    folder
        The DBMS home: stores and transaction logs (``data/``), Neo4j's logs (``logs/``:
        ``neo4j.log``, ``debug.log``) and the launcher's output (``launcher.log``).
    port
        Bolt port; by default a free one is picked at the first :meth:`start` and kept
        for later starts, so clients can reconnect to the same :attr:`uri`.
    password
        Password of the user ``neo4j`` (at least 8 characters, Neo4j's default rule).
    java_options
        Extra JVM options (``NEO4J_JAVA_OPTS`` of ``scripts/neo4j/run.sh``). The default,
        C1 only, starts about a third faster on two busy cores; queries on large graphs
        run slower. Pass ``()`` for the JVM's full JIT (benchmarks).

    Examples
    --------
    >>> with Neo4jServer(tmp_path) as server:  # doctest: +SKIP
    ...     driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)
    """

    user = "neo4j"

    def __init__(
        self,
        folder: str | Path,
        *,
        port: int | None = None,
        password: str = "collabnet-test",
        java_options: Sequence[str] = FAST_START,
    ) -> None:
        self.folder = Path(folder).resolve()
        self.password = password
        self.java_options = tuple(java_options)
        self.port = port or 0
        self._fixed_port = port is not None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def uri(self) -> str:
        """``bolt://127.0.0.1:PORT``."""
        return f"bolt://{_HOST}:{self.port}"

    @property
    def auth(self) -> tuple[str, str]:
        """``(user, password)`` for the driver."""
        return (self.user, self.password)

    @property
    def pid(self) -> int | None:
        """The JVM's process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def log(self) -> Path:
        """The launcher's stdout and stderr (the ``ready:`` line, start-up errors)."""
        return self.folder / "launcher.log"

    def start(self, timeout: float = 180.0) -> None:
        """Start the server and wait until Bolt accepts ``neo4j`` with :attr:`password`.

        Raises
        ------
        Neo4jServerError
            When the process exits or is not ready within ``timeout`` seconds; the
            message carries the end of its logs.
        """
        if self.running:
            return
        reason = neo4j_available()
        if reason is not None:
            raise Neo4jServerError(f"cannot start Neo4j: {reason}")
        self.folder.mkdir(parents=True, exist_ok=True)
        attempts = 1 if self._fixed_port or self.port else 3
        for attempt in range(attempts):
            if not self._fixed_port and not self.port:
                self.port = _free_port()
            try:
                self._launch()
                self._wait_until_ready(timeout)
                return
            except Neo4jServerError:
                self.kill()
                # Another process may have taken the free port we picked: pick again.
                in_use = "Address already in use" in _tail(self.log, 200)
                if attempt + 1 < attempts and in_use:
                    self.port = 0
                    continue
                raise

    def _launch(self) -> None:
        env = dict(os.environ)
        env.update(
            NEO4J_PORT=str(self.port),
            NEO4J_PASSWORD=self.password,
            NEO4J_DATA=str(self.folder),
            NEO4J_LIB=str(lib_folder()),
            NEO4J_JAVA_OPTS=" ".join(self.java_options),
        )
        with self.log.open("ab") as log:
            log.write(f"--- start on port {self.port} at {time.ctime()}\n".encode())
            log.flush()
            self._log_offset = log.tell()
            # run.sh execs the JVM: the PID is the JVM's, in a process group of its own.
            self._process = subprocess.Popen(
                [*_STOP_WITH_PARENT, "bash", str(RUN_SCRIPT)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )

    def _wait_until_ready(self, timeout: float) -> None:
        assert self._process is not None
        expected = f"{_READY}{self.uri}"
        deadline = time.monotonic() + timeout
        while True:
            if expected in self._new_output():
                return
            status = self._process.poll()
            if status is not None:
                if expected in self._new_output():
                    return
                raise Neo4jServerError(
                    f"Neo4j exited with status {status} before it was ready\n{self._diagnosis()}"
                )
            if time.monotonic() > deadline:
                raise Neo4jServerError(
                    f"Neo4j was not ready within {timeout:.0f} s\n{self._diagnosis()}"
                )
            time.sleep(0.1)

    def _new_output(self) -> str:
        """What the launcher printed since the last start."""
        with self.log.open("rb") as log:
            log.seek(self._log_offset)
            return log.read().decode(errors="replace")

    def _diagnosis(self) -> str:
        return (
            f"--- {self.log} (end):\n{_tail(self.log)}\n"
            f"--- {self.folder / 'logs' / 'neo4j.log'} (end):\n"
            f"{_tail(self.folder / 'logs' / 'neo4j.log', 15)}"
        )

    def stop(self, timeout: float = 60.0) -> None:
        """Shut the server down cleanly (SIGTERM to its PID); SIGKILL after ``timeout`` s."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self._process = None

    def kill(self) -> None:
        """SIGKILL the server at once, as a crash would (its process group, by PID)."""
        process = self._process
        if process is None:
            return
        # The group is the one start() made for this process; its leader is not reaped
        # yet (at worst a zombie), so the group id cannot belong to anything else.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        self._process = None

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
