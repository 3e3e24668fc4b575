"""Meetings: the co-actions of one time window grouped into events, one per pair of posts.

Part of the fusion (:mod:`analyses.fusion`, step 1 of its docstring). Every object type gives
co-actions within the window (:func:`analyses.coaction.window_pairs`, each action paired with
at most ``max_partners`` nearest others in time); the co-actions of the same two *posts* are one
event, whose strength sums the signal weights times each shared object's idf (the best object
of each type fully, the others a quarter). Events weaker than ``min_event_strength`` and events
explained by a visible cue, an open tie, friends filming together or a published link are
dropped (:mod:`analyses.cues`).

At a million videos the widest window has tens of millions of co-actions. They are cut by the
range of their first post into pieces: an event never crosses pieces, so each piece is grouped
with small packed sorts (:mod:`analyses.arrays`) and only its counted meetings are kept. The
events come out in the order of their post pair, as one grouping of everything would give them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from analyses import cues
from analyses.arrays import unique_inverse
from analyses.coaction import window_pairs

if TYPE_CHECKING:  # only for the annotations: the fusion calls this module
    from analyses.fusion_inputs import Coded, FusionParams


def window_meetings(c: Coded, p: FusionParams, w: int, rates: dict[str, Any], cue: np.ndarray,
              stats: dict[str, Any], chunk: int = 1 << 22) -> dict[str, np.ndarray]:
    """The counted meetings (events) of one window, as code arrays, in order of their post
    pair. The co-actions are cut by the range of their first post into pieces of about
    ``chunk``: an event (a pair of posts) lies in one piece, so each piece is grouped on its
    own with small, fast sorts, and only its counted meetings are kept."""
    # Each action meets at most its max_partners nearest others in time at each window: in a
    # crowd of hundreds the pairs would grow with the square of the incident, and the chance
    # model still counts every pair that could have met (the test only gets more cautious).
    rows = rates["pairs"]
    ra, rb = window_pairs(c.obj[rows], c.t[rows], w, c.acc[rows], max_following=p.max_partners,
                          max_pairs_per_chunk=p.max_pairs_per_chunk)
    if len(c.obj) < 2**31:  # action rows as int32: the widest window has tens of millions
        rows = rows.astype(np.int32)
    ra, rb = rows[ra], rows[rb]
    stats[f"co_actions_{w}s"] = int(len(ra))
    # Orient by post code so that every signal of one pair of posts meets in one event.
    pa, pb = c.post[ra], c.post[rb]
    swap = pa > pb
    ra, rb = np.where(swap, rb, ra), np.where(swap, ra, rb)
    pa = np.where(swap, pb, pa)
    del pb, swap
    n_pieces = max(1, min(255, -(-len(ra) // chunk)))
    if n_pieces > 1:
        cuts = np.unique(np.quantile(pa, np.linspace(0, 1, n_pieces + 1)[1:-1]).astype(np.int64))
        piece = np.searchsorted(cuts, pa, side="right").astype(np.uint8)
        order = np.argsort(piece, kind="stable")  # a radix sort: pieces keep co-action order
        bounds = np.searchsorted(piece[order], np.arange(len(cuts) + 2))
        del piece
    else:
        order, bounds = None, np.array([0, len(ra)])
    del pa
    parts = []
    stats[f"events_{w}s"] = stats[f"events_explained_{w}s"] = 0
    tags = c.tags()
    for i in range(len(bounds) - 1):
        sel = slice(bounds[i], bounds[i + 1]) if order is None else order[bounds[i]:bounds[i + 1]]
        if bounds[i + 1] > bounds[i]:
            parts.append(_piece_meetings(c, p, ra[sel], rb[sel], rates, cue, tags, stats, w))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return {k: empty for k in ("a", "b", "ca", "cb", "t", "dt", "strength", "types")}
    return {k: np.concatenate([m[k] for m in parts]) for k in parts[0]}


def _piece_meetings(c: Coded, p: FusionParams, ra: np.ndarray, rb: np.ndarray,
                    rates: dict[str, Any], cue: np.ndarray,
                    tags: tuple[np.ndarray, np.ndarray], stats: dict[str, Any], w: int
                    ) -> dict[str, np.ndarray]:
    """The counted meetings of some co-actions (``ra`` the side with the lower post code)."""
    pa, pb = c.post[ra], c.post[rb]
    n_post = len(c.post_ids)
    lo = int(pa.min())
    ev_key, ev_of = unique_inverse((pa - lo) * n_post + pb)
    ev_key += lo * n_post
    del pa, pb
    epa, epb = ev_key // n_post, ev_key % n_post
    # Strength: per event and type, the best object's idf plus a quarter of the others'.
    n_types = len(c.types)
    weights = np.array([p.signal_weights.get(t, 0.0) for t in c.types])
    # an object counts only when neither side's action on it is explained (a published link,
    # a clock's minute)
    idf, typ = np.minimum(rates["idf"][ra], rates["idf"][rb]), c.typ[ra]
    # per (event, type): the best object's idf
    et_key, et_code = unique_inverse(ev_of * n_types + typ)
    top = np.full(len(et_key), -np.inf)
    np.maximum.at(top, et_code, idf)
    del et_code
    ev_t, typ_t = et_key // n_types, et_key % n_types
    strength = 0.25 * np.bincount(ev_of, weights=weights[typ] * idf, minlength=len(ev_key))
    strength += 0.75 * np.bincount(ev_t, weights=weights[typ_t] * top, minlength=len(ev_key))
    types = np.zeros(len(ev_key), dtype=np.int64)  # a bit per signal type the event involved
    np.bitwise_or.at(types, ev_t, np.left_shift(1, typ_t))
    mp, ma = tags
    both_published = np.zeros(len(ev_key), dtype=bool)
    both_published[ev_of[rates["published"][ra] & rates["published"][rb]]] = True
    with_friends = rates["with_friends"]
    explained = (cues.explained_by_cue(cue, epa, epb)
                 | cues.names_each_other(epa, epb, c.post_author, mp, ma)
                 | (with_friends[epa] & with_friends[epb]) | both_published)
    ok = (strength >= p.min_event_strength) & ~explained
    stats[f"events_{w}s"] += int(len(ev_key))
    stats[f"events_explained_{w}s"] += int(explained.sum())
    epa, epb, strength, types = epa[ok], epb[ok], strength[ok], types[ok]
    a, b = c.post_author[epa], c.post_author[epb]
    flip = a > b
    # compact codes: the widest window keeps tens of millions of meetings at a million videos
    acc_t, post_t = _code_dtype(len(c.account_ids)), _code_dtype(n_post)
    return {
        "a": np.where(flip, b, a).astype(acc_t), "b": np.where(flip, a, b).astype(acc_t),
        "ca": np.where(flip, epb, epa).astype(post_t),
        "cb": np.where(flip, epa, epb).astype(post_t),
        "t": np.minimum(c.post_t[epa], c.post_t[epb]),
        "dt": np.abs(c.post_t[epa] - c.post_t[epb]).astype(np.int32), "strength": strength,
        "types": types.astype(np.int16 if n_types < 16 else np.int64),
    }


def _code_dtype(n: int) -> type[np.signedinteger]:
    return np.int32 if n < 2**31 else np.int64
