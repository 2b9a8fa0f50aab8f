"""One driver per backend, statements run by name, and errors said in one line.

Every statement goes through a managed transaction (``execute_read``/``execute_write``),
so the driver retries transient failures (a server restarting, a lost connection).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo4j_errors

from collabnet.backends.cypher_catalog import Query, get_query
from collabnet.errors import BackendError

__all__ = ["DEFAULT_URI", "DRIVER_ERRORS", "Connection", "translate_error"]

DEFAULT_URI = "bolt://localhost:7687"
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
# What the driver raises when the server refuses a statement or cannot be reached.
DRIVER_ERRORS = (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError)


class Connection:
    """A driver connected to one Neo4j server and database.

    The password is handed to the driver and not kept. A server that is not Neo4j (one
    that only speaks Bolt, such as FalkorDB) is refused when connecting: collabnet relies
    on Neo4j's constraints, its Cypher and, when present, its Graph Data Science library.
    """

    def __init__(
        self,
        uri: str,
        *,
        user: str,
        password: str | None,
        database: str | None,
        retry_seconds: float,
        connection_timeout: float,
    ) -> None:
        self.uri = uri
        self.user = user
        self.database = database or None
        auth = (user, password) if password is not None else None
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in _SCHEMES:
            raise BackendError(
                f"'{uri}' is not a Bolt address (expected e.g. bolt://localhost:7687 "
                "or neo4j+s://<id>.databases.neo4j.io)"
            )
        try:
            self._driver: Driver = GraphDatabase.driver(
                uri,
                auth=auth,
                max_transaction_retry_time=retry_seconds,
                connection_timeout=connection_timeout,
                connection_acquisition_timeout=connection_timeout + 5,
                # The server's notes on statements (such as a property no node has yet,
                # which an optional column gives) would reach the terminal as warnings.
                notifications_min_severity="OFF",
            )
        except (ValueError, neo4j_errors.ConfigurationError) as err:
            raise BackendError(
                f"'{uri}' is not a Bolt address (expected e.g. bolt://localhost:7687 "
                f"or neo4j+s://<id>.databases.neo4j.io): {_one_line(err)}"
            ) from err
        try:
            self.agent: str = self._driver.get_server_info().agent
            self.version: str = self._check_server()
        except DRIVER_ERRORS as err:
            self._driver.close()
            raise self.error(err) from err
        except BackendError:
            self._driver.close()
            raise

    def close(self) -> None:
        self._driver.close()

    def _check_server(self) -> str:
        """The Neo4j version; refuses a server that does not answer as Neo4j does."""
        try:
            components = self._run(get_query("server/neo4j_components"), {}, write=False)
        except neo4j_errors.DatabaseError as err:
            raise self._not_neo4j() from err
        for row in components:
            if "neo4j" in str(row.get("name", "")).lower():
                return str((row.get("versions") or ["?"])[0])
        raise self._not_neo4j()

    def _not_neo4j(self) -> BackendError:
        return BackendError(
            f"the server at {self.uri} ({self.agent}) is not Neo4j: collabnet needs Neo4j 5 "
            "(start one with `make neo4j`)"
        )

    def read(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """The records of statement ``query_name``, run in a read transaction."""
        return self.run(get_query(query_name), params, write=False)

    def read_columns(
        self, query_name: str, /, *, spread: Sequence[str] = (), **params: Any
    ) -> dict[str, list[Any]]:
        """The records of statement ``query_name`` gathered a column at a time (a list
        of values per column, never a dict per record), for statements that return a
        row per organisation. With ``spread``, the statement returns one map per record
        and these are its keys: one list each (``None`` where a map lacks the key)."""
        query = get_query(query_name)

        def work(tx: ManagedTransaction) -> dict[str, list[Any]]:
            result = tx.run(query.text, dict(params))
            keys = list(spread) or list(result.keys())
            columns: list[list[Any]] = [[] for _ in keys]
            for record in result:
                if spread:
                    found = record[0]
                    for column, key in zip(columns, keys, strict=True):
                        column.append(found.get(key))
                else:
                    for column, value in zip(columns, record.values(), strict=True):
                        column.append(value)
            return dict(zip(keys, columns, strict=True))

        try:
            with self._driver.session(database=self.database) as session:
                gathered: dict[str, list[Any]] = session.execute_read(work)
        except DRIVER_ERRORS as err:
            raise self.error(err) from err
        return gathered

    def write(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """The records of statement ``query_name``, run in a write transaction."""
        return self.run(get_query(query_name), params, write=True)

    def run(self, query: Query, params: Mapping[str, Any], *, write: bool) -> list[dict[str, Any]]:
        """The records of ``query``; driver errors become one line."""
        try:
            return self._run(query, params, write=write)
        except DRIVER_ERRORS as err:
            raise self.error(err) from err

    def _run(self, query: Query, params: Mapping[str, Any], *, write: bool) -> list[dict[str, Any]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query.text, dict(params))]

        with self._driver.session(database=self.database) as session:
            run = session.execute_write if write else session.execute_read
            result: list[dict[str, Any]] = run(work)
        return result

    def error(self, err: BaseException) -> BackendError:
        return translate_error(err, uri=self.uri, user=self.user, database=self.database)


def translate_error(
    err: BaseException, *, uri: str, user: str, database: str | None
) -> BackendError:
    """A one-line :class:`BackendError` saying what went wrong, in the user's terms."""
    if isinstance(err, neo4j_errors.AuthError):
        return BackendError(
            f"the graph database at {uri} refused the credentials of user '{user}' "
            "(set NEO4J_PASSWORD, or use --ask-password)"
        )
    code = getattr(err, "code", None) or ""
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return BackendError(f"the server at {uri} has no database '{database}'")
    if isinstance(err, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        return BackendError(
            f"cannot reach the graph database at {uri}: {_reason(err)}; is it running?"
        )
    if isinstance(err, neo4j_errors.Neo4jError):
        message = _one_line(getattr(err, "message", None) or err)
        return BackendError(f"the graph database refused a statement ({code}): {message}")
    return BackendError(f"graph database error at {uri}: {_one_line(err)}")


def _one_line(err: BaseException) -> str:
    return re.sub(r"\s+", " ", str(err)).strip()[:300]


def _reason(err: BaseException) -> str:
    """The useful part of a driver's connection error (e.g. 'Connection refused')."""
    text = _one_line(err)
    found = re.search(r"reason (.+?)\)*$", text)
    if found:
        return re.sub(r"^\[Errno -?\d+\]\s*", "", found.group(1))
    cause = err.__cause__
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__
    return text
