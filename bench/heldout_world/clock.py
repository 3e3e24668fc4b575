"""Time: the window, the countries and their time zones (real ``zoneinfo`` names, with and
without daylight saving), local diurnal and weekly rhythms, and sampling times that follow them.

All times are Unix seconds (UTC). Local time is derived from an hourly grid of UTC offsets per
zone; DST transitions in the zones used here all fall on a whole UTC hour, so the grid is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

# country code -> (share of accounts, [(zone, weight)], [(language, weight)])
COUNTRIES: dict[str, tuple[float, list[tuple[str, float]], list[tuple[str, float]]]] = {
    "US": (0.22, [("America/New_York", 0.45), ("America/Chicago", 0.27), ("America/Denver", 0.07),
                  ("America/Phoenix", 0.03), ("America/Los_Angeles", 0.18)],
           [("en", 0.86), ("es", 0.14)]),
    "GB": (0.06, [("Europe/London", 1.0)], [("en", 1.0)]),
    "CA": (0.03, [("America/Toronto", 0.62), ("America/Vancouver", 0.38)], [("en", 0.8), ("fr", 0.2)]),
    "AU": (0.03, [("Australia/Sydney", 0.6), ("Australia/Brisbane", 0.22), ("Australia/Perth", 0.18)],
           [("en", 1.0)]),
    "DE": (0.04, [("Europe/Berlin", 1.0)], [("de", 0.93), ("tr", 0.07)]),
    "FR": (0.04, [("Europe/Paris", 1.0)], [("fr", 0.95), ("ar", 0.05)]),
    "ES": (0.03, [("Europe/Madrid", 1.0)], [("es", 1.0)]),
    "MX": (0.06, [("America/Mexico_City", 0.85), ("America/Tijuana", 0.15)], [("es", 1.0)]),
    "BR": (0.08, [("America/Sao_Paulo", 0.85), ("America/Manaus", 0.15)], [("pt", 1.0)]),
    "NG": (0.04, [("Africa/Lagos", 1.0)], [("en", 1.0)]),
    "EG": (0.03, [("Africa/Cairo", 1.0)], [("ar", 0.95), ("en", 0.05)]),
    "SA": (0.03, [("Asia/Riyadh", 1.0)], [("ar", 1.0)]),
    "TR": (0.04, [("Europe/Istanbul", 1.0)], [("tr", 1.0)]),
    "ID": (0.09, [("Asia/Jakarta", 0.8), ("Asia/Makassar", 0.2)], [("id", 1.0)]),
    "PH": (0.06, [("Asia/Manila", 1.0)], [("tl", 0.75), ("en", 0.25)]),
    "JP": (0.03, [("Asia/Tokyo", 1.0)], [("ja", 1.0)]),
}
COUNTRY_CODES = list(COUNTRIES)
ZONES = sorted({z for _, zs, _ in COUNTRIES.values() for z, _ in zs})
LANGS = ["en", "es", "pt", "fr", "de", "id", "tl", "ar", "tr", "ja"]

# TikTok use by local hour (evening peak, trough before dawn) and by local weekday (Mon=0).
DIURNAL = np.array([0.55, 0.34, 0.2, 0.12, 0.08, 0.09, 0.17, 0.3, 0.42, 0.5, 0.56, 0.62,
                    0.74, 0.7, 0.64, 0.68, 0.8, 0.92, 1.05, 1.2, 1.32, 1.3, 1.12, 0.82])
WEEKLY = np.array([0.93, 0.92, 0.95, 0.98, 1.05, 1.12, 1.07])
WORKDAY = np.array([0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 0.8, 1.0, 1.0, 0.95,
                    0.6, 0.9, 1.0, 1.0, 0.95, 0.7, 0.3, 0.1, 0.05, 0.04, 0.03, 0.02])

# Zones whose offset changes decide whether a window "crosses DST".
_DST_ZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "Australia/Sydney",
              "Africa/Cairo", "America/Los_Angeles")


@dataclass
class Clock:
    start_ts: int
    end_ts: int
    zones: list[str]
    offsets: np.ndarray      # (zones, hours) UTC offset in seconds at each UTC hour of the window
    transitions: list[dict]  # zones whose offset changes inside the window

    @property
    def hours(self) -> int:
        return self.offsets.shape[1]

    @property
    def days(self) -> int:
        return (self.end_ts - self.start_ts) // 86400

    def zone_index(self, name: str) -> int:
        return self.zones.index(name)

    def offset_at(self, zone: np.ndarray, ts: np.ndarray) -> np.ndarray:
        h = np.clip((np.asarray(ts) - self.start_ts) // 3600, 0, self.hours - 1)
        return self.offsets[zone, h]

    def local(self, zone: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return np.asarray(ts) + self.offset_at(zone, ts)

    def local_hour(self, zone: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return (self.local(zone, ts) // 3600) % 24

    def local_dow(self, zone: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return (self.local(zone, ts) // 86400 + 3) % 7

    def local_days(self, zone: str) -> list[date]:
        """Every local calendar date touched by the window in ``zone``."""
        tz = ZoneInfo(zone)
        first = datetime.fromtimestamp(self.start_ts, tz).date()
        last = datetime.fromtimestamp(self.end_ts - 1, tz).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def at_local(self, zone: str, day: date, hh: int, mm: int = 0, ss: int = 0) -> int | None:
        """UTC seconds of a local wall-clock time, or None if outside the window (or skipped by
        a spring-forward gap)."""
        tz = ZoneInfo(zone)
        wall = datetime.combine(day, time(hh, mm, ss), tzinfo=tz)
        ts = int(wall.timestamp())
        back = datetime.fromtimestamp(ts, tz)
        if (back.hour, back.minute) != (hh, mm):
            return None
        return ts if self.start_ts <= ts < self.end_ts else None

    def weights(self, zone_idx: np.ndarray, shift_h: np.ndarray, profile: np.ndarray = DIURNAL,
                weekly: np.ndarray = WEEKLY) -> np.ndarray:
        """(len(zone_idx), hours) weights of UTC hours for each (zone, chronotype shift) row."""
        utc = self.start_ts + 3600 * np.arange(self.hours) + 1800
        local = utc[None, :] + self.offsets[zone_idx] - 3600 * np.asarray(shift_h)[:, None]
        hour = (local // 3600) % 24
        dow = (local // 86400 + 3) % 7
        return profile[hour] * weekly[dow]


def sample_times(rng: np.random.Generator, clock: Clock, weights: np.ndarray, row: np.ndarray,
                 lo: np.ndarray | None = None, hi: np.ndarray | None = None) -> np.ndarray:
    """One time per entry of ``row``: drawn from that row's hourly weights, restricted to
    [lo, hi) (Unix seconds), uniform within the hour."""
    g, h = weights.shape
    cum = np.zeros((g, h + 1))
    np.cumsum(weights, axis=1, out=cum[:, 1:])
    cum /= cum[:, -1:]
    n = len(row)
    lo = np.full(n, clock.start_ts) if lo is None else np.maximum(lo, clock.start_ts)
    hi = np.full(n, clock.end_ts) if hi is None else np.minimum(hi, clock.end_ts)

    def cdf(t: np.ndarray) -> np.ndarray:
        x = (t - clock.start_ts) / 3600.0
        i = np.clip(np.floor(x).astype(np.int64), 0, h - 1)
        frac = np.clip(x - i, 0.0, 1.0)
        return cum[row, i] + frac * (cum[row, i + 1] - cum[row, i])

    f_lo, f_hi = cdf(lo), cdf(hi)
    u = f_lo + rng.random(n) * (f_hi - f_lo)
    # invert row by row: each row's cdf runs over [0, 1]; rows are laid end to end
    flat = (cum + np.arange(g)[:, None] * 2.0).ravel()
    target = row * 2.0 + u
    pos = np.searchsorted(flat, target, side="right") - 1
    i = np.clip(pos - row * (h + 1), 0, h - 1)
    a, b = cum[row, i], cum[row, i + 1]
    frac = np.where(b > a, (u - a) / np.where(b > a, b - a, 1.0), 0.5)
    t = clock.start_ts + (i + np.clip(frac, 0.0, 0.999999)) * 3600.0
    return np.clip(t.astype(np.int64), lo, np.maximum(hi - 1, lo))


def _offset_grid(start_ts: int, hours: int, zones: list[str]) -> np.ndarray:
    grid = np.zeros((len(zones), hours), dtype=np.int64)
    for z, name in enumerate(zones):
        tz = ZoneInfo(name)
        for hr in range(hours):
            # offsets only change at a few instants; probe each hour at its middle
            off = datetime.fromtimestamp(start_ts + hr * 3600 + 1800, tz).utcoffset()
            grid[z, hr] = int(off.total_seconds()) if off is not None else 0
    return grid


def choose_window(rng: np.random.Generator) -> Clock:
    """A 10-21 day window around a spring or autumn DST change, crossing at least one change."""
    wants_month = rng.random() < 0.7     # most windows also see a month begin
    for attempt in range(400):
        year = int(rng.choice([2023, 2024, 2025]))
        days = int(rng.integers(10, 22))
        if rng.random() < 0.5:
            first = date(year, 3, 1) + timedelta(days=int(rng.integers(0, 26)))
        else:
            first = date(year, 10, 8) + timedelta(days=int(rng.integers(0, 22)))
        start = int(datetime.combine(first, time(0), tzinfo=UTC).timestamp())
        end = start + days * 86400
        changes = []
        for name in _DST_ZONES:
            tz = ZoneInfo(name)
            a = datetime.fromtimestamp(start, tz).utcoffset()
            b = datetime.fromtimestamp(end - 1, tz).utcoffset()
            if a != b:
                changes.append(name)
        first_day = datetime.fromtimestamp(start, UTC).date()
        last_day = datetime.fromtimestamp(end - 2 * 86400, UTC).date()
        if wants_month and attempt < 300 and first_day.month == last_day.month:
            continue
        if changes:
            break
    if not changes:
        raise RuntimeError("no window crossing a DST change was found")
    offsets = _offset_grid(start, days * 24, ZONES)
    transitions = []
    for z, name in enumerate(ZONES):
        moved = np.flatnonzero(np.diff(offsets[z]) != 0)
        for m in moved:
            transitions.append({"zone": name, "utc_ts": int(start + (m + 1) * 3600),
                                "offset_before_s": int(offsets[z, m]),
                                "offset_after_s": int(offsets[z, m + 1])})
    return Clock(start, end, ZONES, offsets, transitions)
