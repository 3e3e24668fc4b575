"""Crowds on an external clock: football match days (goals!) and a TV show's live episodes.

Viewers post within a minute or two of a moment on screen (their feed's latency differs: cable,
stream), with the match tags, the players' names, the stadium chant; clubs' official accounts post
the goal clip and viewers duet it. The same viewers come back match after match, partly.
"""

from __future__ import annotations

import numpy as np

from ..accounts import ROLE_BENIGN
from ..captions import hashtag_text, head_tags
from ..clock import COUNTRY_CODES
from ..context import Ctx
from ..phrases import DUET_PREFIX
from ..posts import KIND_DUET, KIND_STITCH, BatchBuilder, PostBatch
from ..sounds import original_sound_id
from ..util import pick, picks

NAME = "tv_moments"
DESCRIPTION = ("viewers of televised football matches and a live TV show posting the same tags "
               "within minutes of each goal, kickoff, final whistle or elimination, match after match")

_CLUBS = [("Redhill United", "rhu"), ("Marlow City", "mci"), ("Port Vale Athletic", "pva"),
          ("Castleford Rovers", "cro"), ("Estrela do Norte", "edn"), ("Real Valdemar", "rva"),
          ("Atlético Sierra", "asi"), ("FC Lindenau", "fcl"), ("Olympique Varenne", "olv"),
          ("Galata Spor", "gsp")]
_PLAYERS = ["okafor", "delgado", "mbeki", "lindqvist", "saraiva", "moreno", "keane", "yamada",
            "benali", "fischer", "costa", "adebayo", "ruiz", "martel"]
_GOAL = {"en": ["GOAAAAL", "WHAT A GOAL", "no way 😭", "GET IN", "unreal finish", "SCENES",
                "he's done it again", "what a strike", "LETS GOOOO"],
         "es": ["GOOOOOL", "QUÉ GOLAZO", "no puede ser", "VAMOOOS", "golazo 🔥"],
         "pt": ["GOOOOOL", "QUE GOLAÇO", "não acredito", "VAMOOO", "golaço 🔥"]}
_KICKOFF = {"en": ["here we go", "matchday", "come on lads", "we ball"],
            "es": ["vamos", "día de partido", "a ganar"], "pt": ["bora", "dia de jogo", "vamos time"]}
_FULLTIME = {"en": ["WHAT A GAME", "3 points", "i'm shaking", "we go again", "robbed"],
             "es": ["QUÉ PARTIDO", "3 puntos", "nos robaron"], "pt": ["QUE JOGO", "3 pontos", "roubado"]}
_SHOW = {"en": ["I KNEW IT", "nooo not her 😭", "the producers did this", "justice for them",
                "screaming", "best episode ever", "i can't with this show"],
         "es": ["LO SABÍA", "nooo ella no 😭", "qué episodio"],
         "pt": ["EU SABIA", "nãooo ela não 😭", "que episódio"]}


def setup(ctx: Ctx, rng: np.random.Generator) -> dict:
    acc = ctx.acc
    size = max(120, int(0.03 * len(acc)))
    home = pick(rng, ["GB", "ES", "BR", "MX", "GB"])
    hc = COUNTRY_CODES.index(home)
    others = [COUNTRY_CODES.index(c) for c in ("NG", "US", "ID", "GB", "ES", "BR") if c != home]
    n_home = int(size * 0.6)
    pool_home = acc.free(acc.country == hc)
    pool_other = acc.free(np.isin(acc.country, others))
    fans = np.concatenate([rng.choice(pool_home, min(n_home, len(pool_home)), replace=False),
                           rng.choice(pool_other, min(size - n_home, len(pool_other)),
                                      replace=False)])
    show_country = pick(rng, ["US", "GB", "BR", "MX"])
    pool_show = acc.free((acc.country == COUNTRY_CODES.index(show_country)) & ~np.isin(
        np.arange(len(acc)), fans))
    show_fans = rng.choice(pool_show, min(len(pool_show), max(60, size // 3)), replace=False)
    clubs = picks(rng, _CLUBS, 4)
    officials = acc.free(~np.isin(np.arange(len(acc)), np.concatenate([fans, show_fans])))
    officials = rng.choice(officials, 4, replace=False)
    for o, (club, _abbr) in zip(officials, clubs, strict=True):
        acc.rename(int(o), club.lower().replace(" ", "").replace("é", "e") + pick(rng, ["", "fc", "official"]),
                   club)
        acc.verified[o] = True
        acc.followers[o] = int(rng.integers(300_000, 3_000_000))
    members = np.concatenate([fans, show_fans, officials])
    acc.assign(members, ROLE_BENIGN, 0)
    return {"members": members, "fans": fans, "show_fans": show_fans, "officials": officials,
            "clubs": clubs, "home": home, "show_country": show_country,
            "team": rng.integers(0, 4, len(fans)),
            "loyal": np.where(rng.random(len(fans)) < 0.12, rng.uniform(0.75, 0.95, len(fans)),
                              rng.beta(1.3, 2.6, len(fans))),
            "latency": rng.choice([5, 35, 60], len(fans), p=[0.45, 0.35, 0.2])}


def _lang(ctx: Ctx, a: int) -> str:
    code = ctx.acc.lang_code(a)
    return code if code in ("en", "es", "pt") else "en"


def build(ctx: Ctx, st: dict, rng: np.random.Generator) -> PostBatch:
    clock, acc = ctx.clock, ctx.acc
    out = BatchBuilder(NAME)
    zone = {"GB": "Europe/London", "ES": "Europe/Madrid", "BR": "America/Sao_Paulo",
            "MX": "America/Mexico_City"}[st["home"]]
    comp = pick(rng, ["superliga", "premierdivision", "copadooeste", "ligamaster"])
    year = str(np.datetime64(clock.start_ts, "s").astype("datetime64[Y]"))[2:4]
    chants = [int(original_sound_id(rng, np.array([clock.start_ts - 86400 * 400]))[0]) for _ in range(4)]
    for i, snd in enumerate(chants):
        ctx.sounds.register(snd, f"{st['clubs'][i][0]} chant (stadium)", st["clubs"][i][0])
    days = ctx.clock.local_days(zone)
    match_days = sorted(set(int(x) for x in rng.choice(np.arange(1, len(days) - 1),
                                                      size=max(2, len(days) // 4), replace=False)))
    events = []
    for k, d in enumerate(match_days):
        home_i, away_i = (k % 2, 2 + (k // 2) % 2) if k % 3 else (k % 4, (k + 1) % 4)
        kick = clock.at_local(zone, days[d], pick(rng, [15, 17, 20]), pick(rng, [0, 30, 45]))
        if kick is None:
            continue
        goals = max(int(rng.poisson(2.6)), 2 if k == 0 else 0)
        minutes = np.sort(rng.integers(1, 94, goals))
        moments = [("kickoff", kick, -1)]
        for m in minutes:
            t = kick + int(m) * 60 + (15 * 60 if m > 45 else 0) + int(rng.integers(0, 50))
            moments.append(("goal", t, int(home_i if rng.random() < 0.55 else away_i)))
        moments.append(("fulltime", kick + 112 * 60 + int(rng.integers(0, 240)), -1))
        events.append((home_i, away_i, moments))
    fans, team, loyal, lat = st["fans"], st["team"], st["loyal"], st["latency"]
    for home_i, away_i, moments in events:
        abbr = f"{st['clubs'][home_i][1]}{st['clubs'][away_i][1]}".upper()
        plays = (team == home_i) | (team == away_i)
        watch = rng.random(len(fans)) < np.where(plays, loyal, loyal * 0.35)
        for kind, t, scorer_team in moments:
            if t >= clock.end_ts - 600:
                continue
            clip = -1
            if kind == "goal":
                scorer = pick(rng, _PLAYERS)
                off = st["officials"][scorer_team]
                clip = out.add(t + int(rng.integers(60, 200)), int(off),
                               f"{scorer.upper()}!!! ⚽ {hashtag_text([abbr, comp, scorer], 0)}",
                               (abbr, comp, scorer), (), int(original_sound_id(rng, np.array([t]))[0]),
                               int(off), ctx.reach(rng, int(off), 1.0))
            base_p = {"kickoff": 0.12, "goal": 0.42, "fulltime": 0.25}[kind]
            for j in np.flatnonzero(watch):
                mine = kind == "goal" and team[j] == scorer_team
                if rng.random() > base_p * (1.6 if mine else 0.8) * np.sqrt(loyal[j]):
                    continue
                a = int(fans[j])
                lg = _lang(ctx, a)
                ts = t + int(lat[j] + rng.lognormal(np.log(70), 0.75))
                bank = {"kickoff": _KICKOFF, "goal": _GOAL, "fulltime": _FULLTIME}[kind][lg]
                tags = [abbr] + ([comp + year] if rng.random() < 0.5 else [comp])
                if kind == "goal":
                    tags += [scorer] if rng.random() < 0.5 else []
                    tags += ["goal"] if rng.random() < 0.4 else []
                tags += [st["clubs"][team[j]][1] + "fc"] if rng.random() < 0.3 else []
                if rng.random() < acc.p_head[a] * 0.6:
                    tags += head_tags(int(acc.lang[a]), int(acc.head_combo[a]), rng.random())
                text = pick(rng, bank) + (" " + pick(rng, ["😭", "🔥", "⚽", "😤", "🙌"]) if rng.random() < 0.5 else "")
                snd, owner = ctx.own_sound(rng, a, ts)
                if rng.random() < 0.3:
                    snd, owner = chants[int(team[j])], -1
                dk, host = 0, -1
                if clip >= 0 and rng.random() < 0.12:
                    dk = KIND_DUET if rng.random() < 0.5 else KIND_STITCH
                    host = clip
                    ts = max(ts, out.rows[clip][0] + int(rng.integers(30, 400)))
                    text = DUET_PREFIX["duet" if dk == KIND_DUET else "stitch"].format(
                        acc.username[out.rows[clip][1]]) + " " + text
                    tags = ["duet" if dk == KIND_DUET else "stitch"] + tags
                    if dk == KIND_DUET:
                        snd, owner = out.rows[clip][5], out.rows[clip][6]
                ment = (acc.username[out.rows[clip][1]],) if host >= 0 else ()
                out.add(ts, a, f"{text} {hashtag_text(tags, 1 if rng.random() < 0.08 else 0)}",
                        tags, ment, snd, owner, ctx.reach(rng, a), host, dk)
    _show(ctx, st, rng, out)
    return out.build()


def _show(ctx: Ctx, st: dict, rng: np.random.Generator, out: BatchBuilder) -> None:
    """A weekly live show: the same night, same hour, a few big moments per episode."""
    clock, acc = ctx.clock, ctx.acc
    zone = {"US": "America/New_York", "GB": "Europe/London", "BR": "America/Sao_Paulo",
            "MX": "America/Mexico_City"}[st["show_country"]]
    name = pick(rng, ["islandhearts", "thebigvote", "starsearchlive", "lovevilla", "casadosonhos"])
    weekday = int(rng.integers(0, 7))
    fans = st["show_fans"]
    loyal = rng.beta(2.0, 2.0, len(fans))
    for day in clock.local_days(zone):
        if day.weekday() not in (weekday, (weekday + 3) % 7):
            continue
        start = clock.at_local(zone, day, 21, 0)
        if start is None or start > clock.end_ts - 7200:
            continue
        moments = sorted(start + int(x) for x in rng.integers(300, 3500, int(rng.integers(2, 5))))
        watch = rng.random(len(fans)) < loyal
        for t in moments:
            for j in np.flatnonzero(watch & (rng.random(len(fans)) < 0.35)):
                a = int(fans[j])
                ts = t + int(rng.lognormal(np.log(80), 0.8))
                tags = [name] + (["realitytv"] if rng.random() < 0.3 else []) + (
                    [f"{name}live"] if rng.random() < 0.3 else [])
                if rng.random() < acc.p_head[a] * 0.5:
                    tags += head_tags(int(acc.lang[a]), int(acc.head_combo[a]), rng.random())
                snd, owner = ctx.own_sound(rng, a, ts)
                out.add(ts, a, f"{pick(rng, _SHOW[_lang(ctx, a)])} {hashtag_text(tags, 0)}", tags,
                        (), snd, owner, ctx.reach(rng, a))
