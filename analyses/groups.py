"""Is a group more coordinated than chance gives for a group of its size?

Every pair ``(i, j)`` that met carries a p-value ``p_ij = P(K >= k | K >= 1)`` from the chance
model (:mod:`analyses.chance`); its evidence is ``ω_ij = -ln p_ij``. Given which pairs met at
least once, each of their ``ω`` is at most an exponential variable with mean 1 when there is no
coordination, so for a fixed group ``G`` the evidence ``S(G) = Σ ω_ij`` over its ``m`` pairs that
met is at most a Gamma(``m``, 1) variable: a cell of 30 whose pairs each met a little more often
than chance (p ≈ 0.01) has ``S`` ≈ 2,000 against a mean of 435, which no chance group reaches,
while no single pair of it would pass a per-pair bar at incident scale. Counting only the pairs
that met keeps the test sharp for sparse cells, whose members mostly never meet.

Groups are found by searching the graph, so the test is a *scan statistic*: its p-value is
multiplied by the number of groups of size ``s`` the search could have returned — at most the
number of ``s``-subsets of the ``N`` accounts, and at most ``N (e·d)^(s-1)`` connected groups in a
graph of mean degree ``d`` (every connected group of ``s`` contains a spanning tree; Bollobás,
*Modern Graph Theory*, the tree-counting bound). Small groups therefore need strong pairs; large
groups need many moderately surprising pairs. The same reasoning keeps a member in a group only
if its own evidence towards the others is beyond chance for the partners it met, corrected for
the accounts that could have been members (the group and its neighbours) (:func:`peel`,
:func:`grow`). This is the group-level counterpart of the Benjamini–Hochberg control of pairs,
in the spirit of Fraudar's density with a guarantee (Hooi et al. 2016) and the scan statistics
of Kulldorff (1997, "A spatial scan statistic", *Comm. Stat.* 26).

>>> import math
>>> group_log_p(2000.0, 30, n_accounts=2000, mean_degree=20.0) < math.log(0.01)
True
>>> group_log_p(12.0, 3, n_accounts=2000, mean_degree=20.0) > math.log(0.01)
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd
from scipy.special import gammaincc, gammaln


class MetPairs:
    """Which accounts met at least once (the terms of the group and member tests).

    Without it every pair of a group counts as a term (conservative: pairs that never met add a
    term and no evidence).
    """

    def __init__(self, a: Iterable[str], b: Iterable[str]) -> None:
        a, b = np.asarray(list(a), dtype=object), np.asarray(list(b), dtype=object)
        codes, ids = pd.factorize(np.concatenate([a, b]))
        self._build(codes[:len(a)], codes[len(a):], np.asarray(ids, dtype=object))

    @classmethod
    def from_codes(cls, ca: np.ndarray, cb: np.ndarray, ids: np.ndarray) -> MetPairs:
        """From pairs already coded as positions in ``ids`` (no string work)."""
        out = cls.__new__(cls)
        out._build(np.asarray(ca, dtype=np.int64), np.asarray(cb, dtype=np.int64),
                   np.asarray(ids, dtype=object))
        return out

    def _build(self, ca: np.ndarray, cb: np.ndarray, ids: np.ndarray) -> None:
        self.ids = ids
        self.code = {x: i for i, x in enumerate(ids.tolist())}
        src = np.concatenate([ca, cb])
        dst = np.concatenate([cb, ca])
        order = np.lexsort((dst, src))
        self.dst = dst[order]
        self.start = np.searchsorted(src[order], np.arange(len(self.ids) + 1))

    def partners(self, node: str) -> np.ndarray:
        c = self.code.get(node)
        if c is None:
            return np.zeros(0, dtype=np.int64)
        return self.dst[self.start[c]:self.start[c + 1]]

    def codes(self, nodes: Iterable[str]) -> np.ndarray:
        return np.array(sorted(self.code[n] for n in nodes if n in self.code), dtype=np.int64)

    def count_in(self, node: str, member_codes: np.ndarray) -> int:
        """How many of ``node``'s met partners are among ``member_codes`` (sorted)."""
        p = self.partners(node)
        if not len(p) or not len(member_codes):
            return 0
        pos = np.minimum(np.searchsorted(member_codes, p), len(member_codes) - 1)
        return int((member_codes[pos] == p).sum())


def log_multiplicity(s: int, n_accounts: int, mean_degree: float) -> float:
    """ln of the number of groups of size ``s`` a search over the graph could return."""
    n = max(n_accounts, s)
    subsets = gammaln(n + 1) - gammaln(s + 1) - gammaln(n - s + 1)
    trees = math.log(n) + (s - 1) * math.log(math.e * max(mean_degree, 1.0))
    return float(min(subsets, trees))


def _log_upper_gamma(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """ln Q(a, x), the regularised upper incomplete gamma function (``gamma.logsf(x, a)``
    without scipy.stats' per-call overhead), with the leading term of its asymptotic series
    where it underflows (``x > a``)."""
    x = np.asarray(x, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(divide="ignore"):
        value = np.log(gammaincc(a, x))
    bad = np.isinf(value) & (x > a)
    if bad.any():
        ab, xb = a[bad], x[bad]
        value[bad] = (ab - 1) * np.log(xb) - xb - gammaln(ab) - np.log(1 - (ab - 1) / xb)
    return value


def gamma_log_sf(total: float, n_terms: float) -> float:
    """ln P(Gamma(n_terms, 1) >= total), finite far into the tail (where scipy underflows, the
    leading term of the asymptotic series of the upper incomplete gamma function is used)."""
    if n_terms <= 0:
        return 0.0
    return min(float(_log_upper_gamma(np.array([total]), np.array([n_terms]))[0]), 0.0)


def group_log_p(evidence: float, size: int, n_accounts: int, mean_degree: float,
                terms: float | None = None) -> float:
    """ln of the scan-corrected p-value of a group of ``size`` with ``evidence`` = ``S(G)`` over
    ``terms`` pairs that met (default: all ``size (size - 1) / 2`` pairs)."""
    n_terms = size * (size - 1) / 2 if terms is None else terms
    raw = gamma_log_sf(evidence, n_terms)
    return min(raw + log_multiplicity(size, n_accounts, mean_degree), 0.0)


def member_log_p(evidence: float, terms: float, candidates: int) -> float:
    """ln of the p-value of one member's evidence over the ``terms`` partners it met in the
    group, corrected for the ``candidates`` accounts that could have been tested as members
    (the group and the accounts with any evidence towards it)."""
    return min(gamma_log_sf(evidence, max(terms, 1)) + math.log(max(candidates, 1)), 0.0)


def candidates(g: nx.Graph, members: set[str]) -> int:
    """The group and its neighbours: the accounts a member test could have been run on."""
    return len(members | {n for m in members for n in g[m]})


def internal_evidence(g: nx.Graph, nodes: Iterable[str], weight: str = "omega") -> dict[str, float]:
    """Each member's summed evidence towards the other members."""
    members = set(nodes)
    return {n: sum(d[weight] for m, d in g[n].items() if m in members) for n in members}


def _terms(members: set[str], met: MetPairs | None) -> dict[str, int]:
    """Per member: the partners in the group it met (all others without ``met``)."""
    if met is None:
        return {n: len(members) - 1 for n in members}
    codes = met.codes(members)
    return {n: met.count_in(n, codes) for n in members}


def _member_log_p_many(evidence: np.ndarray, terms: np.ndarray, candidates: int) -> np.ndarray:
    """:func:`member_log_p` for many members at once (one vectorised tail)."""
    value = _log_upper_gamma(evidence, np.maximum(terms, 1))
    return np.minimum(np.minimum(value, 0.0) + math.log(max(candidates, 1)), 0.0)


def peel(g: nx.Graph, nodes: Iterable[str], log_alpha: float, min_size: int = 3,
         met: MetPairs | None = None, weight: str = "omega") -> list[str]:
    """The members whose evidence towards the others is beyond chance: the weakest member is
    removed until every member passes :func:`member_log_p` at ``log_alpha`` (or fewer than
    ``min_size`` are left, and the group is empty)."""
    members = sorted(set(nodes))
    index = {n: i for i, n in enumerate(members)}
    strength = np.zeros(len(members))
    for n, s in internal_evidence(g, members, weight).items():
        strength[index[n]] = s
    t = _terms(set(members), met)
    terms = np.array([t[n] for n in members], dtype=np.float64)
    alive = np.ones(len(members), dtype=bool)
    n_candidates = candidates(g, set(members))
    member_lp = _member_log_p_many(strength, terms, n_candidates)
    while alive.sum() >= min_size:
        lp = np.where(alive, member_lp, -np.inf)
        weakest = int(np.argmax(lp))  # ties: the first in name order
        if lp[weakest] <= log_alpha:
            return [n for n, a in zip(members, alive, strict=True) if a]
        alive[weakest] = False
        gone = members[weakest]
        touched = []
        for m, d in g[gone].items():
            j = index.get(m)
            if j is not None and alive[j]:
                strength[j] -= d[weight]
                touched.append(j)
        if met is None:
            terms[alive] -= 1
            touched = np.flatnonzero(alive)
        else:
            for c in met.partners(gone):
                j = index.get(met.ids[c])
                if j is not None and alive[j]:
                    terms[j] -= 1
                    touched.append(j)
        # only the removed member's partners changed: a large community is peeled in O(edges)
        # tail evaluations, not O(members²)
        touched = np.unique(np.asarray(touched, dtype=np.int64))
        if len(touched):
            member_lp[touched] = _member_log_p_many(strength[touched], terms[touched],
                                                    n_candidates)
    return []


def group_evidence(g: nx.Graph, nodes: Iterable[str], weight: str = "omega") -> float:
    members = set(nodes)
    return float(sum(d[weight] for a, b, d in g.subgraph(members).edges(data=True)))


def group_terms(nodes: Iterable[str], met: MetPairs | None) -> float:
    """The pairs of the group that met at least once (all pairs without ``met``)."""
    members = set(nodes)
    return sum(_terms(members, met).values()) / 2


def grow(g: nx.Graph, core: Iterable[str], log_alpha: float, taken: set[str] | None = None,
         met: MetPairs | None = None, weight: str = "omega") -> list[str]:
    """``core`` with every neighbour whose evidence towards the core is beyond chance added,
    strongest first, until none is (a partitioner may cut a cell; its cut-off members still
    belong). Nodes in ``taken`` (other groups' members) are not added."""
    members = set(core)
    taken = taken or set()
    while True:
        pull: dict[str, float] = {}
        for m in members:
            for n, d in g[m].items():
                if n not in members and n not in taken:
                    pull[n] = pull.get(n, 0.0) + d[weight]
        if not pull:
            return sorted(members)
        codes = met.codes(members) if met is not None else None
        n_candidates = len(members) + len(pull)
        scored = {n: member_log_p(ev, met.count_in(n, codes) if met is not None else len(members),
                                  n_candidates) for n, ev in pull.items()}
        best = min(scored, key=lambda n: (scored[n], n))
        if scored[best] > log_alpha:
            return sorted(members)
        members.add(best)


def prune(g: nx.Graph, log_alpha: float, weight: str = "omega") -> nx.Graph:
    """The subgraph of accounts that could pass a member test in some group: an account whose
    whole evidence falls short of what the smallest test (one partner met, three candidates)
    needs can never be a member, so it is removed, and so on until none is (like a k-core).
    The partitioner then works on the few accounts with real evidence."""
    need = 0.0
    while member_log_p(need, 1, 3) > log_alpha:
        need += 0.25
    strength = dict(g.degree(weight=weight))
    drop = [n for n, s in strength.items() if s < need]
    h = g.copy()
    while drop:
        nxt = set()
        for n in drop:
            if n not in h:
                continue
            for m, d in h[n].items():
                strength[m] -= d[weight]
                if strength[m] < need:
                    nxt.add(m)
            h.remove_node(n)
        drop = [n for n in nxt if n in h]
    return h
