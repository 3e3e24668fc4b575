"""What a researcher pulled per account from the Research API: profile info, following lists
and reposted videos, for a sample of the accounts seen (more likely for the busier ones)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..accounts import Accounts
from ..captions import emoji
from ..clock import COUNTRY_CODES
from ..lexicon import PLACE_TAGS, TOPICS
from ..posts import Incident
from ..social import Social
from ..util import stream

_BIOS = ["{e} {t} | {p}", "just vibes {e}", "", "📍{p}", "{t} content daily", "ig: {h}",
         "business: {h}@gmail.com", "{e}{e}", "living my best life", "{t} • {p} • {e}",
         "not a professional {t} person", "follow for more {t}", "she/her {e}", "{p} 🏠"]


@dataclass
class Profiles:
    info: np.ndarray          # accounts whose user_info was fetched
    following: dict[int, list[int]]
    reposts: dict[int, list[int]]       # account -> incident positions (>= 0) or ~external index
    external_ids: np.ndarray
    external_authors: list[str]
    external_ts: np.ndarray
    external_deleted: np.ndarray


def make_profiles(seed: int, inc: Incident, acc: Accounts, social: Social,
                  follows: list[tuple[int, int]], videos: int) -> Profiles:
    rng = stream(seed, "profiles")
    n = len(acc)
    posts = np.bincount(inc.author, minlength=n)
    seen = posts > 0
    p_info = np.where(posts >= 4, 0.7, 0.22)
    p_foll = np.where(posts >= 4, 0.15, 0.05)
    p_rep = np.where(posts >= 3, 0.6, 0.15)
    info = np.flatnonzero(seen & (rng.random(n) < p_info))
    fol = np.flatnonzero(seen & (rng.random(n) < p_foll))
    rep = np.flatnonzero(seen & (rng.random(n) < p_rep))
    # the follows that modules know about (fans -> creator, friends, cell meshes ...)
    known: dict[int, list[int]] = {}
    want = np.zeros(n, dtype=bool)
    want[fol] = True
    for a, b in follows:
        if want[a]:
            known.setdefault(a, []).append(b)
    following: dict[int, list[int]] = {}
    pop = social.popular
    pop_w = 1.0 / np.arange(1, len(pop) + 1) ** 0.8
    pop_w /= pop_w.sum()
    for a in fol.tolist():
        k = int(min(acc.following[a], 160))
        base = known.get(a, [])
        n_pop = int(k * rng.uniform(0.2, 0.5))
        n_fr = max(0, k - n_pop - len(base))
        cand = base + pop[rng.choice(len(pop), n_pop, p=pop_w)].tolist() + social.friends(
            rng, np.full(n_fr, a)).tolist()
        following[a] = [x for x in dict.fromkeys(cand) if x != a]
    # reposts: what modules say (ring members, fans, entrants ...), plus ordinary reposts of
    # viral posts, friends' posts and videos outside the collection
    want[:] = False
    want[rep] = True
    reposts: dict[int, list[int]] = {a: [] for a in rep.tolist()}
    for a, p in zip(inc.repost_acct.tolist(), inc.repost_post.tolist(), strict=True):
        if want[a]:
            reposts[a].append(p)
    n_ext = max(40, videos // 2500)
    ext_ids = (rng.integers(int(inc.ts.min()) - 120 * 86400, int(inc.ts.min()), n_ext) << 32
               ) | rng.integers(0, 1 << 32, n_ext)
    ext_ts = ext_ids >> 32
    ext_authors = [f"{x}" for x in rng.choice(np.array(["bigcreator", "viralclips", "the.real",
                   "daily.dose", "famous"]), n_ext)]
    ext_authors = [f"{b}{'.' if i % 2 else '_'}{i:03d}" for i, b in enumerate(ext_authors)]
    ext_deleted = rng.random(n_ext) < 0.2
    weight = np.exp(np.clip(inc.reach, 0, 18))
    cdf = np.cumsum(weight / weight.sum())
    cdf[-1] = 1.0
    for a in rep.tolist():
        k = int(rng.poisson(0.4 + 0.12 * posts[a]))
        k = min(k, 40)
        viral = np.searchsorted(cdf, rng.random(k), side="right").tolist()
        ext = [~int(x) for x in rng.integers(0, n_ext, int(rng.binomial(k, 0.15)))]
        reposts[a] = list(dict.fromkeys(reposts[a] + viral + ext))[:60]
        reposts[a] = [p for p in reposts[a] if p < 0 or inc.author[p] != a]
    return Profiles(info, following, reposts, ext_ids, ext_authors, ext_ts, ext_deleted)


def bio(rng: np.random.Generator, acc: Accounts, a: int) -> str:
    t = TOPICS[int(acc.topics[a, 0])]
    places = PLACE_TAGS[COUNTRY_CODES[int(acc.country[a])]]
    p = places[int(rng.integers(len(places)))]
    b = _BIOS[int(rng.integers(len(_BIOS)))]
    return b.format(e=emoji(rng.random()), t=t, p=p, h=acc.username[a])
