"""Cached reads for the pages.

Every function takes the graph as ``_graph`` (not hashed) and ``key`` from
:func:`app_pages.common.cache_key`: the server, the database and the latest ingest and detection
runs. A new ingest or detection run changes the key, so nothing stale is ever shown; otherwise
switching pages or clusters is served from memory.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from graph.connection import Graph
from graph.queries import app as qa
from graph.queries import detect as qd
from graph.queries.overview import entity_counts
from lockstep import exports

_TTL = 3600  # cap memory on a long-running app; the key already handles freshness


@st.cache_data(show_spinner=False, ttl=_TTL)
def counts(_graph: Graph, key: str) -> dict[str, int]:
    return entity_counts(_graph)


@st.cache_data(show_spinner=False, ttl=_TTL)
def detection_runs(_graph: Graph, key: str) -> list[dict[str, Any]]:
    return qa.detection_runs(_graph)


def ingest_runs(_graph: Graph, key: str) -> list[dict[str, Any]]:
    # Not cached: a killed run turns "interrupted" as time passes, with no new run to change the
    # key (20 rows, one query).
    return qa.ingest_runs(_graph)


def detection_run_log(_graph: Graph, key: str) -> list[dict[str, Any]]:
    """Every detection run, finished or not, newest first (not cached, like ingest_runs)."""
    return qa.detection_runs(_graph, unfinished=True)


@st.cache_data(show_spinner=False, ttl=_TTL)
def incidents(_graph: Graph, key: str) -> list[str]:
    return qa.incidents(_graph)


@st.cache_data(show_spinner=False, ttl=_TTL)
def posts_per_hour(_graph: Graph, key: str, incident: str | None) -> pd.DataFrame:
    return qa.posts_per_hour(_graph, incident)


@st.cache_data(show_spinner=False, ttl=_TTL)
def object_posts_per_hour(_graph: Graph, key: str, kind: str, incident: str | None) -> pd.DataFrame:
    return qa.object_posts_per_hour(_graph, kind, incident)


@st.cache_data(show_spinner=False, ttl=_TTL)
def sound_titles(_graph: Graph, key: str, keys: tuple[str, ...]) -> dict[str, str]:
    return qa.sound_titles(_graph, list(keys))


@st.cache_data(show_spinner=False, ttl=_TTL)
def cluster_table(_graph: Graph, key: str, run_id: str) -> pd.DataFrame:
    return qa.cluster_table(_graph, run_id)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=64)
def cluster(_graph: Graph, key: str, cluster_id: str) -> dict[str, Any] | None:
    return qa.cluster(_graph, cluster_id)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=64)
def cluster_members(_graph: Graph, key: str, cluster_id: str) -> pd.DataFrame:
    return qa.cluster_members(_graph, cluster_id)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=64)
def cluster_posts(_graph: Graph, key: str, cluster_id: str) -> pd.DataFrame:
    return qd.cluster_posts(_graph, cluster_id)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=64)
def accounts_by_key(_graph: Graph, key: str, keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return qa.accounts_by_key(_graph, list(keys))


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=32)
def entity_export(_graph: Graph, key: str, run_id: str, cluster_ids: tuple[str, ...],
                  kind: str) -> pd.DataFrame:
    """The containment table, built exactly as ``lockstep export entities`` builds it."""
    clusters = exports.resolve_clusters(_graph, run_id, list(cluster_ids))
    return exports.entity_table(_graph, clusters, kind)
