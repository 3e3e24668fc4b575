"""Source files straight to the DataFrames the analyses take, without the graph.

For offline work (benchmarks, quick looks, tuning). The product path is ingest -> Neo4j ->
``graph.queries.detect.posts_frame``; both produce the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ingest.load import plan
from ingest.records import account_key, post_key

POST_COLUMNS = ["post_id", "account_id", "username", "timestamp", "caption", "hashtags", "sound",
                "reposts", "urls", "mentions"]


REPOST_COLUMNS = ["account_id", "post_id"]


class Frames(NamedTuple):
    posts: pd.DataFrame      # POST_COLUMNS
    accounts: pd.DataFrame   # account_id, username, created_ts
    reposts: pd.DataFrame    # REPOST_COLUMNS: an account reposted a post (no time: reposts lists)


def frames_from_files(paths: Iterable[str | Path], fmt: str | None = None) -> Frames:
    """The posts, accounts and timeless account reposts the files hold (rejected records skipped)."""
    posts: dict[str, dict] = {}
    accounts: dict[str, dict] = {}
    reposts: set[tuple[str, str]] = set()
    for path, reader in plan(paths, fmt)[0]:
        for parsed in reader.read(path):
            if parsed.reject is not None:
                continue
            for r in parsed.account_reposts:
                reposts.add((account_key(r.platform, r.account_id), post_key(r.platform, r.post_id)))
            for a in parsed.accounts:
                row = accounts.setdefault(a.key, {"account_id": a.key, "username": a.username,
                                                  "created_ts": None})
                row["username"] = row["username"] or a.username
                row["created_ts"] = row["created_ts"] or a.props.get("created_ts")
            for p in parsed.posts:
                if p.created_ts is None or p.author is None:
                    continue
                row = {
                    "post_id": p.key, "account_id": account_key(p.platform, p.author),
                    "timestamp": p.created_ts, "caption": p.caption, "hashtags": p.hashtags,
                    "sound": f"{p.platform}:{p.sound_id}" if p.sound_id else None,
                    "reposts": [post_key(p.platform, t) for t, _ in p.reposts],
                    "urls": p.urls, "mentions": [account_key(p.platform, m) for m in p.mentions],
                }
                # As the graph's MERGE: a later copy (a repost list's bare video) adds what it
                # has and never erases what an earlier one said.
                old = posts.get(p.key)
                posts[p.key] = row if old is None else {
                    k: v if v not in (None, [], "") else old[k] for k, v in row.items()}
    post_df = pd.DataFrame(list(posts.values()))
    acc_df = pd.DataFrame(list(accounts.values()))
    if not post_df.empty:
        post_df = post_df.merge(acc_df[["account_id", "username"]], on="account_id", how="left")
    repost_df = pd.DataFrame(sorted(reposts), columns=REPOST_COLUMNS)
    return Frames(post_df, acc_df, repost_df)
