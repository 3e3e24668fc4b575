"""``friend_groups``: friends who film together now and then and post the result within minutes.

6·scale^0.75 groups (at least 2) of 3-8 friends who live in one place (one time zone, similar
rhythms) and follow each other. Two to four times in the week, at an evening or weekend
afternoon hour, most of a group meet up and film: each posts within minutes (lognormal, median
6 min; some hours later), with the session's sound (93%), its trend tag and friendship tags, and
tags 1-3 of the others (@mentions); 40% use the session's shared caption idea, lightly edited.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike, Take
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import organic_body, pick_head
from samples.vocab import EMOJIS
from samples.window import WINDOW_END, WINDOW_START, iso

SIZES = np.arange(3, 9)
SIZE_P = np.array([0.25, 0.25, 0.2, 0.13, 0.1, 0.07])
FRIEND_TAGS = ["friends", "besties", "squad", "bff", "friendship", "thegang"]
IDEAS = ["when the besties finally meet up {e}", "the squad is back {e}", "we tried the trend {e}",
         "pov: you and your friends {e}", "our version {e}", "road trip with the gang", "sleepover chaos {e}",
         "rate our dance 1-10", "friends who film together {e}", "this took us 20 tries {e}"]


class FriendGroups(Lookalike):
    name = "friend_groups"
    description = ("small groups of friends (3-8) who film together 2-4 times a week: same sound and tags, "
                   "they tag each other, posted within minutes")
    min_size = 6  # two groups of three

    def size(self) -> int:
        return 5 * max(2, int(round(6 * self.g.scale ** 0.75)))

    def fit(self, k: int) -> None:
        rng = self.rng
        n = max(2, k // 5)
        sizes = rng.choice(SIZES, n, p=SIZE_P)
        while sizes.sum() > k and len(sizes) > 2:  # tiny scales: fewer groups
            sizes = sizes[:-1]
        sizes = np.minimum(sizes, max(3, k // len(sizes)))
        self.group_sizes = sizes.tolist()
        self.wanted = int(sizes.sum())

    def reserve(self, take: Take) -> None:
        self.accounts = take(self.wanted)
        order = self.accounts[self.rng.permutation(len(self.accounts))]
        cut = np.r_[0, np.cumsum(self.group_sizes)]
        self.groups = [np.sort(order[cut[j]:cut[j + 1]]) for j in range(len(self.group_sizes))]

    def regions(self, region: np.ndarray) -> None:
        for grp in self.groups:
            region[grp] = region[grp[0]]

    def settle(self) -> None:
        g = self.g
        for grp in self.groups:  # one town, one clock, similar habits
            g.tz[grp] = g.tz[grp[0]]
            g.shift[grp] = g.shift[grp[0]] + self.rng.normal(0, 1800, len(grp)).astype(np.int64)

    def plan(self, rows: Rows) -> None:
        g, rng = self.g, self.rng
        self.kind = g.add_kind(self.render)
        self.sessions: list[list[dict]] = []
        for gi, grp in enumerate(self.groups):
            tz = int(g.tz[grp[0]])
            days = sorted(int(d) for d in rng.choice(7, int(rng.integers(2, 5)), replace=False))
            sessions = []
            for si, day in enumerate(days):
                weekend = day in (0, 6)  # Sunday, Saturday
                hour = rng.uniform(13, 22) if weekend else rng.uniform(18, 22.5)
                t0 = int(WINDOW_START + day * 86400 + hour * 3600 - tz)
                t0 = min(max(t0, WINDOW_START + 600), WINDOW_END - 7200)
                present = grp[rng.random(len(grp)) < 0.8]
                if len(present) < 2:
                    present = rng.choice(grp, 2, replace=False)
                present = np.sort(present)
                delay = np.minimum(np.exp(rng.normal(math.log(360), 0.8, len(present))), 2400)
                delay[0] = rng.integers(0, 180)
                late = rng.random(len(present)) < 0.2
                delay = np.where(late, rng.integers(3600, 4 * 3600, len(present)), delay).astype(np.int64)
                sound = int(g.sound_pool[rng.integers(0, 80)])
                trend = g.vocab[int(rng.integers(0, 40))]
                ftags = [str(x) for x in rng.choice(FRIEND_TAGS, int(rng.integers(1, 3)), replace=False)]
                sessions.append({"time": t0, "present": present, "sound": sound, "hashtags": [trend, *ftags],
                                 "idea": IDEAS[rng.integers(len(IDEAS))]})
                rows.add(np.minimum(t0 + delay, WINDOW_END - 1), present, self.kind, gi, si)
            self.sessions.append(sessions)

    def render(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
               e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        g = self.g
        s = self.sessions[int(g.sub[i])][int(g.aux[i])]
        others = [int(x) for x in s["present"] if x != a]
        k = min(len(others), 1 + int(u[45] * 3))
        start = int(u[46] * len(others))
        mentions = [g.usernames[others[(start + j) % len(others)]] for j in range(k)]
        if u[26] < 0.4:
            body = s["idea"].replace("{e}", EMOJIS[e[0]])
            if u[27] < 0.3:
                body = body.capitalize()
            elif u[27] < 0.45:
                body += " " + EMOJIS[e[1]]
        else:
            body = organic_body(wrow, u, e)
        tags = [x for x, q in zip(s["hashtags"], u[40:43], strict=False) if q < 0.75] or s["hashtags"][:1]
        tags += pick_head(g, u)
        if u[44] < 0.93:  # they filmed it together, on one sound
            sound = s["sound"]
        return body, tags, [], mentions, NO_MENTIONS, sound, 0.0

    def _group_of(self, a: int) -> np.ndarray:
        return next(grp for grp in self.groups if a in grp)

    def follows(self, a: int, chosen: dict[int, None], k: int) -> int:
        grp = self._group_of(a)
        chosen.update(dict.fromkeys(int(x) for x in grp[self.rng.random(len(grp)) < 0.9]))
        return k

    def truth(self) -> tuple[list[str], dict]:
        u = self.g.usernames
        accounts, _ = super().truth()
        return accounts, {"groups": [{
            "members": [u[a] for a in grp],
            "sessions": [iso(s["time"]) for s in ses], "sessions_ts": [s["time"] for s in ses],
            "present": [[u[a] for a in s["present"]] for s in ses],
            "sounds": [s["sound"] for s in ses], "hashtags": [s["hashtags"] for s in ses]}
            for grp, ses in zip(self.groups, self.sessions, strict=True)]}
