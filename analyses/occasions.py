"""Occasions: how many *independent* times two accounts met.

A pair's meetings (co-action events) less than ``gap`` seconds apart are one occasion: a cell's
wave, a shared live moment. Repetition is what separates a cell from a one-off coincidence,
but only repetition that is not explained by a clock: people who post at local midnight, at
11:11 (morning and evening) or when a daily show starts meet at the same time on the clock
every day. Occasions of a pair whose times agree within ``clock_tolerance`` seconds on a
``clock_period`` of 12 hours (the clock's dial) count once, so a recurring clock gives one
occasion, not fourteen.

>>> import numpy as np
>>> pair = np.array([0, 0, 0, 0, 1, 1])
>>> t = np.array([0, 60, 86_400 + 30, 200_000, 0, 10_000])
>>> count_occasions(pair, t, gap=3600).tolist()
[2, 2]
>>> count_occasions(np.array([0, 0]), np.array([0, 43_200 + 60]), gap=3600).tolist()
[1]
>>> count_occasions(pair, t, gap=3600, clock_period=None).tolist()
[3, 2]
"""

from __future__ import annotations

import numpy as np

DIAL = 43_200  # the same time on a 12-hour clock: 11:11 and 23:11 are one ritual


def occasion_ids(pair: np.ndarray, t: np.ndarray, gap: int, presorted: bool = False
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``(order, occasion)``: events sorted by (pair, time) and the occasion number of each
    sorted event (occasions numbered 0.. over all pairs)."""
    if presorted:  # no gathers: tens of millions of events at a million videos
        order, p, ts = None, pair, t
    else:
        order = np.lexsort((t, pair))
        p, ts = pair[order], t[order]
    new = np.ones(len(p), dtype=bool)
    new[1:] = (p[1:] != p[:-1]) | (np.diff(ts) > gap)
    if order is None:
        order = np.arange(len(p))
    return order, np.cumsum(new) - 1


def count_occasions(pair: np.ndarray, t: np.ndarray, gap: int = 3600,
                    clock_period: int | None = DIAL, clock_tolerance: int = 600,
                    n_pairs: int | None = None, presorted: bool = False) -> np.ndarray:
    """Independent occasions per pair code ``0..n_pairs-1`` (pairs without events get 0);
    ``presorted``: the events are already in (pair, time) order."""
    if n_pairs is None:
        n_pairs = int(pair.max()) + 1 if len(pair) else 0
    if not len(pair):
        return np.zeros(n_pairs, dtype=np.int64)
    if presorted:  # the first event of each occasion, without numbering the occasions
        first = np.ones(len(pair), dtype=bool)
        first[1:] = (pair[1:] != pair[:-1]) | (np.diff(t) > gap)
    else:
        order, occ = occasion_ids(pair, t, gap)
        first = np.ones(len(occ), dtype=bool)
        first[1:] = occ[1:] != occ[:-1]
    if presorted:
        op, ot = pair[first], t[first]
    else:
        op, ot = pair[order][first], t[order][first]  # one row per occasion: pair and start
    n_occ = np.bincount(op, minlength=n_pairs)
    if clock_period is None:
        return n_occ
    # Only pairs with two occasions or more can share a time of day (most pairs met once).
    multi = n_occ[op] >= 2
    if not multi.any():
        return n_occ
    op, tod = op[multi], ot[multi] % clock_period
    o2 = np.lexsort((tod, op))
    op, tod = op[o2], tod[o2]
    new = np.ones(len(op), dtype=bool)
    new[1:] = (op[1:] != op[:-1]) | (np.diff(tod) > clock_tolerance)
    k = np.bincount(op[new], minlength=n_pairs)
    # The first and last class of a pair may meet across midnight.
    starts = np.flatnonzero(np.r_[True, op[1:] != op[:-1]])
    ends = np.r_[starts[1:], len(op)] - 1
    wrap = (ends > starts) & (tod[starts] + clock_period - tod[ends] <= clock_tolerance)
    wrap &= k[op[starts]] > 1
    k[op[starts[wrap]]] -= 1
    return np.where(n_occ >= 2, k, n_occ)
