"""A held-out world model of short-video platform incidents: organic activity, coordinated
cells (the positives) and benign look-alikes, written in real export formats.

>>> from bench.heldout_world import generate_world
>>> summary = generate_world(Path("out"), seed=101, videos=100_000, fmt="tiktok-api")
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson

from . import lookalikes
from .accounts import make_accounts
from .cells import TACTICS, make_cells, setup_cells
from .clock import choose_window
from .context import Ctx
from .organic import assign_trend_owners, organic_batch
from .posts import concat
from .social import Social
from .sounds import make_sounds
from .spillover import spill
from .trends import make_trends
from .util import stream
from .writers import tiktok_api, zeeschuimer
from .writers.fields import post_fields
from .writers.profiles import make_profiles

WORLD = "heldout-v1"
FORMATS = ("tiktok-api", "zeeschuimer")
ACCOUNTS_PER_VIDEO = 0.2


def build_world(seed: int, videos: int) -> dict:
    """Everything but the files: the incident, the accounts and who is what."""
    if videos < 2_000:
        raise ValueError("videos must be at least 2,000")
    clock = choose_window(stream(seed, "window"))
    acc = make_accounts(seed, int(videos * ACCOUNTS_PER_VIDEO), clock)
    sounds = make_sounds(seed, videos)
    trends = make_trends(seed, videos, clock, sounds)
    social = Social(seed, acc)
    ctx = Ctx(seed, videos, clock, acc, social, trends, sounds)
    assign_trend_owners(seed, acc, trends)
    # every role and handle is settled before any caption is written
    cell_setups = setup_cells(seed, videos, clock, acc, trends)
    states = [mod.setup(ctx, stream(seed, f"setup-{mod.NAME}")) for mod in lookalikes.CLASSES]
    cells, cell_batch = make_cells(seed, cell_setups, clock, acc, trends, sounds)
    batches = [cell_batch]
    for mod, st in zip(lookalikes.CLASSES, states, strict=True):
        batches.append(mod.build(ctx, st, stream(seed, f"build-{mod.NAME}")))
    special = sum(len(b) for b in batches)
    if special > 0.6 * videos:
        raise ValueError(f"special posts ({special}) leave too little organic activity")
    organic = organic_batch(seed, clock, acc, social, trends, sounds, videos - special)
    spill(seed, cells, organic, acc)
    batches.append(organic)
    for b in batches:
        np.clip(b.ts, clock.start_ts, clock.end_ts - 1, out=b.ts)
    inc = concat(batches, stream(seed, "ids"))
    follows: list[tuple[int, int]] = []
    for st in states:
        follows += st.get("follows", [])
    mesh = stream(seed, "mesh")
    for c in cells:
        if c.follow_mesh:
            for a in c.members.tolist():
                others = c.members[c.members != a]
                k = min(len(others), int(mesh.integers(3, 41)))
                follows += [(a, int(b)) for b in mesh.choice(others, k, replace=False)]
    return {"ctx": ctx, "inc": inc, "cells": cells, "states": states, "follows": follows}


def ground_truth(world: dict, seed: int, videos: int, fmt: str, extra_counts: dict) -> dict:
    ctx, inc, cells = world["ctx"], world["inc"], world["cells"]
    acc, clock = ctx.acc, ctx.clock
    posted = np.zeros(len(acc), dtype=bool)
    posted[inc.author] = True
    benign = {}
    for mod, st in zip(lookalikes.CLASSES, world["states"], strict=True):
        benign[mod.NAME] = sorted(acc.username[int(a)] for a in np.unique(st["members"]) if posted[a])
    used_tactics = sorted({t for c in cells for t in c.tactics})
    return {
        "world": WORLD, "seed": seed, "videos": videos, "format": fmt,
        "window": {"start_ts": clock.start_ts, "end_ts": clock.end_ts, "days": clock.days,
                   "dst_transitions": clock.transitions},
        "cells": [{
            "cell_id": c.cell_id, "accounts": sorted(acc.username[int(a)] for a in c.members),
            "size": len(c.members), "tactics": c.tactics, "waves": len(c.waves),
            "wave_windows": [list(w) for w in c.waves], "theme": c.campaign.theme,
            "hashtags": c.campaign.tags, "rotating_hashtags": c.campaign.rotation
            if "rotating_hashtags" in c.tactics else [], "links": c.campaign.links
            if "link_push" in c.tactics else [], "mention_targets": c.campaign.targets,
            "sound_id": str(c.sound) if c.sound else None, "operator_zone": c.operator_zone,
            "target_country": c.target_country, "posts": c.posts} for c in cells],
        "benign": benign,
        "benign_descriptions": {mod.NAME: mod.DESCRIPTION for mod in lookalikes.CLASSES},
        "tactic_descriptions": {t: TACTICS[t] for t in used_tactics},
        "challenge": {"base": ctx.trends.challenge.base, "variants": ctx.trends.challenge.variants,
                      "onset_ts": ctx.trends.challenge.onset_ts,
                      "hidden_ts": ctx.trends.challenge.hidden_ts},
        "counts": {"videos": len(inc), "accounts": int(posted.sum()),
                   "cell_accounts": int(sum(len(c.members) for c in cells)),
                   "benign_accounts": int(sum(len(v) for v in benign.values())),
                   "cell_posts": int(sum(c.posts for c in cells)),
                   "duets": int((inc.kind > 0).sum()), **extra_counts},
    }


def generate_world(out_dir: Path, seed: int, videos: int, fmt: str = "tiktok-api") -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(seed, videos)
    ctx, inc = world["ctx"], world["inc"]
    fields = post_fields(seed, inc, ctx.acc, ctx.clock.end_ts)
    extra: dict = {}
    if fmt == "tiktok-api":
        prof = make_profiles(seed, inc, ctx.acc, ctx.social, world["follows"], videos)
        res = tiktok_api.write(out_dir, seed, inc, fields, ctx.acc, prof)
        in_lists = sorted({p for lst in prof.reposts.values() for p in lst if p < 0})
        shown = [~p for p in in_lists if not prof.external_deleted[~p]]
        extra = {"repost_only_videos": len(shown),
                 "posts_in_files": len(inc) + len(shown),
                 "account_reposts": int(sum(len(v) for v in prof.reposts.values())),
                 "profiles": len(prof.info), "following_lists": len(prof.following),
                 "repost_lists": len(prof.reposts), "files": res["files"]}
    else:
        res = zeeschuimer.write(out_dir, seed, inc, fields, ctx.acc, ctx.sounds)
        extra = {"posts_in_files": len(inc), "recaptured_items": res["recaptured"],
                 "files": res["files"]}
    truth = ground_truth(world, seed, videos, fmt, extra)
    (out_dir / "ground_truth.json").write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2))
    return truth


__all__ = ["generate_world", "build_world", "WORLD", "FORMATS"]
