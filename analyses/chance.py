"""The chance model: how often two unrelated accounts would meet, and false-discovery control.

Two accounts *meet* when they act on the same object within ``w`` seconds of each other. For a
pair ``(i, j)`` the number of separate occasions on which they met is compared with ``λ``, the
number of meetings their own activity predicts if they were strangers:

``λ_ij(w) = ½ Σ_o [S_i(o) n_j(o) + S_j(o) n_i(o)]`` over the objects both used, where
``n_j(o)`` counts j's actions on ``o`` and ``S_i(o) = Σ_a b_a`` sums, over i's actions on ``o``,
the chance that one action of a stranger on ``o`` falls within ``w`` of it:

``b_a = (1 - s_a) · share_H(a) · w / H  +  s_a · share_w(a)``

* ``share_H(a)``: the share of the other accounts' actions on ``o`` that fall within ``H``
  (3 hours) of ``a`` — the object's own rhythm (a challenge's S-curve, a tag's daily peak), so
  the null is inhomogeneous in time rather than uniform over the object's life;
* ``share_w(a)``: the same share within ``w`` — the crowd at that moment (:mod:`analyses.crowds`);
* ``s_a``: the publicness of that crowd. In a public crowd (thousands posting ``#goal`` in the
  minute of the goal) meeting anyone in it is expected, so the chance term is the crowd's whole
  share; in a small private group it is the object's hourly rhythm scaled down to the window.

The p-value of ``k`` meetings is the Poisson tail ``P(K >= k | λ)``, conditioned on ``K >= 1``
because only pairs that met at least once are ever examined (the family is the *candidate
pairs*). Across all candidate pairs the Benjamini–Hochberg procedure (Benjamini & Hochberg 1995,
"Controlling the false discovery rate", *JRSS B* 57) keeps the expected share of chance pairs
among those kept at ``alpha``, whatever the size of the incident: a million-video incident tests
millions of pairs, and a fixed per-pair bar would keep thousands of chance edges.

The Poisson comparison of observed and expected co-occurrence is the null-model idea of Pacheco
et al. (2021, "Uncovering coordinated networks on social media", ICWSM) made explicit per pair,
with the popular-action discount of Fraudar (Hooi et al. 2016) applied to moments, not objects.

>>> import numpy as np
>>> round(float(conditional_poisson_p(np.array([3]), np.array([0.01]))[0]), 8)
1.663e-05
>>> benjamini_hochberg(np.array([0.001, 0.02, 0.03, 0.5]), m=4).round(3).tolist()
[0.004, 0.04, 0.04, 0.5]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import poisson


def chance_rate(share_w: np.ndarray, share_h: np.ndarray, public: np.ndarray, window: int,
                horizon: int) -> np.ndarray:
    """``b_a``: the chance that one action of a stranger on the object falls within ``window``
    of action ``a`` (see the module docstring)."""
    return (1.0 - public) * share_h * (min(window, horizon) / horizon) + public * share_w


class ActionIndex:
    """The actions grouped by (account, object), for walking the objects two accounts share.

    ``rows`` of the index are the distinct (account, object) combinations, sorted by account;
    ``first[r]:first[r+1]`` are the positions (in ``order``) of that combination's actions.
    """

    def __init__(self, acc: np.ndarray, obj: np.ndarray) -> None:
        self.n_obj = int(obj.max()) + 1 if len(obj) else 1
        key = acc.astype(np.int64) * self.n_obj + obj.astype(np.int64)
        self.order = np.argsort(key, kind="stable")
        ks = key[self.order]
        bounds = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
        self.keys = ks[bounds]
        self.first = np.r_[bounds, len(ks)]
        self.acc = self.keys // self.n_obj
        self.obj = self.keys % self.n_obj
        n_acc = int(self.acc.max()) + 1 if len(self.acc) else 0
        self.start = np.searchsorted(self.acc, np.arange(n_acc + 1))  # rows of each account

    def lookup(self, acc: np.ndarray, obj: np.ndarray) -> np.ndarray:
        """Row of each (account, object), or -1."""
        key = acc.astype(np.int64) * self.n_obj + obj.astype(np.int64)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.where(self.keys[pos] == key, pos, -1)


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: the group of every element and its rank in the group."""
    group = np.repeat(np.arange(len(counts)), counts)
    rank = np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)
    return group, rank


def expected_meetings(index: ActionIndex, a: np.ndarray, b: np.ndarray, post: np.ndarray,
                      typ: np.ndarray, idf: np.ndarray, type_weight: np.ndarray,
                      rates: np.ndarray, levels: np.ndarray, chunk: int = 4_000_000
                      ) -> np.ndarray:
    """``λ`` for each account pair ``(a[k], b[k])``, window and meeting-strength level.

    Every pair of posts ``(p, q)`` of the two accounts that share an object could meet by
    chance; it would be a meeting of the strength its shared objects give (the event strength of
    :mod:`analyses.fusion`), and it meets with probability ``ρ(p, q) = max_o rate(p's action on
    o)``. ``λ[k, w, l] = Σ_p min(1, Σ_q ρ_w(p, q))`` over the post pairs of strength >=
    ``levels[l]``, with ``p`` the posts of the account with fewer actions. ``rates`` has one row
    per window and one column per action (:func:`chance_rate`). Returns
    ``(len(a), n_windows, len(levels))``.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    n_w = rates.shape[0]
    out = np.zeros((len(a), n_w, len(levels)))
    if not len(a):
        return out
    deg = index.start[1:] - index.start[:-1]
    n_act = np.bincount(index.acc, weights=np.diff(index.first), minlength=len(deg))
    side = n_act[a] <= n_act[b]
    small, other = np.where(side, a, b), np.where(side, b, a)
    n_post = int(post.max()) + 1
    k0 = 0
    while k0 < len(a):
        cum = np.cumsum(deg[small[k0:]])
        k1 = k0 + max(int(np.searchsorted(cum, chunk // 8, side="right")), 1)
        # (pair, object) rows of the smaller side, and the other side's row for that object
        pair, rank = _expand(deg[small[k0:k1]])
        row_s = index.start[small[k0:k1]][pair] + rank
        row_o = index.lookup(other[k0:k1][pair], index.obj[row_s])
        ok = row_o >= 0
        pair, row_s, row_o = pair[ok], row_s[ok], row_o[ok]
        ns = index.first[row_s + 1] - index.first[row_s]
        no = index.first[row_o + 1] - index.first[row_o]
        # every action of one side on the object against every action of the other
        combo, rk = _expand(ns * no)
        act_s = index.order[index.first[row_s][combo] + rk // no[combo]]
        act_o = index.order[index.first[row_o][combo] + rk % no[combo]]
        pair_c = pair[combo]
        # one group per (account pair, post p) and per (account pair, post p, post q)
        pp, pp_first = _codes(pair_c * n_post + post[act_s])
        pq, pq_first = _codes(pp * n_post + post[act_o])
        n_pq = len(pq_first)
        # as for meetings, an object counts only when neither side's action is explained
        idf_c = np.minimum(idf[act_s], idf[act_o])
        live = (rates[:, act_o] > 0).any(axis=0)
        frame = pd.DataFrame({"pq": pq, "typ": typ[act_s], "idf": idf_c})
        top = frame.groupby(["pq", "typ"], sort=False)["idf"].max()
        pq_of_top = top.index.get_level_values(0).to_numpy()
        typ_of_top = top.index.get_level_values(1).to_numpy()
        w_row = type_weight[typ[act_s]]
        strength = 0.25 * np.bincount(pq, weights=w_row * idf_c, minlength=n_pq)
        strength += 0.75 * np.bincount(pq_of_top, weights=type_weight[typ_of_top] * top.to_numpy(),
                                       minlength=n_pq)
        rho = pd.DataFrame(rates[:, act_s].T * live[:, None]).groupby(pq, sort=False).max()
        rho = rho.sort_index().to_numpy()
        pq_pp = pp[pq_first]
        pp_pair = pair_c[pp_first] + k0
        for li, level in enumerate(levels):
            sel = strength >= level - 1e-9
            for wi in range(n_w):
                per_post = np.bincount(pq_pp[sel], weights=rho[sel, wi], minlength=len(pp_first))
                out[:, wi, li] += np.bincount(pp_pair, weights=np.minimum(per_post, 1.0),
                                              minlength=len(a))
        k0 = k1
    return out


def _codes(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group codes of int64 keys in order of first appearance, and each group's first row."""
    codes, uniques = pd.factorize(key)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return codes, first


def conditional_poisson_p(k: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """``P(K >= k | K >= 1)`` for ``K ~ Poisson(lam)``, computed in log space (tiny p survive)."""
    k = np.asarray(k, dtype=np.float64)
    lam = np.maximum(np.asarray(lam, dtype=np.float64), 1e-300)
    log_tail = poisson.logsf(k - 1, lam)
    log_any = poisson.logsf(0, lam)
    # For tiny λ, logsf loses precision: use the leading term λ^k / k!.
    tiny = lam < 1e-8
    log_tail = np.where(tiny, k * np.log(lam) - gammaln(k + 1), log_tail)
    log_any = np.where(tiny, np.log(lam), log_any)
    return np.exp(np.minimum(log_tail - log_any, 0.0))


def log10_poisson_tail(k: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """``log10 P(K >= k)`` for ``K ~ Poisson(lam)`` without underflow."""
    k = np.asarray(k, dtype=np.float64)
    lam = np.maximum(np.asarray(lam, dtype=np.float64), 1e-300)
    log_tail = np.where(lam < 1e-8, k * np.log(lam) - gammaln(k + 1), poisson.logsf(k - 1, lam))
    return np.minimum(log_tail, 0.0) / np.log(10)


def log10_conditional_poisson_p(k: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """``log10`` of :func:`conditional_poisson_p` without underflow (for scores)."""
    k = np.asarray(k, dtype=np.float64)
    lam = np.maximum(np.asarray(lam, dtype=np.float64), 1e-300)
    log_tail = np.where(lam < 1e-8, k * np.log(lam) - gammaln(k + 1), poisson.logsf(k - 1, lam))
    log_any = np.where(lam < 1e-8, np.log(lam), poisson.logsf(0, lam))
    return np.minimum(log_tail - log_any, 0.0) / np.log(10)


def benjamini_hochberg(p: np.ndarray, m: int | None = None) -> np.ndarray:
    """Benjamini–Hochberg q-values of ``p`` in a family of ``m >= len(p)`` hypotheses (the
    hypotheses not listed have p = 1 and are never rejected)."""
    p = np.asarray(p, dtype=np.float64)
    n = len(p)
    m = max(int(m if m is not None else n), n)
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out
