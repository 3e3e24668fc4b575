"""Zeeschuimer NDJSON: one captured TikTok item per line, grouped by the day the browsing
session captured them. Some items are captured twice (a later session, bigger counters), some
pages give no ``challenges`` (tags only in ``textExtra``), a few give ``createTime`` as text or
the author as a bare handle."""

from __future__ import annotations

import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import orjson

from ..accounts import Accounts
from ..clock import LANGS
from ..posts import KIND_VIDEO, Incident
from ..sounds import Sounds
from ..util import stream
from .fields import AccountColumns, Columns, PostFields, norm_tags, sound_title

_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@lru_cache(maxsize=1 << 16)
def _tag_id(tag: str) -> str:
    return str(1_600_000_000_000_000_000 + zlib.crc32(tag.encode("utf-8")) * 1_000_003)


_AUTHORS: dict[int, tuple[dict, dict]] = {}
_CHALLENGES: dict[str, dict] = {}
_VIDEO_TAIL = {"ratio": "720p", "height": 1280, "width": 720}


def _author(c: AccountColumns, acc: Accounts, a: int) -> tuple[dict, dict]:
    """The author's object and stats: the same for every item of theirs (built once)."""
    got = _AUTHORS.get(a)
    if got is None:
        got = ({"id": str(c.user_id[a]), "uniqueId": acc.username[a], "nickname": acc.display[a],
                "signature": "", "verified": c.verified[a],
                "secUid": f"MS4wLjABAAAA{c.user_id[a] ^ 0x5DEECE66D:x}"},
               {"followerCount": c.followers[a], "followingCount": c.following[a],
                "heartCount": c.followers[a] * 9, "videoCount": c.old_videos[a], "diggCount": 0})
        _AUTHORS[a] = got
    return got


def _challenge(t: str) -> dict:
    got = _CHALLENGES.get(t)
    if got is None:
        got = _CHALLENGES[t] = {"id": _tag_id(t), "title": t, "desc": ""}
    return got


def item(inc: Incident, f: PostFields, c: Columns, ac: AccountColumns, acc: Accounts,
         sounds: Sounds, i: int, j: int, by_handle: dict[str, int],
         quirks: tuple[bool, bool, bool], collected: int, bump: float) -> dict:
    """Post ``i`` of the incident; ``j`` is its position in the columns ``c``."""
    a = c.author[j]
    sid = str(c.ids[j])
    cap = inc.caption[i]
    tags = norm_tags(inc.tags[i])
    extra = []
    low = cap.lower()
    for t in tags:
        s = max(low.find("#" + t), 0)
        extra.append({"awemeId": "", "start": s, "end": s + len(t) + 1, "hashtagId": _tag_id(t),
                      "hashtagName": t, "isCommerce": False, "subType": 0, "type": 1,
                      "userId": "", "userUniqueId": ""})
    for m in inc.mentions[i]:
        s = max(low.find("@" + m), 0)
        uid = by_handle.get(m)
        extra.append({"awemeId": "", "start": s, "end": s + len(m) + 1, "hashtagName": "",
                      "isCommerce": False, "subType": 0, "type": 0,
                      "userId": str(ac.user_id[uid]) if uid is not None else "",
                      "userUniqueId": m})
    title, author_name, original = sound_title(inc, i, acc, sounds)
    author, author_stats = _author(ac, acc, a)
    if bump == 1.0:
        stats = {"diggCount": c.likes[j], "shareCount": c.shares[j], "commentCount": c.comments[j],
                 "playCount": c.views[j], "collectCount": c.favorites[j]}
    else:
        stats = {"diggCount": int(c.likes[j] * bump), "shareCount": int(c.shares[j] * bump),
                 "commentCount": int(c.comments[j] * bump), "playCount": int(c.views[j] * bump),
                 "collectCount": int(c.favorites[j] * bump)}
    data = {
        "id": sid, "desc": cap,
        "createTime": str(c.ts[j]) if quirks[0] else c.ts[j],
        "scheduleTime": 0,
        "video": {"id": sid, "duration": c.duration[j], **_VIDEO_TAIL},
        "author": author,
        "music": {"id": str(c.sound[j]), "title": title, "authorName": author_name,
                  "original": original, "duration": 30},
        "challenges": [_challenge(t) for t in tags],
        "stats": stats,
        "authorStats": author_stats,
        "duetInfo": {"duetFromId": str(int(inc.ids[c.duet_of[j]]))
                     if c.kind[j] != KIND_VIDEO and c.duet_of[j] >= 0 else "0"},
        "textExtra": extra,
        "locationCreated": f.region[i],
        "textLanguage": LANGS[ac.lang[a]] if cap else "un",
        "isAd": False, "duetEnabled": True, "stitchEnabled": True, "shareEnabled": True,
    }
    if quirks[1]:
        del data["challenges"]
    if quirks[2]:
        data["author"] = acc.username[a]
        data["nickname"] = acc.display[a]
    r = (c.ids[j] >> 7) % 20       # the page the browsing session was on
    if r < 12 or not tags:
        page, api = "https://www.tiktok.com/foryou", "https://www.tiktok.com/api/recommend/item_list/"
    elif r < 17:
        page, api = f"https://www.tiktok.com/tag/{tags[0]}", "https://www.tiktok.com/api/challenge/item_list/"
    else:
        page = f"https://www.tiktok.com/@{acc.username[a]}"
        api = "https://www.tiktok.com/api/post/item_list/"
    return {"id": sid, "item_id": sid, "timestamp_collected": collected * 1000 + c.ids[j] % 1000,
            "source_platform": "tiktok.com", "source_platform_url": page, "source_url": api,
            "user_agent": _UA, "data": data}


def write(out: Path, seed: int, inc: Incident, f: PostFields, acc: Accounts,
          sounds: Sounds) -> dict:
    rng = stream(seed, "write-zeeschuimer")
    zdir = out / "zeeschuimer"
    zdir.mkdir(parents=True, exist_ok=True)
    n = len(inc)
    by_handle = {h: i for i, h in enumerate(acc.username)}
    quirks = np.stack([rng.random(n) < 0.05, rng.random(n) < 0.06, rng.random(n) < 0.01], axis=1)
    again = np.flatnonzero(rng.random(n) < 0.02)
    later = f.collected[again] + rng.integers(3600, 4 * 86400, len(again))
    rows = np.concatenate([np.arange(n), again])
    when = np.concatenate([f.collected, later])
    bump = np.concatenate([np.ones(n), rng.uniform(1.05, 2.5, len(again))])
    order = np.lexsort((rows, when))
    session = (when[order] // 86400).astype(np.int64)
    files = 0
    _AUTHORS.clear()
    _CHALLENGES.clear()
    ac = AccountColumns(acc)
    bounds = np.flatnonzero(np.diff(session)) + 1
    for sel in np.split(order, bounds):
        date = str(np.datetime64(int(when[sel[0]]) // 86400 * 86400, "s").astype("datetime64[D]"))
        posts = rows[sel]
        cols = Columns(inc, f, posts)
        _AUTHORS.clear()        # reused within a capture day; bounded memory at 2M videos
        qs = [tuple(q) for q in quirks[posts].tolist()]
        with open(zdir / f"zeeschuimer-export-tiktok-{date}.ndjson", "wb") as fh:
            lines = []
            for j, (i, w, b) in enumerate(zip(posts.tolist(), when[sel].tolist(),
                                              bump[sel].tolist(), strict=True)):
                lines.append(orjson.dumps(item(inc, f, cols, ac, acc, sounds, i, j, by_handle,
                                               qs[j], w, b)))
                if len(lines) == 4096:
                    fh.write(b"\n".join(lines) + b"\n")
                    lines = []
            if lines:
                fh.write(b"\n".join(lines) + b"\n")
        files += 1
    return {"files": files, "recaptured": int(len(again))}
