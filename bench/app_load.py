"""Load on the cluster explorer: how long the network takes to appear with 1 and with 8 sessions.

    .venv/bin/python bench/app_load.py                      # 20k-video incident, 1 and 8 sessions
    .venv/bin/python bench/app_load.py --rounds 5 --json app_load.json
    .venv/bin/python bench/app_load.py --work /tmp/appload --keep   # reuse the loaded graph later

What it runs is what an incident team runs: ``lockstep generate`` (seed 5, scale 1.35: about 20,000
videos), ``lockstep ingest`` and ``lockstep detect`` as fresh processes on a local Neo4j started
from the Maven jars, then ``streamlit run app.py`` exactly as the README starts it. Debian's
chromium (Playwright) opens the browser sessions: each is its own browser context (its own
Streamlit session), and in a round all of them open the explorer at the same moment. A load is timed from
the page's navigation start to the first frame of the cluster's drawing (the ``data-drawn`` mark
that app_pages/netviz.py sets), on the page's own clock.

Scenarios, on one app process per checkout (``--baseline REV`` adds that revision's app, on the
same graph, in the same run):

* ``server only``: 1 and 8 sessions at once over Streamlit's own websocket protocol, no browser
  (:class:`ProtocolSessions`): the server's whole share of a page load, until the script finished;
* ``1 browser``: one Chromium session at a time;
* ``1 browser + 7 sessions``: what one investigator sees while seven colleagues open the explorer
  at the same moment from their own machines (their sessions over the protocol, so that their
  browsers' rendering does not take this machine's cores);
* ``8 browsers on this machine``: eight Chromium sessions at once on the server's own two cores,
  on the top cluster and on eight different clusters (``?cluster=``).

Each browser scenario runs as a first visit (new browser contexts: nothing cached by the browser)
and as a return visit (the same contexts navigate again: a new Streamlit session, with the
browser's cache of Streamlit's 4.7 MB of scripts). The first round of each scenario is reported
apart; medians and p95 are over the measured rounds, with the CPU seconds the app, Neo4j and
Chromium used per round. The figures go to stdout (and ``--json``); docs/benchmarks.md and
docs/reliability.md quote them.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import local_server  # noqa: E402
from graph.connection import Graph, close_all  # noqa: E402
from graph.queries.detect import latest_detection_run  # noqa: E402
from graph.settings import Neo4jSettings  # noqa: E402

LOCKSTEP = str(Path(sys.executable).parent / "lockstep")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 1800}
NODE_CAP = 300  # app_pages/clusters.DEFAULT_NODE_CAP (not imported: it pulls in streamlit)


def log(msg: str) -> None:
    print(f"[app_load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: of 40 loads (8 x 5), the 38th in ascending order."""
    s = sorted(values)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def summary(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "median_s": round(statistics.median(values), 2),
            "p95_s": round(p95(values), 2), "max_s": round(max(values), 2)}


def prepare(work: Path, scale: float, seed: int) -> tuple[Any, dict[str, str]]:
    """A local Neo4j holding the incident and one detection run (reused if ``work`` has them)."""
    data_dir = work / "db"
    state = local_server.read_state(data_dir.resolve())
    if state is None or not state.alive():
        state, _ = local_server.start(data_dir, port=local_server.free_port(), heap="1g",
                                      pagecache="512m")
    env = dict(os.environ, LOCKSTEP_DATA_DIR=str(data_dir), NEO4J_URI=state.uri,
               NEO4J_USER=state.user, NEO4J_PASSWORD=state.password, NEO4J_DATABASE="neo4j")
    graph = Graph(Neo4jSettings(uri=state.uri, user=state.user, password=state.password,
                                source="bench server"))
    if latest_detection_run(graph) is None:
        incident = work / "incident"
        if not incident.exists():
            log(f"generating seed {seed}, scale {scale}")
            subprocess.run([LOCKSTEP, "generate", "--out", str(incident), "--seed", str(seed),
                            "--scale", str(scale)], check=True, capture_output=True, env=env)
        for cmd in ([LOCKSTEP, "ingest", str(incident), "--incident", "bench-load",
                     "--out-dir", str(work / "out")], [LOCKSTEP, "detect"]):
            log(" ".join(cmd[1:2]))
            t = time.monotonic()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            log(f"  {time.monotonic() - t:.1f} s")
    close_all()
    return state, env


def start_app(env: dict[str, str], work: Path, root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` of the checkout at ``root`` (its own pages and library first on the
    path, since Streamlit puts the script's folder there)."""
    port = local_server.free_port()
    logf = open(work / f"streamlit-{root.name}.log", "wb")  # noqa: SIM115 - open while it runs
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=root, env=dict(env, PYTHONPATH=str(root)), stdout=logf, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start; see {logf.name}")
        time.sleep(0.3)


class ProtocolSessions:
    """Streamlit sessions driven over the app's own websocket protocol, without a browser.

    Each opens ``/_stcore/stream`` as the browser does, asks for a page (``rerun_script``) and reads
    the app's messages until the script has finished: the server's whole share of a page load.
    They stand for colleagues whose browsers run on their own machines, so that the load generator
    does not take the server's cores (a Chromium page costs ~1 CPU second to render, the server
    ~0.1 s to build it). Runs in its own thread and event loop, next to Playwright's sync API.
    """

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.origin = url
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    async def _one(self, page: str, query: str) -> dict[str, float]:
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        t0 = time.perf_counter()
        network = None
        async with websockets.connect(self.url, subprotocols=["streamlit"], origin=self.origin,
                                      max_size=None) as ws:
            msg = BackMsg()
            msg.rerun_script.page_name = page
            msg.rerun_script.query_string = query
            await ws.send(msg.SerializeToString())
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await ws.recv())
                kind = fm.WhichOneof("type")
                if (network is None and kind == "delta" and fm.delta.WhichOneof("type") == "new_element"
                        and fm.delta.new_element.WhichOneof("type") == "iframe"):
                    network = time.perf_counter() - t0
                if kind == "script_finished":
                    if network is None:
                        raise RuntimeError(f"page {page}?{query} finished without a drawing")
                    return {"network_s": network, "finished_s": time.perf_counter() - t0}

    def start(self, targets: list[tuple[str, str]]) -> Any:
        """Start one session per (page, query string) now; ``.result()`` gives their times."""
        async def all_of() -> list[dict[str, float]]:
            return list(await asyncio.gather(*(self._one(p, q) for p, q in targets)))
        return asyncio.run_coroutine_threadsafe(all_of(), self.loop)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


def drawn_at(pages: list[Any], nodes: list[int], timeout: float = 180) -> list[float]:
    """For each page, the time (ms since its navigation start) of the first frame of a drawing of
    the expected number of nodes."""
    found: list[float | None] = [None] * len(pages)
    deadline = time.monotonic() + timeout
    while any(f is None for f in found):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no drawing after {timeout} s on {found.count(None)} sessions")
        for i, pg in enumerate(pages):
            if found[i] is not None:
                continue
            for el in pg.query_selector_all("iframe"):
                try:
                    frame = el.content_frame()
                    at = frame and frame.evaluate(
                        "(n) => document.body && document.body.getAttribute('data-nodes') === "
                        "String(n) ? performance.timeOrigin + Number(document.body.getAttribute("
                        "'data-drawn')) : null", nodes[i])
                except Exception:  # noqa: BLE001 - frames come and go while Streamlit rerenders
                    continue
                if at:
                    found[i] = at - pg.evaluate("() => performance.timeOrigin")
                    break
        # The time is read from the page's own mark, so looking rarely costs no accuracy; looking
        # often would load the browser the sessions share (8 pages x CDP calls).
        time.sleep(0.5)
    return [float(f) for f in found]  # type: ignore[arg-type]


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(app_pid: int, neo4j_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the app, Neo4j and chromium (every chromium process alive)."""
    out = {"app": 0.0, "neo4j": 0.0, "browser": 0.0}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1: stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        used = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        pid = int(proc.name)
        if pid == app_pid:
            out["app"] += used
        elif pid == neo4j_pid:
            out["neo4j"] += used
        elif "chrom" in comm or "headless" in comm:
            out["browser"] += used
    return out


def round_of(browser: Any, url: str, targets: list[tuple[str, int]], pids: tuple[int, int],
             pages: list[Any] | None = None, others: Any = None) -> tuple[list[float], dict[str, float]]:
    """All sessions open their page at once: seconds from navigation start to the drawing, and the
    CPU seconds each part used meanwhile (read before the sessions close).

    Without ``pages`` every session is a new browser context (first visit: empty browser cache);
    with them, each page navigates again (a return visit: a new Streamlit session, with the
    browser's cache of the app's scripts). ``others`` (a callable) starts sessions without a
    browser at the same moment.
    """
    before = cpu_seconds(*pids)
    contexts = [] if pages else [browser.new_context(viewport=VIEWPORT) for _ in targets]
    try:
        pages = pages or [c.new_page() for c in contexts]
        if others is not None:
            others()
        for pg, (path, _) in zip(pages, targets, strict=True):
            pg.goto(f"{url}{path}", wait_until="commit")
        times = [ms / 1000 for ms in drawn_at(pages, [n for _, n in targets])]
        after = cpu_seconds(*pids)
        return times, {k: after[k] - before.get(k, 0.0) for k in after}
    finally:
        for c in contexts:
            c.close()


def browser_rounds(browser: Any, url: str, targets: list[tuple[str, int]], pids: tuple[int, int],
                   rounds: int, visit: str, others: Any = None) -> dict[str, Any]:
    """One scenario: a first round (the first after the app started, or the first of these browser
    contexts), then ``rounds`` measured rounds; medians and p95 over the measured loads."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in targets] if visit == "return" else []
    pages = [c.new_page() for c in contexts] or None
    try:
        first, _ = round_of(browser, url, targets, pids, pages, others)
        loads: list[float] = []
        cpu: dict[str, list[float]] = {}
        for _ in range(rounds):
            times, used = round_of(browser, url, targets, pids, pages, others)
            loads += times
            for k, v in used.items():
                cpu.setdefault(k, []).append(v)
    finally:
        for c in contexts:
            c.close()
    return {"first_round_s": [round(x, 2) for x in first], **summary(loads),
            "cpu_s_per_round": {k: round(statistics.median(v), 2) for k, v in cpu.items()},
            "loads_s": [round(x, 2) for x in loads]}


def measure(url: str, pids: tuple[int, int], n: int, top: tuple[str, int],
            spread: list[tuple[str, int]], n_clusters: int, rounds: int,
            sessions: ProtocolSessions) -> dict[str, Any]:
    """Every scenario on one running app (see the module's docstring)."""
    result: dict[str, Any] = {"scenarios": {}, "server_only": {}}
    k = min(n, n_clusters)

    def record(name: str, value: dict[str, Any]) -> None:
        result["scenarios"][name] = value
        log(f"{name}: " + json.dumps({k: v for k, v in value.items() if k != "loads_s"}))

    # The server's share alone: n sessions at once over the protocol (no browser at all).
    for label, targets in (("1 session", [("clusters", "")]), (f"{n} sessions", [("clusters", "")] * n),
                           (f"{n} sessions, {k} clusters",
                            [("clusters", path.split("?", 1)[1]) for path, _ in spread])):
        sessions.start(targets).result()  # first round: caches filled
        times = [t for _ in range(rounds) for t in sessions.start(targets).result()]
        result["server_only"][label] = {
            "network_sent": summary([t["network_s"] for t in times]),
            "script_finished": summary([t["finished_s"] for t in times])}
        log(f"server only, {label}: {json.dumps(result['server_only'][label])}")

    from playwright.sync_api import sync_playwright

    background: list[Any] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for visit in ("first", "return"):
            record(f"1 browser, {visit} visit", browser_rounds(browser, url, [top], pids, rounds,
                                                                visit))
            # What one investigator sees while n - 1 colleagues open the explorer at the same
            # moment from their own machines (their sessions over the protocol).
            record(f"1 browser + {n - 1} sessions, {visit} visit", browser_rounds(
                browser, url, [top], pids, rounds, visit,
                others=lambda: background.append(sessions.start([("clusters", "")] * (n - 1)))))
            for f in background:
                f.result()
            background.clear()
            # All n browsers on this machine: their own rendering competes with the server.
            record(f"{n} browsers on this machine, {visit} visit",
                   browser_rounds(browser, url, [top] * n, pids, rounds, visit))
            record(f"{n} browsers on this machine, {k} clusters, {visit} visit",
                   browser_rounds(browser, url, spread, pids, rounds, visit))
        browser.close()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.35)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5, help="measured rounds per scenario")
    ap.add_argument("--work", type=Path, help="work directory (default: a new temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the server and work directory")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--baseline", help="also measure this git revision's app, on the same graph")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="lockstep-appload-"))
    work.mkdir(parents=True, exist_ok=True)
    state, env = prepare(work, args.scale, args.seed)
    apps: list[subprocess.Popen] = []
    baseline = None
    if args.baseline:  # the baseline's files, as of that revision, beside this checkout's
        baseline = work / f"baseline-{args.baseline}"
        if not baseline.exists():
            baseline.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)

    def cleanup() -> None:  # also after a failure: no app or server left running
        for proc in apps:
            if proc.poll() is None:
                proc.kill()
        if not args.keep:
            local_server.stop(work / "db")
            shutil.rmtree(work, ignore_errors=True)

    atexit.register(cleanup)
    graph = Graph(Neo4jSettings(uri=state.uri, user=state.user, password=state.password,
                                source="bench server"))
    run = latest_detection_run(graph)
    ranked = graph.read("MATCH (c:Cluster {run_id: $r}) RETURN c.cluster_id AS id, c.size AS size "
                        "ORDER BY c.rank", r=run["run_id"])
    videos = graph.read("MATCH (v:Video) RETURN count(v) AS n")[0]["n"]
    close_all()
    n = args.sessions
    top = ("/clusters", min(ranked[0]["size"], NODE_CAP))
    spread = [(f"/clusters?cluster={c['id']}", min(c["size"], NODE_CAP)) for c in ranked[:n]]
    spread = [spread[i % len(spread)] for i in range(n)]
    log(f"{videos:,} videos, {len(ranked)} clusters (top: {ranked[0]['size']} accounts)")
    out: dict[str, Any] = {"videos": videos, "clusters": len(ranked),
                           "top_cluster_accounts": ranked[0]["size"], "rounds": args.rounds,
                           "sessions": n, "checkouts": {}}
    checkouts = [("this checkout", ROOT)] + ([(args.baseline, baseline)] if baseline else [])
    for checkout, root in checkouts:
        app, url = start_app(env, work, root)
        apps.append(app)
        sessions = ProtocolSessions(url)
        log(f"{checkout}: app at {url}")
        out["checkouts"][checkout] = measure(url, (app.pid, state.pid), n, top, spread, len(ranked),
                                             args.rounds, sessions)
        sessions.close()
        app.terminate()
        app.wait(30)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    names = list(out["checkouts"])
    print(f"{out['videos']:,} videos, top cluster {out['top_cluster_accounts']} accounts; "
          f"median / p95 seconds over {args.rounds} rounds, " + " | ".join(names))
    for kind in ("server_only", "scenarios"):
        for label in out["checkouts"][names[0]][kind]:
            cells = []
            for name in names:
                r = out["checkouts"][name][kind].get(label, {})
                r = r.get("script_finished", r)  # server only: the whole page sent
                cells.append(f"{r.get('median_s', '-')} / {r.get('p95_s', '-')}")
            prefix = "server only, " if kind == "server_only" else ""
            print(f"  {prefix + label:<52} " + " | ".join(cells))


if __name__ == "__main__":
    main()
