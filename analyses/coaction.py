"""Co-action detection: pairs of accounts that performed the same action on the same object
within a short time window.

This is the first stage of coordinated-behaviour detection as introduced for coordinated link
sharing by CooRnet (Giglietto, Righetti, Rossi & Marino 2020, "It takes a village to manipulate
the media: coordinated link sharing behavior during 2018 and 2019 Italian elections",
*Information, Communication & Society* 23(6)) and generalised to any shared object (retweets,
hashtags, URLs, sounds, ...) by the CooRTweet R package (Righetti & Balluff 2023, CooRTweet:
Coordinated Networks Detection on Social Media, R package; Kulichkina, Righetti & Waldherr 2024,
"Protest and repression on social media: Pro-Navalny and pro-government mobilization dynamics
and coordination patterns on Russian Twitter", *New Media & Society*).

:func:`detect_groups` reproduces CooRTweet 2.1.3 ``detect_groups`` exactly (same rows, same
orientation of every pair, same row order), and is checked against outputs of the R package in
``tests/test_coortweet_parity.py``. :func:`co_action_pairs` is the same engine with
``min_participation=1`` and without the (costly) CooRTweet row ordering, meant to be called once
per object type by the multi-signal fusion.

Everything here is a pure function over a pandas DataFrame; no I/O.

Input layout (one row per action): ``account_id`` (who), ``object_id`` (what was acted on: a
hashtag, sound, reposted video, URL, ...), ``content_id`` (the account's own post/action id) and
``timestamp`` (integer seconds; CooRTweet's name ``timestamp_share`` is accepted too), optionally
``object_type`` (``hashtag``, ``sound``, ``repost``, ``url``, ``mention``, ``caption`` ...): when
present, two actions only pair if they have the same ``object_type`` *and* ``object_id``.

How it scales: rows are sorted once by (object, time); for each row the end of its time window
is found with one ``np.searchsorted`` over the sorted keys, so the number of candidate pairs of
every row is known before any pair exists. Pairs are then materialised with ``np.repeat`` /
``np.arange`` index arithmetic, a bounded number at a time (``max_pairs_per_chunk``), filtered
(loops) and compacted to two int32 row-index arrays before the next chunk is built. No cartesian
self-join is ever formed and there is no Python loop over rows or pairs (only over chunks).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "PAIR_COLUMNS",
    "DEFAULT_MAX_PAIRS_PER_CHUNK",
    "CoActionStats",
    "CoActionCapWarning",
    "detect_groups",
    "co_action_pairs",
    "window_pairs",
]

#: Output columns of :func:`detect_groups`, in CooRTweet's order.
PAIR_COLUMNS: tuple[str, ...] = (
    "object_id", "content_id", "content_id_y", "time_delta", "account_id", "account_id_y",
)
#: Candidate pairs materialised at once: bounds the transient memory of pair generation to
#: about 25 bytes x this number (~250 MB for the default). Kept pairs cost 8 bytes each until
#: the output is built.
DEFAULT_MAX_PAIRS_PER_CHUNK = 10_000_000

_ID_COLUMNS = ("account_id", "object_id", "content_id")
_MAX_PAIR_CODE = 2**62  # packed CooRTweet-order codes stay below this (else: argsort fallback)
_ORDER_CHUNK = 1 << 22  # pairs whose order codes are computed at once
_TIME_COLUMNS = ("timestamp", "timestamp_share")


class CoActionCapWarning(UserWarning):
    """Issued when ``max_pairs_per_object`` truncated the pairs of some burst objects."""


@dataclass
class CoActionStats:
    """What one call did; attached to the result as ``result.attrs["coaction_stats"]`` (a dict).

    ``candidate_pairs`` counts the row pairs inside the time window (after any cap),
    ``pairs_after_loops`` those left after loop removal, ``pairs_out`` the rows returned.
    ``capped_objects`` / ``capped_pairs_dropped`` are non-zero only when ``max_pairs_per_object``
    was set and some object exceeded it; the result is then no longer exact CooRTweet.
    """

    rows_in: int = 0
    rows_after_prefilter: int = 0
    objects: int = 0
    candidate_pairs: int = 0
    pairs_after_loops: int = 0
    pairs_out: int = 0
    chunks: int = 0
    max_pairs_per_chunk: int = DEFAULT_MAX_PAIRS_PER_CHUNK
    max_pairs_per_object: int | None = None
    capped_objects: int = 0
    capped_pairs_dropped: int = 0
    capped_k: int | None = None  # smallest k used in a capped object
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage

    def lap(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] = round(now - since, 4)
        return now

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------------ public API
def detect_groups(
    actions: pd.DataFrame,
    time_window: int = 10,
    min_participation: int = 2,
    *,
    remove_loops: bool = True,
    sort: bool = True,
    max_pairs_per_chunk: int = DEFAULT_MAX_PAIRS_PER_CHUNK,
    max_pairs_per_object: int | None = None,
    categorical: bool = False,
) -> pd.DataFrame:
    """Pairs of actions on the same object within ``time_window`` seconds (CooRTweet semantics).

    Exactly CooRTweet 2.1.3 ``detect_groups(x, time_window, min_participation)``
    (Righetti & Balluff 2023; Kulichkina, Righetti & Waldherr 2024), whose idea is the
    coordinated link sharing of CooRnet (Giglietto et al. 2020):

    1. accounts with fewer than ``min_participation`` rows are dropped;
    2. per object, every pair of its rows with ``|t1 - t2| <= time_window`` (inclusive);
    3. loops are removed (``remove_loops``): pairs where ``object_id`` equals either content id,
       where both content ids are equal, or where both accounts are equal;
    4. participation refinement (when ``min_participation >= 2``): among the rows whose
       ``content_id`` occurs in some pair, accounts with at least ``min_participation`` such rows
       pass; a pair is kept if *either* of its content ids belongs to a passing account (an OR);
    5. orientation: ``content_id`` / ``account_id`` is the earlier share, ``time_delta`` the
       absolute difference. For simultaneous shares CooRTweet keeps the row that comes first in
       its working order (accounts in order of first appearance in the input, then input order),
       which in practice means: the account that appears first in the input is ``account_id``.

    With ``object_type`` in the input, pairs only form within the same
    (``object_type``, ``object_id``), and the result carries an ``object_type`` column.

    Parameters
    ----------
    actions:
        DataFrame with ``account_id``, ``object_id``, ``content_id`` and integer-second
        ``timestamp`` (or ``timestamp_share``), optionally ``object_type``. IDs may be any
        hashable dtype (strings, ints); datetime64 timestamps are converted to seconds.
    time_window:
        Maximum gap in seconds between the two shares of a pair (inclusive), >= 0.
    min_participation:
        CooRTweet's minimum number of actions per account (steps 1 and 4). 1 disables both.
    remove_loops:
        Step 3 (CooRTweet's default TRUE).
    sort:
        Return rows in CooRTweet's row order (objects in order of first appearance, then pairs
        as its self-join emits them). :func:`analyses.network.coordinated_network` derives the
        ``from``/``to`` orientation of igraph from that order, so keep it for exact parity. It
        costs one extra value sort of the pairs (about a fifth of the run time); set False
        when only the set of pairs matters.
    max_pairs_per_chunk:
        How many candidate pairs are materialised at once (memory bound, ~25 bytes each). Only
        affects memory and speed, never the result. A single row whose own window holds more
        candidates than this forms a chunk by itself.
    max_pairs_per_object:
        ``None`` (default) = exact. Otherwise an object (burst) whose window-candidate pair count
        exceeds this keeps, for each of its rows, only the ``k = max(1, cap // n_rows)`` next
        shares in time (within the window): a k-nearest-neighbour-in-time graph, so each row
        keeps at most ``k`` later and up to ``k`` earlier partners, and the object at most
        ``cap`` pairs. Without a cap an object with 100k actions inside one window has ~5e9 pairs
        (~40 GB as bare int32 indices) and cannot be held; with the cap the output is *not*
        CooRTweet-exact: a :class:`CoActionCapWarning` is issued and
        ``attrs["coaction_stats"]`` reports ``capped_objects``, ``capped_pairs_dropped`` and
        ``capped_k``.
    categorical:
        Return the ID columns as pandas Categoricals (less memory for string ids over tens of
        millions of pairs; :func:`analyses.network.coordinated_network` uses their codes)
        instead of plain values.

    Returns
    -------
    DataFrame with columns ``object_id, content_id, content_id_y, time_delta, account_id,
    account_id_y`` (+ ``object_type`` when present in the input); ``time_delta`` is int64.
    ``attrs["coaction_stats"]`` holds a :class:`CoActionStats` as a dict.

    Examples
    --------
    >>> x = pd.DataFrame({
    ...     "object_id": ["o1", "o1", "o1", "o2", "o2"],
    ...     "account_id": ["a", "b", "c", "a", "b"],
    ...     "content_id": ["p1", "p2", "p3", "p4", "p5"],
    ...     "timestamp": [100, 90, 500, 200, 205],
    ... })
    >>> detect_groups(x, time_window=60, min_participation=2)[list(PAIR_COLUMNS)]
      object_id content_id content_id_y  time_delta account_id account_id_y
    0        o1         p2           p1          10          b            a
    1        o2         p4           p5           5          a            b
    """
    return _co_action(
        actions, time_window, min_participation, remove_loops=remove_loops, sort=sort,
        max_pairs_per_chunk=max_pairs_per_chunk, max_pairs_per_object=max_pairs_per_object,
        categorical=categorical,
    )


def co_action_pairs(
    actions: pd.DataFrame,
    time_window: int,
    *,
    min_participation: int = 1,
    remove_loops: bool = True,
    sort: bool = False,
    max_pairs_per_chunk: int = DEFAULT_MAX_PAIRS_PER_CHUNK,
    max_pairs_per_object: int | None = None,
    categorical: bool = False,
) -> pd.DataFrame:
    """All co-actions (same object, and same ``object_type`` if given, within ``time_window``).

    The generic evidence table for one signal: the engine of :func:`detect_groups` with
    ``min_participation=1`` (no CooRTweet participation filters) and no row ordering by default.
    Every row is one piece of evidence: ``object_id`` (+ ``object_type``), the two actions
    ``content_id`` (earlier) / ``content_id_y`` (later), their accounts and the absolute
    ``time_delta``. Loops (same account, same content, object == content) are removed.

    >>> x = pd.DataFrame({"object_type": ["sound", "sound", "hashtag"],
    ...                   "object_id": ["s1", "s1", "s1"], "account_id": ["a", "b", "c"],
    ...                   "content_id": [1, 2, 3], "timestamp": [0, 30, 10]})
    >>> co_action_pairs(x, 60)[["object_type", "account_id", "account_id_y", "time_delta"]]
      object_type account_id account_id_y  time_delta
    0       sound          a            b          30

    See :func:`detect_groups` for the parameters.
    """
    return _co_action(
        actions, time_window, min_participation, remove_loops=remove_loops, sort=sort,
        max_pairs_per_chunk=max_pairs_per_chunk, max_pairs_per_object=max_pairs_per_object,
        categorical=categorical,
    )


def window_pairs(
    group: np.ndarray,
    t: np.ndarray,
    time_window: int,
    account: np.ndarray,
    *,
    max_following: int | None = None,
    max_pairs_per_chunk: int = DEFAULT_MAX_PAIRS_PER_CHUNK,
) -> tuple[np.ndarray, np.ndarray]:
    """Row-index pairs ``(a, b)`` with the same ``group`` code, ``|t[a] - t[b]| <= time_window``
    and different ``account`` codes; ``t[a] <= t[b]``. The engine of :func:`co_action_pairs` on
    integer codes, for callers that keep everything as codes (no DataFrame is built).
    ``max_following``: each row pairs with at most that many rows after it in time (its nearest
    ones), so a row in a crowd of any size has at most about twice that many partners.

    >>> a, b = window_pairs(np.array([0, 0, 0, 1]), np.array([0, 30, 100, 5]), 60,
    ...                     np.array([7, 8, 8, 9]))
    >>> list(zip(a.tolist(), b.tolist()))
    [(0, 1)]
    """
    n = len(t)
    it = _idx_dtype(max(n, 1))
    if n == 0:
        return np.zeros(0, dtype=it), np.zeros(0, dtype=it)
    order, hi, _ = _window_sorted(np.asarray(group), np.asarray(t, dtype=np.int64), int(time_window))
    order = order.astype(it, copy=False)
    cnt = hi - np.arange(n) - 1
    del hi
    if max_following is not None:
        np.minimum(cnt, max_following, out=cnt)
    acc_s = np.asarray(account)[order]
    cum = np.cumsum(cnt)
    a_parts: list[np.ndarray] = []
    b_parts: list[np.ndarray] = []
    r0 = 0
    while r0 < n:
        before = int(cum[r0 - 1]) if r0 else 0
        r1 = max(int(np.searchsorted(cum, before + max_pairs_per_chunk, side="right")), r0 + 1)
        c = cnt[r0:r1]
        p = int(cum[r1 - 1]) - before
        if p:
            rows = np.arange(r0, r1, dtype=it)
            excl = (np.cumsum(c) - c).astype(it)
            sa = np.repeat(rows, c)
            sb = np.repeat(rows + 1 - excl, c)
            sb += np.arange(p, dtype=it)
            ok = acc_s[sa] != acc_s[sb]
            a_parts.append(order[sa[ok]])
            b_parts.append(order[sb[ok]])
        r0 = r1
    if not a_parts:
        return np.zeros(0, dtype=it), np.zeros(0, dtype=it)
    return np.concatenate(a_parts), np.concatenate(b_parts)


# ------------------------------------------------------------------------------------ internals
def _timestamps_as_seconds(values: pd.Series) -> np.ndarray:
    """Integer seconds as int64; raises ValueError on missing or fractional values."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        if values.isna().any():
            raise ValueError("timestamp has missing values")
        ts = (values.dt.tz_convert("UTC").dt.tz_localize(None)
              if isinstance(values.dtype, pd.DatetimeTZDtype) else values)
        return ts.astype("datetime64[s]").to_numpy().astype(np.int64)
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        raise ValueError(f"timestamp must be integer seconds, got dtype {values.dtype}")
    if values.isna().any():
        raise ValueError("timestamp has missing values")
    arr = values.to_numpy()
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)) or not np.all(arr == np.floor(arr)):
        raise ValueError("timestamp must be whole seconds")
    return arr.astype(np.int64)


def _idx_dtype(n: int) -> type[np.signedinteger]:
    return np.int32 if n < 2**31 - 1 else np.int64


def _packed_argsort(key: np.ndarray, bound: int) -> np.ndarray | None:
    """Stable argsort of non-negative int keys below ``bound`` by one value sort of
    ``key << bits | index`` (numpy's SIMD value sort is several times faster than an argsort),
    or None when key and index do not fit in 62 bits together."""
    n = len(key)
    bits = max(int(n - 1).bit_length(), 1)
    if bound >= (1 << (62 - bits)):
        return None
    packed = key.astype(np.int64) << bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= (1 << bits) - 1
    return packed


def _stable_argsort_codes(codes: np.ndarray) -> np.ndarray:
    """Stable argsort of non-negative integer codes: a packed value sort when it fits, else LSD
    radix on 16-bit digits (numpy's stable sort is a radix sort for 16-bit keys)."""
    c = np.asarray(codes)
    if len(c) == 0:
        return np.zeros(0, dtype=np.intp)
    top = int(c.max())
    if int(c.min()) < 0:
        return np.argsort(c, kind="stable")
    packed = _packed_argsort(c, top + 1)
    if packed is not None:
        return packed
    if top >= 2**32:
        return np.argsort(c, kind="stable")
    perm = np.argsort((c & 0xFFFF).astype(np.uint16), kind="stable")
    if top >= 2**16:
        high = (c >> 16).astype(np.uint16)
        perm = perm[np.argsort(high[perm], kind="stable")]
    return perm


def _window_sorted(
    group: np.ndarray, t: np.ndarray, time_window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort rows by (group, t) and find, per sorted row, one past the end of its window.

    Returns ``order`` (sorted -> input row), ``hi`` (exclusive end, sorted positions) and the
    sorted group codes. The window ends come from one ``searchsorted`` over the int64 key
    ``group * span + (t - tmin)``; if that could overflow, times are first rank-compressed
    together with ``t + time_window``. The sort itself is two packed value sorts (by time, then
    stably by group) when they fit, else an argsort of the key.
    """
    n = len(t)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    g = group.astype(np.int64, copy=False)
    tmin, tmax = int(t.min()), int(t.max())
    span = tmax - tmin + time_window + 1
    n_groups = int(g.max()) + 1
    compressed = n_groups * span >= 2**62
    if compressed:  # rank-compress times so the key fits in int64 (order and window preserved)
        ends = t + time_window
        u = np.unique(np.concatenate([t, ends]))
        span = len(u)
        t_key = np.searchsorted(u, t)
    else:
        t_key = t - tmin
    order = _packed_argsort(t_key, span)
    if order is not None:
        by_group = _packed_argsort(g[order], n_groups)
        order = order[by_group] if by_group is not None else None
    key = g * span + t_key
    if order is None:
        order = np.argsort(key, kind="quicksort")
    key_s = key[order]
    del key
    if compressed:
        bound_s = g[order] * span + np.searchsorted(u, ends[order])
    else:
        bound_s = key_s + time_window
    hi = np.searchsorted(key_s, bound_s, side="right")
    return order, hi, g[order]


def _content_codes(values: pd.Series) -> tuple[np.ndarray | None, Any]:
    """Codes of the content ids, or ``(None, values)`` when every row has its own content id.

    With unique content ids (the usual case: one post per action) the row index is the code and
    no hash table over millions of ids is needed; numeric ids are checked with one fast sort.
    """
    arr = values.to_numpy() if values.dtype.kind in "iu" else None
    if arr is not None and len(arr):
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < 4 * len(arr):  # dense integer ids: one counting pass
            if int(np.bincount(arr - lo).max()) <= 1:
                return None, values
        else:
            srt = np.sort(arr)
            if bool(np.all(srt[1:] != srt[:-1])):
                return None, values
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) == len(values):
        return None, values
    return codes, uniques


def _loop_rows(obj: pd.Series, content: pd.Series) -> np.ndarray:
    """Rows whose content_id equals their own object_id (every pair they form is a loop)."""
    a, b = obj.to_numpy(), content.to_numpy()
    if a.dtype != b.dtype and not (a.dtype.kind in "iu" and b.dtype.kind in "iu"):
        a, b = obj.astype(str).to_numpy(), content.astype(str).to_numpy()
    return np.asarray(a == b, dtype=bool)


def _co_action(
    actions: pd.DataFrame,
    time_window: int,
    min_participation: int,
    *,
    remove_loops: bool,
    sort: bool,
    max_pairs_per_chunk: int,
    max_pairs_per_object: int | None,
    categorical: bool,
) -> pd.DataFrame:
    if not isinstance(actions, pd.DataFrame):
        raise TypeError("actions must be a pandas DataFrame")
    missing = [c for c in _ID_COLUMNS if c not in actions.columns]
    time_col = next((c for c in _TIME_COLUMNS if c in actions.columns), None)
    if time_col is None:
        missing.append("timestamp")
    if missing:
        raise ValueError(f"actions lacks column(s) {', '.join(missing)}")
    time_window = int(time_window)
    if time_window < 0:
        raise ValueError("time_window must be >= 0")
    if max_pairs_per_chunk < 1:
        raise ValueError("max_pairs_per_chunk must be >= 1")
    if max_pairs_per_object is not None and max_pairs_per_object < 1:
        raise ValueError("max_pairs_per_object must be >= 1 or None")
    has_type = "object_type" in actions.columns
    for c in (*_ID_COLUMNS, *(("object_type",) if has_type else ())):
        if actions[c].isna().any():
            raise ValueError(f"column {c} has missing values")

    stats = CoActionStats(rows_in=len(actions), max_pairs_per_chunk=int(max_pairs_per_chunk),
                          max_pairs_per_object=max_pairs_per_object)
    clock = time.perf_counter()
    t_all = _timestamps_as_seconds(actions[time_col])

    # 1. accounts with fewer than min_participation rows are dropped. Account codes are in order
    #    of first appearance; CooRTweet's working row order is "by account (first appearance),
    #    then input order" (its `x[, if (.N >= m) .SD, by = account_id]` regroups the rows).
    acc_all, acc_uniques = pd.factorize(actions["account_id"], use_na_sentinel=False)
    keep = np.bincount(acc_all)[acc_all] >= min_participation
    kept = np.flatnonzero(keep)
    orig = kept[_stable_argsort_codes(acc_all[kept])]  # working row -> input row
    n = len(orig)
    stats.rows_after_prefilter = n
    it = _idx_dtype(max(n, 1))
    orig = orig.astype(it)

    acc = acc_all[orig]
    t = t_all[orig]
    del acc_all, t_all, keep, kept
    obj_series = actions["object_id"].iloc[orig]
    obj_codes, obj_uniques = pd.factorize(obj_series, use_na_sentinel=False)
    cont, cont_uniques = _content_codes(actions["content_id"].iloc[orig])
    if has_type:
        type_codes, _ = pd.factorize(actions["object_type"].iloc[orig], use_na_sentinel=False)
        group, _ = pd.factorize(type_codes.astype(np.int64) * max(len(obj_uniques), 1) + obj_codes)
    else:
        group = obj_codes
    # group codes are in order of first appearance in working order = CooRTweet's object order
    stats.objects = int(group.max()) + 1 if n else 0

    clock = stats.lap("prepare", clock)
    # rows whose content_id equals their object_id can only form loop pairs: skip them
    if remove_loops and n:
        cand = np.flatnonzero(~_loop_rows(obj_series, actions["content_id"].iloc[orig])).astype(it)
    else:
        cand = np.arange(n, dtype=it)

    # 2. window per row on the (group, time)-sorted candidates; from here on everything is
    #    indexed by sorted position s, and order[s] is the working row.
    order_local, hi, g_s = _window_sorted(group[cand], t[cand], time_window)
    order = cand[order_local]
    del order_local, cand
    m = len(order)
    cnt = hi - np.arange(m) - 1  # later rows inside the window (each unordered pair once)
    del hi
    acc_s = acc[order].astype(np.int32) if len(acc_uniques) < 2**31 else acc[order]
    t_s = t[order]
    del t, obj_series
    cont_s = cont[order] if cont is not None else None

    if max_pairs_per_object is not None and m:
        starts = np.flatnonzero(np.r_[True, g_s[1:] != g_s[:-1]])
        sizes = np.diff(np.r_[starts, m])
        per_obj = np.add.reduceat(cnt, starts)
        over = per_obj > max_pairs_per_object
        if over.any():
            k_obj = np.maximum(1, max_pairs_per_object // sizes)
            k_row = np.repeat(np.where(over, k_obj, np.iinfo(np.int64).max), sizes)
            capped = np.minimum(cnt, k_row)
            stats.capped_objects = int(over.sum())
            stats.capped_pairs_dropped = int(cnt.sum() - capped.sum())
            stats.capped_k = int(k_obj[over].min())
            cnt = capped
            warnings.warn(
                f"{stats.capped_objects} object(s) exceeded max_pairs_per_object="
                f"{max_pairs_per_object}; kept the {stats.capped_k}+ nearest shares in time per "
                f"row there and dropped {stats.capped_pairs_dropped:,} candidate pairs "
                "(result is not CooRTweet-exact)",
                CoActionCapWarning, stacklevel=3,
            )
    clock = stats.lap("window", clock)

    # 2+3. materialise candidate pairs chunk by chunk, drop loops, keep compact indices
    cum = np.cumsum(cnt)
    stats.candidate_pairs = int(cum[-1]) if m else 0
    a_parts: list[np.ndarray] = []
    b_parts: list[np.ndarray] = []
    r0 = 0
    while r0 < m:
        before = int(cum[r0 - 1]) if r0 else 0
        r1 = max(int(np.searchsorted(cum, before + max_pairs_per_chunk, side="right")), r0 + 1)
        c = cnt[r0:r1]
        p = int(cum[r1 - 1]) - before
        stats.chunks += 1
        if p:
            rows = np.arange(r0, r1, dtype=it)
            excl = (np.cumsum(c) - c).astype(it)
            sa = np.repeat(rows, c)
            sb = np.repeat(rows + 1 - excl, c)
            sb += np.arange(p, dtype=it)
            if remove_loops:
                ok = acc_s[sa] != acc_s[sb]
                if cont_s is not None:
                    ok &= cont_s[sa] != cont_s[sb]
                sa, sb = sa[ok], sb[ok]
            a_parts.append(sa)
            b_parts.append(sb)
        r0 = r1
    sa = np.concatenate(a_parts) if a_parts else np.zeros(0, dtype=it)
    sb = np.concatenate(b_parts) if b_parts else np.zeros(0, dtype=it)
    del a_parts, b_parts, cum, cnt
    stats.pairs_after_loops = len(sa)
    clock = stats.lap("pairs", clock)

    # 4. participation refinement (CooRTweet's filter_min_participation; a no-op below 2).
    if min_participation >= 2 and len(sa):
        if cont_s is None:
            # one content id per row: the content "set" is a set of rows, kept in sorted space
            # (rows left out of the window had no pairs, so they never count)
            row_in_s = np.zeros(m, dtype=bool)
            row_in_s[sa] = True
            row_in_s[sb] = True
            per_acc = np.bincount(acc_s[row_in_s], minlength=int(acc.max()) + 1)
            keep_s = row_in_s & (per_acc[acc_s] >= min_participation)
            ok = keep_s[sa] | keep_s[sb]
        else:
            n_c = len(cont_uniques)
            in_pairs = np.zeros(n_c, dtype=bool)
            in_pairs[cont_s[sa]] = True
            in_pairs[cont_s[sb]] = True
            row_in = in_pairs[cont]
            per_acc = np.bincount(acc[row_in], minlength=int(acc.max()) + 1)
            passing = row_in & (per_acc[acc] >= min_participation)
            keep_c = np.zeros(n_c, dtype=bool)
            keep_c[cont[passing]] = True
            ok = keep_c[cont_s[sa]] | keep_c[cont_s[sb]]
        sa, sb = sa[ok], sb[ok]
        del ok
    clock = stats.lap("participation", clock)

    # 5. orientation: the earlier share is content_id; for simultaneous shares the row earlier
    #    in CooRTweet's working order (the x side of its `id < id` self-join) is.
    if sort and len(sa):
        first, second = _coortweet_order(sa, sb, order, group, g_s, t_s, n)
    else:
        # t_s[sa] <= t_s[sb] by construction; only ties may need a swap
        first, second = sa, sb
        tie = np.flatnonzero(t_s[sa] == t_s[sb])
        tie = tie[order[sa[tie]] > order[sb[tie]]]
        first[tie], second[tie] = sb[tie], sa[tie]
    del sa, sb, g_s
    clock = stats.lap("sort", clock)
    stats.pairs_out = len(first)
    time_delta = t_s[second] - t_s[first]
    if categorical:
        out = _categorical_output(
            order, first, second, time_delta, actions, orig, has_type,
            (obj_codes, obj_uniques), (cont, cont_uniques), (acc, acc_uniques))
    else:
        out = _plain_output(actions, orig[order], first, second, time_delta, has_type)
    stats.lap("output", clock)
    out.attrs["coaction_stats"] = stats.as_dict()
    return out


def _coortweet_order(sa: np.ndarray, sb: np.ndarray, order: np.ndarray, group: np.ndarray,
                     g_s: np.ndarray, t_s: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Oriented pairs (sorted positions) in CooRTweet's row order.

    CooRTweet emits an object's pairs as its self-join on ``id < id`` does: for each row j of the
    object (working order), its earlier rows i. With ``l`` the rank of a row inside its object
    (working order), the pair (i, j) gets the integer ``T[object] + l_j (l_j - 1) / 2 + l_i``,
    where ``T`` counts the possible pairs of the previous objects. When that code and the pair's
    index fit together in 63 bits (always, short of ~1e11 possible pairs with 33M pairs), one
    value sort of ``code << bits | index`` orders the pairs, several times faster than an
    argsort; otherwise the codes are argsorted.

    The codes are computed ``_ORDER_CHUNK`` pairs at a time into one int64 array (the int64
    temporaries of a whole pair table were most of the engine's peak memory), and ``sa``/``sb``
    are reordered in place and returned as ``first``/``second``.
    """
    p = len(sa)
    sizes = np.bincount(group).astype(np.int64)
    tri = sizes * (sizes - 1) // 2
    t_start = np.cumsum(tri) - tri  # first code of each object
    by_group = _stable_argsort_codes(group)  # working rows by (object, working order)
    local = np.empty(n, dtype=np.int64)
    local[by_group] = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    del by_group
    local_s = local[order]  # in sorted space: the gathers below are nearly sequential
    del local
    start_s = t_start[g_s]
    bits = max(int(p - 1).bit_length(), 1)
    packed = int(tri.sum()) < (_MAX_PAIR_CODE >> bits)
    code = np.empty(p, dtype=np.int64)
    a_is_lo = np.empty(p, dtype=bool)  # the a side has the smaller rank in its object
    for c0 in range(0, p, _ORDER_CHUNK):
        c1 = min(c0 + _ORDER_CHUNK, p)
        a = sa[c0:c1]
        li, hi = local_s[a], local_s[sb[c0:c1]]
        np.less(li, hi, out=a_is_lo[c0:c1])
        mn = np.minimum(li, hi)
        np.maximum(li, hi, out=hi)
        x = code[c0:c1]
        np.subtract(hi, 1, out=x)
        x *= hi
        x >>= 1
        x += mn
        x += start_s[a]
        if packed:
            x <<= bits
            x |= np.arange(c0, c1, dtype=np.int64)
    del local_s, start_s
    if packed:
        code.sort()
        code &= (1 << bits) - 1
        idx = code
    else:
        idx = np.argsort(code)
        del code
    sa[:] = sa[idx]
    sb[:] = sb[idx]
    a_is_lo = a_is_lo[idx]
    del idx
    # lo/hi by rank in the object, then the earlier share first (ties: the lower rank)
    for c0 in range(0, p, _ORDER_CHUNK):
        c1 = min(c0 + _ORDER_CHUNK, p)
        a, b, a_lo = sa[c0:c1], sb[c0:c1], a_is_lo[c0:c1]
        lo = np.where(a_lo, a, b)
        hi = np.where(a_lo, b, a)
        swap = t_s[lo] > t_s[hi]
        np.copyto(a, np.where(swap, hi, lo))
        np.copyto(b, np.where(swap, lo, hi))
    return sa, sb


def _take(series: pd.Series, idx: np.ndarray) -> pd.Series:
    values = series.array
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        return pd.Series(values.to_numpy()[idx], copy=False)
    return pd.Series(values.take(idx), copy=False)


def _plain_output(actions: pd.DataFrame, orig_s: np.ndarray, first: np.ndarray,
                  second: np.ndarray, time_delta: np.ndarray, has_type: bool) -> pd.DataFrame:
    """Columns gathered through sorted space: one random gather of n rows per column, then
    near-sequential gathers of the pairs (pairs are grouped by object)."""

    def sorted_col(name: str) -> pd.Series:
        return _take(actions[name], orig_s)

    obj_s, cont_s, acc_s = sorted_col("object_id"), sorted_col("content_id"), \
        sorted_col("account_id")
    cols: dict[str, Any] = {
        "object_id": _take(obj_s, first),
        "content_id": _take(cont_s, first),
        "content_id_y": _take(cont_s, second),
        "time_delta": pd.Series(time_delta, copy=False),
        "account_id": _take(acc_s, first),
        "account_id_y": _take(acc_s, second),
    }
    if has_type:
        cols["object_type"] = _take(sorted_col("object_type"), first)
    return pd.DataFrame(cols, copy=False)


def _categorical_output(
    order: np.ndarray, first: np.ndarray, second: np.ndarray, time_delta: np.ndarray,
    actions: pd.DataFrame, orig: np.ndarray, has_type: bool,
    objects: tuple[np.ndarray, Any], contents: tuple[np.ndarray | None, Any],
    accounts: tuple[np.ndarray, Any],
) -> pd.DataFrame:
    (obj_codes, obj_uniques), (cont, cont_uniques), (acc, acc_uniques) = objects, contents, accounts
    wf, ws = order[first], order[second]  # working rows
    if cont is None:  # one content id per row: categories are the working rows' ids
        cont, cont_uniques = np.arange(len(orig)), pd.Index(cont_uniques.array)
    acc_cat = pd.CategoricalDtype(pd.Index(acc_uniques))
    cont_cat = pd.CategoricalDtype(pd.Index(cont_uniques))

    def cat(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)

    cols: dict[str, Any] = {
        "object_id": cat(obj_codes[wf], pd.CategoricalDtype(pd.Index(obj_uniques))),
        "content_id": cat(cont[wf], cont_cat),
        "content_id_y": cat(cont[ws], cont_cat),
        "time_delta": pd.Series(time_delta, copy=False),
        "account_id": cat(acc[wf], acc_cat),
        "account_id_y": cat(acc[ws], acc_cat),
    }
    if has_type:
        cols["object_type"] = pd.Categorical(_take(actions["object_type"], orig[wf]))
    return pd.DataFrame(cols, copy=False)
