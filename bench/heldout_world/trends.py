"""Trends that rise and fall by imitation (Bass diffusion), country by country.

Each trend starts in one country and spreads, with a lag, to countries that share its language
(and sometimes to others). A trend is a hashtag (with aliases), a sound, or both, and may carry a
caption meme that people copy. One trend is a harmful challenge: it spreads the same way, and
when the platform hides its main tag people switch to spelling variants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .clock import COUNTRIES, COUNTRY_CODES, Clock
from .lexicon import TOPICS
from .sounds import Sounds, original_sound_id
from .util import pick, stream

_WORD = ["tomato", "mango", "velvet", "jelly", "pickle", "moonwalk", "sprinkler", "napkin",
         "spaghetti", "cloud", "bubble", "frog", "tornado", "sticker", "puzzle", "lemon",
         "popcorn", "mirror", "ribbon", "noodle", "thunder", "cactus", "marble", "biscuit",
         "banana", "rocket", "pixel", "waffle", "glitter", "penguin", "taco", "disco"]
_SUFFIX = ["challenge", "dance", "trend", "check", "core", "girl", "era", "test", "filter",
           "walk", "face", "theory", "summer", "boys", "moment"]
_MEMES = ["me when the {w} hits", "pov: you finally tried the {w} trend", "{w} check ✅",
          "tell me you're obsessed with {w} without telling me", "the {w} trend but make it chaotic",
          "did the {w} thing 😭", "ok the {w} trend is actually hard", "{w} era activated"]
HARMFUL = ["frostbitechallenge", "dizzydropchallenge", "nosleepchallenge", "icetubchallenge",
           "holdbreathchallenge", "pillspinchallenge"]
_WARN = ["PSA: stop doing the {t}, it put a kid in hospital", "please don't try the {t} 🙏",
         "parents, talk to your kids about the {t}", "why is the {t} even a thing??"]
_DOING = ["doing the {t} 😳", "tried the {t} 💀", "{t} part 2", "my turn #{t}",
          "we did the {t} lol", "{t} at 3am", "rate my {t}"]


@dataclass
class Trend:
    name: str
    tags: list[str]           # display forms; the first is the main tag
    alias_p: float            # chance each alias is added next to the main tag
    sound: int                # 0 = no sound of its own
    sound_owner: int          # -1 = a catalogue song
    sound_p: float
    memes: list[str]
    topic: int                # -1 = any topic
    origin: int
    kind: str                 # "tag", "sound", "both" or "challenge"


@dataclass
class Challenge:
    index: int
    base: str
    variants: list[str]
    onset_ts: int
    hidden_ts: int            # the platform hides the base tag from search; variants take over
    warn_captions: list[str]
    doing_captions: list[str]


@dataclass
class Trends:
    items: list[Trend]
    level: np.ndarray         # (trends, countries, hours): share of posts using the trend
    challenge: Challenge
    topic_of: np.ndarray = field(default=None)

    def sample(self, rng: np.random.Generator, clock: Clock, ts: np.ndarray, country: np.ndarray,
               topics: np.ndarray, trendiness: np.ndarray) -> np.ndarray:
        """The trend each post joins (-1 for none)."""
        out = np.full(len(ts), -1, dtype=np.int64)
        hour = np.clip((ts - clock.start_ts) // 3600, 0, clock.hours - 1)
        for lo in range(0, len(ts), 50_000):
            sl = slice(lo, lo + 50_000)
            lv = self.level[:, country[sl], hour[sl]].T.astype(np.float64)   # (n, K)
            match = (self.topic_of[None, :] == topics[sl, :1]) | (
                self.topic_of[None, :] == topics[sl, 1:2]) | (self.topic_of[None, :] == topics[sl, 2:3])
            aff = np.where(self.topic_of[None, :] < 0, 1.0, np.where(match, 2.2, 0.55))
            w = lv * aff * trendiness[sl, None]
            tot = w.sum(axis=1)
            use = rng.random(len(tot)) < np.minimum(tot, 0.65)
            cw = np.cumsum(w, axis=1)
            u = rng.random(len(tot)) * tot
            k = (cw < u[:, None]).sum(axis=1)
            out[sl] = np.where(use & (tot > 0), np.minimum(k, len(self.items) - 1), -1)
        return out

    def challenge_tag(self, rng: np.random.Generator, ts: int) -> str:
        ch = self.challenge
        after = ts >= ch.hidden_ts
        if rng.random() < (0.25 if after else 0.9):
            base = ch.base
        else:
            base = pick(rng, ch.variants)
        r = rng.random()
        return base.title() if r < 0.12 else base


def _bass(t: np.ndarray, p: float, q: float) -> np.ndarray:
    e = np.exp(-(p + q) * np.maximum(t, 0.0))
    f = ((p + q) ** 2 / p) * e / (1.0 + (q / p) * e) ** 2
    return np.where(t >= 0, f, 0.0)


def _curve(rng: np.random.Generator, hours: int, start_h: float, peak_after_h: float,
           lag_h: float) -> np.ndarray:
    p = float(rng.uniform(0.01, 0.05))
    q = float(rng.uniform(0.35, 0.8))
    t_peak = np.log(q / p) / (p + q)
    unit = peak_after_h / t_peak
    t = (np.arange(hours) + 0.5 - start_h - lag_h) / unit
    f = _bass(t, p, q)
    peak = _bass(np.array([t_peak]), p, q)[0]
    return f / peak


def _variants(base: str, rng: np.random.Generator) -> list[str]:
    stem = base[: -len("challenge")]
    cut = int(rng.integers(1, max(2, len(stem) - 1)))
    return [f"{stem}challenge2", f"{stem}_challenge", f"{stem[:cut]}{stem[cut + 1:]}challenge",
            f"{stem}chall", f"{stem}challenges", f"{stem}chal1enge"]


def make_trends(seed: int, videos: int, clock: Clock, sounds: Sounds) -> Trends:
    rng = stream(seed, "trends")
    H, C = clock.hours, len(COUNTRY_CODES)
    k_tag = int(np.clip(12 + 28 * (videos / 1e6) ** 0.3, 12, 48))
    k_sound = k_tag // 2
    shares = np.array([COUNTRIES[c][0] for c in COUNTRY_CODES])
    langs = [set(x for x, _ in COUNTRIES[c][2]) for c in COUNTRY_CODES]
    items: list[Trend] = []
    levels: list[np.ndarray] = []
    used: set[str] = set()

    def spread(amp: float, origin: int, start_h: float, peak_h: float, reach: float,
               other_p: float | None = None) -> np.ndarray:
        lv = np.zeros((C, H), dtype=np.float32)
        for c in range(C):
            if c == origin:
                lag, a = 0.0, 1.0
            elif langs[c] & langs[origin] and rng.random() < 0.85 * reach + 0.1:
                lag, a = rng.uniform(4, 30), rng.uniform(0.35, 1.0)
            elif rng.random() < (0.4 * reach if other_p is None else other_p):
                lag, a = rng.uniform(24, 110), rng.uniform(0.15, 0.7)
            else:
                continue
            lv[c] = amp * a * _curve(rng, H, start_h, peak_h, lag)
        return lv

    for i in range(k_tag + k_sound):
        is_sound = i >= k_tag
        while True:
            w, s = pick(rng, _WORD), pick(rng, _SUFFIX)
            name = f"{w}{s}"
            if name not in used:
                used.add(name)
                break
        origin = int(rng.choice(C, p=shares / shares.sum()))
        topic = int(rng.integers(-1, len(TOPICS))) if rng.random() < 0.7 else -1
        kind = "sound" if is_sound else ("both" if rng.random() < 0.55 else "tag")
        sound, owner = 0, -1
        if kind in ("sound", "both"):
            sound = int(pick(rng, list(sounds.ids[:400])))
            if rng.random() < 0.35:           # somebody's original sound went viral
                sound = int(original_sound_id(rng, np.array([clock.start_ts - 86400 * 3]))[0])
                owner = -2                    # owner picked by the organic module
        tags = [] if kind == "sound" else [name, w] if rng.random() < 0.5 else [name]
        memes = [m.format(w=w) for m in rng.choice(_MEMES, size=2, replace=False)]
        items.append(Trend(name, tags, 0.3, sound, owner, 0.75 if kind != "tag" else 0.0,
                           memes, topic, origin, kind))
        amp = float(np.clip(rng.lognormal(np.log(0.03), 0.8), 0.005, 0.12))
        levels.append(spread(amp, origin, rng.uniform(-0.4 * H, 0.85 * H),
                             rng.lognormal(np.log(36), 0.5), rng.uniform(0.2, 1.0)))

    base = pick(rng, HARMFUL)
    origin = COUNTRY_CODES.index(pick(rng, ["US", "US", "GB", "BR", "ID", "PH", "MX"]))
    onset_h = rng.uniform(0.08, 0.35) * H
    ch_sound = int(original_sound_id(rng, np.array([clock.start_ts + int(onset_h * 3600)]))[0])
    ch = Trend(base, [base, "challenge"], 0.25, ch_sound, -2, 0.55, [], TOPICS.index("pranks"),
               origin, "challenge")
    items.append(ch)
    levels.append(spread(float(rng.uniform(0.05, 0.09)), origin, onset_h,
                         rng.uniform(50, 110), 0.9, other_p=0.75))
    onset_ts = clock.start_ts + int(onset_h * 3600)
    hidden = onset_ts + int(rng.uniform(3.0, 6.0) * 86400)
    challenge = Challenge(len(items) - 1, base, _variants(base, rng), onset_ts,
                          min(hidden, clock.end_ts - 86400), [w.format(t=base) for w in _WARN],
                          [d.format(t=base) for d in _DOING])
    ch.memes = challenge.doing_captions[:3] + challenge.warn_captions[:1]
    trends = Trends(items, np.stack(levels), challenge)
    trends.topic_of = np.array([t.topic for t in items])
    return trends
