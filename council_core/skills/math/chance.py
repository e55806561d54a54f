"""Chance and counting as people ask it: two dice, coin flips, card hands, people in a line.
Exact fractions (no model); every number of the question must be one the formula uses, else
None and the math skill goes on."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from .numwords import to_digits
from .timecalc import _SMALL as _WORDS  # counts in words: one table for the readers
from .timecalc import NUMBER_WORDS, _numbers_outside


def _norm(t: str) -> str:
    text = " ".join(t.lower().split()).rstrip("?!. ")
    text = re.sub(
        r"\b(?:six|6)[- ]sided\s+(?=dice|die)|\b(?:standard|fair|regular|normal)\s+(?=dice)",
        "",
        text,
    )
    return re.sub(r"\bppl\b", "people", text)


def _n(s: str) -> int:
    return _WORDS[s] if s in _WORDS else int(s)


def _chance(p: Fraction) -> str:
    pct = p * 100
    exact = (pct * 10**4).denominator == 1  # 1/32 is exactly 3.125%
    shown = f"{float(pct):.4g}%" if not exact else f"{float(pct):g}%"
    approx = "" if exact else "≈"
    return f"{p.numerator}/{p.denominator} ({approx}{shown})"


_ASK = r"\b(?:chance|probability|odds|likelihood|likely)\b"
_DICE = re.compile(
    r"\b(?:roll|rolling|throw|throwing|toss)\w*\s+(two|2|a\s+pair\s+of)\s+dice\b"
    r"|\b(two|2|a\s+pair\s+of)\s+dice\s+(?=add|sum|total|come\s+up|show|land)"
    r"|\b(?:with|using|on)\s+(two|2|a\s+pair\s+of)\s+dice\b"
)
_TOTAL = re.compile(
    r"\b(?:total|sum|add(?:s)?\s+up\s+to|adds\s+to)\s+(?:is\s+|of\s+|=\s*)?(?:exactly\s+)?(\d{1,2})\b"
    # "roll 2 dice, whats the odds of getting a 7", "the odds of rolling an 8 with two dice"
    r"|\b(?:getting|get|rolling|roll|throwing|throw)\s+(?:a|an)\s+(\d{1,2})\b(?!\s*(?:or|and|[-+x/]))"
)


def dice(t: str) -> str | None:
    """'roll two dice, whats the chance the total is 7' -> '1/6 (≈16.67%)'."""
    text = _norm(t)
    d, s = _DICE.search(text), _TOTAL.search(text)
    if d is None or s is None or not re.search(_ASK, text):
        return None
    g = next(i for i in (1, 2, 3) if d.group(i))
    h = 1 if s.group(1) else 2
    spans = [(d.start(g), d.end(g)), (s.start(h), s.end(h))]
    if _numbers_outside(text, spans):
        return None
    k = int(s.group(h))
    ways = sum(1 for a in range(1, 7) for b in range(1, 7) if a + b == k)
    if not 2 <= k <= 12:
        return None
    return f"{_chance(Fraction(ways, 36))}: {ways} of the 36 equally likely rolls total {k}"


_COIN = re.compile(
    r"\b(?:flip|flipping|toss|tossing)\w*\s+a\s+(?:fair\s+)?coin\s+(\d{1,2}|[a-z]+)\s+times\b"
)
_HEADS = re.compile(r"\bexactly\s+(\d{1,2}|[a-z]+)\s+(heads|tails)\b")


def coins(t: str) -> str | None:
    """'flip a coin 5 times, probability of exactly 3 heads' -> '5/16 (31.25%)'."""
    text = _norm(t)
    c, h = _COIN.search(text), _HEADS.search(text)
    if c is None or h is None or not re.search(_ASK, text):
        return None
    try:
        n, k = _n(c.group(1)), _n(h.group(1))
    except (KeyError, ValueError):
        return None
    spans = [(c.start(1), c.end(1)), (h.start(1), h.end(1))]
    if _numbers_outside(text, spans) or not 0 <= k <= n <= 60:
        return None
    ways = math.comb(n, k)
    return f"{_chance(Fraction(ways, 2**n))}: C({n}, {k}) = {ways} of the 2^{n} = {2**n} outcomes"


_IN_A_ROW = re.compile(
    r"\b(?:flip|flipping|toss|tossing|get|getting|land|landing|throw|throwing)\w*\s+"
    r"(?:a\s+coin\s+and\s+get\s+)?(\d{1,2}|[a-z]+)\s+(heads|tails)\s+in\s+a\s+row\b"
)


def in_a_row(t: str) -> str | None:
    """'odds of flipping 3 heads in a row' -> '1/8 (12.5%)'."""
    text = _norm(t)
    m = _IN_A_ROW.search(text)
    if m is None or not re.search(_ASK, text):
        return None
    try:
        n = _n(m.group(1))
    except (KeyError, ValueError):
        return None
    if _numbers_outside(text, [(m.start(1), m.end(1))]) or not 1 <= n <= 60:
        return None
    return f"{_chance(Fraction(1, 2**n))}: (1/2)^{n}, each flip independent"


_RANKS = r"ace|king|queen|jack|two|three|four|five|six|seven|eight|nine|ten|[2-9]|10"
_SUITS = r"hearts?|diamonds?|clubs?|spades?"
_CARD = re.compile(
    r"\b(?:draw|drawing|pull|pulling|pick|picking|get|getting|deal|dealt|choose|choosing)\s+"
    rf"(?:an?\s+|the\s+)?(?:(?P<color>red|black)\s+)?(?:(?P<rank>{_RANKS})(?:\s+of\s+(?P<of>{_SUITS}))?"
    rf"|(?P<face>face)\s+card|(?P<suit>{_SUITS})|(?P<card>card))s?\b"
    r"(?:\s+(?:card\s+)?(?:from|out\s+of)\s+(?:a|an|the)\s+(?:standard\s+|normal\s+|regular\s+|full\s+|shuffled\s+)*"
    r"(?:52[- ]card\s+)?deck(?:\s+of\s+(?:52\s+)?(?:playing\s+)?cards)?)$"
)


def card(t: str) -> str | None:
    """'probability of drawing an ace from a deck of cards' -> '1/13 (≈7.692%)': one card
    from a standard 52-card deck."""
    text = _norm(t)
    m = _CARD.search(text)
    if m is None or not re.search(_ASK, text[: m.start()]):
        return None
    if re.search(
        r"\b(?:two|three|four|five|\d+)\s+cards\b|\bin\s+a\s+row\b|\bthen\b|\band\b", text
    ):
        return None
    color, rank, of, face, suit = m["color"], m["rank"], m["of"], m["face"], m["suit"]
    if of and color:
        return None
    if rank and of:
        ways, what = 1, f"the {rank} of {of.rstrip('s')}s"
    elif rank:
        ways, what = (2, f"a {color} {rank}") if color else (4, f"a {rank}")
    elif face:
        ways, what = (6, f"a {color} face card") if color else (12, "a face card (J, Q, K)")
    elif suit:
        if color:
            return None
        ways, what = 13, f"a {suit.rstrip('s')}"
    elif color:
        ways, what = 26, f"a {color} card"
    else:
        return None
    what = re.sub(r"^a (?=[aeiou8])", "an ", what)
    return f"{_chance(Fraction(ways, 52))}: {ways} of the 52 cards {'is' if ways == 1 else 'are'} {what}"


_CARDS_N = re.compile(
    r"\b(?:draw|drawing|pull|pulling|deal|dealt|pick|picking|get|getting)\w*\s+(two|three|four|five|2|3|4|5)\s+"
    r"cards?\b"
)
_ALL_ARE = re.compile(
    r"\b(?:both|all(?:\s+(?:two|three|four|five))?|each)\s+(?:of\s+them\s+)?(?:are|being|is|be)?\s*"
    r"(?:an?\s+)?(?:(?P<color>red|black)(?:\s+cards?)?|(?P<face>face)\s+cards?"
    r"|(?P<rank>aces?|kings?|queens?|jacks?)|(?P<suit>hearts?|diamonds?|clubs?|spades?))\b"
)
_KIND_COUNT = {"ace": 4, "king": 4, "queen": 4, "jack": 4, "heart": 13, "diamond": 13,
               "club": 13, "spade": 13}  # fmt: skip


def cards_all(t: str) -> str | None:
    """'draw two cards from a standard 52-card deck without replacement, probability both are
    aces' -> '1/221': C(4, 2) / C(52, 2); with replacement (4/52)^2."""
    text = _norm(t)
    m, a = _CARDS_N.search(text), _ALL_ARE.search(text)
    if m is None or a is None or not re.search(_ASK, text) or not re.search(r"\bdeck\b", text):
        return None
    n = _n(m.group(1))
    said = re.search(r"\b(two|three|four|five)\b", a.group(0))
    if said is not None and _n(said.group(1)) != n:
        return None  # "draw 3 cards ... all four are hearts"
    spans = [(m.start(1), m.end(1)), (a.start(), a.end())]  # "all three are hearts"
    deck = re.search(r"\b52\b", text)
    if deck is not None:
        spans.append((deck.start(), deck.end()))
    if _numbers_outside(text, spans):
        return None
    if a["color"]:
        k, what = 26, f"{a['color']} cards"
    elif a["face"]:
        k, what = 12, "face cards"
    else:
        word = (a["rank"] or a["suit"]).rstrip("s")
        k, what = _KIND_COUNT[word], f"{word}s"
    back = re.search(
        r"\bwith\s+replac|\bput(?:ting)?\s+(?:it|them|each)\s+back\b|\breplac(?:e|ing)\s+(?:it|each)",
        text,
    )
    if back and not re.search(r"\bwithout\s+replac", text):
        p = Fraction(k, 52) ** n
        return f"{_chance(p)}: ({k}/52)^{n}, each card put back ({what})"
    p = Fraction(math.comb(k, n), math.comb(52, n))
    return (
        f"{_chance(p)}: C({k}, {n}) / C(52, {n}) = {math.comb(k, n):,} / {math.comb(52, n):,} "
        f"(all {n} {what}, not put back)"
    )


_HANDS = re.compile(
    r"^how\s+many\s+(?:different\s+|possible\s+|distinct\s+)?(\d{1,2})[- ]card\s+(?:poker\s+)?hands?\s+"
    r"(?:can\s+(?:you|i|one)\s+(?:get|make|deal|draw)\s+|are\s+there\s+|is\s+there\s+)?"
    r"(?:from|in|out\s+of|with)\s+(?:a\s+|an?\s+)?(?:standard\s+)?(\d{2})[- ]card\s+deck"
    r"(?:\s+of\s+cards)?$"
)
_LINE = re.compile(
    r"^how\s+many\s+(?:different\s+)?ways\s+(?:can|could|are\s+there\s+(?:for|to))\s+(\d{1,2})\s+"
    r"(?:people|persons|kids|children|friends|students|guests|players|runners|books|cars)\s+"
    r"(?:stand|line\s+up|sit|be\s+(?:lined\s+up|arranged|seated)|queue)\s+"
    r"(?:in\s+a\s+(?:line|row|queue)|in\s+line|on\s+a\s+(?:bench|shelf))(?:\s+for\s+a\s+(?:photo|picture))?$"
)


_LETTERS = re.compile(
    r"\b(?:letters\s+(?:of|in)\s+(?:the\s+word\s+)?|(?:scrambl|rearrang|arrang|permut)\w*\s+"
    r"(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:letters\s+(?:of|in)\s+)?(?:the\s+word\s+))"
    r"['\"“”‘’]?([a-z]{2,20})['\"“”‘’]?(?:\s|$)"
)
_CHOOSE = re.compile(
    r"\b(?:pick|choose|select|draw|pull)\w*\s+(?:any\s+|just\s+|only\s+|exactly\s+)?(\d{1,3})\s+(?:[a-z]+\s+){0,2}?(?:out\s+of|from)\s+(?:the\s+|a\s+)?"
    r"(?:(?:group|class|team|pool|set|list|bunch|total)\s+of\s+)?(\d{1,3})\b"
)


def _letters(text: str) -> str | None:
    """'how many different words can you make by scrambling all the letters of BANANA' -> 60."""
    m = _LETTERS.search(text)
    if m is None or not re.search(r"\bhow\s+many\b", text) or re.search(r"\d", text):
        return None
    if not re.search(
        r"\bscrambl|\brearrang|\barrang|\bpermut|\bwords\b|\bways\b|\borders?\b", text
    ):
        return None  # "how many letters in the word banana" is a count of letters
    word = m.group(1)
    if NUMBER_WORDS.search(text.replace(word, "")):
        return None
    counts = {c: word.count(c) for c in sorted(set(word))}
    total = math.factorial(len(word))
    for k in counts.values():
        total //= math.factorial(k)
    repeated = [f"{c.upper()} ×{k}" for c, k in counts.items() if k > 1]
    how = f"{len(word)}!" + "".join(f" / {k}!" for k in counts.values() if k > 1)
    note = f"; repeated letters: {', '.join(repeated)}" if repeated else ""
    return f"{total:,} ({how} arrangements of {word.upper()}{note})"


def _choose(text: str) -> str | None:
    """'pick 6 numbers out of 49, how many possible combos' -> '13,983,816 (C(49, 6))'."""
    text = to_digits(text)  # "pick 3 people out of twelve"
    m = _CHOOSE.search(text)
    if m is None or not re.search(r"\bhow\s+many\b|\bnumber\s+of\b", text):
        return None
    if not re.search(
        r"\bcombo|\bcombination|\bways\b|\bpossib|\bdifferent\b|\btickets?\b|\bhands?\b|\bgroups?\b",
        text,
    ):
        return None
    if re.search(
        r"\border\s+matters|\bin\s+order\b|\barrange|\brank|\bpermutation|\bwith\s+repe|\brepeat"
        r"|\bgold\b|\bsilver\b|\bbronze\b|\bfirst\b|\bsecond\b|\bthird\b|\b1st\b|\bpresident|\bpositions?\b"
        r"|\bplaces\b|\b(?:1st|2nd|3rd|first|second|third)\s+place\b|\bpodium\b|\bchair|\bcaptain|\broles?\b",
        text,
    ):
        return None
    if len(re.findall(r"\d+", text)) != 2 or NUMBER_WORDS.search(text):
        return None
    k, n = int(m.group(1)), int(m.group(2))
    if not 0 < k <= n:
        return None
    return f"{math.comb(n, k):,} (C({n}, {k}): {k} of {n}, the order not counted)"


def counting(t: str) -> str | None:
    """'how many 5 card poker hands from a 52 card deck' -> '2,598,960'; 'how many ways can 6
    people stand in a line' -> '720 (6!)'."""
    text = _norm(t)
    said = _letters(text) or _choose(text)
    if said is not None:
        return said
    if NUMBER_WORDS.search(text):
        return None
    m = _HANDS.match(text)
    if m is not None:
        k, n = int(m.group(1)), int(m.group(2))
        if not 0 < k <= n:
            return None
        return f"{math.comb(n, k):,} (C({n}, {k}): the order of the cards does not matter)"
    m = _LINE.match(text)
    if m is not None:
        n = int(m.group(1))
        return f"{math.factorial(n):,} ({n}! = {' × '.join(str(i) for i in range(n, 0, -1))})"
    return None


def answer(t: str) -> str | None:
    for fn in (dice, coins, in_a_row, cards_all, card, counting):
        out = fn(t)
        if out is not None:
            return out
    return None
