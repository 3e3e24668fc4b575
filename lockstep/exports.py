"""Containment exports: entity lists with the reason for each entity, recorded as `Export` nodes.

The command line (`lockstep export ...`) and the app's download buttons both call
:func:`entity_table` / :func:`clusters_table` and :func:`render`, so the same selection gives the
same bytes everywhere; :func:`record_export` writes the audit trail (who, when, what, sha256).
"""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import os
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from graph.connection import Graph
from graph.errors import LockstepError
from graph.queries import detect as q
from graph.queries.exports import clusters_for_export, record_export_node
from ingest.load import new_run_id
from lockstep.csvsafe import inert

KINDS = ("accounts", "videos", "hashtags", "sounds")
FORMATS = ("csv", "json")
CLUSTER_COLUMNS = ["account_id", "cluster_id", "cluster_score", "member_score", "cluster_size",
                   "top_signals"]


def resolve_run(graph: Graph, run_id: str | None) -> str:
    if run_id:
        if q.detection_run(graph, run_id) is None:
            raise LockstepError(f"no detection run {run_id!r}; see the app's overview or `lockstep detect`")
        return run_id
    latest = q.latest_detection_run(graph)
    if latest is None:
        raise LockstepError("no detection results yet: run `lockstep detect` first")
    return latest["run_id"]


def resolve_clusters(graph: Graph, run_id: str, selectors: list[str]) -> list[dict[str, Any]]:
    """Clusters of a run by full id (``detect-...:3``) or rank (``3``); all when none given."""
    clusters = clusters_for_export(graph, run_id)
    if not selectors:
        return clusters
    by_id = {c["cluster_id"]: c for c in clusters}
    by_rank = {str(c["rank"]): c for c in clusters}
    out = []
    for s in selectors:
        c = by_id.get(s) or by_rank.get(s)
        if c is None:
            raise LockstepError(f"no cluster {s!r} in run {run_id} (it has {len(clusters)} clusters)")
        out.append(c)
    return out


def clusters_table(graph: Graph, run_id: str, min_score: float = 0.0, min_size: int = 0) -> pd.DataFrame:
    """One row per flagged account: the cluster export."""
    m = q.members_of_run(graph, run_id)
    m = m[(m["cluster_score"] >= min_score) & (m["cluster_size"] >= min_size)]
    out = pd.DataFrame({
        "account_id": m["account_id"], "cluster_id": m["cluster_id"],
        "cluster_score": m["cluster_score"].round(4), "member_score": m["member_score"].round(4),
        "cluster_size": m["cluster_size"],
        "top_signals": m["top_signals"].map(lambda s: ";".join(s or [])),
    })
    return out.sort_values(["cluster_score", "cluster_id", "member_score", "account_id"],
                           ascending=[False, True, False, True]).reset_index(drop=True)


def entity_table(graph: Graph, clusters: list[dict[str, Any]], kind: str) -> pd.DataFrame:
    """Accounts, videos, hashtags or sounds of the selected clusters, each with its reason."""
    if kind not in KINDS:
        raise LockstepError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    frames = [_entities_of(graph, c, kind) for c in clusters]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=_COLUMNS[kind])
    return pd.concat(frames, ignore_index=True)[_COLUMNS[kind]]


_COLUMNS = {
    "accounts": ["account_id", "username", "display_name", "cluster_id", "cluster_score",
                 "member_score", "reason"],
    "videos": ["post_id", "account_id", "created_at", "caption", "cluster_id", "cluster_score",
               "reason"],
    "hashtags": ["hashtag", "posts", "accounts", "cluster_id", "cluster_score", "reason"],
    "sounds": ["sound_id", "title", "posts", "accounts", "cluster_id", "cluster_score", "reason"],
}


def _entities_of(graph: Graph, c: dict[str, Any], kind: str) -> pd.DataFrame:
    cid, rank, score, size = c["cluster_id"], c["rank"], round(c["score"], 4), c["size"]
    label = f"cluster #{rank} (score {score:.2f}, {size} accounts)"
    coordinated: dict[str, dict[str, Any]] = json.loads(c.get("coordinated_posts_json") or "{}")
    if kind == "accounts":
        m = q.members_of_run(graph, c["run_id"])
        m = m[m["cluster_id"] == cid]
        per_account: dict[str, list[dict[str, Any]]] = {}
        for info in coordinated.values():
            per_account.setdefault(info["account"], []).append(info)
        rows = []
        for r in m.itertuples(index=False):
            posts = per_account.get(r.account_key, [])
            signals = sorted({s for p in posts for s in p["signals"]})
            partners = max((p["partners"] for p in posts), default=0)
            rows.append({
                "account_id": r.account_id, "username": r.username, "display_name": r.display_name,
                "cluster_id": cid, "cluster_score": score, "member_score": round(r.member_score, 4),
                "reason": f"{label}: {len(posts)} posts in lockstep with up to {partners} other "
                          f"members; shared {', '.join(signals) or 'activity'}",
            })
        return pd.DataFrame(rows)
    posts = q.cluster_posts(graph, cid)
    posts = posts[posts["video_key"].isin(coordinated)]
    if posts.empty:
        return pd.DataFrame()
    if kind == "videos":
        return pd.DataFrame({
            "post_id": posts["post_id"], "account_id": posts["account_id"],
            "created_at": pd.to_datetime(posts["timestamp"], unit="s", utc=True)
            .dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "caption": posts["caption"].fillna(""), "cluster_id": cid, "cluster_score": score,
            "reason": [f"{label}: posted in lockstep with {coordinated[k]['partners']} other "
                       f"members; shared {', '.join(coordinated[k]['signals'])}"
                       for k in posts["video_key"]],
        })
    if kind == "hashtags":
        ex = posts.explode("hashtags").dropna(subset=["hashtags"])
        g = ex.groupby("hashtags").agg(posts=("video_key", "nunique"), accounts=("account_key", "nunique"))
        g = g.sort_values(["posts", "accounts"], ascending=False).reset_index()
        return pd.DataFrame({
            "hashtag": g["hashtags"], "posts": g["posts"], "accounts": g["accounts"],
            "cluster_id": cid, "cluster_score": score,
            "reason": [f"{label}: in {p} coordinated posts by {a} members"
                       for p, a in zip(g["posts"], g["accounts"], strict=True)],
        })
    s = posts.dropna(subset=["sound_key"])
    g = s.groupby(["sound_id"], dropna=False).agg(
        title=("sound_title", "first"), posts=("video_key", "nunique"),
        accounts=("account_key", "nunique")).sort_values(["posts", "accounts"], ascending=False).reset_index()
    return pd.DataFrame({
        "sound_id": g["sound_id"], "title": g["title"].fillna(""), "posts": g["posts"],
        "accounts": g["accounts"], "cluster_id": cid, "cluster_score": score,
        "reason": [f"{label}: used in {p} coordinated posts by {a} members"
                   for p, a in zip(g["posts"], g["accounts"], strict=True)],
    })


def render(table: pd.DataFrame, fmt: str) -> bytes:
    """The exact bytes of an export (CSV with a header, or a JSON array of objects)."""
    if fmt == "csv":
        buf = io.StringIO()
        # CRLF rows (RFC 4180): a text cell with a bare carriage return is then quoted too
        inert(table).to_csv(buf, index=False, lineterminator="\r\n")
        return buf.getvalue().encode("utf-8")
    if fmt == "json":
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    raise LockstepError(f"unknown export format {fmt!r}; choose csv or json")


def current_user() -> str:
    return os.environ.get("LOCKSTEP_APP_USER") or getpass.getuser()


def record_export(graph: Graph, data: bytes, kind: str, fmt: str, selection: dict[str, Any],
                  n_entities: int, path: str | None, source: str) -> dict[str, Any]:
    export = {
        "export_id": new_run_id("export"), "user": current_user(),
        "created_at": datetime.now(UTC).isoformat(), "kind": kind, "format": fmt,
        "selection_json": json.dumps(selection, sort_keys=True), "n_entities": int(n_entities),
        "sha256": hashlib.sha256(data).hexdigest(), "path": path or "", "source": source,
        "run_id": selection.get("run_id", ""),
    }
    record_export_node(graph, export)
    return export
