"""One detection method on one cached incident, in its own process (so its time and peak memory
are its own). Used by ``bench/detection_quality.py``; not meant to be run by hand.

    python bench/detect_runner.py METHOD FRAMES_DIR OUT_JSON [PREVIOUS_RELEASE_DIR]

METHOD: ``lockstep`` (this checkout), ``previous`` (the detector of the previous release, its
``analyses`` package extracted by the caller into PREVIOUS_RELEASE_DIR), ``coortweet`` (the
single-signal CooRTweet-style baseline). Writes ``{"found": {account: cluster}, "seconds",
"peak_rss_mb", "stats"}``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def coortweet_baseline(posts: pd.DataFrame) -> dict[str, int]:
    """CooRTweet's method on one signal, as an investigator would run it: co-hashtag actions,
    ``detect_groups(time_window=60, min_participation=2)``, ``coordinated_network(edge_weight=
    0.5)``; its connected components are the clusters."""
    from analyses.actions import action_table
    from analyses.coaction import detect_groups
    from analyses.network import coordinated_network

    acts = action_table(posts, signals=("hashtag",))
    pairs = detect_groups(acts.rename(columns={"timestamp": "timestamp_share"})
                          [["object_id", "account_id", "content_id", "timestamp_share"]],
                          time_window=60, min_participation=2)
    if pairs.empty:
        return {}
    _, accounts = coordinated_network(pairs, edge_weight=0.5)
    return dict(zip(accounts["account_id"].astype(str), accounts["component"].astype(int), strict=True))


def main() -> None:
    method, frames_dir, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if method == "previous":
        sys.path.insert(0, sys.argv[4])
    else:
        sys.path.insert(0, str(ROOT))
    posts = pd.read_pickle(frames_dir / "posts.pkl")
    accounts = pd.read_pickle(frames_dir / "accounts.pkl")
    reposts = pd.read_pickle(frames_dir / "reposts.pkl")
    t = time.perf_counter()
    stats: dict = {}
    if method == "coortweet":
        found = coortweet_baseline(posts)
    else:
        from analyses.detect import DetectParams, detect

        kw = {"reposts": reposts} if method == "lockstep" else {}
        res = detect(posts, accounts, DetectParams(seed=42), **kw)
        found = dict(zip(res.members["account_id"].astype(str), res.members["cluster"].astype(int),
                         strict=True))
        stats = {k: v for k, v in res.stats.items() if isinstance(v, int | float)}
        stats["timings"] = res.timings
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"found": found, "seconds": round(seconds, 2),
                               "peak_rss_mb": round(rss), "stats": stats}))


if __name__ == "__main__":
    main()
