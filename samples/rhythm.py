"""Accounts and their daily life: regions, time zones, diurnal rhythms, names, popularity.

Every account lives in a region (28 of them, the US spread over four time zones), has a personal
shift of its daily rhythm, a popularity, three interests (topic tags) and a friend circle (for
the follow graph). Posting times follow a local-hour intensity curve (quiet nights, lunch bump,
evening peak) and day-of-week weights; :func:`diurnal_times` draws them, :func:`pick_times`
thins candidate times by the same curve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from samples.vocab import EMOJIS, FIRST_NAMES, LAST_NAMES, NAME_WORDS
from samples.window import WINDOW_DAYS, WINDOW_END, WINDOW_SECONDS, WINDOW_START

if TYPE_CHECKING:
    from samples.state import Incident

# Relative posting intensity by local hour (0..23): quiet nights, lunch bump, evening peak.
DIURNAL = np.array([2.2, 1.4, 0.8, 0.5, 0.4, 0.5, 0.9, 1.6, 2.3, 2.8, 3.1, 3.5,
                    4.1, 4.0, 3.6, 3.6, 4.0, 4.6, 5.4, 6.2, 6.6, 6.3, 5.1, 3.6])
DIURNAL_P = DIURNAL / DIURNAL.sum()
DAY_WEIGHTS = np.array([1.12, 0.92, 0.93, 0.95, 1.0, 1.08, 1.2])  # Sun..Sat
DAY_P = DAY_WEIGHTS / DAY_WEIGHTS.sum()

# region code, share of accounts, UTC offsets (hours) its users live in
REGIONS: list[tuple[str, float, tuple[float, ...]]] = [
    ("US", 0.24, (-5, -5, -6, -6, -7, -8, -8)), ("GB", 0.08, (0,)), ("DE", 0.05, (1,)),
    ("FR", 0.04, (1,)), ("ES", 0.03, (1,)), ("IT", 0.03, (1,)), ("NL", 0.015, (1,)),
    ("PL", 0.015, (1,)), ("BR", 0.07, (-3,)), ("MX", 0.05, (-6,)), ("CA", 0.03, (-5, -8, -7)),
    ("AR", 0.015, (-3,)), ("CO", 0.015, (-5,)), ("IN", 0.04, (5.5,)), ("ID", 0.06, (7, 8)),
    ("PH", 0.05, (8,)), ("VN", 0.02, (7,)), ("TH", 0.02, (7,)), ("JP", 0.02, (9,)),
    ("KR", 0.01, (9,)), ("AU", 0.025, (10, 10, 8)), ("NG", 0.02, (1,)), ("TR", 0.025, (3,)),
    ("SA", 0.015, (3,)), ("EG", 0.015, (2,)), ("ZA", 0.01, (2,)), ("IE", 0.01, (0,)),
    ("SE", 0.01, (1,)),
]
REGION_CODES = [r[0] for r in REGIONS]
REGION_P = np.array([r[1] for r in REGIONS]) / sum(r[1] for r in REGIONS)


def home_regions(g: Incident, rng: np.random.Generator) -> np.ndarray:
    """Each account's region, by the regions' shares (groups may move their members later)."""
    return rng.choice(len(REGIONS), g.n_acc, p=REGION_P)


def settle(g: Incident, region: np.ndarray, rng: np.random.Generator) -> None:
    """Time zones from the regions, a personal rhythm shift and a popularity for every account."""
    n = g.n_acc
    g.region = region
    tz = np.empty(n)
    for r, (_, _, offsets) in enumerate(REGIONS):
        m = region == r
        tz[m] = rng.choice(offsets, int(m.sum()))
    g.tz = (tz * 3600).astype(np.int64)
    g.shift = rng.normal(0, 1.5 * 3600, n).astype(np.int64)  # personal rhythm
    g.popularity = np.exp(rng.normal(0, 1.3, n))


def tastes(g: Incident, rng: np.random.Generator) -> None:
    """Three interests (topic tag ranks) and a friend circle of ~80 accounts per account."""
    n = g.n_acc
    g.interests = np.searchsorted(g.vocab_cdf, rng.random((n, 3)))
    g.community = rng.integers(0, max(1, n // 80), n)  # friend circles for the follow graph


def usernames(g: Incident, rng: np.random.Generator) -> tuple[list[str], dict[str, int]]:
    """An everyday handle for every account (``mia.sunset``, ``leo_4821``, ``itsnoahvibes``, ...);
    returns (names, name -> account). All draws at once: 10^5 handles one by one were slow."""
    n = g.n_acc
    first = rng.integers(0, len(FIRST_NAMES), n).tolist()
    word = rng.integers(0, len(NAME_WORDS), n).tolist()
    last = rng.integers(0, len(LAST_NAMES), n).tolist()
    pattern = rng.integers(0, 12, n).tolist()
    nums = rng.integers(1, 100, n).tolist()
    four = rng.integers(0, 10000, n).tolist()
    taken: dict[str, int] = {}
    names: list[str] = []
    for a in range(n):
        f, w, la, num = FIRST_NAMES[first[a]], NAME_WORDS[word[a]], LAST_NAMES[last[a]], nums[a]
        p = pattern[a]
        name = (f"{f}{w}" if p == 0 else f"{f}.{w}" if p == 1 else f"{f}_{w}" if p == 2
                else f"{f}{num:02d}" if p == 3 else f"{w}.{f}" if p == 4 else f"{f}.{la}" if p == 5
                else f"{f}{la}{num}" if p == 6 else f"its{f}{w}" if p == 7 else f"x{f}x" if p == 8
                else f"the.{f}.{w}" if p == 9 else f"{f}_{four[a]:04d}" if p == 10
                else f"{w}{f}{1990 + num % 20}")
        while name in taken:
            name = f"{name}{int(rng.integers(0, 10))}"
        taken[name] = a
        names.append(name)
    return names, taken


_NO_DIGITS = str.maketrans("", "", "0123456789")


def display_names(names: list[str], display: list[str], rng: np.random.Generator) -> None:
    """A display name, derived from the handle as people set them, for every account without one."""
    n = len(names)
    r = rng.random(n).tolist()
    emoji = rng.integers(0, len(EMOJIS), n).tolist()
    for a in range(n):
        if display[a]:
            continue
        username = names[a]
        if r[a] < 0.3:
            display[a] = username
            continue
        core = username.replace("_", " ").replace(".", " ").strip().split(" ")[0]
        core = core.translate(_NO_DIGITS) or username
        if r[a] < 0.65:
            display[a] = core.capitalize()
        elif r[a] < 0.85:
            display[a] = core.capitalize() + " " + EMOJIS[emoji[a]]
        else:
            display[a] = core.upper()


def diurnal_times(g: Incident, accts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Posting times in the window following each account's local daily rhythm."""
    n = len(accts)
    day = rng.choice(WINDOW_DAYS, n, p=DAY_P)
    hour = rng.choice(24, n, p=DIURNAL_P)
    local = hour * 3600 + rng.integers(0, 3600, n) + g.shift[accts]
    rel = (day * 86400 + local - g.tz[accts]) % WINDOW_SECONDS
    return WINDOW_START + rel


def accept_diurnal(g: Incident, t: np.ndarray, accts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Thinning mask: keep a candidate time with probability ∝ the local-hour intensity."""
    local_h = ((t + g.tz[accts] - g.shift[accts]) // 3600) % 24
    return rng.random(len(t)) < DIURNAL[local_h] / DIURNAL.max()


def pick_times(g: Incident, cand: np.ndarray, accts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """From K candidate times per row (n, K), the first one the diurnal thinning accepts."""
    n, k = cand.shape
    ok = accept_diurnal(g, cand.ravel(), np.repeat(accts, k), rng).reshape(n, k)
    ok &= (cand >= WINDOW_START) & (cand < WINDOW_END)
    first = np.where(ok.any(axis=1), ok.argmax(axis=1), 0)
    t = cand[np.arange(n), first]
    return np.clip(t, WINDOW_START, WINDOW_END - 1)



def rename(names: list[str], taken: dict[str, int], a: int, name: str) -> None:
    """Give account ``a`` the handle ``name`` (made unique), keeping ``taken`` in step."""
    k = 0
    cand = name
    while cand in taken and taken[cand] != a:
        k += 1
        cand = f"{name}{k}"
    if taken.get(names[a]) == a:
        del taken[names[a]]
    taken[cand] = a
    names[a] = cand
