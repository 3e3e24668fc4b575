"""Who knows whom: friend circles (neighbours within a country), popular accounts, and which
accounts a researcher pulled profiles, followings and reposts for."""

from __future__ import annotations

import numpy as np

from .accounts import Accounts
from .util import stream


class Social:
    def __init__(self, seed: int, acc: Accounts) -> None:
        rng = stream(seed, "social")
        n = len(acc)
        # accounts of one country sit together, in a random order: neighbours are friends
        key = acc.country.astype(np.float64) * 2.0 + rng.random(n)
        self.order = np.argsort(key, kind="stable")
        self.pos = np.empty(n, dtype=np.int64)
        self.pos[self.order] = np.arange(n)
        self.n = n
        self.popular = np.argsort(-acc.followers, kind="stable")[: max(50, n // 200)]

    def friends(self, rng: np.random.Generator, who: np.ndarray) -> np.ndarray:
        """One friend per entry: a near neighbour in the friend order (same country, mostly)."""
        off = rng.geometric(0.12, len(who)) * np.where(rng.random(len(who)) < 0.5, -1, 1)
        p = np.clip(self.pos[who] + off, 0, self.n - 1)
        out = self.order[p]
        return np.where(out == who, self.order[np.clip(self.pos[who] + 1, 0, self.n - 1)], out)

    def circle(self, start: int, size: int) -> np.ndarray:
        """``size`` consecutive accounts of the friend order (a friend group)."""
        s = int(np.clip(self.pos[start], 0, self.n - size))
        return self.order[s: s + size]
