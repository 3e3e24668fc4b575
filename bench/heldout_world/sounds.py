"""Sounds: a catalogue of songs with Zipf popularity per language, and original sounds.

A TikTok original sound gets its id when the video that made it is posted, so its id sits next
to that video's id (creation second in the top bits). Reused original sounds keep their owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .clock import LANGS
from .phrases import FIRST_NAMES, LAST_NAMES, WORDS
from .util import stream, zipf_weights

_TITLE_A = ["midnight", "summer", "heart", "fire", "golden", "lonely", "paradise", "electric",
            "sweet", "broken", "wild", "neon", "ocean", "velvet", "crazy", "slow", "dancing",
            "falling", "city", "dream", "honey", "ghost", "sugar", "rain", "lights", "money"]
_TITLE_B = ["love", "nights", "eyes", "drive", "feelings", "girl", "boy", "party", "memories",
            "baby", "rush", "hours", "kiss", "town", "mode", "season", "days", "magic", "vibe"]
_SUFFIX = ["", "", "", " (sped up)", " (slowed + reverb)", " (remix)", " - Remix",
           " (feat. {0})", " x {0}", " (Live)"]


@dataclass
class Sounds:
    ids: np.ndarray          # catalogue song ids
    lang: np.ndarray         # -1 = international
    titles: list[str]
    artists: list[str]
    by_lang_cdf: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    meta: dict[int, tuple[str, str]] = field(default_factory=dict)   # id -> (title, author)

    def pick(self, rng: np.random.Generator, lang: np.ndarray) -> np.ndarray:
        """A catalogue song per post; 65% from its language's charts, the rest international."""
        out = np.empty(len(lang), dtype=np.int64)
        local = rng.random(len(lang)) < 0.65
        for code in np.unique(lang):
            for use_local in (True, False):
                m = (lang == code) & (local == use_local)
                if not m.any():
                    continue
                key = int(code) if use_local and int(code) in self.by_lang_cdf else -1
                idx, cdf = self.by_lang_cdf[key]
                out[m] = self.ids[idx[np.searchsorted(cdf, rng.random(int(m.sum())), side="right")]]
        return out

    def register(self, sound_id: int, title: str, author: str) -> None:
        self.meta[int(sound_id)] = (title, author)


def make_sounds(seed: int, videos: int) -> Sounds:
    rng = stream(seed, "sounds")
    n = max(1200, videos // 70)
    ids = rng.integers(6_750_000_000_000_000_000, 7_290_000_000_000_000_000, n, dtype=np.int64)
    ids = np.unique(ids)
    rng.shuffle(ids)
    n = len(ids)
    lang = np.where(rng.random(n) < 0.45, -1, rng.integers(0, len(LANGS), n))
    titles, artists = [], []
    ta = rng.integers(0, len(_TITLE_A), n)
    tb = rng.integers(0, len(_TITLE_B), n)
    sx = rng.integers(0, len(_SUFFIX), n)
    fa = rng.integers(0, len(FIRST_NAMES), n)
    la = rng.integers(0, len(LAST_NAMES), n)
    wa = rng.integers(0, len(WORDS), n)
    for i in range(n):
        if i % 3 == 0:
            artist = f"{WORDS[wa[i]].upper()} {_TITLE_B[tb[i]].title()}"
        else:
            artist = f"{FIRST_NAMES[fa[i]].title()} {LAST_NAMES[la[i]].replace('_', ' ').title()}"
        feat = FIRST_NAMES[(fa[i] + 7) % len(FIRST_NAMES)].title()
        title = f"{_TITLE_A[ta[i]].title()} {_TITLE_B[tb[i]].title()}" + _SUFFIX[sx[i]].format(feat)
        titles.append(title)
        artists.append(artist)
    sounds = Sounds(ids, lang, titles, artists)
    for key in [-1, *range(len(LANGS))]:
        idx = np.flatnonzero(lang == key) if key >= 0 else np.flatnonzero(lang == -1)
        if key >= 0:
            idx = np.concatenate([idx, np.flatnonzero(lang == -1)[: len(idx) // 2]])
        cdf = np.cumsum(zipf_weights(len(idx), 1.05))
        cdf[-1] = 1.0
        sounds.by_lang_cdf[key] = (idx, cdf)
    for i in range(n):
        sounds.meta[int(ids[i])] = (titles[i], artists[i])
    return sounds


def original_sound_id(rng: np.random.Generator, ts: np.ndarray) -> np.ndarray:
    """Ids for new original sounds made by videos posted at ``ts``."""
    return (np.asarray(ts, dtype=np.int64) + rng.integers(0, 3, len(ts))) << 32 | rng.integers(
        0, 1 << 32, len(ts), dtype=np.int64)
