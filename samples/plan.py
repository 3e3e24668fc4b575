"""The plan of an incident: who is who, and who posts when (numpy columns, no text yet).

:func:`build_accounts` sizes the groups, gives every account its role, region, rhythm and name;
:func:`plan_posts` lays out every post (cells, challenge adopters, each look-alike class, then
the organic background that fills the volume) and sorts them as an export would list them.
"""

from __future__ import annotations

import numpy as np

from samples import cells, engagement, organic, rhythm
from samples.lookalikes import CLASSES
from samples.lookalikes.base import fit_sizes
from samples.state import R_CELL, R_CHALLENGE, R_FIRST_LOOKALIKE, R_ORGANIC, Incident, Rows
from samples.vocab import build_vocab


def build_accounts(g: Incident) -> None:
    """Size the groups, place every account, name them, and set up the cells."""
    build_vocab(g)
    rng = g.rng
    n = g.n_acc
    sizes = cells.draw_sizes(g, rng)
    g.lookalikes = [cls(g, R_FIRST_LOOKALIKE + k) for k, cls in enumerate(CLASSES)]
    n_chal = organic.challenge_size(g)
    # Planted groups take at most 85% of the accounts; at tiny scales the look-alike classes
    # shrink together (each to no less than its minimum), so every class still appears.
    room = int(0.85 * n) - int(sizes.sum()) - n_chal
    try:
        wanted = [la.size() for la in g.lookalikes]  # (size may set min_size: ask it first)
        fitted = fit_sizes(wanted, [la.min_size for la in g.lookalikes], room)
    except ValueError:
        raise ValueError(f"scale {g.scale} is too small for the planted groups") from None
    for la, k in zip(g.lookalikes, fitted, strict=True):
        la.fit(k)

    g.role = np.full(n, R_ORGANIC, dtype=np.int8)
    g.group = np.full(n, -1, dtype=np.int16)
    perm = rng.permutation(n)  # roles are scattered over indices (and so over file order)
    pos = 0

    def take(k: int, role: int) -> np.ndarray:
        nonlocal pos
        idx = np.sort(perm[pos:pos + k])
        pos += k
        g.role[idx] = role
        return idx

    members = []
    for c, s in enumerate(sizes):
        idx = take(int(s), R_CELL)
        g.group[idx] = c
        members.append(idx)
    for la in g.lookalikes:
        la.reserve(lambda k, role=la.role: take(k, role))
    g.chal_accts = take(n_chal, R_CHALLENGE)

    region = rhythm.home_regions(g, rng)
    for la in g.lookalikes:
        la.regions(region)
    cells.place_regions(members, region, rng)
    rhythm.settle(g, region, rng)
    for la in g.lookalikes:
        la.settle()
        la.popularity(g.popularity)
    rhythm.tastes(g, rng)

    names, taken = rhythm.usernames(g, rng)
    g.display = [""] * n
    for la in g.lookalikes:
        la.names(names, taken, g.display)
    cells.build(g, members, names, taken, rng)
    g.usernames = names
    rhythm.display_names(names, g.display, rng)
    cells.display_stems(g, rng)


def plan_posts(g: Incident) -> None:
    """Every post of the week, sorted by time (ties by id), with engagement."""
    rng = g.rng
    rows = Rows()
    organic.register(g)
    cells.plan(g, rows, rng)
    organic.plan_challenge(g, rows, rng)
    for la in g.lookalikes:
        la.plan(rows)
    planned = np.bincount(rows.build()["acct"], minlength=g.n_acc)
    camo = cells.camouflage(g, rng)
    organic.plan_background(g, rows, camo, planned, rng)

    # Final table, sorted by time (ties by id) as an export would list it.
    p = rows.build()
    total = len(p["t"])
    rand = rng.integers(0, 2**32, total)
    ids = (p["t"] << 32) | rand
    while True:  # ids must be unique; a clash needs the same second and 32 random bits
        _, first_idx, cnt = np.unique(ids, return_index=True, return_counts=True)
        if (cnt == 1).all():
            break
        dup = np.setdiff1d(np.arange(total), first_idx)
        ids[dup] = (p["t"][dup] << 32) | rng.integers(0, 2**32, len(dup))
    order = np.lexsort((ids, p["t"]))
    g.t = p["t"][order]
    g.acct = p["acct"][order]
    g.kind = p["kind"][order]
    g.sub = p["sub"][order]
    g.aux = p["aux"][order]
    g.has_ch = p["ch"][order]
    g.ids = ids[order]
    g.n_videos = total
    g.parent = np.full(total, -1, dtype=np.int64)  # the row a duet answers (Zeeschuimer's duetInfo)
    for la in g.lookalikes:
        la.parents(g.parent)
    engagement.plan(g, rng)
