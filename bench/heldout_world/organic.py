"""Organic activity: when people post (a self-exciting process on local rhythms) and what.

Times: each account starts sessions at random following its zone's diurnal and weekly rhythm
(shifted by its chronotype, only while it is active); every post may trigger follow-up posts
(Hawkes by branching: a few minutes later in the same session, or hours later, on the rhythm).
Content: habitual head tags, topic tags from Zipf vocabularies, trends joined by imitation, place
tags, friends mentioned, original sounds or catalogue songs, duets and stitches of viral posts.
"""

from __future__ import annotations

import numpy as np

from .accounts import ROLE_CELL, ROLE_ORGANIC, Accounts
from .captions import head_tags, organic_caption, zipf_tag
from .clock import COUNTRY_CODES, Clock, sample_times
from .lexicon import PLACE_TAGS
from .phrases import DUET_PREFIX
from .posts import KIND_DUET, KIND_STITCH, PostBatch
from .social import Social
from .sounds import Sounds, original_sound_id
from .trends import Trends
from .util import stream

_MAX_TAGS = 10


def session_groups(clock: Clock, acc: Accounts) -> tuple[np.ndarray, np.ndarray]:
    """Each account's rhythm row (zone x chronotype) and the rows' hourly weights."""
    shifts = np.arange(-2, 4)
    zone_of_row = np.repeat(np.arange(len(clock.zones)), len(shifts))
    shift_of_row = np.tile(shifts, len(clock.zones))
    w = clock.weights(zone_of_row, shift_of_row)
    return acc.zone * len(shifts) + (acc.shift + 2), w


def posting_times(seed: int, clock: Clock, acc: Accounts, budget: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Exactly ``budget`` organic post times and authors; every non-cell account posts once."""
    rng = stream(seed, "organic-times")
    row, w = session_groups(clock, acc)
    wmax = w.max(axis=1)
    force = (acc.role != ROLE_CELL).astype(np.int64)
    inv = 1.0 / (1.0 - acc.branch)
    need = int(force.sum())
    if budget < need:
        raise ValueError(f"organic budget {budget} below the {need} accounts that must post")
    mult = max(0.02, (budget * 1.15 / 0.85 - float((force * inv).sum())) / float((acc.rate * inv).sum()))
    for _ in range(8):
        m = rng.poisson(acc.rate * mult) + force
        who = np.repeat(np.arange(len(acc)), m)
        first = np.zeros(len(who), dtype=bool)
        starts = np.cumsum(m) - m
        first[starts[force.astype(bool) & (m > 0)]] = True
        ts = sample_times(rng, clock, w, row[who], acc.join[who], acc.leave[who])
        all_ts, all_who, all_first = [ts], [who], [first]
        p_ts, p_who = ts, who
        for _gen in range(40):
            k = rng.poisson(acc.branch[p_who])
            if k.sum() == 0:
                break
            c_who = np.repeat(p_who, k)
            base = np.repeat(p_ts, k)
            short = rng.random(len(c_who)) < 0.62
            delay = np.where(short, rng.lognormal(np.log(420.0), 0.9, len(c_who)),
                             rng.exponential(5 * 3600.0, len(c_who))) + 15
            c_ts = base + delay.astype(np.int64)
            h = np.clip((c_ts - clock.start_ts) // 3600, 0, clock.hours - 1)
            ok_p = np.where(short, 1.0, w[row[c_who], h] / wmax[row[c_who]])
            keep = (c_ts < np.minimum(clock.end_ts, acc.leave[c_who] + 3600)) & (
                rng.random(len(c_who)) < ok_p)
            p_ts, p_who = c_ts[keep], c_who[keep]
            all_ts.append(p_ts)
            all_who.append(p_who)
            all_first.append(np.zeros(len(p_ts), dtype=bool))
        ts, who, first = (np.concatenate(x) for x in (all_ts, all_who, all_first))
        if len(ts) >= budget:
            break
        mult *= 1.3 * budget / max(len(ts), 1)
    rest = np.flatnonzero(~first)
    keep = np.concatenate([np.flatnonzero(first),
                           rng.choice(rest, size=budget - int(first.sum()), replace=False)])
    ts, who = ts[keep], who[keep]
    order = np.lexsort((who, ts))
    return ts[order], who[order]


def _duet_targets(rng: np.random.Generator, ts: np.ndarray, who: np.ndarray, reach: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Positions of duet/stitch posts and of the earlier viral posts they answer."""
    n = len(ts)
    cand = np.flatnonzero(reach >= np.quantile(reach, 0.97))
    cts = ts[cand]
    dpos = np.flatnonzero(rng.random(n) < 0.025)
    lo = np.searchsorted(cts, ts[dpos] - 3 * 86400)
    hi = np.searchsorted(cts, ts[dpos] - 90)
    ok = hi > lo
    dpos, lo, hi = dpos[ok], lo[ok], hi[ok]
    pick = lo + ((hi - lo) * rng.random(len(dpos)) ** 0.6).astype(np.int64)
    target = cand[np.minimum(pick, hi - 1)]
    ok = who[target] != who[dpos]
    return dpos[ok], target[ok]


def organic_batch(seed: int, clock: Clock, acc: Accounts, social: Social, trends: Trends,
                  sounds: Sounds, budget: int) -> PostBatch:
    ts, who = posting_times(seed, clock, acc, budget)
    rng = stream(seed, "organic-content")
    n = len(ts)
    lang, country = acc.lang[who], acc.country[who]
    topics = acc.topics[who]
    trend = trends.sample(rng, clock, ts, country, topics, acc.trendiness[who])
    reach = np.log(40.0 + 0.25 * acc.followers[who]) + rng.normal(0, 1.1, n) + 0.4 * (trend >= 0)
    t_sound = np.array([t.sound for t in trends.items] + [0], dtype=np.int64)
    t_owner = np.array([t.sound_owner for t in trends.items] + [-1], dtype=np.int64)
    t_sp = np.array([t.sound_p for t in trends.items] + [0.0])
    u = rng.random((n, 8))
    sound = sounds.pick(rng, lang)
    owner = np.full(n, -1, dtype=np.int64)
    orig = u[:, 0] < acc.p_original[who]
    sound[orig] = original_sound_id(rng, ts[orig])
    owner[orig] = who[orig]
    use_ts = (trend >= 0) & (u[:, 1] < t_sp[trend])
    sound[use_ts] = t_sound[trend[use_ts]]
    owner[use_ts] = t_owner[trend[use_ts]]
    dpos, dtarget = _duet_targets(rng, ts, who, reach)
    kind = np.zeros(n, dtype=np.int8)
    duet_of = np.full(n, -1, dtype=np.int64)
    kind[dpos] = np.where(rng.random(len(dpos)) < 0.6, KIND_DUET, KIND_STITCH)
    duet_of[dpos] = dtarget
    region = np.where(rng.random(n) < 0.03, rng.integers(0, len(COUNTRY_CODES), n), -1)
    n_topic = np.minimum(rng.poisson(acc.n_tags[who] * 0.55), _MAX_TAGS)
    head = u[:, 2] < acc.p_head[who]
    place = u[:, 3] < acc.p_place[who]
    mention = u[:, 4] < acc.p_mention[who]
    friend = social.friends(rng, who)
    friend2 = np.where(rng.random(n) < 0.25, social.friends(rng, who), -1)
    meme = u[:, 5] < 0.3
    captions: list[str] = [""] * n
    tags_out: list[tuple[str, ...]] = [()] * n
    mentions_out: list[tuple[str, ...]] = [()] * n
    names = acc.username
    style_l, combo_l = acc.style.tolist(), acc.head_combo.tolist()
    ch = trends.challenge
    places = [PLACE_TAGS[c] for c in COUNTRY_CODES]
    sound_l, owner_l = sound.tolist(), owner.tolist()
    step = 65_536
    for lo in range(0, n, step):
        sl = slice(lo, min(n, lo + step))
        # Python values, chunk by chunk: numpy scalars are slow one at a time
        case_u = rng.random((sl.stop - lo, 6)).tolist()
        tag_u = rng.random((sl.stop - lo, 2 * _MAX_TAGS)).tolist()
        cols = zip(range(lo, sl.stop), who[sl].tolist(), lang[sl].tolist(), country[sl].tolist(),
                   topics[sl].tolist(), trend[sl].tolist(), ts[sl].tolist(), n_topic[sl].tolist(),
                   place[sl].tolist(), head[sl].tolist(), mention[sl].tolist(),
                   friend[sl].tolist(), friend2[sl].tolist(), meme[sl].tolist(),
                   (u[sl, 6] < 0.006).tolist(), kind[sl].tolist(), duet_of[sl].tolist(),
                   case_u, tag_u, strict=True)
        for (i, a, lg, cn, tp, k, t_i, n_t, pl, hd, mt, f1, f2, mm, link, kd, tgt, cu,
             tu) in cols:
            tags: list[str] = []
            memetext = None
            if k >= 0:
                tr = trends.items[k]
                if k == ch.index:
                    tags.append(trends.challenge_tag(rng, t_i))
                    if tu[0] < 0.2:
                        tags.append("dontdothis" if tu[1] < 0.5 else "challenge")
                elif tr.tags:
                    tags.append(tr.tags[0])
                    tags.extend(t for t in tr.tags[1:] if tu[1] < tr.alias_p)
                if mm and tr.memes:
                    memetext = tr.memes[int(tu[2] * len(tr.memes)) % len(tr.memes)]
            for j in range(n_t):
                x = tu[2 * j + 1]
                tags.append(zipf_tag(tp[0] if x < 0.6 else tp[1] if x < 0.85 else tp[2], lg,
                                     tu[2 * j]))
            if pl:
                bank = places[cn]
                tags.append(bank[int(tu[3] * len(bank)) % len(bank)])
            if hd:
                ht = head_tags(lg, combo_l[a], tu[4])
                tags = tags + ht if tu[5] < 0.8 else ht + tags
            seen: set[str] = set()
            tags = [t for t in tags if not (t.lower() in seen or seen.add(t.lower()))]
            ment: list[str] = []
            if mt:
                ment.append(names[f1])
                if f2 >= 0 and names[f2] != ment[0]:
                    ment.append(names[f2])
            cap = organic_caption(style_l[a], lg, tp[0], tags, ment, cu, memetext)
            if link and cap:      # people paste links too: their channel, a song, a shop
                cap = f"{cap} {_link(rng, names[a])}"
            if kd:
                host = names[int(who[tgt])]
                prefix = DUET_PREFIX["duet" if kd == KIND_DUET else "stitch"].format(host)
                cap = f"{prefix} {cap}".strip()
                tags = ["duet" if kd == KIND_DUET else "stitch"] + tags
                ment = [host] + [m for m in ment if m != host]
                if kd == KIND_DUET:
                    sound_l[i], owner_l[i] = sound_l[tgt], owner_l[tgt]
            elif not cap:
                tags, ment = [], []
            captions[i] = cap
            tags_out[i] = tuple(tags)
            mentions_out[i] = tuple(ment)
    sound = np.array(sound_l, dtype=np.int64)
    owner = np.array(owner_l, dtype=np.int64)
    return PostBatch("organic", ts, who, captions, tags_out, mentions_out, sound, owner, reach,
                     duet_of=duet_of, kind=kind, region=region)


_ID = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-"


def _link(rng: np.random.Generator, handle: str) -> str:
    code = "".join(_ID[int(x)] for x in rng.integers(0, len(_ID), 22))
    return [f"https://youtu.be/{code[:11]}", f"https://open.spotify.com/track/{code}",
            f"https://www.instagram.com/{handle}", f"https://linktr.ee/{handle}",
            f"https://amzn.to/{code[:7]}", f"https://www.youtube.com/watch?v={code[11:]}"][
        int(rng.integers(6))]


def assign_trend_owners(seed: int, acc: Accounts, trends: Trends) -> None:
    """A viral original sound belongs to somebody in the country the trend started in."""
    rng = stream(seed, "trend-owners")
    for tr in trends.items:
        if tr.sound_owner != -2:
            continue
        pool = acc.free(acc.country == tr.origin)
        if len(pool) == 0:
            pool = np.flatnonzero(acc.role == ROLE_ORGANIC)
        tr.sound_owner = int(pool[np.argmax(acc.followers[pool] * rng.random(len(pool)))])
