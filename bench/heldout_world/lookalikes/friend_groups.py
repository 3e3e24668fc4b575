"""Friends who film together now and then: one evening out, everybody posts within minutes, on
the same sound, the same place and event tags, tagging each other, sometimes the same caption;
they duet and repost each other. A few such outings in the window.
"""

from __future__ import annotations

import numpy as np

from ..accounts import ROLE_BENIGN
from ..captions import hashtag_text, head_tags, phrase
from ..clock import COUNTRY_CODES, DIURNAL, sample_times
from ..context import Ctx
from ..lexicon import PLACE_TAGS
from ..phrases import DUET_PREFIX
from ..posts import KIND_DUET, BatchBuilder, PostBatch
from ..sounds import original_sound_id
from ..util import pick, scaled

NAME = "friend_groups"
DESCRIPTION = ("small groups of friends posting from the same outing within minutes (same sound, "
               "place and event tags, tagging each other), a few times in the window")

_EVENTS = ["birthday", "besties", "girlsnight", "squad", "roadtrip", "concert", "gradnight",
           "beachday", "brunch", "karaoke", "festival", "gameday"]
_VENUES = ["bluemoonbar", "thelocal", "rooftop", "skatepark", "thebeach", "mallrats", "karaokebox",
           "sunsetpier", "campusquad", "thelake"]
_SHARED = ["besties night 💕", "we ate", "core memory unlocked", "best day ever w/ these idiots",
           "never again (until next week)", "squad 🫶", "we are so loud i'm sorry"]
_WEEKEND = np.array([0.5, 0.45, 0.5, 0.55, 0.8, 1.6, 1.7])


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc, social = ctx.acc, ctx.social
    n = scaled(ctx.videos, 300, 1.0, lo=4)
    groups = []
    tries = 0
    while len(groups) < n and tries < n * 20:
        tries += 1
        size = int(rng.integers(3, 9))
        g = social.circle(int(rng.integers(len(acc))), size)
        if len(g) == size and (acc.role[g] == 0).all() and not acc.protected[g].any() and (
                acc.country[g] == acc.country[g[0]]).all():
            acc.assign(g, ROLE_BENIGN, 4)
            groups.append(g)
    members = np.concatenate(groups)
    follows = [(int(a), int(b)) for g in groups for a in g for b in g if a != b]
    return {"members": members, "groups": groups, "follows": follows}


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc = ctx.clock, ctx.acc
    out = BatchBuilder(NAME)
    evening = DIURNAL * np.where(np.arange(24) >= 15, 1.8, 0.6)
    for g in st["groups"]:
        lead = int(g[0])
        w = clock.weights(acc.zone[lead:lead + 1], np.array([0]), evening, _WEEKEND)
        n_out = int(rng.integers(2, 6))
        starts = np.sort(sample_times(rng, clock, w, np.zeros(n_out, dtype=np.int64)))
        place = pick(rng, PLACE_TAGS[COUNTRY_CODES[int(acc.country[lead])]])
        names = [acc.username[int(a)] for a in g]
        for t0 in starts.tolist():
            event, venue = pick(rng, _EVENTS), pick(rng, _VENUES)
            shared_cap = pick(rng, _SHARED)
            if rng.random() < 0.5:
                snd, owner = int(ctx.sounds.pick(rng, acc.lang[lead:lead + 1])[0]), -1
            else:
                snd, owner = int(original_sound_id(rng, np.array([t0]))[0]), lead
            posts = []
            for a in g.tolist():
                if rng.random() < 0.2:
                    continue
                for _ in range(1 if rng.random() < 0.75 else 2):
                    ts = t0 + int(rng.uniform(60, 40 * 60))
                    if ts >= clock.end_ts:
                        continue
                    tags = [event] + ([place] if rng.random() < 0.7 else []) + (
                        [venue] if rng.random() < 0.5 else [])
                    if rng.random() < acc.p_head[a] * 0.6:
                        tags += head_tags(int(acc.lang[a]), int(acc.head_combo[a]), rng.random())
                    others = [x for x in names if x != acc.username[a]]
                    tagged = [others[int(i)] for i in rng.choice(len(others), min(len(others),
                              int(rng.integers(1, 4))), replace=False)]
                    text = shared_cap if rng.random() < 0.35 else phrase(int(acc.lang[a]),
                                                                         int(acc.topics[a, 0]), rng.random())
                    s2, o2 = (snd, owner) if rng.random() < 0.8 else ctx.own_sound(rng, a, ts)
                    cap = f"{text} {' '.join('@' + x for x in tagged)} {hashtag_text(tags, 0)}"
                    dk, host = 0, -1
                    if posts and rng.random() < 0.15:
                        host = posts[int(rng.integers(len(posts)))]
                        if out.rows[host][1] != a:
                            dk = KIND_DUET
                            hname = acc.username[out.rows[host][1]]
                            cap = DUET_PREFIX["duet"].format(hname) + " " + cap
                            tags = ["duet"] + tags
                            tagged = [hname] + [x for x in tagged if x != hname]
                            ts = max(ts, out.rows[host][0] + 30)
                            s2, o2 = out.rows[host][5], out.rows[host][6]
                        else:
                            host = -1
                    posts.append(out.add(ts, a, cap, tags, tagged, s2, o2, ctx.reach(rng, a), host, dk))
            for p in posts:
                for a in g.tolist():
                    if a != out.rows[p][1] and rng.random() < 0.3:
                        out.repost(a, p)
    return out.build()
