"""Incident overview: what is in the graph."""

from __future__ import annotations

import streamlit as st

from app_pages.common import graph_or_stop
from graph.queries.overview import entity_counts

graph = graph_or_stop()
st.title("Incident overview")
counts = entity_counts(graph)
if not any(counts.values()):
    st.warning("The graph is empty. Load an incident with `lockstep ingest PATH` "
               "(or generate a sample with `lockstep generate`).")
    st.stop()
cols = st.columns(len(counts))
for col, (label, n) in zip(cols, counts.items(), strict=True):
    col.metric(label, f"{n:,}")
