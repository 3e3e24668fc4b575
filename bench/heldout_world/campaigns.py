"""What coordinated cells push: themes with their hashtags, messages, links and sounds.

Every name is invented for the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .util import pick

_PEOPLE = ["varela", "okonkwo", "brandt", "halvorsen", "quintero", "marchetti", "adaeze",
           "kovacs", "delacroix", "ferraz", "nakamura", "whitlock", "osei", "santangelo"]
_PLACES = ["northvale", "karsia", "elmora", "duvania", "port_seren", "tallis", "ostrava_bay",
           "meridia", "kessvale", "vantoria"]
_BRANDS = ["glowra", "lumiskin", "vitaburst", "zestly", "purepeak", "aurafit", "nuvella",
           "kaizenkicks", "velvetbrew", "snackorama"]
_COINS = ["moonrix", "safebloom", "pepecash", "astrodoge", "yieldzilla", "solfire"]
_CURES = ["black seed tonic", "ionic water", "mushroom drops", "detox clay", "apricot kernels"]

_MESSAGES: dict[str, dict[str, list[str]]] = {
    "political": {
        "en": ["{p} is the only one who actually listens to us", "they don't want you to see this about {o}",
               "share before they take this down", "{o} lied again and the media is silent",
               "real people are waking up. {p} all the way", "ask yourself why nobody reports on this",
               "i used to support {o}. not anymore", "our town is done being ignored. vote {p}"],
        "es": ["{p} es el único que nos escucha", "no quieren que veas esto sobre {o}",
               "compártelo antes de que lo borren", "{o} volvió a mentir y nadie dice nada"],
        "pt": ["{p} é o único que escuta o povo", "não querem que você veja isso sobre {o}",
               "compartilha antes que apaguem", "{o} mentiu de novo e a mídia calada"],
    },
    "foreign": {
        "en": ["the truth about {pl} they never show you", "{pl} only wants peace. the west wants war",
               "look at what is really happening in {pl}", "stop believing the lies about {pl}",
               "people of {pl} are thriving, see for yourself"],
        "es": ["la verdad sobre {pl} que nunca te muestran", "mira lo que realmente pasa en {pl}"],
        "pt": ["a verdade sobre {pl} que ninguém mostra", "veja o que realmente acontece em {pl}"],
    },
    "health": {
        "en": ["doctors hate that {c} works this well", "i stopped my meds and started {c}. day 30",
               "big pharma will never tell you about {c}", "my aunt's results after {c} 🙏",
               "do your own research on {c}"],
        "es": ["los médicos odian que {c} funcione", "dejé mis pastillas y empecé con {c}"],
        "pt": ["os médicos odeiam que {c} funciona", "parei os remédios e comecei {c}"],
    },
    "scam": {
        "en": ["{k} just did 40x and it's still early", "made $3,200 this week with {k}, link below",
               "free {k} airdrop ends tonight", "don't miss {k} like you missed bitcoin",
               "how i quit my job with {k} 💸"],
        "es": ["{k} subió 40x y todavía es temprano", "gané $3,200 esta semana con {k}"],
        "pt": ["{k} subiu 40x e ainda dá tempo", "ganhei R$3.200 essa semana com {k}"],
    },
    "product": {
        "en": ["ok @{bh} this actually works 😭", "why is nobody talking about {b}",
               "30 days of {b} and my skin is unreal", "{b} is the only thing that helped me",
               "run don't walk to get {b}"],
        "es": ["ok @{bh} esto sí funciona 😭", "por qué nadie habla de {b}"],
        "pt": ["ok @{bh} isso funciona mesmo 😭", "por que ninguém fala de {b}"],
    },
    "harassment": {
        "en": ["@{t} you should be ashamed", "everyone report @{t}", "@{t} is a fraud, here is proof",
               "unfollow @{t} now", "@{t} owes everyone an apology"],
        "es": ["@{t} debería darte vergüenza", "todos reporten a @{t}"],
        "pt": ["@{t} devia ter vergonha", "denunciem @{t}"],
    },
    "music": {
        "en": ["this song has been stuck in my head for days", "who sings this??", "new obsession 🎶",
               "this beat is insane", "can't stop playing this"],
        "es": ["no puedo dejar de escuchar esta canción", "quién canta esto??"],
        "pt": ["não paro de ouvir essa música", "quem canta isso??"],
    },
    "challenge": {"en": [], "es": [], "pt": []},
}


@dataclass
class Campaign:
    theme: str
    lang: str
    tags: list[str]                 # the fixed campaign tags
    rotation: list[str]             # tags that rotate wave by wave
    messages: list[str]
    links: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)   # handles mentioned
    label: str = ""                 # person / place / brand / coin name


def make_campaign(rng: np.random.Generator, theme: str, lang: str, year: int,
                  targets: list[str], challenge: tuple[str, list[str], list[str]] | None) -> Campaign:
    p, o = pick(rng, _PEOPLE), pick(rng, _PEOPLE)
    while o == p:
        o = pick(rng, _PEOPLE)
    pl, b, k, c = pick(rng, _PLACES), pick(rng, _BRANDS), pick(rng, _COINS), pick(rng, _CURES)
    t = targets[0] if targets else "someone"
    fill = {"p": p.title(), "o": o.title(), "pl": pl.replace("_", " ").title(), "b": b, "k": k.upper(),
            "c": c, "t": t, "bh": b}
    bank = _MESSAGES[theme].get(lang) or _MESSAGES[theme]["en"]
    messages = [m.format(**fill) for m in bank]
    links: list[str] = []
    if theme == "political":
        tags = [f"vote{p}", f"{p}{year}"]
        rotation = [f"{p}forchange", f"stop{o}", f"{o}lies", f"{p}army", f"truthabout{o}",
                    f"{p}nation", f"we4{p}", f"{o}out", f"real{p}", f"{p}train"]
        links = [f"https://{p}{year}.org/join", f"https://www.{p}forchange.com/donate"]
        label = p
    elif theme == "foreign":
        stem = pl.replace("_", "")
        tags = [f"truthabout{stem}", f"{stem}"]
        rotation = [f"peacein{stem}", f"{stem}isrising", f"stand{stem}", f"{stem}facts",
                    f"real{stem}", f"hands0ff{stem}", f"{stem}strong", f"visit{stem}"]
        links = [f"https://{stem}-daily.news/{year}/truth", f"https://www.{stem}today.info/en/report"]
        label = pl
    elif theme == "health":
        stem = c.replace(" ", "")
        tags = [stem, "naturalcure", "bigpharmalies"]
        rotation = ["healnaturally", f"{stem}works", "doyourownresearch", "wakeup", "holistic",
                    "detoxyourbody"]
        links = [f"https://shop-{stem}.com/order?ref=tt", f"https://{stem}-truth.net/video"]
        label = c
    elif theme == "scam":
        tags = [f"{k}", f"{k}coin", "passiveincome"]
        rotation = ["cryptotok", "100x", "airdrop", f"{k}army", "financialfreedom", "gem",
                    "tothemoon", "makemoneyonline"]
        links = [f"https://{k}-airdrop.io/claim", f"https://t.me/{k}_official", "https://bit.ly/3"
                 + "".join(pick(rng, list("abcdefghkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
                           for _ in range(6))]
        label = k
    elif theme == "product":
        targets = [f"{b}{pick(rng, ['.official', 'shop', '_hq', '.store'])}"]
        fill["bh"] = targets[0]
        messages = [m.format(**fill) for m in bank]
        tags = [b, "tiktokmademebuyit", f"{b}review"]
        rotation = ["skincare", "musthave", "amazonfinds", f"{b}results", "honestreview", "holygrail"]
        links = [f"https://{b}.shop/products/starter?utm_source=tiktok",
                 f"https://amzn.to/{b[:3]}{int(rng.integers(1000, 9999))}"]
        label = b
    elif theme == "harassment":
        tags = [f"cancel{t.replace('.', '').replace('_', '')[:14]}", "exposed"]
        rotation = ["receipts", "accountability", "scammeralert", "deplatform", "isoverparty"]
        label = t
    elif theme == "music":
        tags = ["newmusic", "songoftheday"]
        rotation = ["musictok", "viralsong", "earworm", "nowplaying", "newrelease"]
        label = "song"
    else:   # challenge seeding: the harmful challenge's own tags
        base, variants, doing = challenge
        tags = [base]
        rotation = list(variants)
        messages = list(doing)
        label = base
    return Campaign(theme, lang, tags, rotation, messages, links, list(targets), label)


def link_variant(rng: np.random.Generator, link: str, member: str) -> str:
    """The same link as members paste it: bare, with tracking parameters, with a ref code."""
    r = rng.random()
    if r < 0.55 or "bit.ly" in link or "t.me" in link:
        return link
    sep = "&" if "?" in link else "?"
    if r < 0.8:
        return f"{link}{sep}utm_source=tiktok&utm_medium=social"
    return f"{link}{sep}ref={member[:10]}"
