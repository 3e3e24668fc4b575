"""The bulk path of ``lockstep ingest``: a first load into an empty local database through Neo4j's
offline importer (``graph/bulk_import.py``).

Reading, validation, rejects and counts are the online loader's: each file is read by the same
reader into one batch (:class:`ingest.load.Loader`'s ``add``), in worker processes
(:func:`read_files`; spawned, so nothing of the parent's driver is shared) while the server
stops. The parent takes the files' batches in file order (:class:`BulkLoader`):

* relationships go to CSV as they come, deduplicated over the whole run (the importer would
  create duplicates);
* node rows are merged in memory over the whole run, the way one batch already merges rows of
  one key (properties overwrite, a null removes, newer counters win: what the online ``MERGE``
  does across batches), and written once reading ends, with everything the online ``CREATE``
  sets: properties, counters and ``counters_at``, ``first_run``, ``incident``, ``seen_in``,
  ``incidents`` and, for videos, ``created_at``;
* values the CSV cannot hold exactly (*leftovers*, see graph/bulk_import.py) are set with Cypher
  after the import.

After the import the server starts again, the schema is created (constraints and indexes are
populated from the imported nodes), the leftovers are set, and the ``IngestRun``
is recorded with ``mode: "bulk"``. ``tests/test_ingest_bulk.py`` checks that the graph equals the
online loader's, node by node and property by property.

Where the time goes and why (the garbage collector is paused while reading, files are read in
processes, not threads): docs/benchmarks-ingest.md.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph import bulk_import
from graph.bulk_import import ImportFiles, ImportReport
from graph.connection import Graph
from graph.queries import load as q
from graph.schema import init_schema
from ingest.load import Loader, _Batch, no_gc, reject_record, warning_record

# Nodes per CSV part (relationship parts: 4x): large parts keep the importer's input list short.
BULK_BATCH = 100_000
# Below this much input the online loader is quicker than stopping and starting the server.
BULK_MIN_BYTES = 64 * 1024 * 1024


def _created_at(created_ts: list[Any]) -> tuple[str, pa.Array] | list[Any]:
    """``created_at`` from ``created_ts`` (Unix seconds), as the online loader derives it."""
    try:
        ts = pa.array(created_ts, pa.int64())
    except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError):
        return [None if t is None else datetime.fromtimestamp(t, UTC) for t in created_ts]
    text = pc.strftime(ts.cast(pa.timestamp("s", "UTC")), format="%Y-%m-%dT%H:%M:%SZ")
    return "datetime", text


class BulkLoader:
    """Collects the rows of every file (read by :func:`read_file`) into importer CSV parts.

    Relationships go to CSV as files arrive (deduplicated over the run). Node rows stay in memory
    for the whole run, merged by :meth:`ingest.load._Batch.node` exactly as the online loader's
    ``MERGE`` would merge them (properties overwrite, newer counters win), and are written when
    reading ends: the importer needs each node once. Memory: about 3 KB per video.
    """

    def __init__(self, graph: Graph, run_id: str, incident: str, observed_default: int,
                 work_dir: Path, batch_size: int = BULK_BATCH) -> None:
        self.graph = graph
        self.run_id = run_id
        self.incident = incident
        self.batch_size = max(1, batch_size)
        self.observed_default = observed_default
        self.batch = _Batch()
        self.written: Counter = Counter()
        self.created: Counter = Counter()
        self.files = ImportFiles(work_dir)
        self._rels_seen: dict[str, set[tuple[str, ...]]] = {name: set() for name in q.RELATIONSHIPS}
        self._rels_pending: dict[str, list[tuple[str, ...]]] = {name: [] for name in q.RELATIONSHIPS}
        self.leftovers: list[tuple[str, str, dict[str, Any]]] = []
        self._delimiter_free = not any(bulk_import.ARRAY_DELIMITER in v for v in (run_id, incident))

    def _take_relationships(self, batch_rels: dict[str, set[tuple[str, ...]]], final: bool = False) -> None:
        for name in self._rels_pending:
            rels = batch_rels.get(name)
            pending = self._rels_pending[name]
            if rels:
                seen = self._rels_seen[name]
                new = rels - seen
                seen |= new
                pending.extend(new)
                self.written[name] += len(rels)
                self.created[name] += len(new)
            if pending and (final or len(pending) >= 4 * self.batch_size):
                rtype, src, dst, prop = q.RELATIONSHIPS[name]
                self.files.add_relationships(name, rtype, src, dst, pending, prop)
                self._rels_pending[name] = []

    def merge(self, nodes: dict[str, dict[str, list[Any]]], rels: dict[str, set[tuple[str, ...]]]) -> None:
        """Take one file's rows (read by :func:`read_file`, maybe in another process), in file
        order: node rows merge as rows of one batch do; new relationships are kept for CSV."""
        run_nodes = self.batch.nodes
        node = self.batch.node
        for name, rows in nodes.items():
            have = run_nodes[name]
            common = have.keys() & rows.keys()
            # Keys new to the run are taken as they are (a C-level update); only keys seen in
            # an earlier file are merged row by row.
            earlier = {key: have[key] for key in common}
            have.update(rows)
            for key, row in earlier.items():
                have[key] = row
                new = rows[key]
                node(name, key, new[0], new[1], new[2])
        self._take_relationships(rels)

    def close(self) -> None:
        """Write the last relationships, then every node (what the online CREATE would set)."""
        self._take_relationships({}, final=True)
        self._rels_seen.clear()
        for name, rows in self.batch.nodes.items():
            items = list(rows.items())
            rows.clear()
            for i in range(0, len(items), self.batch_size):
                self._write_nodes(name, items[i:i + self.batch_size])

    def _write_nodes(self, name: str, items: list[tuple[str, list[Any]]]) -> None:
        """One CSV part: the properties, counters and provenance the online CREATE sets."""
        n = len(items)
        keys = [k for k, _ in items]
        rows = [r for _, r in items]
        names: dict[str, None] = {}
        counter_names: dict[str, None] = {}
        for props, counters, _ in rows:
            names.update(dict.fromkeys(props))
            if counters:
                counter_names.update(dict.fromkeys(counters))
        key_prop = q.NODE_KEYS[name]
        names.pop(key_prop, None)
        columns: dict[str, Any] = {}
        for prop in names:
            columns[prop] = [r[0].get(prop) for r in rows]
        for prop in counter_names:
            values = [r[1].get(prop) if r[1] else None for r in rows]
            if prop in columns:   # a counter named like a property: the counter is set last
                values = [c if c is not None else p for p, c in zip(columns[prop], values, strict=True)]
            columns[prop] = values
        if counter_names:
            columns["counters_at"] = [r[2] if r[1] else None for r in rows]
        columns["first_run"] = ("string", pa.array([self.run_id] * n, pa.string()))
        columns["incident"] = ("string", pa.array([self.incident] * n, pa.string()))
        if self._delimiter_free:
            columns["seen_in"] = ("string[]", pa.array([self.run_id] * n, pa.string()))
            columns["incidents"] = ("string[]", pa.array([self.incident] * n, pa.string()))
        else:
            columns["seen_in"] = [[self.run_id]] * n
            columns["incidents"] = [[self.incident]] * n
        if name == "Video" and "created_ts" in columns:
            columns["created_at"] = _created_at(columns["created_ts"])
        for key, extra in self.files.add_nodes(name, key_prop, keys, columns):
            self.leftovers.append((name, key, extra))
        self.written[name] += n
        self.created[name] += n

    def finish(self, state: Any, on_line: Callable[[str], None] | None = None) -> ImportReport:
        """Import the parts into the stopped server (``state``: what
        :func:`graph.bulk_import.stop_server` returned), start it again, create the schema and set
        the leftovers."""
        report = bulk_import.run_import(self.graph, self.files, state, on_line)
        t0 = time.monotonic()
        init_schema(self.graph)
        report.schema_seconds = time.monotonic() - t0
        t0 = time.monotonic()
        by_label: dict[str, list[list[Any]]] = {}
        for name, key, extra in self.leftovers:
            by_label.setdefault(name, []).append([key, extra])
        for name, rows in by_label.items():
            for i in range(0, len(rows), 5_000):
                q.set_node_properties(self.graph, name, rows[i:i + 5_000])
        report.leftover_seconds = time.monotonic() - t0
        return report


@dataclass
class FileRows:
    """What reading one file gives: its counts, rejects and field warnings, and its rows merged
    the way one batch merges them (:class:`ingest.load._Batch`)."""

    read: Counter
    loaded: Counter
    rejected: Counter
    rejects: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    nodes: dict[str, dict[str, list[Any]]]
    rels: dict[str, set[tuple[str, ...]]]


class _FileLoader(Loader):
    """:meth:`Loader.add` into one batch that is never written (a file's rows)."""

    def __init__(self, observed_default: int) -> None:
        self.batch = _Batch()
        self.batch_size = 1 << 62
        self.observed_default = observed_default


def read_file(path: Path, fmt_name: str, observed_default: int) -> FileRows:
    """Read one file with its format's reader (what ingest's sequential loop does per record)."""
    with no_gc():
        return _read_file(path, fmt_name, observed_default)


def _read_file(path: Path, fmt_name: str, observed_default: int) -> FileRows:
    from ingest import formats

    out = FileRows(Counter(), Counter(), Counter(), [], [], {}, {})
    loader = _FileLoader(observed_default)
    for parsed in formats.get(fmt_name).read(path):
        out.read[parsed.kind] += 1
        if parsed.reject is not None:
            out.rejected[parsed.kind] += 1
            out.rejects.append(reject_record(parsed))
            continue
        out.loaded[parsed.kind] += 1
        out.warnings.extend(warning_record(w) for w in parsed.warnings)
        loader.add(parsed)
    out.nodes, out.rels = loader.batch.nodes, loader.batch.rels
    return out


def read_files(files: list[tuple[Path, str]], observed_default: int, workers: int
               ) -> Iterator[tuple[Path, FileRows]]:
    """Read files in worker processes, yielding results in file order (the merge is then the
    same as a sequential read). At most ``2 * workers`` files are read ahead, so memory stays
    bounded. ``workers`` <= 1 reads here, one file at a time."""
    if workers <= 1 or len(files) < 2:
        for path, fmt in files:
            yield path, read_file(path, fmt, observed_default)
        return
    # spawn, not fork: the parent holds driver sockets and a progress thread.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque = deque()
        todo = iter(files)
        for path, fmt in todo:
            pending.append((path, pool.submit(read_file, path, fmt, observed_default)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            path, future = pending.popleft()
            result = future.result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((nxt[0], pool.submit(read_file, nxt[0], nxt[1], observed_default)))
            yield path, result


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
