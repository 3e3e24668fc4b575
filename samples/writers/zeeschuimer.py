"""Videos as a Zeeschuimer / 4CAT NDJSON capture: ``videos/zeeschuimer-NNNNN.ndjson``.

One captured TikTok item per line, ``{"id", "item_id", "timestamp_collected", "source_platform",
"source_platform_url", "data": {...}}``, the item as TikTok's web app sends it: ``desc``,
``createTime``, ``author{id, uniqueId, nickname}``, ``music{id, title}``, ``challenges``,
``textExtra`` (hashtags and mentions), ``stats``, ``duetInfo{duetFromId}`` (the id of the video a
duet answers, ``"0"`` otherwise: duets get a time here, unlike the Research API's repost lists),
``locationCreated``, ``video{duration}``. Items are captured while the investigator scrolls,
in the day after the window; a few are captured twice (the later capture has higher counts).
The user and comment files stay in the Research API format.
"""

from __future__ import annotations

from typing import Any

from samples.state import Incident, mix64
from samples.window import WINDOW_END

CAPTURE_START_MS = (WINDOW_END + 3600) * 1000


def item(g: Incident, v: Any, j: int, a: int, t: int, caption: str, names: list[str],
         mentions: list[str], sound: int, own: bool, u: list[float]) -> dict[str, Any]:
    """One captured item for planned row ``c0 + j`` (``v``: the chunk's plan as lists)."""
    vid = str(v.ids[j])
    extra: list[dict[str, Any]] = [{"hashtagName": x, "type": 1} for x in names]
    extra += [{"hashtagName": "", "userUniqueId": m, "type": 0} for m in mentions]
    data: dict[str, Any] = {
        "id": vid, "desc": caption, "createTime": t,
        "author": {"id": str(10**18 + mix64(g.seed * 7919 + a) % (8 * 10**18)), "uniqueId": g.usernames[a],
                   "nickname": g.display[a]},
        "music": {"id": str(sound), "title": "original sound" if own else "", "authorName": g.display[a] if own else ""},
        "challenges": [{"id": str(g.tag_id(x)), "title": x} for x in names],
        "textExtra": extra,
        "stats": {"diggCount": v.likes[j], "shareCount": v.shares[j], "commentCount": v.comments[j],
                  "playCount": v.views[j], "collectCount": v.favs[j]},
        "duetInfo": {"duetFromId": str(v.duet_of[j])},
        "locationCreated": g.region_codes[a],
        "video": {"duration": v.duration[j]},
    }
    return {"id": vid, "item_id": vid, "timestamp_collected": CAPTURE_START_MS + int(u[92] * 20 * 3600 * 1000),
            "source_platform": "tiktok.com", "source_platform_url": "https://www.tiktok.com/", "data": data}


def recapture(obj: dict[str, Any], grow: list[float]) -> dict[str, Any]:
    """The same item captured again later, after it gathered more engagement."""
    d = dict(obj)
    d["data"] = dict(obj["data"])
    stats = dict(obj["data"]["stats"])
    for key, f in zip(("diggCount", "playCount", "shareCount", "commentCount"), grow, strict=True):
        stats[key] = int(stats[key] * f) + 1
    d["data"]["stats"] = stats
    d["timestamp_collected"] = obj["timestamp_collected"] + 3_600_000
    return d


def repost_object(obj: dict[str, Any]) -> dict[str, Any]:
    """The Research API object of a captured item, for the (Research API) repost lists."""
    data = obj["data"]
    return {"id": int(data["id"]), "create_time": data["createTime"], "username": data["author"]["uniqueId"],
            "video_description": data["desc"], "hashtag_names": [c["title"] for c in data["challenges"]],
            "music_id": int(data["music"]["id"])}
