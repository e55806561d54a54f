"""From a parsed Problem to Prolog terms and back to an answer with a one-line derivation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import words as W
from .engine import T, f
from .grammar import Problem


@dataclass
class Verdict:
    text: str
    confidence: float
    result: str  # yes, no, unknown, answer, none
    data: dict[str, Any] = field(default_factory=dict)


def to_term(x: Any) -> Any:
    if isinstance(x, tuple):
        return T(x[0], *(to_term(a) for a in x[1:]))
    if isinstance(x, list):
        return [to_term(a) for a in x]
    return x


def fact_terms(problem: Problem) -> list[T]:
    return [f(to_term(r), to_term(a), to_term(b)) for r, a, b in problem.facts]


class Formatter:
    def __init__(self, problem: Problem) -> None:
        self.p = problem

    def name(self, atom: Any) -> str:
        if isinstance(atom, str):
            return self.p.labels.get(atom) or atom.replace("_", " ")
        return str(atom)

    def cls(self, atom: str, plural: bool = False, article: bool = False) -> str:
        label = self.name(atom)
        if atom in self.p.nouns:
            if plural:
                return self.p.plurals.get(atom) or W.plural(label)
            if article:
                return ("an " if label[:1] in "aeiou" else "a ") + label
        return label

    def lit(self, lit: Any) -> str:
        label = self.name(lit.args[0])
        return label if lit.name == "p" else _negated(label)

    def step(self, s: Any) -> str:
        if isinstance(s, T) and s.name == "f":
            r, a, b = s.args
            return self.fact(r, a, b)
        if isinstance(s, T) and s.name == "given":
            return self.lit(s.args[0])
        if isinstance(s, T) and s.name == "imp":
            ps, q = s.args
            return f"if {' and '.join(self.lit(p) for p in ps)} then {self.lit(q)}"
        if isinstance(s, T) and s.name == "or":
            return f"either {self.lit(s.args[0])} or {self.lit(s.args[1])}"
        return str(s)

    def fact(self, r: Any, a: Any, b: Any) -> str:
        if r == "isa":
            return f"{self.name(a)} is {self.cls(b, article=True)}"
        if r == "nisa":
            return f"{self.name(a)} is not {self.cls(b, article=True)}"
        if r == "all":
            return f"all {self.cls(a, plural=True)} are {self.cls(b, plural=True)}"
        if r == "no":
            return f"no {self.cls(a, plural=True)} are {self.cls(b, plural=True)}"
        if r == "some":
            return f"some {self.cls(a, plural=True)} are {self.cls(b, plural=True)}"
        if r == "somenot":
            return f"some {self.cls(a, plural=True)} are not {self.cls(b, plural=True)}"
        if r in ("in",):
            return f"{self.name(a)} is in {self.name(b)}"
        if r == "part":
            return f"{self.name(a)} is part of {self.name(b)}"
        if isinstance(r, T) and r.name == "cmp":
            return f"{self.name(a)} is {_comparative(r.args[0])} than {self.name(b)}"
        if isinstance(r, T) and r.name == "verb":
            return f"{self.name(a)} {_verb3(r.args[0])} {self.name(b)}"
        return f"{self.name(a)} is {self.name(b)}'s {self.relname(r)}"

    def relname(self, r: Any) -> str:
        if isinstance(r, T) and r.name == "gt":
            return _comparative(r.args[0])
        return str(r)

    def steps(self, steps: list[Any]) -> str:
        seen: list[str] = []
        for s in steps:
            line = self.step(s)
            if line not in seen:
                seen.append(line)
        return ", ".join(seen)


def _negated(label: str) -> str:
    for cop in (" is ", " are ", " was ", " were ", " did ", " does ", " can ", " will "):
        if cop in f" {label} ":
            return f" {label} ".replace(cop, cop.rstrip() + " not ", 1).strip()
    if len(label.split()) == 1:
        return f"{label} is false"
    return f"not ({label})"


def _comparative(dim: str) -> str:
    irregular = {"good": "better", "bad": "worse", "many": "more", "few": "fewer"}
    if dim in irregular:
        return irregular[dim]
    if dim.endswith("e"):
        return dim + "r"
    if dim.endswith("y") and len(dim) > 2 and dim[-2] not in "aeiou":
        return dim[:-1] + "ier"
    if dim in ("big", "hot", "fat", "thin", "wet"):
        return dim + dim[-1] + "er"
    if len(dim) > 6:
        return f"more {dim}"
    return dim + "er"


def _superlative(dim: str, reverse: bool) -> str:
    if reverse and dim in W.CANONICAL:
        for a, b in W._PAIRS:
            if a == dim:
                dim = b
                break
    c = _comparative(dim)
    if c.startswith("more "):
        return "most " + dim
    return c[:-2] + "est" if c.endswith("er") else c


def _verb3(v: str) -> str:
    if v.endswith(("s", "sh", "ch", "x")):
        return v + "es"
    if v.endswith("y") and v[-2:-1] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def interpret(problem: Problem, result: Any) -> Verdict:
    fm = Formatter(problem)
    kind = problem.kind
    if kind in ("yn", "pick"):
        return _yn(problem, fm, result)
    if kind in ("who", "members"):
        return _who(problem, fm, result)
    if kind == "relation":
        return _relation(problem, fm, result)
    if kind == "best":
        dim, rev = problem.info["dim"]
        word = _superlative(dim, rev)
        if isinstance(result, T) and result.name == "best":
            x = result.args[0]
            why = [s for s in problem.facts if isinstance(s[0], tuple) and s[0][1] == dim]
            expl = ", ".join(fm.fact(T("cmp", dim), a, b) for _, a, b in why)
            return Verdict(f"{fm.name(x)} is the {word}: {expl}", 0.95, "answer", {"answer": x})
        return Verdict(
            f"Cannot be determined: the facts do not say who is the {word}", 0.8, "unknown"
        )
    if kind == "day":
        day = result.args[0] if isinstance(result, T) else None
        if not isinstance(day, str):
            return Verdict("Cannot be determined", 0.3, "unknown")
        start, delta = problem.info["start"], problem.info["delta"]
        sign = "+" if delta >= 0 else "-"
        return Verdict(
            f"{day.capitalize()}: {start.capitalize()} {sign} {abs(delta)} days "
            f"({abs(delta)} mod 7 = {abs(delta) % 7}) is {day.capitalize()}",
            0.97,
            "answer",
            {"answer": day},
        )
    if kind == "next":
        return _next(problem, result)
    return Verdict("Cannot be determined", 0.2, "unknown")


def _yn(problem: Problem, fm: Formatter, result: Any) -> Verdict:
    name = result.name if isinstance(result, T) else str(result)
    steps = result.args[0] if isinstance(result, T) and result.args else []
    if problem.kind == "pick":
        a, b = problem.info["pick"]
        dim, rev = problem.info["dim"]
        word = (
            _comparative(W._PAIRS[[p[0] for p in W._PAIRS].index(dim)][1])
            if rev and dim in W.CANONICAL
            else _comparative(dim)
        )
        if name in ("yes", "no"):
            winner = (a if name == "yes" else b) if not rev else (b if name == "yes" else a)
            return Verdict(
                f"{fm.name(winner)} is {word}: {fm.steps(steps)}",
                0.95,
                "answer",
                {"answer": winner},
            )
        return Verdict(f"Cannot be determined: the facts do not say who is {word}", 0.8, "unknown")
    if name == "yes":
        return Verdict(f"Yes: {fm.steps(steps) or 'it is given'}", 0.95, "yes")
    if name == "no":
        return Verdict(f"No: {fm.steps(steps) or 'it is given'}", 0.95, "no")
    if name == "closed_no":
        return Verdict("No: nothing in the given facts implies it", 0.8, "no")
    if name == "contradiction":
        return Verdict("The premises contradict each other", 0.3, "unknown")
    return Verdict(
        "Cannot be determined: the premises neither prove nor rule it out", 0.85, "unknown"
    )


def _who(problem: Problem, fm: Formatter, result: Any) -> Verdict:
    items = result.args[0] if isinstance(result, T) else []
    if not items:
        return Verdict("No one, from the given facts", 0.7, "none", {"answer": []})
    names = []
    expl: list[Any] = []
    for item in items:
        (x, _g), steps = item.args[0].args, item.args[1]
        names.append(x)
        expl.extend(steps)
    shown = [fm.name(x) for x in names]
    joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return Verdict(f"{joined}: {fm.steps(expl)}", 0.93, "answer", {"answer": names})


def _relation(problem: Problem, fm: Formatter, result: Any) -> Verdict:
    items = result.args[0] if isinstance(result, T) else []
    a, b = problem.goal[1], problem.goal[2]
    if not items:
        return Verdict(
            f"No relationship between {fm.name(a)} and {fm.name(b)} follows from the facts",
            0.75,
            "none",
        )
    (rel, gender), steps = items[0].args[0].args, items[0].args[1]
    word = W.GENDERED.get((rel, gender)) or W.NEUTRAL.get(rel) or rel
    if rel == "ancestor" or rel == "descendant":
        n = len(steps)
        base = "grandparent" if rel == "ancestor" else "grandchild"
        word = "great-" * (n - 2) + (W.GENDERED.get((base, gender)) or base) if n >= 3 else word
    return Verdict(
        f"{fm.name(a)} is {fm.name(b)}'s {word}: {fm.steps(steps)}",
        0.93,
        "answer",
        {"answer": word},
    )


def _next(problem: Problem, result: Any) -> Verdict:
    kind = problem.goal[1]
    if not (isinstance(result, T) and result.name == "next"):
        return Verdict("Cannot be determined: no simple pattern fits", 0.4, "unknown")
    value, why = result.args
    if kind == "letters":
        shown = chr(value).upper()
        step = why.args[0] if isinstance(why, T) else None
        return Verdict(
            f"{shown}: each letter moves {step} places on", 0.9, "answer", {"answer": shown}
        )
    if kind == "days":
        shown = W.DAYS[value].capitalize()
        return Verdict(
            f"{shown}: each day is {why.args[0]} days after the previous one",
            0.9,
            "answer",
            {"answer": shown},
        )
    if isinstance(why, T) and why.name == "step":
        rule = f"each term adds {why.args[0]}"
    elif isinstance(why, T) and why.name == "ratio":
        rule = f"each term is multiplied by {why.args[0]}"
    elif isinstance(why, T) and why.name == "second":
        rule = f"the differences grow by {why.args[0]}"
    else:
        rule = "each term is the sum of the two before it"
    return Verdict(f"{value}: {rule}", 0.9, "answer", {"answer": value})
