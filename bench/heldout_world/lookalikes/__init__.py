"""Benign look-alikes: crowds that post the same things at the same moments for honest reasons.

Each module has ``NAME``, ``DESCRIPTION``, ``setup(ctx, rng) -> dict`` (members chosen, handles
set, ``state["members"]``) and ``build(ctx, state, rng) -> PostBatch``. All setups run before any
build, so every handle is final before a caption names it.
"""

from __future__ import annotations

from . import (
    fan_base,
    fandom_party,
    friend_groups,
    giveaways,
    news_desks,
    scheduler_tools,
    timezone_clock,
    tv_moments,
)

CLASSES = [tv_moments, timezone_clock, fan_base, news_desks, friend_groups, scheduler_tools,
           giveaways, fandom_party]
