"""What a benign look-alike class is: a group of innocent accounts that a naive detector might flag.

A class is one subclass of :class:`Lookalike` in a module of its own, listed once in
:data:`samples.lookalikes.CLASSES`. The planner calls its hooks in a fixed order; every hook has a
default that does nothing, so a class writes only what it models:

1. :meth:`size` - how many accounts it would like; :meth:`fit` - how many it gets (fewer at
   tiny scales, never fewer than :attr:`min_size`); :meth:`reserve` takes them (``take(k)``);
2. :meth:`regions`, :meth:`settle`, :meth:`popularity`, :meth:`names` - where the members live,
   their clocks, how followed they are, what they are called;
3. :meth:`plan` - their posts: rows of kinds registered with ``g.add_kind(renderer)``; a
   renderer turns one planned row and its pre-drawn random numbers into caption parts
   (see :data:`samples.state.Caption`); :meth:`parents` links duets to what they answer;
4. :meth:`organic_eligible`, :meth:`organic_extra` - whether they also post everyday videos;
5. :meth:`durations` - video lengths of their kinds;
6. :meth:`profile`, :meth:`follows`, :meth:`reposts` - their user data;
7. :meth:`truth` - their ``ground_truth.json`` entry under :attr:`name`, with :attr:`description`.

Each class draws from its own random stream (``self.rng``, seeded by the incident's seed and the
class's name), so adding or changing a class leaves every other class's draws alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from samples.state import stable_hash

if TYPE_CHECKING:
    from samples.state import Incident, Rows

Take = Callable[[int], np.ndarray]


class Lookalike:
    """One benign look-alike class. ``name`` keys it in ``ground_truth.json``."""

    name = ""
    description = ""  # one line, for ground_truth.json benign_descriptions
    min_size = 1  # accounts it needs to exist at all (tiny scales shrink classes down to it)

    def __init__(self, g: Incident, role: int) -> None:
        self.g = g
        self.role = role
        self.rng = np.random.default_rng([g.seed, 300, stable_hash(self.name)])
        self.accounts = np.zeros(0, dtype=np.int64)
        self.wanted = 0

    # 1. accounts
    def size(self) -> int:
        """Accounts this class would like at this scale."""
        return self.min_size

    def fit(self, k: int) -> None:
        """The accounts it gets (``min_size <= k <= size()``); shape the class to fit them."""
        self.wanted = k

    def reserve(self, take: Take) -> None:
        """Take the accounts: ``take(k)`` gives ``k`` sorted account indices with this role."""
        self.accounts = take(self.wanted)

    # 2. who they are
    def regions(self, region: np.ndarray) -> None:
        """Move members to the regions the class lives in (``region`` is indexed by account)."""

    def settle(self) -> None:
        """Adjust the members' clocks (``g.tz``, ``g.shift``: seconds) once regions give zones."""

    def popularity(self, popularity: np.ndarray) -> None:
        """Scale the members' popularity (views, followers)."""

    def names(self, names: list[str], taken: dict[str, int], display: list[str]) -> None:
        """Rename members (with :func:`samples.rhythm.rename`); set display names."""

    # 3. posts
    def plan(self, rows: Rows) -> None:
        """Plan the class's posts."""

    def parents(self, parent: np.ndarray) -> None:
        """Once rows are final (sorted): set ``parent[row]`` to the row a duet answers."""

    # 4. everyday posts
    def organic_eligible(self, eligible: np.ndarray) -> None:
        """Clear members that post nothing but their class's posts."""

    def organic_extra(self, counts: np.ndarray) -> None:
        """Add everyday posts to some members."""

    # 5. engagement
    def durations(self, duration: np.ndarray) -> None:
        """Adjust video durations (float seconds, indexed by planned row)."""

    # 6. user data
    def profile(self, a: int, bio: str, url: str, u: list[float]) -> tuple[str, str, bool]:
        """A member's (bio, bio_url, official): official accounts are mostly verified."""
        return bio, url, False

    def follows(self, a: int, chosen: dict[int, None], k: int) -> int:
        """Add the accounts member ``a`` follows for the class's reasons; returns the number of
        everyday follows to add on top."""
        return k

    def reposts(self, a: int) -> list[int]:
        """Planned rows member ``a`` reposts for the class's reasons (before popular videos)."""
        return []

    # 7. answer key
    def truth(self) -> tuple[list[str], dict[str, Any]]:
        """(usernames, details) for ``ground_truth.json``."""
        return [self.g.usernames[a] for a in self.accounts], {}


def fit_sizes(wanted: list[int], minimum: list[int], room: int) -> list[int]:
    """Shrink wanted sizes by one common factor (never below their minimum) until they fit ``room``."""
    if sum(wanted) <= room:
        return list(wanted)
    if sum(minimum) > room:
        raise ValueError("the scale is too small for the planted groups")
    lo, hi = 0.0, 1.0
    for _ in range(50):
        f = (lo + hi) / 2
        if sum(max(m, int(f * w)) for w, m in zip(wanted, minimum, strict=True)) <= room:
            lo = f
        else:
            hi = f
    return [max(m, int(lo * w)) for w, m in zip(wanted, minimum, strict=True)]
