"""A music fandom's comeback week. Fan-base admin accounts announce a "hashtag party" for a set
hour in Seoul time with the day's hashtag and ready-made captions to copy; fans all over the world
post at that hour on the new song, copying the provided captions, and repost the admins' posts.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from ..accounts import ROLE_BENIGN
from ..captions import hashtag_text
from ..clock import COUNTRY_CODES
from ..context import Ctx
from ..posts import BatchBuilder, PostBatch
from ..sounds import original_sound_id
from ..util import pick, scaled

NAME = "fandom_party"
DESCRIPTION = ("fans of a music group joining scheduled hashtag parties at a set Seoul-time hour, "
               "copying the captions their fan-base admins hand out, on the new song")

_GROUPS = [("NOVA9", "nova9"), ("LUMINA", "lumina"), ("H3ART", "h3art"), ("STARDUST", "stardust")]
_SONGS = ["Neon Heart", "Gravity", "Afterglow", "Paper Moon", "Firework Blue"]
_TEMPLATES = ["{G} is coming 💜 #{tag}", "we love you {G}! #{tag} #{song}", "{song} OUT NOW 🔥 stream {song}!",
              "proud of you {G} 🥹 #{tag}", "{G} deserves everything #{tag}", "let's trend #{tag} for {G}!!"]


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc = ctx.acc
    size = scaled(ctx.videos, 2500, 0.8, lo=50)
    countries = [COUNTRY_CODES.index(c) for c in ("PH", "ID", "US", "BR", "MX", "JP", "GB", "SA")]
    pool = acc.free(np.isin(acc.country, countries))
    fans = np.sort(rng.choice(pool, min(len(pool), size), replace=False))
    acc.assign(fans, ROLE_BENIGN, 7)
    g, gtag = _GROUPS[int(rng.integers(len(_GROUPS)))]
    admins = np.sort(rng.choice(acc.free(np.isin(acc.country, countries)), 4 + size // 500,
                                replace=False))
    acc.assign(admins, ROLE_BENIGN, 7)
    for a in admins.tolist():
        acc.rename(a, f"{gtag}{pick(rng, ['_updates', '.ph', '_global', 'stream', '_br', '.indo', 'daily'])}")
        acc.followers[a] = int(rng.lognormal(np.log(40_000), 0.8))
    official = int(rng.choice(acc.free()))
    acc.assign(np.array([official]), ROLE_BENIGN, 7)
    acc.rename(official, f"{gtag}_official", g)
    acc.verified[official] = True
    acc.followers[official] = int(rng.integers(2_000_000, 9_000_000))
    members = np.concatenate([fans, admins, [official]])
    acc.protect(members)
    return {"members": members, "fans": fans, "admins": admins, "official": official,
            "group": g, "gtag": gtag, "song": pick(rng, _SONGS),
            "zeal": np.where(rng.random(len(fans)) < 0.15, 0.9, rng.beta(1.0, 2.5, len(fans)))}


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc = ctx.clock, ctx.acc
    out = BatchBuilder(NAME)
    g, gtag, song = st["group"], st["gtag"], st["song"]
    stag = song.lower().replace(" ", "")
    days = clock.local_days("Asia/Seoul")
    first = int(rng.integers(0, max(1, len(days) - 7)))
    party_days = days[first: first + int(rng.integers(3, 8))]
    release = clock.at_local("Asia/Seoul", party_days[0], 18, 0) or clock.start_ts + 3600
    snd = int(original_sound_id(rng, np.array([release]))[0])
    ctx.sounds.register(snd, song, g)
    official = st["official"]
    admins = st["admins"].tolist()
    for k, day in enumerate(party_days):
        hour = pick(rng, [20, 21, 22, 0])
        when = day + timedelta(days=1) if hour == 0 else day
        t = clock.at_local("Asia/Seoul", when, hour, 0)
        if t is None:
            continue
        tag = [f"{gtag}comeback", f"{stag}outnow", f"stream{stag}", f"{gtag}day", f"{stag}{gtag}",
               f"we❤️{gtag}".replace("❤️", "love"), f"{gtag}forever"][k % 7]
        sets = [x.format(G=g, tag=tag, song=stag) for x in rng.choice(_TEMPLATES, 3, replace=False)]
        if k == 0 or rng.random() < 0.5:
            out.add(t - 600, official, f"{song} ✨ #{gtag} #{stag}", (gtag, stag), (), snd, -1,
                    ctx.reach(rng, official, 3.0))
        notices = []
        for a in admins:
            ts = t - int(rng.uniform(2, 12) * 3600)
            text = f"HASHTAG PARTY at {hour}:00 KST! use #{tag} and copy: \"{sets[0]}\""
            notices.append(out.add(max(clock.start_ts, ts), a, text, (tag, gtag), (), snd, -1,
                                   ctx.reach(rng, a, 1.0)))
        for j, a in enumerate(st["fans"].tolist()):
            if rng.random() > st["zeal"][j]:
                continue
            ts = t + int(rng.exponential(240) if rng.random() < 0.8 else rng.uniform(900, 5400))
            if ts >= clock.end_ts:
                continue
            text = pick(rng, sets) if rng.random() < 0.75 else f"{g} 💜 #{tag}"
            text = text + (" " + pick(rng, ["💜", "🥹", "🔥", "✨"]) if rng.random() < 0.4 else "")
            tags = [x.strip("#") for x in text.split() if x.startswith("#")]
            extra = [gtag] if rng.random() < 0.5 else []
            extra += ["kpop"] if rng.random() < 0.4 else []
            cap = f"{text} {hashtag_text(extra, 0)}".strip()
            tags = list(dict.fromkeys(tags + extra))
            ment = (acc.username[official],) if rng.random() < 0.2 else ()
            if ment:
                cap += f" @{ment[0]}"
            s2, o2 = (snd, -1) if rng.random() < 0.9 else ctx.own_sound(rng, a, ts)
            out.add(ts, a, cap, tags, ment, s2, o2, ctx.reach(rng, a))
            if rng.random() < 0.3:
                out.repost(a, pick(rng, notices))
    return out.build()
