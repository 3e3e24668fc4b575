"""Tests of the synthetic incident generator (the ``samples`` package).

They read the files back the way an ingest would (pages, JSON lines, wrappers) and check what the
generator promises: byte-for-byte determinism (across processes, and of the parallel renderer),
counts that match the files, the Research API and Zeeschuimer shapes, and that the planted
structure is really in the data: cells post in waves with their tactics, and every benign
look-alike class behaves as ``docs/generator.md`` says. Incidents at scale 0.2 and 1 are
generated once per module (a second or two each).
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from samples import MAX_LINES_PER_FILE, WINDOW_END, WINDOW_START, generate_incident
from samples.writers import videos as video_writer

SCALE = 0.2
SEED = 11
TAG_RE = re.compile(r"#(\w+)")
BENIGN_CLASSES = {"event_burst", "tv_moments", "timezone_clock", "fan_community", "fan_base", "friend_groups", "meme_copiers", "news_accounts",
                  "news_desks", "challenge_organic"}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _max_distinct_in_window(posts: list[tuple[int, str]], window: int) -> int:
    """Most distinct accounts posting within any ``window`` seconds (inclusive)."""
    posts = sorted(posts)
    best, lo = 0, 0
    for hi in range(len(posts)):
        while posts[hi][0] - posts[lo][0] > window:
            lo += 1
        best = max(best, len({u for _, u in posts[lo:hi + 1]}))
    return best


def _read_incident(out: Path, summary: dict[str, Any]) -> dict[str, Any]:
    """Everything a generated incident holds, read back the way an ingest would."""
    pages = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "videos").glob("page-*.json"))]
    rows: list[dict[str, Any]] = [v for body in pages for v in body["data"]["videos"]]
    jsonl_files = sorted((out / "videos").glob("videos-*.jsonl"))
    for f in jsonl_files:
        rows += _read_jsonl(f)
    unique: dict[int, dict[str, Any]] = {}
    for r in rows:
        unique.setdefault(r["id"], r)
    comment_bodies = [json.loads(p.read_text(encoding="utf-8"))
                      for p in sorted((out / "comments").glob("comments-*.json"))]
    return {
        "out": out, "summary": summary, "pages": pages, "rows": rows, "jsonl_files": jsonl_files,
        "videos": list(unique.values()),
        "gt": json.loads((out / "ground_truth.json").read_text(encoding="utf-8")),
        "user_info": _read_jsonl(out / "users" / "user_info.jsonl"),
        "following": _read_jsonl(out / "users" / "following.jsonl"),
        "reposts": _read_jsonl(out / "users" / "reposts.jsonl"),
        "comment_bodies": comment_bodies,
        "comments": [c for b in comment_bodies for c in b["data"]["comments"]],
    }


@pytest.fixture(scope="module")
def incident(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Generate once (scale 0.2), read everything back."""
    out = tmp_path_factory.mktemp("incident")
    return _read_incident(out, generate_incident(out, seed=SEED, scale=SCALE))


@pytest.fixture(scope="module")
def incident_1(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same seed at scale 1 (about 10,000 videos): sizes that grow with scale."""
    out = tmp_path_factory.mktemp("incident-1")
    return _read_incident(out, generate_incident(out, seed=SEED, scale=1.0))


def _words(text: str) -> str:
    """A caption's plain words: no hashtags, mentions, emoji, punctuation or case."""
    text = re.sub(r"[#@][\w.]+", " ", text.lower())
    return " ".join(re.findall(r"[a-z0-9']+", text))


def _tags(v: dict[str, Any]) -> set[str]:
    """A video's hashtags: the list when present, else the ones in its caption."""
    if "hashtag_names" in v:
        return set(v["hashtag_names"])
    return {t.lower() for t in TAG_RE.findall(v.get("video_description", ""))}


# ---------------------------------------------------------------------------- determinism
def test_same_seed_and_scale_give_identical_bytes(incident: dict[str, Any], tmp_path: Path) -> None:
    again = generate_incident(tmp_path / "again", seed=SEED, scale=SCALE)
    assert _hashes(tmp_path / "again") == _hashes(incident["out"])
    assert again["counts"] == incident["summary"]["counts"]


def test_output_does_not_depend_on_the_process(incident: dict[str, Any], tmp_path: Path) -> None:
    """Another interpreter with another string-hash salt writes the same bytes (no set order leaks)."""
    code = ("import sys; from samples import generate_incident; "
            f"generate_incident(sys.argv[1], seed={SEED}, scale={SCALE})")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "proc")], check=True, env=env,
                   cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert _hashes(tmp_path / "proc") == _hashes(incident["out"])


def test_worker_processes_write_the_same_bytes(incident: dict[str, Any], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Large incidents render chunks in forked workers; that path must not change the output."""
    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        pytest.skip("no fork start method or a single CPU: the generator never uses workers here")
    monkeypatch.setattr(video_writer, "PARALLEL_MIN_VIDEOS", 0)
    generate_incident(tmp_path / "par", seed=SEED, scale=SCALE)
    assert _hashes(tmp_path / "par") == _hashes(incident["out"])


def test_different_seed_gives_different_incident(incident: dict[str, Any], tmp_path: Path) -> None:
    generate_incident(tmp_path / "other", seed=SEED + 1, scale=SCALE)
    mine, other = _hashes(incident["out"]), _hashes(tmp_path / "other")
    for name in ("videos/videos-00001.jsonl", "videos/page-00001.json", "ground_truth.json",
                 "users/user_info.jsonl", "users/following.jsonl", "comments/comments-00001.json"):
        assert mine[name] != other[name], name


def test_scale_below_minimum_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_incident(tmp_path, seed=1, scale=0.01)


# ---------------------------------------------------------------------------- files and counts
def test_summary_lists_exactly_the_files_written(incident: dict[str, Any]) -> None:
    out = incident["out"]
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert incident["summary"]["files"] == on_disk
    for name in ("videos/page-00001.json", "videos/page-00002.json", "videos/videos-00001.jsonl",
                 "users/user_info.jsonl", "users/following.jsonl", "users/reposts.jsonl",
                 "comments/comments-00001.json", "ground_truth.json"):
        assert name in on_disk
    assert Path(incident["summary"]["ground_truth"]) == out / "ground_truth.json"


def test_counts_equal_what_is_in_the_files(incident: dict[str, Any]) -> None:
    c = incident["summary"]["counts"]
    rows, videos = incident["rows"], incident["videos"]
    assert c == incident["gt"]["counts"]
    assert c["video_rows"] == len(rows)
    assert c["videos"] == len(videos)
    assert c["duplicate_video_rows"] == len(rows) - len(videos) > 0
    assert c["accounts"] == len({v["username"] for v in videos})
    assert c["hashtag_links"] == sum(len(_tags(v)) for v in videos)
    assert c["hashtags"] == len({t for v in videos for t in _tags(v)})
    assert c["mentions"] == sum(len(v.get("video_mention_list", ())) for v in videos)
    assert c["sounds"] == len({v["music_id"] for v in videos if "music_id" in v})
    assert c["user_info"] == len(incident["user_info"])
    assert c["following_lists"] == len(incident["following"])
    assert c["follows"] == sum(len(w["response"]["data"]["user_following"]) for w in incident["following"])
    assert c["repost_lists"] == len(incident["reposts"])
    assert c["reposts"] == sum(len(w["response"]["data"]["reposted_videos"]) for w in incident["reposts"])
    assert c["comments"] == len(incident["comments"])
    assert c["comment_files"] == len(incident["comment_bodies"])
    assert c["cell_accounts"] == sum(len(cell["accounts"]) for cell in incident["gt"]["cells"])
    # scale 1 is about 10,000 videos by 2,000 accounts
    assert 0.8 * 10_000 * SCALE <= c["videos"] <= 1.2 * 10_000 * SCALE
    assert c["accounts"] == round(2_000 * SCALE)


# ---------------------------------------------------------------------------- formats
def test_pages_are_research_api_bodies(incident: dict[str, Any]) -> None:
    p1, p2 = incident["pages"]
    for body in (p1, p2):
        assert set(body) == {"data", "error"}
        assert set(body["data"]) == {"videos", "cursor", "has_more", "search_id"}
        assert isinstance(body["data"]["cursor"], int) and isinstance(body["data"]["search_id"], str)
        assert body["error"]["code"] == "ok" and isinstance(body["error"]["log_id"], str)
    assert p1["data"]["has_more"] is True and p2["data"]["has_more"] is False
    assert p1["data"]["search_id"] == p2["data"]["search_id"]
    page_ids = {v["id"] for body in (p1, p2) for v in body["data"]["videos"]}
    assert len(page_ids) == 300  # the first 300 videos; page 2 overlaps page 1 by a few rows
    overlap = {v["id"] for v in p1["data"]["videos"]} & {v["id"] for v in p2["data"]["videos"]}
    assert overlap
    # the pages hold the earliest videos (sorted as generated: by time)
    first_jsonl = json.loads(incident["jsonl_files"][0].read_text(encoding="utf-8").split("\n", 1)[0])
    assert max(v["create_time"] for b in (p1, p2) for v in b["data"]["videos"]) <= first_jsonl["create_time"]


def test_video_objects(incident: dict[str, Any]) -> None:
    rows = incident["rows"]
    for f in incident["jsonl_files"]:
        with open(f, encoding="utf-8") as fh:
            assert sum(1 for _ in fh) <= MAX_LINES_PER_FILE
    missing = Counter()
    for v in rows:
        assert isinstance(v["id"], int) and len(str(v["id"])) == 19
        assert isinstance(v["username"], str) and v["username"]
        assert WINDOW_START <= v["create_time"] < WINDOW_END
        if "hashtag_names" in v:
            assert all(t == t.lower() for t in v["hashtag_names"])
            assert len(set(v["hashtag_names"])) == len(v["hashtag_names"])
            if "video_description" in v:
                caption_tags = {t.lower() for t in TAG_RE.findall(v["video_description"])}
                assert caption_tags == set(v["hashtag_names"]), v
        for m in v.get("video_mention_list", ()):
            if "video_description" in v:
                assert "@" + m in v["video_description"]
        for key in ("region_code", "music_id", "voice_to_text", "hashtag_info_list", "video_label",
                    "effect_ids", "playlist_id", "video_duration", "like_count"):
            missing[key] += key not in v
        if "hashtag_info_list" in v and "hashtag_names" in v:
            assert [h["hashtag_name"] for h in v["hashtag_info_list"]] == v["hashtag_names"]
    n = len(rows)
    # optional fields: usually there, missing on a few % of rows (voice/labels/info often missing)
    for key in ("region_code", "music_id", "effect_ids", "video_duration", "like_count"):
        assert 0 < missing[key] < 0.08 * n, key
    for key in ("voice_to_text", "hashtag_info_list", "video_label", "playlist_id"):
        assert missing[key] > 0.3 * n, key
    british = sum("favourites_count" in v for v in rows)
    american = sum("favorites_count" in v for v in rows)
    assert 0.05 < british / (british + american) < 0.16
    assert sum(bool(v.get("video_mention_list")) for v in rows) > 0


def test_duplicate_rows_come_back_with_more_likes(incident: dict[str, Any]) -> None:
    seen: dict[int, dict[str, Any]] = {}
    dups = 0
    for v in incident["rows"]:
        first = seen.get(v["id"])
        if first is None:
            seen[v["id"]] = v
            continue
        dups += 1
        assert v["like_count"] > first.get("like_count", -1)
        assert {k: x for k, x in v.items() if not k.endswith("_count")} == \
            {k: x for k, x in first.items() if not k.endswith("_count")}
    assert dups == incident["summary"]["counts"]["duplicate_video_rows"]


def test_user_wrappers(incident: dict[str, Any]) -> None:
    accounts = {v["username"] for v in incident["videos"]}
    infos = incident["user_info"]
    assert len(infos) >= 0.9 * len(accounts)
    for w in infos:
        assert w["endpoint"] == "user_info" and w["username"] in accounts
        data = w["response"]["data"]
        assert set(data) == {"display_name", "bio_description", "avatar_url", "is_verified",
                             "follower_count", "following_count", "likes_count", "video_count", "bio_url"}
        assert data["avatar_url"].startswith("https://")
        assert data["video_count"] >= 1
        assert w["response"]["error"]["code"] == "ok"
    for w in incident["following"]:
        assert w["endpoint"] == "user_following"
        body = w["response"]["data"]
        assert body["has_more"] is False and body["cursor"] == len(body["user_following"])
        names = [e["username"] for e in body["user_following"]]
        assert len(names) == len(set(names)) and w["username"] not in names
        assert all(set(e) == {"display_name", "username"} for e in body["user_following"])
    video_ids = {v["id"] for v in incident["videos"]}
    for w in incident["reposts"]:
        assert w["endpoint"] == "reposted_videos"
        for rv in w["response"]["data"]["reposted_videos"]:
            assert rv["id"] in video_ids and rv["username"] != w["username"]
            assert {"id", "create_time", "username"} <= set(rv)


def test_comments(incident: dict[str, Any]) -> None:
    videos = {v["id"]: v for v in incident["videos"]}
    comments = incident["comments"]
    by_id = {c["id"]: c for c in comments}
    assert len(by_id) == len(comments)
    assert 0.2 * len(videos) < len(comments) <= 0.5 * len(videos) + 1
    replies = Counter()
    for c in comments:
        assert set(c) == {"id", "video_id", "text", "like_count", "reply_count", "parent_comment_id",
                          "create_time"}
        assert c["video_id"] in videos
        assert c["create_time"] > videos[c["video_id"]]["create_time"]
        if c["parent_comment_id"] != c["video_id"]:
            parent = by_id[c["parent_comment_id"]]
            assert parent["video_id"] == c["video_id"] and parent["create_time"] <= c["create_time"]
            replies[parent["id"]] += 1
    assert replies  # some replies
    assert all(c["reply_count"] == replies[c["id"]] for c in comments)
    bodies = incident["comment_bodies"]
    assert [b["data"]["has_more"] for b in bodies] == [True] * (len(bodies) - 1) + [False]


# ---------------------------------------------------------------------------- ground truth
def test_ground_truth_header(incident: dict[str, Any]) -> None:
    gt = incident["gt"]
    assert gt["seed"] == SEED and gt["scale"] == SCALE
    assert gt["window"] == {"start": "2026-03-01T00:00:00Z", "end": "2026-03-08T00:00:00Z",
                            "start_ts": WINDOW_START, "end_ts": WINDOW_END}
    assert gt["challenge_hashtags"][0].endswith("challenge")
    assert set(gt["benign"]) == BENIGN_CLASSES == set(gt["benign_descriptions"])
    assert all(isinstance(d, str) and d for d in gt["benign_descriptions"].values())


def test_cells_are_what_ground_truth_claims(incident: dict[str, Any]) -> None:
    gt = incident["gt"]
    cells = gt["cells"]
    accounts = {v["username"] for v in incident["videos"]}
    assert 4 <= len(cells) <= 8
    members = [a for c in cells for a in c["accounts"]]
    assert len(members) == len(set(members))  # no account in two cells
    for c in cells:
        tactics = c["tactics"]
        assert c["size"] == len(c["accounts"])
        if "small" in tactics:
            assert 3 <= c["size"] <= 4
        elif "sparse_large" in tactics:
            assert 12 <= c["size"]
        else:
            assert 5 <= c["size"] <= 80
        assert set(c["accounts"]) <= accounts
        lo_w, hi_w = (8, 16) if "sparse_large" in tactics else (4, 12)
        assert lo_w <= c["waves"] <= hi_w and len(c["wave_times"]) == c["waves"] == len(c["wave_hashtags"])
        assert c["hashtags"][0] == gt["challenge_hashtags"][0]
        if "rotating_hashtags" not in tactics:
            assert 2 <= len(c["hashtags"]) <= 4
        assert c["rhythm"] in {"burst", "staggered", "slow"} and c["rhythm"] == tactics[0]
        lo, hi = {"burst": (30, 90), "staggered": (300, 600), "slow": (1500, 2400)}[c["rhythm"]]
        assert lo <= c["spread_seconds"] <= hi
        assert c["sounds"] and all(isinstance(s, int) for s in c["sounds"])
        assert ("distinct_captions" in tactics) == c["distinct_captions"] != ("copypasta" in tactics)
        assert ("lookalike_usernames" in tactics) == c["lookalike_usernames"]
        assert "camouflage" in tactics
        assert set(tactics) <= set(gt["tactic_descriptions"])
    rhythms = Counter(c["rhythm"] for c in cells)
    assert rhythms["slow"] >= 1 and rhythms["burst"] >= 1 and rhythms["staggered"] >= 1
    for tactic in ("sparse_large", "small", "rotating_hashtags", "distinct_captions"):
        assert sum(tactic in c["tactics"] for c in cells) == 1, tactic
    assert 0 < sum(c["lookalike_usernames"] for c in cells) < len(cells)
    assert all(c["caption_templates"] for c in cells if not c["distinct_captions"])
    assert all(isinstance(v, str) and v for v in gt["tactic_descriptions"].values())


def _campaign_posts(videos: list[dict[str, Any]], cell: dict[str, Any]) -> list[tuple[int, str, set[str]]]:
    members, tags = set(cell["accounts"]), set(cell["hashtags"])
    return sorted((v["create_time"], v["username"], _tags(v) & tags) for v in videos
                  if v["username"] in members and _tags(v) & tags)


def _wave_index(t: int, starts: list[int]) -> int:
    """The wave a campaign post belongs to: the last wave that started at or before it."""
    return max(k for k, s in enumerate(starts) if s <= t)


def test_cells_post_in_the_claimed_waves(incident: dict[str, Any]) -> None:
    """Read only the data: each cell's campaign posts form exactly `waves` bursts (> 3 h apart),
    and in each burst the wave's core posted within the cell's spread (at most 40 min): >= 60% of
    the members in regular cells, all or all but one in small cells, the wave's own subset in
    sparse-large cells."""
    for c in incident["gt"]["cells"]:
        spread = c["spread_seconds"]
        posts = [(t, u) for t, u, _ in _campaign_posts(incident["videos"], c)]
        bursts: list[list[tuple[int, str]]] = [[posts[0]]]
        for p in posts[1:]:
            if p[0] - bursts[-1][-1][0] > 3 * 3600:
                bursts.append([])
            bursts[-1].append(p)
        need = min(c["wave_core_posters"]) if "sparse_large" in c["tactics"] else 0.6 * c["size"]
        synced = [b for b in bursts if _max_distinct_in_window(b, spread) >= need]
        assert len(synced) == len(bursts) == c["waves"], c["cell_id"]
        # and the ground-truth wave starts are where the data has them
        for start, core in zip(c["wave_start_ts"], c["wave_core_posters"], strict=True):
            posters = {u for t, u in posts if start <= t <= start + spread}
            assert len(posters) >= core, c["cell_id"]
            if "small" in c["tactics"]:
                assert len(posters) >= c["size"] - 1, c["cell_id"]
            elif "sparse_large" not in c["tactics"]:
                assert 0.6 * c["size"] <= len(posters) < c["size"], c["cell_id"]


def test_waves_span_the_cells_spread(incident: dict[str, Any]) -> None:
    """A wave's core runs from its start to near the end of the spread: 25-40 min in slow cells,
    at most 90 s in burst cells."""
    for c in incident["gt"]["cells"]:
        spread = c["spread_seconds"]
        posts = _campaign_posts(incident["videos"], c)
        for start in c["wave_start_ts"]:
            core = [t for t, _, _ in posts if start <= t <= start + spread]
            span = max(core) - min(core)
            assert min(core) == start and 0.9 * spread <= span <= spread, c["cell_id"]
            if c["rhythm"] == "slow":
                assert 25 * 60 * 0.9 <= span <= 40 * 60
            if c["rhythm"] == "burst":
                assert span <= 90


def test_sparse_large_members_post_two_or_three_campaign_videos(incident: dict[str, Any]) -> None:
    (c,) = [c for c in incident["gt"]["cells"] if "sparse_large" in c["tactics"]]
    posts = _campaign_posts(incident["videos"], c)
    per = Counter(u for _, u, _ in posts)
    assert set(per) == set(c["accounts"]) and set(per.values()) <= {2, 3}
    assert sum(c["wave_core_posters"]) == len(posts)
    # every wave is a different small subset of the members
    crews = defaultdict(set)
    for t, u, _ in posts:
        crews[_wave_index(t, c["wave_start_ts"])].add(u)
    assert len(crews) == c["waves"]
    assert all(len(crew) <= 0.5 * c["size"] for crew in crews.values())
    assert len({frozenset(crew) for crew in crews.values()}) == c["waves"]


def test_rotating_cells_switch_tags_every_wave_or_two(incident: dict[str, Any]) -> None:
    challenge = incident["gt"]["challenge_hashtags"][0]
    (c,) = [c for c in incident["gt"]["cells"] if "rotating_hashtags" in c["tactics"]]
    waves_of_tag = defaultdict(set)
    for t, _, tags in _campaign_posts(incident["videos"], c):
        for tag in tags - {challenge}:
            waves_of_tag[tag].add(_wave_index(t, c["wave_start_ts"]))
    assert len(waves_of_tag) >= c["waves"] // 2 + 1
    assert all(len(w) <= 2 for w in waves_of_tag.values())
    assert max(len(w) for w in waves_of_tag.values()) <= 2
    sets = [frozenset(set(tags) - {challenge}) for tags in c["wave_hashtags"]]
    assert len(set(sets)) >= math.ceil(c["waves"] / 2)
    # fixed-tag cells keep theirs: some tag of theirs shows in most of their waves
    for c in incident["gt"]["cells"]:
        if "rotating_hashtags" not in c["tactics"]:
            per = Counter(tag for tags in c["wave_hashtags"] for tag in tags)
            assert max(per.values()) >= 0.5 * c["waves"], c["cell_id"]


def test_cells_also_post_camouflage(incident: dict[str, Any]) -> None:
    for c in incident["gt"]["cells"]:
        members, tags = set(c["accounts"]), set(c["hashtags"])
        mine = [v for v in incident["videos"] if v["username"] in members]
        organic = [v for v in mine if not _tags(v) & tags]
        assert 0.25 <= len(organic) / len(mine) <= 0.65, c["cell_id"]
        # campaign captions are near-identical (few distinct texts once tags, mentions, emoji,
        # casing and punctuation are set aside) but not all identical
        if not c["distinct_captions"]:
            captions = [v.get("video_description", "") for v in mine if _tags(v) & tags]
            assert len(set(captions)) > 1
            assert len({_words(x) for x in captions}) <= 0.75 * len(captions), c["cell_id"]


def test_cells_follow_each_other_densely(incident: dict[str, Any]) -> None:
    follows = {w["username"]: {e["username"] for e in w["response"]["data"]["user_following"]}
               for w in incident["following"]}
    for c in incident["gt"]["cells"]:
        members = set(c["accounts"])
        sampled = [a for a in c["accounts"] if a in follows]
        assert sampled, c["cell_id"]
        mates = [len(follows[a] & members) for a in sampled]
        if "sparse_large" in c["tactics"]:  # no clique: each member follows 10-40 of the others
            assert 5 <= sum(mates) / len(mates) <= 45, c["cell_id"]
            continue
        density = sum(mates) / (len(sampled) * (len(members) - 1))
        assert density >= 0.3, c["cell_id"]  # follow_p is 0.6-0.95; small cells are noisy
    # while the organic graph is sparse (friend circles make it ~0.05-0.12 at tiny scales)
    organic = [a for a in follows if a in set(incident["gt"]["benign"]["challenge_organic"])]
    group = set(organic)
    assert len(organic) > 5
    density = sum(len(follows[a] & group) for a in organic) / (len(organic) * (len(group) - 1))
    assert density < 0.2


def test_benign_groups_are_disjoint_from_cells_and_each_other(incident: dict[str, Any]) -> None:
    gt = incident["gt"]
    accounts = {v["username"] for v in incident["videos"]}
    cell_accounts = {a for c in gt["cells"] for a in c["accounts"]}
    seen: set[str] = set()
    for name, group in gt["benign"].items():
        assert group, name
        assert len(group) == len(set(group)), name
        assert set(group) <= accounts, name
        assert not set(group) & cell_accounts, name
        assert not set(group) & seen, name
        seen |= set(group)


def test_event_burst_happens_once(incident: dict[str, Any]) -> None:
    gt = incident["gt"]
    det = gt["benign_details"]["event_burst"]
    group, tags = set(gt["benign"]["event_burst"]), set(det["hashtags"])
    assert len(group) >= 40 and 600 <= det["burst_seconds"] <= 1800
    posts = [(v["create_time"], v["username"]) for v in incident["videos"]
             if v["username"] in group and _tags(v) & tags]
    per_account = Counter(u for _, u in posts)
    assert set(per_account.values()) == {1}  # once each: no repeated waves
    inside = sum(det["start_ts"] <= t <= det["start_ts"] + det["burst_seconds"] for t, _ in posts)
    assert inside >= 0.7 * len(posts)


def test_fans_post_repeatedly_but_not_in_sync(incident: dict[str, Any]) -> None:
    gt = incident["gt"]
    det = gt["benign_details"]["fan_community"]
    fans = set(gt["benign"]["fan_community"]) - {det["idol"]}
    assert 25 <= len(fans) <= 100
    posts = [(v["create_time"], v["username"]) for v in incident["videos"]
             if v["username"] in fans and _tags(v) & set(det["hashtags"])]
    per_fan = Counter(u for _, u in posts)
    assert min(per_fan.values()) >= 3 and len(per_fan) == len(fans)
    assert _max_distinct_in_window(posts, 600) < 0.3 * len(fans)
    follows = {w["username"]: {e["username"] for e in w["response"]["data"]["user_following"]}
               for w in incident["following"]}
    sampled = [f for f in fans if f in follows]
    assert sampled and sum(det["idol"] in follows[f] for f in sampled) >= 0.85 * len(sampled)


def test_meme_is_copied_over_days_mostly_once(incident: dict[str, Any]) -> None:
    gt = incident["gt"]
    copiers = set(gt["benign"]["meme_copiers"])
    key = _words(gt["benign_details"]["meme_copiers"]["caption"])
    posts = [v for v in incident["videos"]
             if v["username"] in copiers and _words(v.get("video_description", "")).startswith(key)]
    per = Counter(v["username"] for v in posts)
    assert len(per) == len(copiers)
    assert sum(n == 1 for n in per.values()) >= 0.6 * len(per)
    times = [v["create_time"] for v in posts]
    assert max(times) - min(times) > 2 * 86400
    assert _max_distinct_in_window([(v["create_time"], v["username"]) for v in posts], 600) < 0.3 * len(copiers)


def test_news_accounts_post_on_their_own_schedules(incident: dict[str, Any]) -> None:
    news = set(incident["gt"]["benign"]["news_accounts"])
    assert 5 <= len(news) <= 10
    posts = sorted((v["create_time"], v["username"]) for v in incident["videos"] if v["username"] in news)
    assert len(posts) >= 10 * len(news)
    # windows of 10 minutes where most outlets posted are rare (a few stories at most)
    hits, t_last = 0, -10**9
    for t, _ in posts:
        if t - t_last > 3600 and _max_distinct_in_window([p for p in posts if t <= p[0] <= t + 600], 600) \
                >= math.ceil(0.6 * len(news)):
            hits += 1
            t_last = t
    assert hits <= 3


def test_challenge_spreads_along_an_s_curve(incident: dict[str, Any]) -> None:
    gt = incident["gt"]
    adopters = set(gt["benign"]["challenge_organic"])
    challenge = gt["challenge_hashtags"][0]
    times = sorted(v["create_time"] for v in incident["videos"]
                   if v["username"] in adopters and challenge in _tags(v))
    assert len(times) >= len(adopters)
    per_day = Counter((t - WINDOW_START) // 86400 for t in times)
    peak = max(per_day.values())
    assert per_day.get(0, 0) < 0.25 * peak  # slow start, then the take-off
    mid = gt["benign_details"]["challenge_organic"]["midpoint"]
    assert "2026-03-03" <= mid <= "2026-03-06"


def test_organic_activity_is_heavy_tailed(incident: dict[str, Any]) -> None:
    per = Counter(v["username"] for v in incident["videos"])
    counts = sorted(per.values())
    assert counts[len(counts) // 2] <= 5  # most post a handful
    assert counts[-1] >= 15  # a few post dozens
    tag_share = Counter(t for v in incident["videos"] for t in _tags(v))
    n = len(incident["videos"])
    assert tag_share["fyp"] > 0.25 * n and tag_share["foryou"] > 0.15 * n
    by_hour: defaultdict[int, int] = defaultdict(int)
    for v in incident["videos"]:
        by_hour[v["create_time"] // 3600 % 24] += 1
    assert max(by_hour.values()) > 1.3 * min(by_hour.values())  # a daily rhythm shows through


# ---------------------------------------------------------------------------- new look-alikes
def _posts_of(inc: dict[str, Any], group: set[str], tags: set[str]) -> list[tuple[int, str]]:
    return sorted((v["create_time"], v["username"]) for v in inc["videos"]
                  if v["username"] in group and _tags(v) & tags)


def test_tv_crowds_post_within_minutes_of_every_goal(incident: dict[str, Any],
                                                     incident_1: dict[str, Any]) -> None:
    crowds = {}
    for inc in (incident, incident_1):
        gt = inc["gt"]
        det = gt["benign_details"]["tv_moments"]
        viewers = set(gt["benign"]["tv_moments"]) - {det["club_account"]}
        posts = _posts_of(inc, viewers, set(det["hashtags"]))
        goals = [m for m in det["moments"] if m["kind"] == "goal"]
        assert len(det["matches"]) >= 2 and sum(m["match"] == 0 for m in goals) == 2  # two goals in one match
        assert {m["match"] for m in goals} == set(range(len(det["matches"])))  # a goal on every match day
        sets = []
        for m in goals:
            crowd = {u for t, u in posts if m["time_ts"] <= t <= m["time_ts"] + 600}
            assert len(crowd) >= 0.8 * m["posters"] >= 0.2 * len(viewers), m
            sets.append(crowd)
        # most of the supporters' tagged posts come within half an hour of a moment
        starts = [m["time_ts"] for m in det["moments"]]
        near = sum(any(0 <= t - s <= 1800 for s in starts) for t, _ in posts)
        assert near >= 0.8 * len(posts)
        # partly the same viewers each time
        a, b = sets[0], sets[-1]
        assert 0 < len(a & b) < min(len(a), len(b))
        crowds[inc["gt"]["scale"]] = [len(x) for x in sets]
    assert min(crowds[1.0]) >= 100 and min(crowds[1.0]) > 2 * max(crowds[SCALE])  # grows with scale


def test_clock_rituals_pass_through_the_time_zones(incident: dict[str, Any], incident_1: dict[str, Any]) -> None:
    sizes = {}
    for inc in (incident, incident_1):
        gt = inc["gt"]
        wish, night = gt["benign_details"]["timezone_clock"]["rituals"]
        group = set(gt["benign"]["timezone_clock"])
        # 11:11 local is minute 11 of some UTC hour (minute 41 at UTC+5:30)
        posts = _posts_of(inc, group, {"1111"})
        assert len(posts) == wish["posts"] > 0
        on_minute = [t for t, _ in posts if (t // 60) % 60 in range(11, 17) or (t // 60) % 60 in range(41, 47)]
        assert len(on_minute) >= 0.85 * len(posts)
        assert len({t // 3600 % 24 for t in on_minute}) >= 5  # one burst per time zone
        days = defaultdict(set)
        for t, u in posts:
            days[u].add(t // 86400)
        assert max(len(d) for d in days.values()) >= 3  # habitual wishers, day after day
        # same zone, same minute: several accounts post the tag within the same minute
        per_minute = Counter(t // 60 for t in on_minute)
        assert max(per_minute.values()) >= (2 if gt["scale"] < 1 else 4)
        # the night: at local midnight (minutes 58-04, or half past at UTC+5:30)
        nposts = _posts_of(inc, group, {night["hashtags"][0]})
        assert len(nposts) == night["posts"] > 0
        at_midnight = [t for t, _ in nposts if (t // 60) % 60 in (58, 59, 0, 1, 2, 3, 4)
                       or (t // 60) % 60 in range(28, 35)]
        assert len(at_midnight) >= 0.6 * len(nposts)
        assert len({t // 3600 for t in at_midnight}) >= 3
        sizes[gt["scale"]] = len(group)
    assert sizes[1.0] >= 100 and sizes[1.0] > 2 * sizes[SCALE]


def test_fan_bases_react_within_minutes_to_every_post(incident: dict[str, Any],
                                                      incident_1: dict[str, Any]) -> None:
    sizes = {}
    for inc in (incident, incident_1):
        gt = inc["gt"]
        det = gt["benign_details"]["fan_base"]
        assert 2 <= len(det["creators"]) <= 6
        by_user = defaultdict(list)
        for v in inc["videos"]:
            by_user[v["username"]].append(v)
        reposts = {w["username"]: {rv["username"] for rv in w["response"]["data"]["reposted_videos"]}
                   for w in inc["reposts"]}
        fast, slow = [], []
        for cr in det["creators"]:
            creator, sup = cr["creator"], set(cr["super_fans"])
            assert sup < set(cr["fans"]) and 5 <= len(cr["fans"]) and 6 <= len(cr["posts_ts"]) <= 12
            mine = {v["music_id"] for v in by_user[creator] if "music_id" in v}
            assert set(cr["sounds"]) >= mine - {None} and mine  # every post on its own sound
            shares = []
            for t0, sound in zip(cr["posts_ts"], cr["sounds"], strict=True):
                reacted = set()
                for fan in cr["fans"]:
                    for v in by_user[fan]:
                        if not 0 < v["create_time"] - t0 <= 1800:
                            continue
                        if v.get("music_id") == sound or "@" + creator in v.get("video_description", ""):
                            reacted.add(fan)
                            (fast if fan in sup else slow).append(v["create_time"] - t0)
                shares.append(len(reacted & sup) / len(sup))
            assert sorted(shares)[len(shares) // 2] >= 0.6, creator  # super-fans: almost every post
            duets = [v for f in cr["fans"] for v in by_user[f]
                     if v.get("video_description", "").startswith(f"#duet with @{creator}")]
            assert all(v.get("music_id", cr["sounds"][0]) in cr["sounds"] for v in duets)
            assert all("duet" in _tags(v) and creator in v.get("video_mention_list", [creator]) for v in duets)
            pulled = [f for f in sup if f in reposts]  # repost lists exist for sampled accounts only
            assert not pulled or any(creator in reposts[f] for f in pulled), creator
        assert duets or gt["scale"] < 1
        fast.sort()
        slow.sort()
        assert fast[len(fast) // 2] <= 600 and fast[len(fast) // 2] < slow[len(slow) // 2]
        sizes[gt["scale"]] = len(gt["benign"]["fan_base"])
    assert sizes[1.0] > 1.5 * sizes[SCALE]


URL_RE = re.compile(r"https://[^\s]+")


def test_news_desks_share_the_same_links_all_day(incident: dict[str, Any], incident_1: dict[str, Any]) -> None:
    for inc in (incident, incident_1):
        gt = inc["gt"]
        det = gt["benign_details"]["news_desks"]
        desks = set(gt["benign"]["news_desks"])
        assert 5 <= len(desks) <= 16
        posts = [v for v in inc["videos"] if v["username"] in desks]
        with_link = [v for v in posts if URL_RE.search(v.get("video_description", ""))]
        assert len(with_link) >= 0.95 * sum("video_description" in v for v in posts)
        by_url = defaultdict(list)
        for v in with_link:
            for url in URL_RE.findall(v["video_description"]):
                by_url[url.split("?")[0]].append((v["create_time"], v["username"], v["video_description"]))
        shared = [s for s in det["stories"] if s["desks"] >= 2]
        assert len(shared) >= 20
        hours, within, multi = [], [], 0
        for s in shared:
            seen = by_url[s["url"]]
            multi += len({u for _, u, _ in seen}) >= 2  # the captions carry the shared link
            times = [t for t, _, _ in seen]
            if len(times) >= 2:
                hours.append(max(times) - min(times))
            if s["breaking"]:
                within.append(len({u for t, u, _ in seen if t - s["time_ts"] <= 900}))
        assert sorted(hours)[len(hours) // 2] >= 3600  # the same link all day long
        assert multi >= 0.5 * len(shared)
        assert within and max(within) >= 3  # breaking news by several desks within minutes
        # wire copy pasted verbatim by some desks: identical captions from two desks
        verbatim = Counter((s["headline"] + " " + s["url"]) for s in det["stories"])
        pasted = Counter(d for v in with_link for d in [v["video_description"].split(" #")[0]]
                         if d in verbatim)
        assert det["wire_copy_desks"] and max(pasted.values()) >= 2


def test_friend_groups_film_together_and_tag_each_other(incident: dict[str, Any],
                                                        incident_1: dict[str, Any]) -> None:
    n_groups = {}
    for inc in (incident, incident_1):
        gt = inc["gt"]
        groups = gt["benign_details"]["friend_groups"]["groups"]
        assert sorted(a for grp in groups for a in grp["members"]) == sorted(gt["benign"]["friend_groups"])
        follows = {w["username"]: {e["username"] for e in w["response"]["data"]["user_following"]}
                   for w in inc["following"]}
        on_sound = soon = n_posts = followed = possible = 0
        for grp in groups:
            members = set(grp["members"])
            assert 3 <= len(members) <= 8 and 2 <= len(grp["sessions_ts"]) <= 4
            mine = [v for v in inc["videos"] if v["username"] in members]
            for t0, sound, present, tags in zip(grp["sessions_ts"], grp["sounds"], grp["present"],
                                                grp["hashtags"], strict=True):
                # a session's posts: members tagging each other (and only each other)
                session = [v for v in mine if 0 <= v["create_time"] - t0 <= 5 * 3600
                           and {m for m in members if "@" + m in v.get("video_description", "")}]
                posters = {v["username"] for v in session}
                assert posters == set(present) and len(posters) >= 2
                for v in session:
                    tagged = set(v.get("video_mention_list", ()))
                    assert tagged <= members - {v["username"]}
                    assert _tags(v) & set(tags) or "video_description" not in v
                on_sound += sum(v.get("music_id") == sound for v in session)
                soon += sum(v["create_time"] - t0 <= 2400 for v in session)
                n_posts += len(session)
            pulled = [a for a in members if a in follows]
            followed += sum(len(follows[a] & members) for a in pulled)
            possible += len(pulled) * (len(members) - 1)
        assert followed >= 0.6 * possible  # friends follow each other
        assert on_sound >= 0.7 * n_posts and soon >= 0.6 * n_posts  # the same sound, within minutes
        n_groups[gt["scale"]] = len(groups)
    assert n_groups[1.0] > n_groups[SCALE] >= 2


def test_some_rows_carry_their_hashtags_only_in_the_caption(incident: dict[str, Any],
                                                            incident_1: dict[str, Any]) -> None:
    for inc in (incident, incident_1):
        share = inc["gt"]["data_quirks"]["caption_only_hashtags"]
        assert share == 0.03
        captioned = [v for v in inc["rows"] if v.get("video_description")]
        bare = [v for v in captioned if "hashtag_names" not in v]
        assert 0.6 * share <= len(bare) / len(captioned) <= 1.5 * share
        with_tags = [v for v in bare if TAG_RE.search(v["video_description"])]
        assert len(with_tags) >= 0.7 * len(bare)  # the reader finds them in the caption
        assert all("video_description" in v for v in inc["rows"] if "hashtag_names" not in v)


def test_everyday_posts_share_links_now_and_then(incident: dict[str, Any], incident_1: dict[str, Any]) -> None:
    for inc in (incident, incident_1):
        gt = inc["gt"]
        # outside the news desks, links in captions come from everyday posts (most videos)
        others = [v for v in inc["videos"] if v["username"] not in set(gt["benign"]["news_desks"])]
        linked = [v for v in others if URL_RE.search(v.get("video_description", ""))]
        share = gt["data_quirks"]["organic_links"]
        assert 0 < len(linked) <= share * len(others)  # (everyday posts are 50-80% of the videos)
        if gt["scale"] >= 1:
            assert len(linked) >= 0.3 * share * len(others)
    by_link = defaultdict(set)
    for v in linked:
        for url in URL_RE.findall(v["video_description"]):
            by_link[url].add(v["username"])
    assert max(len(x) for x in by_link.values()) >= 3  # a popular link, pasted by strangers


def test_zeeschuimer_capture_gives_duets_a_time(tmp_path: Path) -> None:
    from ingest.formats import zeeschuimer

    out = tmp_path / "zee"
    summary = generate_incident(out, seed=SEED, scale=SCALE, fmt="zeeschuimer")
    gt = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert gt["format"] == "zeeschuimer" and summary["counts"] == gt["counts"]
    files = sorted((out / "videos").iterdir())
    assert files and all(f.name.startswith("zeeschuimer-") and f.suffix == ".ndjson" for f in files)
    assert {"users/user_info.jsonl", "users/following.jsonl", "users/reposts.jsonl"} <= set(summary["files"])
    lines = [json.loads(x) for f in files for x in f.read_text(encoding="utf-8").splitlines()]
    items: dict[str, dict[str, Any]] = {}
    for it in lines:
        assert it["source_platform"] == "tiktok.com" and it["id"] == it["data"]["id"]
        first = items.setdefault(it["id"], it)
        if first is not it:  # captured again later, with more engagement
            assert it["timestamp_collected"] > first["timestamp_collected"]
            assert it["data"]["stats"]["diggCount"] > first["data"]["stats"]["diggCount"]
    c = gt["counts"]
    assert c["videos"] == len(items) and c["video_rows"] == len(lines) and c["video_pages"] == 0
    assert c["hashtag_links"] == sum(len(it["data"]["challenges"]) for it in items.values())
    duets = [it for it in items.values() if it["data"]["duetInfo"]["duetFromId"] != "0"]
    assert duets
    creators = {cr["creator"] for cr in gt["benign_details"]["fan_base"]["creators"]}
    for it in duets:
        parent = items[it["data"]["duetInfo"]["duetFromId"]]["data"]
        assert parent["author"]["uniqueId"] in creators
        assert parent["createTime"] < it["data"]["createTime"]
        assert it["data"]["desc"].startswith("#duet with @" + parent["author"]["uniqueId"])
        assert it["data"]["music"]["id"] == parent["music"]["id"]
    # and Lockstep's reader takes them as duets of those videos
    parsed = [p for f in files for p in zeeschuimer.read(f)]
    assert parsed and not any(p.reject or p.warnings for p in parsed)
    reposted = {r for p in parsed for post in p.posts for r in post.reposts}
    assert {(it["data"]["duetInfo"]["duetFromId"], "duet") for it in duets} <= reposted
