"""User data in the Research API's wrappers: ``users/user_info.jsonl``, ``following.jsonl``,
``reposts.jsonl``, one ``{"endpoint", "username", "response"}`` object per line.

Profiles are modelled here: followers from popularity, following, likes, video counts, bios from
a bank (cells and look-alike classes bring their own), avatars, verification; ~6% of accounts
have no profile (deleted or private).
"""

from __future__ import annotations

import math

import numpy as np

from samples import cells, social
from samples.state import R_CELL, R_FIRST_LOOKALIKE, Incident
from samples.vocab import BIO_BANK, DEFAULT_AVATAR
from samples.writers.common import LineWriter, err, log_ids

USER_INFO_COVERAGE = 0.94


def write_user_info(g: Incident) -> None:
    """One ``user_info`` wrapper per account (a random ~6% are missing, as deleted/private)."""
    rng = np.random.default_rng([g.seed, 21])
    n = g.n_acc
    include = rng.random(n) < USER_INFO_COVERAGE
    in_window = np.bincount(g.acct, minlength=n)
    followers = g.popularity * np.exp(rng.normal(math.log(400), 1.4, n))
    following = np.exp(rng.normal(math.log(180), 1.0, n))
    likes_mult = np.exp(rng.normal(2.0, 1.0, n))
    extra_videos = np.exp(rng.normal(3.0, 1.3, n))
    uu = rng.random((n, 10)).tolist()
    bio_pick = rng.integers(0, len(BIO_BANK), n).tolist()
    avatar_hex = rng.integers(0, 2**63, n).tolist()
    lids = log_ids(rng, n)
    g.follower_weight = followers.copy()
    cells.audience(g, followers, following, uu)
    out = LineWriter(g.out / "users" / "user_info.jsonl")
    for a in np.flatnonzero(include).tolist():
        role = int(g.role[a])
        fol = float(followers[a])
        u = uu[a]
        bio = BIO_BANK[bio_pick[a]] if u[0] < 0.75 else ""
        url = f"https://linktr.ee/{g.usernames[a]}" if u[1] < 0.12 else ""
        avatar = (DEFAULT_AVATAR if u[2] < 0.05 else
                  "https://p16-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/"
                  f"{avatar_hex[a]:016x}~tplv-tiktokx-cropcenter:168:168.jpeg")
        official = False
        if role == R_CELL:
            bio, url, avatar = cells.profile(g, a, bio, url, avatar, u, DEFAULT_AVATAR)
        elif role >= R_FIRST_LOOKALIKE:
            bio, url, official = g.lookalikes[role - R_FIRST_LOOKALIKE].profile(a, bio, url, u)
        verified = (official and u[7] < 0.85) or (fol > 200_000 and u[8] < 0.5) or u[8] < 0.004
        data = {
            "display_name": g.display[a], "bio_description": bio, "avatar_url": avatar,
            "is_verified": bool(verified), "follower_count": int(fol),
            "following_count": int(following[a]), "likes_count": int(fol * likes_mult[a]),
            "video_count": int(in_window[a] + extra_videos[a]), "bio_url": url,
        }
        out.write(g.dump({
            "endpoint": "user_info", "username": g.usernames[a],
            "response": {"data": data, "error": {"code": "ok", "message": "", "log_id": lids[a]}}}))
    out.close()
    g.files.append("users/user_info.jsonl")
    g.counts["user_info"] = out.lines


def write_following(g: Incident) -> None:
    """``user_following`` lists of the sampled accounts (see :mod:`samples.social`)."""
    rng = np.random.default_rng([g.seed, 31])
    total = 0
    entry_json: list[str | None] = [None] * g.n_acc
    dump = g.dump
    out = LineWriter(g.out / "users" / "following.jsonl")
    lists = social.follow_lists(g, rng)
    lids = log_ids(rng, len(lists))
    for (a, ids), lid in zip(lists, lids, strict=True):
        # Assembled from cached per-account JSON snippets: the same bytes the encoder would
        # write for the nested dicts, without building 10^6 of them at scale 100.
        parts = []
        for j in ids:
            snip = entry_json[j]
            if snip is None:
                snip = entry_json[j] = dump({"display_name": g.display[j], "username": g.usernames[j]})
            parts.append(snip)
        total += len(ids)
        out.write('{"endpoint":"user_following","username":' + dump(g.usernames[a])
                  + ',"response":{"data":{"user_following":[' + ",".join(parts) + '],"cursor":'
                  + str(len(ids)) + ',"has_more":false},"error":{"code":"ok","message":"","log_id":"'
                  + lid + '"}}}')
    out.close()
    g.files.append("users/following.jsonl")
    g.counts.update(following_lists=out.lines, follows=total)


def write_reposts(g: Incident) -> None:
    """``reposted_videos`` lists: the planned reposts, as the video objects the export captured."""
    rng = np.random.default_rng([g.seed, 42])
    out = LineWriter(g.out / "users" / "reposts.jsonl")
    total = 0
    for a, picks in g.repost_plan:
        vids = [g.repost_objs[p] for p in picks]
        total += len(vids)
        body = {"data": {"reposted_videos": vids, "cursor": len(vids), "has_more": False},
                "error": err(rng)}
        out.write(g.dump({"endpoint": "reposted_videos", "username": g.usernames[a],
                          "response": body}))
    out.close()
    g.files.append("users/reposts.jsonl")
    g.counts.update(repost_lists=out.lines, reposts=total)
