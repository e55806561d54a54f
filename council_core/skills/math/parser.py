"""A small, closed grammar for math text: a tokenizer and a Pratt parser that build a plain
AST (tuples). Nothing here calls ``eval``, ``sympify`` or ``parse_expr``: user text is data.

Grammar (loosely)::

    expr     := relation
    relation := sum (('=' | '<' | '>' | '<=' | '>=' | '!=') sum)?
    sum      := product (('+' | '-') product)*
    product  := unary (('*' | '/' | 'mod' | implicit) unary)*
    unary    := ('-' | '+') unary | power
    power    := postfix ('^' unary)?            right-associative, binds tighter than '-'
    postfix  := primary ('!' | '%' | '°')*
    primary  := number | name | name '(' args ')' | name primary | '(' expr ')'
              | '[' items ']' | '√' unary | '|' expr '|'

AST nodes: ("num", Fraction), ("sym", name), ("const", "pi"|"e"|"i"|"oo"),
("neg", a), ("add", a, b), ("sub", a, b), ("mul", a, b), ("div", a, b), ("pow", a, b),
("mod", a, b), ("fact", a), ("pct", a), ("deg", a), ("call", name, [args]),
("list", [items]), ("rel", op, a, b).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from council_core.base.errors import BadInput

Node = tuple[Any, ...]

MAX_CHARS = 2000
MAX_DEPTH = 60
MAX_NUMBER_DIGITS = 400

# Whitelisted functions: name -> (min args, max args).
FUNCTIONS: dict[str, tuple[int, int]] = {
    "sin": (1, 1), "cos": (1, 1), "tan": (1, 1), "cot": (1, 1), "sec": (1, 1), "csc": (1, 1),
    "asin": (1, 1), "acos": (1, 1), "atan": (1, 2), "acot": (1, 1),
    "sinh": (1, 1), "cosh": (1, 1), "tanh": (1, 1), "asinh": (1, 1), "acosh": (1, 1),
    "atanh": (1, 1), "exp": (1, 1), "ln": (1, 1), "log": (1, 2), "log10": (1, 1),
    "log2": (1, 1), "sqrt": (1, 1), "cbrt": (1, 1), "root": (2, 2), "abs": (1, 1),
    "floor": (1, 1), "ceil": (1, 1), "round": (1, 1), "sign": (1, 1), "factorial": (1, 1),
    "gcd": (2, 20), "lcm": (2, 20), "binomial": (2, 2), "perm": (2, 2), "max": (1, 20),
    "min": (1, 20), "mod": (2, 2), "re": (1, 1), "im": (1, 1), "conj": (1, 1),
}  # fmt: skip
ALIASES = {
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arccot": "acot", "lg": "log10",
    "lb": "log2", "ceiling": "ceil", "fact": "factorial", "choose": "binomial",
    "ncr": "binomial", "npr": "perm", "nCr": "binomial", "nPr": "perm", "C": "binomial",
    "P": "perm", "comb": "binomial", "absolute": "abs", "tg": "tan", "sgn": "sign",
    "conjugate": "conj",
}  # fmt: skip
CONSTANTS = {"pi": "pi", "π": "pi", "e": "e", "i": "i", "oo": "oo", "∞": "oo",
             "inf": "oo", "infinity": "oo", "tau": "tau"}  # fmt: skip
GREEK = {"alpha", "beta", "gamma", "delta", "theta", "phi", "lambda", "mu", "sigma", "omega",
         "rho", "epsilon", "t"}  # fmt: skip

# Two-letter English words are never read as a product of two variables.
_ENGLISH = {"am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
            "my", "no", "of", "ok", "on", "or", "so", "to", "up", "us", "we", "hi", "id", "os"}  # fmt: skip

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿˣ", "0123456789-+()nx")
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUPER_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿˣ"
_SUB_CHARS = "₀₁₂₃₄₅₆₇₈₉"
_REPLACE = {
    "×": "*", "·": "*", "∙": "*", "⋅": "*", "✕": "*", "÷": "/", "∕": "/", "−": "-",
    "–": "-", "—": "-", "**": "^", "≤": "<=", "≥": ">=", "≠": "!=", "⩽": "<=", "⩾": ">=",
    "＋": "+", "＝": "=", "½": "(1/2)", "¼": "(1/4)", "¾": "(3/4)", "⅓": "(1/3)", "\u2009": " ", "\u00a0": " ",
}  # fmt: skip

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+(?![A-Za-z(]))?)
  | (?P<name>[A-Za-zα-ωΑ-Ω][A-Za-z0-9α-ωΑ-Ω]*)
  | (?P<op><=|>=|!=|==|->|[-+*/^()\[\]{},=<>!%|√∛°;:'])
  | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿˣ]+)
  | (?P<sub>[₀₁₂₃₄₅₆₇₈₉]+)
  | (?P<sym>[π∞])
    """,
    re.VERBOSE,
)
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?")


class MathSyntaxError(BadInput):
    def __init__(self, message: str) -> None:
        super().__init__(
            message,
            fix="write it like 2*(3+4), x^2 - 5x + 6 = 0, sqrt(2), log(8, 2) or [[1, 2], [3, 4]]",
        )


def normalize(text: str) -> str:
    for a, b in _REPLACE.items():
        text = text.replace(a, b)
    return text


def _strip_thousands(text: str) -> str:
    """1,234,567 -> 1234567 at bracket depth 0 (inside gcd(1,234) a comma separates)."""
    out = []
    last = 0
    for m in _THOUSANDS.finditer(text):
        depth = text.count("(", 0, m.start()) - text.count(")", 0, m.start())
        depth += text.count("[", 0, m.start()) - text.count("]", 0, m.start())
        if depth == 0:
            out.append(text[last : m.start()])
            out.append(m.group().replace(",", ""))
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_CHARS:
        raise BadInput(
            f"the expression is too long ({len(text):,} characters; the limit is {MAX_CHARS:,})",
            fix="ask about a shorter expression",
        )
    text = _strip_thousands(normalize(text))
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise MathSyntaxError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        kind = m.lastgroup or ""
        val = m.group()
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "num" and len(val) > MAX_NUMBER_DIGITS:
            raise BadInput(
                f"a number with {len(val)} digits is too long (limit {MAX_NUMBER_DIGITS})",
                fix="use a shorter number or scientific notation",
            )
        if kind == "sup":
            tokens.append(("op", "^"))
            tokens.append(("op", "("))
            tokens.extend(tokenize(val.translate(_SUPER)))
            tokens.append(("op", ")"))
            continue
        if kind == "sub":
            tokens.append(("sub", val.translate(_SUB)))
            continue
        if kind == "sym":
            kind, val = "name", val
        if kind == "op" and val == "{":
            val = "("
        if kind == "op" and val == "}":
            val = ")"
        tokens.append((kind, val))
    return tokens


def _split_name(name: str) -> list[str]:
    """Split run-together names: 'sinx' -> sin x, 'xy' -> x y, '2x' is handled by the lexer."""
    if name in FUNCTIONS or name in ALIASES or name in CONSTANTS or name.lower() in GREEK:
        return [name]
    low = name.lower()
    if low in FUNCTIONS or low in ALIASES or low in CONSTANTS:
        return [low]
    for fn in sorted(list(FUNCTIONS) + list(ALIASES), key=len, reverse=True):
        if len(fn) >= 2 and low.startswith(fn) and len(low) > len(fn):
            rest = name[len(fn) :]
            if rest.isalpha() and len(rest) <= 2:
                return [fn, *_split_name(rest)]
    if len(name) == 1:
        return [name]
    if name.isalpha() and len(name) == 2 and name.isascii() and low not in _ENGLISH:
        return list(name)
    if re.fullmatch(r"[A-Za-z]\d+", name):  # x1, a2: indexed variables
        return [name]
    raise MathSyntaxError(f"unknown name {name!r}: it is not a supported function or variable")


class Parser:
    def __init__(self, text: str, *, imaginary: bool = True) -> None:
        raw = tokenize(text)
        self.tokens: list[tuple[str, str]] = []
        for kind, val in raw:
            if kind == "name":
                self.tokens.extend(("name", p) for p in _split_name(val))
            else:
                self.tokens.append((kind, val))
        self.pos = 0
        self.depth = 0
        self.imaginary = imaginary

    # ----- helpers -----
    def peek(self, k: int = 0) -> tuple[str, str] | None:
        i = self.pos + k
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise MathSyntaxError("the expression ends too early")
        self.pos += 1
        return tok

    def at(self, *vals: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "op" and tok[1] in vals

    def expect(self, val: str) -> None:
        tok = self.peek()
        if tok is None or tok != ("op", val):
            if val == ")":
                raise MathSyntaxError("unbalanced parentheses: a ')' is missing")
            if val == "]":
                raise MathSyntaxError("unbalanced brackets: a ']' is missing")
            raise MathSyntaxError(f"expected {val!r} but found {tok[1] if tok else 'the end'!r}")
        self.pos += 1

    def parse(self) -> Node:
        if not self.tokens:
            raise MathSyntaxError("there is no expression")
        node = self.relation()
        if self.peek() is not None:
            tok = self.peek()
            if tok == ("op", ")"):
                raise MathSyntaxError("unbalanced parentheses: an extra ')'")
            raise MathSyntaxError(f"unexpected {tok[1]!r}" if tok else "unexpected end")
        return node

    # ----- grammar -----
    def relation(self) -> Node:
        left = self.sum()
        for op in ("=", "==", "<", ">", "<=", ">=", "!="):
            if self.at(op):
                self.pos += 1
                right = self.sum()
                return ("rel", "=" if op == "==" else op, left, right)
        return left

    def sum(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            op = self.next()[1]
            rhs = self.product()
            node = ("add" if op == "+" else "sub", node, rhs)
        return node

    def _starts_primary(self) -> bool:
        tok = self.peek()
        if tok is None:
            return False
        if tok[0] in ("num", "name"):
            return not (tok[0] == "name" and tok[1] == "mod")
        return tok[0] == "op" and tok[1] in ("(", "√", "∛", "[")

    def product(self) -> Node:
        node = self.unary()
        while True:
            if self.at("*", "/"):
                op = self.next()[1]
                node = ("mul" if op == "*" else "div", node, self.unary())
            elif self.peek() == ("name", "mod") or self.at("%") and self._mod_follows():
                self.pos += 1
                node = ("mod", node, self.unary())
            elif self._starts_primary():
                node = ("mul", node, self.power())  # implicit multiplication: 2x, (a)(b)
            else:
                return node

    def _mod_follows(self) -> bool:
        nxt = self.peek(1)
        return nxt is not None and (nxt[0] == "num" or nxt == ("op", "("))

    def unary(self) -> Node:
        if self.at("-"):
            self.pos += 1
            return ("neg", self.unary())
        if self.at("+"):
            self.pos += 1
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.at("^"):
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise BadInput("the expression nests too deeply", fix="simplify the expression")
            exp = self.unary()
            self.depth -= 1
            return ("pow", base, exp)
        return base

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            if self.at("!") and self.peek(1) != ("op", "="):
                self.pos += 1
                node = ("fact", node)
            elif self.at("%") and not self._mod_follows():
                self.pos += 1
                node = ("pct", node)
            elif self.at("°"):
                self.pos += 1
                node = ("deg", node)
            elif self.at("'"):
                raise MathSyntaxError("quotes are not part of math expressions")
            else:
                return node

    def primary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadInput("the expression nests too deeply", fix="simplify the expression")
        try:
            return self._primary()
        finally:
            self.depth -= 1

    def _primary(self) -> Node:
        kind, val = self.next()
        if kind == "num":
            return ("num", _to_fraction(val))
        if kind == "op":
            if val == "(":
                node = self.relation()
                if self.at(","):  # a tuple: (1, 2) -> list
                    items = [node]
                    while self.at(","):
                        self.pos += 1
                        items.append(self.relation())
                    self.expect(")")
                    return ("list", items)
                self.expect(")")
                return node
            if val == "[":
                items = []
                if not self.at("]"):
                    items.append(self.relation())
                    while self.at(",", ";"):
                        self.pos += 1
                        items.append(self.relation())
                self.expect("]")
                return ("list", items)
            if val in ("√", "∛"):
                arg = self.power() if not self.at("-") else self.unary()
                return ("call", "sqrt" if val == "√" else "cbrt", [arg])
            if val == "|":
                node = self.sum()
                self.expect("|")
                return ("call", "abs", [node])
            if val == ")":
                raise MathSyntaxError("unbalanced parentheses: an extra ')'")
            raise MathSyntaxError(f"unexpected {val!r}")
        if kind == "sub":
            raise MathSyntaxError(f"unexpected subscript {val}")
        return self._name(val)

    def _name(self, val: str) -> Node:
        if val in ALIASES:
            val = ALIASES[val]
        if val in FUNCTIONS:
            base: Node | None = None
            tok = self.peek()
            if val == "log" and tok is not None and tok[0] == "sub":
                self.pos += 1
                base = ("num", Fraction(int(tok[1])))
            if self.at("("):
                self.pos += 1
                args = [] if self.at(")") else [self.relation()]
                while self.at(","):
                    self.pos += 1
                    args.append(self.relation())
                self.expect(")")
            elif self._starts_primary() or self.at("-"):
                args = [self.power() if not self.at("-") else self.unary()]
            else:
                raise MathSyntaxError(f"{val} needs an argument, like {val}(2)")
            if base is not None:
                args = [*args, base]
            lo, hi = FUNCTIONS[val]
            if not lo <= len(args) <= hi:
                raise MathSyntaxError(
                    f"{val} takes {lo if lo == hi else f'{lo} to {hi}'} arguments"
                )
            return ("call", val, args)
        if val in CONSTANTS and not (val == "i" and not self.imaginary):
            return ("const", CONSTANTS[val])
        return ("sym", val)


def _to_fraction(text: str) -> Fraction:
    if "e" in text.lower():
        mant, _, exp = text.lower().partition("e")
        if abs(int(exp)) > 1000:
            raise BadInput("that exponent is too large", fix="use a smaller number")
        return Fraction(mant) * Fraction(10) ** int(exp)
    return Fraction(text)


def parse(text: str, *, imaginary: bool = True) -> Node:
    """Parse math text into an AST; raise ``BadInput`` with a fix on any problem."""
    try:
        return Parser(text, imaginary=imaginary).parse()
    except RecursionError as exc:
        raise BadInput("the expression nests too deeply", fix="simplify the expression") from exc


def symbols_in(node: Node) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == "sym":
            out.add(n[1])
        elif n[0] in ("call",):
            stack.extend(n[2])
        elif n[0] == "list":
            stack.extend(n[1])
        elif n[0] == "rel":
            stack.extend(n[2:])
        else:
            stack.extend(c for c in n[1:] if isinstance(c, tuple))
    return out
