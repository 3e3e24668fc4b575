"""Coordinated cells, the positives: groups of accounts that post a campaign in waves.

A cell is run by one operator: waves at hours the operator is awake; in each wave the core
members post within the cell's spread with the wave's campaign tags, sound and caption template,
copied verbatim or lightly edited. Cells differ by their tactics (:data:`TACTIC_DESCRIPTIONS`):
rhythm (burst, staggered, slow), membership (regular, sparse-large, small), rotating hashtags,
distinct captions, look-alike usernames, camouflage; and by participation, sound use, bios and
follow density. Every signal a cell carries also occurs in the benign data, so a detector has to
combine repetition, timing and content, not one constant.

:mod:`~samples.cells.build` sets cells up, :mod:`~samples.cells.waves` plans and writes their
posts, :mod:`~samples.cells.users` gives their user data and answer key.
"""

from samples.cells.build import build, display_stems, draw_sizes, place_regions
from samples.cells.model import TACTIC_DESCRIPTIONS, Cell
from samples.cells.users import audience, follows, pick_sisters, profile, reposts, truth
from samples.cells.waves import camouflage, plan, render

__all__ = ["TACTIC_DESCRIPTIONS", "Cell", "audience", "build", "camouflage", "display_stems", "draw_sizes",
           "follows", "pick_sisters", "place_regions", "plan", "profile", "render", "reposts", "truth"]
