"""The `lockstep` command line: one group per stage of the data flow.

source files -> ``ingest`` -> graph (Neo4j) -> ``detect`` -> graph -> ``app`` / ``export``.
Every command prints what it did (counts, time, where outputs went); failures print a message with
the next step, never a traceback (set LOCKSTEP_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click

from analyses.signals import SIGNALS as SIGNAL_NAMES
from graph.errors import LockstepError
from lockstep import __version__

# Numeric options are checked by click, with a message naming the option (no traceback, nothing
# silently changed). The generator's smallest scale is samples.window.MIN_SCALE (not imported
# here: the CLI starts without loading the simulator).
PORT = click.IntRange(1, 65_535)
SEED = click.IntRange(0, 2**32 - 1)
SCALE = click.FloatRange(min=0.2, max=10_000)

REPO_ROOT = Path(__file__).resolve().parent.parent


class LockstepGroup(click.Group):
    """Turns LockstepError into a one-line message and exit code 1."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except LockstepError as exc:
            if os.environ.get("LOCKSTEP_DEBUG"):
                raise
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(1)


@click.group(cls=LockstepGroup)
@click.version_option(__version__, prog_name="lockstep")
def main() -> None:
    """Lockstep: find accounts that spread content in lockstep, show them, contain them."""
    from graph.private import make_private

    try:
        make_private()  # everything this run writes (and the Neo4j it starts) is owner-only
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


# --------------------------------------------------------------------------------------------- db
@main.group(cls=LockstepGroup)
def db() -> None:
    """The local Neo4j (embedded default) and the graph schema."""


def _data_dir_option(fn):  # noqa: ANN001, ANN201
    return click.option(
        "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Where the local server keeps its store and state (default .lockstep/neo4j, or "
             "LOCKSTEP_DATA_DIR).",
    )(fn)


def _resolve_data_dir(data_dir: Path | None) -> Path:
    from graph.settings import default_data_dir

    return data_dir or default_data_dir()


@db.command("start")
@click.option("--port", type=PORT, default=None, help="Bolt port on 127.0.0.1 (default 7687).")
@_data_dir_option
@click.option("--heap", default=None, help="Java heap, e.g. 512m or 4g (LOCKSTEP_NEO4J_HEAP).")
@click.option("--pagecache", default=None, help="Neo4j page cache, e.g. 256m (LOCKSTEP_NEO4J_PAGECACHE).")
def db_start(port: int | None, data_dir: Path | None, heap: str | None, pagecache: str | None) -> None:
    """Start the local Neo4j in the background; returns once it answers on Bolt."""
    from graph import local_server

    t0 = time.monotonic()
    data_dir = _resolve_data_dir(data_dir)
    state, started = local_server.start(
        data_dir, port=port or local_server.DEFAULT_PORT,
        heap=heap or local_server.DEFAULT_HEAP, pagecache=pagecache or local_server.DEFAULT_PAGECACHE,
    )
    if started:
        click.echo(f"Neo4j {state.neo4j_version} (Community, local) ready in "
                   f"{time.monotonic() - t0:.1f}s at {state.uri}")
    else:
        click.echo(f"Neo4j already running at {state.uri} (pid {state.pid})")
    click.echo(f"  data dir: {data_dir}   log: {state.log}   pid: {state.pid}")
    click.echo(state.uri)


@db.command("status")
@_data_dir_option
def db_status(data_dir: Path | None) -> None:
    """Say whether the local Neo4j runs (exit code 0) or not (exit code 3)."""
    from graph import local_server

    data_dir = _resolve_data_dir(data_dir)
    state = local_server.status(data_dir)
    if state is None:
        click.echo(f"not running (data dir {data_dir})")
        sys.exit(3)
    ready = local_server.port_open(state.port)
    up = time.time() - state.started_at
    click.echo(f"running at {state.uri} (pid {state.pid}, up {up:.0f}s, "
               f"bolt {'accepting' if ready else 'NOT accepting'} connections, data dir {data_dir})")


@db.command("stop")
@_data_dir_option
def db_stop(data_dir: Path | None) -> None:
    """Shut the local Neo4j down cleanly and free its port."""
    from graph import local_server

    data_dir = _resolve_data_dir(data_dir)
    t0 = time.monotonic()
    state = local_server.stop(data_dir)
    if state is None:
        click.echo(f"not running (data dir {data_dir})")
        return
    click.echo(f"stopped Neo4j at {state.uri} (pid {state.pid}) in {time.monotonic() - t0:.1f}s")


@db.command("init")
def db_init() -> None:
    """Create Lockstep's constraints and indexes (idempotent)."""
    from graph.connection import Graph
    from graph.schema import init_schema

    graph = Graph()
    version = graph.check()
    result = init_schema(graph)
    click.echo(f"{version} at {graph.settings.describe()}")
    click.echo(f"schema: {len(result['created'])} created, {len(result['existing'])} already present")
    for name in result["created"]:
        click.echo(f"  + {name}")


@db.command("info")
def db_info() -> None:
    """Show which Neo4j the commands use and what it holds."""
    from graph.connection import Graph

    graph = Graph()
    click.echo(f"{graph.check()} at {graph.settings.describe()}")
    for row in graph.read("MATCH (n) UNWIND labels(n) AS l RETURN l AS label, count(*) AS n ORDER BY l"):
        click.echo(f"  {row['label']:<14} {row['n']:>12,}")


@db.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_reset(yes: bool) -> None:
    """Delete every node and relationship of the configured database (keeps the schema)."""
    from graph.connection import Graph
    from graph.schema import clear_data

    graph = Graph()
    if not yes:
        click.confirm(f"Delete ALL data in {graph.settings.describe()}?", abort=True)
    click.echo(f"deleted {clear_data(graph):,} nodes")


# ----------------------------------------------------------------------------------------- ingest
@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", default=None,
              help="Force a format (tiktok-api, zeeschuimer, 4cat-tiktok-csv, twitter-io, coortweet, "
                   "canonical); detected per file by default.")
@click.option("--incident", default="default", show_default=True,
              help="Incident name recorded on every entity and on the IngestRun.")
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=5000, show_default=True,
              help="Rows per UNWIND statement.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path(".lockstep") / "ingest", show_default=True,
              help="Where the rejects and field-warnings files go.")
@click.option("--mode", type=click.Choice(["auto", "online", "bulk"]), default="auto",
              show_default=True,
              help="online: batched transactions (any server, any state). bulk: Neo4j's offline "
                   "importer, for a first load into an empty database of the local server "
                   "(stops and restarts it). auto: bulk when it can run and the input is 64 MB "
                   "or more, else online.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes that read the files of a bulk load (default: cores, up to 4).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def ingest_cmd(paths: tuple[str, ...], fmt: str | None, incident: str, batch_size: int,
               out_dir: Path, mode: str, workers: int | None, as_json: bool) -> None:
    """Load source files, directories or globs into the graph (idempotent).

    The first load of a large incident into the empty local database uses Neo4j's offline
    importer (--mode auto); every later load merges online, so re-running changes nothing.
    """
    import json

    from graph.connection import Graph
    from graph.schema import init_schema
    from ingest.load import ingest
    from lockstep.progress import byte_progress

    graph = Graph()
    graph.check()
    init_schema(graph)
    with byte_progress("ingest", enabled=not as_json) as progress:
        result = ingest(graph, paths, fmt=fmt, incident=incident, batch_size=batch_size,
                        out_dir=out_dir, progress=progress, mode=mode, workers=workers,
                        notify=None if as_json else (lambda m: click.echo(m, err=True)))
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        print_ingest_result(result)
    if result.unreadable:
        # The rest is loaded and the run complete, but a file is missing from it: say so loudly.
        raise click.exceptions.Exit(1)


def print_ingest_result(result) -> None:  # noqa: ANN001
    how = "Neo4j's offline importer" if result.mode == "bulk" else "online transactions"
    click.echo(f"ingest run {result.run_id} (incident {result.incident!r}): "
               f"{len(result.files)} file(s) in {result.seconds:.1f}s, {how}")
    click.echo(f"  {'records':<14}{'read':>12}{'loaded':>12}{'rejected':>12}")
    for kind in sorted(result.read):
        click.echo(f"  {kind:<14}{result.read[kind]:>12,}{result.loaded[kind]:>12,}"
                   f"{result.rejected[kind]:>12,}")
    click.echo(f"  {'graph':<22}{'written':>12}{'new':>12}")
    for name in sorted(result.written):
        click.echo(f"  {name:<22}{result.written[name]:>12,}{result.created[name]:>12,}")
    for path in result.skipped:
        click.echo(f"  skipped (format not recognised): {path}")
    rels = sum(v for k, v in result.written.items() if k.isupper())
    if result.seconds:
        click.echo(f"  {rels / result.seconds:,.0f} relationships/s, "
                   f"{sum(result.read.values()) / result.seconds:,.0f} records/s")
    if result.refused:
        click.echo(f"  {result.refused:,} record(s) refused by the database, each alone "
                   "(rejected; their neighbours loaded)")
    if sum(result.rejected.values()) or result.unreadable:
        click.echo(f"  rejected records: {result.rejects_file}")
    if result.conflicts:
        click.echo(f"  {result.conflicts:,} record(s) named a second author for a post: the first "
                   "author was kept (field warnings)")
    if result.warnings:
        click.echo(f"  {result.warnings:,} optional field(s) dropped: {result.warnings_file}")
    for u in result.unreadable:
        click.echo(f"  COULD NOT BE READ: {u['reason']}: {u['file']}", err=True)
    if result.unreadable:
        click.echo(f"  {len(result.unreadable)} file(s) not (fully) loaded; everything else was. "
                   "Exit code 1.", err=True)
    assert result.reconciles()


# --------------------------------------------------------------------------------------- generate
@main.command("generate")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--seed", type=SEED, default=7, show_default=True)
@click.option("--scale", type=SCALE, default=1.0, show_default=True,
              help="1.0 is about 10,000 videos and 2,000 accounts; 100 is about 1M videos.")
@click.option("--format", "fmt", type=click.Choice(["research_api", "zeeschuimer"]), default="research_api",
              show_default=True, help="How the videos are written (users and comments: Research API).")
def generate_cmd(out_dir: Path, seed: int, scale: float, fmt: str) -> None:
    """Write a sample incident (TikTok Research API format) and its ground truth."""
    from samples import generate_incident

    t0 = time.monotonic()
    summary = generate_incident(out_dir, seed=seed, scale=scale, fmt=fmt)
    counts = summary.get("counts", {})
    click.echo(f"sample incident (seed {seed}, scale {scale}) in {out_dir} in "
               f"{time.monotonic() - t0:.1f}s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()
                                                          if isinstance(v, int)))
    click.echo(f"  ground truth: {summary.get('ground_truth', out_dir / 'ground_truth.json')}")


# ----------------------------------------------------------------------------------------- detect
@main.command("detect")
@click.option("--incident", default=None, help="Only posts loaded under this incident name.")
@click.option("--since", default=None, help="Only posts at or after this time (ISO 8601 or Unix s).")
@click.option("--until", default=None, help="Only posts before this time.")
@click.option("--signals", default=",".join(SIGNAL_NAMES), show_default=True,
              help="Comma-separated object types to fuse.")
@click.option("--windows", "--window", "windows", default="60,300,1800", show_default=True,
              help="Co-action time windows in seconds (comma-separated; evidence is taken at the "
                   "best one), or 'auto' for one window estimated from the data.")
@click.option("--min-participation", type=click.IntRange(min=1), default=2, show_default=True,
              help="Accounts with fewer posts are ignored (CooRTweet's prefilter).")
@click.option("--alpha", type=click.FloatRange(min=1e-12, max=0.5), default=0.01,
              show_default=True,
              help="False discovery rate of pairs, and the significance of groups and members.")
@click.option("--min-cluster-size", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--clustering", type=click.Choice(["leiden", "louvain", "components"]),
              default="leiden", show_default=True,
              help="How candidate groups are proposed before the group tests.")
@click.option("--seed", type=SEED, default=42, show_default=True, help="Seeds Louvain and MinHash.")
def detect_cmd(incident: str | None, since: str | None, until: str | None, signals: str,
               windows: str, min_participation: int, alpha: float, min_cluster_size: int,
               clustering: str, seed: int) -> None:
    """Find coordinated spread clusters and write them to the graph."""
    from analyses.detect import DetectParams
    from analyses.fusion import FusionParams
    from graph.connection import Graph
    from ingest.normalize import timestamp
    from lockstep.detection import run_detection

    chosen = tuple(s.strip() for s in signals.split(",") if s.strip())
    unknown = set(chosen) - set(SIGNAL_NAMES)
    if unknown:
        raise click.BadParameter(f"unknown signal(s) {sorted(unknown)}", param_hint="--signals")
    auto = windows == "auto"
    try:
        wins = (300,) if auto else tuple(sorted({int(w) for w in windows.split(",") if w.strip()}))
    except ValueError:
        raise click.BadParameter("seconds, comma-separated, or 'auto'", param_hint="--windows") from None
    if not wins or min(wins) < 1 or max(wins) > 86_400:
        raise click.BadParameter("each window must be 1 to 86400 seconds", param_hint="--windows")
    try:
        since_ts = timestamp(since) if since else None
        until_ts = timestamp(until) if until else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since/--until") from None
    params = DetectParams(
        seed=seed, window_auto=auto, clustering=clustering, min_cluster_size=min_cluster_size,
        alpha=alpha, fusion=FusionParams(windows=wins, min_participation=min_participation,
                                         signals=chosen, alpha=alpha))
    graph = Graph()
    graph.check()
    click.echo(f"reading posts from {graph.settings.describe()} ...", err=True)
    job = run_detection(graph, params, incident=incident, since=since_ts, until=until_ts,
                        progress=lambda stage, secs: click.echo(f"  {stage} done in {secs:.1f}s",
                                                                err=True))
    r = job.result
    st = r.stats
    click.echo(f"detection run {job.run_id}: {st['posts']:,} posts, {st['actions']:,} actions, "
               f"{st.get('candidate_pairs', 0):,} account pairs met, "
               f"{st.get('tested_pairs', 0):,} met again, {st.get('pairs_q_below_alpha', 0):,} "
               f"beyond chance (FDR {alpha:g}) -> {len(r.clusters)} clusters, "
               f"{len(r.members)} accounts flagged, in {job.seconds:.1f}s")
    est = r.window_estimate.get("window")
    click.echo(f"  windows {'/'.join(str(w) for w in r.params['fusion']['windows'])} s"
               f"{' (estimated)' if auto else ''}; data-driven estimate: "
               f"{str(est) + 's' if est else 'n/a'}; public crowd size "
               f"{st.get('public_crowd_size', 0):,.0f}; seed {seed}")
    for c in r.clusters.head(10).itertuples(index=False):
        click.echo(f"  #{c.cluster:<3} score {c.score:.3f}  size {c.size:<4} "
                   f"1 in 10^{-c.log10_p:.0f} by chance  signals {','.join(c.top_signals)}")
    click.echo(f"  timings: {r.timings}")


# ----------------------------------------------------------------------------------------- export
@main.group("export", cls=LockstepGroup)
def export_group() -> None:
    """Containment lists from detection results (recorded as Export nodes)."""


@export_group.command("clusters")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--run", "run_id", default=None, help="Detection run (default: the latest).")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True)
@click.option("--min-size", type=click.IntRange(min=0), default=0, show_default=True)
def export_clusters(out: Path, run_id: str | None, min_score: float, min_size: int) -> None:
    """One row per flagged account with its cluster, scores and top signals (CSV)."""
    from graph.connection import Graph
    from lockstep import exports

    graph = Graph()
    run_id = exports.resolve_run(graph, run_id)
    table = exports.clusters_table(graph, run_id, min_score=min_score, min_size=min_size)
    data = exports.render(table, "csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    rec = exports.record_export(graph, data, "clusters", "csv",
                                {"run_id": run_id, "min_score": min_score, "min_size": min_size},
                                len(table), str(out.resolve()), "cli")
    click.echo(f"wrote {len(table):,} accounts in {table['cluster_id'].nunique()} clusters to {out} "
               f"(run {run_id}; export {rec['export_id']}, sha256 {rec['sha256'][:12]})")


@export_group.command("entities")
@click.option("--cluster", "cluster_ids", multiple=True,
              help="Cluster id or rank in the run (repeatable; default: all clusters).")
@click.option("--kind", type=click.Choice(["accounts", "videos", "hashtags", "sounds"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--run", "run_id", default=None, help="Detection run (default: the latest).")
def export_entities(cluster_ids: tuple[str, ...], kind: str, fmt: str, out: Path | None,
                    run_id: str | None) -> None:
    """Accounts, videos, hashtags or sounds of clusters, with the reason for each."""
    from graph.connection import Graph
    from lockstep import exports

    graph = Graph()
    run_id = exports.resolve_run(graph, run_id)
    clusters = exports.resolve_clusters(graph, run_id, list(cluster_ids))
    table = exports.entity_table(graph, clusters, kind)
    data = exports.render(table, fmt)
    selection = {"run_id": run_id, "clusters": [c["cluster_id"] for c in clusters], "kind": kind}
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    rec = exports.record_export(graph, data, kind, fmt, selection, len(table),
                                str(out.resolve()) if out else None, "cli")
    click.echo(f"{len(table):,} {kind} from {len(clusters)} cluster(s)"
               f"{' to ' + str(out) if out else ''} (export {rec['export_id']}, "
               f"sha256 {rec['sha256'][:12]})", err=True)


# ----------------------------------------------------------------------------------------- review
@main.command("review")
@click.option("--run", "run_id", default=None, help="Detection run (default: the latest).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out") / "review", show_default=True)
def review_cmd(run_id: str | None, out_dir: Path) -> None:
    """Write the post-incident review as Markdown and as one self-contained HTML file."""
    from graph.connection import Graph
    from lockstep.exports import resolve_run
    from lockstep.review import build_review

    graph = Graph()
    run_id = resolve_run(graph, run_id)
    markdown, html = build_review(graph, run_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, html_path = out_dir / f"review-{run_id}.md", out_dir / f"review-{run_id}.html"
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(html, encoding="utf-8")
    click.echo(f"post-incident review of {run_id}: {md_path} ({len(markdown):,} chars), "
               f"{html_path} ({len(html):,} chars)")


# ------------------------------------------------------------------------------------------- demo
@main.command("demo")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Local server data dir (default .lockstep/neo4j).")
@click.option("--sample", type=click.Path(file_okay=False, path_type=Path),
              default=Path(".lockstep") / "sample-incident", show_default=True,
              help="Where the sample incident is generated (kept between runs).")
@click.option("--seed", type=SEED, default=7, show_default=True)
@click.option("--scale", type=SCALE, default=1.0, show_default=True)
@click.option("--app/--no-app", "open_app", default=True, help="Open the app at the end.")
@click.option("--port", type=PORT, default=8501, help="HTTP port of the app.")
def demo(data_dir: Path | None, sample: Path, seed: int, scale: float, open_app: bool,
         port: int) -> None:
    """The whole job on the embedded default: local Neo4j, sample incident, detection, app."""
    from analyses.detect import DetectParams
    from graph import local_server
    from graph.connection import Graph
    from graph.schema import init_schema
    from graph.settings import config
    from ingest.load import ingest
    from lockstep.detection import run_detection
    from lockstep.progress import byte_progress
    from samples import generate_incident

    t0 = time.monotonic()
    if not config().get("NEO4J_URI"):
        data_dir = _resolve_data_dir(data_dir)
        os.environ["LOCKSTEP_DATA_DIR"] = str(data_dir)  # the app (a child process) finds it
        running = local_server.status(data_dir)
        port_bolt = running.port if running else local_server.DEFAULT_PORT
        if running is None and local_server.port_open(port_bolt):
            port_bolt = local_server.free_port()
            click.echo(f"port {local_server.DEFAULT_PORT} is taken; the local Neo4j uses {port_bolt}")
        click.echo("[1/5] starting the local Neo4j (the first start downloads its jars) ...")
        state, _ = local_server.start(data_dir, port=port_bolt)
        click.echo(f"      Neo4j {state.neo4j_version} at {state.uri}")
    graph = Graph()
    result = init_schema(graph)
    click.echo(f"[2/5] schema ready ({len(result['created'])} created) at {graph.settings.describe()}")
    if not (sample / "ground_truth.json").exists():
        summary = generate_incident(sample, seed=seed, scale=scale)
        click.echo(f"[3/5] sample incident generated in {sample}: "
                   f"{summary['counts']['videos']:,} videos, {summary['counts']['accounts']:,} accounts")
    else:
        click.echo(f"[3/5] sample incident already in {sample}")
    with byte_progress("ingest") as progress:
        loaded = ingest(graph, [sample], incident="sample-incident", progress=progress)
    click.echo(f"[4/5] ingested {sum(loaded.read.values()):,} records "
               f"({sum(loaded.rejected.values()):,} rejected) in {loaded.seconds:.1f}s "
               f"(idempotent: re-running changes nothing)")
    job = run_detection(graph, DetectParams(seed=42), incident="sample-incident")
    click.echo(f"[5/5] detection {job.run_id}: {len(job.result.clusters)} clusters, "
               f"{len(job.result.members)} accounts flagged in {job.seconds:.1f}s")
    click.echo(f"demo ready in {time.monotonic() - t0:.1f}s")
    if open_app:
        ctx = click.get_current_context()
        ctx.invoke(app_cmd, port=port, headless=False)


# -------------------------------------------------------------------------------------------- app
@main.command("app")
@click.option("--port", type=PORT, default=8501, help="HTTP port of the app.")
@click.option("--headless/--browser", default=False, help="Do not open a browser window.")
def app_cmd(port: int, headless: bool) -> None:
    """Open the investigation app (Streamlit) on the configured graph."""
    from graph.settings import resolve_settings

    settings = resolve_settings()  # fail here, with a next step, rather than inside the app
    click.echo(f"app on http://127.0.0.1:{port}  (graph: {settings.describe()})")
    # Streamlit always runs headless: otherwise its first start on a machine asks for an e-mail
    # address on the terminal (and fails without one). The browser is opened by a small detached
    # process once the app answers.
    args = [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--server.headless", "true"]
    if not headless:
        subprocess.Popen([sys.executable, "-c", _OPEN_BROWSER, str(port)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    os.execv(sys.executable, args)


_OPEN_BROWSER = """
import socket, sys, time, webbrowser
port = int(sys.argv[1])
for _ in range(120):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        time.sleep(0.5)
        continue
    webbrowser.open(f"http://127.0.0.1:{port}")
    break
"""


def _register_offline_commands() -> None:
    from lockstep.cmd_coordination import coordination

    main.add_command(coordination)


_register_offline_commands()

if __name__ == "__main__":
    main()
