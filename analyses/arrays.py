"""Sorting helpers for the large integer arrays of detection (tens of millions of co-actions).

numpy sorts an ``int64`` array in place several times faster than it argsorts one, and its
``np.unique`` without ``return_inverse`` hashes, which at tens of millions of distinct values is
slower still. When the values and their positions fit together in 63 bits, sorting the packed
``value << bits | position`` gives both the sorted values and the permutation at the speed of a
plain sort.

>>> import numpy as np
>>> u, inv = unique_inverse(np.array([30, 10, 30, 20]))
>>> u.tolist(), inv.tolist()
([10, 20, 30], [2, 0, 2, 1])
>>> sorted_unique(np.array([5, 3, 5, 1])).tolist()
[1, 3, 5]
"""

from __future__ import annotations

import numpy as np


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` by sorting a copy (numpy's hash-based unique is slow at this scale)."""
    s = np.sort(np.asarray(x))
    if not len(s):
        return s
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def sort_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sorted key, order)`` with ``key[order]`` sorted, ties in their original order."""
    key = np.asarray(key, dtype=np.int64)
    n = len(key)
    if n == 0:
        return key.copy(), np.zeros(0, dtype=np.int64)
    lo = int(key.min())
    index_bits = max(int(n - 1).bit_length(), 1)
    if (int(key.max()) - lo).bit_length() + index_bits <= 63:
        packed = (key - lo) << index_bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        order = packed & ((1 << index_bits) - 1)
        packed >>= index_bits
        packed += lo
        return packed, order
    order = np.argsort(key, kind="stable")
    return key[order], order


def unique_inverse(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for int64 keys."""
    ks, order = sort_order(key)
    n = len(ks)
    if n == 0:
        return ks, order
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(ks[1:], ks[:-1], out=new[1:])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ks[new], inverse


def by_pair_and_time(pair: np.ndarray, t: np.ndarray, strength: np.ndarray,
                      levels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events in (pair, time) order: pair, time and how many strength ``levels`` each reaches.
    Packed into one int64 and sorted when they fit (a plain sort is several times faster than
    a lexsort of tens of millions)."""
    if len(levels) and np.all(np.diff(levels) > 0):  # levels reached = sorted position
        lvl = np.searchsorted(levels, strength, side="right")
    else:
        lvl = (strength[:, None] >= levels[None, :]).sum(axis=1).astype(np.int64)
    if not len(pair):
        return pair, t, lvl
    t0 = int(t.min())
    t_bits = max((int(t.max()) - t0).bit_length(), 1)
    l_bits = max(len(levels).bit_length(), 1)
    if max(int(pair.max()), 1).bit_length() + t_bits + l_bits <= 63:
        # packed in place: tens of millions of events at a million videos
        packed = pair.astype(np.int64)
        packed <<= t_bits + l_bits
        part = t - t0
        part <<= l_bits
        packed |= part
        del part
        packed |= lvl
        del lvl
        packed.sort()
        # compact outputs: pair codes in the caller's dtype, levels as small integers
        lv = (packed & ((1 << l_bits) - 1)).astype(np.int8 if len(levels) < 127 else np.int64)
        tt = packed >> l_bits
        tt &= (1 << t_bits) - 1
        tt += t0
        packed >>= t_bits + l_bits
        return packed.astype(pair.dtype, copy=False), tt, lv
    order = np.lexsort((t, pair))
    return pair[order], t[order], lvl[order]
