"""Comments in the Research API format: ``comments/comments-NNNNN.json`` response bodies.

About 0.5 comments per video (capped at 300,000), on videos sampled by their comment counts;
comments come 30 s + lognormal(median 3 h) after the video; ~20% reply to an earlier comment on
the same video (``reply_count`` counts them). Up to 5,000 comments per file.
"""

from __future__ import annotations

import math

import numpy as np

from samples.state import Incident
from samples.vocab import COMMENT_TEXTS, ORGANIC_WORDS
from samples.window import WINDOW_END
from samples.writers.common import err

COMMENTS_PER_FILE = 5_000
MAX_COMMENTS = 300_000


def write_comments(g: Incident) -> None:
    """Sample commented videos, time the comments and their replies, write the bodies."""
    rng = np.random.default_rng([g.seed, 51])
    cdir = g.out / "comments"
    cdir.mkdir(parents=True, exist_ok=True)
    target = min(int(round(0.5 * g.n_videos)), MAX_COMMENTS)
    cand = np.flatnonzero(g.comment_counts > 0)
    per = np.zeros(0, dtype=np.int64)
    rows = cand[:0]
    if len(cand) and target:
        w = np.sqrt(g.comment_counts[cand].astype(float))
        keys = np.log(rng.random(len(cand))) / w  # weighted sampling without replacement
        n_s = min(len(cand), max(1, target // 2))
        rows = np.sort(cand[np.argpartition(-keys, n_s - 1)[:n_s]])
        per = np.minimum(g.comment_counts[rows], 1 + rng.poisson(1.2, n_s))
        cum = np.cumsum(per)
        if cum[-1] > target:  # trim to the cap, keeping whole videos first
            cut = int(np.searchsorted(cum, target))
            per = per[:cut + 1]
            per[-1] -= cum[cut] - target
            rows = rows[:cut + 1]
    vid_row = np.repeat(rows, per)
    nc = len(vid_row)
    ct = g.t[vid_row] + 30 + np.exp(rng.normal(math.log(3 * 3600), 1.3, nc)).astype(np.int64)
    ct = np.minimum(ct, WINDOW_END + 3 * 86400)
    order = np.lexsort((ct, vid_row))
    vid_row, ct = vid_row[order], ct[order]
    cids = (ct << 32) | rng.integers(0, 2**32, nc)
    first = np.searchsorted(vid_row, vid_row)  # first comment position of each video
    posn = np.arange(nc)
    is_reply = (posn > first) & (rng.random(nc) < 0.2)
    parent_pos = first + (rng.random(nc) * (posn - first)).astype(np.int64)
    parent_pos = np.where(is_reply, parent_pos, -1)
    reply_counts = np.bincount(parent_pos[is_reply], minlength=nc)
    likes = np.floor(np.exp(rng.normal(0, 1.6, nc)) - 0.5).clip(0).astype(np.int64)
    texts = rng.integers(0, len(COMMENT_TEXTS), nc)
    extra = rng.random(nc)
    words = np.searchsorted(g.word_cdf, rng.random((nc, 4)))
    n_files = 0
    for f0 in range(0, max(nc, 1), COMMENTS_PER_FILE):
        f1 = min(nc, f0 + COMMENTS_PER_FILE)
        comments = []
        for j in range(f0, f1):
            vr = int(vid_row[j])
            text = COMMENT_TEXTS[texts[j]]
            if extra[j] < 0.35:
                text = " ".join(ORGANIC_WORDS[x] for x in words[j]) + " " + text
            comments.append({
                "id": int(cids[j]), "video_id": int(g.ids[vr]), "text": text,
                "like_count": int(likes[j]), "reply_count": int(reply_counts[j]),
                "parent_comment_id": int(cids[parent_pos[j]]) if is_reply[j] else int(g.ids[vr]),
                "create_time": int(ct[j]),
            })
        n_files += 1
        body = {"data": {"comments": comments, "cursor": f1, "has_more": f1 < nc},
                "error": err(rng)}
        name = f"comments/comments-{n_files:05d}.json"
        (g.out / name).write_text(g.dump(body) + "\n", encoding="utf-8")
        g.files.append(name)
    g.counts.update(comments=nc, comment_files=n_files)

