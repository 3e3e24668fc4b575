"""The projection detection reads, and the results it writes back (clusters, members, runs)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from graph.connection import Graph

_POSTS = """
MATCH (a:Account)-[:POSTED]->(v:Video)
WHERE v.created_ts IS NOT NULL
  AND ($incident IS NULL OR $incident IN v.incidents)
  AND ($since IS NULL OR v.created_ts >= $since)
  AND ($until IS NULL OR v.created_ts < $until)
RETURN v.key AS post_id, a.key AS account_id, v.created_ts AS timestamp, v.caption AS caption,
       [(v)-[:TAGGED]->(h:Hashtag) | h.name] AS hashtags,
       head([(v)-[:USES_SOUND]->(s:Sound) | s.key]) AS sound,
       [(v)-[:REPOSTED]->(o:Video) | o.key] AS reposts,
       [(v)-[:LINKS_TO]->(u:Url) | u.url] AS urls,
       [(v)-[:MENTIONS]->(m:Account) | m.key] AS mentions
"""

_REPOSTS = """
MATCH (a:Account)-[:REPOSTED]->(v:Video)
WHERE $incident IS NULL OR $incident IN a.incidents
RETURN a.key AS account_id, v.key AS post_id
"""

_ACCOUNTS = """
MATCH (a:Account) WHERE a.key IN $keys
RETURN a.key AS account_id, a.account_id AS handle, coalesce(a.username, a.account_id) AS username,
       a.created_ts AS created_ts, a.display_name AS display_name
"""


def posts_frame(graph: Graph, incident: str | None = None, since: int | None = None,
                until: int | None = None) -> pd.DataFrame:
    """Stream the posts projection (one row per post with its objects) into a DataFrame."""
    rows = list(graph.stream_tuples(_POSTS, incident=incident, since=since, until=until))
    cols = ["post_id", "account_id", "timestamp", "caption", "hashtags", "sound", "reposts",
            "urls", "mentions"]
    return pd.DataFrame.from_records(rows, columns=cols)


def reposts_frame(graph: Graph, incident: str | None = None) -> pd.DataFrame:
    """Timeless reposts (TikTok's reposted-videos lists): ``account_id, post_id``."""
    rows = list(graph.stream_tuples(_REPOSTS, incident=incident))
    return pd.DataFrame.from_records(rows, columns=["account_id", "post_id"])


def accounts_frame(graph: Graph, keys: list[str]) -> pd.DataFrame:
    rows: list[tuple[Any, ...]] = []
    for i in range(0, len(keys), 20_000):
        rows += graph.stream_tuples(_ACCOUNTS, keys=keys[i:i + 20_000])
    return pd.DataFrame.from_records(
        rows, columns=["account_id", "handle", "username", "created_ts", "display_name"])


def write_detection(graph: Graph, run: dict[str, Any], clusters: list[dict[str, Any]],
                    members: list[dict[str, Any]]) -> None:
    """One DetectionRun (as given: ``status`` "running" until :func:`complete_detection`), its
    Cluster nodes and MEMBER_OF relationships (idempotent per run id)."""
    graph.write("MERGE (r:DetectionRun {run_id: $run.run_id}) SET r += $run, "
                "r.heartbeat_at = datetime()", run=run)
    graph.write_batches(
        "UNWIND $rows AS row MERGE (c:Cluster {cluster_id: row.cluster_id}) SET c += row",
        clusters, batch_size=500)
    graph.write_batches(
        "UNWIND $rows AS row MATCH (a:Account {key: row.account_key}) "
        "MATCH (c:Cluster {cluster_id: row.cluster_id}) "
        "MERGE (a)-[m:MEMBER_OF {run_id: row.run_id}]->(c) "
        "SET m.member_score = row.member_score, m.rank = row.rank",
        members, batch_size=5000)


def complete_detection(graph: Graph, run_id: str, timings_json: str) -> None:
    """Mark a run completed, after its last cluster and member are written."""
    graph.write("MATCH (r:DetectionRun {run_id: $id}) SET r.status = 'completed', "
                "r.finished_at = datetime(), r.timings_json = $timings",
                id=run_id, timings=timings_json)


def latest_detection_run(graph: Graph) -> dict[str, Any] | None:
    rows = graph.read("MATCH (r:DetectionRun) WHERE r.status = 'completed' "
                      "RETURN r ORDER BY r.finished_at DESC LIMIT 1")
    return dict(rows[0]["r"]) if rows else None


def detection_run(graph: Graph, run_id: str) -> dict[str, Any] | None:
    rows = graph.read("MATCH (r:DetectionRun {run_id: $id}) RETURN r", id=run_id)
    return dict(rows[0]["r"]) if rows else None


def clusters_of_run(graph: Graph, run_id: str) -> pd.DataFrame:
    rows = graph.read("MATCH (c:Cluster {run_id: $run}) RETURN c ORDER BY c.rank", run=run_id)
    out = [dict(r["c"]) for r in rows]
    for c in out:
        for key in ("parts_json", "summary_json"):
            if key in c:
                c[key.removesuffix("_json")] = json.loads(c[key])
    return pd.DataFrame(out)


def members_of_run(graph: Graph, run_id: str) -> pd.DataFrame:
    rows = graph.read(
        "MATCH (a:Account)-[m:MEMBER_OF {run_id: $run}]->(c:Cluster) "
        "RETURN a.key AS account_key, a.account_id AS account_id, a.username AS username, "
        "a.display_name AS display_name, c.cluster_id AS cluster_id, c.rank AS cluster_rank, "
        "c.score AS cluster_score, c.size AS cluster_size, c.top_signals AS top_signals, "
        "m.member_score AS member_score, m.rank AS member_rank "
        "ORDER BY c.rank, m.rank", run=run_id)
    return pd.DataFrame(rows, columns=["account_key", "account_id", "username", "display_name",
                                       "cluster_id", "cluster_rank", "cluster_score",
                                       "cluster_size", "top_signals", "member_score", "member_rank"])


def cluster_posts(graph: Graph, cluster_id: str) -> pd.DataFrame:
    """Every post of a cluster's members, with its hashtags and sound (for timelines, exports)."""
    rows = graph.read(
        "MATCH (c:Cluster {cluster_id: $cid})<-[m:MEMBER_OF]-(a:Account)-[:POSTED]->(v:Video) "
        "WHERE v.created_ts IS NOT NULL "
        "RETURN a.key AS account_key, a.account_id AS account_id, v.key AS video_key, "
        "v.post_id AS post_id, v.created_ts AS timestamp, v.caption AS caption, "
        "[(v)-[:TAGGED]->(h) | h.name] AS hashtags, "
        "head([(v)-[:USES_SOUND]->(s) | s.key]) AS sound_key, "
        "head([(v)-[:USES_SOUND]->(s) | s.sound_id]) AS sound_id, "
        "head([(v)-[:USES_SOUND]->(s) | s.title]) AS sound_title "
        "ORDER BY v.created_ts", cid=cluster_id)
    return pd.DataFrame(rows, columns=["account_key", "account_id", "video_key", "post_id",
                                       "timestamp", "caption", "hashtags", "sound_key",
                                       "sound_id", "sound_title"])
