"""Queries behind containment exports and their audit trail."""

from __future__ import annotations

from typing import Any

from graph.connection import Graph


def clusters_for_export(graph: Graph, run_id: str) -> list[dict[str, Any]]:
    rows = graph.read(
        "MATCH (c:Cluster {run_id: $run}) RETURN c.cluster_id AS cluster_id, c.run_id AS run_id, "
        "c.rank AS rank, c.score AS score, c.size AS size, c.top_signals AS top_signals, "
        "c.coordinated_posts_json AS coordinated_posts_json ORDER BY c.rank", run=run_id)
    return rows


def record_export_node(graph: Graph, export: dict[str, Any]) -> None:
    graph.write("MERGE (e:Export {export_id: $e.export_id}) SET e += $e", e=export)


def list_exports(graph: Graph, limit: int = 50) -> list[dict[str, Any]]:
    return graph.read(
        "MATCH (e:Export) RETURN e.export_id AS export_id, e.created_at AS created_at, "
        "e.user AS user, e.kind AS kind, e.format AS format, e.n_entities AS entities, "
        "e.selection_json AS selection, e.sha256 AS sha256, e.source AS source, e.path AS path "
        "ORDER BY e.created_at DESC LIMIT $limit", limit=limit)
