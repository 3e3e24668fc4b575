"""What every page shares: the graph handle, cache keys, run pickers, formatting and escaping.

Pages call :func:`run_page` with their body; it turns "Neo4j unreachable", "nothing loaded yet"
and "no detection yet" into a message with the next step instead of a traceback.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from graph.connection import Graph, translate_errors
from graph.errors import LockstepError
from graph.queries import app as qa
from graph.settings import Neo4jSettings, resolve_settings


class NoData(Exception):
    """The page has nothing to show yet; the message says what to run."""


@st.cache_resource(show_spinner=False)
def _graph(uri: str, user: str, password: str, database: str, source: str) -> Graph:
    # Keyed by the settings, so pointing the app at another server (env or .env) takes effect on
    # the next rerun instead of reusing a handle on the old one.
    return Graph(Neo4jSettings(uri=uri, user=user, password=password, database=database,
                               source=source))


def connect() -> Graph:
    """The configured graph, checked (raises LockstepError with a next step)."""
    s = resolve_settings()
    graph = _graph(s.uri, s.user, s.password, s.database, s.source)
    # One attempt, no retries: a query would retry a refused connection for ~30 s before failing,
    # and the person at the keyboard should see "cannot reach" at once.
    with translate_errors(s):
        graph.driver.verify_connectivity()
    return graph


def cache_key(graph: Graph) -> str:
    """Part of every cache key: which database, and the latest ingest/detection runs in it."""
    s = graph.settings
    return f"{s.uri}|{s.database}|{qa.data_stamp(graph)}"


def run_page(body: Callable[[Graph, str], None]) -> None:
    """Connect, then run ``body(graph, key)``; failures become messages with the next step."""
    try:
        graph = connect()
        key = cache_key(graph)
    except LockstepError as exc:
        st.error(f"**Lockstep cannot reach its graph.** {exc}", icon=":material/cloud_off:")
        st.info("**Next step:** start the graph with `lockstep db start` (or `make demo`), or set "
                "`NEO4J_URI`, `NEO4J_USER` and `NEO4J_PASSWORD`; then reload this page.")
        return
    st.sidebar.caption(f"Graph: {md(graph.settings.describe())}")
    try:
        body(graph, key)
    except NoData as exc:
        st.info(str(exc), icon=":material/info:")
    except LockstepError as exc:
        st.error(f"**The graph stopped answering.** {exc}", icon=":material/cloud_off:")
        st.info("**Next step:** check the server (`lockstep db status`), then reload this page.")


NO_DATA = ("**Nothing is loaded yet.** Load an incident with `lockstep ingest PATH --incident NAME` "
           "(or write a sample one with `lockstep generate --out DIR` first), then reload.")
NO_RUN = ("**No detection results yet.** Run `lockstep detect` (optionally `--incident NAME`) to "
          "find coordinated clusters, then reload this page.")


def pick_run(graph: Graph, key: str, where: Any = st.sidebar) -> dict[str, Any]:
    """A detection-run picker (latest first; ``?run=`` in the URL preselects one)."""
    from app_pages import data

    runs = data.detection_runs(graph, key)
    if not runs:
        raise NoData(NO_RUN)
    ids = [r["run_id"] for r in runs]
    wanted = st.query_params.get("run")
    if wanted in ids and "run_pick" not in st.session_state:
        st.session_state["run_pick"] = wanted
    run_id = where.selectbox(
        "Detection run", ids, key="run_pick",
        format_func=lambda i: f"{i} ({next(r for r in runs if r['run_id'] == i)['n_clusters']} "
                              "clusters)",
        help="Clusters come from one detection run; the newest is selected by default.")
    return next(r for r in runs if r["run_id"] == run_id)


# ------------------------------------------------------------------------------------ formatting


def ts(value: Any) -> str:
    """Unix seconds -> '2026-03-01 14:05 UTC' ('' for missing)."""
    if value is None or value != value:  # None or NaN
        return ""
    return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%d %H:%M UTC")


def short_ts(value: Any) -> str:
    """Unix seconds -> 'Mar 01 14:05' (UTC, for narrow metrics)."""
    if value is None or value != value:
        return ""
    return datetime.fromtimestamp(int(value), UTC).strftime("%b %d %H:%M")


def iso(value: Any) -> str:
    """A Neo4j datetime or ISO string -> '2026-03-01 14:05:09 UTC'."""
    if value is None:
        return ""
    text = str(value)
    m = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})", text)
    return f"{m.group(1)} {m.group(2)} UTC" if m else text


def duration(seconds: float) -> str:
    """1234 -> '20 min 34 s'."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


# Markdown punctuation plus ":" (Streamlit's :icon: and :color[...] directives). "<", ">" and "&"
# are left to html.escape, which runs after, so its entities are not broken by backslashes.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$])")


def md(text: Any) -> str:
    """Data text made inert for ``st.markdown``: Markdown specials backslashed, then HTML-escaped.

    ``javascript:alert(1)`` cannot become a link (``:`` and brackets are escaped) and
    ``<script>`` is shown as text.
    """
    s = " ".join(str(text if text is not None else "").split())
    return html.escape(_MD_SPECIAL.sub(r"\\\1", s), quote=False)


def short(text: Any, limit: int = 80) -> str:
    """One line of at most ``limit`` characters (for tables and labels; not escaped)."""
    s = " ".join(str(text if text is not None else "").split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def signals_text(signals: Any) -> str:
    return ", ".join(signals or []) or "—"
