"""Batched ``UNWIND $rows`` writes that ingest uses to load entities and relationships.

Every node statement MERGEs on the key constraint, so loading the same rows twice changes nothing.
Counters (``*_count``) are replaced only by an observation at least as new (``counters_at``).
Labels, relationship types and key properties come from the fixed tables below, never from input.

How a batch is written (``ingest/load.py`` drives it, all in one transaction):

1. one node statement per label: rows are flat lists (``row[1]`` ...), not nested maps. It returns,
   per row, the node's internal id and whether this very statement created it (``fresh``). For a
   label that was empty when the run started, new keys are CREATEd instead (``NODE_CREATE``; the
   key constraint rejects a duplicate, and the loader then falls back to MERGE).
2. relationship statements address their end nodes by internal id (``MATCH (a:Video) WHERE
   id(a) = row[0]``): a record lookup instead of two locking unique-index seeks per row. A
   relationship with a ``fresh`` end node cannot exist yet (that node had no relationships before
   this transaction, and other transactions cannot see it before it commits), so those rows are
   CREATEd; every other row is MERGEd as before.

``id()`` is deprecated in Neo4j 5 in favour of ``elementId()`` but still supported (including the
2025 releases); ids are only used inside one ingest run, for nodes that run wrote (see ingest/load.py).
"""

from __future__ import annotations

from typing import Any

from graph.connection import Graph
from graph.schema import label, rel_type

# label -> key property; every node row carries the key value.
NODE_KEYS = {"Account": "key", "Video": "key", "Hashtag": "name", "Sound": "key", "Url": "url"}

# relationship name -> (type, from label, to label, extra property or None)
RELATIONSHIPS: dict[str, tuple[str, str, str, str | None]] = {
    "POSTED": ("POSTED", "Account", "Video", None),
    "TAGGED": ("TAGGED", "Video", "Hashtag", None),
    "USES_SOUND": ("USES_SOUND", "Video", "Sound", None),
    "LINKS_TO": ("LINKS_TO", "Video", "Url", None),
    "MENTIONS": ("MENTIONS", "Video", "Account", None),
    "REPOSTED": ("REPOSTED", "Video", "Video", "kind"),
    "REPOSTED_BY_ACCOUNT": ("REPOSTED", "Account", "Video", "kind"),
    "COMMENTED": ("COMMENTED", "Video", "Video", None),
    "FOLLOWS": ("FOLLOWS", "Account", "Account", None),
}

# Node rows: [position, key, props, counters, counters_at, known, created_ts]
#   position   index of the row in the statement, echoed back with the id
#   props      map of properties (set on create and on match)
#   counters   map of *_count properties (set on create; on match only if counters_at is newer)
#   known      true if this ingest run already wrote the node in an earlier batch
#   created_ts Video only: Unix seconds of creation (created_at is derived from it), or null
# Fresh nodes (the common case on a first load) take the cheap branch: plain SETs, no list or
# counter comparisons.
_ON_CREATE = """
ON CREATE SET n += row[2], n += row[3], n.counters_at = row[4],
              n.first_run = $run, n.incident = $incident, n.seen_in = [$run],
              n.incidents = [$incident]{create_extra}
ON MATCH SET n += row[2],
  n.seen_in = CASE WHEN $run IN coalesce(n.seen_in, []) THEN n.seen_in
                   ELSE coalesce(n.seen_in, []) + $run END,
  n.incidents = CASE WHEN $incident IN coalesce(n.incidents, []) THEN n.incidents
                     ELSE coalesce(n.incidents, []) + $incident END{match_extra}
"""
# first_run is set only on create and run ids are unique, so a node this run had not written
# before whose first_run is this run was created by this statement.
_FRESH = """
WITH n, row, (NOT row[5] AND coalesce(n.first_run = $run, false)) AS fresh
FOREACH (_ IN CASE WHEN NOT fresh AND row[4] IS NOT NULL
                    AND (n.counters_at IS NULL OR row[4] >= n.counters_at)
               THEN [1] ELSE [] END |
  SET n += row[3], n.counters_at = row[4])
RETURN collect([row[0], id(n), fresh]) AS out
"""
_CREATED_AT = "datetime.fromepoch(row[6], 0)"  # = datetime({epochSeconds: ..}), 3x cheaper


def _node_query(name: str) -> str:
    key = NODE_KEYS[name]
    create_extra = match_extra = ""
    if name == "Video":
        create_extra = f",\n              n.created_at = CASE WHEN row[6] IS NULL THEN null ELSE {_CREATED_AT} END"
        match_extra = f",\n  n.created_at = CASE WHEN row[6] IS NULL THEN n.created_at ELSE {_CREATED_AT} END"
    return (
        f"UNWIND $rows AS row\nMERGE (n:{label(name)} {{{key}: row[1]}})"
        + _ON_CREATE.format(create_extra=create_extra, match_extra=match_extra) + _FRESH
    )


def _create_query(name: str) -> str:
    """Like the node statement, for rows whose keys are known not to exist yet (CREATE, no lookup).

    A key that exists after all (another writer) fails the statement on the key constraint, and
    the loader then writes the batch again with MERGE: never a duplicate node.
    """
    key = NODE_KEYS[name]
    extra = f",\n    n.created_at = CASE WHEN row[6] IS NULL THEN null ELSE {_CREATED_AT} END" if name == "Video" else ""
    return (
        f"UNWIND $rows AS row\nCREATE (n:{label(name)} {{{key}: row[1]}})\n"
        "SET n += row[2], n += row[3], n.counters_at = row[4],\n"
        "    n.first_run = $run, n.incident = $incident, n.seen_in = [$run], n.incidents = [$incident]"
        + extra + "\nRETURN collect([row[0], id(n), true]) AS out"
    )


def _rel_query(name: str, verb: str) -> str:
    rtype, src, dst, prop = RELATIONSHIPS[name]
    pattern = f"[:{rel_type(rtype)} {{{prop}: row[2]}}]" if prop else f"[:{rel_type(rtype)}]"
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (a:{label(src)}) WHERE id(a) = row[0]\n"
        f"MATCH (b:{label(dst)}) WHERE id(b) = row[1]\n"
        f"{verb} (a)-{pattern}->(b)"
    )


NODE_QUERIES = {name: _node_query(name) for name in NODE_KEYS}
NODE_CREATE = {name: _create_query(name) for name in NODE_KEYS}
REL_CREATE = {name: _rel_query(name, "CREATE") for name in RELATIONSHIPS}
REL_MERGE = {name: _rel_query(name, "MERGE") for name in RELATIONSHIPS}
# A post has one author: the first one loaded wins. A POSTED row for a video that another account
# already posted is not written; the statement returns it (from id, to id, the kept author's id).
# (A CREATE row is for a video new in this transaction: the batch already kept its first author.)
REL_MERGE["POSTED"] = (
    "UNWIND $rows AS row\n"
    "MATCH (a:Account) WHERE id(a) = row[0]\n"
    "MATCH (b:Video) WHERE id(b) = row[1]\n"
    "OPTIONAL MATCH (o:Account)-[:POSTED]->(b) WHERE o <> a\n"
    "WITH a, b, row, head(collect(o.account_id)) AS kept\n"
    "FOREACH (_ IN CASE WHEN kept IS NULL THEN [1] ELSE [] END | MERGE (a)-[:POSTED]->(b))\n"
    "WITH row, kept WHERE kept IS NOT NULL\n"
    "RETURN row[0] AS a, row[1] AS b, kept"
)


def write_nodes(tx: Any, name: str, rows: list[list[Any]], run: str, incident: str,
                create: bool = False) -> tuple[list[list[Any]], int]:
    """Run one node statement in ``tx``: ([position, id, fresh] per row, nodes created).

    ``create``: the rows' keys are not in the graph (see :func:`_create_query`).
    """
    query = NODE_CREATE[name] if create else NODE_QUERIES[name]
    result = tx.run(query, rows=rows, run=run, incident=incident)
    record = result.single(strict=True)
    return record[0], result.consume().counters.nodes_created


def start_relationships(tx: Any, name: str, rows: list[list[Any]], create: bool) -> Any:
    """Send one relationship statement (rows ``[from id, to id(, kind)]``) without waiting for it.

    Returns the driver's result: ``.consume().counters.relationships_created`` waits. The server
    executes it while the caller prepares the next statement (the driver waits for a result only
    when the next statement of the transaction is sent, or at commit).
    """
    query = REL_CREATE[name] if create else REL_MERGE[name]
    return tx.run(query, rows=rows)


def naive_merge_video(graph: Graph, row: dict[str, Any]) -> None:
    """One video and its relationships in one transaction: the benchmark's baseline.

    The same kinds of rows the batched loader writes (video with properties, counters and provenance,
    its author, hashtags, sound, mentions), each entity MERGEd on its key, one row per transaction.
    """
    graph.write(
        "MERGE (a:Account {key: $author}) "
        "ON CREATE SET a.platform = $platform, a.account_id = $author_id, a.username = $author_id, "
        "  a.first_run = $run, a.incident = $incident, a.seen_in = [$run], a.incidents = [$incident] "
        "MERGE (v:Video {key: $key}) "
        "ON CREATE SET v += $props, v += $counters, v.counters_at = $counters_at, "
        "  v.created_at = datetime({epochSeconds: $created_ts}), "
        "  v.first_run = $run, v.incident = $incident, v.seen_in = [$run], v.incidents = [$incident] "
        "ON MATCH SET v += $props "
        "MERGE (a)-[:POSTED]->(v) "
        "FOREACH (t IN $tags | MERGE (h:Hashtag {name: t}) "
        "  ON CREATE SET h.first_run = $run, h.incident = $incident, h.seen_in = [$run], "
        "    h.incidents = [$incident] "
        "  MERGE (v)-[:TAGGED]->(h)) "
        "FOREACH (s IN $sounds | MERGE (x:Sound {key: s}) "
        "  ON CREATE SET x.platform = $platform, x.sound_id = substring(s, size($platform) + 1), "
        "    x.first_run = $run, x.incident = $incident, x.seen_in = [$run], x.incidents = [$incident] "
        "  MERGE (v)-[:USES_SOUND]->(x)) "
        "FOREACH (m IN $mentions | MERGE (b:Account {key: m}) "
        "  ON CREATE SET b.platform = $platform, b.account_id = substring(m, size($platform) + 1), "
        "    b.first_run = $run, b.incident = $incident, b.seen_in = [$run], b.incidents = [$incident] "
        "  MERGE (v)-[:MENTIONS]->(b))",
        **row,
    )


def set_node_properties(graph: Graph, name: str, rows: list[list[Any]]) -> None:
    """``SET n += props`` for rows ``[key, props]`` of ``name`` nodes (after a bulk import: values
    the CSV could not hold exactly)."""
    key = NODE_KEYS[name]
    graph.write(f"UNWIND $rows AS row MATCH (n:{label(name)} {{{key}: row[0]}}) SET n += row[1]",
                rows=rows)


def empty_labels(graph: Graph) -> set[str]:
    """The entity labels with no node at all (count store: instant)."""
    return {name for name in NODE_KEYS
            if graph.read(f"MATCH (n:{label(name)}) RETURN count(n) AS n")[0]["n"] == 0}


def start_ingest_run(graph: Graph, props: dict[str, Any], started_ms: int | None = None) -> None:
    """Record a run as started (now, or at ``started_ms``: Unix milliseconds)."""
    graph.write("MERGE (r:IngestRun {run_id: $props.run_id}) SET r += $props, "
                "r.started_at = CASE WHEN $ms IS NULL THEN datetime() "
                "ELSE datetime.fromepochmillis($ms) END, r.heartbeat_at = datetime()",
                props=props, ms=started_ms)


def finish_ingest_run(graph: Graph, run_id: str, props: dict[str, Any]) -> None:
    graph.write("MATCH (r:IngestRun {run_id: $run_id}) SET r += $props, r.finished_at = datetime()",
                run_id=run_id, props=props)


def graph_totals(graph: Graph) -> dict[str, int]:
    """Node counts per platform label and relationship counts per type (count store: fast)."""
    out = {}
    for name in NODE_KEYS:
        out[name] = graph.read(f"MATCH (n:{label(name)}) RETURN count(n) AS n")[0]["n"]
    for rtype in sorted({r[0] for r in RELATIONSHIPS.values()}):
        out[rtype] = graph.read(f"MATCH ()-[r:{rel_type(rtype)}]->() RETURN count(r) AS n")[0]["n"]
    return out
