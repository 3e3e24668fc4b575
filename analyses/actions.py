"""From posts to an action table: one row per (account, object acted on, post, time).

The fusion works on *actions*: an account acting on an object with one of its posts at a time.
Each signal is an object type:

========== ============================================ =========================================
type       object                                        from the post's
========== ============================================ =========================================
hashtag    the hashtag                                   ``hashtags`` (list)
sound      the sound                                     ``sound``
repost     the reposted / duetted / retweeted post       ``reposts`` (list)
url        the URL                                       ``urls`` (list)
mention    the mentioned account                         ``mentions`` (list)
caption    its near-duplicate caption group              ``caption`` (see :mod:`analyses.captions`)
========== ============================================ =========================================

Adding a signal: give it a name in :data:`analyses.signals.SIGNALS`, produce its rows in
:func:`action_table` (any column of the posts table that yields an object id per post), and give
it a weight in :class:`analyses.fusion.FusionParams` ``signal_weights``.
"""

from __future__ import annotations

import pandas as pd

from analyses.captions import near_duplicate_groups
from analyses.signals import SIGNALS

_LIST_COLUMNS = {"hashtag": "hashtags", "repost": "reposts", "url": "urls", "mention": "mentions"}
ACTION_COLUMNS = ["account_id", "object_type", "object_id", "content_id", "timestamp"]


def action_table(posts: pd.DataFrame, signals: tuple[str, ...] = SIGNALS,
                 caption_threshold: float = 0.7, seed: int = 1) -> pd.DataFrame:
    """Explode a posts table into actions.

    ``posts`` columns: ``post_id``, ``account_id``, ``timestamp`` (Unix seconds) and, per signal,
    ``hashtags`` / ``reposts`` / ``urls`` / ``mentions`` (lists), ``sound`` (id or null),
    ``caption`` (text).
    """
    unknown = set(signals) - set(SIGNALS)
    if unknown:
        raise ValueError(f"unknown signal(s) {sorted(unknown)}; known: {', '.join(SIGNALS)}")
    base = posts[["account_id", "post_id", "timestamp"]]
    parts: list[pd.DataFrame] = []
    for signal in signals:
        if signal in _LIST_COLUMNS:
            col = _LIST_COLUMNS[signal]
            if col not in posts:
                continue
            exploded = posts[["account_id", "post_id", "timestamp", col]].explode(col)
            exploded = exploded[exploded[col].notna()]
            objects = exploded[col]
        elif signal == "sound":
            if "sound" not in posts:
                continue
            exploded = posts[posts["sound"].notna()]
            objects = exploded["sound"]
        else:
            if "caption" not in posts:
                continue
            groups = near_duplicate_groups(posts["caption"], threshold=caption_threshold, seed=seed)
            exploded = base[groups.notna().to_numpy()]
            objects = groups[groups.notna()]
        parts.append(pd.DataFrame({
            "account_id": exploded["account_id"].to_numpy(),
            "object_type": signal,
            "object_id": objects.astype(str).to_numpy(),
            "content_id": exploded["post_id"].to_numpy(),
            "timestamp": exploded["timestamp"].to_numpy(dtype="int64"),
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ACTION_COLUMNS}).astype(
            {"timestamp": "int64"})
    return pd.concat(parts, ignore_index=True)
