"""Zeeschuimer / 4CAT TikTok exports.

* NDJSON (Zeeschuimer's export, 4CAT's "original" NDJSON): one item per line, the TikTok item under
  ``data``: ``id, desc, createTime, author{id, uniqueId, nickname, signature, verified}`` (or
  ``author`` as a string with ``nickname`` beside it), ``authorStats``, ``music{id, title,
  authorName}``, ``challenges[{id, title}]``, ``textExtra[{hashtagName, userUniqueId}]``, ``stats``,
  ``duetInfo{duetFromId}`` ("0" = not a duet), ``locationCreated``, ``textLanguage``,
  ``video{duration}``. ``timestamp_collected`` (ms) dates the counters.
* CSV (4CAT's TikTok CSV export): ``id, author, author_full, author_followers, author_likes,
  author_videos, body, timestamp, unix_timestamp, music_id, music_name, music_author, likes,
  comments, shares, plays, hashtags`` (comma-separated), ``location_created``, ``is_duet``, ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ingest.formats.common import iter_csv_rows, iter_json_lines, reject_for, safely
from ingest.formats.tiktok_api import PLATFORM, tiktok_user
from ingest.normalize import (
    Fields,
    RecordError,
    boolean,
    count,
    hashtag,
    hashtags,
    ident,
    text,
    timestamp,
)
from ingest.records import Account, FieldWarning, Parsed, Post

NAME = "zeeschuimer"
CSV_NAME = "4cat-tiktok-csv"
_CSV_REQUIRED = {"id", "author", "body"}


def sniff(path: Path, head: bytes) -> bool:
    if path.suffix.lower() not in (".ndjson", ".jsonl", ".json"):
        return False
    first = head.split(b"\n", 1)[0]
    return b'"data"' in first and (b'"createTime"' in first or b'"source_platform"' in first
                                   or b'"timestamp_collected"' in first)


def sniff_csv(path: Path, head: bytes) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    cols = {c.strip().strip('"').lower() for c in head.split(b"\n", 1)[0].decode("utf-8", "replace").split(",")}
    return _CSV_REQUIRED <= cols and ("unix_timestamp" in cols or "timestamp" in cols) and "tweetid" not in cols


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_item(item: Any, file: str, number: int, observed: int | None) -> Parsed:
    if not isinstance(item, dict):
        return reject_for("items", file, number, "data", "the item must be a JSON object", item)
    f = Fields(item, file, number)
    author_field = item.get("author")
    author_obj = _dict(author_field)
    try:
        post_id = f.required("id", ident)
        created = f.required("createTime", timestamp)
        if isinstance(author_field, str):
            author = tiktok_user(author_field)
        else:
            author = Fields(author_obj, file, number).required("uniqueId", tiktok_user)
    except RecordError as exc:
        field = exc.field if exc.field != "uniqueId" else "author.uniqueId"
        return reject_for("items", file, number, field, exc.reason, item)

    tags: list[str] = []
    mentions: list[str] = []
    extras: list[tuple[str, Any, Callable[[Any], Any], list[str]]] = [
        ("challenges", c.get("title"), hashtag, tags) for c in _list(item.get("challenges"))
        if isinstance(c, dict) and isinstance(c.get("title"), str)]
    for e in _list(item.get("textExtra")):
        if isinstance(e, dict):
            if isinstance(e.get("hashtagName"), str) and e["hashtagName"]:
                extras.append(("textExtra", e["hashtagName"], hashtag, tags))
            if isinstance(e.get("userUniqueId"), str) and e["userUniqueId"]:
                extras.append(("textExtra", e["userUniqueId"], tiktok_user, mentions))
    for name, value, conv, into in extras:
        try:
            v = conv(value)
        except ValueError as exc:   # one unusable tag or mention: a warning, the rest is kept
            f.warnings.append(FieldWarning(file, number, name, str(exc), value))
            continue
        if v and v not in into:
            into.append(v)

    music = Fields(_dict(item.get("music")), file, number)
    stats = Fields(_dict(item.get("stats")), file, number)
    astats = Fields(_dict(item.get("authorStats")), file, number)
    duet_f = Fields(_dict(item.get("duetInfo")), file, number)
    duet = duet_f.optional("duetFromId", ident) or "0"
    author_f = Fields(author_obj, file, number)
    video = _dict(item.get("video"))
    nickname = author_obj.get("nickname") if author_obj else item.get("nickname")
    account = Account(
        PLATFORM, author, username=author,
        props={k: v for k, v in {
            "user_id": author_f.optional("id", ident),
            "display_name": nickname if isinstance(nickname, str) else None,
            "bio": author_obj.get("signature") if isinstance(author_obj.get("signature"), str) else None,
            "is_verified": author_obj.get("verified") if isinstance(author_obj.get("verified"), bool) else None,
        }.items() if v is not None},
        counters={k: v for k, v in {
            "follower_count": astats.optional("followerCount", count),
            "following_count": astats.optional("followingCount", count),
            "likes_count": astats.optional("heartCount", count),
            "video_count": astats.optional("videoCount", count),
        }.items() if v is not None},
    )
    post = Post(
        platform=PLATFORM, post_id=post_id, kind="video", created_ts=created, author=author,
        caption=f.optional("desc", text), hashtags=tags, mentions=mentions,
        sound_id=music.optional("id", ident),
        sound_props={k: v for k, v in {"title": music.optional("title", text),
                                       "author_name": music.optional("authorName", text)}.items()
                     if v is not None},
        reposts=[(duet, "duet")] if duet not in ("0", "") else [],
        props={k: v for k, v in {
            "region": f.optional("locationCreated", text),
            "lang": f.optional("textLanguage", text),
            "duration": Fields(video, file, number).optional("duration", count),
        }.items() if v is not None},
        counters={k: v for k, v in {
            "like_count": stats.optional("diggCount", count),
            "comment_count": stats.optional("commentCount", count),
            "share_count": stats.optional("shareCount", count),
            "view_count": stats.optional("playCount", count),
            "favorites_count": stats.optional("collectCount", count),
        }.items() if v is not None},
    )
    accounts = [account] + [Account(PLATFORM, m, username=m) for m in mentions]
    warnings = (f.warnings + stats.warnings + astats.warnings + music.warnings + duet_f.warnings
                + author_f.warnings)
    return Parsed(kind="items", accounts=accounts, posts=[post], warnings=warnings,
                  observed_ts=observed, file=file, record=number)


def read(path: Path) -> Iterator[Parsed]:
    file = str(path)
    for number, obj, error in iter_json_lines(path):
        if error is not None:
            yield reject_for("items", file, number, None, error, obj)
            continue
        if not isinstance(obj, dict):
            yield reject_for("items", file, number, None, "a line must be a JSON object", obj)
            continue
        observed = obj.get("timestamp_collected")
        try:
            observed_ts = timestamp(observed) if observed not in (None, "") else None
        except ValueError:
            observed_ts = None
        item = obj.get("data", obj) if "data" in obj else obj
        yield safely("items", file, number, obj, parse_item, item, file, number, observed_ts)


def read_csv(path: Path) -> Iterator[Parsed]:
    file = str(path)
    for number, row, error in iter_csv_rows(path):
        if error is not None or row is None:
            yield reject_for("items", file, number, None, error or "unreadable row", row)
            continue
        f = Fields(row, file, number)
        try:
            post_id = f.required("id", ident)
            created = f.required("unix_timestamp", timestamp, "timestamp")
            author = f.required("author", tiktok_user)
        except RecordError as exc:
            yield reject_for("items", file, number, exc.field, exc.reason, row)
            continue
        is_duet = f.optional("is_duet", boolean)
        post = Post(
            platform=PLATFORM, post_id=post_id, kind="video", created_ts=created, author=author,
            caption=f.optional("body", text), hashtags=f.optional("hashtags", hashtags) or [],
            sound_id=f.optional("music_id", ident),
            sound_props={k: row[col] for k, col in (("title", "music_name"),
                                                    ("author_name", "music_author")) if row.get(col)},
            props={k: v for k, v in {"region": f.optional("location_created", text),
                                     "is_duet": is_duet}.items() if v is not None},
            counters={k: v for k, v in {
                "like_count": f.optional("likes", count),
                "comment_count": f.optional("comments", count),
                "share_count": f.optional("shares", count),
                "view_count": f.optional("plays", count),
            }.items() if v is not None},
        )
        account = Account(
            PLATFORM, author, username=author,
            props={"display_name": row["author_full"]} if row.get("author_full") else {},
            counters={k: v for k, v in {
                "follower_count": f.optional("author_followers", count),
                "likes_count": f.optional("author_likes", count),
                "video_count": f.optional("author_videos", count),
            }.items() if v is not None},
        )
        yield Parsed(kind="items", accounts=[account], posts=[post], warnings=f.warnings,
                     file=file, record=number)
