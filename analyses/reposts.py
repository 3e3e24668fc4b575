"""Timeless reposts: accounts that repost the same rare posts, or each other's posts.

TikTok's reposted-videos endpoint lists, per account, the videos it reposted, with no time. A
cell amplifies its own campaign: its members repost each other's posts and the same few posts
nobody else does. Fans repost their creator too, but so does everyone else who reposts her:
sharing a post that thousands reposted proves nothing.

For accounts ``i`` and ``j`` with repost lists ``R_i`` and ``R_j`` (``d_i = |R_i|``), the
evidence is ``k`` = the posts both reposted + the posts of one that the other reposted, against
the number a pair of strangers with the same lists' sizes would have, if each repost picked its
post in proportion to how often it was reposted (a configuration null for the bipartite
account-post graph, the co-retweet projection of Pacheco et al. 2021, "Uncovering coordinated
networks on social media", ICWSM, with its expectation made explicit):

``λ = Σ_{v ∈ R_i} d_j r_v / R  +  Σ_{v by j} d_i r_v / R  +  Σ_{v by i} d_j r_v / R``

(``r_v``: accounts that reposted ``v``; ``R = Σ r_v``). As for timed meetings, only a pair that
shares at least ``min_shared`` posts is tested, with ``P(K >= k | K >= 1)``. Posts reposted by
more than ``max_reposters`` accounts are left out (they are popular, not coordinated, and their
pairs would be the most numerous).

>>> import pandas as pd
>>> r = pd.DataFrame({"account_id": ["a", "a", "a", "b", "b", "b", "c"],
...                   "post_id": ["v1", "v2", "v3", "v1", "v2", "v3", "v1"]})
>>> e = repost_evidence(r, pd.DataFrame({"post_id": [], "account_id": []}), n_other=1000)
>>> e[["account_id", "account_id_y", "shared"]].to_dict("records")
[{'account_id': 'a', 'account_id_y': 'b', 'shared': 3}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import gamma

from analyses import chance

REPOST_EVIDENCE_COLUMNS = ["account_id", "account_id_y", "shared", "expected", "surprise"]


def repost_evidence(reposts: pd.DataFrame, posts: pd.DataFrame, min_shared: int = 2,
                    max_reposters: int = 200, n_other: int = 0,
                    cue_sources: set[str] | None = None,
                    open_ties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Account pairs whose reposts tie them more than chance: ``shared`` (k), ``expected``
    (λ) and ``surprise`` (``-log10 P(K >= k | K >= 1)``). ``reposts``: ``account_id, post_id``;
    ``posts``: ``post_id, account_id`` (the reposted posts' authors, where known);
    ``n_other``: reposts outside the lists (of other accounts), added to ``R``;
    ``cue_sources``: creators whose posts draw reactions (:mod:`analyses.cues`): reposting
    their posts is reacting to them, not evidence; ``open_ties`` (``a, b``): accounts that
    name each other in their posts (friends): their reposts of each other are open too."""
    if reposts.empty:
        out = pd.DataFrame(columns=REPOST_EVIDENCE_COLUMNS)
        out.attrs["met"] = pd.DataFrame(columns=["a", "b"])
        return out
    r = reposts[["account_id", "post_id"]].drop_duplicates().astype(str)
    acc_codes, accounts = pd.factorize(pd.concat([r["account_id"], posts["account_id"].astype(str)]))
    acc = acc_codes[:len(r)]
    post_codes, post_ids = pd.factorize(r["post_id"])
    r_v = np.bincount(post_codes)
    total = float(len(r) + n_other)
    d = np.bincount(acc, minlength=len(accounts)).astype(np.float64)
    author = np.full(len(post_ids), -1, dtype=np.int64)
    known = pd.Index(post_ids).get_indexer(posts["post_id"].astype(str))
    author[known[known >= 0]] = acc_codes[len(r):][known >= 0]
    # Pairs: reposters of the same post (rare posts only), and reposter -> author.
    keep = r_v[post_codes] <= max_reposters
    if cue_sources:
        by_creator = np.isin(accounts[np.maximum(author, 0)], list(cue_sources)) & (author >= 0)
        keep &= ~by_creator[post_codes]
        post_codes = np.where(by_creator[post_codes], -1, post_codes)
    by_post = pd.DataFrame({"post": post_codes[keep], "acc": acc[keep]}).sort_values(["post", "acc"])
    pairs = by_post.merge(by_post, on="post")
    pairs = pairs[pairs["acc_x"] < pairs["acc_y"]]
    shared = pairs.groupby(["acc_x", "acc_y"]).size()
    direct_a, direct_b = acc, np.where(post_codes >= 0, author[np.maximum(post_codes, 0)], -1)
    ok = (direct_b >= 0) & (direct_b != direct_a)
    lo, hi = np.minimum(direct_a[ok], direct_b[ok]), np.maximum(direct_a[ok], direct_b[ok])
    direct = pd.Series(1, index=pd.MultiIndex.from_arrays([lo, hi], names=["acc_x", "acc_y"]))
    direct = direct.groupby(level=[0, 1]).size()
    k = shared.add(direct, fill_value=0).astype(np.int64)
    met = k.index.to_frame(index=False)
    k = k[k >= min_shared]
    if open_ties is not None and not open_ties.empty and not k.empty:
        code = {x: i for i, x in enumerate(accounts.tolist())}
        ta = open_ties["a"].map(code)
        tb = open_ties["b"].map(code)
        ok = ta.notna() & tb.notna()
        lo = np.minimum(ta[ok], tb[ok]).astype(np.int64)
        hi = np.maximum(ta[ok], tb[ok]).astype(np.int64)
        tied = pd.MultiIndex.from_arrays([lo, hi])
        k = k[~k.index.isin(tied)]
    out_met = pd.DataFrame({"a": accounts[met["acc_x"].to_numpy()],
                            "b": accounts[met["acc_y"].to_numpy()]})
    if k.empty:
        out = pd.DataFrame(columns=REPOST_EVIDENCE_COLUMNS)
        out.attrs["met"] = out_met
        return out
    a = k.index.get_level_values(0).to_numpy()
    b = k.index.get_level_values(1).to_numpy()
    # λ: for each list, the popularity mass of its posts; for each author, of their posts.
    pop = r_v / total
    mass = np.bincount(acc, weights=np.where(post_codes >= 0, pop[np.maximum(post_codes, 0)], 0.0),
                       minlength=len(accounts))
    authored = np.bincount(author[author >= 0], weights=pop[author >= 0], minlength=len(accounts))
    lam = d[b] * mass[a] + d[a] * authored[b] + d[b] * authored[a]
    lam = np.maximum(lam, 1e-12)
    surprise = -chance.log10_conditional_poisson_p(k.to_numpy(), lam)
    out = pd.DataFrame({"account_id": accounts[a], "account_id_y": accounts[b],
                        "shared": k.to_numpy(), "expected": lam, "surprise": surprise})
    swap = out["account_id"].astype(str) > out["account_id_y"].astype(str)
    out.loc[swap, ["account_id", "account_id_y"]] = out.loc[swap, ["account_id_y", "account_id"]].to_numpy()
    out = out.sort_values(["surprise", "account_id", "account_id_y"],
                          ascending=[False, True, True]).reset_index(drop=True)
    out.attrs["met"] = out_met  # every pair with a shared repost: the terms of group tests
    return out


def combine(edges: pd.DataFrame, repost: pd.DataFrame, with_lists: set[str]) -> pd.DataFrame:
    """The fused edges with each pair's repost evidence added: ``evidence`` (nats) is the
    timed evidence ``ω_t = surprise · ln 10`` or, where both accounts have repost lists,
    Fisher's combination of the two tests, ``-ln P(Gamma(2, 1) >= ω_t + ω_r)`` (a pair with no
    shared reposts then has ``ω_r = 0``). Pairs tied only by reposts become edges too."""
    ln10 = np.log(10)
    out = edges.copy()
    out["repost_shared"] = 0
    out["repost_surprise"] = 0.0
    if not repost.empty:
        rp = repost.rename(columns={"shared": "repost_shared", "surprise": "repost_surprise",
                                    "expected": "repost_expected"})
        out = out.drop(columns=["repost_shared", "repost_surprise"]).merge(
            rp[["account_id", "account_id_y", "repost_shared", "repost_surprise"]],
            on=["account_id", "account_id_y"], how="outer")
        out["repost_shared"] = out["repost_shared"].fillna(0).astype(np.int64)
        out["repost_surprise"] = out["repost_surprise"].fillna(0.0)
        for col, fill in (("surprise", 0.0), ("waves", 0), ("events", 0), ("weight", 0.0),
                          ("q", 1.0), ("expected", 0.0)):
            out[col] = out[col].fillna(fill)
        out["signals"] = [s if isinstance(s, dict) else {} for s in out["signals"]]
        only = out["repost_shared"].gt(0) & out["waves"].eq(0)
        out.loc[only, "signals"] = [{"repost_list": int(k)} for k in out.loc[only, "repost_shared"]]
    w_t = out["surprise"].to_numpy(dtype=np.float64) * ln10
    w_r = out["repost_surprise"].to_numpy(dtype=np.float64) * ln10
    both = out["account_id"].isin(with_lists).to_numpy() & out["account_id_y"].isin(with_lists).to_numpy()
    fisher = -np.minimum(gamma.logsf(w_t + w_r, 2), 0.0)
    out["evidence"] = np.where(both, fisher, w_t)
    return out.reset_index(drop=True)
