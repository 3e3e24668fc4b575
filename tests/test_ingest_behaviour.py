"""Ingest behaviour against the real graph: idempotency, provenance, the CLI, and a lost server."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

from neo4j import GraphDatabase

from graph import local_server
from graph.connection import Graph
from graph.queries.load import graph_totals
from graph.settings import Neo4jSettings
from ingest.load import ingest, sha256_file
from tests.conftest import LOCKSTEP

FIX = Path(__file__).parent / "fixtures"
ALL = [FIX / "tiktok", FIX / "zeeschuimer", FIX / "twitter", FIX / "actions"]


def test_loading_twice_changes_nothing(graph: Graph, tmp_path: Path) -> None:
    first = ingest(graph, ALL, incident="i1", out_dir=tmp_path)
    after_first = graph_totals(graph)
    second = ingest(graph, ALL, incident="i1", out_dir=tmp_path)
    assert graph_totals(graph) == after_first
    assert (first.read, first.loaded, first.rejected) == (second.read, second.loaded, second.rejected)
    assert sum(second.created.values()) == 0
    assert sum(first.created.values()) > 0
    # Two runs recorded, both complete, with the files' hashes and the reconciled counts.
    runs = graph.read("MATCH (r:IngestRun) RETURN r.status AS s, r.read AS read, r.loaded AS l, "
                      "r.rejected AS rej, r.file_sha256 AS sha, r.tool_version AS v ORDER BY r.started_at")
    assert [r["s"] for r in runs] == ["completed", "completed"]
    assert all(r["read"] == r["l"] + r["rej"] == sum(first.read.values()) for r in runs)
    assert runs[0]["sha"] == [sha256_file(Path(f["path"])) for f in first.files]
    seen = graph.read("MATCH (h:Hashtag {name: 'skyfallchallenge'}) RETURN h.seen_in AS s")[0]["s"]
    assert seen == [first.run_id, second.run_id]


def test_newer_counters_win_across_runs(graph: Graph, tmp_path: Path) -> None:
    old = tmp_path / "old.ndjson"
    new = tmp_path / "new.ndjson"
    line = json.loads((FIX / "zeeschuimer" / "items.ndjson").read_text().splitlines()[0])
    line["data"]["stats"]["diggCount"] = 100
    new.write_text(json.dumps(line) + "\n")
    line["timestamp_collected"] -= 86_400_000  # collected a day earlier, loaded later
    line["data"]["stats"]["diggCount"] = 5
    old.write_text(json.dumps(line) + "\n")
    ingest(graph, [new], out_dir=tmp_path)
    ingest(graph, [old], out_dir=tmp_path)
    likes = graph.read("MATCH (v:Video {post_id: '7302000000000000001'}) RETURN v.like_count AS n")
    assert likes == [{"n": 100}]


def test_cli_prints_counts_and_where_rejects_went(neo4j_env: dict[str, str], empty_graph: Graph,
                                                  tmp_path: Path) -> None:
    out = subprocess.run([LOCKSTEP, "ingest", str(FIX / "twitter" / "io_archive.csv"), "--incident",
                          "cli", "--out-dir", str(tmp_path)], capture_output=True, text=True,
                         env=neo4j_env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^  tweets +6 +4 +2$", out.stdout, re.M), out.stdout
    assert "POSTED" in out.stdout and "relationships/s" in out.stdout
    rejects = next(tmp_path.glob("rejects-*.jsonl"))
    assert f"rejected records: {rejects}" in out.stdout
    assert len(rejects.read_text().splitlines()) == 2


def test_unknown_format_is_explained(neo4j_env: dict[str, str], tmp_path: Path) -> None:
    odd = tmp_path / "notes.csv"
    odd.write_text("a,b\n1,2\n")
    out = subprocess.run([LOCKSTEP, "ingest", str(odd)], capture_output=True, text=True,
                         env=neo4j_env, timeout=120)
    assert out.returncode == 1
    assert f"{odd}: format not recognised" in out.stderr and "--format" in out.stderr
    assert "Traceback" not in out.stderr


def _canonical_file(path: Path, n: int) -> None:
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(json.dumps({"type": "post", "platform": "t", "post_id": f"p{i}",
                                 "account_id": f"a{i % 997}", "created_at": 1_700_000_000 + i,
                                 "hashtags": [f"h{i % 101}", f"g{i % 53}", "all"]}) + "\n")


def test_lost_server_mid_load_then_rerun_completes_exactly(tmp_path: Path) -> None:
    n = 12_000
    source = tmp_path / "posts.jsonl"
    _canonical_file(source, n)
    data_dir = tmp_path / "db"
    port = local_server.free_port()
    state, _ = local_server.start(data_dir, port=port, heap="512m", pagecache="128m")
    env = {"PATH": "/usr/bin:/bin", "NEO4J_URI": state.uri, "NEO4J_USER": state.user,
           "NEO4J_PASSWORD": state.password, "HOME": str(tmp_path), "NEO4J_RETRY_SECONDS": "5"}
    cmd = [LOCKSTEP, "ingest", str(source), "--out-dir", str(tmp_path / "out")]
    try:
        proc = subprocess.Popen([*cmd, "--batch-size", "100"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        with GraphDatabase.driver(state.uri, auth=(state.user, state.password)) as driver:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                got = driver.execute_query("MATCH (v:Video) RETURN count(v) AS n", database_="neo4j")
                if got.records[0]["n"] > 1000:
                    break
                time.sleep(0.2)
        local_server.stop(data_dir)  # Neo4j goes away mid-load
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 1
        assert "cannot be reached" in err and "Traceback" not in err

        state, _ = local_server.start(data_dir, port=port, heap="512m", pagecache="128m")
        graph = Graph(Neo4jSettings(uri=state.uri, user=state.user, password=state.password))
        partial = graph.read("MATCH (v:Video) RETURN count(v) AS n")[0]["n"]
        assert 1000 < partial < n
        rerun = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=env, timeout=600)
        assert rerun.returncode == 0, rerun.stderr
        counts = json.loads(rerun.stdout)
        assert counts["read"] == {"posts": n} and counts["loaded"] == {"posts": n}
        totals = {k: v for k, v in graph_totals(graph).items() if v}
        assert totals == {"Account": 997, "Video": n, "Hashtag": 101 + 53 + 1, "POSTED": n,
                          "TAGGED": 3 * n}
        runs = graph.read("MATCH (r:IngestRun) RETURN r.status AS s ORDER BY r.started_at")
        assert [r["s"] for r in runs] == ["running", "completed"]  # the lost run stays visible
    finally:
        local_server.stop(data_dir)
