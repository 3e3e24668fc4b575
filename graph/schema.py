"""Lockstep's graph model: the allowed labels and relationship types, their keys and indexes.

``docs/data-model.md`` documents the same model; ``tests/test_schema.py`` checks that the document
and :data:`CONSTRAINTS` / :data:`INDEXES` agree. Labels and types that reach a query string are
always checked against :data:`LABELS` and :data:`REL_TYPES` first (see :func:`label`,
:func:`rel_type`), because Cypher cannot take them as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.connection import Graph

# Entities of the platform, then provenance / results / audit.
LABELS: tuple[str, ...] = (
    "Account", "Video", "Hashtag", "Sound", "Url",
    "IngestRun", "DetectionRun", "Cluster", "Export",
)
REL_TYPES: tuple[str, ...] = (
    "POSTED", "TAGGED", "USES_SOUND", "REPOSTED", "MENTIONS", "FOLLOWS", "COMMENTED", "LINKS_TO",
    "MEMBER_OF",
)


@dataclass(frozen=True)
class Constraint:
    name: str
    label: str
    prop: str

    def cypher(self) -> str:
        return (f"CREATE CONSTRAINT {self.name} IF NOT EXISTS FOR (n:{label(self.label)}) "
                f"REQUIRE n.{self.prop} IS UNIQUE")


@dataclass(frozen=True)
class Index:
    name: str
    label: str
    prop: str

    def cypher(self) -> str:
        return f"CREATE INDEX {self.name} IF NOT EXISTS FOR (n:{label(self.label)}) ON (n.{self.prop})"


# Community edition has uniqueness constraints (each backed by an index); node keys and
# existence constraints are Enterprise-only, so required properties are enforced by ingest.
CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint("account_key", "Account", "key"),
    Constraint("video_key", "Video", "key"),
    Constraint("hashtag_name", "Hashtag", "name"),
    Constraint("sound_key", "Sound", "key"),
    Constraint("url_url", "Url", "url"),
    Constraint("ingest_run_id", "IngestRun", "run_id"),
    Constraint("detection_run_id", "DetectionRun", "run_id"),
    Constraint("cluster_id", "Cluster", "cluster_id"),
    Constraint("export_id", "Export", "export_id"),
)
INDEXES: tuple[Index, ...] = (
    Index("account_username", "Account", "username"),
    # Each index costs every write; time-range queries use created_ts, so created_at has none.
    Index("video_created_ts", "Video", "created_ts"),
    Index("cluster_run", "Cluster", "run_id"),
    Index("cluster_score", "Cluster", "score"),
)


def label(name: str) -> str:
    """Return ``name`` if it is an allowed label; refuse anything else."""
    if name not in LABELS:
        raise ValueError(f"{name!r} is not a Lockstep label (allowed: {', '.join(LABELS)})")
    return name


def rel_type(name: str) -> str:
    """Return ``name`` if it is an allowed relationship type; refuse anything else."""
    if name not in REL_TYPES:
        raise ValueError(f"{name!r} is not a Lockstep relationship type (allowed: {', '.join(REL_TYPES)})")
    return name


def existing_schema(graph: Graph) -> dict[str, list[dict[str, Any]]]:
    constraints = graph.read(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
        "RETURN name, type, labelsOrTypes, properties ORDER BY name"
    )
    indexes = graph.read(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint "
        "WHERE owningConstraint IS NULL AND type <> 'LOOKUP' "
        "RETURN name, type, labelsOrTypes, properties ORDER BY name"
    )
    return {"constraints": constraints, "indexes": indexes}


def init_schema(graph: Graph) -> dict[str, list[str]]:
    """Create every constraint and index that is missing; report what was created and what existed.

    Idempotent: a second call creates nothing and leaves the schema exactly as it was.
    """
    before = existing_schema(graph)
    have = {c["name"] for c in before["constraints"]} | {i["name"] for i in before["indexes"]}
    created: list[str] = []
    for item in (*CONSTRAINTS, *INDEXES):
        if item.name not in have:
            graph.write(item.cypher())
            created.append(item.name)
    graph.write("CALL db.awaitIndexes(300)")
    existing = [item.name for item in (*CONSTRAINTS, *INDEXES) if item.name in have]
    return {"created": created, "existing": existing}


def drop_all_schema(graph: Graph) -> None:
    """Drop every constraint and index Lockstep may have made (used by tests and `db reset`)."""
    for row in graph.read("SHOW CONSTRAINTS YIELD name RETURN name"):
        graph.write(f"DROP CONSTRAINT {_quoted(row['name'])} IF EXISTS")
    for row in graph.read(
        "SHOW INDEXES YIELD name, type, owningConstraint "
        "WHERE owningConstraint IS NULL AND type <> 'LOOKUP' RETURN name"
    ):
        graph.write(f"DROP INDEX {_quoted(row['name'])} IF EXISTS")


def clear_data(graph: Graph, batch: int = 10_000) -> int:
    """Delete every node and relationship, in batches so a large graph does not exhaust memory."""
    total = 0
    while True:
        done = graph.write(
            "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted", batch=batch
        )[0]["deleted"]
        total += done
        if done < batch:
            return total


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"
