"""``timezone_clock``: rituals at a moment of the local clock, passing through the time zones.

Two clock rituals with their own tags. ``1111``: at 11:11 (or 23:11) local time people post a
wish; habitual wishers (40%) on most days of the week, the others now and then, most within the
minute itself. A New-Year-like night (one per incident, invented): at local midnight of one day
people post their countdown or first minutes of the year. Every time zone has its burst at its own
UTC hour, so the same accounts of one zone co-post the same tags in the same minute day after
day. 120·scale^0.6 accounts (min 15) from everywhere.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import pick_head
from samples.vocab import EMOJIS, ORGANIC_WORDS
from samples.window import WINDOW_END, WINDOW_START, iso

WISH_TAGS = ["1111", "makeawish", "1111wish", "manifesting", "angelnumbers"]
WISH_CAPTIONS = ["11:11 make a wish {e}", "it's 11:11!!", "make a wish {e}", "1111 {e}", "manifesting {e} 11:11",
                 "caught it at 11:11", "11:11 wish for you {e}", "pls come true {e}", "11:11 again {e}"]
NIGHTS = [  # an invented new-year-like night: its tags and what people say at midnight
    ("lanternnewyear", ["lanternnewyear", "happynewyear", "lanternnight"]),
    ("springnewyear", ["springnewyear", "newyearnewme", "springfest26"]),
    ("moonnewyear", ["moonnewyear", "happymoonyear", "newmoon26"]),
]
NIGHT_CAPTIONS = ["HAPPY NEW YEAR {e}", "3.. 2.. 1.. {e}", "first minutes of the year {e}", "new year new me",
                  "happy new year from us {e}", "midnight!! {e}", "countdown with the fam {e}",
                  "the fireworks {e}", "wishing everyone a good year {e}"]


class TimezoneClock(Lookalike):
    name = "timezone_clock"
    description = ("clock rituals (11:11 wishes, a New-Year-like midnight) at the same local minute, "
                   "so each time zone bursts with the same tags at its own hour, day after day")
    min_size = 15

    def size(self) -> int:
        return int(round(120 * self.g.scale ** 0.6))

    def plan(self, rows: Rows) -> None:
        g, rng = self.g, self.rng
        self.kind = g.add_kind(self.render)
        self.night, self.night_tags = NIGHTS[rng.integers(len(NIGHTS))]
        self.night_day = int(rng.integers(2, 6))
        self.wish_sound = int(g.sound_pool[rng.integers(5, 120)])
        self.night_sound = int(g.sound_pool[rng.integers(5, 120)])
        acc = self.accounts
        n = len(acc)
        tz = g.tz[acc]
        habitual = rng.random(n) < 0.4
        p_day = np.where(habitual, rng.uniform(0.55, 0.85, n), rng.uniform(0.08, 0.25, n))
        clock = np.where(rng.random(n) < 0.4, 11 * 3600 + 11 * 60, 23 * 3600 + 11 * 60)
        self.habitual = acc[habitual]
        times, who = [], []
        for day in range(-1, 8):  # local days that touch the window
            go = rng.random(n) < p_day
            on_time = rng.random(n) < 0.8  # within the minute; the others a few minutes late
            offs = np.where(on_time, rng.integers(0, 60, n), rng.integers(60, 300, n))
            t = WINDOW_START + day * 86400 + clock - tz + offs
            ok = go & (t >= WINDOW_START) & (t < WINDOW_END)
            times.append(t[ok])
            who.append(acc[ok])
        t_wish, a_wish = np.concatenate(times), np.concatenate(who)
        rows.add(t_wish, a_wish, self.kind, 0)
        self.n_wish = len(t_wish)
        # the night: countdowns just before midnight, most in its first two minutes, some later
        joins = acc[rng.random(n) < 0.6]
        m = len(joins)
        r = rng.random(m)
        offs = np.where(r < 0.15, -rng.integers(5, 90, m),
                        np.where(r < 0.88, np.minimum(np.exp(rng.normal(math.log(40), 0.7, m)), 120),
                                 rng.integers(120, 600, m))).astype(np.int64)
        t_night = WINDOW_START + self.night_day * 86400 - g.tz[joins] + offs
        ok = (t_night >= WINDOW_START) & (t_night < WINDOW_END)
        rows.add(t_night[ok], joins[ok], self.kind, 1)
        self.n_night = int(ok.sum())

    def render(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
               e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        night = int(self.g.sub[i]) == 1
        bank, tags = (NIGHT_CAPTIONS, self.night_tags) if night else (WISH_CAPTIONS, WISH_TAGS)
        body = bank[int(u[26] * len(bank))].replace("{e}", EMOJIS[e[0]])
        if u[28] < 0.3:
            body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:1 + int(u[2] * 5)])
        chosen = [tags[0]] + [tg for tg, x in zip(tags[1:], u[40:44], strict=False) if x < 0.4]
        chosen += pick_head(self.g, u)
        if u[44] < 0.35:
            sound = self.night_sound if night else self.wish_sound
        return body, chosen, [], [], NO_MENTIONS, sound, 0.0

    def truth(self) -> tuple[list[str], dict]:
        u = self.g.usernames
        accounts, _ = super().truth()
        day = WINDOW_START + self.night_day * 86400
        return accounts, {
            "rituals": [
                {"name": "1111", "kind": "daily", "local_times": ["11:11", "23:11"], "hashtags": WISH_TAGS,
                 "sound": self.wish_sound, "posts": self.n_wish},
                {"name": self.night, "kind": "once", "local_time": "00:00", "local_date": iso(day)[:10],
                 "hashtags": self.night_tags, "sound": self.night_sound, "posts": self.n_night}],
            "utc_offsets_hours": sorted({int(x) / 3600 for x in self.g.tz[self.accounts].tolist()}),
            "habitual_wishers": [u[a] for a in self.habitual],
        }
