"""The organic world: everyday background posts, and the harmful challenge spreading organically.

* **Background.** Every account posts at least once; a per-account activity weight
  (lognormal, capped) shares out the rest of the volume, so most post a handful of videos and a
  few post dozens. Times follow each account's diurnal rhythm; some consecutive videos come
  minutes apart (batch uploads). Captions and tags are everyday ones (:mod:`samples.text`);
  1.2% carry a link (a video, a song, a shop, a fundraiser), a few links shared by many.
* **Challenge adopters** (``challenge_organic``, a benign class): 15% of accounts post 1-5
  challenge videos each, every one timed by a logistic S-curve of adoption, thinned by the
  diurnal curve; own phrasings, half on the challenge's trending sound, some copying a cell's
  caption (the campaign's message spreading organically).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from samples.rhythm import diurnal_times, pick_times
from samples.state import NO_MENTIONS, R_CELL, R_ORGANIC, Caption, Rows
from samples.text import edit_template, organic_body, organic_tags, pick_head
from samples.vocab import EMOJIS, ORGANIC_WORDS, zipf_cdf
from samples.window import WINDOW_END, WINDOW_START, iso

if TYPE_CHECKING:
    from samples.state import Incident

CHALLENGE_ORGANIC = [
    "trying the {ch} {e}", "did the {ch} with my brother", "{ch} attempt 2",
    "my mom caught me doing the {ch} {e}", "ok the {ch} is actually scary", "why is everyone doing this",
    "should i try this??", "not the {ch} {e}", "{ch} fail {e}", "is the {ch} even safe",
    "everyone at school is doing the {ch}", "please don't do the {ch} {e}", "{ch} but make it safe",
    "reacting to {ch} videos {e}", "this {ch} thing is getting out of hand",
]
CHALLENGE_DESCRIPTION = ("organic adopters of the harmful challenge: 1-5 videos each, timed by a "
                         "logistic S-curve of adoption")


LINK_SHARE = 0.012  # share of everyday posts that carry a link in the caption
LINK_LEADS = ["", "", "link: ", "go watch ", "please share ", "👉 "]
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def register(g: Incident) -> None:
    """The organic background's kind of post (registered first: its kind is 0), and its links."""
    g.k_organic = g.add_kind(lambda *row: render_background(g, *row))
    build_links(g, np.random.default_rng([g.seed, 61]))


def build_links(g: Incident, rng: np.random.Generator) -> None:
    """Links everyday posters paste into captions: videos, songs, shops, fundraisers, petitions.

    30·scale^0.3 links with Zipf popularity, so a few (a fundraiser, a viral song) are shared by
    many unrelated accounts over the week and most by one or two.
    """
    n = max(20, int(round(30 * g.scale ** 0.3)))
    links = []
    for _ in range(n):
        k = int(rng.integers(5))
        code = "".join(B64[j] for j in rng.integers(0, 62 if k else 64, 22).tolist())
        links.append(["https://youtu.be/" + code[:11], "https://open.spotify.com/track/" + code,
                      "https://amzn.to/" + code[:7], "https://gofund.me/" + code[:8].lower(),
                      "https://www.change.org/p/" + "-".join(
                          ORGANIC_WORDS[j] for j in rng.integers(0, len(ORGANIC_WORDS), 4).tolist())][k])
    g.organic_links = links
    g.link_cdf = zipf_cdf(n, 1.1)


def challenge_size(g: Incident) -> int:
    return max(20, int(round(0.15 * g.n_acc)))


# ------------------------------------------------------------------------------ challenge
def plan_challenge(g: Incident, rows: Rows, rng: np.random.Generator) -> None:
    """Challenge adopters: logistic (S-curve) adoption times, diurnally thinned."""
    g.k_challenge = g.add_kind(lambda *row: render_challenge(g, *row))
    g.ch_mid = WINDOW_START + rng.uniform(2.6, 4.2) * 86400
    g.ch_s = rng.uniform(0.35, 0.55) * 86400
    lo = 1 / (1 + math.exp(-(WINDOW_START - g.ch_mid) / g.ch_s))
    hi = 1 / (1 + math.exp(-(WINDOW_END - g.ch_mid) / g.ch_s))
    # Each adopter posts 1-5 challenge videos, every one timed by the same adoption curve
    # (so the volume, not only the first use, follows the S-curve).
    per = np.minimum(1 + rng.poisson(0.9, len(g.chal_accts)), 5)
    ca = np.repeat(g.chal_accts, per)
    u = rng.uniform(lo, hi, (len(ca), 6))
    cand = (g.ch_mid + g.ch_s * np.log(u / (1 - u))).astype(np.int64)
    rows.add(pick_times(g, cand, ca, rng), ca, g.k_challenge, ch=True)


def render_challenge(g: Incident, i: int, a: int, t: int, u: list[float], wrow: list[int],
                     trow: list[int], e: list[int], sound: int, own: int, m_idx: int) -> Caption:
    if u[26] < 0.1:  # amplification: someone copies a campaign caption
        cell = g.cells[int(u[27] * len(g.cells))]
        body, has_inline = edit_template(cell.templates[0], u[30:], e, cell.emojis, 1 + int(u[5] * 9),
                                         g.challenge)
    else:
        tpl = CHALLENGE_ORGANIC[int(u[27] * len(CHALLENGE_ORGANIC))]
        body = tpl.replace("{e}", EMOJIS[e[0]]).replace("{ch}", "#" + g.challenge)
        if u[28] < 0.5:
            body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:2 + int(u[2] * 5)])
        has_inline = "{ch}" in tpl
    inline = [g.challenge] if has_inline else []
    tags = [g.challenge] + [v for j, v in enumerate(g.challenge_variants) if u[88 + j] < 0.3]
    tags += pick_head(g, u)
    if u[29] < 0.5:
        sound = g.challenge_sound
    return body, tags, inline, [], NO_MENTIONS, sound, 0.05


def challenge_truth(g: Incident) -> tuple[list[str], dict]:
    return ([g.usernames[a] for a in g.chal_accts],
            {"midpoint": iso(int(g.ch_mid)), "scale_hours": round(g.ch_s / 3600, 2),
             "sound": g.challenge_sound})


# ----------------------------------------------------------------------------- background
def plan_background(g: Incident, rows: Rows, camo: np.ndarray, planned: np.ndarray,
                    rng: np.random.Generator) -> None:
    """Organic background for everyone (cells' camouflage included), heavy-tailed counts.

    ``planned`` counts each account's posts so far: everyone posts at least once in the week.
    """
    n = g.n_acc
    eligible = g.role != R_CELL
    for la in g.lookalikes:
        la.organic_eligible(eligible)
    first = (g.role == R_ORGANIC) | ((planned == 0) & eligible)
    w = np.minimum(np.exp(rng.normal(0, 1.25, n)), 25.0) * eligible
    n_free = max(0, g.n_target - int(planned.sum()) - int(camo.sum()) - int(first.sum()))
    counts = rng.multinomial(n_free, w / w.sum()) + first + camo
    for la in g.lookalikes:
        la.organic_extra(counts)
    oa = np.repeat(np.arange(n, dtype=np.int32), counts)
    t_org = diurnal_times(g, oa, rng)
    # batch uploads: some consecutive videos of an account come minutes apart
    order = np.lexsort((t_org, oa))
    t_sorted, a_sorted = t_org[order], oa[order]
    same = np.r_[False, a_sorted[1:] == a_sorted[:-1]]
    batch = same & (rng.random(len(oa)) < 0.2)
    t_new = np.r_[t_sorted[:1], t_sorted[:-1]] + np.exp(rng.normal(math.log(300), 0.9, len(oa))).astype(np.int64)
    t_sorted = np.where(batch & (t_new < WINDOW_END), t_new, t_sorted)
    rows.add(t_sorted, a_sorted, g.k_organic)


def render_background(g: Incident, i: int, a: int, t: int, u: list[float], wrow: list[int],
                      trow: list[int], e: list[int], sound: int, own: int, m_idx: int) -> Caption:
    body = organic_body(wrow, u, e)
    if u[26] < LINK_SHARE:
        link = g.organic_links[int(np.searchsorted(g.link_cdf, u[27]))]
        body = (body + " " + LINK_LEADS[int(u[28] * len(LINK_LEADS))] + link).strip()
    tags = organic_tags(g, a, u, trow)
    mentions = [g.usernames[m_idx]] if u[25] < 0.03 else []
    return body, tags, [], mentions, NO_MENTIONS, sound, 0.0
