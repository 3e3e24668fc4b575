"""Run one ingest: files -> readers -> batched graph writes, with rejects, counts and provenance.

Nodes are written before the relationships that need them, batch by batch, each batch one
transaction of ``UNWIND $rows`` statements (one per label, then one or two per relationship type).
Everything MERGEs on keys, so a re-run (after a crash, or of overlapping exports) completes the graph
without duplicates; where a MERGE provably cannot match (a node new to an empty label, a
relationship of a node created in the same transaction) a CREATE does the same work for less (see
:class:`Loader` and graph/queries/load.py). Every source record is counted:
``read = loaded + rejected`` per record kind; rejected records go to a JSONL rejects file with the
file, record number, field, reason and the raw record.
"""

from __future__ import annotations

import gc
import glob
import hashlib
import json
import os
import queue
import re
import secrets
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from neo4j.exceptions import ConstraintError

from graph.connection import Graph
from graph.errors import LockstepError
from graph.queries import load as q
from ingest import formats
from ingest.formats import common
from ingest.records import Parsed, account_key, post_key
from lockstep import __version__

# Posts per batch; a batch is one transaction. 5,000 measured best on a 2-core machine with a 4 GB
# heap (10,000 doubles the server's GC time: the whole batch's transaction state is live).
DEFAULT_BATCH = 5_000


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
    mode: str = "online"          # online (transactions) or bulk (offline importer)
    import_seconds: float = 0.0   # bulk: server stop + import + restart + schema + leftovers
    import_report: Any = None     # bulk: graph.bulk_import.ImportReport
    reread_files: int = 0         # bulk: files read again for keys they share with another file

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
            "mode": self.mode, "import_seconds": round(self.import_seconds, 3),
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


# Props that only repeat a node's identity: a row with nothing else (and no counters) is a stub,
# written once per run (its node then exists; a stub never changes it).
_STUB_PROPS = frozenset({"platform", "account_id", "post_id", "sound_id", "name", "url", "domain"})


class _Batch:
    """Rows waiting to be written, deduplicated by key within the batch.

    ``nodes[label][key]`` is ``[props, counters, counters_at]``; ``rels[name]`` a set of
    ``(from key, to key[, kind])``. Every key a relationship names is also a node row of the batch.
    """

    __slots__ = ("nodes", "rels", "posts", "rel_rows")

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, list[Any]]] = {name: {} for name in q.NODE_KEYS}
        self.rels: dict[str, set[tuple[str, ...]]] = {name: set() for name in q.RELATIONSHIPS}
        self.posts = 0
        self.rel_rows = 0   # relationship rows added (before deduplication)

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
    """Collects parsed records into batches and writes them in dependency order.

    Each batch is one transaction: a node statement per label (MERGE on the key; returns each
    node's internal id and whether the statement created it), then the relationships by internal
    id, CREATEd when an end node was created in this transaction (no relationship can exist yet:
    the node had none before, and no other transaction sees it before the commit), MERGEd
    otherwise. Labels that were empty when the run started get their new keys CREATEd (the key
    constraint still guards them: if another writer added one of those keys meanwhile, the batch
    fails on the constraint and is written again with MERGE, and so is the rest of the run).

    Across batches the loader remembers, per label, the internal id of every node this run has
    written (relationships then need no index lookup, and a stub is written once per run) and,
    except for videos, the properties and counters it wrote for the node: a later row that would
    change none of them (an author seen again, a follower listed twice) is not sent again. The ids
    are only trusted within the run: nothing else should delete the run's nodes while it loads.
    """

    def __init__(self, graph: Graph, run_id: str, incident: str, batch_size: int,
                 observed_default: int) -> None:
        self._writer = _Writer()
        self.graph = graph
        self.run_id = run_id
        self.incident = incident
        self.batch_size = max(1, batch_size)
        self.observed_default = observed_default
        self.batch = _Batch()
        self.written: Counter = Counter()
        self.created: Counter = Counter()
        self._ids: dict[str, dict[str, int]] = {name: {} for name in q.NODE_KEYS}
        self._state: dict[str, dict[str, list[Any]]] = {name: {} for name in q.NODE_KEYS}
        # Labels with no node when the run started: their new keys are CREATEd, not MERGEd.
        self._create_labels: set[str] = q.empty_labels(graph)

    def add(self, parsed: Parsed) -> None:
        b = self.batch
        nodes = b.nodes
        accounts, videos = nodes["Account"], nodes["Video"]
        rels = b.rels
        observed = parsed.observed_ts or self.observed_default
        added = 0
        for acc in parsed.accounts:
            props = dict(acc.props, platform=acc.platform, account_id=acc.account_id)
            if acc.username:
                props["username"] = acc.username
            b.node("Account", acc.key, props, acc.counters, observed)
        for post in parsed.posts:
            platform = post.platform
            key = post_key(platform, post.post_id)
            props = dict(post.props, platform=platform, post_id=post.post_id)
            if post.created_ts is not None:
                props["kind"] = post.kind
                props["created_ts"] = post.created_ts
            if post.caption is not None:
                props["caption"] = post.caption
            b.node("Video", key, props, post.counters, observed)
            b.posts += 1
            if post.author:
                a = account_key(platform, post.author)
                if a not in accounts:
                    accounts[a] = [{"platform": platform, "account_id": post.author}, None, None]
                rels["POSTED"].add((a, key))
                added += 1
            if post.hashtags:
                hashtags, tagged = nodes["Hashtag"], rels["TAGGED"]
                for tag in post.hashtags:
                    if tag not in hashtags:
                        hashtags[tag] = [{"name": tag}, None, None]
                    tagged.add((key, tag))
                added += len(post.hashtags)
            if post.sound_id:
                s = f"{platform}:{post.sound_id}"
                b.node("Sound", s, dict(post.sound_props, platform=platform, sound_id=post.sound_id))
                rels["USES_SOUND"].add((key, s))
                added += 1
            for u in post.urls:
                if u not in nodes["Url"]:
                    nodes["Url"][u] = [{"url": u, "domain": _domain(u)}, None, None]
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
        b.rel_rows += added
        if b.posts >= self.batch_size or (
                b.rel_rows >= 4 * self.batch_size
                and sum(len(r) for r in rels.values()) >= 4 * self.batch_size):
            self.flush()

    def flush(self) -> None:
        b, self.batch = self.batch, _Batch()
        if b.posts or b.rel_rows or any(b.nodes.values()):
            self._writer.submit(lambda: self._write_batch(b))

    def close(self) -> None:
        """Write what is left and wait for the writer; raises the first write failure."""
        self.flush()
        self._writer.close()

    def abort(self) -> None:
        """Stop after a failure elsewhere: drop pending writes, keep the original error."""
        self._writer.close_quietly()

    def _node_rows(self, b: _Batch) -> dict[str, tuple[list[list[Any]], list[str]]]:
        """Per label: the statement rows and their keys. Rows that would not change what this run
        already wrote are left out: a stub of a node the run wrote, and (except videos) a row
        whose properties and counters the run already wrote for that node."""
        out = {}
        for name, rows in b.nodes.items():
            ids, state = self._ids[name], self._state[name]
            video = name == "Video"
            todo: list[list[Any]] = []
            keys: list[str] = []
            for key, (props, counters, counters_at) in rows.items():
                known = key in ids
                if known:
                    if counters is None and props.keys() <= _STUB_PROPS:
                        continue
                    if not video:
                        st = state.get(key)
                        if st is not None and _covers(st, props, counters, counters_at):
                            continue
                row = [len(todo), key, props, counters or {}, counters_at, known]
                if video:
                    row.append(props.get("created_ts"))
                todo.append(row)
                keys.append(key)
            out[name] = (todo, keys)
        return out

    def _write_batch(self, b: _Batch) -> None:
        node_rows = self._node_rows(b)
        try:
            created = self.graph.write_tx(self._batch_work(b, node_rows))
        except ConstraintError:
            if not self._create_labels:
                raise
            # Someone else wrote one of the keys this run expected to be new: MERGE from now on.
            self._create_labels = set()
            created = self.graph.write_tx(self._batch_work(b, node_rows))
        for name, (rows, keys) in node_rows.items():
            if not rows:
                continue
            self.written[name] += len(rows)
            if name == "Video":
                continue
            state, nodes = self._state[name], b.nodes[name]
            for key in keys:
                props, counters, counters_at = nodes[key]
                if counters is None and props.keys() <= _STUB_PROPS:
                    continue
                st = state.get(key)
                if st is None:
                    state[key] = [props, counters, counters_at]
                else:
                    st[0] = {**st[0], **props}
                    if counters is not None:
                        st[1], st[2] = counters, counters_at
        for name, rels in b.rels.items():
            if rels:
                self.written[name] += len(rels)
        self.created.update(created)

    def _batch_work(self, b: _Batch, node_rows: dict[str, tuple[list[list[Any]], list[str]]]
                    ) -> Callable[[Any], Counter]:
        chunk = self.batch_size * 4
        run, incident = self.run_id, self.incident
        create_labels = self._create_labels

        def work(tx: Any) -> Counter:
            # The driver may run this again (a retried transaction): it only overwrites the ids of
            # this batch's keys, which every attempt writes.
            created: Counter = Counter()
            fresh: set[int] = set()
            for name, (rows, keys) in node_rows.items():
                if not rows:
                    continue
                ids = self._ids[name]
                if name in create_labels:
                    groups = [([r for r in rows if not r[5]], True), ([r for r in rows if r[5]], False)]
                else:
                    groups = [(rows, False)]
                for group, create in groups:
                    for i in range(0, len(group), self.batch_size):
                        out, n = q.write_nodes(tx, name, group[i:i + self.batch_size], run, incident,
                                               create)
                        created[name] += n
                        for pos, node_id, is_new in out:
                            ids[keys[pos]] = node_id
                            if is_new:
                                fresh.add(node_id)
            # Each statement runs on the server while the rows of the next one are built here.
            pending: list[tuple[str, Any]] = []
            for name, rels in b.rels.items():
                if not rels:
                    continue
                _, src, dst, prop = q.RELATIONSHIPS[name]
                sid, did = self._ids[src], self._ids[dst]
                if prop:
                    rows = [[sid[r[0]], did[r[1]], r[2]] for r in rels]
                else:
                    rows = [[sid[a], did[z]] for a, z in rels]
                if fresh:
                    new = [r for r in rows if r[0] in fresh or r[1] in fresh]
                    old = [r for r in rows if not (r[0] in fresh or r[1] in fresh)] if len(new) < len(rows) else []
                else:
                    new, old = [], rows
                for group, create in ((new, True), (old, False)):
                    for i in range(0, len(group), chunk):
                        pending.append((name, q.start_relationships(tx, name, group[i:i + chunk], create)))
            for name, result in pending:
                created[name] += result.consume().counters.relationships_created
            return created

        return work


def _covers(state: list[Any], props: dict[str, Any], counters: dict[str, Any] | None,
            counters_at: int | None) -> bool:
    """True if writing (props, counters) would change nothing after ``state`` (what this run
    wrote for the node: [merged props, last counters, their counters_at])."""
    written = state[0]
    for k, v in props.items():
        w = written.get(k, _MISSING)
        if w is not v and (type(w) is not type(v) or w != v):
            return False
    return counters is None or (counters == state[1] and counters_at == state[2])


_MISSING = object()


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


def reject_record(parsed: Parsed) -> dict[str, Any]:
    """The rejects-file line of a rejected record."""
    r = parsed.reject
    return {"file": r.file, "record": r.record, "item": r.item, "kind": parsed.kind,
            "field": r.field, "reason": r.reason, "raw": r.raw}


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


def new_run_id(prefix: str = "ingest") -> str:
    return f"{prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


MODES = ("auto", "online", "bulk")


def ingest(
    graph: Graph,
    paths: Iterable[str | Path],
    fmt: str | None = None,
    incident: str = "default",
    batch_size: int = DEFAULT_BATCH,
    out_dir: Path = Path(".lockstep") / "ingest",
    progress: Callable[[str, int, int], None] | None = None,
    mode: str = "auto",
    notify: Callable[[str], None] | None = None,
    bulk_batch: int | None = None,
    workers: int | None = None,
) -> IngestResult:
    """Load ``paths`` into ``graph``; returns the counts. Raises LockstepError on a lost server.

    ``mode``: ``online`` writes batched transactions (any server, any state); ``bulk`` loads an
    empty local database with Neo4j's offline importer (ingest/bulk.py; refused where it cannot
    run); ``auto`` takes bulk when it can run and the input is at least
    :data:`ingest.bulk.BULK_MIN_BYTES`, online otherwise. ``progress(file, bytes_done,
    bytes_total)`` is called as files are read; ``notify(message)`` reports the stages;
    ``bulk_batch`` is the number of rows per CSV part of a bulk load, ``workers`` the number of
    processes that read its files (default: the number of cores, up to 4).
    """
    from graph import bulk_import
    from ingest import bulk

    if mode not in MODES:
        raise LockstepError(f"unknown ingest mode {mode!r} (choose from {', '.join(MODES)})")
    say = notify or (lambda _msg: None)
    t0 = time.monotonic()
    started_ms = int(time.time() * 1000)
    chosen, skipped = plan(paths, fmt)
    run_id = new_run_id()
    file_info = [{"path": str(p), "format": f.name, "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                 for p, f in chosen]
    total = sum(i["bytes"] for i in file_info)
    if mode != "online":
        why_not = bulk_import.unavailable_reason(graph)
        if mode == "bulk" and why_not:
            raise LockstepError(f"A bulk import cannot run here: {why_not}. Use --mode online.")
        if mode == "auto":
            if why_not is None and total < bulk.BULK_MIN_BYTES:
                why_not = f"the input is small ({total / 1e6:.1f} MB < {bulk.BULK_MIN_BYTES / 1e6:.0f} MB)"
            mode = "online" if why_not else "bulk"
            say(f"mode {mode}" + (f": {why_not}" if why_not else
                                  ": empty local database, Neo4j's offline importer"))
    result = IngestResult(run_id=run_id, incident=incident, files=file_info, skipped=skipped,
                          mode=mode)
    out_dir = Path(out_dir)
    rejects = _Sink(out_dir / f"rejects-{run_id}.jsonl")
    warnings = _Sink(out_dir / f"field-warnings-{run_id}.jsonl")
    result.rejects_file, result.warnings_file = str(rejects.path), str(warnings.path)
    run_props = {
        "run_id": run_id, "incident": incident, "status": "running", "tool_version": __version__,
        "formats": sorted({f.name for _, f in chosen}), "file_paths": [i["path"] for i in file_info],
        "file_sha256": [i["sha256"] for i in file_info], "files_json": json.dumps(file_info),
        "batch_size": batch_size, "skipped_files": skipped, "mode": mode,
    }
    if mode == "bulk":
        with no_gc():
            _load_bulk(graph, chosen, result, run_props, started_ms, rejects, warnings, out_dir,
                       bulk_batch or bulk.BULK_BATCH, workers, progress, say, t0)
    else:
        q.start_ingest_run(graph, run_props)
        loader = Loader(graph, run_id, incident, batch_size, observed_default=int(time.time()))
        done_bytes = 0
        # No garbage collector passes over the batches (no cycles; they are freed by refcount).
        with no_gc():
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
                            rejects.write(reject_record(parsed))
                            continue
                        result.loaded[parsed.kind] += 1
                        for w in parsed.warnings:
                            result.warnings += 1
                            warnings.write(warning_record(w))
                        loader.add(parsed)
                    done_bytes += path.stat().st_size
                    if progress:
                        progress(str(path), done_bytes, total)
                loader.close()
            except BaseException:
                loader.abort()
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


def _load_bulk(graph: Graph, chosen: list[tuple[Path, formats.Format]], result: IngestResult,
               run_props: dict[str, Any], started_ms: int, rejects: _Sink, warnings: _Sink,
               out_dir: Path, bulk_batch: int, workers: int | None,
               progress: Callable[[str, int, int], None] | None, say: Callable[[str], None],
               t0: float) -> None:
    """The bulk path of :func:`ingest` (see ingest/bulk.py): files are read in worker processes
    while the server stops, merged in file order, imported, and the run recorded afterwards (the
    import replaces the database)."""
    from graph import bulk_import
    from ingest import bulk

    workers = workers or bulk.default_workers()
    loader = bulk.BulkLoader(graph, result.run_id, result.incident, int(time.time()),
                             out_dir / f"import-{result.run_id}", bulk_batch, workers)
    stopping: dict[str, Any] = {}

    def stop() -> None:
        try:
            stopping["state"] = bulk_import.stop_server(graph)
        except BaseException as exc:  # noqa: BLE001 - raised below, in the caller's thread
            stopping["error"] = exc

    stopper = threading.Thread(target=stop, name="lockstep-stop-server", daemon=True)
    stopper.start()
    total = sum(i["bytes"] for i in result.files)
    done_bytes = 0
    try:
        tasks = [(path, f.name) for path, f in chosen]
        for task, (path, rows) in zip(tasks, bulk.read_files(tasks, loader.observed_default, workers),
                                      strict=True):
            result.read.update(rows.read)
            result.loaded.update(rows.loaded)
            result.rejected.update(rows.rejected)
            for r in rows.rejects:
                rejects.write(r)
            for w in rows.warnings:
                warnings.write(w)
            result.warnings += len(rows.warnings)
            loader.merge(task, rows)
            done_bytes += path.stat().st_size
            if progress:
                progress(str(path), done_bytes, total)
        loader.close()
    except BaseException:
        stopper.join()
        if "state" in stopping:
            bulk_import.start_server(graph, stopping["state"])
        raise
    finally:
        rejects.close()
        warnings.close()
    stopper.join()
    if "error" in stopping:
        raise stopping["error"]
    files = loader.files
    result.reread_files = loader.reread_files
    again = f" ({loader.reread_files} file(s) read twice)" if loader.reread_files else ""
    say(f"read in {time.monotonic() - t0:.1f}s{again}; importing {sum(files.nodes.values()):,} nodes "
        f"and {sum(files.relationships.values()):,} relationships ({files.bytes / 1e6:,.0f} MB of "
        f"CSV in {files.work_dir}) ...")
    t_import = time.monotonic()
    stage = re.compile(r"\(\d/4\) |.* COMPLETED in |IMPORT DONE")

    def importer_line(line: str) -> None:
        if stage.match(line):   # the importer's stages, not its dotted progress lines
            say("  importer: " + line.strip())

    report = loader.finish(stopping["state"], importer_line)
    result.import_seconds = time.monotonic() - t_import
    result.import_report = report
    say(f"imported in {result.import_seconds:.1f}s: importer {report.import_seconds:.1f}s, server "
        f"start {report.start_seconds:.1f}s, schema {report.schema_seconds:.1f}s, "
        f"{len(loader.leftovers):,} leftover value(s) {report.leftover_seconds:.1f}s")
    q.start_ingest_run(graph, run_props, started_ms=started_ms)
    log = out_dir / f"import-{result.run_id}.log"
    shutil.move(report.log, log)
    report.log = str(log)
    shutil.rmtree(files.work_dir, ignore_errors=True)
    result.written, result.created = loader.written, loader.created
