"""Detection quality on generated incidents: Lockstep's defaults vs a CooRTweet-style baseline.

For each (seed, scale): generate an incident (``ingest.generate``), read it into DataFrames, run

* **Lockstep**: ``analyses.detect.detect`` with its defaults (all signals fused, seed 42);
* **baseline**: CooRTweet's method on one signal, as an investigator would run it: co-hashtag
  actions, ``detect_groups(time_window=60, min_participation=2)``, then
  ``coordinated_network(edge_weight=0.5)``; its connected components are the clusters;

and score both against the planted cells (account-level precision, recall, F1, adjusted Rand
index) and count the benign look-alikes each flags. Prints a markdown table.

    python bench/detection_quality.py                  # the default grid
    python bench/detection_quality.py --grid 7:1,11:0.5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyses.actions import action_table  # noqa: E402
from analyses.coaction import detect_groups  # noqa: E402
from analyses.detect import DetectParams, detect  # noqa: E402
from analyses.evaluate import evaluate  # noqa: E402
from analyses.network import coordinated_network  # noqa: E402
from ingest.frames import frames_from_files  # noqa: E402
from samples import generate_incident  # noqa: E402

GRID = [(7, 1.0), (11, 0.5), (3, 2.0), (5, 0.3), (23, 0.3), (29, 1.0), (19, 5.0)]
BENIGN = ("event_burst", "fan_community", "meme_copiers", "news_accounts")


def baseline(posts, signal: str = "hashtag") -> dict[str, int]:  # noqa: ANN001
    acts = action_table(posts, signals=(signal,))
    pairs = detect_groups(acts.rename(columns={"timestamp": "timestamp_share"})
                          [["object_id", "account_id", "content_id", "timestamp_share"]],
                          time_window=60, min_participation=2)
    if pairs.empty:
        return {}
    _, accounts = coordinated_network(pairs, edge_weight=0.5)
    return dict(zip(accounts["account_id"].astype(str), accounts["component"], strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", default=None, help="seed:scale,seed:scale,...")
    args = ap.parse_args()
    grid = [(int(a), float(b)) for a, b in (x.split(":") for x in args.grid.split(","))] \
        if args.grid else GRID
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed, scale in grid:
            inc = Path(tmp) / f"inc-{seed}-{scale}"
            generate_incident(inc, seed=seed, scale=scale)
            gt = json.loads((inc / "ground_truth.json").read_text())
            truth = {f"tiktok:{a}": c["cell_id"] for c in gt["cells"] for a in c["accounts"]}
            benign = {k: {f"tiktok:{a}" for a in gt["benign"][k]} for k in BENIGN}
            posts, accounts = frames_from_files([inc])
            t = time.perf_counter()
            res = detect(posts, accounts, DetectParams(seed=42))
            t_ls = time.perf_counter() - t
            found = dict(zip(res.members["account_id"], res.members["cluster"], strict=True))
            t = time.perf_counter()
            base = baseline(posts)
            t_b = time.perf_counter() - t
            for name, f, secs in (("Lockstep", found, t_ls), ("CooRTweet-style (hashtag)", base, t_b)):
                s = evaluate(f, truth)
                s.update(method=name, seed=seed, scale=scale, posts=len(posts), seconds=round(secs, 2),
                         benign=sum(len(benign[k] & set(f)) for k in BENIGN))
                rows.append(s)
    print("| seed | scale | posts | method | precision | recall | F1 | ARI | benign flagged | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['seed']} | {r['scale']} | {r['posts']:,} | {r['method']} | {r['precision']:.3f} | "
              f"{r['recall']:.3f} | {r['f1']:.3f} | {r['ari']:.3f} | {r['benign']} | {r['seconds']} |")
    for method in ("Lockstep", "CooRTweet-style (hashtag)"):
        mine = [r for r in rows if r["method"] == method]
        print(f"\n{method}: median precision {statistics.median(r['precision'] for r in mine):.3f}, "
              f"recall {statistics.median(r['recall'] for r in mine):.3f}, "
              f"F1 {statistics.median(r['f1'] for r in mine):.3f}, "
              f"ARI {statistics.median(r['ari'] for r in mine):.3f}, "
              f"benign flagged {sum(r['benign'] for r in mine)}")


if __name__ == "__main__":
    main()
