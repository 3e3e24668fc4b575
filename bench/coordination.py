"""Benchmark: Lockstep's co-action engine vs coordination-network-toolkit's co-retweet network.

    .venv/bin/python bench/coordination.py                  # 1M and 2M rows vs the peer + 10M end to end
    .venv/bin/python bench/coordination.py --quick          # 100k / 200k vs the peer + 1M end to end
    .venv/bin/python bench/coordination.py --sizes 1000000 --peer-runs 1 --no-e2e

What is compared
----------------
Lockstep: ``detect_groups(x, window, min_participation=1)`` (exact CooRTweet semantics and row
order) followed by either ``account_pair_summary`` (the peer's output: a weighted co-share
network) or ``coordinated_network(edge_weight=0.5)`` (CooRTweet's thresholded network).

Peer: coordination-network-toolkit 1.5 (``import coordination_network_toolkit as cnt``), its
SQLite pipeline: ``preprocess_data`` into a database, then ``compute_co_retweet_parallel`` (what
``compute_networks <db> co_retweet --time_window W`` runs) with 2 worker processes (2 cores).
Each action is one "message": message_id = content_id, user_id = account_id, repost_id =
object_id, timestamp = timestamp.

Semantic differences and how they are aligned
---------------------------------------------
* Weight: the peer's directed edge u1 -> u2 weighs "distinct messages of u1 with a co-retweet by
  u2 inside the window"; CooRTweet's undirected weight counts pair rows. Lockstep's
  ``account_pair_summary`` gives both per-account counts (``n_content_a``, ``n_content_b``), so
  the peer's directed weighted edge list is compared *exactly* with
  {(a, b, n_content_a), (b, a, n_content_b)}.
* Threshold: the peer's ``min_edge_weight`` keeps directed edges with weight >= W; it is
  compared with Lockstep's directed weights >= W (W = 1: the full network; W = 2: the
  "repeated co-sharing" network, the peer's equivalent of CooRTweet's median threshold, which
  is 1 on these data so that CooRTweet keeps pairs of weight >= 2).
* Loops: the peer joins every message with itself and with the same user's other messages
  (self-loops); its own export drops ``user_1 == user_2``, and so does the comparison.
  Lockstep removes loops (same account, same content, object == content), as CooRTweet.
* min_participation: the peer has none, so Lockstep runs with ``min_participation=1``.
* Duplicate message ids are ignored by the peer ("insert or ignore"); the generated ids are
  unique, and object ids and content ids never coincide.
* Window: both inclusive (peer: ``between t - W and t + W``).

Data
----
Seeded (numpy) co-share tables: object popularity is a discrete power law P(s) ~ s^-2.1 on
1..20,000 shares (so the same per-object distribution at every size: the number of objects
grows with the table), each object decays exponentially from a start time uniform over 30 days
with a per-object time constant log-normal around 6 h (sigma 1); n/10 accounts with log-normal
activity (sigma 1.5); 2% of the rows come from coordinated groups of 20 accounts that share the
same object within 30 s (campaigns on random objects). About 3.4 co-share pairs per row.

Timing: wall-clock medians over ``--runs`` runs (Lockstep) and ``--peer-runs`` runs (the peer;
reduced to 1 automatically when one run takes longer than ``--peer-slow`` seconds). The machine
may be shared: CPU time is printed too. The end-to-end run happens in a fresh subprocess so its
peak RSS (``ru_maxrss``) is its own.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from analyses.coaction import co_action_pairs, detect_groups  # noqa: E402
from analyses.network import (  # noqa: E402
    account_pair_summary,
    coordinated_network,
    louvain_communities,
)


# ------------------------------------------------------------------------------------- data
def generate_shares(n_rows: int, seed: int = 42, window: int = 60, alpha: float = 2.1,
                    max_shares: int = 20_000, tau_hours: float = 6.0,
                    coordinated_fraction: float = 0.02, group_size: int = 20) -> pd.DataFrame:
    """A seeded co-share table ``object_id, account_id, content_id, timestamp`` (int64 ids)."""
    rng = np.random.default_rng(seed)
    n_coord = int(n_rows * coordinated_fraction)
    n_org = n_rows - n_coord
    s = np.arange(1, max_shares + 1, dtype=np.float64)
    ps = s ** -alpha
    ps /= ps.sum()
    n_obj = int(n_org / float((s * ps).sum()) * 1.05) + 1
    sizes = rng.choice(max_shares, size=n_obj, p=ps) + 1
    while sizes.sum() < n_org:  # heavy tail: a small draw may fall short
        sizes = np.concatenate([sizes, rng.choice(max_shares, size=n_obj, p=ps) + 1])
    cs = np.cumsum(sizes)
    n_obj = int(np.searchsorted(cs, n_org)) + 1
    sizes = sizes[:n_obj]
    sizes[-1] -= cs[n_obj - 1] - n_org
    obj = np.repeat(np.arange(n_obj), sizes)
    start = rng.integers(0, 30 * 86400, n_obj)
    tau = rng.lognormal(np.log(tau_hours * 3600), 1.0, n_obj)
    t = start[obj] + (rng.exponential(1.0, n_org) * tau[obj]).astype(np.int64)
    n_acc = max(n_rows // 10, 100)
    cum = np.cumsum(rng.lognormal(0, 1.5, n_acc))
    acc = np.searchsorted(cum / cum[-1], rng.random(n_org))
    # coordinated campaigns: a whole group shares one object within window/2 seconds
    n_groups = max(n_coord // (group_size * 25), 1)
    members = rng.permutation(n_acc)[: n_groups * group_size].reshape(n_groups, group_size)
    n_camp = n_coord // group_size
    grp = rng.integers(0, n_groups, n_camp)
    c_obj = rng.integers(0, n_obj, n_camp)
    c_t = start[c_obj] + (rng.exponential(1.0, n_camp) * tau[c_obj]).astype(np.int64)
    acc = np.concatenate([acc, members[grp].ravel()])
    obj = np.concatenate([obj, np.repeat(c_obj, group_size)])
    t = np.concatenate([t, np.repeat(c_t, group_size)
                        + rng.integers(0, window // 2 + 1, n_camp * group_size)])
    perm = rng.permutation(len(acc))
    return pd.DataFrame({
        "object_id": obj[perm].astype(np.int64),
        "account_id": acc[perm].astype(np.int64),
        "content_id": np.arange(len(acc), dtype=np.int64) + 10**12,
        "timestamp": t[perm] + 1_600_000_000,
    })


# ------------------------------------------------------------------------------------ helpers
def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def directed_weights(summary: pd.DataFrame, min_weight: int = 1) -> set[tuple]:
    a, b = summary["account_a"].to_numpy(), summary["account_b"].to_numpy()
    na, nb = summary["n_content_a"].to_numpy(), summary["n_content_b"].to_numpy()
    fwd = {(int(x), int(y), int(w)) for x, y, w in zip(a, b, na, strict=True) if w >= min_weight}
    bwd = {(int(y), int(x), int(w)) for x, y, w in zip(a, b, nb, strict=True) if w >= min_weight}
    return fwd | bwd


# ----------------------------------------------------------------------------------- lockstep
def run_lockstep(x: pd.DataFrame, window: int) -> dict:
    """Both Lockstep pipelines on the same table, timed separately."""
    t0, c0 = time.perf_counter(), _cpu()
    pairs = co_action_pairs(x, window)  # min_participation=1, no CooRTweet row order
    t1 = time.perf_counter()
    summary = account_pair_summary(pairs)
    t2, c2 = time.perf_counter(), _cpu()
    del pairs
    cpairs = detect_groups(x, time_window=window, min_participation=1)  # CooRTweet-exact
    t3 = time.perf_counter()
    edges, accounts = coordinated_network(cpairs, edge_weight=0.5, subgraph=1)
    t4, c4 = time.perf_counter(), _cpu()
    return {"n_pairs": len(cpairs), "summary": summary, "edges": edges, "accounts": accounts,
            "t_pairs": t1 - t0, "t_summary": t2 - t1, "t_cpu_equiv": c2 - c0,
            "t_dg": t3 - t2, "t_network": t4 - t3, "t_cpu_coortweet": c4 - c2,
            "stage_seconds": cpairs.attrs["coaction_stats"]["seconds"]}


# --------------------------------------------------------------------------------------- peer
def cnt_preprocess(x: pd.DataFrame, db: Path) -> float:
    from coordination_network_toolkit.preprocess import preprocess_data

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    rows = ((int(c), int(a), "", int(o), None, "", float(ts), [])
            for o, a, c, ts in zip(x["object_id"].to_numpy(), x["account_id"].to_numpy(),
                                   x["content_id"].to_numpy(), x["timestamp"].to_numpy(),
                                   strict=True))
    preprocess_data(str(db), rows)
    return time.perf_counter() - t0


def cnt_compute(db: Path, window: int, min_edge_weight: int, threads: int = 2
                ) -> tuple[float, float, set[tuple]]:
    """Wall time, CPU time (this process + its reaped worker processes) and the edges."""
    from coordination_network_toolkit.compute_networks import compute_co_retweet_parallel

    c0, t0 = _cpu(), time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        compute_co_retweet_parallel(str(db), window, n_threads=threads,
                                    min_edge_weight=min_edge_weight)
    elapsed = time.perf_counter() - t0
    gc.collect()  # let the pool and manager processes be joined, so their CPU is counted
    time.sleep(0.5)
    cpu = _cpu() - c0
    con = sqlite3.connect(db)
    try:
        rows = con.execute("select user_1, user_2, weight from co_retweet_network "
                           "where user_1 != user_2").fetchall()
    finally:
        con.close()
    return elapsed, cpu, {(int(a), int(b), int(w)) for a, b, w in rows}


# ------------------------------------------------------------------------------ end to end
def e2e_child(parquet: str, window: int, min_participation: int, seed: int) -> dict:
    t0 = time.perf_counter()
    x = pd.read_parquet(parquet)
    t_read = time.perf_counter() - t0
    rss_loaded = _rss_mb()
    c0 = _cpu()
    t0 = time.perf_counter()
    pairs = detect_groups(x, time_window=window, min_participation=min_participation)
    t1 = time.perf_counter()
    edges, accounts = coordinated_network(pairs, edge_weight=0.5, subgraph=1)
    t2 = time.perf_counter()
    communities = louvain_communities(edges, seed=seed)
    t3 = time.perf_counter()
    cpu = _cpu() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "rows": len(x), "pairs": len(pairs), "edges": len(edges), "accounts": len(accounts),
        "components": int(accounts["component"].nunique()) if len(accounts) else 0,
        "communities": int(communities["community"].nunique()) if len(communities) else 0,
        "t_read": t_read, "t_pairs": t1 - t0, "t_network_cc": t2 - t1, "t_louvain": t3 - t2,
        "t_total": t3 - t0, "cpu": cpu, "rss_loaded_mb": rss_loaded, "peak_rss_mb": peak,
        "stage_seconds": pairs.attrs["coaction_stats"]["seconds"],
    }


def run_e2e(n_rows: int, seed: int, window: int, min_participation: int, workdir: Path,
            no_thp: bool = False) -> dict:
    t0 = time.perf_counter()
    x = generate_shares(n_rows, seed=seed, window=window)
    path = workdir / f"shares_{n_rows}.parquet"
    x.to_parquet(path)
    del x
    print(f"  generated {n_rows:,} rows in {time.perf_counter() - t0:.1f}s -> {path}",
          flush=True)
    out = subprocess.run(
        [sys.executable, __file__, "--e2e-child", str(path), "--window", str(window),
         "--min-participation", str(min_participation), "--seed", str(seed),
         *(["--no-thp"] if no_thp else [])],
        check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------- main
def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100k/200k vs the peer, 1M end to end")
    ap.add_argument("--sizes", type=str, default=None,
                    help="comma-separated row counts for the comparison ('' for none)")
    ap.add_argument("--e2e-rows", type=int, default=None, help="end-to-end size (10M)")
    ap.add_argument("--no-e2e", action="store_true")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peer-runs", type=int, default=3)
    ap.add_argument("--peer-slow", type=float, default=120.0,
                    help="one peer run longer than this many seconds -> only 1 run")
    ap.add_argument("--window", type=int, default=60)
    ap.add_argument("--min-participation", type=int, default=2,
                    help="for the end-to-end run (CooRTweet's default 2)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--no-thp", action="store_true",
                    help="turn off numpy's transparent-huge-page madvise (a process-wide numpy "
                         "switch; helps where THP defrag makes page faults slow)")
    ap.add_argument("--e2e-child", type=str, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.no_thp:
        from numpy._core.multiarray import _set_madvise_hugepage

        _set_madvise_hugepage(False)

    if args.e2e_child:
        print(json.dumps(e2e_child(args.e2e_child, args.window, args.min_participation,
                                   args.seed)))
        return 0

    sizes = ([int(s) for s in args.sizes.split(",") if s.strip()] if args.sizes is not None
             else [100_000, 200_000] if args.quick else [1_000_000, 2_000_000])
    e2e_rows = args.e2e_rows or (1_000_000 if args.quick else 10_000_000)
    tmp = tempfile.TemporaryDirectory(prefix="lockstep-bench-")
    workdir = args.workdir or Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"# coordination benchmark (window {args.window}s, seed {args.seed}, "
          f"{os.cpu_count()} CPUs, numpy {np.__version__}, pandas {pd.__version__}"
          f"{', numpy THP madvise off' if args.no_thp else ''}; load average "
          f"{os.getloadavg()[0]:.1f})", flush=True)

    results = []
    for n in sizes:
        x = generate_shares(n, seed=args.seed, window=args.window)
        print(f"\n## {n:,} rows: {x['object_id'].nunique():,} objects, "
              f"{x['account_id'].nunique():,} accounts", flush=True)
        runs = []
        for i in range(args.runs):
            r = run_lockstep(x, args.window)
            runs.append(r)
            print(f"  lockstep run {i + 1}: co_action_pairs {r['t_pairs']:.2f}s + "
                  f"account_pair_summary {r['t_summary']:.2f}s (cpu {r['t_cpu_equiv']:.1f}s) | "
                  f"detect_groups {r['t_dg']:.2f}s + coordinated_network {r['t_network']:.2f}s "
                  f"(cpu {r['t_cpu_coortweet']:.1f}s); detect_groups stages "
                  f"{r['stage_seconds']}", flush=True)
        last = runs[-1]
        row = {
            "rows": n, "pairs": last["n_pairs"], "account_pairs": len(last["summary"]),
            "edges_coortweet": len(last["edges"]),
            "lockstep_pairs_s": _median([r["t_pairs"] for r in runs]),
            "lockstep_cnt_equiv_s": _median([r["t_pairs"] + r["t_summary"] for r in runs]),
            "lockstep_cnt_equiv_cpu_s": _median([r["t_cpu_equiv"] for r in runs]),
            "lockstep_coortweet_s": _median([r["t_dg"] + r["t_network"] for r in runs]),
            "lockstep_runs": args.runs,
        }
        if not args.no_peer:
            db = workdir / f"cnt_{n}.db"
            row["peer_preprocess_s"] = cnt_preprocess(x, db)
            print(f"  peer preprocess (SQLite load): {row['peer_preprocess_s']:.1f}s", flush=True)
            peer_times: list[float] = []
            peer_cpu: list[float] = []
            peer_edges: set[tuple] = set()
            for i in range(args.peer_runs):
                elapsed, cpu, peer_edges = cnt_compute(db, args.window, 1)
                peer_times.append(elapsed)
                peer_cpu.append(cpu)
                print(f"  peer co_retweet run {i + 1} (min_edge_weight 1): {elapsed:.1f}s "
                      f"(cpu {cpu:.1f}s)", flush=True)
                if elapsed > args.peer_slow:
                    break
            ours = directed_weights(last["summary"], 1)
            row["peer_compute_s"] = _median(peer_times)
            row["peer_compute_cpu_s"] = _median(peer_cpu)
            row["peer_runs"] = len(peer_times)
            row["peer_directed_edges"] = len(peer_edges)
            row["equal_w1"] = ours == peer_edges
            row["equal_pairs"] = ({(min(a, b), max(a, b)) for a, b, _ in peer_edges}
                                  == set(zip(last["summary"]["account_a"].astype(int),
                                             last["summary"]["account_b"].astype(int),
                                             strict=True)))
            t2, _, peer_w2 = cnt_compute(db, args.window, 2)
            row["peer_compute_w2_s"] = t2
            row["equal_w2"] = directed_weights(last["summary"], 2) == peer_w2
            row["peer_directed_edges_w2"] = len(peer_w2)
            row["speedup_compute"] = row["peer_compute_s"] / row["lockstep_cnt_equiv_s"]
            row["speedup_total"] = ((row["peer_preprocess_s"] + row["peer_compute_s"])
                                    / row["lockstep_cnt_equiv_s"])
            row["speedup_cpu"] = row["peer_compute_cpu_s"] / row["lockstep_cnt_equiv_cpu_s"]
            print(f"  peer min_edge_weight 2: {t2:.1f}s; equal directed weighted edges: "
                  f"W>=1 {row['equal_w1']}, W>=2 {row['equal_w2']}; equal account pairs "
                  f"{row['equal_pairs']}", flush=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        results.append(row)
        del x, runs, last

    e2e = None
    if not args.no_e2e:
        print(f"\n## end to end, {e2e_rows:,} rows (subprocess)", flush=True)
        e2e = run_e2e(e2e_rows, args.seed, args.window, args.min_participation, workdir,
                      args.no_thp)
        print(f"  {e2e}", flush=True)

    print("\n### Lockstep vs coordination-network-toolkit (co_retweet), window "
          f"{args.window}s\n")
    print("| rows | co-share pairs | account pairs | Lockstep co_action_pairs | Lockstep pairs + "
          "weights (peer-equivalent), wall / CPU | Lockstep detect_groups + coordinated_network "
          "| peer load (SQLite) | peer co_retweet, wall / CPU | speed-up wall (compute) "
          "| speed-up CPU | speed-up wall (incl. peer load) | identical |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        peer = "n/a" if "peer_compute_s" not in r else (
            f"{r['peer_compute_s']:.1f} s / {r['peer_compute_cpu_s']:.1f} s "
            f"(median of {r['peer_runs']})")
        print(f"| {r['rows']:,} | {r['pairs']:,} | {r['account_pairs']:,} | "
              f"{r['lockstep_pairs_s']:.2f} s | {r['lockstep_cnt_equiv_s']:.2f} s / "
              f"{r['lockstep_cnt_equiv_cpu_s']:.2f} s (median of {r['lockstep_runs']}) | "
              f"{r['lockstep_coortweet_s']:.2f} s | "
              f"{r.get('peer_preprocess_s', float('nan')):.1f} s | {peer} | "
              f"{r.get('speedup_compute', float('nan')):.0f}x | "
              f"{r.get('speedup_cpu', float('nan')):.0f}x | "
              f"{r.get('speedup_total', float('nan')):.0f}x | "
              f"W>=1 {r.get('equal_w1')}, W>=2 {r.get('equal_w2')} |")
    if e2e:
        print(f"\n### End to end, {e2e['rows']:,} rows (min_participation "
              f"{args.min_participation}, edge_weight 0.5, Louvain seed {args.seed})\n")
        print("| stage | result | wall time |")
        print("|---|---:|---:|")
        print(f"| read Parquet (not counted) | {e2e['rows']:,} rows | {e2e['t_read']:.1f} s |")
        print(f"| detect_groups | {e2e['pairs']:,} pairs | {e2e['t_pairs']:.1f} s |")
        print(f"| coordinated_network + components | {e2e['edges']:,} edges, "
              f"{e2e['accounts']:,} accounts, {e2e['components']:,} components | "
              f"{e2e['t_network_cc']:.1f} s |")
        print(f"| Louvain (python-louvain) | {e2e['communities']:,} communities | "
              f"{e2e['t_louvain']:.1f} s |")
        print(f"| **total** | CPU {e2e['cpu']:.1f} s | **{e2e['t_total']:.1f} s** |")
        print(f"\npeak RSS {e2e['peak_rss_mb']:,.0f} MB (after loading the table: "
              f"{e2e['rss_loaded_mb']:,.0f} MB)")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps({"sizes": results, "e2e": e2e}, indent=2,
                                        default=str))
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
