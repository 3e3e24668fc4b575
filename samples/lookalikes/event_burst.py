"""``event_burst``: a live event (a football final or a concert) that many people post about at once.

One event per incident, at an evening hour on day 3-5: 250·scale^0.65 accounts (min 40) from the
event's regions post once with its tags, 85% within a 10-30 minute burst, the rest hours later;
own cheers (20% the same short one), various sounds (25% one stadium sound). Outlets report the
result half an hour later (a happening for the news classes).
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike
from samples.rhythm import REGION_CODES
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import pick_head
from samples.vocab import EMOJIS, ORGANIC_WORDS
from samples.window import WINDOW_END, WINDOW_START, iso

EVENTS = [
    {
        "type": "football_final",
        "headline": "{A} win the {cup} final in dramatic fashion",
        "tags": ["{cup}final", "{cup}", "{a}", "{b}"],
        "cups": ["northcup", "continentalcup", "goldencup26", "unionshield"],
        "names": ["redlions", "harbourfc", "vesterbro", "realcostera", "athleticnord",
                  "unitedsouth", "sportingriva", "dynamoalto"],
        "regions": ["GB", "ES", "DE", "FR", "IT", "NL", "IE", "BR", "US"],
        "captions": ["WHAT A GOAL {e}", "unreal scenes {e}", "we did it!!! {e}",
                     "I'm literally shaking", "best night of my life {e}", "history made {e}",
                     "i can't believe what i just watched", "{A} 🏆", "crying rn {e}",
                     "that last minute tho {e}", "the stadium is going crazy", "GOOOOAL ⚽🔥"],
    },
    {
        "type": "concert",
        "headline": "{cup} closes the tour with a record crowd",
        "tags": ["{cup}live", "{cup}tour", "{a}", "{b}"],
        "cups": ["aurelia", "velvetcoast", "neonharbor", "solenne"],
        "names": ["tourfinal", "lastnight", "frontrow", "encore", "stadiumshow", "citynight"],
        "regions": ["US", "GB", "CA", "AU", "DE", "FR", "MX", "BR"],
        "captions": ["the ENCORE {e}", "I'm not okay {e}", "best night of my life {e}",
                     "she opened with THAT song", "crying in the front row {e}",
                     "{A} was insane", "i can't believe i was there", "my voice is gone {e}",
                     "the surprise song!!! {e}", "this crowd {e}"],
    },
]


class EventBurst(Lookalike):
    name = "event_burst"
    description = ("a live event's audience: hundreds post the event's tags once, most within "
                   "the same 10-30 minutes")

    min_size = 40

    def size(self) -> int:
        return max(40, int(round(250 * self.g.scale ** 0.65)))

    def regions(self, region: np.ndarray) -> None:
        ev = EVENTS[self.rng.integers(len(EVENTS))]
        self.spec = ev
        ev_regions = [REGION_CODES.index(r) for r in ev["regions"]]
        region[self.accounts] = self.rng.choice(ev_regions, len(self.accounts))

    def plan(self, rows: Rows) -> None:
        g, ev = self.g, self.spec
        rng = self.rng
        self.kind = g.add_kind(self.render)
        self.time = int(WINDOW_START + rng.integers(3, 6) * 86400 + rng.integers(19, 22) * 3600
                        + rng.integers(0, 60) * 60)
        self.span = int(rng.uniform(10, 30) * 60)
        cup = str(rng.choice(ev["cups"]))
        a_name, b_name = (str(x) for x in rng.choice(ev["names"], 2, replace=False))
        self.tags = [t.format(cup=cup, a=a_name, b=b_name) for t in ev["tags"]]
        self.team = a_name
        ea = self.accounts
        in_burst = rng.random(len(ea)) < 0.85
        offs = np.where(in_burst, self.span * rng.beta(1.3, 2.2, len(ea)),
                        self.span + np.exp(rng.normal(math.log(7200), 1.0, len(ea))))
        t_ev = np.minimum(self.time + offs.astype(np.int64), WINDOW_END - 1)
        rows.add(t_ev, ea, self.kind)
        self.sound = int(g.sound_pool[rng.integers(5, 60)])
        headline = ev["headline"].replace("{A}", self.team.capitalize()).replace(
            "{cup}", self.tags[1].capitalize())
        g.happenings.append({"time": self.time + 1800, "headline": headline,
                             "hashtags": [self.tags[0]], "label": "event result",
                             "national": True})

    def render(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
               e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        ev = self.spec
        if u[26] < 0.2:
            body = ev["captions"][-1]
        else:
            body = ev["captions"][int(u[27] * len(ev["captions"]))]
            if u[28] < 0.5:
                body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:1 + int(u[2] * 6)])
        body = body.replace("{e}", EMOJIS[e[0]]).replace("{A}", self.team.capitalize())
        tags = [self.tags[0]] if u[29] < 0.95 else []
        tags += [tg for tg, x, q in zip(self.tags[1:], u[40:43], (0.5, 0.3, 0.3), strict=True) if x < q]
        tags = tags or [self.tags[1]]
        tags += pick_head(self.g, u)
        if u[43] < 0.25:
            sound = self.sound
        return body, tags, [], [], NO_MENTIONS, sound, 0.1

    def truth(self) -> tuple[list[str], dict]:
        accounts, _ = super().truth()
        return accounts, {"type": self.spec["type"], "hashtags": self.tags, "start": iso(self.time),
                          "start_ts": self.time, "burst_seconds": self.span}
