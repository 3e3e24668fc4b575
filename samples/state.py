"""The state of one incident while it is planned and written: who exists, who posts what, when.

:class:`Incident` is a plain holder that every part of the model reads and fills in: the
vocabulary (:mod:`samples.vocab`), the accounts and their rhythms (:mod:`samples.rhythm`), the
planned posts as numpy columns (one entry per video, a few dozen bytes each), the cells and the
look-alike classes. :class:`Rows` collects planned posts; every kind of post registers the
function that writes its caption (:meth:`Incident.add_kind`), so the writers need not know the
model.

Determinism: every random draw comes from ``numpy.random.default_rng`` seeded by ``seed`` (or by
``[seed, stream, ...]`` for a part of its own), nothing reads the clock, and no set of strings is
ever iterated (string hashing is salted per process).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from samples.window import ACCOUNTS_PER_SCALE, MIN_SCALE, VIDEOS_PER_SCALE

FORMATS = ("research_api", "zeeschuimer")  # how videos are written (users and comments: Research API)

# Roles of accounts (``Incident.role``): look-alike classes take the numbers after these.
R_ORGANIC, R_CELL, R_CHALLENGE = 0, 1, 2
R_FIRST_LOOKALIKE = 3

# A kind's renderer: (row, account, time, uniforms, word ranks, topic ranks, emoji picks, sound)
# -> (body, tags, inline tags, mentions to place, mentions already in the body, sound, pretty_p).
Caption = tuple[str, list[str], list[str], list[str], tuple[str, ...], int, float]
Renderer = Callable[[int, int, int, list[float], list[int], list[int], list[int], int], Caption]
NO_MENTIONS: tuple[str, ...] = ()


class Rows:
    """Accumulates planned posts as numpy column fragments, concatenated once at the end.

    ``kind`` says what produced a post (its renderer), ``sub`` and ``aux`` are the kind's own
    indices (a cell and its wave, a news story, ...), ``ch`` marks posts that use the challenge.
    """

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in ("t", "acct", "kind", "sub", "aux", "ch")}

    def add(self, t: np.ndarray, acct: np.ndarray, kind: int, sub: Any = -1, aux: Any = -1,
            ch: Any = False) -> None:
        n = len(t)
        self.parts["t"].append(np.asarray(t, dtype=np.int64))
        self.parts["acct"].append(np.asarray(acct, dtype=np.int32))
        self.parts["kind"].append(np.full(n, kind, dtype=np.int8))
        self.parts["sub"].append(np.broadcast_to(np.asarray(sub, dtype=np.int32), (n,)).copy())
        self.parts["aux"].append(np.broadcast_to(np.asarray(aux, dtype=np.int32), (n,)).copy())
        self.parts["ch"].append(np.broadcast_to(np.asarray(ch, dtype=bool), (n,)).copy())

    def build(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.parts.items()}


class Incident:
    """Everything known about one incident; filled in by the planning steps, read by the writers."""

    def __init__(self, out_dir: Path, seed: int, scale: float,
                 progress: Callable[[str, int, int], None] | None, fmt: str = "research_api") -> None:
        if not scale >= MIN_SCALE:
            raise ValueError(f"scale must be >= {MIN_SCALE} (got {scale!r})")
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)} (got {fmt!r})")
        self.fmt = fmt
        self.out = Path(out_dir)
        self.seed = int(seed)
        self.scale = float(scale)
        self.progress = progress or (lambda stage, done, total: None)
        self.rng = np.random.default_rng(self.seed)
        self.n_target = int(round(VIDEOS_PER_SCALE * self.scale))
        self.n_acc = int(round(ACCOUNTS_PER_SCALE * self.scale))
        self.counts: dict[str, int] = {}
        self.files: list[str] = []
        self.tag_ids: dict[str, int] = {}
        self.renderers: list[Renderer] = []
        self.lookalikes: list[Any] = []  # samples.lookalikes.base.Lookalike, one per class
        self.cells: list[Any] = []  # samples.cells.Cell
        # Things that happened in the world that outlets may report: {"time", "headline",
        # "hashtags", "label", "national" (national outlets report it too)}.
        self.happenings: list[dict[str, Any]] = []

    def add_kind(self, render: Renderer) -> int:
        """Register a kind of post by the function that writes its caption; returns its number."""
        self.renderers.append(render)
        return len(self.renderers) - 1

    def dump(self, obj: Any) -> str:
        """Compact JSON text, emoji unescaped (orjson: the same bytes as ``json``, several times faster)."""
        return orjson.dumps(obj).decode()

    def tag_id(self, tag: str) -> int:
        """A stable numeric id per hashtag (drawn from a per-tag seed, independent of call order)."""
        tid = self.tag_ids.get(tag)
        if tid is None:
            tid = 10**6 + mix64(self.seed * 1_000_003 + stable_hash(tag)) % (10**18 - 10**6)
            self.tag_ids[tag] = tid
        return tid


def mix64(x: int) -> int:
    """SplitMix64's finaliser: a well-spread 64-bit number from ``x`` (same in every process)."""
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def stable_hash(text: str) -> int:
    """A hash of ``text`` that is the same in every process (``hash()`` is salted per process)."""
    h = 0
    for ch in text.encode():
        h = (h * 131 + ch) % (2**61 - 1)
    return h
