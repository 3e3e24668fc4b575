"""Creators and their fans. Each new post of a creator draws fans within minutes: duets and
stitches of it, videos on the creator's sound, "@creator" shout-outs, the caption copied with a
heart. Super-fans react to almost every post and repost them.
"""

from __future__ import annotations

import numpy as np

from ..accounts import ROLE_BENIGN
from ..captions import hashtag_text, head_tags, phrase, zipf_tag
from ..clock import sample_times
from ..context import Ctx
from ..phrases import DUET_PREFIX
from ..posts import KIND_DUET, KIND_STITCH, BatchBuilder, PostBatch
from ..sounds import original_sound_id
from ..util import lognormal_int, pick, scaled

NAME = "fan_base"
DESCRIPTION = ("fans of creators reacting within minutes to each new post (duets, stitches, the "
               "creator's sound, @-mentions, copied captions); super-fans react to nearly all")

_CATCH = ["new video who dis", "you guys asked for it", "part {n} is here", "ok this one's personal",
          "did i cook or did i cook", "we're back", "storytime", "the people wanted it"]
_FAN = ["@{c} you never miss 😭", "@{c} ily", "first!! @{c}", "@{c} notice me pls 🥺",
        "my fav creator @{c}", "@{c} this is so you", "doing it like @{c}", "@{c} part 2 when"]


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc = ctx.acc
    n = scaled(ctx.videos, 20, 0.5, lo=2)
    fan_median = scaled(ctx.videos, 120, 0.6, lo=12)
    pool = acc.free()
    # creators: the accounts with the most followers that are still unclaimed
    creators = pool[np.argsort(-acc.followers[pool], kind="stable")[: n * 3]]
    creators = np.sort(rng.choice(creators, n, replace=False))
    acc.assign(creators, ROLE_BENIGN, 2)
    acc.protect(creators)
    fans_of = []
    for c in creators:
        k = int(lognormal_int(rng, fan_median, 0.6, lo=8, hi=max(12, len(acc) // 40)))
        same = acc.free(acc.lang == acc.lang[c])
        anyone = acc.free()
        near = rng.choice(same, min(len(same), int(k * 0.8)), replace=False)
        far = rng.choice(anyone, min(len(anyone), k - len(near)), replace=False)
        fans = np.unique(np.concatenate([near, far]))
        acc.assign(fans, ROLE_BENIGN, 2)
        fans_of.append(fans)
    members = np.concatenate([creators, *fans_of])
    follows = [(int(f), int(c)) for c, fs in zip(creators, fans_of, strict=True) for f in fs]
    return {"members": members, "creators": creators, "fans_of": fans_of, "follows": follows}


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc = ctx.clock, ctx.acc
    out = BatchBuilder(NAME)
    for c, fans in zip(st["creators"].tolist(), st["fans_of"], strict=True):
        name = acc.username[c]
        fan_tag = name.replace(".", "").replace("_", "")[:16]
        per_day = rng.uniform(0.7, 2.5)
        n_posts = max(3, int(rng.poisson(per_day * clock.days)))
        w = clock.weights(acc.zone[c:c + 1], acc.shift[c:c + 1])
        times = np.sort(sample_times(rng, clock, w, np.zeros(n_posts, dtype=np.int64)))
        zeal = np.where(rng.random(len(fans)) < 0.13, rng.uniform(0.6, 0.95, len(fans)),
                        rng.beta(0.8, 6.0, len(fans)))
        topic = int(acc.topics[c, 0])
        for k, t in enumerate(times.tolist()):
            lg = int(acc.lang[c])
            snd = int(original_sound_id(rng, np.array([t]))[0])
            tags = [zipf_tag(topic, lg, rng.random()) for _ in range(int(rng.integers(1, 4)))]
            tags += head_tags(lg, int(acc.head_combo[c]), rng.random()) if rng.random() < 0.6 else []
            tags = list(dict.fromkeys(tags))
            text = pick(rng, _CATCH).format(n=k + 2) if rng.random() < 0.6 else phrase(lg, topic, rng.random())
            cap = f"{text} {hashtag_text(tags, 0)}"
            src = out.add(t, c, cap, tags, (), snd, c, ctx.reach(rng, c, 1.5))
            react = np.flatnonzero(rng.random(len(fans)) < zeal)
            for j in react.tolist():
                a = int(fans[j])
                delay = rng.lognormal(np.log(360 if zeal[j] > 0.5 else 1800), 1.0)
                ts = int(t + 30 + delay)
                if ts >= clock.end_ts:
                    continue
                r = rng.random()
                ftags = [fan_tag] + ([f"{fan_tag}fam"] if rng.random() < 0.3 else [])
                if rng.random() < acc.p_head[a] * 0.6:
                    ftags += head_tags(int(acc.lang[a]), int(acc.head_combo[a]), rng.random())
                ftags = list(dict.fromkeys(ftags))
                if r < 0.35:        # duet or stitch of the new post
                    kind = KIND_DUET if rng.random() < 0.55 else KIND_STITCH
                    pre = DUET_PREFIX["duet" if kind == KIND_DUET else "stitch"].format(name)
                    body = pick(rng, ["😭😭", "the way i screamed", "obsessed", "lmaooo", ""])
                    fcap = f"{pre} {body} {hashtag_text(ftags, 0)}".replace("  ", " ")
                    s2, o2 = (snd, c) if kind == KIND_DUET else ctx.own_sound(rng, a, ts)
                    out.add(ts, a, fcap, ("duet" if kind == KIND_DUET else "stitch", *ftags),
                            (name,), s2, o2, ctx.reach(rng, a), src, kind)
                elif r < 0.65:      # own video on the creator's sound
                    fcap = f"{phrase(int(acc.lang[a]), topic, rng.random())} {hashtag_text(ftags, 0)}"
                    out.add(ts, a, fcap, ftags, (), snd, c, ctx.reach(rng, a))
                else:               # shout-out, sometimes the creator's caption copied
                    if rng.random() < 0.25:
                        fcap = f"{text} 🫶 @{name} {hashtag_text(ftags, 0)}"
                    else:
                        fcap = f"{pick(rng, _FAN).format(c=name)} {hashtag_text(ftags, 0)}"
                    s2, o2 = ctx.own_sound(rng, a, ts) if rng.random() < 0.6 else (snd, c)
                    out.add(ts, a, fcap, ftags, (name,), s2, o2, ctx.reach(rng, a))
                if rng.random() < zeal[j] * 0.7:
                    out.repost(a, src)
    return out.build()

