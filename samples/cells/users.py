"""Cells' user data and answer key: young profiles, dense follows, reposts of each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from samples.state import R_CELL
from samples.window import iso

if TYPE_CHECKING:
    from samples.state import Incident


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
        chosen.update(dict.fromkeys(int(x) for x in other[rng.random(len(other)) < min(0.15, 10 / len(other))]))
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


def truth(g: Incident) -> list[dict[str, Any]]:
    """The cells as ``ground_truth.json`` lists them."""
    u = g.usernames
    out = []
    for cell in g.cells:
        out.append({
            "cell_id": cell.cell_id,
            "accounts": [u[a] for a in cell.members],
            "size": len(cell.members),
            "tactics": cell.tactics,
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
            "wave_hashtags": cell.wave_tags,
            "participation": round(cell.participation, 3),
            "distinct_captions": cell.distinct_captions,
            "lookalike_usernames": cell.lookalike,
            "mention_target": u[cell.target] if cell.target >= 0 else None,
        })
    return out
