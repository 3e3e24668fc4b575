"""Benchmark: ``lockstep ingest`` into Neo4j (bulk and online loaders) vs a naive one-row-per-transaction MERGE.

    .venv/bin/python bench/ingest.py --scale 100 --runs 3 --online-runs 1 --also-scale 10 --also-runs 3
    .venv/bin/python bench/ingest.py --scale 1 --runs 1 --naive-sample 200 --no-doc   # smoke test

What is measured
----------------
(a) ``ingest.load.ingest`` (what ``lockstep ingest`` runs) loading the whole generated incident
    (``lockstep generate --seed 7 --scale S``: TikTok Research API files: videos, comments, user
    info, following lists, reposts) into an *empty* database with the schema (``lockstep db
    init``), once per loader (``--modes``): ``bulk`` (Neo4j's offline importer, what ``--mode
    auto`` picks for a first load of this size into the local server) and ``online`` (batched
    transactions, what every later load uses). Wall time is the loader's own
    (``IngestResult.seconds``: from hashing and reading the first file to the last write,
    including, for bulk, the server stop, the importer, the restart, the schema and the IngestRun);
    relationships/s = relationships in the graph afterwards / wall; records/s = source records
    read / wall.
    Every run starts on a fresh store: the server is stopped, its store directory deleted and the
    server started again (DETACH DELETE of millions of nodes would take longer than the load and
    leave the store fragmented). Medians over ``--runs``.
(b) The naive loader: ``graph.queries.load.naive_merge_video``, one video per transaction
    (auto-commit, managed), each entity MERGEd on its key with the same properties, counters and
    provenance as the batched loader writes, and the same relationships (author, hashtags, sound,
    mentions), for the first ``--naive-sample`` videos of the incident, into an empty database.

The ratio batched / naive compares relationships/s (the same kinds of rows). Server CPU seconds
(from /proc) and the loader process's CPU seconds are printed too: the machine may be shared.

The data directory holds the benchmark's local server; the benchmark deletes its store between
runs, so it refuses a data directory it did not create (``.lockstep-bench`` marker) unless
``--wipe-existing`` is given.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph import local_server  # noqa: E402
from graph.connection import Graph, close_all  # noqa: E402
from graph.queries.load import graph_totals, naive_merge_video  # noqa: E402
from graph.schema import clear_data, init_schema  # noqa: E402
from graph.settings import Neo4jSettings  # noqa: E402
from ingest import formats  # noqa: E402
from ingest.load import DEFAULT_BATCH, expand_paths, ingest, new_run_id  # noqa: E402
from samples import generate_incident  # noqa: E402

MARKER = ".lockstep-bench"
DOC = REPO / "docs" / "benchmarks-ingest.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
TARGET_RELS_PER_S = 50_000
TARGET_SECONDS_1M = 180


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------ the server
def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc); 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class Server:
    """The benchmark's local Neo4j: a fresh, empty store on every ``fresh()``."""

    def __init__(self, data_dir: Path, port: int, heap: str, pagecache: str, wipe_existing: bool):
        self.data_dir = data_dir.resolve()
        self.port, self.heap, self.pagecache = port, heap, pagecache
        marker = self.data_dir / MARKER
        if self.data_dir.exists() and any(self.data_dir.iterdir()) and not marker.exists():
            if not wipe_existing:
                sys.exit(f"{self.data_dir} was not created by this benchmark and the benchmark deletes "
                         "its store between runs; pass --wipe-existing if that is fine, or choose an "
                         "empty --data-dir.")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text("data directory of bench/ingest.py: its store is deleted between runs\n")
        self.state: local_server.ServerState | None = None

    def fresh(self) -> Graph:
        """Stop the server (if running), delete its store, start it, create the schema."""
        close_all()
        local_server.stop(self.data_dir)
        home = self.data_dir / "home"
        if home.exists():
            shutil.rmtree(home)
        t0 = time.monotonic()
        self.state, _ = local_server.start(self.data_dir, port=self.port, heap=self.heap,
                                           pagecache=self.pagecache)
        log(f"  fresh server at {self.state.uri} in {time.monotonic() - t0:.0f}s")
        graph = Graph(Neo4jSettings(uri=self.state.uri, user=self.state.user,
                                    password=self.state.password, source="bench server",
                                    local_data_dir=str(self.data_dir)))
        init_schema(graph)
        return graph

    def cpu(self) -> float:
        return _cpu_seconds(self.state.pid) if self.state else 0.0

    def stop(self) -> None:
        close_all()
        local_server.stop(self.data_dir)


# ---------------------------------------------------------------------------------- the incident
def incident_dir(base: Path, scale: float, seed: int) -> Path:
    return base / f"incident-seed{seed}-scale{scale:g}"


def ensure_incident(base: Path, scale: float, seed: int) -> tuple[Path, dict[str, Any]]:
    out = incident_dir(base, scale, seed)
    done = out / ".complete"
    if done.exists():
        log(f"reusing the incident in {out}")
    else:
        if out.exists():
            shutil.rmtree(out)
        log(f"generating the incident (seed {seed}, scale {scale:g}) in {out} ...")
        t0 = time.monotonic()
        generate_incident(out, seed=seed, scale=scale)
        done.write_text("ok\n")
        log(f"  generated in {time.monotonic() - t0:.0f}s")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return out, {"bytes": size}


# ----------------------------------------------------------------------------------- the loaders
def warm_up(graph: Graph, warmup: Path | None, batch_size: int) -> None:
    """Load a small incident and delete it again: the server's JIT compiler and query cache warm up
    (a cold server spends tens of CPU seconds compiling, which would swamp the smaller runs)."""
    if warmup is None:
        return
    t0 = time.monotonic()
    ingest(graph, [warmup], incident="warmup", batch_size=batch_size,
           out_dir=Path(tempfile.gettempdir()) / "lockstep-bench-warmup")
    clear_data(graph)
    log(f"  warmed up in {time.monotonic() - t0:.0f}s")


def batched_run(server: Server, path: Path, batch_size: int, warmup: Path | None,
                mode: str = "online") -> dict[str, Any]:
    """One load of the whole incident into a fresh, empty database with ``lockstep ingest``'s
    loader in ``mode`` (online: batched transactions; bulk: Neo4j's offline importer)."""
    graph = server.fresh()
    if mode == "online":
        warm_up(graph, warmup, batch_size)
    cpu0, proc0 = server.cpu(), time.process_time()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = ingest(graph, [path], incident="bench", batch_size=batch_size,
                    out_dir=server.data_dir / "ingest-out", mode=mode,
                    notify=lambda m: log("    " + m))
    assert result.mode == mode
    if mode == "bulk":
        # The server was restarted by the import: its CPU is not comparable; the workers' and the
        # importer's CPU are those of finished child processes.
        server.state = local_server.status(server.data_dir)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_cpu = 0.0
        py_cpu = (time.process_time() - proc0 + children.ru_utime - children0.ru_utime
                  + children.ru_stime - children0.ru_stime)
    else:
        server_cpu, py_cpu = server.cpu() - cpu0, time.process_time() - proc0
    totals = graph_totals(graph)
    rels_written = sum(v for k, v in result.written.items() if k.isupper())
    rels_in_graph = sum(v for k, v in totals.items() if k.isupper())
    records = sum(result.read.values())
    assert result.reconciles()
    rep = result.import_report
    phases = ""
    if rep is not None:
        phases = (f"read and CSV {result.seconds - result.import_seconds:.0f} s, importer "
                  f"{rep.import_seconds:.0f} s, restart {rep.start_seconds:.0f} s, schema "
                  f"{rep.schema_seconds:.0f} s")
    return {
        "mode": mode, "seconds": result.seconds, "rels": rels_written, "rels_in_graph": rels_in_graph,
        "nodes_in_graph": sum(v for k, v in totals.items() if not k.isupper()),
        "records": records, "videos": totals.get("Video", 0),
        "rels_per_s": rels_in_graph / result.seconds, "records_per_s": records / result.seconds,
        "server_cpu": server_cpu, "python_cpu": py_cpu, "phases": phases,
    }


def naive_rows(path: Path, n: int, run: str, incident: str) -> list[dict[str, Any]]:
    """The first ``n`` videos of the incident, as rows for ``naive_merge_video``."""
    rows: list[dict[str, Any]] = []
    now = int(time.time())
    for file in expand_paths([path]):
        if "videos" not in file.parts:
            continue
        for parsed in formats.detect(file).read(file):
            for post in parsed.posts:
                if parsed.reject is not None or not post.author or post.created_ts is None:
                    continue
                props = dict(post.props, platform=post.platform, post_id=post.post_id, kind=post.kind,
                             created_ts=post.created_ts)
                if post.caption is not None:
                    props["caption"] = post.caption
                rows.append({
                    "key": f"{post.platform}:{post.post_id}", "platform": post.platform,
                    "author": f"{post.platform}:{post.author}", "author_id": post.author,
                    "props": props, "counters": post.counters,
                    "counters_at": parsed.observed_ts or now, "created_ts": post.created_ts,
                    "tags": post.hashtags,
                    "sounds": [f"{post.platform}:{post.sound_id}"] if post.sound_id else [],
                    "mentions": [f"{post.platform}:{m}" for m in post.mentions],
                    "run": run, "incident": incident,
                })
                if len(rows) >= n:
                    return rows
    return rows


def naive_run(server: Server, path: Path, n: int, warmup: Path | None) -> dict[str, Any]:
    rows = naive_rows(path, n, new_run_id("naive"), "bench-naive")
    graph = server.fresh()
    if warmup is not None:
        for row in naive_rows(warmup, min(n, 500), new_run_id("warmup"), "warmup"):
            naive_merge_video(graph, row)
        clear_data(graph)
    cpu0, t0 = server.cpu(), time.monotonic()
    for row in rows:
        naive_merge_video(graph, row)
    seconds = time.monotonic() - t0
    server_cpu = server.cpu() - cpu0
    totals = graph_totals(graph)
    rels = sum(v for k, v in totals.items() if k.isupper())
    return {"videos": len(rows), "rels": rels, "seconds": seconds, "rows_per_s": len(rows) / seconds,
            "rels_per_s": rels / seconds, "server_cpu": server_cpu}


# --------------------------------------------------------------------------------------- report
def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def table(results: list[tuple[float, str, list[dict[str, Any]]]], naive: dict[str, Any] | None,
          batch_size: int) -> str:
    lines = [
        "| loader | incident | runs | Video nodes | relationships | source records | wall s (median) "
        "| relationships/s | records/s | CPU s: server / loader | where the time went (median run) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for scale, mode, runs in results:
        walls = sorted(r["seconds"] for r in runs)
        spread = f" ({walls[0]:.0f}-{walls[-1]:.0f})" if len(runs) > 1 else ""
        mid = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        name = ("bulk (Neo4j's offline importer; `--mode auto` on an empty local database)"
                if mode == "bulk" else f"online (batched transactions, batch {batch_size:,})")
        cpu = (f"- / {median(runs, 'python_cpu'):.0f} (workers and importer included)" if mode == "bulk"
               else f"{median(runs, 'server_cpu'):.0f} / {median(runs, 'python_cpu'):.0f}")
        lines.append(
            f"| {name} | scale {scale:g} | {len(runs)} | {runs[0]['videos']:,} "
            f"| {runs[0]['rels_in_graph']:,} | {runs[0]['records']:,} | {median(runs, 'seconds'):.1f}{spread} "
            f"| {median(runs, 'rels_per_s'):,.0f} | {median(runs, 'records_per_s'):,.0f} "
            f"| {cpu} | {mid['phases']} |")
    if naive:
        lines.append(
            f"| naive (1 video per transaction) | first {naive['videos']:,} videos | 1 "
            f"| {naive['videos']:,} | {naive['rels']:,} | {naive['videos']:,} | {naive['seconds']:.1f} "
            f"| {naive['rels_per_s']:,.0f} | {naive['rows_per_s']:,.0f} | {naive['server_cpu']:.0f} / - | |")
    return "\n".join(lines)


def verdict(results: list[tuple[float, str, list[dict[str, Any]]]], naive: dict[str, Any] | None) -> str:
    out = []
    for mode in ("bulk", "online"):
        mine = [(s, r) for s, m, r in results if m == mode]
        if not mine:
            continue
        scale, runs = max(mine, key=lambda sr: sr[1][0]["videos"])
        rate, wall = median(runs, "rels_per_s"), median(runs, "seconds")
        videos, rels = runs[0]["videos"], runs[0]["rels_in_graph"]
        what = "bulk" if mode == "bulk" else "online"
        out.append(f"* {what}, scale {scale:g}: relationships/s end to end (relationships in the "
                   f"graph / wall time from the first byte read to the last write, median of "
                   f"{len(runs)}): **{rate:,.0f}** - target {TARGET_RELS_PER_S:,}: "
                   f"**{'met' if rate >= TARGET_RELS_PER_S else 'not met'}**.")
        if videos >= 1_000_000 and rels >= 4_000_000:
            out.append(f"* {what}: {videos:,} Video nodes (videos and comments) / {rels:,} "
                       f"relationships in **{wall:.0f} s** (median) - target under "
                       f"{TARGET_SECONDS_1M} s: **{'met' if wall < TARGET_SECONDS_1M else 'not met'}**.")
        if naive:
            ratio = rate / naive["rels_per_s"]
            out.append(f"* {what} vs naive (relationships/s): **{ratio:,.0f}x** "
                       f"({rate:,.0f} vs {naive['rels_per_s']:,.0f}).")
    bulk = {s: r for s, m, r in results if m == "bulk"}
    online = {s: r for s, m, r in results if m == "online"}
    for scale in sorted(set(bulk) & set(online)):
        ratio = median(online[scale], "seconds") / median(bulk[scale], "seconds")
        out.append(f"* scale {scale:g}: bulk is **{ratio:.1f}x** faster than online (median wall).")
    return "\n".join(out)


def write_doc(command: str, machine: str, body: str) -> None:
    section = f"{BEGIN}\n\nCommand: `{command}`\n\nMachine: {machine}\n\n{body}\n\n{END}"
    if DOC.exists() and BEGIN in DOC.read_text():
        text = DOC.read_text()
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = "# Ingest benchmark\n\n" + section + "\n"
    DOC.write_text(text)
    log(f"wrote {DOC}")


def machine_note() -> str:
    cores = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (f"{cores} cores, {mem:.0f} GB RAM, {platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}, Neo4j {local_server.neo4j_version()} Community (local "
            f"server); shared and noisy (other jobs were running: load average {load:.1f} at the "
            "end), so wall times vary by tens of percent between runs.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=100.0, help="incident scale (100 = about 1M videos)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--also-scale", type=float, default=None,
                    help="a second, smaller incident for more runs (when the big one is slow)")
    ap.add_argument("--also-runs", type=int, default=3)
    ap.add_argument("--naive-sample", type=int, default=2000, help="videos for the naive loader (0: skip)")
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    ap.add_argument("--online-runs", type=int, default=None,
                    help="runs of the online loader at --scale (default: --runs); it is the slow one")
    ap.add_argument("--modes", default="bulk,online",
                    help="loaders to run, in order: bulk (offline importer), online (transactions)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--port", type=int, default=7722)
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-db"))
    ap.add_argument("--incidents", type=Path, default=Path("/tmp/lockstep-bench-incidents"),
                    help="where generated incidents are kept (and reused)")
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--pagecache", default="2g")
    ap.add_argument("--wipe-existing", action="store_true",
                    help="allow deleting the store of a data directory this benchmark did not create")
    ap.add_argument("--no-warmup", action="store_true",
                    help="time cold servers (by default each fresh server first loads and deletes a "
                         "small incident, seed+1 scale 1, so JIT compilation is not timed)")
    ap.add_argument("--no-doc", action="store_true", help=f"do not update {DOC.relative_to(REPO)}")
    args = ap.parse_args()

    server = Server(args.data_dir, args.port, args.heap, args.pagecache, args.wipe_existing)
    results: list[tuple[float, str, list[dict[str, Any]]]] = []
    modes = [m for m in args.modes.split(",") if m]
    naive = None
    path = None
    try:
        warmup = None if args.no_warmup else ensure_incident(args.incidents, 1, args.seed + 1)[0]
        plan = [(args.scale, args.runs)]
        if args.also_scale is not None:
            plan.append((args.also_scale, args.also_runs))
        for scale, nruns in plan:
            path, _ = ensure_incident(args.incidents, scale, args.seed)
            for mode in modes:
                runs = []
                n = nruns
                if mode == "online" and scale == args.scale and args.online_runs is not None:
                    n = args.online_runs
                for i in range(n):
                    log(f"{mode} run {i + 1}/{n}, scale {scale:g} ...")
                    r = batched_run(server, path, args.batch_size, warmup, mode)
                    log(f"  {r['seconds']:.1f}s, {r['rels_in_graph']:,} relationships "
                        f"({r['rels_per_s']:,.0f}/s), {r['records']:,} records "
                        f"({r['records_per_s']:,.0f}/s), server CPU {r['server_cpu']:.0f}s, "
                        f"loader CPU {r['python_cpu']:.0f}s {r['phases']}")
                    runs.append(r)
                results.append((scale, mode, runs))
        if args.naive_sample:
            path, _ = ensure_incident(args.incidents, args.scale, args.seed)
            log(f"naive loader, {args.naive_sample:,} videos ...")
            naive = naive_run(server, path, args.naive_sample, warmup)
            log(f"  {naive['seconds']:.1f}s, {naive['rows_per_s']:,.1f} videos/s, "
                f"{naive['rels_per_s']:,.0f} relationships/s")
    finally:
        server.stop()

    body = table(results, naive, args.batch_size) + "\n\n" + verdict(results, naive)
    print(body)
    if not args.no_doc:
        command = "python bench/ingest.py " + " ".join(sys.argv[1:])
        write_doc(command.strip(), machine_note(), body)


if __name__ == "__main__":
    main()
