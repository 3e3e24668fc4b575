"""Per-post values both formats need: counters, durations, region codes, normalised hashtag
names, sound titles; drawn once for the whole incident so files do not depend on chunking."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from ..accounts import Accounts
from ..clock import COUNTRY_CODES, LANGS
from ..phrases import ORIGINAL_SOUND
from ..posts import Incident
from ..sounds import Sounds
from ..util import stream


@dataclass
class PostFields:
    views: np.ndarray
    likes: np.ndarray
    comments: np.ndarray
    shares: np.ndarray
    favorites: np.ndarray
    duration: np.ndarray
    region: list[str]
    no_tag_list: np.ndarray     # Research API quirk: hashtag_names missing, tags only in the text
    empty_mentions: np.ndarray  # video_mention_list given as [] instead of left out
    effect: np.ndarray
    voice: np.ndarray
    collected: np.ndarray       # when a Zeeschuimer session saw the post (Unix s)


class Columns:
    """Numeric columns of some posts (``idx``) as Python lists, position by position: the
    writers touch every value once, and numpy scalars are slow one at a time. Built per file, so
    a million posts never sit in memory as Python ints."""

    def __init__(self, inc: Incident, f: PostFields, idx: np.ndarray) -> None:
        self.ids = inc.ids[idx].tolist()
        self.ts = inc.ts[idx].tolist()
        self.author = inc.author[idx].tolist()
        self.sound = inc.sound[idx].tolist()
        self.kind = inc.kind[idx].tolist()
        self.duet_of = inc.duet_of[idx].tolist()
        self.likes, self.comments = f.likes[idx].tolist(), f.comments[idx].tolist()
        self.shares, self.views = f.shares[idx].tolist(), f.views[idx].tolist()
        self.favorites, self.duration = f.favorites[idx].tolist(), f.duration[idx].tolist()
        self.no_tag_list, self.empty_mentions = f.no_tag_list[idx].tolist(), f.empty_mentions[idx].tolist()
        self.effect, self.voice = f.effect[idx].tolist(), f.voice[idx].tolist()


class AccountColumns:
    def __init__(self, acc: Accounts) -> None:
        self.user_id = acc.user_id.tolist()
        self.followers, self.following = acc.followers.tolist(), acc.following.tolist()
        self.old_videos, self.verified = acc.old_videos.tolist(), acc.verified.tolist()
        self.lang = acc.lang.tolist()


def norm_tags(tags: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for t in tags:
        x = unicodedata.normalize("NFC", t).strip().lstrip("#").lower()
        if x and x not in out:
            out.append(x)
    return out


def sound_title(inc: Incident, i: int, acc: Accounts, sounds: Sounds) -> tuple[str, str, bool]:
    sid = int(inc.sound[i])
    meta = sounds.meta.get(sid)
    if meta is not None:
        return meta[0], meta[1], False
    owner = int(inc.sound_owner[i])
    if owner < 0:
        owner = int(inc.author[i])
    lang = LANGS[int(acc.lang[owner])]
    return f"{ORIGINAL_SOUND[lang]} - {acc.display[owner]}", acc.display[owner], True


def post_fields(seed: int, inc: Incident, acc: Accounts, end_ts: int) -> PostFields:
    rng = stream(seed, "fields")
    n = len(inc)
    views = np.rint(np.exp(np.clip(inc.reach, 0, 20))).astype(np.int64)
    likes = np.rint(views * rng.beta(2.0, 18.0, n)).astype(np.int64)
    comments = np.rint(likes * rng.beta(1.2, 30.0, n)).astype(np.int64)
    shares = np.rint(likes * rng.beta(1.0, 40.0, n)).astype(np.int64)
    favorites = np.rint(likes * rng.beta(1.5, 14.0, n)).astype(np.int64)
    duration = np.clip(np.rint(rng.lognormal(np.log(19), 0.75, n)), 3, 600).astype(np.int64)
    codes = np.array(COUNTRY_CODES)
    region_idx = np.where(inc.region >= 0, inc.region, acc.country[inc.author])
    region = codes[region_idx].tolist()
    collected = np.minimum(inc.ts + rng.lognormal(np.log(1.2 * 86400), 0.8, n).astype(np.int64),
                           end_ts + 3 * 86400)
    return PostFields(views, likes, comments, shares, favorites, duration, region,
                      rng.random(n) < 0.07, rng.random(n) < 0.3, rng.random(n) < 0.12,
                      rng.random(n) < 0.04, collected)
