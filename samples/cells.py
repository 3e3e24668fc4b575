"""Coordinated cells, the positives: groups of accounts that post a campaign in waves.

A cell is run by one operator: 4-12 waves at hours the operator is awake, in each wave most
members post within the cell's spread (a burst of a minute, a staggered quarter of an hour, a
slow half hour) with the wave's campaign tags, sound and caption template, copied verbatim or
lightly edited. Cells differ from one another (rhythm, size, participation, caption style, sound
use, usernames, bios, follow density), and every signal they carry also occurs in the benign data,
so a detector has to combine repetition, timing and content, not one constant.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from samples.rhythm import REGION_P, REGIONS, diurnal_times
from samples.state import NO_MENTIONS, R_CELL, R_ORGANIC, Caption, Rows
from samples.text import edit_template, organic_body, pick_head
from samples.vocab import (
    CAMPAIGN_SUFFIXES,
    CAMPAIGN_WORDS,
    CELL_BIOS,
    CELL_TEMPLATES,
    EMOJIS,
    FIRST_NAMES,
    NAME_WORDS,
)
from samples.window import WINDOW_END, WINDOW_SECONDS, WINDOW_START, iso

if TYPE_CHECKING:
    from samples.state import Incident


@dataclass
class Cell:
    """One planted coordinated cell (a positive)."""

    cell_id: str
    members: np.ndarray  # account indices
    rhythm: str  # "burst" | "staggered" | "slow"
    spread: int  # seconds within which a wave's core participants post
    hashtags: list[str]  # campaign tags (challenge first)
    sounds: list[int]
    sound_p: float  # chance a wave uses the cell's main sound (else its second one)
    templates: list[str]
    distinct_captions: bool
    lookalike: bool
    target: int  # account index mentioned in some posts, -1 for none
    mention_p: float
    participation: float
    exact_p: float  # share of campaign posts that are verbatim copies
    wave_times: list[int] = field(default_factory=list)
    wave_tags: list[list[str]] = field(default_factory=list)
    wave_sound: list[int] = field(default_factory=list)
    wave_template: list[int] = field(default_factory=list)
    wave_core: list[int] = field(default_factory=list)
    follow_p: float = 0.8
    bio: str = ""
    bio_url: str = ""
    follower_factor: float = 1.0
    emojis: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------ accounts
def draw_sizes(g: Incident, rng: np.random.Generator) -> np.ndarray:
    """How many cells and how large: log-uniform sizes, one large and one small cell."""
    lg = math.log10(g.scale * 10)
    g.n_cells = int(np.clip(round(4 + 1.5 * lg) + rng.integers(0, 2), 4, 8))
    max_size = int(np.clip(round(40 * g.scale ** 0.3), 12, 80))
    sizes = np.exp(rng.uniform(math.log(5), math.log(max_size + 1), g.n_cells)).astype(int)
    sizes[0] = int(rng.uniform(0.6, 1.0) * max_size)
    sizes[1] = int(rng.integers(5, 9))
    sizes = np.clip(sizes, 5, max_size)[rng.permutation(g.n_cells)]
    if sizes.sum() > 0.25 * g.n_acc:  # tiny scales: keep room for the benign groups and background
        sizes = np.maximum(5, (sizes * (0.25 * g.n_acc / sizes.sum())).astype(int))
    return sizes


def place_regions(members: list[np.ndarray], region: np.ndarray, rng: np.random.Generator) -> None:
    """Most members of a cell share one region (the operator's market)."""
    for idx in members:
        dominant = rng.choice(len(REGIONS), p=REGION_P)
        keep = rng.random(len(idx)) < rng.uniform(0.7, 1.0)
        region[idx[keep]] = dominant


def build(g: Incident, members: list[np.ndarray], names: list[str], taken: dict[str, int],
          rng: np.random.Generator) -> None:
    """Give each cell its rhythm, campaign tags, templates, sounds, target, bio and usernames."""
    n_cells = g.n_cells
    rhythms = ["slow", "burst", "staggered"] + list(rng.choice(["burst", "staggered"], n_cells - 3))
    rhythms = [rhythms[i] for i in rng.permutation(n_cells)]
    lookalike = rng.random(n_cells) < 0.5
    lookalike[rng.integers(n_cells)] = True
    if lookalike.all():
        lookalike[rng.integers(n_cells)] = False
    distinct_cell = int(rng.integers(n_cells))
    tpl_order = rng.permutation(len(CELL_TEMPLATES))
    camp_words = list(rng.permutation(CAMPAIGN_WORDS))
    g.cells = []
    tpl_pos = 0
    used_tags: dict[str, None] = dict.fromkeys(g.challenge_tags)
    for c in range(n_cells):
        idx = members[c]
        spread = {"burst": rng.uniform(30, 90), "staggered": rng.uniform(300, 600),
                  "slow": rng.uniform(1200, 1800)}[rhythms[c]]
        n_own = int(rng.integers(1, 4))  # 1-3 cell-specific tags + the challenge = 2-4 tags
        own: list[str] = []
        while len(own) < n_own:
            if rng.random() < 0.5 and camp_words:
                tag = str(camp_words.pop())
            else:
                tag = g.challenge_stem + str(CAMPAIGN_SUFFIXES[rng.integers(len(CAMPAIGN_SUFFIXES))])
            if tag not in used_tags:
                used_tags[tag] = None
                own.append(tag)
        n_tpl = int(rng.integers(1, 4))
        templates = [CELL_TEMPLATES[tpl_order[(tpl_pos + k) % len(CELL_TEMPLATES)]] for k in range(n_tpl)]
        tpl_pos += n_tpl
        # Sounds: one cell rides the challenge's own trending sound, others bring a new one
        # or a mid-popularity pool sound (so "same sound" is never unique to cells).
        r = rng.random()
        if c == 0:
            sounds = [g.challenge_sound]
        elif r < 0.5:
            sounds = [int(g.sound_pool[rng.integers(20, len(g.sound_pool))])]
        else:
            t0 = int(rng.integers(WINDOW_START - 90 * 86400, WINDOW_START - 86400))
            sounds = [(t0 << 32) | int(rng.integers(0, 2**32))]
        if rng.random() < 0.4:
            sounds.append(int(g.sound_pool[rng.integers(0, len(g.sound_pool))]))
        target = -1
        if rng.random() < 0.6:
            pool = np.flatnonzero(g.role == R_ORGANIC)
            target = int(pool[np.argmax(g.popularity[pool] * rng.random(len(pool)))])
        cell = Cell(
            cell_id=f"cell-{c + 1}", members=idx, rhythm=str(rhythms[c]), spread=int(spread),
            hashtags=[g.challenge, *own], sounds=sounds, sound_p=float(rng.uniform(0.55, 0.9)),
            templates=templates, distinct_captions=(c == distinct_cell), lookalike=bool(lookalike[c]),
            target=target, mention_p=float(rng.uniform(0.15, 0.5)) if target >= 0 else 0.0,
            participation=float(rng.uniform(0.65, 0.9)), exact_p=float(rng.uniform(0.15, 0.5)),
            follow_p=float(rng.uniform(0.6, 0.95)),
            follower_factor=float(rng.choice([0.15, 0.3, 0.6, 1.0])),
            emojis=[EMOJIS[i] for i in rng.choice(len(EMOJIS), 3, replace=False)],
        )
        if rng.random() < 0.5:
            cell.bio = CELL_BIOS[rng.integers(len(CELL_BIOS))]
        if rng.random() < 0.35:
            cell.bio_url = f"https://{own[0][:10]}.click/"
        if cell.lookalike:
            lookalike_names(cell, names, taken, rng)
        g.cells.append(cell)


def lookalike_names(cell: Cell, names: list[str], taken: dict[str, int], rng: np.random.Generator) -> None:
    """Give a cell's members near-identical usernames (sequential numbers or separator games)."""
    a = str(NAME_WORDS[rng.integers(len(NAME_WORDS))] if rng.random() < 0.5
            else FIRST_NAMES[rng.integers(len(FIRST_NAMES))])
    b = str(NAME_WORDS[rng.integers(len(NAME_WORDS))])
    sequential = rng.random() < 0.6
    base = int(rng.integers(100, 9000))
    for acct in cell.members:
        if sequential:
            base += int(rng.integers(1, 4))
            cand = f"{a}.{b}_{base:04d}"
        else:
            sep = ["", ".", "_", "__", "._"][rng.integers(5)]
            pre = ["", "", "its.", "real.", "the"][rng.integers(5)]
            suf = ["", "x", "_", str(rng.integers(0, 100)), ".official"][rng.integers(5)]
            cand = f"{pre}{a}{sep}{b}{suf}"
        while cand in taken:
            cand = f"{cand}{int(rng.integers(0, 10))}"
        del taken[names[acct]]
        taken[cand] = int(acct)
        names[acct] = cand


def display_stems(g: Incident, rng: np.random.Generator) -> None:
    """Some look-alike cells also share a display-name stem (``Sunset Salt``, ``Sunset Salt 🔥``)."""
    for cell in g.cells:
        if cell.lookalike and rng.random() < 0.6:
            stem = g.usernames[cell.members[0]].split("_")[0].replace(".", " ").title()
            for a in cell.members:
                g.display[a] = stem + ("" if rng.random() < 0.5 else " " + cell.emojis[0])


# ---------------------------------------------------------------------------------------- plan
def plan(g: Incident, rows: Rows, rng: np.random.Generator) -> None:
    """Waves of near-simultaneous campaign posts; counts each member's posts for the camouflage."""
    g.k_cell = g.add_kind(lambda *row: render(g, *row))
    g.cell_post_counts = np.zeros(g.n_acc, dtype=np.int64)
    for ci, cell in enumerate(g.cells):
        size = len(cell.members)
        waves = int(rng.integers(4, 13))
        cell.wave_times = wave_times(g, cell, waves, rng)
        a, b = rng.uniform(0.8, 1.5), rng.uniform(1.0, 2.5)
        n_tpl = len(cell.templates)
        for w, wt in enumerate(cell.wave_times):
            p = float(np.clip(cell.participation + rng.normal(0, 0.08), 0.6, 0.95))
            k = int(np.clip(round(p * size), math.ceil(0.6 * size), size - 1))
            order = rng.permutation(cell.members)
            core, rest = order[:k], order[k:]
            offs = np.floor(cell.spread * rng.beta(a, b, k)).astype(np.int64)
            offs[0] = 0  # someone kicks the wave off
            times = [wt + offs]
            accts = [core]
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
            # wave instruction: a subset of the campaign tags, one sound, one template
            tags = [tg for tg in cell.hashtags if rng.random() < 0.8] or [cell.hashtags[0]]
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


def wave_times(g: Incident, cell: Cell, waves: int, rng: np.random.Generator) -> list[int]:
    """Wave start times >= 6 h apart, at hours the operator is awake (its own daily rhythm).

    Uniformly random hours would make "posts at 4 am local" a give-away; drawing the candidates
    from the diurnal model of one member keeps cells on plausible human schedules.
    """
    gap = 6 * 3600
    operator = np.repeat(cell.members[0], 400)
    cand = diurnal_times(g, operator, rng)
    cand = cand[(cand >= WINDOW_START + 3600) & (cand < WINDOW_END - 3 * 3600)]
    chosen: list[int] = []
    for t in cand.tolist():
        if all(abs(t - c) >= gap for c in chosen):
            chosen.append(int(t))
            if len(chosen) == waves:
                return sorted(chosen)
    # fallback (rare): evenly spaced random slots
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


# -------------------------------------------------------------------------------------- render
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


# ---------------------------------------------------------------------------- users and truth
def truth(g: Incident) -> list[dict]:
    """The cells as ``ground_truth.json`` lists them."""
    u = g.usernames
    out = []
    for cell in g.cells:
        out.append({
            "cell_id": cell.cell_id,
            "accounts": [u[a] for a in cell.members],
            "size": len(cell.members),
            "hashtags": cell.hashtags,
            "sounds": cell.sounds,
            "caption_templates": [] if cell.distinct_captions else [
                t.replace("{ch}", "#" + g.challenge).replace("{e}", cell.emojis[0]) for t in cell.templates],
            "waves": len(cell.wave_times),
            "rhythm": cell.rhythm,
            "spread_seconds": cell.spread,
            "wave_times": [iso(t) for t in cell.wave_times],
            "wave_start_ts": cell.wave_times,
            "wave_core_posters": cell.wave_core,
            "participation": round(cell.participation, 3),
            "distinct_captions": cell.distinct_captions,
            "lookalike_usernames": cell.lookalike,
            "mention_target": u[cell.target] if cell.target >= 0 else None,
        })
    return out


def pick_sisters(g: Incident, rng: np.random.Generator) -> dict[int, int]:
    """Sometimes two cells of one operation know each other (they follow each other sparsely)."""
    if g.n_cells >= 2 and rng.random() < 0.6:
        c1, c2 = (int(x) for x in rng.choice(g.n_cells, 2, replace=False))
        return {c1: c2, c2: c1}
    return {}


def follows(g: Incident, a: int, chosen: dict[int, None], sisters: dict[int, int],
            rng: np.random.Generator) -> int:
    """Dense follows inside the cell (per-cell probability), a few into a sister cell; returns
    the number of everyday follows to add."""
    c = int(g.group[a])
    cell = g.cells[c]
    mates = cell.members[rng.random(len(cell.members)) < cell.follow_p]
    chosen.update(dict.fromkeys(int(x) for x in mates))
    if c in sisters:
        other = g.cells[sisters[c]].members
        chosen.update(dict.fromkeys(int(x) for x in other[rng.random(len(other)) < 0.15]))
    return int(rng.integers(3, 30))


def reposts(g: Incident, a: int, rng: np.random.Generator, popular: Callable[[int], list[int]]) -> list[int]:
    """3-15 reposts, 80% of them other members' campaign posts, the rest popular videos."""
    if not hasattr(g, "cell_rows"):
        g.cell_rows = {c: np.flatnonzero((g.kind == g.k_cell) & (g.sub == c)) for c in range(g.n_cells)}
    rows = g.cell_rows[int(g.group[a])]
    rows = rows[g.acct[rows] != a]
    kk = int(rng.integers(3, 16))
    picks: list[int] = []
    if len(rows):
        picks += [int(x) for x in rows[rng.integers(0, len(rows), int(kk * 0.8))]]
    return picks + popular(kk - int(kk * 0.8))


def audience(g: Incident, followers: np.ndarray, following: np.ndarray, uu: list[list[float]]) -> None:
    """Cells' accounts are young: fewer followers (per-cell factor), follow more accounts."""
    for a in np.flatnonzero(g.role == R_CELL).tolist():
        followers[a] *= g.cells[int(g.group[a])].follower_factor
        following[a] *= 1.0 + 2.0 * uu[a][9]


def profile(g: Incident, a: int, bio: str, url: str, avatar: str, u: list[float],
            default_avatar: str) -> tuple[str, str, str]:
    """A member's (bio, bio_url, avatar): the cell's bio and link domain, default avatars."""
    cell = g.cells[int(g.group[a])]
    if cell.bio and u[3] < 0.8:  # shared bio, sometimes lightly reworded
        bio = cell.bio if u[4] < 0.6 else cell.bio.replace(" | ", " ").lower()
    if cell.bio_url and u[5] < 0.7:
        url = cell.bio_url + g.usernames[a]
    if cell.follower_factor < 0.5 and u[6] < 0.3:
        avatar = default_avatar
    return bio, url, avatar
