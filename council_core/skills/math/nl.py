"""Natural-language front end: turns what people type ("what's 9 times 8", "Find the
derivative of f(x) = x³ + 2x²", "solve for y: 2y + 4 = 10") into a ``Task`` over parsed
expressions. Pure text work (regular expressions and the parser): no SymPy here, so the
router's ``score`` can call it cheaply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from council_core import cues
from council_core.base.errors import BadInput

from . import chance, everyday, formulas, household, money, numbers, rates, sequences, timecalc
from .numwords import _NUMWORD, _UNITS, _numword
from .parser import _ENGLISH as ENGLISH_2
from .parser import ALIASES, CONSTANTS, FUNCTIONS, GREEK, Node, parse, symbols_in

# The cues live in council_core/cues.py (one place for every skill's routing words).
CODE_WORDS = cues.CODE_WORDS  # questions for other skills: code, files, documents
COMMAND_WORDS = cues.MATH_COMMAND_WORDS
_PERSONAL = cues.PERSONAL
STRUCTURE = cues.MATH_STRUCTURE  # operators and brackets
MATHY = cues.MATHY

_LEAD = re.compile(
    r"^(?:(?:please|hey|ok|so|now|quick question|quick(?:ly)?|question|step[- ]by[- ]step|"
    r"using (?:(?:basic |simple )?math(?:ematical|ematics)?(?: principles| rules)?|algebra|"
    r"calculus)|work through (?:this|the following) (?:problem|question|exercise)|"
    r"(?:here is|here's|try|answer|do) (?:this|the following|a) (?:problem|question|one)|"
    r"can you|could you|would you|will you|"
    r"tell me|show me|help me|i need to|i want to|let'?s|what(?:'s| is| are)|whats|how much is|"
    r"how much's|calculate|compute|evaluate|work out|figure out|give me|determine|find|get|"
    r"the value of|value of|the result of|result of|the answer to|answer|math:?|and|then|the)[\s,:]+)+",
    re.IGNORECASE,
)
_TRAIL = re.compile(
    r"(?:[\s?.]|(?<=[a-z\s])!)*(?:\b(?:please|pls|plz|thanks|thx|ty|thank you|exactly|for me|"
    r"equal|equals|real quick|quickly|asap)\b[\s?.!,]*)*$",
    re.IGNORECASE,
)


@dataclass
class Task:
    kind: str  # eval, solve, diff, integrate, limit, simplify, expand, factor, isprime, ...
    expr: Node | None = None
    exprs: list[Node] = field(default_factory=list)
    var: str | None = None
    vars: list[str] = field(default_factory=list)
    order: int = 1
    lower: Node | None = None
    upper: Node | None = None
    point: Node | None = None
    direction: str = "+-"
    decimal: bool = False
    text: str = ""  # the math part, for echoing
    extra: dict[str, Any] = field(default_factory=dict)


# ----- word -> symbol rewriting -----

_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2,
        "3rd": 3, "4th": 4, "5th": 5, "double": 2, "triple": 3}  # fmt: skip
_WORDS: list[tuple[str, str]] = [
    (r"\bmultiplied by\b|\btimes\b|\bx(?=\s*\d)(?<=\d\s\bx)", " * "),
    (r"\bdivided by\b|\bover\b|\bdivide by\b", " / "),
    (r"\bplus\b|\badded to\b", " + "),
    (r"\bminus\b|\bless\b|\btake away\b", " - "),
    (r"\bnegative\s+", " -"),
    (r"\bto the power of\b|\braised to the power of\b|\braised to\b|\bto the\b(?=\s*\d)", " ^ "),
    (r"\bsquared\b", " ^ 2 "),
    (r"\bcubed\b", " ^ 3 "),
    (r"\bmodulo\b|\bmod\b", " mod "),
    (r"\s*\bpercent\b|\s*\bper cent\b", "% "),
    (r"%\s*of\b", "% * "),
    (r"\bdegrees?\b", "°"),
    (r"\bpi\b", " pi "),
    (r"\binfinity\b|\binf\b", " oo "),
    (r"\bcube root of\b|\bcube root\b", " cbrt "),
    (r"\bsquare root of\b|\bsquare root\b|\bsqrt of\b|\broot of\b", " sqrt "),
    (r"\bnatural log(?:arithm)? of\b|\bnatural log(?:arithm)?\b|\bln of\b", " ln "),
    (r"\blog(?:arithm)? of\b", " log "),
    (r"\babsolute value of\b|\babs of\b|\bmagnitude of\b", " abs "),
    (r"\b(sin|cos|tan|sine|cosine|tangent|exp) of\b", r" \1 "),
    (r"\bsine\b", "sin"),
    (r"\bcosine\b", "cos"),
    (r"\btangent\b", "tan"),
    (r"\bsquare of\b", " sqr "),
    (r"\be to the\b", " e ^ "),
]
_WORDS_C = [(re.compile(a, re.IGNORECASE), b) for a, b in _WORDS]


def words_to_math(text: str) -> str:
    t = _NUMWORD.sub(_numword, text)
    t = re.sub(r"\bto the (\d+)(?:st|nd|rd|th)(?: power)?\b", r"^ \1", t, flags=re.I)
    # "the 5th root of 32", "4th root of 81"
    t = re.sub(
        r"\b(?:the\s+)?(\d+)(?:st|nd|rd|th)\s+root\s+of\s+(\S+)", r"root(\2, \1)", t, flags=re.I
    )
    t = re.sub(r"\blog(?:arithm)?\s*(?:base|_)\s*(\w+)\s+of\s+(.+)$", r"log(\2, \1)", t, flags=re.I)
    t = re.sub(
        r"\blog(?:arithm)?\s+of\s+(.+?)\s+(?:to\s+)?base\s+(\w+)", r"log(\1, \2)", t, flags=re.I
    )
    t = re.sub(r"\blog_(\d+)\s*\(", r"log₍\1₎(", t)
    t = re.sub(r"log₍(\d+)₎", lambda m: "log" + m.group(1).translate(_TO_SUB), t)
    t = re.sub(r"\b(\d+)\s+factorial\b", r"\1!", t, flags=re.I)
    t = re.sub(r"\bfactorial\s+(?:of\s+)?(\d+)", r"\1!", t, flags=re.I)
    t = re.sub(r"\b(\w+)\s+choose\s+(\w+)", r"binomial(\1, \2)", t, flags=re.I)
    t = re.sub(
        r"\b(gcd|lcm|gcf|hcf|greatest common (?:divisor|factor)|highest common factor|"
        r"least common multiple|lowest common multiple)\s+(?:of\s+)?([-\d\s,]+?(?:and\s+-?\d+))",
        lambda m: _fn_list(m.group(1), m.group(2)),
        t,
        flags=re.I,
    )
    t = re.sub(r"\b(gcf|hcf)\s*\(", "gcd(", t, flags=re.I)
    for pat, rep in _WORDS_C:
        t = pat.sub(rep, t)
    t = re.sub(r"\bsqr\s+(\S+)", r"(\1)^2", t)
    t = re.sub(r"(\d)\s*x\s*(\d)", r"\1*\2", t)  # 3 x 4
    return t


_TO_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _fn_list(name: str, args: str) -> str:
    low = name.lower()
    fn = "gcd" if ("greatest" in low or "highest" in low or low in ("gcd", "gcf", "hcf")) else "lcm"
    parts = [p for p in re.split(r"\s*(?:,|\band\b)\s*", args.strip()) if p.strip()]
    return f"{fn}({', '.join(parts)})"


# "... and show your work", "..., step by step": how to answer, not what to compute.
_HOW_TRAIL = re.compile(
    r"[\s,;.]*(?:\band\s+|\bthen\s+)?(?:please\s+)?(?:show (?:me )?(?:your|the|all(?: the)?)?\s*"
    r"(?:work(?:ing)?|steps|calculations?)|showing (?:your |the )?(?:work(?:ing)?|steps)|"
    r"step[- ]by[- ]step|explain(?: (?:your|the) (?:answer|reasoning|steps))?|"
    r"with (?:steps|working|an explanation|explanation)|in (?:detail|steps))[\s?.!]*$",
    re.IGNORECASE,
)
# "solve: ...", "factor: ..." -> "solve ...".
_VERB_COLON = re.compile(
    r"^(solve|simplify|expand|factor|factori[sz]e|differentiate|integrate|evaluate)\s*:\s*",
    re.IGNORECASE,
)


def strip_lead(text: str) -> str:
    t = text.strip()
    t = _LEAD.sub("", t)
    t = _VERB_COLON.sub(r"\1 ", t)
    t = _HOW_TRAIL.sub("", t)
    t = _TRAIL.sub("", t)
    return t.strip()


# "8! (8 factorial)", "x² (x squared)": a parenthesis that says again, in words, what
# precedes it is dropped (read as a product it would square the value).
_RESTATED = re.compile(r"\s*\(([^()]*[A-Za-z]{3,}[^()]*)\)\s*$")


def drop_restatement(t: str) -> str:
    m = _RESTATED.search(t)
    if m is None:
        return t
    inner = re.sub(r"\s+", "", words_to_math(m.group(1)))
    before = re.sub(r"\s+", "", words_to_math(t[: m.start()]))
    if inner and before.endswith(inner):
        return t[: m.start()]
    return t


_PLACES_WORDS = {w: i for i, w in enumerate(_UNITS[:13])}
# "to 5 decimal places", "rounded to two decimals", "to 3 dp"
_PLACES = re.compile(
    r"\s*,?\s*(?:rounded\s+|correct\s+)?(?:to|with|in|at)\s+(\d{1,2}|"
    + "|".join(_UNITS[:13])
    + r")\s+(?:decimal\s+places?|decimals?|places?|d\.?p\.?|digits after the (?:decimal )?point)\b",
    re.IGNORECASE,
)


# "sqrt(2) to 30 digits", "pi to 8 significant figures", "e to 5 sig figs"
_DIGITS = re.compile(
    r"\s*,?\s*(?:rounded\s+|correct\s+)?(?:to|with|in)\s+(\d{1,2}|"
    + "|".join(_UNITS[:13])
    + r")\s+(?:significant\s+(?:digits|figures)|sig\.?\s*figs?\.?|s\.f\.|digits)\b",
    re.IGNORECASE,
)
MAX_DIGITS = 50


def _counted(pattern: re.Pattern[str], t: str, most: int) -> tuple[str, int | None]:
    """The text without the phrase `pattern` finds ("to 5 decimal places", "to 30 digits")
    and its count (a numeral or a word), or (t, None) when absent or over `most`."""
    m = pattern.search(t)
    if m is None:
        return t, None
    raw = m.group(1).lower()
    n = int(raw) if raw.isdigit() else _PLACES_WORDS[raw]
    if n > most:
        return t, None
    return (t[: m.start()] + t[m.end() :]).strip(), n


def significant_digits(t: str) -> tuple[str, int | None]:
    """The text without "to N (significant) digits", and N (None when not asked)."""
    t2, n = _counted(_DIGITS, t, MAX_DIGITS)
    return (t2, n) if n else (t, None)


def decimal_places(t: str) -> tuple[str, int | None]:
    """The text without "to N decimal places", and N (None when not asked)."""
    return _counted(_PLACES, t, 99)


# Words that may stand in a bare math request; any other English word means the prompt says
# more than the parser understood (a word problem), so math declines instead of failing.
_MATH_VOCAB = {
    "solve", "for", "derivative", "derivatives", "of", "differentiate", "integral", "integrate",
    "antiderivative", "limit", "lim", "as", "approaches", "goes", "tends", "to", "from",
    "simplify", "expand", "factor", "factorise", "factorize", "respect", "with", "wrt", "mod",
    "modulo", "squared", "cubed", "times", "plus", "minus", "divided", "by", "multiplied",
    "power", "the", "root", "square", "cube", "percent", "and", "is", "what", "when", "at",
    "where", "equals", "equal", "prime", "determinant", "inverse", "transpose", "eigenvalues",
    "matrix", "choose", "evaluate", "calculate", "compute", "find", "zeros", "roots",
    "equation", "infinity", "decimal", "decimals", "places", "value", "dx", "dy", "dz", "dt",
    "du", "definite", "indefinite", "first", "second", "third", "if", "let", "over", "less",
    "than", "or", "not", "are", "be", "it", "in", "on", "real", "complex", "exactly",
    "factorial", "absolute", "log", "logarithm", "natural", "base", "sine", "cosine", "tangent",
}  # fmt: skip


def _math_word(word: str) -> bool:
    low = word.lower()
    if low in _MATH_VOCAB or low in FUNCTIONS or low in ALIASES or low in CONSTANTS:
        return True
    return low in GREEK or (len(low) == 2 and low not in ENGLISH_2)


_WORD_RUN = re.compile(r"[A-Za-z]{2,}")


def is_bare(text: str) -> bool:
    """No prose here: numbers, operators, function names, variables and math words
    ("2**(3+", "sqrt(2", "integrate x^2 dx from 0 to"), or code-like names glued to
    punctuation ("__import__('os').system('id')"). Such a prompt is math's own, and a parse
    error about it is the answer; a prompt with a plain word the parser does not know (a word
    problem, "3 dozen", a question for another skill) is declined."""
    t = strip_lead(text)
    for m in _WORD_RUN.finditer(t):
        if _math_word(m.group()):
            continue
        before = t[m.start() - 1] if m.start() else " "
        after = t[m.end()] if m.end() < len(t) else " "
        if before in "_.'\"" or after in "_.('\"":
            continue  # a name in code, not a word in a sentence
        return False
    return True


# ----- tasks -----

_VAR = r"([a-zA-Zα-ω]\w*)"
_WRT = re.compile(
    r"\s*(?:,\s*)?(?:with respect to|w\.?r\.?t\.?|in terms of|for)\s+" + _VAR + r"\s*$", re.I
)
_FDEF = re.compile(r"^\s*(?:the function\s+)?[a-zA-Z]\s*\(\s*([a-z])\s*\)\s*=\s*", re.I)
_DX = re.compile(r"\s*(?:\)\s*)?\bd([a-z])\s*$")


def _expr(text: str) -> Node:
    return parse(words_to_math(text))


def _var_of(node: Node, preferred: str | None = None) -> str:
    syms = sorted(symbols_in(node))
    if preferred:
        return preferred
    for v in ("x", "y", "z", "t", "n"):
        if v in syms:
            return v
    if syms:
        return syms[0]
    return "x"


def _strip_fdef(body: str) -> tuple[str, str | None]:
    m = _FDEF.match(body)
    if m:
        return body[m.end() :], m.group(1)
    return body, None


def _split_wrt(body: str) -> tuple[str, str | None]:
    m = _WRT.search(body)
    if m:
        return body[: m.start()], m.group(1)
    return body, None


def _diff(t: str) -> Task | None:
    m = re.match(
        r"^(?:the\s+)?(?:(first|second|third|fourth|fifth|\d(?:st|nd|rd|th))\s+)?(?:partial\s+)?"
        r"(?:derivative|differential)\s+(?:of\s+)?(.+)$",
        t,
        re.I,
    ) or re.match(r"^(?:differentiate)\s+(.+)$", t, re.I)
    order = 1
    var = None
    if m:
        if m.lastindex == 2:
            order = _ORD.get((m.group(1) or "first").lower(), 1)
            body = m.group(2)
        else:
            body = m.group(1)
    else:
        m2 = re.match(r"^d(\^?\d|[²³])?\s*/\s*d([a-z])(\^?\d|[²³])?\s*(.+)$", t)
        if not m2:
            return None
        sup = m2.group(3) or m2.group(1)
        if sup:
            order = int(sup.strip("^").translate(str.maketrans("²³", "23")))
        var, body = m2.group(2), m2.group(4)
    body, wrt = _split_wrt(body)
    body = re.sub(r"\s*,?\s*(?:twice)\s*$", "", body)
    if re.search(r"\btwice\b", t):
        order = 2
    body, fvar = _strip_fdef(body)
    node = _expr(body)
    return Task("diff", expr=node, var=_var_of(node, wrt or var or fvar), order=order, text=body)


def _bounds(body: str) -> tuple[str, str | None, str | None]:
    m = re.search(r"\s+(?:from|between)\s+(.+?)\s+(?:to|and)\s+(.+)$", body, re.I)
    if m:
        return body[: m.start()], m.group(1), m.group(2)
    return body, None, None


def _integral(t: str) -> Task | None:
    m = re.match(
        r"^(?:the\s+)?(?:(?:in)?definite\s+)?(?:integral|integrate|antiderivative|"
        r"anti-derivative|primitive)\s+(?:of\s+)?(.+)$",
        t,
        re.I,
    ) or re.match(r"^∫\s*(.+)$", t)
    if not m:
        return None
    body = m.group(1)
    lo = hi = None
    mb = re.match(r"^_\{?([^}\s^]+)\}?\s*\^\{?([^}\s]+)\}?\s*(.+)$", body)
    if mb:
        lo, hi, body = mb.group(1), mb.group(2), mb.group(3)
    body, lo2, hi2 = _bounds(body)
    lo, hi = lo or lo2, hi or hi2
    body, wrt = _split_wrt(body)
    var = wrt
    md = _DX.search(body)
    if md:
        var = var or md.group(1)
        body = body[: md.start()] + (")" if ")" in md.group(0) else "")
    body, fvar = _strip_fdef(body)
    node = _expr(body)
    task = Task("integrate", expr=node, var=_var_of(node, var or fvar), text=body.strip())
    if lo is not None and hi is not None:
        task.lower, task.upper = _expr(lo), _expr(hi)
    return task


_APPROACH = r"(?:->|→|approaches|goes to|tends to|tends towards|=|to)"


def _limit(t: str) -> Task | None:
    m = re.match(
        r"^(?:the\s+)?(?:limit|lim)\s*(?:of\s+)?(.+?)\s*,?\s+as\s+([a-z])\s*"
        + _APPROACH
        + r"\s*(.+)$",
        t,
        re.I,
    )
    if m:
        body, var, point = m.group(1), m.group(2), m.group(3)
    else:
        m = re.match(
            r"^(?:the\s+)?(?:limit|lim)\s*(?:_\{?|\s+|\()?\s*(?:as\s+)?([a-z])\s*"
            + _APPROACH
            + r"\s*([^\s}),]+)\s*[})]?\s*,?\s*(?:of\s+)?(.+)$",
            t,
            re.I,
        )
        if not m:
            return None
        var, point, body = m.group(1), m.group(2), m.group(3)
    direction = "+-"
    point = point.strip()
    mdir = re.search(r"\s*(?:from\s+the\s+)?(left|right|below|above)\s*$", point, re.I)
    if mdir:
        direction = "-" if mdir.group(1).lower() in ("left", "below") else "+"
        point = point[: mdir.start()]
    elif re.search(r"\d\s*[+-]$|[⁺⁻]$", point):
        direction = "+" if point[-1] in "+⁺" else "-"
        point = point[:-1]
    node = _expr(body)
    return Task(
        "limit", expr=node, var=var, point=_expr(point), direction=direction, text=body.strip()
    )


_SOLVE = re.compile(
    r"^(?:solve|find|what is|what are|determine)\s+(?:for\s+"
    + _VAR
    + r"\s*(?::|,|in|if|when|where|given)?\s*)?(?:the\s+(?:equation|system)s?\s*(?:of equations)?\s*:?\s*)?(.+)$",
    re.I,
)


def _split_equations(body: str) -> list[str]:
    if body.count("=") + len(re.findall(r"[<>]", body)) <= 1:
        return [body]
    parts = re.split(r"\s*(?:;|,|\band\b|\bwith\b)\s*", body)
    return [p for p in parts if p.strip()]


def _solve_body(body: str, var: str | None) -> Task:
    body, wrt = _split_wrt(body)
    var = var or wrt
    eqs = [_expr(p) for p in _split_equations(body)]
    syms: set[str] = set()
    for e in eqs:
        syms |= symbols_in(e)
    vars_ = [var] if var else sorted(syms) if len(eqs) > 1 else [_var_of(eqs[0])]
    return Task("solve", exprs=eqs, vars=vars_, text=body.strip())


def _solve(t: str) -> Task | None:
    m = re.match(
        r"^solve\s+(?:for\s+"
        + _VAR
        + r"\s*(?::|,|in|if|when|where|given)?\s*)?(?:the\s+(?:equation|system)s?(?:\s+of\s+equations)?\s*:?\s*)?(.+)$",
        t,
        re.I,
    )
    if m:
        return _solve_body(m.group(2), m.group(1))
    m = re.match(
        r"^(?:if|given(?: that)?|when|suppose)\s+([^,]+=[^,]+?)\s*,?\s*(?:then\s+)?"
        r"(?:what is|what's|find|solve for|what does)\s+([a-z])(?:\s+equal)?$",
        t,
        re.I,
    )
    if m:
        return _solve_body(m.group(1), m.group(2))
    m = re.match(
        r"^(?:find|what is|what's)?\s*([a-z])\s*(?:if|when|where|given|:|,|such that)\s*(.+=.+)$",
        t,
        re.I,
    )
    if m:
        return _solve_body(m.group(2), m.group(1))
    m = re.match(
        r"^(?:the\s+)?(?:real\s+)?(?:roots?|zeros?|zeroes|solutions?)\s+(?:of|for|to)\s+(?:the\s+equation\s+)?(.+)$",
        t,
        re.I,
    )
    if m:
        body = m.group(1)
        task = _solve_body(body, None)
        task.extra["real"] = "real" in t.lower()[:12]
        return task
    return None


def _algebra(t: str) -> Task | None:
    m = re.match(
        r"^(simplify|expand|factor|factori[sz]e|factorise|reduce)\s+(?:the\s+expression\s+)?(.+)$",
        t,
        re.I,
    )
    if not m:
        m = re.match(
            r"^(?:the\s+)?(prime factori[sz]ation|prime factors|factors)\s+of\s+(.+)$", t, re.I
        )
        if not m:
            return None
        return Task("primefactors", expr=_expr(m.group(2)), text=m.group(2))
    verb = m.group(1).lower()
    kind = "factor" if verb.startswith("factor") else ("simplify" if verb == "reduce" else verb)
    body, _fvar = _strip_fdef(m.group(2))
    return Task(kind, expr=_expr(body), text=body)


def _prime(t: str) -> Task | None:
    m = re.match(
        r"^(?:is|are)\s+(.+?)\s+(?:a\s+)?(prime|composite|even|odd|a perfect square)(?:\s+numbers?)?$",
        t,
        re.I,
    )
    if not m:
        m = re.match(r"^(.+?)\s+is\s+(?:a\s+)?(prime|composite|even|odd)(?:\s+numbers?)?$", t, re.I)
        if not m:
            return None
    return Task("is", expr=_expr(m.group(1)), text=m.group(1), extra={"prop": m.group(2).lower()})


_MATRIX_OPS = {
    "determinant": "det", "det": "det", "inverse": "inv", "inv": "inv", "transpose": "transpose",
    "eigenvalues": "eigenvals", "eigenvalue": "eigenvals", "eigenvals": "eigenvals",
    "rank": "rank", "trace": "trace", "tr": "trace",
}  # fmt: skip


def _matrix(t: str) -> Task | None:
    m = re.match(
        r"^(?:the\s+)?(determinant|det|inverse|inv|transpose|eigenvalues?|eigenvals|rank|trace|tr)"
        r"\s*(?:of\s+)?(?:the\s+matrix\s+)?(\(?\s*\[.+)$",
        t,
        re.I,
    )
    if not m:
        return None
    body = m.group(2).strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    return Task(
        "matrix", expr=_expr(body), text=body, extra={"op": _MATRIX_OPS[m.group(1).lower()]}
    )


def _combinatorics(t: str) -> str | None:
    m = re.search(
        r"how many ways (?:can (?:you|i|we|one)|are there to|to)\s+(choose|pick|select|arrange|order|"
        r"seat|line up|permute)\s+(\d+)\s+(?:\w+\s+)?(?:from|out of|of|among)\s+(\d+)",
        t,
        re.I,
    )
    if m:
        fn = "binomial" if m.group(1).lower() in ("choose", "pick", "select") else "perm"
        return f"{fn}({m.group(3)}, {m.group(2)})"
    m = re.search(
        r"how many ways (?:can (?:you|i|we|one)|are there to|to)\s+(?:arrange|order|seat|line up|permute)\s+(\d+)\b",
        t,
        re.I,
    )
    if m:
        return f"{m.group(1)}!"
    m = re.search(
        r"(?:number of\s+)?(permutations|combinations)\s+of\s+(\d+)\s+(?:\w+\s+)?(?:taken|chosen|from|out of)\s+(\d+)(?:\s+at a time)?",
        t,
        re.I,
    )
    if m:
        fn = "binomial" if m.group(1).lower() == "combinations" else "perm"
        a, b = int(m.group(2)), int(m.group(3))
        if m.group(0).lower().find("taken") >= 0 or m.group(0).lower().find("chosen") >= 0:
            return f"{fn}({a}, {b})"
        return f"{fn}({max(a, b)}, {min(a, b)})"
    return None


def _percent(t: str) -> str | None:
    m = re.match(r"^(.+?)\s+is\s+what\s+(?:percent|percentage|%)\s+of\s+(.+)$", t, re.I)
    if m:
        return f"({m.group(1)}) / ({m.group(2)}) * 100"
    m = re.match(r"^what\s+(?:percent|percentage|%)\s+of\s+(.+?)\s+is\s+(.+)$", t, re.I)
    if m:
        return f"({m.group(2)}) / ({m.group(1)}) * 100"
    m = re.match(
        r"^(increase|raise|decrease|reduce|lower)\s+(.+?)\s+by\s+(.+?)\s*(?:%|percent)$", t, re.I
    )
    if m:
        sign = "+" if m.group(1).lower() in ("increase", "raise") else "-"
        return f"({m.group(2)}) * (1 {sign} ({m.group(3)})/100)"
    m = re.match(r"^(.+?)\s*(?:%|percent)\s+(?:more|greater|larger|higher)\s+than\s+(.+)$", t, re.I)
    if m:
        return f"({m.group(2)}) * (1 + ({m.group(1)})/100)"
    m = re.match(
        r"^(.+?)\s*(?:%|percent)\s+(?:less|smaller|lower|off)\s+(?:than\s+)?(.+)$", t, re.I
    )
    if m:
        return f"({m.group(2)}) * (1 - ({m.group(1)})/100)"
    return None


def _replace_sym(node: Node, name: str, value: Node) -> Node:
    if node[0] == "sym" and node[1] == name:
        return value
    out: list[Any] = [node[0]]
    for c in node[1:]:
        if isinstance(c, tuple):
            out.append(_replace_sym(c, name, value))
        elif isinstance(c, list):
            out.append([_replace_sym(x, name, value) for x in c])
        else:
            out.append(c)
    return tuple(out)


def _substitute(t: str) -> Task | None:
    """'x³ + 2x² when x = 2', 'evaluate 3a - b at a = 2, b = 1'."""
    m = re.match(
        r"^(?:(?:[a-z]\s*\(\s*[a-z]\s*\)\s*=\s*)?)([^=]+?)\s+(?:when|at|for|if|where|with)\s+([a-z]\s*(?:=|\bis\b|\bequals\b)\s*[^=]+(?:(?:,|\band\b)\s*[a-z]\s*(?:=|\bis\b|\bequals\b)\s*[^=,]+)*)$",
        t,
        re.I,
    )
    if not m:
        return None
    node = _expr(m.group(1))
    for part in re.split(r"\s*(?:,|\band\b)\s*", m.group(2)):
        name, _, val = re.sub(r"\s+(?:is|equals)\s+", " = ", part).partition("=")
        node = _replace_sym(node, name.strip(), _expr(val))
    return Task("eval", expr=node, text=m.group(1))


def interpret(text: str) -> Task:
    """The task a question asks for; ``BadInput`` when it is math but malformed."""
    raw = text.strip()
    if len(raw) > 2000:
        raise BadInput(
            f"the question is too long ({len(raw):,} characters; the limit is 2,000)",
            fix="ask about a shorter expression",
        )
    t = strip_lead(raw)
    # before "to decimal" is read as "show it as a decimal"
    said = numbers.answer(t) or everyday.spelled_fraction(t)
    if said is not None:
        return Task("answer", text=said)
    decimal = bool(
        re.search(
            r"\b(?:as|in|to)\s+(?:a\s+)?decimals?\b|\bdecimal\s+form\b|\bnumerically\b|\bapprox(?:imately)?\b",
            t,
            re.I,
        )
    )
    t = re.sub(
        r"\s*,?\s*(?:as|in|to)\s+(?:a\s+)?(?:decimals?|fraction|decimal form|lowest terms)\b|\bnumerically\b",
        "",
        t,
        flags=re.I,
    ).strip()
    t = strip_lead(t)
    t, places = decimal_places(t)
    if places is not None:
        decimal = True
        t = strip_lead(t)
    t, digits = significant_digits(t)
    if digits is not None:
        decimal = True
        t = strip_lead(t)
    t = drop_restatement(t)
    t, rounded = _round_verb(t)
    if rounded and places is None:
        places = 0
    if places is None and digits is None:
        said = (
            timecalc.answer(t)  # before the clock: "what time is it 2 hours after 9:30"
            or everyday.answer(t)
            or money.answer(t)
            or rates.answer(t)
            or sequences.answer(t)
            or chance.answer(t)
            or household.answer(t)
        )
        if said is not None:
            return Task("answer", text=said)
    days = formulas.days_between(t)
    if days is not None:
        return Task("answer", text=days)
    shape = formulas.geometry(t)
    if shape is not None:
        task = Task("eval", expr=_expr(shape.expr), text=shape.expr, decimal=decimal)
        task.extra["unit"] = shape.unit
    else:
        task = _task(t, decimal)
    if places is not None:
        task.extra["places"] = places
    if digits is not None:
        task.extra["digits"] = digits
    return task


# "round 3.14159 to 2 decimals": the verb, not the function round() (which rounds to a whole
# number: with "to 2 decimals" taken off, it answered 3.00); "round 2.5" -> 3 (halves up, as
# "to N decimal places" rounds), "round 7.46 to the nearest whole number" -> 7
_ROUND = re.compile(
    r"^round(?:\s+off)?\s+(?!\()(?P<rest>.+?)"
    r"(?:\s+to\s+the\s+nearest\s+(?:whole\s+number|integer|unit|one))?$",
    re.IGNORECASE,
)


def _round_verb(t: str) -> tuple[str, bool]:
    m = _ROUND.match(t.strip())
    if m is None:
        return t, False
    return m.group("rest").strip(), True


def _task(t: str, decimal: bool) -> Task:
    for fn in (_diff, _integral, _limit, _matrix, _algebra, _prime, _solve):
        task = fn(t)
        if task is not None:
            task.decimal = decimal
            return task
    sub = _substitute(t)
    if sub is not None:
        sub.decimal = decimal
        return sub
    alt = _combinatorics(t) or _percent(t)
    body = alt or t
    node = _expr(body)
    task = _solve_body(body, None) if node[0] == "rel" else Task("eval", expr=node, text=body)
    task.decimal = decimal
    return task


def looks_like_math(text: str) -> bool:
    """Cheap text test: digits with operators, math symbols, or math command words; not a
    command word alone in a question about the user's own things with no operators or
    brackets ("what's my locker combination")."""
    head = text[:2000]
    if MATHY.search(head):
        return True
    if not COMMAND_WORDS.search(head):
        return False
    return not (_PERSONAL.search(head) and not STRUCTURE.search(head))
