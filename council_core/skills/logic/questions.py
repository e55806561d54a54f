"""The question half of the grammar: yes/no, who/which, relationship, day-of-week and
sequence questions. Sets ``Problem.goal`` (a tuple tree) and ``Problem.kind``."""

from __future__ import annotations

from typing import Any

from . import grammar
from . import words as W
from .grammar import Parser, Problem
from .tokens import NoParse, Tok, _index, _split_on, _strip, _strip_lead

_YN_FRAMES = [
    ["is", "it", "true", "that"],
    ["is", "it", "the", "case", "that"],
    ["does", "it", "follow", "that"],
    ["can", "we", "conclude", "that"],
    ["can", "you", "conclude", "that"],
    ["can", "it", "be", "concluded", "that"],
    ["must", "it", "be", "true", "that"],
    ["is", "it", "necessarily", "true", "that"],
    ["do", "we", "know", "that"],
    ["does", "this", "mean", "that"],
    ["therefore"],
    ["true", "or", "false"],
    ["yes", "or", "no"],
]


def parse_question(P: Parser, toks: list[Tok]) -> None:
    toks = [t for t in toks if t.low not in ("?",)]
    low = [t.low for t in toks]
    if not low:
        raise NoParse("empty question")
    if _day_question(P, low):
        return
    if _sequence_question(P, toks, low):
        return
    if low[0] == "if":  # "If P, Q?": P is a hypothesis
        cut = _index(toks, ",")
        if cut is None:
            raise NoParse("conditional question without comma")
        hyp, toks = toks[1:cut], _strip_lead(toks[cut + 1 :])
        low = [t.low for t in toks]
        if P.prop_mode:
            for lit in P.literals(hyp):
                P.p.facts.append(("given", lit, "true"))
        else:
            P.p.facts.extend(P.clauses(hyp))
    while low and low[-1] in ("or", "not") and low[-2:] == ["or", "not"]:
        toks, low = toks[:-2], low[:-2]
    if low[0] in ("who", "which", "what", "whom", "how") and _wh_question(P, toks, low):
        return
    for frame in _YN_FRAMES:
        if low[: len(frame)] == frame:
            rest = _strip(toks[len(frame) :], ",")
            _yn_statement(P, rest)
            return
    if low[0] in W.COPULA or low[0] in W.AUX:
        _yn(P, toks)
        return
    raise NoParse("not a question form")


# ----- yes/no -----


def _yn_statement(P: Parser, toks: list[Tok]) -> None:
    """ "Is it true that <statement>?"."""
    if P.prop_mode:
        _prop_goal(P, P.literal(toks))
        return
    facts = P.clause(toks)
    if len(facts) != 1:
        raise NoParse("compound question")
    _goal_from_fact(P, facts[0])


def _yn(P: Parser, toks: list[Tok]) -> None:
    low = [t.low for t in toks]
    if P.prop_mode:
        flip = False
        body = toks[1:]
        if body and body[-1].low in ("true", "false"):
            flip = body[-1].low == "false"
            body = body[:-1]
        lit = P.literal(body)
        _prop_goal(P, (("n" if lit[0] == "p" else "p"), lit[1]) if flip else lit)
        return
    if len(low) < 3:
        raise NoParse("short question")
    q = low[1]
    if low[0] in W.COPULA and (q in W.QUANT_ALL or q in ("some", "no")):
        _quant_question(P, toks)
        return
    if low[0] in W.COPULA and q in ("a", "an"):  # "Is a cat an animal?": every cat
        _quant_question(P, [toks[0], Tok("every", "every")] + toks[2:])
        return
    if low[0] in W.AUX and (q in ("a", "an") or q in W.QUANT_ALL or q == "some"):
        # "Does a whale breathe air?", "Do all roses fade quickly?"
        quant = "some" if q == "some" else "all"
        subj = P.class_atom(toks[2:3], noun=True)
        rest = toks[3:]
        neg = bool(rest) and rest[0].low == "not"
        vclass = P.verb_class(rest[1:] if neg else rest)
        fact = (("somenot" if quant == "some" else "no") if neg else quant, subj, vclass)
        _goal_from_fact(P, fact)
        return
    pred: Any
    if low[0] in W.COPULA:
        end = P.name_end(toks, 1)
        subj = P.name(toks[1:end])
        rest = toks[end:]
        neg = False
        if rest and rest[0].low == "not":
            neg, rest = True, rest[1:]
        pred = P.copula_pred(rest)
    else:  # does/can/did X verb [Y]
        end = P.name_end(toks, 1)
        subj = P.name(toks[1:end])
        rest = toks[end:]
        neg = False
        if rest and rest[0].low == "not":
            neg, rest = True, rest[1:]
        if not rest:
            raise NoParse("no verb")
        if rest[0].low in ("have", "has"):
            pred = ("class", P.have_class(rest))
        else:
            pred = P.verb_pred(rest)
    facts = P.apply_pred(subj, pred)
    fact = facts[0]
    if neg:
        if fact[0] != "isa":
            raise NoParse("negated relation question")
        fact = ("nisa", fact[1], fact[2])
    _goal_from_fact(P, fact)


def _quant_question(P: Parser, toks: list[Tok]) -> None:
    low = [t.low for t in toks]
    q = low[1]
    body = toks[2:]
    blow = low[2:]
    neg = "not" in blow
    if neg:
        i = blow.index("not")
        subj_t, pred_t = body[:i], body[i + 1 :]
    else:
        art = next((i for i, w in enumerate(blow) if w in ("a", "an") and i > 0), None)
        if art is not None:
            subj_t, pred_t = body[:art], body[art + 1 :]
        elif len(body) >= 2:
            subj_t, pred_t = body[:-1], body[-1:]
        else:
            raise NoParse("quantified question")
    a = P.class_atom(subj_t, noun=True)
    b = P.class_atom(pred_t, noun=False)
    if q in W.QUANT_ALL and q != "any":
        fact = ("no", a, b) if neg else ("all", a, b)
    elif q == "no":
        fact = ("no", a, b)
    else:
        fact = ("somenot", a, b) if neg else ("some", a, b)
    _goal_from_fact(P, fact)


def _goal_from_fact(P: Parser, fact: Any) -> None:
    rel, a, b = fact
    P.p.kind = "yn"
    P.p.info["fact"] = fact
    if rel in ("isa", "nisa", "all", "no", "some", "somenot"):
        P.p.goal = ("yn", (rel, a, b))
        P.p.entities.update([a] if rel in ("isa", "nisa") else [])
        return
    if isinstance(rel, tuple) and rel[0] == "cmp":
        P.p.goal = ("yn", ("rel", ("gt", rel[1]), a, b))
    else:
        name = "in" if rel == "part" else rel
        P.p.goal = ("yn", ("rel", name, a, b))
    P.p.entities.update([a, b])


def _prop_goal(P: Parser, lit: Any) -> None:
    known = {x[1][1] for x in P.p.facts if x[0] == "given"}
    for x in P.p.facts:
        if x[0] == "imp":
            known.update(p[1] for p in x[1])
            known.add(x[2][1])
        if x[0] == "or":
            known.update([x[1][1], x[2][1]])
    if lit[1] not in known:
        raise NoParse("the question's proposition is not in the premises")
    P.p.kind = "yn"
    P.p.info["fact"] = ("prop", lit)
    P.p.goal = ("yn", ("prop", lit))


# ----- who / which / what -----


def _wh_question(P: Parser, toks: list[Tok], low: list[str]) -> bool:
    # relationship
    if low[:2] in (["what", "is"], ["what's"]) and "relationship" in low or "relation" in low[:4]:
        return _relationship(P, toks, low)
    if low[:2] == ["how", "is"] and "related" in low:
        return _relationship(P, toks, low)
    if low[0] == "what" and low[1:2] == ["is"] and "to" in low and len(low) <= 6:
        return _relationship(P, toks, low)
    # "which animal is the fastest?" -> drop the noun after which
    i = 1
    if low[0] in ("which", "what") and len(low) > 2 and low[1] not in W.COPULA:
        i = 2
        while i < len(low) and low[i] not in W.COPULA:
            i += 1
    if i >= len(low) or low[i] not in W.COPULA:
        if low[0] == "whom" or (i < len(low) and low[i] in W.AUX):
            return False
        return False
    rest = toks[i + 1 :]
    rlow = low[i + 1 :]
    if not rlow:
        return False
    # superlative: "the tallest", "tallest", "the tallest of them"
    sup_at = 1 if rlow[0] == "the" else 0
    if sup_at < len(rlow) and (sup := W.superlative(rlow[sup_at])):
        tail = [
            w
            for w in rlow[sup_at + 1 :]
            if w
            not in (
                "of",
                "them",
                "all",
                "among",
                "the",
                "three",
                "four",
                "five",
                "two",
                "people",
                "person",
                "one",
                "animal",
                "animals",
                "these",
            )
        ]
        if tail:
            return False
        P.p.kind = "best"
        P.p.goal = ("worst" if sup[1] else "best", sup[0])
        P.p.info["dim"] = sup
        return True
    if len(rlow) >= 2 and rlow[0] == "most" and not rlow[2:]:
        P.p.kind = "best"
        P.p.goal = ("best", rlow[1])
        P.p.info["dim"] = (rlow[1], False)
        return True
    # comparative pick: "taller, A or B" / "taller: A or B"
    cmp = W.comparative(rlow[0])
    if cmp and "or" in rlow and "than" not in rlow:
        body = _strip(rest[1:], ",")
        body = _strip(body, ":")
        parts = _split_on(body, "or")
        if len(parts) != 2:
            return False
        a, b = P.name(_strip(parts[0], ",")), P.name(parts[1])
        P.p.kind = "pick"
        P.p.goal = ("yn", ("rel", ("gt", cmp[0]), a, b))
        P.p.info.update(pick=(a, b), dim=cmp)
        P.p.entities.update([a, b])
        return True
    if cmp and len(rlow) >= 3 and rlow[1] == "than":
        obj = P.name(rest[2:])
        P.p.kind = "who"
        P.p.goal = ("who", ("gt", cmp[0]), obj) if not cmp[1] else ("whose", ("gt", cmp[0]), obj)
        P.p.info.update(rel=("cmp", cmp), obj=obj)
        P.p.entities.add(obj)
        return True
    # "Alice's brother(s)", "the father of Bob", "the parents of Sue"
    pred = None
    try:
        pred = P.copula_pred(rest)
    except NoParse:
        # "Who is Bob the father of?" -> whose
        if len(rlow) >= 4 and rlow[-1] == "of" and rlow[-3] == "the":
            subj = P.name(rest[:-3])
            rel = _family(rlow[-2])
            P.p.kind = "who"
            P.p.goal = ("whose", rel, subj)
            P.p.info.update(rel=rel, obj=subj, inverse=True)
            P.p.entities.add(subj)
            return True
        return False
    if pred[0] == "rel":
        rel = "in" if pred[1] == "part" else pred[1]
        P.p.kind = "who"
        P.p.goal = ("who", rel, pred[2])
        P.p.info.update(rel=rel, obj=pred[2])
        P.p.entities.add(pred[2])
        return True
    if pred[0] == "class":
        P.p.kind = "members"
        P.p.goal = ("members", pred[1])
        P.p.info["cls"] = pred[1]
        return True
    return False


def _family(w: str) -> str:
    w = W.FAMILY_PLURAL.get(w, w)
    if w not in W.FAMILY:
        raise NoParse("relation noun")
    return w


def _relationship(P: Parser, toks: list[Tok], low: list[str]) -> bool:
    if "between" in low:
        i = low.index("between")
        parts = _split_on(toks[i + 1 :], "and")
    elif "related" in low:
        i = low.index("is")
        j = low.index("related")
        parts = [toks[i + 1 : j], toks[j + 2 :] if low[j + 1 : j + 2] == ["to"] else []]
    elif "to" in low:
        i = low.index("is")
        j = len(low) - 1 - low[::-1].index("to")
        parts = [toks[i + 1 : j], toks[j + 1 :]]
    else:
        return False
    parts = [p for p in parts if p]
    if len(parts) != 2:
        return False
    a, b = P.name(parts[0]), P.name(parts[1])
    P.p.kind = "relation"
    P.p.goal = ("relation", a, b)
    P.p.entities.update([a, b])
    return True


# ----- days and sequences -----

_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "twenty": 20,
    "thirty": 30,
    "hundred": 100,
    "a": 1,
}


def _offset_phrase(low: list[str]) -> int | None:
    """Days from today named by a phrase ("in 10 days", "3 days ago", "tomorrow")."""
    s = " ".join(low)
    for phrase, off in (("day after tomorrow", 2), ("day before yesterday", -2)):
        if phrase in s:
            return off
    n = None
    for i, w in enumerate(low):
        if w in ("day", "days", "week", "weeks") and i > 0:
            prev = low[i - 1]
            k = int(prev) if prev.isdigit() else _NUMBERS.get(prev)
            if k is None:
                continue
            k *= 7 if w.startswith("week") else 1
            after = low[i + 1 : i + 4]
            before = low[max(0, i - 3) : i - 1]
            if "ago" in after or "before" in after or "earlier" in after:
                k = -k
            if "after" in after and "tomorrow" in after:
                k += 1
            if "after" in after and "yesterday" in after:
                k -= 1
            if "before" in after and "tomorrow" in after:
                k += 1
            if "before" in after and "yesterday" in after:
                k -= 1
            del before
            n = k if n is None else n
    if n is not None:
        return n
    if "tomorrow" in low:
        return 1
    if "yesterday" in low:
        return -1
    if "today" in low:
        return 0
    return None


def _day_question(P: Parser, qlow: list[str]) -> bool:
    if not (("what" in qlow or "which" in qlow) and ("day" in qlow)):
        return False
    alltoks = [t.low for s in P.sentences for t in s.toks]
    if not any(d in alltoks for d in W.DAYS):
        return False
    # premise: the clause that names a weekday
    premise_off = None
    start = None
    for s in P.sentences:
        low = [t.low for t in s.toks]
        for clause in _split_clauses(low):
            day = next((d for d in W.DAYS if d in clause), None)
            if day is None or "what" in clause:
                continue
            off = _offset_phrase([w for w in clause if w != day])
            if off is not None:
                premise_off, start = off, day
                break
        if start:
            break
    if start is None or premise_off is None:
        raise NoParse("day question without a known day")
    q = qlow
    if "what" in q:
        q = q[q.index("what") :]
    target = _offset_phrase(q)
    if target is None:
        raise NoParse("day question without an offset")
    P.p.kind = "day"
    P.p.goal = ("day", start, target - premise_off)
    P.p.info.update(start=start, delta=target - premise_off)
    return True


def _split_clauses(low: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for w in low:
        if w in (",", "and", "if", "then"):
            out.append([])
        else:
            out[-1].append(w)
    return [c for c in out if c]


_SEQ_CUES = ("next", "comes", "follows", "sequence", "series", "pattern", "missing")


def _sequence_question(P: Parser, toks: list[Tok], low: list[str]) -> bool:
    if not any(c in low for c in _SEQ_CUES) or low[0] not in (
        "what",
        "which",
        "complete",
        "find",
        "continue",
    ):
        return False
    items = [t for t in toks if t.low not in (",", ":", "_", "...", "?", "-")]
    nums = [t for t in toks if t.low.isdigit()]
    days = [t.low for t in toks if t.low in W.DAYS]
    letters = [t.text for t in toks if len(t.text) == 1 and t.text.isalpha() and t.text.isupper()]
    del items
    if len(nums) >= 3:
        P.p.kind = "next"
        P.p.goal = ("next", "numbers", [int(t.low) for t in nums])
        if any(t.text == "-" for t in toks):
            raise NoParse("negative numbers")
        return True
    if len(days) >= 3:
        P.p.kind = "next"
        P.p.goal = ("next", "days", [W.DAYS.index(d) for d in days])
        return True
    if len(letters) >= 3:
        P.p.kind = "next"
        P.p.goal = ("next", "letters", [ord(c.lower()) for c in letters])
        return True
    raise NoParse("sequence without items")


def parse(text: str) -> Problem:
    """A whole problem: the statements and the question (raises ``NoParse``)."""
    return grammar.parse(text, parse_question)
