"""The account table: where each account lives, how much and when it posts, its habits, its
handle. Roles (organic, cell member, benign look-alike) are assigned by the modules that own them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .clock import COUNTRIES, COUNTRY_CODES, LANGS, ZONES, Clock
from .lexicon import TOPICS
from .phrases import FIRST_NAMES, LAST_NAMES, WORDS
from .util import stream

ROLE_ORGANIC, ROLE_CELL, ROLE_BENIGN = 0, 1, 2


@dataclass
class Accounts:
    username: list[str]
    display: list[str]
    country: np.ndarray   # index into COUNTRY_CODES
    zone: np.ndarray      # index into ZONES
    lang: np.ndarray      # index into LANGS
    shift: np.ndarray     # chronotype: hours later (+) or earlier (-) than the local rhythm
    rate: np.ndarray      # expected organic session starts in the window
    branch: np.ndarray    # mean follow-up posts per post (self-excitation)
    join: np.ndarray      # first possible organic post (Unix s)
    leave: np.ndarray     # last possible organic post
    topics: np.ndarray    # (n, 3) topic indices, first is the main one
    n_tags: np.ndarray    # mean number of hashtags per post
    p_head: np.ndarray    # chance a post carries the account's head tags (#fyp ...)
    head_combo: np.ndarray
    p_place: np.ndarray
    style: np.ndarray     # caption style
    p_mention: np.ndarray
    p_original: np.ndarray  # chance a post uses a new original sound
    trendiness: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    old_videos: np.ndarray  # videos posted before the window
    verified: np.ndarray
    user_id: np.ndarray   # TikTok user ids carry the account's creation second in the top bits
    created: np.ndarray
    role: np.ndarray
    group: np.ndarray     # cell index or benign class index, -1 otherwise
    used: set[str] = field(default_factory=set)   # membership checks only, never iterated
    protected: np.ndarray = None   # named by another module (a target, a creator): keep as is
    bio_url: dict[int, str] = field(default_factory=dict)   # the link in the profile, if any

    def __len__(self) -> int:
        return len(self.username)

    def free(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Indices of organic accounts not yet given a role (optionally also matching mask)."""
        ok = (self.role == ROLE_ORGANIC) & ~self.protected
        if mask is not None:
            ok &= mask
        return np.flatnonzero(ok)

    def protect(self, idx) -> None:
        self.protected[idx] = True

    def rename(self, idx: int, name: str, display: str | None = None) -> str:
        if self.protected[idx]:
            raise ValueError(f"account {self.username[idx]} is named elsewhere; not renamed")
        name = unique_handle(name, self.used)
        old = self.username[idx]
        self.used.discard(old)
        self.used.add(name)
        self.username[idx] = name
        if display is not None:
            self.display[idx] = display
        return name

    def assign(self, idx: np.ndarray, role: int, group: int) -> None:
        if np.any(self.role[idx] != ROLE_ORGANIC):
            raise ValueError("account already has a role")
        self.role[idx] = role
        self.group[idx] = group

    def country_code(self, i: int) -> str:
        return COUNTRY_CODES[int(self.country[i])]

    def lang_code(self, i: int) -> str:
        return LANGS[int(self.lang[i])]


_NOT_HANDLE = re.compile(r"[^a-z0-9._]")


def clean_handle(name: str) -> str:
    name = _NOT_HANDLE.sub("", name.lower())
    name = name.strip(".")[:24].rstrip(".")
    return name or "user"


def unique_handle(name: str, used: set[str]) -> str:
    name = clean_handle(name)
    if name not in used:
        return name
    base = name[:20].rstrip(".")
    k = 2
    while f"{base}{k}" in used:
        k += 1
    return f"{base}{k}"


def _handles(rng: np.random.Generator, n: int, used: set[str]) -> tuple[list[str], list[str]]:
    pattern = rng.choice(8, size=n, p=[0.2, 0.16, 0.14, 0.1, 0.1, 0.1, 0.1, 0.1])
    f = rng.integers(0, len(FIRST_NAMES), n)
    la = rng.integers(0, len(LAST_NAMES), n)
    w1 = rng.integers(0, len(WORDS), n)
    w2 = rng.integers(0, len(WORDS), n)
    sep = rng.choice(np.array(["", ".", "_", "__"]), size=n, p=[0.4, 0.3, 0.27, 0.03])
    d2 = rng.integers(0, 100, n)
    d4 = rng.integers(1960, 2012, n)
    d10 = rng.integers(10**9, 10**10, n)
    with_digits = rng.random(n) < 0.5
    names, displays = [], []
    for i in range(n):
        first, last = FIRST_NAMES[f[i]], LAST_NAMES[la[i]]
        a, b, s = WORDS[w1[i]], WORDS[w2[i]], str(sep[i])
        p = pattern[i]
        tail = f"{d2[i]:02d}" if with_digits[i] else ""
        if p == 0:
            h = f"{first}{s}{last}{tail}"
        elif p == 1:
            h = f"{first}{d4[i] if d2[i] % 2 else d2[i]}"
        elif p == 2:
            h = f"{a}{s}{b}{tail}"
        elif p == 3:
            h = f"user{d10[i]}"
        elif p == 4:
            h = f"{first}{s}{a}"
        elif p == 5:
            h = f"{a}{first}_{d2[i]:02d}"
        elif p == 6:
            h = f"its{first}{s}{tail}" if d2[i] % 3 else f"_{first}{s}{last}_"
        else:
            h = f"{first}{s}{b}{d2[i]}"
        h = unique_handle(h, used)
        used.add(h)
        names.append(h)
        disp = first.replace("_", " ").title() if p != 2 else f"{a} {b}".title()
        if p in (0, 6) and d2[i] % 2:
            disp = f"{first.title()} {last.replace('_', ' ').title()}"
        displays.append(disp)
    return names, displays


def user_ids(rng: np.random.Generator, created: np.ndarray) -> np.ndarray:
    return (np.asarray(created, dtype=np.int64) << 32) | rng.integers(0, 1 << 32, len(created))


def make_accounts(seed: int, n: int, clock: Clock) -> Accounts:
    rng = stream(seed, "accounts")
    shares = np.array([COUNTRIES[c][0] for c in COUNTRY_CODES])
    country = rng.choice(len(COUNTRY_CODES), size=n, p=shares / shares.sum())
    zone = np.zeros(n, dtype=np.int64)
    lang = np.zeros(n, dtype=np.int64)
    for ci, code in enumerate(COUNTRY_CODES):
        idx = np.flatnonzero(country == ci)
        _, zs, ls = COUNTRIES[code]
        zw = np.array([w for _, w in zs])
        zone[idx] = np.array([ZONES.index(z) for z, _ in zs])[rng.choice(len(zs), len(idx),
                                                                         p=zw / zw.sum())]
        lw = np.array([w for _, w in ls])
        lang[idx] = np.array([LANGS.index(x) for x, _ in ls])[rng.choice(len(ls), len(idx),
                                                                         p=lw / lw.sum())]
    shift = rng.choice(np.arange(-2, 4), size=n, p=[0.08, 0.17, 0.4, 0.18, 0.11, 0.06])
    # heavy-tailed activity: most accounts post a handful of times, a few post all day long
    rate = np.minimum(rng.lognormal(np.log(1.1), 1.25, n), 220.0)
    branch = np.clip(rng.beta(2.2, 3.0, n) * 0.9, 0.0, 0.85)
    window = clock.end_ts - clock.start_ts
    join = np.full(n, clock.start_ts, dtype=np.int64)
    leave = np.full(n, clock.end_ts, dtype=np.int64)
    late = rng.random(n) < 0.12          # new accounts, or accounts that found the topic late
    join[late] += (rng.random(late.sum()) * 0.8 * window).astype(np.int64)
    gone = rng.random(n) < 0.08
    leave[gone] -= (rng.random(gone.sum()) * 0.6 * window).astype(np.int64)
    leave = np.maximum(leave, join + 86400)
    topics = np.stack([rng.choice(len(TOPICS), n) for _ in range(3)], axis=1)
    n_tags = np.clip(rng.gamma(2.0, 1.5, n), 0.0, 9.0)
    p_head = rng.beta(1.2, 1.0, n)
    head_combo = rng.integers(0, 1 << 16, n)
    p_place = rng.beta(0.6, 6.0, n)
    style = rng.choice(8, size=n, p=[0.22, 0.2, 0.14, 0.1, 0.1, 0.08, 0.08, 0.08])
    p_mention = rng.beta(0.7, 7.0, n)
    p_original = rng.beta(1.5, 2.5, n)
    trendiness = rng.gamma(2.0, 0.5, n)
    followers = np.minimum(np.rint(rng.lognormal(np.log(180), 2.0, n)), 4.0e7).astype(np.int64)
    following = np.minimum(np.rint(rng.lognormal(np.log(150), 1.1, n)), 9999).astype(np.int64)
    old_videos = np.rint(rng.lognormal(np.log(25), 1.5, n)).astype(np.int64)
    verified = followers > rng.lognormal(np.log(3.0e6), 0.6, n)
    created = clock.start_ts - np.clip(rng.lognormal(np.log(500), 0.9, n), 2, 2400).astype(
        np.int64) * 86400 - rng.integers(0, 86400, n)
    created = np.minimum(created, join - 3600)
    used: set[str] = set()
    names, displays = _handles(stream(seed, "handles"), n, used)
    return Accounts(names, displays, country, zone, lang, shift, rate, branch, join, leave, topics,
                    n_tags, p_head, head_combo, p_place, style, p_mention, p_original, trendiness,
                    followers, following, old_videos, verified, user_ids(rng, created), created,
                    np.zeros(n, dtype=np.int8), np.full(n, -1, dtype=np.int32), used,
                    np.zeros(n, dtype=bool))
