"""The one Neo4j driver of a process, and the only way Lockstep talks to the database.

Every query goes through :class:`Graph`: managed transactions (the driver retries transient
failures), the database name always passed, parameters always ``$parameters``. Connection and
authentication failures become :class:`~graph.errors.LockstepError` messages with a next step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from neo4j import Driver, GraphDatabase, Query, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import GraphAuthError, GraphUnavailable
from graph.settings import Neo4jSettings, SettingsError, redacted, resolve_settings, retry_seconds

_lock = threading.Lock()
_drivers: dict[tuple[str, str, str], Driver] = {}


def _driver_for(settings: Neo4jSettings) -> Driver:
    retry = retry_seconds()
    key = (settings.uri, settings.user, settings.password, retry)
    with _lock:
        driver = _drivers.get(key)
        if driver is None:
            try:
                driver = GraphDatabase.driver(
                    settings.uri,
                    auth=(settings.user, settings.password),
                    max_transaction_retry_time=retry,
                    connection_acquisition_timeout=retry,
                    notifications_min_severity="OFF",  # "unknown label" hints on empty graphs
                )
            except (ConfigurationError, ValueError) as exc:
                # the driver's messages repeat the URI: say what is wrong, never the URI itself
                why = str(exc).split(" Given URI")[0].replace(settings.uri, redacted(settings.uri))
                raise SettingsError(f"the Neo4j driver cannot use NEO4J_URI "
                                    f"{redacted(settings.uri)}: {why}") from None
            _drivers[key] = driver
        return driver


def close_all() -> None:
    """Close every driver of this process (tests and long-lived apps call it on exit)."""
    with _lock:
        for driver in _drivers.values():
            driver.close()
        _drivers.clear()


@contextmanager
def translate_errors(settings: Neo4jSettings) -> Iterator[None]:
    try:
        yield
    except AuthError:
        raise GraphAuthError(
            f"Neo4j at {settings.uri} refused the credentials of user {settings.user!r}. Check "
            "NEO4J_USER and NEO4J_PASSWORD (environment or .env); for the local server, unset "
            "NEO4J_URI so Lockstep uses the password it generated."
        ) from None
    except (ServiceUnavailable, SessionExpired, TransientError, DriverError, OSError) as exc:
        raise GraphUnavailable(
            f"Neo4j at {settings.uri} cannot be reached ({exc.__class__.__name__}: {exc}). Start the "
            "local server with `lockstep db start`, or check NEO4J_URI; with docker compose, "
            "`docker compose up -d neo4j`."
        ) from None


class Graph:
    """A handle on one database of one server; cheap to create, shares the process's driver."""

    def __init__(self, settings: Neo4jSettings | None = None) -> None:
        self.settings = settings or resolve_settings()
        self.database = self.settings.database
        self.driver = _driver_for(self.settings)

    @property
    def _bookmarks(self) -> Any:
        """Bookmarks chain one query to the writes before it, for clusters. The local server is a
        single instance (a committed write is visible to the next query anyway), and a bulk import
        replaces its database with one whose transaction ids start lower: another process's
        bookmarks would then wait for a transaction that never comes. So: none there."""
        return None if self.settings.local_data_dir else self.driver.execute_query_bookmark_manager

    def reconnect(self) -> None:
        """Close the pooled connections to this server and open a new driver (after a restart)."""
        key = (self.settings.uri, self.settings.user, self.settings.password)
        with _lock:
            old = _drivers.pop(key, None)
        if old is not None:
            old.close()
        self.driver = _driver_for(self.settings)

    def check(self) -> str:
        """Verify login and database; return the server's version string."""
        rows = self.read("CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition AS e")
        return f"Neo4j {rows[0]['v']} {rows[0]['e']}"

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with translate_errors(self.settings):
            records, _, _ = self.driver.execute_query(
                Query(query), parameters_=params, database_=self.database, bookmark_manager_=self._bookmarks,
                routing_=RoutingControl.READ,
            )
        return [r.data() for r in records]

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with translate_errors(self.settings):
            records, _, _ = self.driver.execute_query(
                Query(query), parameters_=params, database_=self.database, bookmark_manager_=self._bookmarks,
                routing_=RoutingControl.WRITE,
            )
        return [r.data() for r in records]

    def write_counters(self, query: str, **params: Any) -> dict[str, int]:
        """Run a write and return what it changed (nodes_created, relationships_created, ...)."""
        with translate_errors(self.settings):
            _, summary, _ = self.driver.execute_query(
                Query(query), parameters_=params, database_=self.database, bookmark_manager_=self._bookmarks,
                routing_=RoutingControl.WRITE,
            )
        c = summary.counters
        return {"nodes_created": c.nodes_created, "relationships_created": c.relationships_created,
                "properties_set": c.properties_set}

    def write_tx(self, work: Callable[..., Any], *args: Any) -> Any:
        """Run ``work(tx, *args)`` in one managed (retried) write transaction."""
        with translate_errors(self.settings):
            with self.driver.session(database=self.database) as session:
                return session.execute_write(work, *args)

    def stream(self, query: str, fetch_size: int = 10_000, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield records one by one without holding the whole result (large projections)."""
        with translate_errors(self.settings):
            with self.driver.session(database=self.database, fetch_size=fetch_size,
                                     default_access_mode="READ") as session:
                result = session.run(Query(query), params)
                for record in result:
                    yield record.data()

    def stream_tuples(self, query: str, fetch_size: int = 10_000, **params: Any
                      ) -> Iterator[tuple[Any, ...]]:
        """:meth:`stream` as value tuples in the query's column order (no dict per record:
        a million-row projection builds its frame faster)."""
        with translate_errors(self.settings):
            with self.driver.session(database=self.database, fetch_size=fetch_size,
                                     default_access_mode="READ") as session:
                result = session.run(Query(query), params)
                for record in result:
                    yield tuple(record.values())

    def write_batches(self, query: str, rows: Iterable[dict[str, Any]], batch_size: int = 5000,
                      **params: Any) -> int:
        """``UNWIND $rows`` writes in batches of ``batch_size``; returns the number of rows sent."""
        batch: list[dict[str, Any]] = []
        sent = 0
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                self.write(query, rows=batch, **params)
                sent += len(batch)
                batch = []
        if batch:
            self.write(query, rows=batch, **params)
            sent += len(batch)
        return sent
