"""How a cluster differs from the crowd around it, in words an investigator can repeat.

A cluster's *occasions* are the moments its members met (their meetings grouped in time, as in
:mod:`analyses.occasions`). For the objects they met on, the crowd is every other account that
acted on the same object around the same moments. A cell stands out because the same accounts
are there every time and few others are; a crowd because many others are, different ones each
time. The sentence a lead takes away:

    "In these 7 occasions 2,300 other accounts also posted #x; only 12 of the 15 members posted
    together in at least 5 of them (8 every time)."

The *exclusivity* of an object's occasions is the members' share of everyone who acted on it
then. A group that is only ever a small part of larger crowds, on every object it shares, is a
part of the crowd (some of a club's supporters, posting on every goal), not a cell:
:func:`crowd_embedded` says so.

>>> import pandas as pd
>>> acts = pd.DataFrame({"account_id": ["a", "b", "a", "b", "z"], "object_type": "hashtag",
...                      "object_id": "camp", "content_id": ["1", "2", "3", "4", "5"],
...                      "timestamp": [0, 10, 9000, 9010, 9020]})
>>> ev = pd.DataFrame({"account_id": ["a", "a"], "account_id_y": ["b", "b"],
...                    "object_type": "hashtag", "object_id": "camp", "timestamp": [0, 9000],
...                    "timestamp_y": [10, 9010]})
>>> crowd_contrast(acts, ["a", "b"], ev, window=60)[0]["text"]
'In these 2 occasions 1 other account also posted #camp; 2 of the 2 members posted together in at least 2 of them.'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

_PREFIX = {"hashtag": "#", "mention": "@"}


def label(object_type: str, object_id: str) -> str:
    """How an object is named in a sentence (``#tag``, ``@account``, ``sound 123``)."""
    if object_type in _PREFIX:
        return _PREFIX[object_type] + str(object_id).split(":", 1)[-1]
    if object_type == "caption":
        return "the same caption"
    return f"{object_type} {object_id}"


def crowd_contrast(actions: pd.DataFrame, members: list[str], evidence: pd.DataFrame,
                   window: int = 300, gap: int = 3600, top: int = 3) -> list[dict[str, Any]]:
    """For the ``top`` objects a cluster met on most often: its occasions on the object, the
    other accounts that acted on it around those occasions, and how many members were there
    every time. ``evidence``: the cluster's meeting rows (``account_id, account_id_y,
    object_type, object_id, timestamp, timestamp_y``)."""
    if evidence.empty:
        return []
    member_set = set(members)
    out = []
    counts = evidence.groupby(["object_type", "object_id"]).size().sort_values(ascending=False)
    for object_type, object_id in counts.index[:top]:
        ev = evidence[(evidence["object_type"] == object_type) & (evidence["object_id"] == object_id)]
        times = np.sort(np.concatenate([ev["timestamp"].to_numpy(), ev["timestamp_y"].to_numpy()]))
        starts = np.r_[True, np.diff(times) > gap]
        occ_id = np.cumsum(starts) - 1
        lo = pd.Series(times).groupby(occ_id).min().to_numpy() - window
        hi = pd.Series(times).groupby(occ_id).max().to_numpy() + window
        acts = actions[(actions["object_type"] == object_type)
                       & (actions["object_id"].astype(str) == str(object_id))]
        t = acts["timestamp"].to_numpy()
        inside = np.zeros(len(acts), dtype=np.int64) - 1
        for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
            inside[(t >= a) & (t <= b)] = i
        present = acts[inside >= 0].assign(occasion=inside[inside >= 0])
        others = present.loc[~present["account_id"].isin(member_set), "account_id"].nunique()
        per_member = present[present["account_id"].isin(member_set)].groupby("account_id")["occasion"].nunique()
        n_occ = len(lo)
        at_least = max(2, int(np.ceil(0.6 * n_occ)))
        every = int((per_member == n_occ).sum())
        most = int((per_member >= at_least).sum())
        name = label(object_type, object_id)
        text = (f"In these {n_occ} occasions {others:,} other account{'s' if others != 1 else ''} "
                f"also posted {name}; {'only ' if others > most else ''}{most} of the "
                f"{len(member_set)} members posted together in at least {at_least} of them")
        if 0 < every < most:
            text += f" ({every} every time)"
        there = int(len(per_member))
        out.append({"object_type": object_type, "object_id": str(object_id), "label": name,
                    "occasions": int(n_occ), "others": int(others), "members": there,
                    "members_every_time": every, "members_most_times": most,
                    "exclusivity": round(there / max(there + others, 1), 4), "text": text + "."})
    return out


def crowd_embedded(contrast: list[dict[str, Any]], log10_p: float | None = None,
                   size: int | None = None, min_exclusivity: float = 0.5,
                   shared_exclusivity: float = 0.8, min_evidence_per_member: float = 0.75,
                   judged_occasions: int = 3, weakest_exclusivity: float = 0.9) -> bool:
    """Whether a cluster is part of the crowd it meets in rather than a cell inside it.

    On its main objects shared on two occasions or more (one moment decides nothing):

    * its members never make up ``min_exclusivity`` of those who acted then: it is only ever a
      small part of larger crowds; or
    * they never make up ``shared_exclusivity`` of them and the group is barely beyond chance
      for its size: less than ``min_evidence_per_member`` orders of magnitude (``log10_p``,
      scan-corrected) per member. A crowd with a common cause (a match, a show) makes every
      pair of its regulars slightly dependent, and a large group of them adds up to a
      significant total; a cell's members each bring strong evidence. For such a weak group
      only the objects shared on ``judged_occasions`` occasions or more vouch for it, when it
      has any: the tag of one match, used in its two halves, is two occasions of one moment,
      while the league's tag it shares every match day says whose crowd it is. The weaker the
      group, the more of its crowd it must be: ``shared_exclusivity`` at
      ``min_evidence_per_member``, rising to ``weakest_exclusivity`` as the evidence per member
      goes to none.

    >>> shared = [{"occasions": 4, "exclusivity": 0.64}]
    >>> crowd_embedded(shared, log10_p=-15.6, size=93), crowd_embedded(shared, -60.0, 24)
    (True, False)
    >>> match = [{"occasions": 2, "exclusivity": 0.87}, {"occasions": 6, "exclusivity": 0.63}]
    >>> crowd_embedded(match, log10_p=-14.8, size=42), crowd_embedded(match, -90.0, 42)
    (True, False)
    """
    repeated = [c for c in contrast if c["occasions"] >= 2]
    if not repeated:  # its "others" may be the rest of the cell
        return False
    if max(c["exclusivity"] for c in repeated) < min_exclusivity:
        return True
    if log10_p is None or not size:
        return False
    per_member = -log10_p / size
    if per_member >= min_evidence_per_member:
        return False
    judged = [c for c in repeated if c["occasions"] >= judged_occasions] or repeated
    best = max(c["exclusivity"] for c in judged)
    # the weaker the group, the more of its crowd it must be
    needed = shared_exclusivity + (weakest_exclusivity - shared_exclusivity) * (
        1.0 - per_member / min_evidence_per_member)
    return bool(best < needed)
