"""Multi-signal fusion: one weighted account-account graph from co-actions on many object types.

CooRnet (Giglietto et al. 2020) and CooRTweet (Righetti & Balluff 2023) link two accounts that
act on the same object within a time window, one object type at a time, and keep the edges that
repeat more than a percentile of all edges. Lockstep fuses the object types and asks a sharper
question of each pair: *did these two accounts post together, on specific objects, in more
separate waves than their own activity explains?*

1. **Co-action events.** Every object type (hashtag, sound, repost, url, mention, near-duplicate
   caption; :mod:`analyses.actions`) gives co-actions (:func:`analyses.coaction.co_action_pairs`).
   Co-actions of the same two *posts* are one event; the event's strength sums the signal
   weights (``signal_weights``) times the specificity of each shared object, an inverse document
   frequency ``idf(o) = ln(N / accounts(o))``, so that sharing ``#fyp`` is worth little and a
   campaign hashtag, a rare sound and a copied caption together are worth a lot (a second object
   of the same type adds a quarter of its idf). Objects used by more than ``max_object_share`` of
   all accounts are not paired at all (they cost the most and prove the least).
2. **Waves.** A pair's events are grouped into waves (events less than ``wave_gap`` seconds
   apart belong to one wave). Repetition is the number of waves: many unrelated people posting
   an event hashtag in the same minutes is one wave; a cell posting on cue is many.
3. **Surprise.** Two busy accounts on the same popular objects meet by chance. For a pair
   ``(i, j)`` the expected number of chance co-actions is
   ``λ = Σ_o n_i(o) n_j(o) 2W / span(o)`` over the objects both used (``n_i(o)``: i's actions on
   o, ``span(o)``: the time over which o was used — the range between its 10th and 90th
   percentile action times, at least ``min_span``). The surprise is
   ``-log10 P(Poisson(λ) >= waves)``; fans who post on the same fandom tags over days, or news
   desks that post all day, have a large λ and a small surprise.
4. An edge is kept when ``waves >= min_waves``, ``surprise >= min_surprise`` and its weight (the
   sum over waves of the strongest event of each wave) is at least ``min_weight``.

Parameters are in :class:`FusionParams`; every field is recorded with the result.

>>> import pandas as pd
>>> acts = pd.DataFrame({
...     "account_id": ["a", "b", "a", "b", "c"], "object_type": "hashtag",
...     "object_id": ["camp", "camp", "camp", "camp", "camp"],
...     "content_id": ["p1", "p2", "p3", "p4", "p5"],
...     "timestamp": [0, 20, 86_400, 86_430, 400_000]})
>>> edges, _ = fuse(acts, FusionParams(time_window=60, min_participation=1, min_surprise=0,
...                                     max_object_share=1.0))
>>> edges[["account_id", "account_id_y", "waves", "events"]].to_dict("records")
[{'account_id': 'a', 'account_id_y': 'b', 'waves': 2, 'events': 2}]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import poisson

from analyses.actions import SIGNALS
from analyses.coaction import co_action_pairs

DEFAULT_SIGNAL_WEIGHTS: dict[str, float] = {
    "caption": 1.0,   # a copied caption is the most specific thing two posts can share
    "repost": 1.0,
    "url": 0.8,
    "sound": 0.7,
    "mention": 0.6,
    "hashtag": 0.5,   # per hashtag; campaigns use several, so they still add up
}


@dataclass
class FusionParams:
    time_window: int = 300
    min_participation: int = 2
    signals: tuple[str, ...] = SIGNALS
    signal_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SIGNAL_WEIGHTS))
    max_object_share: float = 0.2
    max_pairs_per_object: int = 2_000_000
    min_event_strength: float = 1.0
    wave_gap: int = 3600
    min_waves: int = 2
    min_surprise: float = 2.0
    min_weight: float = 0.0
    min_span: int = 3600

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["signals"] = list(self.signals)
        return d


EDGE_COLUMNS = ["account_id", "account_id_y", "weight", "waves", "events", "surprise",
                "expected", "mean_time_delta", "signals", "first_ts", "last_ts"]


def fuse(actions: pd.DataFrame, params: FusionParams | None = None
         ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The fused, thresholded account graph as an edge table, and statistics about the run.

    ``actions``: ``account_id, object_type, object_id, content_id, timestamp``. Returns edges
    with ``account_id < account_id_y`` and the columns of :data:`EDGE_COLUMNS`, where
    ``signals`` maps each object type to the number of events it took part in. The evidence
    behind every kept edge is available from :func:`edge_evidence`.
    """
    result = fuse_full(actions, params)
    return result.edges, result.stats


@dataclass
class FusionResult:
    edges: pd.DataFrame     # kept account pairs (EDGE_COLUMNS)
    events: pd.DataFrame    # every strong co-action event: a, b, ca, cb, t, dt, strength, types
    actions: pd.DataFrame   # the actions used (after the prefilter), with each object's idf
    stats: dict[str, Any]


def fuse_full(actions: pd.DataFrame, params: FusionParams | None = None) -> FusionResult:
    """:func:`fuse`, keeping the co-action events and the actions used."""
    p = params or FusionParams()
    stats: dict[str, Any] = {"actions_in": int(len(actions))}
    acts = _prefilter(actions, p, stats)
    events = _events(acts, p, stats)
    edges = _edges(events, acts, p, stats)
    stats["edges_kept"] = int(len(edges))
    return FusionResult(edges=edges, events=events, actions=acts, stats=stats)


def _prefilter(actions: pd.DataFrame, p: FusionParams, stats: dict[str, Any]) -> pd.DataFrame:
    acts = actions[actions["object_type"].isin(p.signals)]
    acts = acts.drop_duplicates(["account_id", "object_type", "object_id", "content_id"])
    if p.min_participation > 1:
        per_account = acts.groupby("account_id")["content_id"].nunique()
        keep = per_account.index[per_account >= p.min_participation]
        acts = acts[acts["account_id"].isin(keep)]
    n_accounts = max(int(acts["account_id"].nunique()), 1)
    obj = acts.groupby(["object_type", "object_id"], sort=False)["account_id"].nunique()
    obj = obj.rename("n_accounts").reset_index()
    obj["idf"] = np.log(n_accounts / obj["n_accounts"].clip(lower=1))
    too_common = obj["n_accounts"] > p.max_object_share * n_accounts
    stats["accounts"] = n_accounts
    stats["objects"] = int(len(obj))
    stats["objects_too_common"] = (obj[too_common].sort_values("n_accounts", ascending=False)
                                   .head(20).apply(lambda r: f"{r.object_type}:{r.object_id}"
                                                   f" ({r.n_accounts} accounts)", axis=1).tolist())
    usable = obj[~too_common & (obj["n_accounts"] >= 2)]
    acts = acts.merge(usable[["object_type", "object_id", "idf"]], on=["object_type", "object_id"])
    stats["actions_used"] = int(len(acts))
    return acts


def _events(acts: pd.DataFrame, p: FusionParams, stats: dict[str, Any]) -> pd.DataFrame:
    """One row per co-acting pair of posts: accounts, time, strength, signals involved."""
    if acts.empty:
        stats["co_actions"] = 0
        return pd.DataFrame(columns=["a", "b", "ca", "cb", "t", "dt", "strength", "types"])
    pairs = co_action_pairs(acts[["account_id", "object_type", "object_id", "content_id", "timestamp"]],
                            p.time_window, max_pairs_per_object=p.max_pairs_per_object,
                            categorical=True)
    stats["co_actions"] = int(len(pairs))
    capped = pairs.attrs.get("coaction_stats", {}).get("capped_objects", 0)
    stats["capped_objects"] = int(capped)
    if pairs.empty:
        return pd.DataFrame(columns=["a", "b", "ca", "cb", "t", "dt", "strength", "types"])
    idf = acts.drop_duplicates(["object_type", "object_id"]).set_index(["object_type", "object_id"])["idf"]
    key = pd.MultiIndex.from_arrays([pairs["object_type"].astype(str), pairs["object_id"].astype(str)])
    pairs_idf = idf.reindex(key).to_numpy()
    # Orient every pair of posts the same way (by post id) so that all signals of one event meet.
    ca, cb = pairs["content_id"].astype(str).to_numpy(), pairs["content_id_y"].astype(str).to_numpy()
    aa, ab = pairs["account_id"].astype(str).to_numpy(), pairs["account_id_y"].astype(str).to_numpy()
    swap = ca > cb
    t_first = _post_time(acts)
    df = pd.DataFrame({
        "ca": np.where(swap, cb, ca), "cb": np.where(swap, ca, cb),
        "a": np.where(swap, ab, aa), "b": np.where(swap, aa, ab),
        "type": pairs["object_type"].astype(str).to_numpy(),
        "idf": pairs_idf, "dt": pairs["time_delta"].to_numpy(),
    })
    df["w"] = df["type"].map(p.signal_weights).fillna(0.0).to_numpy()
    # Per event and type: the best object counts fully, further objects of that type a quarter.
    per_type = df.groupby(["ca", "cb", "type"], sort=False).agg(
        a=("a", "first"), b=("b", "first"), dt=("dt", "first"), w=("w", "first"),
        top=("idf", "max"), total=("idf", "sum")).reset_index()
    per_type["contrib"] = per_type["w"] * (per_type["top"] + 0.25 * (per_type["total"] - per_type["top"]))
    ev = per_type.groupby(["ca", "cb"], sort=False).agg(
        a=("a", "first"), b=("b", "first"), dt=("dt", "first"), strength=("contrib", "sum"),
        types=("type", lambda s: tuple(sorted(s)))).reset_index()
    ev["t"] = np.minimum(ev["ca"].map(t_first).to_numpy(), ev["cb"].map(t_first).to_numpy())
    # Accounts in a stable order (a < b) so one account pair is one row.
    flip = ev["a"].to_numpy() > ev["b"].to_numpy()
    a, b = ev["a"].to_numpy(), ev["b"].to_numpy()
    ev["a"], ev["b"] = np.where(flip, b, a), np.where(flip, a, b)
    ca2, cb2 = ev["ca"].to_numpy(), ev["cb"].to_numpy()
    ev["ca"], ev["cb"] = np.where(flip, cb2, ca2), np.where(flip, ca2, cb2)
    stats["events"] = int(len(ev))
    ev = ev[ev["strength"] >= p.min_event_strength]
    stats["events_strong"] = int(len(ev))
    return ev


def _post_time(acts: pd.DataFrame) -> pd.Series:
    first = acts.drop_duplicates("content_id")
    return first.set_index(first["content_id"].astype(str))["timestamp"]


def _edges(ev: pd.DataFrame, acts: pd.DataFrame, p: FusionParams, stats: dict[str, Any]) -> pd.DataFrame:
    if ev.empty:
        stats["candidate_pairs"] = 0
        return pd.DataFrame(columns=EDGE_COLUMNS)
    ev = ev.sort_values(["a", "b", "t"], kind="stable").reset_index(drop=True)
    new_pair = (ev["a"] != ev["a"].shift()) | (ev["b"] != ev["b"].shift())
    new_wave = new_pair | (ev["t"].diff() > p.wave_gap)
    ev["wave"] = new_wave.cumsum()
    per_wave = ev.groupby("wave", sort=False).agg(a=("a", "first"), b=("b", "first"),
                                                   best=("strength", "max"))
    grouped = ev.groupby(["a", "b"], sort=False)
    edges = grouped.agg(events=("strength", "size"), mean_time_delta=("dt", "mean"),
                        first_ts=("t", "min"), last_ts=("t", "max")).reset_index()
    waves = per_wave.groupby(["a", "b"], sort=False).agg(waves=("best", "size"), weight=("best", "sum"))
    edges = edges.merge(waves.reset_index(), on=["a", "b"])
    stats["candidate_pairs"] = int(len(edges))
    edges = edges[(edges["waves"] >= p.min_waves) & (edges["weight"] >= p.min_weight)]
    if edges.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    edges = edges.copy()
    edges["expected"] = _expected_chance(edges[["a", "b"]], acts, p)
    k = edges["waves"].to_numpy()
    edges["surprise"] = -poisson.logsf(k - 1, edges["expected"].to_numpy()) / np.log(10)
    edges = edges[edges["surprise"] >= p.min_surprise]
    kept = ev.merge(edges[["a", "b"]], on=["a", "b"])
    counts = (kept.explode("types").groupby(["a", "b", "types"]).size().rename("n").reset_index())
    sig: dict[tuple[str, str], dict[str, int]] = {}
    for a, b, t, n in counts.itertuples(index=False):  # kept edges only: few
        sig.setdefault((a, b), {})[t] = int(n)
    edges = edges.copy()
    edges["signals"] = [sig.get((a, b), {}) for a, b in zip(edges["a"], edges["b"], strict=True)]
    edges = edges.rename(columns={"a": "account_id", "b": "account_id_y"})
    edges = edges.sort_values(["weight", "account_id", "account_id_y"],
                              ascending=[False, True, True]).reset_index(drop=True)
    return edges[EDGE_COLUMNS]


def _expected_chance(pairs: pd.DataFrame, acts: pd.DataFrame, p: FusionParams) -> np.ndarray:
    """λ per pair: chance co-actions given each account's own activity on the shared objects."""
    # The inter-decile range, not max - min: a few stragglers days after a live event must not
    # stretch its one-hour burst into a week (which would make its co-posters look surprising).
    g = acts.groupby(["object_type", "object_id"])["timestamp"]
    span = (g.quantile(0.9) - g.quantile(0.1)).clip(lower=p.min_span).rename("span")
    n = acts.groupby(["account_id", "object_type", "object_id"]).size().rename("n").reset_index()
    n = n.merge(span.reset_index(), on=["object_type", "object_id"])
    left = pairs.reset_index(drop=True).reset_index(names="pair").merge(
        n.rename(columns={"account_id": "a", "n": "n_a"}), on="a")
    both = left.merge(n[["account_id", "object_type", "object_id", "n"]]
                      .rename(columns={"account_id": "b", "n": "n_b"}),
                      on=["b", "object_type", "object_id"])
    both["lam"] = both["n_a"] * both["n_b"] * 2.0 * p.time_window / both["span"]
    lam = both.groupby("pair")["lam"].sum()
    return lam.reindex(range(len(pairs)), fill_value=0.0).to_numpy() + 1e-12


def edge_evidence(actions: pd.DataFrame, edges: pd.DataFrame, params: FusionParams | None = None,
                  per_edge: int | None = 20) -> pd.DataFrame:
    """For kept edges: the objects and posts that tie the two accounts, with times.

    One row per (edge, object, post pair), in time order, at most ``per_edge`` per edge
    (``None``: all of them).
    """
    p = params or FusionParams()
    if edges.empty:
        return pd.DataFrame(columns=["account_id", "account_id_y", "object_type", "object_id",
                                     "content_id", "content_id_y", "timestamp", "timestamp_y",
                                     "time_delta"])
    members = set(edges["account_id"]) | set(edges["account_id_y"])
    acts = actions[actions["account_id"].isin(members) & actions["object_type"].isin(p.signals)]
    acts = acts.drop_duplicates(["account_id", "object_type", "object_id", "content_id"])
    pairs = co_action_pairs(acts, p.time_window, max_pairs_per_object=p.max_pairs_per_object)
    a, b = pairs["account_id"].astype(str), pairs["account_id_y"].astype(str)
    flip = (a > b).to_numpy()
    out = pd.DataFrame({
        "account_id": np.where(flip, b, a), "account_id_y": np.where(flip, a, b),
        "object_type": pairs["object_type"].astype(str).to_numpy(),
        "object_id": pairs["object_id"].astype(str).to_numpy(),
        "content_id": np.where(flip, pairs["content_id_y"].astype(str), pairs["content_id"].astype(str)),
        "content_id_y": np.where(flip, pairs["content_id"].astype(str), pairs["content_id_y"].astype(str)),
        "time_delta": pairs["time_delta"].to_numpy(),
    })
    out = out.merge(edges[["account_id", "account_id_y"]], on=["account_id", "account_id_y"])
    t = _post_time(acts)
    out["timestamp"] = out["content_id"].map(t).to_numpy()
    out["timestamp_y"] = out["content_id_y"].map(t).to_numpy()
    out = out.sort_values(["account_id", "account_id_y", "timestamp", "object_type", "object_id"])
    if per_edge is None:
        return out.reset_index(drop=True)
    return out.groupby(["account_id", "account_id_y"], sort=False).head(per_edge).reset_index(drop=True)


def estimate_time_window(actions: pd.DataFrame, q: float = 0.1, p: float = 0.5,
                         min_actions: int = 4, bounds: tuple[int, int] = (10, 3600)) -> dict[str, Any]:
    """A coordination interval from the data, in the spirit of CooRnet's ``estimate_coord_interval``.

    For every object acted on at least ``min_actions`` times, the time from its first action to
    the action that brings it to a share ``p`` of its total; the estimate is the median of that
    time over the fastest ``q`` of objects, clamped to ``bounds`` seconds. Reported next to the
    result; used only when asked for (``--window auto``).
    """
    g = actions.sort_values("timestamp").groupby(["object_type", "object_id"], sort=False)["timestamp"]
    size = g.transform("size")
    rank = g.cumcount() + 1
    first = g.transform("min")
    target = np.ceil(p * size).clip(lower=2)
    sel = (size >= min_actions) & (rank == target)
    reach = (actions.sort_values("timestamp")["timestamp"] - first)[sel.to_numpy()]
    if reach.empty:
        return {"window": None, "objects": 0, "q": q, "p": p}
    fastest = reach[reach <= reach.quantile(q)]
    est = int(np.clip(round(float(fastest.median())), *bounds))
    return {"window": est, "objects": int(len(reach)), "q": q, "p": p}
