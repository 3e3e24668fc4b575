"""Hashtag vocabularies: head tags per language, topic tags, place tags, emoji.

Tags are written as people type them (mixed case, some accents); readers normalise them.
"""

from __future__ import annotations

HEAD_TAGS: dict[str, list[str]] = {
    "en": ["fyp", "foryou", "foryoupage", "viral", "fy", "trending", "xyzbca", "fypシ", "explore",
           "tiktok", "fypage", "viralvideo", "blowthisup", "relatable"],
    "es": ["fyp", "parati", "viral", "paratii", "foryou", "tendencia", "fypシ", "xyzbca", "humor"],
    "pt": ["fyp", "foryou", "paravocê", "viral", "fypシ", "viralizou", "brasil", "tiktokbrasil"],
    "fr": ["fyp", "pourtoi", "pourtoii", "viral", "foryou", "fypシ", "tiktokfrance"],
    "de": ["fyp", "fürdich", "foryou", "viral", "fypシ", "deutschland", "trend"],
    "id": ["fyp", "fypシ", "foryou", "viral", "xyzbca", "fypdongggggggg", "masukberanda", "fyppp"],
    "tl": ["fyp", "foryou", "viral", "fypシ", "pinoy", "trending", "xyzbca", "fypage"],
    "ar": ["fyp", "اكسبلور", "explore", "viral", "foryou", "ترند", "fypシ"],
    "tr": ["fyp", "keşfet", "keşfetteyiz", "viral", "foryou", "fypシ", "keşfetbeniöneçıkar"],
    "ja": ["fyp", "おすすめ", "おすすめにのりたい", "バズれ", "foryou", "tiktok"],
}

TOPICS = ["comedy", "food", "fitness", "beauty", "fashion", "gaming", "football", "music",
          "dance", "pets", "travel", "diy", "cars", "school", "relationships", "books", "tech",
          "parenting", "motivation", "pranks"]

TOPIC_TAGS: dict[str, list[str]] = {
    "comedy": ["comedy", "funny", "meme", "skit", "humor", "lol", "funnyvideos", "joke", "sketch",
               "comedyskit", "memes", "relatable", "pov"],
    "food": ["food", "foodtok", "recipe", "cooking", "easyrecipe", "foodie", "baking", "dinner",
             "mukbang", "asmrfood", "streetfood", "lunch", "healthyrecipes", "airfryer"],
    "fitness": ["fitness", "gym", "gymtok", "workout", "fitnessmotivation", "legday", "cardio",
                "bodybuilding", "running", "pilates", "fitcheck", "gymrat"],
    "beauty": ["makeup", "skincare", "beauty", "makeuptutorial", "grwm", "nails", "hair",
               "skincareroutine", "glowup", "lipcombo", "makeuphacks", "selfcare"],
    "fashion": ["fashion", "ootd", "outfit", "style", "outfitinspo", "thrift", "haul",
                "streetwear", "fashiontok", "outfitideas", "vintage"],
    "gaming": ["gaming", "gamer", "fortnite", "minecraft", "valorant", "roblox", "callofduty",
               "gamingclips", "ps5", "xbox", "fifa", "genshin", "twitch", "pcgaming"],
    "football": ["football", "soccer", "futbol", "goal", "skills", "premierleague", "laliga",
                 "messi", "ronaldo", "footballtiktok", "championsleague", "fútbol", "edit"],
    "music": ["music", "singing", "cover", "newmusic", "guitar", "song", "piano", "rap",
              "musician", "originalsong", "producer", "vocals"],
    "dance": ["dance", "dancechallenge", "dancer", "choreography", "dancetrend", "dancevideo",
              "kpop", "danceteam", "tutorial"],
    "pets": ["dog", "cat", "pets", "dogsoftiktok", "catsoftiktok", "puppy", "kitten", "petlover",
             "dogtok", "cattok", "animals"],
    "travel": ["travel", "traveltok", "vacation", "beach", "wanderlust", "traveling", "roadtrip",
               "hiddengems", "explorepage", "nature", "sunset"],
    "diy": ["diy", "crafts", "homedecor", "organization", "cleantok", "lifehacks", "renovation",
            "woodworking", "cleaning", "satisfying", "restock"],
    "cars": ["cars", "carsoftiktok", "cartok", "jdm", "bmw", "supercar", "carspotting",
             "drift", "mechanic", "motorcycle"],
    "school": ["school", "studytok", "college", "student", "exam", "studywithme", "teacher",
               "highschool", "university", "finals", "backtoschool"],
    "relationships": ["couple", "relationship", "love", "boyfriend", "girlfriend", "couplegoals",
                      "dating", "crush", "besties", "friendship", "bff"],
    "books": ["booktok", "books", "reading", "bookish", "bookrecommendations", "romancebooks",
              "fantasybooks", "bookworm"],
    "tech": ["tech", "iphone", "techtok", "android", "ai", "gadgets", "setup", "coding",
             "apple", "techtips", "chatgpt"],
    "parenting": ["momlife", "parenting", "momtok", "dadlife", "baby", "toddler", "family",
                  "momsoftiktok", "newborn", "kids"],
    "motivation": ["motivation", "mindset", "selfimprovement", "success", "quotes", "hustle",
                   "discipline", "inspiration", "affirmations", "healing"],
    "pranks": ["prank", "challenge", "pranks", "trollface", "scare", "challenges", "trynottolaugh",
               "reaction", "experiment"],
}

# A few local tags per language: typed next to the topic tags by people writing that language.
LANG_TAGS: dict[str, list[str]] = {
    "es": ["comida", "humor", "recetas", "baile", "amor", "risas", "méxico", "españa", "musica"],
    "pt": ["comida", "humor", "receita", "dança", "amor", "futebol", "meme", "musica"],
    "fr": ["humour", "cuisine", "recette", "danse", "amour", "foot", "drôle", "musique"],
    "de": ["lustig", "rezept", "kochen", "tanzen", "liebe", "fußball", "musik", "humor"],
    "id": ["lucu", "masak", "resep", "kuliner", "jedagjedug", "sad", "galau", "bucin"],
    "tl": ["pinoy", "pinoyfood", "pinoymemes", "kilig", "hugot", "lutongbahay", "trending"],
    "ar": ["مصر", "السعودية", "ضحك", "طبخ", "حب", "كرة_القدم", "رياكشن"],
    "tr": ["komedi", "yemek", "tarif", "aşk", "futbol", "dans", "mizah"],
    "ja": ["料理", "猫", "犬", "ダンス", "あるある", "推し", "日常", "メイク"],
}

PLACE_TAGS: dict[str, list[str]] = {
    "US": ["nyc", "la", "chicago", "houston", "atlanta", "miami", "texas", "california", "nashville",
           "brooklyn", "phoenix", "seattle"],
    "GB": ["london", "uk", "manchester", "birmingham", "leeds", "glasgow", "liverpool"],
    "CA": ["toronto", "vancouver", "montreal", "canada", "calgary"],
    "AU": ["sydney", "melbourne", "brisbane", "perth", "aussie", "australia"],
    "DE": ["berlin", "hamburg", "münchen", "köln", "frankfurt"],
    "FR": ["paris", "marseille", "lyon", "toulouse", "lille"],
    "ES": ["madrid", "barcelona", "sevilla", "valencia", "málaga"],
    "MX": ["cdmx", "guadalajara", "monterrey", "tijuana", "puebla"],
    "BR": ["saopaulo", "riodejaneiro", "bh", "salvador", "recife", "manaus"],
    "NG": ["lagos", "abuja", "naija", "ibadan", "portharcourt"],
    "EG": ["cairo", "القاهرة", "alexandria", "giza"],
    "SA": ["riyadh", "الرياض", "jeddah", "جدة", "dammam"],
    "TR": ["istanbul", "ankara", "izmir", "antalya"],
    "ID": ["jakarta", "bandung", "surabaya", "bali", "jogja", "medan"],
    "PH": ["manila", "cebu", "davao", "quezoncity", "pampanga"],
    "JP": ["東京", "大阪", "tokyo", "osaka", "渋谷"],
}

EMOJI = ["😂", "😭", "🔥", "💀", "✨", "❤️", "🥺", "😍", "🙏", "😩", "👀", "💯", "🤣", "😅", "💕",
         "🥰", "😳", "🤯", "🙌", "😎", "🫶", "🤍", "🥲", "😤", "🤔", "💅", "🎶", "⚽", "🍕", "🐶"]

# Long-tail tag pieces: topic word + suffix ("foodtips", "gymlife2024") for the Zipf tail.
TAIL_SUFFIXES = ["life", "tok", "tips", "lover", "check", "hacks", "daily", "vibes", "goals",
                 "time", "club", "addict", "squad", "journey", "2", "official"]
