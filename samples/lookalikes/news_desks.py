"""``news_desks``: regional outlets sharing the same links all day, breaking news within minutes.

A wire service moves 5-8 stories a day (20% breaking), each with its link; 6 + 3·log10(10·scale)
desks (5-16, English-language, US, GB and elsewhere) pick up each story with their own
probability (85% for breaking news): breaking news 1 min + lognormal(median 4 min) after the
wire, the rest 10 min + lognormal(median 90 min), and a fifth of the desks post an update hours
later. The link sits in the caption (the Research API has no URL field): the wire's link, or the
desk's own article, sometimes with tracking parameters or a shortener. Wire-heavy desks (30%, at
least 2) paste the wire copy nearly verbatim; the others rewrite the headline. Desks also report
the week's happenings (event and match results) and post their own local stories.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike
from samples.rhythm import REGION_CODES, pick_times, rename
from samples.state import NO_MENTIONS, Caption, Rows
from samples.window import WINDOW_DAYS, WINDOW_END, WINDOW_SECONDS, WINDOW_START, iso

PLACES = ["harbor city", "northfield", "riverdale", "lakeside", "pinecrest", "westbrook", "eastport",
          "kingsbridge", "mapleton", "stonebridge", "clearwater", "fairview", "oakridge", "redwood",
          "silverlake", "brighton", "ashford", "millbrook"]
OUTLET_WORDS = ["news", "times", "herald", "post", "daily", "today", "24", "live", "tribune", "courier",
                "gazette", "now"]
DESK_REGIONS = ["US", "US", "US", "US", "GB", "GB", "CA", "AU", "IE", "IN", "NG", "ZA"]
SUBJECTS = ["Officials", "Police", "Health authorities", "Lawmakers", "Regulators", "Scientists",
            "The transport authority", "Firefighters", "The central bank", "Prosecutors", "Union leaders"]
VERBS = ["announce", "warn of", "confirm", "investigate", "approve", "reject", "respond to", "report"]
OBJECTS = ["new rules on e-scooters", "a rise in measles cases", "delays on the northern line",
           "a budget deal", "record rainfall", "a data breach at a hospital", "a strike next week",
           "higher energy prices", "school closures", "a recall of baby formula", "a bridge closure",
           "wildfire evacuations", "a drop in inflation", "flight cancellations"]
TEMPLATES = ["{s} {v} {o}", "{s} {v} {o}, officials say", "What we know: {s} {v} {o}",
             "{s} {v} {o} after emergency meeting", "Live updates: {s} {v} {o}"]
TOPICS = ["politics", "economy", "weather", "health", "crime", "transport", "world", "tech", "local"]
SYNONYMS = {"announce": "unveil", "warn of": "caution over", "confirm": "verify", "investigate": "probe",
            "approve": "back", "reject": "turn down", "Officials": "Authorities", "Police": "Cops",
            "Lawmakers": "Legislators", "record": "unprecedented"}
PREFIXES = ["", "", "JUST IN:", "🚨", "NEW:", "Developing:"]
LEADS = ["Read more:", "Full story:", "Details 👇", "", "Link:", "More here:"]
LOCAL = ["{P} council approves new park", "Traffic alert: roadworks on {P} high street",
         "{P} school wins national award", "New bakery opens in downtown {P}", "{P} weekend events guide",
         "Water main break in {P}", "Meet the {P} volunteers feeding hundreds"]
SHORTENER = "https://trib.al/"
WIRE = "https://www.wirefeed.net/"


def _slug(text: str) -> str:
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in text.lower()).split()
    return "-".join(words[:7])


class NewsDesks(Lookalike):
    name = "news_desks"
    description = ("regional outlets sharing the same links all day: wire copy pasted nearly verbatim, "
                   "breaking news posted by several desks within minutes")
    min_size = 5

    def size(self) -> int:
        self.min_size = int(np.clip(round(6 + 3 * math.log10(self.g.scale * 10)), 5, 16))
        return self.min_size  # a handful of desks: tiny scales do not shrink them

    def regions(self, region: np.ndarray) -> None:
        codes = [REGION_CODES.index(r) for r in DESK_REGIONS]
        region[self.accounts] = self.rng.choice(codes, len(self.accounts))

    def popularity(self, popularity: np.ndarray) -> None:
        popularity[self.accounts] *= self.rng.uniform(5, 30, len(self.accounts))

    def names(self, names: list[str], taken: dict[str, int], display: list[str]) -> None:
        rng = self.rng
        places = rng.choice(len(PLACES), len(self.accounts), replace=False)
        wire = rng.random(len(self.accounts)) < 0.3
        wire[rng.choice(len(self.accounts), 2, replace=False)] = True  # at least two run the wire
        self.desks: list[dict] = []
        for a, pl, on_wire in zip(self.accounts.tolist(), places.tolist(), wire.tolist(), strict=True):
            place, word = PLACES[pl], OUTLET_WORDS[rng.integers(len(OUTLET_WORDS))]
            flat = place.replace(" ", "")
            rename(names, taken, a, [f"{flat}{word}", f"{flat}.{word}", f"the{flat}{word}"][rng.integers(3)])
            display[a] = f"{place.title()} {word.title() if word != '24' else '24'}"
            self.desks.append({
                "place": place.title(), "domain": f"{flat}{word}.com",
                "wire_p": float(rng.uniform(0.7, 0.9) if on_wire else rng.uniform(0.05, 0.3)),
                "breadth": float(rng.uniform(0.35, 0.8)), "utm": bool(rng.random() < 0.4),
                "short": bool(rng.random() < 0.2), "prefix": PREFIXES[rng.integers(len(PREFIXES))]})

    def _stories(self) -> None:
        rng = self.rng
        self.stories: list[dict] = []
        for day in range(WINDOW_DAYS):
            for _ in range(int(rng.integers(5, 9))):
                hour = (6 + rng.uniform(0, 20)) % 24
                t = int(WINDOW_START + day * 86400 + hour * 3600)
                tpl = TEMPLATES[rng.integers(len(TEMPLATES))]
                head = tpl.format(s=SUBJECTS[rng.integers(len(SUBJECTS))], v=VERBS[rng.integers(len(VERBS))],
                                  o=OBJECTS[rng.integers(len(OBJECTS))])
                tags = [str(x) for x in rng.choice(TOPICS, 2, replace=False)]
                self.stories.append({"time": t, "headline": head, "hashtags": tags,
                                     "breaking": bool(rng.random() < 0.2)})
        for h in self.g.happenings:  # the week's results, reported like any story
            self.stories.append({"time": h["time"], "headline": h["headline"], "hashtags": list(h["hashtags"]),
                                 "breaking": False})
        self.stories.sort(key=lambda s: s["time"])
        for s in self.stories:
            date = iso(s["time"])[:10].replace("-", "/")
            s["url"] = f"{WIRE}{date}/{_slug(s['headline'])}-{int(rng.integers(16**5, 16**6)):x}"

    def plan(self, rows: Rows) -> None:
        g, rng = self.g, self.rng
        self.kind = g.add_kind(self.render)
        self._stories()
        nd = len(self.accounts)
        breadth = np.array([d["breadth"] for d in self.desks])
        for k, s in enumerate(self.stories):
            cover = rng.random(nd) < (np.maximum(breadth, 0.85) if s["breaking"] else breadth)
            who = self.accounts[cover]
            if s["breaking"]:
                lag = 60 + np.exp(rng.normal(math.log(240), 0.6, len(who)))
            else:
                lag = 600 + np.exp(rng.normal(math.log(90 * 60), 0.9, len(who)))
            t = s["time"] + lag.astype(np.int64)
            ok = t < WINDOW_END
            rows.add(t[ok], who[ok], self.kind, k, 0)
            s["desks"] = int(ok.sum())
            upd = ok & (rng.random(len(who)) < 0.2)  # an update a few hours later, same link
            t_u = t[upd] + rng.integers(2 * 3600, 8 * 3600, int(upd.sum()))
            keep = t_u < WINDOW_END
            rows.add(t_u[keep], who[upd][keep], self.kind, k, 1)
        per = rng.integers(1, 4, nd) * WINDOW_DAYS
        own = np.repeat(self.accounts, per)
        rows.add(pick_times(g, WINDOW_START + rng.integers(0, WINDOW_SECONDS, (len(own), 4)), own, rng),
                 own, self.kind, -1, 2)

    def _link(self, desk: dict, url: str, u: float, own_slug: str) -> str:
        if u < 0.3:  # the desk's own article instead of the wire's
            url = f"https://{desk['domain']}/news/{own_slug}"
            if desk["short"]:
                return SHORTENER + own_slug.replace("-", "")[:7]
        if desk["utm"]:
            url += "?utm_source=tiktok&utm_medium=social"
        return url

    def render(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
               e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        g = self.g
        k, role = int(g.sub[i]), int(g.aux[i])
        d = int(np.searchsorted(self.accounts, a))
        desk = self.desks[d]
        handle = g.usernames[a].replace(".", "")
        if role == 2:
            head = LOCAL[int(u[26] * len(LOCAL))].replace("{P}", desk["place"])
            url = f"https://{desk['domain']}/local/{_slug(head)}"
            return f"{head} {url}", ["news", "local"] + ([handle] if u[27] < 0.3 else []), [], [], \
                NO_MENTIONS, own, 0.0
        s = self.stories[k]
        tags = ["news"] + [x for x, q in zip(s["hashtags"], u[40:42], strict=False) if q < 0.7]
        if s["breaking"]:
            tags.append("breakingnews")
        if u[27] < 0.3:
            tags.append(handle)
        if role == 0 and u[28] < desk["wire_p"]:  # the wire copy, pasted
            return f"{s['headline']} {s['url']}", tags, [], [], NO_MENTIONS, own, 0.0
        words = s["headline"].split(" ")
        for j, wd in enumerate(words):
            if wd in SYNONYMS and u[30 + j % 20] < 0.4:
                words[j] = SYNONYMS[wd]
        head = " ".join(words)
        prefix = "UPDATE:" if role == 1 else ("BREAKING:" if s["breaking"] and u[29] < 0.6 else desk["prefix"])
        link = self._link(desk, s["url"], u[50], _slug(s["headline"]))
        lead = LEADS[int(u[51] * len(LEADS))]
        body = " ".join(x for x in (prefix, head, lead, link) if x)
        return body, tags, [], [], NO_MENTIONS, own, 0.0

    def organic_eligible(self, eligible: np.ndarray) -> None:
        eligible[self.accounts] = False

    def durations(self, duration: np.ndarray) -> None:
        duration[self.g.kind == self.kind] *= 2.0

    def profile(self, a: int, bio: str, url: str, u: list[float]) -> tuple[str, str, bool]:
        desk = self.desks[int(np.searchsorted(self.accounts, a))]
        return f"Local news for {desk['place']}. Send us your tips.", f"https://{desk['domain']}", True

    def follows(self, a: int, chosen: dict[int, None], k: int) -> int:
        chosen.update(dict.fromkeys(int(x) for x in self.accounts[self.rng.random(len(self.accounts)) < 0.25]))
        return k

    def truth(self) -> tuple[list[str], dict]:
        u = self.g.usernames
        accounts, _ = super().truth()
        return accounts, {
            "wire_copy_desks": [u[a] for a, d in zip(self.accounts.tolist(), self.desks, strict=True)
                                if d["wire_p"] >= 0.5],
            "stories": [{"time": iso(s["time"]), "time_ts": s["time"], "headline": s["headline"],
                         "url": s["url"], "breaking": s["breaking"], "hashtags": s["hashtags"],
                         "desks": s["desks"]} for s in self.stories],
        }
