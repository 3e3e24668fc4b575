"""The bulk path of ``lockstep ingest``: a first load into an empty local database through Neo4j's
offline importer (``graph/bulk_import.py``).

Reading, validation, rejects and counts are the online loader's: the same readers fill the same
batches (:class:`ingest.load.Loader`). Instead of transactions, every batch becomes CSV parts:

* a node's first row in the run goes to the CSV with everything the online loader's ``CREATE``
  sets: properties, counters and ``counters_at``, ``first_run``, ``incident``, ``seen_in``,
  ``incidents`` and, for videos, ``created_at``;
* a later row for the same node that would change something (the same rule as online) is kept
  and written after the import with the online loader's own ``MERGE`` statement, so overlapping
  exports merge and newer counters win exactly as online; so are the *leftovers* (values CSV
  cannot hold exactly, see graph/bulk_import.py);
* relationships are deduplicated over the whole run (the importer would create duplicates).

After the import the server starts again, the schema is created (constraints and indexes are
populated from the imported nodes), leftovers and later rows are written, and the ``IngestRun``
is recorded with ``mode: "bulk"``. ``tests/test_ingest_bulk.py`` checks that the graph equals the
online loader's, node by node and property by property.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import bulk_import
from graph.bulk_import import ImportFiles, ImportReport
from graph.connection import Graph
from graph.queries import load as q
from graph.schema import init_schema
from ingest.load import _STUB_PROPS, Loader, _Batch, _covers

# Posts per CSV part: large parts keep the importer's input list short; memory stays bounded by
# one batch (plus the keys of the run).
BULK_BATCH = 100_000
# Below this much input the online loader is quicker than stopping and starting the server.
BULK_MIN_BYTES = 64 * 1024 * 1024


class BulkLoader(Loader):
    """Turns the batches of :class:`Loader` into importer CSV parts instead of transactions."""

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
        # Per label: key -> what this run wrote for it ([props, counters, counters_at]) or None
        # (videos and stubs: a later row is always sent, as online).
        self._seen: dict[str, dict[str, list[Any] | None]] = {name: {} for name in q.NODE_KEYS}
        self._rels_seen: dict[str, set[tuple[str, ...]]] = {name: set() for name in q.RELATIONSHIPS}
        self.later: list[tuple[str, str, dict[str, Any], dict[str, Any] | None, int | None]] = []
        self.leftovers: list[tuple[str, str, dict[str, Any]]] = []

    def flush(self) -> None:
        b, self.batch = self.batch, _Batch()
        run, incident = self.run_id, self.incident
        for name, rows in b.nodes.items():
            seen, video, key_prop = self._seen[name], name == "Video", q.NODE_KEYS[name]
            first: list[tuple[str, dict[str, Any]]] = []
            for key, (props, counters, counters_at) in rows.items():
                stub = counters is None and props.keys() <= _STUB_PROPS
                if key in seen:
                    if stub:
                        continue
                    st = seen[key]
                    if st is not None and _covers(st, props, counters, counters_at):
                        continue
                    self.later.append((name, key, props, counters, counters_at))
                    self.written[name] += 1
                    if not video:
                        if st is None:
                            seen[key] = [props, counters, counters_at]
                        else:
                            st[0] = {**st[0], **props}
                            if counters is not None:
                                st[1], st[2] = counters, counters_at
                    continue
                seen[key] = None if (video or stub) else [props, counters, counters_at]
                p = dict(props)
                if counters:
                    p.update(counters)
                    p["counters_at"] = counters_at
                p["first_run"], p["incident"] = run, incident
                p["seen_in"], p["incidents"] = [run], [incident]
                if video and props.get("created_ts") is not None:
                    p["created_at"] = datetime.fromtimestamp(props["created_ts"], UTC)
                first.append((key, p))
            for key, extra in self.files.add_nodes(name, key_prop, first):
                self.leftovers.append((name, key, extra))
            self.written[name] += len(first)
            self.created[name] += len(first)
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
        self.flush()

    def abort(self) -> None:
        pass

    def finish(self, on_line: Callable[[str], None] | None = None) -> ImportReport:
        """Import the parts, start the server again, create the schema and write what the CSV
        could not hold (leftovers, then later rows, in the order they were read)."""
        self._seen.clear()
        self._rels_seen.clear()
        report = bulk_import.run_import(self.graph, self.files, on_line)
        init_schema(self.graph)
        by_label: dict[str, list[list[Any]]] = {}
        for name, key, extra in self.leftovers:
            by_label.setdefault(name, []).append([key, extra])
        for name, rows in by_label.items():
            for i in range(0, len(rows), 5_000):
                q.set_node_properties(self.graph, name, rows[i:i + 5_000])
        for i in range(0, len(self.later), 5_000):
            chunk = self.later[i:i + 5_000]
            grouped: dict[str, list[list[Any]]] = {}
            for name, key, props, counters, counters_at in chunk:
                rows = grouped.setdefault(name, [])
                row = [len(rows), key, props, counters or {}, counters_at, True]
                if name == "Video":
                    row.append(props.get("created_ts"))
                rows.append(row)
            self.graph.write_tx(lambda tx, g=grouped: [
                q.write_nodes(tx, name, rows, self.run_id, self.incident) for name, rows in g.items()])
        return report
