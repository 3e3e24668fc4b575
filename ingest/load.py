"""Run one ingest: files -> readers -> batched graph writes, with rejects, counts and provenance.

Nodes are written before the relationships that need them, batch by batch, each batch one
``UNWIND $rows`` statement per label or type. Everything MERGEs on keys, so a re-run (after a crash,
or of overlapping exports) completes the graph without duplicates. Every source record is counted:
``read = loaded + rejected`` per record kind; rejected records go to a JSONL rejects file with the
file, record number, field, reason and the raw record.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import queue
import secrets
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graph.connection import Graph
from graph.errors import LockstepError
from graph.queries import load as q
from ingest import formats
from ingest.formats import common
from ingest.records import Parsed, account_key, post_key
from lockstep import __version__

DEFAULT_BATCH = 10_000


@dataclass
class IngestResult:
    run_id: str
    incident: str
    files: list[dict[str, Any]]
    skipped: list[str] = field(default_factory=list)
    read: Counter = field(default_factory=Counter)
    loaded: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    warnings: int = 0
    written: Counter = field(default_factory=Counter)   # rows sent per label / relationship
    created: Counter = field(default_factory=Counter)   # new in the graph per label / relationship
    seconds: float = 0.0
    rejects_file: str = ""
    warnings_file: str = ""

    def reconciles(self) -> bool:
        return all(self.read[k] == self.loaded[k] + self.rejected[k] for k in self.read)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "incident": self.incident, "files": self.files,
            "skipped_files": self.skipped,
            "read": dict(self.read), "loaded": dict(self.loaded), "rejected": dict(self.rejected),
            "field_warnings": self.warnings, "written": dict(self.written),
            "created": dict(self.created), "seconds": round(self.seconds, 3),
            "rejects_file": self.rejects_file, "warnings_file": self.warnings_file,
        }


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files, directories (recursively, known suffixes) and globs, in a stable order."""
    return [p for p, _ in _expand(paths)]


def _expand(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for every input file; files found in directories are not."""
    out: list[tuple[Path, bool]] = []
    for raw in paths:
        text = str(raw)
        matches = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else [text]
        if not matches:
            raise LockstepError(f"{text}: no file matches this pattern")
        for m in matches:
            p = Path(m)
            if p.is_dir():
                out += [(f, False) for f in sorted(p.rglob("*"))
                        if f.is_file() and f.suffix.lower() in formats.SUFFIXES]
            elif p.is_file():
                out.append((p, True))
            else:
                raise LockstepError(f"{p}: no such file or directory")
    seen: set[Path] = set()
    unique = [(p, e) for p, e in out if not (p.resolve() in seen or seen.add(p.resolve()))]
    if not unique:
        raise LockstepError("no input files found (looked for " + ", ".join(formats.SUFFIXES) + ")")
    return unique


def plan(paths: Iterable[str | Path], fmt: str | None = None
         ) -> tuple[list[tuple[Path, formats.Format]], list[str]]:
    """The files to read with their formats, and the files skipped.

    A file named on the command line must be readable (else an error names it); a file found
    inside a directory whose format is not recognised (a README.json, a ground-truth file) is
    skipped and reported, never silently.
    """
    chosen: list[tuple[Path, formats.Format]] = []
    skipped: list[str] = []
    for path, explicit in _expand(paths):
        if fmt:
            chosen.append((path, formats.get(fmt)))
            continue
        try:
            chosen.append((path, formats.detect(path)))
        except LockstepError:
            if explicit:
                raise
            skipped.append(str(path))
    if not chosen:
        raise LockstepError("no readable input files (skipped: " + ", ".join(skipped) + ")")
    return chosen, skipped


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _domain(url: str) -> str:
    return urlsplit(url).hostname or ""


class _Batch:
    """Rows waiting to be written, deduplicated by key within the batch."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in q.NODE_KEYS}
        self.rels: dict[str, set[tuple[str, ...]]] = {name: set() for name in q.RELATIONSHIPS}
        self.posts = 0

    def node(self, name: str, key: str, props: dict[str, Any] | None = None,
             counters: dict[str, Any] | None = None, counters_at: int | None = None) -> None:
        rows = self.nodes[name]
        row = rows.get(key)
        if row is None:
            rows[key] = {"key": key, "props": dict(props or {}),
                         "counters": dict(counters or {}) if counters else {},
                         "counters_at": counters_at if counters else None}
            return
        if props:
            row["props"].update(props)
        if counters and (row["counters_at"] is None or (counters_at or 0) >= row["counters_at"]):
            row["counters"].update(counters)
            row["counters_at"] = counters_at

    def size(self) -> int:
        return self.posts


class _Writer:
    """One background thread that runs the graph writes in order while parsing goes on.

    Parsing (Python) and writing (the server) then overlap; the queue is short so memory stays
    bounded, and the first failure stops the load (raised in the reading thread).
    """

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="lockstep-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if self._error is None:
                try:
                    job()
                except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                    self._error = exc

    def submit(self, job: Callable[[], None]) -> None:
        self.check()
        self._queue.put(job)

    def check(self) -> None:
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self.check()

    def close_quietly(self) -> None:
        """Stop after a failure elsewhere: drop pending writes, keep the original error."""
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put(None)
        self._thread.join()


class Loader:
    """Collects parsed records into batches and writes them in dependency order."""

    def __init__(self, graph: Graph, run_id: str, incident: str, batch_size: int,
                 observed_default: int) -> None:
        self._writer = _Writer()
        self.graph = graph
        self.run_id = run_id
        self.incident = incident
        self.batch_size = batch_size
        self.observed_default = observed_default
        self.batch = _Batch()
        self.written: Counter = Counter()
        self.created: Counter = Counter()
        # Stub nodes (key only) already written in this run need no second write.
        self._stubs_done: dict[str, set[str]] = defaultdict(set)

    def add(self, parsed: Parsed) -> None:
        b = self.batch
        observed = parsed.observed_ts or self.observed_default
        for acc in parsed.accounts:
            props = dict(acc.props, platform=acc.platform, account_id=acc.account_id)
            if acc.username:
                props["username"] = acc.username
            b.node("Account", acc.key, props, acc.counters, observed)
        for post in parsed.posts:
            key = post.key
            props = dict(post.props, platform=post.platform, post_id=post.post_id)
            if post.created_ts is not None:
                props.update(kind=post.kind, created_ts=post.created_ts)
            if post.caption is not None:
                props["caption"] = post.caption
            b.node("Video", key, props, post.counters, observed)
            b.posts += 1
            if post.author:
                a = account_key(post.platform, post.author)
                b.node("Account", a, {"platform": post.platform, "account_id": post.author})
                b.rels["POSTED"].add((a, key))
            for tag in post.hashtags:
                b.node("Hashtag", tag, {"name": tag})
                b.rels["TAGGED"].add((key, tag))
            if post.sound_id:
                s = f"{post.platform}:{post.sound_id}"
                b.node("Sound", s, dict(post.sound_props, platform=post.platform, sound_id=post.sound_id))
                b.rels["USES_SOUND"].add((key, s))
            for u in post.urls:
                b.node("Url", u, {"url": u, "domain": _domain(u)})
                b.rels["LINKS_TO"].add((key, u))
            for m in post.mentions:
                a = account_key(post.platform, m)
                b.node("Account", a, {"platform": post.platform, "account_id": m})
                b.rels["MENTIONS"].add((key, a))
            for target, kind in post.reposts:
                t = post_key(post.platform, target)
                b.node("Video", t, {"platform": post.platform, "post_id": target})
                b.rels["REPOSTED"].add((key, t, kind))
            if post.reply_to:
                t = post_key(post.platform, post.reply_to)
                b.node("Video", t, {"platform": post.platform, "post_id": post.reply_to})
                b.rels["COMMENTED"].add((key, t))
        for f in parsed.follows:
            a, c = account_key(f.platform, f.follower), account_key(f.platform, f.followee)
            b.node("Account", a, {"platform": f.platform, "account_id": f.follower})
            b.node("Account", c, {"platform": f.platform, "account_id": f.followee})
            b.rels["FOLLOWS"].add((a, c))
        for r in parsed.account_reposts:
            a, v = account_key(r.platform, r.account_id), post_key(r.platform, r.post_id)
            b.node("Account", a, {"platform": r.platform, "account_id": r.account_id})
            b.node("Video", v, {"platform": r.platform, "post_id": r.post_id})
            b.rels["REPOSTED_BY_ACCOUNT"].add((a, v, "repost"))
        if b.size() >= self.batch_size or sum(len(r) for r in b.rels.values()) >= 4 * self.batch_size:
            self.flush()

    def flush(self) -> None:
        b, self.batch = self.batch, _Batch()
        self._writer.submit(lambda: self._write_batch(b))

    def close(self) -> None:
        """Write what is left and wait for the writer; raises the first write failure."""
        self.flush()
        self._writer.close()

    def _write_batch(self, b: _Batch) -> None:
        for name, rows in b.nodes.items():
            todo = []
            done = self._stubs_done[name]
            for key, row in rows.items():
                stub = not row["counters"] and set(row["props"]) <= {"platform", "account_id",
                                                                      "post_id", "name", "url", "domain"}
                if stub and key in done:
                    continue
                if stub:
                    done.add(key)
                todo.append(row)
            self._write_nodes(name, todo)
        for name, rels in b.rels.items():
            prop = q.RELATIONSHIPS[name][3]
            rows = [{"a": r[0], "b": r[1], prop: r[2]} if prop else {"a": r[0], "b": r[1]}
                    for r in rels]
            for i in range(0, len(rows), self.batch_size * 4):
                chunk = rows[i:i + self.batch_size * 4]
                counters = q.merge_relationships(self.graph, name, chunk)
                self.written[name] += len(chunk)
                self.created[name] += counters["relationships_created"]

    def _write_nodes(self, name: str, rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), self.batch_size):
            chunk = rows[i:i + self.batch_size]
            counters = q.merge_nodes(self.graph, name, chunk, self.run_id, self.incident)
            self.written[name] += len(chunk)
            self.created[name] += counters["nodes_created"]


class _Sink:
    """The rejects and field-warnings files (JSONL), opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = None

    def write(self, record: dict[str, Any]) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "w", encoding="utf-8")
        self._fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def new_run_id(prefix: str = "ingest") -> str:
    return f"{prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def ingest(
    graph: Graph,
    paths: Iterable[str | Path],
    fmt: str | None = None,
    incident: str = "default",
    batch_size: int = DEFAULT_BATCH,
    out_dir: Path = Path(".lockstep") / "ingest",
    progress: Callable[[str, int, int], None] | None = None,
) -> IngestResult:
    """Load ``paths`` into ``graph``; returns the counts. Raises LockstepError on a lost server.

    ``progress(file, bytes_done, bytes_total)`` is called as files are read.
    """
    t0 = time.monotonic()
    chosen, skipped = plan(paths, fmt)
    run_id = new_run_id()
    file_info = [{"path": str(p), "format": f.name, "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                 for p, f in chosen]
    result = IngestResult(run_id=run_id, incident=incident, files=file_info, skipped=skipped)
    out_dir = Path(out_dir)
    rejects = _Sink(out_dir / f"rejects-{run_id}.jsonl")
    warnings = _Sink(out_dir / f"field-warnings-{run_id}.jsonl")
    result.rejects_file, result.warnings_file = str(rejects.path), str(warnings.path)
    q.start_ingest_run(graph, {
        "run_id": run_id, "incident": incident, "status": "running", "tool_version": __version__,
        "formats": sorted({f.name for _, f in chosen}), "file_paths": [i["path"] for i in file_info],
        "file_sha256": [i["sha256"] for i in file_info], "files_json": json.dumps(file_info),
        "batch_size": batch_size, "skipped_files": skipped,
    })
    loader = Loader(graph, run_id, incident, batch_size, observed_default=int(time.time()))
    total = sum(i["bytes"] for i in file_info)
    done_bytes = 0
    try:
        for path, fmt_obj in chosen:
            base = done_bytes

            def hook(pos: int, _base: int = base, _path: Path = path) -> None:
                if progress:
                    progress(str(_path), _base + pos, total)

            common.set_progress_hook(hook)
            for parsed in fmt_obj.read(path):
                result.read[parsed.kind] += 1
                if parsed.reject is not None:
                    result.rejected[parsed.kind] += 1
                    r = parsed.reject
                    rejects.write({"file": r.file, "record": r.record, "item": r.item,
                                   "kind": parsed.kind, "field": r.field, "reason": r.reason,
                                   "raw": r.raw})
                    continue
                result.loaded[parsed.kind] += 1
                for w in parsed.warnings:
                    result.warnings += 1
                    warnings.write({"file": w.file, "record": w.record, "field": w.field,
                                    "reason": w.reason, "value": w.value,
                                    "action": "loaded the record without this field"})
                loader.add(parsed)
            done_bytes += path.stat().st_size
            if progress:
                progress(str(path), done_bytes, total)
        loader.close()
    except BaseException:
        loader._writer.close_quietly()
        raise
    finally:
        common.set_progress_hook(None)
        rejects.close()
        warnings.close()
    result.written, result.created = loader.written, loader.created
    result.seconds = time.monotonic() - t0
    q.finish_ingest_run(graph, run_id, {
        "status": "completed", "read": sum(result.read.values()),
        "loaded": sum(result.loaded.values()), "rejected": sum(result.rejected.values()),
        "field_warnings": result.warnings, "counts_json": json.dumps(result.as_dict()),
        "rejects_file": os.path.abspath(result.rejects_file) if result.rejected else "",
        "seconds": result.seconds,
    })
    return result
