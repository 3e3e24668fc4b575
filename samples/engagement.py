"""Engagement of every planned video: views, likes, comments, shares, favourites, duration.

Views are the author's popularity (lognormal; idols and outlets far above) × lognormal(median
700, σ 1.5) × rare virality (1% of videos ×10-60); likes are a Beta fraction of views, comments,
shares and favourites Beta fractions of likes. Durations are lognormal (median 22 s); look-alike
classes may lengthen their own kinds (outlets' clips run longer).
"""

from __future__ import annotations

import math

import numpy as np

from samples.state import Incident


def plan(g: Incident, rng: np.random.Generator) -> None:
    n = g.n_videos
    viral = np.where(rng.random(n) < 0.01, rng.uniform(10, 60, n), 1.0)
    views = g.popularity[g.acct] * np.exp(rng.normal(math.log(700), 1.5, n)) * viral
    g.views = (views + rng.integers(0, 50, n)).astype(np.int64)
    g.likes = (g.views * rng.beta(2, 25, n)).astype(np.int64)
    g.comment_counts = (g.likes * rng.beta(1.2, 60, n)).astype(np.int64)
    g.shares = (g.likes * rng.beta(1, 40, n)).astype(np.int64)
    g.favs = (g.likes * rng.beta(1.5, 12, n)).astype(np.int64)
    dur = np.exp(rng.normal(math.log(22), 0.75, n))
    for la in g.lookalikes:
        la.durations(dur)
    g.duration = np.clip(dur, 3, 600).astype(np.int64)
