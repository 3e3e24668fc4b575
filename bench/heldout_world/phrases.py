"""Caption phrase banks per language, and topic phrases (English, plus a generic line for others)."""

from __future__ import annotations

GENERIC: dict[str, list[str]] = {
    "en": ["wait for it", "this took way too long", "no because why is this me", "be honest",
           "thoughts?", "i can't believe this worked", "day in my life", "had to try this",
           "not me doing this at 2am", "the ending though", "ok but hear me out", "part 2?",
           "rate this 1-10", "i'm obsessed", "why did nobody tell me", "this is your sign",
           "tell me i'm not the only one", "we're so back", "lowkey proud of this",
           "it's giving", "can't stop watching this", "ate and left no crumbs",
           "storytime in the comments", "me every single time", "try not to laugh",
           "honestly the best decision", "this one's for you", "watch till the end"],
    "es": ["espera al final", "no puedo más", "esto me pasó hoy", "¿a ustedes también?",
           "me encanta", "parte 2?", "jajaja no puede ser", "quién más", "qué opinan?",
           "lo tenía que intentar", "mi vida en un video", "no me juzguen"],
    "pt": ["espera o final", "não aguento mais", "quem mais?", "vocês também?", "amei demais",
           "parte 2?", "kkkkkk não acredito", "tinha que tentar", "comenta aí", "sério isso"],
    "fr": ["attendez la fin", "je suis mort", "vous aussi ?", "j'adore", "partie 2 ?",
           "dites-moi que je suis pas seule", "ptdr", "fallait que je teste", "vos avis ?"],
    "de": ["wartet aufs ende", "ich kann nicht mehr", "geht's euch auch so?", "teil 2?",
           "musste ich ausprobieren", "bin verliebt", "ehrlich jetzt", "was meint ihr?"],
    "id": ["tunggu sampai akhir", "gak kuat", "siapa yang relate?", "part 2?", "wkwkwk",
           "harus coba", "kalian gimana?", "capek tapi senang", "jangan ditiru ya"],
    "tl": ["hintayin niyo yung dulo", "grabe siya", "sino relate?", "part 2?", "hahaha ang kulit",
           "try niyo to", "ano sa tingin niyo", "kilig much", "sana all"],
    "ar": ["استنوا النهاية", "مين زيي؟", "جزء ٢؟", "ههههههه", "حبيت", "جربتها",
           "رأيكم؟", "والله ما توقعت"],
    "tr": ["sonuna kadar izle", "bittim", "sizce?", "2. bölüm?", "denemem lazımdı", "aşırı iyi",
           "bende mi böyleyim"],
    "ja": ["最後まで見て", "やってみた", "わかる人いる？", "続きは？", "最高すぎる", "神回",
           "今日の記録"],
}

TOPIC_EN: dict[str, list[str]] = {
    "comedy": ["when your mom says we have food at home", "pov: you're the friend who",
               "every group chat ever", "nobody: me:"],
    "food": ["easiest dinner ever", "you need to try this", "15 minute meal", "the crunch tho"],
    "fitness": ["leg day never gets easier", "progress not perfection", "new pr", "gym fail"],
    "beauty": ["get ready with me", "my everyday makeup", "this changed my skin",
               "5 minute routine"],
    "fashion": ["outfit of the day", "thrift haul", "styling one piece 3 ways", "fit check"],
    "gaming": ["clutch or kick", "this lobby was insane", "1v4 no shot", "new season is wild"],
    "football": ["what a goal", "skills session", "best goal of the season?", "matchday"],
    "music": ["wrote this last night", "cover of my fav song", "should i release this?"],
    "dance": ["learned this in 10 min", "tutorial in comments", "we finally got it"],
    "pets": ["he does this every morning", "my dog thinks he's a person", "she's so dramatic"],
    "travel": ["hidden gem you need to visit", "sunset hits different here", "pack with me"],
    "diy": ["restock with me", "cleaning motivation", "before and after", "room makeover"],
    "cars": ["she sounds so good", "cold start", "new mods", "spotted this today"],
    "school": ["study with me", "finals week be like", "teachers be like", "first day"],
    "relationships": ["pov: your boyfriend", "us in 10 years", "bestie check", "date night"],
    "books": ["books that broke me", "currently reading", "5 star read", "tbr update"],
    "tech": ["settings you need to change", "my desk setup", "this app is insane", "tech tip"],
    "parenting": ["toddler logic", "mom hack", "bedtime chaos", "day in the life of a mom"],
    "motivation": ["this is your reminder", "discipline over motivation", "you got this"],
    "pranks": ["pranked my brother", "he did not see that coming", "try this on your friends"],
}

ORIGINAL_SOUND = {"en": "original sound", "es": "sonido original", "pt": "som original",
                  "fr": "son original", "de": "Originalton", "id": "suara asli",
                  "tl": "original sound", "ar": "الصوت الأصلي", "tr": "orijinal ses",
                  "ja": "オリジナル楽曲"}

DUET_PREFIX = {"duet": "#duet with @{0}", "stitch": "#stitch with @{0}"}

FIRST_NAMES = ["maria", "jose", "ana", "luis", "emma", "liam", "olivia", "noah", "sofia", "mateo",
               "mia", "lucas", "isabella", "ethan", "ava", "leo", "chloe", "jake", "zoe", "ryan",
               "aisha", "omar", "fatima", "yusuf", "amina", "chinedu", "ngozi", "tunde", "sade",
               "budi", "siti", "dewi", "putri", "rizky", "andi", "juan", "carlos", "lucia", "pedro",
               "gabriel", "julia", "rafael", "camila", "thiago", "larissa", "lea", "paul", "jonas",
               "lena", "finn", "hannah", "marie", "hugo", "ines", "chloé", "yuki", "haruto", "sakura",
               "ren", "aoi", "mehmet", "elif", "emre", "zeynep", "ahmet", "kim", "joy", "angel",
               "mark", "jasmine", "kyle", "nina", "maya", "sara", "adam", "daniel", "alex", "sam",
               "jordan", "taylor", "bella", "grace", "lily", "max", "tyler", "kayla", "brandon"]
LAST_NAMES = ["garcia", "smith", "johnson", "silva", "santos", "lopez", "martin", "nguyen",
              "kim", "reyes", "cruz", "okafor", "adeyemi", "hassan", "ali", "yilmaz", "kaya",
              "muller", "schmidt", "dubois", "moreau", "rossi", "tanaka", "sato", "suzuki",
              "pratama", "wijaya", "santoso", "dela_cruz", "bautista", "ramos", "fernandez",
              "brown", "davis", "wilson", "taylor", "thomas", "moore", "white", "harris", "clark",
              "lewis", "walker", "hall", "young", "allen", "king", "wright", "scott", "green"]
WORDS = ["sunny", "vibes", "moon", "star", "daily", "official", "real", "the", "its", "xo",
         "baby", "queen", "king", "lil", "big", "mr", "ms", "cozy", "chaos", "happy", "wild",
         "soft", "dreamy", "cosmic", "blue", "pink", "golden", "night", "dark", "lucky", "sweet",
         "kitchen", "eats", "fit", "gamer", "plays", "clips", "edits", "studio", "tv", "world",
         "life", "diaries", "tales", "nation", "club", "zone", "hub", "crew", "fam", "ig", "tt"]
