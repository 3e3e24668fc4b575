"""Benchmark: the `lockstep coordination` command end to end against the peer's command line.

    .venv/bin/python bench/coordination_cli.py                          # 1M and 2M rows
    .venv/bin/python bench/coordination_cli.py --sizes 1000000 --runs 5 --json cli.json
    .venv/bin/python bench/coordination_cli.py --sizes 100000 --runs 1  # a quick look

What is measured: what an investigator runs, from the file to the files, each as a fresh
process timed by ``/usr/bin/time`` (wall, peak resident memory):

* **Lockstep**: ``lockstep coordination --input shares.csv --out pairs.csv --edges-out
  edges.csv --accounts-out accounts.csv`` (window 60 s, min participation 2, edge weight 0.5:
  the defaults; imports, reading, CooRTweet's detect_groups, the network and all three writes);
* **baseline**: the same command from an earlier commit (``--baseline``, extracted with ``git
  archive``), so the change is measured in the same run;
* **peer**: coordination-network-toolkit's two CLI steps, ``compute_networks peer.db preprocess
  --format csv peer.csv`` then ``compute_networks peer.db compute co_retweet --time_window 60
  --n_cpus 2 --output_file peer.graphml --output_format graphml`` (its ``--output_format csv``
  crashes in 1.5.2), the database deleted before every run.

Both inputs hold the same shares (``bench/coordination.py``'s ``generate_shares``, seed 42; the
peer's 8-column layout written from the same rows). Medians over ``--runs`` (Lockstep, baseline)
and ``--peer-runs`` (peer).

Identity: after the timed runs, ``lockstep coordination --min-participation 1`` (the peer has
no minimum participation) is compared with the peer's ``co_retweet_network`` table: the directed
weights must be equal (the peer's weight of u1 -> u2 counts u1's distinct messages that u2
co-shared; from Lockstep's pairs, the distinct messages of u1 in the
rows that join u1 and u2, on either side), kept as the peer's command keeps them (weight >= 2, its
``--min_edge_weight`` default), and so must the set of unordered account pairs they join.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from coordination import generate_shares  # noqa: E402

BASELINE = "db047cc"  # main before the command read and wrote with Arrow (#11)
_TIME = re.compile(r"^BENCH_TIME (?P<wall>[\d.]+) (?P<rss>\d+) (?P<user>[\d.]+) (?P<sys>[\d.]+)$",
                   re.MULTILINE)
PEER = Path(sys.executable).parent / "compute_networks"
PEER_MIN_EDGE_WEIGHT = 2  # compute_networks' default, kept in the timed runs


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def inputs(n_rows: int, work: Path, with_peer: bool = True) -> tuple[Path, Path]:
    """The share table in CooRTweet's layout and (``with_peer``) in the peer's, each written
    once per size."""
    ours, peer = work / f"shares-{n_rows}.csv", work / f"peer-{n_rows}.csv"
    want_peer = with_peer and not peer.exists()
    if not ours.exists() or want_peer:
        x = generate_shares(n_rows, seed=42)
        if not ours.exists():
            x.rename(columns={"timestamp": "timestamp_share"}).to_csv(ours, index=False)
    if want_peer:
        pd.DataFrame({"message_id": x["content_id"], "user_id": x["account_id"], "username": "",
                      "repost_id": x["object_id"], "reply_id": "", "message": "",
                      "timestamp": x["timestamp"], "urls": ""}).to_csv(peer, index=False)
    return ours, peer


def extract(rev: str, work: Path) -> Path:
    """A commit's packages, extracted once (the baseline's command)."""
    target = work / f"release-{rev}"
    if not (target / "lockstep").exists():
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as tar:
            subprocess.run(["git", "-C", str(ROOT), "archive", rev, "analyses", "graph", "ingest",
                            "lockstep"], stdout=tar, check=True)
            tar.seek(0)
            with tarfile.open(fileobj=tar) as t:
                t.extractall(target, filter="data")
    return target


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Wall seconds, peak GB, CPU seconds (user + system, children included) and the output of
    one command under /usr/bin/time. CPU time is the steadier figure on a shared machine."""
    done = subprocess.run(["/usr/bin/time", "-f", "BENCH_TIME %e %M %U %S", *cmd], cwd=cwd,
                          capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    m = _TIME.search(done.stderr)
    return (float(m["wall"]), int(m["rss"]) / 1024 / 1024, float(m["user"]) + float(m["sys"]),
            done.stdout)


def lockstep(code: Path, src: Path, out: Path, *extra: str) -> list[str]:
    cli = f"import sys; sys.path.insert(0, {str(code)!r}); from lockstep.cli import main; main()"
    return [sys.executable, "-c", cli, "coordination", "--input", str(src),
            "--out", str(out / "pairs.csv"), "--edges-out", str(out / "edges.csv"),
            "--accounts-out", str(out / "accounts.csv"), *extra]


def digest(out: Path) -> str:
    """One hash of the three outputs with quote characters left out: the generated ids hold none,
    and a baseline may quote every text cell where this checkout quotes none."""
    h = hashlib.sha256()
    for name in ("pairs.csv", "edges.csv", "accounts.csv"):
        with open(out / name, "rb") as f:
            while block := f.read(1 << 24):
                h.update(block.replace(b'"', b""))
    return h.hexdigest()[:16]


def fresh(out: Path) -> Path:
    """The output folder, emptied (every run writes new files, as a first run would)."""
    out.mkdir(exist_ok=True)
    for name in ("pairs.csv", "edges.csv", "accounts.csv"):
        (out / name).unlink(missing_ok=True)
    return out


def peer_run(src: Path, work: Path) -> tuple[float, float, float, float]:
    """Preprocess + compute wall seconds, the larger peak GB, the compute step's wall and the
    CPU seconds of both steps (the compute step's worker processes included)."""
    db = work / "peer.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    w1, m1, c1, _ = timed([str(PEER), str(db), "preprocess", "--format", "csv", str(src)], work)
    w2, m2, c2, _ = timed([str(PEER), str(db), "compute", "co_retweet", "--time_window", "60",
                       "--n_cpus", "2", "--output_file", str(work / "peer.graphml"),
                       "--output_format", "graphml"], work)
    return w1 + w2, max(m1, m2), w2, c1 + c2


def identical(pairs_csv: Path, db: Path) -> dict[str, Any]:
    """Lockstep's min-participation-1 pairs against the peer's network (module docstring)."""
    p = pd.read_csv(pairs_csv, dtype=str)
    # u1's messages co-shared by u2, from both sides of each pair row, each message once
    mine = pd.concat([
        p[["account_id", "account_id_y", "content_id"]].set_axis(["u1", "u2", "m"], axis=1),
        p[["account_id_y", "account_id", "content_id_y"]].set_axis(["u1", "u2", "m"], axis=1)])
    directed = mine.drop_duplicates().groupby(["u1", "u2"]).size()
    # the peer's command keeps directed edges of weight >= 2 (its --min_edge_weight default)
    ours = {(a, b, int(w)) for (a, b), w in directed.items() if w >= PEER_MIN_EDGE_WEIGHT}
    con = sqlite3.connect(db)
    try:
        rows = con.execute("select user_1, user_2, weight from co_retweet_network "
                           "where user_1 != user_2").fetchall()
    finally:
        con.close()
    theirs = {(str(a), str(b), int(w)) for a, b, w in rows}
    und = {tuple(sorted((a, b))) for a, b, _ in ours}
    und_peer = {tuple(sorted((a, b))) for a, b, _ in theirs}
    return {"account_pairs": len(und), "peer_account_pairs": len(und_peer),
            "same_pairs": und == und_peer, "same_directed_weights": ours == theirs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,2000000", help="rows, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="Lockstep and baseline runs (median)")
    ap.add_argument("--peer-runs", type=int, default=1)
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the baseline command")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-peer", action="store_true",
                    help="Lockstep against the baseline only (the 10M-row target has no peer run)")
    ap.add_argument("--work", type=Path,
                    default=Path(tempfile.gettempdir()) / "lockstep-bench-coordination-cli")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.chmod(args.work, 0o700)
    methods = [("lockstep", ROOT)]
    if not args.no_baseline:
        methods.append((f"baseline {args.baseline}", extract(args.baseline, args.work)))
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        ours, theirs = inputs(n, args.work, with_peer=not args.no_peer)
        row: dict[str, Any] = {"rows": n}
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in methods}
        for _ in range(args.runs):  # interleaved, so a noisy minute hits both alike
            for name, code in methods:
                out = fresh(args.work / f"out-{name.split()[0]}")
                runs[name].append(timed(lockstep(code, ours, out), args.work)[:3])
                w, gb, cpu = runs[name][-1]
                log(f"{n:,} rows, {name}: {w:.2f} s, {gb:.2f} GB, CPU {cpu:.2f} s")
        for name, _ in methods:
            r = runs[name]
            row[name] = {"wall_s": statistics.median(w for w, _, _ in r),
                         "cpu_s": statistics.median(c for _, _, c in r),
                         "peak_gb": max(m for _, m, _ in r), "runs": [w for w, _, _ in r],
                         "outputs": digest(args.work / f"out-{name.split()[0]}")}
        if len(methods) > 1:
            row["same_as_baseline"] = row["lockstep"]["outputs"] == row[methods[1][0]]["outputs"]
            log(f"{n:,} rows, outputs equal to the baseline's: {row['same_as_baseline']}")
        if args.no_peer:
            rows.append(row)
            continue
        peer = [peer_run(theirs, args.work) for _ in range(args.peer_runs)]
        row["peer"] = {"wall_s": statistics.median(p[0] for p in peer),
                       "peak_gb": max(p[1] for p in peer), "runs": [p[0] for p in peer],
                       "compute_s": statistics.median(p[2] for p in peer),
                       "cpu_s": statistics.median(p[3] for p in peer)}
        log(f"{n:,} rows, peer: {', '.join(f'{p[0]:.2f}' for p in peer)} s, "
            f"CPU {', '.join(f'{p[3]:.1f}' for p in peer)} s")
        check = args.work / "out-check"
        check.mkdir(exist_ok=True)
        timed(lockstep(ROOT, ours, check, "--min-participation", "1"), args.work)
        row["identity"] = identical(check / "pairs.csv", args.work / "peer.db")
        log(f"{n:,} rows, identity: {row['identity']}")
        rows.append(row)
    if args.no_peer:
        print("| rows | Lockstep wall s (median) | peak GB | baseline wall s (median) | peak GB | "
              "baseline / Lockstep | Lockstep / baseline CPU s | same outputs |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in rows:
            ls = r["lockstep"]
            base = next((v for k, v in r.items() if k.startswith("baseline")), None)
            runs_txt = ", ".join(f"{w:.2f}" for w in ls["runs"])
            tail = (f"{base['wall_s']:.2f} | {base['peak_gb']:.2f} | "
                    f"{base['wall_s'] / ls['wall_s']:.2f}x | {ls['cpu_s']:.1f} / "
                    f"{base['cpu_s']:.1f} | {r['same_as_baseline']} |"
                    if base else f"- | - | - | {ls['cpu_s']:.1f} / - | - |")
            print(f"| {r['rows']:,} | {ls['wall_s']:.2f} ({runs_txt}) | {ls['peak_gb']:.2f} | {tail}")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
        return
    print("| rows | Lockstep wall s (median) | peak GB | "
          + ("baseline wall s | " if not args.no_baseline else "")
          + "peer preprocess + compute wall s | Lockstep vs peer | Lockstep CPU s | peer CPU s | "
          "vs peer, CPU | same pairs | same weights |")
    print("|---:|---:|---:|" + ("---:|" if not args.no_baseline else "")
          + "---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        ls, pe = r["lockstep"], r["peer"]
        base = next((v for k, v in r.items() if k.startswith("baseline")), None)
        print(f"| {r['rows']:,} | {ls['wall_s']:.2f} ({', '.join(f'{w:.2f}' for w in ls['runs'])})"
              f" | {ls['peak_gb']:.2f} | "
              + (f"{base['wall_s']:.2f} | " if base else "")
              + f"{pe['wall_s']:.1f} | {pe['wall_s'] / ls['wall_s']:.1f}x | "
              f"{ls['cpu_s']:.2f} | {pe['cpu_s']:.1f} | {pe['cpu_s'] / ls['cpu_s']:.1f}x | "
              f"{r['identity']['same_pairs']} | {r['identity']['same_directed_weights']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
