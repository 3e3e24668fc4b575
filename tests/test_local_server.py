"""The local Neo4j's life cycle through the real CLI, from separate processes (as from two shells)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph import local_server
from tests.conftest import LOCKSTEP


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([LOCKSTEP, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def _env_without_neo4j() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}


def _open_to_others(root: Path) -> list[str]:
    return [str(p) for p in [root, *root.rglob("*")] if p.stat().st_mode & 0o077]


def test_start_status_stop(tmp_path: Path) -> None:
    data_dir = tmp_path / "db"
    port = local_server.free_port()
    env = _env_without_neo4j()

    started = run("db", "start", "--port", str(port), "--data-dir", str(data_dir), env=env)
    assert started.returncode == 0, started.stderr
    uri = f"bolt://127.0.0.1:{port}"
    assert started.stdout.strip().splitlines()[-1] == uri
    state = json.loads((data_dir / local_server.STATE_FILE).read_text())
    assert oct((data_dir / local_server.STATE_FILE).stat().st_mode & 0o777) == "0o600"

    # A real login with the generated password, and a write that survives.
    with GraphDatabase.driver(uri, auth=(state["user"], state["password"])) as driver:
        records, _, _ = driver.execute_query("CREATE (n:Probe {v: 42}) RETURN n.v AS v",
                                             database_="neo4j")
        assert records[0]["v"] == 42
    # the store holds the incident: nothing in it is open to other users (umask 022 here)
    assert _open_to_others(data_dir) == []

    # A second start on the same data dir finds the running server instead of starting another.
    again = run("db", "start", "--port", str(port), "--data-dir", str(data_dir), env=env)
    assert again.returncode == 0 and "already running" in again.stdout

    status = run("db", "status", "--data-dir", str(data_dir), env=env)
    assert status.returncode == 0
    assert f"running at {uri}" in status.stdout and f"pid {state['pid']}" in status.stdout

    stopped = run("db", "stop", "--data-dir", str(data_dir), env=env)
    assert stopped.returncode == 0 and "stopped Neo4j" in stopped.stdout
    assert not local_server.port_open(port)
    assert not local_server._pid_alive(state["pid"])

    status = run("db", "status", "--data-dir", str(data_dir), env=env)
    assert status.returncode == 3 and "not running" in status.stdout

    # The store outlives the process: start again, the node written above is still there.
    restarted = run("db", "start", "--port", str(port), "--data-dir", str(data_dir), env=env)
    assert restarted.returncode == 0, restarted.stderr
    with GraphDatabase.driver(uri, auth=(state["user"], state["password"])) as driver:
        records, _, _ = driver.execute_query("MATCH (n:Probe) RETURN count(n) AS n", database_="neo4j")
        assert records[0]["n"] == 1
    assert run("db", "stop", "--data-dir", str(data_dir), env=env).returncode == 0
    assert not local_server.port_open(port)


def test_port_in_use_is_explained(tmp_path: Path, neo4j_settings) -> None:
    port = int(neo4j_settings.uri.rsplit(":", 1)[1]) if neo4j_settings.source == "test server" else None
    if port is None:
        pytest.skip("needs the session's local server (NEO4J_URI points elsewhere)")
    result = run("db", "start", "--port", str(port), "--data-dir", str(tmp_path / "x"),
                 env=_env_without_neo4j())
    assert result.returncode == 1
    assert f"Port {port}" in result.stderr and "already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_java_is_explained(tmp_path: Path) -> None:
    env = dict(_env_without_neo4j(), PATH=str(tmp_path))  # an empty PATH: no java, no mvn
    result = run("db", "start", "--port", str(local_server.free_port()),
                 "--data-dir", str(tmp_path / "db"), env=env)
    assert result.returncode == 1
    assert "Java was not found on PATH" in result.stderr
    assert "docker compose up -d neo4j" in result.stderr and "NEO4J_URI" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_maven_is_explained(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = shutil.which("java")
    assert java, "the test machine has Java"
    (bin_dir / "java").symlink_to(java)
    # An empty cache forces a classpath resolution, which needs Maven.
    env = dict(_env_without_neo4j(), PATH=str(bin_dir), LOCKSTEP_CACHE_DIR=str(tmp_path / "cache"))
    result = run("db", "start", "--port", str(local_server.free_port()),
                 "--data-dir", str(tmp_path / "db"), env=env)
    assert result.returncode == 1
    assert "Maven (mvn) was not found on PATH" in result.stderr
    assert "docker compose up -d neo4j" in result.stderr and "NEO4J_URI" in result.stderr
    assert "Traceback" not in result.stderr
