"""The fusion, clustering and caption pieces on hand-made data with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyses.captions import minhash_signatures, near_duplicate_groups, normalize_caption
from analyses.clusters import find_clusters
from analyses.detect import DetectParams, detect
from analyses.evaluate import adjusted_rand_index, evaluate
from analyses.fusion import FusionParams, fuse

DAY = 86_400


def _posts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["post_id", "account_id", "timestamp", "caption", "hashtags",
                                       "sound", "reposts", "urls", "mentions"])


def _scene(seed: int = 1) -> tuple[pd.DataFrame, set[str], set[str], set[str]]:
    """A 5-account cell (6 daily waves), a one-off live-event burst, fans posting all day, and
    200 organic accounts all using #fyp."""
    rng = np.random.default_rng(seed)
    rows = []
    n = 0

    def add(acc: str, t: int, cap: str, tags: list[str], sound: str | None) -> None:
        nonlocal n
        n += 1
        rows.append((f"p{n}", acc, int(t), cap, tags, sound, [], [], []))

    cell = {f"cell{i}" for i in range(5)}
    for day in range(6):
        t0 = 1_000_000 + day * DAY + int(rng.integers(0, 40_000))
        for i, acc in enumerate(sorted(cell)):
            add(acc, t0 + i * 20 + int(rng.integers(0, 15)),
                f"day {day} of the skyfall challenge, join us now {'!' * i}",
                ["skyfallchallenge", "skyfallnow", "fyp"], "s-cell")
    burst = {f"fan_of_match{i}" for i in range(60)}
    for i, acc in enumerate(sorted(burst)):
        add(acc, 1_200_000 + int(rng.integers(0, 900)), f"what a goal {i} wow",
            ["cupfinal", "fyp"], None)
        add(acc, 1_000_000 + int(rng.integers(0, 6 * DAY)), f"random life {i}", ["fyp"], None)
    fans = {f"fan{i}" for i in range(12)}
    for acc in sorted(fans):
        for _ in range(6):
            add(acc, 1_000_000 + int(rng.integers(0, 6 * DAY)), f"love her {rng.integers(1e6)}",
                ["idolname", "fyp"], "s-idol")
    organic = {f"user{i}" for i in range(200)}
    for acc in sorted(organic):
        for _ in range(3):
            add(acc, 1_000_000 + int(rng.integers(0, 6 * DAY)), f"my day {rng.integers(1e6)}",
                ["fyp"], f"s{rng.integers(0, 50)}")
    return _posts(rows), cell, burst, fans


def test_cell_found_look_alikes_left_alone() -> None:
    posts, cell, burst, fans = _scene()
    result = detect(posts, params=DetectParams(seed=3))
    assert result.flagged_accounts() == cell
    assert list(result.clusters["size"]) == [5]
    assert set(result.clusters.loc[0, "top_signals"]) == {"caption", "hashtag", "sound"}
    # #fyp is on most posts: never paired, and reported as such.
    assert any(s.startswith("hashtag:fyp") for s in result.stats["objects_too_common"])
    # Every cell pair met in all six waves.
    assert set(result.edges["waves"]) == {6}
    assert result.params["seed"] == 3 and result.params["fusion"]["time_window"] == 300


def test_same_seed_same_result_and_parts_are_visible() -> None:
    posts, *_ = _scene(seed=2)
    a = detect(posts, params=DetectParams(seed=9))
    b = detect(posts, params=DetectParams(seed=9))
    pd.testing.assert_frame_equal(a.members, b.members)
    assert a.clusters["score"].tolist() == b.clusters["score"].tolist()
    parts = a.clusters.loc[0, "parts"]
    assert set(parts) == {"synchrony", "repetition", "content", "density", "surprise", "accounts", "size"}
    assert parts["density"] == 1.0 and 0 < parts["synchrony"] <= 1


def test_one_wave_is_not_coordination() -> None:
    # 30 accounts post the same hashtag within two minutes, once: many pairs, one wave each.
    acts = pd.DataFrame({"account_id": [f"a{i}" for i in range(30)] * 2,
                         "object_type": "hashtag",
                         "object_id": ["event"] * 30 + [f"own{i}" for i in range(30)],
                         "content_id": [f"c{i}" for i in range(60)],
                         "timestamp": list(range(0, 120, 4)) + [DAY * 3 + i for i in range(30)]})
    edges, stats = fuse(acts, FusionParams(max_object_share=1.0, min_event_strength=0.0))
    assert edges.empty
    assert stats["candidate_pairs"] == 30 * 29 // 2


def test_busy_accounts_meeting_by_chance_are_not_surprising() -> None:
    # Two news desks each post on the same hashtag every ~50 minutes for a week, on their own
    # schedules: they meet within the window in several separate waves, as chance predicts.
    rng = np.random.default_rng(5)
    t1, t2 = (np.sort(rng.integers(0, 7 * DAY, 200)) for _ in range(2))
    acts = pd.DataFrame({"account_id": ["desk1"] * 200 + ["desk2"] * 200,
                         "object_type": "hashtag", "object_id": "news",
                         "content_id": [f"c{i}" for i in range(400)],
                         "timestamp": np.concatenate([t1, t2])})
    loose = FusionParams(max_object_share=1.0, min_participation=1, min_event_strength=0.0,
                         min_surprise=0.0)
    edges, _ = fuse(acts, loose)
    assert edges.loc[0, "waves"] >= 5            # they do meet, again and again...
    assert edges.loc[0, "surprise"] < 2.0        # ...about as often as their activity predicts
    assert edges.loc[0, "expected"] > 5
    edges, _ = fuse(acts, FusionParams(max_object_share=1.0, min_participation=1,
                                       min_event_strength=0.0))
    assert edges.empty
    # The same two accounts posting 30 s apart every two hours is not chance.
    t = np.arange(0, 7 * DAY, 7200)
    lockstep = pd.DataFrame({"account_id": ["b1"] * len(t) + ["b2"] * len(t),
                             "object_type": "hashtag", "object_id": "news",
                             "content_id": [f"d{i}" for i in range(2 * len(t))],
                             "timestamp": np.concatenate([t, t + 30])})
    edges, _ = fuse(lockstep, loose)
    assert edges.loc[0, "waves"] == len(t) and edges.loc[0, "surprise"] > 20


def test_components_option_and_min_size() -> None:
    e = pd.DataFrame({"account_id": ["a", "b", "x"], "account_id_y": ["b", "c", "y"],
                      "weight": [3.0, 3.0, 9.0], "waves": [3, 3, 9], "events": [3, 3, 9],
                      "surprise": [5.0, 5.0, 9.0], "mean_time_delta": [10.0, 10.0, 5.0],
                      "signals": [{"sound": 3}] * 3, "first_ts": [0] * 3, "last_ts": [1] * 3,
                      "expected": [0.1] * 3})
    clusters, members = find_clusters(e, method="components", min_size=3)
    assert clusters["members"].tolist() == [["a", "b", "c"]]
    assert members.sort_values("account_id")["member_score"].tolist() == [0.5, 1.0, 0.5]


def test_captions_near_duplicates() -> None:
    caps = pd.Series(["Day 3 of the #SkyfallChallenge and I'm not stopping 🔥 @bob",
                      "day 3 of the skyfallchallenge and im not stopping!!",
                      "Day 3 of the #skyfallchallenge and I am not quitting",
                      "my cat is asleep on the keyboard again", "so cute", "so cute", None])
    groups = near_duplicate_groups(caps)
    assert groups[0] == groups[1] == "c0"
    assert pd.isna(groups[3]) and pd.isna(groups[4]) and pd.isna(groups[6])  # short: no group
    assert normalize_caption("Hey @bob: #Fyp https://x.co/a!") == "hey fyp"


def test_minhash_estimates_track_exact_jaccard() -> None:
    rng = np.random.default_rng(4)
    words = [f"word{i}" for i in range(40)]
    base = " ".join(rng.choice(words, 12))
    texts = [base] + [" ".join(w if rng.random() > f else "zz" + w for w in base.split())
                      for f in (0.1, 0.3, 0.6)]
    sig = minhash_signatures(texts, num_perm=256)

    def shingles(t: str) -> set[str]:
        return {t[i:i + 4] for i in range(len(t) - 3)}

    for i in range(1, 4):
        exact = len(shingles(texts[0]) & shingles(texts[i])) / len(shingles(texts[0]) | shingles(texts[i]))
        assert abs((sig[0] == sig[i]).mean() - exact) < 0.1


def test_evaluate_and_ari() -> None:
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == 1.0
    assert round(adjusted_rand_index([1, 1, 1, 2, 2, 2], [1, 1, 2, 2, 3, 3]), 4) == 0.2424
    scores = evaluate({"a": 1, "b": 1, "c": 2, "d": 2}, {"a": "x", "b": "x", "c": "y", "e": "y"})
    assert (scores["precision"], scores["recall"], scores["tp"]) == (0.75, 0.75, 3)
