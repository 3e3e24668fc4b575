"""The Streamlit app, page by page, with AppTest against a real Neo4j and a real incident.

One sample incident is generated, made hostile (script, img-onerror and javascript: payloads in
usernames, a display name, captions and hashtags of the largest coordinated cell), ingested and
run through detection once per module; every page must then show real content (the top cluster's
id and score, member names) and never let a payload through as markup. The first tests run on an
empty database and on an unreachable server: a message with the next step, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from analyses.detect import DetectParams
from app_pages import netviz
from graph.connection import Graph
from graph.schema import clear_data, init_schema
from graph.settings import Neo4jSettings
from ingest.load import ingest
from lockstep.detection import run_detection
from samples import generate_incident
from tests.conftest import LOCKSTEP, REPO

pytestmark = pytest.mark.storage

APP = str(REPO / "app.py")
TIMEOUT = 90

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS = "javascript:alert(1)"
CAPTION_PAYLOAD = f" {SCRIPT} {IMG} {JS} [click]({JS})"
# What must never appear in anything rendered as HTML; Markdown must not hold a link either.
RAW_HTML = ("<script>alert", "<img src=x", 'href="javascript:', "href='javascript:",
            "href=javascript:")
RAW_MARKDOWN = RAW_HTML
MD_LINK = re.compile(r"(?<!\\)\]\(")  # "](" not preceded by a backslash: a live Markdown link


# --------------------------------------------------------------------------- the seeded incident


@dataclass
class Seeded:
    run_id: str
    top_cluster: str       # cluster id of rank 1
    top_score: float
    hostile_cluster: str   # the cluster holding the hostile accounts
    hostile_users: list[str]
    usernames: dict[str, list[str]]  # cluster id -> member usernames


def _walk(obj: Any, fn: Any) -> Any:
    if isinstance(obj, dict):
        obj = fn(obj)
        return {k: _walk(v, fn) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_walk(v, fn) for v in obj]
    return obj


def make_hostile(src: Path) -> tuple[list[str], str]:
    """Rewrite a generated incident so its largest cell carries XSS payloads everywhere.

    Returns (hostile usernames, hostile hashtag). Usernames: two members renamed to a script tag
    and a javascript: URL; one display name becomes an img-onerror; every caption of the cell gets
    all payloads; one of the cell's hashtags becomes a script tag and a javascript: tag is added.
    """
    truth = json.loads((src / "ground_truth.json").read_text(encoding="utf-8"))
    # the largest cell with the classic tactics: most members in every wave, the same tags all
    # week (a sparse-large cell's members post 2-3 times each, a rotating cell's last tag is in
    # a wave or two: neither need come out as one cluster with that tag)
    classic = [c for c in truth["cells"]
               if not {"sparse_large", "rotating_hashtags", "small"} & set(c.get("tactics", ()))]
    cell = max(classic, key=lambda c: c["size"])
    members = set(cell["accounts"])
    u0, u1, u2 = cell["accounts"][:3]
    renamed = {u0: SCRIPT, u2: JS}
    tag = cell["hashtags"][-1]

    def fix(d: dict[str, Any]) -> dict[str, Any]:
        d = dict(d)
        author = d.get("username")
        if isinstance(d.get("video_description"), str) and author in members:
            d["video_description"] += CAPTION_PAYLOAD
        if isinstance(d.get("hashtag_names"), list):
            d["hashtag_names"] = [SCRIPT if t == tag else t for t in d["hashtag_names"]]
            if author in members:
                d["hashtag_names"].append(JS)
        if d.get("hashtag_name") == tag:
            d["hashtag_name"] = SCRIPT
        if d.get("endpoint") == "user_info" and author == u1:
            d["response"]["data"]["display_name"] = IMG
        for k, v in d.items():
            if isinstance(v, str) and v in renamed:
                d[k] = renamed[v]
            elif isinstance(v, list):
                d[k] = [renamed.get(x, x) if isinstance(x, str) else x for x in v]
        return d

    for path in sorted(src.rglob("*.json*")):
        if path.name == "ground_truth.json":
            continue
        if path.suffix == ".jsonl":
            lines = [json.dumps(_walk(json.loads(line), fix), ensure_ascii=False)
                     for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            path.write_text(json.dumps(_walk(json.loads(path.read_text(encoding="utf-8")), fix),
                                       ensure_ascii=False), encoding="utf-8")
    return [SCRIPT, JS], SCRIPT


def seed_hostile_incident(settings: Neo4jSettings, work: Path, scale: float = 0.3,
                          hostile: bool = True) -> Seeded:
    """Empty the database, then generate, poison (unless ``hostile`` is false), ingest and
    detect one incident."""
    graph = Graph(settings)
    clear_data(graph)
    init_schema(graph)
    src = work / "incident"
    generate_incident(src, seed=7, scale=scale)
    users, _ = make_hostile(src) if hostile else ([], "")
    ingest(graph, [src], incident="demo", out_dir=work / "ingest-out")
    job = run_detection(graph, DetectParams(seed=42), incident="demo")
    rows = graph.read(
        "MATCH (a:Account)-[m:MEMBER_OF {run_id: $run}]->(c:Cluster) "
        "RETURN c.cluster_id AS cid, c.rank AS rank, c.score AS score, "
        "collect(coalesce(a.username, a.account_id)) AS users ORDER BY rank", run=job.run_id)
    assert rows, "detection found no cluster in the sample incident"
    poisoned = [r["cid"] for r in rows if set(users) & set(r["users"])]
    assert poisoned or not hostile, "the hostile accounts are in no cluster"
    return Seeded(run_id=job.run_id, top_cluster=rows[0]["cid"], top_score=rows[0]["score"],
                  hostile_cluster=(poisoned or [rows[0]["cid"]])[0], hostile_users=users,
                  usernames={r["cid"]: r["users"] for r in rows})


# ------------------------------------------------------------------------------------- helpers


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, neo4j_settings: Neo4jSettings) -> None:
    """The app (run in this process by AppTest) reads its settings from the environment."""
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.database)
    monkeypatch.setenv("LOCKSTEP_APP_USER", "apptest-analyst")


def open_page(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything the page rendered as Markdown-like text (markdown, captions, alerts, titles...)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "error", "info", "warning",
                 "success", "code"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric]
    return "\n".join(parts)


def frames(at: AppTest) -> list[str]:
    """The HTML documents the page embeds with st.iframe."""
    return [e.proto.srcdoc for e in at.get("iframe") if e.proto.srcdoc]


def frames_data(at: AppTest) -> list[str]:
    """What the frames' data says once the JSON string escapes (u003c...) are decoded."""
    return [re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
            for page in frames(at)]


def dataframe_values(at: AppTest) -> set[str]:
    out: set[str] = set()
    for df in at.dataframe:
        for col in df.value.columns:
            out |= {str(v) for v in df.value[col].tolist()}
    return out


def assert_inert(at: AppTest) -> None:
    """No payload survives as markup in any HTML, Markdown or frame the page produced."""
    for bad in RAW_MARKDOWN:
        assert bad not in texts(at), f"{bad!r} reached the page's Markdown unescaped"
    assert not MD_LINK.search(texts(at)), "a Markdown link reached the page"
    for doc in [*frames(at), *(e.proto.body for e in at.get("html"))]:
        for bad in RAW_HTML:
            assert bad not in doc, f"{bad!r} reached the page's HTML unescaped"
    for page in frames(at):
        assert netviz.remote_references(page) == [], "a frame fetches from the network"
        # Only netviz's two nonce-carrying scripts may exist in a frame (the vis-network library
        # itself holds a "<script>" string literal, so it is taken out before counting).
        ours = page.replace(netviz._vis_assets()[0], "")
        assert len(re.findall(r"<script\b", ours)) == len(re.findall(r"<script nonce=", ours)) <= 2


# ------------------------------------------------------------------ empty graph, unreachable graph


def test_unreachable_graph_gives_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever")
    for page in (None, "clusters", "search", "export", "review"):
        at = open_page(page)
        assert not at.exception
        msg = texts(at)
        assert "cannot reach its graph" in msg
        assert "lockstep db start" in msg, msg


def test_empty_graph_says_what_to_run(graph: Graph, app_env: None) -> None:
    at = open_page()
    assert "Nothing is loaded yet" in texts(at)
    assert "lockstep ingest" in texts(at)
    for page in ("clusters", "export", "review"):
        msg = texts(open_page(page))
        assert "No detection results yet" in msg and "lockstep detect" in msg, (page, msg)
    assert "Nothing is loaded yet" in texts(open_page("search"))


# ------------------------------------------------------------------------- the seeded incident


@pytest.fixture(scope="module")
def seeded(neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    yield seed_hostile_incident(neo4j_settings, tmp_path_factory.mktemp("app-incident"))


def test_overview_shows_counts_activity_clusters_and_runs(seeded: Seeded, app_env: None) -> None:
    at = open_page()
    labels = {m.label: m.value for m in at.metric}
    assert int(labels["Accounts"].replace(",", "")) > 100
    assert int(labels["Clusters"]) >= 1
    values = dataframe_values(at)
    assert seeded.top_cluster in values                       # top clusters table
    assert str(round(seeded.top_score, 3)) in values
    assert seeded.run_id in values                            # detection runs table
    assert any(v.startswith("ingest-") for v in values)       # ingest runs table
    assert len(at.get("vega_lite_chart")) >= 1          # activity over time
    assert len(at.multiselect[0].value) >= 1                  # hashtags preselected by growth
    assert "Emerging hashtags and sounds" in texts(at)
    assert_inert(at)


def test_cluster_explorer_top_cluster(seeded: Seeded, app_env: None) -> None:
    at = open_page("clusters")
    assert at.selectbox(key="cluster_pick").value == seeded.top_cluster
    assert f"{seeded.top_score:.3f}" in texts(at)
    values = dataframe_values(at)
    members = seeded.usernames[seeded.top_cluster]
    assert set(members) <= values                             # member table
    [page] = frames(at)
    decoded = frames_data(at)[0]
    for name in members:
        assert f"@{name}" in decoded or f"@{netviz.html.escape(name)}" in decoded
    assert 'data-drawn' in page and "vis.Network" in page
    # Laid out in Python whatever its size: no physics simulation in every viewer's browser.
    assert '"physics": {"enabled": false' in page and '"x": ' in page
    # Only the open tab (Members) is built: no chart is sent until its tab is opened.
    assert len(at.get("vega_lite_chart")) == 0
    assert_inert(at)


def test_cluster_explorer_tabs_by_link(seeded: Seeded, app_env: None) -> None:
    """Each detail tab opens from its link (?view=) and builds only its own content."""
    at = open_page("clusters", cluster=seeded.top_cluster, view="Timeline")
    [chart] = at.get("vega_lite_chart")                       # the timeline, alone
    assert "in lockstep" in chart.proto.spec
    members = set(seeded.usernames[seeded.top_cluster])
    assert not members & dataframe_values(at)                 # no member table on this tab
    at = open_page("clusters", cluster=seeded.top_cluster, view="Evidence")
    values = dataframe_values(at)
    assert len(at.get("vega_lite_chart")) == 0
    assert "account A" in " ".join(str(c) for df in at.dataframe for c in df.value.columns)
    assert members & values                                   # pairs named by username
    at = open_page("clusters", cluster=seeded.top_cluster, view="Score")
    assert len(at.get("vega_lite_chart")) == 1
    assert_inert(at)


def test_cluster_explorer_hostile_cluster_is_escaped(seeded: Seeded, app_env: None) -> None:
    at = open_page("clusters", run=seeded.run_id, cluster=seeded.hostile_cluster)
    assert at.selectbox(key="cluster_pick").value == seeded.hostile_cluster
    values = dataframe_values(at)
    assert SCRIPT in values and JS in values                  # shown as data, not markup
    assert IMG in values                                      # the display name
    decoded = frames_data(at)[0]
    # The tooltips hold the escaped names: the browser shows them as text.
    assert "@&lt;script&gt;alert(1)&lt;/script&gt;" in decoded
    assert "&lt;img src=x onerror=alert(1)&gt;" in decoded
    assert_inert(at)
    # Filters: a minimum score above every cluster leaves nothing to pick.
    at.slider(key="f_score").set_value(1.0).run()
    assert "No cluster matches the filters" in texts(at)


def test_search_and_pivot(seeded: Seeded, app_env: None) -> None:
    at = open_page("search")
    at.text_input(key="a_text").set_value("script").run()
    assert not at.exception
    options = at.selectbox(key="a_pick").options  # as displayed: "@name (N connections)"
    index = next(i for i, o in enumerate(options) if o.startswith("@" + SCRIPT + " ("))
    at.selectbox(key="a_pick").select_index(index).run()
    assert seeded.hostile_cluster in dataframe_values(at)     # the clusters it belongs to
    decoded = frames_data(at)[0]
    assert "POSTED" in decoded and "MEMBER_OF" in decoded      # posts and its cluster around it
    assert_inert(at)
    # Expand a neighbour, then find the shortest path to the other hostile account.
    before = len(frames_data(at)[0])
    at.button[0].click().run()
    assert not at.exception and len(frames_data(at)[0]) > before
    at.text_input(key="b_text").set_value("javascript").run()
    assert not at.exception
    assert "step(s)" in texts(at)
    assert len(frames(at)) == 2
    assert_inert(at)


def test_search_hashtag_by_link(seeded: Seeded, app_env: None) -> None:
    at = open_page("search", kind="hashtag", key=SCRIPT)
    assert at.text_input(key="a_text").value == SCRIPT
    assert seeded.hostile_cluster in dataframe_values(at)
    assert_inert(at)


def test_export_matches_cli_and_is_recorded(seeded: Seeded, app_env: None, neo4j_env: dict[str, str],
                                            neo4j_settings: Neo4jSettings) -> None:
    at = open_page("export", run=seeded.run_id, cluster=seeded.hostile_cluster)
    assert at.multiselect(key="x_clusters").value == [seeded.hostile_cluster]
    at.radio(key="x_kind").set_value("videos").run()
    at.radio(key="x_fmt").set_value("json").run()
    assert SCRIPT + " " + IMG in " ".join(dataframe_values(at))  # captions, as data
    assert_inert(at)
    cli = subprocess.run([LOCKSTEP, "export", "entities", "--run", seeded.run_id, "--cluster",
                          seeded.hostile_cluster, "--kind", "videos", "--format", "json"],
                         env=neo4j_env, capture_output=True, check=True, timeout=120)
    sha = hashlib.sha256(cli.stdout).hexdigest()
    assert sha in texts(at)                                   # the bytes offered == the CLI's
    graph = Graph(neo4j_settings)
    before = graph.read("MATCH (e:Export {source: 'app'}) RETURN count(e) AS n")[0]["n"]
    at.get("download_button")[0].click().run()
    assert not at.exception
    rec = graph.read("MATCH (e:Export {source: 'app'}) RETURN e ORDER BY e.created_at DESC LIMIT 1")
    assert graph.read("MATCH (e:Export {source: 'app'}) RETURN count(e) AS n")[0]["n"] == before + 1
    e = rec[0]["e"]
    assert e["sha256"] == sha and e["user"] == "apptest-analyst" and e["kind"] == "videos"
    assert json.loads(e["selection_json"]) == {"run_id": seeded.run_id, "kind": "videos",
                                               "clusters": [seeded.hostile_cluster]}
    assert "Recorded export" in texts(at)
    assert e["export_id"] in dataframe_values(at)              # listed on the page


def test_export_by_filter(seeded: Seeded, app_env: None) -> None:
    at = open_page("export")
    at.radio(key="x_mode").set_value("by filter").run()
    at.slider(key="x_score").set_value(0.0).run()
    assert not at.exception
    assert "cluster(s) match" in texts(at)
    assert seeded.top_cluster in dataframe_values(at)


def test_review_page(seeded: Seeded, app_env: None) -> None:
    at = open_page("review")
    [page] = frames(at)
    assert "Post-incident review" in page and seeded.top_cluster.split(":")[0] in page
    assert "Clusters found" in page and "Evidence examples" in page
    assert len(at.get("download_button")) == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page    # the hostile names, as text
    assert "<script" not in page                              # the report runs no script at all
    assert_inert(at)


def test_caches_follow_new_detection_runs(seeded: Seeded, app_env: None,
                                          neo4j_settings: Neo4jSettings) -> None:
    """A new detection run changes the cache key: the app shows it without a restart."""
    at = open_page("clusters")
    first = at.selectbox(key="run_pick").value
    graph = Graph(neo4j_settings)
    job = run_detection(graph, DetectParams(seed=42), incident="demo")
    try:
        at = open_page("clusters")
        assert at.selectbox(key="run_pick").value == job.run_id != first
    finally:
        graph.write("MATCH (c:Cluster {run_id: $r}) DETACH DELETE c", r=job.run_id)
        graph.write("MATCH (r:DetectionRun {run_id: $r}) DELETE r", r=job.run_id)


def test_caches_follow_new_ingest_runs(seeded: Seeded, app_env: None, tmp_path: Path,
                                       neo4j_settings: Neo4jSettings) -> None:
    """A new ingest run changes the cache key: the overview counts the new account at once."""
    def accounts() -> int:
        at = open_page()
        return int({m.label: m.value for m in at.metric}["Accounts"].replace(",", ""))

    before = accounts()
    assert accounts() == before                                       # served from the cache
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"type": "account", "platform": "cachetest", "account_id": "newbie",
                               "username": "newbie"}) + "\n", encoding="utf-8")
    graph = Graph(neo4j_settings)
    ingest(graph, [src], fmt="canonical", incident="cachetest", out_dir=tmp_path / "out")
    try:
        assert accounts() == before + 1
    finally:
        graph.write("MATCH (a:Account {key: 'cachetest:newbie'}) DETACH DELETE a")
        graph.write("MATCH (r:IngestRun {incident: 'cachetest'}) DELETE r")


def test_failed_and_interrupted_runs_are_shown_as_such_and_never_chosen(
        seeded: Seeded, app_env: None, neo4j_settings: Neo4jSettings) -> None:
    """A run killed while writing (its heartbeat stopped) and one that failed are in the run log
    with their status and reason, escaped; the cluster explorer still opens the completed run."""
    graph = Graph(neo4j_settings)
    graph.write("CREATE (:DetectionRun {run_id: 'detect-killed', status: 'running', "
                "incident: 'demo', n_clusters: 3, heartbeat_at: datetime() - duration('PT1H')})")
    graph.write("CREATE (:DetectionRun {run_id: 'detect-failed', status: 'failed', "
                "incident: 'demo', error: $e, finished_at: datetime()})", e=f"OSError: {SCRIPT}")
    graph.write("CREATE (:IngestRun {run_id: 'ingest-killed', status: 'running', incident: 'demo', "
                "started_at: datetime() - duration('PT2H'), heartbeat_at: datetime() - duration('PT1H')})")
    try:
        at = open_page()
        values = dataframe_values(at)
        assert {"detect-killed", "detect-failed", "ingest-killed", "interrupted", "failed"} <= values
        warnings = [w.value for w in at.warning]
        assert sum("interrupted" in w for w in warnings) == 2
        assert any("failed: OSError" in w for w in warnings)
        assert_inert(at)
        at = open_page("clusters")
        assert at.selectbox(key="run_pick").value == seeded.run_id
    finally:
        graph.write("MATCH (r:DetectionRun) WHERE r.run_id IN ['detect-killed', 'detect-failed'] "
                    "DELETE r")
        graph.write("MATCH (r:IngestRun {run_id: 'ingest-killed'}) DELETE r")


# ------------------------------------------------------------------- pure parts (no database)


def test_growth_ranks_new_and_accelerating_objects_first() -> None:
    import pandas as pd

    from analyses.trends import growth, hourly_series

    h = 3600
    rows = [("steady", t * h, 2) for t in range(96)]                   # 2 per hour all along
    rows += [("surge", t * h, 12) for t in range(72, 96)]               # new in the last day
    rows += [("speedup", t * h, 1) for t in range(72)] + [("speedup", t * h, 6) for t in range(72, 96)]
    rows += [("fading", t * h, 5) for t in range(72)]                   # gone quiet
    rows += [("tiny", 95 * h, 1)]
    counts = pd.DataFrame(rows, columns=["name", "hour", "posts"])
    g = growth(counts, recent_hours=24)
    assert list(g["name"][:3]) == ["surge", "speedup", "steady"]
    by = g.set_index("name")
    assert bool(by.at["surge", "new"]) and not bool(by.at["speedup", "new"])
    assert by.at["steady", "growth"] == pytest.approx(1.0, abs=0.05)
    assert by.at["speedup", "recent"] == 144 and by.at["speedup", "baseline_per_hour"] == 1.0
    assert "fading" not in by.index and "tiny" not in by.index          # too few recent posts
    assert len(by.at["surge", "hourly"]) == 48 and by.at["surge", "hourly"][-1] == 12
    # A chosen "now" moves the window: a day earlier nothing has surged yet.
    earlier = growth(counts, recent_hours=24, now=72 * h).set_index("name")
    assert "surge" not in earlier.index
    assert growth(counts.iloc[0:0]).empty
    with pytest.raises(ValueError):
        growth(counts, recent_hours=0)
    series = hourly_series(counts, ["surge"])
    assert len(series) == 96 and series["posts"].sum() == 24 * 12


def test_network_page_is_offline_escaped_and_precomputed_when_large() -> None:
    nodes = [{"id": f"tiktok:u{i}", "label": SCRIPT if i == 0 else f"u{i}",
              "title": netviz.tip("@" + SCRIPT, [("display name", IMG)], [JS])} for i in range(250)]
    edges = [{"from": f"tiktok:u{i}", "to": f"tiktok:u{(i * 7 + 1) % 250}", "value": 1 + i % 5,
              "title": netviz.tip("pair", lines=[f"{SCRIPT} caption"])} for i in range(250)]
    edges.append({"from": "tiktok:u1", "to": "tiktok:missing"})         # dropped, not an error
    page = netviz.network_html(nodes, edges)
    assert netviz.remote_references(page) == []
    for bad in RAW_HTML:
        assert bad not in page
    data = page[page.index("var nodes ="):]
    assert '"physics": false' in data and '"x": ' in data                 # laid out in Python
    assert '"enabled": false' in page                                    # physics off
    small = netviz.network_html(nodes[:20], edges[:10])
    assert '"enabled": true' in small and '"x": ' not in small[small.index("var nodes ="):]
    # The page is stable for the same drawing (Streamlit keeps the frame) and differs otherwise.
    assert netviz.network_html(nodes[:20], edges[:10]) == small != netviz.network_html(nodes[:21], [])


def test_markdown_escaping_of_the_pages() -> None:
    from app_pages.common import md

    text = md(f"{SCRIPT} {IMG} {JS} [click]({JS}) :red[x] **b** 'q' & <")
    assert "<" not in text and not MD_LINK.search(text)
    assert "\\:red\\[x\\]" in text and "\\*\\*b\\*\\*" in text and "'q' &amp; &lt;" in text
