"""Every source format into the real graph: exact counts of records, nodes and relationships."""

from __future__ import annotations

import json
from pathlib import Path

from graph.connection import Graph
from graph.queries.load import graph_totals
from ingest.load import ingest

FIX = Path(__file__).parent / "fixtures"


def totals(graph: Graph) -> dict[str, int]:
    return {k: v for k, v in graph_totals(graph).items() if v}


def rejects(result) -> list[dict]:  # noqa: ANN001
    path = Path(result.rejects_file)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_tiktok_research_api(graph: Graph, tmp_path: Path) -> None:
    result = ingest(graph, [FIX / "tiktok"], incident="skyfall", out_dir=tmp_path)
    assert dict(result.read) == {"videos": 9, "lines": 1, "comments": 3, "user_info": 2,
                                 "followers": 3, "following": 1, "reposts": 2, "responses": 2}
    assert dict(result.rejected) == {"videos": 3, "lines": 1, "comments": 1, "followers": 1,
                                     "responses": 2}
    assert result.reconciles()
    assert result.warnings == 2  # like_count "lots", hashtag_names 42
    assert totals(graph) == {
        "Account": 5, "Video": 8, "Hashtag": 4, "Sound": 2,
        "POSTED": 5, "TAGGED": 7, "USES_SOUND": 3, "MENTIONS": 1, "COMMENTED": 2,
        "FOLLOWS": 2, "REPOSTED": 2,
    }
    # Overlapping pages: the later observation's counter wins; the field-warning one keeps none.
    rows = graph.read("MATCH (v:Video) WHERE v.post_id IN ['7301000000000000005', "
                      "'7301000000000000002'] RETURN v.post_id AS id, v.like_count AS likes, "
                      "v.favorites_count AS fav ORDER BY id")
    assert rows == [{"id": "7301000000000000002", "likes": None, "fav": 3},
                    {"id": "7301000000000000005", "likes": 50, "fav": None}]
    # Handles are case-folded; hashtags normalised; times in UTC.
    v = graph.read("MATCH (a:Account)-[:POSTED]->(v:Video {post_id: '7301000000000000002'})"
                   "-[:TAGGED]->(h) RETURN a.account_id AS a, collect(h.name) AS tags, "
                   "toString(v.created_at) AS t")[0]
    assert v["a"] == "skye.vibes_0413" and sorted(v["tags"]) == ["nightsky", "skyfallchallenge"]
    assert v["t"] == "2024-03-01T10:00:30Z"
    info = graph.read("MATCH (a:Account {account_id: 'skye.vibes_0412'}) RETURN a.follower_count AS f, "
                      "a.bio AS bio, a.incidents AS inc")[0]
    assert info == {"f": 1200, "bio": "<img src=x onerror=alert(1)>", "inc": ["skyfall"]}
    follows = graph.read("MATCH (a)-[:FOLLOWS]->(b) RETURN a.account_id + '>' + b.account_id AS f ORDER BY f")
    assert [r["f"] for r in follows] == ["plain_user>skye.vibes_0412", "skye.vibes_0413>skye.vibes_0412"]
    reasons = {(Path(r["file"]).name, r["record"], r["field"]) for r in rejects(result)}
    assert reasons == {
        ("videos_page.json", 3, "id"), ("videos_page.json", 4, "create_time"),
        ("videos.jsonl", 3, None), ("videos.jsonl", 5, None),
        ("comments.json", 3, "video_id"), ("user_followers_skye.vibes_0412.json", 3, "username"),
        ("wrappers.jsonl", 4, "endpoint"), ("wrappers.jsonl", 5, "error"),
    }
    by_field = {r["field"]: r for r in rejects(result)}
    assert by_field["create_time"]["reason"] == "unparseable time 'yesterday-ish'"
    assert by_field["create_time"]["raw"]["username"] == "bad_time"
    assert by_field["id"]["reason"] == "missing required field"


def test_zeeschuimer_and_4cat(graph: Graph, tmp_path: Path) -> None:
    result = ingest(graph, [FIX / "zeeschuimer"], out_dir=tmp_path)
    assert (dict(result.read), dict(result.loaded)) == ({"items": 7}, {"items": 4})
    assert result.reconciles()
    assert totals(graph) == {"Account": 4, "Video": 3, "Hashtag": 3, "Sound": 2,
                             "POSTED": 3, "TAGGED": 3, "USES_SOUND": 2, "MENTIONS": 1, "REPOSTED": 1}
    duet = graph.read("MATCH (d:Video)-[r:REPOSTED]->(o:Video) RETURN d.post_id AS d, r.kind AS k, o.post_id AS o")
    assert duet == [{"d": "7302000000000000002", "k": "duet", "o": "7302000000000000001"}]
    fields = sorted((Path(r["file"]).suffix, r["record"], r["field"]) for r in rejects(result))
    assert fields == [(".csv", 4, "id"), (".ndjson", 3, "id"), (".ndjson", 4, "author.uniqueId")]
    # The same video from the NDJSON and the CSV export is one node.
    assert graph.read("MATCH (v:Video {post_id: '7302000000000000001'}) RETURN count(v) AS n")[0]["n"] == 1


def test_twitter_io_archive(graph: Graph, tmp_path: Path) -> None:
    result = ingest(graph, [FIX / "twitter" / "io_archive.csv"], out_dir=tmp_path)
    assert (dict(result.read), dict(result.rejected)) == ({"tweets": 6}, {"tweets": 2})
    assert totals(graph) == {"Account": 4, "Video": 4, "Hashtag": 2, "Url": 1, "POSTED": 4,
                             "TAGGED": 2, "LINKS_TO": 1, "MENTIONS": 2, "REPOSTED": 2, "COMMENTED": 1}
    rt = graph.read("MATCH (a:Account)-[:POSTED]->(v)-[r:REPOSTED]->(o)<-[:POSTED]-(b) "
                    "RETURN a.username AS a, r.kind AS k, b.username AS b ORDER BY k")
    assert rt == [{"a": "lurker", "k": "quote", "b": "newsbot1"},
                  {"a": "echo_acct", "k": "retweet", "b": "newsbot1"}]
    acc = graph.read("MATCH (a:Account {account_id: '9001'}) RETURN a.follower_count AS f, "
                     "a.created_ts AS c, a.bio AS bio")[0]
    assert acc == {"f": 1200, "c": 1515110400, "bio": 'Daily "news"'}
    assert graph.read("MATCH (u:Url) RETURN u.url AS u, u.domain AS d")[0] == {
        "u": "https://example.com/a?b=1", "d": "example.com"}
    assert {(r["record"], r["field"]) for r in rejects(result)} == {(5, "tweet_time"), (7, "tweetid")}


def test_action_tables(graph: Graph, tmp_path: Path) -> None:
    result = ingest(graph, [FIX / "actions" / "coortweet.csv", FIX / "actions" / "typed_actions.csv"],
                    out_dir=tmp_path)
    assert (dict(result.read), dict(result.rejected)) == ({"actions": 11}, {"actions": 3})
    assert totals(graph) == {"Account": 4, "Video": 10, "Hashtag": 1, "Sound": 1, "Url": 1,
                             "POSTED": 8, "REPOSTED": 4, "TAGGED": 1, "USES_SOUND": 1,
                             "LINKS_TO": 1, "MENTIONS": 1}
    t = graph.read("MATCH (v:Video {key: 'generic:c4'}) RETURN v.created_ts AS t")[0]["t"]
    assert t == 1609462820
    assert {(r["record"], r["field"]) for r in rejects(result)} == {
        (6, "timestamp_share"), (7, "object_id"), (6, "object_type")}


def test_canonical_csv_and_jsonl(graph: Graph, tmp_path: Path) -> None:
    result = ingest(graph, [FIX / "actions" / "canonical_posts.csv", FIX / "actions" / "canonical.jsonl"],
                    out_dir=tmp_path)
    assert dict(result.read) == {"posts": 4, "accounts": 1, "follows": 2, "lines": 1}
    assert dict(result.rejected) == {"posts": 1, "follows": 1, "lines": 1}
    assert totals(graph) == {"Account": 2, "Video": 3, "Hashtag": 2, "Sound": 1, "Url": 1,
                             "POSTED": 3, "TAGGED": 4, "USES_SOUND": 2, "MENTIONS": 2,
                             "LINKS_TO": 1, "REPOSTED": 1, "FOLLOWS": 1}
    t = graph.read("MATCH (v:Video {key: 'instagram:p2'}) RETURN toString(v.created_at) AS t")[0]["t"]
    assert t == "2024-05-01T10:00:30Z"
