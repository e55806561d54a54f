"""What a code request asks for, read from its text alone (no model, nothing evaluated).

Four intents: ``run`` the code given, write a ``function`` (from a description or a stub),
``fix`` a function that was pasted, or write a ``program`` and run it. A fenced block in the
prompt is input to the request, not an order to run it; a function stub (a signature with only
a docstring, ``pass``, ``...`` or ``raise NotImplementedError``) is never run as the answer.

The user's examples become tests: doctest ``>>>`` lines, ``f(x) should return y`` /
``f(x) == y`` / ``f(x) -> y`` phrases, ``Input: ... Output: ...`` pairs, and ``assert`` lines in
the given code. They are only parsed here (``ast.parse``, never evaluated); they run inside
the sandbox (``code_check``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Literal

from council_core import cues

Lang = Literal["python", "bash"]
Intent = Literal["run", "function", "fix", "program"]
Kind = Literal["doctest", "value", "assert", "runs"]

# The routing words live in council_core/cues.py with every other skill's.
FENCE = cues.CODE_FENCE
RUN_THIS = cues.CODE_RUN_THIS
LANG_OF: dict[str, Lang] = {
    "python": "python",
    "python3": "python",
    "py": "python",
    "bash": "bash",
    "sh": "bash",
    "shell": "bash",
    "": "python",
}
_WRITE = cues.CODE_WRITE
_WRITE_VERB = re.compile(
    r"(?i)\b(write|implement|complete|finish|fill in|code up|create|define|rewrite)\b"
)
_FUNCTION_WORD = re.compile(r"(?i)\b(function|method|def)\b")
_FIX = re.compile(
    r"(?i)\b(fix|repair|debug|correct)\b|\b(doesn'?t|does not|won'?t|isn'?t|is not) work|"
    r"\bbroken\b|\bbug(gy)?\b"
)
_MAKE_PASS = re.compile(
    r"(?i)\bmake\s+(it|this|them|the\s+\w+|my\s+\w+)\s+pass\b|"
    r"\bpass(es)?\s+(its|the|these|all|my|those)\s+(\w+\s+)?(examples?|tests?|doctests?|cases)\b"
)
_RUN_Q = re.compile(
    r"(?i)\b(run|execute)\b|\bwhat\s+(does|will|would|is)\s+(this|it|the following|that)\b"
    r"[^?\n]{0,40}\b(print|output|show|return|display|do)|\boutput of\b"
)
_FAIL_SIGN = re.compile(
    r"Traceback \(most recent call last\)|\b[A-Z]\w*(Error|Exception)\b|"
    r"(?i:\bshould\s+(return|give|be|output)\b|\bbut\s+(it\s+|this\s+)?(returns|gives|prints)\b|"
    r"\binstead of\b|\bfails?\b)"
)
_PROGRAM_RUN = re.compile(r"(?i)\b(run|execute)\s+it\b|\bprints?\b|\bprinting\b")
_BASH = re.compile(r"(?i)\b(bash|shell)\b")
_DEF = re.compile(r"\bdef\s+([A-Za-z_]\w*)\s*\(")
_NAMED = re.compile(
    r"(?i)\b(?:function|method)\s+(?:called\s+|named\s+)?`?([A-Za-z_]\w*)`?|"
    r"\b(?:called|named)\s+`?([A-Za-z_]\w*)`?"
)
_CALL_SIG = re.compile(r"`?\b([A-Za-z_]\w*)\(\s*(?:[A-Za-z_*][\w\s,=*:\[\]|.]*)?\)")
# A call with literal arguments followed by what it gives: an example that names the function.
_EXAMPLE_CALL = re.compile(
    r"\b([A-Za-z_]\w*)\((?:[^()\n]|\([^()\n]*\))*\)\s*(?:->|→|=>|==|should\b|must\b|returns?\b|"
    r"gives?\b|is\b)"
)
_NOT_NAMES = {"print", "len", "range", "int", "str", "list", "dict", "set", "sum", "max", "min"}
_RETURN_PHRASE = re.compile(
    r"(?i)\s*(?:,\s*)?(?:(?:it|this|that)\s+)?(?:should|must|will|ought to|is expected to)?\s*"
    r"(?:return|returns|give|gives|produce|produces|output|outputs|evaluates?\s+to|equals?|be)\b"
    r"\s*:?\s*|\s*(?:==|->|→|=>)\s*"
)
_PRONOUN_RETURN = re.compile(
    r"(?i)\b(?:it|this|that|the (?:function|call))\s+(?:should|must|ought to)\s+"
    r"(?:return|give|produce|output|be)\s+"
)
_IO = re.compile(r"(?im)^[ \t]*Input:[ \t]*(.+?)[ \t]*\n[ \t]*Output:[ \t]*(.+?)[ \t]*$")
_STOP_WANT = (",", ".", ";", " ", "\n")


@dataclass(frozen=True)
class Example:
    """One check of the function: ``src`` runs in the sandbox; ``want`` says what it must give.

    kinds: ``doctest`` (printed output / repr must match ``want``, or equal its value),
    ``value`` (the value of ``src`` must equal the value of ``want``), ``assert`` (a statement
    that must not raise), ``runs`` (a call that raised for the user and must not any more).
    """

    src: str
    want: str
    kind: Kind
    origin: Literal["user", "own"] = "user"

    def show(self) -> str:
        if self.kind == "doctest":
            want = self.want.strip()
            if want.startswith("Traceback"):
                want = want.splitlines()[-1].strip()
            return f"{self.src}  ->  {want}" if want else self.src
        if self.kind == "value":
            return f"{self.src} == {self.want}"
        if self.kind == "runs":
            return f"{self.src} runs without an error"
        return self.src


@dataclass
class CodeRequest:
    intent: Intent
    lang: Lang = "python"
    code: str | None = None  # the code the user gave (a fenced block or "run this: ...")
    name: str | None = None  # the function asked for
    examples: list[Example] = field(default_factory=list)
    stubs: list[str] = field(default_factory=list)  # functions in the given code with no body


# ----- the given code -----


def given_code(text: str) -> tuple[Lang, str] | None:
    """The code in the prompt: the first fenced block, or 'Run this Python code: ...'."""
    m = FENCE.search(text)
    if m:
        tag = m.group(1).lower()
        if tag not in LANG_OF:
            return None
        return LANG_OF[tag], m.group(2)
    m = RUN_THIS.match(text)
    if m:
        lang: Lang = "bash" if (m.group(1) or "").lower() in ("bash", "shell", "sh") else "python"
        return lang, m.group(2).strip() + "\n"
    code = unfenced_python(text)
    return ("python", code) if code is not None else None


_CODE_START = re.compile(r"^(?:def |async def |class |from \w|import \w|@\w)", re.M)
MAX_TRAILING_PROSE = 12  # lines of prose after pasted code that are tried off


def unfenced_python(text: str) -> str | None:
    """Python pasted without a fence (a signature and docstring, as function-writing tasks are
    often given): from the first line that starts a definition or an import, the longest run
    of lines that parses and defines a function."""
    m = _CODE_START.search(text)
    if m is None:
        return None
    lines = text[m.start() :].rstrip().splitlines()
    for cut in range(len(lines), max(1, len(lines) - MAX_TRAILING_PROSE) - 1, -1):
        code = "\n".join(lines[:cut]) + "\n"
        tree = parse(code)
        if tree is not None and functions(tree):
            return code
    return None


def parse(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError):
        return None


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _is_placeholder(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return stmt.value.value is Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def is_stub(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A signature with nothing to run: only a docstring, pass, ... or NotImplementedError."""
    return all(_is_docstring(s) or _is_placeholder(s) for s in fn.body)


def functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def stub_names(code: str) -> list[str]:
    tree = parse(code)
    return [f.name for f in functions(tree) if is_stub(f)] if tree else []


def _runs_something(tree: ast.Module) -> bool:
    """True when running the module would do more than define things."""
    quiet = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.Import,
        ast.ImportFrom,
        ast.Assign,
        ast.AnnAssign,
    )
    return any(not isinstance(s, quiet) and not _is_docstring(s) for s in tree.body)


# ----- intent -----


def wants_program(text: str) -> bool:
    return bool(_WRITE.search(text))


def read_request(text: str) -> CodeRequest | None:
    """What the prompt asks the code skill to do; None when it is not a code request."""
    given = given_code(text)
    if given is not None:
        lang, code = given
        if lang == "bash":
            return CodeRequest("run", "bash", code)
        return _with_code(text, code)
    if not (_WRITE.search(text) or (_WRITE_VERB.search(text) and _CALL_SIG.search(text))):
        return None
    lang_: Lang = "bash" if _BASH.search(text) else "python"
    if lang_ == "python":
        name = _name_from_prose(text)
        examples = extract_examples(text, name, None) if name else []
        asks_function = bool(_FUNCTION_WORD.search(text)) or bool(_DEF.search(text))
        if examples or (asks_function and not _PROGRAM_RUN.search(text)):
            return CodeRequest("function", "python", None, name, examples)
        if name and _CALL_SIG.search(text) and not _PROGRAM_RUN.search(text):
            return CodeRequest("function", "python", None, name, examples)
    return CodeRequest("program", lang_)


def _with_code(text: str, code: str) -> CodeRequest:
    tree = parse(code)
    prose = FENCE.sub(" ", text)
    if tree is None and _WRITE_VERB.search(prose) and not _FIX.search(prose):
        # "Complete the following code:" over a def whose body is only a comment
        padded = _with_pass_bodies(code)
        if padded is not None:
            code, tree = padded
    if tree is None:  # not valid Python: running it shows the error; fixing it is a fix
        return CodeRequest("fix" if _FIX.search(prose) else "run", "python", code)
    fns = functions(tree)
    stubs = [f.name for f in fns if is_stub(f)]
    explicit_run = bool(_RUN_Q.search(prose))
    if stubs and not (explicit_run and _runs_something(tree)):
        name = _pick_name(text, stubs)
        return CodeRequest(
            "function", "python", code, name, extract_examples(text, name, tree), stubs
        )
    if fns:
        name = _pick_name(text, [f.name for f in fns])
        wants_change = (
            _FIX.search(prose)
            or _MAKE_PASS.search(prose)
            or (_WRITE_VERB.search(prose) and not explicit_run)
            or (_FAIL_SIGN.search(prose) and not explicit_run)
        )
        if wants_change:
            examples = extract_examples(text, name, tree, fixing=True)
            return CodeRequest("fix", "python", code, name, examples)
    return CodeRequest("run", "python", code)


_BODYLESS_DEF = re.compile(r"^([ \t]*)(?:async\s+)?def\s+\w+\s*\([^)]*\)[^:\n]*:[ \t]*(?:#.*)?$")


def _with_pass_bodies(code: str) -> tuple[str, ast.Module] | None:
    """The code with `pass` given to each def that has no body yet (only comments after it),
    when that makes it parse."""
    lines = code.rstrip().splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        m = _BODYLESS_DEF.match(line)
        if not m:
            continue
        indent = len(m.group(1).expandtabs())
        body = [x for x in lines[i + 1 :] if x.strip() and not x.strip().startswith("#")]
        if not body or len(body[0]) - len(body[0].lstrip()) <= indent:
            comments = [x for x in lines[i + 1 :] if x.strip().startswith("#")]
            pad = comments[0][: len(comments[0]) - len(comments[0].lstrip())] if comments else ""
            out.append((pad if len(pad) > indent else " " * (indent + 4)) + "pass")
    padded = "\n".join(out) + "\n"
    tree = parse(padded)
    return (padded, tree) if tree is not None else None


def _pick_name(text: str, names: list[str]) -> str:
    """The function the prose talks about (called in an example), else the last one defined."""
    prose = FENCE.sub(" ", text)
    for n in names:
        if re.search(rf"\b{re.escape(n)}\s*\(", prose) or re.search(
            rf">>>\s*{re.escape(n)}\(", text
        ):
            return n
    return names[-1]


def _name_from_prose(text: str) -> str | None:
    m = _DEF.search(text)
    if m:
        return m.group(1)
    m = _NAMED.search(text)
    if m:
        name = m.group(1) or m.group(2)
        if name and name.lower() not in ("that", "which", "to", "in", "for", "the", "a", "an"):
            return name
    for m in _CALL_SIG.finditer(text):
        if m.group(1) not in _NOT_NAMES:
            return m.group(1)
    for m in _EXAMPLE_CALL.finditer(text):  # is_pal('racecar') -> True
        if m.group(1) not in _NOT_NAMES:
            return m.group(1)
    return None


# ----- examples -----


def extract_examples(
    text: str, name: str | None, tree: ast.Module | None, fixing: bool = False
) -> list[Example]:
    """The user's examples, in the order given, without duplicates."""
    out: list[Example] = []
    fenced = [m.span() for m in FENCE.finditer(text)]
    for src, want, start in _doctests(text):
        inside = any(a <= start < b for a, b in fenced)
        if fixing and not inside and want.lstrip().startswith("Traceback"):
            # A pasted session showing the failure: the call must stop raising.
            out.append(Example(src, "", "runs"))
        else:
            out.append(Example(src, want, "doctest"))
    if tree is not None:
        code = _code_of(text)
        for stmt in tree.body:
            if isinstance(stmt, ast.Assert):
                seg = ast.get_source_segment(code, stmt) if code else None
                if seg:
                    out.append(Example(seg, "", "assert"))
    if name:
        prose = FENCE.sub(lambda m: " " * len(m.group(0)), text)
        prose = re.sub(r"(?m)^[ \t]*(>>>|\.\.\.).*$", "", prose)
        out += _phrases(prose, name)
        out += _io_pairs(prose, name)
    seen: set[tuple[str, str]] = set()
    unique = []
    for ex in out:
        key = (ex.src.strip(), ex.want.strip())
        if key not in seen:
            seen.add(key)
            unique.append(ex)
    return unique


def _code_of(text: str) -> str | None:
    given = given_code(text)
    return given[1] if given else None


def _doctests(text: str) -> list[tuple[str, str, int]]:
    """(source, expected output, offset) of every ``>>>`` example in the text."""
    lines = text.splitlines(keepends=True)
    out = []
    offset = 0
    offsets = []
    for line in lines:
        offsets.append(offset)
        offset += len(line)
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip("\n")
        stripped = raw.lstrip()
        if not stripped.startswith(">>>"):
            i += 1
            continue
        indent = len(raw) - len(stripped)
        start = offsets[i]
        src = [stripped[3:].removeprefix(" ")]
        i += 1
        while i < len(lines):
            nxt = lines[i].rstrip("\n").lstrip()
            if nxt.startswith("... "):
                src.append(nxt[4:])
            elif nxt == "..." and parse("\n".join(src)) is None:
                src.append("")
            else:
                break
            i += 1
        want = []
        while i < len(lines):
            raw = lines[i].rstrip("\n")
            s = raw.strip()
            if not s or s.startswith(">>>") or s.startswith("```") or s in ('"""', "'''"):
                break
            if s.endswith('"""') or s.endswith("'''"):
                want.append(raw[indent:] if raw[:indent].strip() == "" else s)
                want[-1] = want[-1].rstrip()[:-3].rstrip()
                i += 1
                break
            want.append(raw[indent:] if raw[:indent].strip() == "" else s)
            i += 1
        source = "\n".join(src).strip()
        if source:
            out.append((source, "\n".join(w for w in want).strip("\n"), start))
    return out


def _balanced_call(text: str, start: int) -> int | None:
    """The end of the call whose '(' is at ``start`` (quotes respected), or None."""
    depth = 0
    quote: str | None = None
    i = start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == "\n" and depth == 0:
            return None
        i += 1
    return None


_LITERAL_NODES = (
    ast.Expression,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Load,
)


def is_literal(src: str) -> bool:
    """True when src parses as a plain literal (numbers, strings, containers, True/None)."""
    try:
        tree = ast.parse(src.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in ("True", "False", "None"):
            continue
        if not isinstance(node, _LITERAL_NODES):
            return False
    return True


def _literal_prefix(text: str) -> str | None:
    """The longest literal at the start of ``text`` ('3 and f(4) should...' -> '3')."""
    text = text[:400]
    cuts = [i for i, c in enumerate(text) if c in _STOP_WANT] + [len(text)]
    for end in sorted(set(cuts), reverse=True):
        cand = text[:end].strip().rstrip(",").strip()
        if cand and is_literal(cand):
            if cand.endswith(".") and is_literal(cand[:-1]):
                return cand[:-1]  # '13.' ends a sentence: the number is 13
            return cand
    return None


def _is_call(src: str, name: str) -> bool:
    try:
        node = ast.parse(src, mode="eval").body
    except (SyntaxError, ValueError):
        return False
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _phrases(prose: str, name: str) -> list[Example]:
    """'f(2) should return 4', 'f(2) == 4', 'f(2) -> 4', 'f(2) fails ... It should return 4'."""
    out = []
    last_call: tuple[str, int] | None = None
    events: list[tuple[int, str, str]] = []
    for m in re.finditer(rf"\b{re.escape(name)}\s*\(", prose):
        if m.start() > 0 and prose[m.start() - 1] in ".":
            continue
        end = _balanced_call(prose, m.end() - 1)
        if end is None:
            continue
        call = prose[m.start() : end]
        if not _is_call(call, name):
            continue
        events.append((m.start(), "call", call))
        rest = prose[end:]
        r = _RETURN_PHRASE.match(rest)
        if r and r.group(0).strip():
            want = _literal_prefix(rest[r.end() :])
            if want is not None:
                events.append((m.start(), "example", f"{call}\x00{want}"))
    for m in _PRONOUN_RETURN.finditer(prose):
        want = _literal_prefix(prose[m.end() :])
        if want is not None:
            events.append((m.start(), "pronoun", want))
    events.sort(key=lambda e: e[0])
    has_example: set[str] = set()
    for pos, kind, val in events:
        if kind == "call":
            last_call = (val, pos)
        elif kind == "example":
            call, want = val.split("\x00", 1)
            out.append(Example(call, want, "value"))
            has_example.add(call)
        elif kind == "pronoun" and last_call is not None and last_call[0] not in has_example:
            out.append(Example(last_call[0], val, "value"))
            has_example.add(last_call[0])
    return out


def _io_pairs(prose: str, name: str) -> list[Example]:
    """'Input: nums = [2, 7], target = 9 / Output: [0, 1]' -> two_sum([2, 7], 9) == [0, 1]."""
    out = []
    for m in _IO.finditer(prose):
        args, want = m.group(1).strip(), m.group(2).strip()
        call = f"{name}({args})"
        try:
            node = ast.parse(call, mode="eval").body
        except (SyntaxError, ValueError):
            continue
        if not isinstance(node, ast.Call):
            continue
        if node.keywords and not node.args:  # "a = 1, b = 2": pass them in order
            call = f"{name}(" + ", ".join(ast.unparse(k.value) for k in node.keywords) + ")"
        if is_literal(want):
            out.append(Example(call, want, "value"))
    return out
