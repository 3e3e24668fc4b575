"""Text banks and the per-incident vocabulary: names, words, caption grammar, tags, sounds.

The banks are shared by every part of the model (organic posters, cells, look-alikes); banks
used by one look-alike class alone live in that class's module. :func:`build_vocab` draws the
incident's own vocabulary from them: the harmful challenge, the topic tags with their Zipf
popularity and the sound pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from samples.window import WINDOW_START

if TYPE_CHECKING:
    from samples.state import Incident

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



def zipf_cdf(n: int, exponent: float) -> np.ndarray:
    """Cumulative Zipf(exponent) probabilities over ranks 1..n, for searchsorted sampling."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    c = np.cumsum(w)
    return c / c[-1]


def build_vocab(g: Incident) -> None:
    """Draw the incident's challenge, topic vocabulary (Zipf-Mandelbrot ranked) and sound pool."""
    rng = g.rng
    g.challenge_stem, g.challenge = CHALLENGES[rng.integers(len(CHALLENGES))]
    variants = [g.challenge_stem, g.challenge + "2026", g.challenge_stem + "trend"]
    g.challenge_variants = [variants[i] for i in sorted(rng.choice(3, 2, replace=False))]
    g.challenge_tags = [g.challenge, *g.challenge_variants]

    # Everyday topic vocabulary: base topics plus compounds, ordered by a random Zipf rank.
    v_size = max(300, int(round(1500 * g.scale ** 0.4)))
    vocab: dict[str, None] = dict.fromkeys(TOPICS)
    while len(vocab) < v_size:
        a = TOPICS[rng.integers(len(TOPICS))]
        if rng.random() < 0.7:
            b = TOPIC_SUFFIXES[rng.integers(len(TOPIC_SUFFIXES))]
        else:
            b = TOPICS[rng.integers(len(TOPICS))]
        if a != b:
            vocab[a + b] = None
    reserved = {g.challenge_stem}
    words = [w for w in vocab if not any(w.startswith(r) for r in reserved)]
    # Popularity ranks: base topics mostly lead, compounds mostly fill the long tail.
    is_base = np.array([w in TOPICS for w in words])
    key = np.where(is_base, rng.uniform(0, 1, len(words)), rng.uniform(0.3, 6, len(words)))
    g.vocab = [words[i] for i in np.argsort(key, kind="stable")]
    # Zipf-Mandelbrot: the top topic tag ends up on a few % of videos, not on a sixth
    w = 1.0 / (np.arange(1, len(g.vocab) + 1) + 8.0) ** 1.0
    g.vocab_cdf = np.cumsum(w) / w.sum()
    g.head_tags = [t for t, _ in HEAD_TAGS]
    g.head_p = [p for _, p in HEAD_TAGS]
    g.word_cdf = zipf_cdf(len(ORGANIC_WORDS), 0.9)
    # the most frequent words should be function words, so keep the list order for the head

    # Sound pool: 19-digit snowflake-like ids (creation second << 32 | random), Zipf popular.
    n_sounds = max(400, int(round(1500 * g.scale ** 0.6)))
    created = rng.integers(1_560_000_000, WINDOW_START - 86400, n_sounds)
    g.sound_pool = (created.astype(np.int64) << 32) | rng.integers(0, 2**32, n_sounds)
    g.sound_cdf = zipf_cdf(n_sounds, 1.0)
    g.sound_list = g.sound_pool.tolist()
    # Special sounds are ranked pool members so they look like any other sound id.
    g.challenge_sound = int(g.sound_pool[rng.integers(3, 15)])
