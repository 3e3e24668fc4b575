"""Containment export: entity lists of chosen clusters, byte for byte what the CLI writes, each
download recorded as an Export node (who, when, what, how many, sha256) and listed here."""

from __future__ import annotations

import hashlib
import json
import shlex
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, data
from graph.connection import Graph
from graph.errors import LockstepError
from graph.queries.exports import list_exports
from lockstep import exports

MIME = {"csv": "text/csv", "json": "application/json"}
PREVIEW_ROWS = 500


def _record(graph: Graph, payload: bytes, kind: str, fmt: str, selection: dict[str, Any],
            n: int, file_name: str) -> None:
    """on_click of the download button: audit the very bytes the button serves."""
    try:
        rec = exports.record_export(graph, payload, kind, fmt, selection, n,
                                    f"download:{file_name}", "app")
        st.session_state["export_done"] = rec
    except LockstepError as exc:
        st.session_state["export_failed"] = str(exc)


def _selection(table: pd.DataFrame) -> list[str]:
    """Cluster ids chosen by hand or by filter, in rank order (as the CLI orders them)."""
    mode = st.radio("Select clusters", ["by hand", "by filter"], horizontal=True, key="x_mode")
    by_id = table.set_index("cluster_id")
    if mode == "by hand":
        wanted = st.query_params.get("cluster")
        if "x_clusters" not in st.session_state:
            st.session_state["x_clusters"] = [wanted] if wanted in by_id.index else \
                table["cluster_id"].head(1).tolist()
        picked = st.multiselect(
            "Clusters", table["cluster_id"].tolist(), key="x_clusters",
            format_func=lambda c: f"#{by_id.at[c, 'rank']} · score {by_id.at[c, 'score']:.3f} · "
                                  f"{by_id.at[c, 'size']} accounts")
    else:
        c1, c2 = st.columns(2)
        min_score = c1.slider("Minimum score", 0.0, 1.0, 0.5, 0.05, key="x_score")
        min_size = c2.number_input("Minimum accounts", 1, 10_000, 3, key="x_size")
        picked = table[(table["score"] >= min_score) & (table["size"] >= min_size)]["cluster_id"].tolist()
        st.caption(f"{len(picked)} cluster(s) match: "
                   + ", ".join(f"#{by_id.at[c, 'rank']}" for c in picked[:30]))
    rank = dict(zip(table["cluster_id"], table["rank"], strict=True))
    return sorted(picked, key=lambda c: rank[c])


def _cli(run_id: str, ids: list[str], kind: str, fmt: str) -> str:
    args = ["lockstep", "export", "entities", "--run", run_id]
    for c in ids:
        args += ["--cluster", c]
    args += ["--kind", kind, "--format", fmt]
    return shlex.join(args)


def _history(graph: Graph) -> None:
    st.subheader("Exports made")
    rows = list_exports(graph, limit=100)
    if not rows:
        st.caption("No export yet. Every download here and every `lockstep export` is listed.")
        return
    st.dataframe(pd.DataFrame([{
        "when": common.iso(r["created_at"]), "user": r["user"], "kind": r["kind"],
        "format": r["format"], "entities": r["entities"],
        "clusters": ", ".join(json.loads(r["selection"] or "{}").get("clusters", []) or ["(filter)"]),
        "run": json.loads(r["selection"] or "{}").get("run_id", ""),
        "sha256": r["sha256"], "source": r["source"], "export id": r["export_id"],
    } for r in rows]), hide_index=True, width="stretch")


def body(graph: Graph, key: str) -> None:
    st.title("Containment export")
    run = common.pick_run(graph, key)
    table = data.cluster_table(graph, key, run["run_id"])
    if table.empty:
        raise common.NoData(f"Detection run `{run['run_id']}` found no clusters, so there is "
                            "nothing to contain.")
    st.caption("Entity lists for takedown, restriction or review queues, each row with the reason "
               "it is listed. The file is byte for byte what the command line writes for the same "
               "selection, and every download is recorded (who, when, what, sha256).")
    ids = _selection(table)
    c1, c2 = st.columns(2)
    kind = c1.radio("Entities", list(exports.KINDS), horizontal=True, key="x_kind")
    fmt = c2.radio("Format", list(exports.FORMATS), horizontal=True, key="x_fmt",
                   format_func=str.upper)
    if not ids:
        st.info("Choose at least one cluster.")
        _history(graph)
        return
    entity_table = data.entity_export(graph, key, run["run_id"], tuple(ids), kind)
    payload = exports.render(entity_table, fmt)
    selection = {"run_id": run["run_id"], "clusters": ids, "kind": kind}
    file_name = f"lockstep-{kind}-{run['run_id']}-{len(ids)}clusters.{fmt}"

    m = st.columns(3)
    m[0].metric(kind.capitalize(), f"{len(entity_table):,}")
    m[1].metric("Clusters", len(ids))
    m[2].metric("File size", f"{len(payload):,} bytes")
    st.markdown("**Preview**" + (f" (first {PREVIEW_ROWS} rows)" if len(entity_table) > PREVIEW_ROWS
                                 else ""))
    st.dataframe(entity_table.head(PREVIEW_ROWS), hide_index=True, width="stretch", height=320)
    st.download_button(
        f"Download {len(entity_table):,} {kind} as {fmt.upper()}", payload, file_name=file_name,
        mime=MIME[fmt], type="primary", icon=":material/download:", key="x_download",
        on_click=_record, args=(graph, payload, kind, fmt, selection, len(entity_table), file_name))
    st.caption(f"sha256 `{hashlib.sha256(payload).hexdigest()}` · same file from the command line:")
    st.code(_cli(run["run_id"], ids, kind, fmt), language="bash", wrap_lines=True)
    done = st.session_state.pop("export_done", None)
    if done:
        st.success(f"Recorded export `{done['export_id']}` by {common.md(done['user'])}: "
                   f"{done['n_entities']:,} {done['kind']}, sha256 `{done['sha256'][:16]}…`.")
    failed = st.session_state.pop("export_failed", None)
    if failed:
        st.error(f"**The download happened but could not be recorded.** {failed} Record it by "
                 "running the command above once the graph is back.")
    _history(graph)


common.run_page(body)
