"""Coordinated spread clusters from the fused graph, and the score that ranks them.

Clusters are Louvain communities (Blondel, Guillaume, Lambiotte & Lefebvre 2008, "Fast unfolding
of communities in large networks", *J. Stat. Mech.* P10008; ``python-louvain``) of the fused,
thresholded account graph, computed with a fixed seed so the same input gives the same clusters;
connected components are an option (``method="components"``). Clusters smaller than
``min_size`` are dropped (default 3: two accounts can share a manager or a meme by chance; three
acting together again and again rarely do).

The cluster score is a weighted mean of parts in [0, 1], each shown to the investigator:

=============== =========================================================================
synchrony       how close in time their co-actions are: ``1 - median gap / window``
repetition      how often pairs met in separate waves: ``1 - exp(-(mean waves - 1) / 3)``
content         share of co-action events with a copied caption, shared sound or repost
density         edges present among members / possible edges
surprise        mean edge surprise (``-log10 p`` of chance co-action), capped at 12, / 12
accounts        look-alike usernames (same stem, digits aside) or accounts created together
size            ``log(size) / log(50)``, capped at 1 (bigger cells spread further)
=============== =========================================================================

The member score is a member's weighted degree inside the cluster divided by the largest.

>>> import pandas as pd
>>> e = pd.DataFrame({"account_id": ["a", "a", "b"], "account_id_y": ["b", "c", "c"],
...                   "weight": [5.0, 4.0, 6.0], "waves": [4, 3, 5], "events": [4, 3, 5],
...                   "surprise": [9.0, 7.0, 11.0], "mean_time_delta": [30.0, 40.0, 20.0],
...                   "signals": [{"caption": 4}, {"hashtag": 3}, {"caption": 5}],
...                   "first_ts": [0, 0, 0], "last_ts": [9, 9, 9], "expected": [0.1] * 3})
>>> clusters, members = find_clusters(e, seed=1, window=300)
>>> clusters[["cluster", "size"]].to_dict("records"), sorted(members["account_id"])
([{'cluster': 1, 'size': 3}], ['a', 'b', 'c'])
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import community as community_louvain
import networkx as nx
import numpy as np
import pandas as pd

SCORE_WEIGHTS: dict[str, float] = {
    "synchrony": 0.15, "repetition": 0.25, "content": 0.15, "density": 0.1,
    "surprise": 0.2, "accounts": 0.05, "size": 0.1,
}
_CONTENT_SIGNALS = {"caption", "sound", "repost", "url"}
_DIGITS = re.compile(r"[\d_.\-]+")


def fused_graph(edges: pd.DataFrame) -> nx.Graph:
    g = nx.Graph()
    for row in edges.itertuples(index=False):  # edges are few (thresholded): a loop is fine
        g.add_edge(row.account_id, row.account_id_y, weight=float(row.weight),
                   waves=int(row.waves), surprise=float(row.surprise))
    return g


def find_clusters(
    edges: pd.DataFrame,
    seed: int = 42,
    method: str = "louvain",
    resolution: float = 1.0,
    min_size: int = 3,
    window: int = 300,
    accounts: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clusters ranked by score (``cluster`` 1 = strongest) and their members with scores.

    ``accounts`` (optional): ``account_id`` with ``username`` and/or ``created_ts`` for the
    account-features part of the score.
    """
    g = fused_graph(edges)
    if g.number_of_nodes() == 0:
        return _empty_clusters(), _empty_members()
    if method == "louvain":
        # python-louvain visits nodes in graph order: sort them so the seed alone fixes the result.
        ordered = nx.Graph()
        ordered.add_nodes_from(sorted(g.nodes()))
        ordered.add_edges_from(sorted(g.edges(data=True)))
        part = community_louvain.best_partition(ordered, weight="weight", resolution=resolution,
                                                random_state=seed)
        groups: dict[int, list[str]] = {}
        for node, c in part.items():
            groups.setdefault(c, []).append(node)
        communities = list(groups.values())
    elif method == "components":
        communities = [list(c) for c in nx.connected_components(g)]
    else:
        raise ValueError(f"unknown clustering method {method!r} (louvain or components)")
    rows, member_rows = [], []
    for nodes in communities:
        if len(nodes) < min_size:
            continue
        sub = g.subgraph(nodes)
        score, parts = _score(sub, edges, set(nodes), window, accounts)
        strength = dict(sub.degree(weight="weight"))
        top = max(strength.values()) or 1.0
        signals = Counter()
        e = edges[edges["account_id"].isin(nodes) & edges["account_id_y"].isin(nodes)]
        for s in e["signals"]:
            signals.update(s or {})
        rows.append({"members": sorted(nodes), "size": len(nodes), "score": score, "parts": parts,
                     "top_signals": [k for k, _ in signals.most_common(3)],
                     "edges": sub.number_of_edges(),
                     "first_ts": int(e["first_ts"].min()), "last_ts": int(e["last_ts"].max())})
        for n in nodes:
            member_rows.append({"members_key": tuple(sorted(nodes)), "account_id": n,
                                "member_score": round(strength[n] / top, 4),
                                "degree": sub.degree(n)})
    if not rows:
        return _empty_clusters(), _empty_members()
    clusters = pd.DataFrame(rows)
    clusters["_key"] = clusters["members"].map(tuple)
    clusters = clusters.sort_values(["score", "size", "_key"], ascending=[False, False, True])
    clusters["cluster"] = np.arange(1, len(clusters) + 1)
    members = pd.DataFrame(member_rows).merge(
        clusters[["_key", "cluster"]].rename(columns={"_key": "members_key"}), on="members_key")
    members = members.drop(columns="members_key").sort_values(
        ["cluster", "member_score", "account_id"], ascending=[True, False, True])
    members["rank"] = members.groupby("cluster").cumcount() + 1
    clusters = clusters.drop(columns="_key").reset_index(drop=True)
    return clusters[["cluster", "size", "score", "parts", "top_signals", "edges", "first_ts",
                     "last_ts", "members"]], members.reset_index(drop=True)


def _score(sub: nx.Graph, edges: pd.DataFrame, nodes: set[str], window: int,
           accounts: pd.DataFrame | None) -> tuple[float, dict[str, float]]:
    e = edges[edges["account_id"].isin(nodes) & edges["account_id_y"].isin(nodes)]
    n = len(nodes)
    content = sum(v for s in e["signals"] for k, v in (s or {}).items() if k in _CONTENT_SIGNALS)
    all_sig = sum(v for s in e["signals"] for v in (s or {}).values()) or 1.0
    parts = {
        "synchrony": float(np.clip(1 - np.median(e["mean_time_delta"]) / max(window, 1), 0, 1)),
        "repetition": float(1 - np.exp(-(e["waves"].mean() - 1) / 3)),
        "content": float(min(content / all_sig, 1.0)),
        "density": float(nx.density(sub)) if n > 1 else 0.0,
        "surprise": float(min(e["surprise"].clip(upper=12).mean() / 12, 1.0)),
        "accounts": _account_features(sorted(nodes), accounts),
        "size": float(min(np.log(n) / np.log(50), 1.0)),
    }
    score = sum(SCORE_WEIGHTS[k] * v for k, v in parts.items())
    return round(float(score), 4), {k: round(v, 4) for k, v in parts.items()}


def _account_features(nodes: list[str], accounts: pd.DataFrame | None) -> float:
    """Share of members with a look-alike username or created within a day of another member."""
    if accounts is None or accounts.empty:
        return 0.0
    acc = accounts[accounts["account_id"].isin(nodes)]
    flagged: set[str] = set()
    if "username" in acc:
        stems = acc.assign(stem=acc["username"].fillna("").str.lower().map(
            lambda u: _DIGITS.sub("", u)))
        stems = stems[stems["stem"].str.len() >= 3]
        dup = stems[stems.duplicated("stem", keep=False)]
        flagged |= set(dup["account_id"])
    if "created_ts" in acc and acc["created_ts"].notna().sum() >= 2:
        ts = acc.dropna(subset=["created_ts"]).sort_values("created_ts")
        close = ts["created_ts"].diff().le(86_400)
        close = close | close.shift(-1, fill_value=False)
        flagged |= set(ts.loc[close, "account_id"])
    return round(len(flagged) / max(len(nodes), 1), 4)


def _empty_clusters() -> pd.DataFrame:
    return pd.DataFrame(columns=["cluster", "size", "score", "parts", "top_signals", "edges",
                                 "first_ts", "last_ts", "members"])


def _empty_members() -> pd.DataFrame:
    return pd.DataFrame(columns=["account_id", "member_score", "degree", "cluster", "rank"])


def summarize_cluster(members: list[str], posts: pd.DataFrame, top: int = 5,
                      bin_seconds: int = 3600) -> dict[str, Any]:
    """Top shared hashtags, sounds and captions of a cluster and its activity timeline."""
    mine = posts[posts["account_id"].isin(members)]
    tags = Counter(t for ts in mine.get("hashtags", pd.Series(dtype=object)) for t in (ts or []))
    sounds = Counter(s for s in mine.get("sound", pd.Series(dtype=object)) if isinstance(s, str))
    caps = Counter(c for c in mine.get("caption", pd.Series(dtype=object))
                   if isinstance(c, str) and c.strip())
    bins = (mine["timestamp"] // bin_seconds * bin_seconds).value_counts().sort_index()
    return {
        "top_hashtags": [[k, int(v)] for k, v in tags.most_common(top)],
        "top_sounds": [[k, int(v)] for k, v in sounds.most_common(top)],
        "sample_captions": [[k, int(v)] for k, v in caps.most_common(top)],
        "timeline": [[int(t), int(n)] for t, n in bins.items()],
        "posts": int(len(mine)),
    }
