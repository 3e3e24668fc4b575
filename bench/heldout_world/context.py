"""What every part of the world shares while it is being built."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .accounts import Accounts
from .clock import Clock
from .social import Social
from .sounds import Sounds, original_sound_id
from .trends import Trends


@dataclass
class Ctx:
    seed: int
    videos: int
    clock: Clock
    acc: Accounts
    social: Social
    trends: Trends
    sounds: Sounds

    @property
    def scale(self) -> float:
        """videos / 1M: sizes are written for a million videos and scaled from there."""
        return self.videos / 1_000_000

    def own_sound(self, rng: np.random.Generator, author: int, ts: int) -> tuple[int, int]:
        """The sound an account would pick by habit: a new original sound or a chart song."""
        if rng.random() < self.acc.p_original[author]:
            return int(original_sound_id(rng, np.array([ts]))[0]), author
        return int(self.sounds.pick(rng, self.acc.lang[author:author + 1])[0]), -1

    def reach(self, rng: np.random.Generator, author: int, boost: float = 0.0) -> float:
        return float(np.log(40.0 + 0.25 * self.acc.followers[author]) + rng.normal(0, 1.1) + boost)
