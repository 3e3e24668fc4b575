"""``ground_truth.json``: the answer key (who is in which cell, which benign class is who)."""

from __future__ import annotations

from typing import Any

from samples import cells, organic
from samples.state import Incident
from samples.window import WINDOW_END, WINDOW_START, iso
from samples.writers.research_api import CAPTION_ONLY_TAGS
from samples.writers.users import USER_INFO_COVERAGE
from samples.writers.videos import DUPLICATE_SHARE


def ground_truth(g: Incident) -> dict[str, Any]:
    """The answer key; also completes ``g.counts`` with the group counts."""
    cell_truth = cells.truth(g)
    benign: dict[str, list[str]] = {}
    details: dict[str, Any] = {}
    descriptions: dict[str, str] = {}
    for la in g.lookalikes:
        benign[la.name], details[la.name] = la.truth()
        descriptions[la.name] = la.description
    benign["challenge_organic"], details["challenge_organic"] = organic.challenge_truth(g)
    descriptions["challenge_organic"] = organic.CHALLENGE_DESCRIPTION
    g.counts.update(accounts=g.n_acc, cells=len(cell_truth),
                    cell_accounts=int(sum(len(c.members) for c in g.cells)),
                    cell_videos=int((g.kind == g.k_cell).sum()))
    return {
        "seed": g.seed, "scale": g.scale, "format": g.fmt,
        "window": {"start": iso(WINDOW_START), "end": iso(WINDOW_END),
                   "start_ts": WINDOW_START, "end_ts": WINDOW_END},
        "challenge_hashtags": g.challenge_tags,
        "cells": cell_truth, "benign": benign, "benign_details": details,
        "benign_descriptions": descriptions,
        "tactic_descriptions": {t: cells.TACTIC_DESCRIPTIONS[t] for t in cells.TACTIC_DESCRIPTIONS
                                if any(t in c["tactics"] for c in cell_truth)},
        "data_quirks": {"caption_only_hashtags": CAPTION_ONLY_TAGS if g.fmt == "research_api" else 0.0, "duplicate_videos": DUPLICATE_SHARE,
                        "user_info_coverage": USER_INFO_COVERAGE,
                        "organic_links": organic.LINK_SHARE},
        "counts": dict(g.counts),
    }
