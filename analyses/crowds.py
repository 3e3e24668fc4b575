"""Crowds: how many other accounts acted on the same object around the same moment.

Two accounts that post ``#goal`` in the minute a goal is scored have met inside a crowd of
thousands; two that post a rare campaign tag within a minute of each other, eight times in a
week, with hardly anyone else around, have not. This module measures the crowd around every
action, which the chance model (:mod:`analyses.chance`) uses to say how much a meeting proves.

For an action of account ``i`` on object ``o`` at time ``t`` and a half-width ``w``:

``crowd_w``
    other accounts' actions on ``o`` in ``[t - w, t + w]`` (actions, not distinct accounts: an
    account rarely acts twice on one object within minutes, and counting is one sort plus two
    binary searches per row);
``share_w = crowd_w / others(o)``
    the share of everything the other accounts ever did on ``o`` that happened in that interval:
    the *local intensity* of the object, the inhomogeneous-in-time part of the chance model;
``publicness(crowd_w)``
    how likely the crowd is a *public* one (a televised moment, a clock, a viral minute) rather
    than a private group: ``c^h / (c^h + c_pub^h)`` with ``c_pub = crowd_scale * sqrt(N)`` and
    ``h`` = 12 (at 0.6 ``c_pub`` a crowd is private, at 1.5 ``c_pub`` public)
    (``N`` accounts in the incident). Private groups (cells of 3 to a few hundred) do not grow
    with the incident; public crowds grow with the audience, so the crossover sits between
    them and grows like the square root of the incident (``crowd_scale`` 2.2: 100 accounts in a
    2,000-account incident, about 1,000 in a 200,000-account one).

The weighting of popular actions follows the idea of Fraudar (Hooi et al. 2016, "FRAUDAR:
Bounding graph fraud in the face of camouflage", KDD), where an edge to a popular column counts
less, applied here to an object *at a moment* rather than to the object overall, as SynchroTrap
(Cao et al. 2014, "Uncovering large groups of active malicious accounts in online social
networks", CCS) matches actions on an object within a time window.

>>> import numpy as np
>>> obj = np.array([0, 0, 0, 0, 1]); acc = np.array([1, 2, 3, 1, 4])
>>> t = np.array([0, 10, 20, 5000, 0])
>>> others_in_window(obj, acc, t, 60).tolist()
[2, 2, 2, 0, 0]
"""

from __future__ import annotations

import numpy as np


def window_counts(group: np.ndarray, t: np.ndarray, window: int) -> np.ndarray:
    """Per row: rows with the same ``group`` code and ``|t' - t| <= window`` (the row included)."""
    n = len(t)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    g = np.asarray(group, dtype=np.int64)
    tt = np.asarray(t, dtype=np.int64)
    tmin = int(tt.min())
    span = int(tt.max()) - tmin + 2 * int(window) + 1
    if (int(g.max()) + 1) * span >= 2**62:  # keep the packed key inside int64
        _, g = np.unique(g, return_inverse=True)
        g = g.astype(np.int64)
    key = g * span + (tt - tmin + window)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    lo = np.searchsorted(ks, ks - window, side="left")
    hi = np.searchsorted(ks, ks + window, side="right")
    out = np.empty(n, dtype=np.int64)
    out[order] = hi - lo
    return out


def others_in_window(obj: np.ndarray, acc: np.ndarray, t: np.ndarray, window: int) -> np.ndarray:
    """Per action: other accounts' actions on the same object within ``window`` seconds."""
    obj = np.asarray(obj, dtype=np.int64)
    acc_obj = obj * (int(np.asarray(acc).max()) + 1 if len(acc) else 1) + np.asarray(acc, np.int64)
    return window_counts(obj, t, window) - window_counts(acc_obj, t, window)


def publicness(crowd: np.ndarray, n_accounts: int, crowd_scale: float = 2.2,
               sharpness: float = 12.0) -> np.ndarray:
    """How likely a crowd of this size is public (0: a private group, 1: a public crowd).

    >>> publicness(np.array([10, 50, 100, 200, 1000]), 2_000).round(3).tolist()
    [0.0, 0.0, 0.549, 1.0, 1.0]
    """
    c_pub = crowd_scale * np.sqrt(max(n_accounts, 1))
    c = np.asarray(crowd, dtype=np.float64)
    return c**sharpness / (c**sharpness + c_pub**sharpness)


def public_crowd_size(n_accounts: int, crowd_scale: float = 2.2) -> float:
    """``c_pub``: the crowd size at which a crowd is as likely public as private."""
    return float(crowd_scale * np.sqrt(max(n_accounts, 1)))
