"""``tv_moments``: a club's supporters reacting to televised matches, all in the same minutes.

The club plays two or three league matches in the week (evening kick-offs on weekdays,
afternoons at the weekend, local time of the league's country). Every goal is a moment on an
external clock: hundreds of viewers (400·scale^0.6 supporters, a few thousand at scale 100)
film the TV or themselves and post within minutes, 10 s + lognormal(median 2 min, σ 0.8) after
it, with the club's, the league's and the match's tags in their own words, some on the club's
chant. The first match has two goals; a conceded goal stirs a few, the final whistle many. Each
supporter has a loyalty (Beta(2, 2)) that decides how often they watch and post, so the crowds of
different moments are partly the same people. Some post again hours later; the club's account
posts every goal within a minute or two; outlets report the results.
"""

from __future__ import annotations

import math

import numpy as np

from samples.lookalikes.base import Lookalike, Take
from samples.rhythm import REGION_CODES, pick_times, rename
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import pick_head
from samples.vocab import EMOJIS, LAST_NAMES, ORGANIC_WORDS
from samples.window import WINDOW_END, WINDOW_SECONDS, WINDOW_START, iso

LEAGUES = [  # league tag, regions of its audience, UTC offset of its home market (hours), clubs
    ("northernleague", ["GB", "GB", "GB", "IE", "US", "NG"], 0,
     ["ashgroveutd", "millbrookcity", "rivertonrovers", "castlegatefc", "northwickath", "sandbayfc"]),
    ("ligacostera", ["ES", "ES", "MX", "AR", "CO", "US"], 1,
     ["realsolana", "deportivomarina", "atleticovalle", "unionsierra", "racingbahia", "cdalmenar"]),
    ("ligaaurora", ["BR", "BR", "BR", "US", "ES"], -3,
     ["esporteluz", "uniaoserra", "atleticoporto", "nauticosul", "ferroviariafc", "vilanovaec"]),
    ("superligaeste", ["TR", "DE", "NL", "DE"], 3,
     ["karadenizspor", "anadolugucu", "marmaraspor", "egeyildiz", "bogazicifk", "toroslarsk"]),
]
GOAL_CAPTIONS = ["GOOOOAL {e}", "{player} WHAT A STRIKE {e}", "{score} {e}{e}", "LETS GOOO {e}",
                 "my neighbours definitely heard me", "i'm literally shaking {e}", "{player} you legend",
                 "get in!!!", "this team man {e}", "what a finish by {player}", "{score}!!! {e}",
                 "screaming at my tv {e}", "we're so back {e}"]
CONCEDED_CAPTIONS = ["nooo not again 😭", "defending like that {e}", "{score} ugh", "wake up lads",
                     "why do we always do this"]
FULL_TIME_CAPTIONS = ["3 POINTS {e}", "WE WON {e}", "what a match {e}", "{score} full time {e}",
                      "proud of the lads", "the boys did it {e}", "sleeping well tonight {e}"]
DRAW_CAPTIONS = ["a point is a point", "{score} full time", "could've been worse", "we go again"]
LATER_CAPTIONS = ["still buzzing from the match {e}", "can't stop watching that goal {e}",
                  "{player} deserves a statue", "best matchday in ages {e}", "replaying it all night"]


class TvMoments(Lookalike):
    name = "tv_moments"
    description = ("supporters reacting to a televised match: hundreds post the club's tags within "
                   "minutes of each goal, on every match day, partly the same people each time")
    min_size = 31  # the club's account and 30 supporters

    def size(self) -> int:
        return 1 + int(round(400 * self.g.scale ** 0.6))

    def reserve(self, take: Take) -> None:
        self.club_account = int(take(1)[0])
        self.viewers = take(self.wanted - 1)
        self.accounts = np.r_[self.club_account, self.viewers]

    def regions(self, region: np.ndarray) -> None:
        rng = self.rng
        self.league, lregions, self.league_tz, self.clubs = LEAGUES[rng.integers(len(LEAGUES))]
        codes = [REGION_CODES.index(r) for r in lregions]
        home = rng.random(len(self.viewers)) < 0.85  # the rest watch from abroad
        region[self.viewers[home]] = rng.choice(codes, int(home.sum()))
        region[self.club_account] = codes[0]

    def popularity(self, popularity: np.ndarray) -> None:
        popularity[self.club_account] *= self.rng.uniform(40, 150)

    def names(self, names: list[str], taken: dict[str, int], display: list[str]) -> None:
        rng = self.rng
        self.club, *self.opponents = (str(x) for x in rng.choice(self.clubs, 4, replace=False))
        rename(names, taken, self.club_account, self.club)
        display[self.club_account] = self.club.replace("fc", " FC").replace("utd", " United").title()
        self.players = [LAST_NAMES[j].capitalize() for j in rng.choice(len(LAST_NAMES), 4, replace=False)]

    # ------------------------------------------------------------------ matches and moments
    def _matches(self) -> None:
        """2-3 match days >= 2 days apart; goal minutes; the moments with their scores."""
        rng = self.rng
        n_matches = int(rng.integers(2, 4))
        days = sorted(int(d) for d in rng.choice(np.arange(0, 7, 2), n_matches, replace=False))
        self.matches: list[dict] = []
        self.moments: list[dict] = []
        for m, day in enumerate(days):
            weekend = day in (0, 6)  # the window starts on a Sunday
            local = (15.0 if rng.random() < 0.5 else 17.5) if weekend else 20.0
            kickoff = int(WINDOW_START + day * 86400 + (local - self.league_tz) * 3600)
            opp = self.opponents[m % len(self.opponents)]
            n_for = 2 if m == 0 else int(rng.integers(1, 3))
            n_against = int(rng.integers(0, 2))
            events = sorted([(int(x), "goal") for x in rng.choice(np.arange(3, 91), n_for, replace=False)]
                            + [(int(x), "conceded") for x in rng.choice(np.arange(3, 91), n_against)])
            score = [0, 0]
            for minute, kind in events:
                score[kind == "conceded"] += 1
                t = kickoff + minute * 60 + (15 * 60 if minute > 45 else 0) + int(rng.integers(0, 60))
                self.moments.append({"match": m, "kind": kind, "minute": minute, "time": t,
                                     "score": f"{score[0]}-{score[1]}",
                                     "intensity": float(rng.uniform(0.85, 1.0) if kind == "goal"
                                                        else rng.uniform(0.12, 0.2))})
            end = kickoff + 110 * 60 + int(rng.integers(0, 300))
            final = f"{score[0]}-{score[1]}"
            self.moments.append({"match": m, "kind": "full_time", "minute": 90, "time": end, "score": final,
                                 "intensity": float(rng.uniform(0.35, 0.5)) * (score[0] >= score[1])})
            self.matches.append({"opponent": opp, "kickoff": kickoff, "score": final, "won": score[0] > score[1],
                                 "tag": self.club[:3] + opp[:3]})
            verb = "beat" if score[0] > score[1] else "draw with" if score[0] == score[1] else "lose to"
            self.g.happenings.append({
                "time": end + 600, "hashtags": [self.club, self.league], "label": f"match result {m + 1}",
                "headline": f"{self.club.capitalize()} {verb} {opp.capitalize()} {final} in the {self.league}"})

    def plan(self, rows: Rows) -> None:
        g, rng = self.g, self.rng
        self.kind = g.add_kind(self.render)
        self._matches()
        self.chant = int(g.sound_pool[rng.integers(10, 200)])
        nv = len(self.viewers)
        loyalty = rng.beta(2.0, 2.0, nv)
        watch = rng.random((len(self.matches), nv)) < 0.45 + 0.5 * loyalty
        self.posters: list[int] = []
        for k, mo in enumerate(self.moments):
            p = np.clip(loyalty * mo["intensity"] * 1.5, 0, 0.95)
            who = self.viewers[watch[mo["match"]] & (rng.random(nv) < p)]
            delay = 10 + np.minimum(np.exp(rng.normal(math.log(120), 0.8, len(who))), 1800).astype(np.int64)
            rows.add(np.minimum(mo["time"] + delay, WINDOW_END - 1), who, self.kind, k, 0)
            self.posters.append(len(who))
            # some supporters post again hours later (highlights, replays), at waking hours
            later = who[rng.random(len(who)) < 0.12]
            if len(later):
                cand = mo["time"] + 3600 + rng.integers(0, 5 * 3600, (len(later), 4))
                rows.add(pick_times(g, cand, later, rng), later, self.kind, k, 1)
            if mo["kind"] != "conceded":  # the club's account posts every goal, and the result
                t_club = min(mo["time"] + int(rng.integers(40, 180)), WINDOW_END - 1)
                rows.add(np.array([t_club]), np.array([self.club_account]), self.kind, k, 2)
        n_own = int(rng.integers(7, 15))  # training clips, tickets, interviews
        ca = np.full(n_own, self.club_account)
        rows.add(pick_times(g, WINDOW_START + rng.integers(0, WINDOW_SECONDS, (n_own, 6)), ca, rng), ca,
                 self.kind, -1, 3)

    def render(self, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
               e: list[int], sound: int, own: int, m_idx: int) -> Caption:
        g = self.g
        k, role = int(g.sub[i]), int(g.aux[i])
        if role == 3:
            body = ["matchday prep {e}", "training this morning", "tickets on sale now", "new kit {e}",
                    "behind the scenes {e}"][int(u[26] * 5)].replace("{e}", EMOJIS[e[0]])
            return body, [self.club, self.league], [], [], NO_MENTIONS, own, 0.0
        mo = self.moments[k]
        match = self.matches[mo["match"]]
        player = self.players[int(u[27] * len(self.players))]
        if role == 2:
            body = (f"GOAL! {player} {mo['minute']}' {mo['score']}" if mo["kind"] == "goal"
                    else f"Full time: {mo['score']} vs {match['opponent'].capitalize()}")
            return body, [self.club, match["tag"], self.league], [], [], NO_MENTIONS, own, 0.1
        if role == 1:
            bank = LATER_CAPTIONS
        elif mo["kind"] == "goal":
            bank = GOAL_CAPTIONS
        elif mo["kind"] == "conceded":
            bank = CONCEDED_CAPTIONS
        else:
            bank = FULL_TIME_CAPTIONS if match["won"] else DRAW_CAPTIONS
        body = bank[int(u[26] * len(bank))].replace("{player}", player).replace("{score}", mo["score"])
        body = body.replace("{e}", EMOJIS[e[0]])
        if u[28] < 0.35:
            body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:1 + int(u[2] * 5)])
        tags = [tg for tg, x, q in zip((self.club, self.league, match["tag"]), u[40:43], (0.85, 0.5, 0.4),
                                       strict=True) if x < q] or [self.club]
        if mo["kind"] == "goal" and u[43] < 0.35:
            tags.append("goal")
        tags += pick_head(g, u)
        if u[44] < 0.25:
            sound = self.chant
        return body, tags, [], [], NO_MENTIONS, sound, 0.15

    def organic_eligible(self, eligible: np.ndarray) -> None:
        eligible[self.club_account] = False

    def profile(self, a: int, bio: str, url: str, u: list[float]) -> tuple[str, str, bool]:
        if a == self.club_account:
            return f"Official account of {self.g.display[a]} ⚽", f"https://{self.club}.com", True
        return bio, url, False

    def follows(self, a: int, chosen: dict[int, None], k: int) -> int:
        if a != self.club_account:
            if self.rng.random() < 0.7:
                chosen[self.club_account] = None
            mates = self.viewers[self.rng.integers(0, len(self.viewers), int(self.rng.integers(0, 5)))]
            chosen.update(dict.fromkeys(int(x) for x in mates))
        return k

    def truth(self) -> tuple[list[str], dict]:
        u = self.g.usernames
        tags = [self.club, self.league, "goal"] + [m["tag"] for m in self.matches]
        return [u[a] for a in self.accounts], {
            "league": self.league, "club": self.club, "club_account": u[self.club_account],
            "hashtags": tags, "chant_sound": self.chant,
            "matches": [{"opponent": m["opponent"], "kickoff": iso(m["kickoff"]), "kickoff_ts": m["kickoff"],
                         "score": m["score"], "hashtag": m["tag"]} for m in self.matches],
            "moments": [{"match": mo["match"], "kind": mo["kind"], "minute": mo["minute"],
                         "time": iso(mo["time"]), "time_ts": mo["time"], "score": mo["score"],
                         "posters": n} for mo, n in zip(self.moments, self.posters, strict=True)],
            "reaction_seconds": "10 + lognormal(median 120, sigma 0.8), at most 30 min",
        }
