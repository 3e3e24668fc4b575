"""The same local clock time passing through the time zones: 11:11 wishes every day, Friday
greetings after midday prayer, "happy new month" at midnight on the 1st, and the night the clocks
change ("the clock just went back an hour"). Each zone's crowd posts within the same minute.
"""

from __future__ import annotations

import numpy as np

from ..accounts import ROLE_BENIGN
from ..captions import hashtag_text, head_tags
from ..clock import COUNTRY_CODES
from ..context import Ctx
from ..posts import BatchBuilder, PostBatch
from ..util import pick

NAME = "timezone_clock"
DESCRIPTION = ("people marking a local clock time (11:11 wishes, Friday jummah greetings, "
               "midnight of a new month, the night the clocks change) with the same tags, "
               "zone by zone, some of them day after day")

_WISH = ["11:11 make a wish ✨", "make a wish 🌙", "11:11 🤍", "it's 11:11, manifesting",
         "11:11 wish for me too", "11:11 💫 you know what i wished for", "11:11"]
_JUMMAH = ["Jummah Mubarak 🤍", "jumma mubarak", "Jummah Mubarak to everyone",
           "جمعة مباركة", "Cuma'nız mübarek olsun", "Jumat berkah 🤲"]
_MONTH = ["HAPPY NEW MONTH 🎉", "happy new month fam", "welcome {m} 🙏", "new month new blessings",
          "{m} be good to me", "hello {m} ✨"]
_DST = {"back": ["the clock just went back an hour 😳", "we get an extra hour of sleep",
                 "1:59 → 1:00 again", "time is fake"],
        "fwd": ["we lost an hour 😩", "2am doesn't exist today", "1:59 → 3:00 bruh",
                "spring forward lost my sleep"]}
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc = ctx.acc
    size = max(60, int(0.02 * len(acc)))
    wishers = rng.choice(acc.free(), int(size * 0.55), replace=False)
    acc.assign(wishers, ROLE_BENIGN, 1)
    muslim = np.isin(acc.country, [COUNTRY_CODES.index(c) for c in ("EG", "SA", "TR", "ID", "NG")])
    pool = acc.free(muslim)
    jummah = rng.choice(pool, min(len(pool), int(size * 0.25)), replace=False)
    acc.assign(jummah, ROLE_BENIGN, 1)
    monthly = np.isin(acc.country, [COUNTRY_CODES.index(c) for c in ("NG", "PH", "GB", "US")])
    pool = acc.free(monthly)
    month = rng.choice(pool, min(len(pool), int(size * 0.2)), replace=False)
    acc.assign(month, ROLE_BENIGN, 1)
    members = np.concatenate([wishers, jummah, month])
    return {"members": members, "wishers": wishers, "jummah": jummah, "month": month,
            "habit": rng.beta(1.1, 2.0, len(members))}


def _tags(ctx: Ctx, a: int, base: list[str], rng: np.random.Generator) -> list[str]:
    tags = list(base)
    if rng.random() < ctx.acc.p_head[a] * 0.7:
        tags += head_tags(int(ctx.acc.lang[a]), int(ctx.acc.head_combo[a]), rng.random())
    return tags


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc = ctx.clock, ctx.acc
    out = BatchBuilder(NAME)
    habit = dict(zip(st["members"].tolist(), st["habit"].tolist(), strict=True))
    members = st["members"]
    # 11:11, morning or night, most within the minute itself
    for a in st["wishers"].tolist():
        zone = clock.zones[int(acc.zone[a])]
        hh = 23 if rng.random() < 0.6 else 11
        for day in clock.local_days(zone):
            if rng.random() > habit[a] * 0.8:
                continue
            t = clock.at_local(zone, day, hh, 11)
            if t is None:
                continue
            ts = t + int(rng.integers(0, 60) if rng.random() < 0.85 else rng.integers(60, 240))
            tags = _tags(ctx, a, ["1111"] + (["makeawish"] if rng.random() < 0.6 else []) + (
                ["manifest"] if rng.random() < 0.2 else []), rng)
            snd, owner = ctx.own_sound(rng, a, ts)
            out.add(ts, a, f"{pick(rng, _WISH)} {hashtag_text(tags, 0)}", tags, (), snd, owner,
                    ctx.reach(rng, a))
    # Friday greetings, after the midday prayer, local time
    for a in st["jummah"].tolist():
        zone = clock.zones[int(acc.zone[a])]
        for day in clock.local_days(zone):
            if day.weekday() != 4 or rng.random() > 0.35 + habit[a] * 0.6:
                continue
            t = clock.at_local(zone, day, 13, int(rng.integers(0, 40)))
            if t is None:
                continue
            ts = t + int(rng.integers(0, 900))
            tags = _tags(ctx, a, ["jummahmubarak"] + (["friday"] if rng.random() < 0.3 else []), rng)
            snd, owner = ctx.own_sound(rng, a, ts)
            out.add(ts, a, f"{pick(rng, _JUMMAH)} {hashtag_text(tags, 0)}", tags, (), snd, owner,
                    ctx.reach(rng, a))
    # midnight of a new month (and the morning after)
    for a in st["month"].tolist():
        zone = clock.zones[int(acc.zone[a])]
        for day in clock.local_days(zone):
            if day.day != 1:
                continue
            m = _MONTHS[day.month - 1]
            midnight = rng.random() < 0.55
            t = clock.at_local(zone, day, 0, 0) if midnight else clock.at_local(
                zone, day, int(rng.integers(6, 10)), int(rng.integers(0, 60)))
            if t is None or rng.random() > 0.5 + habit[a] * 0.5:
                continue
            ts = t + int(rng.integers(0, 240) if midnight else rng.integers(0, 1800))
            tags = _tags(ctx, a, ["happynewmonth"] + ([f"welcome{m}"] if rng.random() < 0.5 else []), rng)
            snd, owner = ctx.own_sound(rng, a, ts)
            out.add(ts, a, f"{pick(rng, _MONTH).format(m=m.title())} {hashtag_text(tags, 0)}",
                    tags, (), snd, owner, ctx.reach(rng, a))
    # the night the clocks change, in the zones where they do
    for tr in clock.transitions:
        back = tr["offset_after_s"] < tr["offset_before_s"]
        zi = clock.zones.index(tr["zone"])
        here = members[acc.zone[members] == zi]
        for a in here.tolist():
            if rng.random() > 0.45:
                continue
            ts = tr["utc_ts"] + int(rng.integers(0, 120) if rng.random() < 0.7 else rng.integers(120, 3600))
            if ts >= clock.end_ts:
                continue
            tags = _tags(ctx, a, ["fallback" if back else "springforward", "daylightsaving"], rng)
            snd, owner = ctx.own_sound(rng, a, ts)
            out.add(ts, a, f"{pick(rng, _DST['back' if back else 'fwd'])} {hashtag_text(tags, 0)}",
                    tags, (), snd, owner, ctx.reach(rng, a))
    return out.build()
