"""Videos on disk: the planned rows rendered chunk by chunk and written in the chosen format.

Text is made chunk by chunk (:data:`CHUNK_ROWS` rows, each chunk with its own random stream), in
forked workers for large incidents; results come back in order and are written by one process,
so the bytes are the same either way. Formats: ``research_api`` (:mod:`.research_api`: two saved
response pages, then JSON-lines files) and ``zeeschuimer`` (:mod:`.zeeschuimer`: NDJSON capture);
at most 200,000 lines per file; ~0.3% of the videos come again later (an overlapping export)
with higher counts.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any

import numpy as np

from samples.captions import compose
from samples.rhythm import REGION_CODES
from samples.state import Incident
from samples.text import caption_tags
from samples.vocab import EMOJIS
from samples.writers import research_api, zeeschuimer

MAX_LINES_PER_FILE = 200_000
CHUNK_ROWS = 20_000  # rows per text-generation chunk; fixed, because chunk seeds depend on it
PARALLEL_MIN_VIDEOS = 100_000  # below this, forking workers costs more than it saves
DUPLICATE_SHARE = 0.003  # share of videos a later export repeats


class ChunkView:
    """A chunk's slice of the plan as Python lists (per-row numpy reads are slow)."""

    def __init__(self, g: Incident, c0: int, c1: int) -> None:
        self.acct = g.acct[c0:c1].tolist()
        self.t = g.t[c0:c1].tolist()
        self.kind = g.kind[c0:c1].tolist()
        self.ids = g.ids[c0:c1].tolist()
        self.likes = g.likes[c0:c1].tolist()
        self.comments = g.comment_counts[c0:c1].tolist()
        self.shares = g.shares[c0:c1].tolist()
        self.views = g.views[c0:c1].tolist()
        self.favs = g.favs[c0:c1].tolist()
        self.duration = g.duration[c0:c1].tolist()
        parent = g.parent[c0:c1]
        self.duet_of = np.where(parent >= 0, g.ids[np.maximum(parent, 0)], 0).tolist()


def render_chunk(g: Incident, c0: int) -> dict[str, Any]:
    """JSON text and statistics of rows ``c0 .. c0 + CHUNK_ROWS``; needs no other chunk.

    Runs in the main process or in a forked worker: everything it reads is the finished plan,
    and its randomness comes from its own ``[seed, 101, chunk]`` stream.
    """
    n, n_page = g.n_videos, g.n_page
    c1 = min(n, c0 + CHUNK_ROWS)
    m = c1 - c0
    crng = np.random.default_rng([g.seed, 101, c0 // CHUNK_ROWS])
    # all randomness of a chunk drawn at once, as Python lists (fast per-row access)
    U = crng.random((m, 96)).tolist()
    W = np.searchsorted(g.word_cdf, crng.random((m, 14))).tolist()
    T = np.searchsorted(g.vocab_cdf, crng.random((m, 5))).tolist()
    E = crng.integers(0, len(EMOJIS), (m, 4)).tolist()
    S = np.searchsorted(g.sound_cdf, crng.random(m)).tolist()
    R = crng.integers(0, 2**32, m).tolist()
    M = crng.integers(0, g.n_acc, m).tolist()
    need = g.need_obj[c0:c1].tolist()
    view = ChunkView(g, c0, c1)
    zee = g.fmt == "zeeschuimer"
    dup_src = g.dup_src
    dump = g.dump
    lines: list[str | None] = []
    page_objs: dict[int, dict[str, Any]] = {}
    dups: dict[int, Any] = {}
    reposts: dict[int, dict[str, Any]] = {}
    tags: dict[str, None] = {}
    sounds: dict[int, None] = {}
    links = mentions = 0
    for j in range(m):
        i = c0 + j
        u, e = U[j], E[j]
        a, t = view.acct[j], view.t[j]
        caption, names, mentioned, sound = compose(g, i, a, t, view.kind[j], u, W[j], T[j], e, S[j], R[j], M[j])
        if zee:
            obj = zeeschuimer.item(g, view, j, a, t, caption, names, mentioned, sound, sound == (t << 32) | R[j], u)
            links += len(names)
            tags.update(dict.fromkeys(names))
            sounds[sound] = None
            mentions += len(mentioned)
            if need[j]:
                reposts[i] = zeeschuimer.repost_object(obj)
            if i in dup_src:
                dups[i] = dump(zeeschuimer.recapture(obj, crng.uniform(1.05, 1.6, 4).tolist()))
            lines.append(dump(obj))
            continue
        obj = research_api.video_object(g, view, j, a, t, caption, names, mentioned, sound, u, e)
        names = obj.get("hashtag_names")
        if names is None:  # the caption carries the tags when the list is missing
            names = caption_tags(obj.get("video_description", ""))
        links += len(names)
        for x in names:
            tags[x] = None
        if "music_id" in obj:
            sounds[obj["music_id"]] = None
        mentions += len(obj.get("video_mention_list", ()))
        if need[j]:
            reposts[i] = {key: obj[key] for key in research_api.REPOST_FIELDS if key in obj}
        if i in dup_src:
            # the later export saw the video again, after it had gathered more engagement
            d = dict(obj)
            for key in ("like_count", "view_count", "share_count", "comment_count"):
                if key in d:
                    d[key] = int(d[key] * crng.uniform(1.05, 1.6)) + 1
            if "like_count" not in d:
                d["like_count"] = int(g.likes[i] * 1.2) + 1
            dups[i] = d if i < n_page else dump(d)
        if i < n_page:
            page_objs[i] = obj
            lines.append(None)
        else:
            lines.append(dump(obj))
    return {"lines": lines, "page_objs": page_objs, "dups": dups, "reposts": reposts,
            "tags": list(tags), "sounds": list(sounds), "links": links, "mentions": mentions}


_WORKER: Incident | None = None  # the incident a forked worker renders for (set before fork)


def _render_in_worker(c0: int) -> dict[str, Any]:
    assert _WORKER is not None
    return render_chunk(_WORKER, c0)


def write_videos(g: Incident) -> None:
    """Stream every planned video to disk in ``g.fmt``: (Research API) two pages, then JSON-lines
    files, or (Zeeschuimer) NDJSON files.

    Large incidents render chunks in forked worker processes (the text is ~85% of the run
    time); results come back in order and are written by this process alone, so the bytes
    are the same either way.
    """
    vdir = g.out / "videos"
    vdir.mkdir(parents=True, exist_ok=True)
    n = g.n_videos
    rng = np.random.default_rng([g.seed, 11])
    # Duplicates (an overlapping export): page 2 repeats page 1's tail; a few later rows repeat.
    n_page = g.n_page = 0 if g.fmt == "zeeschuimer" else min(research_api.PAGE_VIDEOS, n)
    half = n_page // 2
    page_dups = list(range(max(0, half - research_api.PAGE_OVERLAP), half))
    n_dup = max(5, int(round(DUPLICATE_SHARE * n)))
    later = np.sort(rng.choice(np.arange(n_page, n), min(n_dup, max(0, n - n_page - 1)), replace=False))
    g.dup_src = dict.fromkeys(page_dups, -1)  # original row -> re-emit row
    for r in later:
        g.dup_src[int(r)] = int(min(n - 1, r + rng.integers(200, 5000)))
    g.repost_objs = {}
    g.region_codes = [REGION_CODES[r] for r in g.region.tolist()]
    pending: dict[int, list[str]] = {}
    hashtag_links = mentions = 0
    tag_set: dict[str, None] = {}
    sound_set: dict[int, None] = {}
    page_rows: list[dict[str, Any]] = []
    page_dup_objs: list[dict[str, Any]] = []
    state = {"file_no": 0, "in_file": 0, "rows": 0}
    fh: Any = None
    buf: list[str] = []
    n_dup_rows = 0

    def emit(line: str) -> None:
        nonlocal fh, buf
        if fh is None or state["in_file"] >= MAX_LINES_PER_FILE:
            if fh is not None:
                fh.write("\n".join(buf) + "\n")
                buf = []
                fh.close()
            state["file_no"] += 1
            name = (f"videos/zeeschuimer-{state['file_no']:05d}.ndjson" if g.fmt == "zeeschuimer"
                    else f"videos/videos-{state['file_no']:05d}.jsonl")
            g.files.append(name)
            fh = open(g.out / name, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            state["in_file"] = 0
        buf.append(line)
        state["in_file"] += 1
        state["rows"] += 1

    starts = list(range(0, n, CHUNK_ROWS))
    workers = min(4, os.cpu_count() or 1)
    parallel = (n >= PARALLEL_MIN_VIDEOS and workers > 1
                and "fork" in multiprocessing.get_all_start_methods())
    global _WORKER
    pool = None
    # Rendering makes millions of short-lived, acyclic objects: the cycle collector would only
    # walk the plan's big lists over and over (and, after a fork, copy their pages).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    if parallel:
        _WORKER = g
        pool = multiprocessing.get_context("fork").Pool(workers)
        results = pool.imap(_render_in_worker, starts)
    else:
        results = (render_chunk(g, c0) for c0 in starts)
    try:
        for c0, res in zip(starts, results, strict=True):
            hashtag_links += res["links"]
            mentions += res["mentions"]
            tag_set.update(dict.fromkeys(res["tags"]))
            sound_set.update(dict.fromkeys(res["sounds"]))
            g.repost_objs.update(res["reposts"])
            for i, d in res["dups"].items():
                if i < n_page:
                    page_dup_objs.append(d)
                else:
                    pending.setdefault(g.dup_src[i], []).append(d)
            for j, line in enumerate(res["lines"]):
                i = c0 + j
                if line is None:  # one of the first rows: they go to the two pages
                    page_rows.append(res["page_objs"][i])
                    if i == n_page - 1:
                        research_api.write_pages(g, vdir, page_rows[:half], page_dup_objs + page_rows[half:],
                                                 rng)
                        state["rows"] += len(page_rows) + len(page_dup_objs)
                        n_dup_rows += len(page_dup_objs)
                    continue
                emit(line)
                for d in pending.pop(i, []):
                    emit(d)
                    n_dup_rows += 1
            if fh is not None and buf:
                fh.write("\n".join(buf) + "\n")
                buf = []
            g.progress("videos", min(n, c0 + CHUNK_ROWS), n)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
            _WORKER = None
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
        if fh is not None:
            fh.close()
    g.counts.update(videos=n, video_rows=state["rows"], duplicate_video_rows=n_dup_rows,
                    hashtag_links=hashtag_links, mentions=mentions, hashtags=len(tag_set),
                    sounds=len(sound_set), video_files=state["file_no"],
                    video_pages=2 if n_page else 0)
