"""How cells post: waves of campaign posts, camouflage, and the caption of a campaign post.

A wave starts at an hour the operator is awake; its core posts within the cell's spread (the
first at once, the last near the end of the spread). Regular cells: 60-95% of the members (never
all) in every wave, stragglers up to three spreads later, a few second takes. Small cells: all or
all but one. Sparse-large cells: each member takes part in exactly 2-3 of the 8-16 waves (waves are
balanced), no stragglers, no second takes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from samples.cells.model import Cell
from samples.rhythm import diurnal_times
from samples.state import NO_MENTIONS, Caption, Rows
from samples.text import edit_template, organic_body, pick_head
from samples.window import WINDOW_END, WINDOW_SECONDS, WINDOW_START

if TYPE_CHECKING:
    from samples.state import Incident


def plan(g: Incident, rows: Rows, rng: np.random.Generator) -> None:
    """Waves of near-simultaneous campaign posts; counts each member's posts for the camouflage."""
    g.k_cell = g.add_kind(lambda *row: render(g, *row))
    g.cell_post_counts = np.zeros(g.n_acc, dtype=np.int64)
    for ci, cell in enumerate(g.cells):
        size = len(cell.members)
        waves = cell.n_waves
        cell.wave_times = wave_times(g, cell, waves, rng)
        a, b = rng.uniform(0.8, 1.5), rng.uniform(1.0, 2.5)
        n_tpl = len(cell.templates)
        sparse = _sparse_waves(cell, rng) if cell.membership == "sparse_large" else None
        for w, wt in enumerate(cell.wave_times):
            if sparse is not None:
                order = rng.permutation(sparse[w])
                k = len(order)
            else:
                if cell.membership == "small":
                    k = size - int(rng.random() < 0.5)
                else:
                    p = float(np.clip(cell.participation + rng.normal(0, 0.08), 0.6, 0.95))
                    k = int(np.clip(round(p * size), math.ceil(0.6 * size), size - 1))
                order = rng.permutation(cell.members)
            core, rest = order[:k], order[k:]
            offs = np.floor(cell.spread * rng.beta(a, b, k)).astype(np.int64)
            offs[0] = 0  # someone kicks the wave off
            if k > 1:  # and someone closes it, near the end of the spread
                offs[-1] = cell.spread - int(rng.integers(0, max(1, cell.spread // 20)))
            times = [wt + offs]
            accts = [core]
            if sparse is None:
                late = rest[rng.random(len(rest)) < 0.25]  # stragglers, well after the core
                if len(late):
                    extra = np.minimum(rng.exponential(1.5 * cell.spread, len(late)), 3 * cell.spread)
                    times.append(wt + cell.spread + 1 + extra.astype(np.int64))
                    accts.append(late)
                dbl = core[rng.random(k) < 0.08]  # a few post a second take
                if len(dbl):
                    first = (wt + offs)[np.isin(core, dbl)]
                    times.append(first + rng.integers(cell.spread + 30, 3 * cell.spread + 60, len(dbl)))
                    accts.append(dbl)
            t_all = np.concatenate(times)
            a_all = np.concatenate(accts)
            # wave instruction: a subset of the epoch's campaign tags, one sound, one template
            epoch = cell.epochs[cell.epoch_of_wave[w]]
            tags = [tg for tg in epoch if rng.random() < 0.8] or [epoch[0]]
            cell.wave_tags.append(tags)
            if rng.random() < cell.sound_p:
                cell.wave_sound.append(cell.sounds[0])
            else:
                cell.wave_sound.append(cell.sounds[-1])
            tpl = min(n_tpl - 1, w * n_tpl // waves)
            cell.wave_template.append(int(rng.integers(n_tpl)) if rng.random() < 0.2 else tpl)
            cell.wave_core.append(k)
            inline_ch = (not cell.distinct_captions
                         and "{ch}" in cell.templates[cell.wave_template[-1]])
            ch = np.full(len(t_all), g.challenge in tags or inline_ch)
            # members occasionally add the challenge tag on their own
            ch |= rng.random(len(t_all)) < 0.15
            rows.add(t_all, a_all, g.k_cell, ci, w, ch)
            np.add.at(g.cell_post_counts, a_all, 1)


def _sparse_waves(cell: Cell, rng: np.random.Generator) -> list[np.ndarray]:
    """Members of each wave of a sparse-large cell: every member in 2-3 waves, waves balanced."""
    waves = cell.n_waves
    load = np.zeros(waves)
    chosen: list[list[int]] = [[] for _ in range(waves)]
    for a in rng.permutation(cell.members).tolist():
        m = 2 + int(rng.random() < 0.5)
        for w in np.argsort(load + rng.random(waves) * 0.9, kind="stable")[:m].tolist():
            chosen[w].append(a)
            load[w] += 1
    return [np.array(sorted(x), dtype=np.int64) for x in chosen]


def wave_times(g: Incident, cell: Cell, waves: int, rng: np.random.Generator) -> list[int]:
    """Wave start times >= 6 h apart, at hours the operator is awake (its own daily rhythm).

    Uniformly random hours would make "posts at 4 am local" a give-away; drawing the candidates
    from the diurnal model of one member keeps cells on plausible human schedules.
    """
    gap = 6 * 3600
    operator = np.repeat(cell.members[0], 600)
    cand = diurnal_times(g, operator, rng)
    cand = cand[(cand >= WINDOW_START + 3600) & (cand < WINDOW_END - 3 * 3600)]
    chosen: list[int] = []
    for t in cand.tolist():
        if all(abs(t - c) >= gap for c in chosen):
            chosen.append(int(t))
            if len(chosen) == waves:
                return sorted(chosen)
    # fallback (many waves, or bad luck): evenly spaced random slots
    usable = WINDOW_SECONDS - 4 * 3600 - (waves - 1) * gap
    starts = np.sort(rng.uniform(0, usable, waves)) + np.arange(waves) * gap + 3600
    return [int(WINDOW_START + x) for x in starts]


def camouflage(g: Incident, rng: np.random.Generator) -> np.ndarray:
    """Organic posts each member adds at its own times: 30-60% of a member's videos."""
    camo = np.zeros(g.n_acc, dtype=np.int64)
    counts = g.cell_post_counts
    for cell in g.cells:
        m = cell.members
        f = rng.uniform(0.3, 0.6, len(m))  # share of a member's videos that are camouflage
        camo[m] = np.round(counts[m] * f / (1 - f) + rng.normal(0, 0.7, len(m))).clip(1)
    return camo


def render(g: Incident, i: int, a: int, t: int, u: list[float], wrow: list[int], trow: list[int],
           e: list[int], sound: int, own: int, m_idx: int) -> Caption:
    """A campaign post: the wave's tags (a member may drop one, add head tags, reorder), its
    template copied verbatim or edited (or an organic caption in a distinct-captions cell)."""
    cell = g.cells[int(g.sub[i])]
    w = int(g.aux[i])
    tags = list(cell.wave_tags[w])
    inline: list[str] = []
    exact = u[91] < cell.exact_p  # a verbatim copy-paste of the wave's instruction
    if exact:
        u = u[:26] + [1.0] * 4 + u[30:]  # no tag drops, no head tags, no reordering
    if u[26] < 0.12 and len(tags) > 1:  # a member drops a tag
        tags.pop(int(u[27] * len(tags)))
    if g.has_ch[i] and g.challenge not in tags:
        tags.insert(0, g.challenge)
    if u[28] < 0.5:  # popular tags for reach, as organic posters do
        tags += pick_head(g, u, 1.5)
    if u[29] < 0.5 and len(tags) > 1:
        tags = tags[1:] + tags[:1]
    if cell.distinct_captions:
        body = organic_body(wrow, u, e)
    elif exact:
        tpl = cell.templates[cell.wave_template[w]]
        body = tpl.replace("{ch}", "#" + g.challenge).replace("{e}", cell.emojis[0])
        if "{ch}" in tpl:
            inline = [g.challenge]
    else:
        body, has_inline = edit_template(cell.templates[cell.wave_template[w]], u[30:], e,
                                         cell.emojis, w + 1, g.challenge)
        if has_inline:
            inline = [g.challenge]
    sound = cell.wave_sound[w] if u[54] < 0.85 else sound
    mentions = []
    if cell.target >= 0 and u[55] < cell.mention_p:
        mentions.append(g.usernames[cell.target])
    return body, tags, inline, mentions, NO_MENTIONS, sound, 0.0 if exact else 0.2
