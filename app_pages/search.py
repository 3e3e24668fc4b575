"""Search and pivot: find an account, hashtag, sound or video, see its neighbourhood, expand it,
find the shortest path to another entity, and list the clusters it belongs to."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, data, entities, netviz
from graph.connection import Graph
from graph.queries import app as qa

KINDS = ["account", "hashtag", "sound", "video", "url"]
MAX_DRAWN = 300


@st.cache_data(show_spinner=False, ttl=3600, max_entries=128)
def _search(_graph: Graph, key: str, kind: str, text: str) -> list[dict[str, Any]]:
    return qa.search(_graph, kind, text)


@st.cache_data(show_spinner=False, ttl=3600, max_entries=256)
def _hop(_graph: Graph, key: str, ids: tuple[str, ...], per_node: int
         ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return qa.neighbours(_graph, list(ids), per_node)


@st.cache_data(show_spinner=False, ttl=3600, max_entries=64)
def _clusters(_graph: Graph, key: str, kind: str, node_id: str) -> pd.DataFrame:
    return qa.entity_clusters(_graph, kind, node_id)


@st.cache_data(show_spinner=False, ttl=3600, max_entries=64)
def _path(_graph: Graph, key: str, a: str, b: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return qa.shortest_path(_graph, a, b)


def _finder(graph: Graph, key: str, prefix: str, title: str,
            preset: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Kind + text + pick among matches; returns the chosen node (or None)."""
    st.markdown(f"**{title}**")
    c1, c2 = st.columns([1, 3])
    if preset is not None and f"{prefix}_text" not in st.session_state:
        st.session_state[f"{prefix}_kind"] = entities.KIND_OF_LABEL.get(preset["label"], "account")
        st.session_state[f"{prefix}_text"] = preset.get("name") or preset.get("username") or \
            preset.get("post_id") or preset.get("sound_id") or preset.get("url") or ""
    kind = c1.selectbox("Type", KINDS, key=f"{prefix}_kind")
    text = c2.text_input("Name, id or text", key=f"{prefix}_text",
                         placeholder="e.g. a username, #hashtag, sound id, post id or caption words")
    if not text.strip():
        return None
    hits = _search(graph, key, kind, text)
    if preset is not None and preset["id"] not in {h["id"] for h in hits} \
            and entities.KIND_OF_LABEL.get(preset["label"]) == kind:
        hits = [preset, *hits]
    if not hits:
        st.warning(f"No {kind} matches “{common.md(text.strip())}”. Try part of the name, or another "
                   "type.")
        return None
    by_id = {h["id"]: h for h in hits}
    chosen = st.selectbox(f"{len(hits)} match(es)", list(by_id), key=f"{prefix}_pick",
                          format_func=lambda i: f"{entities.name(by_id[i])} "
                                                f"({by_id[i].get('degree', 0):,} connections)")
    return by_id[chosen]


def _neighbourhood(graph: Graph, key: str, root: dict[str, Any], depth: int, per_node: int,
                   expanded: list[str]) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Breadth-first hops from the root, then one hop around each expanded node."""
    nodes: dict[str, dict[str, Any]] = {root["id"]: root}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    frontier = [root["id"]]
    for _ in range(depth):
        if not frontier or len(nodes) >= MAX_DRAWN:
            break
        found, links = _hop(graph, key, tuple(sorted(frontier)), per_node)
        frontier = [n["id"] for n in found if n["id"] not in nodes]
        for n in found:
            nodes.setdefault(n["id"], n)
        for e in links:
            edges[(e["src"], e["dst"], e["type"])] = e
    for nid in expanded:
        found, links = _hop(graph, key, (nid,), per_node)
        for n in found:
            nodes.setdefault(n["id"], n)
        for e in links:
            edges[(e["src"], e["dst"], e["type"])] = e
    return nodes, list(edges.values())


def _draw(nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]], root_ids: set[str],
          height: int = 560) -> list[dict[str, Any]]:
    """Draw up to MAX_DRAWN nodes (roots first, then the most connected); return the rest."""
    ranked = sorted(nodes.values(), key=lambda n: (n["id"] not in root_ids, -(n.get("degree") or 0)))
    drawn, rest = ranked[:MAX_DRAWN], ranked[MAX_DRAWN:]
    keep = {n["id"] for n in drawn}
    page = netviz.network_html(
        [entities.node(n, root=n["id"] in root_ids) for n in drawn],
        [{"from": e["src"], "to": e["dst"], "label": e["type"], "title": netviz.tip(e["type"])}
         for e in edges if e["src"] in keep and e["dst"] in keep],
        height=height, directed=True,
        legend="Blue: accounts · grey squares: posts · green triangles: hashtags · purple stars: "
               "sounds · orange diamonds: clusters. Hover for details.")
    st.iframe(page, height=height + 40)
    return rest


def _node_table(nodes: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([{"name": entities.name(n), "type": n.get("label"),
                          "connections": n.get("degree"),
                          "caption": common.short(n.get("caption"), 80) if n.get("caption") else "",
                          "key": n.get("key") or n.get("name") or n.get("cluster_id")}
                         for n in nodes])


def body(graph: Graph, key: str) -> None:
    st.title("Search and pivot")
    if not any(v for k, v in data.counts(graph, key).items() if k != "Cluster"):
        raise common.NoData(common.NO_DATA)
    preset = None
    kind_q, key_q = st.query_params.get("kind"), st.query_params.get("key")
    if kind_q in qa.ENTITY_KINDS and key_q:
        preset = qa.find_node(graph, kind_q, key_q)
    root = _finder(graph, key, "a", "Find an entity", preset)
    if root is None:
        st.caption("Type a name above. From the cluster explorer, “Pivot from its top member” "
                   "opens this page on that account.")
        return

    st.header(common.md(entities.name(root)))
    st.dataframe(pd.DataFrame(entities.details(root), columns=["field", "value"]).astype(str),
                 hide_index=True)
    kind = entities.KIND_OF_LABEL.get(root["label"], "account")
    st.subheader("Clusters")
    clusters = _clusters(graph, key, kind, root["id"])
    if clusters.empty:
        st.caption("Not in any coordinated cluster (and not used by one).")
    else:
        st.dataframe(pd.DataFrame({
            "cluster": clusters["cluster_id"], "rank": clusters["rank"],
            "score": clusters["score"].round(3), "accounts": clusters["size"],
            "signals": clusters["top_signals"].map(common.signals_text), "how": clusters["how"],
        }), hide_index=True, width="stretch")
        top = clusters.iloc[0]
        st.page_link("app_pages/clusters.py", label=f"Open cluster #{int(top['rank'])}",
                     query_params={"run": top["run_id"], "cluster": top["cluster_id"]})

    st.subheader("Neighbourhood")
    c1, c2 = st.columns(2)
    depth = c1.slider("Depth (hops)", 1, 3, 1, key="depth")
    per_node = c2.slider("Neighbours per relationship type (most connected first)", 3, 100, 10,
                         key="per_node")
    exp_key = f"expanded_{root['id']}"
    expanded: list[str] = st.session_state.setdefault(exp_key, [])
    nodes, edges = _neighbourhood(graph, key, root, depth, per_node, expanded)
    st.caption(f"{len(nodes)} nodes, {len(edges)} relationships; "
               f"{root.get('degree', 0):,} direct connections in the graph.")
    rest = _draw(nodes, edges, {root["id"], *expanded})
    if rest:
        st.markdown(f"**{len(rest)} more nodes** not drawn (the drawing is capped at {MAX_DRAWN}):")
        st.dataframe(_node_table(rest), hide_index=True, width="stretch", height=220)
    others = [n for n in nodes.values() if n["id"] != root["id"] and n["id"] not in expanded]
    if others:
        c1, c2 = st.columns([3, 1])
        ids = [n["id"] for n in sorted(others, key=lambda n: -(n.get("degree") or 0))]
        pick = c1.selectbox("Expand a node", ids, key="expand_pick",
                            format_func=lambda i: f"{entities.name(nodes[i])} "
                                                  f"({nodes[i].get('degree', 0):,} connections)")
        c2.write("")
        if c2.button("Expand", icon=":material/add_circle:"):
            expanded.append(pick)
            st.rerun()
    if expanded and st.button("Reset expansions"):
        st.session_state[exp_key] = []
        st.rerun()
    with st.expander("All nodes in the neighbourhood"):
        st.dataframe(_node_table(list(nodes.values())), hide_index=True, width="stretch")

    st.subheader("Shortest path to another entity")
    target = _finder(graph, key, "b", "Find the other end")
    if target is not None:
        path_nodes, path_rels = _path(graph, key, root["id"], target["id"])
        if not path_nodes:
            st.warning(f"No path of at most 8 steps between {common.md(entities.name(root))} and "
                       f"{common.md(entities.name(target))}.")
        else:
            st.markdown(f"**{len(path_rels)} step(s):** " + " → ".join(
                common.md(entities.name(n)) for n in path_nodes))
            _draw({n["id"]: n for n in path_nodes}, path_rels, {root["id"], target["id"]},
                  height=360)


common.run_page(body)
