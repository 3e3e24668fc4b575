"""First load of an empty local database with Neo4j's offline importer.

``neo4j-admin database import full`` builds the store files directly from CSV: no Cypher, no locks,
no transaction log. On a 2-core machine the online loader (``ingest/load.py``, batched ``UNWIND``
transactions) writes about 16,000 relationships per second, because every row goes through the
Cypher runtime and the commit path; the importer writes several hundred thousand
(``docs/benchmarks-ingest.md``). It has two hard conditions, checked by :func:`unavailable_reason`:

* the store must be on this machine with the server stopped: only the local server that
  ``lockstep db start`` runs qualifies (never a server named by ``NEO4J_URI``);
* the database is replaced, so it must be empty: not a single node.

What goes into the CSV files (:class:`ImportFiles`):

* Each batch of rows becomes its own *part* per label or relationship type, with its own header,
  so batches may carry different properties. pyarrow's CSV writer quotes every string (quotes
  doubled, RFC 4180) and writes null as an empty field, which the importer reads as "no property";
  ``""`` stays an empty string.
* A column's type is the most common type of its values (``string``, ``long``, ``double``,
  ``boolean``, ``datetime``, or an array of one of the first four). A value that does not fit
  its column (a mixed column, a non-finite float, an integer beyond 64 bits), an empty list and
  ``[""]`` (both read back as no value), a list of mixed types and a string list holding the
  array delimiter (U+001F) cannot be written
  exactly: it comes back as a *leftover* ``(key, {property: value})`` for the caller to ``SET``
  with Cypher after the import. The graph is then the same as the online loader's.
* Rows with a line break in any string go to a part of their own that is declared multi-line
  (``--multiline-fields-format=v2``): the importer reads the other parts in parallel.
* Every node gets its store id from us (``--id-type=actual``: 0, 1, ... over all labels), and
  relationships name their ends by it, so the importer keeps no map from keys to nodes (for
  6.5M relationships its relationship stage takes 2 s instead of 21 s). Nodes must therefore be
  added before relationships. The key stays a property of its own.

The importer itself is Neo4j's ``org.neo4j.cli.AdminTool`` from the launcher's Maven classpath
(:func:`graph.local_server.admin_import`). :func:`stop_server` stops the server (ingest does it while
it reads the files: the empty database has nothing to serve), :func:`run_import` imports and starts
it again with the same port and memory settings.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graph import local_server
from graph.connection import Graph
from graph.errors import LockstepError
from graph.schema import label as check_label
from graph.schema import rel_type as check_rel_type

ARRAY_DELIMITER = "\x1f"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SCALAR_KINDS = {str: "string", int: "long", float: "double", bool: "boolean", datetime: "datetime"}
_ARROW = {"string": pa.string(), "long": pa.int64(), "double": pa.float64(),
          "boolean": pa.bool_(), "datetime": pa.string()}
_INT64 = (-(2 ** 63), 2 ** 63)
_WRITE = pacsv.WriteOptions(include_header=False)


def unavailable_reason(graph: Graph) -> str | None:
    """Why a bulk import cannot load into ``graph`` now, or None if it can."""
    if not graph.settings.local_data_dir:
        return ("the graph is not Lockstep's local server (NEO4J_URI is set): the importer needs "
                "the store files and a stopped server")
    n = graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    if n:
        return f"the database is not empty ({n:,} nodes): the importer replaces the whole database"
    return None


def _scalar_kind(v: Any) -> str | None:
    t = type(v)
    kind = _SCALAR_KINDS.get(t)
    if kind == "long" and not (_INT64[0] <= v < _INT64[1]):
        return None
    if kind == "double" and not math.isfinite(v):
        return None
    if kind == "datetime" and v.tzinfo is None:
        return None
    return kind


def value_kind(v: Any) -> str | None:
    """The CSV column type that holds ``v`` exactly, or None if no CSV value can."""
    t = type(v)
    if t is list or t is tuple:
        if not v:
            return None
        kinds = {_scalar_kind(x) for x in v}
        if len(kinds) != 1:
            return None
        (kind,) = kinds
        if kind is None or kind == "datetime":
            return None
        if kind == "string" and (v == [""] or any(ARRAY_DELIMITER in x for x in v)):
            return None   # [""] would read back as no value, like []
        return kind + "[]"
    return _scalar_kind(v)


def _cell(v: Any, kind: str) -> Any:
    """``v`` as pyarrow should write it in a column of ``kind``."""
    if kind == "datetime":
        v = v.astimezone(UTC)
        # The year by hand: strftime writes year 999 as "999", which is not ISO 8601.
        return (f"{v.year:04d}" + v.strftime("-%m-%dT%H:%M:%S")
                + (f".{v.microsecond:06d}" if v.microsecond else "") + "Z")
    if kind.endswith("[]"):
        if kind == "boolean[]":
            return ARRAY_DELIMITER.join("true" if x else "false" for x in v)
        if kind == "double[]":
            return ARRAY_DELIMITER.join(repr(x) for x in v)
        return ARRAY_DELIMITER.join(str(x) for x in v)
    return v


_FROM_TEXT: dict[str, Callable[[str], Any]] = {"string": str, "long": int, "double": float,
                                               "boolean": lambda x: x == "true"}


def column_values(kind: str, array: pa.Array) -> list[Any]:
    """The Python values of a column in CSV form (``kind``, as built by :func:`node_columns`):
    the inverse of :func:`_cell`; None where the row has no value."""
    values = array.to_pylist()
    if kind == "datetime":
        return [None if v is None else datetime.fromisoformat(v) for v in values]
    if kind.endswith("[]"):
        conv = _FROM_TEXT[kind[:-2]]
        return [None if v is None else [conv(x) for x in v.split(ARRAY_DELIMITER)] for v in values]
    return values


def _has_break(table: pa.Table) -> pa.ChunkedArray | None:
    """Per row: does any string column hold a line break? (None: no string column.)"""
    mask = None
    for column in table.columns:
        if not pa.types.is_string(column.type):
            continue
        hit = pc.fill_null(pc.match_substring_regex(column, r"[\r\n]"), False)
        mask = hit if mask is None else pc.or_(mask, hit)
    return mask


# Python types whose values pyarrow converts straight into their CSV column.
_FAST = {t: (kind, _ARROW[kind]) for t, kind in _SCALAR_KINDS.items() if kind != "datetime"}


def _column(values: list[Any], keys: list[str], name: str, leftovers: dict[str, dict[str, Any]]
            ) -> tuple[str | None, pa.Array | None]:
    """One property column as (CSV type, pyarrow array); values that do not fit go to
    ``leftovers``. The common case (one scalar type and nulls) is converted without a Python
    loop over the values."""
    types = set(map(type, values))
    types.discard(type(None))
    if not types:
        return None, None
    if len(types) == 1:
        (t,) = types
        fast = _FAST.get(t)
        if fast is not None:
            kind, arrow = fast
            try:
                array = pa.array(values, arrow)
            except (OverflowError, pa.ArrowInvalid):
                array = None   # an integer beyond 64 bits: the slow path below
            if array is not None and (t is not float or pc.all(pc.is_finite(array)).as_py() is not False):
                return kind, array
    votes = Counter(value_kind(v) for v in values if v is not None)
    votes.pop(None, None)
    kind = votes.most_common(1)[0][0] if votes else None
    out: list[Any] = []
    for key, v in zip(keys, values, strict=True):
        if v is not None and (kind is None or value_kind(v) != kind):
            leftovers.setdefault(key, {})[name] = v
            v = None
        out.append(None if v is None else _cell(v, kind))
    if kind is None:
        return None, None
    return kind, pa.array(out, _ARROW.get(kind, pa.string()))


@dataclass
class NodeColumns:
    """Rows of one label in CSV form, not yet written: the keys and each property's
    ``(CSV type, pyarrow array)``. Built by :func:`node_columns` (a worker process can build
    them: they pickle as plain buffers)."""

    label: str
    key_prop: str
    keys: pa.Array
    columns: dict[str, tuple[str, pa.Array]]

    def filter(self, mask: pa.Array) -> NodeColumns:
        return NodeColumns(self.label, self.key_prop, pc.filter(self.keys, mask),
                           {n: (k, pc.filter(a, mask)) for n, (k, a) in self.columns.items()})

    def slice(self, start: int, length: int) -> NodeColumns:
        return NodeColumns(self.label, self.key_prop, self.keys.slice(start, length),
                           {n: (k, a.slice(start, length)) for n, (k, a) in self.columns.items()})


def node_columns(label: str, key_prop: str, keys: list[str],
                 columns: dict[str, list[Any] | tuple[str, pa.Array]]
                 ) -> tuple[NodeColumns, list[tuple[str, dict[str, Any]]]]:
    """``label`` rows in CSV form, and the leftovers ``(key, {property: value})`` that no CSV
    value holds exactly (to SET after the import).

    ``columns[name]`` holds one value per key (None: no property), or is ``(kind, array)``: a
    pyarrow array already in its CSV form.
    """
    check_label(label)
    leftovers: dict[str, dict[str, Any]] = {}
    out: dict[str, tuple[str, pa.Array]] = {}
    for name, values in columns.items():
        if isinstance(values, tuple):
            out[name] = values
            continue
        if not _NAME.match(name):
            for key, v in zip(keys, values, strict=True):
                if v is not None:
                    leftovers.setdefault(key, {})[name] = v
            continue
        kind, array = _column(values, keys, name, leftovers)
        if kind is not None:
            out[name] = (kind, array)
    return NodeColumns(label, key_prop, pa.array(keys, pa.string()), out), list(leftovers.items())


def relationship_table(rows: Collection[tuple[str, ...]], prop: str | None = None) -> pa.Table:
    """Relationship rows ``(from key, to key[, prop value])`` as a table of string columns."""
    names = ["from", "to", "prop"][:3 if prop else 2]
    if not rows:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    return pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, zip(*rows, strict=True), strict=True)})


@dataclass
class ImportFiles:
    """CSV parts for one import, written batch by batch into ``work_dir``."""

    work_dir: Path
    nodes: Counter = field(default_factory=Counter)            # rows written per label
    relationships: Counter = field(default_factory=Counter)    # rows written per relationship name
    _parts: list[tuple[str, str, Path, bool]] = field(default_factory=list)  # (--nodes|--relationships, name, file, multiline)
    _next_id: int = 0
    _ids: dict[str, list[tuple[pa.Array, pa.Array]]] = field(default_factory=dict)  # label -> [(keys, ids)]
    _lookup: dict[str, tuple[pa.Array, pa.Array]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.work_dir = Path(self.work_dir).resolve()
        if any(c in str(self.work_dir) for c in ",="):
            # The importer's options separate files with "," and labels with "=".
            self.work_dir = Path(tempfile.mkdtemp(prefix="lockstep-import-"))
        if self.work_dir.exists():
            shutil.rmtree(self.work_dir)
        self.work_dir.mkdir(parents=True)

    def _write(self, option: str, name: str, header: list[str], columns: dict[str, pa.Array],
               mask: pa.Array | None = None) -> None:
        """One part (and its multi-line part: the rows with a line break, ``mask`` if given)."""
        table = pa.table(columns)
        if table.num_rows == 0:
            return
        if mask is None:
            mask = _has_break(table)
        groups = [(table, False)]
        if mask is not None and pc.any(mask).as_py():
            groups = [(table.filter(pc.invert(mask)), False), (table.filter(mask), True)]
        for part, multiline in groups:
            if part.num_rows == 0:
                continue
            path = self.work_dir / f"{name}-{len(self._parts):05d}{'-ml' if multiline else ''}.csv"
            with open(path, "wb") as fh:
                fh.write((",".join(header) + "\n").encode())
                pacsv.write_csv(part, fh, _WRITE)
            self._parts.append((option, name, path, multiline))

    def add_node_columns(self, part: NodeColumns,
                         extra: dict[str, tuple[str, pa.Array]] | None = None) -> None:
        """Write ``part`` (keys unique across the whole import), plus ``extra`` columns already
        in CSV form (one value per row). Every node must be added before any relationship."""
        check_label(part.label)
        n = len(part.keys)
        if not n:
            return
        if self.relationships:
            raise ValueError("nodes must be added before relationships (they need the node ids)")
        # The importer's "actual" ids: every node gets its store id from us (0, 1, ...), and the
        # relationships name their ends by it, so the importer needs no id map (its relationship
        # stage takes 2 s instead of 21 s for 6.5M relationships). The ids must rise across the
        # files in the order they are given, so rows that go to the multi-line part come last.
        columns = {**part.columns, **(extra or {})}
        table = pa.table({"1": part.keys, **{str(i + 2): array for i, (_, array) in enumerate(columns.values())}})
        mask = _has_break(table)
        if mask is not None and pc.any(mask).as_py():
            order = pc.sort_indices(mask)   # stable: False (one line) before True
            table, mask = table.take(order), pc.take(mask, order)
        ids = pa.array(np.arange(self._next_id, self._next_id + n, dtype=np.int64))
        self._next_id += n
        self._ids.setdefault(part.label, []).append((table.column("1").combine_chunks(), ids))
        self._lookup.pop(part.label, None)
        header = [":ID", f"{part.key_prop}:string"]
        header += [f"{name}:{kind}" for name, (kind, _) in columns.items()]
        self._write("--nodes", part.label, header,
                    {"0": ids, **dict(zip(table.column_names, table.columns, strict=True))}, mask)
        self.nodes[part.label] += n

    def _keys(self, label: str) -> tuple[pa.Array, pa.Array]:
        """Every key of ``label`` added so far and its id; refuses a key added twice (the
        importer would not: with our own ids the key is a plain property)."""
        if label not in self._lookup:
            added = self._ids.get(label, [])
            keys = pa.chunked_array([k for k, _ in added], pa.string()).combine_chunks()
            if pc.count_distinct(keys).as_py() != len(keys):
                counts = pc.value_counts(keys)
                twice = counts.field("values").filter(pc.greater(counts.field("counts"), 1))[0]
                raise LockstepError(f"bulk import: {label} {twice.as_py()!r} would be imported twice")
            self._lookup[label] = (keys, pa.chunked_array([i for _, i in added], pa.int64()).combine_chunks())
        return self._lookup[label]

    def node_ids(self, label: str, keys: list[pa.Array | pa.ChunkedArray]) -> list[pa.ChunkedArray]:
        """The ids of the ``label`` nodes with these keys (all added already), for each array of
        keys: one lookup for them all (it hashes every key of the label)."""
        known, ids = self._keys(label)
        chunks = [c for k in keys for c in (k.chunks if isinstance(k, pa.ChunkedArray) else [k])]
        whole = pa.chunked_array(chunks, pa.string())
        positions = pc.index_in(whole, value_set=known)
        if positions.null_count:
            missing = pc.filter(whole, pc.is_null(positions))[0]
            raise LockstepError(f"bulk import: a relationship names {label} {missing.as_py()!r}, "
                                "which is not among the nodes to import")
        found = pc.take(ids, positions)
        out, start = [], 0
        for k in keys:
            out.append(found.slice(start, len(k)))
            start += len(k)
        return out

    def add_relationship_table(self, name: str, rel_type: str, src: str, dst: str,
                               table: pa.Table, prop: str | None = None,
                               part_rows: int | None = None) -> None:
        """Write relationships, in parts of ``part_rows``: ``table``'s columns are the ids
        (:meth:`node_ids`) of the from and the to nodes and, with ``prop``, that property's
        (string) values: ``rel_type`` from ``src`` nodes to ``dst`` nodes; rows unique across the
        whole import."""
        check_rel_type(rel_type)
        check_label(src)
        check_label(dst)
        n = table.num_rows
        if not n:
            return
        header = [":START_ID", ":END_ID"] + ([f"{prop}:string"] if prop else [])
        step = part_rows or n
        for i in range(0, n, step):
            part = table.slice(i, step)
            self._write("--relationships", f"{rel_type}={src}-{dst}", header,
                        dict(zip(part.column_names, part.columns, strict=True)))
        self.relationships[name] += n

    def arguments(self) -> list[str]:
        """The importer's options for these parts (checks first that no key is added twice)."""
        for label in self._ids:
            self._keys(label)
        args = ["--overwrite-destination=true", "--array-delimiter=U+001F", "--id-type=actual",
                "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
                "--bad-tolerance=0", f"--report-file={self.work_dir / 'import.report'}"]
        multiline = [str(p) for _, _, p, ml in self._parts if ml]
        if multiline:
            args += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(multiline)]
        for option, name, path, _ in self._parts:
            target = name.split("=")[0]
            args.append(f"{option}={target}={path}")
        return args

    @property
    def bytes(self) -> int:
        return sum(p.stat().st_size for _, _, p, _ in self._parts)


@dataclass
class ImportReport:
    nodes: int
    relationships: int
    properties: int
    seconds: float          # import + start
    log: str
    import_seconds: float = 0.0
    start_seconds: float = 0.0
    schema_seconds: float = 0.0     # set by the caller
    leftover_seconds: float = 0.0   # set by the caller


_IMPORTED = re.compile(r"Imported:\s+(\d+) nodes\s+(\d+) relationships\s+(\d+) properties", re.S)


def stop_server(graph: Graph) -> local_server.ServerState:
    """Stop the local server ``graph`` points at (the importer needs the store); returns its
    state, for :func:`start_server`."""
    data_dir = graph.settings.local_data_dir
    if not data_dir:
        raise LockstepError("A bulk import needs Lockstep's local server (NEO4J_URI is set).")
    state = local_server.status(Path(data_dir))
    if state is None:
        raise LockstepError(f"The local Neo4j in {data_dir} is not running.")
    local_server.stop(Path(data_dir))
    return state


def start_server(graph: Graph, state: local_server.ServerState) -> None:
    """Start the local server again with the port and memory settings it had; reconnect."""
    local_server.start(Path(state.home).parent, port=state.port, heap=state.heap,
                       pagecache=state.pagecache)
    graph.reconnect()


def run_import(graph: Graph, files: ImportFiles, state: local_server.ServerState,
               on_line: Callable[[str], None] | None = None) -> ImportReport:
    """Import ``files`` into the stopped local server's database, then start the server again.

    ``state`` is what :func:`stop_server` returned. If the importer fails, the (half-written)
    database is deleted, the server starts on an empty one and the error says what went wrong:
    the database was empty before, so nothing is lost.
    """
    data_dir = Path(state.home).parent
    database = graph.database
    log = files.work_dir / "import.log"
    t1 = time.monotonic()
    try:
        out = local_server.admin_import(data_dir, database, files.arguments(), log, on_line)
    except BaseException:
        local_server.wipe_database(data_dir, database)
        start_server(graph, state)
        raise
    t2 = time.monotonic()
    start_server(graph, state)
    t3 = time.monotonic()
    match = _IMPORTED.search(out)
    if match is None:
        raise LockstepError(f"Neo4j's importer finished without a summary; see {log}.")
    n, r, p = (int(x) for x in match.groups())
    if n != sum(files.nodes.values()) or r != sum(files.relationships.values()):
        raise LockstepError(f"Neo4j's importer loaded {n:,} nodes and {r:,} relationships, expected "
                            f"{sum(files.nodes.values()):,} and {sum(files.relationships.values()):,}; "
                            f"see {log}.")
    return ImportReport(nodes=n, relationships=r, properties=p, seconds=t3 - t1, log=str(log),
                        import_seconds=t2 - t1, start_seconds=t3 - t2)
