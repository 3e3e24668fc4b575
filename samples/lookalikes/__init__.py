"""Benign look-alikes: innocent groups whose traces resemble coordination (the hard negatives).

One module per class; :data:`CLASSES` lists them in the order the planner calls them. A new
class is one module with a :class:`~samples.lookalikes.base.Lookalike` subclass, plus its line
here.
"""

from __future__ import annotations

from samples.lookalikes.base import Lookalike
from samples.lookalikes.event_burst import EventBurst
from samples.lookalikes.fan_base import FanBase
from samples.lookalikes.fan_community import FanCommunity
from samples.lookalikes.friend_groups import FriendGroups
from samples.lookalikes.meme_copiers import MemeCopiers
from samples.lookalikes.news_accounts import NewsAccounts
from samples.lookalikes.news_desks import NewsDesks
from samples.lookalikes.timezone_clock import TimezoneClock
from samples.lookalikes.tv_moments import TvMoments

# Classes that make news (event results, match results) come before the outlets that report it.
CLASSES: list[type[Lookalike]] = [EventBurst, TvMoments, TimezoneClock, FanCommunity, FanBase,
                                   MemeCopiers, FriendGroups, NewsAccounts, NewsDesks]

__all__ = ["CLASSES", "Lookalike"]
