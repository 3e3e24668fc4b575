"""Multi-signal fusion: one account-account graph of pairs that met more often than chance.

CooRnet (Giglietto et al. 2020) and CooRTweet (Righetti & Balluff 2023) link two accounts that
act on the same object within a time window, one object type at a time, and keep the edges that
repeat more than a percentile of all edges. Lockstep fuses the object types and asks a sharper
question of each pair: *did these two accounts meet, on specific objects, on more separate
occasions than strangers with their activity would, given the crowds they met in?*

1. **Meetings (events).** Every object type (hashtag, sound, repost, url, mention,
   near-duplicate caption; :mod:`analyses.actions`) gives co-actions within each window of
   ``windows`` (1, 5 and 30 minutes by default, so fast and slow cells are both seen;
   :mod:`analyses.meetings`);
   co-actions of the same two *posts* are one event, whose strength sums the signal weights
   (``signal_weights``) times each shared object's specificity ``idf(o) = ln(N / accounts(o))``
   (a second object of one type adds a quarter of its idf). Events weaker than
   ``min_event_strength`` are not meetings. Actions inside a crowd of more than
   ``max_crowd_factor`` times the public crowd size (:mod:`analyses.crowds`) pair with nobody:
   such a crowd is public, a meeting in it proves nothing, and its pairs would cost the most.
   A post with an action in a public *moment* (a crowd that is public within
   ``moment_window``, 5 minutes: a goal on TV, a countdown) is in that moment with everything
   it carries: the chant its regulars sing and the cheers they copy are the moment's.
2. **Explained meetings.** Two posts that react to the same visible post (fans of a creator),
   or that name each other's authors (friends filming together), are shown but not counted
   (:mod:`analyses.cues`).
3. **Occasions.** A pair's meetings less than ``occasion_gap`` apart are one occasion; occasions
   at the same time of day on different days are one (a clock, not a plan)
   (:mod:`analyses.occasions`).
4. **Chance.** Each pair's occasions ``k`` are compared with ``λ``, the number a pair of
   strangers with the same activity would have, from a null that knows about crowds and the
   objects' own rhythm (:mod:`analyses.chance`); ``p = P(K >= k | K >= 1)``, the smallest over
   the windows times the number of windows (Bonferroni). Benjamini–Hochberg over *every pair
   that met at least once* gives q-values: an edge needs ``q <= alpha`` and ``k >=
   min_occasions``. The share of chance edges among those kept is then ``alpha`` at every
   incident size.

Parameters are in :class:`FusionParams`; every field is recorded with the result.

>>> import pandas as pd
>>> acts = pd.DataFrame({
...     "account_id": ["a", "b"] * 4 + ["c", "d"], "object_type": "hashtag",
...     "object_id": ["camp"] * 8 + ["other", "other"],
...     "content_id": [f"p{i}" for i in range(10)],
...     "timestamp": [0, 20, 100_000, 100_030, 200_000, 200_010, 400_000, 400_040, 5, 500_000]})
>>> edges, _ = fuse(acts, FusionParams(min_participation=1, min_event_strength=0.0,
...                                   min_object_strength=0.0))
>>> edges[["account_id", "account_id_y", "waves"]].to_dict("records")
[{'account_id': 'a', 'account_id_y': 'b', 'waves': 4}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyses import bursts, chance, crowds, cues, meetings
from analyses.arrays import by_pair_and_time, sorted_unique, unique_inverse
from analyses.fusion_inputs import Coded, FusionParams
from analyses.occasions import count_occasions

EDGE_COLUMNS = ["account_id", "account_id_y", "weight", "waves", "events", "surprise", "q",
                "expected", "window", "mean_time_delta", "signals", "first_ts", "last_ts"]
EVENT_COLUMNS = ["a", "b", "ca", "cb", "t", "dt", "strength", "types", "window"]


@dataclass
class FusionResult:
    edges: pd.DataFrame     # kept account pairs (EDGE_COLUMNS)
    events: pd.DataFrame    # the counted meetings of kept pairs (EVENT_COLUMNS), ids as text
    actions: pd.DataFrame   # the actions used (after the prefilter), with each object's idf
    stats: dict[str, Any]
    met: pd.DataFrame | None = None  # a, b: pairs that met at least once (edges' accounts only)
    bursts: bursts.Bursts | None = None  # many accounts on one object within minutes
    cue_sources: list[str] = field(default_factory=list)  # creators whose posts draw reactions
    objects: pd.Index | None = None  # object code -> (type, id), for the bursts' object codes


def fuse(actions: pd.DataFrame, params: FusionParams | None = None,
         posts: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The fused, thresholded account graph as an edge table, and statistics about the run.

    ``actions``: ``account_id, object_type, object_id, content_id, timestamp``; ``posts``
    (optional): ``post_id, account_id, timestamp`` of every post, so that reposts of posts
    without actions of their own can be dated. Edges have ``account_id < account_id_y``.
    """
    result = fuse_full(actions, params, posts)
    return result.edges, result.stats


def fuse_full(actions: pd.DataFrame, params: FusionParams | None = None,
              posts: pd.DataFrame | None = None) -> FusionResult:
    """:func:`fuse`, keeping the meetings of the kept pairs and the actions used."""
    p = params or FusionParams()
    stats: dict[str, Any] = {"actions_in": int(len(actions))}
    acts = _prefilter(actions, p, stats)
    if acts.empty:
        stats.update(candidate_pairs=0, edges_kept=0)
        return FusionResult(_empty(EDGE_COLUMNS), _empty(EVENT_COLUMNS), acts, stats, None)
    c = Coded(acts, posts)
    stats["accounts_tested"] = c.n_accounts
    rates = _chance_rates(c, p, stats)
    cue = cues.reaction_cues(
        c.post_author, c.post_t, reposts=c.reposts(), mentions=c.mentions(),
        sounds=c.of_type("sound"), horizon=p.cue_horizon)
    stats["cue_reactions"] = int((cue >= 0).sum())
    # posts that tag an account who posted the same thing around then: filmed together
    rates["with_friends"] = np.zeros(len(c.post_ids), dtype=bool)
    rates["with_friends"][c.post[_names_a_coposter(c, p.crowd_horizon)]] = True
    eligible = _burst_eligible(c, p, rates, cue)
    # The same local moment passing through the time zones (a clock) is a public cue too:
    # actions at a clock object's minute are explained like a freshly published link.
    clock = bursts.clock_actions(bursts.find_bursts(
        c.obj, c.acc, c.t, p.windows, p.rhythm_horizon, p.min_burst_accounts, eligible), c.obj, c.t)
    stats["clock_actions"] = int(clock.sum())
    rates["published"] |= clock
    rates["idf"][clock] = 0.0
    for w in p.windows:
        rates["rate"][w][clock] = 0.0
    per_window = [meetings.window_meetings(c, p, w, rates, cue, stats) for w in p.windows]
    edges, events, met = _edges(c, p, per_window, rates, stats)
    stats["edges_kept"] = int(len(edges))
    found = bursts.find_bursts(c.obj, c.acc, c.t, p.windows, p.rhythm_horizon,
                               p.min_burst_accounts, eligible & ~clock, c.account_ids)
    stats["bursts"] = int(len(found.table))
    sources = sorted(set(c.account_ids[np.unique(c.post_author[cue[cue >= 0]])].tolist()))
    stats["cue_sources"] = len(sources)
    return FusionResult(edges=edges, events=events, actions=acts, stats=stats, met=met,
                        bursts=found, cue_sources=sources, objects=c.objects)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({col: pd.Series(dtype="object") for col in columns})


def _prefilter(actions: pd.DataFrame, p: FusionParams, stats: dict[str, Any]) -> pd.DataFrame:
    """The actions worth pairing, with each object's ``idf``: one per (account, object, post),
    accounts with ``min_participation`` posts, objects of two accounts or more that are not
    too common. Counted on integer codes (millions of text rows at incident scale)."""
    acts = actions[actions["object_type"].isin(p.signals)]
    codes = pd.DataFrame({col: pd.factorize(acts[col])[0] for col in
                          ("account_id", "object_type", "object_id", "content_id")})
    first = ~codes.duplicated().to_numpy()
    acts, codes = acts[first], codes[first]
    acc, typ = codes["account_id"].to_numpy(), codes["object_type"].to_numpy()
    oid, post = codes["object_id"].to_numpy(), codes["content_id"].to_numpy()
    stats["accounts"] = int(len(sorted_unique(acc)))
    if p.min_participation > 1:
        n_post = int(post.max()) + 1 if len(post) else 1
        per_account = np.bincount(sorted_unique(acc * n_post + post) // n_post,
                                  minlength=int(acc.max()) + 1 if len(acc) else 0)
        keep = per_account[acc] >= p.min_participation
        acts, acc, typ, oid = acts[keep], acc[keep], typ[keep], oid[keep]
    # objects in order of first appearance, as a groupby would list them
    n_oid = int(oid.max()) + 1 if len(oid) else 1
    obj_code, obj_key = pd.factorize(typ * n_oid + oid)
    n_obj = len(obj_key)
    first_row = np.full(n_obj, len(obj_code), dtype=np.int64)
    np.minimum.at(first_row, obj_code, np.arange(len(obj_code)))
    n_acc_all = int(acc.max()) + 1 if len(acc) else 1
    per_obj = np.bincount(sorted_unique(obj_code * n_acc_all + acc) // n_acc_all, minlength=n_obj)
    obj = pd.DataFrame({"object_type": acts["object_type"].to_numpy()[first_row],
                        "object_id": acts["object_id"].to_numpy()[first_row],
                        "n_accounts": per_obj})
    n_accounts = max(int(len(sorted_unique(acc))), 1)
    obj["idf"] = np.log(n_accounts / obj["n_accounts"].clip(lower=1))
    stats["objects"] = int(len(obj))
    # An object so common that sharing it adds almost nothing to a meeting (#fyp) is left out:
    # it would only multiply the pairs to look at.
    weight = obj["object_type"].map(p.signal_weights).fillna(0.0)
    common = weight * obj["idf"] < p.min_object_strength
    stats["objects_too_common"] = (obj[common].sort_values("n_accounts", ascending=False).head(20)
                                   .apply(lambda r: f"{r.object_type}:{r.object_id}"
                                          f" ({r.n_accounts} accounts)", axis=1).tolist())
    usable = ((obj["n_accounts"] >= 2) & ~common).to_numpy()
    keep = usable[obj_code]
    acts = acts[keep].assign(idf=obj["idf"].to_numpy()[obj_code[keep]])
    stats["actions_used"] = int(len(acts))
    return acts.reset_index(drop=True)


def _burst_eligible(c: Coded, p: FusionParams, rates: dict[str, Any], cue: np.ndarray
                    ) -> np.ndarray:
    """Bursts are made of what meetings are made of: private, unexplained actions on specific
    objects (a reaction to a creator, a post carrying a freshly published link or naming an
    account that posted the same thing around then is explained, post and all)."""
    weight = np.array([p.signal_weights.get(t, 0.0) for t in c.types])[c.typ]
    published_post = np.zeros(len(c.post_ids), dtype=bool)
    published_post[c.post[rates["published"]]] = True
    return (rates["private"] & (cue[c.post] < 0) & ~published_post[c.post]
            & ~rates["with_friends"][c.post]
            & (weight * rates["idf"] >= p.min_event_strength))


def _names_a_coposter(c: Coded, horizon: int) -> np.ndarray:
    """Per action: its post tags an account that acted on the same object within ``horizon``
    seconds (friends filming together; a duet's credit to its original is not a tag)."""
    mp, ma = c.tags()
    out = np.zeros(len(c.t), dtype=bool)
    if not len(mp):
        return out
    n_acc = len(c.account_ids)
    tmin = int(c.t.min()) - horizon
    span = int(c.t.max()) - tmin + horizon + 1
    keys = np.sort((c.obj * n_acc + c.acc) * span + (c.t - tmin))
    # every action of a post that tags someone, against each account it tags
    mentions = pd.DataFrame({"post": mp, "target": ma})
    rows = pd.DataFrame({"row": np.arange(len(c.t)), "post": c.post}).merge(mentions, on="post")
    r = rows["row"].to_numpy()
    base = (c.obj[r] * n_acc + rows["target"].to_numpy()) * span
    lo = np.searchsorted(keys, base + (c.t[r] - horizon - tmin), side="left")
    hi = np.searchsorted(keys, base + (c.t[r] + horizon - tmin), side="right")
    out[r[hi > lo]] = True
    return out


def _chance_rates(c: Coded, p: FusionParams, stats: dict[str, Any]) -> dict[str, Any]:
    """Per action and window: the crowd, its publicness and the chance rate ``b``."""
    _, per_acc_obj = np.unique(c.obj * (c.acc.max() + 1) + c.acc, return_inverse=True)
    others_total = np.bincount(c.obj)[c.obj] - np.bincount(per_acc_obj)[per_acc_obj]
    denom = np.maximum(others_total, 1).astype(np.float64)
    counted: dict[int, np.ndarray] = {}

    def crowd_within(h: int) -> np.ndarray:
        """Others on the same object within ``h`` of each action, counted once per ``h`` (the
        30-minute crowd is both the occasion scale and a window, 5 minutes the moment and a
        window)."""
        if h not in counted:
            counted[h] = crowds.others_in_window(c.obj, c.acc, c.t, h)
        return counted[h]

    share_h = crowd_within(p.rhythm_horizon) / denom
    c_pub = crowds.public_crowd_size(c.n_accounts, p.crowd_scale)
    stats["public_crowd_size"] = round(c_pub, 1)
    out: dict[str, Any] = {"rate": {}}
    # Whether a crowd is public is judged on the scale of an occasion, not of the tightest
    # window: a minute inside a stadium's half hour is still inside the stadium.
    public = crowds.publicness(crowd_within(p.crowd_horizon),
                               c.n_accounts, p.crowd_scale, p.crowd_sharpness)
    # An action in a public crowd meets nobody: a meeting there is expected (its chance is the
    # crowd's own share) and proves nothing, and its pairs are the costliest of all.
    private = public < 0.5
    if p.moment_window:
        # A public *moment*: hundreds on one object within minutes (a goal on TV, a countdown).
        # A post in it is in that moment with everything it carries: the chant everyone sings
        # and the words everyone shouts are the moment's, not a plan's. (A background tag busy
        # over half an hour, #fyp, is no moment: its minutes are not crowded.)
        moment = crowds.publicness(crowd_within(p.moment_window),
                                   c.n_accounts, p.crowd_scale, p.crowd_sharpness) >= 0.5
        in_moment = np.zeros(len(c.post_ids), dtype=bool)
        in_moment[c.post[moment]] = True
        stats["moment_actions"] = int((private & in_moment[c.post]).sum())
        private &= ~in_moment[c.post]
    stats["public_actions"] = int((~private).sum())
    # A link is published once: the outlets (or accounts) that share it within the first hour
    # of its first appearance react to its publication, a public cue, and so do the other
    # things their posts share (the wire copy, the news tags). Only re-sharing it later (a link
    # pushed wave after wave) is evidence. A caption first seen with such a link is its copy.
    first_t = pd.Series(c.t).groupby(c.obj).transform("min").to_numpy()
    is_url = c.typ == c.types.index("url") if "url" in c.types else np.zeros(len(c.t), dtype=bool)
    published = is_url & (c.t - first_t <= p.publication_window)
    if "caption" in c.types:
        # a text first seen in a post with a freshly published link is that link's copy (wire
        # copy), published with it
        with_link = np.zeros(len(c.post_ids), dtype=bool)
        with_link[c.post[published]] = True
        is_cap = c.typ == c.types.index("caption")
        first_use = is_cap & (c.t == first_t)
        copy_of_link = np.unique(c.obj[first_use & with_link[c.post]])
        published |= is_cap & np.isin(c.obj, copy_of_link) & (c.t - first_t <= p.publication_window)
    stats["publication_actions"] = int(published.sum())
    out["idf"] = np.where(published, 0.0, c.idf)
    out["published"] = published
    out["pairs"] = np.flatnonzero(private)
    private &= ~published  # no chance rate: a meeting on a published object is not counted
    out["private"] = private
    for w in p.windows:
        crowd = crowd_within(w)
        # Only the nearest max_partners on each side are paired (see analyses.meetings): in a crowd of
        # c, a given pair that meets is looked at with probability about 2 max_partners / c.
        looked_at = np.minimum(1.0, 2.0 * p.max_partners / np.maximum(crowd, 1))
        out["rate"][w] = np.where(private, looked_at * chance.chance_rate(
            crowd / denom, share_h, public, w, p.rhythm_horizon), 0.0)
        stats[f"crowded_actions_{w}s"] = int((private & (crowd > 2 * p.max_partners)).sum())
    out["index"] = chance.ActionIndex(c.acc, c.obj)
    return out


def _edges(c: Coded, p: FusionParams, per_window: list[dict[str, np.ndarray]],
           rates: dict[str, Any], stats: dict[str, Any]
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Every pair that met: occasions and chance per window, p-values, q-values; the pairs with
    ``p <= max_edge_p`` become the edges of the evidence graph. ``per_window`` is reduced in
    place to the meetings of pairs that met again (nothing else is read from it)."""
    n_acc = len(c.account_ids)
    # one pair code per meeting of every window (filled in place: tens of millions at a
    # million videos, so no list of per-window keys and no concatenated copy of it)
    bounds = np.cumsum([0] + [len(m["a"]) for m in per_window])
    if per_window:
        all_keys = np.empty(int(bounds[-1]), dtype=np.int64)
        for i, m in enumerate(per_window):
            part = all_keys[bounds[i]:bounds[i + 1]]
            np.multiply(m["a"], n_acc, out=part, dtype=np.int64)
            part += m["b"]
        pair_keys, codes = unique_inverse(all_keys)
        del all_keys
        if len(pair_keys) < 2**31:
            codes = codes.astype(np.int32)
        idx_of = [codes[bounds[i]:bounds[i + 1]] for i in range(len(per_window))]
        del codes
    else:
        pair_keys, idx_of = np.zeros(0, dtype=np.int64), []
    m_family = len(pair_keys)
    stats["candidate_pairs"] = int(m_family)
    if not m_family:
        return _empty(EDGE_COLUMNS), _empty(EVENT_COLUMNS), None
    # Meetings are also counted among the strong ones only (a copied caption with the campaign's
    # tags and sound), each level against the chance of meetings that strong.
    levels = np.array(sorted({p.min_event_strength}
                             | {lv for lv in p.strength_levels if lv > p.min_event_strength}))
    n_w, n_l = len(p.windows), len(levels)
    n_tests = n_w * n_l
    # occasions per test and pair, in the smallest integer that holds them (tens of millions of
    # pairs at a million videos): occasions are more than a gap apart, so there are at most
    # span / gap + 1 of them
    span = int(c.t.max()) - int(c.t.min()) if len(c.t) else 0
    small = p.occasion_gap >= 1 and span // p.occasion_gap + 1 < np.iinfo(np.uint16).max
    k_all = np.zeros((n_tests, m_family), dtype=np.uint16 if small else np.int32)
    code_t = np.int32 if n_acc < 2**31 else np.int64
    pa_all, pb_all = (pair_keys // n_acc).astype(code_t), (pair_keys % n_acc).astype(code_t)
    type_weight = np.array([p.signal_weights.get(t, 0.0) for t in c.types])
    for i, m in enumerate(per_window):
        # sorted by pair and time once; each strength level is a subsequence of that order
        idx_s, t_s, lvl_s = by_pair_and_time(idx_of[i], m["t"], m["strength"], levels)
        for li in range(n_l):
            sel = lvl_s > li
            # the first level is usually every meeting: no copy of tens of millions then
            ps, ts = (idx_s, t_s) if sel.all() else (idx_s[sel], t_s[sel])
            del sel
            k_all[i * n_l + li] = count_occasions(ps, ts, p.occasion_gap,
                                                  p.clock_period, p.clock_tolerance,
                                                  n_pairs=m_family, presorted=True)
            del ps, ts
        del idx_s, t_s, lvl_s
    # Chance is only needed where a pair met more than once: one meeting is no evidence (a pair
    # that never met twice has p = 1 in every test, so it is never kept).
    rate_rows = np.stack([rates["rate"][w] for w in p.windows])
    again = np.flatnonzero(k_all.max(axis=0)
                           >= (1 if p.keep_pair_table == "all" else p.min_occasions))
    # Only pairs that met again can be kept: the meetings of the others (most of tens of
    # millions at a million videos) are let go now, in the caller's list too.
    met_again = np.zeros(m_family, dtype=bool)
    met_again[again] = True
    for i in range(len(per_window)):
        sel = met_again[idx_of[i]]
        per_window[i] = {col: v[sel] for col, v in per_window[i].items()}
        idx_of[i] = idx_of[i][sel]
    del met_again
    k = k_all[:, again].astype(np.int64)
    lam = chance.expected_meetings(
        rates["index"], pa_all[again], pb_all[again], c.post, c.typ, rates["idf"], type_weight,
        rate_rows, levels).reshape(len(again), n_tests).T
    log_p = np.zeros((n_tests, len(again)))       # log10 P(K >= k), unconditional
    log_pc = np.zeros((n_tests, len(again)))      # log10 P(K >= k | K >= 1)
    hit = k >= 1
    log_p[hit] = chance.log10_poisson_tail(k[hit], lam[hit])
    log_pc[hit] = chance.log10_conditional_poisson_p(k[hit], lam[hit])
    bonferroni = np.log10(n_tests)
    best = np.zeros(m_family, dtype=np.int64)
    log_p_best = np.zeros(m_family)
    log_pc_best = np.zeros(m_family)
    repeated = np.zeros(m_family, dtype=bool)
    if len(again):
        cols = np.arange(len(again))
        b_again = np.argmin(log_pc, axis=0)
        best[again] = b_again
        log_p_best[again] = np.minimum(log_p[b_again, cols] + bonferroni, 0.0)
        log_pc_best[again] = np.minimum(log_pc[b_again, cols] + bonferroni, 0.0)
        repeated[again] = k[b_again, cols] >= p.min_occasions
    q = np.ones(m_family)
    if repeated.any():
        q[repeated] = chance.benjamini_hochberg(10.0 ** log_pc_best[repeated], m=m_family)
    stats["tested_pairs"] = int(repeated.sum())
    stats["pairs_q_below_alpha"] = int((q <= p.alpha).sum())
    # The evidence of a pair is its p-value given that it met at all: one meeting is a
    # coincidence however unlikely (a trending sound's busiest minute makes thousands of them,
    # all at once), only meeting again is evidence.
    keep = np.flatnonzero(repeated & (log_pc_best <= np.log10(p.max_edge_p)))
    stats["evidence_edges"] = int(len(keep))
    if not len(keep):
        return _empty(EDGE_COLUMNS), _empty(EVENT_COLUMNS), None
    # Which pairs met at least once, among the accounts of the evidence graph: the terms of
    # the group tests (analyses.groups).
    is_node = np.zeros(n_acc, dtype=bool)
    is_node[pa_all[keep]] = True
    is_node[pb_all[keep]] = True
    inside = is_node[pa_all] & is_node[pb_all]
    # account codes, not text: at a million videos these are millions of pairs
    ids = pd.Index(c.account_ids)
    met = pd.DataFrame({"a": pd.Categorical.from_codes(pa_all[inside], categories=ids),
                        "b": pd.Categorical.from_codes(pb_all[inside], categories=ids)})
    # Events of the kept pairs at each pair's best window.
    kept_window = best[keep] // n_l
    parts = []
    for i, (w, m) in enumerate(zip(p.windows, per_window, strict=True)):
        sel_pairs = keep[kept_window == i]
        if not len(sel_pairs):
            continue
        wanted = np.zeros(m_family, dtype=bool)
        wanted[sel_pairs] = True
        ev = np.flatnonzero(wanted[idx_of[i]])
        parts.append(pd.DataFrame({col: m[col][ev] for col in m}).assign(window=w))
    events = pd.concat(parts, ignore_index=True).sort_values(["a", "b", "t"], kind="stable")
    events = events.reset_index(drop=True)
    new_occ = ((events["a"] != events["a"].shift()) | (events["b"] != events["b"].shift())
               | (events["t"].diff() > p.occasion_gap))
    events["occasion"] = new_occ.cumsum()
    per_occ = events.groupby("occasion", sort=False).agg(a=("a", "first"), b=("b", "first"),
                                                         best=("strength", "max"))
    weight = per_occ.groupby(["a", "b"], sort=False)["best"].sum()
    g = events.groupby(["a", "b"], sort=False)
    e = g.agg(events=("strength", "size"), mean_time_delta=("dt", "mean"), first_ts=("t", "min"),
              last_ts=("t", "max"), window=("window", "first")).reset_index()
    e["weight"] = weight.reindex(pd.MultiIndex.from_frame(e[["a", "b"]])).to_numpy()
    pos = np.searchsorted(pair_keys, e["a"].to_numpy().astype(np.int64) * n_acc + e["b"].to_numpy())
    wi, apos = best[pos], np.searchsorted(again, pos)  # kept pairs all met again
    e["waves"] = k[wi, apos]
    e["expected"] = lam[wi, apos]
    e["surprise"] = -log_pc_best[pos]
    e["q"] = q[pos]
    e["signals"] = _signal_counts(events, c.types)
    e["account_id"] = c.account_ids[e["a"].to_numpy()]
    e["account_id_y"] = c.account_ids[e["b"].to_numpy()]
    swap = e["account_id"].to_numpy().astype(str) > e["account_id_y"].to_numpy().astype(str)
    e.loc[swap, ["account_id", "account_id_y"]] = e.loc[swap, ["account_id_y", "account_id"]].to_numpy()
    e = e.sort_values(["surprise", "account_id", "account_id_y"], ascending=[False, True, True])
    a, b = c.account_ids[events["a"].to_numpy()], c.account_ids[events["b"].to_numpy()]
    ca, cb = c.post_ids[events["ca"].to_numpy()], c.post_ids[events["cb"].to_numpy()]
    flip = a.astype(str) > b.astype(str)  # the edges' orientation: account_id < account_id_y
    events_out = events.assign(
        a=np.where(flip, b, a), b=np.where(flip, a, b), ca=np.where(flip, cb, ca),
        cb=np.where(flip, ca, cb),
        types=[tuple(t for j, t in enumerate(c.types) if m >> j & 1) for m in events["types"]])
    if p.keep_pair_table:  # every pair that met, for diagnosis (pairs that met once: no λ)
        lam_all = np.full((n_tests, m_family), np.nan)
        lam_all[:, again] = lam
        stats["_all_pairs"] = pd.DataFrame({
            "a": c.account_ids[pa_all], "b": c.account_ids[pb_all],
            **{f"k{w}_{lv:g}": k_all[i * n_l + j].astype(np.int64)
               for i, w in enumerate(p.windows) for j, lv in enumerate(levels)},
            **{f"lam{w}_{lv:g}": lam_all[i * n_l + j] for i, w in enumerate(p.windows)
               for j, lv in enumerate(levels)},
            "log_p": log_p_best, "log_pc": log_pc_best, "q": q})
    else:
        stats["_all_pairs"] = None
    return e[EDGE_COLUMNS].reset_index(drop=True), events_out[EVENT_COLUMNS], met


def _signal_counts(events: pd.DataFrame, types: tuple[str, ...]) -> list[dict[str, int]]:
    """Per pair (in the order of the grouped edges): the number of events each signal was in."""
    masks = events["types"].to_numpy().astype(np.int64)
    counts = {t: (masks >> j & 1) for j, t in enumerate(types)}
    frame = pd.DataFrame({"a": events["a"], "b": events["b"], **counts})
    per_pair = frame.groupby(["a", "b"], sort=False).sum()
    return [{t: int(v) for t, v in row.items() if v} for row in per_pair.to_dict("records")]


EVIDENCE_COLUMNS = ["account_id", "account_id_y", "object_type", "object_id", "content_id",
                    "content_id_y", "timestamp", "timestamp_y", "time_delta"]


def edge_evidence(actions: pd.DataFrame, events: pd.DataFrame,
                  per_edge: int | None = 20) -> pd.DataFrame:
    """For the counted meetings: the objects the two posts shared, with the posts and times.

    One row per (meeting, shared object), in time order, at most ``per_edge`` per account pair
    (``None``: all of them).
    """
    if events.empty:
        return _empty(EVIDENCE_COLUMNS)
    posts = set(events["ca"]) | set(events["cb"])
    acts = actions[actions["content_id"].astype(str).isin(posts)]
    acts = acts.assign(content_id=acts["content_id"].astype(str))[
        ["content_id", "object_type", "object_id", "timestamp"]].drop_duplicates()
    ev = events[["a", "b", "ca", "cb"]].drop_duplicates()
    out = ev.merge(acts, left_on="ca", right_on="content_id").merge(
        acts, left_on=["cb", "object_type", "object_id"],
        right_on=["content_id", "object_type", "object_id"], suffixes=("", "_y"))
    out = out.rename(columns={"a": "account_id", "b": "account_id_y"})
    out["content_id"], out["content_id_y"] = out["ca"], out["cb"]
    out["time_delta"] = (out["timestamp_y"] - out["timestamp"]).abs()
    out = out.sort_values(["account_id", "account_id_y", "timestamp", "object_type", "object_id"])
    out = out[EVIDENCE_COLUMNS]
    if per_edge is None:
        return out.reset_index(drop=True)
    return out.groupby(["account_id", "account_id_y"], sort=False).head(per_edge).reset_index(drop=True)


def estimate_time_window(actions: pd.DataFrame, q: float = 0.1, p: float = 0.5,
                         min_actions: int = 4, bounds: tuple[int, int] = (10, 3600)) -> dict[str, Any]:
    """A coordination interval from the data, in the spirit of CooRnet's ``estimate_coord_interval``.

    For every object acted on at least ``min_actions`` times, the time from its first action to
    the action that brings it to a share ``p`` of its total; the estimate is the median of that
    time over the fastest ``q`` of objects, clamped to ``bounds`` seconds. Reported next to the
    result; used only when asked for (``--window auto``).
    """
    g = actions.sort_values("timestamp").groupby(["object_type", "object_id"], sort=False)["timestamp"]
    size = g.transform("size")
    rank = g.cumcount() + 1
    first = g.transform("min")
    target = np.ceil(p * size).clip(lower=2)
    sel = (size >= min_actions) & (rank == target)
    reach = (actions.sort_values("timestamp")["timestamp"] - first)[sel.to_numpy()]
    if reach.empty:
        return {"window": None, "objects": 0, "q": q, "p": p}
    fastest = reach[reach <= reach.quantile(q)]
    est = int(np.clip(round(float(fastest.median())), *bounds))
    return {"window": est, "objects": int(len(reach)), "q": q, "p": p}
