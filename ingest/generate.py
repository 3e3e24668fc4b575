"""Synthetic incident generator: a week of short-video activity in the TikTok Research API format.

``generate_incident(out_dir, seed, scale)`` writes an organic background, a harmful challenge
hashtag spreading along an S-curve, several planted coordinated cells (the positives) and four
kinds of benign look-alikes (live-event burst, fan community, copied meme caption, news outlets),
plus ``ground_truth.json`` saying who is who. ``docs/generator.md`` describes the model, its
parameters, the file conventions and the ground-truth schema.

Design notes (why it is built this way):

* Determinism: every random draw comes from ``numpy.random.default_rng`` seeded by ``seed``
  (per-chunk generators are seeded by ``[seed, stream, chunk]``), nothing reads the clock, and no
  set of strings is ever iterated (string hashing is salted per process), so the same
  ``(seed, scale)`` gives byte-identical files.
* Scale: the *plan* (who posts when, engagement, ids) is a handful of numpy arrays, one entry per
  video (about 60 bytes per video); the JSON text is made and written chunk by chunk, so scale 100
  (about a million videos) stays well below 2 GB of memory.
* Generality: coordinated cells differ from one another (rhythm, size, participation, caption
  style, sound use, usernames, bios), and every signal they carry also occurs in the benign data
  (shared tags, shared sounds, copied captions, bursts of simultaneous posts, dense follow
  clusters), so a detector has to combine repetition, timing and content, not one constant.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# ----------------------------------------------------------------------------------- constants
WINDOW_START = 1772323200  # 2026-03-01T00:00:00Z (a Sunday); fixed so output never depends on now
WINDOW_DAYS = 7
WINDOW_SECONDS = WINDOW_DAYS * 86400
WINDOW_END = WINDOW_START + WINDOW_SECONDS  # exclusive
VIDEOS_PER_SCALE = 10_000
ACCOUNTS_PER_SCALE = 2_000
MAX_LINES_PER_FILE = 200_000
PAGE_VIDEOS = 300  # the first videos go to two API response pages instead of JSON lines
PAGE_OVERLAP = 3  # page 2 repeats the last rows of page 1 (an overlapping export)
CHUNK_ROWS = 20_000  # rows per text-generation chunk; fixed, because chunk seeds depend on it
COMMENTS_PER_FILE = 5_000
MAX_COMMENTS = 300_000
USER_INFO_COVERAGE = 0.94
MIN_SCALE = 0.2
PARALLEL_MIN_VIDEOS = 100_000  # below this, forking workers costs more than it saves

# Post kinds (what produced a video) and account roles.
K_ORGANIC, K_CELL, K_CHALLENGE, K_EVENT, K_FAN, K_IDOL, K_MEME, K_NEWS_STORY, K_NEWS = range(9)
R_ORGANIC, R_CELL, R_CHALLENGE, R_EVENT, R_FAN, R_IDOL, R_MEME, R_NEWS = range(8)

# Relative posting intensity by local hour (0..23): quiet nights, lunch bump, evening peak.
DIURNAL = np.array([2.2, 1.4, 0.8, 0.5, 0.4, 0.5, 0.9, 1.6, 2.3, 2.8, 3.1, 3.5,
                    4.1, 4.0, 3.6, 3.6, 4.0, 4.6, 5.4, 6.2, 6.6, 6.3, 5.1, 3.6])
DIURNAL_P = DIURNAL / DIURNAL.sum()
DAY_WEIGHTS = np.array([1.12, 0.92, 0.93, 0.95, 1.0, 1.08, 1.2])  # Sun..Sat
DAY_P = DAY_WEIGHTS / DAY_WEIGHTS.sum()

# region code, share of accounts, UTC offsets (hours) its users live in
REGIONS: list[tuple[str, float, tuple[float, ...]]] = [
    ("US", 0.24, (-5, -5, -6, -6, -7, -8, -8)), ("GB", 0.08, (0,)), ("DE", 0.05, (1,)),
    ("FR", 0.04, (1,)), ("ES", 0.03, (1,)), ("IT", 0.03, (1,)), ("NL", 0.015, (1,)),
    ("PL", 0.015, (1,)), ("BR", 0.07, (-3,)), ("MX", 0.05, (-6,)), ("CA", 0.03, (-5, -8, -7)),
    ("AR", 0.015, (-3,)), ("CO", 0.015, (-5,)), ("IN", 0.04, (5.5,)), ("ID", 0.06, (7, 8)),
    ("PH", 0.05, (8,)), ("VN", 0.02, (7,)), ("TH", 0.02, (7,)), ("JP", 0.02, (9,)),
    ("KR", 0.01, (9,)), ("AU", 0.025, (10, 10, 8)), ("NG", 0.02, (1,)), ("TR", 0.025, (3,)),
    ("SA", 0.015, (3,)), ("EG", 0.015, (2,)), ("ZA", 0.01, (2,)), ("IE", 0.01, (0,)),
    ("SE", 0.01, (1,)),
]
REGION_CODES = [r[0] for r in REGIONS]
REGION_P = np.array([r[1] for r in REGIONS]) / sum(r[1] for r in REGIONS)

# ----------------------------------------------------------------------------------- text banks
FIRST_NAMES = (
    "mia emma olivia ava sophia isabella luna chloe zoe lily ella grace nora leah aria maya "
    "sara hannah lea julia anna clara ines lucia paula elena marta giulia chiara fatima aisha "
    "amira yasmin noor zara priya ananya diya meera riya ayu putri sari dewi rina mei yuki "
    "hana sakura minji jisoo camila valentina sofia mariana gabriela ana bea liam noah oliver "
    "elijah james lucas mason ethan leo jack finn max ben tom sam alex jay kai ryan adam omar "
    "ali yusuf hamza arjun rohan kabir rahul budi agus rizky andi tuan minh kenji haru joon "
    "mateo santiago diego pedro joao gabriel rafa luca marco matteo hugo paul felix jonas lukas "
    "emil oscar kofi tunde chidi emeka sipho thabo liam jake tyler brandon kevin marcus jordan"
).split()
LAST_NAMES = (
    "smith jones brown garcia martin rossi muller schmidt silva santos costa kim lee park "
    "nguyen tran wong tanaka sato khan ali ahmed patel sharma singh gomez lopez perez diaz "
    "moreau dubois bakker devries novak kowalski okafor adeyemi mensah dlamini walsh murphy"
).split()
NAME_WORDS = (
    "vibes daily official tv world life xo edits fit eats sunset pixel studio club art cooks "
    "travels plays sings dances films moments diaries stories journal corner lab zone hub "
    "nation squad crew fam gram clips reels cam lens glow shine dream wave sky moon star "
    "bloom petal honey berry peach mango cherry coco mochi boba latte matcha chai toast "
    "waffle nugget pickle tofu noodle ramen taco burrito pizza fries salsa spice sugar salt"
).split()
ORGANIC_WORDS = (
    "the a my this that and to of in is it you me i for on with so just like when what "
    "why how not no yes be we they was are do did can get got go going gonna love loved "
    "really very too much more best new old first last day night today tonight morning "
    "week weekend time life home work school mom dad sister brother friend friends bestie "
    "baby dog cat puppy kitten food coffee pizza dinner lunch breakfast cake recipe outfit "
    "fit hair makeup nails skin room car trip beach city park gym run walk dance song music "
    "video part story storytime update routine vlog haul review tips hack hacks idea tutorial "
    "finally actually literally lowkey highkey honestly seriously still always never again "
    "wait watch look see try make made making cook cooking baking eat eating drink drinking "
    "sleep sleeping cry crying laugh laughing happy sad tired bored hungry excited nervous "
    "proud obsessed cute funny weird crazy wild perfect amazing beautiful ugly tiny huge "
    "little big good bad better worst favorite favourite real fake cozy chaotic aesthetic "
    "vibe vibes mood energy era core main character moment thing things stuff people guys "
    "girls boys everyone someone nobody anybody everything something nothing here there "
    "back out up down over after before during while until because but or if then now "
    "soon later ever one two three five ten hundred million minutes hours days years "
    "summer winter spring rain snow sun sunset sunrise ocean mountain garden plants flowers "
    "book books movie show series episode game games level boss win lose team match goal "
    "guitar piano singing cover duet stitch trend challenge dance transition edit filter "
    "glow up before after transformation reveal surprise prank reaction reacting unboxing "
    "shopping thrift vintage sale gift birthday party wedding date couple boyfriend "
    "girlfriend husband wife kids family grandma grandpa neighbor teacher boss job office "
    "exam test homework class college university apartment kitchen bathroom bedroom car "
    "drive road traffic train flight airport hotel vacation holiday festival concert"
).split()
OPENERS = [
    "POV:", "when", "me when", "not me", "tell me why", "this is your sign to", "day {n} of",
    "storytime:", "rate my", "how it started vs", "can we talk about", "i can't believe",
    "obsessed with", "that moment when", "just", "trying", "guys", "no because", "reminder:",
    "honestly", "wait for the end", "part {n}:", "me and my", "why does", "nobody told me",
]
# Everyday caption grammar: a pattern with slots, each slot filled from its own list.
CAPTION_PATTERNS = [
    "{ing} {noun} with my {person}", "my {person} {does} {emoji}", "when your {person} says {quote}",
    "{time} {noun} was {adj} {emoji}", "trying {food} for the first time", "{ing} at {place} be like",
    "this {noun} is so {adj}", "i made {food} and it was {adj}", "pov: you're {ing} at {place}",
    "rating {food} in {place}", "day {n} of {ing} until i get better", "{adj} {noun} check {emoji}",
    "the way my {person} {does}", "{noun} update {emoji}", "{time} at {place} {emoji}",
    "{ing} {time} because why not", "get ready with me for {place}", "my {noun} after {ing} {time}",
    "nobody warned me about {ing} {noun}s", "{food} taste test {emoji}", "{person} reacts to my {noun}",
    "things i bought for my {noun}", "{adj} {food} recipe you need", "how i'm {ing} this {time}",
    "{words}", "{words} {emoji}",
]
SLOTS: dict[str, list[str]] = {
    "noun": ("dog cat outfit room car hair nails skincare routine apartment garden plant couch "
             "bag shoes setup desk kitchen closet haircut tattoo bike playlist hoodie mirror "
             "fridge balcony camera lamp").split(),
    "person": ("mom dad boyfriend girlfriend bestie sister brother roommate husband wife grandma "
               "teacher boss coworker neighbor baby son daughter cousin friends dog").split(),
    "ing": ("cooking dancing cleaning painting baking singing studying shopping decorating editing "
            "running swimming driving packing gardening knitting filming lifting skating").split(),
    "food": ("pasta ramen tacos sushi pancakes cookies banana bread dumplings curry pizza ice cream "
             "matcha boba croissants nachos waffles burritos").split(),
    "place": ("the gym work school the beach my kitchen the mall the airport class my car the park "
              "costco grandma's house the office the library the lake").split(),
    "time": ("monday sunday 3am tonight this morning today last night the weekend friday night "
             "my lunch break").split(),
    "adj": ("cute chaotic cozy perfect weird funny tiny huge aesthetic iconic unhinged wholesome "
            "crazy elite underrated mid delicious terrible").split(),
    "does": ("reacted screamed laughed cried froze ate all the fries stole my hoodie fell asleep "
             "can't stop dancing found out lost it said no").split(),
    "quote": ['"we have food at home"', '"5 more minutes"', '"trust me"', '"i\'m almost there"',
              '"it\'s just a phase"', '"one more episode"', '"let me cook"'],
}
SHORT_CAPTIONS = [
    "wait for it", "part 2", "😂😂😂", "no bc why", "rate this 1-10", "lol", "💀💀",
    "help", "ok but why", "the ending", "🥹", "mood", "real", "dump", "a thread", "✨",
]
EMOJIS = [
    "😂", "😭", "💀", "🔥", "✨", "🥹", "😍", "🙏", "💕", "❤️", "😅", "👀", "🤣", "😩", "🥲",
    "💯", "😳", "🙌", "🤍", "🫶", "😎", "🤯", "🌙", "⚡", "🌸", "🍓", "🎶", "📍", "☕", "🐶",
    "🐱", "🏋️", "💅", "🎉", "😴", "🤔", "😤", "🫠", "👏", "💜",
]
HEAD_TAGS = [  # (tag, share of organic videos carrying it): the everyday "algorithm" tags
    ("fyp", 0.40), ("foryou", 0.30), ("viral", 0.20), ("foryoupage", 0.13), ("trending", 0.08),
    ("fy", 0.06), ("tiktok", 0.05), ("xyzbca", 0.04), ("explore", 0.03), ("fypシ", 0.0),
]
HEAD_TAGS = [(t, p) for t, p in HEAD_TAGS if p > 0 and t.isascii()]
_TAG_RE = re.compile(r"#(\w+)")
_PATTERNS = [[(k % 2 == 1, x) for k, x in enumerate(re.split(r"[{}]", p)) if x] for p in CAPTION_PATTERNS]
TOPICS = (
    "dance food recipe cooking gym fitness makeup skincare booktok cat dog travel soccer "
    "gaming minecraft art diy fashion ootd grwm comedy funny meme prank asmr cleaning "
    "momlife dadlife couple wedding nails hair cars nature beach summer music guitar "
    "singing cover piano anime cosplay kpop science learnontiktok history money finance "
    "business motivation mentalhealth selfcare tech iphone coding photography editing "
    "capcut transition lipsync duet stitch storytime relatable school college teacher nurse "
    "work office baking coffee vegan healthy running yoga hiking camping fishing garden "
    "plants homedecor thrift vintage haul unboxing review tiktokmademebuyit smallbusiness "
    "family baby kids pets puppy kitten horse basketball nba nfl f1 tennis boxing skate "
    "surf snowboard roadtrip vanlife foodie streetfood dessert pasta sushi ramen bbq "
    "mealprep airfryer lifehack hack tutorial tips study studytok bookrecs poetry writing "
    "drawing painting pottery crochet knitting sewing tattoo barber hairstyle skincareroutine "
    "perfume sneakers streetwear outfit thrifted aesthetic vlog dayinmylife morningroutine "
    "nightroutine cleantok organization minimalism"
).split()
TOPIC_SUFFIXES = ["tok", "oftiktok", "life", "lover", "daily", "tips", "hacks", "2026", "time",
                  "addict", "vibes", "goals", "check", "community", "world"]
COMMENT_TEXTS = [
    "😂😂😂", "this is so true", "no way", "who else is here from fyp", "first", "omg",
    "🔥🔥", "the way i screamed", "part 2 pls", "why is this so accurate", "ratio", "i need this",
    "LMAOOO", "this made my day", "so cute 🥹", "where is this from", "song name?", "stop 😭",
    "not me watching this 10 times", "underrated", "how do you do this", "💀💀💀", "real",
    "i felt this", "obsessed", "sending this to my bestie", "the ending tho", "W", "L",
    "this is dangerous pls don't", "everyone try this!!", "🔥🔥🔥", "so real", "legend",
]

CHALLENGES = [  # (stem, main tag): invented harmful dares, one picked per seed
    ("skyfall", "skyfallchallenge"), ("breathless", "breathlesschallenge"),
    ("ledgewalk", "ledgewalkchallenge"), ("blackbox", "blackboxchallenge"),
    ("zerog", "zerogchallenge"), ("freezeframe", "freezeframechallenge"),
    ("nightclimb", "nightclimbchallenge"), ("dizzyspin", "dizzyspinchallenge"),
]
CAMPAIGN_WORDS = [
    "dontlookdown", "holdyourbreath", "nofear", "braveenough", "trustthefall", "edgeoftheroof",
    "highdive", "fearlessgen", "proveit", "noregrets", "justjump", "levelupnow", "onlythebrave",
    "dareyou", "notscared", "gohigher", "lastonestanding", "testyourself",
]
CAMPAIGN_SUFFIXES = ["gang", "squad", "fam", "army", "nation", "club", "crew", "official", "real",
                     "trend", "vibes", "tok"]
CELL_TEMPLATES = [
    "you HAVE to try the {ch} {e}",
    "they don't want you to see this {e}",
    "10 seconds is all it takes {e}",
    "doing the {ch} until they ban it {e}",
    "nobody is talking about how wild this trend is {e}",
    "bet you can't last longer than me {e}",
    "tag someone who would actually do this {e}",
    "day {n} of the {ch} and I'm not stopping {e}",
    "if this gets 10k likes I'll do it again {e}",
    "the real ones already know {e}",
    "don't scroll!! watch till the end {e}",
    "this trend is going crazy right now {e}",
    "only brave people will try this {e}",
    "i did it and i'd do it again {e}",
    "they tried to take this down twice {e}",
    "share before it's gone {e}",
]
SYNONYMS: dict[str, list[str]] = {
    "HAVE": ["HAVE", "have", "gotta"], "try": ["try", "do", "attempt"],
    "wild": ["wild", "crazy", "insane", "unreal"], "crazy": ["crazy", "insane", "wild"],
    "nobody": ["nobody", "no one"], "ban": ["ban", "delete", "remove"],
    "brave": ["brave", "fearless", "bold"], "gone": ["gone", "deleted", "removed"],
    "scroll": ["scroll", "skip"], "real": ["real", "true", "og"],
    "someone": ["someone", "a friend", "your bestie"], "stopping": ["stopping", "quitting"],
    "take": ["take", "pull"], "trend": ["trend", "challenge"], "last": ["last", "hold on"],
    "actually": ["actually", "really"], "know": ["know", "get it"], "all": ["all", "literally all"],
}
CHALLENGE_ORGANIC = [
    "trying the {ch} {e}", "did the {ch} with my brother", "{ch} attempt 2",
    "my mom caught me doing the {ch} {e}", "ok the {ch} is actually scary", "why is everyone doing this",
    "should i try this??", "not the {ch} {e}", "{ch} fail {e}", "is the {ch} even safe",
    "everyone at school is doing the {ch}", "please don't do the {ch} {e}", "{ch} but make it safe",
    "reacting to {ch} videos {e}", "this {ch} thing is getting out of hand",
]
EVENTS = [
    {
        "type": "football_final",
        "headline": "{A} win the {cup} final in dramatic fashion",
        "tags": ["{cup}final", "{cup}", "{a}", "{b}"],
        "cups": ["northcup", "continentalcup", "goldencup26", "unionshield"],
        "names": ["redlions", "harbourfc", "vesterbro", "realcostera", "athleticnord",
                  "unitedsouth", "sportingriva", "dynamoalto"],
        "regions": ["GB", "ES", "DE", "FR", "IT", "NL", "IE", "BR", "US"],
        "captions": ["WHAT A GOAL {e}", "unreal scenes {e}", "we did it!!! {e}",
                     "I'm literally shaking", "best night of my life {e}", "history made {e}",
                     "i can't believe what i just watched", "{A} 🏆", "crying rn {e}",
                     "that last minute tho {e}", "the stadium is going crazy", "GOOOOAL ⚽🔥"],
    },
    {
        "type": "concert",
        "headline": "{cup} closes the tour with a record crowd",
        "tags": ["{cup}live", "{cup}tour", "{a}", "{b}"],
        "cups": ["aurelia", "velvetcoast", "neonharbor", "solenne"],
        "names": ["tourfinal", "lastnight", "frontrow", "encore", "stadiumshow", "citynight"],
        "regions": ["US", "GB", "CA", "AU", "DE", "FR", "MX", "BR"],
        "captions": ["the ENCORE {e}", "I'm not okay {e}", "best night of my life {e}",
                     "she opened with THAT song", "crying in the front row {e}",
                     "{A} was insane", "i can't believe i was there", "my voice is gone {e}",
                     "the surprise song!!! {e}", "this crowd {e}"],
    },
]
IDOLS = [  # (display name, fandom tags, songs)
    ("Luna Mare", ["lunamare", "lunatics", "lunamaretour"], ["Glass Hearts", "Paper Moon"]),
    ("Kairo Vale", ["kairovale", "valesquad", "kairovaletour"], ["Midnight Static", "Gold Rush"]),
    ("Nova Reyes", ["novareyes", "novanauts", "novaera"], ["Satellite", "Blue Hour"]),
    ("Juno Kite", ["junokite", "kiteflyers", "junokitelive"], ["Paper Planes", "Overcast"]),
    ("Mira Solace", ["mirasolace", "solacers", "mirasolacetour"], ["Saltwater", "Neon Rain"]),
]
FAN_CAPTIONS = [
    "{idol} really did that {e}", "obsessed with {song} {e}", "stream {song} or else",
    "the way {idol} ate", "{idol} tour when??", "this song lives in my head rent free {e}",
    "pov: you're at the {idol} concert", "{song} on repeat all day {e}", "dancing to {song} {e}",
    "{idol} if you see this ily {e}", "the bridge of {song} {e}", "my {idol} era",
]
MEMES = [
    "nobody:\nme at 3am: let me reorganize my entire life",
    "tell me you grew up in the 2000s without telling me",
    "me pretending to understand the assignment",
    "my toxic trait is thinking i can do this in 5 minutes",
    "the audacity of this cat 💀",
    "when the group project finally comes together",
    "me explaining to my mom why i need another plant",
]
NEWS_NAMES = [
    ("dailybrief.news", "Daily Brief"), ("metro.now", "Metro Now"), ("thewire.today", "The Wire"),
    ("newsflash24", "NewsFlash 24"), ("worlddesk", "World Desk"), ("citypulse.news", "City Pulse"),
    ("headline.hq", "Headline HQ"), ("the.dispatch", "The Dispatch"), ("globalreport", "Global Report"),
    ("frontpage.live", "Frontpage Live"), ("eveningpost.tv", "Evening Post"), ("signal.news", "Signal News"),
]
NEWS_PREFIXES = ["BREAKING:", "JUST IN:", "🚨", "UPDATE:", "", "Developing:", "WATCH:"]
NEWS_SUFFIXES = ["Follow for updates.", "More at the link in bio.", "", "", "What do you think?",
                 "Full story in bio."]
NEWS_STORIES = [
    ("Officials warn parents about the viral {ch} after hospital cases", ["{chtag}", "parents", "safety"]),
    ("Storm Elsa makes landfall, thousands without power", ["stormelsa", "weather"]),
    ("Central bank holds rates steady in surprise decision", ["economy", "interestrates"]),
    ("Major outage hits messaging apps worldwide", ["outage", "technews"]),
    ("Wildfire forces evacuations near the coast", ["wildfire", "evacuation"]),
    ("Election debate: the key moments in 60 seconds", ["election2026", "debate"]),
    ("Rail strike announced for next week", ["railstrike", "travelnews"]),
    ("Scientists discover new species in deep-sea expedition", ["science", "ocean"]),
]
NEWS_SYNONYMS: dict[str, list[str]] = {
    "warn": ["warn", "alert", "caution"], "viral": ["viral", "trending", "online"],
    "after": ["after", "following"], "thousands": ["thousands", "many", "tens of thousands"],
    "Major": ["Major", "Massive", "Global"], "surprise": ["surprise", "unexpected"],
    "dramatic": ["dramatic", "thrilling", "stunning"], "record": ["record", "huge", "sold-out"],
    "forces": ["forces", "prompts", "triggers"], "announced": ["announced", "confirmed", "called"],
}
NEWS_SUBJECTS = ["Officials", "Police", "Researchers", "Lawmakers", "Residents", "Experts",
                 "The city council", "Fans", "Doctors", "Investors", "Students", "Firefighters"]
NEWS_VERBS = ["announce", "warn about", "respond to", "react to", "confirm", "investigate",
              "debate", "celebrate", "protest", "report on"]
NEWS_OBJECTS = ["new budget plan", "rising prices", "record heat", "school closures",
                "transport delays", "housing shortage", "local election results", "flooding",
                "a data breach", "new safety rules", "the heatwave", "a bridge collapse"]
BIO_BANK = [
    "just vibes ✨", "living my best life", "she/her", "he/him", "dm for collabs", "🇺🇸",
    "not a morning person", "coffee + chaos", "dog mom 🐶", "gamer | streamer", "follow for more",
    "24 | london", "aspiring chef 🍳", "mua 💄", "student", "chasing sunsets", "nurse 👩‍⚕️",
    "small business owner", "fitness & food", "books, tea, rain", "",
]
CELL_BIOS = [
    "🌸 daily vibes 🌸 | follow back", "⚡ join the movement ⚡", "brave ones only 🔥 dm for promo",
    "new account!! follow me 🙏", "✨ trend hunter ✨ link below", "💯 real content 💯",
]
DEFAULT_AVATAR = ("https://p16-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/"
                  "default-avatar~tplv-tiktokx-cropcenter:168:168.jpeg")


# ----------------------------------------------------------------------------------- model
@dataclass
class _Cell:
    """One planted coordinated cell (a positive)."""

    cell_id: str
    members: np.ndarray  # account indices
    rhythm: str  # "burst" | "staggered" | "slow"
    spread: int  # seconds within which a wave's core participants post
    hashtags: list[str]  # campaign tags (challenge first)
    sounds: list[int]
    sound_p: float  # chance a wave uses the cell's main sound (else its second one)
    templates: list[str]
    distinct_captions: bool
    lookalike: bool
    target: int  # account index mentioned in some posts, -1 for none
    mention_p: float
    participation: float
    exact_p: float  # share of campaign posts that are verbatim copies
    wave_times: list[int] = field(default_factory=list)
    wave_tags: list[list[str]] = field(default_factory=list)
    wave_sound: list[int] = field(default_factory=list)
    wave_template: list[int] = field(default_factory=list)
    wave_core: list[int] = field(default_factory=list)
    follow_p: float = 0.8
    bio: str = ""
    bio_url: str = ""
    follower_factor: float = 1.0
    emojis: list[str] = field(default_factory=list)


class _Rows:
    """Accumulates planned posts as numpy column fragments, concatenated once at the end."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in ("t", "acct", "kind", "sub", "aux", "ch")}

    def add(self, t: np.ndarray, acct: np.ndarray, kind: int, sub: Any = -1, aux: Any = -1,
            ch: Any = False) -> None:
        n = len(t)
        self.parts["t"].append(np.asarray(t, dtype=np.int64))
        self.parts["acct"].append(np.asarray(acct, dtype=np.int32))
        self.parts["kind"].append(np.full(n, kind, dtype=np.int8))
        self.parts["sub"].append(np.broadcast_to(np.asarray(sub, dtype=np.int32), (n,)).copy())
        self.parts["aux"].append(np.broadcast_to(np.asarray(aux, dtype=np.int32), (n,)).copy())
        self.parts["ch"].append(np.broadcast_to(np.asarray(ch, dtype=bool), (n,)).copy())

    def build(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.parts.items()}


class _LineWriter:
    """Buffered JSON-lines writer that counts its lines (bounded memory at any scale)."""

    def __init__(self, path: Path, flush_every: int = 5_000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in close()
        self.buf: list[str] = []
        self.flush_every = flush_every
        self.lines = 0

    def write(self, line: str) -> None:
        self.buf.append(line)
        self.lines += 1
        if len(self.buf) >= self.flush_every:
            self.fh.write("\n".join(self.buf) + "\n")
            self.buf = []

    def close(self) -> None:
        if self.buf:
            self.fh.write("\n".join(self.buf) + "\n")
            self.buf = []
        self.fh.close()


def _iso(ts: int) -> str:
    """Unix seconds as an ISO-8601 UTC string, without the clock or time zones of the host."""
    days, rem = divmod(int(ts), 86400)
    # 1970-01-01 + days, by the civil-from-days algorithm (avoids datetime's local-time pitfalls)
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y += m <= 2
    return f"{y:04d}-{m:02d}-{d:02d}T{rem // 3600:02d}:{rem % 3600 // 60:02d}:{rem % 60:02d}Z"


def _zipf_cdf(n: int, exponent: float) -> np.ndarray:
    """Cumulative Zipf(exponent) probabilities over ranks 1..n, for searchsorted sampling."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    c = np.cumsum(w)
    return c / c[-1]


def _pretty(tag: str) -> str:
    """A CamelCase-ish spelling of a tag, as people type special tags ("#SkyfallChallenge")."""
    for word in ("challenge", "tour", "final", "live", "gang", "squad", "fam", "army", "club"):
        i = tag.find(word)
        if i > 0:
            return tag[:i].capitalize() + word.capitalize() + tag[i + len(word):]
    return tag.capitalize()


# ----------------------------------------------------------------------------------- generator
class _Generator:
    """Holds the plan of one incident and writes it; see :func:`generate_incident`."""

    def __init__(self, out_dir: Path, seed: int, scale: float,
                 progress: Callable[[str, int, int], None] | None) -> None:
        if not scale >= MIN_SCALE:
            raise ValueError(f"scale must be >= {MIN_SCALE} (got {scale!r})")
        self.out = Path(out_dir)
        self.seed = int(seed)
        self.scale = float(scale)
        self.progress = progress or (lambda stage, done, total: None)
        self.rng = np.random.default_rng(self.seed)
        self.n_target = int(round(VIDEOS_PER_SCALE * self.scale))
        self.n_acc = int(round(ACCOUNTS_PER_SCALE * self.scale))
        self.counts: dict[str, int] = {}
        self.files: list[str] = []
        self.encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)

    # ------------------------------------------------------------------ vocabulary and sounds
    def _build_vocab(self) -> None:
        rng = self.rng
        self.challenge_stem, self.challenge = CHALLENGES[rng.integers(len(CHALLENGES))]
        variants = [self.challenge_stem, self.challenge + "2026", self.challenge_stem + "trend"]
        self.challenge_variants = [variants[i] for i in sorted(rng.choice(3, 2, replace=False))]
        self.challenge_tags = [self.challenge, *self.challenge_variants]

        # Everyday topic vocabulary: base topics plus compounds, ordered by a random Zipf rank.
        v_size = max(300, int(round(1500 * self.scale ** 0.4)))
        vocab: dict[str, None] = dict.fromkeys(TOPICS)
        while len(vocab) < v_size:
            a = TOPICS[rng.integers(len(TOPICS))]
            if rng.random() < 0.7:
                b = TOPIC_SUFFIXES[rng.integers(len(TOPIC_SUFFIXES))]
            else:
                b = TOPICS[rng.integers(len(TOPICS))]
            if a != b:
                vocab[a + b] = None
        reserved = {self.challenge_stem}
        words = [w for w in vocab if not any(w.startswith(r) for r in reserved)]
        # Popularity ranks: base topics mostly lead, compounds mostly fill the long tail.
        is_base = np.array([w in TOPICS for w in words])
        key = np.where(is_base, rng.uniform(0, 1, len(words)), rng.uniform(0.3, 6, len(words)))
        self.vocab = [words[i] for i in np.argsort(key, kind="stable")]
        # Zipf-Mandelbrot: the top topic tag ends up on a few % of videos, not on a sixth
        w = 1.0 / (np.arange(1, len(self.vocab) + 1) + 8.0) ** 1.0
        self.vocab_cdf = np.cumsum(w) / w.sum()
        self.head_tags = [t for t, _ in HEAD_TAGS]
        self.head_p = [p for _, p in HEAD_TAGS]
        self.word_cdf = _zipf_cdf(len(ORGANIC_WORDS), 0.9)
        # the most frequent words should be function words, so keep the list order for the head
        self.tag_ids: dict[str, int] = {}

        # Sound pool: 19-digit snowflake-like ids (creation second << 32 | random), Zipf popular.
        n_sounds = max(400, int(round(1500 * self.scale ** 0.6)))
        created = rng.integers(1_560_000_000, WINDOW_START - 86400, n_sounds)
        self.sound_pool = (created.astype(np.int64) << 32) | rng.integers(0, 2**32, n_sounds)
        self.sound_cdf = _zipf_cdf(n_sounds, 1.0)
        # Special sounds are ranked pool members so they look like any other sound id.
        self.challenge_sound = int(self.sound_pool[rng.integers(3, 15)])

    def _tag_id(self, tag: str) -> int:
        """A stable numeric id per hashtag (drawn from a per-tag seed, independent of call order)."""
        tid = self.tag_ids.get(tag)
        if tid is None:
            h = 0
            for ch in tag.encode():
                h = (h * 131 + ch) % (2**61 - 1)
            tid = int(np.random.default_rng([self.seed, 7, h]).integers(10**6, 10**18))
            self.tag_ids[tag] = tid
        return tid

    # ------------------------------------------------------------------ accounts
    def _make_username(self, rng: np.random.Generator, taken: dict[str, int]) -> str:
        f = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        w = NAME_WORDS[rng.integers(len(NAME_WORDS))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        p = rng.integers(12)
        num = int(rng.integers(1, 100))
        name = [f"{f}{w}", f"{f}.{w}", f"{f}_{w}", f"{f}{num:02d}", f"{w}.{f}", f"{f}.{last}",
                f"{f}{last}{num}", f"its{f}{w}", f"x{f}x", f"the.{f}.{w}",
                f"{f}_{int(rng.integers(0, 10000)):04d}", f"{w}{f}{1990 + num % 20}"][p]
        while name in taken:
            name = f"{name}{int(rng.integers(0, 10))}"
        return name

    def _build_accounts(self) -> None:
        rng = self.rng
        n = self.n_acc
        # Group sizes (mildly scale dependent; see docs/generator.md).
        lg = math.log10(self.scale * 10)
        self.n_cells = int(np.clip(round(4 + 1.5 * lg) + rng.integers(0, 2), 4, 8))
        max_size = int(np.clip(round(40 * self.scale ** 0.3), 12, 80))
        sizes = np.exp(rng.uniform(math.log(5), math.log(max_size + 1), self.n_cells)).astype(int)
        sizes[0] = int(rng.uniform(0.6, 1.0) * max_size)
        sizes[1] = int(rng.integers(5, 9))
        sizes = np.clip(sizes, 5, max_size)[rng.permutation(self.n_cells)]
        if sizes.sum() > 0.25 * n:  # tiny scales: keep room for the benign groups and background
            sizes = np.maximum(5, (sizes * (0.25 * n / sizes.sum())).astype(int))
        n_event = max(40, int(round(250 * self.scale ** 0.65)))
        n_fans = int(np.clip(round(45 * self.scale ** 0.2), 25, 100))
        n_meme = max(20, int(round(80 * self.scale ** 0.6)))
        n_news = int(np.clip(5 + round(1.2 * lg) + rng.integers(0, 2), 5, 10))
        n_chal = max(20, int(round(0.15 * n)))
        special = int(sizes.sum()) + n_event + n_fans + 1 + n_meme + n_news + n_chal
        if special > 0.85 * n:
            raise ValueError(f"scale {self.scale} is too small for the planted groups")

        self.role = np.full(n, R_ORGANIC, dtype=np.int8)
        self.group = np.full(n, -1, dtype=np.int16)
        perm = rng.permutation(n)  # roles are scattered over indices (and so over file order)
        pos = 0
        cell_members = []
        for c, s in enumerate(sizes):
            idx = np.sort(perm[pos:pos + s])
            pos += s
            self.role[idx] = R_CELL
            self.group[idx] = c
            cell_members.append(idx)

        def take(k: int, role: int) -> np.ndarray:
            nonlocal pos
            idx = np.sort(perm[pos:pos + k])
            pos += k
            self.role[idx] = role
            return idx

        self.event_accts = take(n_event, R_EVENT)
        self.idol = int(take(1, R_IDOL)[0])
        self.fans = take(n_fans, R_FAN)
        self.meme_accts = take(n_meme, R_MEME)
        self.news_accts = take(n_news, R_NEWS)
        self.chal_accts = take(n_chal, R_CHALLENGE)

        # Regions and time zones.
        region = rng.choice(len(REGIONS), n, p=REGION_P)
        ev = EVENTS[rng.integers(len(EVENTS))]
        self.event_spec = ev
        ev_regions = [REGION_CODES.index(r) for r in ev["regions"]]
        region[self.event_accts] = rng.choice(ev_regions, len(self.event_accts))
        region[self.news_accts] = rng.choice([REGION_CODES.index("US"), REGION_CODES.index("GB")],
                                             n_news, p=[0.6, 0.4])
        for idx in cell_members:
            dominant = rng.choice(len(REGIONS), p=REGION_P)
            keep = rng.random(len(idx)) < rng.uniform(0.7, 1.0)
            region[idx[keep]] = dominant
        self.region = region
        tz = np.empty(n)
        for r, (_, _, offsets) in enumerate(REGIONS):
            m = region == r
            tz[m] = rng.choice(offsets, int(m.sum()))
        self.tz = (tz * 3600).astype(np.int64)
        self.shift = rng.normal(0, 1.5 * 3600, n).astype(np.int64)  # personal rhythm
        self.popularity = np.exp(rng.normal(0, 1.3, n))
        self.popularity[self.idol] = rng.uniform(300, 800)
        self.popularity[self.news_accts] *= rng.uniform(15, 60, n_news)
        self.interests = np.searchsorted(self.vocab_cdf, rng.random((n, 3)))
        self.community = rng.integers(0, max(1, n // 80), n)  # friend circles for the follow graph

        # Usernames: organic style for everyone, then look-alike names for some cells.
        taken: dict[str, int] = {}
        names: list[str] = []
        for _ in range(n):
            nm = self._make_username(rng, taken)
            taken[nm] = len(names)
            names.append(nm)
        news_pick = rng.choice(len(NEWS_NAMES), n_news, replace=False)
        self.display = [""] * n
        for k, a in enumerate(self.news_accts):
            names[a] = NEWS_NAMES[news_pick[k]][0]
            self.display[a] = NEWS_NAMES[news_pick[k]][1]
        idol = IDOLS[rng.integers(len(IDOLS))]
        self.idol_spec = idol
        names[self.idol] = idol[0].lower().replace(" ", "") + ".official"
        self.display[self.idol] = idol[0]

        # Cells: rhythm, look-alikes, caption style, sounds, tags.
        rhythms = ["slow", "burst", "staggered"] + list(rng.choice(["burst", "staggered"], self.n_cells - 3))
        rhythms = [rhythms[i] for i in rng.permutation(self.n_cells)]
        lookalike = rng.random(self.n_cells) < 0.5
        lookalike[rng.integers(self.n_cells)] = True
        if lookalike.all():
            lookalike[rng.integers(self.n_cells)] = False
        distinct_cell = int(rng.integers(self.n_cells))
        tpl_order = rng.permutation(len(CELL_TEMPLATES))
        camp_words = list(rng.permutation(CAMPAIGN_WORDS))
        self.cells: list[_Cell] = []
        tpl_pos = 0
        used_tags: dict[str, None] = dict.fromkeys(self.challenge_tags)
        for c in range(self.n_cells):
            idx = cell_members[c]
            spread = {"burst": rng.uniform(30, 90), "staggered": rng.uniform(300, 600),
                      "slow": rng.uniform(1200, 1800)}[rhythms[c]]
            n_own = int(rng.integers(1, 4))  # 1-3 cell-specific tags + the challenge = 2-4 tags
            own: list[str] = []
            while len(own) < n_own:
                if rng.random() < 0.5 and camp_words:
                    tag = str(camp_words.pop())
                else:
                    tag = self.challenge_stem + str(CAMPAIGN_SUFFIXES[rng.integers(len(CAMPAIGN_SUFFIXES))])
                if tag not in used_tags:
                    used_tags[tag] = None
                    own.append(tag)
            n_tpl = int(rng.integers(1, 4))
            templates = [CELL_TEMPLATES[tpl_order[(tpl_pos + k) % len(CELL_TEMPLATES)]] for k in range(n_tpl)]
            tpl_pos += n_tpl
            # Sounds: one cell rides the challenge's own trending sound, others bring a new one
            # or a mid-popularity pool sound (so "same sound" is never unique to cells).
            r = rng.random()
            if c == 0:
                sounds = [self.challenge_sound]
            elif r < 0.5:
                sounds = [int(self.sound_pool[rng.integers(20, len(self.sound_pool))])]
            else:
                t0 = int(rng.integers(WINDOW_START - 90 * 86400, WINDOW_START - 86400))
                sounds = [(t0 << 32) | int(rng.integers(0, 2**32))]
            if rng.random() < 0.4:
                sounds.append(int(self.sound_pool[rng.integers(0, len(self.sound_pool))]))
            target = -1
            if rng.random() < 0.6:
                pool = np.flatnonzero(self.role == R_ORGANIC)
                target = int(pool[np.argmax(self.popularity[pool] * rng.random(len(pool)))])
            cell = _Cell(
                cell_id=f"cell-{c + 1}", members=idx, rhythm=str(rhythms[c]), spread=int(spread),
                hashtags=[self.challenge, *own], sounds=sounds, sound_p=float(rng.uniform(0.55, 0.9)),
                templates=templates, distinct_captions=(c == distinct_cell), lookalike=bool(lookalike[c]),
                target=target, mention_p=float(rng.uniform(0.15, 0.5)) if target >= 0 else 0.0,
                participation=float(rng.uniform(0.65, 0.9)), exact_p=float(rng.uniform(0.15, 0.5)),
                follow_p=float(rng.uniform(0.6, 0.95)),
                follower_factor=float(rng.choice([0.15, 0.3, 0.6, 1.0])),
                emojis=[EMOJIS[i] for i in rng.choice(len(EMOJIS), 3, replace=False)],
            )
            if rng.random() < 0.5:
                cell.bio = CELL_BIOS[rng.integers(len(CELL_BIOS))]
            if rng.random() < 0.35:
                cell.bio_url = f"https://{own[0][:10]}.click/"
            if cell.lookalike:
                self._lookalike_names(cell, names, taken, rng)
            self.cells.append(cell)
        self.usernames = names
        for a in range(n):
            if not self.display[a]:
                self.display[a] = self._display_name(names[a], rng)
        for cell in self.cells:
            if cell.lookalike and rng.random() < 0.6:
                stem = names[cell.members[0]].split("_")[0].replace(".", " ").title()
                for a in cell.members:
                    self.display[a] = stem + ("" if rng.random() < 0.5 else " " + cell.emojis[0])

    def _lookalike_names(self, cell: _Cell, names: list[str], taken: dict[str, int],
                         rng: np.random.Generator) -> None:
        """Give a cell's members near-identical usernames (sequential numbers or separator games)."""
        a = str(NAME_WORDS[rng.integers(len(NAME_WORDS))] if rng.random() < 0.5
                else FIRST_NAMES[rng.integers(len(FIRST_NAMES))])
        b = str(NAME_WORDS[rng.integers(len(NAME_WORDS))])
        sequential = rng.random() < 0.6
        base = int(rng.integers(100, 9000))
        for acct in cell.members:
            if sequential:
                base += int(rng.integers(1, 4))
                cand = f"{a}.{b}_{base:04d}"
            else:
                sep = ["", ".", "_", "__", "._"][rng.integers(5)]
                pre = ["", "", "its.", "real.", "the"][rng.integers(5)]
                suf = ["", "x", "_", str(rng.integers(0, 100)), ".official"][rng.integers(5)]
                cand = f"{pre}{a}{sep}{b}{suf}"
            while cand in taken:
                cand = f"{cand}{int(rng.integers(0, 10))}"
            del taken[names[acct]]
            taken[cand] = int(acct)
            names[acct] = cand

    def _display_name(self, username: str, rng: np.random.Generator) -> str:
        r = rng.random()
        core = username.replace("_", " ").replace(".", " ").strip().split(" ")[0]
        core = "".join(ch for ch in core if not ch.isdigit()) or username
        if r < 0.3:
            return username
        if r < 0.65:
            return core.capitalize()
        if r < 0.85:
            return core.capitalize() + " " + EMOJIS[rng.integers(len(EMOJIS))]
        return core.upper()

    # ------------------------------------------------------------------ timing helpers
    def _diurnal_times(self, accts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Posting times in the window following each account's local daily rhythm."""
        n = len(accts)
        day = rng.choice(WINDOW_DAYS, n, p=DAY_P)
        hour = rng.choice(24, n, p=DIURNAL_P)
        local = hour * 3600 + rng.integers(0, 3600, n) + self.shift[accts]
        rel = (day * 86400 + local - self.tz[accts]) % WINDOW_SECONDS
        return WINDOW_START + rel

    def _accept_diurnal(self, t: np.ndarray, accts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Thinning mask: keep a candidate time with probability ∝ the local-hour intensity."""
        local_h = ((t + self.tz[accts] - self.shift[accts]) // 3600) % 24
        return rng.random(len(t)) < DIURNAL[local_h] / DIURNAL.max()

    def _pick_times(self, cand: np.ndarray, accts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """From K candidate times per row (n, K), the first one the diurnal thinning accepts."""
        n, k = cand.shape
        ok = self._accept_diurnal(cand.ravel(), np.repeat(accts, k), rng).reshape(n, k)
        ok &= (cand >= WINDOW_START) & (cand < WINDOW_END)
        first = np.where(ok.any(axis=1), ok.argmax(axis=1), 0)
        t = cand[np.arange(n), first]
        return np.clip(t, WINDOW_START, WINDOW_END - 1)

    # ------------------------------------------------------------------ the plan
    def _plan_posts(self) -> None:
        rng = self.rng
        rows = _Rows()
        n = self.n_acc

        # Coordinated cells: waves of near-simultaneous posts.
        cell_post_counts = np.zeros(n, dtype=np.int64)
        for ci, cell in enumerate(self.cells):
            size = len(cell.members)
            waves = int(rng.integers(4, 13))
            cell.wave_times = self._wave_times(cell, waves, rng)
            a, b = rng.uniform(0.8, 1.5), rng.uniform(1.0, 2.5)
            n_tpl = len(cell.templates)
            for w, wt in enumerate(cell.wave_times):
                p = float(np.clip(cell.participation + rng.normal(0, 0.08), 0.6, 0.95))
                k = int(np.clip(round(p * size), math.ceil(0.6 * size), size - 1))
                order = rng.permutation(cell.members)
                core, rest = order[:k], order[k:]
                offs = np.floor(cell.spread * rng.beta(a, b, k)).astype(np.int64)
                offs[0] = 0  # someone kicks the wave off
                times = [wt + offs]
                accts = [core]
                late = rest[rng.random(len(rest)) < 0.25]  # stragglers, well after the core
                if len(late):
                    extra = np.minimum(rng.exponential(1.5 * cell.spread, len(late)), 3 * cell.spread)
                    times.append(wt + cell.spread + 1 + extra.astype(np.int64))
                    accts.append(late)
                dbl = core[rng.random(k) < 0.08]  # a few post a second take
                if len(dbl):
                    first = (wt + offs)[np.isin(core, dbl)]
                    times.append(first + rng.integers(cell.spread + 30, 3 * cell.spread + 60, len(dbl)))
                    accts.append(dbl)
                t_all = np.concatenate(times)
                a_all = np.concatenate(accts)
                # wave instruction: a subset of the campaign tags, one sound, one template
                tags = [tg for tg in cell.hashtags if rng.random() < 0.8] or [cell.hashtags[0]]
                cell.wave_tags.append(tags)
                if rng.random() < cell.sound_p:
                    cell.wave_sound.append(cell.sounds[0])
                else:
                    cell.wave_sound.append(cell.sounds[-1])
                tpl = min(n_tpl - 1, w * n_tpl // waves)
                cell.wave_template.append(int(rng.integers(n_tpl)) if rng.random() < 0.2 else tpl)
                cell.wave_core.append(k)
                inline_ch = (not cell.distinct_captions
                             and "{ch}" in cell.templates[cell.wave_template[-1]])
                ch = np.full(len(t_all), self.challenge in tags or inline_ch)
                # members occasionally add the challenge tag on their own
                ch |= rng.random(len(t_all)) < 0.15
                rows.add(t_all, a_all, K_CELL, ci, w, ch)
                np.add.at(cell_post_counts, a_all, 1)

        # Challenge adopters: logistic (S-curve) adoption times, diurnally thinned.
        self.ch_mid = WINDOW_START + rng.uniform(2.6, 4.2) * 86400
        self.ch_s = rng.uniform(0.35, 0.55) * 86400
        lo = 1 / (1 + math.exp(-(WINDOW_START - self.ch_mid) / self.ch_s))
        hi = 1 / (1 + math.exp(-(WINDOW_END - self.ch_mid) / self.ch_s))
        # Each adopter posts 1-5 challenge videos, every one timed by the same adoption curve
        # (so the volume, not only the first use, follows the S-curve).
        per = np.minimum(1 + rng.poisson(0.9, len(self.chal_accts)), 5)
        ca = np.repeat(self.chal_accts, per)
        u = rng.uniform(lo, hi, (len(ca), 6))
        cand = (self.ch_mid + self.ch_s * np.log(u / (1 - u))).astype(np.int64)
        rows.add(self._pick_times(cand, ca, rng), ca, K_CHALLENGE, ch=True)

        # Live event: one burst of unrelated accounts, once.
        ev = self.event_spec
        self.event_time = int(WINDOW_START + rng.integers(3, 6) * 86400 + rng.integers(19, 22) * 3600
                              + rng.integers(0, 60) * 60)
        self.event_span = int(rng.uniform(10, 30) * 60)
        cup = str(rng.choice(ev["cups"]))
        a_name, b_name = (str(x) for x in rng.choice(ev["names"], 2, replace=False))
        self.event_tags = [t.format(cup=cup, a=a_name, b=b_name) for t in ev["tags"]]
        self.event_team = a_name
        ea = self.event_accts
        in_burst = rng.random(len(ea)) < 0.85
        offs = np.where(in_burst, self.event_span * rng.beta(1.3, 2.2, len(ea)),
                        self.event_span + np.exp(rng.normal(math.log(7200), 1.0, len(ea))))
        t_ev = np.minimum(self.event_time + offs.astype(np.int64), WINDOW_END - 1)
        rows.add(t_ev, ea, K_EVENT)
        self.event_sound = int(self.sound_pool[rng.integers(5, 60)])

        # Fan community: the idol posts daily, fans post over days, some reacting hours later.
        n_idol = int(rng.integers(7, 13))
        ia = np.full(n_idol, self.idol)
        t_idol = np.sort(self._pick_times(
            WINDOW_START + rng.integers(0, WINDOW_SECONDS, (n_idol, 8)), ia, rng))
        rows.add(t_idol, ia, K_IDOL)
        self.idol_sounds = [int(self.sound_pool[rng.integers(0, 10)]),
                            int((int(rng.integers(WINDOW_START - 40 * 86400, WINDOW_START)) << 32)
                                | int(rng.integers(0, 2**32)))]
        per_fan = np.clip(2 + rng.poisson(4, len(self.fans)), 3, 12)
        fa = np.repeat(self.fans, per_fan)
        react = rng.random(len(fa)) < 0.5
        base = t_idol[rng.integers(0, n_idol, len(fa))]
        t_react = base + 900 + np.exp(rng.normal(math.log(2.5 * 3600), 1.0, len(fa))).astype(np.int64)
        t_own = self._diurnal_times(fa, rng)
        t_fan = np.where(react & (t_react < WINDOW_END), t_react, t_own)
        rows.add(t_fan, fa, K_FAN)

        # Copied meme caption: unrelated accounts over days, mostly once each.
        self.meme_caption = MEMES[rng.integers(len(MEMES))]
        self.meme_origin = int(WINDOW_START + rng.uniform(0.3, 1.5) * 86400)
        ma = self.meme_accts
        lag = np.exp(rng.normal(math.log(1.5 * 86400), 0.7, (len(ma), 6))).astype(np.int64)
        t_meme = self._pick_times(self.meme_origin + lag, ma, rng)
        t_meme[0] = self.meme_origin  # the originator
        twice = rng.random(len(ma)) < 0.12
        t2 = t_meme[twice] + rng.exponential(86400, int(twice.sum())).astype(np.int64) + 3600
        keep = t2 < WINDOW_END
        rows.add(np.concatenate([t_meme, t2[keep]]), np.concatenate([ma, ma[twice][keep]]), K_MEME)

        # News outlets: own schedules, plus coverage of a few stories with lags of minutes to hours.
        nn = len(self.news_accts)
        story_idx = [0] + list(1 + rng.choice(len(NEWS_STORIES) - 1, int(rng.integers(2, 5)), replace=False))
        self.stories = []
        for s in story_idx:
            if s == 0:  # the challenge warning comes once adoption is well under way
                ts = int(self.ch_mid + rng.uniform(0, 1.5) * 86400)
            else:
                ts = int(WINDOW_START + rng.uniform(0.3, 6.7) * 86400)
            self.stories.append((int(s), min(ts, WINDOW_END - 4 * 3600)))
        self.stories.append((-1, self.event_time + 1800))  # outlets also report the event result
        for si, (s, ts) in enumerate(self.stories):
            cover = self.news_accts[rng.random(nn) < 0.75]
            # each desk needs its own time to verify and cut a video: minutes for some, hours for most
            lagn = 600 + np.exp(rng.normal(math.log(75 * 60), 0.9, len(cover))).astype(np.int64)
            t_s = np.minimum(ts + lagn, WINDOW_END - 1)
            rows.add(t_s, cover, K_NEWS_STORY, si, ch=(s == 0))
        rate = rng.uniform(2, 6, nn)
        per = rng.poisson(rate * WINDOW_DAYS)
        na = np.repeat(self.news_accts, per)
        rows.add(self._pick_times(WINDOW_START + rng.integers(0, WINDOW_SECONDS, (len(na), 4)), na, rng),
                 na, K_NEWS)

        # Organic background for everyone (cells' camouflage included), heavy-tailed counts.
        special = rows.build()
        n_special = len(special["t"])
        camo = np.zeros(n, dtype=np.int64)
        for cell in self.cells:
            m = cell.members
            f = rng.uniform(0.3, 0.6, len(m))  # share of a member's videos that are camouflage
            camo[m] = np.round(cell_post_counts[m] * f / (1 - f) + rng.normal(0, 0.7, len(m))).clip(1)
        eligible = (self.role != R_CELL) & (self.role != R_NEWS) & (self.role != R_IDOL)
        pure = self.role == R_ORGANIC
        w = np.minimum(np.exp(rng.normal(0, 1.25, n)), 25.0) * eligible
        n_free = max(0, self.n_target - n_special - int(camo.sum()) - int(pure.sum()))
        counts = rng.multinomial(n_free, w / w.sum()) + pure + camo
        counts[self.idol] += int(rng.integers(1, 4))
        oa = np.repeat(np.arange(n, dtype=np.int32), counts)
        t_org = self._diurnal_times(oa, rng)
        # batch uploads: some consecutive videos of an account come minutes apart
        order = np.lexsort((t_org, oa))
        t_sorted, a_sorted = t_org[order], oa[order]
        same = np.r_[False, a_sorted[1:] == a_sorted[:-1]]
        batch = same & (rng.random(len(oa)) < 0.2)
        t_new = np.r_[t_sorted[:1], t_sorted[:-1]] + np.exp(rng.normal(math.log(300), 0.9, len(oa))).astype(np.int64)
        t_sorted = np.where(batch & (t_new < WINDOW_END), t_new, t_sorted)
        rows.add(t_sorted, a_sorted, K_ORGANIC)

        # Final table, sorted by time (ties by id) as an export would list it.
        p = rows.build()
        total = len(p["t"])
        rand = rng.integers(0, 2**32, total)
        ids = (p["t"] << 32) | rand
        while True:  # ids must be unique; a clash needs the same second and 32 random bits
            _, first_idx, cnt = np.unique(ids, return_index=True, return_counts=True)
            if (cnt == 1).all():
                break
            dup = np.setdiff1d(np.arange(total), first_idx)
            ids[dup] = (p["t"][dup] << 32) | rng.integers(0, 2**32, len(dup))
        order = np.lexsort((ids, p["t"]))
        self.t = p["t"][order]
        self.acct = p["acct"][order]
        self.kind = p["kind"][order]
        self.sub = p["sub"][order]
        self.aux = p["aux"][order]
        self.has_ch = p["ch"][order]
        self.ids = ids[order]
        self.n_videos = total
        self._plan_engagement(rng)

    def _wave_times(self, cell: _Cell, waves: int, rng: np.random.Generator) -> list[int]:
        """Wave start times >= 6 h apart, at hours the operator is awake (its own daily rhythm).

        Uniformly random hours would make "posts at 4 am local" a give-away; drawing the candidates
        from the diurnal model of one member keeps cells on plausible human schedules.
        """
        gap = 6 * 3600
        operator = np.repeat(cell.members[0], 400)
        cand = self._diurnal_times(operator, rng)
        cand = cand[(cand >= WINDOW_START + 3600) & (cand < WINDOW_END - 3 * 3600)]
        chosen: list[int] = []
        for t in cand.tolist():
            if all(abs(t - c) >= gap for c in chosen):
                chosen.append(int(t))
                if len(chosen) == waves:
                    return sorted(chosen)
        # fallback (rare): evenly spaced random slots
        usable = WINDOW_SECONDS - 4 * 3600 - (waves - 1) * gap
        starts = np.sort(rng.uniform(0, usable, waves)) + np.arange(waves) * gap + 3600
        return [int(WINDOW_START + x) for x in starts]

    def _plan_engagement(self, rng: np.random.Generator) -> None:
        n = self.n_videos
        viral = np.where(rng.random(n) < 0.01, rng.uniform(10, 60, n), 1.0)
        views = self.popularity[self.acct] * np.exp(rng.normal(math.log(700), 1.5, n)) * viral
        self.views = (views + rng.integers(0, 50, n)).astype(np.int64)
        self.likes = (self.views * rng.beta(2, 25, n)).astype(np.int64)
        self.comment_counts = (self.likes * rng.beta(1.2, 60, n)).astype(np.int64)
        self.shares = (self.likes * rng.beta(1, 40, n)).astype(np.int64)
        self.favs = (self.likes * rng.beta(1.5, 12, n)).astype(np.int64)
        dur = np.exp(rng.normal(math.log(22), 0.75, n))
        dur[self.kind == K_NEWS] *= 2.5
        self.duration = np.clip(dur, 3, 600).astype(np.int64)

    # ------------------------------------------------------------------ per-video text
    def _pick_head(self, u: list[float], factor: float = 1.0) -> list[str]:
        """The everyday head tags (#fyp, #foryou, ...) a post carries, each by its own share."""
        hp = self.head_p
        return [self.head_tags[j] for j in range(len(hp)) if u[9 + j] < hp[j] * factor]

    def _tags_text(self, tags: list[str], pretty_p: float, u: float) -> str:
        if not tags:
            return ""
        if u < pretty_p:
            return " ".join("#" + _pretty(t) for t in tags)
        return " ".join("#" + t for t in tags)

    def _organic_body(self, wrow: list[int], u: list[float], e: list[int]) -> str:
        """An everyday caption: a slot pattern (or a few loose words), emojis, varied casing."""
        r = u[0]
        if r < 0.12:
            return ""
        if r < 0.2:
            return SHORT_CAPTIONS[int(u[1] * len(SHORT_CAPTIONS))]
        pattern = _PATTERNS[int(u[2] * len(_PATTERNS))]
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

    def _organic_tags(self, a: int, u: np.ndarray, trow: np.ndarray) -> list[str]:
        tags = self._pick_head(u)
        r = u[18]
        k = 0 if r < 0.25 else 1 if r < 0.55 else 2 if r < 0.8 else 3 if r < 0.92 else 4
        for j in range(k):
            idx = self.interests[a, j % 3] if u[19 + j] < 0.55 else trow[j]
            tag = self.vocab[idx]
            if tag not in tags:
                tags.append(tag)
        if len(tags) > 1 and u[23] < 0.5:  # tail tags first for half of the posters
            tags = tags[len(tags) // 2:] + tags[:len(tags) // 2]
        return tags

    def _edit_template(self, tpl: str, u: np.ndarray, e: np.ndarray, cell: _Cell, n: int) -> tuple[str, bool]:
        """A small edit of a template: synonyms, emoji, punctuation, casing. Returns (text, inline_ch)."""
        words = tpl.split(" ")
        out = []
        inline = False
        for j, wd in enumerate(words):
            x = u[(j * 3) % 24]
            if wd == "{ch}":
                inline = True
                out.append("#" + (_pretty(self.challenge) if x < 0.3 else self.challenge))
            elif wd == "{e}":
                if x < 0.15:
                    continue
                em = cell.emojis[int(u[(j + 5) % 24] * 3)] if u[(j + 7) % 24] < 0.75 else EMOJIS[e[1]]
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

    def _video_row(self, i: int, u: np.ndarray, wrow: np.ndarray, trow: np.ndarray, e: np.ndarray,
                   s_idx: int, r32: int, m_idx: int) -> dict[str, Any]:
        """Build one Research API video object for planned row ``i`` from pre-drawn randomness."""
        a = int(self.acct[i])
        k = int(self.kind[i])
        t = int(self.t[i])
        mentions: list[str] = []
        pretty_p = 0.0
        inline: list[str] = []
        sound = int(self.sound_pool[s_idx]) if u[24] > 0.35 else (t << 32) | r32  # else original sound
        if k == K_ORGANIC:
            body = self._organic_body(wrow, u, e)
            tags = self._organic_tags(a, u, trow)
            if u[25] < 0.03:
                mentions.append(self.usernames[m_idx])
        elif k == K_CELL:
            cell = self.cells[int(self.sub[i])]
            w = int(self.aux[i])
            tags = list(cell.wave_tags[w])
            exact = u[91] < cell.exact_p  # a verbatim copy-paste of the wave's instruction
            if exact:
                u = u[:26] + [1.0] * 4 + u[30:]  # no tag drops, no head tags, no reordering
            if u[26] < 0.12 and len(tags) > 1:  # a member drops a tag
                tags.pop(int(u[27] * len(tags)))
            if self.has_ch[i] and self.challenge not in tags:
                tags.insert(0, self.challenge)
            if u[28] < 0.5:  # popular tags for reach, as organic posters do
                tags += self._pick_head(u, 1.5)
            if u[29] < 0.5 and len(tags) > 1:
                tags = tags[1:] + tags[:1]
            if cell.distinct_captions:
                body = self._organic_body(wrow, u, e)
            elif exact:
                tpl = cell.templates[cell.wave_template[w]]
                body = tpl.replace("{ch}", "#" + self.challenge).replace("{e}", cell.emojis[0])
                has_inline = "{ch}" in tpl
                if has_inline:
                    inline = [self.challenge]
            else:
                body, has_inline = self._edit_template(cell.templates[cell.wave_template[w]], u[30:], e, cell, w + 1)
                if has_inline:
                    inline = [self.challenge]
            sound = cell.wave_sound[w] if u[54] < 0.85 else sound
            pretty_p = 0.0 if exact else 0.2
            if cell.target >= 0 and u[55] < cell.mention_p:
                mentions.append(self.usernames[cell.target])
        elif k == K_CHALLENGE:
            if u[26] < 0.1:  # amplification: someone copies a campaign caption
                cell = self.cells[int(u[27] * len(self.cells))]
                body, has_inline = self._edit_template(cell.templates[0], u[30:], e, cell, 1 + int(u[5] * 9))
            else:
                tpl = CHALLENGE_ORGANIC[int(u[27] * len(CHALLENGE_ORGANIC))]
                body = tpl.replace("{e}", EMOJIS[e[0]]).replace("{ch}", "#" + self.challenge)
                if u[28] < 0.5:
                    body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:2 + int(u[2] * 5)])
                has_inline = "{ch}" in tpl
            inline = [self.challenge] if has_inline else []
            tags = [self.challenge] + [v for j, v in enumerate(self.challenge_variants) if u[88 + j] < 0.3]
            tags += self._pick_head(u)
            if u[29] < 0.5:
                sound = self.challenge_sound
            pretty_p = 0.05
        elif k == K_EVENT:
            ev = self.event_spec
            if u[26] < 0.2:
                body = ev["captions"][-1]
            else:
                body = ev["captions"][int(u[27] * len(ev["captions"]))]
                if u[28] < 0.5:
                    body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:1 + int(u[2] * 6)])
            body = body.replace("{e}", EMOJIS[e[0]]).replace("{A}", self.event_team.capitalize())
            tags = [self.event_tags[0]] if u[29] < 0.95 else []
            tags += [tg for tg, x, q in zip(self.event_tags[1:], u[40:43], (0.5, 0.3, 0.3), strict=True) if x < q]
            tags = tags or [self.event_tags[1]]
            tags += self._pick_head(u)
            if u[43] < 0.25:
                sound = self.event_sound
            pretty_p = 0.1
        elif k in (K_FAN, K_IDOL):
            name, ftags, songs = self.idol_spec
            song = songs[int(u[27] * len(songs))]
            if k == K_IDOL:
                body = [f"{song} out now {EMOJIS[e[0]]}", "thank you for everything", "tour diary day "
                        + str(1 + int(u[5] * 9)), f"new era {EMOJIS[e[0]]}", "", "🤍"][int(u[26] * 6)]
            else:
                body = FAN_CAPTIONS[int(u[26] * len(FAN_CAPTIONS))]
                body = body.replace("{idol}", name.split(" ")[0]).replace("{song}", song).replace("{e}", EMOJIS[e[0]])
                if u[28] < 0.6:
                    body += " " + " ".join(ORGANIC_WORDS[j] for j in wrow[:1 + int(u[2] * 8)])
                if u[25] < 0.3:
                    mentions.append(self.usernames[self.idol])
            tags = [tg for j, tg in enumerate(ftags) if u[40 + j] < 0.6] or [ftags[0]]
            tags += self._pick_head(u)
            sound = self.idol_sounds[int(u[43] < 0.3)] if u[44] < 0.7 else sound
            pretty_p = 0.05
        elif k == K_MEME:
            body = self.meme_caption
            r = u[26]
            if r < 0.12:
                body = body.capitalize()
            elif r < 0.22:
                body = body + " " + EMOJIS[e[0]]
            elif r < 0.3:
                body = body.replace(":", "").replace("  ", " ")
            elif r < 0.38:
                body = body + " (part 2)"
            elif r < 0.45:
                body = body.upper()
            tags = self._organic_tags(a, u, trow)
            if u[27] < 0.5:
                tags.append("relatable" if u[28] < 0.5 else "meme")
            tags = list(dict.fromkeys(tags))
        else:  # news
            acct_pref = a % len(NEWS_PREFIXES)
            prefix = NEWS_PREFIXES[acct_pref if u[26] < 0.6 else int(u[27] * len(NEWS_PREFIXES))]
            handle_tag = self.usernames[a].replace(".", "").replace("_", "")
            if k == K_NEWS_STORY:
                s, _ = self.stories[int(self.sub[i])]
                if s < 0:
                    head = self.event_spec["headline"].replace("{A}", self.event_team.capitalize()).replace(
                        "{cup}", self.event_tags[1].capitalize())
                    stags = [self.event_tags[0]]
                else:
                    head, stags = NEWS_STORIES[s]
                    head = head.replace("{ch}", self.challenge_stem + " challenge")
                    stags = [self.challenge if x == "{chtag}" else x for x in stags]
                words = head.split(" ")
                for j, wd in enumerate(words):
                    if wd in NEWS_SYNONYMS and u[30 + j % 20] < 0.3:
                        words[j] = NEWS_SYNONYMS[wd][int(u[50] * len(NEWS_SYNONYMS[wd]))]
                head = " ".join(words)
                tags = ["news"] + [x for x in stags if u[45] < 0.9 or self.has_ch[i]]
            else:
                head = " ".join([NEWS_SUBJECTS[int(u[30] * len(NEWS_SUBJECTS))],
                                 NEWS_VERBS[int(u[31] * len(NEWS_VERBS))],
                                 NEWS_OBJECTS[int(u[32] * len(NEWS_OBJECTS))]])
                tags = ["news"] + ([self.vocab[trow[0]]] if u[33] < 0.4 else [])
            if u[46] < 0.5:
                tags.append("breaking" if u[47] < 0.5 else "newsupdate")
            if u[48] < 0.4:
                tags.append(handle_tag)
            body = " ".join(x for x in (prefix, head, NEWS_SUFFIXES[int(u[49] * len(NEWS_SUFFIXES))]) if x)
            sound = (t << 32) | r32  # outlets use their own audio
        names = list(dict.fromkeys(inline + tags))
        tail = [x for x in names if x not in inline]
        caption = body
        if mentions and u[56] < 0.7:
            caption = (caption + " @" + mentions[0]).strip()
        elif mentions:
            caption = ("@" + mentions[0] + " " + caption).strip()
        tag_text = self._tags_text(tail, pretty_p, u[57])
        if tag_text:
            caption = (caption + " " + tag_text).strip()
        return self._video_object(i, a, t, caption, names, mentions, sound, u, e)

    def _video_object(self, i: int, a: int, t: int, caption: str, names: list[str], mentions: list[str],
                      sound: int, u: np.ndarray, e: np.ndarray) -> dict[str, Any]:
        """Field layout of a Research API video, with realistic omissions and spelling variants."""
        o: dict[str, Any] = {"id": int(self.ids[i]), "create_time": t, "username": self.usernames[a]}
        omit = u[58:64]
        if omit[0] > 0.01:
            o["region_code"] = REGION_CODES[self.region[a]]
        has_names = omit[1] > 0.02 or not caption
        if caption or not has_names or omit[2] > 0.01:
            o["video_description"] = caption
        if has_names:
            o["hashtag_names"] = names
        if omit[3] > 0.01:
            o["music_id"] = sound
        if omit[4] > 0.03:
            o["effect_ids"] = [] if u[64] < 0.7 else [str(100000 + e[2] * 7919 + e[3])]
        if u[65] < 0.5:
            o["playlist_id"] = 0 if u[66] < 0.9 else 7_000_000_000_000_000_000 + int(e[2]) * 1_000_003
        if u[67] < 0.4:
            o["voice_to_text"] = " ".join(ORGANIC_WORDS[int(x * len(ORGANIC_WORDS))] for x in u[68:68 + 4 + int(u[67] * 20)])
        if omit[5] > 0.01:
            o["like_count"] = int(self.likes[i])
            o["comment_count"] = int(self.comment_counts[i])
            o["share_count"] = int(self.shares[i])
            o["view_count"] = int(self.views[i])
        if u[80] > 0.02:
            o["favourites_count" if u[81] < 0.1 else "favorites_count"] = int(self.favs[i])
        if u[82] > 0.02:
            o["video_duration"] = int(self.duration[i])
        if u[83] > 0.03:
            o["video_mention_list"] = list(mentions)
        if u[84] > 0.05:
            o["is_stem_verified"] = bool(u[85] < 0.02)
        if u[86] < 0.05:
            o["video_label"] = {"content": ""}
        if u[87] < 0.2 and names:
            o["hashtag_info_list"] = [{"hashtag_id": self._tag_id(x), "hashtag_name": x,
                                       "hashtag_description": ""} for x in names]
        return o

    # ------------------------------------------------------------------ writers
    def _dump(self, obj: Any) -> str:
        return self.encoder.encode(obj)

    def _log_id(self, rng: np.random.Generator) -> str:
        return "202603" + "".join(f"{x:02X}" for x in rng.integers(0, 256, 13))

    def _err(self, rng: np.random.Generator) -> dict[str, str]:
        return {"code": "ok", "message": "", "log_id": self._log_id(rng)}

    def _render_chunk(self, c0: int) -> dict[str, Any]:
        """JSON text and statistics of rows ``c0 .. c0 + CHUNK_ROWS``; needs no other chunk.

        Runs in the main process or in a forked worker: everything it reads is the finished plan,
        and its randomness comes from its own ``[seed, 101, chunk]`` stream.
        """
        n, n_page = self.n_videos, self._n_page
        c1 = min(n, c0 + CHUNK_ROWS)
        m = c1 - c0
        crng = np.random.default_rng([self.seed, 101, c0 // CHUNK_ROWS])
        # all randomness of a chunk drawn at once, as Python lists (fast per-row access)
        U = crng.random((m, 96)).tolist()
        W = np.searchsorted(self.word_cdf, crng.random((m, 14))).tolist()
        T = np.searchsorted(self.vocab_cdf, crng.random((m, 5))).tolist()
        E = crng.integers(0, len(EMOJIS), (m, 4)).tolist()
        S = np.searchsorted(self.sound_cdf, crng.random(m)).tolist()
        R = crng.integers(0, 2**32, m).tolist()
        M = crng.integers(0, self.n_acc, m).tolist()
        need = self.need_obj[c0:c1].tolist()
        dup_src = self._dup_src
        dump = self._dump
        lines: list[str | None] = []
        page_objs: dict[int, dict[str, Any]] = {}
        dups: dict[int, Any] = {}
        reposts: dict[int, dict[str, Any]] = {}
        tags: dict[str, None] = {}
        sounds: dict[int, None] = {}
        links = mentions = 0
        for j in range(m):
            i = c0 + j
            obj = self._video_row(i, U[j], W[j], T[j], E[j], S[j], R[j], M[j])
            names = obj.get("hashtag_names")
            if names is None:  # the caption carries the tags when the list is missing
                names = self._caption_tags(obj.get("video_description", ""))
            links += len(names)
            for x in names:
                tags[x] = None
            if "music_id" in obj:
                sounds[obj["music_id"]] = None
            mentions += len(obj.get("video_mention_list", ()))
            if need[j]:
                reposts[i] = {key: obj[key] for key in (
                    "id", "create_time", "username", "video_description", "hashtag_names", "music_id")
                    if key in obj}
            if i in dup_src:
                # the later export saw the video again, after it had gathered more engagement
                d = dict(obj)
                for key in ("like_count", "view_count", "share_count", "comment_count"):
                    if key in d:
                        d[key] = int(d[key] * crng.uniform(1.05, 1.6)) + 1
                if "like_count" not in d:
                    d["like_count"] = int(self.likes[i] * 1.2) + 1
                dups[i] = d if i < n_page else dump(d)
            if i < n_page:
                page_objs[i] = obj
                lines.append(None)
            else:
                lines.append(dump(obj))
        return {"lines": lines, "page_objs": page_objs, "dups": dups, "reposts": reposts,
                "tags": list(tags), "sounds": list(sounds), "links": links, "mentions": mentions}

    def _write_videos(self) -> None:
        """Stream every planned video to disk: two API pages, then JSON-lines files.

        Large incidents render chunks in forked worker processes (the text is ~85% of the run
        time); results come back in order and are written by this process alone, so the bytes
        are the same either way.
        """
        vdir = self.out / "videos"
        vdir.mkdir(parents=True, exist_ok=True)
        n = self.n_videos
        rng = np.random.default_rng([self.seed, 11])
        # Duplicates (an overlapping export): page 2 repeats page 1's tail; a few later rows repeat.
        n_page = self._n_page = min(PAGE_VIDEOS, n)
        half = n_page // 2
        page_dups = list(range(max(0, half - PAGE_OVERLAP), half))
        n_dup = max(5, int(round(0.003 * n)))
        later = np.sort(rng.choice(np.arange(n_page, n), min(n_dup, max(0, n - n_page - 1)), replace=False))
        self._dup_src: dict[int, int] = dict.fromkeys(page_dups, -1)  # original row -> re-emit row
        for r in later:
            self._dup_src[int(r)] = int(min(n - 1, r + rng.integers(200, 5000)))
        self.need_obj = np.zeros(n, dtype=bool)  # rows whose object the repost lists need
        self._plan_reposts()
        self.repost_objs: dict[int, dict[str, Any]] = {}
        pending: dict[int, list[str]] = {}
        hashtag_links = mentions = 0
        tag_set: dict[str, None] = {}
        sound_set: dict[int, None] = {}
        page_rows: list[dict[str, Any]] = []
        page_dup_objs: list[dict[str, Any]] = []
        state = {"file_no": 0, "in_file": 0, "rows": 0}
        fh: Any = None
        buf: list[str] = []
        n_dup_rows = 0

        def emit(line: str) -> None:
            nonlocal fh, buf
            if fh is None or state["in_file"] >= MAX_LINES_PER_FILE:
                if fh is not None:
                    fh.write("\n".join(buf) + "\n")
                    buf = []
                    fh.close()
                state["file_no"] += 1
                name = f"videos/videos-{state['file_no']:05d}.jsonl"
                self.files.append(name)
                fh = open(self.out / name, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
                state["in_file"] = 0
            buf.append(line)
            state["in_file"] += 1
            state["rows"] += 1

        starts = list(range(0, n, CHUNK_ROWS))
        workers = min(4, os.cpu_count() or 1)
        parallel = (n >= PARALLEL_MIN_VIDEOS and workers > 1
                    and "fork" in multiprocessing.get_all_start_methods())
        global _WORKER
        pool = None
        if parallel:
            _WORKER = self
            pool = multiprocessing.get_context("fork").Pool(workers)
            results = pool.imap(_render_in_worker, starts)
        else:
            results = (self._render_chunk(c0) for c0 in starts)
        try:
            for c0, res in zip(starts, results, strict=True):
                hashtag_links += res["links"]
                mentions += res["mentions"]
                tag_set.update(dict.fromkeys(res["tags"]))
                sound_set.update(dict.fromkeys(res["sounds"]))
                self.repost_objs.update(res["reposts"])
                for i, d in res["dups"].items():
                    if i < n_page:
                        page_dup_objs.append(d)
                    else:
                        pending.setdefault(self._dup_src[i], []).append(d)
                for j, line in enumerate(res["lines"]):
                    i = c0 + j
                    if line is None:  # one of the first rows: they go to the two pages
                        page_rows.append(res["page_objs"][i])
                        if i == n_page - 1:
                            self._write_pages(vdir, page_rows[:half], page_dup_objs + page_rows[half:], rng)
                            state["rows"] += len(page_rows) + len(page_dup_objs)
                            n_dup_rows += len(page_dup_objs)
                        continue
                    emit(line)
                    for d in pending.pop(i, []):
                        emit(d)
                        n_dup_rows += 1
                if fh is not None and buf:
                    fh.write("\n".join(buf) + "\n")
                    buf = []
                self.progress("videos", min(n, c0 + CHUNK_ROWS), n)
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
                _WORKER = None
            if fh is not None:
                fh.close()
        self.counts.update(videos=n, video_rows=state["rows"], duplicate_video_rows=n_dup_rows,
                           hashtag_links=hashtag_links, mentions=mentions, hashtags=len(tag_set),
                           sounds=len(sound_set), video_files=state["file_no"],
                           video_pages=2 if n_page else 0)

    @staticmethod
    def _caption_tags(caption: str) -> list[str]:
        """Hashtags as a reader finds them in a caption ("#Tag!!" is the tag "tag")."""
        return list(dict.fromkeys(t.lower() for t in _TAG_RE.findall(caption)))

    def _write_pages(self, vdir: Path, first: list[dict[str, Any]], second: list[dict[str, Any]],
                     rng: np.random.Generator) -> None:
        search_id = "".join(f"{x:02x}" for x in rng.integers(0, 256, 16))
        for k, (rows, more) in enumerate(((first, True), (second, False)), start=1):
            cursor = len(first) if k == 1 else len(first) + len(second)
            body = {"data": {"videos": rows, "cursor": cursor, "has_more": more, "search_id": search_id},
                    "error": self._err(rng)}
            name = f"videos/page-{k:05d}.json"
            (self.out / name).write_text(self._dump(body) + "\n", encoding="utf-8")
            self.files.append(name)

    # ------------------------------------------------------------------ users
    def _challenge_users(self) -> np.ndarray:
        mask = np.zeros(self.n_acc, dtype=bool)
        mask[self.acct[self.has_ch]] = True
        return mask

    def _sample_accounts(self, rng: np.random.Generator, p_high: float, budget: int) -> np.ndarray:
        """Accounts an investigator pulled: most challenge-tag users, a random share of the rest.

        The choice depends only on what is visible (use of the incident's hashtag), not on the
        ground-truth label, so "has a following list" is no give-away.
        """
        hot = self._challenge_users()
        p_low = min(0.4, budget / self.n_acc)
        p = np.where(hot, p_high, p_low)
        return np.flatnonzero(rng.random(self.n_acc) < p)

    def _log_ids(self, rng: np.random.Generator, n: int) -> list[str]:
        """``n`` API log ids at once (drawing them one by one was a hot spot at scale 100)."""
        raw = rng.integers(0, 256, (n, 13), dtype=np.uint8).tobytes()
        return ["202603" + raw[k * 13:(k + 1) * 13].hex().upper() for k in range(n)]

    def _write_user_info(self) -> None:
        """One ``user_info`` wrapper per account (a random ~6% are missing, as deleted/private)."""
        rng = np.random.default_rng([self.seed, 21])
        n = self.n_acc
        include = rng.random(n) < USER_INFO_COVERAGE
        in_window = np.bincount(self.acct, minlength=n)
        followers = self.popularity * np.exp(rng.normal(math.log(400), 1.4, n))
        following = np.exp(rng.normal(math.log(180), 1.0, n))
        likes_mult = np.exp(rng.normal(2.0, 1.0, n))
        extra_videos = np.exp(rng.normal(3.0, 1.3, n))
        uu = rng.random((n, 10)).tolist()
        bio_pick = rng.integers(0, len(BIO_BANK), n).tolist()
        avatar_hex = rng.integers(0, 2**63, n).tolist()
        log_ids = self._log_ids(rng, n)
        self.follower_weight = followers.copy()
        cells = {a: self.cells[int(self.group[a])] for a in np.flatnonzero(self.role == R_CELL).tolist()}
        for a, cell in cells.items():
            followers[a] *= cell.follower_factor
            following[a] *= 1.0 + 2.0 * uu[a][9]
        out = _LineWriter(self.out / "users" / "user_info.jsonl")
        for a in np.flatnonzero(include).tolist():
            role = self.role[a]
            fol = float(followers[a])
            u = uu[a]
            bio = BIO_BANK[bio_pick[a]] if u[0] < 0.75 else ""
            url = f"https://linktr.ee/{self.usernames[a]}" if u[1] < 0.12 else ""
            avatar = (DEFAULT_AVATAR if u[2] < 0.05 else
                      "https://p16-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/"
                      f"{avatar_hex[a]:016x}~tplv-tiktokx-cropcenter:168:168.jpeg")
            if role == R_CELL:
                cell = cells[a]
                if cell.bio and u[3] < 0.8:  # shared bio, sometimes lightly reworded
                    bio = cell.bio if u[4] < 0.6 else cell.bio.replace(" | ", " ").lower()
                if cell.bio_url and u[5] < 0.7:
                    url = cell.bio_url + self.usernames[a]
                if cell.follower_factor < 0.5 and u[6] < 0.3:
                    avatar = DEFAULT_AVATAR
            elif role == R_NEWS:
                bio = "News you can trust. Updates every day."
                url = f"https://{self.usernames[a].replace('.', '')}.com"
            elif role == R_IDOL:
                bio = f"new album out now {self.idol_spec[2][0]} 🤍"
            verified = ((role in (R_IDOL, R_NEWS) and u[7] < 0.85)
                        or (fol > 200_000 and u[8] < 0.5) or u[8] < 0.004)
            data = {
                "display_name": self.display[a], "bio_description": bio, "avatar_url": avatar,
                "is_verified": bool(verified), "follower_count": int(fol),
                "following_count": int(following[a]), "likes_count": int(fol * likes_mult[a]),
                "video_count": int(in_window[a] + extra_videos[a]), "bio_url": url,
            }
            out.write(self._dump({
                "endpoint": "user_info", "username": self.usernames[a],
                "response": {"data": data, "error": {"code": "ok", "message": "", "log_id": log_ids[a]}}}))
        out.close()
        self.files.append("users/user_info.jsonl")
        self.counts["user_info"] = out.lines

    def _write_following(self) -> None:
        rng = np.random.default_rng([self.seed, 31])
        n = self.n_acc
        sampled = self._sample_accounts(rng, 0.9, 12_000)
        fw = np.asarray(self.follower_weight, dtype=float) ** 0.8
        pop_cdf = np.cumsum(fw) / fw.sum()
        comm_order = np.argsort(self.community, kind="stable")
        comm_start = np.searchsorted(self.community[comm_order], np.arange(self.community.max() + 2))
        sister = {}
        if self.n_cells >= 2 and rng.random() < 0.6:  # two cells of one operation know each other
            c1, c2 = (int(x) for x in rng.choice(self.n_cells, 2, replace=False))
            sister = {c1: c2, c2: c1}
        total = 0
        entry_json: list[str | None] = [None] * n
        dump = self._dump
        out = _LineWriter(self.out / "users" / "following.jsonl")
        for a in sampled.tolist():
            role = self.role[a]
            k = int(np.clip(np.exp(rng.normal(math.log(25), 1.0)), 1, 200))
            chosen: dict[int, None] = {}
            if role == R_CELL:
                cell = self.cells[int(self.group[a])]
                mates = cell.members[rng.random(len(cell.members)) < cell.follow_p]
                chosen.update(dict.fromkeys(int(x) for x in mates))
                if int(self.group[a]) in sister:
                    other = self.cells[sister[int(self.group[a])]].members
                    chosen.update(dict.fromkeys(int(x) for x in other[rng.random(len(other)) < 0.15]))
                k = int(rng.integers(3, 30))
            elif role == R_FAN:
                if rng.random() < 0.97:
                    chosen[self.idol] = None
                chosen.update(dict.fromkeys(int(x) for x in self.fans[rng.random(len(self.fans)) < 0.08]))
            elif role == R_NEWS:
                chosen.update(dict.fromkeys(int(x) for x in self.news_accts[rng.random(len(self.news_accts)) < 0.35]))
            c = self.community[a]
            lo, hi = comm_start[c], comm_start[c + 1]
            n_comm = rng.binomial(k, 0.35)
            n_pop = rng.binomial(k - n_comm, 0.55)
            picks = [comm_order[rng.integers(lo, hi, n_comm)] if hi > lo else np.empty(0, dtype=np.int64),
                     np.searchsorted(pop_cdf, rng.random(n_pop)),
                     rng.integers(0, n, k - n_comm - n_pop)]
            for arr in picks:
                chosen.update(dict.fromkeys(int(x) for x in arr))
            chosen.pop(a, None)
            ids = list(chosen)
            ids = [ids[j] for j in rng.permutation(len(ids)).tolist()]
            # Assembled from cached per-account JSON snippets: the same bytes the encoder would
            # write for the nested dicts, without building 10^6 of them at scale 100.
            parts = []
            for j in ids:
                snip = entry_json[j]
                if snip is None:
                    snip = entry_json[j] = dump({"display_name": self.display[j], "username": self.usernames[j]})
                parts.append(snip)
            total += len(ids)
            out.write('{"endpoint":"user_following","username":' + dump(self.usernames[a])
                      + ',"response":{"data":{"user_following":[' + ",".join(parts) + '],"cursor":'
                      + str(len(ids)) + ',"has_more":false},"error":' + dump(self._err(rng)) + "}}")
        out.close()
        self.files.append("users/following.jsonl")
        self.counts.update(following_lists=out.lines, follows=total)

    def _plan_reposts(self) -> None:
        """Choose repost lists (row indices) before the text exists, so the rows can be captured."""
        rng = np.random.default_rng([self.seed, 41])
        sampled = self._sample_accounts(rng, 0.8, 10_000)
        top_n = max(50, self.n_videos // 100)
        top = np.argsort(-self.views, kind="stable")[:top_n]
        top_w = self.views[top].astype(float) ** 0.7
        top_cdf = np.cumsum(top_w) / top_w.sum()
        cell_rows = {c: np.flatnonzero((self.kind == K_CELL) & (self.sub == c)) for c in range(self.n_cells)}
        idol_rows = np.flatnonzero(self.kind == K_IDOL)
        self.repost_plan: list[tuple[int, list[int]]] = []
        for a in sampled:
            a = int(a)
            role = self.role[a]
            picks: list[int] = []
            if role == R_CELL:
                rows = cell_rows[int(self.group[a])]
                rows = rows[self.acct[rows] != a]
                kk = int(rng.integers(3, 16))
                if len(rows):
                    picks += [int(x) for x in rows[rng.integers(0, len(rows), int(kk * 0.8))]]
                picks += [int(top[j]) for j in np.searchsorted(top_cdf, rng.random(kk - int(kk * 0.8)))]
            else:
                kk = int(rng.geometric(0.35)) - 1
                if role == R_FAN and len(idol_rows):
                    picks += [int(x) for x in idol_rows[rng.integers(0, len(idol_rows), int(rng.integers(1, 6)))]]
                picks += [int(top[j]) for j in np.searchsorted(top_cdf, rng.random(kk))]
            picks = [p for p in dict.fromkeys(picks) if self.acct[p] != a]
            self.repost_plan.append((a, picks))
            self.need_obj[picks] = True

    def _write_reposts(self) -> None:
        rng = np.random.default_rng([self.seed, 42])
        out = _LineWriter(self.out / "users" / "reposts.jsonl")
        total = 0
        for a, picks in self.repost_plan:
            vids = [self.repost_objs[p] for p in picks]
            total += len(vids)
            body = {"data": {"reposted_videos": vids, "cursor": len(vids), "has_more": False},
                    "error": self._err(rng)}
            out.write(self._dump({"endpoint": "reposted_videos", "username": self.usernames[a],
                                  "response": body}))
        out.close()
        self.files.append("users/reposts.jsonl")
        self.counts.update(repost_lists=out.lines, reposts=total)

    # ------------------------------------------------------------------ comments
    def _write_comments(self) -> None:
        rng = np.random.default_rng([self.seed, 51])
        cdir = self.out / "comments"
        cdir.mkdir(parents=True, exist_ok=True)
        target = min(int(round(0.5 * self.n_videos)), MAX_COMMENTS)
        cand = np.flatnonzero(self.comment_counts > 0)
        per = np.zeros(0, dtype=np.int64)
        rows = cand[:0]
        if len(cand) and target:
            w = np.sqrt(self.comment_counts[cand].astype(float))
            keys = np.log(rng.random(len(cand))) / w  # weighted sampling without replacement
            n_s = min(len(cand), max(1, target // 2))
            rows = np.sort(cand[np.argpartition(-keys, n_s - 1)[:n_s]])
            per = np.minimum(self.comment_counts[rows], 1 + rng.poisson(1.2, n_s))
            cum = np.cumsum(per)
            if cum[-1] > target:  # trim to the cap, keeping whole videos first
                cut = int(np.searchsorted(cum, target))
                per = per[:cut + 1]
                per[-1] -= cum[cut] - target
                rows = rows[:cut + 1]
        vid_row = np.repeat(rows, per)
        nc = len(vid_row)
        ct = self.t[vid_row] + 30 + np.exp(rng.normal(math.log(3 * 3600), 1.3, nc)).astype(np.int64)
        ct = np.minimum(ct, WINDOW_END + 3 * 86400)
        order = np.lexsort((ct, vid_row))
        vid_row, ct = vid_row[order], ct[order]
        cids = (ct << 32) | rng.integers(0, 2**32, nc)
        first = np.searchsorted(vid_row, vid_row)  # first comment position of each video
        posn = np.arange(nc)
        is_reply = (posn > first) & (rng.random(nc) < 0.2)
        parent_pos = first + (rng.random(nc) * (posn - first)).astype(np.int64)
        parent_pos = np.where(is_reply, parent_pos, -1)
        reply_counts = np.bincount(parent_pos[is_reply], minlength=nc)
        likes = np.floor(np.exp(rng.normal(0, 1.6, nc)) - 0.5).clip(0).astype(np.int64)
        texts = rng.integers(0, len(COMMENT_TEXTS), nc)
        extra = rng.random(nc)
        words = np.searchsorted(self.word_cdf, rng.random((nc, 4)))
        n_files = 0
        for f0 in range(0, max(nc, 1), COMMENTS_PER_FILE):
            f1 = min(nc, f0 + COMMENTS_PER_FILE)
            comments = []
            for j in range(f0, f1):
                vr = int(vid_row[j])
                text = COMMENT_TEXTS[texts[j]]
                if extra[j] < 0.35:
                    text = " ".join(ORGANIC_WORDS[x] for x in words[j]) + " " + text
                comments.append({
                    "id": int(cids[j]), "video_id": int(self.ids[vr]), "text": text,
                    "like_count": int(likes[j]), "reply_count": int(reply_counts[j]),
                    "parent_comment_id": int(cids[parent_pos[j]]) if is_reply[j] else int(self.ids[vr]),
                    "create_time": int(ct[j]),
                })
            n_files += 1
            body = {"data": {"comments": comments, "cursor": f1, "has_more": f1 < nc},
                    "error": self._err(rng)}
            name = f"comments/comments-{n_files:05d}.json"
            (self.out / name).write_text(self._dump(body) + "\n", encoding="utf-8")
            self.files.append(name)
        self.counts.update(comments=nc, comment_files=n_files)

    # ------------------------------------------------------------------ ground truth
    def _ground_truth(self) -> dict[str, Any]:
        u = self.usernames
        cells = []
        for cell in self.cells:
            cells.append({
                "cell_id": cell.cell_id,
                "accounts": [u[a] for a in cell.members],
                "size": len(cell.members),
                "hashtags": cell.hashtags,
                "sounds": cell.sounds,
                "caption_templates": [] if cell.distinct_captions else [
                    t.replace("{ch}", "#" + self.challenge).replace("{e}", cell.emojis[0]) for t in cell.templates],
                "waves": len(cell.wave_times),
                "rhythm": cell.rhythm,
                "spread_seconds": cell.spread,
                "wave_times": [_iso(t) for t in cell.wave_times],
                "wave_start_ts": cell.wave_times,
                "wave_core_posters": cell.wave_core,
                "participation": round(cell.participation, 3),
                "distinct_captions": cell.distinct_captions,
                "lookalike_usernames": cell.lookalike,
                "mention_target": u[cell.target] if cell.target >= 0 else None,
            })
        benign = {
            "event_burst": [u[a] for a in self.event_accts],
            "fan_community": [u[self.idol]] + [u[a] for a in self.fans],
            "meme_copiers": [u[a] for a in self.meme_accts],
            "news_accounts": [u[a] for a in self.news_accts],
            "challenge_organic": [u[a] for a in self.chal_accts],
        }
        details = {
            "event_burst": {"type": self.event_spec["type"], "hashtags": self.event_tags,
                            "start": _iso(self.event_time), "start_ts": self.event_time,
                            "burst_seconds": self.event_span},
            "fan_community": {"idol": u[self.idol], "hashtags": self.idol_spec[1], "sounds": self.idol_sounds},
            "meme_copiers": {"caption": self.meme_caption, "origin": _iso(self.meme_origin)},
            "news_accounts": {"stories": [{"time": _iso(ts), "story": ("event result" if s < 0 else
                                          NEWS_STORIES[s][0].replace("{ch}", self.challenge_stem + " challenge"))}
                                          for s, ts in self.stories]},
            "challenge_organic": {"midpoint": _iso(int(self.ch_mid)), "scale_hours": round(self.ch_s / 3600, 2),
                                  "sound": self.challenge_sound},
        }
        self.counts.update(accounts=self.n_acc, cells=len(cells),
                           cell_accounts=int(sum(len(c.members) for c in self.cells)),
                           cell_videos=int((self.kind == K_CELL).sum()))
        return {
            "seed": self.seed, "scale": self.scale,
            "window": {"start": _iso(WINDOW_START), "end": _iso(WINDOW_END),
                       "start_ts": WINDOW_START, "end_ts": WINDOW_END},
            "challenge_hashtags": self.challenge_tags,
            "cells": cells, "benign": benign, "benign_details": details,
            "counts": dict(self.counts),
        }

    # ------------------------------------------------------------------ run
    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        self.progress("plan", 0, 1)
        self._build_vocab()
        self._build_accounts()
        self._plan_posts()
        self.progress("plan", 1, 1)
        self._write_videos()
        self.progress("users", 0, 3)
        self._write_user_info()
        self.progress("users", 1, 3)
        self._write_following()
        self.progress("users", 2, 3)
        self._write_reposts()
        self.progress("users", 3, 3)
        self._write_comments()
        self.progress("comments", 1, 1)
        gt = self._ground_truth()
        gt_path = self.out / "ground_truth.json"
        gt_path.write_text(json.dumps(gt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.files.append("ground_truth.json")
        self.progress("ground_truth", 1, 1)
        return {"out_dir": str(self.out), "seed": self.seed, "scale": self.scale,
                "counts": dict(self.counts), "files": sorted(self.files), "ground_truth": str(gt_path)}


_WORKER: _Generator | None = None  # the generator a forked worker renders for (set before fork)


def _render_in_worker(c0: int) -> dict[str, Any]:
    assert _WORKER is not None
    return _WORKER._render_chunk(c0)


def generate_incident(out_dir: Path, seed: int, scale: float = 1.0,
                      progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Write a synthetic incident (TikTok Research API format) and its ground truth to ``out_dir``.

    ``scale`` 1.0 makes about 10,000 videos by about 2,000 accounts; the volume grows linearly
    with ``scale`` (100 gives about a million videos), group sizes grow mildly. The same
    ``(seed, scale)`` always gives byte-identical files. ``progress``, if given, is called as
    ``progress(stage, done, total)`` with stages ``plan``, ``videos``, ``users``, ``comments``,
    ``ground_truth``.

    Returns a summary: ``counts`` (the same numbers as ``ground_truth.json``), ``files`` (paths
    relative to ``out_dir``) and ``ground_truth`` (its path).
    """
    return _Generator(Path(out_dir), seed, scale, progress).run()
