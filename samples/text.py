"""Caption craft shared by the model: everyday captions, template edits, tag spelling.

Every function is pure: it turns pre-drawn randomness (a row of uniforms ``u``, word ranks
``wrow``, emoji picks ``e``) into text, so a caption depends only on its row's random numbers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from samples.vocab import (
    CAPTION_PATTERNS,
    EMOJIS,
    OPENERS,
    ORGANIC_WORDS,
    SHORT_CAPTIONS,
    SLOTS,
    SYNONYMS,
)

if TYPE_CHECKING:
    from samples.state import Incident

TAG_RE = re.compile(r"#(\w+)")
PATTERNS = [[(k % 2 == 1, x) for k, x in enumerate(re.split(r"[{}]", p)) if x] for p in CAPTION_PATTERNS]


def pretty(tag: str) -> str:
    """A CamelCase-ish spelling of a tag, as people type special tags ("#SkyfallChallenge")."""
    for word in ("challenge", "tour", "final", "live", "gang", "squad", "fam", "army", "club"):
        i = tag.find(word)
        if i > 0:
            return tag[:i].capitalize() + word.capitalize() + tag[i + len(word):]
    return tag.capitalize()


def caption_tags(caption: str) -> list[str]:
    """Hashtags as a reader finds them in a caption ("#Tag!!" is the tag "tag")."""
    return list(dict.fromkeys(t.lower() for t in TAG_RE.findall(caption)))


def pick_head(g: Incident, u: list[float], factor: float = 1.0) -> list[str]:
    """The everyday head tags (#fyp, #foryou, ...) a post carries, each by its own share."""
    if factor == 1.0:
        return [t for t, p, x in zip(g.head_tags, g.head_p, u[9:18], strict=False) if x < p]
    return [t for t, p, x in zip(g.head_tags, g.head_p, u[9:18], strict=False) if x < p * factor]


def tags_text(tags: list[str], pretty_p: float, u: float) -> str:
    """The caption's trailing ``#tag #tag`` text, CamelCased with probability ``pretty_p``."""
    if not tags:
        return ""
    if u < pretty_p:
        return " ".join("#" + pretty(t) for t in tags)
    return " ".join("#" + t for t in tags)


def organic_body(wrow: list[int], u: list[float], e: list[int]) -> str:
    """An everyday caption: a slot pattern (or a few loose words), emojis, varied casing."""
    r = u[0]
    if r < 0.12:
        return ""
    if r < 0.2:
        return SHORT_CAPTIONS[int(u[1] * len(SHORT_CAPTIONS))]
    pattern = PATTERNS[int(u[2] * len(PATTERNS))]
    parts = []
    for j, (is_slot, val) in enumerate(pattern):
        if not is_slot:
            parts.append(val)
        elif val == "words":
            parts.append(" ".join(ORGANIC_WORDS[x] for x in wrow[6:8 + int(u[7] * 6)]))
        elif val == "emoji":
            parts.append(EMOJIS[e[3]])
        elif val == "n":
            parts.append(str(1 + int(u[5] * 30)))
        else:
            lst = SLOTS[val]
            parts.append(lst[wrow[j] % len(lst)])
    words = "".join(parts)
    if u[3] < 0.2:
        op = OPENERS[int(u[4] * len(OPENERS))].replace("{n}", str(1 + int(u[5] * 30)))
        words = op + " " + words
    if u[6] < 0.55:
        words += " " + EMOJIS[e[0]] * (1 + int(u[7] * 2.5))
    if u[8] < 0.12:
        words = words.capitalize()
    elif u[8] < 0.16:
        words = words.upper()
    return words


def edit_template(tpl: str, u: list[float], e: list[int], emojis: list[str], n: int,
                  challenge: str) -> tuple[str, bool]:
    """A small edit of a campaign template: synonyms, emoji, a dropped word, punctuation, casing.

    ``{ch}`` becomes the challenge tag inline, ``{e}`` one of the cell's ``emojis`` (sometimes
    another, doubled or dropped), ``{n}`` the number ``n``. Returns (text, has the inline tag).
    """
    words = tpl.split(" ")
    out = []
    inline = False
    for j, wd in enumerate(words):
        x = u[(j * 3) % 24]
        if wd == "{ch}":
            inline = True
            out.append("#" + (pretty(challenge) if x < 0.3 else challenge))
        elif wd == "{e}":
            if x < 0.15:
                continue
            em = emojis[int(u[(j + 5) % 24] * 3)] if u[(j + 7) % 24] < 0.75 else EMOJIS[e[1]]
            out.append(em * (1 + (u[(j + 11) % 24] < 0.25)))
        elif wd == "{n}":
            out.append(str(n))
        elif wd in SYNONYMS and x < 0.3:
            syn = SYNONYMS[wd]
            out.append(syn[int(u[(j + 2) % 24] * len(syn))])
        elif x > 0.97 and j > 1:
            continue  # a dropped word
        else:
            out.append(wd)
    text = " ".join(out)
    c = u[4]
    if c < 0.12:
        text = text.upper()
    elif c < 0.3:
        text = text.lower()
    elif c < 0.38:
        text = text[:1].upper() + text[1:]
    p = u[5]
    if p < 0.15:
        text = text.replace("!!", "!").replace("...", "")
    elif p < 0.3:
        text = text + "!!"
    elif p < 0.36:
        text = text + " ..."
    return text, inline


def organic_tags(g: Incident, a: int, u: list[float], trow: list[int]) -> list[str]:
    """An everyday post's tags: head tags, then 0-4 topic tags (mostly the account's interests)."""
    tags = pick_head(g, u)
    r = u[18]
    k = 0 if r < 0.25 else 1 if r < 0.55 else 2 if r < 0.8 else 3 if r < 0.92 else 4
    for j in range(k):
        idx = g.interests[a, j % 3] if u[19 + j] < 0.55 else trow[j]
        tag = g.vocab[idx]
        if tag not in tags:
            tags.append(tag)
    if len(tags) > 1 and u[23] < 0.5:  # tail tags first for half of the posters
        tags = tags[len(tags) // 2:] + tags[:len(tags) // 2]
    return tags
