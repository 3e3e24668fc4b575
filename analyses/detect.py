"""The detection pipeline as one pure function: posts in, ranked clusters with evidence out.

posts -> :func:`analyses.actions.action_table` -> :func:`analyses.fusion.fuse` ->
:func:`analyses.clusters.find_clusters` -> evidence and summaries. Every parameter, the seed, the
counts and the timings come back with the result, so a cluster shown today can be reproduced.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from analyses.actions import SIGNALS, action_table, credits
from analyses.arrays import sorted_unique
from analyses.bursts import Bursts
from analyses.clusters import find_clusters, summarize_cluster
from analyses.explain import crowd_contrast, crowd_embedded
from analyses.fusion import FusionParams, edge_evidence, estimate_time_window, fuse_full
from analyses.groups import MetPairs
from analyses.reposts import combine, repost_evidence


@dataclass
class DetectParams:
    seed: int = 42
    fusion: FusionParams = field(default_factory=FusionParams)
    window_auto: bool = False
    clustering: str = "leiden"
    resolution: float = 1.0
    min_cluster_size: int = 3
    caption_threshold: float = 0.7
    evidence_per_edge: int = 10
    alpha: float = 0.01

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fusion"] = self.fusion.as_dict()
        return d


@dataclass
class DetectionResult:
    params: dict[str, Any]
    clusters: pd.DataFrame      # cluster, size, score, parts, top_signals, ..., members, summary
    members: pd.DataFrame       # account_id, cluster, member_score, rank, degree
    edges: pd.DataFrame         # the fused graph's kept edges (analyses.fusion.EDGE_COLUMNS)
    evidence: pd.DataFrame      # per edge: objects and posts that tie the accounts
    stats: dict[str, Any]
    timings: dict[str, float]
    window_estimate: dict[str, Any]

    def flagged_accounts(self) -> set[str]:
        return set(self.members["account_id"])


def _coordinated_posts(evidence: pd.DataFrame, members: pd.DataFrame) -> list[dict[str, Any]]:
    """Per cluster: each post that co-acted with another member's post, with its partners' count
    and the signals involved (the reason a video is on a containment list)."""
    if members.empty:
        return []
    cluster_of = dict(zip(members["account_id"], members["cluster"], strict=True))
    sides = pd.concat([
        evidence[["account_id", "content_id", "account_id_y", "object_type"]].set_axis(
            ["account", "post", "partner", "signal"], axis=1),
        evidence[["account_id_y", "content_id_y", "account_id", "object_type"]].set_axis(
            ["account", "post", "partner", "signal"], axis=1),
    ])
    sides["cluster"] = sides["account"].map(cluster_of)
    out: dict[int, dict[str, Any]] = {}
    for (cluster, post), g in sides.groupby(["cluster", "post"], sort=True):
        out.setdefault(int(cluster), {})[post] = {
            "account": g["account"].iat[0], "partners": int(g["partner"].nunique()),
            "signals": sorted(set(g["signal"]))}
    n = int(members["cluster"].max())
    return [out.get(c, {}) for c in range(1, n + 1)]


def _renumber(clusters: pd.DataFrame, members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clusters numbered 1.. again (in their order) after some were dropped, and their members."""
    new = dict(zip(clusters["cluster"], range(1, len(clusters) + 1), strict=True))
    members = members[members["cluster"].isin(new)].assign(
        cluster=lambda m: m["cluster"].map(new)).reset_index(drop=True)
    return clusters.assign(cluster=clusters["cluster"].map(new)).reset_index(drop=True), members


def _open_ties(posts: pd.DataFrame) -> pd.DataFrame:
    """Pairs of accounts where one tags the other in a post (``a, b``; credits aside)."""
    if "mentions" not in posts:
        return pd.DataFrame(columns=["a", "b"])
    m = posts[["post_id", "account_id", "mentions"]].explode("mentions").dropna()
    m = m[m["account_id"] != m["mentions"]]
    ties = pd.DataFrame({"post_id": m["post_id"].to_numpy(),
                         "a": m["account_id"].astype(str).to_numpy(),
                         "b": m["mentions"].astype(str).to_numpy()})
    # a duet's or stitch's credit to its original is not a tag (cells amplify that way)
    cr = credits(posts).rename(columns={"account_id": "b"}).assign(credit=True)
    ties = ties.merge(cr, on=["post_id", "b"], how="left")
    return ties[ties["credit"].isna()][["a", "b"]].drop_duplicates()


def _codes_in(col: pd.Series, nodes: pd.Index) -> np.ndarray:
    """Position of each account in ``nodes`` (-1 if absent); a categorical column (the fusion's
    account codes) is looked up once per category."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        lookup = nodes.get_indexer(col.cat.categories.astype(str))
        codes = col.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    return nodes.get_indexer(col.astype(str))


def _met_pairs(met: list[pd.DataFrame], edges: pd.DataFrame) -> MetPairs | None:
    """Pairs that met at least once (in time or in repost lists), among the accounts with
    evidence: the terms of the group tests. Matched as integer codes: at a million videos
    there are millions of them."""
    if not met or edges.empty:
        return None
    nodes = pd.Index(pd.unique(pd.concat([edges["account_id"], edges["account_id_y"]],
                                         ignore_index=True).astype(str)))
    n = len(nodes)
    keys = []
    for m in met:
        if m.empty:
            continue
        ca, cb = _codes_in(m["a"], nodes), _codes_in(m["b"], nodes)
        ok = (ca >= 0) & (cb >= 0)
        ca, cb = ca[ok].astype(np.int64), cb[ok].astype(np.int64)
        keys.append(np.minimum(ca, cb) * n + np.maximum(ca, cb))
    key = sorted_unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    return MetPairs.from_codes(key // n, key % n, np.asarray(nodes, dtype=object))


def _burst_rows(found: Bursts, objects: pd.Index, cluster_of: dict[str, int]) -> pd.DataFrame:
    """Meeting-like rows from each cluster's bursts (at least two members on an object within
    minutes): the object and the burst's start and end."""
    acc_cluster = pd.Series(found.account_ids).map(cluster_of)
    sel = acc_cluster.iloc[found.account].notna().to_numpy()
    mem = pd.DataFrame({"burst": found.burst[sel], "cluster": acc_cluster.iloc[found.account[sel]].to_numpy(),
                        "account_id": found.account_ids[found.account[sel]]})
    two = mem.groupby(["burst", "cluster"])["account_id"].transform("size") >= 2
    mem = mem[two].drop_duplicates(["burst", "cluster"])
    if mem.empty:
        return pd.DataFrame(columns=["cluster", "object_type", "object_id", "timestamp", "timestamp_y"])
    tb = found.table.set_index("burst").loc[mem["burst"]]
    obj = objects[tb["object"].to_numpy()]
    return pd.DataFrame({"cluster": mem["cluster"].to_numpy(), "account_id": mem["account_id"].to_numpy(),
                         "object_type": [o[0] for o in obj], "object_id": [o[1] for o in obj],
                         "timestamp": tb["start"].to_numpy(), "timestamp_y": tb["end"].to_numpy()})


def _add_crowd_contrast(clusters: pd.DataFrame, evidence: pd.DataFrame, cluster_of: dict[str, int],
                        actions: pd.DataFrame, window: int, found: Bursts | None = None,
                        objects: pd.Index | None = None) -> None:
    """Each cluster's summary gets ``crowd``: how it differs from the crowd on its main objects
    (:func:`analyses.explain.crowd_contrast`)."""
    if clusters.empty:
        return
    ev = evidence.assign(cluster=evidence["account_id"].map(cluster_of))
    if found is not None:  # a group found by its bursts has few pair meetings: its bursts count
        ev = pd.concat([ev, _burst_rows(found, objects, cluster_of)], ignore_index=True)
    needed = ev[["object_type", "object_id"]].drop_duplicates()
    acts = actions.merge(needed, on=["object_type", "object_id"])
    for i, row in clusters.iterrows():
        mine = ev[ev["cluster"] == row["cluster"]]
        row["summary"]["crowd"] = crowd_contrast(acts, row["members"], mine, window=window)
        clusters.at[i, "summary"] = row["summary"]


class _Stages:
    """Times each stage and tells ``progress`` (if any) when one is done."""

    def __init__(self, progress: Callable[[str, float], None] | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.t = time.perf_counter()

    def done(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.t, 3)
        if self.progress is not None:
            self.progress(stage, now - self.t)
        self.t = now


def _canonical(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if frame.empty or not set(by) <= set(frame.columns):
        return frame
    return frame.sort_values(by, kind="stable").reset_index(drop=True)


def detect(posts: pd.DataFrame, accounts: pd.DataFrame | None = None,
           params: DetectParams | None = None, reposts: pd.DataFrame | None = None,
           progress: Callable[[str, float], None] | None = None) -> DetectionResult:
    """Find coordinated spread clusters among the authors of ``posts``.

    ``posts``: ``post_id, account_id, timestamp`` and the signal columns (``hashtags``,
    ``sound``, ``reposts``, ``urls``, ``mentions``, ``caption``); ``accounts`` (optional):
    ``account_id, username, created_ts``; ``reposts`` (optional): ``account_id, post_id`` from
    timeless repost lists (:mod:`analyses.reposts`); ``progress(stage, seconds)`` is called as
    each stage ends.
    """
    p = params or DetectParams()
    stage = _Stages(progress)
    # One canonical order, whatever order the graph returned the rows in (a bulk-loaded graph
    # returns them in another order than an online-loaded one): the same data gives the same
    # clusters. Ties in later stages are broken by position, so position must mean nothing.
    posts = _canonical(posts, ["post_id"])
    if reposts is not None:
        reposts = _canonical(reposts, ["account_id", "post_id"])
    if accounts is not None:
        accounts = _canonical(accounts, ["account_id"])
    actions = action_table(posts, tuple(p.fusion.signals) if p.fusion.signals else SIGNALS,
                           caption_threshold=p.caption_threshold, seed=p.seed)
    stage.done("actions")
    estimate = estimate_time_window(actions)
    stage.done("window_estimate")
    fusion = p.fusion
    if p.window_auto and estimate["window"]:
        fusion = replace(fusion, windows=(int(estimate["window"]),))
    fused = fuse_full(actions, fusion,
                      posts[[c for c in ("post_id", "account_id", "timestamp", "caption") if c in posts]])
    stats = fused.stats
    stage.done("fusion")
    met = [fused.met] if fused.met is not None else []
    if reposts is not None and not reposts.empty and "repost" in fusion.signals:
        rp = repost_evidence(reposts, posts[["post_id", "account_id"]],
                             cue_sources=set(fused.cue_sources), open_ties=_open_ties(posts))
        edges = combine(fused.edges, rp, set(reposts["account_id"].astype(str)))
        met.append(rp.attrs["met"])
        stats.update(repost_lists=int(reposts["account_id"].nunique()), repost_pairs=int(len(rp)))
    else:
        edges = combine(fused.edges, pd.DataFrame(), set())
    met_pairs = _met_pairs(met, edges)
    stage.done("reposts")
    n_acc = int(stats.get("accounts_tested") or stats.get("accounts") or 1)
    mean_degree = 2.0 * stats.get("candidate_pairs", 0) / max(n_acc, 1)
    clusters, members = find_clusters(edges, seed=p.seed, method=p.clustering,
                                      resolution=p.resolution, min_size=p.min_cluster_size,
                                      window=fusion.time_window, accounts=accounts,
                                      n_accounts=n_acc, mean_degree=mean_degree,
                                      alpha=p.alpha, met=met_pairs,
                                      burst_table=fused.bursts)
    stage.done("clustering")
    cluster_of = dict(zip(members["account_id"], members["cluster"], strict=True))
    same = edges["account_id"].map(cluster_of) == edges["account_id_y"].map(cluster_of)
    kept = edges[same.to_numpy()]
    kept_events = fused.events.merge(kept[["account_id", "account_id_y"]].set_axis(["a", "b"], axis=1))
    evidence = edge_evidence(actions, kept_events, per_edge=None)
    clusters["summary"] = [summarize_cluster(m, posts) for m in clusters["members"]]
    _add_crowd_contrast(clusters, evidence, cluster_of, fused.actions,
                        300 if 300 in fusion.windows else fusion.time_window,
                        fused.bursts, fused.objects)
    # A group that is only ever a small part of bigger crowds, or a weak group sharing its
    # moments with many others, is part of the crowd.
    embedded = pd.Series([crowd_embedded(s.get("crowd", []), lp, n) for s, lp, n in zip(
        clusters["summary"], clusters["log10_p"], clusters["size"], strict=True)],
        index=clusters.index, dtype=bool)
    stats["crowd_embedded_clusters"] = int(embedded.sum())
    if embedded.any():
        clusters, members = _renumber(clusters[~embedded.to_numpy()], members)
        cluster_of = dict(zip(members["account_id"], members["cluster"], strict=True))
        evidence = evidence[evidence["account_id"].map(cluster_of).notna().to_numpy()
                            & (evidence["account_id"].map(cluster_of)
                               == evidence["account_id_y"].map(cluster_of)).to_numpy()]
        kept = kept[kept["account_id"].map(cluster_of).notna().to_numpy()
                    & (kept["account_id"].map(cluster_of)
                       == kept["account_id_y"].map(cluster_of)).to_numpy()]
    clusters["coordinated_posts"] = _coordinated_posts(evidence, members)
    evidence = (evidence.groupby(["account_id", "account_id_y"], sort=False)
                .head(p.evidence_per_edge).reset_index(drop=True))
    stage.done("evidence")
    params_out = p.as_dict()
    params_out["fusion"] = fusion.as_dict()
    stats.update(posts=int(len(posts)), actions=int(len(actions)), clusters=int(len(clusters)),
                 flagged_accounts=int(len(members)))
    return DetectionResult(params=params_out, clusters=clusters, members=members, edges=kept,
                           evidence=evidence, stats=stats,
                           timings=stage.timings,
                           window_estimate=estimate)
