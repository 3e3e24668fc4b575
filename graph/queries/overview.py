"""Read queries behind the incident overview."""

from __future__ import annotations

from graph.connection import Graph
from graph.schema import label

_COUNTED = ("Account", "Video", "Hashtag", "Sound", "Url", "Cluster")


def entity_counts(graph: Graph) -> dict[str, int]:
    """Node counts per platform label (uses the count store: constant time)."""
    return {
        name: graph.read(f"MATCH (n:{label(name)}) RETURN count(n) AS n")[0]["n"]
        for name in _COUNTED
    }
