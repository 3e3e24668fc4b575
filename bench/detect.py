"""Benchmark: ``lockstep detect`` end to end, this checkout against a baseline release, by size.

    .venv/bin/python bench/detect.py                                  # 50k and 1M videos
    .venv/bin/python bench/detect.py --sizes 50000,100000 --runs 3    # quicker
    .venv/bin/python bench/detect.py --sizes 1000000 --runs 1 --json detect-1m.json

What is measured: the job an investigator runs, ``lockstep detect --incident bench`` as a fresh
process (reading the posts from Neo4j, detection, writing the run, its clusters and members
back), on the incident of the issues (``lockstep generate --seed 5``, TikTok Research API
files, 10,000 videos per unit of scale) loaded by ``lockstep ingest``'s bulk path into a fresh
local Neo4j (the embedded default, started from the Maven jars). Wall time and peak memory are
``/usr/bin/time``'s (elapsed, maximum resident set size of the process); the median over
``--runs`` is reported. Each size is run with this checkout and with the baseline release
(``--baseline``, default the commit before the scale issue #11, extracted with ``git archive``)
on the same graph, one after the other, so their ratio is measured in the same run; the flagged
accounts and clusters of the two are compared (they must be identical).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import local_server  # noqa: E402
from graph.connection import close_all  # noqa: E402
from ingest.load import ingest  # noqa: E402

# the local server and the incident cache of the ingest benchmark (bench/ingest.py)
_spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
bench_ingest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_ingest)
Server, ensure_incident, log = bench_ingest.Server, bench_ingest.ensure_incident, bench_ingest.log

BASELINE = "3812a5d"  # main before the incident-scale issue (#11)
_TIME = re.compile(r"^LOCKSTEP_TIME (?P<wall>[\d.]+) (?P<rss>\d+)$", re.MULTILINE)


def extract(rev: str, work: Path) -> Path:
    """The baseline release's source tree (its packages only), extracted once."""
    target = work / f"release-{rev}"
    if not (target / "lockstep").exists():
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as tar:
            subprocess.run(["git", "-C", str(ROOT), "archive", rev, "analyses", "graph", "ingest",
                            "lockstep", "samples"], stdout=tar, check=True)
            tar.seek(0)
            with tarfile.open(fileobj=tar) as t:
                t.extractall(target, filter="data")
    return target


def run_detect(code: Path, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """One ``lockstep detect`` from the source tree ``code``: wall, peak memory, what it found."""
    cli = f"import sys; sys.path.insert(0, {str(code)!r}); from lockstep.cli import main; main()"
    cmd = ["/usr/bin/time", "-f", "LOCKSTEP_TIME %e %M", sys.executable, "-c", cli,
           "detect", "--incident", "bench", "--seed", "42"]
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"lockstep detect failed ({code})")
    m = _TIME.search(done.stderr)
    out = done.stdout + done.stderr
    run = re.search(r"detection run (\S+): ([\d,]+) posts.*?([\d,]+) clusters?, ([\d,]+) "
                    r"accounts? flagged", out, re.S)
    timings = re.search(r"timings: (\{.*\})", out)
    return {"wall": float(m["wall"]), "peak_gb": int(m["rss"]) / 1024 / 1024,
            "run_id": run[1] if run else None,
            "clusters": int(run[3].replace(",", "")) if run else None,
            "flagged": int(run[4].replace(",", "")) if run else None,
            "timings": timings[1] if timings else ""}


def members(graph: Any, run_id: str) -> list[list[str]]:
    rows = graph.read("MATCH (c:Cluster {run_id: $run})<-[:MEMBER_OF]-(a:Account) "
                      "RETURN c.rank AS rank, collect(a.key) AS m ORDER BY rank", run=run_id)
    return sorted(sorted(r["m"]) for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50000,1000000", help="videos, comma-separated")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3, help="runs per size and method (median)")
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the baseline release")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lockstep-bench-detect")
    ap.add_argument("--port", type=int, default=7697)
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--pagecache", default="2g")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    server = Server(args.work / "server", args.port, args.heap, args.pagecache, wipe_existing=False)
    methods = [("this checkout", ROOT)]
    if not args.no_baseline:
        methods.append((f"baseline {args.baseline}", extract(args.baseline, args.work)))
    rows = []
    try:
        for videos in (int(x) for x in args.sizes.split(",")):
            incident, _ = ensure_incident(args.work, videos / 10_000, args.seed)
            graph = server.fresh()
            t0 = time.monotonic()
            res = ingest(graph, [incident], incident="bench", mode="bulk",
                         out_dir=args.work / "ingest-out")
            log(f"{videos:,} videos loaded in {time.monotonic() - t0:.0f} s ({res.mode})")
            server.state = local_server.status(server.data_dir)
            env = {**os.environ, "NEO4J_URI": server.state.uri, "NEO4J_USER": server.state.user,
                   "NEO4J_PASSWORD": server.state.password}
            found: dict[str, list[list[str]]] = {}
            for name, code in methods:
                runs = []
                for i in range(args.runs):
                    r = run_detect(code, env, args.work)
                    log(f"  {name}: {r['wall']:.1f} s, {r['peak_gb']:.2f} GB, "
                        f"{r['clusters']} clusters, {r['flagged']} flagged (run {i + 1})")
                    runs.append(r)
                found[name] = members(graph, runs[-1]["run_id"])
                rows.append({"videos": videos, "method": name,
                             "wall_s": statistics.median(r["wall"] for r in runs),
                             "peak_gb": statistics.median(r["peak_gb"] for r in runs),
                             "runs": [r["wall"] for r in runs], "clusters": runs[-1]["clusters"],
                             "flagged": runs[-1]["flagged"], "timings": runs[-1]["timings"]})
            if len(found) == 2:
                a, b = found.values()
                rows[-1]["identical_to_this"] = a == b
                log(f"  identical clusters: {a == b}")
            close_all()
    finally:
        server.stop()
    print("| videos | method | wall s (median) | peak GB | clusters | flagged | runs |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['videos']:,} | {r['method']} | {r['wall_s']:.1f} | {r['peak_gb']:.2f} | "
              f"{r['clusters']} | {r['flagged']} | {', '.join(f'{w:.1f}' for w in r['runs'])} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
