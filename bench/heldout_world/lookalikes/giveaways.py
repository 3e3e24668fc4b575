"""Brand giveaways: to enter, post with the giveaway tag, tag the brand and two friends, use the
brand's sound, write the required sentence, repost the announcement. Entries spike after the
announcement and each reminder and just before the deadline; contest hunters enter them all.
"""

from __future__ import annotations

import numpy as np

from ..accounts import ROLE_BENIGN
from ..captions import hashtag_text, perturb
from ..clock import sample_times
from ..context import Ctx
from ..posts import BatchBuilder, PostBatch
from ..sounds import original_sound_id
from ..util import pick, scaled

NAME = "giveaway_entrants"
DESCRIPTION = ("entrants of brand giveaways posting the required caption, tag, sound and "
               "@-mentions, in spikes after each announcement and before the deadline")

_BRANDS = ["snackwave", "glossbox", "kickvault", "brewbuddy", "petpal", "gamerig", "fitfuel",
           "skinsquad", "tunebox", "cozynest"]
_PRIZES = ["PS5", "iPhone", "year of snacks", "$500 gift card", "skincare bundle", "gaming chair",
           "AirPods", "mystery box"]


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc = ctx.acc
    n_g = scaled(ctx.videos, 6, 0.5, lo=1)
    per = scaled(ctx.videos, 900, 0.7, lo=40)
    brands, entrants = [], []
    hunters = rng.choice(acc.free(), max(3, per // 6), replace=False)
    acc.assign(hunters, ROLE_BENIGN, 6)
    names = rng.choice(_BRANDS, n_g, replace=n_g > len(_BRANDS))
    for i in range(n_g):
        b = int(rng.choice(acc.free()))
        acc.assign(np.array([b]), ROLE_BENIGN, 6)
        acc.rename(b, f"{names[i]}{pick(rng, ['', '.official', '_hq', 'us'])}", names[i].title())
        acc.verified[b] = rng.random() < 0.5
        acc.followers[b] = int(rng.lognormal(np.log(80_000), 1.0))
        brands.append(b)
        lang = acc.lang[b]
        pool = acc.free(acc.lang == lang)
        e = rng.choice(pool, min(len(pool), int(per * rng.uniform(0.6, 1.4))), replace=False)
        acc.assign(e, ROLE_BENIGN, 6)
        entrants.append(np.concatenate([e, hunters]))
    members = np.unique(np.concatenate([np.array(brands), hunters, *entrants]))
    acc.protect(np.array(brands))
    follows = [(int(x), int(b)) for b, es in zip(brands, entrants, strict=True) for x in es]
    return {"members": members, "brands": brands, "entrants": entrants, "follows": follows}


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc, social = ctx.clock, ctx.acc, ctx.social
    out = BatchBuilder(NAME)
    for b, ents in zip(st["brands"], st["entrants"], strict=True):
        bname = acc.username[b]
        tag = f"{bname.split('.')[0].split('_')[0]}giveaway"
        prize = pick(rng, _PRIZES)
        required = f"I want to win the {prize} from @{bname}"
        length = int(rng.uniform(3, 7) * 86400)
        t0 = int(rng.integers(clock.start_ts, max(clock.start_ts + 1, clock.end_ts - length)))
        deadline = min(clock.end_ts - 60, t0 + length)
        snd = int(original_sound_id(rng, np.array([t0]))[0])
        ctx.sounds.register(snd, f"original sound - {acc.display[b]}", acc.display[b])
        repost_rule = rng.random() < 0.7
        ann = out.add(t0, b, f"GIVEAWAY 🎁 win a {prize}! To enter: use #{tag}, tag @{bname} + 2 friends, "
                      f"use this sound and write \"{required}\". Ends soon! #giveaway #win",
                      (tag, "giveaway", "win"), (bname,), snd, b, ctx.reach(rng, b, 2.0))
        marks = [t0]
        for t in range(t0 + 86400, deadline - 3600, 86400):
            marks.append(t + int(rng.integers(-3600, 3600)))
            out.add(marks[-1], b, f"Still time to enter our {prize} giveaway! #{tag} #giveaway",
                    (tag, "giveaway"), (), snd, b, ctx.reach(rng, b, 1.0))
        w = clock.weights(acc.zone[b:b + 1], np.array([0]))
        for a in ents.tolist():
            n_entries = 1 if rng.random() < 0.8 else int(rng.integers(2, 4))
            for _ in range(n_entries):
                r = rng.random()
                if r < 0.35:
                    ts = marks[0] + int(rng.lognormal(np.log(1800), 1.0))
                elif r < 0.5:
                    ts = pick(rng, marks) + int(rng.lognormal(np.log(1200), 0.9))
                elif r < 0.7:
                    ts = deadline - int(rng.uniform(60, 3 * 3600))
                else:
                    ts = int(sample_times(rng, clock, w, np.zeros(1, dtype=np.int64),
                                          np.array([t0]), np.array([deadline]))[0])
                ts = min(ts, deadline)
                friends = [acc.username[int(x)] for x in social.friends(rng, np.array([a, a]))]
                friends = [f for f in dict.fromkeys(friends) if f != acc.username[a]]
                text = required if rng.random() < 0.8 else (
                    perturb(f"I want to win the {prize} from", rng, 0.8) + f" @{bname}")
                extra = " ".join("@" + f for f in friends)
                cap = f"{text} {extra} {hashtag_text([tag, 'giveaway'], 0)}"
                s2, o2 = (snd, b) if rng.random() < 0.75 else ctx.own_sound(rng, a, ts)
                ment = tuple(dict.fromkeys([bname, *friends]))
                out.add(ts, a, cap, (tag, "giveaway"), ment, s2, o2, ctx.reach(rng, a))
            if repost_rule and rng.random() < 0.8:
                out.repost(a, ann)
    return out.build()
