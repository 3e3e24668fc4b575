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

import math
import re
from collections import Counter
from typing import Any

import community as community_louvain
import networkx as nx
import numpy as np
import pandas as pd

from analyses import bursts, groups

SCORE_WEIGHTS: dict[str, float] = {
    "synchrony": 0.15, "repetition": 0.25, "content": 0.15, "density": 0.1,
    "surprise": 0.2, "accounts": 0.05, "size": 0.1,
}
_CONTENT_SIGNALS = {"caption", "sound", "repost", "url", "repost_list"}
_DIGITS = re.compile(r"[\d_.\-]+")


LN10 = math.log(10)


def fused_graph(edges: pd.DataFrame) -> nx.Graph:
    """The evidence graph: one edge per pair that met more often than chance (p <= the fusion's
    ``max_edge_p``), with ``omega = -ln p`` (the pair's evidence) and its weight."""
    g = nx.Graph()
    evidence = edges["evidence"] if "evidence" in edges else edges["surprise"] * LN10
    for row, omega in zip(edges.itertuples(index=False), np.minimum(evidence, 1e4), strict=True):
        if omega > 0:  # edges are few (pairs that met again): a loop is fine
            g.add_edge(row.account_id, row.account_id_y, weight=float(row.weight),
                       omega=float(omega), waves=int(row.waves), surprise=float(row.surprise))
    return g


def _partition(g: nx.Graph, method: str, resolution: float, seed: int) -> list[list[str]]:
    if method == "louvain":
        # python-louvain visits nodes in graph order: sort them so the seed alone fixes the result.
        ordered = nx.Graph()
        ordered.add_nodes_from(sorted(g.nodes()))
        ordered.add_edges_from(sorted(g.edges(data=True)))
        part = community_louvain.best_partition(ordered, weight="omega", resolution=resolution,
                                                random_state=seed)
        groups: dict[int, list[str]] = {}
        for node, c in part.items():
            groups.setdefault(c, []).append(node)
        return list(groups.values())
    if method == "leiden":
        return _leiden(g, resolution, seed)
    if method == "components":
        return [list(c) for c in nx.connected_components(g)]
    raise ValueError(f"unknown clustering method {method!r} (leiden, louvain or components)")


def _leiden(g: nx.Graph, resolution: float, seed: int) -> list[list[str]]:
    """Leiden communities (Traag, Waltman & van Eck 2019, "From Louvain to Leiden: guaranteeing
    well-connected communities", *Sci. Rep.* 9; ``leidenalg`` on ``igraph``): Louvain's
    objective, but every community is connected, and it runs in C++."""
    import igraph
    import leidenalg

    nodes = sorted(g.nodes())
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted((index[a], index[b], d["omega"]) for a, b, d in g.edges(data=True))
    ig = igraph.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in edges])
    part = leidenalg.find_partition(
        ig, leidenalg.RBConfigurationVertexPartition, weights=[w for _, _, w in edges],
        resolution_parameter=resolution, seed=seed, n_iterations=-1)
    return [[nodes[i] for i in community] for community in part]


def significant_groups(g: nx.Graph, communities: list[list[str]], n_accounts: int,
                       mean_degree: float, alpha: float = 0.01, min_size: int = 3,
                       met: groups.MetPairs | None = None) -> list[tuple[list[str], float]]:
    """Each community peeled to the members whose evidence is beyond chance, grown by the
    neighbours whose evidence towards it is, and kept if the group as a whole is beyond chance
    (:mod:`analyses.groups`); groups whose cross evidence is itself beyond chance are merged
    first (a large, sparse cell that the partitioner cut in pieces). Returns ``(members, ln p)``
    pairs."""
    log_alpha = math.log(alpha)
    cores = []
    for nodes in sorted(communities, key=lambda c: (-len(c), min(c))):
        core = groups.peel(g, nodes, log_alpha, min_size, met)
        if core:
            cores.append(core)
    taken = {n for core in cores for n in core}
    grown = []
    for core in cores:
        taken -= set(core)
        core = groups.grow(g, core, log_alpha, taken, met)
        taken |= set(core)
        grown.append(core)
    cores = _merge_linked(g, grown, log_alpha, met)
    out = []
    for core in cores:
        lp = groups.group_log_p(groups.group_evidence(g, core), len(core), n_accounts, mean_degree,
                                groups.group_terms(core, met))
        if lp <= log_alpha:
            out.append((core, lp))
    return out


def _merge_linked(g: nx.Graph, cores: list[list[str]], log_alpha: float,
                  met: groups.MetPairs | None = None) -> list[list[str]]:
    """Union of cores whose cross evidence beats chance for that many cross pairs (corrected for
    the number of core pairs that have any cross edge)."""
    owner = {n: i for i, core in enumerate(cores) for n in core}
    cross: dict[tuple[int, int], float] = {}
    for a, b, d in g.edges(data=True):
        ia, ib = owner.get(a), owner.get(b)
        if ia is not None and ib is not None and ia != ib:
            key = (min(ia, ib), max(ia, ib))
            cross[key] = cross.get(key, 0.0) + d["omega"]
    if not cross:
        return cores
    correction = math.log(len(cross))
    links = []
    for (ia, ib), total in sorted(cross.items()):
        if met is None:
            n_pairs = len(cores[ia]) * len(cores[ib])
        else:
            codes = met.codes(cores[ib])
            n_pairs = sum(met.count_in(n, codes) for n in cores[ia])
        if groups.gamma_log_sf(total, n_pairs) + correction <= log_alpha:
            links.append((ia, ib))
    return [sorted(a for i in part for a in cores[i]) for part in _joined(len(cores), links)]


def _joined(n: int, links: list[tuple[int, int]]) -> list[list[int]]:
    """The items ``0..n-1`` joined by ``links`` (union-find), each part in order of its items."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    parts: dict[int, list[int]] = {}
    for i in range(n):
        parts.setdefault(find(i), []).append(i)
    return list(parts.values())


def find_clusters(
    edges: pd.DataFrame,
    seed: int = 42,
    method: str = "leiden",
    resolution: float = 1.0,
    min_size: int = 3,
    window: int = 300,
    accounts: pd.DataFrame | None = None,
    n_accounts: int | None = None,
    mean_degree: float = 1.0,
    alpha: float = 0.01,
    met: groups.MetPairs | None = None,
    burst_table: bursts.Bursts | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clusters ranked by score (``cluster`` 1 = strongest) and their members with scores.

    ``n_accounts`` and ``mean_degree`` (accounts in the incident and the mean number of
    accounts each met) size the scan correction of :mod:`analyses.groups`, ``met`` says which
    pairs met at least once (the terms of its tests); ``accounts``
    (optional): ``account_id`` with ``username`` and/or ``created_ts`` for the
    account-features part of the score.
    """
    g = fused_graph(edges)
    n_accounts = n_accounts or max(g.number_of_nodes(), 1)
    pruned = groups.prune(g, math.log(alpha))
    found = []
    if pruned.number_of_nodes():
        communities = _partition(pruned, method, resolution, seed)
        found = significant_groups(pruned, communities, n_accounts, mean_degree, alpha, min_size,
                                   met)
    if burst_table is not None and len(burst_table.table):
        # two searches: groups bursting tightly, and groups of slow waves (analyses.bursts)
        for slow in (False, True):
            found = _with_burst_groups(found, burst_groups(burst_table, n_accounts, mean_degree,
                                                           alpha, seed, min_size, method, slow),
                                       min_size)
    if not found:
        return _empty_clusters(), _empty_members()
    rows, member_rows = [], []
    for nodes, log_p in found:
        sub = g.subgraph(nodes)
        score, parts = _score(sub, edges, set(nodes), window, accounts)
        strength = {n: float(sub.degree(n, weight="omega")) if n in sub else 0.0 for n in nodes}
        top = max(strength.values()) or 1.0
        signals = Counter()
        e = edges[edges["account_id"].isin(nodes) & edges["account_id_y"].isin(nodes)]
        for sig in e["signals"]:
            signals.update(sig or {})
        rows.append({"members": sorted(nodes), "size": len(nodes), "score": score, "parts": parts,
                     "top_signals": [k for k, _ in signals.most_common(3)],
                     "edges": sub.number_of_edges(), "log10_p": round(log_p / LN10, 2),
                     "first_ts": _int_or(e["first_ts"].min()), "last_ts": _int_or(e["last_ts"].max())})
        for n in nodes:
            member_rows.append({"members_key": tuple(sorted(nodes)), "account_id": n,
                                "member_score": round(strength[n] / top, 4),
                                "degree": sub.degree(n) if n in sub else 0})
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
    return clusters[["cluster", "size", "score", "parts", "top_signals", "edges", "log10_p",
                     "first_ts", "last_ts", "members"]], members.reset_index(drop=True)


def _int_or(value: float, default: int = 0) -> int:
    return default if pd.isna(value) else int(value)


def burst_groups(found: bursts.Bursts, n_accounts: int, mean_degree: float, alpha: float,
                 seed: int, min_size: int = 3, method: str = "leiden", slow: bool = False
                 ) -> list[tuple[list[str], float]]:
    """Groups that keep bursting together (:mod:`analyses.bursts`): the partitioner on the
    accounts linked by significant bursts, each community kept with its members present on at
    least two of its occasions when its bursts beat chance for a group of that size. ``slow``:
    the second search, on the slow waves a tight burst test cannot see (what the partition
    leaves is tested by connected pieces)."""
    log_alpha = math.log(alpha)
    threshold = bursts.log_threshold(len(found.table), alpha)
    n_significant = int(bursts.significant(found.table, threshold, slow).sum())
    links = bursts.co_burst_links(found, threshold, slow)
    if links.empty:
        return []
    # only accounts linked by at least two significant bursts can repeat (the test needs two
    # occasions); the rest would only slow the partitioner down
    degree = pd.concat([links["a"], links["b"]]).value_counts()
    keep = set(degree[degree >= 2].index)
    links = links[links["a"].isin(keep) & links["b"].isin(keep)]
    if links.empty:
        return []
    h = nx.Graph()
    h.add_weighted_edges_from(sorted(zip(links["a"], links["b"], links["omega"]
                                         if "omega" in links else links["weight"], strict=True)),
                              weight="omega")
    code = {a: i for i, a in enumerate(found.account_ids.tolist())}
    slow_bar = threshold if slow else None
    # the search runs on the burst links: groups it can return are connected there
    burst_degree = 2.0 * h.number_of_edges() / max(h.number_of_nodes(), 1)
    out: list[tuple[list[str], float]] = []

    def test(community: set[str]) -> None:
        if len(community) < min_size:
            return
        codes = np.array(sorted(code[a] for a in community), dtype=np.int64)
        lp, occasions, _ = bursts.group_burst_test(found, codes, n_accounts,
                                                   min(mean_degree, burst_degree),
                                                   n_significant=n_significant, lockstep=False,
                                                   slow_bar=slow_bar)
        members = sorted(found.account_ids[a] for a in occasions)
        if lp <= log_alpha and len(members) >= min_size:
            out.append((members, lp))

    for community in _partition(h, method, 1.0, seed):
        test(community)
    if slow:
        # A sparse cell of slow waves is a loose web of co-bursts (each pair of members met in
        # a wave or two) that a modularity partitioner cuts into pieces, none of which repeats
        # enough alone: what the partition left is tested by connected pieces, whole.
        taken = {a for members, _ in out for a in members}
        rest = h.subgraph([a for a in h if a not in taken])
        for piece in sorted(nx.connected_components(rest), key=min):
            test(piece)
    merged = _merge_co_bursting(found, out, threshold, n_accounts, min(mean_degree, burst_degree),
                                n_significant, log_alpha, slow=slow)
    # only now, with a cut cell whole again, are its members judged by their lockstep with it
    final = []
    for members, _ in merged:
        codes = np.array(sorted(code[a] for a in members), dtype=np.int64)
        lp, occasions, _ = bursts.group_burst_test(found, codes, n_accounts,
                                                   min(mean_degree, burst_degree),
                                                   n_significant=n_significant,
                                                   slow_bar=slow_bar)
        kept = sorted(found.account_ids[a] for a in occasions)
        if lp <= log_alpha and len(kept) >= min_size:
            final.append((kept, lp))
    return final


def _merge_co_bursting(found: bursts.Bursts, groups: list[tuple[list[str], float]],
                       threshold: float, n_accounts: int, degree: float, n_significant: int,
                       log_alpha: float, min_occasions: int = 6, slow: bool = False
                       ) -> list[tuple[list[str], float]]:
    """Burst groups that burst *together* (members of both in the same significant bursts) on
    ``min_occasions`` separate occasions are one group when the union passes the group test at
    least as strongly as either part: a partitioner cuts a large, sparse cell, whose every wave
    is a different handful of members, into pieces that each still burst."""
    if len(groups) < 2:
        return groups
    code = {a: i for i, a in enumerate(found.account_ids.tolist())}
    group_of = np.full(len(found.account_ids), -1, dtype=np.int64)
    for gi, (members, _) in enumerate(groups):
        group_of[[code[a] for a in members]] = gi
    sig = found.table[bursts.significant(found.table, threshold, slow)]
    slow_bar = threshold if slow else None
    sel = np.isin(found.burst, sig["burst"].to_numpy()) & (group_of[found.account] >= 0)
    rows = pd.DataFrame({"burst": found.burst[sel], "g": group_of[found.account[sel]]})
    rows = rows.drop_duplicates()
    multi = rows[rows.groupby("burst")["g"].transform("size") >= 2]
    if multi.empty:
        return groups
    start = sig.set_index("burst")["start"]
    bursts_used = np.unique(multi["burst"].to_numpy())
    occ = pd.Series(bursts._occasions(start.loc[bursts_used].to_numpy(), 3600, 600),
                    index=bursts_used)
    pairs = multi.merge(multi, on="burst")
    pairs = pairs[pairs["g_x"] < pairs["g_y"]]
    shared = (pairs.assign(occasion=occ.loc[pairs["burst"]].to_numpy())
              .groupby(["g_x", "g_y"])["occasion"].nunique())
    out = []
    for parts in _joined(len(groups), [(int(a), int(b)) for (a, b), k in shared.items()
                                       if k >= min_occasions]):
        if len(parts) > 1:
            union = sorted({a for gi in parts for a in groups[gi][0]})
            codes = np.array(sorted(code[a] for a in union), dtype=np.int64)
            lp, occasions, _ = bursts.group_burst_test(found, codes, n_accounts, degree,
                                                       n_significant=n_significant,
                                                       lockstep=False, slow_bar=slow_bar)
            if lp <= log_alpha and lp <= min(groups[gi][1] for gi in parts):
                out.append((sorted(found.account_ids[a] for a in occasions), lp))
                continue
        out.extend(groups[gi] for gi in parts)
    return out


def _with_burst_groups(found: list[tuple[list[str], float]], extra: list[tuple[list[str], float]],
                       min_size: int) -> list[tuple[list[str], float]]:
    """The pair-evidence groups with the burst groups added: a burst group mostly inside one
    pair group joins it; otherwise it stands alone without the accounts other groups have."""
    out = [(list(m), lp) for m, lp in found]
    owner = {n: i for i, (m, _) in enumerate(out) for n in m}
    for members, lp in extra:
        hits = Counter(owner[n] for n in members if n in owner)
        if hits:
            i, k = hits.most_common(1)[0]
            if k >= 0.5 * min(len(members), len(out[i][0])):
                merged = sorted(set(out[i][0]) | {n for n in members if n not in owner})
                out[i] = (merged, min(out[i][1], lp))
                owner.update({n: i for n in merged})
                continue
        rest = [n for n in members if n not in owner]
        if len(rest) >= min_size:
            out.append((rest, lp))
            owner.update({n: len(out) - 1 for n in rest})
    return out


def _score(sub: nx.Graph, edges: pd.DataFrame, nodes: set[str], window: int,
           accounts: pd.DataFrame | None) -> tuple[float, dict[str, float]]:
    e = edges[edges["account_id"].isin(nodes) & edges["account_id_y"].isin(nodes)]
    timed = e[e["waves"] > 0]
    n = len(nodes)
    content = sum(v for s in e["signals"] for k, v in (s or {}).items() if k in _CONTENT_SIGNALS)
    all_sig = sum(v for s in e["signals"] for v in (s or {}).values()) or 1.0
    evidence = e["evidence"] if "evidence" in e else e["surprise"] * LN10
    parts = {
        "synchrony": float(np.clip(1 - np.median(timed["mean_time_delta"]) / max(window, 1), 0, 1))
        if len(timed) else 0.0,
        "repetition": float(1 - np.exp(-(timed["waves"].mean() - 1) / 3)) if len(timed) else 0.0,
        "content": float(min(content / all_sig, 1.0)),
        "density": float(nx.density(sub)) if n > 1 else 0.0,
        "surprise": float(min((evidence / LN10).clip(upper=12).mean() / 12, 1.0)),
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
                                 "log10_p", "first_ts", "last_ts", "members"])


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
