"""Caption text: organic styles per language, hashtag vocabularies, copy-paste perturbations."""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

import numpy as np

from .clock import LANGS
from .lexicon import EMOJI, HEAD_TAGS, LANG_TAGS, TAIL_SUFFIXES, TOPIC_TAGS, TOPICS
from .phrases import GENERIC, TOPIC_EN


@cache
def tag_vocab(topic: int, lang: int) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Tags of a topic for writers of a language, with a Zipf cumulative distribution."""
    base = TOPIC_TAGS[TOPICS[topic]]
    tail = [f"{b}{s}" for b in base[:6] for s in TAIL_SUFFIXES]
    local = LANG_TAGS.get(LANGS[lang], [])
    vocab = base[:4] + local[:3] + base[4:] + local[3:] + tail
    w = 1.0 / np.arange(1, len(vocab) + 1) ** 1.1
    cdf = np.cumsum(w / w.sum())
    cdf[-1] = 1.0
    return tuple(vocab), tuple(float(x) for x in cdf)


def zipf_tag(topic: int, lang: int, u: float) -> str:
    vocab, cdf = tag_vocab(topic, lang)
    return vocab[min(bisect_right(cdf, u), len(vocab) - 1)]


def head_tags(lang: int, combo: int, u: float) -> list[str]:
    """The account's habitual head tags (#fyp #foryou ...): a fixed subset, sometimes trimmed."""
    bank = HEAD_TAGS[LANGS[lang]]
    chosen = [bank[0]] if combo & 1 or not combo & 0b111110 else []
    chosen += [bank[i] for i in range(1, min(len(bank), 7)) if combo >> i & 1]
    if len(chosen) > 4:
        chosen = chosen[:4]
    if u < 0.3 and len(chosen) > 1:
        chosen = chosen[: 1 + int(u * 10) % len(chosen)]
    return chosen or [bank[0]]


def hashtag_text(tags: list[str] | tuple[str, ...], case: int) -> str:
    if case == 1:
        return " ".join("#" + t.upper() for t in tags)
    if case == 2:
        return " ".join("#" + (t[:1].upper() + t[1:]) for t in tags)
    return " ".join("#" + t for t in tags)


def phrase(lang: int, topic: int, u: float) -> str:
    code = LANGS[lang]
    if code == "en" and u < 0.45:
        bank = TOPIC_EN[TOPICS[topic]]
        return bank[int(u / 0.45 * len(bank)) % len(bank)]
    bank = GENERIC[code]
    return bank[int(u * 997) % len(bank)]


def emoji(u: float, k: int = 1) -> str:
    i = int(u * 10007)
    return "".join(EMOJI[(i + 7 * j) % len(EMOJI)] for j in range(k))


def organic_caption(style: int, lang: int, topic: int, tags: list[str], mentions: list[str],
                    u: np.ndarray, meme: str | None = None) -> str:
    """One caption. ``u`` holds 6 uniform numbers for this post."""
    case = 1 if u[3] < 0.04 else 2 if u[3] < 0.12 else 0
    tag_txt = hashtag_text(tags, case)
    text = meme if meme else phrase(lang, topic, u[0])
    if style == 1:          # tags only
        text = ""
    elif style == 2:
        text = f"{text} {emoji(u[1], 1 + int(u[2] * 3))}"
    elif style == 3:
        text = text.capitalize() + ("!" if u[2] < 0.3 else "")
    elif style == 4:        # emoji only
        text = emoji(u[1], 1 + int(u[2] * 4))
    elif style == 5:        # story
        stop = " " if text[-1:] in "?!.)" else ". "
        text = f"{text}{stop}{phrase(lang, topic, u[4]).capitalize()} {emoji(u[1])}"
    elif style == 6:
        text = text.upper() if u[2] < 0.5 else text
    elif style == 7 and u[2] < 0.35:
        return ""           # no caption at all (and so no tags)
    if mentions:
        m = " ".join("@" + x for x in mentions)
        text = f"{text} {m}" if u[5] < 0.6 else f"{m} {text}"
    if not tags:
        return text.strip()
    if u[4] < 0.12 and text:
        return f"{tag_txt} {text}".strip()
    return f"{text} {tag_txt}".strip()


def perturb(text: str, rng: np.random.Generator, strength: float = 1.0) -> str:
    """A near copy: what a copy-paste job (or a template with light edits) looks like."""
    out = text
    r = rng.random(6)
    if r[0] < 0.3 * strength:
        out = out[:1].upper() + out[1:] if out[:1].islower() else out[:1].lower() + out[1:]
    if r[1] < 0.35 * strength:
        out = out + " " + EMOJI[int(rng.integers(len(EMOJI)))]
    if r[2] < 0.2 * strength:
        out = out.replace("!", "!!", 1) if "!" in out else out + "!"
    if r[3] < 0.15 * strength and len(out) > 12:
        i = int(rng.integers(2, len(out) - 3))
        if out[i].isalpha() and out[i + 1].isalpha():
            out = out[:i] + out[i + 1] + out[i] + out[i + 2:]
    if r[4] < 0.12 * strength:
        out = pick_prefix(rng) + out
    if r[5] < 0.1 * strength:
        out = out.replace(" ", "  ", 1)
    return out


def pick_prefix(rng: np.random.Generator) -> str:
    return ["👇 ", "repost: ", "‼️ ", "pls share ", "📢 ", "read this: "][int(rng.integers(6))]
