"""Detection quality on incidents with a known answer: Lockstep, its previous release and a
CooRTweet-style baseline, side by side, per benign look-alike class and per cell tactic.

Two worlds, each at 10k, 100k and 1M videos:

* ``generator``: ``lockstep generate`` (``samples/``), the world the defaults were developed on.
* ``heldout``: ``bench/heldout_world``, an independent world model written by a helper that never
  read the detector (its own rhythms, time zones with daylight saving, cells of 3 to 400
  accounts with their own tactics, its own look-alike classes), in TikTok Research API and
  Zeeschuimer formats.

Seeds, in the ``held out`` column: ``no`` were used while developing (generator 5, 7, 11; world
1, 15 and 27); ``seen once`` were held out until a run of this benchmark printed their figures,
before the last detector changes (generator 101-111, world 11-14, 16, 18, 20, 21 and 23-26);
``yes`` were never run before the released defaults were fixed (generator 112-113, world 28-31;
world seeds 17, 19 and 22 are skipped: the independent world's generator fails on them at 10k
videos, in its news-desk set-up; the grid says so and goes on). Seeds used while developing
outside this grid: generator 8 and 9, world 2 to 10.

Methods, each in its own process on the same cached frames (so time and peak memory are its
own): ``lockstep`` (this checkout, defaults, seed 42), ``previous`` (the detector of the
previous release, commit ``PREVIOUS_RELEASE``, extracted with ``git archive``), ``coortweet``
(co-hashtag actions, ``detect_groups(60 s, min_participation 2)``, ``coordinated_network(edge
weight 0.5)``, components).

    python bench/detection_quality.py                        # the whole grid (hours at 1M)
    python bench/detection_quality.py --sizes 10000,100000   # without the 1M incidents
    python bench/detection_quality.py --quick                # one small incident per world
    python bench/detection_quality.py --json out.json --work /tmp/lockstep-quality
    python bench/detection_quality.py --from-json new.json --compare old.json  # what changed

Scores are account-level: precision and recall of the flagged accounts against the planted
cells, F1, the adjusted Rand index of the clusters against the cells (``analyses.evaluate``),
the share of each benign class that was flagged, and the recall of the cells of each tactic.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyses.evaluate import evaluate  # noqa: E402

PREVIOUS_RELEASE = "b33a273"  # the detector before the precision issue (#10)
METHODS = ("lockstep", "previous", "coortweet")
# (world, seed, videos, format, held out: "no" | "seen once" | "yes")
GRID: list[tuple[str, int, int, str, str]] = [
    ("generator", 7, 10_000, "tiktok-api", "no"),
    ("generator", 5, 100_000, "tiktok-api", "no"),
    ("generator", 101, 10_000, "tiktok-api", "seen once"),
    ("generator", 102, 10_000, "zeeschuimer", "seen once"),
    ("generator", 103, 10_000, "tiktok-api", "seen once"),
    ("generator", 104, 10_000, "tiktok-api", "seen once"),
    ("generator", 105, 10_000, "zeeschuimer", "seen once"),
    ("generator", 106, 10_000, "tiktok-api", "seen once"),
    ("generator", 107, 10_000, "zeeschuimer", "seen once"),
    ("generator", 108, 10_000, "tiktok-api", "seen once"),
    ("generator", 109, 10_000, "zeeschuimer", "seen once"),
    ("generator", 110, 10_000, "tiktok-api", "seen once"),
    ("generator", 111, 10_000, "zeeschuimer", "seen once"),
    ("generator", 112, 10_000, "tiktok-api", "yes"),
    ("generator", 113, 10_000, "zeeschuimer", "yes"),
    ("generator", 101, 100_000, "tiktok-api", "seen once"),
    ("generator", 102, 100_000, "tiktok-api", "seen once"),
    ("generator", 104, 100_000, "tiktok-api", "seen once"),
    ("generator", 106, 100_000, "tiktok-api", "seen once"),
    ("generator", 108, 100_000, "tiktok-api", "seen once"),
    ("generator", 110, 100_000, "tiktok-api", "seen once"),
    ("generator", 112, 100_000, "tiktok-api", "yes"),
    ("generator", 5, 1_000_000, "tiktok-api", "no"),  # the incident of the issues (#10, #11)
    ("generator", 101, 1_000_000, "tiktok-api", "seen once"),
    ("heldout", 1, 10_000, "tiktok-api", "no"),
    ("heldout", 11, 10_000, "tiktok-api", "seen once"),
    ("heldout", 12, 10_000, "zeeschuimer", "seen once"),
    ("heldout", 13, 10_000, "tiktok-api", "seen once"),
    ("heldout", 14, 10_000, "tiktok-api", "seen once"),
    ("heldout", 15, 10_000, "zeeschuimer", "no"),  # tuned on (crowd bar, 2026-12-03)
    ("heldout", 16, 10_000, "tiktok-api", "seen once"),
    ("heldout", 18, 10_000, "zeeschuimer", "seen once"),
    ("heldout", 20, 10_000, "zeeschuimer", "seen once"),
    ("heldout", 21, 10_000, "tiktok-api", "seen once"),
    ("heldout", 23, 10_000, "tiktok-api", "seen once"),
    ("heldout", 24, 10_000, "tiktok-api", "seen once"),
    ("heldout", 25, 10_000, "zeeschuimer", "seen once"),
    ("heldout", 26, 10_000, "tiktok-api", "seen once"),
    ("heldout", 27, 10_000, "tiktok-api", "no"),  # tuned on (crowd bar slope)
    ("heldout", 28, 10_000, "tiktok-api", "yes"),
    ("heldout", 29, 10_000, "zeeschuimer", "yes"),
    ("heldout", 30, 10_000, "tiktok-api", "yes"),
    ("heldout", 31, 10_000, "tiktok-api", "yes"),
    ("heldout", 11, 100_000, "tiktok-api", "seen once"),
    ("heldout", 12, 100_000, "zeeschuimer", "seen once"),
    ("heldout", 14, 100_000, "tiktok-api", "seen once"),
    ("heldout", 16, 100_000, "tiktok-api", "seen once"),
    ("heldout", 20, 100_000, "tiktok-api", "seen once"),
    ("heldout", 24, 100_000, "tiktok-api", "seen once"),
    ("heldout", 28, 100_000, "tiktok-api", "yes"),
    ("heldout", 11, 1_000_000, "tiktok-api", "seen once"),
]
QUICK = [("generator", 112, 10_000, "tiktok-api", "yes"), ("heldout", 28, 10_000, "tiktok-api", "yes")]


def generate(world: str, seed: int, videos: int, fmt: str, out: Path) -> None:
    if (out / "ground_truth.json").exists():
        return
    if world == "generator":
        from samples import generate_incident
        generate_incident(out, seed=seed, scale=videos / 10_000,
                          fmt="research_api" if fmt == "tiktok-api" else fmt)
    else:
        from bench.heldout_world import generate_world
        generate_world(out, seed=seed, videos=videos, fmt=fmt)


def frames(incident: Path) -> Path:
    cache = incident / "frames"
    if not (cache / "reposts.pkl").exists():
        from ingest.frames import frames_from_files
        f = frames_from_files([p for p in incident.iterdir()
                               if p.name not in ("frames", "ground_truth.json")])
        cache.mkdir(exist_ok=True)
        f.posts.to_pickle(cache / "posts.pkl")
        f.accounts.to_pickle(cache / "accounts.pkl")
        f.reposts.to_pickle(cache / "reposts.pkl")
    return cache


def previous_release(work: Path) -> Path:
    """The previous release's ``analyses`` package, extracted once."""
    target = work / f"previous-{PREVIOUS_RELEASE}"
    if not (target / "analyses").exists():
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as tar:
            subprocess.run(["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE, "analyses"],
                           stdout=tar, check=True)
            tar.seek(0)
            with tarfile.open(fileobj=tar) as t:
                t.extractall(target, filter="data")
    return target


# Methods whose code is fixed (the previous release, the baseline): with --reuse their cached
# results are read again instead of re-run.
FIXED_METHODS = ("previous", "coortweet")


def run_method(method: str, cache: Path, work: Path, reuse: tuple[str, ...] = ()
               ) -> dict[str, Any]:
    out = cache / f"result-{method}.json"
    if method in reuse and out.exists():
        return json.loads(out.read_text())
    cmd = [sys.executable, str(ROOT / "bench" / "detect_runner.py"), method, str(cache), str(out)]
    if method == "previous":
        cmd.append(str(previous_release(work)))
    t0 = time.perf_counter()
    done = subprocess.run(cmd)
    if done.returncode:
        # A method that cannot finish (the kernel kills it for memory) is a result too: it is
        # reported as failed, and the grid goes on.
        why = "killed (out of memory)" if done.returncode == -9 else f"exit {done.returncode}"
        failed = {"failed": why, "seconds": time.perf_counter() - t0, "found": {},
                  "peak_rss_mb": float("nan")}
        out.write_text(json.dumps(failed))
        return failed
    return json.loads(out.read_text())


def truth(incident: Path) -> dict[str, Any]:
    gt = json.loads((incident / "ground_truth.json").read_text())
    cells = {f"tiktok:{a}": c["cell_id"] for c in gt["cells"] for a in c["accounts"]}
    tactics: dict[str, set[str]] = defaultdict(set)
    for c in gt["cells"]:
        for tac in c.get("tactics") or [c.get("rhythm", "cell")]:
            tactics[tac] |= {f"tiktok:{a}" for a in c["accounts"]}
    benign = {k: {f"tiktok:{a}" for a in v} for k, v in gt["benign"].items()}
    return {"cells": cells, "tactics": tactics, "benign": benign}


def score(found: dict[str, int], t: dict[str, Any]) -> dict[str, Any]:
    s = evaluate(found, t["cells"])
    flagged = set(found)
    s["benign"] = {k: [len(v & flagged), len(v)] for k, v in t["benign"].items()}
    look = set().union(*t["benign"].values()) if t["benign"] else set()
    s["benign_share"] = round(len(look & flagged) / max(len(look), 1), 4)
    s["tactics"] = {k: [len(v & flagged), len(v)] for k, v in t["tactics"].items()}
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lockstep-quality",
                    help="where incidents and frames are cached (deterministic, reused)")
    ap.add_argument("--sizes", default=None, help="only these sizes (videos, comma-separated)")
    ap.add_argument("--worlds", default="generator,heldout")
    ap.add_argument("--rows", default=None,
                    help="only these incidents, as world-seed-videos (comma-separated)")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--quick", action="store_true", help="one small held-out incident per world")
    ap.add_argument("--json", type=Path, default=None, help="write every figure here too")
    ap.add_argument("--reuse", nargs="?", const=",".join(FIXED_METHODS), default="",
                    help="reuse the cached results of these methods (default: "
                    + ",".join(FIXED_METHODS) + ", whose code does not change)")
    ap.add_argument("--compare", type=Path, nargs="*", default=None,
                    help="also compare this checkout's rows with the lockstep rows of these "
                    "earlier result files, incident by incident (the rows both ran)")
    ap.add_argument("--from-json", type=Path, nargs="*", default=None,
                    help="only print the report of these result files (merged)")
    args = ap.parse_args()
    if args.from_json:
        order = {(w, s, v): i for i, (w, s, v, _, _) in enumerate(GRID)}
        saved = _load(args.from_json)
        report(sorted(saved, key=lambda r: (order.get((r["world"], r["seed"], r["videos"]),
                                                      len(order)), METHODS.index(r["method"]))))
        if args.compare:
            compare(saved, _load(args.compare))
        return
    grid = QUICK if args.quick else GRID
    sizes = {int(x) for x in args.sizes.split(",")} if args.sizes else None
    worlds = set(args.worlds.split(","))
    methods = [m for m in args.methods.split(",") if m]
    rows = []
    only = set(args.rows.split(",")) if args.rows else None
    for world, seed, videos, fmt, held in grid:
        if world not in worlds or (sizes and videos not in sizes):
            continue
        if only and f"{world}-{seed}-{videos}" not in only:
            continue
        inc = args.work / f"{world}-{seed}-{videos}-{fmt}"
        t0 = time.perf_counter()
        try:
            generate(world, seed, videos, fmt, inc)
        except Exception as e:  # the world model's own failure skips its row; the grid goes on
            print(f"{world} seed {seed} {videos:,} videos: not generated ({type(e).__name__}: "
                  f"{e})", file=sys.stderr, flush=True)
            continue
        cache = frames(inc)
        t = truth(inc)
        print(f"{world} seed {seed} {videos:,} videos ({fmt}) ready in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        for method in methods:
            r = run_method(method, cache, args.work, tuple(args.reuse.split(",")))
            if r.get("failed"):
                rows.append({"world": world, "seed": seed, "videos": videos, "fmt": fmt,
                             "held_out": held, "method": method, "failed": r["failed"],
                             "seconds": r["seconds"]})
                print(f"  {method}: {r['failed']} after {r['seconds']:.0f} s", file=sys.stderr,
                      flush=True)
                continue
            s = score({k: int(v) for k, v in r["found"].items()}, t)
            s.update(world=world, seed=seed, videos=videos, fmt=fmt, held_out=held, method=method,
                     seconds=r["seconds"], peak_gb=round(r["peak_rss_mb"] / 1024, 2))
            rows.append(s)
            print(f"  {method}: P {s['precision']:.3f} R {s['recall']:.3f} ARI {s['ari']:.3f} "
                  f"benign {s['benign_share']:.2%} in {r['seconds']:.0f} s", file=sys.stderr,
                  flush=True)
    report(rows)
    if args.compare:
        compare(rows, _load(args.compare))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def _load(files: list[Path]) -> list[dict[str, Any]]:
    """The rows of result files written by ``--json``, merged."""
    return [r for f in files for r in json.loads(f.read_text())]


def compare(rows: list[dict[str, Any]], earlier: list[dict[str, Any]]) -> list[str]:
    """The lockstep rows of two runs, incident by incident, where both ran it: what changed.
    Figures over different sets of incidents (medians, tactic totals) are not comparable;
    the same incidents are."""
    def key(r: dict[str, Any]) -> tuple:
        return (r["world"], r["seed"], r["videos"])

    def mine(rs: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
        return {key(r): r for r in rs if r["method"] == "lockstep" and not r.get("failed")}

    new, old = mine(rows), mine(earlier)
    both = sorted(set(new) & set(old))
    lines = []
    up = {m: 0 for m in ("precision", "recall", "ari")}
    down = dict(up)
    for k in both:
        changed = []
        for m in up:
            a, b = old[k][m], new[k][m]
            if abs(a - b) > 1e-9:
                (up if b > a else down)[m] += 1
                changed.append(f"{m} {a:.3f} -> {b:.3f}")
        if changed:
            lines.append(f"* {k[0]} seed {k[1]} at {k[2]:,} videos: " + ", ".join(changed))
    head = (f"\nSame incidents as the earlier run ({len(both)}): " + "; ".join(
        f"{m} up on {up[m]}, down on {down[m]}" for m in up))
    print(head)
    print("\n".join(lines))
    return [head, *lines]


def _held(r: dict[str, Any]) -> str:
    h = r["held_out"]
    return {True: "seen once", False: "no"}.get(h, h) if isinstance(h, bool) else h


def report(rows: list[dict[str, Any]]) -> None:
    print("| world | seed | videos | held out | method | precision | recall | F1 | ARI | "
          "benign flagged | s | peak GB |")
    print("|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r.get("failed"):
            print(f"| {r['world']} | {r['seed']} | {r['videos']:,} | {_held(r)} | {r['method']} "
                  f"| {r['failed']} after {r['seconds']:.0f} s |||||||")
            continue
        print(f"| {r['world']} | {r['seed']} | {r['videos']:,} | {_held(r)} "
              f"| {r['method']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
              f"{r['ari']:.3f} | {r['benign_share']:.2%} | {r['seconds']:.0f} | {r['peak_gb']} |")
    failed = [r for r in rows if r.get("failed")]
    rows = [r for r in rows if not r.get("failed")]
    held = [r for r in rows if _held(r) != "no"]
    for title, key in (("Benign look-alikes flagged (held-out incidents, all sizes)", "benign"),
                       ("Recall per cell tactic (held-out incidents, all sizes)", "tactics")):
        print(f"\n{title}:\n")
        methods = sorted({r["method"] for r in held}, key=METHODS.index)
        print("| world | " + key[:-1] + " | " + " | ".join(methods) + " |")
        print("|---|---|" + "---:|" * len(methods))
        for world in sorted({r["world"] for r in held}):
            names = sorted({k for r in held if r["world"] == world for k in r[key]})
            for name in names:
                cells = []
                for m in methods:
                    got = [r[key][name] for r in held if r["world"] == world and r["method"] == m
                           and name in r[key]]
                    a, b = sum(x[0] for x in got), sum(x[1] for x in got)
                    cells.append(f"{a:,}/{b:,} ({a / max(b, 1):.1%})")
                print(f"| {world} | {name} | " + " | ".join(cells) + " |")
    print()
    def pick_failed(label: str) -> list[dict[str, Any]]:
        return [r for r in failed if _held(r) != "no"
                and (label == "held-out incidents" or _held(r) == "yes")]

    for label, pick in (("held-out incidents", held),
                        ("fresh held-out incidents", [r for r in held if _held(r) == "yes"])):
        for m in sorted({r["method"] for r in pick}, key=METHODS.index):
            mine = [r for r in pick if r["method"] == m]
            print(f"{m} on {label} ({len(mine)}): median precision "
                  f"{statistics.median(r['precision'] for r in mine):.3f}, recall "
                  f"{statistics.median(r['recall'] for r in mine):.3f}, ARI "
                  f"{statistics.median(r['ari'] for r in mine):.3f}, worst precision "
                  f"{min(r['precision'] for r in mine):.3f}, worst recall "
                  f"{min(r['recall'] for r in mine):.3f}, most benign flagged "
                  f"{max(r['benign_share'] for r in mine):.2%}"
                  + "".join(f"; {r['failed']} on {r['world']} seed {r['seed']} "
                            f"({r['videos']:,} videos)" for r in failed
                            if r["method"] == m and r in pick_failed(label)))


if __name__ == "__main__":
    main()
