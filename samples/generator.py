"""One run of the generator: plan the incident, write its files, write the answer key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samples import plan, social
from samples.ground_truth import ground_truth
from samples.state import Incident
from samples.writers import comments, users, videos


def run(g: Incident) -> dict[str, Any]:
    g.out.mkdir(parents=True, exist_ok=True)
    g.progress("plan", 0, 1)
    plan.build_accounts(g)
    plan.plan_posts(g)
    social.plan_reposts(g)
    g.progress("plan", 1, 1)
    videos.write_videos(g)
    g.progress("users", 0, 3)
    users.write_user_info(g)
    g.progress("users", 1, 3)
    users.write_following(g)
    g.progress("users", 2, 3)
    users.write_reposts(g)
    g.progress("users", 3, 3)
    comments.write_comments(g)
    g.progress("comments", 1, 1)
    gt = ground_truth(g)
    gt_path = g.out / "ground_truth.json"
    gt_path.write_text(json.dumps(gt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    g.files.append("ground_truth.json")
    g.progress("ground_truth", 1, 1)
    return {"out_dir": str(g.out), "seed": g.seed, "scale": g.scale,
            "counts": dict(g.counts), "files": sorted(g.files), "ground_truth": str(gt_path)}


def generate_incident(out_dir: Path, seed: int, scale: float = 1.0,
                      progress: Callable[[str, int, int], None] | None = None,
                      fmt: str = "research_api") -> dict[str, Any]:
    """Write a synthetic incident (TikTok Research API format) and its ground truth to ``out_dir``.

    ``fmt="zeeschuimer"`` writes the videos as a Zeeschuimer NDJSON capture instead (duets carry
    the id of the video they answer); users and comments stay in the Research API format.

    ``scale`` 1.0 makes about 10,000 videos by about 2,000 accounts; the volume grows linearly
    with ``scale`` (100 gives about a million videos), group sizes grow mildly. The same
    ``(seed, scale)`` always gives byte-identical files. ``progress``, if given, is called as
    ``progress(stage, done, total)`` with stages ``plan``, ``videos``, ``users``, ``comments``,
    ``ground_truth``.

    Returns a summary: ``counts`` (the same numbers as ``ground_truth.json``), ``files`` (paths
    relative to ``out_dir``) and ``ground_truth`` (its path).
    """
    return run(Incident(Path(out_dir), seed, scale, progress, fmt))
