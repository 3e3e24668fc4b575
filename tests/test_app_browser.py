"""End to end in a real browser: `streamlit run app.py` on a seeded incident, driven by Playwright
with Debian's chromium.

Opens every page, selects clusters and checks the drawn network holds their members, downloads
exports and compares them byte for byte with `lockstep export entities` (and with the sha256 of
the Export node the download recorded), checks that nothing is fetched from the network and that
no planted payload ever runs (no dialog), saves a screenshot of each page, and measures how long a
300-account cluster takes to draw.

Screenshots go to a temporary directory, or to ``$LOCKSTEP_SCREENSHOTS`` (e.g. docs/screenshots);
then the incident is loaded without the hostile payloads, so the pictures show a plain incident.
The draw-time figures are printed and, with ``$LOCKSTEP_BENCH_OUT``, written there as JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from analyses.detect import DetectParams
from graph import local_server
from graph.connection import Graph
from graph.queries.detect import write_detection
from graph.settings import Neo4jSettings
from ingest.load import ingest
from tests.conftest import LOCKSTEP, REPO, stop_process, wait_for_app
from tests.test_app import SCRIPT, Seeded, seed_hostile_incident

pytestmark = [pytest.mark.browser, pytest.mark.storage]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 1800}
BENCH_RUN = "detect-bench-300"
BENCH_NODES = 300
BENCH_EDGES = 1200
BENCH_LOADS = 5


def _env(settings: Neo4jSettings) -> dict[str, str]:
    return dict(os.environ, NEO4J_URI=settings.uri, NEO4J_USER=settings.user,
                NEO4J_PASSWORD=settings.password, NEO4J_DATABASE=settings.database,
                LOCKSTEP_APP_USER="browser-analyst")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = Path(os.environ.get("LOCKSTEP_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def seeded(neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    hostile = not os.environ.get("LOCKSTEP_SCREENSHOTS")
    return seed_hostile_incident(neo4j_settings, tmp_path_factory.mktemp("browser-incident"),
                                 hostile=hostile)


@pytest.fixture(scope="module")
def app_url(seeded: Seeded, neo4j_settings: Neo4jSettings,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port, as a user would start it."""
    port = local_server.free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             # As deployed: no source watching (it walks the whole tree, .venv included).
             "--server.fileWatcherType", "none"],
            cwd=REPO, env=_env(neo4j_settings), stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_app(url, proc, log)
        yield url
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh browser session that fails the test on any outside request or JS dialog."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    pg = context.new_page()
    outside: list[str] = []
    dialogs: list[str] = []
    pg.on("request", lambda r: outside.append(r.url)
          if not r.url.startswith((app_url, "data:", "blob:", "about:")) else None)
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
    assert outside == [], f"the app fetched from outside: {outside}"
    assert dialogs == [], f"a script ran: {dialogs}"


# ------------------------------------------------------------------------------------- helpers


def idle(pg: Any) -> None:
    """Wait until Streamlit has finished running the script."""
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def _frames(pg: Any) -> list[Any]:
    """The documents of the page's iframes (st.iframe srcdoc frames), in page order."""
    out = []
    for el in pg.query_selector_all("iframe"):
        try:
            frame = el.content_frame()
        except Exception:  # noqa: BLE001 - frames come and go while Streamlit rerenders
            continue
        if frame is not None:
            out.append(frame)
    return out


def drawn_frame(pg: Any, timeout: float = 30, index: int = 0) -> Any:
    """The ``index``-th frame whose vis-network drawing has been drawn."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = []
        for frame in _frames(pg):
            try:
                if frame.evaluate("() => !!(document.body && document.body.getAttribute('data-drawn'))"):
                    found.append(frame)
            except Exception:  # noqa: BLE001 - frames come and go while Streamlit rerenders
                continue
        if len(found) > index:
            return found[index]
        time.sleep(0.02)
    raise AssertionError("no network drawing appeared")


def frame_with_text(pg: Any, text: str, timeout: float = 30) -> Any:
    """The first iframe document that contains ``text``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in _frames(pg):
            try:
                if text in frame.content():
                    return frame
            except Exception:  # noqa: BLE001 - frames come and go while Streamlit rerenders
                continue
        time.sleep(0.1)
    raise AssertionError(f"no frame shows {text!r}")


def node_labels(frame: Any) -> list[str]:
    return frame.evaluate("() => window.lockstepNetwork.body.data.nodes.get().map(n => n.label)")


def drawn_labels(pg: Any) -> set[str] | None:
    """The labels of the current drawing, or None while Streamlit replaces its frame (the old
    frame's context is destroyed between finding it and reading it)."""
    try:
        return set(node_labels(drawn_frame(pg)))
    except Exception as e:  # noqa: BLE001 - only a frame that went away is retried
        if "context was destroyed" in str(e) or "detached" in str(e).lower():
            return None
        raise


def cluster_picker(pg: Any) -> Any:
    """The explorer's cluster select box, by its exact label (``has_text="Cluster"`` would also
    match the run picker's "... (7 clusters)")."""
    return pg.locator('[data-testid="stSelectbox"]').filter(has=pg.get_by_text("Cluster", exact=True))


def shot(pg: Any, shots: Path, name: str) -> None:
    time.sleep(0.8)  # let charts finish their transitions
    pg.screenshot(path=str(shots / f"{name}.png"))


# --------------------------------------------------------------------------------------- tests


def test_overview(page: Any, app_url: str, seeded: Seeded, shots: Path) -> None:
    page.goto(app_url)
    # The first page of a fresh server also imports the libraries and fills the caches.
    # exact: the table below has a column "top clusters' hashtags" that can render first.
    page.get_by_role("heading", name="Top clusters", exact=True).wait_for(timeout=120_000)
    idle(page)
    page.get_by_role("heading", name="Incident overview", exact=True).wait_for()
    page.get_by_text("Open cluster #1", exact=True).wait_for()
    assert page.locator('[data-testid="stMetric"]').count() >= 6
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    shot(page, shots, "overview")


def test_cluster_explorer_select_and_draw(page: Any, app_url: str, seeded: Seeded,
                                          shots: Path) -> None:
    page.goto(f"{app_url}/clusters")
    idle(page)
    frame = drawn_frame(page)
    assert set(node_labels(frame)) == set(seeded.usernames[seeded.top_cluster])
    assert frame.evaluate("() => document.querySelectorAll('script').length") == 2
    shot(page, shots, "clusters")
    # Select another cluster in the picker, then the top one again: the drawing follows.
    box = cluster_picker(page)
    for rank, cid in ((2, sorted(seeded.usernames)[1]), (1, seeded.top_cluster)):
        box.click()
        page.get_by_role("option", name=re.compile(rf"^#{rank} · ")).click()
        idle(page)
        deadline = time.monotonic() + 20
        while drawn_labels(page) != set(seeded.usernames[cid]):
            assert time.monotonic() < deadline, f"cluster #{rank} was not drawn"
            time.sleep(0.1)
    assert "cluster=" in page.url and seeded.top_cluster.split(":")[1] in page.url


def test_hostile_names_are_text_in_the_browser(page: Any, app_url: str, seeded: Seeded) -> None:
    if os.environ.get("LOCKSTEP_SCREENSHOTS"):
        pytest.skip("the screenshot run loads the incident without payloads")
    page.goto(f"{app_url}/clusters?run={seeded.run_id}&cluster={seeded.hostile_cluster}")
    idle(page)
    frame = drawn_frame(page)
    titles = frame.evaluate(
        "() => window.lockstepNetwork.body.data.nodes.get().map(n => n.title.textContent)")
    assert any(t.startswith("@" + SCRIPT) for t in titles)      # shown as the text it is
    # Hover the hostile node: its tooltip shows the name as text and holds no element of it.
    pos = frame.evaluate("""(name) => {
        const net = window.lockstepNetwork;
        const node = net.body.data.nodes.get().find(n => n.label === name);
        const p = net.canvasToDOM(net.getPositions([node.id])[node.id]);
        const r = document.getElementById('net').getBoundingClientRect();
        return {x: p.x + r.left, y: p.y + r.top};
    }""", SCRIPT)
    box = page.locator("iframe").first.bounding_box()
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    tip = frame.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    assert SCRIPT in tip.inner_text()
    assert tip.locator("script, img").count() == 0
    assert frame.evaluate("() => document.querySelectorAll('script').length") == 2
    # Markdown on the page: the escaped name reads as itself (not as entities, not as markup).
    page.goto(f"{app_url}/search?kind=account&key=tiktok:{SCRIPT}")
    idle(page)
    heading = page.get_by_role("heading", level=2).filter(has_text="alert")
    assert heading.first.inner_text().strip() == "@" + SCRIPT
    assert page.locator('[data-testid="stMain"] script').count() == 0


def test_search_and_pivot(page: Any, app_url: str, seeded: Seeded, neo4j_settings: Neo4jSettings,
                          shots: Path) -> None:
    member = seeded.usernames[seeded.top_cluster][0]
    key = Graph(neo4j_settings).read("MATCH (a:Account) WHERE a.username = $u RETURN a.key AS k",
                                     u=member)[0]["k"]
    page.goto(f"{app_url}/search?kind=account&key={key}")
    idle(page)
    frame = drawn_frame(page)
    labels = node_labels(frame)
    assert "@" + member in labels and any(lab.startswith("cluster #1") for lab in labels)
    page.get_by_text("Open cluster #1", exact=True).wait_for()
    shot(page, shots, "search")


def _download(page: Any, name: re.Pattern[str]) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    return Path(info.value.path()).read_bytes()


def _cli_export(settings: Neo4jSettings, run_id: str, cluster: str, kind: str, fmt: str) -> bytes:
    return subprocess.run([LOCKSTEP, "export", "entities", "--run", run_id, "--cluster", cluster,
                           "--kind", kind, "--format", fmt], env=_env(settings),
                          capture_output=True, check=True, timeout=120).stdout


def _recorded(graph: Graph, sha: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15  # the on_click callback runs on the rerun after the click
    while time.monotonic() < deadline:
        rows = graph.read("MATCH (e:Export {sha256: $sha, source: 'app'}) RETURN e", sha=sha)
        if rows:
            return dict(rows[0]["e"])
        time.sleep(0.2)
    raise AssertionError(f"no Export node with sha256 {sha}")


def test_export_download_equals_cli(page: Any, app_url: str, seeded: Seeded,
                                    neo4j_settings: Neo4jSettings, shots: Path) -> None:
    graph = Graph(neo4j_settings)
    page.goto(f"{app_url}/export?run={seeded.run_id}&cluster={seeded.top_cluster}")
    idle(page)
    got = _download(page, re.compile(r"^Download .* accounts as CSV"))
    assert got == _cli_export(neo4j_settings, seeded.run_id, seeded.top_cluster, "accounts", "csv")
    rec = _recorded(graph, hashlib.sha256(got).hexdigest())
    assert rec["user"] == "browser-analyst" and rec["kind"] == "accounts"
    assert json.loads(rec["selection_json"])["clusters"] == [seeded.top_cluster]
    idle(page)
    page.get_by_text("Recorded export").wait_for()
    # Another kind and format through the radios.
    page.get_by_text("videos", exact=True).click()
    idle(page)
    page.get_by_text("JSON", exact=True).click()
    idle(page)
    got = _download(page, re.compile(r"^Download .* videos as JSON"))
    assert got == _cli_export(neo4j_settings, seeded.run_id, seeded.top_cluster, "videos", "json")
    assert _recorded(graph, hashlib.sha256(got).hexdigest())["format"] == "json"
    idle(page)
    page.get_by_role("heading", name="Exports made", exact=True).scroll_into_view_if_needed()
    shot(page, shots, "export")


def test_review_page(page: Any, app_url: str, seeded: Seeded, shots: Path) -> None:
    page.goto(f"{app_url}/review")
    idle(page)
    report = frame_with_text(page, "Post-incident review")
    report.get_by_role("heading", name="Clusters found", exact=True).wait_for()
    assert report.evaluate("() => document.querySelectorAll('script').length") == 0
    html = _download(page, re.compile("^Download HTML"))
    assert html.startswith(b"<!DOCTYPE html>") and seeded.run_id.encode() in html
    md = _download(page, re.compile("^Download Markdown"))
    assert md.startswith(b"# Post-incident review")
    shot(page, shots, "review")


# ------------------------------------------------------------------------------- draw-time bench


def _bench_cluster(rank: int, keys: list[str], n_edges: int, rng: random.Random
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    t0 = 1772323200
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < n_edges:
        a, b = sorted(rng.sample(keys, 2))
        pairs.add((a, b))
    edges = [{"a": a, "b": b, "weight": round(rng.uniform(1, 40), 3), "waves": rng.randint(2, 12),
              "events": rng.randint(2, 15), "surprise": round(rng.uniform(2, 12), 2),
              "mean_dt": round(rng.uniform(5, 290), 1), "signals": {"hashtag": 3, "sound": 1},
              "evidence": [{"type": "hashtag", "object": "benchtag", "post_a": f"bench:p{i}a",
                            "post_b": f"bench:p{i}b", "t_a": t0 + i * 600, "t_b": t0 + i * 600 + 40,
                            "dt": 40} for i in range(4)]}
             for a, b in sorted(pairs)]
    edges.sort(key=lambda e: -e["weight"])
    cid = f"{BENCH_RUN}:{rank}"
    cluster = {"cluster_id": cid, "run_id": BENCH_RUN, "rank": rank, "score": 0.9 - rank / 10,
               "size": len(keys), "edges": len(edges), "parts_json": json.dumps({"synchrony": 0.9}),
               "top_signals": ["hashtag"], "top_hashtags": ["benchtag"], "top_sounds": [],
               "sample_captions": [], "first_ts": t0, "last_ts": t0 + 86400,
               "summary_json": json.dumps({"top_hashtags": [["benchtag", 3]], "top_sounds": [],
                                           "sample_captions": [], "timeline": [], "posts": 0}),
               "edges_json": json.dumps(edges), "coordinated_posts_json": "{}"}
    members = [{"run_id": BENCH_RUN, "cluster_id": cid, "account_key": k,
                "member_score": round(rng.random(), 4), "rank": i + 1} for i, k in enumerate(keys)]
    return cluster, members


def add_bench_run(graph: Graph, work: Path, n: int = BENCH_NODES, n_edges: int = BENCH_EDGES,
                  seed: int = 1) -> tuple[str, str]:
    """An extra, older detection run (synthetic): cluster #1 with ``n`` accounts and ``n_edges``
    evidence pairs, cluster #2 with 12 accounts. Returns their ids."""
    rng = random.Random(seed)
    keys = [f"bench:acct{i:03d}" for i in range(n)]
    # The accounts go in through ingest (canonical format), like any other data.
    src = work / "bench-accounts.jsonl"
    src.write_text("".join(json.dumps({"type": "account", "platform": "bench",
                                       "account_id": k[6:], "username": f"bench_{k[-3:]}",
                                       "display_name": f"Bench {k[-3:]}"}) + "\n" for k in keys))
    ingest(graph, [src], fmt="canonical", incident="bench", out_dir=work / "bench-ingest")
    big, big_members = _bench_cluster(1, keys, n_edges, rng)
    small, small_members = _bench_cluster(2, keys[:12], 20, rng)
    run = {"run_id": BENCH_RUN, "status": "completed", "incident": "bench", "seed": seed,
           "params_json": json.dumps(DetectParams().as_dict()), "stats_json": "{}",
           "window_estimate_json": "{}", "timings_json": "{}", "time_window": 300,
           "signals": ["hashtag"], "n_posts": 0, "n_clusters": 2, "n_flagged": n,
           "finished_at": datetime(2020, 1, 1, tzinfo=UTC)}  # older: the real run stays latest
    # An account belongs to one cluster per run; the small cluster reuses keys only for the bench.
    write_detection(graph, run, [big, small], big_members + small_members)
    return big["cluster_id"], small["cluster_id"]


def _drawn_at(pg: Any, nodes: int, timeout: float = 60) -> float:
    """Absolute time (ms, page clock) at which a drawing of ``nodes`` nodes was first drawn."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in _frames(pg):
            try:
                at = frame.evaluate(
                    "(n) => document.body && document.body.getAttribute('data-nodes') === String(n)"
                    " ? performance.timeOrigin + Number(document.body.getAttribute('data-drawn'))"
                    " : null", nodes)
            except Exception:  # noqa: BLE001 - frames come and go while Streamlit rerenders
                continue
            if at:
                return at
        time.sleep(0.01)
    raise AssertionError(f"no drawing of {nodes} nodes appeared")


def test_draw_time_of_a_300_account_cluster(browser: Any, app_url: str, seeded: Seeded,
                                            neo4j_settings: Neo4jSettings, tmp_path: Path) -> None:
    """How long until a 300-account cluster is drawn: after picking it in the open explorer, and
    after opening its link in a new tab (navigation start -> first frame of the drawing)."""
    graph = Graph(neo4j_settings)
    big, small = add_bench_run(graph, tmp_path)
    # As a benchmark ($LOCKSTEP_BENCH_OUT) it repeats for medians; in the suite, one warm load
    # and one pick are enough to catch a drawing that hangs (speed is the benchmark's to judge).
    repeats = BENCH_LOADS if os.environ.get("LOCKSTEP_BENCH_OUT") else 1
    try:
        context = browser.new_context(viewport=VIEWPORT)
        loads = []
        for _ in range(repeats + 1):  # the first load is cold (query, layout, cache fill)
            pg = context.new_page()
            pg.goto(f"{app_url}/clusters?run={BENCH_RUN}&cluster={big}")
            drawn = _drawn_at(pg, BENCH_NODES)
            loads.append((drawn - pg.evaluate("() => performance.timeOrigin")) / 1000)
            pg.close()
        pg = context.new_page()
        pg.goto(f"{app_url}/clusters?run={BENCH_RUN}&cluster={small}")
        _drawn_at(pg, 12)
        idle(pg)
        box = cluster_picker(pg)
        picks = []
        for _ in range(repeats):
            for rank, nodes in ((1, BENCH_NODES), (2, 12)):
                box.click()
                option = pg.get_by_role("option", name=re.compile(rf"^#{rank} · "))
                option.wait_for()
                clicked = pg.evaluate("() => performance.timeOrigin + performance.now()")
                option.click()
                drawn = _drawn_at(pg, nodes)
                if nodes == BENCH_NODES:
                    picks.append((drawn - clicked) / 1000)
                idle(pg)
        context.close()
        result = {"nodes": BENCH_NODES, "edges": BENCH_EDGES,
                  "pick_median_s": round(statistics.median(picks), 3),
                  "pick_s": [round(x, 3) for x in picks],
                  "load_median_s": round(statistics.median(loads[1:]), 3),
                  "load_s": [round(x, 3) for x in loads[1:]], "first_load_s": round(loads[0], 3)}
        print(f"\n300-node cluster drawn: {json.dumps(result)}")
        if os.environ.get("LOCKSTEP_BENCH_OUT"):
            Path(os.environ["LOCKSTEP_BENCH_OUT"]).write_text(json.dumps(result, indent=2) + "\n")
        # The targets (2 s after a pick, 5 s for a whole app start; docs/app-notes.md) are
        # measured as a benchmark, on a quiet machine ($LOCKSTEP_BENCH_OUT, docs/benchmarks.md).
        # Inside the test suite, on a busy 2-core machine, only a drawing that hangs fails.
        slack = 1.0 if os.environ.get("LOCKSTEP_BENCH_OUT") else 3.0
        assert result["pick_median_s"] < 2.0 * slack, result
        assert result["load_median_s"] < 5.0 * slack, result
    finally:
        graph.write("MATCH (c:Cluster {run_id: $r}) DETACH DELETE c", r=BENCH_RUN)
        graph.write("MATCH (r:DetectionRun {run_id: $r}) DELETE r", r=BENCH_RUN)
        graph.write("MATCH (a:Account) WHERE a.key STARTS WITH 'bench:' DETACH DELETE a")
        graph.write("MATCH (r:IngestRun {incident: 'bench'}) DELETE r")
