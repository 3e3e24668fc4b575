"""What fusion (:mod:`analyses.fusion`) works on: its parameters and the actions as codes.

:class:`FusionParams` holds every setting of the fused detector (its windows, signal weights,
chance-model and significance settings; recorded with each detection run so a cluster can be
reproduced). :class:`Coded` is the action table as integer codes (accounts, posts, objects,
signal types, times), built once and read by fusion and by the meeting search
(:mod:`analyses.meetings`). They live apart from fusion so that the modules fusion calls can
name them without importing fusion back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyses.actions import credits
from analyses.signals import SIGNALS

DEFAULT_SIGNAL_WEIGHTS: dict[str, float] = {
    "caption": 1.0,   # a copied caption is the most specific thing two posts can share
    "repost": 1.0,
    "url": 0.8,
    "sound": 0.7,
    "mention": 0.6,
    "hashtag": 0.5,   # per hashtag; campaigns use several, so they still add up
}


@dataclass
class FusionParams:
    windows: tuple[int, ...] = (60, 300, 1800)
    min_participation: int = 2
    signals: tuple[str, ...] = SIGNALS
    signal_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SIGNAL_WEIGHTS))
    min_event_strength: float = 1.0
    min_object_strength: float = 0.5
    occasion_gap: int = 3600
    clock_period: int | None = 43_200
    clock_tolerance: int = 600
    rhythm_horizon: int = 43_200
    crowd_scale: float = 2.2
    crowd_horizon: int = 1800
    max_partners: int = 40
    crowd_sharpness: float = 12.0
    cue_horizon: int = 21_600
    publication_window: int = 3600
    moment_window: int = 300
    alpha: float = 0.01
    min_occasions: int = 2
    min_burst_accounts: int = 3
    max_edge_p: float = 1.0
    strength_levels: tuple[float, ...] = (4.0, 8.0)
    keep_pair_table: bool = False
    max_pairs_per_chunk: int = 10_000_000

    @property
    def time_window(self) -> int:
        """The widest window (what a single-window tool would call its time window)."""
        return int(max(self.windows))

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["signals"] = list(self.signals)
        d["windows"] = [int(w) for w in self.windows]
        d["time_window"] = self.time_window
        return d


class Coded:
    """The actions as integer codes: accounts, objects (type and id), posts, types, times."""

    def __init__(self, acts: pd.DataFrame, posts: pd.DataFrame | None) -> None:
        post_ids = acts["content_id"].astype(str)
        authors = acts["account_id"].astype(str)
        times = acts["timestamp"].to_numpy(dtype=np.int64)
        if posts is not None and not posts.empty:
            post_ids = pd.concat([post_ids, posts["post_id"].astype(str)], ignore_index=True)
            authors = pd.concat([authors, posts["account_id"].astype(str)], ignore_index=True)
            times = np.concatenate([times, posts["timestamp"].to_numpy(dtype=np.int64)])
        self.is_mention = (acts["object_type"] == "mention").to_numpy()
        mentioned = acts["object_id"].astype(str)[self.is_mention]
        acc_codes, self.account_ids = pd.factorize(pd.concat([authors, mentioned], ignore_index=True))
        post_codes, self.post_ids = pd.factorize(post_ids)
        n_post = len(self.post_ids)
        self.post_author = np.zeros(n_post, dtype=np.int64)
        self.post_author[post_codes] = acc_codes[:len(post_ids)]
        self.post_t = np.zeros(n_post, dtype=np.int64)
        self.post_t[post_codes] = times
        n = len(acts)
        self.acc = acc_codes[:n].astype(np.int64)
        self.post = post_codes[:n].astype(np.int64)
        self.t = acts["timestamp"].to_numpy(dtype=np.int64)
        self.types = tuple(sorted(acts["object_type"].unique()))
        self.typ = pd.Categorical(acts["object_type"], categories=self.types).codes.astype(np.int64)
        obj_codes, self.objects = pd.factorize(pd.MultiIndex.from_arrays(
            [acts["object_type"].astype(str), acts["object_id"].astype(str)]))
        self.obj = obj_codes.astype(np.int64)
        self.idf = acts["idf"].to_numpy(dtype=np.float64)
        self.mention_target = np.full(n, -1, dtype=np.int64)
        self.mention_target[self.is_mention] = acc_codes[len(post_ids):]
        self.n_accounts = int(pd.Series(self.acc).nunique())
        self._acts = acts
        self.credited = None
        if posts is not None and "caption" in posts:
            cr = credits(posts)
            p_code = pd.Index(self.post_ids).get_indexer(cr["post_id"].astype(str))
            a_code = pd.Index(self.account_ids).get_indexer(cr["account_id"].astype(str))
            ok = (p_code >= 0) & (a_code >= 0)
            self.credited = p_code[ok].astype(np.int64) * len(self.account_ids) + a_code[ok]

    def of_type(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        if name not in self.types:
            return None
        sel = self.typ == self.types.index(name)
        return self.post[sel], self.obj[sel]

    def mentions(self) -> tuple[np.ndarray, np.ndarray]:
        return self.post[self.is_mention], self.mention_target[self.is_mention]

    def tags(self) -> tuple[np.ndarray, np.ndarray]:
        """Mentions that tag someone (not the credit a duet gives its original)."""
        mp, ma = self.mentions()
        if self.credited is None or not len(mp):
            return mp, ma
        n_acc = len(self.account_ids)
        credit = np.unique(self.credited)
        key = mp.astype(np.int64) * n_acc + ma
        pos = np.minimum(np.searchsorted(credit, key), max(len(credit) - 1, 0))
        keep = ~(credit[pos] == key) if len(credit) else np.ones(len(mp), dtype=bool)
        return mp[keep], ma[keep]

    def reposts(self) -> tuple[np.ndarray, np.ndarray] | None:
        if "repost" not in self.types:
            return None
        sel = self.typ == self.types.index("repost")
        target = pd.Index(self.post_ids).get_indexer(self._acts["object_id"].astype(str)[sel])
        ok = target >= 0
        return self.post[sel][ok], target[ok].astype(np.int64)
