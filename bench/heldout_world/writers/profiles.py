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
    pop_cdf = np.cumsum(1.0 / np.arange(1, len(pop) + 1) ** 0.8)
    pop_cdf /= pop_cdf[-1]
    k_all = np.minimum(acc.following[fol], 160)
    n_pop = (k_all * rng.uniform(0.2, 0.5, len(fol))).astype(np.int64)
    n_base = np.array([len(known.get(a, ())) for a in fol.tolist()], dtype=np.int64)
    n_fr = np.maximum(0, k_all - n_pop - n_base)
    pops = np.split(pop[np.searchsorted(pop_cdf, rng.random(int(n_pop.sum())), side="right")],
                    np.cumsum(n_pop)[:-1])
    frs = np.split(social.friends(rng, np.repeat(fol, n_fr)), np.cumsum(n_fr)[:-1])
    for j, a in enumerate(fol.tolist()):
        cand = known.get(a, []) + pops[j].tolist() + frs[j].tolist()
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
    k = np.minimum(rng.poisson(0.4 + 0.12 * posts[rep]), 40)
    n_e = rng.binomial(k, 0.15)
    virals = np.split(np.searchsorted(cdf, rng.random(int(k.sum())), side="right"),
                      np.cumsum(k)[:-1])
    exts = np.split(~rng.integers(0, n_ext, int(n_e.sum())), np.cumsum(n_e)[:-1])
    authors = inc.author.tolist()
    for j, a in enumerate(rep.tolist()):
        lst = list(dict.fromkeys(reposts[a] + virals[j].tolist() + exts[j].tolist()))[:60]
        reposts[a] = [p for p in lst if p < 0 or authors[p] != a]
    return Profiles(info, following, reposts, ext_ids, ext_authors, ext_ts, ext_deleted)


def bio(rng: np.random.Generator, acc: Accounts, a: int) -> str:
    t = TOPICS[int(acc.topics[a, 0])]
    places = PLACE_TAGS[COUNTRY_CODES[int(acc.country[a])]]
    p = places[int(rng.integers(len(places)))]
    b = _BIOS[int(rng.integers(len(_BIOS)))]
    return b.format(e=emoji(rng.random()), t=t, p=p, h=acc.username[a])
