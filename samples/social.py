"""Who follows whom and who reposts what (the user data an investigator pulls).

Follow lists: lognormal(median 25, σ 1, max 200) follows, 35% inside the account's friend circle,
the rest popularity-weighted or random; cells and look-alike classes add their own (dense inside
a cell, fans to their idol, outlets to each other). Reposts: a geometric number of popular videos,
cells mostly repost each other. Which accounts have these lists depends only on what is visible
(use of the incident's hashtag), not on the labels.
"""

from __future__ import annotations

import math

import numpy as np

from samples import cells
from samples.state import R_CELL, R_FIRST_LOOKALIKE, Incident


def challenge_users(g: Incident) -> np.ndarray:
    """Accounts that posted the challenge hashtag (what an investigator searches for)."""
    mask = np.zeros(g.n_acc, dtype=bool)
    mask[g.acct[g.has_ch]] = True
    return mask


def sample_accounts(g: Incident, rng: np.random.Generator, p_high: float, budget: int) -> np.ndarray:
    """Accounts an investigator pulled: most challenge-tag users, a random share of the rest.

    The choice depends only on what is visible (use of the incident's hashtag), not on the
    ground-truth label, so "has a following list" is no give-away.
    """
    hot = challenge_users(g)
    p_low = min(0.4, budget / g.n_acc)
    p = np.where(hot, p_high, p_low)
    return np.flatnonzero(rng.random(g.n_acc) < p)


def follow_lists(g: Incident, rng: np.random.Generator) -> list[tuple[int, list[int]]]:
    """(account, accounts it follows) for the sampled accounts, in account order.

    The everyday follows of all accounts are drawn at once (numpy, not one account at a time):
    k follows each, 35% in the account's friend circle, of the rest 55% popularity-weighted and
    the others random; cells and look-alike classes add theirs (and may set k) first.
    """
    n = g.n_acc
    sampled = sample_accounts(g, rng, 0.9, 12_000).tolist()
    m = len(sampled)
    fw = np.asarray(g.follower_weight, dtype=float) ** 0.8
    pop_cdf = np.cumsum(fw) / fw.sum()
    comm_order = np.argsort(g.community, kind="stable")
    comm_start = np.searchsorted(g.community[comm_order], np.arange(g.community.max() + 2))
    sisters = cells.pick_sisters(g, rng)
    ks = np.clip(np.exp(rng.normal(math.log(25), 1.0, m)), 1, 200).astype(np.int64)
    chosen: list[dict[int, None]] = []
    for j, a in enumerate(sampled):
        mine: dict[int, None] = {}
        role = int(g.role[a])
        if role == R_CELL:
            ks[j] = cells.follows(g, a, mine, sisters, rng)
        elif role >= R_FIRST_LOOKALIKE:
            ks[j] = g.lookalikes[role - R_FIRST_LOOKALIKE].follows(a, mine, int(ks[j]))
        chosen.append(mine)
    n_comm = rng.binomial(ks, 0.35)
    n_pop = rng.binomial(ks - n_comm, 0.55)
    n_rand = ks - n_comm - n_pop
    comm = g.community[sampled] if m else np.zeros(0, dtype=np.int64)
    lo, hi = comm_start[comm], comm_start[comm + 1]
    span = np.repeat(hi - lo, n_comm)
    comm_picks = comm_order[np.repeat(lo, n_comm) + (rng.random(len(span)) * span).astype(np.int64)]
    pop_picks = np.searchsorted(pop_cdf, rng.random(int(n_pop.sum())))
    rand_picks = rng.integers(0, n, int(n_rand.sum()))
    starts = [np.r_[0, np.cumsum(x)].tolist() for x in (n_comm, n_pop, n_rand)]
    picks = [comm_picks.tolist(), pop_picks.tolist(), rand_picks.tolist()]
    for j, a in enumerate(sampled):
        mine = chosen[j]
        for arr, st in zip(picks, starts, strict=True):
            mine.update(dict.fromkeys(arr[st[j]:st[j + 1]]))
        mine.pop(a, None)
    # every list in a random order: one sort over all lists, by (list, random key)
    sizes = np.array([len(c) for c in chosen], dtype=np.int64)
    flat = np.fromiter((x for c in chosen for x in c), dtype=np.int64, count=int(sizes.sum()))
    seg = np.repeat(np.arange(m), sizes)
    order = np.lexsort((rng.random(len(flat)), seg))
    flat = flat[order].tolist()
    bounds = np.r_[0, np.cumsum(sizes)].tolist()
    return [(a, flat[bounds[j]:bounds[j + 1]]) for j, a in enumerate(sampled)]


def plan_reposts(g: Incident) -> None:
    """Choose repost lists (row indices) before the text exists, so the rows can be captured."""
    rng = np.random.default_rng([g.seed, 41])
    sampled = sample_accounts(g, rng, 0.8, 10_000)
    top_n = max(50, g.n_videos // 100)
    top = np.argsort(-g.views, kind="stable")[:top_n]
    top_w = g.views[top].astype(float) ** 0.7
    top_cdf = np.cumsum(top_w) / top_w.sum()

    def popular(k: int) -> list[int]:
        return [int(top[j]) for j in np.searchsorted(top_cdf, rng.random(k))]

    g.need_obj = np.zeros(g.n_videos, dtype=bool)  # rows whose object the repost lists need
    g.repost_plan = []
    for a in sampled:
        a = int(a)
        role = int(g.role[a])
        if role == R_CELL:
            picks = cells.reposts(g, a, rng, popular)
        else:
            kk = int(rng.geometric(0.35)) - 1
            picks = []
            if role >= R_FIRST_LOOKALIKE:
                picks += g.lookalikes[role - R_FIRST_LOOKALIKE].reposts(a)
            picks += popular(kk)
        picks = [p for p in dict.fromkeys(picks) if g.acct[p] != a]
        g.repost_plan.append((a, picks))
        g.need_obj[picks] = True
