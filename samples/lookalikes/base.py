"""What a benign look-alike class is: a group of innocent accounts that a naive detector might flag.

A class is one subclass of :class:`Lookalike` in a module of its own, listed once in
:data:`samples.lookalikes.CLASSES`. The planner calls its hooks in a fixed order (every hook has a
default that does nothing, so a class writes only what it models):

1. :meth:`size` - how many accounts it needs; :meth:`reserve` takes them (``take(k)``);
2. :meth:`regions`, :meth:`popularity`, :meth:`names` - where they live, how followed they are,
   what they are called;
3. :meth:`plan` - their posts, as rows of a kind registered with ``g.add_kind(self.render)``;
4. :meth:`organic_eligible`, :meth:`organic_extra` - whether they also post everyday videos;
5. :meth:`durations` - video lengths of their kinds;
6. :meth:`profile`, :meth:`follows`, :meth:`reposts` - their user data;
7. :meth:`truth` - their ``ground_truth.json`` entries (``name``, ``description``).

Hooks draw from the ``rng`` they are given, in the order above.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from samples.state import Incident, Rows

Take = Callable[[int], np.ndarray]


class Lookalike:
    """One benign look-alike class. ``name`` keys it in ``ground_truth.json``."""

    name = ""
    description = ""  # one line, for ground_truth.json benign_descriptions

    def __init__(self, g: Incident, role: int) -> None:
        self.g = g
        self.role = role
        self.accounts = np.zeros(0, dtype=np.int64)

    # 1. accounts
    def size(self, rng: np.random.Generator) -> int:
        """Accounts this class needs (drawn once, before any account is placed)."""
        return 0

    def reserve(self, take: Take) -> None:
        """Take the accounts: ``take(k)`` gives ``k`` sorted account indices with this role."""
        self.accounts = take(self.wanted)

    # 2. who they are
    def regions(self, region: np.ndarray, rng: np.random.Generator) -> None:
        """Move members to the regions the class lives in (``region`` is indexed by account)."""

    def popularity(self, popularity: np.ndarray, rng: np.random.Generator) -> None:
        """Scale the members' popularity (views, followers)."""

    def names(self, names: list[str], taken: dict[str, int], display: list[str],
              rng: np.random.Generator) -> None:
        """Rename members (keep ``taken``, name -> account, in step); set display names."""

    # 3. posts
    def plan(self, rows: Rows, rng: np.random.Generator) -> None:
        """Plan the class's posts."""

    # 4. everyday posts
    def organic_eligible(self, eligible: np.ndarray) -> None:
        """Clear members that post nothing but their class's posts."""

    def organic_extra(self, counts: np.ndarray, rng: np.random.Generator) -> None:
        """Add everyday posts to some members."""

    # 5. engagement
    def durations(self, duration: np.ndarray) -> None:
        """Adjust video durations (float seconds, indexed by planned row)."""

    # 6. user data
    def profile(self, a: int, bio: str, url: str, u: list[float]) -> tuple[str, str, bool | None]:
        """A member's (bio, bio_url, verified or None for the default rule)."""
        return bio, url, None

    def follows(self, a: int, chosen: dict[int, None], k: int, rng: np.random.Generator) -> int:
        """Add the accounts member ``a`` follows for the class's reasons; returns the number of
        everyday follows to add on top."""
        return k

    def reposts(self, a: int, rng: np.random.Generator) -> list[int]:
        """Planned rows member ``a`` reposts for the class's reasons (before popular videos)."""
        return []

    # 7. answer key
    def truth(self) -> tuple[list[str], dict[str, Any]]:
        """(usernames, details) for ``ground_truth.json``."""
        return [self.g.usernames[a] for a in self.accounts], {}
