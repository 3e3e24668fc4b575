"""The TikTok Research API's video objects, and the two saved response pages.

A video object always has ``id``, ``create_time`` and ``username``; the other fields are there
on most rows and missing on a few (as real exports have them), ``favorites_count`` is sometimes
spelled ``favourites_count``, and 3% of the rows have no ``hashtag_names`` (the caption has the
tags). The first 300 videos (in time order) go to ``videos/page-00001.json`` and
``page-00002.json``, response bodies whose page 2 repeats the last rows of page 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from samples.state import Incident
from samples.vocab import ORGANIC_WORDS
from samples.writers.common import err

PAGE_VIDEOS = 300  # the first videos go to two API response pages instead of JSON lines
PAGE_OVERLAP = 3  # page 2 repeats the last rows of page 1 (an overlapping export)
CAPTION_ONLY_TAGS = 0.03  # share of rows whose hashtag_names is missing (the caption has them)
REPOST_FIELDS = ("id", "create_time", "username", "video_description", "hashtag_names", "music_id")


def video_object(g: Incident, v: Any, j: int, a: int, t: int, caption: str, names: list[str],
                 mentions: list[str], sound: int, u: list[float], e: list[int]) -> dict[str, Any]:
    """Field layout of a Research API video, with realistic omissions and spelling variants."""
    o: dict[str, Any] = {"id": v.ids[j], "create_time": t, "username": g.usernames[a]}
    omit = u[58:64]
    if omit[0] > 0.01:
        o["region_code"] = g.region_codes[a]
    has_names = omit[1] > CAPTION_ONLY_TAGS or not caption
    if caption or not has_names or omit[2] > 0.01:
        o["video_description"] = caption
    if has_names:
        o["hashtag_names"] = names
    if omit[3] > 0.01:
        o["music_id"] = sound
    if omit[4] > 0.03:
        o["effect_ids"] = [] if u[64] < 0.7 else [str(100000 + e[2] * 7919 + e[3])]
    if u[65] < 0.5:
        o["playlist_id"] = 0 if u[66] < 0.9 else 7_000_000_000_000_000_000 + e[2] * 1_000_003
    if u[67] < 0.4:
        nw = len(ORGANIC_WORDS)
        o["voice_to_text"] = " ".join([ORGANIC_WORDS[int(x * nw)] for x in u[68:68 + 4 + int(u[67] * 20)]])
    if omit[5] > 0.01:
        o["like_count"] = v.likes[j]
        o["comment_count"] = v.comments[j]
        o["share_count"] = v.shares[j]
        o["view_count"] = v.views[j]
    if u[80] > 0.02:
        o["favourites_count" if u[81] < 0.1 else "favorites_count"] = v.favs[j]
    if u[82] > 0.02:
        o["video_duration"] = v.duration[j]
    if u[83] > 0.03:
        o["video_mention_list"] = list(mentions)
    if u[84] > 0.05:
        o["is_stem_verified"] = u[85] < 0.02
    if u[86] < 0.05:
        o["video_label"] = {"content": ""}
    if u[87] < 0.2 and names:
        o["hashtag_info_list"] = [{"hashtag_id": g.tag_id(x), "hashtag_name": x,
                                   "hashtag_description": ""} for x in names]
    return o


def write_pages(g: Incident, vdir: Path, first: list[dict[str, Any]], second: list[dict[str, Any]],
                rng: np.random.Generator) -> None:
    """The first videos as two Research API response bodies sharing one ``search_id``."""
    search_id = "".join(f"{x:02x}" for x in rng.integers(0, 256, 16))
    for k, (rows, more) in enumerate(((first, True), (second, False)), start=1):
        cursor = len(first) if k == 1 else len(first) + len(second)
        body = {"data": {"videos": rows, "cursor": cursor, "has_more": more, "search_id": search_id},
                "error": err(rng)}
        name = f"videos/page-{k:05d}.json"
        (g.out / name).write_text(g.dump(body) + "\n", encoding="utf-8")
        g.files.append(name)

