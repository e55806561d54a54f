"""Routing cues in one place: the words that tell which skill a prompt is for.

Before, each skill excluded its neighbours' words with its own regexes (math kept a list of
code and file words, files a list of math words, ...), so adding a skill meant editing the
others. The cues now live here, one named pattern per skill, and ``claims(text)`` says which
skills' cues a prompt carries (the ``tests/core/test_cues.py`` table checks it prompt by
prompt). A skill asks ``claimed_elsewhere(self.name, text)`` instead of listing the others'
words; a new skill adds its cue to ``_CLAIMS`` below and no other skill changes.

Cues are cheap text tests (no model): a skill still decides in ``answer()`` and declines what
it does not understand.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# ----- code: a program asked for, or code given to run -----

CODE_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)```", re.S)
CODE_RUN_THIS = re.compile(
    r"(?is)^\s*(?:please\s+)?(?:run|execute|eval(?:uate)?)\s+(?:this|the following|that)?\s*"
    r"(python3?|bash|shell|sh)?\s*(?:code|script|program|snippet|command)?\s*:\s*(.+)$"
)
CODE_WRITE = re.compile(
    r"(?i)\b(write|create|make|generate|code|implement)\b.{0,40}\b(python|bash|shell|script|"
    r"program|code|function)\b|"
    r"\b(?:need|want|give me)\s+an?\s+(?:python\s+|bash\s+|shell\s+)?(?:function|script|program)\b"
)
CODE_RUN_WORD = re.compile(r"(?i)\b(run|execute|print|prints|output|compute|calculate|show)\b")
# Words of programs, files and documents: a prompt with one is never plain math.
CODE_WORDS = re.compile(
    r"\b(python|javascript|typescript|java|rust|golang|c\+\+|bash|shell|script|code|program|"
    r"snippet|compile|implement|regex|sql|json|function that|write a|write me|run it|"
    r"execute|print\(|import|def|lambda|file|folder|directory|document)\b|__|`",
    re.IGNORECASE,
)

# ----- math -----

MATH_COMMAND_WORDS = re.compile(
    r"\b(solve|derivative|differentiate|integral|integrate|antiderivative|limit|lim|simplify|"
    r"expand|factor|factori[sz]e|prime|gcd|lcm|factorial|sqrt|square root|cube root|root of|"
    r"logarithm|log|ln|determinant|inverse|transpose|eigenvalues?|matrix|choose|permutations?|"
    r"combinations?|percent|modulo|squared|cubed|times|plus|minus|divided|multiplied|"
    r"power of|sin|cos|tan|roots|zeros|equation|calculate|compute|evaluate)\b|d/d[a-z]|∫|√",
    re.IGNORECASE,
)
# An explicit calculus/algebra request at the start owns the question even if code-like text
# follows ("Find the derivative of __import__(...)" gets a clear math error).
MATH_CALCULUS_FIRST = re.compile(
    r"(?:the\s+)?(?:(?:first|second|third|partial)\s+)?(?:derivative|differentiate|integrate|"
    r"integral|antiderivative|limit|simplify|expand|factor)\b|d/d[a-z]|∫",
    re.IGNORECASE,
)
MATH_STRUCTURE = re.compile(r"[()\[\]=^*/+]")  # operators and brackets
MATHY = re.compile(r"\d\s*[-+*/^×÷%!]|[-+*/^×÷=]\s*\d|[a-z]\s*[\^²³=]|[²³√∫π∞]|\d\s*[a-z]\b")
PERSONAL = re.compile(r"\b(?:my|our)\b", re.IGNORECASE)

# ----- knowledge: the user's own documents, named -----

KNOWLEDGE_CUE = re.compile(
    r"\b(?:(?:in|from|within|search|check|across)\s+(?:my|our)\s+"
    r"(?:own\s+)?(?:documents?|docs|notes|files|papers|pdfs?|manuals?|man\s?pages?|"
    r"knowledge\s?base|library|folder|ingested)"
    # "the" names a story's things too ("500 books in the library", "the papers"): only
    # words that mean the user's documents
    r"|(?:in|from|within|search|check|across)\s+the\s+"
    r"(?:documents?|docs|notes|pdfs?|manuals?|man\s?pages?|knowledge\s?base|ingested)"
    r"|according\s+to\s+(?:my|the|our)\b"
    r"|(?:my|our)\s+(?:documents?|docs|notes|files|pdfs?|papers)\s+(?:say|said|mention)"
    r"|what\s+do\s+(?:my|the)\s+(?:documents?|docs|notes|files)\s+say"
    r"|man\s?page\s+(?:of|for)"
    r")",
    re.IGNORECASE,
)

# ----- files: actions on the user's files and the machine -----

# (a file extension: ".pdf", ".7z"; not the ".5" of a decimal, which read "what's the mean of
# 1.5, 2.5 and 3.5" as a request about files)
FILES_CUE = re.compile(
    r"\b(files?|folders?|directory|directories|pdfs?|photos?|pictures?|images?|screenshots?|"
    r"documents?|notes|videos?|music|downloads|desktop|trash|disk space|free space|"
    r"taking (up )?space|battery|ram|memory usage|how much memory|(?<!\d)\.[a-z0-9]{1,5}\b|"
    r"undo)\b",
    re.I,
)
FILES_VERB = re.compile(
    r"^\s*(please\s+)?(find|locate|open|move|put|copy|rename|delete|remove|"
    r"trash|clean up|get rid of|show me|where|what'?s|what is|how much|how full|"
    r"undo|search for|look for)\b",
    re.I,
)
NOT_FILES = re.compile(
    r"\b(derivative|integral|equation|solve|prime|capital of|"
    r"in my (documents|notes) (say|mention)|according to)\b",
    re.I,
)

# ----- instructions around a question: how to answer, not what is asked -----

INSTRUCTION_LEAD = re.compile(
    r"^\s*(?:(?:please|ok|okay|hey|quick question|question|(?:let'?s )?think step[- ]by[- ]step|"
    r"step[- ]by[- ]step|using (?:logic|logical reasoning|reasoning|mathematical principles|"
    r"math(?:ematics)?)|work through (?:this|the following) (?:problem|question|puzzle)|"
    r"(?:solve|answer|try) (?:this|the following)(?: (?:problem|question|puzzle|riddle))?|"
    r"(?:here is|here's) (?:a|the|this) (?:problem|question|puzzle|riddle)|"
    r"(?:a )?(?:logic )?(?:puzzle|riddle))\s*[:,.\-]?\s+)+",
    re.IGNORECASE,
)
INSTRUCTION_TRAIL = re.compile(
    r"\s*(?:(?:please\s+)?(?:explain|show) (?:your|the) (?:reasoning|work|working|steps)|"
    r"think step[- ]by[- ]step|step[- ]by[- ]step)\s*[.!]?\s*$",
    re.IGNORECASE,
)


def strip_instructions(text: str) -> str:
    """'Step by step: All cats are animals. ...' -> 'All cats are animals. ...'."""
    t = INSTRUCTION_LEAD.sub("", text, count=1)
    t = INSTRUCTION_TRAIL.sub("", t)
    return t if t.strip() else text


# ----- logic -----

REMEMBER = re.compile(
    r"^\s*(?:(?:hey|hi|ok(?:ay)?|so)[,!]?\s+)?(?:please\s+|(?:can|could|would|will)\s+you\s+"
    r"(?:please\s+)?)?remember\b(?:\s+(?:that|this)\b|\s*:)?\s*(.+?)\s*\??$",
    re.I | re.S,
)
# Courtesy around the statement: "..., thanks", "... please!", "thank you."
_COURTESY_TAIL = re.compile(
    r"(?:[\s,;.!-]+(?:thanks?(?:\s+(?:you|a\s+lot|so\s+much))?|thank\s+you(?:\s+(?:so|very)\s+much)?"
    r"|thx|ty|please|pls|cheers|ok(?:ay)?)(?:\s+(?:council|buddy|mate))?)+[\s.!]*$",
    re.I,
)


def remember_body(text: str) -> str | None:
    """The statement of a "remember that ..." request, courtesy removed; None if not one."""
    m = REMEMBER.match(text)
    if not m:
        return None
    body = _COURTESY_TAIL.sub("", m.group(1)).strip().rstrip("?").strip()
    return body or None


# ----- conversation: greetings, help, statements about the user -----

_GREETING = (
    r"(?:hi|hello|hey|hiya|howdy|good\s+(?:morning|afternoon|evening)|greetings|yo)"
    r"(?:\s+(?:there|council))?"
)
_HELP = (
    r"(?:help|help\s+me|\?|what\s+can\s+you\s+do|what\s+do\s+you\s+do|what\s+are\s+you|"
    r"(?:what|how)\s+can\s+you\s+help(?:\s+me)?(?:\s+with)?|"
    r"who\s+are\s+you|how\s+do\s+i\s+use\s+(?:you|this|council)|what\s+can\s+i\s+ask(?:\s+you)?|"
    r"what\s+are\s+your\s+(?:skills|capabilities|features)|what\s+skills\s+do\s+you\s+have|"
    r"show\s+me\s+what\s+you\s+can\s+do)"
)
HELP = re.compile(
    rf"^\s*(?:{_GREETING}\s*[!,.]*\s*)?(?:please\s+)?{_HELP}\s*[?!.]*\s*$", re.IGNORECASE
)
GREETING = re.compile(rf"^\s*{_GREETING}\s*[!.]*\s*$", re.IGNORECASE)
GREETING_START = re.compile(rf"^\s*{_GREETING}\b", re.IGNORECASE)
_STATEMENT_LEAD = re.compile(
    r"^\s*(?:(?:by the way|btw|fyi|just so you know|for the record|for your information|"
    r"note that|note|also)[,:]?\s+)?(?=(?:my|i|i'm|i am|i've|we|our|we're)\b)",
    re.IGNORECASE,
)
# "I need to calculate ...", "I want you to ...": requests in the first person, not statements.
_REQUEST = re.compile(
    r"^\s*(?:i|we)\s*(?:(?:only|just|really|also|still|actually|kinda|kind of)\s+)?"
    r"(?:'d|would|need|want|wonder|was wondering|am wondering|'m wondering|"
    r"have to|must|should|can't|cannot|don't know|do not know|'m trying|am trying|'m looking|"
    r"am looking|'m not sure|am not sure|think|guess|bet|hope)\b"
    r"|^\s*(?:my|our)\s+(?:question|problem|task|homework|exercise)\b",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(
    r"\b(?:what|who|whom|whose|when|where|why|how|which|can you|could you|would you|"
    r"will you|tell me|calculate|compute|solve|find|explain|convert|"
    # typed without the apostrophe or the question mark: "i weigh 11 stone, whats that in kg"
    r"whats|wats|hows|whos|wheres|whens|whys|is (?:that|it|this)|what's|how's)\b",
    re.IGNORECASE,
)


# "my passport form wants height in cm. im 5 ft 9 in": a conversion asked for, not a fact to keep
_WANTS_IN_UNIT = re.compile(
    r"\b(?:wants?|needs?|asks?\s+for|requires?)\s+(?:(?:my|the|your|it|his|her)\s+)?"
    r"(?:height|weight|length|distance|it)?\s*in\s+(?:cm|mm|m|km|kg|g|lbs?|pounds|feet|ft|inches|"
    r"miles|meters?|metres?|centimet(?:er|re)s?|kilo(?:gram)?s?|celsius|fahrenheit|stones?)\b",
    re.IGNORECASE,
)


def conversation_kind(text: str) -> str | None:
    """'help', 'greeting', 'statement' (about the user), 'remember', or None."""
    t = text.strip()
    if not t or len(t) > 300:
        return None
    if HELP.match(t):
        return "help"
    if GREETING.match(t):
        return "greeting"
    m = REMEMBER.match(t)
    if m:
        return "remember" if "?" not in t else None
    if "?" in t or MATHY.search(t) or MATH_STRUCTURE.search(t):
        return None
    lead = _STATEMENT_LEAD.match(t)
    if lead is None:
        return None
    body = t[lead.end() :]
    if _REQUEST.match(body) or _QUESTION_WORD.search(body) or _WANTS_IN_UNIT.search(body):
        return None
    if len([s for s in re.split(r"[.!;]\s+", body) if s.strip()]) > 3:
        return None
    return "statement"


def statement_body(text: str) -> str:
    """What the user said, without 'remember that' or 'by the way'."""
    t = text.strip()
    m = REMEMBER.match(t)
    if m:
        return m.group(1)
    lead = _STATEMENT_LEAD.match(t)
    return t[lead.end() :] if lead else t


# ----- who claims a prompt -----


def _code(text: str) -> bool:
    return bool(CODE_FENCE.search(text) or CODE_RUN_THIS.match(text) or CODE_WRITE.search(text))


def _files(text: str) -> bool:
    return bool(
        len(text) <= 500
        and not NOT_FILES.search(text)
        and not MATHY.search(text)
        and FILES_CUE.search(text)
        and FILES_VERB.search(text)
    )


def _conversation(text: str) -> bool:
    kind = conversation_kind(text)
    return kind is not None and kind != "remember"


# Strong cues, in order: a prompt that carries one belongs to that skill, and other skills
# leave it alone. A new skill adds one line here.
_CLAIMS: dict[str, Callable[[str], bool]] = {
    "code": _code,
    "knowledge": lambda t: bool(KNOWLEDGE_CUE.search(t)),
    "files": _files,
    "conversation": _conversation,
}


def claims(text: str) -> list[str]:
    """The skills whose strong cue this prompt carries, in order."""
    return [name for name, test in _CLAIMS.items() if test(text)]


def claimed_elsewhere(skill: str, text: str) -> bool:
    """Another skill's strong cue is in the prompt."""
    return any(name != skill and test(text) for name, test in _CLAIMS.items())
