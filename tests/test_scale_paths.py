"""The fast paths detection takes at incident scale give exactly what the plain ones give.

Packed sorts, pieces of co-actions, chunked MinHash and pre-sorted occasions were written for a
million videos (docs/benchmarks.md, "Detection at incident scale"); each is checked here against
the straightforward numpy computation on random inputs, including the fallbacks taken when the
packed key would not fit in 63 bits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyses.arrays import by_pair_and_time, sort_order, sorted_unique, unique_inverse
from analyses.captions import minhash_signatures, near_duplicate_groups
from analyses.occasions import count_occasions


@pytest.mark.parametrize("high", [50, 10**6, 2**40, 2**62])
def test_unique_inverse_and_sort_order_match_numpy(high: int) -> None:
    rng = np.random.default_rng(high % 1000)
    for n in (0, 1, 7, 5_000):
        key = rng.integers(0, high, n, dtype=np.int64)
        u, inv = unique_inverse(key)
        nu, ninv = np.unique(key, return_inverse=True)
        assert np.array_equal(u, nu) and np.array_equal(inv, ninv)
        ks, order = sort_order(key)
        assert np.array_equal(order, np.argsort(key, kind="stable"))
        assert np.array_equal(ks, np.sort(key))
        assert np.array_equal(sorted_unique(key), nu)


def test_occasions_presorted_and_clock_shortcut_match_full_count() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        n_pairs = int(rng.integers(1, 60))
        n = int(rng.integers(1, 800))
        pair = rng.integers(0, n_pairs, n)
        t = rng.integers(0, int(rng.choice([4_000, 200_000, 3_000_000])), n)
        order = np.lexsort((t, pair))
        plain = _reference_occasions(pair, t)
        assert np.array_equal(count_occasions(pair, t, n_pairs=n_pairs), plain[:n_pairs])
        assert np.array_equal(count_occasions(pair[order], t[order], n_pairs=n_pairs,
                                              presorted=True), plain[:n_pairs])


def _reference_occasions(pair: np.ndarray, t: np.ndarray, gap: int = 3600, dial: int = 43_200,
                         tol: int = 600) -> np.ndarray:
    """Occasions per pair, one pair at a time in plain Python (the definition)."""
    out = np.zeros(int(pair.max()) + 61, dtype=np.int64)
    for p in np.unique(pair):
        ts = np.sort(t[pair == p])
        starts = [ts[0]] + [b for a, b in zip(ts[:-1], ts[1:], strict=True) if b - a > gap]
        tod = sorted(s % dial for s in starts)
        classes = 1 + sum(1 for a, b in zip(tod[:-1], tod[1:], strict=True) if b - a > tol)
        if classes > 1 and tod[0] + dial - tod[-1] <= tol:
            classes -= 1
        out[p] = classes
    return out


@pytest.mark.parametrize("span", [10_000, 2**40])
def test_events_by_pair_and_time_match_lexsort(span: int) -> None:
    rng = np.random.default_rng(span % 97)
    levels = np.array([1.0, 4.0, 8.0])
    pair = rng.integers(0, 5_000, 20_000)
    t = rng.integers(0, span, 20_000)
    strength = rng.uniform(0.5, 12.0, 20_000)
    p, ts, lvl = by_pair_and_time(pair, t, strength, levels)
    order = np.lexsort((t, pair))
    assert np.array_equal(p, pair[order]) and np.array_equal(ts, t[order])
    # ties in (pair, time) may come in another order: compare the levels reached per (pair, t)
    expect = (strength[order][:, None] >= levels).sum(axis=1)
    got = pd.Series(lvl).groupby([p, ts]).apply(sorted)
    want = pd.Series(expect).groupby([p, ts]).apply(sorted)
    assert got.equals(want)


def test_chunked_minhash_equals_one_pass() -> None:
    rng = np.random.default_rng(5)
    words = ["join", "the", "skyfall", "challenge", "tonight", "everyone", "cat", "asleep"]
    texts = [" ".join(rng.choice(words, int(rng.integers(4, 12)))) for _ in range(3_000)]
    whole = minhash_signatures(texts, chunk_chars=1 << 30)
    for chunk in (17, 1_000, 50_000):
        assert np.array_equal(minhash_signatures(texts, chunk_chars=chunk), whole)


def test_near_duplicate_groups_normalise_each_distinct_caption_once() -> None:
    caps = pd.Series(["Join the #skyfall challenge tonight, everyone!!", None,
                      "join the skyfall challenge TONIGHT everyone", float("nan"),
                      "Join the #skyfall challenge tonight, everyone!!", "my cat is asleep again"],
                     index=[10, 11, 12, 13, 14, 15])
    g = near_duplicate_groups(caps)
    assert g.loc[10] == g.loc[12] == g.loc[14] == "c0"
    assert g.loc[[11, 13, 15]].isna().all()


def test_fusion_in_small_pieces_equals_one_piece(tmp_path, monkeypatch) -> None:
    """Cutting each window's co-actions into pieces by post range changes nothing: the same
    edges with the same scores, the same meetings in the same order."""
    import analyses.fusion as fusion
    import analyses.meetings as meetings
    from analyses.actions import action_table
    from ingest.frames import frames_from_files
    from samples import generate_incident

    generate_incident(tmp_path, seed=7, scale=0.5)
    f = frames_from_files([p for p in tmp_path.iterdir() if p.name != "ground_truth.json"])
    acts = action_table(f.posts, seed=42)
    posts = f.posts[["post_id", "account_id", "timestamp", "caption"]]
    whole = fusion.fuse_full(acts, fusion.FusionParams(), posts)
    plain = meetings.window_meetings
    monkeypatch.setattr(meetings, "window_meetings", lambda *a, **k: plain(*a, **k, chunk=257))
    pieces = fusion.fuse_full(acts, fusion.FusionParams(), posts)
    assert len(whole.edges) > 50
    pd.testing.assert_frame_equal(whole.edges, pieces.edges)
    pd.testing.assert_frame_equal(whole.events, pieces.events)
    assert {k: v for k, v in whole.stats.items() if not k.startswith("_")} == \
        {k: v for k, v in pieces.stats.items() if not k.startswith("_")}


def test_events_by_pair_and_time_keep_compact_codes() -> None:
    rng = np.random.default_rng(5)
    pair = rng.integers(0, 3_000, 10_000).astype(np.int32)
    t = rng.integers(0, 10**6, 10_000) + 1_700_000_000
    p, ts, lvl = by_pair_and_time(pair, t, rng.uniform(0.5, 9.0, 10_000), np.array([1.0, 4.0]))
    assert p.dtype == np.int32 and lvl.dtype == np.int8 and ts.dtype == np.int64
    order = np.lexsort((t, pair))
    assert np.array_equal(p, pair[order]) and np.array_equal(ts, t[order])


def test_letting_go_of_pairs_that_met_once_changes_no_edge(tmp_path) -> None:
    """Fusion drops the meetings of pairs that met only once as soon as occasions are counted;
    with every pair's table kept (nothing dropped) the edges and their meetings are the same."""
    import analyses.fusion as fusion
    from analyses.actions import action_table
    from ingest.frames import frames_from_files
    from samples import generate_incident

    generate_incident(tmp_path, seed=8, scale=0.5)
    f = frames_from_files([p for p in tmp_path.iterdir() if p.name != "ground_truth.json"])
    acts = action_table(f.posts, seed=42)
    posts = f.posts[["post_id", "account_id", "timestamp", "caption"]]
    lean = fusion.fuse_full(acts, fusion.FusionParams(), posts)
    full = fusion.fuse_full(acts, fusion.FusionParams(keep_pair_table="all"), posts)
    assert len(lean.edges) > 50
    assert full.stats["_all_pairs"] is not None and len(full.stats["_all_pairs"]) > len(lean.edges)
    pd.testing.assert_frame_equal(lean.edges, full.edges)
    pd.testing.assert_frame_equal(lean.events, full.events)
