"""Campaigns leak into organic life: real sympathisers (or critics) pick up a campaign's tags and
sometimes paste its message, at their own times, in their own ordinary posts. They are not part
of any cell."""

from __future__ import annotations

import numpy as np

from .accounts import ROLE_ORGANIC, Accounts
from .captions import hashtag_text
from .cells import Cell
from .clock import COUNTRY_CODES
from .posts import PostBatch
from .util import pick, stream

_QUOTE = ["this 👇", "so true", "exactly", "not sure about this:", "saw this:"]


def spill(seed: int, cells: list[Cell], organic: PostBatch, acc: Accounts) -> int:
    rng = stream(seed, "spillover")
    order = np.argsort(organic.author, kind="stable")
    authors = organic.author[order]
    changed = 0
    for c in cells:
        if c.campaign.theme == "challenge" or not c.used_tags:
            continue
        tc = COUNTRY_CODES.index(c.target_country)
        pool = np.flatnonzero((acc.role == ROLE_ORGANIC) & ~acc.protected & (acc.country == tc))
        if len(pool) == 0:
            continue
        k = min(len(pool), int(len(c.members) * rng.uniform(0.5, 2.5)) + 2)
        fans = rng.choice(pool, k, replace=False)
        lo, hi = c.period
        for a in fans.tolist():
            s, e = np.searchsorted(authors, [a, a + 1])
            p_take = rng.uniform(0.15, 0.5)
            for j in order[s:e].tolist():
                if not lo <= organic.ts[j] <= hi + 2 * 86400 or rng.random() > p_take:
                    continue
                tag = c.used_tags[int(rng.integers(len(c.used_tags)))]
                if any(t.lower() == tag.lower() for t in organic.tags[j]):
                    continue
                cap = organic.caption[j]
                quotable = [m for m in c.campaign.messages if "@" not in m]
                if quotable and rng.random() < 0.15:
                    msg = pick(rng, quotable)
                    cap = f"{pick(rng, _QUOTE)} \"{msg}\" {cap}"
                organic.caption[j] = f"{cap} {hashtag_text([tag], 0)}".strip()
                organic.tags[j] = tuple(organic.tags[j]) + (tag,)
                changed += 1
    return changed
