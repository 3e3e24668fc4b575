"""``news_accounts``: national outlets that post headlines all day and cover the same stories.

5-10 outlets (US/GB), 2-6 posts a day each on their own schedules, headline-style captions with
``#news``; 3-5 stories (one a warning about the challenge once adoption is under way) and the
happenings of the week (the event result) are covered by each outlet with p=0.75 after
10 minutes + lognormal(median 75 min, σ 0.9): the same hour often, within minutes only
occasionally. Outlets follow each other (35%), use their own audio, are mostly verified.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike
from samples.rhythm import REGION_CODES, pick_times, rename
from samples.state import NO_MENTIONS, Caption, Rows
from samples.window import WINDOW_DAYS, WINDOW_END, WINDOW_SECONDS, WINDOW_START, iso

NEWS_NAMES = [
    ("dailybrief.news", "Daily Brief"), ("metro.now", "Metro Now"), ("thewire.today", "The Wire"),
    ("newsflash24", "NewsFlash 24"), ("worlddesk", "World Desk"), ("citypulse.news", "City Pulse"),
    ("headline.hq", "Headline HQ"), ("the.dispatch", "The Dispatch"), ("globalreport", "Global Report"),
    ("frontpage.live", "Frontpage Live"), ("eveningpost.tv", "Evening Post"), ("signal.news", "Signal News"),
]
NEWS_PREFIXES = ["BREAKING:", "JUST IN:", "🚨", "UPDATE:", "", "Developing:", "WATCH:"]
NEWS_SUFFIXES = ["Follow for updates.", "More at the link in bio.", "", "", "What do you think?",
                 "Full story in bio."]
NEWS_STORIES = [
    ("Officials warn parents about the viral {ch} after hospital cases", ["{chtag}", "parents", "safety"]),
    ("Storm Elsa makes landfall, thousands without power", ["stormelsa", "weather"]),
    ("Central bank holds rates steady in surprise decision", ["economy", "interestrates"]),
    ("Major outage hits messaging apps worldwide", ["outage", "technews"]),
    ("Wildfire forces evacuations near the coast", ["wildfire", "evacuation"]),
    ("Election debate: the key moments in 60 seconds", ["election2026", "debate"]),
    ("Rail strike announced for next week", ["railstrike", "travelnews"]),
    ("Scientists discover new species in deep-sea expedition", ["science", "ocean"]),
]
NEWS_SYNONYMS: dict[str, list[str]] = {
    "warn": ["warn", "alert", "caution"], "viral": ["viral", "trending", "online"],
    "after": ["after", "following"], "thousands": ["thousands", "many", "tens of thousands"],
    "Major": ["Major", "Massive", "Global"], "surprise": ["surprise", "unexpected"],
    "dramatic": ["dramatic", "thrilling", "stunning"], "record": ["record", "huge", "sold-out"],
    "forces": ["forces", "prompts", "triggers"], "announced": ["announced", "confirmed", "called"],
}
NEWS_SUBJECTS = ["Officials", "Police", "Researchers", "Lawmakers", "Residents", "Experts",
                 "The city council", "Fans", "Doctors", "Investors", "Students", "Firefighters"]
NEWS_VERBS = ["announce", "warn about", "respond to", "react to", "confirm", "investigate",
              "debate", "celebrate", "protest", "report on"]
NEWS_OBJECTS = ["new budget plan", "rising prices", "record heat", "school closures",
                "transport delays", "housing shortage", "local election results", "flooding",
                "a data breach", "new safety rules", "the heatwave", "a bridge collapse"]


class NewsAccounts(Lookalike):
    name = "news_accounts"
    description = ("national outlets: headlines all day on their own schedules, the same stories "
                   "covered within the hour")

    min_size = 5

    def size(self) -> int:
        lg = math.log10(self.g.scale * 10)
        self.min_size = int(np.clip(5 + round(1.2 * lg) + self.rng.integers(0, 2), 5, 10))
        return self.min_size  # a handful of outlets: tiny scales do not shrink them

    def regions(self, region: np.ndarray) -> None:
        region[self.accounts] = self.rng.choice([REGION_CODES.index("US"), REGION_CODES.index("GB")],
                                           len(self.accounts), p=[0.6, 0.4])

    def popularity(self, popularity: np.ndarray) -> None:
        popularity[self.accounts] *= self.rng.uniform(15, 60, len(self.accounts))

    def names(self, names: list[str], taken: dict[str, int], display: list[str]) -> None:
        pick = self.rng.choice(len(NEWS_NAMES), len(self.accounts), replace=False)
        for k, a in enumerate(self.accounts):
            rename(names, taken, int(a), NEWS_NAMES[pick[k]][0])
            display[a] = NEWS_NAMES[pick[k]][1]

    def plan(self, rows: Rows) -> None:
        g = self.g
        rng = self.rng
        self.k_story = g.add_kind(self.render)
        self.k_own = g.add_kind(self.render)
        nn = len(self.accounts)
        story_idx = [0] + list(1 + rng.choice(len(NEWS_STORIES) - 1, int(rng.integers(2, 5)), replace=False))
        self.stories: list[dict] = []
        for s in story_idx:
            if s == 0:  # the challenge warning comes once adoption is well under way
                ts = int(g.ch_mid + rng.uniform(0, 1.5) * 86400)
            else:
                ts = int(WINDOW_START + rng.uniform(0.3, 6.7) * 86400)
            head, stags = NEWS_STORIES[s]
            head = head.replace("{ch}", g.challenge_stem + " challenge")
            self.stories.append({"time": min(ts, WINDOW_END - 4 * 3600), "headline": head, "label": head,
                                 "hashtags": [g.challenge if x == "{chtag}" else x for x in stags],
                                 "ch": s == 0})
        # outlets also report what happened in the week, if it is national news
        self.stories += [dict(h, ch=False) for h in g.happenings if h.get("national")]
        for si, story in enumerate(self.stories):
            cover = self.accounts[rng.random(nn) < 0.75]
            # each desk needs its own time to verify and cut a video: minutes for some, hours for most
            lagn = 600 + np.exp(rng.normal(math.log(75 * 60), 0.9, len(cover))).astype(np.int64)
            t_s = np.minimum(story["time"] + lagn, WINDOW_END - 1)
            rows.add(t_s, cover, self.k_story, si, ch=story["ch"])
        rate = rng.uniform(2, 6, nn)
        per = rng.poisson(rate * WINDOW_DAYS)
        na = np.repeat(self.accounts, per)
        rows.add(pick_times(g, WINDOW_START + rng.integers(0, WINDOW_SECONDS, (len(na), 4)), na, rng),
                 na, self.k_own)

    def render(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
               e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        g = self.g
        acct_pref = a % len(NEWS_PREFIXES)
        prefix = NEWS_PREFIXES[acct_pref if u[26] < 0.6 else int(u[27] * len(NEWS_PREFIXES))]
        handle_tag = g.usernames[a].replace(".", "").replace("_", "")
        if g.kind[i] == self.k_story:
            story = self.stories[int(g.sub[i])]
            words = story["headline"].split(" ")
            for j, wd in enumerate(words):
                if wd in NEWS_SYNONYMS and u[30 + j % 20] < 0.3:
                    words[j] = NEWS_SYNONYMS[wd][int(u[50] * len(NEWS_SYNONYMS[wd]))]
            head = " ".join(words)
            tags = ["news"] + [x for x in story["hashtags"] if u[45] < 0.9 or g.has_ch[i]]
        else:
            head = " ".join([NEWS_SUBJECTS[int(u[30] * len(NEWS_SUBJECTS))],
                             NEWS_VERBS[int(u[31] * len(NEWS_VERBS))],
                             NEWS_OBJECTS[int(u[32] * len(NEWS_OBJECTS))]])
            tags = ["news"] + ([g.vocab[trow[0]]] if u[33] < 0.4 else [])
        if u[46] < 0.5:
            tags.append("breaking" if u[47] < 0.5 else "newsupdate")
        if u[48] < 0.4:
            tags.append(handle_tag)
        body = " ".join(x for x in (prefix, head, NEWS_SUFFIXES[int(u[49] * len(NEWS_SUFFIXES))]) if x)
        return body, tags, [], [], NO_MENTIONS, own, 0.0  # outlets use their own audio

    def organic_eligible(self, eligible: np.ndarray) -> None:
        eligible[self.accounts] = False

    def durations(self, duration: np.ndarray) -> None:
        duration[self.g.kind == self.k_own] *= 2.5

    def profile(self, a: int, bio: str, url: str, u: list[float]) -> tuple[str, str, bool]:
        return ("News you can trust. Updates every day.",
                f"https://{self.g.usernames[a].replace('.', '')}.com", True)

    def follows(self, a: int, chosen: dict[int, None], k: int) -> int:
        chosen.update(dict.fromkeys(int(x) for x in self.accounts[self.rng.random(len(self.accounts)) < 0.35]))
        return k

    def truth(self) -> tuple[list[str], dict]:
        accounts, _ = super().truth()
        return accounts, {"stories": [{"time": iso(s["time"]), "story": s["label"]} for s in self.stories]}
