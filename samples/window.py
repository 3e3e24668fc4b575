"""The incident's clock and volume: the observation window, how much one unit of scale holds.

Everything here is fixed, so output never depends on the host's clock or time zone.
"""

from __future__ import annotations

WINDOW_START = 1772323200  # 2026-03-01T00:00:00Z (a Sunday); fixed so output never depends on now
WINDOW_DAYS = 7
WINDOW_SECONDS = WINDOW_DAYS * 86400
WINDOW_END = WINDOW_START + WINDOW_SECONDS  # exclusive
VIDEOS_PER_SCALE = 10_000
ACCOUNTS_PER_SCALE = 2_000
MIN_SCALE = 0.2


def iso(ts: int) -> str:
    """Unix seconds as an ISO-8601 UTC string, without the clock or time zones of the host."""
    days, rem = divmod(int(ts), 86400)
    # 1970-01-01 + days, by the civil-from-days algorithm (avoids datetime's local-time pitfalls)
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y += m <= 2
    return f"{y:04d}-{m:02d}-{d:02d}T{rem // 3600:02d}:{rem % 3600 // 60:02d}:{rem % 60:02d}Z"
