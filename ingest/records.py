"""The canonical records every reader produces, whatever the source format.

A reader turns one source record (a JSON line, a CSV row, an item of a response page) into one
:class:`Parsed` unit: the entities and links it contains, or a :class:`Reject` saying why it could
not be used. The loader (``ingest/load.py``) writes units to the graph; nothing here does I/O.

Adding a format: write a module in ``ingest/formats/`` with ``sniff(path, head) -> bool`` and
``read(path) -> Iterator[Parsed]``, and list it in ``ingest/formats/__init__.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Account:
    platform: str
    account_id: str
    username: str | None = None
    props: dict[str, Any] = field(default_factory=dict)     # display_name, bio, created_at ...
    counters: dict[str, Any] = field(default_factory=dict)  # follower_count ... (newest wins)

    @property
    def key(self) -> str:
        return account_key(self.platform, self.account_id)


@dataclass(slots=True)
class Post:
    platform: str
    post_id: str
    kind: str                              # video | tweet | comment | share
    created_ts: int | None                 # Unix seconds, UTC
    author: str | None = None              # account_id of the author, when known
    caption: str | None = None
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)       # account_ids
    urls: list[str] = field(default_factory=list)
    sound_id: str | None = None
    sound_props: dict[str, Any] = field(default_factory=dict)
    reposts: list[tuple[str, str]] = field(default_factory=list)   # (post_id, kind)
    reply_to: str | None = None            # post_id this one comments on
    props: dict[str, Any] = field(default_factory=dict)
    counters: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return post_key(self.platform, self.post_id)


@dataclass(slots=True)
class Follow:
    platform: str
    follower: str       # account_id
    followee: str       # account_id


@dataclass(slots=True)
class AccountRepost:
    """An account reposted a post, with no time or post of its own (TikTok's reposts endpoint)."""

    platform: str
    account_id: str
    post_id: str


@dataclass(slots=True)
class Reject:
    file: str
    record: int          # 1-based line number (JSONL/CSV) or item number in a JSON file
    field: str | None
    reason: str
    raw: Any
    item: int | None = None   # the item inside the record (a list in a wrapper line), if any


@dataclass(slots=True)
class FieldWarning:
    """An optional field that could not be used; the record itself was loaded without it."""

    file: str
    record: int
    field: str
    reason: str
    value: Any


@dataclass(slots=True)
class Parsed:
    """What one source record yielded. ``kind`` names the source record type for the counts."""

    kind: str
    accounts: list[Account] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    account_reposts: list[AccountRepost] = field(default_factory=list)
    reject: Reject | None = None
    warnings: list[FieldWarning] = field(default_factory=list)
    observed_ts: int | None = None   # when the source saw it (newest counters win), if known
    file: str = ""        # where it came from (for a reject the database causes later)
    record: int = 0       # its record number there, as in :class:`Reject`


def account_key(platform: str, account_id: str) -> str:
    return f"{platform}:{account_id}"


def post_key(platform: str, post_id: str) -> str:
    return f"{platform}:{post_id}"
