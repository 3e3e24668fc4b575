"""Who follows whom and who reposts what (the user data an investigator pulls).

Follow lists: lognormal(median 25, σ 1, max 200) follows, 35% inside the account's friend circle,
the rest popularity-weighted or random; cells and look-alike classes add their own (dense inside
a cell, fans to their idol, outlets to each other). Reposts: a geometric number of popular videos,
cells mostly repost each other. Which accounts have these lists depends only on what is visible
(use of the incident's hashtag), not on the labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

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


def follow_lists(g: Incident, rng: np.random.Generator) -> Iterator[tuple[int, list[int]]]:
    """(account, accounts it follows) for the sampled accounts, in account order.

    The caller may draw from ``rng`` between two lists (the writer does: the API's log ids).
    """
    n = g.n_acc
    sampled = sample_accounts(g, rng, 0.9, 12_000)
    fw = np.asarray(g.follower_weight, dtype=float) ** 0.8
    pop_cdf = np.cumsum(fw) / fw.sum()
    comm_order = np.argsort(g.community, kind="stable")
    comm_start = np.searchsorted(g.community[comm_order], np.arange(g.community.max() + 2))
    sisters = cells.pick_sisters(g, rng)
    for a in sampled.tolist():
        role = int(g.role[a])
        k = int(np.clip(np.exp(rng.normal(math.log(25), 1.0)), 1, 200))
        chosen: dict[int, None] = {}
        if role == R_CELL:
            k = cells.follows(g, a, chosen, sisters, rng)
        elif role >= R_FIRST_LOOKALIKE:
            k = g.lookalikes[role - R_FIRST_LOOKALIKE].follows(a, chosen, k)
        c = g.community[a]
        lo, hi = comm_start[c], comm_start[c + 1]
        n_comm = rng.binomial(k, 0.35)
        n_pop = rng.binomial(k - n_comm, 0.55)
        picks = [comm_order[rng.integers(lo, hi, n_comm)] if hi > lo else np.empty(0, dtype=np.int64),
                 np.searchsorted(pop_cdf, rng.random(n_pop)),
                 rng.integers(0, n, k - n_comm - n_pop)]
        for arr in picks:
            chosen.update(dict.fromkeys(int(x) for x in arr))
        chosen.pop(a, None)
        ids = list(chosen)
        yield a, [ids[j] for j in rng.permutation(len(ids)).tolist()]


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
