"""What both load paths share: parsed records merged into rows per key, and the reject and
field-warning records.

:class:`Batch` turns :class:`ingest.records.Parsed` records into node rows (deduplicated by key,
properties merged, newer counters win) and relationship rows. The online path
(``ingest/online.py``) writes a batch as one transaction; the bulk path (``ingest/bulk.py``) merges
one batch per file into the importer's CSV parts. Nothing here does graph I/O.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graph.errors import LockstepError
from graph.queries import load as q
from ingest.records import Parsed, account_key, post_key

# Props that only repeat a node's identity: a row with nothing else (and no counters) is a stub,
# written once per run (its node then exists; a stub never changes it).
STUB_PROPS = frozenset({"platform", "account_id", "post_id", "sound_id", "name", "url", "domain"})


def domain(url: str) -> str:
    return urlsplit(url).hostname or ""


class Batch:
    """Rows waiting to be written, deduplicated by key within the batch.

    ``nodes[label][key]`` is ``[props, counters, counters_at]``; ``rels[name]`` a set of
    ``(from key, to key[, kind])``. Every key a relationship names is also a node row of the batch.
    With ``keep_records`` the parsed records are kept too (``records``), so that a batch the
    database refuses can be written again record by record.
    """

    __slots__ = ("nodes", "rels", "posts", "rel_rows", "records", "authors", "conflicts")

    def __init__(self, keep_records: bool = False) -> None:
        self.nodes: dict[str, dict[str, list[Any]]] = {name: {} for name in q.NODE_KEYS}
        self.rels: dict[str, set[tuple[str, ...]]] = {name: set() for name in q.RELATIONSHIPS}
        self.posts = 0
        self.rel_rows = 0   # relationship rows added (before deduplication)
        self.records: list[Parsed] | None = [] if keep_records else None
        self.authors: dict[str, str] = {}         # video key -> its author's account key
        self.conflicts: list[dict[str, Any]] = []  # field-warning lines: a second author refused

    def node(self, name: str, key: str, props: dict[str, Any], counters: dict[str, Any] | None = None,
             counters_at: int | None = None) -> None:
        rows = self.nodes[name]
        row = rows.get(key)
        if row is None:
            rows[key] = [props, dict(counters) if counters else None, counters_at if counters else None]
            return
        if props:
            row[0].update(props)
        if counters and (row[2] is None or (counters_at or 0) >= row[2]):
            if row[1] is None:
                row[1] = dict(counters)
            else:
                row[1].update(counters)
            row[2] = counters_at

    def empty(self) -> bool:
        return not (self.posts or self.rel_rows or any(self.nodes.values()))

    def add(self, parsed: Parsed, observed_default: int) -> None:
        """Merge one loaded record into the batch (``observed_default``: when its counters were
        observed, if the source does not say)."""
        if self.records is not None:
            self.records.append(parsed)
        nodes = self.nodes
        accounts, videos = nodes["Account"], nodes["Video"]
        rels = self.rels
        observed = parsed.observed_ts or observed_default
        added = 0
        for acc in parsed.accounts:
            props = dict(acc.props, platform=acc.platform, account_id=acc.account_id)
            if acc.username:
                props["username"] = acc.username
            self.node("Account", acc.key, props, acc.counters, observed)
        for post in parsed.posts:
            platform = post.platform
            key = post_key(platform, post.post_id)
            props = dict(post.props, platform=platform, post_id=post.post_id)
            if post.created_ts is not None:
                props["kind"] = post.kind
                props["created_ts"] = post.created_ts
            if post.caption is not None:
                props["caption"] = post.caption
            self.node("Video", key, props, post.counters, observed)
            self.posts += 1
            if post.author:
                a = account_key(platform, post.author)
                if a not in accounts:
                    accounts[a] = [{"platform": platform, "account_id": post.author}, None, None]
                first = self.authors.setdefault(key, a)
                if first == a:
                    rels["POSTED"].add((a, key))
                    added += 1
                else:   # a post has one author: the first one seen wins
                    self.conflicts.append(author_conflict(parsed.file, parsed.record, key,
                                                          first.split(":", 1)[1], post.author))
            if post.hashtags:
                hashtags, tagged = nodes["Hashtag"], rels["TAGGED"]
                for tag in post.hashtags:
                    if tag not in hashtags:
                        hashtags[tag] = [{"name": tag}, None, None]
                    tagged.add((key, tag))
                added += len(post.hashtags)
            if post.sound_id:
                s = f"{platform}:{post.sound_id}"
                self.node("Sound", s, dict(post.sound_props, platform=platform, sound_id=post.sound_id))
                rels["USES_SOUND"].add((key, s))
                added += 1
            for u in post.urls:
                if u not in nodes["Url"]:
                    nodes["Url"][u] = [{"url": u, "domain": domain(u)}, None, None]
                rels["LINKS_TO"].add((key, u))
                added += 1
            for m in post.mentions:
                a = account_key(platform, m)
                if a not in accounts:
                    accounts[a] = [{"platform": platform, "account_id": m}, None, None]
                rels["MENTIONS"].add((key, a))
                added += 1
            for target, kind in post.reposts:
                t = post_key(platform, target)
                if t not in videos:
                    videos[t] = [{"platform": platform, "post_id": target}, None, None]
                rels["REPOSTED"].add((key, t, kind))
                added += 1
            if post.reply_to:
                t = post_key(platform, post.reply_to)
                if t not in videos:
                    videos[t] = [{"platform": platform, "post_id": post.reply_to}, None, None]
                rels["COMMENTED"].add((key, t))
                added += 1
        for f in parsed.follows:
            a, c = account_key(f.platform, f.follower), account_key(f.platform, f.followee)
            if a not in accounts:
                accounts[a] = [{"platform": f.platform, "account_id": f.follower}, None, None]
            if c not in accounts:
                accounts[c] = [{"platform": f.platform, "account_id": f.followee}, None, None]
            rels["FOLLOWS"].add((a, c))
            added += 1
        for r in parsed.account_reposts:
            a, v = account_key(r.platform, r.account_id), post_key(r.platform, r.post_id)
            if a not in accounts:
                accounts[a] = [{"platform": r.platform, "account_id": r.account_id}, None, None]
            if v not in videos:
                videos[v] = [{"platform": r.platform, "post_id": r.post_id}, None, None]
            rels["REPOSTED_BY_ACCOUNT"].add((a, v, "repost"))
            added += 1
        self.rel_rows += added


# (json.dumps escapes the other control characters itself)
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


class SinkError(LockstepError):
    """A rejects or warnings file could not be written (full disk, read-only directory)."""


class Sink:
    """A rejects or field-warnings file (JSONL), created on first use, owner-only.

    Lines are written in chunks with ``os.write``, which says how many bytes reached the file; if
    a write fails (a full disk), the file is cut back to its last complete line and
    :class:`SinkError` stops the run, so the file only ever holds whole records.
    """

    CHUNK = 1 << 16

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._buf: list[bytes] = []
        self._pending = 0
        self._size = 0      # bytes of complete lines in the file
        self._lines = 0     # ... and how many
        self.count = 0      # records written (or waiting in the buffer)

    @staticmethod
    def check_dir(path: Path) -> None:
        """Refuse before loading anything if ``path`` cannot hold the run's files."""
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / f".lockstep-write-test-{os.getpid()}"
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"{}\n")
            finally:
                os.close(fd)
                probe.unlink(missing_ok=True)
        except OSError as exc:
            raise SinkError(f"{path}: cannot write the rejects and warnings files here "
                            f"({exc.strerror or exc}); choose another --out-dir or free the disk. "
                            "Nothing was loaded.") from None

    def write(self, record: dict[str, Any]) -> None:
        # A lone surrogate (bytes that were not UTF-8) is kept as its JSON escape; so are the
        # characters that str.splitlines() breaks lines at (NEL, LS, PS), which may only occur
        # inside strings here: every line stays one line for whoever reads the file.
        text = json.dumps(record, ensure_ascii=False, default=str).translate(_LINE_BREAKS)
        line = (text + "\n").encode("utf-8", "backslashreplace")
        self._buf.append(line)
        self._pending += len(line)
        self.count += 1
        if self._pending >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self._buf:
            return
        data = b"".join(self._buf)
        self._buf, self._pending = [], 0
        done = 0
        try:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            view = memoryview(data)
            while done < len(data):
                done += os.write(self._fd, view[done:])
        except OSError as exc:
            whole = data.rfind(b"\n", 0, done) + 1   # bytes of complete lines that got there
            if self._fd is not None:
                try:
                    os.ftruncate(self._fd, self._size + whole)
                except OSError:
                    pass
            kept = self._lines + data.count(b"\n", 0, whole)
            raise SinkError(f"{self.path}: cannot write ({exc.strerror or exc}) after {kept} "
                            "record(s); the file holds complete records only. Free the disk or choose "
                            "another --out-dir, then run the ingest again (it adds nothing twice)."
                            ) from None
        self._size += len(data)
        self._lines += data.count(b"\n")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def close_quietly(self) -> None:
        """Close after a failure elsewhere: write what is buffered if possible, raise nothing."""
        try:
            self.close()
        except SinkError:
            pass


def reject_record(parsed: Parsed) -> dict[str, Any]:
    """The rejects-file line of a rejected record."""
    r = parsed.reject
    return {"file": r.file, "record": r.record, "item": r.item, "kind": parsed.kind,
            "field": r.field, "reason": r.reason, "raw": r.raw}


def refused_record(parsed: Parsed, exc: BaseException) -> dict[str, Any]:
    """The rejects-file line of a record the database refused even when written alone."""
    code = getattr(exc, "code", None) or type(exc).__name__
    message = (getattr(exc, "message", None) or str(exc)).splitlines()[0][:300]
    raw = {"accounts": [_units(a) for a in parsed.accounts], "posts": [_units(p) for p in parsed.posts],
           "follows": [_units(f) for f in parsed.follows],
           "account_reposts": [_units(r) for r in parsed.account_reposts]}
    return {"file": parsed.file, "record": parsed.record, "item": None, "kind": parsed.kind,
            "field": None, "reason": f"the database refused this record ({code}: {message})",
            "raw": {k: v for k, v in raw.items() if v}}


def _units(unit: Any) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in unit.__slots__}


def file_error(path: Path, records_read: int, exc: BaseException) -> dict[str, Any]:
    """The rejects-file line of a file that could not be read (``records_read``: how many of its
    records were read, and counted, before it failed)."""
    where = f" after record {records_read}" if records_read else ""
    detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return {"file": str(path), "record": None, "item": None, "kind": "file", "field": None,
            "reason": f"the file could not be read{where} ({type(exc).__name__}: {detail}); "
                      "the rest of it was skipped",
            "raw": None, "records_read": records_read}


def guarded(records: Iterator[Parsed], path: Path, errors: list[dict[str, Any]]) -> Iterator[Parsed]:
    """``records`` (one file's reader) until it fails: a damaged or unreadable file ends with a
    file-level reject in ``errors`` instead of a traceback, and the other files are still read."""
    n = 0
    try:
        for parsed in records:
            n += 1
            yield parsed
    except Exception as exc:  # noqa: BLE001 - any reader failure is the file's, reported as such
        errors.append(file_error(path, n, exc))


def author_conflict(file: str | None, record: int | None, video_key: str, kept: str,
                    refused: str) -> dict[str, Any]:
    """The field-warnings line of a record that names a second author for a post (the first
    author wins: see docs/formats.md, "Duplicates")."""
    post_id = video_key.split(":", 1)[1]
    return {"file": file, "record": record, "field": "author",
            "reason": f"post {post_id} already has author {kept!r}; this record says {refused!r}",
            "value": refused, "action": f"kept {kept!r}; loaded the record without its author"}


def warning_record(w: Any) -> dict[str, Any]:
    """The field-warnings-file line of an optional field that was dropped."""
    return {"file": w.file, "record": w.record, "field": w.field, "reason": w.reason,
            "value": w.value, "action": "loaded the record without this field"}


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading allocates millions of small dicts and lists
    (no cycles), and the collector's repeated passes over them cost ~20% of the read time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
