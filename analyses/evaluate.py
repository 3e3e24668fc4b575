"""Scores of a detection against ground truth: account-level precision, recall, F1, and ARI.

The adjusted Rand index (Hubert & Arabie 1985, "Comparing partitions", *J. Classification* 2)
compares the partition of the planted cells with the clusters found, over the accounts that are
in either (everything else is one "not coordinated" block).

>>> evaluate({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x", "d": "y"})["precision"]
0.6667
"""

from __future__ import annotations

from collections.abc import Mapping
from math import comb
from typing import Any

import pandas as pd


def adjusted_rand_index(labels_true: list[Any], labels_pred: list[Any]) -> float:
    table = pd.crosstab(pd.Series(labels_true, dtype=str), pd.Series(labels_pred, dtype=str))
    sum_cells = sum(comb(int(v), 2) for v in table.to_numpy().ravel())
    sum_rows = sum(comb(int(v), 2) for v in table.sum(axis=1))
    sum_cols = sum(comb(int(v), 2) for v in table.sum(axis=0))
    total = comb(int(table.to_numpy().sum()), 2)
    if total == 0:
        return 1.0
    expected = sum_rows * sum_cols / total
    maximum = (sum_rows + sum_cols) / 2
    if maximum == expected:
        return 1.0
    return (sum_cells - expected) / (maximum - expected)


def evaluate(found: Mapping[str, Any], truth: Mapping[str, Any],
             universe: set[str] | None = None) -> dict[str, float]:
    """``found``: account -> cluster; ``truth``: account -> planted cell."""
    flagged, planted = set(found), set(truth)
    tp = len(flagged & planted)
    precision = tp / len(flagged) if flagged else 0.0
    recall = tp / len(planted) if planted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accounts = sorted(universe or (flagged | planted))
    ari = adjusted_rand_index([truth.get(a, "-") for a in accounts],
                              [found.get(a, "-") for a in accounts])
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "ari": round(ari, 4), "flagged": len(flagged), "planted": len(planted), "tp": tp}
