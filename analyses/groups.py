"""Is a group more coordinated than chance gives for a group of its size?

Every pair ``(i, j)`` that met carries a p-value ``p_ij`` from the chance model
(:mod:`analyses.chance`); its evidence is ``ω_ij = -ln p_ij`` (0 for pairs that never met).
For a fixed group ``G`` of ``s`` accounts with no coordination, each ``ω_ij`` is at most an
exponential variable with mean 1, so the group's evidence ``S(G) = Σ_{i<j∈G} ω_ij`` is at most a
Gamma(``s(s-1)/2``, 1) variable: a cell of 30 whose pairs each met a little more often than
chance (p ≈ 0.01) has ``S`` ≈ 2,000 against a mean of 435, which no chance group reaches, while no
single pair of it would pass a per-pair bar at incident scale.

Groups are found by searching the graph, so the test is a *scan statistic*: its p-value is
multiplied by the number of groups of size ``s`` the search could have returned — at most the
number of ``s``-subsets of the ``N`` accounts, and at most ``N (e·d)^(s-1)`` connected groups in a
graph of mean degree ``d`` (every connected group of ``s`` contains a spanning tree; Bollobás,
*Modern Graph Theory*, the tree-counting bound). Small groups therefore need strong pairs; large
groups need many moderately surprising pairs. The same reasoning, with ``N`` candidates, keeps
a member in a group only if its own evidence towards the other members is beyond chance for
``s - 1`` partners, corrected for the accounts that could have been members (the group and its
neighbours) (:func:`peel`, :func:`grow`). This is the group-level counterpart of the Benjamini–Hochberg
control of pairs, in the spirit of Fraudar's density with a guarantee (Hooi et al. 2016) and the
scan statistics of Kulldorff (1997, "A spatial scan statistic", *Comm. Stat.* 26).

>>> import math
>>> round(group_log_p(2000.0, 30, n_accounts=2000, mean_degree=20.0), 1) < math.log(0.01)
True
>>> round(group_log_p(12.0, 3, n_accounts=2000, mean_degree=20.0), 1) > math.log(0.01)
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx
from scipy.special import gammaln
from scipy.stats import gamma


def log_multiplicity(s: int, n_accounts: int, mean_degree: float) -> float:
    """ln of the number of groups of size ``s`` a search over the graph could return."""
    n = max(n_accounts, s)
    subsets = gammaln(n + 1) - gammaln(s + 1) - gammaln(n - s + 1)
    trees = math.log(n) + (s - 1) * math.log(math.e * max(mean_degree, 1.0))
    return float(min(subsets, trees))


def gamma_log_sf(total: float, n_terms: float) -> float:
    """ln P(Gamma(n_terms, 1) >= total), finite far into the tail (where scipy underflows, the
    leading term of the asymptotic series of the upper incomplete gamma function is used)."""
    if n_terms <= 0:
        return 0.0
    value = float(gamma.logsf(total, n_terms))
    if math.isinf(value) and total > n_terms:
        a, x = n_terms, total
        value = (a - 1) * math.log(x) - x - float(gammaln(a)) - math.log(1 - (a - 1) / x)
    return min(value, 0.0)


def group_log_p(evidence: float, size: int, n_accounts: int, mean_degree: float) -> float:
    """ln of the scan-corrected p-value of a group of ``size`` with ``evidence`` = ``S(G)``."""
    raw = gamma_log_sf(evidence, size * (size - 1) / 2)
    return min(raw + log_multiplicity(size, n_accounts, mean_degree), 0.0)


def member_log_p(evidence: float, size: int, candidates: int) -> float:
    """ln of the p-value of one member's evidence to the ``size - 1`` others, corrected for the
    ``candidates`` accounts that could have been tested as members (the group and the accounts
    with any evidence towards it)."""
    return min(gamma_log_sf(evidence, size - 1) + math.log(max(candidates, 1)), 0.0)


def candidates(g: nx.Graph, members: set[str]) -> int:
    """The group and its neighbours: the accounts a member test could have been run on."""
    return len(members | {n for m in members for n in g[m]})


def internal_evidence(g: nx.Graph, nodes: Iterable[str], weight: str = "omega") -> dict[str, float]:
    """Each member's summed evidence towards the other members."""
    members = set(nodes)
    return {n: sum(d[weight] for m, d in g[n].items() if m in members) for n in members}


def peel(g: nx.Graph, nodes: Iterable[str], log_alpha: float, min_size: int = 3,
         weight: str = "omega") -> list[str]:
    """The members whose evidence towards the others is beyond chance: the weakest member is
    removed until every member passes :func:`member_log_p` at ``log_alpha`` (or fewer than
    ``min_size`` are left, and the group is empty)."""
    members = set(nodes)
    strength = internal_evidence(g, members, weight)
    n_candidates = candidates(g, members)
    while len(members) >= min_size:
        weakest = min(members, key=lambda n: (strength[n], n))
        if member_log_p(strength[weakest], len(members), n_candidates) <= log_alpha:
            return sorted(members)
        members.remove(weakest)
        for m, d in g[weakest].items():
            if m in members:
                strength[m] -= d[weight]
    return []


def group_evidence(g: nx.Graph, nodes: Iterable[str], weight: str = "omega") -> float:
    members = set(nodes)
    return float(sum(d[weight] for a, b, d in g.subgraph(members).edges(data=True)))


def grow(g: nx.Graph, core: Iterable[str], log_alpha: float, taken: set[str] | None = None,
         weight: str = "omega") -> list[str]:
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
        best = max(pull, key=lambda n: (pull[n], n))
        if member_log_p(pull[best], len(members) + 1, len(members) + len(pull)) > log_alpha:
            return sorted(members)
        members.add(best)


def prune(g: nx.Graph, log_alpha: float, weight: str = "omega") -> nx.Graph:
    """The subgraph of accounts that could pass a member test in some group: an account whose
    whole evidence falls short of what the smallest group (two partners, three candidates)
    needs can never be a member, so it is removed, and so on until none is (like a k-core).
    The partitioner then works on the few accounts with real evidence."""
    need = 0.0
    while member_log_p(need, 3, 3) > log_alpha:
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
