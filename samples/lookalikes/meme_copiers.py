"""``meme_copiers``: one viral caption copied by unrelated accounts over days.

80·scale^0.6 accounts (min 20) post the same meme caption (verbatim, or with casing, emoji or
punctuation edits) once, 12% twice, lognormal(median 1.5 days, σ 0.7) after its origin, with
their own everyday tags: copied text without shared timing.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike
from samples.rhythm import pick_times
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import organic_tags
from samples.vocab import EMOJIS
from samples.window import WINDOW_END, WINDOW_START, iso

MEMES = [
    "nobody:\nme at 3am: let me reorganize my entire life",
    "tell me you grew up in the 2000s without telling me",
    "me pretending to understand the assignment",
    "my toxic trait is thinking i can do this in 5 minutes",
    "the audacity of this cat 💀",
    "when the group project finally comes together",
    "me explaining to my mom why i need another plant",
]


class MemeCopiers(Lookalike):
    name = "meme_copiers"
    description = "strangers copying one viral caption verbatim or nearly, spread over days"

    min_size = 20

    def size(self) -> int:
        return max(20, int(round(80 * self.g.scale ** 0.6)))

    def plan(self, rows: Rows) -> None:
        g = self.g
        rng = self.rng
        self.kind = g.add_kind(self.render)
        self.caption = MEMES[rng.integers(len(MEMES))]
        self.origin = int(WINDOW_START + rng.uniform(0.3, 1.5) * 86400)
        ma = self.accounts
        lag = np.exp(rng.normal(math.log(1.5 * 86400), 0.7, (len(ma), 6))).astype(np.int64)
        t_meme = pick_times(g, self.origin + lag, ma, rng)
        t_meme[0] = self.origin  # the originator
        twice = rng.random(len(ma)) < 0.12
        t2 = t_meme[twice] + rng.exponential(86400, int(twice.sum())).astype(np.int64) + 3600
        keep = t2 < WINDOW_END
        rows.add(np.concatenate([t_meme, t2[keep]]), np.concatenate([ma, ma[twice][keep]]), self.kind)

    def render(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
               e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        body = self.caption
        r = u[26]
        if r < 0.12:
            body = body.capitalize()
        elif r < 0.22:
            body = body + " " + EMOJIS[e[0]]
        elif r < 0.3:
            body = body.replace(":", "").replace("  ", " ")
        elif r < 0.38:
            body = body + " (part 2)"
        elif r < 0.45:
            body = body.upper()
        tags = organic_tags(self.g, a, u, trow)
        if u[27] < 0.5:
            tags.append("relatable" if u[28] < 0.5 else "meme")
        return body, list(dict.fromkeys(tags)), [], [], NO_MENTIONS, sound, 0.0

    def truth(self) -> tuple[list[str], dict]:
        accounts, _ = super().truth()
        return accounts, {"caption": self.caption, "origin": iso(self.origin)}
