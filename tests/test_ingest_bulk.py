"""The bulk path (Neo4j's offline importer) builds exactly the graph the online loader builds.

The bulk path stops and restarts its server, so these tests run their own local Neo4j (not the
session's); the online reference loads go to the session server. Graphs are compared node by node
and property by property, and relationship by relationship, with run ids and times normalised.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import local_server
from graph.connection import Graph
from graph.errors import LockstepError
from graph.queries.load import graph_totals
from graph.schema import CONSTRAINTS, INDEXES, clear_data, init_schema
from graph.settings import Neo4jSettings
from ingest.load import ingest
from samples import generate_incident

FIX = Path(__file__).parent / "fixtures"
ALL = [FIX / "tiktok", FIX / "zeeschuimer", FIX / "twitter", FIX / "actions"]


@pytest.fixture(scope="module")
def bulk_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    data_dir = tmp_path_factory.mktemp("neo4j-bulk")
    state, _ = local_server.start(data_dir, port=local_server.free_port(), heap="512m",
                                  pagecache="128m")
    settings = Neo4jSettings(uri=state.uri, user=state.user, password=state.password,
                             source="bulk test server", local_data_dir=str(data_dir.resolve()))
    try:
        yield Graph(settings)
    finally:
        local_server.stop(data_dir)


@pytest.fixture
def empty_bulk(bulk_graph: Graph) -> Graph:
    clear_data(bulk_graph)
    return bulk_graph


def _plain(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_plain(x) for x in v)
    if hasattr(v, "iso_format"):
        return ("datetime", v.iso_format(), str(v.tzinfo))
    return v


def dump(graph: Graph) -> tuple[dict[tuple, dict], Counter]:
    """Every entity node (label, key) -> properties, and every relationship, runs normalised."""
    runs = {r["id"]: f"run{i}" for i, r in enumerate(graph.read(
        "MATCH (r:IngestRun) RETURN r.run_id AS id ORDER BY r.started_at"))}
    nodes: dict[tuple, dict] = {}
    for row in graph.read("MATCH (n) WHERE NOT n:IngestRun RETURN labels(n) AS l, properties(n) AS p"):
        p = {k: _plain(v) for k, v in row["p"].items()}
        p["first_run"] = runs.get(p.get("first_run"), p.get("first_run"))
        p["seen_in"] = tuple(runs.get(x, x) for x in p.get("seen_in", ()))
        # Records without an observation time count as observed when their run started.
        if abs(p.get("counters_at", 0) - time.time()) < 3600:
            p["counters_at"] = "the run's start"
        key = p.get("key", p.get("name", p.get("url")))
        assert (tuple(row["l"]), key) not in nodes, f"duplicate node {row['l']} {key!r}"
        nodes[(tuple(row["l"]), key)] = p
    rels = Counter()
    for row in graph.read(
            "MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p, labels(a) AS la, "
            "coalesce(a.key, a.name, a.url) AS a, labels(b) AS lb, coalesce(b.key, b.name, b.url) AS b"):
        rels[(row["t"], tuple(row["la"]), row["a"], tuple(row["lb"]), row["b"],
              tuple(sorted(row["p"].items())))] += 1
    return nodes, rels


def assert_same_graph(online: Graph, bulk: Graph) -> None:
    n1, r1 = dump(online)
    n2, r2 = dump(bulk)
    assert n1.keys() == n2.keys()
    for key in n1:
        assert n1[key] == n2[key], key
    assert r1 == r2
    assert max(r2.values()) == 1   # no duplicate relationship


CAPTION = 'line one\nline "two", three\r\nfour <script>alert(1)</script> ""'


def _hostile_videos(path: Path) -> Path:
    """TikTok Research API videos whose values CSV must carry exactly: line breaks, quotes,
    commas, the array delimiter, empty strings and lists, NUL, a duplicate with newer counters."""
    rows = [
        {"id": 9101, "create_time": 1709290000, "username": "a,b\"c", "like_count": 5,
         "video_description": 'line one\nline "two", three\r\nfour <script>alert(1)</script>',
         "hashtag_names": ["Dance", "comma,tag", "quote\"tag"], "effect_ids": ["e\x1f1", "e2"],
         "voice_to_text": ""},
        {"id": 9102, "create_time": 1709290060, "username": "plain", "video_description": CAPTION,
         "effect_ids": [], "hashtag_names": ["dance"], "music_id": 77},
        {"id": 9103, "create_time": 1709290120, "username": "nul\x00user",
         "video_description": "nul\x00inside", "effect_ids": [""], "like_count": 1},
        {"id": 9101, "create_time": 1709290000, "username": "a,b\"c", "like_count": 50,
         "video_description": "edited caption", "hashtag_names": ["Dance"]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _overlapping_videos(path: Path) -> Path:
    """A second export holding videos of the first one again (newer counters, one more
    property, no caption) and a new one: rows of one key from two files. 9101's first rows hold a
    value CSV cannot (a list with the array delimiter), so the bulk path reads both files again
    for it; 9102 is merged from the columns."""
    rows = [
        {"id": 9101, "create_time": 1709290000, "username": "a,b\"c", "like_count": 60},
        {"id": 9102, "create_time": 1709290060, "username": "plain", "like_count": 3,
         "region_code": "DE"},
        {"id": 9104, "create_time": 1709290180, "username": "plain", "video_description": "new"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _conflicting_videos(path: Path) -> Path:
    """A post named with a second author in another file (9101) and in the same file (9301), a
    counter beyond 64 bits (a field warning) and a handle too long for an index key (a reject)."""
    rows = [
        {"id": 9101, "create_time": 1709290000, "username": "intruder"},
        {"id": 9301, "create_time": 1709290300, "username": "first"},
        {"id": 9301, "create_time": 1709290300, "username": "second"},
        {"id": 9302, "create_time": 1709290360, "username": "plain", "like_count": 2**70},
        {"id": 9303, "create_time": 1709290420, "username": "u" * 2_000},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_bulk_equals_online_on_every_fixture_format(graph: Graph, empty_bulk: Graph,
                                                    tmp_path: Path) -> None:
    hostile = _hostile_videos(tmp_path / "hostile.jsonl")
    files = [*ALL, hostile, _overlapping_videos(tmp_path / "overlap.jsonl"),
             _conflicting_videos(tmp_path / "conflict.jsonl")]
    # batch 1 / bulk parts of 3 posts: rows of one node land in several batches and parts.
    online = ingest(graph, files, incident="i1", out_dir=tmp_path / "on", batch_size=1,
                    mode="online")
    bulk = ingest(empty_bulk, files, incident="i1", out_dir=tmp_path / "bulk", batch_size=1,
                  mode="bulk", bulk_batch=3)
    assert bulk.mode == "bulk" and online.mode == "online"
    assert (bulk.read, bulk.loaded, bulk.rejected) == (online.read, online.loaded, online.rejected)
    assert bulk.reconciles() and sum(bulk.rejected.values()) > 0
    assert bulk.created == online.created
    assert bulk.reread_files == 3   # hostile.jsonl, overlap.jsonl and conflict.jsonl, for 9101
    # One author per post, the first one, whichever path loads it.
    assert bulk.conflicts == online.conflicts == 2
    for g in (graph, empty_bulk):
        authors = g.read("MATCH (a:Account)-[:POSTED]->(v:Video) WHERE v.post_id IN ['9101', '9301'] "
                         "RETURN v.post_id AS v, collect(a.account_id) AS a ORDER BY v")
        assert authors == [{"v": "9101", "a": ['a,b"c']}, {"v": "9301", "a": ["first"]}]
    assert_same_graph(graph, empty_bulk)
    # The exact values that needed care, read back from the bulk graph.
    v = empty_bulk.read("MATCH (v:Video {key: 'tiktok:9101'}) RETURN v.caption AS c, "
                        "v.effect_ids AS e, v.voice_to_text AS t, v.like_count AS n")[0]
    assert v == {"c": "edited caption", "e": ["e\x1f1", "e2"], "t": None, "n": 60}  # "" is dropped by the reader
    v = empty_bulk.read("MATCH (v:Video {key: 'tiktok:9102'}) RETURN v.caption AS c, v.effect_ids AS e, "
                        "v.region AS r, v.like_count AS n")[0]
    # An empty list is no value (reader); the second file adds a region and counters.
    assert v == {"c": CAPTION, "e": None, "r": "DE", "n": 3}
    assert empty_bulk.read("MATCH (a:Account {key: 'tiktok:nul\x00user'}) RETURN count(a) AS n")[0]["n"] == 1
    # The run is recorded as a bulk run with reconciled counts; the schema is complete.
    run = empty_bulk.read("MATCH (r:IngestRun) RETURN r.mode AS m, r.status AS s, r.read AS read, "
                          "r.loaded AS l, r.rejected AS rej")
    assert run == [{"m": "bulk", "s": "completed", "read": sum(bulk.read.values()),
                    "l": sum(bulk.loaded.values()), "rej": sum(bulk.rejected.values())}]
    names = {r["name"] for r in empty_bulk.read("SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' "
                                                 "RETURN name")}
    assert {c.name for c in CONSTRAINTS} | {i.name for i in INDEXES} <= names


def test_videos_in_two_files_are_rebuilt_from_columns_or_read_again(tmp_path: Path) -> None:
    """No database: the bulk loader's merge alone. 9102 (in hostile.jsonl and overlap.jsonl) is
    rebuilt from the columns; 9101's rows in hostile.jsonl hold a leftover, so only 9101 is read
    again, from both files (the graph they give is checked against the online loader above)."""
    from ingest import bulk
    from ingest.load import plan

    files = [*ALL, _hostile_videos(tmp_path / "hostile.jsonl"), _overlapping_videos(tmp_path / "overlap.jsonl")]
    tasks = [(p, f.name) for p, f in plan(files)[0]]
    loader = bulk.BulkLoader(None, "run", "i1", 0, tmp_path / "work", batch_size=3, workers=1)  # type: ignore[arg-type]
    for task, (_, rows) in zip(tasks, bulk.read_files(tasks, 0, 1), strict=True):
        loader.merge(task, rows)
    loader.close()
    assert loader.reread_keys == {"tiktok:9101"} and loader.reread_files == 2
    assert loader.created["Video"] == loader.files.nodes["Video"]


def test_bulk_then_online_rerun_changes_nothing(empty_bulk: Graph, tmp_path: Path) -> None:
    incident = tmp_path / "incident"
    generate_incident(incident, seed=5, scale=0.2)
    first = ingest(empty_bulk, [incident], incident="s", out_dir=tmp_path / "o1", mode="bulk")
    totals = graph_totals(empty_bulk)
    assert totals["Video"] == first.created["Video"] > 1000
    assert totals["TAGGED"] == first.created["TAGGED"] > 1000
    # The database is no longer empty: auto picks the online loader, which finds everything there.
    again = ingest(empty_bulk, [incident], incident="s", out_dir=tmp_path / "o2", mode="auto")
    assert again.mode == "online"
    assert sum(again.created.values()) == 0
    assert graph_totals(empty_bulk) == totals
    seen = empty_bulk.read("MATCH (v:Video) WITH v LIMIT 1 RETURN size(v.seen_in) AS n")[0]["n"]
    assert seen == 2


def test_bulk_equals_online_on_a_generated_incident(graph: Graph, empty_bulk: Graph,
                                                    tmp_path: Path) -> None:
    incident = tmp_path / "incident"
    generate_incident(incident, seed=11, scale=0.2)
    ingest(graph, [incident], incident="g", out_dir=tmp_path / "on", mode="online")
    ingest(empty_bulk, [incident], incident="g", out_dir=tmp_path / "bulk", mode="bulk",
           bulk_batch=500)
    assert_same_graph(graph, empty_bulk)


def test_bulk_is_refused_where_it_cannot_run(graph: Graph, empty_bulk: Graph, tmp_path: Path) -> None:
    src = FIX / "tiktok" / "videos.jsonl"
    # Not the local server (the session graph's settings name no data directory).
    with pytest.raises(LockstepError, match="not Lockstep's local server"):
        ingest(graph, [src], out_dir=tmp_path, mode="bulk")
    # Not empty: the importer would replace the database.
    init_schema(empty_bulk)
    ingest(empty_bulk, [src], out_dir=tmp_path, mode="online")
    before = graph_totals(empty_bulk)
    with pytest.raises(LockstepError, match="not empty"):
        ingest(empty_bulk, [src], out_dir=tmp_path, mode="bulk")
    assert graph_totals(empty_bulk) == before


def test_a_failed_import_leaves_an_empty_working_database(empty_bulk: Graph, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer refuses its input (here: a relationship to a node that is not in the files):
    the error names the importer's log, the server is back, the database is empty and usable,
    and an online load afterwards works."""
    from graph import bulk_import

    real = bulk_import.ImportFiles.arguments

    def broken(self: bulk_import.ImportFiles) -> list[str]:
        bad = self.work_dir / "bad.csv"
        bad.write_text(':START_ID(Video),:END_ID(Hashtag)\n"tiktok:nope","nope"\n')
        return [*real(self), f"--relationships=TAGGED={bad}"]

    monkeypatch.setattr(bulk_import.ImportFiles, "arguments", broken)
    src = FIX / "tiktok"
    with pytest.raises(LockstepError, match="importer failed.*import.log"):
        ingest(empty_bulk, [src], out_dir=tmp_path / "a", mode="bulk")
    assert empty_bulk.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
    monkeypatch.setattr(bulk_import.ImportFiles, "arguments", real)
    init_schema(empty_bulk)
    again = ingest(empty_bulk, [src], out_dir=tmp_path / "b", mode="online")
    assert again.created["Video"] == graph_totals(empty_bulk)["Video"] > 0


def test_cli_bulk_load_on_the_local_server(empty_bulk: Graph, tmp_path: Path) -> None:
    """`lockstep ingest --mode bulk` finds the local server through its state file (no
    NEO4J_URI), says which loader ran, and the graph holds what it printed."""
    import os
    import subprocess

    from tests.conftest import LOCKSTEP

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["LOCKSTEP_DATA_DIR"] = empty_bulk.settings.local_data_dir
    out = subprocess.run([LOCKSTEP, "ingest", str(FIX / "tiktok"), "--mode", "bulk",
                          "--out-dir", str(tmp_path / "out"), "--incident", "cli"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "Neo4j's offline importer" in out.stdout
    assert "importer: IMPORT DONE" in out.stderr
    totals = graph_totals(empty_bulk)
    videos = re.search(r"^\s+Video\s+([\d,]+)\s+([\d,]+)", out.stdout, re.M)
    assert videos and int(videos.group(2).replace(",", "")) == totals["Video"] > 0
    assert len(list((tmp_path / "out").glob("import-*.log"))) == 1
    # The database is no longer empty: a second bulk load is refused with the reason.
    again = subprocess.run([LOCKSTEP, "ingest", str(FIX / "tiktok"), "--mode", "bulk",
                            "--out-dir", str(tmp_path / "out")],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert again.returncode != 0 and "not empty" in again.stderr
    assert graph_totals(empty_bulk) == totals
