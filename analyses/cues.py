"""Visible cues: posts that react to another post, and posts that name each other.

Fans react to a creator within minutes of each new post: they mention the creator, duet or
repost the post, or use the creator's new sound. Two fans then post together again and again,
but what synchronises them is the creator's post, which everyone can see. Friends who film
together say so: each names the other in the post. Lockstep looks for *covert* coordination, so
co-actions that a visible cue explains are shown but not counted as evidence.

**Reactions.** A post ``q`` refers to a post ``r`` of another account when ``q`` reposts or
duets ``r``, mentions ``r``'s author and ``r`` is that author's latest post before ``q``, or uses
the sound whose first post in the data is ``r``; it *reacts* to ``r`` when it came at most
``horizon`` seconds after ``r``. An account is a *cue source* when at least ``min_cue_posts`` of
its posts drew reactions from at least ``min_reactors_per_post`` accounts each, from at least
``min_reactors`` accounts in all: a creator with an audience. (A cell member who happened to post
first in one wave, or introduced the cell's sound once, is not one.) Each post keeps the most
recent cue-source post it reacts to (:func:`reaction_cues`).

**Open ties.** A pair of posts in which one tags the other's author (:func:`names_each_other`) is
open collaboration (friends filming together), not covert coordination; the credit a duet or
stitch gives its original ("#duet with @x") is not a tag: cells amplify their own posts that way.

The idea of separating an exogenous, visible trigger from endogenous synchrony follows the
discussion of organic versus coordinated synchrony in Pacheco et al. (2021, "Uncovering
coordinated networks on social media: methods and case studies", ICWSM) and the
leader-follower patterns of CopyCatch (Beutel et al. 2013, "CopyCatch: stopping group attacks by
spotting lockstep behavior in social networks", WWW), where a follower's action is dated
relative to the object it follows.

>>> import numpy as np
>>> # creator 0 posts at 0, 1000, 2000 (posts 0-2); fans 1..3 mention 0 a minute later each time
>>> author = np.array([0, 0, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3])
>>> t = np.array([0, 1000, 2000, 60, 70, 80, 1060, 1070, 1080, 2060, 2070, 2080])
>>> mention_post = np.arange(3, 12); mention_account = np.zeros(9, dtype=int)
>>> cue = reaction_cues(author, t, mentions=(mention_post, mention_account), min_reactors=3)
>>> cue.tolist()
[-1, -1, -1, 0, 0, 0, 1, 1, 1, 2, 2, 2]
"""

from __future__ import annotations

import numpy as np

NONE = -1


def _latest_before(post_author: np.ndarray, post_t: np.ndarray, who: np.ndarray,
                   when: np.ndarray) -> np.ndarray:
    """For each (account ``who``, time ``when``): that account's latest post strictly before
    ``when`` (a post code), or -1."""
    order = np.lexsort((post_t, post_author))
    a_s, t_s = post_author[order].astype(np.int64), post_t[order].astype(np.int64)
    span = int(max(t_s.max(initial=0), when.max(initial=0))) + 2
    key_s = a_s * span + t_s
    q = who.astype(np.int64) * span + when.astype(np.int64)
    pos = np.searchsorted(key_s, q, side="left") - 1
    ok = pos >= 0
    ok[ok] = a_s[pos[ok]] == who[ok]
    out = np.full(len(who), NONE, dtype=np.int64)
    out[ok] = order[pos[ok]]
    return out


def reaction_cues(
    post_author: np.ndarray,
    post_t: np.ndarray,
    *,
    reposts: tuple[np.ndarray, np.ndarray] | None = None,
    mentions: tuple[np.ndarray, np.ndarray] | None = None,
    sounds: tuple[np.ndarray, np.ndarray] | None = None,
    horizon: int = 6 * 3600,
    min_cue_posts: int = 3,
    min_reactors_per_post: int = 2,
    min_reactors: int = 5,
) -> np.ndarray:
    """Per post: the cue-source post it reacts to (a post code), or -1.

    Posts are codes ``0..n-1`` with ``post_author`` and ``post_t``. ``reposts``: (post, reposted
    post) code pairs; ``mentions``: (post, mentioned account code); ``sounds``: (post, sound code).
    """
    n = len(post_t)
    post_author = np.asarray(post_author, dtype=np.int64)
    post_t = np.asarray(post_t, dtype=np.int64)
    qs: list[np.ndarray] = []
    rs: list[np.ndarray] = []
    if reposts is not None and len(reposts[0]):
        qs.append(np.asarray(reposts[0], dtype=np.int64))
        rs.append(np.asarray(reposts[1], dtype=np.int64))
    if mentions is not None and len(mentions[0]):
        q = np.asarray(mentions[0], dtype=np.int64)
        qs.append(q)
        rs.append(_latest_before(post_author, post_t, np.asarray(mentions[1], np.int64), post_t[q]))
    if sounds is not None and len(sounds[0]):
        q = np.asarray(sounds[0], dtype=np.int64)
        s = np.asarray(sounds[1], dtype=np.int64)
        order = np.lexsort((q, post_t[q], s))  # by sound, then time, then post
        first = np.ones(len(order), dtype=bool)
        first[1:] = s[order][1:] != s[order][:-1]
        owner_of = np.full(int(s.max()) + 1, NONE, dtype=np.int64)
        owner_of[s[order][first]] = q[order][first]
        qs.append(q)
        rs.append(owner_of[s])
    if not qs:
        return np.full(n, NONE, dtype=np.int64)
    q = np.concatenate(qs)
    r = np.concatenate(rs)
    ok = r >= 0
    q, r = q[ok], r[ok]
    dt = post_t[q] - post_t[r]
    ok = (dt > 0) & (dt <= horizon) & (post_author[q] != post_author[r])
    q, r = q[ok], r[ok]
    if not len(q):
        return np.full(n, NONE, dtype=np.int64)
    # Reactors per referenced post, then cue sources among the referenced posts' authors.
    pr = np.unique(np.stack([r, post_author[q]], axis=1), axis=0)
    ref_posts, reactors = np.unique(pr[:, 0], return_counts=True)
    drawing = ref_posts[reactors >= min_reactors_per_post]
    src = post_author[drawing]
    src_u, src_posts = np.unique(src, return_counts=True)
    all_reactors = np.unique(np.stack([post_author[pr[:, 0]], pr[:, 1]], axis=1), axis=0)
    ra_u, ra_n = np.unique(all_reactors[:, 0], return_counts=True)
    n_reactors = dict(zip(ra_u.tolist(), ra_n.tolist(), strict=True))
    sources = {int(a) for a, k in zip(src_u.tolist(), src_posts.tolist(), strict=True)
               if k >= min_cue_posts and n_reactors.get(int(a), 0) >= min_reactors}
    if not sources:
        return np.full(n, NONE, dtype=np.int64)
    is_source = np.isin(post_author[r], np.fromiter(sources, dtype=np.int64))
    is_drawing = np.isin(r, drawing)
    q, r = q[is_source & is_drawing], r[is_source & is_drawing]
    # The most recent cue per reacting post.
    order = np.lexsort((post_t[r], q))
    q, r = q[order], r[order]
    last = np.ones(len(q), dtype=bool)
    last[:-1] = q[1:] != q[:-1]
    out = np.full(n, NONE, dtype=np.int64)
    out[q[last]] = r[last]
    return out


def explained_by_cue(cue: np.ndarray, pa: np.ndarray, pb: np.ndarray) -> np.ndarray:
    """Post pairs that react to the same cue post, or where one post is the other's cue."""
    ca, cb = cue[pa], cue[pb]
    return ((ca == cb) & (ca != NONE)) | (ca == pb) | (cb == pa)


def names_each_other(pa: np.ndarray, pb: np.ndarray, author: np.ndarray,
                     mention_post: np.ndarray, mention_account: np.ndarray) -> np.ndarray:
    """Post pairs in which one post tags the other post's author (friends who filmed together;
    callers leave out the credit a duet or stitch gives its original: that is how cells
    amplify their own posts)."""
    if not len(mention_post) or not len(pa):
        return np.zeros(len(pa), dtype=bool)
    n_acc = int(max(author.max(initial=0), mention_account.max(initial=0))) + 1
    named = np.unique(np.asarray(mention_post, np.int64) * n_acc + np.asarray(mention_account, np.int64))
    ka = pa.astype(np.int64) * n_acc + author[pb]
    kb = pb.astype(np.int64) * n_acc + author[pa]
    return _member(named, ka) | _member(named, kb)


def _member(sorted_unique: np.ndarray, keys: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(sorted_unique, keys)
    pos = np.minimum(pos, len(sorted_unique) - 1)
    return sorted_unique[pos] == keys
