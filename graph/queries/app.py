"""Read queries behind the investigation app and the post-incident review.

Every value reaches Cypher as a ``$parameter``; labels and relationship types come from fixed tables
checked by :func:`graph.schema.label` / :func:`graph.schema.rel_type`, never from input. Depth and
path-length bounds cannot be parameters in Cypher, so they are chosen from fixed query strings.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from graph.connection import Graph
from graph.queries.runs import SHOWN_STATUS, stale_seconds
from graph.schema import label, rel_type

# ------------------------------------------------------------------------------ state and runs


def data_stamp(graph: Graph) -> str:
    """A short string that changes whenever an ingest or detection run starts or finishes.

    The app puts it in every cache key, so cached results are dropped as soon as new data or new
    clusters arrive (and after ``lockstep db reset``, which removes the runs).
    """
    row = graph.read(
        f"OPTIONAL MATCH (i:{label('IngestRun')}) "
        "WITH count(i) AS ni, max(i.run_id) AS li, toString(max(i.finished_at)) AS fi "
        f"OPTIONAL MATCH (d:{label('DetectionRun')}) "
        "RETURN ni, li, fi, count(d) AS nd, max(d.run_id) AS ld, toString(max(d.finished_at)) AS fd"
    )[0]
    return "|".join(str(row[k]) for k in ("ni", "li", "fi", "nd", "ld", "fd"))


def ingest_runs(graph: Graph, limit: int = 20) -> list[dict[str, Any]]:
    """The latest ingest runs, newest first."""
    return graph.read(
        f"MATCH (r:{label('IngestRun')}) "
        f"RETURN r.run_id AS run_id, r.incident AS incident, {SHOWN_STATUS} AS status, "
        "toString(r.started_at) AS started_at, toString(r.finished_at) AS finished_at, "
        "r.formats AS formats, r.file_paths AS files, r.file_sha256 AS sha256, r.read AS read, "
        "r.loaded AS loaded, r.rejected AS rejected, r.field_warnings AS field_warnings, "
        "r.seconds AS seconds, r.tool_version AS tool_version, r.batch_size AS batch_size, "
        "r.error AS error, r.unreadable_files AS unreadable_files "
        "ORDER BY r.started_at DESC LIMIT $limit", limit=limit, stale=stale_seconds())


def detection_runs(graph: Graph, limit: int = 20, run_id: str | None = None,
                   unfinished: bool = False) -> list[dict[str, Any]]:
    """Completed detection runs (or just ``run_id``), newest first, with parameters decoded.
    With ``unfinished``, also the runs that failed, were interrupted or are still writing (for
    the run log; nothing is ever read from them by default)."""
    rows = graph.read(
        f"MATCH (r:{label('DetectionRun')}) WHERE ($all OR r.status = 'completed') "
        "AND ($run IS NULL OR r.run_id = $run) "
        f"RETURN r.run_id AS run_id, r.incident AS incident, {SHOWN_STATUS} AS status, "
        "r.error AS error, toString(r.started_at) AS started_at, "
        "toString(r.finished_at) AS finished_at, r.seed AS seed, r.n_posts AS n_posts, "
        "r.n_clusters AS n_clusters, r.n_flagged AS n_flagged, r.time_window AS time_window, "
        "r.signals AS signals, r.since AS since, r.until AS until, r.tool_version AS tool_version, "
        "r.params_json AS params_json, r.stats_json AS stats_json, "
        "r.timings_json AS timings_json, r.window_estimate_json AS window_estimate_json "
        "ORDER BY coalesce(r.finished_at, r.heartbeat_at) DESC LIMIT $limit", limit=limit,
        run=run_id, all=unfinished, stale=stale_seconds())
    for r in rows:
        for key in ("params_json", "stats_json", "timings_json", "window_estimate_json"):
            r[key.removesuffix("_json")] = json.loads(r.pop(key) or "{}")
    return rows


def incidents(graph: Graph) -> list[str]:
    """Incident names of the ingest runs, in order of first load."""
    rows = graph.read(f"MATCH (r:{label('IngestRun')}) WITH r.incident AS name, min(r.started_at) AS t "
                      "WHERE name IS NOT NULL RETURN name ORDER BY t")
    return [r["name"] for r in rows]


# ------------------------------------------------------------------------------------ activity

_POSTS_PER_HOUR = (
    f"MATCH (v:{label('Video')}) WHERE v.created_ts IS NOT NULL AND v.kind <> 'comment' "
    "AND ($incident IS NULL OR $incident IN v.incidents) "
    "RETURN v.created_ts / 3600 * 3600 AS hour, count(*) AS posts ORDER BY hour"
)

# object kind -> (relationship type, label, the property that names it)
_OBJECTS: dict[str, tuple[str, str, str]] = {
    "hashtag": ("TAGGED", "Hashtag", "name"),
    "sound": ("USES_SOUND", "Sound", "key"),
}


def posts_per_hour(graph: Graph, incident: str | None = None) -> pd.DataFrame:
    """Posts (videos, tweets, shares; not comments) per UTC hour: ``hour`` (Unix s), ``posts``."""
    rows = graph.read(_POSTS_PER_HOUR, incident=incident)
    return pd.DataFrame(rows, columns=["hour", "posts"])


def object_posts_per_hour(graph: Graph, kind: str, incident: str | None = None) -> pd.DataFrame:
    """Posts per hour for every hashtag or sound: ``name``, ``hour``, ``posts``."""
    rtype, lab, prop = _OBJECTS[kind]
    rows = graph.read(
        f"MATCH (v:{label('Video')})-[:{rel_type(rtype)}]->(o:{label(lab)}) "
        "WHERE v.created_ts IS NOT NULL AND ($incident IS NULL OR $incident IN v.incidents) "
        f"RETURN o.{prop} AS name, v.created_ts / 3600 * 3600 AS hour, count(*) AS posts",
        incident=incident)
    return pd.DataFrame(rows, columns=["name", "hour", "posts"])


def sound_titles(graph: Graph, keys: list[str]) -> dict[str, str]:
    """Readable names of sounds: their title when the source had one, else their id."""
    rows = graph.read(f"MATCH (s:{label('Sound')}) WHERE s.key IN $keys "
                      "RETURN s.key AS key, coalesce(s.title, s.sound_id, s.key) AS title", keys=keys)
    return {r["key"]: r["title"] for r in rows}


# ------------------------------------------------------------------------------------ clusters


def cluster_table(graph: Graph, run_id: str) -> pd.DataFrame:
    """The clusters of a run without their bulky evidence (for ranked tables and pickers)."""
    rows = graph.read(
        f"MATCH (c:{label('Cluster')} {{run_id: $run}}) "
        "RETURN c.cluster_id AS cluster_id, c.rank AS rank, c.score AS score, c.size AS size, "
        "c.edges AS edges, c.top_signals AS top_signals, c.top_hashtags AS top_hashtags, "
        "c.top_sounds AS top_sounds, c.sample_captions AS sample_captions, "
        "c.first_ts AS first_ts, c.last_ts AS last_ts, c.parts_json AS parts_json "
        "ORDER BY c.rank", run=run_id)
    for r in rows:
        r["parts"] = json.loads(r.pop("parts_json") or "{}")
    return pd.DataFrame(rows, columns=["cluster_id", "rank", "score", "size", "edges",
                                       "top_signals", "top_hashtags", "top_sounds",
                                       "sample_captions", "first_ts", "last_ts", "parts"])


def cluster(graph: Graph, cluster_id: str) -> dict[str, Any] | None:
    """One cluster with its JSON fields decoded (``parts``, ``summary``, ``edges``, ``coordinated``)."""
    rows = graph.read(f"MATCH (c:{label('Cluster')} {{cluster_id: $cid}}) RETURN c", cid=cluster_id)
    if not rows:
        return None
    c = dict(rows[0]["c"])
    for key, out in (("parts_json", "parts"), ("summary_json", "summary"), ("edges_json", "edges"),
                     ("coordinated_posts_json", "coordinated")):
        c[out] = json.loads(c.pop(key, None) or ("[]" if key == "edges_json" else "{}"))
    return c


def cluster_members(graph: Graph, cluster_id: str) -> pd.DataFrame:
    """Members of a cluster with their profile fields and how many posts they made."""
    rows = graph.read(
        f"MATCH (a:{label('Account')})-[m:{rel_type('MEMBER_OF')}]->"
        f"(c:{label('Cluster')} {{cluster_id: $cid}}) "
        "RETURN a.key AS account_key, a.account_id AS account_id, "
        "coalesce(a.username, a.account_id) AS username, a.display_name AS display_name, "
        "m.member_score AS member_score, m.rank AS member_rank, a.follower_count AS followers, "
        "a.is_verified AS verified, a.bio AS bio, "
        f"COUNT {{ (a)-[:{rel_type('POSTED')}]->(:{label('Video')}) }} AS posts "
        "ORDER BY m.rank", cid=cluster_id)
    return pd.DataFrame(rows, columns=["account_key", "account_id", "username", "display_name",
                                       "member_score", "member_rank", "followers", "verified",
                                       "bio", "posts"])


# -------------------------------------------------------------------------- search and pivot

# kind -> (label, property shown as the entity's name)
ENTITY_KINDS: dict[str, str] = {"account": "Account", "hashtag": "Hashtag", "sound": "Sound",
                                "video": "Video", "url": "Url", "cluster": "Cluster"}

_SEARCH: dict[str, str] = {
    "account": (
        f"MATCH (n:{label('Account')}) WHERE n.username = $text OR n.account_id = $text "
        "OR toLower(n.username) CONTAINS $lower OR toLower(n.display_name) CONTAINS $lower "
        "WITH n, CASE WHEN n.username = $text OR n.account_id = $text THEN 0 ELSE 1 END AS exact "
        f"RETURN elementId(n) AS id, exact, COUNT {{ (n)-[:{rel_type('POSTED')}]->() }} AS weight "
        "ORDER BY exact, weight DESC, id LIMIT $limit"),
    "hashtag": (
        f"MATCH (n:{label('Hashtag')}) WHERE n.name CONTAINS $lower "
        "WITH n, CASE WHEN n.name = $lower THEN 0 ELSE 1 END AS exact "
        f"RETURN elementId(n) AS id, exact, COUNT {{ (n)<-[:{rel_type('TAGGED')}]-() }} AS weight "
        "ORDER BY exact, weight DESC, id LIMIT $limit"),
    "sound": (
        f"MATCH (n:{label('Sound')}) WHERE n.sound_id = $text OR n.key = $text "
        "OR toLower(n.title) CONTAINS $lower OR n.sound_id STARTS WITH $text "
        "WITH n, CASE WHEN n.sound_id = $text OR n.key = $text THEN 0 ELSE 1 END AS exact "
        f"RETURN elementId(n) AS id, exact, COUNT {{ (n)<-[:{rel_type('USES_SOUND')}]-() }} AS weight "
        "ORDER BY exact, weight DESC, id LIMIT $limit"),
    "video": (
        f"MATCH (n:{label('Video')}) WHERE n.post_id = $text OR n.key = $text "
        "OR toLower(n.caption) CONTAINS $lower "
        "WITH n, CASE WHEN n.post_id = $text OR n.key = $text THEN 0 ELSE 1 END AS exact "
        "RETURN elementId(n) AS id, exact, 0 AS weight "
        "ORDER BY exact, n.created_ts, id LIMIT $limit"),
    "url": (
        f"MATCH (n:{label('Url')}) WHERE n.url CONTAINS $text OR n.domain CONTAINS $lower "
        f"RETURN elementId(n) AS id, 1 AS exact, COUNT {{ (n)<-[:{rel_type('LINKS_TO')}]-() }} AS weight "
        "ORDER BY weight DESC, id LIMIT $limit"),
}

# The fields a node is shown with, whatever its label (absent ones are null).
_NODE_FIELDS = (
    "elementId({v}) AS id, labels({v})[0] AS label, {v}.key AS key, {v}.name AS name, "
    "{v}.username AS username, {v}.account_id AS account_id, {v}.display_name AS display_name, "
    "{v}.caption AS caption, {v}.post_id AS post_id, {v}.kind AS kind, {v}.created_ts AS created_ts, "
    "{v}.sound_id AS sound_id, {v}.title AS title, {v}.url AS url, {v}.cluster_id AS cluster_id, "
    "{v}.rank AS rank, {v}.score AS score, {v}.size AS size, {v}.run_id AS run_id, "
    "COUNT {{ ({v})--() }} AS degree"
)
NODE_COLUMNS = ["id", "label", "key", "name", "username", "account_id", "display_name", "caption",
                "post_id", "kind", "created_ts", "sound_id", "title", "url", "cluster_id", "rank",
                "score", "size", "run_id", "degree"]


def search(graph: Graph, kind: str, text: str, limit: int = 25) -> list[dict[str, Any]]:
    """Entities of ``kind`` matching ``text`` (exact matches first, then the most used)."""
    text = text.strip().lstrip("#@") if kind in ("hashtag", "account") else text.strip()
    if not text:
        return []
    hits = graph.read(_SEARCH[kind], text=text, lower=text.lower(), limit=limit)
    return nodes_by_id(graph, [h["id"] for h in hits])


def nodes_by_id(graph: Graph, ids: list[str]) -> list[dict[str, Any]]:
    """Nodes by element id, in the order given."""
    rows = graph.read(f"MATCH (n) WHERE elementId(n) IN $ids RETURN {_NODE_FIELDS.format(v='n')}",
                      ids=ids)
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


_KEY_PROP = {"Account": "key", "Hashtag": "name", "Sound": "key", "Video": "key", "Url": "url",
             "Cluster": "cluster_id"}
# One fixed string per label so the key lookup uses the label's uniqueness constraint.
_FIND = {kind: f"MATCH (n:{label(lab)} {{{_KEY_PROP[lab]}: $key}}) RETURN "
               + _NODE_FIELDS.format(v="n") for kind, lab in ENTITY_KINDS.items()}


def find_node(graph: Graph, kind: str, key: str) -> dict[str, Any] | None:
    """One node by its key (``Account.key``, ``Hashtag.name``, ``Cluster.cluster_id``, ...)."""
    rows = graph.read(_FIND[kind], key=key)
    return rows[0] if rows else None


def neighbours(graph: Graph, ids: list[str], per_type: int) -> tuple[list[dict[str, Any]],
                                                                     list[dict[str, Any]]]:
    """One hop around ``ids``: per node and relationship type, the ``per_type`` most connected
    neighbours (so a hub's posts, hashtags and clusters all show, not only its followers).

    Returns (nodes, edges); an edge is ``{src, dst, type}`` in the relationship's direction.
    Run records (IngestRun, DetectionRun, Export) have no relationships, so they never appear.
    """
    rows = graph.read(
        "MATCH (n) WHERE elementId(n) IN $ids "
        "CALL (n) { MATCH (n)-[r]-(m) "
        "  WITH type(r) AS t, r, m, COUNT { (m)--() } AS deg ORDER BY deg DESC, elementId(m) "
        "  WITH t, collect({r: r, m: m})[..$per_type] AS top "
        "  UNWIND top AS item RETURN item.r AS r, item.m AS m } "
        "RETURN elementId(startNode(r)) AS src, elementId(endNode(r)) AS dst, type(r) AS type, "
        f"{_NODE_FIELDS.format(v='m')}", ids=ids, per_type=per_type)
    nodes = {r["id"]: {k: r[k] for k in NODE_COLUMNS} for r in rows}
    edges = [{"src": r["src"], "dst": r["dst"], "type": r["type"]} for r in rows]
    return list(nodes.values()), edges


def shortest_path(graph: Graph, a: str, b: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The shortest path (at most 8 hops, any relationship) between two nodes; empty if none."""
    rows = graph.read(
        "MATCH (a) WHERE elementId(a) = $a MATCH (b) WHERE elementId(b) = $b "
        "MATCH p = shortestPath((a)-[*..8]-(b)) "
        "RETURN [n IN nodes(p) | elementId(n)] AS ids, "
        "[r IN relationships(p) | {src: elementId(startNode(r)), dst: elementId(endNode(r)), "
        "type: type(r)}] AS rels", a=a, b=b)
    if not rows:
        return [], []
    return nodes_by_id(graph, rows[0]["ids"]), rows[0]["rels"]


# kind -> query for the clusters an entity belongs to (directly, or through its members' posts)
_ENTITY_CLUSTERS: dict[str, str] = {
    "account": (
        f"MATCH (n)-[m:{rel_type('MEMBER_OF')}]->(c:{label('Cluster')}) WHERE elementId(n) = $id "
        "RETURN c.cluster_id AS cluster_id, c.run_id AS run_id, c.rank AS rank, c.score AS score, "
        "c.size AS size, c.top_signals AS top_signals, m.member_score AS member_score, "
        "'member' AS how, 1 AS posts"),
    "video": (
        f"MATCH (n)<-[:{rel_type('POSTED')}]-(a:{label('Account')})-[m:{rel_type('MEMBER_OF')}]->"
        f"(c:{label('Cluster')}) WHERE elementId(n) = $id "
        "RETURN c.cluster_id AS cluster_id, c.run_id AS run_id, c.rank AS rank, c.score AS score, "
        "c.size AS size, c.top_signals AS top_signals, m.member_score AS member_score, "
        "'posted by member ' + coalesce(a.username, a.account_id) AS how, 1 AS posts"),
    "cluster": (
        "MATCH (c) WHERE elementId(c) = $id "
        "RETURN c.cluster_id AS cluster_id, c.run_id AS run_id, c.rank AS rank, c.score AS score, "
        "c.size AS size, c.top_signals AS top_signals, null AS member_score, 'itself' AS how, "
        "0 AS posts"),
}
for _kind, _rel in (("hashtag", "TAGGED"), ("sound", "USES_SOUND"), ("url", "LINKS_TO")):
    _ENTITY_CLUSTERS[_kind] = (
        f"MATCH (n)<-[:{rel_type(_rel)}]-(v:{label('Video')})<-[:{rel_type('POSTED')}]-"
        f"(a:{label('Account')})-[:{rel_type('MEMBER_OF')}]->(c:{label('Cluster')}) "
        "WHERE elementId(n) = $id "
        "WITH c, count(DISTINCT v) AS posts, count(DISTINCT a) AS accounts "
        "RETURN c.cluster_id AS cluster_id, c.run_id AS run_id, c.rank AS rank, c.score AS score, "
        "c.size AS size, c.top_signals AS top_signals, null AS member_score, "
        "'used in ' + toString(posts) + ' posts by ' + toString(accounts) + ' members' AS how, "
        "posts")


def entity_clusters(graph: Graph, kind: str, node_id: str) -> pd.DataFrame:
    """The clusters an entity belongs to (accounts), or that used it (hashtags, sounds, URLs)."""
    rows = graph.read(_ENTITY_CLUSTERS[kind] + " ORDER BY run_id DESC, rank", id=node_id)
    return pd.DataFrame(rows, columns=["cluster_id", "run_id", "rank", "score", "size",
                                       "top_signals", "member_score", "how", "posts"])


# -------------------------------------------------------------------------------------- review


def exports_of_run(graph: Graph, run_id: str) -> list[dict[str, Any]]:
    """Containment exports made from one detection run, oldest first."""
    return graph.read(
        f"MATCH (e:{label('Export')}) WHERE e.run_id = $run "
        "RETURN e.export_id AS export_id, e.created_at AS created_at, e.user AS user, "
        "e.kind AS kind, e.format AS format, e.n_entities AS entities, "
        "e.selection_json AS selection, e.sha256 AS sha256, e.source AS source "
        "ORDER BY e.created_at", run=run_id)


def accounts_by_key(graph: Graph, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Usernames and display names of accounts by key (evidence shows names, not keys)."""
    rows = graph.read(f"MATCH (a:{label('Account')}) WHERE a.key IN $keys "
                      "RETURN a.key AS key, coalesce(a.username, a.account_id) AS username, "
                      "a.display_name AS display_name", keys=keys)
    return {r["key"]: r for r in rows}


def posts_by_key(graph: Graph, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Captions and times of posts by key (for evidence examples)."""
    rows = graph.read(f"MATCH (v:{label('Video')}) WHERE v.key IN $keys "
                      "RETURN v.key AS key, v.post_id AS post_id, v.caption AS caption, "
                      "v.created_ts AS created_ts", keys=keys)
    return {r["key"]: r for r in rows}
