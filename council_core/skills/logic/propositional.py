"""Propositional logic, exactly: equivalence, tautology, satisfiability, entailment, truth
tables and simplification of formulas people type ("is (p -> q) equivalent to (not q -> not
p)?", "truth table for p xor q", "is (p and q) -> p a tautology?").

Formulas are read by the small parser below (no eval): variables are letters (p, q, r, A1)
or longer names when the formula also uses a symbol (->, &, |, ~, ¬, ∧, ∨, →, ↔, ⊕);
connectives: not/¬/~/!, and/∧/&/&&, or/∨/|/||, xor/⊕, implies/->/→/=>, iff/<->/↔/<=>,
"if A then B", true/false/⊤/⊥. Answers come from the whole truth table (up to MAX_VARS
variables), with a counterexample when the answer is no; simplification uses SymPy's
simplify_logic on objects built from the parse.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_VARS = 12  # 4,096 rows
TABLE_VARS = 5  # truth tables shown up to 32 rows

# ----- formulas -----


@dataclass(frozen=True)
class F:
    op: str  # "var", "const", "not", "and", "or", "xor", "imp", "iff"
    args: tuple[Any, ...]


_SYM = {
    "¬": "not", "~": "not", "!": "not",
    "∧": "and", "&&": "and", "&": "and", "^": "xor",
    "∨": "or", "||": "or", "|": "or",
    "⊕": "xor",
    "→": "imp", "->": "imp", "=>": "imp", "⇒": "imp", "⊃": "imp",
    "↔": "iff", "<->": "iff", "<=>": "iff", "⇔": "iff", "≡": "iff",
    "⊤": "true", "⊥": "false",
}  # fmt: skip
_WORDS = {
    "not": "not", "and": "and", "or": "or", "xor": "xor", "implies": "imp", "iff": "iff",
    "true": "true", "false": "false", "if": "if", "then": "then",
}  # fmt: skip
_TOKEN = re.compile(r"\s*(<->|<=>|->|=>|&&|\|\||[¬~!∧&∨|⊕^→⇒⊃↔⇔≡⊤⊥()]|[A-Za-z][A-Za-z0-9_']*)")


class NotAFormula(ValueError):
    pass


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: kind is a connective, "(" / ")", or "name"."""
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise NotAFormula(f"unexpected {text[pos : pos + 10]!r}")
        t = m.group(1)
        pos = m.end()
        if t in _SYM:
            out.append((_SYM[t], t))
        elif t.lower() in _WORDS:
            out.append((_WORDS[t.lower()], t))
        elif t in "()":
            out.append((t, t))
        else:
            out.append(("name", t))
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def take(self, kind: str) -> bool:
        if self.peek() == kind:
            self.i += 1
            return True
        return False

    def formula(self) -> F:
        return self.chain("iff", self.imp)

    def imp(self) -> F:
        left = self.or_()
        if self.take("imp"):
            return F("imp", (left, self.imp()))  # right-associative
        return left

    def or_(self) -> F:
        return self.chain("or", self.xor)

    def xor(self) -> F:
        return self.chain("xor", self.and_)

    def and_(self) -> F:
        return self.chain("and", self.unary)

    def chain(self, op: str, operand: Callable[[], F]) -> F:
        """operand (op operand)*, left-associative."""
        left = operand()
        while self.take(op):
            left = F(op, (left, operand()))
        return left

    def unary(self) -> F:
        if self.take("not"):
            return F("not", (self.unary(),))
        return self.atom()

    def atom(self) -> F:
        k = self.peek()
        if k is None:
            raise NotAFormula("the formula ends too early")
        if self.take("("):
            f = self.formula()
            if not self.take(")"):
                raise NotAFormula("a bracket is not closed")
            return f
        if self.take("if"):
            a = self.formula()
            if not self.take("then"):
                raise NotAFormula("'if' without 'then'")
            return F("imp", (a, self.formula()))
        if k in ("true", "false"):
            self.i += 1
            return F("const", (k == "true",))
        if k == "name":
            name = self.toks[self.i][1]
            self.i += 1
            return F("var", (name,))
        raise NotAFormula(f"unexpected {self.toks[self.i][1]!r}")


def parse_formula(text: str) -> F:
    """A formula, or NotAFormula. Longer names than one letter (with digits) count as
    variables only when the text also uses a symbol for a connective: "rain and wet" is
    English, "rain & wet" a formula."""
    toks = tokens(text.strip().rstrip("?.").strip())
    if not toks:
        raise NotAFormula("empty")
    p = _Parser(toks)
    f = p.formula()
    if p.i != len(toks):
        raise NotAFormula(f"unexpected {toks[p.i][1]!r}")
    names = [t for k, t in toks if k == "name"]
    symbolic = any(k not in ("name", "(", ")") and t not in _WORDS for k, t in toks)
    if not symbolic and any(not re.fullmatch(r"[A-Za-z][0-9]*'?", n) for n in names):
        raise NotAFormula("words, not variables")
    if not names and not any(k in ("true", "false") for k, _t in toks):
        raise NotAFormula("no variables")
    return f


def variables(f: F) -> list[str]:
    out: list[str] = []

    def walk(g: F) -> None:
        if g.op == "var":
            if g.args[0] not in out:
                out.append(g.args[0])
        else:
            for a in g.args:
                if isinstance(a, F):
                    walk(a)

    walk(f)
    return out


def connectives(f: F) -> int:
    if f.op in ("var", "const"):
        return 0
    return 1 + sum(connectives(a) for a in f.args if isinstance(a, F))


def value(f: F, env: dict[str, bool]) -> bool:
    op, a = f.op, f.args
    if op == "var":
        return env[a[0]]
    if op == "const":
        return bool(a[0])
    if op == "not":
        return not value(a[0], env)
    x, y = value(a[0], env), value(a[1], env)
    if op == "and":
        return x and y
    if op == "or":
        return x or y
    if op == "xor":
        return x != y
    if op == "imp":
        return (not x) or y
    return x == y  # iff


_SHOW = {"and": "∧", "or": "∨", "xor": "⊕", "imp": "→", "iff": "↔"}


def show(f: F, outer: int = 0) -> str:
    op = f.op
    if op == "var":
        return str(f.args[0])
    if op == "const":
        return "⊤" if f.args[0] else "⊥"
    if op == "not":
        return "¬" + _operand(f.args[0], "not")
    parts = [_operand(a, op) for a in f.args]
    s = f"{parts[0]} {_SHOW[op]} {parts[1]}"
    return f"({s})" if outer else s


def _operand(g: F, parent: str) -> str:
    """An operand as shown inside `parent`: bracketed unless it is a letter, a negation or
    the same associative connective ("p ∧ q ∧ r", but "(p ∧ q) ∨ r", "(p → q) → r")."""
    if g.op in ("var", "const", "not") or (g.op == parent and parent in ("and", "or", "xor")):
        return show(g)
    return show(g, 1)


# ----- questions -----


@dataclass
class LogicQuestion:
    kind: str  # "equiv", "taut", "contra", "sat", "falsifiable", "entail", "table", "simplify"
    formulas: list[F]


_Q = r"\s*\??\s*$"
_TAUT = (
    r"(?:a\s+tautology|tautological|always\s+true|true\s+in\s+every\s+case|"
    r"(?:logically\s+)?valid|a\s+valid\s+formula)"
)
_CONTRA = (
    r"(?:a\s+contradiction|contradictory|always\s+false|unsatisfiable|inconsistent|"
    r"never\s+true)"
)
_SAT = r"(?:satisfiable|consistent|ever\s+true)"
_ASK = r"(?:is|check\s+(?:if|whether))"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("table", re.compile(r"^(?:(?:make|show|give|draw|write|print|build|create)\s+(?:me\s+)?)?"
                         r"(?:a\s+|the\s+)?truth\s+table\s+(?:for|of)\s+(.+?)" + _Q, re.I)),
    ("simplify", re.compile(r"^simplify\s+(.+?)" + _Q, re.I)),
    ("taut", re.compile(rf"^{_ASK}\s+(.+?)\s+{_TAUT}" + _Q, re.I)),
    ("contra", re.compile(rf"^{_ASK}\s+(.+?)\s+{_CONTRA}" + _Q, re.I)),
    ("sat", re.compile(rf"^{_ASK}\s+(.+?)\s+{_SAT}" + _Q, re.I)),
    ("sat", re.compile(r"^can\s+(.+?)\s+(?:ever\s+)?be\s+(?:true|satisfied|made\s+true)" + _Q,
                       re.I)),
    ("falsifiable", re.compile(r"^can\s+(.+?)\s+(?:ever\s+)?be\s+false" + _Q, re.I)),
    # the formula first: "((A => B) & !B) => !A  is this always true"
    ("taut", re.compile(rf"^(.+?)\s*[,:;—-]?\s+(?:is\s+(?:this|it|that)\s+)?{_TAUT}" + _Q, re.I)),
    ("contra", re.compile(rf"^(.+?)\s*[,:;—-]?\s+(?:is\s+(?:this|it|that)\s+)?{_CONTRA}" + _Q,
                          re.I)),
    ("sat", re.compile(rf"^(.+?)\s*[,:;—-]?\s+(?:is\s+(?:this|it|that)\s+)?{_SAT}" + _Q, re.I)),
    # "tautology or not: X", "prove or disprove: X ≡ Y" (a biconditional that always holds)
    ("taut", re.compile(r"^(?:tautology|valid)(?:\s+or\s+not)?\s*[:?]\s*(.+?)" + _Q, re.I)),
    ("contra", re.compile(r"^contradiction(?:\s+or\s+not)?\s*[:?]\s*(.+?)" + _Q, re.I)),
    ("taut", re.compile(r"^(?:prove\s+or\s+disprove|prove|show|verify)(?:\s+that)?\s*:?\s*(.+?)"
                        + _Q, re.I)),
    ("equiv", re.compile(rf"^{_ASK}\s+(.+?)\s+(?:logically\s+)?"
                         r"(?:equivalent|the\s+same(?:\s+thing)?\s+as|same\s+as|equal)\s+"
                         r"(?:to\s+)?(.+?)" + _Q, re.I)),
    ("equiv2", re.compile(r"^(?:are|check\s+(?:if|whether))\s+(.+?)\s+(?:logically\s+)?"
                          r"(?:equivalent|the\s+same)" + _Q, re.I)),
    ("entail", re.compile(r"^(?:does|do)\s+(.+?)\s+(?:logically\s+)?(?:imply|entail)\s+(.+?)"
                          + _Q, re.I)),
    # premises first: "p implies q, q. does that entail p?"
    ("entail", re.compile(r"^(.+?)\s*[.;:]\s*(?:so\s+)?(?:does|do)\s+(?:that|this|these|it|they)"
                          r"\s+(?:logically\s+)?(?:imply|entail)\s+(.+?)" + _Q, re.I)),
    ("entail", re.compile(r"^(.+?)\s*(?:⊨|\|=)\s*(.+?)" + _Q)),
]  # fmt: skip


def parse_question(text: str) -> LogicQuestion | None:
    """The logic question in text, or None when it is not one of these forms with formulas."""
    t = _normal(text)
    for kind, pat in _PATTERNS:
        m = pat.match(t)
        if not m:
            continue
        try:
            if kind == "equiv2":  # "are A and B equivalent": split at an " and " that parses
                pair = _split_pair(m.group(1))
                if pair is None:
                    continue
                return LogicQuestion("equiv", list(pair))
            fs = [_premises(g) if kind == "entail" and i == 0 else parse_formula(g)
                  for i, g in enumerate(m.groups())]  # fmt: skip
        except (NotAFormula, RecursionError):
            continue
        if kind in ("equiv", "entail"):
            if not any(connectives(f) for f in fs):
                continue  # "is p equal to q": two bare letters are no logic question
        elif not connectives(fs[0]) and kind != "table":
            continue
        return LogicQuestion(kind, fs)
    return None


_NOUN = r"(?:formula|expression|statement|proposition|sentence)s?"
_KINDS = r"(?:a\s+tautology|a\s+contradiction|satisfiable|valid|unsatisfiable|consistent)"


def _normal(text: str) -> str:
    """The wordings people use, as the patterns read them: "Check whether X is equivalent to
    Y" -> "is X equivalent to Y", "What's the truth table for X" -> "truth table for X",
    "Simplify: X", "the formula X", "Is it a tautology: X" -> "is X a tautology"."""
    t = " ".join(text.strip().split())
    t = re.sub(r"[`\"“”]", "", t)
    t = re.sub(r"^(?:please\s+)?(?:can\s+you\s+)?", "", t, flags=re.I)
    t = re.sub(r"^(?:check|tell\s+me|determine|decide|verify)\s+(?:if|whether)\s+(.+?)\s+(is|are)"
               r"\s+", r"\2 \1 ", t, flags=re.I)  # fmt: skip
    t = re.sub(r"^(?:what\s+is|what's|whats|give\s+me|show\s+me|write|print|draw|make|build|"
               r"create)\s+(?=(?:a|the)\s+truth\s+table)", "", t, flags=re.I)  # fmt: skip
    m = re.match(rf"^is\s+(?:it|this|the\s+following(?:\s+{_NOUN})?)\s+({_KINDS})\s*[:?]\s*(.+?)"
                 r"\s*\??$", t, re.I)  # fmt: skip
    if m:
        t = f"is {m.group(2)} {m.group(1)}"
    t = re.sub(r"^(simplify|truth\s+table(?:\s+for|\s+of)?)\s*:\s*", r"\1 ", t, flags=re.I)
    t = re.sub(rf"\b(?:the|this)\s+{_NOUN}\s+", "", t, flags=re.I)
    t = re.sub(r"\s+or\s+not\s*\?\s*$", "?", t, flags=re.I)  # "... a tautology or not?"
    t = re.sub(r"[\s,]+please\s*([?.!]?)\s*$", r"\1", t, flags=re.I)
    return t


def _premises(text: str) -> F:
    """Premises separated by commas or semicolons, as one conjunction."""
    seps = r"\s*[,;]\s*|\s+(?:together\s+with|along\s+with|plus)\s+"
    parts = [parse_formula(x) for x in re.split(seps, text, flags=re.I) if x.strip()]
    if not parts:
        raise NotAFormula("no premises")
    out = parts[0]
    for p in parts[1:]:
        out = F("and", (out, p))
    return out


def _split_pair(text: str) -> tuple[F, F] | None:
    for m in re.finditer(r"\s+and\s+|\s*,\s*", text, re.I):
        try:
            a, b = parse_formula(text[: m.start()]), parse_formula(text[m.end() :])
        except (NotAFormula, RecursionError):
            continue
        if connectives(a) or connectives(b):
            return a, b
    return None


# ----- answers -----


def _rows(names: list[str]) -> Any:
    for bits in itertools.product((True, False), repeat=len(names)):
        yield dict(zip(names, bits, strict=True))


def _tf(b: bool) -> str:
    return "T" if b else "F"


def _assign(env: dict[str, bool]) -> str:
    return ", ".join(f"{k} = {_tf(v)}" for k, v in env.items())


def answer(q: LogicQuestion) -> tuple[str, dict[str, Any]]:
    """(the answer text, data) for a parsed question; ValueError past MAX_VARS."""
    names: list[str] = []
    for f in q.formulas:
        names += [v for v in variables(f) if v not in names]
    if len(names) > MAX_VARS:
        raise ValueError(f"{len(names)} variables: at most {MAX_VARS} are checked")
    n_rows = 2 ** len(names)
    rows = {1: "1 row", 2: "both rows"}.get(n_rows, f"{n_rows} rows")
    every = rows if n_rows <= 2 else f"all {rows}"
    shown = [show(f) for f in q.formulas]
    data: dict[str, Any] = {"kind": q.kind, "variables": names, "formulas": shown}
    if q.kind == "equiv":
        a, b = q.formulas
        for env in _rows(names):
            va, vb = value(a, env), value(b, env)
            if va != vb:
                data["counterexample"] = env
                return (
                    f"No: {shown[0]} and {shown[1]} are not equivalent. They differ when "
                    f"{_assign(env)}: the first is {_tf(va)}, the second {_tf(vb)}.",
                    data,
                )
        return (
            f"Yes: {shown[0]} and {shown[1]} are equivalent (they agree on {every} of the "
            f"truth table).",
            data,
        )
    if q.kind == "entail":
        a, b = q.formulas
        for env in _rows(names):
            if value(a, env) and not value(b, env):
                data["counterexample"] = env
                return (
                    f"No: {shown[0]} does not imply {shown[1]}. When {_assign(env)}, the "
                    f"first is true and the second false.",
                    data,
                )
        return (f"Yes: {shown[0]} implies {shown[1]} (wherever the first is true in the "
                f"{rows} of the truth table, so is the second).", data)  # fmt: skip
    f = q.formulas[0]
    if q.kind == "table":
        return _table(f, names), data
    if q.kind == "simplify":
        simple = simplified(f)
        if any(value(simple, env) != value(f, env) for env in _rows(names)):
            raise ValueError("the simplified formula is not equivalent (a bug): not shown")
        data["simplified"] = show(simple)
        if show(simple) == shown[0]:
            return f"{shown[0]} is already as simple as it gets (checked with SymPy).", data
        return (f"{show(simple)}\n\n{shown[0]} simplifies to {show(simple)} (SymPy's "
                f"simplify_logic; equivalent on {every} of the truth table).", data)  # fmt: skip
    trues = [env for env in _rows(names) if value(f, env)]
    n_true = len(trues)
    if q.kind == "taut":
        if n_true == n_rows:
            return f"Yes: {shown[0]} is a tautology (true in {every}).", data
        bad = next(env for env in _rows(names) if not value(f, env))
        data["counterexample"] = bad
        return (f"No: {shown[0]} is not a tautology; it is false when {_assign(bad)} "
                f"(true in {n_true} of {rows}).", data)  # fmt: skip
    if q.kind == "falsifiable":
        if n_true == n_rows:
            return (f"No: {shown[0]} is never false; it is a tautology (true in {every}).",
                    data)  # fmt: skip
        bad = next(env for env in _rows(names) if not value(f, env))
        data["counterexample"] = bad
        return (f"Yes: {shown[0]} is false when {_assign(bad)} (true in {n_true} of {rows}).",
                data)  # fmt: skip
    if q.kind == "contra":
        if n_true == 0:
            return f"Yes: {shown[0]} is a contradiction (false in {every}).", data
        data["counterexample"] = trues[0]
        return (f"No: {shown[0]} is not a contradiction; it is true when "
                f"{_assign(trues[0])} (true in {n_true} of {rows}).", data)  # fmt: skip
    # sat
    if n_true:
        data["model"] = trues[0]
        return (f"Yes: {shown[0]} is satisfiable, e.g. {_assign(trues[0])} (true in "
                f"{n_true} of {rows}).", data)  # fmt: skip
    return f"No: {shown[0]} is unsatisfiable (false in {every}).", data


def _table(f: F, names: list[str]) -> str:
    if len(names) > TABLE_VARS:
        raise ValueError(
            f"{len(names)} variables make {2 ** len(names)} rows: tables are shown up to "
            f"{TABLE_VARS} variables"
        )
    head = [*names, show(f)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    n_true = 0
    for env in _rows(names):
        v = value(f, env)
        n_true += v
        lines.append("| " + " | ".join([*(_tf(env[k]) for k in names), _tf(v)]) + " |")
    total = 2 ** len(names)
    verdict = (
        "a tautology" if n_true == total else "a contradiction" if n_true == 0
        else f"true in {n_true} of {total} rows"
    )  # fmt: skip
    return "\n".join(lines) + f"\n\n{show(f)} is {verdict}."


def simplified(f: F) -> F:
    """SymPy's simplify_logic of f, built from the parse (no text is sympified)."""
    from sympy import Symbol
    from sympy.logic.boolalg import (
        And,
        BooleanFalse,
        BooleanTrue,
        Equivalent,
        Implies,
        Not,
        Or,
        Xor,
        false,
        simplify_logic,
        true,
    )

    def to(g: F) -> Any:
        if g.op == "var":
            return Symbol(g.args[0])
        if g.op == "const":
            return true if g.args[0] else false
        ops = {"not": Not, "and": And, "or": Or, "xor": Xor, "imp": Implies, "iff": Equivalent}
        return ops[g.op](*(to(a) for a in g.args))

    def back(e: Any) -> F:
        if isinstance(e, Symbol):
            return F("var", (e.name,))
        if isinstance(e, BooleanTrue):
            return F("const", (True,))
        if isinstance(e, BooleanFalse):
            return F("const", (False,))
        if isinstance(e, Not):
            return F("not", (back(e.args[0]),))
        kind = {And: "and", Or: "or", Xor: "xor", Equivalent: "iff"}.get(type(e))
        if kind is None and isinstance(e, Implies):
            return F("imp", (back(e.args[0]), back(e.args[1])))
        if kind is None:
            raise ValueError(f"unexpected {type(e).__name__}")
        args = sorted(e.args, key=str)
        out = back(args[0])
        for a in args[1:]:
            out = F(kind, (out, back(a)))
        return out

    return back(simplify_logic(to(f), force=True))
