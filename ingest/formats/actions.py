"""Action tables: CooRTweet's layout, and Lockstep's canonical CSV/JSONL.

**CooRTweet layout** (CSV or Parquet): ``object_id, account_id, content_id, timestamp_share``
(Unix seconds or ISO time), optional ``object_type`` (``repost`` (default), ``hashtag``, ``sound``,
``url``, ``mention``) and optional ``platform`` (default ``generic``). Each row is a share:
account ``account_id`` posted ``content_id`` at ``timestamp_share``, acting on ``object_id``.

**Canonical posts CSV** (``platform, post_id, account_id, created_at`` required; ``kind, caption,
hashtags, sound_id, mentions, urls, repost_of, reply_to`` optional; lists separated by spaces or
commas) and **canonical JSONL**, one object per line with ``type``:

* ``{"type": "post", "platform", "post_id", "account_id", "created_at", "caption", "hashtags": [],
  "sound_id", "mentions": [], "urls": [], "repost_of", "reply_to", "kind"}``
* ``{"type": "account", "platform", "account_id", "username", "display_name", "bio",
  "created_at", "follower_count", "following_count"}``
* ``{"type": "follow", "platform", "follower", "followee"}``
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.formats.common import iter_csv_rows, iter_json_lines, reject_for, safely
from ingest.normalize import (
    Fields,
    RecordError,
    count,
    handle,
    hashtag,
    hashtags,
    ident,
    text,
    timestamp,
    url,
)
from ingest.records import Account, Follow, Parsed, Post

COORTWEET = "coortweet"
CANONICAL = "canonical"
OBJECT_TYPES = ("repost", "hashtag", "sound", "url", "mention")
_COORTWEET_COLS = {"object_id", "account_id", "content_id", "timestamp_share"}


def _header(head: bytes) -> set[str]:
    return {c.strip().strip('"').lower() for c in head.split(b"\n", 1)[0].decode("utf-8", "replace").split(",")}


def sniff_coortweet(path: Path, head: bytes) -> bool:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return _COORTWEET_COLS <= {c.lower() for c in pq.read_schema(path).names}
    return path.suffix.lower() == ".csv" and _COORTWEET_COLS <= _header(head)


def sniff_canonical(path: Path, head: bytes) -> bool:
    if path.suffix.lower() == ".csv":
        return {"post_id", "account_id", "created_at"} <= _header(head)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        first = head.split(b"\n", 1)[0]
        return b'"type"' in first and (b'"post_id"' in first or b'"account_id"' in first
                                       or b'"follower"' in first)
    return False


def _platform(f: Fields, default: str) -> str:
    value = f.optional("platform", text)
    return value.strip().lower() if value and value.strip() else default


def share_from_row(row: dict[str, Any], file: str, number: int, default_type: str = "repost") -> Parsed:
    f = Fields(row, file, number)
    try:
        object_id = f.required("object_id", ident)
        account = f.required("account_id", handle)
        content = f.required("content_id", ident)
        created = f.required("timestamp_share", timestamp)
        object_type = (f.optional("object_type", text) or default_type).strip().lower()
        if object_type not in OBJECT_TYPES:
            raise RecordError("object_type", f"unknown object type {object_type!r} "
                                             f"(expected one of {', '.join(OBJECT_TYPES)})")
        platform = _platform(f, "generic")
        post = Post(platform=platform, post_id=content, kind="share", created_ts=created,
                    author=account)
        accounts = [Account(platform, account, username=account)]
        if object_type == "repost":
            post.reposts.append((object_id, "share"))
        elif object_type == "hashtag":
            tag = hashtag(object_id)
            if not tag:
                raise RecordError("object_id", "empty hashtag")
            post.hashtags.append(tag)
        elif object_type == "sound":
            post.sound_id = object_id
        elif object_type == "url":
            post.urls.append(url(object_id) or object_id)
        else:
            post.mentions.append(object_id)
            accounts.append(Account(platform, object_id))
    except RecordError as exc:
        return reject_for("actions", file, number, exc.field, exc.reason, row)
    except ValueError as exc:
        return reject_for("actions", file, number, "object_id", str(exc), row)
    return Parsed(kind="actions", accounts=accounts, posts=[post], warnings=f.warnings,
                  file=file, record=number)


def read_coortweet(path: Path) -> Iterator[Parsed]:
    file = str(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        number = 0
        parquet = pq.ParquetFile(path)
        # Row group by row group: a damaged group ends the file after the groups before it.
        for group in range(parquet.num_row_groups):
            for batch in parquet.iter_batches(batch_size=65_536, row_groups=[group]):
                for row in batch.to_pylist():
                    number += 1
                    row = {k.lower(): v for k, v in row.items()}
                    yield safely("actions", file, number, row, share_from_row, row, file, number)
        return
    for number, row, error in iter_csv_rows(path):
        if error is not None or row is None:
            yield reject_for("actions", file, number, None, error or "unreadable row", row)
            continue
        yield safely("actions", file, number, row, share_from_row, row, file, number)


def _list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [v for v in value.replace(",", " ").split() if v]
    raise ValueError(f"expected a list, got {type(value).__name__}")


def _post(obj: dict[str, Any], file: str, number: int) -> Parsed:
    f = Fields(obj, file, number)
    try:
        platform = _platform(f, "generic")
        post_id = f.required("post_id", ident)
        author = f.required("account_id", handle)
        created = f.required("created_at", timestamp)
    except RecordError as exc:
        return reject_for("posts", file, number, exc.field, exc.reason, obj)
    mentions = f.optional("mentions", lambda v: [handle(m) for m in _list(v)]) or []
    repost_of = f.optional("repost_of", ident)
    post = Post(
        platform=platform, post_id=post_id, kind=(f.optional("kind", text) or "video"),
        created_ts=created, author=author, caption=f.optional("caption", text),
        hashtags=f.optional("hashtags", hashtags) or [], mentions=mentions,
        urls=f.optional("urls", lambda v: [u for x in _list(v) if (u := url(x))]) or [],
        sound_id=f.optional("sound_id", ident),
        reposts=[(repost_of, "share")] if repost_of else [],
        reply_to=f.optional("reply_to", ident),
    )
    accounts = [Account(platform, author, username=author)] + [Account(platform, m) for m in mentions]
    return Parsed(kind="posts", accounts=accounts, posts=[post], warnings=f.warnings,
                  file=file, record=number)


def _account(obj: dict[str, Any], file: str, number: int) -> Parsed:
    f = Fields(obj, file, number)
    try:
        platform = _platform(f, "generic")
        account_id = f.required("account_id", handle)
    except RecordError as exc:
        return reject_for("accounts", file, number, exc.field, exc.reason, obj)
    props = {"display_name": f.optional("display_name", text), "bio": f.optional("bio", text),
             "created_ts": f.optional("created_at", timestamp)}
    counters = {k: f.optional(k, count) for k in ("follower_count", "following_count")}
    account = Account(platform, account_id, username=f.optional("username", handle) or account_id,
                      props={k: v for k, v in props.items() if v is not None},
                      counters={k: v for k, v in counters.items() if v is not None})
    return Parsed(kind="accounts", accounts=[account], warnings=f.warnings, file=file,
                  record=number)


def _follow(obj: dict[str, Any], file: str, number: int) -> Parsed:
    f = Fields(obj, file, number)
    try:
        platform = _platform(f, "generic")
        follower = f.required("follower", handle)
        followee = f.required("followee", handle)
    except RecordError as exc:
        return reject_for("follows", file, number, exc.field, exc.reason, obj)
    return Parsed(kind="follows", follows=[Follow(platform, follower, followee)],
                  accounts=[Account(platform, follower), Account(platform, followee)],
                  file=file, record=number)


def read_canonical(path: Path) -> Iterator[Parsed]:
    file = str(path)
    if path.suffix.lower() == ".csv":
        for number, row, error in iter_csv_rows(path):
            if error is not None or row is None:
                yield reject_for("posts", file, number, None, error or "unreadable row", row)
            else:
                yield _post(row, file, number)
        return
    handlers = {"post": _post, "account": _account, "follow": _follow}
    for number, obj, error in iter_json_lines(path):
        if error is not None:
            yield reject_for("lines", file, number, None, error, obj)
        # (a list or an object as "type" is unhashable: test the type before the lookup)
        elif not isinstance(obj, dict) or not isinstance(obj.get("type"), str) \
                or obj["type"] not in handlers:
            yield reject_for("lines", file, number, "type",
                             "expected an object with type post, account or follow", obj)
        else:
            kind = {"post": "posts", "account": "accounts", "follow": "follows"}[obj["type"]]
            yield safely(kind, file, number, obj, handlers[obj["type"]], obj, file, number)
