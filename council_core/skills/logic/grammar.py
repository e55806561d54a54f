"""Controlled English -> a structured problem (premises as fact tuples, one question).

A tokenizer and a small recursive-descent grammar over sentences and clauses; unknown words
are symbols. Anything outside the grammar raises ``NoParse``: the skill then declines.

    text      := sentence+ ; the last sentence may be a question
    sentence  := "if" clause ("," | "then") clause          conditional
               | ["either"] clause "or" clause              disjunction
               | ("not" | "it is not the case that") clause
               | clause "is" ("true" | "false")
               | quant class copula ["not"] class           categorical
               | clause ("and" clause)*
    clause    := name copula ["not"] (article class | name "'s" relnoun
               | "the" relnoun "of" name | cmp "than" name | "in" name | "part of" name | adj)
               | name "'s" relnoun copula name | name "has" article relnoun ["named"] name
               | name ["can" | "does"] ["not"] verb [name]
    question  := copula/aux clause-in-question-order | who/which ... | what-day | what-next
               | "what is the relationship between" name "and" name
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import words as W
from .tokens import NoParse, Tok, _index, _split_on, _strip, _strip_lead

Fact = tuple[Any, Any, Any]
# Parses the last sentence, the question, into Problem.goal (questions.parse_question).
QuestionParser = Callable[["Parser", list[Tok]], None]


@dataclass
class Sentence:
    toks: list[Tok]
    question: bool


@dataclass
class Problem:
    facts: list[Fact] = field(default_factory=list)
    goal: Any = None  # a tuple tree, see reasoner.to_term
    kind: str = ""  # yn, who, relation, best, pick, day, next, members, remember
    labels: dict[str, str] = field(default_factory=dict)  # atom -> surface text
    plurals: dict[str, str] = field(default_factory=dict)  # class atom -> plural surface
    nouns: set[str] = field(default_factory=set)  # class atoms seen with an article
    entities: set[str] = field(default_factory=set)  # atoms the question mentions
    info: dict[str, Any] = field(default_factory=dict)


_TOKEN = re.compile(r"\d+|[A-Za-z][A-Za-z\-]*|['’]s\b|n['’]t\b|[^\sA-Za-z\d]")
_SPLIT = re.compile(r"(?<=[.?!;])\s+|\n+")


def tokenize(text: str) -> list[Sentence]:
    text = text.replace("’", "'")
    text = re.sub(r"\b(can)not\b", r"\1 not", text, flags=re.I)
    text = re.sub(r"\b(\w+)n't\b", lambda m: _unneg(m.group(1)) + " not", text)
    out: list[Sentence] = []
    for part in _SPLIT.split(text.strip()):
        part = part.strip()
        if not part:
            continue
        q = part.endswith("?")
        toks = [Tok(t, t.lower()) for t in _TOKEN.findall(part) if t not in ".?!;"]
        if toks:
            out.append(Sentence(toks, q))
    return out


def _unneg(w: str) -> str:
    return {"wo": "will", "ca": "can", "sha": "shall"}.get(w.lower(), w)


def atom(toks: list[Tok]) -> str:
    return "_".join(t.low for t in toks)


def surface(toks: list[Tok]) -> str:
    return " ".join(t.text for t in toks).replace(" 's", "'s").replace(" - ", "-")


class Parser:
    """Parses a list of sentences into a Problem."""

    def __init__(self, sentences: list[Sentence], ask: QuestionParser | None = None) -> None:
        self.sentences = sentences
        self.ask = ask
        self.p = Problem()
        self.prop_mode = any(_is_prop_sentence(s.toks) for s in sentences)

    # ----- entry -----

    def parse(self) -> Problem:
        *premises, last = self.sentences
        if not last.question and not _question_word(last.toks):
            raise NoParse("no question")
        for s in premises:
            self.statement(_strip_lead(s.toks))
        self.question(_strip_lead(last.toks))
        return self.p

    def parse_statement_only(self) -> Problem:
        for s in self.sentences:
            if s.question:
                raise NoParse("a question")
            self.statement(_strip_lead(s.toks))
        return self.p

    # ----- statements -----

    def statement(self, toks: list[Tok]) -> None:
        low = [t.low for t in toks]
        if not toks:
            return
        if low[0] == "if" or "then" in low[1:] and low[0] != "if":
            self.conditional(toks)
            return
        if low[0] in ("either", "neither") or ("or" in low and self.prop_mode):
            self.disjunction(toks)
            return
        if self.prop_mode and low[0] != "all" and low[0] != "some":
            for lit in self.literals(toks):
                self.p.facts.append(("given", lit, "true"))
            return
        facts = self.clauses(toks)
        self.p.facts.extend(facts)

    def conditional(self, toks: list[Tok]) -> None:
        low = [t.low for t in toks]
        if low[0] == "if":
            body = toks[1:]
            cut = _index(body, "then")
            if cut is None:
                cut = _index(body, ",")
            if cut is None:
                raise NoParse("if without then")
            ante, cons = body[:cut], body[cut + 1 :]
        else:
            cut = _index(toks, "then")
            assert cut is not None
            ante, cons = toks[:cut], toks[cut + 1 :]
        ante = _strip(ante, ",")
        cons = _strip(cons, ",")
        if not ante or not cons:
            raise NoParse("empty conditional")
        antes = [self.literal(part) for part in _split_on(ante, "and")]
        for part in _split_on(cons, "and"):
            self.p.facts.append(("imp", antes, self.literal(part)))

    def disjunction(self, toks: list[Tok]) -> None:
        low = [t.low for t in toks]
        neither = low[0] == "neither"
        body = toks[1:] if low[0] in ("either", "neither") else toks
        cut = _index(body, "nor" if neither else "or")
        if cut is None:
            raise NoParse("either without or")
        a, b = self.literal(_strip(body[:cut], ",")), self.literal(body[cut + 1 :])
        if neither:
            self.p.facts += [("given", _neg(a), "true"), ("given", _neg(b), "true")]
        else:
            self.p.facts.append(("or", a, b))

    def literals(self, toks: list[Tok]) -> list[Any]:
        return [self.literal(part) for part in _split_on(toks, "and")]

    def literal(self, toks: list[Tok]) -> Any:
        """A proposition with its polarity: ("p", atom) or ("n", atom)."""
        toks = _strip(toks, ",")
        low = [t.low for t in toks]
        positive = True
        for frame in (
            ["it", "is", "not", "the", "case", "that"],
            ["it", "is", "not", "true", "that"],
        ):
            if low[: len(frame)] == frame:
                toks, low, positive = toks[len(frame) :], low[len(frame) :], False
        for frame in (["it", "is", "true", "that"], ["it", "is", "the", "case", "that"]):
            if low[: len(frame)] == frame:
                toks, low = toks[len(frame) :], low[len(frame) :]
        if low and low[-1] in ("true", "false") and len(low) >= 2 and low[-2] in W.COPULA:
            if low[-1] == "false":
                positive = not positive
            toks, low = toks[:-2], low[:-2]
        if low and low[0] == "not":
            positive = not positive
            toks, low = toks[1:], low[1:]
        keep: list[Tok] = []
        for t in toks:
            if t.low in W.NEGATIONS:
                positive = not positive
            else:
                keep.append(t)
        content = [t for t in keep if t.low not in _PROP_STOP] or keep
        if not content:
            raise NoParse("empty proposition")
        if any(not (t.low.isalpha() or t.low.isdigit() or "-" in t.low) for t in content):
            raise NoParse("odd proposition")
        key = "_".join(W.stem(t.low) for t in content)
        self.p.labels.setdefault(key, surface([t for t in keep if t.low != "then"]))
        return ("p" if positive else "n", key)

    # ----- clauses (categorical and relational) -----

    def clauses(self, toks: list[Tok]) -> list[Fact]:
        try:
            return self.clause(toks)
        except NoParse:
            parts = _split_on(toks, "and")
            if len(parts) == 1:
                parts = _split_on(toks, ",")
            if len(parts) == 1:
                raise
            out: list[Fact] = []
            for part in parts:
                out += self.clause(_strip(part, ","))
            return out

    def clause(self, toks: list[Tok]) -> list[Fact]:
        low = [t.low for t in toks]
        if not low:
            raise NoParse("empty")
        if low[0] in W.QUANT_ALL or low[0] in ("no", "some", "most"):
            return [self.quantified(toks)]
        if low[0] in ("a", "an") and len(low) > 2 and "than" not in low:  # every snake
            return [self.quantified([Tok("every", "every")] + toks[1:])]
        # "X and Y are siblings"
        if "and" in low:
            i = low.index("and")
            if i + 2 < len(low) and low[i + 2] in ("are", "were"):
                a, b = self.name(toks[:i]), self.name(toks[i + 1 : i + 2])
                tail = low[i + 3 :]
                if tail and tail[-1] in W.FAMILY_PLURAL or tail == ["married"]:
                    rel = "spouse" if tail == ["married"] else W.FAMILY_PLURAL[tail[-1]]
                    if rel in ("brother", "sister"):
                        return [(rel, a, b), (rel, b, a)]
                    return [(rel, a, b)]
            raise NoParse("and")
        # "X's brother is Y"
        if len(low) >= 4 and low[1] == "'s" and low[3] in W.COPULA:
            owner = self.name(toks[:1])
            rel = _relnoun(low[2])
            who = self.name(toks[4:])
            return [(rel, who, owner)]
        # "X has a brother (named|called) Y"
        if len(low) >= 4 and low[1] in ("has", "have") and low[2] in ("a", "an"):
            owner = self.name(toks[:1])
            rel = _relnoun(low[3])
            rest = toks[4:]
            if rest and rest[0].low in ("named", "called"):
                rest = rest[1:]
            return [(rel, self.name(rest), owner)]
        subj_end = self.name_end(toks, 0)
        subj = self.name(toks[:subj_end])
        rest = toks[subj_end:]
        if not rest:
            raise NoParse("no predicate")
        neg, pred = self.predicate(rest)
        return [_negate(fact, neg) for fact in self.apply_pred(subj, pred)]

    def predicate(self, toks: list[Tok]) -> tuple[bool, Any]:
        """Returns (negated, predicate) for the part after the subject."""
        low = [t.low for t in toks]
        neg = False
        if low[0] in W.COPULA:
            toks, low = toks[1:], low[1:]
            if low and low[0] == "not":
                neg, toks, low = True, toks[1:], low[1:]
            return neg, self.copula_pred(toks)
        if low[0] in W.AUX:
            toks, low = toks[1:], low[1:]
            if low and low[0] == "not":
                neg, toks, low = True, toks[1:], low[1:]
        if not toks:
            raise NoParse("no verb")
        return neg, self.verb_pred(toks)

    def copula_pred(self, toks: list[Tok]) -> Any:
        low = [t.low for t in toks]
        if not low:
            raise NoParse("empty predicate")
        # "the/a brother of Y"
        if len(low) >= 4 and low[0] in W.ARTICLES and low[2] == "of" and _is_relnoun(low[1]):
            return ("rel", _relnoun(low[1]), self.name(toks[3:]))
        if len(low) >= 3 and low[1] == "of" and _is_relnoun(low[0]):  # "brothers of Y"
            return ("rel", _relnoun(low[0]), self.name(toks[2:]))
        # "Y's brother"
        if len(low) >= 3 and low[1] == "'s" and _is_relnoun(low[2]) and len(low) == 3:
            return ("rel", _relnoun(low[2]), self.name(toks[:1]))
        # "taller than Y", "more intelligent than Y"
        if "than" in low:
            i = low.index("than")
            obj = self.name(toks[i + 1 :])
            if i == 1 and (c := W.comparative(low[0])):
                return ("cmp", c, obj)
            if i == 2 and low[0] in ("more", "less"):
                return ("cmp", (low[1], low[0] == "less"), obj)
            raise NoParse("comparative")
        # "in Y", "located in Y", "part of Y"
        for frame, rel in _PLACES:
            if low[: len(frame)] == frame and len(low) > len(frame):
                return ("rel", rel, self.name(toks[len(frame) :]))
        # "a mammal", "mortal", "a warm-blooded animal"
        article = low[0] in ("a", "an") and len(low) > 1  # a lone "A" is a symbol
        cls = toks[1:] if article else toks
        if not cls or any(t.low in _CLAUSE_BREAK for t in cls):
            raise NoParse("class")
        return ("class", self.class_atom(cls, noun=article))

    def verb_pred(self, toks: list[Tok]) -> Any:
        low = [t.low for t in toks]
        if any(t in _CLAUSE_BREAK or t in W.COPULA for t in low):
            raise NoParse("verb phrase")
        verb = W.stem(low[0])
        if len(low) >= 2 and (toks[1].cap or low[1] in ("the",)) and len(low) <= 4:
            obj = self.name(toks[1:])
            return ("rel", ("verb", verb), obj)
        return ("class", self.verb_class(toks))

    def apply_pred(self, subj: str, pred: Any) -> list[Fact]:
        kind = pred[0]
        if kind == "class":
            return [("isa", subj, pred[1])]
        if kind == "rel":
            rel = pred[1]
            rel = ("verb", rel[1]) if isinstance(rel, tuple) else rel
            return [(rel, subj, pred[2])]
        if kind == "cmp":
            (dim, rev), obj = pred[1], pred[2]
            return [(("cmp", dim), obj, subj) if rev else (("cmp", dim), subj, obj)]
        raise NoParse(kind)

    def quantified(self, toks: list[Tok]) -> Fact:
        low = [t.low for t in toks]
        q = low[0]
        if q == "most":
            raise NoParse("most")
        cop = next(
            (i for i, w in enumerate(low) if w in W.COPULA or w in W.AUX or w in ("have", "has")),
            None,
        )
        if cop is None and len(toks) >= 3:  # "All metals conduct electricity"
            subj = self.class_atom(toks[1:2], noun=True)
            return ("all" if q in W.QUANT_ALL else "some", subj, self.verb_class(toks[2:]))
        if cop is None or cop < 2:
            raise NoParse("quantifier without verb")
        subj = self.class_atom(toks[1:cop], noun=True)
        rest = toks[cop:]
        neg, pred = (
            self.predicate(rest)
            if low[cop] not in ("have", "has")
            else (False, ("class", self.have_class(rest)))
        )
        if pred[0] != "class":
            raise NoParse("quantified relation")
        obj = pred[1]
        if q in W.QUANT_ALL:
            return ("no", subj, obj) if neg else ("all", subj, obj)
        if q == "no":
            if neg:
                raise NoParse("double negative")
            return ("no", subj, obj)
        return ("somenot", subj, obj) if neg else ("some", subj, obj)

    def verb_class(self, toks: list[Tok]) -> str:
        if any(t.low in _CLAUSE_BREAK or t.low in W.COPULA for t in toks):
            raise NoParse("verb phrase")
        key = "_".join(W.stem(t.low) for t in toks if t.low not in W.ARTICLES)
        self.p.labels.setdefault(key, " ".join(t.low for t in toks))
        return key

    def have_class(self, toks: list[Tok]) -> str:
        words = [W.stem(t.low) for t in toks if t.low not in W.ARTICLES]
        key = "_".join(["have"] + words[1:])
        self.p.labels.setdefault(key, "have " + " ".join(t.low for t in toks[1:]))
        return key

    def class_atom(self, toks: list[Tok], noun: bool) -> str:
        toks = [t for t in toks if t.low not in ("the",)]
        if not toks or any(not (t.low.isalpha() or "-" in t.low) for t in toks):
            raise NoParse("class phrase")
        head = W.singular(toks[-1].low)
        mods = [t.low for t in toks[:-1]]
        key = "_".join(mods + [head])
        label = " ".join(mods + [head])
        self.p.labels.setdefault(key, label)
        if head != toks[-1].low or noun:
            self.p.nouns.add(key)
            self.p.plurals.setdefault(
                key,
                " ".join(mods + [toks[-1].low])
                if head != toks[-1].low
                else " ".join(mods + [W.plural(head)]),
            )
        if mods:  # a "furry animal" is an animal (and furry)
            self.p.facts.append(("all", key, head))
            self.p.labels.setdefault(head, head)
            self.p.nouns.add(head)
            self.p.plurals.setdefault(head, W.plural(head))
        return key

    def name_end(self, toks: list[Tok], i: int) -> int:
        j = i
        if j < len(toks) and toks[j].low in W.ARTICLES:
            j += 1
        if j >= len(toks):
            raise NoParse("no name")
        first = toks[j]
        if first.low in _FUNCTION or not _wordlike(first):
            raise NoParse("not a name")
        j += 1
        while (
            j < len(toks)
            and toks[j].cap
            and toks[j].low not in _FUNCTION
            and first.cap
            and not (j + 1 < len(toks) and toks[j + 1].low == "'s")
        ):
            j += 1
        return j

    def name(self, toks: list[Tok]) -> str:
        toks = _strip(toks, ",")
        if toks and toks[0].low in W.ARTICLES:
            toks = toks[1:]
        if not toks or len(toks) > 4 or any(t.low in _FUNCTION or not _wordlike(t) for t in toks):
            raise NoParse("name")
        key = atom(toks)
        self.p.labels.setdefault(key, surface(toks))
        return key

    # ----- questions -----

    def question(self, toks: list[Tok]) -> None:
        if self.ask is None:  # a statements-only parser
            raise NoParse("question")
        self.ask(self, toks)


def _wordlike(t: Tok) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z\-]*|\d+", t.text))


def _relnoun(w: str) -> str:
    w = W.FAMILY_PLURAL.get(w, w)
    if w not in W.FAMILY:
        raise NoParse("relation noun")
    return w


def _is_relnoun(w: str) -> bool:
    return w in W.FAMILY or w in W.FAMILY_PLURAL


def _negate(fact: Fact, neg: bool) -> Fact:
    if not neg:
        return fact
    if fact[0] == "isa":
        return ("nisa", fact[1], fact[2])
    raise NoParse("negated relation")


def _neg(lit: Any) -> Any:
    return ("n" if lit[0] == "p" else "p", lit[1])


def _question_word(toks: list[Tok]) -> bool:
    return bool(toks) and toks[0].low in ("who", "which", "what", "whom")


def _is_prop_sentence(toks: list[Tok]) -> bool:
    low = [t.low for t in _strip_lead(toks)]
    if not low:
        return False
    if low[0] == "if" and not _day_problem(low):
        # "If Alice is taller than Bob and ..., who is the tallest?" is not propositional
        return not _conditional_question(low)
    return (
        low[0] in ("either", "neither")
        or "then" in low
        or "implies" in low
        or ("or" in low and low[0] not in ("who", "which", "what", "is", "are"))
        or low[:5] == ["it", "is", "not", "the", "case"]
    )


def _conditional_question(low: list[str]) -> bool:
    if "then" in low:
        return False
    if "," in low:
        after = low[low.index(",") + 1 :]
        return bool(after) and after[0] in ("who", "which", "what", "whom")
    return False


def _day_problem(low: list[str]) -> bool:
    return any(d in low for d in W.DAYS) and any(
        w in low for w in ("today", "tomorrow", "yesterday")
    )


_PROP_STOP = {
    "the",
    "a",
    "an",
    "is",
    "are",
    "am",
    "was",
    "were",
    "be",
    "been",
    "does",
    "do",
    "did",
    "will",
    "shall",
    "then",
    "true",
    "it",
}
_FUNCTION = {
    "is",
    "are",
    "was",
    "were",
    "am",
    "not",
    "and",
    "or",
    "than",
    "of",
    "if",
    "then",
    "a",
    "an",
    "the",
    "'s",
    ",",
    "who",
    "which",
    "what",
    "all",
    "some",
    "no",
    "every",
    "each",
    "in",
    "does",
    "do",
    "can",
    "has",
    "have",
    "that",
    "there",
    "to",
    "by",
    "with",
    "for",
    "on",
    "at",
    "from",
    "as",
    "but",
    "so",
    "this",
    "these",
    "those",
}
_CLAUSE_BREAK = {"and", "or", "if", "then", "than", "'s", ",", "of", "who", "which", "that"}
_PLACES = [
    (["is", "located", "in"], "in"),
    (["located", "in"], "in"),
    (["situated", "in"], "in"),
    (["in"], "in"),
    (["inside"], "in"),
    (["within"], "in"),
    (["a", "part", "of"], "part"),
    (["part", "of"], "part"),
]


def parse(text: str, ask: QuestionParser) -> Problem:
    """Statements, then the question, parsed by ``ask`` (``questions.parse_question``)."""
    sentences = tokenize(text)
    if not sentences:
        raise NoParse("empty")
    return Parser(sentences, ask).parse()


def parse_facts(text: str) -> Problem:
    """Statements only (``remember that ...``)."""
    sentences = tokenize(text)
    if not sentences:
        raise NoParse("empty")
    parser = Parser(sentences)
    if parser.prop_mode:
        raise NoParse("not a relation")
    return parser.parse_statement_only()
