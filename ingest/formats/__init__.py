"""Source formats: detection by file name and first bytes, or forced with ``--format``.

Each format is a name, a ``sniff(path, head) -> bool`` and a ``read(path) -> Iterator[Parsed]``.
Order matters: the first format whose sniff accepts a file reads it.

Every format's posts pass through :func:`with_caption_signals`: a post whose source gives no
hashtag list gets the ``#tags`` of its caption, and one whose source gives no link list gets the
links written in its caption (TikTok's APIs have no link field; news desks and link-pushing
accounts put their links in the caption). Structured fields always win over the caption.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LockstepError
from ingest.formats import actions, tiktok_api, twitter_io, zeeschuimer
from ingest.formats.common import read_head
from ingest.normalize import caption_hashtags, caption_urls
from ingest.records import Parsed


@dataclass(frozen=True)
class Format:
    name: str
    sniff: Callable[[Path, bytes], bool]
    read: Callable[[Path], Iterator[Parsed]]
    description: str


def with_caption_signals(read: Callable[[Path], Iterator[Parsed]]) -> Callable[[Path], Iterator[Parsed]]:
    """``read``, with hashtags and links taken from the caption where the source gives none."""

    def reader(path: Path) -> Iterator[Parsed]:
        for parsed in read(path):
            for post in parsed.posts:
                if post.caption:
                    if not post.hashtags:
                        post.hashtags = caption_hashtags(post.caption)
                    if not post.urls:
                        post.urls = caption_urls(post.caption)
            yield parsed

    return reader


FORMATS: tuple[Format, ...] = tuple(Format(name, sniff, with_caption_signals(read), description) for
                                    name, sniff, read, description in (
    (zeeschuimer.NAME, zeeschuimer.sniff, zeeschuimer.read, "Zeeschuimer / 4CAT TikTok NDJSON"),
    (tiktok_api.NAME, tiktok_api.sniff, tiktok_api.read, "TikTok Research API responses"),
    (twitter_io.NAME, twitter_io.sniff, twitter_io.read, "Twitter/X information-operations archive CSV"),
    (zeeschuimer.CSV_NAME, zeeschuimer.sniff_csv, zeeschuimer.read_csv, "4CAT TikTok CSV export"),
    (actions.COORTWEET, actions.sniff_coortweet, actions.read_coortweet, "CooRTweet action table (CSV/Parquet)"),
    (actions.CANONICAL, actions.sniff_canonical, actions.read_canonical, "Lockstep canonical CSV/JSONL"),
))
BY_NAME = {f.name: f for f in FORMATS}
SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".parquet")


class UnreadableFile(LockstepError):
    """A file that cannot be opened or whose structure is damaged (a Parquet file without its
    footer): it cannot even be recognised."""


def detect(path: Path) -> Format:
    try:
        head = read_head(path)
        first_line = head.split(b"\n", 1)[0][:120]
        for fmt in FORMATS:
            if fmt.sniff(path, head):
                return fmt
    except Exception as exc:  # noqa: BLE001 - a reader library's error is the file's
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise UnreadableFile(f"{path}: cannot be read ({type(exc).__name__}: {detail})") from exc
    raise LockstepError(
        f"{path}: format not recognised (first line: {first_line!r}). "
        f"Force one with --format ({', '.join(BY_NAME)}); docs/formats.md describes each."
    )


def get(name: str) -> Format:
    try:
        return BY_NAME[name]
    except KeyError:
        raise LockstepError(f"unknown format {name!r}; choose one of {', '.join(BY_NAME)}") from None
