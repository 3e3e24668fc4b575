"""From posts to an action table: one row per (account, object acted on, post, time).

The fusion works on *actions*: an account acting on an object with one of its posts at a time.
Each signal is an object type:

========== ============================================ =========================================
type       object                                        from the post's
========== ============================================ =========================================
hashtag    the hashtag                                   ``hashtags`` (list)
sound      the sound                                     ``sound``
repost     the reposted / duetted / retweeted post       ``reposts`` (list)
url        the link, without tracking parameters         ``urls`` (list)
mention    the mentioned account                         ``mentions`` (list)
caption    its near-duplicate caption group              ``caption`` (see :mod:`analyses.captions`)
========== ============================================ =========================================

Adding a signal: give it a name in :data:`analyses.signals.SIGNALS`, produce its rows in
:func:`action_table` (any column of the posts table that yields an object id per post), and give
it a weight in :class:`analyses.fusion_inputs.FusionParams` ``signal_weights``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd

from analyses.captions import near_duplicate_groups
from analyses.signals import SIGNALS

_LIST_COLUMNS = {"hashtag": "hashtags", "repost": "reposts", "url": "urls", "mention": "mentions"}
# Query parameters that track who shared a link, not what it points to (a campaign tagging each
# member's copy must not turn one pushed link into many).
_TRACKING = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|igshid|igsh|si|ref|ref_src|"
                       r"ref_url|mc_cid|mc_eid|_hsenc|_hsmi|spm|share_id|share_source|"
                       r"sender_device|is_from_webapp|tt_from|u_code|_r|_t)$", re.IGNORECASE)


def link_identity(url: str) -> str:
    """A link without its tracking parameters and fragment, for matching shares of one link.

    >>> link_identity("https://shop.example/order?ref=tt&utm_source=tiktok&id=7#top")
    'https://shop.example/order?id=7'
    """
    parts = urlsplit(str(url))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
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
            if signal == "url":
                objects = objects.map(link_identity)
                keep = ~pd.DataFrame({"p": exploded["post_id"], "o": objects}).duplicated().to_numpy()
                exploded, objects = exploded[keep], objects[keep]
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


# TikTok writes "#duet with @user" / "#stitch with @user" into the caption of a duet or stitch.
_CREDIT = re.compile(r"#(?:duet|stitch)\s+with\s+@([\w.]+)", re.IGNORECASE)


def credits(posts: pd.DataFrame) -> pd.DataFrame:
    """The accounts a post credits as the original it duets or stitches (``post_id``,
    ``account_id``, keyed like the post's own account): a credit, not a tag between friends.

    >>> p = pd.DataFrame({"post_id": ["tiktok:1"], "account_id": ["tiktok:a"],
    ...                   "caption": ["#duet with @Orig.Acct wow"]})
    >>> credits(p).to_dict("records")
    [{'post_id': 'tiktok:1', 'account_id': 'tiktok:orig.acct'}]
    """
    if "caption" not in posts or posts.empty:
        return pd.DataFrame(columns=["post_id", "account_id"])
    found = posts["caption"].fillna("").astype(str).str.findall(_CREDIT)
    rows = posts[["post_id", "account_id"]].assign(handle=found).explode("handle").dropna()
    platform = rows["account_id"].astype(str).str.split(":", n=1).str[0]
    return pd.DataFrame({"post_id": rows["post_id"].to_numpy(),
                         "account_id": (platform + ":" + rows["handle"].str.lower()).to_numpy()})
