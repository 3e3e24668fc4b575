"""The caption of one planned post, as its author typed it.

The post's kind (:attr:`samples.state.Incident.renderers`) writes the body and chooses tags,
mentions and sound; :func:`compose` then adds the mentions (at the end for most, in front for
some) and the trailing ``#tags`` (sometimes CamelCased). Tags the body already carries inline
stay where they are.
"""

from __future__ import annotations

from samples.state import Incident
from samples.text import tags_text


def compose(g: Incident, i: int, a: int, t: int, kind: int, u: list[float], wrow: list[int],
            trow: list[int], e: list[int], s_idx: int, r32: int,
            m_idx: int) -> tuple[str, list[str], list[str], int]:
    """(caption, hashtag names, mentioned users, sound) of planned row ``i`` (account ``a``, time
    ``t``, its ``kind``), from the row's pre-drawn random numbers."""
    own = (t << 32) | r32  # the video's original sound
    sound = g.sound_list[s_idx] if u[24] > 0.35 else own
    body, tags, inline, mentions, placed, sound, pretty_p = g.renderers[kind](
        i, a, t, u, wrow, trow, e, sound, own, m_idx)
    names = list(dict.fromkeys(inline + tags))
    tail = [x for x in names if x not in inline]
    caption = body
    if mentions:
        at = " ".join("@" + m for m in mentions)
        caption = (caption + " " + at).strip() if u[56] < 0.7 else (at + " " + caption).strip()
    tag_text = tags_text(tail, pretty_p, u[57])
    if tag_text:
        caption = (caption + " " + tag_text).strip()
    return caption, names, [*placed, *mentions] if placed else mentions, sound
