"""Where Lockstep's Neo4j is: environment, `.env`, or the local server started by `lockstep db start`.

Resolution order, first match wins:

1. ``NEO4J_URI`` (with ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``) from the process
   environment or a ``.env`` file in the working directory. Any URI scheme the driver accepts
   works, including ``neo4j://`` (routing, clusters) and ``neo4j+s://``. Credentials written
   into the URI (``neo4j+s://user:password@host``) are taken out of it and used as the user and
   password; no message ever shows them.
2. The local server's state file in the data directory (``LOCKSTEP_DATA_DIR`` or
   ``.lockstep/neo4j``), written by ``lockstep db start``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from dotenv import dotenv_values

from graph.errors import GraphUnavailable, LockstepError

DEFAULT_DATA_DIR = Path(".lockstep") / "neo4j"
DEFAULT_DATABASE = "neo4j"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class SettingsError(LockstepError):
    """NEO4J_* settings that cannot work (said without repeating any secret)."""


def split_uri(uri: str) -> tuple[str, str | None, str | None]:
    """``(uri without credentials, user, password)`` of a Neo4j URI; raises
    :class:`SettingsError` for a URI the driver cannot use, without echoing the URI (it may
    carry a password)."""
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port  # port: ValueError if not a number
    except ValueError:
        raise SettingsError("NEO4J_URI is not a valid URI (expected e.g. "
                            "neo4j+s://host:7687 or bolt://127.0.0.1:7687).") from None
    if parts.scheme not in SCHEMES:
        raise SettingsError(f"NEO4J_URI has the scheme {parts.scheme!r}; Lockstep speaks Bolt: "
                            f"use one of {', '.join(s + '://' for s in SCHEMES)}.")
    if not host:
        raise SettingsError("NEO4J_URI names no host (expected e.g. neo4j+s://host:7687).")
    if parts.query and parts.scheme.startswith("bolt"):
        raise SettingsError("NEO4J_URI has query parameters, which only neo4j:// (routing) "
                            "URIs accept; remove them or use a neo4j:// scheme.")
    netloc = host if ":" not in host else f"[{host}]"
    netloc += f":{port}" if port else ""
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return clean, user, password


def redacted(uri: str) -> str:
    """``uri`` as it may be shown: scheme, host and port only."""
    try:
        parts = urlsplit(uri)
        return f"{parts.scheme}://{parts.hostname or '?'}" + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return "(an invalid URI)"


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str
    password: str
    database: str = DEFAULT_DATABASE
    source: str = "environment"
    # The data directory of the local server these settings point at (None for NEO4J_URI): only
    # there can Lockstep stop the server and write store files (bulk import).
    local_data_dir: str | None = None

    def describe(self) -> str:
        return f"{self.uri} (database {self.database!r}, user {self.user!r}, from {self.source})"


def config() -> dict[str, str]:
    """The process environment over a ``.env`` file in the working directory (env wins)."""
    path = Path.cwd() / ".env"
    values = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.exists() else {}
    values.update(os.environ)
    return values


def retry_seconds() -> float:
    """How long a job keeps retrying a server that stopped answering before it says so
    (``NEO4J_RETRY_SECONDS``, default 30: long enough for a cluster to elect a new leader)."""
    value = config().get("NEO4J_RETRY_SECONDS", "").strip()
    if not value:
        return 30.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise SettingsError(f"NEO4J_RETRY_SECONDS must be a number of seconds between 0 and 3600, "
                            f"not {value!r}")
    return seconds


def default_data_dir() -> Path:
    return Path(config().get("LOCKSTEP_DATA_DIR", str(DEFAULT_DATA_DIR)))


def resolve_settings(data_dir: Path | None = None) -> Neo4jSettings:
    """Return the settings every command uses; raise with a next step when none exist."""
    env = config()
    uri = env.get("NEO4J_URI", "").strip()
    database = env.get("NEO4J_DATABASE", "").strip() or DEFAULT_DATABASE
    if uri:
        uri, uri_user, uri_password = split_uri(uri)
        return Neo4jSettings(
            uri=uri,
            user=uri_user or env.get("NEO4J_USER", "neo4j"),
            password=uri_password if uri_password is not None else env.get("NEO4J_PASSWORD", ""),
            database=database,
            source="NEO4J_URI",
        )
    # Imported here to keep settings free of process management at import time.
    from graph.local_server import read_state

    data_dir = data_dir or default_data_dir()
    state = read_state(data_dir)
    if state is None or not state.alive():
        raise GraphUnavailable(
            "No Neo4j is configured: NEO4J_URI is not set and no local server is running in "
            f"{data_dir}. Start one with `lockstep db start`, or set NEO4J_URI (and NEO4J_USER, "
            "NEO4J_PASSWORD) to an existing server, e.g. `docker compose up -d neo4j`."
        )
    return Neo4jSettings(
        uri=state.uri,
        user=state.user,
        password=state.password,
        database=database,
        source=f"local server in {data_dir}",
        local_data_dir=str(Path(data_dir).resolve()),
    )
