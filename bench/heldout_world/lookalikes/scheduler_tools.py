"""Accounts that post through scheduling tools: small shops, quote pages, meme and clip pages.
A tool fires at the exact slot (on the hour or half hour, a few seconds of queue latency), in the
account's own time zone or, when set up that way, in UTC; popular slots are shared, so many
accounts post in the same second, day after day, with template captions, shared quote banks and
the same sound of the day.
"""

from __future__ import annotations

import numpy as np

from ..accounts import ROLE_BENIGN
from ..captions import hashtag_text
from ..context import Ctx
from ..posts import BatchBuilder, PostBatch
from ..util import pick, scaled

NAME = "scheduler_tools"
DESCRIPTION = ("shops, quote pages and meme pages posting through scheduling tools at the exact "
               "same slots (on the hour, to the second), with template captions and shared quotes")

_KINDS = {
    "shop": (["smallbusiness", "shoplocal", "handmade", "smallbusinesscheck", "newdrop"],
             ["New drop just landed ✨ Shop now: {link}", "Restocked! {link}", "Packing orders with me 📦",
              "Only a few left 👀 {link}", "Weekend sale starts now {link}", "POV: you support small business"]),
    "quotes": (["motivation", "quotes", "mindset", "dailyquotes", "inspiration"],
               ["Discipline is choosing between what you want now and what you want most.",
                "Your only limit is your mind.", "Small steps every day.",
                "Don't stop until you're proud.", "Be the energy you want to attract.",
                "Healing is not linear.", "Dream big. Start small. Act now."]),
    "memes": (["memes", "funny", "relatable", "memesdaily", "lol"],
              ["tag someone who does this 😂", "me every monday", "no context needed",
               "this is so me", "send this to your bestie"]),
}
_SHOP_WORDS = ["glow", "candle", "knits", "clay", "bloom", "thread", "wick", "petal", "lux", "crafty"]
_SLOTS = [(9, 0), (12, 0), (12, 30), (17, 0), (18, 0), (19, 0), (20, 0), (21, 0)]


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc = ctx.acc
    n = scaled(ctx.videos, 600, 0.8, lo=12)
    members = np.sort(rng.choice(acc.free(), n, replace=False))
    acc.assign(members, ROLE_BENIGN, 5)
    kinds = rng.choice(list(_KINDS), n, p=[0.45, 0.3, 0.25])
    links = []
    for a, kind in zip(members.tolist(), kinds.tolist(), strict=True):
        if kind == "shop":
            h = acc.rename(a, f"{pick(rng, _SHOP_WORDS)}{pick(rng, ['co', 'studio', 'shop', '.store', 'and.co'])}")
            links.append(pick(rng, [f"https://{h.replace('.', '')}.com", f"https://linktr.ee/{h}",
                                    f"https://{h.replace('.', '')}.etsy.com"]))
            acc.bio_url[a] = links[-1]
        elif kind == "quotes":
            acc.rename(a, f"{pick(rng, ['daily', 'mindful', 'rise', 'grind'])}{pick(rng, ['quotes', '.words', 'mindset', 'thoughts'])}")
            links.append("")
        else:
            acc.rename(a, f"{pick(rng, ['meme', 'lol', 'dank', 'funny'])}{pick(rng, ['central', 'daily', 'vault', 'hub', 'zone'])}")
            links.append("")
    slots = [sorted(set(int(x) for x in rng.choice(len(_SLOTS), int(rng.integers(1, 4)), replace=False)))
             for _ in range(n)]
    return {"members": members, "kinds": kinds.tolist(), "links": links, "slots": slots,
            "utc_tool": (rng.random(n) < 0.25).tolist(), "diligence": rng.uniform(0.6, 0.97, n)}


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc = ctx.clock, ctx.acc
    out = BatchBuilder(NAME)
    # the sound the tools suggest each day: one of the charts' top songs
    daily_sound = ctx.sounds.ids[rng.integers(0, 25, clock.days + 2)]
    for i, a in enumerate(st["members"].tolist()):
        tags_bank, caps = _KINDS[st["kinds"][i]]
        zone = "UTC" if st["utc_tool"][i] else clock.zones[int(acc.zone[a])]
        for day in clock.local_days(zone):
            for s in st["slots"][i]:
                if rng.random() > st["diligence"][i]:
                    continue
                hh, mm = _SLOTS[s]
                t = clock.at_local(zone, day, hh, mm)
                if t is None:
                    continue
                ts = t + int(rng.integers(0, 5) if rng.random() < 0.9 else rng.integers(5, 120))
                tags = [tags_bank[0]] + [x for x in tags_bank[1:] if rng.random() < 0.4]
                if rng.random() < 0.5:
                    tags += ["fyp"]
                text = pick(rng, caps).format(link=st["links"][i] or "link in bio")
                d = min(len(daily_sound) - 1, max(0, (ts - clock.start_ts) // 86400))
                snd, owner = (int(daily_sound[d]), -1) if rng.random() < 0.6 else ctx.own_sound(rng, a, ts)
                out.add(ts, a, f"{text} {hashtag_text(tags, 0)}", tags, (), snd, owner,
                        ctx.reach(rng, a))
    return out.build()
