"""``fan_base``: followers of creators reacting within minutes to each new post of their creator.

A few creators (2-6, more at larger scales) post 6-12 videos in the week, each on an original
sound of its own. Their followers (30·scale^0.4 per creator on average, at least 5) get the
notification: super-fans (15-25% of a base, at least 2, notifications on) react to almost every
post (p = 0.85-0.98) 20 s + lognormal(median 4 min), the others now and then (p ≈ 0.17) 1 min +
lognormal(median 25 min), later if it is night where they live. A reaction is a duet
(``#duet with @creator``, the post's sound), a stitch, an own video on the post's sound, or an
own video mentioning the creator; fans also repost the creator's videos (the repost lists carry
no time). Fans follow their creator; super-fans know each other.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike, Take
from samples.rhythm import pick_times, rename
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import organic_body, pick_head
from samples.vocab import EMOJIS, FIRST_NAMES, ORGANIC_WORDS
from samples.window import WINDOW_END, WINDOW_SECONDS, WINDOW_START, iso

NICHES = {  # handle word: (niche tag, what the creator's captions say)
    "cooks": ("cooking", ["easy {x} recipe {e}", "what i eat in a day", "3 ingredient {x}", "{x} but better {e}"]),
    "dances": ("dance", ["new choreo {e}", "learn this in 30 seconds", "tutorial part {n}", "this one took hours"]),
    "sings": ("singing", ["cover of the week {e}", "singing your requests", "original song part {n}", "high note {e}"]),
    "lifts": ("gym", ["leg day {e}", "form check", "day {n} of the program", "pr attempt {e}"]),
    "paints": ("art", ["painting the sunset {e}", "speedpaint", "commission reveal {e}", "art process part {n}"]),
    "plays": ("gaming", ["this boss fight {e}", "clutch or kick", "ranked day {n}", "new update first look"]),
    "styles": ("fashion", ["outfit of the day {e}", "styling one piece 3 ways", "thrift haul part {n}", "fit check {e}"]),
}
FOODS = ["pasta", "ramen", "tacos", "pancakes", "curry", "dumplings"]
REACTIONS = ["duet", "stitch", "sound", "mention"]
REACTION_P = [0.3, 0.08, 0.3, 0.32]
MENTION_CAPTIONS = ["omg {c} posted!! {e}", "{c} new video {e}", "first!! {c}", "{c} never misses {e}",
                    "obsessed with {c}'s new one", "{c} notification gang {e}", "trying what {c} did {e}"]
REPLY_TEXT = ["omg {e}", "the way i screamed", "i had to {e}", "my turn {e}", "no bc this", "", "okay queen {e}",
              "we need part 2", "doing it with you {e}"]


class FanBase(Lookalike):
    name = "fan_base"
    description = ("followers of creators: super-fans react within minutes to almost every new post "
                   "(mention, the post's sound, duets), the other fans now and then")
    min_size = 12  # two creators with five fans each

    def _creators(self) -> int:
        return int(np.clip(round(2 + 1.3 * math.log10(self.g.scale * 10)), 2, 6))

    def size(self) -> int:
        return self._creators() * (1 + max(5, int(round(30 * self.g.scale ** 0.4))))

    def fit(self, k: int) -> None:
        c = self._creators()
        self.fans_per = max(5, k // c - 1)
        self.wanted = c * (1 + self.fans_per)

    def reserve(self, take: Take) -> None:
        rng = self.rng
        c = self._creators()
        self.creators = take(c)
        # bases of different sizes: a Dirichlet share of all fans, at least 5 each
        n_fans = c * self.fans_per
        share = rng.dirichlet(np.full(c, 3.0))
        sizes = np.maximum(5, np.floor(share * (n_fans - 5 * c)).astype(int) + 5)
        sizes[-1] = n_fans - int(sizes[:-1].sum())
        fans = take(n_fans)[rng.permutation(n_fans)]
        cut = np.r_[0, np.cumsum(sizes)]
        self.bases = [np.sort(fans[cut[j]:cut[j + 1]]) for j in range(c)]
        self.super = [np.sort(b[:max(2, int(round(len(b) * rng.uniform(0.15, 0.25))))]) for b in
                      (rng.permutation(b) for b in self.bases)]
        self.accounts = np.sort(np.r_[self.creators, fans])

    def popularity(self, popularity: np.ndarray) -> None:
        popularity[self.creators] *= self.rng.uniform(40, 250, len(self.creators))

    def names(self, names: list[str], taken: dict[str, int], display: list[str]) -> None:
        rng = self.rng
        niches = list(NICHES)
        self.niche: list[str] = []
        self.tags: list[list[str]] = []
        for a in self.creators.tolist():
            first = str(FIRST_NAMES[rng.integers(len(FIRST_NAMES))])
            word = niches[int(rng.integers(len(niches)))]
            rename(names, taken, a, f"{first}{['.', '', '_'][rng.integers(3)]}{word}")
            display[a] = f"{first.capitalize()} {EMOJIS[rng.integers(len(EMOJIS))]}"
            self.niche.append(word)
            self.tags.append([first + word, NICHES[word][0]])

    def plan(self, rows: Rows) -> None:
        g, rng = self.g, self.rng
        self.k_post = g.add_kind(self.render_post)
        self.k_react = g.add_kind(self.render_reaction)
        self.post_times: list[np.ndarray] = []
        self.post_sounds: list[list[int]] = []
        self.reactions = {r: 0 for r in REACTIONS}
        for c, creator in enumerate(self.creators.tolist()):
            n_posts = int(rng.integers(6, 13))
            ca = np.full(n_posts, creator)
            times = np.sort(pick_times(g, WINDOW_START + rng.integers(0, WINDOW_SECONDS - 3600, (n_posts, 8)),
                                       ca, rng))
            self.post_times.append(times)
            self.post_sounds.append([(int(t) << 32) | int(rng.integers(0, 2**32)) for t in times])
            rows.add(times, ca, self.k_post, c, np.arange(n_posts))
            base, sup = self.bases[c], self.super[c]
            is_super = np.isin(base, sup)
            keen = np.where(is_super, rng.uniform(0.85, 0.98, len(base)), rng.beta(1.2, 6, len(base)))
            for p, tp in enumerate(times.tolist()):
                who = base[rng.random(len(base)) < keen]
                sup_w = np.isin(who, sup)
                delay = np.where(sup_w, 20 + np.exp(rng.normal(math.log(240), 0.8, len(who))),
                                 60 + np.exp(rng.normal(math.log(1500), 1.1, len(who)))).astype(np.int64)
                # asleep? then later: the first of these times the follower's rhythm accepts
                cand = tp + delay[:, None] + np.array([0, 3, 6, 9]) * 3600
                t_r = pick_times(g, cand, who, rng)
                t_r = np.where(sup_w & (rng.random(len(who)) < 0.85), np.minimum(tp + delay, WINDOW_END - 1), t_r)
                kind = rng.choice(len(REACTIONS), len(who), p=REACTION_P)
                keep = t_r < WINDOW_END - 1  # reactions after the export are not in it
                for r in kind[keep].tolist():
                    self.reactions[REACTIONS[r]] += 1
                rows.add(t_r[keep], who[keep], self.k_react, c, (p * 4 + kind)[keep])

    def render_post(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
                    e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        g = self.g
        c, p = int(g.sub[i]), int(g.aux[i])
        bank = NICHES[self.niche[c]][1]
        body = bank[int(u[26] * len(bank))].replace("{e}", EMOJIS[e[0]]).replace("{n}", str(p + 1))
        body = body.replace("{x}", FOODS[int(u[27] * len(FOODS))])
        tags = list(self.tags[c]) + pick_head(g, u)
        return body, tags, [], [], NO_MENTIONS, self.post_sounds[c][p], 0.0

    def render_reaction(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
                        e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        g = self.g
        c, code = int(g.sub[i]), int(g.aux[i])
        p, kind = divmod(code, 4)
        creator = g.usernames[self.creators[c]]
        ctag, niche = self.tags[c]
        tags = ([ctag] if u[40] < 0.6 else []) + ([niche] if u[41] < 0.3 else []) + pick_head(g, u)
        post_sound = self.post_sounds[c][p]
        if REACTIONS[kind] in ("duet", "stitch"):
            word = REACTIONS[kind]
            text = REPLY_TEXT[int(u[26] * len(REPLY_TEXT))].replace("{e}", EMOJIS[e[0]])
            body = f"#{word} with @{creator} {text}".strip()
            return body, tags, [word], [], (creator,), post_sound, 0.0
        if REACTIONS[kind] == "sound":
            body = organic_body(wrow, u, e)
            mentions = [creator] if u[42] < 0.3 else []
            return body, tags, [], mentions, NO_MENTIONS, post_sound, 0.0
        body = MENTION_CAPTIONS[int(u[26] * len(MENTION_CAPTIONS))].replace("{e}", EMOJIS[e[0]])
        body = body.replace("{c}", "@" + creator)
        if u[28] < 0.3:
            body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:1 + int(u[2] * 4)])
        return body, tags, [], [], (creator,), sound, 0.0

    def parents(self, parent: np.ndarray) -> None:
        g = self.g
        posts = np.flatnonzero(g.kind == self.k_post)
        row_of = {(int(c), int(p)): int(r) for c, p, r in zip(g.sub[posts], g.aux[posts], posts, strict=True)}
        duets = np.flatnonzero((g.kind == self.k_react) & (g.aux % 4 == REACTIONS.index("duet")))
        for r, c, code in zip(duets.tolist(), g.sub[duets].tolist(), g.aux[duets].tolist(), strict=True):
            parent[r] = row_of[(c, code // 4)]

    def organic_eligible(self, eligible: np.ndarray) -> None:
        eligible[self.creators] = False

    def profile(self, a: int, bio: str, url: str, u: list[float]) -> tuple[str, str, bool]:
        if a in self.creators:
            c = int(np.flatnonzero(self.creators == a)[0])
            return (f"{NICHES[self.niche[c]][0]} | new video every day {EMOJIS[c % len(EMOJIS)]}",
                    f"https://linktr.ee/{self.g.usernames[a]}", u[9] < 0.5)
        return bio, url, False

    def _base_of(self, a: int) -> int:
        return next(c for c, b in enumerate(self.bases) if a in b)

    def follows(self, a: int, chosen: dict[int, None], k: int) -> int:
        if a in self.creators:
            return k
        rng = self.rng
        c = self._base_of(a)
        if rng.random() < 0.95:
            chosen[int(self.creators[c])] = None
        if a in self.super[c]:  # super-fans know each other
            sup = self.super[c]
            chosen.update(dict.fromkeys(int(x) for x in sup[rng.random(len(sup)) < 0.3]))
        base = self.bases[c]
        chosen.update(dict.fromkeys(int(x) for x in base[rng.random(len(base)) < min(0.03, 5 / len(base))]))
        return k

    def reposts(self, a: int) -> list[int]:
        if a in self.creators:
            return []
        if not hasattr(self, "post_rows"):
            g = self.g
            self.post_rows = [np.flatnonzero((g.kind == self.k_post) & (g.sub == c)) for c in range(len(self.bases))]
        c = self._base_of(a)
        rows = self.post_rows[c]
        n = int(self.rng.integers(2, 7)) if a in self.super[c] else int(self.rng.integers(0, 3))
        return [int(x) for x in rows[self.rng.integers(0, len(rows), n)]]

    def truth(self) -> tuple[list[str], dict]:
        u = self.g.usernames
        accounts, _ = super().truth()
        return accounts, {
            "creators": [{
                "creator": u[a], "hashtags": self.tags[c], "fans": [u[x] for x in self.bases[c]],
                "super_fans": [u[x] for x in self.super[c]],
                "posts": [iso(t) for t in self.post_times[c].tolist()], "posts_ts": self.post_times[c].tolist(),
                "sounds": self.post_sounds[c]} for c, a in enumerate(self.creators.tolist())],
            "reactions": self.reactions,
        }
