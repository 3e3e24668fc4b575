"""Sample incidents: a simulator of one week on a short-video platform, with a known answer.

``generate_incident(out_dir, seed, scale, fmt=...)`` writes an organic background, a harmful
challenge hashtag spreading along an S-curve, planted coordinated cells (the positives, with
varied tactics) and benign look-alikes (innocent groups whose traces resemble coordination) in the
TikTok Research API format (or the videos as a Zeeschuimer capture), plus ``ground_truth.json``
saying who is who. ``docs/generator.md`` describes the model.

Layout: :mod:`samples.vocab` (text banks), :mod:`samples.rhythm` (accounts, regions, daily
rhythms), :mod:`samples.organic` (background and challenge), :mod:`samples.cells` (the
positives), :mod:`samples.lookalikes` (one module per benign class), :mod:`samples.engagement`,
:mod:`samples.social` (follows, reposts), :mod:`samples.captions`, :mod:`samples.writers` (one
module per format or file family), :mod:`samples.plan` and :mod:`samples.generator`
(orchestration), :mod:`samples.ground_truth`.
"""

from samples.generator import generate_incident
from samples.state import FORMATS
from samples.window import (
    ACCOUNTS_PER_SCALE,
    MIN_SCALE,
    VIDEOS_PER_SCALE,
    WINDOW_DAYS,
    WINDOW_END,
    WINDOW_SECONDS,
    WINDOW_START,
)
from samples.writers.videos import MAX_LINES_PER_FILE

__all__ = ["ACCOUNTS_PER_SCALE", "FORMATS", "MAX_LINES_PER_FILE", "MIN_SCALE", "VIDEOS_PER_SCALE", "WINDOW_DAYS",
           "WINDOW_END", "WINDOW_SECONDS", "WINDOW_START", "generate_incident"]
