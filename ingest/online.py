"""The online load path: batches of parsed records written as transactions to any server.

Nodes are written before the relationships that need them, batch by batch, each batch one
transaction of ``UNWIND $rows`` statements (one per label, then one or two per relationship type).
Everything MERGEs on keys, so a re-run (after a crash, or of overlapping exports) completes the
graph without duplicates; where a MERGE provably cannot match (a node new to an empty label, a
relationship of a node created in the same transaction) a CREATE does the same work for less (see
:class:`Loader` and graph/queries/load.py).

A batch the database refuses for its values (a value it cannot store or index) is written again
record by record: only the records it still refuses are rejected (:attr:`Loader.refused`), and
their valid neighbours are loaded.
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from neo4j.exceptions import ClientError, ConstraintError, DatabaseError

from graph.connection import Graph
from graph.queries import load as q
from ingest.records import Parsed, post_key
from ingest.rows import STUB_PROPS, Batch, author_conflict

# Posts per batch; a batch is one transaction. 5,000 measured best on a 2-core machine with a 4 GB
# heap (10,000 doubles the server's GC time: the whole batch's transaction state is live).
DEFAULT_BATCH = 5_000

# What the database (or the driver, packing the values) raises for values it cannot take: the
# batch is then written record by record. Lost servers and transient errors are not among them.
REFUSALS = (ClientError, DatabaseError, OverflowError, TypeError, ValueError)


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
        self.batch = Batch(keep_records=True)
        self.written: Counter = Counter()
        self.created: Counter = Counter()
        self._ids: dict[str, dict[str, int]] = {name: {} for name in q.NODE_KEYS}
        self._state: dict[str, dict[str, list[Any]]] = {name: {} for name in q.NODE_KEYS}
        # Labels with no node when the run started: their new keys are CREATEd, not MERGEd.
        self._create_labels: set[str] = q.empty_labels(graph)
        # Records the database refused even alone, with its error (the caller rejects them).
        self.refused: list[tuple[Parsed, BaseException]] = []
        # Field-warning lines: records that named a second author for a post (the first one wins).
        self.conflicts: list[dict[str, Any]] = []
        self._posted_conflicts: list[tuple[int, int, str]] = []

    def add(self, parsed: Parsed) -> None:
        b = self.batch
        b.add(parsed, self.observed_default)
        if b.posts >= self.batch_size or (
                b.rel_rows >= 4 * self.batch_size
                and sum(len(r) for r in b.rels.values()) >= 4 * self.batch_size):
            self.flush()

    def flush(self) -> None:
        b, self.batch = self.batch, Batch(keep_records=True)
        if not b.empty():
            self._writer.submit(lambda: self._write_batch(b))

    def close(self) -> None:
        """Write what is left and wait for the writer; raises the first write failure."""
        self.flush()
        self._writer.close()

    def abort(self) -> None:
        """Stop after a failure elsewhere: drop pending writes, keep the original error."""
        self._writer.close_quietly()

    def _node_rows(self, b: Batch) -> dict[str, tuple[list[list[Any]], list[str]]]:
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
                    if counters is None and props.keys() <= STUB_PROPS:
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

    def _write_batch(self, b: Batch, alone: bool = False) -> None:
        """Write one batch; if the database refuses its values, write its records one by one
        (``alone``: this batch is one record, refused records are rejected)."""
        node_rows = self._node_rows(b)
        try:
            created = self._commit(b, node_rows)
        except REFUSALS as exc:
            if alone:
                raise
            self._write_records(b, exc)
            return
        for name, (rows, keys) in node_rows.items():
            if not rows:
                continue
            self.written[name] += len(rows)
            if name == "Video":
                continue
            state, nodes = self._state[name], b.nodes[name]
            for key in keys:
                props, counters, counters_at = nodes[key]
                if counters is None and props.keys() <= STUB_PROPS:
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
        self.conflicts.extend(b.conflicts)
        if self._posted_conflicts:
            self._note_conflicts(b)

    def _note_conflicts(self, b: Batch) -> None:
        """Field warnings for the POSTED rows the graph refused (the video already had another
        author, from an earlier batch or run), naming the record that carried each."""
        by_ids = {(self._ids["Account"][a], self._ids["Video"][v]): (a, v) for a, v in b.rels["POSTED"]}
        for a_id, v_id, kept in self._posted_conflicts:
            a, v = by_ids[(a_id, v_id)]
            author = a.split(":", 1)[1]
            parsed = next((p for p in b.records or [] for post in p.posts
                           if post.author == author and post_key(post.platform, post.post_id) == v), None)
            self.conflicts.append(author_conflict(parsed.file if parsed else None,
                                                  parsed.record if parsed else None, v, kept, author))
            self.written["POSTED"] -= 1
        self._posted_conflicts.clear()

    def _commit(self, b: Batch, node_rows: dict[str, tuple[list[list[Any]], list[str]]]) -> Counter:
        try:
            try:
                return self.graph.write_tx(self._batch_work(b, node_rows))
            except ConstraintError:
                if not self._create_labels:
                    raise
                # Someone else wrote a key this run expected to be new: MERGE from now on.
                self._create_labels = set()
                return self.graph.write_tx(self._batch_work(b, node_rows))
        except BaseException:
            self._posted_conflicts.clear()
            # The transaction was rolled back: forget the ids it gave to nodes new to this run.
            for name, (rows, keys) in node_rows.items():
                ids = self._ids[name]
                for row, key in zip(rows, keys, strict=True):
                    if not row[5]:
                        ids.pop(key, None)
            raise

    def _write_records(self, b: Batch, error: BaseException) -> None:
        """The database refused batch ``b``: write each of its records alone, rejecting those it
        still refuses. If it refuses every record of a batch of several, the fault is not in the
        records (the server is failing): the original error stops the load."""
        records = b.records or []
        refused: list[tuple[Parsed, BaseException]] = []
        for parsed in records:
            one = Batch(keep_records=True)
            one.add(parsed, self.observed_default)
            try:
                self._write_batch(one, alone=True)
            except REFUSALS as exc:
                refused.append((parsed, exc))
        if len(records) > 1 and len(refused) == len(records):
            raise error
        self.refused.extend(refused)

    def _batch_work(self, b: Batch, node_rows: dict[str, tuple[list[list[Any]], list[str]]]
                    ) -> Callable[[Any], Counter]:
        chunk = self.batch_size * 4
        run, incident = self.run_id, self.incident
        create_labels = self._create_labels
        conflicts = self._posted_conflicts

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
                if fresh and name == "POSTED":
                    # Only a new video proves it has no author yet (a new account may be a second
                    # author of an old video: that row goes through the MERGE's check).
                    new = [r for r in rows if r[1] in fresh]
                    old = [r for r in rows if r[1] not in fresh] if len(new) < len(rows) else []
                elif fresh:
                    new = [r for r in rows if r[0] in fresh or r[1] in fresh]
                    old = [r for r in rows if not (r[0] in fresh or r[1] in fresh)] if len(new) < len(rows) else []
                else:
                    new, old = [], rows
                for group, create in ((new, True), (old, False)):
                    for i in range(0, len(group), chunk):
                        pending.append((name, q.start_relationships(tx, name, group[i:i + chunk], create)))
            conflicts.clear()   # (a retried transaction starts again)
            for name, result in pending:
                if name == "POSTED":
                    conflicts.extend(tuple(r.values()) for r in result)
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


