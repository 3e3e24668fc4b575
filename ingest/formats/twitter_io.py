"""Twitter/X information-operations archives (the transparency CSVs).

Columns (any order): ``tweetid, userid, user_display_name, user_screen_name,
user_reported_location, user_profile_description, user_profile_url, follower_count,
following_count, account_creation_date, account_language, tweet_language, tweet_text, tweet_time,
tweet_client_name, in_reply_to_userid, in_reply_to_tweetid, quoted_tweet_tweetid, is_retweet,
retweet_userid, retweet_tweetid, quote_count, reply_count, like_count, retweet_count, hashtags,
urls, user_mentions``. Lists are Python reprs (``"['a', 'b']"``), ``tweet_time`` is
``YYYY-MM-DD HH:MM`` (UTC), counts may be floats (``12.0``). Accounts are keyed by ``userid``
(screen names change; small accounts are anonymised hashes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingest.formats.common import iter_csv_rows, reject_for
from ingest.normalize import (
    Fields,
    RecordError,
    boolean,
    count,
    handle,
    hashtags,
    ident,
    py_list,
    text,
    timestamp,
    url,
)
from ingest.records import Account, Parsed, Post

NAME = "twitter-io"
PLATFORM = "twitter"


def sniff(path: Path, head: bytes) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    cols = {c.strip().strip('"').lower() for c in head.split(b"\n", 1)[0].decode("utf-8", "replace").split(",")}
    return {"tweetid", "userid", "tweet_time"} <= cols


def _ids(value: object) -> list[str]:
    return [ident(v) for v in py_list(value) if v not in (None, "")]


def _urls(value: object) -> list[str]:
    return [u for v in py_list(value) if (u := url(v))]


def read(path: Path) -> Iterator[Parsed]:
    file = str(path)
    for number, row, error in iter_csv_rows(path):
        if error is not None or row is None:
            yield reject_for("tweets", file, number, None, error or "unreadable row", row)
            continue
        f = Fields(row, file, number)
        try:
            tweet_id = f.required("tweetid", ident)
            user_id = f.required("userid", ident)
            created = f.required("tweet_time", timestamp)
            tags = f.required("hashtags", lambda v: hashtags(py_list(v))) if row.get("hashtags") else []
        except RecordError as exc:
            yield reject_for("tweets", file, number, exc.field, exc.reason, row)
            continue
        reposts: list[tuple[str, str]] = []
        is_retweet = f.optional("is_retweet", boolean)
        retweet_of = f.optional("retweet_tweetid", ident)
        retweet_user = f.optional("retweet_userid", ident)
        if retweet_of and (is_retweet is not False):
            reposts.append((retweet_of, "retweet"))
        quoted = f.optional("quoted_tweet_tweetid", ident)
        if quoted:
            reposts.append((quoted, "quote"))
        created_account = f.optional("account_creation_date", timestamp)
        screen_name = f.optional("user_screen_name", handle)
        account = Account(
            PLATFORM, user_id, username=screen_name,
            props={k: v for k, v in {
                "user_id": user_id,
                "display_name": f.optional("user_display_name", text),
                "bio": f.optional("user_profile_description", text),
                "bio_url": f.optional("user_profile_url", text),
                "location": f.optional("user_reported_location", text),
                "lang": f.optional("account_language", text),
                "created_ts": created_account,
            }.items() if v is not None},
            counters={k: v for k, v in {
                "follower_count": f.optional("follower_count", count),
                "following_count": f.optional("following_count", count),
            }.items() if v is not None},
        )
        mentions = f.optional("user_mentions", _ids) or []
        post = Post(
            platform=PLATFORM, post_id=tweet_id, kind="tweet", created_ts=created, author=user_id,
            caption=f.optional("tweet_text", text), hashtags=tags, mentions=mentions,
            urls=f.optional("urls", _urls) or [], reposts=reposts,
            reply_to=f.optional("in_reply_to_tweetid", ident),
            props={k: v for k, v in {"lang": f.optional("tweet_language", text),
                                     "client": f.optional("tweet_client_name", text)}.items()
                   if v is not None},
            counters={k: v for k, v in {
                "like_count": f.optional("like_count", count),
                "comment_count": f.optional("reply_count", count),
                "share_count": f.optional("retweet_count", count),
                "quote_count": f.optional("quote_count", count),
            }.items() if v is not None},
        )
        accounts = [account] + [Account(PLATFORM, m) for m in mentions]
        posts = [post]
        if retweet_of and retweet_user:
            # The original's author is known: keep who posted what was retweeted.
            accounts.append(Account(PLATFORM, retweet_user))
            posts.append(Post(platform=PLATFORM, post_id=retweet_of, kind="tweet",
                              created_ts=None, author=retweet_user))
        yield Parsed(kind="tweets", accounts=accounts, posts=posts, warnings=f.warnings,
                     file=file, record=number)
