"""Checks on a generated document answer: it names the option or value, not a citation marker.

The local model (1.5B) phrases an answer from one or two retrieved passages. Told to cite
passages like "[1]", it wrote "The option ... is [1]." (the marker where the answer belongs),
so the prompt names each passage by its document instead and asks for the exact option or
value first. What it writes is then checked against the passages it was given:
  - citation markers ("[1]", "[passage 2]") are removed; an answer left empty is no answer;
  - every key token of the answer (an option like -p or --count, a number) must stand in the
    passages: otherwise the model invented it ("-R" for ssh's port) and the caller quotes the
    passage instead;
  - a question that asks for an option, when the best passage is an option's entry, must get
    an answer that names an option of the passages.
"""

from __future__ import annotations

import re

from council_core.knowledge.passages import asks_for_option

# the model's citation habits: [1], [2], [1][2], [1, 2], (passage 1), [Passage 1]
_MARKER = re.compile(
    r"\s*(?:\[(?:passages?\s*)?\d+(?:\s*[,-]\s*\d+)*\]|\((?:passages?|source)\s*\d+\))",
    re.IGNORECASE,
)
# an option (-p, -C, --max-depth, -type) or a number (10, 1.5, 07:00, 4,200)
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z0-9][\w-]*")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,:]\d+)*(?![\w])")


def strip_markers(text: str) -> str:
    """The answer without citation markers ("is [1]." -> "is."), spacing tidied."""
    out = _MARKER.sub("", text)
    out = re.sub(r"[ \t]+([.,;:!?])", r"\1", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def options_in(text: str) -> list[str]:
    return [m.group(0).rstrip("-") for m in _OPTION.finditer(text)]


def key_tokens(answer: str) -> list[str]:
    """The tokens an answer's rightness rests on: options and numbers."""
    nums = [m.group(0) for m in _NUMBER.finditer(answer)]
    return [*options_in(answer), *nums]


def _in(token: str, text: str) -> bool:
    pat = r"(?<![\w-])" + re.escape(token) + r"(?![\w])"
    return re.search(pat, text) is not None


def unsupported(answer: str, context: str) -> list[str]:
    """Key tokens of the answer that the passages do not hold (an option the model invented,
    a number it changed). Options count as found after "[" or "=" too ("-i[SUFFIX]")."""
    return [t for t in key_tokens(answer) if not _in(t, context)]


def misses_the_option(question: str, answer: str, lead: str, context: str) -> bool:
    """The question asks for an option, the best passage is an option's entry (its lead line
    starts with one), and the answer names none of the passages' options."""
    if not asks_for_option(question) or not lead.lstrip().startswith("-"):
        return False
    given = set(options_in(context))
    return not any(o in given for o in options_in(answer))
