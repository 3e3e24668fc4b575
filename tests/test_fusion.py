"""The detector's pieces on hand-made scenes with known answers: a cell next to the benign
synchrony it must not flag (a televised moment, a clock, fans of a creator, friends filming
together, news desks), the chance model, occasions, crowds, cues and the group test."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analyses import chance, crowds, cues, groups
from analyses.actions import SIGNALS, action_table
from analyses.captions import minhash_signatures, near_duplicate_groups, normalize_caption
from analyses.clusters import find_clusters
from analyses.detect import DetectParams, detect
from analyses.evaluate import adjusted_rand_index, evaluate
from analyses.fusion import FusionParams, fuse, fuse_full
from analyses.occasions import count_occasions

DAY = 86_400
T0 = 1_000_000


class Scene:
    """Builds a posts table row by row."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.rows: list[tuple] = []

    def add(self, acc: str, t: float, cap: str, tags: list[str], sound: str | None = None,
            mentions: list[str] | None = None, reposts: list[str] | None = None) -> str:
        post = f"p{len(self.rows)}"
        self.rows.append((post, acc, int(t), cap, tags, sound, reposts or [], [],
                          mentions or []))
        return post

    def organic(self, n: int, posts: int = 3, days: int = 6) -> set[str]:
        """Accounts posting popular tags and pool sounds at random times."""
        names = {f"user{i}" for i in range(n)}
        for acc in sorted(names):
            for _ in range(posts):
                self.add(acc, T0 + self.rng.integers(0, days * DAY), f"my day {self.rng.integers(1e9)}",
                         ["fyp", f"topic{self.rng.integers(0, 40)}"], f"s{self.rng.integers(0, 60)}")
        return names

    def cell(self, name: str, size: int, waves: int, spread: int = 40) -> set[str]:
        members = {f"{name}{i}" for i in range(size)}
        for w in range(waves):
            t0 = T0 + w * DAY + self.rng.integers(0, 40_000)
            for acc in sorted(members):
                if self.rng.random() < 0.85:
                    self.add(acc, t0 + self.rng.integers(0, spread),
                             f"wave {w} of the skyfall challenge, join us now {self.rng.integers(3)}",
                             ["skyfallchallenge", f"{name}tag", "fyp"], f"s-{name}")
        return members

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["post_id", "account_id", "timestamp", "caption",
                                                "hashtags", "sound", "reposts", "urls", "mentions"])


def _flagged(posts: pd.DataFrame, **fusion: object) -> set[str]:
    return detect(posts, params=DetectParams(seed=3, fusion=FusionParams(**fusion))).flagged_accounts()


def test_cell_found_among_organic_accounts() -> None:
    s = Scene(1)
    s.organic(300)
    cell = s.cell("c", 6, waves=6)
    result = detect(s.frame(), params=DetectParams(seed=3))
    assert result.flagged_accounts() == cell
    assert list(result.clusters["size"]) == [6]
    assert {"caption", "hashtag", "sound"} <= set(result.clusters.loc[0, "top_signals"])
    assert any(o.startswith("hashtag:fyp") for o in result.stats["objects_too_common"])
    assert result.params["fusion"]["windows"] == [60, 300, 1800]
    assert result.clusters.loc[0, "log10_p"] < -10


def test_a_large_cell_posting_at_once_is_found_whole() -> None:
    # 120 accounts post the same caption, tags and sound within a minute, five times: a crowd
    # of 120 in a 6,000-account incident is private, and every member meets its nearest ones.
    s = Scene(11)
    s.organic(6000, posts=2)
    cell = s.cell("big", 120, waves=5, spread=60)
    result = detect(s.frame(), params=DetectParams(seed=3))
    found = result.flagged_accounts()
    assert found <= cell and len(found) >= 114, len(found)
    assert len(result.clusters) == 1


def test_televised_moments_twice_a_match_and_next_match_day_are_not_coordination() -> None:
    # 400 viewers out of 1,000: goals at minute 20 and 70, again on the next match day; each
    # viewer posts #goal within two minutes of some of the goals.
    s = Scene(2)
    s.organic(300)
    viewers = [f"viewer{i}" for i in range(1000)]
    for day in (1, 4):
        for minute in (20, 70):
            t_goal = T0 + day * DAY + 20 * 3600 + minute * 60
            for acc in viewers:
                if s.rng.random() < 0.4:
                    s.add(acc, t_goal + s.rng.integers(0, 120), f"GOAL {s.rng.integers(1e9)}",
                          ["goal", "cupfinal"], "s-stadium" if s.rng.random() < 0.3 else None)
    cell = s.cell("c", 6, waves=6)
    assert _flagged(s.frame()) == cell


def test_the_chant_and_cheers_of_a_public_moment_are_the_moments() -> None:
    # 1,000 viewers, 40% of them post #goal within two minutes of each goal (a public crowd);
    # 60 regulars among them post every goal with the club's chant and one of three cheers:
    # a sub-crowd too small to be public on its own. The chant belongs to the moment.
    s = Scene(5)
    s.organic(3000, posts=2)
    viewers = [f"viewer{i}" for i in range(1000)]
    regulars = [f"ultra{i}" for i in range(60)]
    cheers = ["GET IN", "WHAT A GOAL", "WE ARE GOING UP"]
    for day in (1, 3, 5, 7):
        for minute in (20, 75):
            t_goal = T0 + day * DAY + (17 + day % 3) * 3600 + minute * 60
            for acc in viewers:
                if s.rng.random() < 0.4:
                    s.add(acc, t_goal + s.rng.integers(0, 120), f"GOAL {s.rng.integers(1e9)}",
                          ["goal", "cupfinal"])
            for acc in regulars:
                if s.rng.random() < 0.8:
                    s.add(acc, t_goal + s.rng.integers(0, 120), str(s.rng.choice(cheers)),
                          ["goal", "cupfinal"], "s-chant")
    cell = s.cell("c", 6, waves=6)
    assert _flagged(s.frame()) == cell
    # without the moment, the regulars' chant looks like a plan
    assert _flagged(s.frame(), moment_window=0) - cell == set(regulars)


def test_pieces_of_a_cell_that_burst_together_are_one_group() -> None:
    # 20 accounts, 8 waves on one tag a day apart (at different hours): each wave is 5 of group
    # A and 5 of group B within half a minute. A partitioner may cut A from B; they burst
    # together on every occasion, so they are one group. C bursts on its own tag, elsewhere.
    from analyses import bursts
    from analyses.clusters import _merge_co_bursting
    rng = np.random.default_rng(4)
    obj, acc, t = [], [], []
    for w in range(8):
        t0 = T0 + w * DAY + w * 2_700
        for a in list(rng.choice(10, 5, replace=False)) + list(10 + rng.choice(10, 5, replace=False)):
            obj.append(0), acc.append(int(a)), t.append(t0 + int(rng.integers(0, 30)))
        for a in rng.choice(10, 6, replace=False):
            obj.append(1), acc.append(20 + int(a)), t.append(t0 + 9_000 + int(rng.integers(0, 30)))
    found = bursts.find_bursts(np.array(obj), np.array(acc), np.array(t), (60,), 43_200,
                               account_ids=np.array([f"a{i}" for i in range(30)]))
    names = lambda r: sorted(f"a{i}" for i in r)  # noqa: E731
    parts = [(names(range(10)), -20.0), (names(range(10, 20)), -20.0),
             (names(range(20, 30)), -20.0)]
    merged = _merge_co_bursting(found, parts, threshold=0.0, n_accounts=1_000, degree=5.0,
                                n_significant=len(found.table), log_alpha=math.log(0.01))
    assert sorted(sorted(m) for m, _ in merged) == [names(range(20)), names(range(20, 30))]
    assert min(lp for m, lp in merged if len(m) == 20) < -20.0


def test_a_fan_of_the_tag_who_lands_in_two_waves_is_not_a_member() -> None:
    # A cell of 12 posts #x in 8 waves a day apart (7 members each time, within 30 s). Three
    # fans of #x post on it 8 times each over the week, and two of their posts happen to fall
    # inside two of the waves: they were there on two occasions, like a member, but most of
    # their own posts on #x are elsewhere. A cell member posts on #x only in the waves.
    from analyses import bursts
    rng = np.random.default_rng(7)
    obj, acc, t = [], [], []
    waves = [T0 + w * DAY + w * 2_700 for w in range(8)]
    for w, t0 in enumerate(waves):
        for a in range(7):  # members take turns: each is in four or five waves
            obj.append(0), acc.append((7 * w + a) % 12), t.append(t0 + int(rng.integers(0, 30)))
    for f in range(3):
        lucky = rng.choice(8, 2, replace=False)
        for w in lucky:
            obj.append(0), acc.append(12 + f), t.append(waves[w] + int(rng.integers(0, 30)))
        for _ in range(6):
            obj.append(0), acc.append(12 + f)
            t.append(T0 + int(rng.integers(0, 8 * DAY)) + DAY // 2)
    found = bursts.find_bursts(np.array(obj), np.array(acc), np.array(t), (60,), 43_200,
                               account_ids=np.array([f"a{i}" for i in range(15)]))
    codes = np.arange(15)
    lp, members, occasions = bursts.group_burst_test(found, codes, 1_000, 5.0)
    assert sorted(members) == list(range(12)) and occasions == 8 and lp < math.log(1e-6)
    # without the lockstep rule the fans count: they were there twice
    _, loose, _ = bursts.group_burst_test(found, codes, 1_000, 5.0, lockstep=False)
    assert sorted(loose) == list(range(15))


def _three_waves(s: Scene, name: str, size: int, starts: list[int]) -> set[str]:
    """A cell posting its own tag, sound and caption template in a few waves of minutes."""
    members = {f"{name}{i}" for i in range(size)}
    for t0 in starts:
        for acc in sorted(members):
            if s.rng.random() < 0.85:
                s.add(acc, t0 + s.rng.integers(0, 240), f"{name} is the only one who listens "
                      f"{s.rng.integers(1e9)}", [f"vote{name}", "fyp"], f"s-{name}")
    return members


def test_a_cell_with_three_waves_is_found_and_a_shows_regulars_are_not() -> None:
    # A cell of 14 with only three waves (days apart, at different hours): too few occasions
    # for the repetition bar of the burst search, but in each wave the cell is everyone on its
    # tag, and its members come back every time (CopyCatch's lockstep). Next to it, three
    # matches of a club: 12 regulars post its tag at each, among 16 other viewers who each
    # watched one; and a scheduler's four clients posting at its three slots, each on two days
    # (a clock, not three waves).
    s = Scene(11)
    s.organic(1500, posts=3, days=8)
    cell = _three_waves(s, "whit", 14, [T0 + DAY + 5_000, T0 + 3 * DAY + 40_000,
                                        T0 + 6 * DAY + 20_000])
    regulars = [f"regular{i}" for i in range(12)]
    for ep in range(3):
        t_show = T0 + (2 * ep + 1) * DAY + (15 + 3 * ep) * 3600 + 600  # not a clock
        for acc in regulars + [f"viewer{ep}_{i}" for i in range(16)]:
            s.add(acc, t_show + s.rng.integers(0, 240), f"omg {s.rng.integers(1e9)}",
                  ["clubtag"], None)
            if acc.startswith("viewer"):  # a viewer posts other things too
                s.add(acc, T0 + s.rng.integers(0, 8 * DAY), f"my day {s.rng.integers(1e9)}",
                      ["fyp", f"topic{s.rng.integers(0, 40)}"], None)
    for day in range(6):  # three slots of the tool, each on two days
        for i in range(4):
            slot = (9 * 3600 + 1_800, 13 * 3600 + 1_800, 18 * 3600)[day % 3]
            s.add(f"shop{i}", T0 + day * DAY + slot, f"new stock {s.rng.integers(1e9)}",
                  ["smallbiz", "shoplocal"], None)
    found = detect(s.frame(), params=DetectParams(seed=3)).flagged_accounts()
    shops = {f"shop{i}" for i in range(4)}
    # (the shops' pairs, to the second at every slot, are still flagged by the pair evidence:
    # a known limit, docs/detection.md; the three-wave test below does not add them)
    assert found - shops == cell
    # the burst test itself: three occasions, all the cell's accounts (also those the burst
    # search did not link); none with the old bar of six; the regulars are a part of each crowd
    from analyses import bursts
    frame = s.frame()
    fused = fuse_full(action_table(frame, SIGNALS, seed=3), FusionParams(),
                      frame[["post_id", "account_id", "timestamp", "caption"]])
    b = fused.bursts
    code = {a: i for i, a in enumerate(b.account_ids.tolist())}
    n, d = fused.stats["accounts_tested"], 5.0
    lp, members, k = bursts.group_burst_test(b, np.array(sorted(code[a] for a in cell)), n, d)
    assert k == 3 and lp < math.log(1e-6) and {b.account_ids[m] for m in members} == cell
    assert bursts.group_burst_test(b, np.array(sorted(code[a] for a in cell)), n, d,
                                   few_occasions=6)[2] == 0
    regular_codes = np.array(sorted(code[a] for a in regulars))
    assert bursts.group_burst_test(b, regular_codes, n, d)[2] == 0
    assert bursts.group_burst_test(b, regular_codes, n, d, few_share=0.2)[2] == 3  # the share bar
    shop_codes = np.array(sorted(code[f"shop{i}"] for i in range(4)))
    assert bursts.group_burst_test(b, shop_codes, n, d)[2] == 0


def test_a_large_sparse_cell_of_slow_waves_is_found() -> None:
    # 80 accounts, 10 waves on their own sound and tag, a day apart at different hours; in each
    # wave 20 of them post over 30 minutes (each member is in two or three waves, with its own
    # words). No wave is tight for its half hour (the wave *is* the half hour), so no pair meets
    # twice and the tight bursts inside a wave do not repeat enough: the object's day shows it.
    from analyses.clusters import burst_groups
    s = Scene(8)
    s.organic(2000, posts=3, days=11)
    cell = [f"slow{i}" for i in range(80)]
    waves_of: dict[str, int] = {}
    for w in range(10):
        t0 = T0 + w * DAY + (w * 5 % 24) * 3600
        for k, acc in enumerate(s.rng.choice(cell, 20, replace=False)):
            waves_of[acc] = waves_of.get(acc, 0) + 1
            s.add(acc, t0 + int(s.rng.integers(0, 1800)), f"my own words {w} {k} {s.rng.integers(1e9)}",
                  ["slowcampaign", f"topic{s.rng.integers(0, 40)}"], "s-slow")
    result = detect(s.frame(), params=DetectParams(seed=3))
    found = result.flagged_accounts()
    # one wave is no repetition: the members seen in two waves or more are the cell found
    assert found == {a for a, k in waves_of.items() if k >= 2}
    assert len(found) == 57 and len(result.clusters) == 1
    # the tight-burst search alone finds nothing: it is the slow-wave search
    acts = action_table(s.frame(), SIGNALS, seed=3)
    fused = fuse_full(acts, FusionParams(), s.frame()[["post_id", "account_id", "timestamp", "caption"]])
    n, d = fused.stats["accounts_tested"], 2.0 * fused.stats["candidate_pairs"] / fused.stats["accounts_tested"]
    assert burst_groups(fused.bursts, n, d, 0.01, 3) == []
    slow = burst_groups(fused.bursts, n, d, 0.01, 3, slow=True)
    assert len(slow) == 1 and set(slow[0][0]) == found
    assert fused.stats["pairs_q_below_alpha"] == 0  # and no pair of members stands out


def test_a_weak_group_sharing_its_moments_is_part_of_the_crowd() -> None:
    from analyses.explain import crowd_embedded
    shared = [{"occasions": 4, "exclusivity": 0.64}, {"occasions": 1, "exclusivity": 1.0}]
    assert crowd_embedded(shared, log10_p=-15.6, size=93)      # 93 regulars of a TV show
    assert not crowd_embedded(shared, log10_p=-3559.0, size=24)  # a cell with a pile-on
    assert not crowd_embedded([{"occasions": 9, "exclusivity": 0.95}], -5.0, 40)  # its own crowd
    assert crowd_embedded([{"occasions": 5, "exclusivity": 0.2}], -900.0, 10)  # a small part
    assert not crowd_embedded([{"occasions": 1, "exclusivity": 0.4}], -57.0, 4)  # one moment
    # The regulars of a league: most of the crowd of one match's tag (its two halves), a part of
    # the league tag's crowd every match day, and barely beyond chance for their number.
    league = [{"occasions": 2, "exclusivity": 0.87}, {"occasions": 5, "exclusivity": 0.66},
              {"occasions": 6, "exclusivity": 0.63}]
    assert crowd_embedded(league, -14.8, 42)
    assert not crowd_embedded(league, -14.8 * 3, 42)        # strong members: not a crowd
    assert not crowd_embedded(league[:1], -14.8, 42)        # the match tag alone: undecided
    # A show's 29 regulars, 0.54 orders of magnitude each; five cell members at 0.9 each stay.
    show = [{"occasions": 5, "exclusivity": 0.69}, {"occasions": 5, "exclusivity": 0.76}]
    assert crowd_embedded(show, -15.7, 29)
    assert not crowd_embedded([{"occasions": 2, "exclusivity": 0.5}], -4.55, 5)
    # a show's 37 regulars at 0.36 per member, 81 % of a generic tag's crowd on its nights: the
    # weaker the group, the more of its crowd it must be (0.85 here, 0.9 at no evidence)
    assert crowd_embedded([{"occasions": 5, "exclusivity": 0.81}], -0.36 * 37, 37)
    assert not crowd_embedded([{"occasions": 5, "exclusivity": 0.81}], -0.74 * 37, 37)


def test_a_daily_clock_is_one_occasion() -> None:
    # 12 accounts in one small time zone post #1111 at 11:11 local every day: they meet daily,
    # at the same time of day.
    s = Scene(3)
    s.organic(200)
    for day in range(7):
        for i in range(12):
            s.add(f"wish{i}", T0 + day * DAY + 11 * 3600 + 11 * 60 + s.rng.integers(0, 50),
                  f"make a wish {s.rng.integers(1e9)}", ["1111", "makeawish"])
    assert _flagged(s.frame()) == set()
    assert _flagged(s.frame(), clock_period=None) >= {f"wish{i}" for i in range(12)}


def test_fans_reacting_to_a_creator_are_explained_by_the_creator() -> None:
    # A creator posts 8 times; 30 fans mention her and use her new sound minutes later.
    s = Scene(4)
    s.organic(200)
    for k in range(8):
        t = T0 + k * 17 * 3600 + s.rng.integers(0, 3600)
        s.add("creator", t, f"new dance {k}", ["idoldance"], f"s-idol{k}")
        for i in range(30):
            if s.rng.random() < 0.8:
                s.add(f"fan{i}", t + 60 + s.rng.integers(0, 240), f"love it {s.rng.integers(1e9)}",
                      ["idoldance"], f"s-idol{k}", mentions=["creator"])
    assert _flagged(s.frame()) == set()


def test_friends_who_name_each_other_are_open_collaboration() -> None:
    s = Scene(5)
    s.organic(200)
    friends = ["ana", "bea", "cam", "dan"]
    for k in range(4):
        t = T0 + k * 40 * 3600 + s.rng.integers(0, 3600)
        for f in friends:
            s.add(f, t + s.rng.integers(0, 120), f"with my besties {s.rng.integers(1e9)}",
                  ["besties", "fyp"], "s-trend", mentions=[x for x in friends if x != f])
    assert _flagged(s.frame()) == set()


def test_busy_accounts_meeting_by_chance_are_not_surprising() -> None:
    # Two news desks each post on #news every ~50 minutes for a week on their own schedules:
    # they meet in several separate occasions, as chance predicts. Two accounts posting 30 s
    # apart at irregular times, 12 times, do not.
    s = Scene(8)
    s.organic(300)
    for desk in ("desk1", "desk2"):
        for t in np.sort(s.rng.integers(0, 7 * DAY, 200)):
            s.add(desk, T0 + t, f"headline {s.rng.integers(1e9)}", ["news"])
    for t in T0 + np.sort(s.rng.choice(np.arange(0, 7 * DAY, 3000), 12, replace=False)):
        s.add("b1", t, f"x {s.rng.integers(1e9)}", ["news"])
        s.add("b2", t + 30, f"y {s.rng.integers(1e9)}", ["news"])
    result = detect(s.frame(), params=DetectParams(seed=3))
    edges = result.edges.set_index(["account_id", "account_id_y"])
    assert result.flagged_accounts() == set()  # two accounts are not a cluster
    pairs = fuse(*_actions(s.frame()))[0].set_index(["account_id", "account_id_y"])
    desks = pairs.loc[("desk1", "desk2")]
    assert desks["waves"] >= 5 and desks["surprise"] < 2.0 and desks["q"] == 1.0
    lock = pairs.loc[("b1", "b2")]
    assert lock["waves"] >= 10 and lock["surprise"] > 15 and lock["q"] < 1e-10  # 12 on the clock
    assert edges.empty


def _actions(posts: pd.DataFrame) -> tuple[pd.DataFrame, FusionParams, pd.DataFrame]:
    from analyses.actions import action_table
    return action_table(posts), FusionParams(), posts[["post_id", "account_id", "timestamp"]]


@pytest.mark.parametrize("n_accounts", [400, 4000])
def test_pure_chance_flags_nobody_at_any_size(n_accounts: int) -> None:
    # Accounts with heavy-tailed activity on a Zipf vocabulary of tags and sounds, all at
    # random times: every meeting is chance, so nothing may be flagged, whatever the size.
    s = Scene(6)
    rng = s.rng
    tags = [f"tag{i}" for i in range(3000)]
    zipf = 1 / np.arange(1, 3001) ** 1.1
    zipf /= zipf.sum()
    for i in range(n_accounts):
        for _ in range(int(min(60, rng.lognormal(1.0, 1.0)) + 1)):
            s.add(f"u{i}", T0 + rng.integers(0, 7 * DAY), f"post {rng.integers(1e9)}",
                  list(rng.choice(tags, 3, p=zipf)), f"s{rng.zipf(1.5) % 500}")
    result = detect(s.frame(), params=DetectParams(seed=3))
    assert result.flagged_accounts() == set()
    assert result.stats["candidate_pairs"] > n_accounts / 4  # plenty of chance meetings


def test_pairs_with_one_meeting_are_not_evidence() -> None:
    # 30 accounts post the same hashtag within two minutes, once: many pairs, one meeting each.
    acts = pd.DataFrame({"account_id": [f"a{i}" for i in range(30)] * 2,
                         "object_type": "hashtag",
                         "object_id": ["event"] * 30 + [f"own{i}" for i in range(30)],
                         "content_id": [f"c{i}" for i in range(60)],
                         "timestamp": list(range(1000, 1120, 4)) + [DAY * 3 + i for i in range(30)]})
    edges, stats = fuse(acts, FusionParams(min_event_strength=0.0, min_object_strength=0.0,
                                           crowd_scale=100.0))
    assert edges.empty
    assert stats["candidate_pairs"] == 30 * 29 // 2


def test_same_seed_same_result_and_parts_are_visible() -> None:
    s = Scene(7)
    s.organic(200)
    s.cell("c", 5, waves=5)
    a = detect(s.frame(), params=DetectParams(seed=9))
    b = detect(s.frame(), params=DetectParams(seed=9))
    pd.testing.assert_frame_equal(a.members, b.members)
    assert a.clusters["score"].tolist() == b.clusters["score"].tolist()
    parts = a.clusters.loc[0, "parts"]
    assert set(parts) == {"synchrony", "repetition", "content", "density", "surprise", "accounts", "size"}
    assert 0 < parts["synchrony"] <= 1


def test_crowds_and_publicness() -> None:
    obj = np.array([0, 0, 0, 0, 1])
    acc = np.array([1, 2, 3, 1, 4])
    t = np.array([0, 10, 20, 5000, 0])
    assert crowds.others_in_window(obj, acc, t, 60).tolist() == [2, 2, 2, 0, 0]
    assert crowds.others_in_window(obj, acc, t, 10_000).tolist() == [2, 3, 3, 2, 0]
    # The public crowd size grows like the square root of the incident.
    assert crowds.public_crowd_size(40_000) == pytest.approx(2 * crowds.public_crowd_size(10_000))
    p = crowds.publicness(np.array([5, 50, 500, 5000]), 10_000)
    assert list(p) == sorted(p) and p[0] < 0.001 and p[-1] > 0.99


def test_occasions_count_independent_meetings() -> None:
    pair = np.array([0, 0, 0, 0, 1, 1, 2, 2])
    t = np.array([0, 60, 5000, 9000, 0, 3 * DAY + 120, 100, DAY - 100])
    # pair 0: 0 and 60 are one occasion; 5000 and 9000 are two more
    assert count_occasions(pair, t, gap=3600, clock_period=None).tolist() == [3, 2, 2]
    # pair 1 meets at the same time of day three days apart (a clock); pair 2 across midnight
    assert count_occasions(pair, t, gap=3600, clock_tolerance=600).tolist() == [3, 1, 1]


def test_chance_p_values_and_false_discovery_control() -> None:
    k, lam = np.array([1, 2, 5]), np.array([0.3, 0.01, 2.0])
    tail = [1 - sum(math.exp(-m) * m**j / math.factorial(j) for j in range(x))
            for x, m in zip(k, lam, strict=True)]
    assert chance.log10_poisson_tail(k, lam) == pytest.approx(np.log10(tail))
    cond = np.array(tail) / (1 - np.exp(-lam))
    assert chance.conditional_poisson_p(k, lam) == pytest.approx(cond)
    assert chance.conditional_poisson_p(np.array([1]), np.array([0.2]))[0] == 1.0
    # No underflow far in the tail: 30 meetings where 1e-5 were expected.
    assert chance.log10_conditional_poisson_p(np.array([30]), np.array([1e-5]))[0] < -100
    # Benjamini-Hochberg: q_(i) = min_{j>=i} p_(j) m / j; unlisted hypotheses count in m.
    q = chance.benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2]))
    assert q.tolist() == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])
    assert chance.benjamini_hochberg(np.array([0.001]), m=1000)[0] == pytest.approx(1.0)


def test_expected_meetings_of_two_accounts() -> None:
    # a: 2 posts on tag 0 (rates 0.1, 0.2); b: 3 posts on tag 0 and 1 on tag 1 (a never used 1).
    acc = np.array([0, 0, 1, 1, 1, 1])
    obj = np.array([0, 0, 0, 0, 0, 1])
    post = np.arange(6)
    rate = np.array([[0.1, 0.2, 0.05, 0.05, 0.05, 0.5]])
    index = chance.ActionIndex(acc, obj)
    lam = chance.expected_meetings(index, np.array([0]), np.array([1]), post, np.zeros(6, int),
                                   np.ones(6), np.array([1.0]), rate, np.array([0.0, 5.0]))
    # each of a's posts meets each of b's three posts on tag 0 with a's rate
    assert lam[0, 0].tolist() == pytest.approx([3 * 0.1 + 3 * 0.2, 0.0])


def test_reaction_cues_need_a_creator_with_an_audience() -> None:
    author = np.array([0, 0, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3])
    t = np.array([0, 1000, 2000, 60, 70, 80, 1060, 1070, 1080, 2060, 2070, 2080])
    mention = (np.arange(3, 12), np.zeros(9, dtype=int))
    cue = cues.reaction_cues(author, t, mentions=mention, min_reactors=3)
    assert cue.tolist() == [-1, -1, -1, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    # A cell member who posted first once is not a cue source: too few cue posts.
    assert (cues.reaction_cues(author, t, mentions=mention, min_cue_posts=4) == -1).all()
    explained = cues.explained_by_cue(cue, np.array([3, 3, 6]), np.array([4, 6, 0]))
    assert explained.tolist() == [True, False, False]
    named = cues.names_each_other(np.array([3, 4]), np.array([4, 5]), author,
                                  np.array([3]), np.array([2]))
    assert named.tolist() == [True, False]


def test_group_test_peel_and_grow() -> None:
    g = nx.Graph()
    core = [f"c{i}" for i in range(8)]
    for i, a in enumerate(core):
        for b in core[i + 1:]:
            g.add_edge(a, b, omega=6.0)
    g.add_edge("c0", "hanger", omega=8.0)  # one strong link to the group only
    for b in core[:6]:
        g.add_edge("late", b, omega=6.0)   # cut off by a partitioner, but tied to most members
    assert groups.peel(g, core + ["hanger"], math.log(0.01)) == sorted(core)
    assert groups.grow(g, core, math.log(0.01)) == sorted(core + ["late"])
    # The scan correction: the same pair evidence proves more in a big group than a small one.
    assert groups.group_log_p(3 * 6.0, 3, 10_000, 20.0) == 0.0
    assert groups.group_log_p(28 * 6.0, 8, 10_000, 20.0) < math.log(1e-10)


def test_components_option_and_min_size() -> None:
    e = pd.DataFrame({"account_id": ["a", "a", "b", "x"], "account_id_y": ["b", "c", "c", "y"],
                      "weight": [3.0, 3.0, 3.0, 9.0], "waves": [3, 3, 3, 9], "events": [3, 3, 3, 9],
                      "surprise": [12.0, 12.0, 12.0, 20.0], "mean_time_delta": [10.0] * 4,
                      "signals": [{"sound": 3}] * 4, "first_ts": [0] * 4, "last_ts": [1] * 4,
                      "expected": [0.1] * 4})
    clusters, members = find_clusters(e, method="components", min_size=3, n_accounts=100)
    assert clusters["members"].tolist() == [["a", "b", "c"]]
    assert members.sort_values("account_id")["member_score"].tolist() == [1.0, 1.0, 1.0]


def test_captions_near_duplicates() -> None:
    caps = pd.Series(["Day 3 of the #SkyfallChallenge and I'm not stopping 🔥 @bob",
                      "day 3 of the skyfallchallenge and im not stopping!!",
                      "Day 3 of the #skyfallchallenge and I am not quitting",
                      "my cat is asleep on the keyboard again", "so cute", "so cute", None])
    groups_ = near_duplicate_groups(caps)
    assert groups_[0] == groups_[1] == "c0"
    assert pd.isna(groups_[3]) and pd.isna(groups_[4]) and pd.isna(groups_[6])  # short: no group
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
