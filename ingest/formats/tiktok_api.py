"""TikTok Research API responses, saved as files.

* ``*.json``: one response body ``{"data": {...}, "error": {...}}`` per file: video query
  (``data.videos``), video comments (``data.comments``), user followers / following
  (``data.user_followers`` / ``data.user_following``), reposted videos (``data.reposted_videos``)
  or user info (``data`` holds the profile fields).
* ``*.jsonl``: one bare video object per line, or one wrapper per line.

The followers, following, reposts and user-info bodies do not name the user they are about. Lockstep
takes it from either

* the file name: ``user_info_<username>.json``, ``user_followers_<username>.json``,
  ``user_following_<username>.json``, ``reposted_videos_<username>.json``; or
* a wrapper: ``{"endpoint": "user_info" | "user_followers" | "user_following" |
  "reposted_videos", "username": "<username>", "response": <the body as the API returned it>}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ingest.formats.common import iter_json_lines, reject_for, safely, strip_bom
from ingest.normalize import (
    Fields,
    RecordError,
    boolean,
    count,
    handle,
    hashtags,
    ident,
    text,
    timestamp,
)
from ingest.records import Account, AccountRepost, Follow, Parsed, Post

NAME = "tiktok-api"
PLATFORM = "tiktok"
ENDPOINTS = ("user_info", "user_followers", "user_following", "reposted_videos")
_FILE_CONVENTION = re.compile(r"^(user_info|user_followers|user_following|reposted_videos)_(.+)$")
_VIDEO_COUNTERS = ("like_count", "comment_count", "share_count", "view_count")


def sniff(path: Path, head: bytes) -> bool:
    if path.suffix.lower() == ".json":
        if b'"endpoint"' in head and b'"response"' in head:
            return True
        keys = (b'"videos"', b'"comments"', b'"user_followers"', b'"user_following"',
                b'"reposted_videos"', b'"error"', b'"display_name"')
        return b'"data"' in head and any(k in head for k in keys)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        first = head.split(b"\n", 1)[0]
        return (b'"create_time"' in first and b'"username"' in first) or (
            b'"endpoint"' in first and b'"response"' in first)
    return False


def tiktok_user(value: Any) -> str:
    # TikTok handles are case-insensitive; exports differ in case, the graph must not.
    return handle(value).lower()


def _list_of_handles(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {type(value).__name__}")
    return [tiktok_user(v) for v in value if v]


def _string_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {type(value).__name__}")
    return [str(v) for v in value]


def parse_video(obj: Any, file: str, number: int, kind: str = "videos") -> Parsed:
    """One Research API video object -> a Post, its author and the accounts it mentions."""
    if not isinstance(obj, dict):
        return reject_for(kind, file, number, None, "a video must be a JSON object", obj)
    f = Fields(obj, file, number)
    try:
        post_id = f.required("id", ident)
        created = f.required("create_time", timestamp)
        author = f.required("username", tiktok_user)
    except RecordError as exc:
        return reject_for(kind, file, number, exc.field, exc.reason, obj)
    tags = f.optional("hashtag_names", hashtags) or []
    info = obj.get("hashtag_info_list")
    if isinstance(info, list):
        for item in info:
            if isinstance(item, dict) and isinstance(item.get("hashtag_name"), str):
                for tag in hashtags([item["hashtag_name"]]):
                    if tag not in tags:
                        tags.append(tag)
    mentions = f.optional("video_mention_list", _list_of_handles) or []
    label = obj.get("video_label")
    props = {
        "caption": f.optional("video_description", text),
        "region": f.optional("region_code", text),
        "duration": f.optional("video_duration", count),
        "voice_to_text": f.optional("voice_to_text", text),
        "effect_ids": f.optional("effect_ids", _string_list),
        "playlist_id": f.optional("playlist_id", ident),
        "is_stem_verified": f.optional("is_stem_verified", boolean),
        "video_label": label.get("content") if isinstance(label, dict) else None,
    }
    counters = {name: f.optional(name, count) for name in _VIDEO_COUNTERS}
    counters["favorites_count"] = f.optional("favorites_count", count, "favourites_count")
    post = Post(
        platform=PLATFORM, post_id=post_id, kind="video", created_ts=created, author=author,
        caption=props.pop("caption"), hashtags=tags, mentions=mentions,
        sound_id=f.optional("music_id", ident),
        props={k: v for k, v in props.items() if v is not None},
        counters={k: v for k, v in counters.items() if v is not None},
    )
    accounts = [Account(PLATFORM, author, username=author)]
    accounts += [Account(PLATFORM, m, username=m) for m in mentions]
    return Parsed(kind=kind, accounts=accounts, posts=[post], warnings=f.warnings, file=file,
                  record=number)


def parse_comment(obj: Any, file: str, number: int) -> Parsed:
    if not isinstance(obj, dict):
        return reject_for("comments", file, number, None, "a comment must be a JSON object", obj)
    f = Fields(obj, file, number)
    try:
        comment_id = f.required("id", ident)
        video_id = f.required("video_id", ident)
        created = f.required("create_time", timestamp)
    except RecordError as exc:
        return reject_for("comments", file, number, exc.field, exc.reason, obj)
    parent = f.optional("parent_comment_id", ident)
    post = Post(
        platform=PLATFORM, post_id=comment_id, kind="comment", created_ts=created,
        caption=f.optional("text", text),
        reply_to=parent if parent and parent not in ("0", video_id) else video_id,
        props={"video_id": video_id},
        counters={k: v for k in ("like_count", "reply_count")
                  if (v := f.optional(k, count)) is not None},
    )
    return Parsed(kind="comments", posts=[post], warnings=f.warnings, file=file, record=number)


def parse_user_info(data: Any, username: str, file: str, number: int) -> Parsed:
    if not isinstance(data, dict):
        return reject_for("user_info", file, number, "data", "user info must be a JSON object", data)
    f = Fields(data, file, number)
    props = {
        "display_name": f.optional("display_name", text),
        "bio": f.optional("bio_description", text),
        "avatar_url": f.optional("avatar_url", text),
        "bio_url": f.optional("bio_url", text),
        "is_verified": f.optional("is_verified", boolean),
    }
    counters = {k: f.optional(k, count) for k in
                ("follower_count", "following_count", "likes_count", "video_count")}
    account = Account(PLATFORM, username, username=username,
                      props={k: v for k, v in props.items() if v is not None},
                      counters={k: v for k, v in counters.items() if v is not None})
    return Parsed(kind="user_info", accounts=[account], warnings=f.warnings, file=file,
                  record=number)


def _follow_items(items: Any, username: str, endpoint: str, file: str) -> Iterator[Parsed]:
    kind = "followers" if endpoint == "user_followers" else "following"
    if not isinstance(items, list):
        yield reject_for(kind, file, 1, endpoint, "expected a list of users", items)
        return
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            yield reject_for(kind, file, number, endpoint, "a user must be a JSON object", item)
            continue
        f = Fields(item, file, number)
        try:
            other = f.required("username", tiktok_user)
        except RecordError as exc:
            yield reject_for(kind, file, number, exc.field, exc.reason, item)
            continue
        name = f.optional("display_name", text)
        follow = (Follow(PLATFORM, other, username) if endpoint == "user_followers"
                  else Follow(PLATFORM, username, other))
        yield Parsed(kind=kind, follows=[follow], warnings=f.warnings, file=file, record=number, accounts=[
            Account(PLATFORM, username, username=username),
            Account(PLATFORM, other, username=other,
                    props={"display_name": name} if name else {}),
        ])


def _reposts(items: Any, username: str, file: str) -> Iterator[Parsed]:
    if not isinstance(items, list):
        yield reject_for("reposts", file, 1, "reposted_videos", "expected a list of videos", items)
        return
    for number, item in enumerate(items, 1):
        parsed = safely("reposts", file, number, item, parse_video, item, file, number, kind="reposts")
        if parsed.reject is not None:
            # The reposted video may carry only its id: keep the repost link all the same.
            try:
                post_id = ident(item.get("id")) if isinstance(item, dict) else None
            except ValueError:
                post_id = None
            if post_id is None:
                yield parsed
                continue
            parsed = Parsed(kind="reposts", posts=[], file=file, record=number)
            parsed.account_reposts.append(AccountRepost(PLATFORM, username, post_id))
        else:
            parsed.account_reposts.append(AccountRepost(PLATFORM, username, parsed.posts[0].post_id))
        parsed.accounts.append(Account(PLATFORM, username, username=username))
        yield parsed


def _body(body: Any, file: str, number: int, username: str | None, endpoint: str | None
          ) -> Iterator[Parsed]:
    """Every record of one response body."""
    if not isinstance(body, dict):
        yield reject_for("responses", file, number, None, "a response must be a JSON object", body)
        return
    error = body.get("error")
    data = body.get("data")
    if isinstance(error, dict) and error.get("code") not in (None, "ok") and not data:
        yield reject_for("responses", file, number, "error",
                         f"the API returned an error: {error.get('code')}: {error.get('message')}", body)
        return
    if not isinstance(data, dict):
        yield reject_for("responses", file, number, "data", "missing or not an object", body)
        return
    if "videos" in data:
        videos = data["videos"]
        if not isinstance(videos, list):
            yield reject_for("videos", file, number, "data.videos", "expected a list", videos)
            return
        for i, video in enumerate(videos, 1):
            yield safely("videos", file, i, video, parse_video, video, file, i)
    elif "comments" in data:
        comments = data["comments"]
        if not isinstance(comments, list):
            yield reject_for("comments", file, number, "data.comments", "expected a list", comments)
            return
        for i, comment in enumerate(comments, 1):
            yield safely("comments", file, i, comment, parse_comment, comment, file, i)
    elif endpoint is None or username is None:
        yield reject_for("responses", file, number, "username",
                         "this response does not name its user: use the file name "
                         "user_info_<username>.json (or user_followers_, user_following_, "
                         "reposted_videos_) or a wrapper {endpoint, username, response}", body)
    elif endpoint in ("user_followers", "user_following"):
        yield from _follow_items(data.get(endpoint), username, endpoint, file)
    elif endpoint == "reposted_videos":
        yield from _reposts(data.get("reposted_videos"), username, file)
    else:
        yield safely("user_info", file, number, data, parse_user_info, data, username, file, number)


def _wrapper(obj: dict[str, Any], file: str, number: int) -> Iterator[Parsed]:
    endpoint = obj.get("endpoint")
    if endpoint not in ENDPOINTS:
        yield reject_for("responses", file, number, "endpoint",
                         f"unknown endpoint {endpoint!r} (expected one of {', '.join(ENDPOINTS)})", obj)
        return
    try:
        username = tiktok_user(obj.get("username"))
    except ValueError as exc:
        yield reject_for("responses", file, number, "username", str(exc), obj)
        return
    for parsed in _body(obj.get("response"), file, number, username, endpoint):
        if parsed.reject is not None and path_is_lines(file) and parsed.reject.record != number:
            # In a JSONL file the line is the record; the item inside the wrapper is secondary.
            parsed.reject.item, parsed.reject.record = parsed.reject.record, number
        yield parsed


def path_is_lines(file: str) -> bool:
    return file.lower().endswith((".jsonl", ".ndjson"))


def read(path: Path) -> Iterator[Parsed]:
    file = str(path)
    if path.suffix.lower() == ".json":
        try:
            body = orjson.loads(strip_bom(path.read_bytes()))
        except orjson.JSONDecodeError as exc:
            yield reject_for("responses", file, 1, None, f"malformed JSON: {exc}", None)
            return
        if isinstance(body, dict) and "endpoint" in body and "response" in body:
            yield from _wrapper(body, file, 1)
            return
        match = _FILE_CONVENTION.match(path.stem)
        endpoint, username = (match.group(1), match.group(2).lower()) if match else (None, None)
        yield from _body(body, file, 1, username, endpoint)
        return
    for number, obj, error in iter_json_lines(path):
        if error is not None:
            yield reject_for("lines", file, number, None, error, obj)
        elif isinstance(obj, dict) and "endpoint" in obj and "response" in obj:
            yield from _wrapper(obj, file, number)
        else:
            yield safely("videos", file, number, obj, parse_video, obj, file, number)
