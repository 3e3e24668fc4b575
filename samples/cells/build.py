"""How cells are set up: how many, how large, which tactics, tags, templates, sounds and names.

Tactics are spread so that cells differ: every incident has one ``sparse_large``, one ``small``,
one ``rotating_hashtags`` and one ``distinct_captions`` cell, each on a different cell (4 to 8
cells), and every rhythm (``burst``, ``staggered``, ``slow``) at least once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from samples.cells.model import RHYTHM_SPREAD, Cell
from samples.rhythm import REGION_P, REGIONS
from samples.state import R_ORGANIC
from samples.vocab import (
    CAMPAIGN_SUFFIXES,
    CAMPAIGN_WORDS,
    CELL_BIOS,
    CELL_TEMPLATES,
    EMOJIS,
    FIRST_NAMES,
    NAME_WORDS,
)
from samples.window import WINDOW_START

if TYPE_CHECKING:
    from samples.state import Incident

# Misspellings and decorations of the challenge tag, as campaigns use them to dodge a ban.
MISSPELL = ["{s}chalenge", "{s}challange", "{s}_challenge", "{s}challenge_", "{s}chall3nge",
            "{s}challengee", "{s}chlng", "the{s}challenge", "{s}challengetok", "{s}chal",
            "{s}challeng", "real{s}challenge"]


def draw_sizes(g: Incident, rng: np.random.Generator) -> np.ndarray:
    """How many cells, their membership tactic and size; remembers the plan in ``g.cell_specs``.

    Regular cells are log-uniform in 5..40·scale^0.3 (cap 80), one of them large and one of
    5-8; the sparse-large cell has 45-75·scale^0.55 members (at least 12), the small one 3-4.
    At tiny scales cells are scaled down to a quarter of all accounts.
    """
    s = g.scale
    g.n_cells = n = int(np.clip(round(4 + 1.5 * math.log10(s * 10)) + rng.integers(0, 2), 4, 8))
    order = [int(x) for x in rng.permutation(n)]
    membership = ["regular"] * n
    membership[order[0]], membership[order[1]] = "sparse_large", "small"
    g.cell_specs = [{"membership": membership[c], "rotating": c == order[2],
                     "distinct": c == order[3]} for c in range(n)]
    max_size = int(np.clip(round(40 * s ** 0.3), 12, 80))
    regular = [c for c in range(n) if membership[c] == "regular"]
    sizes = np.exp(rng.uniform(math.log(5), math.log(max_size + 1), n)).astype(int)
    sizes[regular[0]] = int(rng.uniform(0.6, 1.0) * max_size)
    sizes[regular[1]] = int(rng.integers(5, 9))
    sizes = np.clip(sizes, 5, max_size)
    sizes[order[0]] = max(12, int(round(rng.uniform(45, 75) * s ** 0.55)))
    sizes[order[1]] = int(rng.integers(3, 5))
    if sizes.sum() > 0.25 * g.n_acc:  # tiny scales: keep room for the benign groups and background
        f = 0.25 * g.n_acc / sizes.sum()
        sizes = np.where(np.array(membership) == "small", sizes,
                         np.maximum(np.where(np.array(membership) == "sparse_large", 12, 5),
                                    (sizes * f).astype(int)))
    return sizes


def place_regions(members: list[np.ndarray], region: np.ndarray, rng: np.random.Generator) -> None:
    """Most members of a cell share one region (the operator's market)."""
    for idx in members:
        dominant = rng.choice(len(REGIONS), p=REGION_P)
        keep = rng.random(len(idx)) < rng.uniform(0.7, 1.0)
        region[idx[keep]] = dominant


class _TagSource:
    """Fresh campaign tags, never used twice in an incident."""

    def __init__(self, g: Incident, rng: np.random.Generator) -> None:
        self.g, self.rng = g, rng
        self.words = list(rng.permutation(CAMPAIGN_WORDS))
        self.misspell = list(rng.permutation(MISSPELL))
        self.used: dict[str, None] = dict.fromkeys(g.challenge_tags)

    def draw(self, k: int, misspell_p: float = 0.0) -> list[str]:
        rng, stem = self.rng, self.g.challenge_stem
        out: list[str] = []
        while len(out) < k:
            r = rng.random()
            if r < misspell_p and self.misspell:
                tag = self.misspell.pop().format(s=stem)
            elif r < misspell_p + (1 - misspell_p) / 2 and self.words:
                tag = str(self.words.pop())
            else:
                tag = stem + str(CAMPAIGN_SUFFIXES[rng.integers(len(CAMPAIGN_SUFFIXES))])
                if tag in self.used:  # stem+suffix combinations run out: add a number
                    tag += str(int(rng.integers(2, 99)))
            if tag not in self.used:
                self.used[tag] = None
                out.append(tag)
        return out


def _epochs(g: Incident, waves: int, rotating: bool, tags: _TagSource,
            rng: np.random.Generator) -> tuple[list[list[str]], list[int]]:
    """Campaign tags by epoch and the epoch of each wave: one epoch of the challenge + 1-3 own
    tags, or (rotating) a new epoch every 1-2 waves with 1-3 fresh tags, the challenge in some."""
    if not rotating:
        return [[g.challenge, *tags.draw(int(rng.integers(1, 4)))]], [0] * waves
    epochs: list[list[str]] = []
    of_wave: list[int] = []
    while len(of_wave) < waves:
        fresh = tags.draw(int(rng.integers(1, 4)), misspell_p=0.4)
        epochs.append(([g.challenge] if rng.random() < 0.35 else []) + fresh)
        of_wave += [len(epochs) - 1] * int(rng.integers(1, 3))
    return epochs, of_wave[:waves]


def build(g: Incident, members: list[np.ndarray], names: list[str], taken: dict[str, int],
          rng: np.random.Generator) -> None:
    """Give each cell its rhythm, campaign tags, templates, sounds, target, bio and usernames."""
    n_cells = g.n_cells
    rhythms = ["slow", "burst", "staggered"] + list(rng.choice(["burst", "staggered", "slow"], n_cells - 3,
                                                               p=[0.45, 0.4, 0.15]))
    rhythms = [rhythms[i] for i in rng.permutation(n_cells)]
    lookalike = rng.random(n_cells) < 0.5
    lookalike[rng.integers(n_cells)] = True
    if lookalike.all():
        lookalike[rng.integers(n_cells)] = False
    tpl_order = rng.permutation(len(CELL_TEMPLATES))
    tag_source = _TagSource(g, rng)
    g.cells = []
    tpl_pos = 0
    for c in range(n_cells):
        idx = members[c]
        spec = g.cell_specs[c]
        lo, hi = RHYTHM_SPREAD[rhythms[c]]
        spread = rng.uniform(lo, hi)
        waves = int(rng.integers(8, 17)) if spec["membership"] == "sparse_large" else int(rng.integers(4, 13))
        epochs, of_wave = _epochs(g, waves, spec["rotating"], tag_source, rng)
        n_tpl = int(rng.integers(1, 4))
        templates = [CELL_TEMPLATES[tpl_order[(tpl_pos + k) % len(CELL_TEMPLATES)]] for k in range(n_tpl)]
        tpl_pos += n_tpl
        if spec["rotating"]:  # a cell dodging a tag ban does not spell the tag in its text either
            templates = [tpl.replace("the {ch}", "this").replace(" {ch}", "") for tpl in templates]
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
        # a large sparse network is no clique: each member follows 10-40 of the others
        # and a handful of accounts run together all follow each other
        follow_p = (float(rng.uniform(10, 40)) / len(idx) if spec["membership"] == "sparse_large"
                    else float(rng.uniform(0.85, 1.0)) if spec["membership"] == "small"
                    else float(rng.uniform(0.6, 0.95)))
        own = [t for e in epochs for t in e if t != g.challenge]
        cell = Cell(
            cell_id=f"cell-{c + 1}", members=idx, rhythm=str(rhythms[c]), spread=int(spread),
            hashtags=[g.challenge, *own], epochs=epochs, epoch_of_wave=of_wave, sounds=sounds,
            sound_p=float(rng.uniform(0.55, 0.9)), templates=templates,
            distinct_captions=spec["distinct"], lookalike=bool(lookalike[c]), target=target,
            mention_p=float(rng.uniform(0.15, 0.5)) if target >= 0 else 0.0,
            participation=float(rng.uniform(0.65, 0.9)), exact_p=float(rng.uniform(0.15, 0.5)),
            membership=spec["membership"], rotating=spec["rotating"], n_waves=waves,
            follow_p=min(1.0, follow_p), follower_factor=float(rng.choice([0.15, 0.3, 0.6, 1.0])),
            emojis=[EMOJIS[i] for i in rng.choice(len(EMOJIS), 3, replace=False)],
        )
        if rng.random() < 0.5:
            cell.bio = CELL_BIOS[rng.integers(len(CELL_BIOS))]
        if rng.random() < 0.35:
            cell.bio_url = f"https://{own[0][:10].replace('_', '')}.click/"
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
