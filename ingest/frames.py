"""Source files straight to the DataFrames the analyses take, without the graph.

For offline work (benchmarks, quick looks, tuning). The product path is ingest -> Neo4j ->
``graph.queries.detect.posts_frame``; both produce the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ingest.load import plan
from ingest.records import account_key, post_key

POST_COLUMNS = ["post_id", "account_id", "username", "timestamp", "caption", "hashtags", "sound",
                "reposts", "urls", "mentions"]


def frames_from_files(paths: Iterable[str | Path], fmt: str | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    posts: dict[str, dict] = {}
    accounts: dict[str, dict] = {}
    for path, reader in plan(paths, fmt)[0]:
        for parsed in reader.read(path):
            if parsed.reject is not None:
                continue
            for a in parsed.accounts:
                row = accounts.setdefault(a.key, {"account_id": a.key, "username": a.username,
                                                  "created_ts": None})
                row["username"] = row["username"] or a.username
                row["created_ts"] = row["created_ts"] or a.props.get("created_ts")
            for p in parsed.posts:
                if p.created_ts is None or p.author is None:
                    continue
                posts[p.key] = {
                    "post_id": p.key, "account_id": account_key(p.platform, p.author),
                    "timestamp": p.created_ts, "caption": p.caption, "hashtags": p.hashtags,
                    "sound": f"{p.platform}:{p.sound_id}" if p.sound_id else None,
                    "reposts": [post_key(p.platform, t) for t, _ in p.reposts],
                    "urls": p.urls, "mentions": [account_key(p.platform, m) for m in p.mentions],
                }
    post_df = pd.DataFrame(list(posts.values()))
    acc_df = pd.DataFrame(list(accounts.values()))
    if not post_df.empty:
        post_df = post_df.merge(acc_df[["account_id", "username"]], on="account_id", how="left")
    return post_df, acc_df
