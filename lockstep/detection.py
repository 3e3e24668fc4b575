"""The detection job: graph projection -> analyses.detect -> Cluster / MEMBER_OF / DetectionRun.

Reads only the projection it needs (posts with their objects, streamed), runs the pure pipeline,
and writes the result with every parameter, the seed, counts and timings, so the same parameters
give the same clusters and a cluster shown today can be reproduced in the review.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analyses.detect import DetectionResult, DetectParams, detect
from graph.connection import Graph
from graph.queries import detect as q
from graph.queries.runs import Heartbeat, mark_failed
from ingest.load import new_run_id
from lockstep import __version__

EVIDENCE_EDGES_STORED = 300  # per cluster, strongest first: enough to explain, small to store


@dataclass
class DetectionJob:
    run_id: str
    result: DetectionResult
    seconds: float


def run_detection(graph: Graph, params: DetectParams, incident: str | None = None,
                  since: int | None = None, until: int | None = None,
                  progress: Callable[[str, float], None] | None = None) -> DetectionJob:
    """Read the projection, detect, write the run; ``progress(stage, seconds)`` after each
    stage (``read_graph``, the stages of :func:`analyses.detect.detect`, ``write_graph``)."""
    t0 = time.monotonic()
    run_id = new_run_id("detect")
    started = pd.Timestamp.now(tz="UTC").isoformat()
    t = time.monotonic()
    posts = q.posts_frame(graph, incident=incident, since=since, until=until)
    read_s = time.monotonic() - t
    if progress is not None:
        progress("read_graph", read_s)
    accounts = q.accounts_frame(graph, sorted(posts["account_id"].unique().tolist())) \
        if not posts.empty else pd.DataFrame(columns=["account_id", "username", "created_ts"])
    reposts = q.reposts_frame(graph, incident=incident)
    result = detect(posts, accounts, params, reposts=reposts, progress=progress)
    result.timings["read_graph"] = round(read_s, 3)
    t = time.monotonic()
    clusters, members = _result_rows(run_id, result, accounts)
    run = {
        "run_id": run_id, "status": "running", "incident": incident, "since": since,
        "until": until, "seed": params.seed, "tool_version": __version__,
        "params_json": json.dumps(result.params, sort_keys=True),
        "stats_json": json.dumps(result.stats, sort_keys=True, default=str),
        "window_estimate_json": json.dumps(result.window_estimate),
        "time_window": result.params["fusion"]["time_window"],
        "signals": list(result.params["fusion"]["signals"]),
        "n_posts": int(len(posts)), "n_clusters": len(clusters), "n_flagged": len(members),
        "started_at": started,
    }
    # written "running" first and marked completed by the last write: a run that crashes while
    # its clusters are written is never the latest (exports and the app read completed runs)
    try:
        with Heartbeat(graph, "DetectionRun", run_id):
            q.write_detection(graph, run, clusters, members)
            result.timings["write_graph"] = round(time.monotonic() - t, 3)
            q.complete_detection(graph, run_id, json.dumps(result.timings))
    except BaseException as exc:
        mark_failed(graph, "DetectionRun", run_id, exc)
        raise
    return DetectionJob(run_id=run_id, result=result, seconds=time.monotonic() - t0)


def _result_rows(run_id: str, result: DetectionResult, accounts: pd.DataFrame
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    clusters: list[dict[str, Any]] = []
    # each edge's evidence rows, looked up by pair (one pass, not one scan per stored edge)
    ev = result.evidence
    ties = {key: g for key, g in ev.groupby(["account_id", "account_id_y"], sort=False)}
    no_ties = ev.iloc[:0]
    for row in result.clusters.itertuples(index=False):
        members = set(row.members)
        edges = result.edges[result.edges["account_id"].isin(members)
                             & result.edges["account_id_y"].isin(members)].head(EVIDENCE_EDGES_STORED)
        edge_list = []
        for e in edges.itertuples(index=False):
            tie = ties.get((e.account_id, e.account_id_y), no_ties)
            edge_list.append({
                "a": e.account_id, "b": e.account_id_y, "weight": round(float(e.weight), 3),
                "waves": int(e.waves), "events": int(e.events), "surprise": round(float(e.surprise), 2),
                "mean_dt": round(float(e.mean_time_delta), 1), "signals": e.signals,
                "evidence": [{"type": r.object_type, "object": r.object_id, "post_a": r.content_id,
                              "post_b": r.content_id_y, "t_a": int(r.timestamp),
                              "t_b": int(r.timestamp_y), "dt": int(r.time_delta)}
                             for r in tie.itertuples(index=False)],
            })
        summary = row.summary
        clusters.append({
            "cluster_id": f"{run_id}:{row.cluster}", "run_id": run_id, "rank": int(row.cluster),
            "score": float(row.score), "size": int(row.size), "edges": int(row.edges),
            "log10_p": float(row.log10_p),
            "parts_json": json.dumps(row.parts), "top_signals": list(row.top_signals),
            "top_hashtags": [t for t, _ in summary["top_hashtags"]],
            "top_sounds": [s for s, _ in summary["top_sounds"]],
            "sample_captions": [c for c, _ in summary["sample_captions"][:3]],
            "first_ts": int(row.first_ts), "last_ts": int(row.last_ts),
            "summary_json": json.dumps(summary),
            "edges_json": json.dumps(edge_list),
            "coordinated_posts_json": json.dumps(row.coordinated_posts),
        })
    partners = _member_partners(result)
    members = [{
        "run_id": run_id, "cluster_id": f"{run_id}:{m.cluster}", "account_key": m.account_id,
        "member_score": float(m.member_score), "rank": int(m.rank),
        "partners": partners.get(m.account_id, 0),
    } for m in result.members.itertuples(index=False)]
    return clusters, members


def _member_partners(result: DetectionResult) -> dict[str, int]:
    c: Counter = Counter()
    for e in result.edges.itertuples(index=False):
        c[e.account_id] += 1
        c[e.account_id_y] += 1
    return dict(c)
