"""Random streams and small sampling helpers shared by every module.

Every module draws from its own named stream (``stream(seed, "organic")``), so adding draws in one
module never shifts another's. Nothing here reads the clock or iterates over a set.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str, *extra: int) -> np.random.Generator:
    """An independent, reproducible generator for ``name`` under ``seed``."""
    key = [int(seed) & 0xFFFFFFFF, zlib.crc32(name.encode("utf-8")), *[int(e) for e in extra]]
    return np.random.default_rng(np.random.SeedSequence(key))


def zipf_weights(n: int, exponent: float = 1.0) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
    return w / w.sum()


def lognormal_int(rng: np.random.Generator, median: float, sigma: float, size: int | None = None,
                  lo: int = 0, hi: int | None = None) -> np.ndarray:
    x = np.rint(rng.lognormal(np.log(median), sigma, size))
    return np.clip(x, lo, hi if hi is not None else np.inf).astype(np.int64)


def pick(rng: np.random.Generator, items: list | tuple, p: np.ndarray | None = None):
    """One element of a Python sequence (numpy's choice would turn strings into numpy strings)."""
    return items[int(rng.choice(len(items), p=p))]


def picks(rng: np.random.Generator, items: list | tuple, k: int, replace: bool = False) -> list:
    k = min(k, len(items)) if not replace else k
    return [items[int(i)] for i in rng.choice(len(items), size=k, replace=replace)]


def scaled(videos: int, at_1m: float, exponent: float = 1.0, lo: float = 1.0,
           hi: float | None = None) -> int:
    """A size that is ``at_1m`` at a million videos and grows as ``videos ** exponent``."""
    value = at_1m * (videos / 1_000_000) ** exponent
    value = max(lo, value)
    if hi is not None:
        value = min(hi, value)
    return int(round(value))


def lognormal_delay(rng: np.random.Generator, median_s: float, sigma: float,
                    size: int) -> np.ndarray:
    return rng.lognormal(np.log(median_s), sigma, size)
