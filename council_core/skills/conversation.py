"""The conversation skill: what people say to an assistant that is not a question.

- A statement about the user ("My name is Dana and my cat is called Pixel.", "I keep my bike
  in the garage on Wren Street.") is acknowledged in one line, in the second person; the turn
  is recorded by the memory hook like every answer, so the general model recalls it later.
  With conversation memory off, the acknowledgement says so.
- "hi! what can you do?" / "help" is answered from the real state: the skills that are on
  (the registry minus the disabled ones), the documents ingested, the folders granted, whether
  the sandbox can run code, and the cloud policy. Nothing here is a fixed paragraph.

The cues (what counts as a greeting, a help request or a statement) live in ``cues.py``.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from typing import ClassVar

from council_core import cues
from council_core.base.errors import CouncilError, SkillDeclined
from council_core.base.result import Chunk, SkillAnswer
from council_core.skill import Emit, Query, Skill, _drop

# First person -> second person, for the acknowledgement.
_PRONOUNS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd", "am": "are",
    "we": "you", "us": "you", "our": "your", "ours": "yours", "we're": "you're",
    "we've": "you've", "ourselves": "yourselves", "was": "were",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


def second_person(text: str) -> str:
    """'my cat is called Pixel' -> 'your cat is called Pixel'; 'I am' -> 'you are'."""
    subject_seen = False

    def swap(m: re.Match[str]) -> str:
        nonlocal subject_seen
        word = m.group(0)
        low = word.lower().replace("’", "'")
        if low in ("am", "was") and not subject_seen:
            return word  # only after "I" ("I am" -> "you are"), not "the dog was"
        rep = _PRONOUNS.get(low)
        subject_seen = low in ("i", "we")
        return word if rep is None else rep

    return _WORD.sub(swap, text)


class ConversationSkill(Skill):
    name: ClassVar[str] = "conversation"
    description: ClassVar[str] = (
        "Greetings, 'help' / 'what can you do?', and things you tell it about yourself "
        "(acknowledged and remembered)"
    )
    threshold: ClassVar[float] = 0.5
    confident_at: ClassVar[float] = 0.5

    def score(self, query: Query) -> float:
        kind = cues.conversation_kind(query.text)
        if kind in ("help", "greeting"):
            return 0.95
        if kind == "statement":
            return 0.8
        if kind == "remember":
            # "remember that Bob is Alice's brother" is a fact for the logic skill (0.9);
            # whatever it declines ("remember that my locker code is 4312") comes here.
            return 0.6
        return 0.0

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        kind = cues.conversation_kind(query.text)
        if kind in ("help", "greeting"):
            greet = bool(cues.GREETING_START.match(query.text))
            text = await asyncio.to_thread(self.capabilities, greet)
            emit(Chunk(text))
            return SkillAnswer(text, confidence=1.0, data={"kind": kind})
        if kind in ("statement", "remember"):
            text = self.acknowledge(cues.statement_body(query.text))
            emit(Chunk(text))
            return SkillAnswer(text, confidence=0.95, data={"kind": "statement"})
        raise SkillDeclined("not a greeting, a help request or a statement")

    # ----- statements -----

    def acknowledge(self, body: str) -> str:
        said = second_person(body.strip().rstrip(".!").strip())
        if not self.ctx.settings.memory.enabled:
            return (
                f"Noted: {said}. Conversation memory is off, so I will not remember it in "
                "later chats (turn on 'Remember conversations' in Settings > Memory)."
            )
        return f"Noted: {said}. I'll remember that."

    # ----- help -----

    def capabilities(self, greeting: bool) -> str:
        s = self.ctx.settings
        lines = ["Hi! " if greeting else ""]
        lines[0] += "I answer on this computer with these skills:"
        for name, desc in self._skills():
            lines.append(f"- {name}: {desc}")
        lines.append(self._documents_line())
        folders = [f"{g.path} ({'read-write' if g.mode == 'rw' else 'read-only'})"
                   for g in s.files.granted]  # fmt: skip
        lines.append(
            "File actions: "
            + (", ".join(folders) if folders else "no folders granted yet")
            + " (council files grant FOLDER)."
        )
        lines.append(self._sandbox_line())
        lines.append(self._cloud_line())
        lines.append('Try: "What is 17 * 23?", "solve x^2 - 5x + 6 = 0", or ask about your notes.')
        return "\n".join(lines)

    def _skills(self) -> list[tuple[str, str]]:
        from council_core.registry import skill_classes

        disabled = set(self.ctx.settings.router.disabled_skills)
        out = []
        for name, cls in skill_classes().items():
            if name in disabled:
                continue
            desc = str(getattr(cls, "description", "") or "").rstrip(".")
            note = cls.help_note(self.ctx.settings) if hasattr(cls, "help_note") else None
            desc = desc or "(no description)"
            out.append((name, f"{desc} ({note})" if note else desc))
        if self.name not in {n for n, _ in out} and self.name not in disabled:
            out.append((self.name, self.description))
        return out

    def _documents_line(self) -> str:
        try:
            docs, chunks = self.ctx.documents.count()
        except CouncilError as exc:
            return f"Your documents: unavailable ({exc.message})."
        if not docs:
            return "Your documents: none yet (council ingest PATH, or drop files on the window)."
        return f"Your documents: {docs} ingested ({chunks} passages), searched with sources."

    def _sandbox_line(self) -> str:
        if shutil.which("firejail") is None:
            return "Code: the Firejail sandbox is not installed, so I cannot run code."
        sb = self.ctx.settings.sandbox
        return (
            f"Code: runs only inside the Firejail sandbox ({sb.timeout_s:g} s, "
            f"{sb.memory_mb} MB, no network)."
        )

    def _cloud_line(self) -> str:
        c, b = self.ctx.settings.cloud, self.ctx.settings.budget
        if not c.enabled:
            return "Cloud: off; everything stays on this computer."
        if c.paused:
            return "Cloud: paused; everything stays on this computer (council cloud resume)."
        if not c.provider:
            return (
                "Cloud: no provider set, so everything stays on this computer "
                "(Settings > Cloud to add one)."
            )
        auto = (
            f", requests under ${b.auto_approve_per_request_usd:g} approved automatically"
            if b.auto_approve_per_request_usd
            else ""
        )
        return (
            f"Cloud: {c.provider}, only when I am unsure and only with your approval{auto}; "
            f"budget ${b.daily_usd:g} a day, ${b.monthly_usd:g} a month."
        )
