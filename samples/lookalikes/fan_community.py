"""``fan_community``: an idol and the fans who post about them all week.

An idol account (7-12 posts in the week) and 45·scale^0.2 fans (25-100), each posting the fandom
tags 3-12 times: half react 15 minutes + lognormal(median 2.5 h) after an idol post, half post on
their own schedule; 70% use one of the idol's songs, 30% mention the idol. 97% follow the idol,
8% follow each other; fans repost idol videos.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike, Take
from samples.rhythm import diurnal_times, pick_times, rename
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import pick_head
from samples.vocab import EMOJIS, ORGANIC_WORDS
from samples.window import WINDOW_END, WINDOW_SECONDS, WINDOW_START

IDOLS = [  # (display name, fandom tags, songs)
    ("Luna Mare", ["lunamare", "lunatics", "lunamaretour"], ["Glass Hearts", "Paper Moon"]),
    ("Kairo Vale", ["kairovale", "valesquad", "kairovaletour"], ["Midnight Static", "Gold Rush"]),
    ("Nova Reyes", ["novareyes", "novanauts", "novaera"], ["Satellite", "Blue Hour"]),
    ("Juno Kite", ["junokite", "kiteflyers", "junokitelive"], ["Paper Planes", "Overcast"]),
    ("Mira Solace", ["mirasolace", "solacers", "mirasolacetour"], ["Saltwater", "Neon Rain"]),
]
FAN_CAPTIONS = [
    "{idol} really did that {e}", "obsessed with {song} {e}", "stream {song} or else",
    "the way {idol} ate", "{idol} tour when??", "this song lives in my head rent free {e}",
    "pov: you're at the {idol} concert", "{song} on repeat all day {e}", "dancing to {song} {e}",
    "{idol} if you see this ily {e}", "the bridge of {song} {e}", "my {idol} era",
]


class FanCommunity(Lookalike):
    name = "fan_community"
    description = ("an idol's fans: the fandom tags and the idol's songs all week, some reacting "
                   "hours after each idol post")

    min_size = 26  # the idol and 25 fans

    def size(self) -> int:
        return int(np.clip(round(45 * self.g.scale ** 0.2), 25, 100)) + 1

    def fit(self, k: int) -> None:
        self.wanted = k
        self.n_fans = k - 1

    def reserve(self, take: Take) -> None:
        self.idol = int(take(1)[0])
        self.fans = take(self.n_fans)
        self.accounts = np.r_[self.idol, self.fans]

    def popularity(self, popularity: np.ndarray) -> None:
        popularity[self.idol] = self.rng.uniform(300, 800)

    def names(self, names: list[str], taken: dict[str, int], display: list[str]) -> None:
        self.spec = IDOLS[self.rng.integers(len(IDOLS))]
        rename(names, taken, self.idol, self.spec[0].lower().replace(" ", "") + ".official")
        display[self.idol] = self.spec[0]

    def plan(self, rows: Rows) -> None:
        g = self.g
        rng = self.rng
        self.k_idol = g.add_kind(self.render_idol)
        self.k_fan = g.add_kind(self.render_fan)
        n_idol = int(rng.integers(7, 13))
        ia = np.full(n_idol, self.idol)
        t_idol = np.sort(pick_times(g, WINDOW_START + rng.integers(0, WINDOW_SECONDS, (n_idol, 8)), ia, rng))
        rows.add(t_idol, ia, self.k_idol)
        self.sounds = [int(g.sound_pool[rng.integers(0, 10)]),
                       int((int(rng.integers(WINDOW_START - 40 * 86400, WINDOW_START)) << 32)
                           | int(rng.integers(0, 2**32)))]
        per_fan = np.clip(2 + rng.poisson(4, len(self.fans)), 3, 12)
        fa = np.repeat(self.fans, per_fan)
        react = rng.random(len(fa)) < 0.5
        base = t_idol[rng.integers(0, n_idol, len(fa))]
        t_react = base + 900 + np.exp(rng.normal(math.log(2.5 * 3600), 1.0, len(fa))).astype(np.int64)
        t_own = diurnal_times(g, fa, rng)
        t_fan = np.where(react & (t_react < WINDOW_END), t_react, t_own)
        rows.add(t_fan, fa, self.k_fan)

    def _tags_and_sound(self, u: list[float], sound: int) -> tuple[list[str], int]:
        ftags = self.spec[1]
        tags = [tg for j, tg in enumerate(ftags) if u[40 + j] < 0.6] or [ftags[0]]
        tags += pick_head(self.g, u)
        return tags, self.sounds[int(u[43] < 0.3)] if u[44] < 0.7 else sound

    def render_idol(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
                    e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        songs = self.spec[2]
        song = songs[int(u[27] * len(songs))]
        body = [f"{song} out now {EMOJIS[e[0]]}", "thank you for everything", "tour diary day "
                + str(1 + int(u[5] * 9)), f"new era {EMOJIS[e[0]]}", "", "🤍"][int(u[26] * 6)]
        tags, sound = self._tags_and_sound(u, sound)
        return body, tags, [], [], NO_MENTIONS, sound, 0.05

    def render_fan(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
                   e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        name, _, songs = self.spec
        song = songs[int(u[27] * len(songs))]
        body = FAN_CAPTIONS[int(u[26] * len(FAN_CAPTIONS))]
        body = body.replace("{idol}", name.split(" ")[0]).replace("{song}", song).replace("{e}", EMOJIS[e[0]])
        if u[28] < 0.6:
            body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:1 + int(u[2] * 8)])
        mentions = [self.g.usernames[self.idol]] if u[25] < 0.3 else []
        tags, sound = self._tags_and_sound(u, sound)
        return body, tags, [], mentions, NO_MENTIONS, sound, 0.05

    def organic_eligible(self, eligible: np.ndarray) -> None:
        eligible[self.idol] = False

    def organic_extra(self, counts: np.ndarray) -> None:
        counts[self.idol] += int(self.rng.integers(1, 4))

    def profile(self, a: int, bio: str, url: str, u: list[float]) -> tuple[str, str, bool]:
        if a == self.idol:
            return f"new album out now {self.spec[2][0]} 🤍", url, True
        return bio, url, False

    def follows(self, a: int, chosen: dict[int, None], k: int) -> int:
        if a != self.idol:
            if self.rng.random() < 0.97:
                chosen[self.idol] = None
            chosen.update(dict.fromkeys(int(x) for x in self.fans[self.rng.random(len(self.fans)) < 0.08]))
        return k

    def reposts(self, a: int) -> list[int]:
        if a == self.idol:
            return []
        if not hasattr(self, "idol_rows"):
            self.idol_rows = np.flatnonzero(self.g.kind == self.k_idol)
        rows = self.idol_rows
        if not len(rows):
            return []
        return [int(x) for x in rows[self.rng.integers(0, len(rows), int(self.rng.integers(1, 6)))]]

    def truth(self) -> tuple[list[str], dict]:
        u = self.g.usernames
        return ([u[self.idol]] + [u[a] for a in self.fans],
                {"idol": u[self.idol], "hashtags": self.spec[1], "sounds": self.sounds})
