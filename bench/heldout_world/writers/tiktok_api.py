"""TikTok Research API output: video query results (JSON lines per day, some days kept as the
raw 100-video response pages), and user_info / user_following / reposted_videos responses in
wrappers (a few as ``user_info_<username>.json`` files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson

from ..accounts import Accounts
from ..posts import Incident
from ..util import stream
from .fields import Columns, PostFields, norm_tags
from .profiles import Profiles, bio

_OK = {"code": "ok", "message": "", "log_id": ""}


def video_object(inc: Incident, f: PostFields, c: Columns, acc: Accounts, i: int, j: int) -> dict:
    """Post ``i`` of the incident; ``j`` is its position in the columns ``c``."""
    obj = {"id": c.ids[j], "create_time": c.ts[j], "username": acc.username[c.author[j]],
           "region_code": f.region[i], "video_description": inc.caption[i]}
    if not c.no_tag_list[j]:
        obj["hashtag_names"] = norm_tags(inc.tags[i])
    obj["music_id"] = c.sound[j]
    if inc.mentions[i]:
        obj["video_mention_list"] = list(inc.mentions[i])
    elif c.empty_mentions[j]:
        obj["video_mention_list"] = []
    obj.update(like_count=c.likes[j], comment_count=c.comments[j], share_count=c.shares[j],
               view_count=c.views[j], favorites_count=c.favorites[j],
               video_duration=c.duration[j])
    if c.effect[j]:
        obj["effect_ids"] = [str(7_000_000_000_000_000_000 + (c.ids[j] >> 40))]
    if c.voice[j] and inc.caption[i]:
        obj["voice_to_text"] = inc.caption[i].split("#")[0].strip()[:80]
    return obj


def write(out: Path, seed: int, inc: Incident, f: PostFields, acc: Accounts,
          prof: Profiles) -> dict:
    rng = stream(seed, "write-tiktok")
    (out / "videos").mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(exist_ok=True)
    (out / "users").mkdir(exist_ok=True)
    needed = np.zeros(len(inc), dtype=bool)
    for lst in prof.reposts.values():
        for p in lst:
            if p >= 0:
                needed[p] = True
    cached: dict[int, bytes] = {}
    day = (inc.ts - int(inc.ts.min()) // 86400 * 86400) // 86400
    days = np.unique(day)
    as_pages = set(int(d) for d in days[rng.random(len(days)) < 0.15])
    files = 0
    bounds = np.searchsorted(day, np.append(days, days[-1] + 1))
    for k, d in enumerate(days.tolist()):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        date = str(np.datetime64(int(inc.ts[lo]), "s").astype("datetime64[D]")).replace("-", "")
        # the API returns a day's query newest first
        idx = np.arange(hi - 1, lo - 1, -1)
        cols = Columns(inc, f, idx)
        if d not in as_pages:
            with open(out / "videos" / f"query_{date}.jsonl", "wb", buffering=1 << 20) as fh:
                for j, i in enumerate(idx.tolist()):
                    b = orjson.dumps(video_object(inc, f, cols, acc, i, j))
                    if needed[i]:
                        cached[i] = b
                    fh.write(b + b"\n")
            files += 1
            continue
        lines = []
        for j, i in enumerate(idx.tolist()):
            b = orjson.dumps(video_object(inc, f, cols, acc, i, j))
            if needed[i]:
                cached[i] = b
            lines.append(b)
        pdir = out / "pages" / date
        pdir.mkdir(exist_ok=True)
        search_id = f"{date}{int(rng.integers(10**9, 10**10))}"
        for p in range(0, len(lines), 100):
            chunk = lines[p:p + 100]
            more = p + 100 < len(lines)
            body = (b'{"data":{"videos":[' + b",".join(chunk) + b'],"cursor":'
                    + str(p + len(chunk)).encode() + b',"has_more":'
                    + (b"true" if more else b"false") + b',"search_id":"'
                    + search_id.encode() + b'"},"error":' + orjson.dumps(
                        {**_OK, "log_id": f"{search_id}{p // 100:04d}"}) + b"}")
            (pdir / f"page_{p // 100 + 1:04d}.json").write_bytes(body)
            files += 1
    files += _users(out, rng, inc, acc, prof, cached)
    return {"files": files}


def _wrapper(endpoint: str, username: str, data: bytes) -> bytes:
    return (b'{"endpoint":"' + endpoint.encode() + b'","username":' + orjson.dumps(username)
            + b',"response":{"data":' + data + b',"error":{"code":"ok","message":"","log_id":""}}}')


def _users(out: Path, rng: np.random.Generator, inc: Incident, acc: Accounts, prof: Profiles,
           cached: dict[int, bytes]) -> int:
    posts = np.bincount(inc.author, minlength=len(acc))
    users = out / "users"
    fh = open(users / "user_info.jsonl", "wb", buffering=1 << 20)
    by_file = set(int(x) for x in prof.info[np.argsort(-acc.followers[prof.info], kind="stable")[:12]])
    files = 0
    for a in prof.info.tolist():
        data = {"display_name": acc.display[a], "bio_description": bio(rng, acc, a),
                "avatar_url": f"https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/"
                              f"{int(acc.user_id[a]):x}~c5_720x720.jpeg",
                "is_verified": bool(acc.verified[a]), "follower_count": int(acc.followers[a]),
                "following_count": int(acc.following[a]),
                "likes_count": int(acc.followers[a] * rng.uniform(2, 30)),
                "video_count": int(acc.old_videos[a] + posts[a])}
        if a in acc.bio_url:
            data["bio_url"] = acc.bio_url[a]
        elif int(acc.user_id[a]) % 100 < 9:      # ordinary people link their other profiles
            site = ["https://linktr.ee/", "https://www.instagram.com/", "https://youtube.com/@"][
                int(acc.user_id[a]) % 3]
            data["bio_url"] = site + acc.username[a]
        if a in by_file:
            body = orjson.dumps({"data": data, "error": _OK})
            (out / "users" / f"user_info_{acc.username[a]}.json").write_bytes(body)
            files += 1
        else:
            fh.write(_wrapper("user_info", acc.username[a], orjson.dumps(data)) + b"\n")
    fh.close()
    fh = open(users / "user_following.jsonl", "wb", buffering=1 << 20)
    for a, lst in prof.following.items():
        page = lst[:100]
        data = orjson.dumps({"user_following": [{"display_name": acc.display[b],
                                                 "username": acc.username[b]} for b in page],
                             "cursor": len(page), "has_more": len(lst) > 100})
        fh.write(_wrapper("user_following", acc.username[a], data) + b"\n")
    fh.close()
    fh = open(users / "reposted_videos.jsonl", "wb", buffering=1 << 20)
    for a, lst in prof.reposts.items():
        items = []
        for p in lst:
            if p >= 0:
                items.append(cached[p])
            else:
                e = ~p
                if prof.external_deleted[e]:
                    items.append(orjson.dumps({"id": int(prof.external_ids[e])}))
                else:
                    items.append(orjson.dumps({
                        "id": int(prof.external_ids[e]), "create_time": int(prof.external_ts[e]),
                        "username": prof.external_authors[e], "region_code": "US",
                        "video_description": "", "view_count": int(rng.integers(10**6, 10**8))}))
        data = (b'{"reposted_videos":[' + b",".join(items) + b'],"cursor":'
                + str(len(items)).encode() + b',"has_more":false}')
        fh.write(_wrapper("reposted_videos", acc.username[a], data) + b"\n")
    fh.close()
    return files + 3
