"""The small lexicon of the controlled-English grammar: function words, relation nouns,
comparatives and light morphology. Every other word is a symbol."""

from __future__ import annotations

COPULA = {"is", "are", "was", "were", "am"}
AUX = {"does", "do", "did", "can", "could", "will", "would", "must", "should", "shall"}
ARTICLES = {"a", "an", "the"}
NEGATIONS = {"not", "never", "no-longer"}
QUANT_ALL = {"all", "every", "each", "any"}
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# Relation nouns: "X is Y's <noun>" / "X is the <noun> of Y" -> fact(<rel>, X, Y).
FAMILY = {
    "parent",
    "father",
    "mother",
    "child",
    "son",
    "daughter",
    "sibling",
    "brother",
    "sister",
    "grandparent",
    "grandfather",
    "grandmother",
    "grandchild",
    "grandson",
    "granddaughter",
    "uncle",
    "aunt",
    "nephew",
    "niece",
    "cousin",
    "spouse",
    "husband",
    "wife",
    "ancestor",
    "descendant",
}
FAMILY_PLURAL = {
    "parents": "parent",
    "fathers": "father",
    "mothers": "mother",
    "children": "child",
    "sons": "son",
    "daughters": "daughter",
    "siblings": "sibling",
    "brothers": "brother",
    "sisters": "sister",
    "grandparents": "grandparent",
    "grandfathers": "grandfather",
    "grandmothers": "grandmother",
    "grandchildren": "grandchild",
    "grandsons": "grandson",
    "granddaughters": "granddaughter",
    "uncles": "uncle",
    "aunts": "aunt",
    "nephews": "nephew",
    "nieces": "niece",
    "cousins": "cousin",
    "spouses": "spouse",
    "husbands": "husband",
    "wives": "wife",
    "ancestors": "ancestor",
    "descendants": "descendant",
    "dad": "father",
    "mom": "mother",
    "mum": "mother",
}
# Relations that are stored as given (the rules derive the rest from them).
STORED_AS = {"dad": "father", "mom": "mother", "mum": "mother"}
SYMMETRIC = {"sibling", "brother", "sister", "cousin", "spouse", "husband", "wife"}
GENDERED = {
    ("parent", "male"): "father",
    ("parent", "female"): "mother",
    ("child", "male"): "son",
    ("child", "female"): "daughter",
    ("sibling", "male"): "brother",
    ("sibling", "female"): "sister",
    ("spouse", "male"): "husband",
    ("spouse", "female"): "wife",
    ("grandparent", "male"): "grandfather",
    ("grandparent", "female"): "grandmother",
    ("grandchild", "male"): "grandson",
    ("grandchild", "female"): "granddaughter",
    ("auncle", "male"): "uncle",
    ("auncle", "female"): "aunt",
    ("nibling", "male"): "nephew",
    ("nibling", "female"): "niece",
}
NEUTRAL = {"auncle": "uncle or aunt", "nibling": "nephew or niece"}

# Comparatives: word -> (dimension, reversed?). "shorter than" is "taller than" reversed.
_PAIRS = [
    ("tall", "short"),
    ("old", "young"),
    ("fast", "slow"),
    ("big", "small"),
    ("heavy", "light"),
    ("large", "small"),
    ("long", "short"),
    ("rich", "poor"),
    ("strong", "weak"),
    ("high", "low"),
    ("hot", "cold"),
    ("wide", "narrow"),
    ("early", "late"),
    ("expensive", "cheap"),
    ("smart", "dumb"),
    ("good", "bad"),
]
IRREGULAR_CMP = {
    "better": "good",
    "worse": "bad",
    "best": "good",
    "worst": "bad",
    "elder": "old",
    "eldest": "old",
    "more": "many",
    "most": "many",
    "less": "few",
    "least": "few",
}
ANTONYM: dict[str, str] = {}
for _a, _b in _PAIRS:
    ANTONYM.setdefault(_b, _a)
CANONICAL = {a for a, _ in _PAIRS}

NOT_COMPARATIVE = {
    "other",
    "another",
    "after",
    "never",
    "over",
    "under",
    "number",
    "water",
    "letter",
    "brother",
    "sister",
    "mother",
    "father",
    "daughter",
    "together",
    "either",
    "neither",
    "whether",
    "rather",
    "ever",
    "however",
    "winter",
    "summer",
    "computer",
    "teacher",
    "farmer",
    "player",
    "order",
    "later",
    "paper",
    "river",
    "tiger",
    "finger",
    "member",
    "user",
    "answer",
    "power",
    "flower",
    "center",
    "silver",
    "super",
    "per",
    "her",
    "their",
    "dinner",
    "soccer",
    "hunter",
    "writer",
    "singer",
    "driver",
    "lawyer",
    "officer",
    "manager",
    "doctor",
    "actor",
    "baker",
    "butter",
    "cover",
    "deer",
    "monster",
    "partner",
    "proper",
    "quarter",
    "ruler",
    "sweater",
    "waiter",
    "worker",
    "chapter",
    "corner",
    "cluster",
    "interest",
    "forest",
    "test",
    "best",
    "rest",
    "west",
    "nest",
    "chest",
    "guest",
    "honest",
    "modest",
    "largest",
    "request",
    "contest",
    "harvest",
    "priest",
    "protest",
    "suggest",
    "east",
    "least",
    "beast",
    "feast",
    "most",
    "last",
    "past",
    "fast",
    "first",
    "just",
    "must",
    "trust",
    "dust",
    "list",
    "mist",
    "wrist",
    "artist",
    "tourist",
    "scientist",
}

IRREGULAR_PLURAL = {
    "men": "man",
    "women": "woman",
    "people": "person",
    "children": "child",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "oxen": "ox",
    "fish": "fish",
    "sheep": "sheep",
    "deer": "deer",
    "wolves": "wolf",
    "knives": "knife",
    "leaves": "leaf",
    "lives": "life",
    "wives": "wife",
    "halves": "half",
    "calves": "calf",
    "elves": "elf",
    "cacti": "cactus",
    "fungi": "fungus",
    "species": "species",
    "series": "series",
}
IRREGULAR_VERB = {
    "has": "have",
    "does": "do",
    "goes": "go",
    "is": "be",
    "are": "be",
    "flies": "fly",
    "cries": "cry",
    "tries": "try",
    "am": "be",
    "had": "have",
    "went": "go",
    "ran": "run",
    "ate": "eat",
    "saw": "see",
}


def singular(word: str) -> str:
    w = word.lower()
    if w in IRREGULAR_PLURAL:
        return IRREGULAR_PLURAL[w]
    if len(w) <= 3 or w.endswith(("ss", "us", "is", "ous", "'s")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "zes", "sses", "oes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def plural(word: str) -> str:
    for pl, sg in IRREGULAR_PLURAL.items():
        if sg == word and pl != sg:
            return pl
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def stem(word: str) -> str:
    """A crude stem so that "rains", "raining" and "rained" match within one problem."""
    w = word.lower()
    if w in IRREGULAR_VERB:
        return IRREGULAR_VERB[w]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
        if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "ls":
            w = w[:-1]
        return w
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ed") and len(w) > 4:
        w = w[:-2]
        if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "ls":
            w = w[:-1]
        return w
    return singular(w)


def comparative(word: str) -> tuple[str, bool] | None:
    """ "taller" -> ("tall", False); "shorter" -> ("tall", True); None if not one."""
    w = word.lower()
    if w in NOT_COMPARATIVE or len(w) < 4:
        return None
    if w in IRREGULAR_CMP:
        base = IRREGULAR_CMP[w]
        if w in ("best", "worst", "eldest", "most", "least"):
            return None
    elif w.endswith("ier"):
        base = w[:-3] + "y"
    elif w.endswith("er"):
        base = w[:-2]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "ls":
            base = base[:-1]  # bigger -> big
        elif base + "e" in _E_BASES:
            base += "e"
    else:
        return None
    return _canon(base)


def superlative(word: str) -> tuple[str, bool] | None:
    w = word.lower()
    if w in ("best", "worst", "eldest"):
        return _canon(IRREGULAR_CMP[w])
    if w in NOT_COMPARATIVE or not w.endswith("est") or len(w) < 5:
        return None
    if w.endswith("iest"):
        base = w[:-4] + "y"
    else:
        base = w[:-3]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "ls":
            base = base[:-1]
        elif base + "e" in _E_BASES:
            base += "e"
    return _canon(base)


_E_BASES = {
    "large",
    "wise",
    "close",
    "late",
    "nice",
    "safe",
    "rare",
    "wide",
    "cute",
    "loose",
    "brave",
    "pure",
    "fine",
    "simple",
    "gentle",
    "little",
}


def _canon(base: str) -> tuple[str, bool]:
    if base in ANTONYM:
        return ANTONYM[base], True
    return base, False
