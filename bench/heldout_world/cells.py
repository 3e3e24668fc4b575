"""Coordinated cells (the positives): who is in them, when their waves fire, what they post.

A cell is a set of accounts run together. Its tactics decide the wave timing, the captions, the
payload (tags, links, sounds, mentions), the network behaviour and the cover it keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .accounts import ROLE_CELL, Accounts, user_ids
from .campaigns import Campaign, link_variant, make_campaign
from .captions import hashtag_text, head_tags, organic_caption, perturb, phrase, zipf_tag
from .clock import COUNTRY_CODES, LANGS, ZONES, Clock, sample_times
from .phrases import DUET_PREFIX
from .posts import KIND_DUET, KIND_STITCH, BatchBuilder, PostBatch
from .sounds import Sounds, original_sound_id
from .trends import Trends
from .util import pick, stream

TACTICS = {
    "burst": "a wave's posts land within seconds to about a minute of each other",
    "staggered": "a wave is spread over 3-12 minutes, sometimes in a fixed member order",
    "slow": "a wave is spread over 25-40 minutes",
    "relay": "sub-teams post in turn, each in a short burst, 8-25 minutes apart",
    "sparse_large": "a large cell whose members each post only 2-3 times in the whole window",
    "copypasta": "near-identical captions: one message per wave with small edits",
    "templated": "one message per wave wrapped in each member's own opener or closer",
    "distinct_captions": "members write in their own style; only tags, sound and timing coordinate",
    "campaign_hashtag": "the same campaign hashtags in every wave",
    "rotating_hashtags": "a new campaign hashtag every wave or two",
    "challenge_push": "seeds the harmful challenge hashtag and its spelling variants",
    "sound_push": "most posts use the one sound the cell is promoting",
    "link_push": "the same link per wave pasted into captions (bare, with tracking or ref codes)",
    "mention_target": "every post @-mentions the same target account(s)",
    "trend_hijack": "waves ride an organic trending hashtag while it peaks and carry its tag",
    "repost_ring": "members repost and duet/stitch each other's campaign posts",
    "follow_mesh": "members follow each other",
    "camouflage": "members post plenty of ordinary organic content around the campaign",
    "jittered": "members often skip waves and some straggle in hours late",
    "few_waves": "only 3-4 waves in the whole window",
    "office_hours": "waves only on weekdays during working hours of the operators' time zone",
    "fresh_accounts": "accounts created just before the campaign, few followers, little history",
    "lookalike_names": "handles built on one stem with numbers and separators",
    "default_handles": "handles left as the platform default (user + digits)",
    "unrelated_names": "handles that look like ordinary unrelated people",
}
_TIMING = ["burst", "staggered", "slow", "relay"]
_CONTENT = ["copypasta", "distinct_captions", "templated"]
_THEMES = ["political", "challenge", "scam", "foreign", "product", "health", "harassment", "music"]
_MODIFIERS = ["repost_ring", "camouflage", "jittered", "few_waves", "office_hours", "follow_mesh",
              "fresh_accounts", "trend_hijack", "sound_push"]
_OPERATOR_ZONES = ["Asia/Manila", "Europe/Istanbul", "Asia/Jakarta", "Africa/Lagos",
                   "America/Sao_Paulo", "Africa/Cairo", "Europe/Berlin", "America/New_York"]
_TARGETS = ["US", "US", "US", "GB", "MX", "BR", "CA", "AU", "ES", "PH", "NG"]
_MENTION = re.compile(r"@([a-z0-9_.]*[a-z0-9_])")


@dataclass
class Cell:
    cell_id: str
    members: np.ndarray
    tactics: list[str]
    waves: list[tuple[int, int]]   # on-time window of each wave (stragglers come later)
    campaign: Campaign
    sound: int
    operator_zone: str
    target_country: str
    posts: int = 0
    period: tuple[int, int] = (0, 0)
    used_tags: tuple[str, ...] = ()

    @property
    def follow_mesh(self) -> bool:
        return "follow_mesh" in self.tactics or "repost_ring" in self.tactics


def n_cells(videos: int) -> int:
    return max(3, int(round(3.5 * (videos / 1e4) ** 0.35)))


def mentions_in(caption: str) -> tuple[str, ...]:
    out: list[str] = []
    for m in _MENTION.findall(caption.lower()):
        if m not in out:
            out.append(m)
    return tuple(out)


def _plan(rng: np.random.Generator, videos: int, n: int) -> list[dict]:
    cap = int(min(400, max(24, videos / 2500)))
    timing = [_TIMING[i % 4] for i in rng.permutation(max(n, 4))][:n]
    content = [_CONTENT[i % 3] for i in rng.permutation(max(n, 3))][:n]
    themes = list(rng.permutation(_THEMES))
    themes = [themes[i % len(themes)] for i in range(n)]
    if "challenge" not in themes:
        themes[int(rng.integers(n))] = "challenge"
    sparse = [False] * n
    if videos >= 30_000 or rng.random() < 0.6:
        for i in rng.choice(n, size=max(1, n // 6), replace=False):
            sparse[int(i)] = True
    mods: list[set[str]] = [set() for _ in range(n)]
    for j, m in enumerate(_MODIFIERS):      # every modifier shows up somewhere (when n allows)
        mods[int(rng.permutation(n)[j % n])].add(m)
    for i in range(n):
        for m in _MODIFIERS:
            if rng.random() < 0.18:
                mods[i].add(m)
    plans = []
    for i in range(n):
        if sparse[i]:
            size = int(max(20, min(400, videos / 800)) * rng.uniform(0.6, 1.0))
            mods[i].discard("few_waves")
            if timing[i] in ("burst", "relay"):
                timing[i] = "staggered" if rng.random() < 0.5 else "slow"
        else:
            r = rng.random()
            if r < 0.4:
                size = int(rng.integers(3, 11))
            elif r < 0.85 or cap < 80:
                size = int(rng.integers(10, min(60, cap) + 1))
            else:
                size = int(rng.integers(60, cap + 1))
        if "camouflage" in mods[i]:
            mods[i].discard("fresh_accounts")
        naming = pick(rng, ["lookalike_names", "default_handles", "unrelated_names",
                            "unrelated_names"])
        plans.append({"size": size, "timing": timing[i], "content": content[i],
                      "theme": themes[i], "sparse": sparse[i], "mods": mods[i], "naming": naming})
    return plans


def _wave_times(rng: np.random.Generator, clock: Clock, n: int, office_zone: str | None,
                target_zone: int, period: tuple[int, int], hot_hours: np.ndarray | None
                ) -> list[int]:
    lo, hi = period
    if office_zone is not None:
        cands = []
        for day in clock.local_days(office_zone):
            if day.weekday() >= 5:
                continue
            for hh in range(9, 18):
                ts = clock.at_local(office_zone, day, hh, int(rng.integers(0, 60)))
                if ts is not None and lo <= ts < hi:
                    cands.append(ts)
        cand = np.array(sorted(cands), dtype=np.int64)
    else:
        w = clock.weights(np.array([target_zone]), np.array([0]))
        if hot_hours is not None and hot_hours.sum() >= 4:
            w = w * hot_hours[None, :]
        cand = np.sort(sample_times(rng, clock, w, np.zeros(6 * n + 30, dtype=np.int64),
                                    np.full(6 * n + 30, lo), np.full(6 * n + 30, hi)))
    chosen: list[int] = []
    for t in rng.permutation(cand):
        if all(abs(int(t) - c) > 2.5 * 3600 for c in chosen):
            chosen.append(int(t))
        if len(chosen) == n:
            break
    return sorted(chosen)


def _handles(rng: np.random.Generator, naming: str, campaign: Campaign, size: int) -> list[str]:
    if naming == "default_handles":
        return [f"user{int(x)}" for x in rng.integers(10**9, 10**10, size)]
    stem_a = campaign.label.replace(" ", "").replace("_", "").replace(".", "")[:10]
    if campaign.theme == "harassment":
        stem_a = pick(rng, ["justice", "honest", "watchdog", "receipts", "callout", "exposer"])
    stem_b = pick(rng, ["fan", "voice", "truth", "daily", "official", "army", "news", "real",
                        "vibes", "hub", "life", "world"])
    out = []
    for i in range(size):
        sep = pick(rng, ["_", ".", "", "_x"])
        num = f"{i + int(rng.integers(1, 40)):02d}" if rng.random() < 0.8 else pick(rng, list("abcxyz"))
        form = int(rng.integers(4))
        h = [f"{stem_a}{sep}{stem_b}{num}", f"{stem_b}{sep}{stem_a}{num}",
             f"the{stem_a}{stem_b}{sep}{num}", f"{stem_a}.{stem_b}{sep}{num}"][form]
        out.append(h)
    return out


@dataclass
class CellSetup:
    index: int
    members: np.ndarray
    tactics: list[str]
    campaign: Campaign
    plan: dict
    target_country: int


def setup_cells(seed: int, videos: int, clock: Clock, acc: Accounts, trends: Trends
                ) -> list[CellSetup]:
    """Members, handles, tactics and campaigns of every cell (before any caption is written)."""
    rng = stream(seed, "cells")
    plans = _plan(rng, videos, n_cells(videos))
    year = int(np.datetime64(clock.start_ts, "s").astype("datetime64[Y]").astype(int) + 1970)
    popular = np.argsort(-acc.followers, kind="stable")
    setups = []
    for ci, plan in enumerate(plans):
        cell_rng = stream(seed, "cell-setup", ci)
        tactics = [plan["timing"], plan["content"], plan["naming"]] + sorted(plan["mods"])
        if plan["sparse"]:
            tactics.append("sparse_large")
        target = pick(cell_rng, _TARGETS)
        tc = COUNTRY_CODES.index(target)
        lang = {"MX": "es", "ES": "es", "BR": "pt"}.get(target, "en")
        pool = acc.free(acc.country == tc)
        if cell_rng.random() < 0.3 or len(pool) < plan["size"]:   # members from many countries
            pool = acc.free()
        members = np.sort(cell_rng.choice(pool, size=min(plan["size"], len(pool)), replace=False))
        acc.assign(members, ROLE_CELL, ci)
        theme = plan["theme"]
        targets: list[str] = []
        cands = [int(x) for x in popular[:400]
                 if acc.role[x] == 0 and not acc.username[int(x)].startswith("user")]
        if theme == "harassment" or (theme != "product" and cell_rng.random() < 0.2):
            victim = pick(cell_rng, cands)
            acc.protect(victim)
            targets = [acc.username[victim]]
        ch = trends.challenge
        camp = make_campaign(cell_rng, theme, lang, year, targets,
                             (ch.base, ch.variants, ch.doing_captions))
        if theme == "challenge":
            tactics.append("challenge_push")
        if camp.targets:
            tactics.append("mention_target")
        if theme in ("scam", "health") or (camp.links and cell_rng.random() < 0.4):
            tactics.append("link_push")
        if theme == "music" and "sound_push" not in tactics:
            tactics.append("sound_push")
        rotating = cell_rng.random() < (0.4 if theme == "challenge" else 0.45)
        tactics.append("rotating_hashtags" if rotating else "campaign_hashtag")
        tactics = sorted(set(tactics), key=tactics.index)
        if plan["naming"] != "unrelated_names":
            for m, h in zip(members, _handles(cell_rng, plan["naming"], camp, len(members)),
                            strict=True):
                acc.rename(int(m), h)
        setups.append(CellSetup(ci, members, tactics, camp, plan, tc))
    return setups


def make_cells(seed: int, setups: list[CellSetup], clock: Clock, acc: Accounts, trends: Trends,
               sounds: Sounds) -> tuple[list[Cell], PostBatch]:
    out = BatchBuilder("cells")
    window = clock.end_ts - clock.start_ts
    cells = [_run_cell(stream(seed, "cell", s.index), s.index, s.members, s.tactics, s.campaign,
                       s.plan, clock, acc, trends, sounds, out, window, s.target_country)
             for s in setups]
    return cells, out.build()


def _run_cell(rng, ci, members, tactics, camp, plan, clock, acc, trends, sounds, out, window,
              tc) -> Cell:
    size = len(members)
    t = set(tactics)
    days = clock.days
    if "few_waves" in t:
        n_w = int(rng.integers(3, 5))
    elif "sparse_large" in t:
        n_w = int(np.clip(rng.uniform(0.6, 1.4) * days, 8, 24))
    else:
        n_w = int(np.clip(rng.uniform(0.4, 1.3) * days, 5, 24))
    p0 = clock.start_ts + int(rng.uniform(0.0, 0.35) * window)
    p1 = min(clock.end_ts - 10 * 3600, p0 + int(rng.uniform(0.5, 0.95) * window))
    tz = int(np.bincount(acc.zone[members]).argmax())
    op_zone = ZONES[tz] if rng.random() < 0.35 else pick(rng, _OPERATOR_ZONES)
    hot, hijack_tag = None, None
    if "trend_hijack" in t:
        lv = trends.level[:-1, tc, :]
        k = int(lv[:, (p0 - clock.start_ts) // 3600:(p1 - clock.start_ts) // 3600].max(1).argmax())
        if trends.items[k].tags:
            hijack_tag = trends.items[k].tags[0]
            hot = (lv[k] > 0.35 * lv[k].max()).astype(float)
    waves = _wave_times(rng, clock, n_w, op_zone if "office_hours" in t else None, tz, (p0, p1), hot)
    if len(waves) < 3:
        waves = sorted({*waves, *[int(x) for x in rng.integers(p0, p1, 3 - len(waves) + 1)]})
    # campaign sound, when the cell pushes one
    sound = 0
    if "sound_push" in t:
        if camp.theme == "music" or rng.random() < 0.5:
            sound = int(original_sound_id(rng, np.array([waves[0] - 86400]))[0])
            artist = pick(rng, ["Kayro", "Lumi Vega", "DJ Sabre", "Nova Reyes", "Tideline"])
            sounds.register(sound, pick(rng, ["Higher Ground", "Run It Back", "Paper Hearts",
                                              "Neon Prayer"]), artist)
        else:
            sound = int(sounds.ids[int(rng.integers(0, 300))])
    if "link_push" in t and camp.links:
        for m in members[rng.random(size) < 0.5].tolist():
            acc.bio_url[m] = camp.links[int(rng.integers(len(camp.links)))]
    if "fresh_accounts" in t:
        acc.join[members] = np.maximum(clock.start_ts, p0 - rng.integers(0, 4 * 86400, size))
        acc.created[members] = acc.join[members] - rng.integers(3600, 3 * 86400, size)
    elif rng.random() < 0.4:    # bought in one lot: registered within a few weeks of each other
        acc.created[members] = int(acc.created[members].min()) + rng.integers(0, 21 * 86400, size)
    acc.user_id[members] = user_ids(rng, acc.created[members])
    if "fresh_accounts" in t:
        acc.followers[members] = np.rint(rng.lognormal(np.log(25), 1.0, size)).astype(np.int64)
        acc.old_videos[members] = rng.integers(0, 4, size)
    elif "camouflage" not in t:
        acc.followers[members] = np.rint(rng.lognormal(np.log(220), 1.4, size)).astype(np.int64)
    per_member = n_w * 0.8
    if "camouflage" in t:
        acc.rate[members] = per_member * rng.uniform(1.0, 2.5, size) * (1 - acc.branch[members])
    else:
        acc.rate[members] = rng.uniform(0.0, 0.5, size)
    timing = plan["timing"]
    span = {"burst": rng.uniform(12, 70), "staggered": rng.uniform(180, 720),
            "slow": rng.uniform(1500, 2400), "relay": rng.uniform(30, 90)}[timing]
    teams = int(rng.integers(2, 5)) if timing == "relay" else 1
    gap = rng.uniform(480, 1500)
    team_of = rng.permutation(size) % teams
    scripted = timing == "staggered" and rng.random() < 0.5
    order_rank = rng.permutation(size)
    part_p = rng.uniform(0.5, 0.8) if "jittered" in t else rng.uniform(0.78, 0.97)
    strag_p = rng.uniform(0.08, 0.16) if "jittered" in t else 0.0
    ring_q = rng.uniform(0.3, 0.75)
    same_msg = rng.random() < 0.4
    rot_every = int(rng.integers(1, 3))
    bought_views = rng.random() < 0.3
    slots = np.zeros((size, len(waves)), dtype=bool)
    if "sparse_large" in t:
        for m in range(size):
            slots[m, rng.choice(len(waves), size=min(len(waves), int(rng.integers(2, 4))),
                                replace=False)] = True
    else:
        slots = rng.random((size, len(waves))) < part_p
    for m in np.flatnonzero(~slots.any(axis=1)):
        slots[m, int(rng.integers(len(waves)))] = True
    windows, posts, used_tags = [], 0, []
    on_time = np.zeros(size, dtype=np.int64)
    for w, tw in enumerate(waves):
        core = span + 8 + (teams - 1) * gap
        windows.append((int(tw), int(tw + core + 1)))
        wave_tags = _wave_tags(rng, camp, w, rot_every, "rotating_hashtags" in t, trends, tw)
        used_tags.extend(x for x in wave_tags if x not in used_tags)
        if hijack_tag:
            wave_tags.append(hijack_tag)
        msg = camp.messages[0 if same_msg else w % len(camp.messages)] if camp.messages else ""
        link = camp.links[w % len(camp.links)] if camp.links else ""
        wave_posts: list[int] = []
        for m in np.flatnonzero(slots[:, w]):
            a = int(members[m])
            if timing == "relay":
                off = team_of[m] * gap + rng.uniform(0, span)
            elif scripted:
                off = order_rank[m] / size * span + rng.uniform(0, 8)
            else:
                off = rng.uniform(0, span)
            late = bool(strag_p) and on_time[m] > 0 and rng.random() < strag_p
            if late:
                off += rng.uniform(3600, 8 * 3600)
            ts = int(tw + off)
            if ts >= clock.end_ts:
                continue
            cap, tags = _caption(rng, plan["content"], camp, msg, wave_tags, link, a, acc,
                                 "link_push" in t, "mention_target" in t)
            snd, owner = sound, -1
            if not sound or rng.random() > 0.9:
                if rng.random() < acc.p_original[a]:
                    snd, owner = int(original_sound_id(rng, np.array([ts]))[0]), a
                else:
                    snd = int(sounds.pick(rng, acc.lang[a:a + 1])[0])
            elif camp.theme == "music":
                owner = -1
            kind, duet_of = 0, -1
            lead_ts = out.rows[wave_posts[0]][0] if wave_posts else 0
            if "repost_ring" in t and wave_posts and rng.random() < 0.3 and (
                    late or lead_ts + 20 < tw + core):
                duet_of = wave_posts[0]
                kind = KIND_DUET if rng.random() < 0.6 else KIND_STITCH
                host = acc.username[out.rows[duet_of][1]]
                cap = DUET_PREFIX["duet" if kind == KIND_DUET else "stitch"].format(host) + " " + cap
                tags = ("duet" if kind == KIND_DUET else "stitch",) + tuple(tags)
                ts = max(ts, lead_ts + int(rng.integers(20, 240)))
                if not late:
                    ts = min(ts, int(tw + core))
                if kind == KIND_DUET:
                    snd, owner = out.rows[duet_of][5], out.rows[duet_of][6]
            reach = np.log(20 + 0.3 * acc.followers[a]) + rng.normal(0, 1.0) + (2.5 * bought_views)
            pos = out.add(ts, a, cap, tags, mentions_in(cap), snd, owner, reach, duet_of, kind)
            wave_posts.append(pos)
            on_time[m] += not late
            posts += 1
        if "repost_ring" in t:
            for pos in wave_posts:
                takers = members[(rng.random(size) < ring_q) & (members != out.rows[pos][1])]
                out.reposts.extend((int(m), pos) for m in takers.tolist())
    return Cell(f"c{ci + 1}", members, tactics, windows, camp, sound, op_zone,
                COUNTRY_CODES[tc], posts, (int(p0), int(p1)), tuple(used_tags))


def _wave_tags(rng, camp: Campaign, w: int, every: int, rotating: bool, trends: Trends,
               tw: int) -> list[str]:
    if camp.theme == "challenge":
        tags = [trends.challenge_tag(rng, tw)]
        if rotating:
            tags = [camp.rotation[(w // every) % len(camp.rotation)]]
        return tags
    if rotating:
        tags = [camp.rotation[(w // every) % len(camp.rotation)]]
        if rng.random() < 0.5:
            tags.append(camp.tags[0])
        return tags
    return [camp.tags[0]] + [x for x in camp.tags[1:] if rng.random() < 0.6]


def _caption(rng, content: str, camp: Campaign, msg: str, wave_tags: list[str], link: str,
             a: int, acc: Accounts, push_link: bool, mention: bool) -> tuple[str, tuple[str, ...]]:
    lg = int(acc.lang[a])
    tags = list(wave_tags)
    if rng.random() < acc.p_head[a]:
        tags += head_tags(lg, int(acc.head_combo[a]), rng.random())
    if content == "distinct_captions":
        tags += [zipf_tag(int(acc.topics[a, 0]), lg, rng.random()) for _ in range(int(rng.integers(0, 3)))]
        order = rng.permutation(len(tags))
        tags = [tags[i] for i in order]
    seen: set[str] = set()
    tags = [x for x in tags if not (x.lower() in seen or seen.add(x.lower()))]
    ment = [x for x in camp.targets if mention and "@" + x not in msg]
    if content == "distinct_captions":
        text = organic_caption(int(acc.style[a]) % 7, lg, int(acc.topics[a, 0]), [], ment,
                               rng.random(6))
    elif content == "templated":
        opener = phrase(lg if LANGS[lg] == camp.lang else LANGS.index(camp.lang), int(acc.topics[a, 0]),
                        rng.random())
        sep = " " if opener[-1:] in "?!.)" else ". "
        text = f"{opener}{sep}{msg}" if rng.random() < 0.5 else f"{msg} ({opener})"
        text = text + ("" if not ment else " " + " ".join("@" + x for x in ment))
    else:
        text = perturb(msg, rng, rng.uniform(0.3, 1.0))
        text = text + ("" if not ment else " " + " ".join("@" + x for x in ment))
    if push_link and link:
        lk = link_variant(rng, link, acc.username[a])
        text = f"{text} {lk}" if rng.random() < 0.6 else f"{text} 👉 {lk}"
    return f"{text} {hashtag_text(tags, 0)}".strip(), tuple(tags)
