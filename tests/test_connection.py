"""Connection settings and failures, against the real server."""

from __future__ import annotations

import subprocess
import time

import pytest

from graph.connection import Graph
from graph.errors import GraphAuthError, GraphUnavailable
from graph.local_server import free_port
from graph.settings import Neo4jSettings, resolve_settings
from tests.conftest import LOCKSTEP

SECRET = "s3cret-Pw"


def test_wrong_password_gives_a_clear_error(neo4j_settings: Neo4jSettings) -> None:
    bad = Neo4jSettings(uri=neo4j_settings.uri, user=neo4j_settings.user, password="not-the-password")
    with pytest.raises(GraphAuthError) as err:
        Graph(bad).check()
    assert "refused the credentials of user 'neo4j'" in str(err.value)
    assert "NEO4J_PASSWORD" in str(err.value)


def test_wrong_password_on_the_command_line(neo4j_env: dict[str, str]) -> None:
    env = dict(neo4j_env, NEO4J_PASSWORD="not-the-password")
    result = subprocess.run([LOCKSTEP, "db", "init"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 1
    assert "refused the credentials" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_server_gives_a_clear_error(neo4j_env: dict[str, str]) -> None:
    # credentials written into the URI are used, and never shown
    env = dict(neo4j_env, NEO4J_URI=f"bolt://neo4j:{SECRET}@127.0.0.1:{free_port()}",
               NEO4J_RETRY_SECONDS="3")   # how long to retry before saying so (default 30)
    t0 = time.monotonic()
    result = subprocess.run([LOCKSTEP, "db", "init"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 1 and time.monotonic() - t0 < 25
    assert "cannot be reached" in result.stderr and "lockstep db start" in result.stderr
    assert "Traceback" not in result.stderr and SECRET not in result.stderr
    bad = subprocess.run([LOCKSTEP, "db", "init"], capture_output=True, text=True, timeout=120,
                         env=dict(env, NEO4J_RETRY_SECONDS="soon"))
    assert bad.returncode == 1 and "NEO4J_RETRY_SECONDS must be a number" in bad.stderr


def test_environment_selects_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://cluster.example:7687")
    monkeypatch.setenv("NEO4J_USER", "analyst")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    monkeypatch.setenv("NEO4J_DATABASE", "incident42")
    s = resolve_settings()
    assert (s.uri, s.user, s.password, s.database, s.source) == (
        "neo4j://cluster.example:7687", "analyst", "pw", "incident42", "NEO4J_URI")


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / ".env").write_text("NEO4J_URI=bolt://db.internal:7687\nNEO4J_USER=ops\n"
                                   "NEO4J_PASSWORD=s3cret\n")
    monkeypatch.chdir(tmp_path)
    s = resolve_settings()
    assert (s.uri, s.user, s.password, s.database) == ("bolt://db.internal:7687", "ops", "s3cret", "neo4j")


def test_no_server_configured_says_what_to_do(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GraphUnavailable) as err:
        resolve_settings(tmp_path / "nowhere")
    assert "lockstep db start" in str(err.value) and "NEO4J_URI" in str(err.value)


def test_queries_use_the_configured_database(graph: Graph) -> None:
    graph.write("UNWIND range(1, $n) AS i CREATE (:Hashtag {name: 'h' + i})", n=25)
    assert graph.read("MATCH (h:Hashtag) RETURN count(h) AS n")[0]["n"] == 25
    assert graph.read("CALL db.info() YIELD name RETURN name")[0]["name"] == graph.database



@pytest.mark.parametrize("uri", [
    f"neo4j+s://neo4j:{SECRET}@example.org:port",   # port not a number, routing scheme
    f"http://neo4j:{SECRET}@example.org",           # not a Bolt scheme
    f"bolt://127.0.0.1:1/?token={SECRET}",          # routing context on a direct URI
    f"bolt://[fe80::1:{SECRET}",                    # not a URI at all
])
def test_no_message_shows_a_credential_from_the_uri(uri: str, neo4j_env: dict[str, str]) -> None:
    env = dict(neo4j_env, NEO4J_URI=uri, NEO4J_PASSWORD=SECRET + "-env")
    result = subprocess.run([LOCKSTEP, "db", "init"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    assert "error: " in result.stderr and "Traceback" not in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_credentials_in_the_uri_are_used(neo4j_settings: Neo4jSettings,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    host = neo4j_settings.uri.removeprefix("bolt://")
    monkeypatch.setenv("NEO4J_URI", f"bolt://{neo4j_settings.user}:{neo4j_settings.password}@{host}")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")
    settings = resolve_settings()
    assert settings.uri == neo4j_settings.uri and settings.password == neo4j_settings.password
    assert Graph(settings).read("RETURN 1 AS one") == [{"one": 1}]
    assert neo4j_settings.password not in settings.describe()
