"""What a cell is: its members, its tactics and, once planned, its waves."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# One line per tactic, for ground_truth.json tactic_descriptions.
TACTIC_DESCRIPTIONS = {
    "burst": "a wave's core posts within 30-90 seconds",
    "staggered": "a wave's core posts within 5-10 minutes",
    "slow": "a wave's core is spread over 25-40 minutes",
    "sparse_large": ("hundreds of members at scale 10 and up (40-80 at scale 1), each posting only "
                     "2-3 campaign videos in all: every wave is a different small subset"),
    "small": "3-4 accounts, most or all of them in every wave",
    "rotating_hashtags": ("the campaign tags change every wave or two (fresh tags, misspelled "
                          "variants of the challenge); the challenge tag itself only now and then"),
    "copypasta": "captions from 1-3 templates, copied verbatim (15-50%) or lightly edited",
    "distinct_captions": "members write their own everyday captions: only tags, sound and timing coordinate",
    "camouflage": "30-60% of each member's videos are ordinary posts at the member's own times",
    "lookalike_usernames": "near-identical handles (sequential numbers, separator and prefix games)",
}
RHYTHM_SPREAD = {"burst": (30, 90), "staggered": (300, 600), "slow": (1500, 2400)}  # seconds


@dataclass
class Cell:
    """One planted coordinated cell (a positive)."""

    cell_id: str
    members: np.ndarray  # account indices
    rhythm: str  # "burst" | "staggered" | "slow"
    spread: int  # seconds within which a wave's core participants post
    hashtags: list[str]  # every campaign tag it ever uses (challenge first)
    epochs: list[list[str]]  # campaign tags by epoch (one epoch unless the tags rotate)
    epoch_of_wave: list[int]
    sounds: list[int]
    sound_p: float  # chance a wave uses the cell's main sound (else its second one)
    templates: list[str]
    distinct_captions: bool
    lookalike: bool
    target: int  # account index mentioned in some posts, -1 for none
    mention_p: float
    participation: float
    exact_p: float  # share of campaign posts that are verbatim copies
    membership: str = "regular"  # "regular" | "sparse_large" | "small"
    rotating: bool = False
    n_waves: int = 0
    wave_times: list[int] = field(default_factory=list)
    wave_tags: list[list[str]] = field(default_factory=list)
    wave_sound: list[int] = field(default_factory=list)
    wave_template: list[int] = field(default_factory=list)
    wave_core: list[int] = field(default_factory=list)
    follow_p: float = 0.8
    bio: str = ""
    bio_url: str = ""
    follower_factor: float = 1.0
    emojis: list[str] = field(default_factory=list)

    @property
    def tactics(self) -> list[str]:
        out = [self.rhythm]
        if self.membership != "regular":
            out.append(self.membership)
        if self.rotating:
            out.append("rotating_hashtags")
        out.append("distinct_captions" if self.distinct_captions else "copypasta")
        out.append("camouflage")
        if self.lookalike:
            out.append("lookalike_usernames")
        return out
