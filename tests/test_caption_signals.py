"""Every signal the formats carry reaches detection: caption #tags when the source gives no
hashtag list, links written in captions, and TikTok's timeless reposted-videos lists.

The records follow the formats' public documentation (TikTok Research API video query and
reposted-videos endpoint, Zeeschuimer's TikTok items, the Twitter/X information-operations
archive columns); docs/formats.md says what Lockstep reads from each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analyses.actions import action_table
from graph.connection import Graph
from graph.queries.detect import posts_frame, reposts_frame
from ingest.frames import frames_from_files
from ingest.load import ingest
from ingest.normalize import MAX_CAPTION_SIGNALS, caption_hashtags, caption_urls

VIDEO = {"create_time": 1709287200, "region_code": "US", "music_id": 6900000000000000001}


def _write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _tiktok(tmp: Path) -> Path:
    d = tmp / "tiktok"
    d.mkdir()
    _write(d / "videos.jsonl", [
        # No hashtag_names: the tags are only in the caption, with a link.
        {**VIDEO, "id": 7301000000000000001, "username": "desk_one",
         "video_description": "BREAKING: officials confirm #StormWatch "
                              "https://News.example.com/story/42?utm=x. More: www.example.org/live)"},
        # hashtag_names given: it wins over the caption; the link still comes from the caption.
        {**VIDEO, "id": 7301000000000000002, "username": "desk_two", "hashtag_names": ["weather"],
         "video_description": "#StormWatch update https://news.example.com/story/42?utm=x"},
        # Hostile: a caption stuffed with links and a script URL.
        {**VIDEO, "id": 7301000000000000003, "username": "spam_acct",
         "video_description": " ".join(f"https://s{i}.example.net/x" for i in range(100))
                              + " javascript:alert(1) <a href=\"https://evil.example/\">x</a>"},
    ])
    _write(d / "wrappers.jsonl", [
        {"endpoint": "reposted_videos", "username": "Desk_Two", "response": {"data": {
            "reposted_videos": [{"id": 7301000000000000001, "create_time": 1709287200,
                                 "username": "desk_one"}, {"id": 7309999999999999999}],
            "cursor": 2, "has_more": False}, "error": {"code": "ok"}}},
    ])
    return d


def test_tiktok_research_api_caption_tags_links_and_repost_lists(tmp_path: Path) -> None:
    frames = frames_from_files([_tiktok(tmp_path)])
    posts = frames.posts.set_index("post_id")
    first = posts.loc["tiktok:7301000000000000001"]
    assert first["hashtags"] == ["stormwatch"]
    assert first["urls"] == ["https://news.example.com/story/42?utm=x", "https://www.example.org/live"]
    second = posts.loc["tiktok:7301000000000000002"]
    assert second["hashtags"] == ["weather"]
    assert second["urls"] == ["https://news.example.com/story/42?utm=x"]
    spam = posts.loc["tiktok:7301000000000000003"]["urls"]
    assert len(spam) == MAX_CAPTION_SIGNALS and all(u.startswith("https://s") for u in spam)
    # Handles are case-folded in repost lists too; a listed video without its fields still counts.
    assert sorted(map(tuple, frames.reposts.to_numpy())) == [
        ("tiktok:desk_two", "tiktok:7301000000000000001"),
        ("tiktok:desk_two", "tiktok:7309999999999999999")]
    # The shared link and the caption tag are detection objects.
    acts = action_table(frames.posts, signals=("url", "hashtag"))
    urls = acts[acts["object_type"] == "url"]
    assert set(urls[urls["object_id"] == "https://news.example.com/story/42?utm=x"]["account_id"]) == {
        "tiktok:desk_one", "tiktok:desk_two"}


def test_zeeschuimer_and_twitter_io_fall_back_to_the_caption(tmp_path: Path) -> None:
    _write(tmp_path / "items.ndjson", [
        {"id": "7302000000000000001", "timestamp_collected": 1709300000000,
         "source_platform": "tiktok.com", "data": {
             "id": "7302000000000000001", "desc": "Watch #SkyFall https://link.example/a", "createTime": 1709287200,
             "author": {"id": "6800000000000000001", "uniqueId": "zee_user"},
             "challenges": [{"id": "1", "title": "skyfallchallenge"}]}},
        {"id": "7302000000000000002", "timestamp_collected": 1709300000000,
         "source_platform": "tiktok.com", "data": {
             "id": "7302000000000000002", "desc": "no list here #SkyFall", "createTime": 1709287260,
             "author": {"id": "6800000000000000002", "uniqueId": "zee_two"}}},
    ])
    (tmp_path / "io.csv").write_text(
        "tweetid,userid,user_screen_name,tweet_time,tweet_text,hashtags,urls\n"
        "1,9001,a,2019-03-01 10:01,#Vote now https://t.co/abc,[],[]\n"
        "2,9002,b,2019-03-01 10:02,#Vote now https://t.co/abc,['election'],['https://real.example/x']\n",
        encoding="utf-8")
    posts = frames_from_files([tmp_path]).posts.set_index("post_id")
    assert posts.loc["tiktok:7302000000000000001", "hashtags"] == ["skyfallchallenge"]
    assert posts.loc["tiktok:7302000000000000001", "urls"] == ["https://link.example/a"]
    assert posts.loc["tiktok:7302000000000000002", "hashtags"] == ["skyfall"]
    assert posts.loc["twitter:1", "hashtags"] == ["vote"]
    assert posts.loc["twitter:1", "urls"] == ["https://t.co/abc"]
    assert posts.loc["twitter:2", "hashtags"] == ["election"]
    assert posts.loc["twitter:2", "urls"] == ["https://real.example/x"]


def test_caption_parsing() -> None:
    assert caption_hashtags("a#b &#39; #Ünï ＃Full #x_y2!") == ["ünï", "full", "x_y2"]
    assert caption_urls("see https://a.example/p?q=1, (www.b.example/c).") == [
        "https://a.example/p?q=1", "https://www.b.example/c"]
    assert caption_urls("x" * 10 + " https://" + "a" * 3000 + ".example") == []
    assert caption_urls(None) == [] and caption_hashtags("") == []


def test_caption_signals_and_repost_lists_in_the_graph(graph: Graph, tmp_path: Path) -> None:
    src = _tiktok(tmp_path)
    ingest(graph, [src], incident="storm", out_dir=tmp_path / "out")
    links = graph.read("MATCH (v:Video)-[:LINKS_TO]->(u:Url) RETURN v.post_id AS v, u.url AS u, "
                       "u.domain AS d ORDER BY v, u")
    assert links[:3] == [
        {"v": "7301000000000000001", "u": "https://news.example.com/story/42?utm=x", "d": "news.example.com"},
        {"v": "7301000000000000001", "u": "https://www.example.org/live", "d": "www.example.org"},
        {"v": "7301000000000000002", "u": "https://news.example.com/story/42?utm=x", "d": "news.example.com"}]
    # The detection projection reads what the files hold: the same as reading the files directly.
    frames = frames_from_files([src])
    from_graph = posts_frame(graph, incident="storm").set_index("post_id").sort_index()
    direct = frames.posts.set_index("post_id").loc[from_graph.index]
    for col in ("hashtags", "urls"):
        assert [sorted(x) for x in from_graph[col]] == [sorted(x) for x in direct[col]]
    reposts = reposts_frame(graph, incident="storm").sort_values("post_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(reposts, frames.reposts.sort_values("post_id").reset_index(drop=True))
