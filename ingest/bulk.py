"""The bulk path of ``lockstep ingest``: a first load into an empty local database through Neo4j's
offline importer (``graph/bulk_import.py``).

Reading, validation, rejects and counts are the online loader's: each file is read by the same
reader into one batch (:meth:`ingest.rows.Batch.add`), in worker processes
(:func:`read_files`; spawned, so nothing of the parent's driver is shared) while the server
stops. The workers hand back what pickles cheaply: videos (most of an incident) already as CSV
columns, relationships as tables (:func:`_read_file`). The parent takes the files in file order
(:class:`BulkLoader`) and, once reading ends, writes:

* every node once, merged over the whole run the way one batch already merges rows of one key
  (properties overwrite, a null removes, newer counters win: what the online ``MERGE`` does
  across batches), with everything the online ``CREATE`` sets: properties, counters and
  ``counters_at``, ``first_run``, ``incident``, ``seen_in``, ``incidents`` and, for videos,
  ``created_at``. A video with rows in several files (a reposted video is also in the video
  export) is rebuilt from the columns and merged in Python; where the columns cannot give its
  rows back exactly, the files are read again for it;
* every relationship once (the importer would create duplicates), naming its end nodes by the
  ids the node parts gave them (the importer then builds no id map);
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
from graph.bulk_import import ImportFiles, ImportReport, NodeColumns
from graph.connection import Graph
from graph.queries import load as q
from graph.schema import init_schema
from ingest.rows import Batch, author_conflict, guarded, no_gc, reject_record, warning_record

# Nodes per CSV part (relationship parts: 4x): large parts keep the importer's input list short.
BULK_BATCH = 100_000
# Below this much input the online loader is quicker than stopping and starting the server.
BULK_MIN_BYTES = 64 * 1024 * 1024


# Labels whose rows the workers turn into CSV columns themselves (the bulk of an incident): the
# parent then handles no Python object per row. Their keys with rows in more than one file are
# rebuilt from the columns (or read again) and merged in Python (:meth:`BulkLoader._merge_shared`).
COLUMNAR = ("Video",)


def _created_at(created_ts: list[Any]) -> tuple[str, pa.Array] | list[Any]:
    """``created_at`` from ``created_ts`` (Unix seconds), as the online loader derives it."""
    try:
        ts = pa.array(created_ts, pa.int64())
    except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError):
        return [None if t is None else datetime.fromtimestamp(t, UTC) for t in created_ts]
    text = pc.strftime(ts.cast(pa.timestamp("s", "UTC")), format="%Y-%m-%dT%H:%M:%SZ")
    return "datetime", text


def _node_values(name: str, items: list[tuple[str, list[Any]]]
                 ) -> tuple[list[str], dict[str, Any], set[str]]:
    """Merged rows ``(key, [props, counters, counters_at])`` as keys and one value list per
    property: what the online CREATE sets, except the run's provenance (:meth:`BulkLoader._write`);
    and which of the names are counters."""
    keys = [k for k, _ in items]
    rows = [r for _, r in items]
    # One pass over the rows (each row's dicts touched once) is twice as fast as one per name.
    n = len(rows)
    columns: dict[str, Any] = {}
    counter_values: dict[str, list[Any]] = {}
    for i, (props, counters, _) in enumerate(rows):
        for k, v in props.items():
            column = columns.get(k)
            if column is None:
                column = columns[k] = [None] * n
            column[i] = v
        if counters:
            for k, v in counters.items():
                column = counter_values.get(k)
                if column is None:
                    column = counter_values[k] = [None] * n
                column[i] = v
    columns.pop(q.NODE_KEYS[name], None)
    for prop, values in counter_values.items():
        if prop in columns:   # a counter named like a property: the counter is set last
            values = [c if c is not None else p for p, c in zip(columns[prop], values, strict=True)]
        columns[prop] = values
    if counter_values:
        columns["counters_at"] = [r[2] if r[1] else None for r in rows]
    if name == "Video" and "created_ts" in columns:
        columns["created_at"] = _created_at(columns["created_ts"])
    return keys, columns, set(counter_values)


def _is_stub(key: str, row: list[Any]) -> bool:
    """A video known only by its key (a comment's parent, a reposted video): merged with any other
    row of its key it changes nothing (its two values are the ones the key is made of; platform
    names hold no ``:``)."""
    props = row[0]
    if row[1] is not None or len(props) != 2:
        return False
    platform, post_id = props.get("platform"), props.get("post_id")
    return type(platform) is str and type(post_id) is str and key == f"{platform}:{post_id}"


# Columns derived from others when rows are written (not properties of the rows themselves).
_DERIVED = frozenset({"counters_at", "created_at"})


@dataclass
class FileColumns:
    """One file's rows of a :data:`COLUMNAR` label, built in the worker: full rows in CSV form
    (with their leftovers), and stubs (keys with their platform and post id).

    A key with full rows in several files is merged in Python: its rows are rebuilt from the
    columns (:meth:`rows`) unless the columns cannot give them back exactly, which ``exact`` says
    per part and ``irregular`` per key (a value set to None, a leftover); those keys are read
    again from their files instead."""

    full: NodeColumns
    leftovers: list[tuple[str, dict[str, Any]]]
    stubs: pa.Table
    counters: set[str]
    exact: bool
    irregular: set[str]

    def rows(self, keys: pa.Array) -> dict[str, list[Any]]:
        """The rows ``[props, counters, counters_at]`` of ``keys`` (all in this part), as the
        worker had them (datetimes come back in UTC and tuples as lists: written the same)."""
        part = self.full.filter(pc.is_in(self.full.keys, value_set=keys))
        names = part.keys.to_pylist()
        props: list[dict[str, Any]] = [{} for _ in names]
        counters: list[dict[str, Any]] = [{} for _ in names]
        for name, (kind, array) in part.columns.items():
            if name in _DERIVED:
                continue
            into = counters if name in self.counters else props
            for row, v in zip(into, bulk_import.column_values(kind, array), strict=True):
                if v is not None:
                    row[name] = v
        at = (part.columns["counters_at"][1].to_pylist() if "counters_at" in part.columns
              else [None] * len(names))
        return {k: [p, c or None, t if c else None]
                for k, p, c, t in zip(names, props, counters, at, strict=True)}


def _file_columns(name: str, rows: dict[str, list[Any]]) -> FileColumns:
    full: list[tuple[str, list[Any]]] = []
    stubs: list[tuple[str, str, str]] = []
    irregular: set[str] = set()
    for key, row in rows.items():
        if _is_stub(key, row):
            stubs.append((key, row[0]["platform"], row[0]["post_id"]))
            continue
        full.append((key, row))
        if None in row[0].values() or (row[1] and None in row[1].values()):
            irregular.add(key)   # a None removes a value: the columns cannot tell it from absent
    keys, columns, counters = _node_values(name, full)
    part, leftovers = bulk_import.node_columns(name, q.NODE_KEYS[name], keys, columns)
    irregular.update(k for k, _ in leftovers)
    props = {p for _, row in full for p in row[0]}
    exact = not (props & counters or props & _DERIVED)
    names = ("key", "platform", "post_id")
    stub_table = pa.table({n: pa.array([s[i] for s in stubs], pa.string()) for i, n in enumerate(names)})
    return FileColumns(part, leftovers, stub_table, counters, exact, irregular)


def _merge_file_rows(batch: Batch, name: str, rows: dict[str, list[Any]]) -> None:
    """Merge one file's rows of ``name`` into ``batch``, after the files before it (file order
    matters: later rows overwrite, newer counters win, as in :meth:`Batch.node`)."""
    have = batch.nodes[name]
    # Keys new to the batch are taken as they are (a C-level update); only keys seen in an
    # earlier file are merged row by row.
    earlier = {key: have[key] for key in have.keys() & rows.keys()}
    have.update(rows)
    for key, row in earlier.items():
        have[key] = row
        new = rows[key]
        batch.node(name, key, new[0], new[1], new[2])


class BulkLoader:
    """Collects the rows of every file (read by :func:`read_file`) into importer CSV parts.

    * :data:`COLUMNAR` labels (videos) arrive from the workers already in CSV form. A key in the
      rows of one file only (or only as a stub elsewhere) is final as it is; keys with rows in
      several files (a reposted video is also in the video export; overlapping exports) are
      rebuilt from the columns, or read again from those files where the columns cannot give
      the rows back exactly, and merged in file order by :meth:`ingest.rows.Batch.node`, as the
      online ``MERGE`` merges them (properties overwrite, newer counters win).
    * Other labels (accounts, hashtags, sounds, URLs: few keys, seen in many files) arrive as
      Python rows and are merged the same way as they come.
    * Relationships arrive as tables and are deduplicated over the run (the importer would create
      duplicates).

    Everything is written when reading ends: the importer needs each node once.
    """

    def __init__(self, graph: Graph, run_id: str, incident: str, observed_default: int,
                 work_dir: Path, batch_size: int = BULK_BATCH, workers: int = 1) -> None:
        self.graph = graph
        self.run_id = run_id
        self.incident = incident
        self.batch_size = max(1, batch_size)
        self.observed_default = observed_default
        self.workers = workers
        self.batch = Batch()
        self.written: Counter = Counter()
        self.created: Counter = Counter()
        self.files = ImportFiles(work_dir)
        self.leftovers: list[tuple[str, str, dict[str, Any]]] = []
        self.reread_files = 0   # files read a second time for keys they share with another file
        self.reread_keys: set[str] = set()   # ... and those keys
        self._tasks: list[tuple[Path, str]] = []
        self._columns: dict[str, list[tuple[int, FileColumns]]] = {name: [] for name in COLUMNAR}
        self._rels: dict[str, list[pa.Table]] = {name: [] for name in q.RELATIONSHIPS}
        self._posted_files: list[int] = []   # the file of each POSTED table
        # Field-warning lines: a file that named a second author for a post of an earlier file.
        self.conflicts: list[dict[str, Any]] = []
        self._delimiter_free = not any(bulk_import.ARRAY_DELIMITER in v for v in (run_id, incident))

    def merge(self, task: tuple[Path, str], rows: FileRows) -> None:
        """Take one file's rows (read by :func:`read_file`, maybe in another process), in file
        order."""
        index = len(self._tasks)
        self._tasks.append(task)
        for name, file_rows in rows.nodes.items():
            _merge_file_rows(self.batch, name, file_rows)
        for name, cols in rows.columns.items():
            self._columns[name].append((index, cols))
        for name, table in rows.rels.items():
            self._rels[name].append(table)
            self.written[name] += table.num_rows
            if name == "POSTED":
                self._posted_files.append(index)

    def close(self) -> None:
        """Write every node (what the online CREATE would set), then every relationship (they
        name their ends by the nodes' ids)."""
        for name in COLUMNAR:
            self._close_columnar(name)
        for name, rows in self.batch.nodes.items():
            items = list(rows.items())
            rows.clear()
            for i in range(0, len(items), self.batch_size):
                self._write_rows(name, items[i:i + self.batch_size])
        self._close_relationships()

    def _close_relationships(self) -> None:
        """Every relationship, named by its end nodes' ids (one id lookup per label for all
        types), deduplicated over the run."""
        if len(self._rels["POSTED"]) > 1:
            self._rels["POSTED"] = [self._first_authors(self._rels["POSTED"])]
        tables = {name: pa.concat_tables(ts) for name, ts in self._rels.items() if ts}
        self._rels = {name: [] for name in q.RELATIONSHIPS}
        ends: dict[str, list[tuple[str, int]]] = {}
        for name in tables:
            _, src, dst, _ = q.RELATIONSHIPS[name]
            ends.setdefault(src, []).append((name, 0))
            ends.setdefault(dst, []).append((name, 1))
        ids: dict[tuple[str, int], pa.ChunkedArray] = {}
        packable = sum(self.files.nodes.values()) < 1 << 31   # a (from, to) pair fits one int64
        for label, where in ends.items():
            found = self.files.node_ids(label, [tables[name].column(i) for name, i in where])
            ids.update(zip(where, found, strict=True))
        for name, table in tables.items():
            rtype, src, dst, prop = q.RELATIONSHIPS[name]
            start, end = ids[(name, 0)], ids[(name, 1)]
            if prop or not packable:
                rows = pa.table({"0": start, "1": end, **({"2": table.column(2)} if prop else {})})
                if len(self._tasks) > 1:
                    rows = rows.group_by(rows.column_names, use_threads=False).aggregate([])
            else:
                # Unique (from, to) pairs, each packed into one int64.
                pairs = pc.unique(pc.add(pc.shift_left(start, 31), end))
                rows = pa.table({"0": pc.shift_right(pairs, 31),
                                 "1": pc.bit_wise_and(pairs, (1 << 31) - 1)})
            self.files.add_relationship_table(name, rtype, src, dst, rows, prop, 4 * self.batch_size)
            self.created[name] += rows.num_rows

    def _first_authors(self, tables: list[pa.Table]) -> pa.Table:
        """The POSTED rows of every file, one author per video: the first file's (as online,
        where the first author loaded wins); each later file that names another author gets a
        field warning (its record number is not kept in a bulk load)."""
        files = pa.chunked_array([pa.array([f] * t.num_rows, pa.int32())
                                  for f, t in zip(self._posted_files, tables, strict=True)], pa.int32())
        rows = pa.concat_tables(tables)
        rows = rows.append_column("file", files).append_column(
            "order", pa.array(range(rows.num_rows), pa.int64()))
        first = rows.group_by("to", use_threads=False).aggregate([("order", "min")])
        keep = pc.is_in(rows["order"], value_set=first["order_min"])
        kept = rows.filter(keep)
        dropped = rows.filter(pc.invert(keep))
        if dropped.num_rows:
            author = dict(zip(kept["to"].to_pylist(), kept["from"].to_pylist(), strict=True))
            for a, v, f in zip(dropped["from"].to_pylist(), dropped["to"].to_pylist(),
                               dropped["file"].to_pylist(), strict=True):
                if author[v] != a:
                    self.conflicts.append(author_conflict(str(self._tasks[f][0]), None, v,
                                                          author[v].split(":", 1)[1],
                                                          a.split(":", 1)[1]))
                    self.written["POSTED"] -= 1
        return kept.select(["from", "to"])

    def _close_columnar(self, name: str) -> None:
        parts = self._columns[name]
        self._columns[name] = []
        if not parts:
            return
        full_keys = pa.chunked_array([c.full.keys for _, c in parts], pa.string())
        counts = pc.value_counts(full_keys)
        shared = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        if len(shared):
            self._merge_shared(name, parts, shared)
        gone = set(shared.to_pylist())
        for _, cols in parts:
            full, leftovers = cols.full, cols.leftovers
            if gone:
                full = full.filter(pc.invert(pc.is_in(full.keys, value_set=shared)))
                leftovers = [(k, e) for k, e in leftovers if k not in gone]
            self.leftovers.extend((name, k, e) for k, e in leftovers)
            for i in range(0, len(full.keys), self.batch_size):
                self._write(full.slice(i, self.batch_size))
        # Stubs of keys no file has a full row for, once each.
        stubs = pa.concat_tables([c.stubs for _, c in parts])
        stubs = stubs.filter(pc.invert(pc.is_in(stubs["key"], value_set=full_keys.combine_chunks())))
        if stubs.num_rows:
            unique = pc.unique(stubs["key"])
            stubs = stubs.take(pc.index_in(unique, value_set=stubs["key"]))
            for i in range(0, stubs.num_rows, self.batch_size):
                chunk = stubs.slice(i, self.batch_size)
                self._write(NodeColumns(name, q.NODE_KEYS[name], chunk["key"].combine_chunks(), {
                    "platform": ("string", chunk["platform"].combine_chunks()),
                    "post_id": ("string", chunk["post_id"].combine_chunks())}))

    def _merge_shared(self, name: str, parts: list[tuple[int, FileColumns]], shared: pa.Array) -> None:
        """Keys with full rows in several files: their rows, rebuilt from each file's columns (or,
        where the columns cannot give them back exactly, read again from the file), merged in
        file order the way the online MERGE merges them, then written."""
        wanted = set(shared.to_pylist())
        in_part = {i: pc.filter(shared, pc.is_in(shared, value_set=c.full.keys)) for i, c in parts}
        part_keys = {i: set(keys.to_pylist()) for i, keys in in_part.items()}
        bad: set[str] = set()   # keys whose rows some part cannot give back exactly
        for i, c in parts:
            bad |= part_keys[i] if not c.exact else c.irregular & wanted
        reread: dict[int, dict[str, list[Any]]] = {}
        if bad:
            indexes = sorted(i for i, _ in parts if part_keys[i] & bad)
            self.reread_files += len(indexes)
            self.reread_keys |= bad
            tasks = [self._tasks[i] for i in indexes]
            for i, (_, rows) in zip(indexes, read_files(tasks, self.observed_default, self.workers,
                                                        {name: bad}), strict=True):
                reread[i] = rows.nodes[name]
        merged = Batch()
        bad_keys = pa.array(sorted(bad), pa.string())
        for i, c in parts:
            keys = in_part[i]
            rows = c.rows(pc.filter(keys, pc.invert(pc.is_in(keys, value_set=bad_keys))) if bad else keys)
            rows.update(reread.get(i, {}))
            _merge_file_rows(merged, name, rows)
        items = list(merged.nodes[name].items())
        for j in range(0, len(items), self.batch_size):
            self._write_rows(name, items[j:j + self.batch_size])

    def _write_rows(self, name: str, items: list[tuple[str, list[Any]]]) -> None:
        keys, columns, _ = _node_values(name, items)
        part, leftovers = bulk_import.node_columns(name, q.NODE_KEYS[name], keys, columns)
        self.leftovers.extend((name, k, e) for k, e in leftovers)
        self._write(part)

    def _write(self, part: NodeColumns) -> None:
        """One CSV part, with the run's provenance the online CREATE sets."""
        n = len(part.keys)
        if not n:
            return
        extra = {"first_run": ("string", pa.array([self.run_id] * n, pa.string())),
                 "incident": ("string", pa.array([self.incident] * n, pa.string()))}
        if self._delimiter_free:
            extra["seen_in"] = ("string[]", pa.array([self.run_id] * n, pa.string()))
            extra["incidents"] = ("string[]", pa.array([self.incident] * n, pa.string()))
        else:   # a list CSV cannot hold: set after the import
            self.leftovers.extend((part.label, k, {"seen_in": [self.run_id], "incidents": [self.incident]})
                                  for k in part.keys.to_pylist())
        self.files.add_node_columns(part, extra)
        self.written[part.label] += n
        self.created[part.label] += n

    def finish(self, state: Any, on_line: Callable[[str], None] | None = None,
               on_started: Callable[[], None] | None = None) -> ImportReport:
        """Import the parts into the stopped server (``state``: what
        :func:`graph.bulk_import.stop_server` returned), start it again (then ``on_started()``:
        the run is recorded as soon as it can be), create the schema and set the leftovers."""
        report = bulk_import.run_import(self.graph, self.files, state, on_line)
        if on_started:
            on_started()
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
    """What reading one file gives: its counts, rejects and field warnings; its rows merged the
    way one batch merges them (:class:`ingest.rows.Batch`): Python rows for most labels,
    :class:`FileColumns` for the :data:`COLUMNAR` ones; its relationships as tables."""

    read: Counter
    loaded: Counter
    rejected: Counter
    rejects: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    nodes: dict[str, dict[str, list[Any]]]
    columns: dict[str, FileColumns]
    rels: dict[str, pa.Table]
    errors: list[dict[str, Any]]   # the file could not be read (to its end): file-level rejects
    conflicts: list[dict[str, Any]]   # field warnings: a record named a second author for a post


def read_file(path: Path, fmt_name: str, observed_default: int,
              only: dict[str, set[str]] | None = None) -> FileRows:
    """Read one file with its format's reader (what ingest's sequential loop does per record).
    With ``only`` (label -> keys), just those keys' Python rows (for a second read)."""
    with no_gc():
        return _read_file(path, fmt_name, observed_default, only)


def _read_file(path: Path, fmt_name: str, observed_default: int,
               only: dict[str, set[str]] | None) -> FileRows:
    from ingest import formats

    out = FileRows(Counter(), Counter(), Counter(), [], [], {}, {}, {}, [], [])
    batch = Batch()
    for parsed in guarded(formats.get(fmt_name).read(path), path, out.errors):
        out.read[parsed.kind] += 1
        if parsed.reject is not None:
            out.rejected[parsed.kind] += 1
            out.rejects.append(reject_record(parsed))
            continue
        out.loaded[parsed.kind] += 1
        out.warnings.extend(warning_record(w) for w in parsed.warnings)
        batch.add(parsed, observed_default)
    out.conflicts = batch.conflicts
    nodes = batch.nodes
    if only is not None:
        out.nodes = {name: {k: nodes[name][k] for k in keys if k in nodes[name]}
                     for name, keys in only.items()}
        return out
    out.columns = {name: _file_columns(name, nodes.pop(name)) for name in COLUMNAR}
    out.nodes = nodes
    out.rels = {name: bulk_import.relationship_table(rels, q.RELATIONSHIPS[name][3])
                for name, rels in batch.rels.items() if rels}
    return out


def read_files(files: list[tuple[Path, str]], observed_default: int, workers: int,
               only: dict[str, set[str]] | None = None) -> Iterator[tuple[Path, FileRows]]:
    """Read files in worker processes, yielding results in file order (the merge is then the
    same as a sequential read). At most ``2 * workers`` files are read ahead, so memory stays
    bounded. ``workers`` <= 1 reads here, one file at a time."""
    if workers <= 1 or len(files) < 2:
        for path, fmt in files:
            yield path, read_file(path, fmt, observed_default, only)
        return
    # spawn, not fork: the parent holds driver sockets and a progress thread.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque = deque()
        todo = iter(files)
        for path, fmt in todo:
            pending.append((path, pool.submit(read_file, path, fmt, observed_default, only)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            path, future = pending.popleft()
            result = future.result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((nxt[0], pool.submit(read_file, nxt[0], nxt[1], observed_default, only)))
            yield path, result


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
