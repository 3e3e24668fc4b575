"""Emerging hashtags and sounds: which objects grow fastest against their own baseline.

Pure functions over an hourly count table (``name``, ``hour`` as Unix seconds of the bin start,
``posts``), as :func:`graph.queries.app.object_posts_per_hour` returns it. No I/O.

Growth compares the posts of the last ``recent_hours`` before ``now`` with what the object's own
earlier rate predicts for a span that long::

    growth = (recent + prior) / (baseline_rate * recent_hours + prior)

``prior`` (pseudo-posts) keeps a tag seen once before and twice now from outranking a tag that went
from 10 to 200: small counts are pulled towards a ratio of 1. An object with no earlier posts has a
baseline of 0 and is marked ``new``; its growth is then just ``(recent + prior) / prior``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HOUR = 3600
GROWTH_COLUMNS = ["name", "recent", "baseline_per_hour", "expected", "growth", "new", "total",
                  "first_seen", "last_seen", "hourly"]


def growth(counts: pd.DataFrame, recent_hours: int = 24, now: int | None = None,
           min_recent: int = 3, prior: float = 2.0, spark_hours: int = 48) -> pd.DataFrame:
    """Rank objects by growth of the last ``recent_hours`` over their own earlier hourly rate.

    ``now`` (Unix s) is the end of the recent span; by default the end of the last hour in
    ``counts`` (investigators look at the data they loaded, not at the wall clock). Objects with
    fewer than ``min_recent`` recent posts are dropped. ``hourly`` holds the last ``spark_hours``
    hourly counts (oldest first) for a sparkline.
    """
    if recent_hours <= 0:
        raise ValueError("recent_hours must be positive")
    if counts.empty:
        return pd.DataFrame(columns=GROWTH_COLUMNS)
    df = counts[["name", "hour", "posts"]].copy()
    df["hour"] = df["hour"].astype("int64") // HOUR * HOUR
    end = int(now) if now is not None else int(df["hour"].max()) + HOUR
    start_recent = end - recent_hours * HOUR
    df = df[df["hour"] < end]
    data_start = int(df["hour"].min()) if not df.empty else start_recent
    # The baseline span is the same for every object (from the first loaded hour), so a tag that
    # only started recently does not get a tiny denominator from its own short history.
    baseline_hours = max((start_recent - data_start) / HOUR, 1.0)

    per = df.groupby("name").agg(total=("posts", "sum"), first_seen=("hour", "min"),
                                 last_seen=("hour", "max"))
    recent = df[df["hour"] >= start_recent].groupby("name")["posts"].sum()
    before = df[df["hour"] < start_recent].groupby("name")["posts"].sum()
    per["recent"] = recent.reindex(per.index, fill_value=0).astype("int64")
    per["before"] = before.reindex(per.index, fill_value=0).astype("int64")
    per = per[per["recent"] >= min_recent]
    if per.empty:
        return pd.DataFrame(columns=GROWTH_COLUMNS)
    per["baseline_per_hour"] = per["before"] / baseline_hours
    per["expected"] = per["baseline_per_hour"] * recent_hours
    per["growth"] = (per["recent"] + prior) / (per["expected"] + prior)
    per["new"] = per["before"] == 0
    per["hourly"] = _sparklines(df[df["name"].isin(per.index)], end, spark_hours)
    per = per.reset_index().sort_values(["growth", "recent", "name"], ascending=[False, False, True])
    return per[GROWTH_COLUMNS].reset_index(drop=True)


def _sparklines(df: pd.DataFrame, end: int, hours: int) -> pd.Series:
    """Per object, its hourly counts over the ``hours`` before ``end`` (zeros filled in)."""
    start = end - hours * HOUR
    window = df[df["hour"] >= start]
    grid = np.arange(start, end, HOUR)
    out: dict[str, list[int]] = {}
    for name, g in window.groupby("name"):
        series = g.groupby("hour")["posts"].sum().reindex(grid, fill_value=0)
        out[name] = [int(x) for x in series.to_numpy()]
    empty = [0] * len(grid)
    names = df["name"].unique()
    return pd.Series({n: out.get(n, empty) for n in names}, dtype=object)


def hourly_series(counts: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Posts per hour of the chosen objects, zeros filled in, in long form for a line chart."""
    if counts.empty or not names:
        return pd.DataFrame(columns=["name", "hour", "posts"])
    df = counts[counts["name"].isin(names)]
    lo, hi = int(counts["hour"].min()) // HOUR * HOUR, int(counts["hour"].max()) // HOUR * HOUR
    grid = np.arange(lo, hi + HOUR, HOUR)
    frames = []
    for name in names:
        s = df[df["name"] == name].groupby("hour")["posts"].sum().reindex(grid, fill_value=0)
        frames.append(pd.DataFrame({"name": name, "hour": grid, "posts": s.to_numpy()}))
    return pd.concat(frames, ignore_index=True)
