"""Bursts: many accounts on one object within minutes, and groups that keep bursting together.

A large, sparse cell (hundreds of members, each posting two or three times) leaves almost no
pair of members that met twice, so the pair evidence of :mod:`analyses.chance` misses it. What it
does leave is *bursts*: in each wave a different handful of members posts the campaign's tag,
sound or caption within a minute, which the object's own rhythm makes very unlikely, and across
waves the same membership keeps coming back. This is the lockstep of CopyCatch (Beutel et al.
2013, "CopyCatch: stopping group attacks by spotting lockstep behavior in social networks", WWW):
a group of accounts and a set of moments, each account acting in several of them.

**A burst** is a cluster of an object's private, unexplained actions (see
:mod:`analyses.fusion`) whose consecutive actions are at most ``w`` apart (a longer chain is cut
into pieces of ``2 w``), by at least ``min_accounts`` accounts. Given that ``n`` actions of the object fall within ``horizon`` of
the burst's middle, a stranger's action lands inside the burst's span ``τ`` with probability
``π = τ / (2 horizon)``; the burst's evidence is ``-ln P(Binomial(n - 1, π) >= m - 1)`` for
``m`` accounts (the first one anywhere, the others inside its span), and no more than the same
test gives within the half hour around it (a busy half hour explains its own bursts).

**A group's bursts** (:func:`group_burst_test`) are the bursts with at least two of its members,
grouped into occasions (an hour apart; the same time on the 12-hour clock on another day is
the same occasion: a clock). Each occasion counts once, with the evidence of its best burst
restricted to the members (``m`` = members present) among the bursts where the members are at
least ``min_share`` of everyone on the object in that half hour (a few stragglers of a
televised goal are part of its crowd), and only members present on at least two occasions count
(one burst, however large, is not repetition), and only members in lockstep with the group:
at least half of their own actions on the objects of the bursts the group dominates fall inside
those bursts (:func:`_in_lockstep`; at a million videos thousands of ordinary users of a
campaign's tag each land in two of its waves by chance, but post there mostly at other times).
A group needs ``min_occasions`` (6) occasions:
repetition is what separates a campaign's waves from the few matches a club's supporters watched
together. **A cell with few waves** (3 to 5, ``few_occasions``) passes only in full lockstep
(:func:`_few_waves`): on each occasion the group is nearly everyone who acted on the object
(``few_share``, 0.8), its members are the accounts present on at least half of the occasions
(``few_presence``), and no occasion is the same time of day on several days (a scheduler's slot
is a clock, not a wave). The supporters of a club are a part of each match's crowd, and each
watched some of the matches; a cell with three waves is all of each wave's crowd. The occasions'
evidence is then compared
with Gamma(number of occasions, 1), multiplied by the number of groups of that size a search
could return (:func:`analyses.groups.log_multiplicity`).

**Slow waves.** A wave spread over 25-40 minutes *is* its half hour: the local null cannot see
it, however exclusive it is (a sound only the cell uses, 30 of its members on it in half an
hour and nobody else that day). A second search (``slow=True`` in :func:`significant`,
:func:`co_burst_links` and :func:`group_burst_test`) looks only at bursts of the widest window
whose accounts are at least ``SLOW_SHARE`` of the object's half hour, judged on the object's day
alone (``evidence_day``), and counts a burst only when it beats ``SLOW_FACTOR`` (2) times the
bar a single burst needs among all tested: as if the number of tests were squared, because the
day null ignores the object's own rhythm within the day (a show's hour, an evening peak). The
group then needs the same ``min_occasions`` such occasions. A televised match's regulars fill
a few match days, and their tight moments stay with the first search; a slow cell fills many
days. What the partition of the slow links leaves is tested by connected pieces, whole
(:func:`analyses.clusters.burst_groups`): a sparse cell is a loose web (each pair met in a wave
or two) that a modularity partitioner cuts into pieces none of which repeats enough alone.

>>> import numpy as np
>>> obj = np.zeros(6, dtype=int); acc = np.arange(6); t = np.array([0, 5, 9, 10_000, 10_004, 90_000])
>>> b = find_bursts(obj, acc, t, windows=(60,), horizon=43_200, min_accounts=3)
>>> b.table[["object", "m", "n"]].to_dict("records")
[{'object': 0, 'm': 3, 'n': 5}]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import binom

from analyses.arrays import sorted_unique
from analyses.groups import gamma_log_sf, log_multiplicity

SLOW_SHARE = 0.5  # a slow wave is at least half of its object's half hour ...
SLOW_FACTOR = 2.0  # ... and beyond chance for the object's day by twice the bar
DIAL = 43_200  # the same time on a 12-hour clock (analyses.occasions)
LOCAL = 1800  # the local scale of a burst's null: the half hour around it


@dataclass
class Bursts:
    table: pd.DataFrame      # burst: object, window, start, end, m, n, evidence (nats)
    burst: np.ndarray        # membership rows: burst id ...
    account: np.ndarray      # ... and account code (one row per account and burst)
    account_ids: np.ndarray  # code -> account id
    keys: np.ndarray | None = None  # sorted (object, account, time) keys of every action
    keys_by_object: np.ndarray | None = None  # sorted (object, time) keys of every action
    n_acc: int = 1
    span: int = 1
    tmin: int = 0

    def actions_near(self, obj: np.ndarray, acc: np.ndarray, lo: np.ndarray, hi: np.ndarray
                     ) -> np.ndarray:
        """How many actions each account has on each object in ``[lo, hi]``."""
        base = (obj.astype(np.int64) * self.n_acc + acc.astype(np.int64)) * self.span
        a = np.searchsorted(self.keys, base + (lo - self.tmin), side="left")
        b = np.searchsorted(self.keys, base + (hi - self.tmin), side="right")
        return b - a

    def accounts_on(self, obj: int, lo: int, hi: int) -> np.ndarray:
        """The accounts (codes) with an action on ``obj`` in ``[lo, hi]``."""
        block = np.int64(obj) * self.n_acc * self.span
        a, b = np.searchsorted(self.keys, [block, block + self.n_acc * self.span])
        keys = self.keys[a:b]
        t = keys % self.span + self.tmin
        return np.unique((keys[(t >= lo) & (t <= hi)] // self.span) % self.n_acc)

    def of_accounts(self, codes: np.ndarray) -> pd.DataFrame:
        """Membership rows (burst, account) of the given account codes."""
        sel = np.isin(self.account, codes)
        return pd.DataFrame({"burst": self.burst[sel], "account": self.account[sel]})


def burst_evidence(m: np.ndarray, n: np.ndarray, span: np.ndarray, horizon: int,
                   n_local: np.ndarray | None = None, local: int = 1800) -> np.ndarray:
    """``-ln P(Binomial(n - 1, span / 2 horizon) >= m - 1)`` (nats), per burst; with
    ``n_local`` (actions within ``local`` seconds), the smaller of that and the same test at
    the local scale: a burst inside a busy half hour (the stragglers of a televised goal) is
    no surprise there."""
    def ev(count: np.ndarray, h: float) -> np.ndarray:
        pi = np.clip(span / (2.0 * h), 1e-12, 1.0)
        # beyond 1e4 nats the tail underflows; such a burst is certain either way
        return np.minimum(-np.minimum(binom.logsf(m - 2, np.maximum(count - 1, m - 1), pi), 0.0),
                          1e4)

    out = ev(n, float(horizon))
    if n_local is not None:
        out = np.minimum(out, ev(n_local, float(local)))
    return out


def find_bursts(obj: np.ndarray, acc: np.ndarray, t: np.ndarray, windows: tuple[int, ...],
                horizon: int, min_accounts: int = 3, eligible: np.ndarray | None = None,
                account_ids: np.ndarray | None = None) -> Bursts:
    """The bursts of every object at every window (actions as integer codes)."""
    obj = np.asarray(obj, dtype=np.int64)
    acc = np.asarray(acc, dtype=np.int64)
    t = np.asarray(t, dtype=np.int64)
    n_all = len(t)
    tmin = int(t.min()) - 2 * horizon          # keys stay inside each object's block
    span_key = int(t.max()) - tmin + 2 * horizon + 1
    order_all = np.lexsort((t, obj))
    key_all = obj[order_all] * span_key + (t[order_all] - tmin)
    rows = np.flatnonzero(eligible) if eligible is not None else np.arange(n_all)
    tables, members_b, members_a = [], [], []
    next_id = 0
    for w in windows:
        o = rows[np.lexsort((t[rows], obj[rows]))]
        if not len(o):
            continue
        new = np.ones(len(o), dtype=bool)
        new[1:] = (obj[o][1:] != obj[o][:-1]) | (np.diff(t[o]) > w)
        chain = np.cumsum(new) - 1
        # A burst is short: a chain of posts that goes on for longer (a busy afternoon, a
        # twenty-minute party) is cut into consecutive pieces of at most 2 w.
        chain_start = t[o][np.flatnonzero(new)][chain]
        piece = (t[o] - chain_start) // (2 * w)
        new = np.ones(len(o), dtype=bool)
        new[1:] = (chain[1:] != chain[:-1]) | (piece[1:] != piece[:-1])
        cl = np.cumsum(new) - 1
        # distinct accounts per cluster
        n_a = int(acc.max()) + 1
        key = sorted_unique(cl * n_a + acc[o])
        pair = np.stack([key // n_a, key % n_a], axis=1)
        m = np.bincount(pair[:, 0], minlength=cl[-1] + 1)
        first = np.flatnonzero(new)
        last = np.r_[first[1:], len(o)] - 1
        keep = np.flatnonzero(m >= min_accounts)
        if not len(keep):
            continue
        start, end = t[o][first][keep], t[o][last][keep]
        ob = obj[o][first][keep]
        mid = (start + end) // 2
        n, n_local = (_count_within(key_all, ob * span_key + (mid - tmin), h)
                      for h in (horizon, LOCAL))
        span = np.maximum(end - start, w).astype(np.float64)
        ev = burst_evidence(m[keep].astype(np.float64), n.astype(np.float64), span, horizon,
                            n_local.astype(np.float64), LOCAL)
        ev_day = burst_evidence(m[keep].astype(np.float64), n.astype(np.float64), span, horizon)
        ids = np.arange(next_id, next_id + len(keep))
        tables.append(pd.DataFrame({"burst": ids, "object": ob, "window": w, "start": start,
                                    "end": end, "m": m[keep], "n": n, "n_local": n_local,
                                    "evidence": ev, "evidence_day": ev_day}))
        remap = np.full(cl[-1] + 1, -1)
        remap[keep] = ids
        in_keep = remap[pair[:, 0]] >= 0
        members_b.append(remap[pair[in_keep, 0]])
        members_a.append(pair[in_keep, 1])
        next_id += len(keep)
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=["burst", "object", "window", "start", "end", "m", "n", "n_local", "evidence",
                 "evidence_day"])
    n_acc = int(acc.max()) + 1
    keys = np.sort((obj * n_acc + acc) * span_key + (t - tmin))
    return Bursts(table=table,
                  burst=np.concatenate(members_b) if members_b else np.zeros(0, dtype=np.int64),
                  account=np.concatenate(members_a) if members_a else np.zeros(0, dtype=np.int64),
                  account_ids=account_ids if account_ids is not None else np.arange(n_acc),
                  keys=keys, keys_by_object=key_all, n_acc=n_acc, span=span_key, tmin=tmin)


def _count_within(sorted_keys: np.ndarray, centre: np.ndarray, h: int) -> np.ndarray:
    """Keys within ``h`` of each centre (same object block: the keys leave room either side)."""
    return (np.searchsorted(sorted_keys, centre + h, side="right")
            - np.searchsorted(sorted_keys, centre - h, side="left"))


def group_burst_test(bursts: Bursts, member_codes: np.ndarray, n_accounts: int,
                     mean_degree: float, gap: int = 3600, clock_tolerance: int = 600,
                     horizon: int = 43_200, min_own_share: float = 0.5, min_dominance: float = 0.5,
                     min_share: float = 0.3,
                     n_significant: int | None = None, min_occasions: int = 6,
                     lockstep: bool = True, slow_bar: float | None = None,
                     few_occasions: int = 3, few_share: float = 0.8, few_presence: float = 0.5
                     ) -> tuple[float, dict[int, int], int]:
    """``(ln p, occasions per member, occasions)`` of the group's bursts (module docstring).

    ``lockstep=False`` skips the member rule of :func:`_in_lockstep` (for the pieces of a
    group that a partitioner cut: each piece is a minority of the bursts the whole dominates).
    ``slow_bar`` (the single-burst bar, :func:`log_threshold`): count the occasions of slow
    waves instead (module docstring).

    ``ln p`` is scan-corrected for the group's size; members present on fewer than two
    occasions do not count (and are absent from the per-member counts).
    """
    rows = bursts.of_accounts(member_codes)
    if rows.empty:
        return 0.0, {}, 0
    if n_significant is None:
        n_significant = len(bursts.table)
    present: set[int] = set(rows["account"])
    for _ in range(3):  # members on one occasion only are dropped, then occasions recounted
        sel = rows[rows["account"].isin(present)]
        per = sel.groupby("burst")["account"].nunique()
        per = per[per >= 2]
        if per.empty:
            return 0.0, {}, 0
        tb = bursts.table.set_index("burst").loc[per.index]
        tb = tb.assign(mg=per.to_numpy())
        tb["ev"] = burst_evidence(tb["mg"].to_numpy(float), tb["n"].to_numpy(float),
                                  np.maximum(tb["end"] - tb["start"], tb["window"]).to_numpy(float),
                                  horizon, tb["n_local"].to_numpy(float), LOCAL)
        # A burst where the group is a small part of a busy half hour (the stragglers of a
        # televised goal) says nothing about the group.
        share = tb["mg"] / np.maximum(tb["n_local"], tb["mg"])
        tb["ev"] = np.where(share >= min_share, tb["ev"], 0.0)
        occ = _occasions(tb["start"].to_numpy(), gap, clock_tolerance)
        tb["occasion"] = occ
        best = tb.sort_values("ev", ascending=False).groupby("occasion").head(1)
        member_occ = sel[sel["burst"].isin(tb.index)]
        member_occ = member_occ.assign(occasion=tb.loc[member_occ["burst"], "occasion"].to_numpy())
        counts = member_occ.groupby("account")["occasion"].nunique()
        repeated = set(counts[counts >= 2].index)
        if repeated == present:
            break
        present = repeated
    # A member acts in lockstep with the group: most of its own actions on the group's objects
    # fall inside the group's bursts at the group's time scale (an ordinary user of a
    # campaign's tag lands in one of its bursts now and then, among its other posts there).
    if lockstep:
        present = _in_lockstep(bursts, tb, member_occ[member_occ["account"].isin(present)],
                               min_dominance, min_own_share, gap)
    if slow_bar is not None:
        # slow waves: each occasion counts with its slow burst, judged on the object's day
        ev_day = burst_evidence(tb["mg"].to_numpy(float), tb["n"].to_numpy(float),
                                np.maximum(tb["end"] - tb["start"], tb["window"]).to_numpy(float),
                                horizon)
        strong = _slow_mask(tb["mg"].to_numpy(float), tb["n_local"].to_numpy(float),
                            tb["window"].to_numpy(), ev_day, slow_bar,
                            int(bursts.table["window"].max()), min_share)
        best = (tb.assign(ev=ev_day)[strong].sort_values("ev", ascending=False)
                .groupby("occasion").head(1))
    if few_occasions <= len(best) < min_occasions:
        per, best = _few_waves(bursts, tb, best, gap, few_occasions, few_share, few_presence)
        counts, present = pd.Series(per, dtype=np.int64), set(per)
        floor = few_occasions
    else:
        floor = min_occasions
    if len(present) < 3 or len(best) < floor:
        return 0.0, {}, 0
    counts = counts[counts.index.isin(present)]
    s = len(present)

    lp = gamma_log_sf(float(best["ev"].sum()), float(len(best)))
    # The group is fixed by the occasions it bursts on: a search could have returned as many
    # groups as there are ways to pick that many of the incident's significant bursts.
    by_bursts = float(gammaln(n_significant + 1) - gammaln(len(best) + 1)
                      - gammaln(max(n_significant - len(best), 0) + 1))
    lp = min(lp + min(log_multiplicity(s, n_accounts, mean_degree), by_bursts), 0.0)
    return lp, {int(a): int(c) for a, c in counts.items() if a in present}, int(len(best))


def _few_waves(bursts: Bursts, tb: pd.DataFrame, best: pd.DataFrame, gap: int,
               few_occasions: int, few_share: float, few_presence: float
               ) -> tuple[dict[int, int], pd.DataFrame]:
    """A group with fewer than ``min_occasions`` occasions, judged as CopyCatch judges a
    lockstep group (Beutel et al. 2013: accounts that each act in at least a share ρ of the
    same moments): on each occasion, everyone who acted on the object of its best burst within
    the burst's window of it; the group is everyone present on at least ``few_presence`` of the
    occasions, and an occasion counts only where the group is at least ``few_share`` of those
    present (the whole crowd of the moment). A show's regulars are a part of each episode's
    crowd, and each watched some of the episodes; a cell with three waves is all of each
    wave's crowd, every time. The group may hold members the burst search did not link (a
    member who duetted instead of posting). An occasion that is the same time of day on
    several days (a scheduler's slot, a daily show) is a clock, not a wave, and does not count.
    Returns occasions per member and the occasions."""
    starts = tb.groupby("occasion")["start"]
    spread = starts.max() - starts.min()
    occ = best[(best["ev"] > 0) & ~best["occasion"].isin(spread[spread > gap].index)]
    present_at = [bursts.accounts_on(int(r.object), int(r.start - r.window), int(r.end + r.window))
                  for r in occ.itertuples()]
    for _ in range(5):
        if len(occ) < few_occasions:
            break
        # each occasion lists an account once, so its count is its number of occasions
        seen, count = np.unique(np.concatenate(present_at), return_counts=True)
        member = count >= max(math.ceil(few_presence * len(occ)), 2)
        share = np.array([np.isin(p, seen[member]).mean() if len(p) else 0.0 for p in present_at])
        ok = share >= few_share
        if ok.all():
            return dict(zip(seen[member].tolist(), count[member].tolist(), strict=True)), occ
        occ = occ[ok]
        present_at = [p for p, keep in zip(present_at, ok, strict=True) if keep]
    return {}, occ.iloc[:0]


def _in_lockstep(bursts: Bursts, tb: pd.DataFrame, member_occ: pd.DataFrame,
                 min_dominance: float, min_own_share: float, gap: int) -> set[int]:
    """Members in lockstep with the group: present on at least two occasions in bursts the
    group dominates (its members at least ``min_dominance`` of the burst's accounts), with at
    least ``min_own_share`` of their own actions on those objects, from an hour before the
    group's first such burst to an hour after its last, inside them. This is SynchroTrap's
    per-user share of matched actions (Cao et al. 2014, "Uncovering large groups of active
    malicious accounts in online social networks", CCS) on CopyCatch's lockstep groups: a cell's
    member posts there mostly in the waves; a fan of the campaign's tag posts there mostly at
    other times, lands in a wave now and then, and is one of many in the half hour's crowd."""
    own = tb[tb["mg"] >= min_dominance * tb["m"]].reset_index()
    mine = member_occ[member_occ["burst"].isin(own["burst"])]
    occasions = mine.groupby("account")["occasion"].nunique()
    accounts = occasions[occasions >= 2].index.to_numpy()
    if not len(accounts):
        return set()
    n_b, n_a = len(own), len(accounts)
    row = np.repeat(np.arange(n_a), n_b)
    count = bursts.actions_near(np.tile(own["object"].to_numpy(), n_a), accounts[row],
                                np.tile(own["start"].to_numpy(), n_a),
                                np.tile(own["end"].to_numpy(), n_a))
    # bursts of one window are disjoint on an object; a wider window's contain a tighter's
    per = pd.DataFrame({"row": row, "object": np.tile(own["object"].to_numpy(), n_a),
                        "occasion": np.tile(own["occasion"].to_numpy(), n_a),
                        "window": np.tile(own["window"].to_numpy(), n_a), "count": count})
    inside = (per.groupby(["row", "object", "occasion", "window"])["count"].sum()
              .groupby(["row", "object", "occasion"]).max().groupby("row").sum()
              .reindex(range(n_a), fill_value=0).to_numpy())
    objs = np.unique(own["object"].to_numpy())
    lo, hi = int(own["start"].min()) - gap, int(own["end"].max()) + gap
    mine_all = bursts.actions_near(np.tile(objs, n_a), np.repeat(accounts, len(objs)),
                                   np.full(len(objs) * n_a, lo), np.full(len(objs) * n_a, hi))
    total = np.bincount(np.repeat(np.arange(n_a), len(objs)), weights=mine_all, minlength=n_a)
    keep = inside >= min_own_share * np.maximum(total, 1)
    return set(accounts[keep].tolist())


def _occasions(start: np.ndarray, gap: int, clock_tolerance: int) -> np.ndarray:
    """Occasion number per burst: bursts an hour apart are one; the same time of day is one."""
    order = np.argsort(start, kind="stable")
    s = start[order]
    new = np.ones(len(s), dtype=bool)
    new[1:] = np.diff(s) > gap
    occ_sorted = np.cumsum(new) - 1
    occ = np.empty(len(s), dtype=np.int64)
    occ[order] = occ_sorted
    # clock: occasions whose start times of day agree within the tolerance are one
    first_t = pd.Series(start).groupby(occ).min()
    tod = (first_t % DIAL).sort_values()
    cls = np.cumsum(np.r_[True, np.diff(tod.to_numpy()) > clock_tolerance]) - 1
    if len(tod) > 1 and tod.iloc[0] + DIAL - tod.iloc[-1] <= clock_tolerance:
        cls[cls == cls[-1]] = 0
    clock_of = pd.Series(cls, index=tod.index)
    return clock_of.reindex(occ).to_numpy()


def significant(table: pd.DataFrame, min_evidence: float, slow: bool = False) -> np.ndarray:
    """Bursts beyond chance among all tested (``min_evidence``: :func:`log_threshold`).

    Tight ones: beyond chance for their own half hour. Slow waves (``slow``): a burst at the
    widest window, most of whose half hour is its own accounts (``SLOW_SHARE``), beyond chance
    for the object's day by ``SLOW_FACTOR`` times the bar (module docstring)."""
    if not slow:
        return (table["evidence"] >= min_evidence).to_numpy()
    return _slow_mask(table["m"].to_numpy(float), table["n_local"].to_numpy(float),
                      table["window"].to_numpy(), table["evidence_day"].to_numpy(),
                      min_evidence, int(table["window"].max()) if len(table) else 0, SLOW_SHARE)


def _slow_mask(m: np.ndarray, n_local: np.ndarray, window: np.ndarray, ev_day: np.ndarray,
               bar: float, widest: int, min_share: float) -> np.ndarray:
    share = m / np.maximum(n_local, m)
    return (window >= widest) & (share >= min_share) & (ev_day >= SLOW_FACTOR * bar)


def burst_weight(table: pd.DataFrame, slow: bool = False) -> np.ndarray:
    """The evidence a significant burst brings: its own test's."""
    return table["evidence_day" if slow else "evidence"].to_numpy()


def co_burst_links(bursts: Bursts, min_evidence: float, slow: bool = False) -> pd.DataFrame:
    """Account pairs linked by significant bursts: ``a, b, weight`` where each burst with
    evidence >= ``min_evidence`` spreads its evidence over its members' pairs (for the
    partitioner; the tests use the bursts themselves)."""
    tb = bursts.table[significant(bursts.table, min_evidence, slow)]
    tb = tb.assign(evidence=burst_weight(tb, slow))
    if tb.empty:
        return pd.DataFrame(columns=["a", "b", "weight"])
    sel = np.isin(bursts.burst, tb["burst"].to_numpy())
    mem = pd.DataFrame({"burst": bursts.burst[sel], "acc": bursts.account[sel]})
    mem = mem[mem.groupby("burst")["acc"].transform("size") <= 400]  # a clique of 400 is enough
    pairs = mem.merge(mem, on="burst")
    pairs = pairs[pairs["acc_x"] < pairs["acc_y"]]
    ev = tb.set_index("burst")["evidence"]
    m = tb.set_index("burst")["m"]
    pairs = pairs.assign(weight=(ev.loc[pairs["burst"]].to_numpy()
                                 / np.maximum(m.loc[pairs["burst"]].to_numpy() - 1, 1)))
    out = pairs.groupby(["acc_x", "acc_y"], sort=False)["weight"].sum().reset_index()
    return pd.DataFrame({"a": bursts.account_ids[out["acc_x"].to_numpy()],
                         "b": bursts.account_ids[out["acc_y"].to_numpy()],
                         "weight": out["weight"].to_numpy()})


def log_threshold(n_bursts: int, alpha: float) -> float:
    """Evidence a single burst needs to count as significant among ``n_bursts``."""
    return math.log(max(n_bursts, 1)) - math.log(alpha)


def clock_actions(found: Bursts, obj: np.ndarray, t: np.ndarray, alpha: float = 0.01,
                  bin_seconds: int = 120, after: int = 300, scheduled: int = 90) -> np.ndarray:
    """Per action: it is at the clock minute of a *clock object*, whose tightest bursts start
    at the same minute of the hour in more different hours of the day than chance allows (a
    binomial over the hour's ``3600 / bin_seconds`` bins, corrected for every object and bin
    tested): the same local moment (midnight, 11:11, a prayer time, a scheduler's slot) passing
    through the time zones. The actions on that object from the minute to ``after`` seconds
    past it are explained by the clock, wherever they are. So are the actions on an object in
    the ``2 after`` seconds after a round time (the hour or the half hour) when one of its tight
    bursts starts right at it: a scheduled moment.

    >>> import numpy as np
    >>> t = np.array([h * 3600 + 11 * 60 + s for h in (1, 5, 9, 14) for s in (2, 9, 30)])
    >>> b = find_bursts(np.zeros(12, int), np.arange(12), t, (60,), 43_200)
    >>> bool(clock_actions(b, np.zeros(12, int), t).all())
    True
    """
    out = np.zeros(len(t), dtype=bool)
    tb = found.table
    if tb.empty:
        return out
    tb = tb[tb["window"] <= 300]  # a clock moment is tight
    minute = (tb["start"].to_numpy() % 3600) // bin_seconds
    hour = (tb["start"].to_numpy() // 3600) % 24
    hits = pd.DataFrame({"object": tb["object"].to_numpy(), "bin": minute, "hour": hour})
    hits = hits.drop_duplicates()  # one ritual hour counts once, however many bursts it had
    in_bin = hits.groupby(["object", "bin"]).size()
    hours = hits.groupby("object").size()
    n_bins = 3600 // bin_seconds
    trials = hours.reindex(in_bin.index.get_level_values(0)).to_numpy()
    log_p = binom.logsf(in_bin.to_numpy() - 1, trials, 1.0 / n_bins)
    bar = math.log(alpha) - math.log(max(len(hours), 1) * n_bins)
    clocks = in_bin[(log_p <= bar) & (in_bin.to_numpy() >= 3)].reset_index()[["object", "bin"]]
    # A scheduled moment (a countdown, a show's start, an announced hashtag party, a
    # scheduler's slot) is a round time: a burst that starts within a minute of the hour or the
    # half hour (``scheduled`` seconds: a third before, two thirds after) gathered for it.
    start = tb["start"].to_numpy()
    mark = -(-(start - scheduled // 3) // 1800) * 1800  # the round time it starts at
    # ... and it starts the object's activity: quiet in the half hour before (a wave that is
    # already running does not start at a round time, it only passes one)
    before = _count_within(found.keys_by_object, tb["object"].to_numpy() * found.span
                           + (mark - 900 - found.tmin), 870)
    on_time = (start - mark <= scheduled * 2 // 3) & (before <= 1) & (tb["m"].to_numpy() >= 5)
    if on_time.any():
        rows = pd.DataFrame({"row": np.arange(len(t)), "object": obj}).merge(
            pd.DataFrame({"object": tb["object"].to_numpy()[on_time], "at": mark[on_time]}),
            on="object")
        dt = t[rows["row"].to_numpy()] - rows["at"].to_numpy()
        out[rows["row"].to_numpy()[(dt >= -60) & (dt < 2 * after)]] = True
    if clocks.empty:
        return out
    # actions on a clock object within [bin start, bin start + after) of any hour
    offset = t % 3600
    rows = pd.DataFrame({"row": np.arange(len(t)), "object": obj}).merge(clocks, on="object")
    start = rows["bin"].to_numpy() * bin_seconds
    o = offset[rows["row"].to_numpy()]
    inside = (o >= start - 60) & (o < start + after)
    out[rows["row"].to_numpy()[inside]] = True
    return out
