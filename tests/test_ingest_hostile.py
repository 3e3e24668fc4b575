"""Hostile input against the real graph: no record is lost, one bad record never takes its batch
down, rejects that cannot be written stop the run cleanly, a damaged file is reported and skipped,
and a post keeps its first author (issue #12 items 1, 3, 4 and 5)."""

from __future__ import annotations

import json
import resource
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.connection import Graph
from graph.errors import LockstepError
from graph.queries.load import graph_totals
from ingest import normalize
from ingest.load import ingest
from tests.conftest import LOCKSTEP

FIX = Path(__file__).parent / "fixtures"


def _lines(path: str | Path) -> list[dict]:
    p = Path(path)
    return [json.loads(line) for line in p.read_text().splitlines()] if p.exists() else []


def _video(i: int, **over: object) -> dict:
    return {"id": 7301000000000000100 + i, "create_time": 1709291000 + 60 * i,
            "username": f"user{i}", "video_description": f"video {i}", "hashtag_names": [f"t{i}"],
            **over}


def _write(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _runs(graph: Graph) -> list[dict]:
    return graph.read("MATCH (r:IngestRun) RETURN r.status AS status, r.read AS read, "
                      "r.loaded AS loaded, r.rejected AS rejected, r.error AS error "
                      "ORDER BY r.started_at")


def test_values_out_of_bounds_reject_their_record_or_drop_their_field(graph: Graph,
                                                                      tmp_path: Path) -> None:
    rows = [
        _video(1),
        _video(2, like_count=2**70),                          # beyond int64: field dropped
        _video(3, create_time=2**70),                         # time beyond year 9999: rejected
        _video(4, id="9" * 20_000),                           # id too long for an index key
        _video(5, username="u" * 2_000),                      # handle too long
        _video(6, hashtag_names=["ok", "t" * 2_000]),         # one hashtag too long: field dropped
        _video(7, music_id="m" * 2_000),                      # sound id too long: field dropped
        _video(8, region_code={"a": {"b": 1}}),               # nested object for text
        _video(9, view_count=1e300),                          # a float far beyond int64
        _video(10, create_time="1850-01-01T00:00:00Z"),       # before 1970
        _video(11),
        _video(12, video_description=[["nested"]]),           # a list for a caption
    ]
    src = _write(tmp_path / "videos.jsonl", rows)
    result = ingest(graph, [src], fmt="tiktok-api", incident="i", out_dir=tmp_path / "out")
    assert result.reconciles()
    assert (result.read["videos"], result.loaded["videos"], result.rejected["videos"]) == (12, 8, 4)
    rejects = {(r["record"], r["field"]): r["reason"] for r in _lines(result.rejects_file)}
    assert set(rejects) == {(3, "create_time"), (4, "id"), (5, "username"), (10, "create_time")}
    assert rejects[(4, "id")] == "id too long (20,000 bytes, at most 1,000)"
    assert "out of range" in rejects[(3, "create_time")]
    warned = {(w["record"], w["field"]) for w in _lines(result.warnings_file)}
    assert warned == {(2, "like_count"), (6, "hashtag_names"), (7, "music_id"),
                      (8, "region_code"), (9, "view_count"), (12, "video_description")}
    totals = graph_totals(graph)
    assert (totals["Video"], totals["POSTED"], totals["Sound"]) == (8, 8, 0)
    assert totals["TAGGED"] == 7   # every loaded video's tag but video 6's (its field was dropped)
    assert _runs(graph) == [{"status": "completed", "read": 12, "loaded": 8, "rejected": 4,
                             "error": None}]


def test_a_value_the_database_still_refuses_rejects_that_record_alone(
        graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the reader's bound, a 20,000-character hashtag and handle reach Neo4j, which refuses
    # to index them: the batch is written again record by record.
    monkeypatch.setattr(normalize, "_key", lambda text, what, limit=0: text)
    rows = [_video(i) for i in range(1, 9)]
    rows[2]["hashtag_names"] = ["fine", "x" * 20_000]
    rows[5]["username"] = "y" * 20_000
    src = _write(tmp_path / "videos.jsonl", rows)
    result = ingest(graph, [src], fmt="tiktok-api", incident="i", out_dir=tmp_path / "out",
                    batch_size=100, mode="online")
    assert result.reconciles() and result.refused == 2
    assert (result.loaded["videos"], result.rejected["videos"]) == (6, 2)
    rejects = _lines(result.rejects_file)
    assert [(r["file"], r["record"]) for r in rejects] == [(str(src), 3), (str(src), 6)]
    assert all(r["reason"].startswith("the database refused this record (Neo.") for r in rejects)
    assert rejects[0]["raw"]["posts"][0]["post_id"] == str(7301000000000000103)
    totals = graph_totals(graph)
    assert (totals["Video"], totals["Account"], totals["POSTED"], totals["TAGGED"]) == (6, 6, 6, 6)
    assert graph.read("MATCH (h:Hashtag) WHERE size(h.name) > 100 OR h.name = 'fine' "
                      "RETURN count(h) AS n")[0]["n"] == 0
    assert _runs(graph)[0]["status"] == "completed" and _runs(graph)[0]["rejected"] == 2


def test_a_rejects_directory_that_cannot_be_written_stops_before_loading(
        graph: Graph, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(LockstepError, match="cannot write the rejects") as err:
        ingest(graph, [FIX / "tiktok"], incident="i", out_dir=blocker / "out")
    assert "Nothing was loaded" in str(err.value)
    assert sum(graph_totals(graph).values()) == 0 and _runs(graph) == []
    cli = subprocess.run([LOCKSTEP, "ingest", str(FIX / "tiktok"), "--out-dir", str(blocker / "out")],
                         capture_output=True, text=True, env=neo4j_env, timeout=120)
    assert cli.returncode == 1 and "cannot write the rejects" in cli.stderr
    assert "Traceback" not in cli.stderr and sum(graph_totals(graph).values()) == 0


def _limit_file_size(limit: int):  # noqa: ANN202
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_mid_load_leaves_whole_reject_lines_and_a_failed_run(
        graph: Graph, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    with open(src, "w") as fh:   # two of every three records lack created_at: rejected
        for i in range(3_000):
            row = {"type": "post", "platform": "t", "post_id": f"p{i}", "account_id": f"a{i % 50}",
                   "caption": "padding " * 10}
            if i % 3 == 0:
                row["created_at"] = 1_700_000_000 + i
            fh.write(json.dumps(row) + "\n")
    out = tmp_path / "out"
    cmd = [LOCKSTEP, "ingest", str(src), "--out-dir", str(out), "--batch-size", "200"]
    # The rejects file may grow to 100 kB: a full disk, as the process sees it.
    full = subprocess.run(cmd, capture_output=True, text=True, env=neo4j_env, timeout=300,
                          preexec_fn=_limit_file_size(100_000))
    assert full.returncode == 1, full.stdout + full.stderr
    assert "cannot write" in full.stderr and "complete records only" in full.stderr
    assert "Traceback" not in full.stderr
    (rejects,) = out.glob("rejects-*.jsonl")
    text = rejects.read_text()
    assert 0 < len(text) <= 100_000 and text.endswith("\n")
    lines = [json.loads(line) for line in text.splitlines()]   # every line whole
    assert all(r["reason"] == "missing required field" for r in lines)
    runs = _runs(graph)
    assert [r["status"] for r in runs] == ["failed"] and "cannot write" in runs[0]["error"]
    again = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=neo4j_env,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    counts = json.loads(again.stdout)
    assert counts["loaded"] == {"posts": 1_000} and counts["rejected"] == {"posts": 2_000}
    totals = graph_totals(graph)
    assert (totals["Video"], totals["Account"], totals["POSTED"]) == (1_000, 50, 1_000)
    assert [r["status"] for r in _runs(graph)] == ["failed", "completed"]


def _actions_table(n: int) -> pa.Table:
    return pa.table({"object_id": [f"o{i % 7}" for i in range(n)],
                     "account_id": [f"acc{i % 11}" for i in range(n)],
                     "content_id": [f"c{i}" for i in range(n)],
                     "timestamp_share": [1_700_000_000 + 10 * i for i in range(n)]})


def test_a_damaged_file_in_a_directory_is_reported_and_the_rest_is_loaded(
        graph: Graph, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    shutil.copytree(FIX / "tiktok", incoming / "tiktok")
    good = incoming / "actions.parquet"
    pq.write_table(_actions_table(200), good, row_group_size=50, compression="snappy")
    data = good.read_bytes()
    (incoming / "cut.parquet").write_bytes(data[: len(data) // 2])   # its footer is gone
    (incoming / "junk.parquet").write_bytes(b"PAR1 this is not parquet at all PAR1")
    # A damaged data page in the third row group: the first two are read, then the reader fails.
    meta = pq.ParquetFile(good).metadata
    col = meta.row_group(2).column(0)
    start = col.dictionary_page_offset or col.data_page_offset
    broken = bytearray(data)
    broken[start + 20:start + 60] = b"\xff" * 40
    (incoming / "torn.parquet").write_bytes(bytes(broken))

    result = ingest(graph, [incoming], incident="i", out_dir=tmp_path / "out")
    assert result.reconciles()
    problems = {Path(u["file"]).name: u for u in result.unreadable}
    assert set(problems) == {"cut.parquet", "junk.parquet", "torn.parquet"}
    assert problems["cut.parquet"]["records_read"] == 0
    assert problems["torn.parquet"]["records_read"] == 100
    assert "after record 100" in problems["torn.parquet"]["reason"]
    file_rejects = [r for r in _lines(result.rejects_file) if r["kind"] == "file"]
    assert sorted(Path(r["file"]).name for r in file_rejects) == sorted(problems)
    assert result.read["actions"] == 200 + 100 and result.loaded["actions"] == 300
    run = graph.read("MATCH (r:IngestRun) RETURN r.status AS s, r.unreadable_files AS u")[0]
    assert run["s"] == "completed" and sorted(Path(f).name for f in run["u"]) == sorted(problems)
    # Everything readable is in: loading the readable files alone adds nothing.
    clean = tmp_path / "clean"
    shutil.copytree(FIX / "tiktok", clean / "tiktok")
    shutil.copy(good, clean / "actions.parquet")
    before = graph_totals(graph)
    again = ingest(graph, [clean], incident="i", out_dir=tmp_path / "out-clean")
    assert sum(again.created.values()) == 0 and graph_totals(graph) == before
    # The CLI says so, and exits 1 (the rest is loaded).
    cli = subprocess.run([LOCKSTEP, "ingest", str(incoming), "--out-dir", str(tmp_path / "cli")],
                         capture_output=True, text=True, env=neo4j_env, timeout=120)
    assert cli.returncode == 1 and "Traceback" not in cli.stderr
    assert cli.stderr.count("COULD NOT BE READ") == 3 and "junk.parquet" in cli.stderr
    # Named on the command line, a damaged file is refused before anything is loaded.
    with pytest.raises(LockstepError, match="cut.parquet: cannot be read"):
        ingest(graph, [incoming / "cut.parquet"], incident="j", out_dir=tmp_path / "out2")


def test_a_post_keeps_its_first_author(graph: Graph, tmp_path: Path) -> None:
    def post(pid: str, author: str, caption: str) -> dict:
        return {"type": "post", "platform": "t", "post_id": pid, "account_id": author,
                "created_at": 1_700_000_000, "caption": caption}

    first = _write(tmp_path / "a.jsonl", [post("p1", "alice", "one"), post("p2", "bob", "two"),
                                          post("p1", "mallory", "one again")])   # same batch
    second = _write(tmp_path / "b.jsonl", [post("p1", "eve", "one, third"), post("p2", "bob", "x")])
    result = ingest(graph, [first, second], incident="i", out_dir=tmp_path / "out", batch_size=1)
    later = ingest(graph, [_write(tmp_path / "c.jsonl", [post("p1", "trudy", "later")])],
                   incident="i", out_dir=tmp_path / "out")
    authors = graph.read("MATCH (a:Account)-[:POSTED]->(v:Video) RETURN v.post_id AS v, "
                         "collect(a.account_id) AS a ORDER BY v")
    assert authors == [{"v": "p1", "a": ["alice"]}, {"v": "p2", "a": ["bob"]}]
    assert result.conflicts == 2 and later.conflicts == 1 and result.reconciles()
    warned = [(Path(w["file"]).name, w["record"], w["field"], w["value"])
              for w in _lines(result.warnings_file) + _lines(later.warnings_file)]
    assert warned == [("a.jsonl", 3, "author", "mallory"), ("b.jsonl", 1, "author", "eve"),
                      ("c.jsonl", 1, "author", "trudy")]
    assert all("already has author 'alice'" in w["reason"]
               for w in _lines(result.warnings_file) + _lines(later.warnings_file))
    # The refused authors' accounts exist (they were named) but posted nothing.
    assert graph.read("MATCH (a:Account) WHERE a.account_id IN ['mallory', 'eve', 'trudy'] "
                      "AND NOT (a)-[:POSTED]->() RETURN count(a) AS n")[0]["n"] == 3


def test_a_killed_ingest_is_shown_as_interrupted_and_a_live_one_as_running(
        graph: Graph, neo4j_env: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.queries.app import ingest_runs

    src = tmp_path / "posts.jsonl"
    with open(src, "w") as fh:
        for i in range(60_000):
            fh.write(json.dumps({"type": "post", "platform": "t", "post_id": f"p{i}",
                                 "account_id": f"a{i % 997}", "created_at": 1_700_000_000 + i,
                                 "hashtags": [f"h{i % 101}"]}) + "\n")
    env = dict(neo4j_env, LOCKSTEP_HEARTBEAT_SECONDS="0.5")
    monkeypatch.setenv("LOCKSTEP_STALE_SECONDS", "2.5")
    proc = subprocess.Popen([LOCKSTEP, "ingest", str(src), "--out-dir", str(tmp_path / "out"),
                             "--batch-size", "20"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and graph.read(
                "MATCH (v:Video) RETURN count(v) AS n")[0]["n"] < 500:
            time.sleep(0.2)
        time.sleep(3.5)   # longer than the stale limit: a live run keeps its heartbeat fresh
        assert proc.poll() is None, "the load ended before the test could look at it"
        assert [r["status"] for r in ingest_runs(graph)] == ["running"]
        proc.kill()   # no chance to mark anything
        proc.wait(30)
        assert graph.read("MATCH (r:IngestRun) RETURN r.status AS s")[0]["s"] == "running"
        time.sleep(3.0)
        assert [r["status"] for r in ingest_runs(graph)] == ["interrupted"]
    finally:
        if proc.poll() is None:
            proc.kill()
