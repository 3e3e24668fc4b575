"""Near-duplicate captions: MinHash signatures and LSH banding over character shingles.

Implements the resemblance estimate of Broder (1997, "On the resemblance and containment of
documents", *Compression and Complexity of Sequences*) with the banding technique of
locality-sensitive hashing (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3).

Coordinated cells post the *same* caption with small edits (a swapped word, an emoji, casing);
organic posters rarely do. Captions are normalised (NFKC, lower-case, URLs and @mentions removed,
``#`` dropped from hashtags, punctuation and emoji dropped, spaces collapsed); identical
normalised captions are hashed once; near-duplicates (estimated Jaccard similarity of character
``shingle``-grams >= ``threshold``) are joined into groups (connected components).

Why not ``datasketch`` here: its per-document ``MinHash`` costs ~85 µs per caption on this
machine (8.5 s per 100k; minutes for an incident with a million captions), so signatures are
computed here with numpy over all shingles at once (multiply-shift hashing, one ``reduceat`` per
permutation). ``tests/test_captions.py`` checks the estimates against exact Jaccard similarity.

Parameters
----------
threshold:
    Jaccard similarity at which two captions count as near-duplicates (default 0.7: survives a
    swapped word in a ten-word caption, rejects captions that merely share a phrase).
min_chars:
    Captions shorter than this after normalisation get no group: "so cute" is not evidence.
num_perm, bands:
    Signature length and LSH bands (``num_perm / bands`` rows each). 48 and 12 find pairs down to
    a similarity of about 0.55 before the estimate is checked against ``threshold``.
seed:
    Seeds the hash permutations (same seed, same groups).

>>> groups = near_duplicate_groups(pd.Series([
...     "Join the #skyfall challenge tonight, everyone!! 🌌",
...     "join the skyfall challenge TONIGHT everyone",
...     "my cat is asleep on the keyboard again"]))
>>> groups.iloc[0] == groups.iloc[1], pd.isna(groups.iloc[2])
(True, True)
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@[\w.]+")
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def normalize_caption(text: str | None) -> str:
    if not isinstance(text, str):
        return ""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _URL.sub(" ", t)
    t = _MENTION.sub(" ", t)
    t = _NON_WORD.sub(" ", t)   # also drops '#', keeping the tag's word
    return _SPACES.sub(" ", t).strip()


def _shingle_hashes(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every character k-gram of every text, and each text's first index."""
    joined = "\x00".join(texts) + "\x00"
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    n_pos = len(cp) - k + 1
    h = np.zeros(n_pos, dtype=np.uint64)
    mults = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F),
             np.uint64(0x165667B19E3779F9), np.uint64(0xD6E8FEB86659FD93))
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h ^ (cp[j:j + n_pos] + np.uint64(j + 1)) * mults[j % 4]) * np.uint64(0xFF51AFD7ED558CCD)
    # A shingle is valid when it lies inside one text (no separator in its k characters).
    owner = np.searchsorted(starts, np.arange(n_pos), side="right") - 1
    valid = np.arange(n_pos) + k <= starts[owner] + lengths[owner]
    return h[valid], owner[valid]


def minhash_signatures(texts: list[str], num_perm: int = 48, shingle: int = 4,
                       seed: int = 1, chunk_chars: int = 1 << 18) -> np.ndarray:
    """``(len(texts), num_perm)`` uint32 MinHash signatures (every text >= ``shingle`` chars).

    Texts are hashed in chunks of about ``chunk_chars`` characters: each permutation then
    works on arrays that stay in the CPU cache, and memory stays flat however many captions
    there are (a text's signature does not depend on the others)."""
    if not texts:
        return np.zeros((0, num_perm), dtype=np.uint32)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    sig = np.empty((len(texts), num_perm), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    ends = np.searchsorted(np.cumsum(lengths + 1), np.arange(chunk_chars, int(lengths.sum())
                                                              + len(texts) + chunk_chars,
                                                              chunk_chars), side="right")
    lo = 0
    for hi in np.unique(np.r_[np.clip(ends, 1, len(texts)), len(texts)]):
        hi = int(hi)
        if hi <= lo:
            continue
        h, owner = _shingle_hashes(texts[lo:hi], shingle)
        cut = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        h32 = (h >> np.uint64(32)).astype(np.uint32)  # 32-bit lanes: half the memory traffic
        hp = np.empty_like(h32)
        rows = owner[cut] + lo
        with np.errstate(over="ignore"):
            for p in range(num_perm):
                np.multiply(h32, a[p], out=hp)
                np.add(hp, b[p], out=hp)
                np.bitwise_xor(hp, hp >> np.uint32(15), out=hp)  # mix high bits into the low
                sig[rows, p] = np.minimum.reduceat(hp, cut)
        lo = hi
    return sig


def _candidate_edges(sig: np.ndarray, bands: int) -> tuple[np.ndarray, np.ndarray]:
    n, num_perm = sig.shape
    rows = num_perm // bands
    src, dst = [], []
    idx = np.arange(n)
    for band in range(bands):
        key = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for col in range(band * rows, (band + 1) * rows):
                key = (key ^ sig[:, col].astype(np.uint64)) * np.uint64(0x100000001B3)
        order = np.lexsort((idx, key))
        k_sorted = key[order]
        same = k_sorted[1:] == k_sorted[:-1]
        # Each text links to its predecessor in the bucket and to the bucket's first text.
        first = order[np.r_[0, np.flatnonzero(~same) + 1]]
        bucket_first = np.repeat(first, np.diff(np.r_[np.flatnonzero(np.r_[True, ~same]), n]))
        src += [order[:-1][same], bucket_first[1:][same]]
        dst += [order[1:][same], order[1:][same]]
    if not src:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    return np.concatenate(src), np.concatenate(dst)


def near_duplicate_groups(
    captions: pd.Series,
    threshold: float = 0.7,
    shingle: int = 4,
    min_chars: int = 16,
    num_perm: int = 48,
    bands: int = 12,
    seed: int = 1,
) -> pd.Series:
    """A group label per caption (``<NA>`` for captions in no group of two or more posts).

    Identical normalised captions always share a group; distinct ones join when their estimated
    Jaccard similarity reaches ``threshold``. Labels are ``"c<n>"``, numbered in the order of the
    groups' smallest normalised text. The result does not depend on the order of ``captions``:
    distinct texts are taken in sorted order, so the same pairs are compared whatever order the
    graph returned the posts in (LSH compares a bucket's texts along a chain, not all pairs).
    """
    # each distinct caption is normalised once (a pasted caption is the same string many times)
    raw_codes, raw = pd.factorize(captions, use_na_sentinel=True)
    raw_norm = np.array([normalize_caption(x) for x in raw] + [""], dtype=object)
    norm = pd.Series(raw_norm[raw_codes], index=captions.index)
    codes, uniques = pd.factorize(norm, sort=True)
    uniques = list(uniques)
    long_enough = np.fromiter((len(u) >= min_chars for u in uniques), dtype=bool, count=len(uniques))
    usable = np.flatnonzero(long_enough)
    n = len(uniques)
    root = np.arange(n)
    if len(usable) > 1:
        sig = minhash_signatures([uniques[i] for i in usable], num_perm, shingle, seed)
        s, d = _candidate_edges(sig, bands)
        if len(s):
            # checked in slices: millions of candidate pairs times the signature would be GBs
            similar = np.concatenate([
                (sig[s[i:i + 500_000]] == sig[d[i:i + 500_000]]).mean(axis=1) >= threshold
                for i in range(0, len(s), 500_000)])
            s, d = s[similar], d[similar]
            m = len(usable)
            graph = coo_matrix((np.ones(len(s), dtype=np.int8), (s, d)), shape=(m, m))
            _, comp = connected_components(graph, directed=False)
            # The smallest unique index of each component names it (stable across runs).
            comp_min = pd.Series(usable).groupby(comp).transform("min").to_numpy()
            root[usable] = comp_min
    post_ok = (codes >= 0) & long_enough[np.maximum(codes, 0)]
    post_root = np.where(post_ok, root[np.maximum(codes, 0)], -1)
    sizes = pd.Series(post_root[post_ok]).value_counts()
    keep = post_ok & np.isin(post_root, sizes[sizes >= 2].index.to_numpy())
    out = pd.Series(pd.NA, index=captions.index, dtype="object")
    if keep.any():
        labels, _ = pd.factorize(post_root[keep], sort=True)
        out[keep] = np.char.add("c", labels.astype(str))
    return out
