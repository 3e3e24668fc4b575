"""Batched ``UNWIND $rows`` writes that ingest uses to load entities and relationships.

Every statement MERGEs on the key constraint, so loading the same rows twice changes nothing.
Counters (``*_count``) are replaced only by an observation at least as new (``counters_at``).
Labels, relationship types and key properties come from the fixed tables below, never from input.
"""

from __future__ import annotations

from typing import Any

from graph.connection import Graph
from graph.schema import label, rel_type

# New nodes (the common case on a first load) take the cheap branch: plain SETs, no list or
# counter comparisons.
_ON_CREATE = """
ON CREATE SET n += row.props, n += row.counters, n.counters_at = row.counters_at,
              n.first_run = $run, n.incident = $incident, n.seen_in = [$run],
              n.incidents = [$incident]
ON MATCH SET n += row.props,
  n.seen_in = CASE WHEN $run IN coalesce(n.seen_in, []) THEN n.seen_in
                   ELSE coalesce(n.seen_in, []) + $run END,
  n.incidents = CASE WHEN $incident IN coalesce(n.incidents, []) THEN n.incidents
                     ELSE coalesce(n.incidents, []) + $incident END
"""
_COUNTERS = """
FOREACH (_ IN CASE WHEN row.counters_at IS NOT NULL
                    AND (n.counters_at IS NULL OR row.counters_at >= n.counters_at)
               THEN [1] ELSE [] END |
  SET n += row.counters, n.counters_at = row.counters_at)
"""

# label -> key property; every node row carries `key` (the value) and optional `props`.
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


def _node_query(name: str) -> str:
    key = NODE_KEYS[name]
    extra = ""
    if name == "Video":
        extra = ("SET n.created_at = CASE WHEN row.props.created_ts IS NULL THEN n.created_at "
                 "ELSE datetime({epochSeconds: row.props.created_ts}) END\n")
    return (
        f"UNWIND $rows AS row\nMERGE (n:{label(name)} {{{key}: row.key}})\n"
        + _ON_CREATE + extra + _COUNTERS
    )


def _rel_query(name: str) -> str:
    rtype, src, dst, prop = RELATIONSHIPS[name]
    pattern = f"[r:{rel_type(rtype)} {{{prop}: row.{prop}}}]" if prop else f"[r:{rel_type(rtype)}]"
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (a:{label(src)} {{{NODE_KEYS[src]}: row.a}})\n"
        f"MATCH (b:{label(dst)} {{{NODE_KEYS[dst]}: row.b}})\n"
        f"MERGE (a)-{pattern}->(b)"
    )


NODE_QUERIES = {name: _node_query(name) for name in NODE_KEYS}
REL_QUERIES = {name: _rel_query(name) for name in RELATIONSHIPS}


def merge_nodes(graph: Graph, name: str, rows: list[dict[str, Any]], run: str, incident: str
                ) -> dict[str, int]:
    return graph.write_counters(NODE_QUERIES[name], rows=rows, run=run, incident=incident)


def merge_relationships(graph: Graph, name: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    return graph.write_counters(REL_QUERIES[name], rows=rows)


def naive_merge_video(graph: Graph, row: dict[str, Any]) -> None:
    """One row per transaction, for the benchmark's baseline (bench/ingest.py)."""
    graph.write(
        "MERGE (a:Account {key: $author}) "
        "MERGE (v:Video {key: $key}) SET v += $props "
        "MERGE (a)-[:POSTED]->(v) "
        "WITH v UNWIND $tags AS t MERGE (h:Hashtag {name: t}) MERGE (v)-[:TAGGED]->(h)",
        author=row["author"], key=row["key"], props=row["props"], tags=row["tags"],
    )


def start_ingest_run(graph: Graph, props: dict[str, Any]) -> None:
    graph.write("MERGE (r:IngestRun {run_id: $props.run_id}) SET r += $props, "
                "r.started_at = datetime()", props=props)


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
