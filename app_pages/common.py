"""What every page shares: the graph handle and the 'cannot show anything' messages."""

from __future__ import annotations

import streamlit as st

from graph.connection import Graph
from graph.errors import LockstepError


@st.cache_resource(show_spinner=False)
def _graph() -> Graph:
    return Graph()


def graph_or_stop() -> Graph:
    """The configured graph, or a clear message with the next step (and the page stops)."""
    try:
        graph = _graph()
        graph.check()
        return graph
    except LockstepError as exc:
        _graph.clear()
        st.error(f"**Lockstep cannot reach its graph.** {exc}")
        st.info("Next step: run `lockstep db start` (or `make demo`), then reload this page.")
        st.stop()
    raise AssertionError("unreachable")
