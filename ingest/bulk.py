"""The bulk path of ``lockstep ingest``: a first load into an empty local database through Neo4j's
offline importer (``graph/bulk_import.py``).

Reading, validation, rejects and counts are the online loader's: the same readers fill the same
batches (:class:`ingest.load.Loader`). Instead of transactions, every batch becomes CSV parts:

* relationships go to CSV batch by batch, deduplicated over the whole run (the importer would
  create duplicates);
* node rows are merged in memory over the whole run, the way the batches already merge rows of
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
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
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
from ingest.load import Loader, _Batch

# Posts per CSV part: large parts keep the importer's input list short; memory stays bounded by
# one batch (plus the keys of the run).
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


class BulkLoader(Loader):
    """Turns the batches of :class:`Loader` into importer CSV parts instead of transactions.

    Relationships are written batch by batch (deduplicated over the run). Node rows stay in
    memory for the whole run, merged by :meth:`_Batch.node` exactly as the online loader's
    ``MERGE`` would merge them (properties overwrite, newer counters win), and are written when
    reading ends: the importer needs each node once. Memory: about 2 KB per video.
    """

    def __init__(self, graph: Graph, run_id: str, incident: str, observed_default: int,
                 work_dir: Path, batch_size: int = BULK_BATCH) -> None:
        # Loader.__init__ would start a writer thread and ask the graph: neither is needed here.
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
        self.leftovers: list[tuple[str, str, dict[str, Any]]] = []
        self._delimiter_free = not any(bulk_import.ARRAY_DELIMITER in v for v in (run_id, incident))

    def flush(self) -> None:
        """Write the batch's new relationships; its node rows stay for the next batch."""
        b = self.batch
        self.batch = _Batch()
        self.batch.nodes = b.nodes
        for name, rels in b.rels.items():
            if not rels:
                continue
            seen_rels = self._rels_seen[name]
            new = [r for r in rels if r not in seen_rels]
            seen_rels.update(new)
            rtype, src, dst, prop = q.RELATIONSHIPS[name]
            self.files.add_relationships(name, rtype, src, dst, new, prop)
            self.written[name] += len(rels)
            self.created[name] += len(new)

    def close(self) -> None:
        """Write the last relationships, then every node (what the online CREATE would set)."""
        self.flush()
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

    def abort(self) -> None:
        pass

    def finish(self, on_line: Callable[[str], None] | None = None) -> ImportReport:
        """Import the parts, start the server again, create the schema and set the leftovers."""
        report = bulk_import.run_import(self.graph, self.files, on_line)
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
