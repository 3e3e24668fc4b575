"""A batch of posts as columns, and the whole incident once every batch is in.

Batches refer to their own posts by position (``duet_of``, reposts); ``concat`` shifts those
references when the batches are laid end to end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

KIND_VIDEO, KIND_DUET, KIND_STITCH = 0, 1, 2


@dataclass
class PostBatch:
    source: str
    ts: np.ndarray            # int64 Unix seconds
    author: np.ndarray        # int64 account index
    caption: list[str]
    tags: list[tuple[str, ...]]       # as typed in the caption (case kept)
    mentions: list[tuple[str, ...]]   # handles, as typed after "@"
    sound: np.ndarray         # int64 music id
    sound_owner: np.ndarray   # account index whose original sound it is, -1 for a catalog song
    reach: np.ndarray         # float: log of the expected views
    duet_of: np.ndarray = None        # position of the duetted/stitched post in this batch, -1
    kind: np.ndarray = None           # KIND_*
    region: np.ndarray = None         # country index the post was made from, -1 = author's
    repost_acct: np.ndarray = None    # reposts without a time: account index ...
    repost_post: np.ndarray = None    # ... and position of the reposted post in this batch
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.ts)
        self.ts = np.asarray(self.ts, dtype=np.int64)
        self.author = np.asarray(self.author, dtype=np.int64)
        self.sound = np.asarray(self.sound, dtype=np.int64)
        self.sound_owner = np.asarray(self.sound_owner, dtype=np.int64)
        self.reach = np.asarray(self.reach, dtype=np.float64)
        if self.duet_of is None:
            self.duet_of = np.full(n, -1, dtype=np.int64)
        if self.kind is None:
            self.kind = np.zeros(n, dtype=np.int8)
        if self.region is None:
            self.region = np.full(n, -1, dtype=np.int64)
        if self.repost_acct is None:
            self.repost_acct = np.zeros(0, dtype=np.int64)
            self.repost_post = np.zeros(0, dtype=np.int64)
        lens = {len(self.author), len(self.caption), len(self.tags), len(self.mentions),
                len(self.sound), len(self.sound_owner), len(self.reach), len(self.duet_of),
                len(self.kind), len(self.region)}
        if lens != {n}:
            raise ValueError(f"batch {self.source}: columns of different lengths {sorted(lens)}")

    def __len__(self) -> int:
        return len(self.ts)


class BatchBuilder:
    """Collects posts one at a time (for the small, hand-shaped batches) and builds a batch."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.rows: list[tuple] = []
        self.reposts: list[tuple[int, int]] = []

    def add(self, ts: int, author: int, caption: str, tags: tuple[str, ...] | list[str],
            mentions: tuple[str, ...] | list[str] = (), sound: int = 0, sound_owner: int = -1,
            reach: float = 5.0, duet_of: int = -1, kind: int = KIND_VIDEO, region: int = -1) -> int:
        self.rows.append((int(ts), int(author), caption, tuple(tags), tuple(mentions), int(sound),
                          int(sound_owner), float(reach), int(duet_of), int(kind), int(region)))
        return len(self.rows) - 1

    def repost(self, account: int, position: int) -> None:
        self.reposts.append((int(account), int(position)))

    def __len__(self) -> int:
        return len(self.rows)

    def build(self) -> PostBatch:
        cols = list(zip(*self.rows, strict=True)) if self.rows else [()] * 11
        rp = np.array(self.reposts, dtype=np.int64).reshape(-1, 2)
        return PostBatch(
            self.source, np.array(cols[0], dtype=np.int64), np.array(cols[1], dtype=np.int64),
            list(cols[2]), list(cols[3]), list(cols[4]), np.array(cols[5], dtype=np.int64),
            np.array(cols[6], dtype=np.int64), np.array(cols[7], dtype=np.float64),
            np.array(cols[8], dtype=np.int64), np.array(cols[9], dtype=np.int8),
            np.array(cols[10], dtype=np.int64), rp[:, 0].copy(), rp[:, 1].copy())


@dataclass
class Incident:
    """Every post of the world, sorted by time, with final ids."""

    ts: np.ndarray
    author: np.ndarray
    caption: list[str]
    tags: list[tuple[str, ...]]
    mentions: list[tuple[str, ...]]
    sound: np.ndarray
    sound_owner: np.ndarray
    reach: np.ndarray
    duet_of: np.ndarray       # index into this incident, -1
    kind: np.ndarray
    region: np.ndarray
    source: np.ndarray        # index into sources
    sources: list[str]
    ids: np.ndarray
    repost_acct: np.ndarray
    repost_post: np.ndarray   # index into this incident

    def __len__(self) -> int:
        return len(self.ts)


def concat(batches: list[PostBatch], id_rng: np.random.Generator) -> Incident:
    offsets = np.cumsum([0] + [len(b) for b in batches])
    ts = np.concatenate([b.ts for b in batches])
    duet = np.concatenate([np.where(b.duet_of >= 0, b.duet_of + o, -1)
                           for b, o in zip(batches, offsets, strict=False)])
    r_acct = np.concatenate([b.repost_acct for b in batches])
    r_post = np.concatenate([b.repost_post + o for b, o in zip(batches, offsets, strict=False)])
    source = np.concatenate([np.full(len(b), i, dtype=np.int16) for i, b in enumerate(batches)])
    order = np.lexsort((np.arange(len(ts)), ts))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    caption = [c for b in batches for c in b.caption]
    tags = [t for b in batches for t in b.tags]
    mentions = [m for b in batches for m in b.mentions]
    # TikTok ids: the creation second in the top 32 bits, random low bits
    low = id_rng.integers(0, 1 << 32, len(ts), dtype=np.int64)
    ids = (ts << 32) | low
    while True:
        uniq, counts = np.unique(ids, return_counts=True)
        if len(uniq) == len(ids):
            break
        dup = np.isin(ids, uniq[counts > 1])
        ids[dup] = (ts[dup] << 32) | id_rng.integers(0, 1 << 32, int(dup.sum()), dtype=np.int64)
    duet_sorted = duet[order]
    return Incident(
        ts=ts[order], author=np.concatenate([b.author for b in batches])[order],
        caption=[caption[i] for i in order], tags=[tags[i] for i in order],
        mentions=[mentions[i] for i in order],
        sound=np.concatenate([b.sound for b in batches])[order],
        sound_owner=np.concatenate([b.sound_owner for b in batches])[order],
        reach=np.concatenate([b.reach for b in batches])[order],
        duet_of=np.where(duet_sorted >= 0, rank[np.maximum(duet_sorted, 0)], -1),
        kind=np.concatenate([b.kind for b in batches])[order],
        region=np.concatenate([b.region for b in batches])[order],
        source=source[order], sources=[b.source for b in batches], ids=ids[order],
        repost_acct=r_acct, repost_post=rank[r_post] if len(r_post) else r_post,
    )
