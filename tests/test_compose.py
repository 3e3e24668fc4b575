"""docker-compose.yml validates (no engine here: `config` only) and ships no password."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO


def _compose() -> list[str]:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("neither `docker compose` nor `docker-compose` is installed (.ci/run installs it)")


def _config(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*_compose(), "-f", str(REPO / "docker-compose.yml"), "config"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=60)


def test_compose_config_passes_with_a_password() -> None:
    env = dict(os.environ, NEO4J_PASSWORD="correct-horse-battery")
    result = _config(env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "neo4j:5.26-community" in out
    assert "NEO4J_AUTH: neo4j/correct-horse-battery" in out
    assert "condition: service_healthy" in out and "healthcheck" in out
    assert "neo4j-data" in out


def test_compose_refuses_to_run_without_a_password() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    result = _config(env)
    assert result.returncode != 0
    assert "set NEO4J_PASSWORD" in result.stderr + result.stdout


def test_no_password_in_the_file() -> None:
    text = (REPO / "docker-compose.yml").read_text()
    assert "NEO4J_AUTH: \"neo4j/${NEO4J_PASSWORD:?" in text
    assert "NEO4J_AUTH=none" not in text and "neo4j/neo4j" not in text
