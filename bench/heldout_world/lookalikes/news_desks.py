"""News outlets: headline captions with links to their own site, all day on a schedule; wire
stories that many outlets run nearly verbatim with the wire's link; breaking news that every desk
posts within minutes; and warnings about the harmful challenge once the press picks it up.
"""

from __future__ import annotations

import numpy as np

from ..accounts import ROLE_BENIGN
from ..clock import COUNTRY_CODES
from ..context import Ctx
from ..posts import BatchBuilder, PostBatch
from ..sounds import original_sound_id
from ..util import pick, scaled

NAME = "news_desks"
DESCRIPTION = ("news outlets posting headlines with links all day; wire copy reused nearly "
               "verbatim with the same link, and every desk within minutes on breaking news")

_OUTLET_A = ["metro", "daily", "city", "nation", "bright", "capital", "harbor", "pulse", "first",
             "coast", "evening", "global", "civic", "frontline", "northern", "southern"]
_OUTLET_B = ["ledger", "herald", "wire", "post", "times", "dispatch", "report", "beacon",
             "chronicle", "tribune", "bulletin", "journal", "news", "now", "live"]
_SUBJ = ["Lawmakers", "Police", "Officials", "Scientists", "Residents", "Fans", "Experts",
         "Workers", "Students", "Doctors", "Firefighters", "Investors"]
_VERB = ["warn of", "react to", "demand answers over", "celebrate", "question", "brace for",
         "investigate", "protest", "push back on", "count the cost of"]
_OBJ = ["rising rents", "the new transit plan", "a storm heading inland", "record heat",
        "the budget vote", "a data breach", "school closures", "fuel prices", "the stadium deal",
        "a hospital strike", "flooding downtown", "the election debate", "a wildfire near town"]
_BREAK = ["Magnitude 6.1 earthquake strikes off the coast", "Major power outage hits the capital",
          "Central bank makes surprise rate cut", "Fire breaks out at the central station",
          "Star striker announces retirement", "Airline grounds all flights after IT failure"]
_WIRE_DOMAINS = ["globalwire.net", "presswire.org", "newswire-intl.com"]


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc = ctx.acc
    n = scaled(ctx.videos, 60, 0.5, lo=6)
    countries = [COUNTRY_CODES.index(c) for c in ("US", "GB", "NG", "PH", "AU", "CA", "US")]
    outlets = []
    for i in range(n):
        pool = acc.free(acc.country == countries[i % len(countries)])
        pool = pool[acc.lang[pool] == 0] if (acc.lang[pool] == 0).any() else pool
        outlets.append(int(rng.choice(pool)))
        acc.assign(np.array([outlets[-1]]), ROLE_BENIGN, 3)
    names, domains = [], []
    for o in outlets:
        a, b = pick(rng, _OUTLET_A), pick(rng, _OUTLET_B)
        handle = acc.rename(o, pick(rng, [f"{a}{b}", f"the{a}{b}", f"{a}.{b}", f"{a}{b}news",
                                          f"{a}_{b}"]), f"The {a.title()} {b.title()}")
        names.append(handle)
        domains.append(f"www.{a}{b}.com" if rng.random() < 0.6 else f"{a}-{b}.co")
        acc.bio_url[o] = f"https://{domains[-1]}"
        acc.verified[o] = rng.random() < 0.7
        acc.followers[o] = int(rng.lognormal(np.log(250_000), 1.0))
    members = np.array(outlets, dtype=np.int64)
    acc.protect(members)
    return {"members": members, "domains": domains, "pace": rng.uniform(1.5, 5, len(outlets)),
            "jingle": [int(original_sound_id(rng, np.array([ctx.clock.start_ts - 86400 * 200]))[0])
                       for _ in outlets]}


def _slug(text: str) -> str:
    return "-".join("".join(ch for ch in w.lower() if ch.isalnum()) for w in text.split()[:8])


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc = ctx.clock, ctx.acc
    out = BatchBuilder(NAME)
    outlets = st["members"].tolist()
    for o, j in zip(outlets, st["jingle"], strict=True):
        ctx.sounds.register(j, f"original sound - {acc.display[o]}", acc.display[o])

    def post(o: int, k: int, ts: int, headline: str, link: str, tags: list[str]) -> None:
        if ts >= clock.end_ts:
            return
        style = int(rng.integers(4))
        cap = [f"{headline} {link}", f"{headline}. Read more: {link}", f"{headline} — full story: {link}",
               f"{headline.upper()} {link}"][style]
        cap = f"{cap} {' '.join('#' + x for x in tags)}"
        snd = st["jingle"][k] if rng.random() < 0.7 else int(original_sound_id(rng, np.array([ts]))[0])
        out.add(ts, o, cap, tags, (), snd, o if snd != st["jingle"][k] else -1, ctx.reach(rng, o, 1.0))

    def date_path(ts: int) -> str:
        return str(np.datetime64(ts, "s").astype("datetime64[D]")).replace("-", "/")

    # the daily schedule: local office hours, roughly every hour or two
    for k, o in enumerate(outlets):
        zone = clock.zones[int(acc.zone[o])]
        for day in clock.local_days(zone):
            for _ in range(int(rng.poisson(st["pace"][k]))):
                t = clock.at_local(zone, day, int(rng.integers(6, 23)), int(rng.integers(0, 60)))
                if t is None:
                    continue
                h = f"{pick(rng, _SUBJ)} {pick(rng, _VERB)} {pick(rng, _OBJ)}"
                link = f"https://{st['domains'][k]}/{date_path(t)}/{_slug(h)}"
                post(o, k, t, h, link, ["news"] + (["local"] if rng.random() < 0.3 else []))
    # wire stories: several outlets, nearly verbatim, within a few hours
    n_wire = int(clock.days * rng.uniform(2, 4))
    for _ in range(n_wire):
        t0 = int(rng.integers(clock.start_ts, clock.end_ts - 3600))
        h = f"{pick(rng, _SUBJ)} {pick(rng, _VERB)} {pick(rng, _OBJ)}"
        wire = f"https://{pick(rng, _WIRE_DOMAINS)}/article/{_slug(h)}-{int(rng.integers(10**6, 10**7))}"
        takers = rng.choice(len(outlets), max(2, int(len(outlets) * rng.uniform(0.15, 0.5))),
                            replace=False)
        for k in takers.tolist():
            own = f"https://{st['domains'][k]}/{date_path(t0)}/{_slug(h)}"
            link = wire if rng.random() < 0.6 else own
            post(outlets[k], k, t0 + int(rng.exponential(5400)), h + pick(rng, ["", "", " (wire)", " - report"]),
                 link, ["news", "world"] if rng.random() < 0.5 else ["news"])
    # breaking news: everyone within minutes
    for h in rng.choice(_BREAK, int(rng.integers(2, 5)), replace=False).tolist():
        t0 = int(rng.integers(clock.start_ts, clock.end_ts - 7200))
        wire = f"https://{pick(rng, _WIRE_DOMAINS)}/live/{_slug(h)}"
        for k in np.flatnonzero(rng.random(len(outlets)) < 0.85).tolist():
            post(outlets[k], k, t0 + int(rng.lognormal(np.log(360), 0.7)),
                 f"BREAKING: {h}" if rng.random() < 0.8 else h, wire, ["breakingnews", "news"])
    # the harmful challenge reaches the press a few days after it took off
    ch = ctx.trends.challenge
    t0 = ch.onset_ts + int(rng.uniform(1.5, 3.5) * 86400)
    if t0 < clock.end_ts - 86400:
        h = f"Doctors warn parents about the viral {ch.base.replace('challenge', '')} challenge"
        wire = f"https://{pick(rng, _WIRE_DOMAINS)}/article/{_slug(h)}"
        for k in np.flatnonzero(rng.random(len(outlets)) < 0.6).tolist():
            post(outlets[k], k, t0 + int(rng.exponential(3 * 3600)), h, wire,
                 [ch.base, "news", "parenting"] if rng.random() < 0.7 else ["news", ch.base])
    return out.build()
