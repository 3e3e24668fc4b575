"""Test fixtures: one real Neo4j for the whole run, an empty database for each test.

With NEO4J_URI set the tests use that server (its database is wiped: point it at a scratch one).
Otherwise the session starts the local Neo4j (Maven + Java launcher) on a free port in a temporary
directory. If it cannot start, storage tests fail (never skip), so CI cannot go green without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import local_server
from graph.connection import Graph, close_all
from graph.errors import LockstepError
from graph.schema import clear_data, init_schema
from graph.settings import Neo4jSettings, resolve_settings

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
LOCKSTEP = str(Path(sys.executable).parent / "lockstep")


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jSettings]:
    if os.environ.get("NEO4J_URI"):
        yield resolve_settings()
        close_all()
        return
    data_dir = tmp_path_factory.mktemp("neo4j")
    try:
        state, _ = local_server.start(
            data_dir, port=local_server.free_port(), heap="1g", pagecache="256m"
        )
    except LockstepError as exc:
        pytest.fail(f"the test Neo4j could not start: {exc}", pytrace=False)
    try:
        yield Neo4jSettings(uri=state.uri, user=state.user, password=state.password,
                            source="test server")
    finally:
        close_all()
        local_server.stop(data_dir)


@pytest.fixture
def neo4j_env(neo4j_settings: Neo4jSettings) -> dict[str, str]:
    """Environment for `lockstep` subprocesses pointing at the test server."""
    return dict(os.environ, NEO4J_URI=neo4j_settings.uri, NEO4J_USER=neo4j_settings.user,
                NEO4J_PASSWORD=neo4j_settings.password, NEO4J_DATABASE=neo4j_settings.database)


@pytest.fixture
def empty_graph(neo4j_settings: Neo4jSettings) -> Graph:
    """The test database with no data (the schema as the previous test left it)."""
    graph = Graph(neo4j_settings)
    clear_data(graph)
    return graph


@pytest.fixture
def graph(empty_graph: Graph) -> Graph:
    """An empty database with Lockstep's schema."""
    init_schema(empty_graph)
    return empty_graph


def stop_process(proc: subprocess.Popen) -> None:
    """Stop a server a test started (terminate, then kill if it lingers)."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_for_app(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait until the Streamlit app at ``url`` answers its health check; fail with its log if
    it exits or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"streamlit did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)
