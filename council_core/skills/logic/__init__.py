"""The logic skill: reasoning questions in controlled English, answered exactly by Prolog.

The text is parsed by a small grammar (``grammar.py``, ``questions.py``) into facts and one
question; SWI-Prolog (``engine.py``, rules in ``rules.pl``) derives the answer; the answer
comes back result first with a one-line derivation. "remember that Bob is Alice's brother"
stores a relation in the personal knowledge base (``facts.py``). Propositional formulas
("is (p -> q) equivalent to (not q -> not p)?", "truth table for p xor q") are checked on
their whole truth table (``propositional.py``), no Prolog needed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from council_core import cues
from council_core.base.errors import SkillDeclined
from council_core.base.result import Chunk, SkillAnswer
from council_core.cues import remember_body
from council_core.skill import Emit, Query, Skill, _drop

from .grammar import Problem, parse_facts
from .questions import parse
from .tokens import NoParse

if TYPE_CHECKING:
    from .engine import PrologEngine
    from .facts import FactStore

_KB_RELATIONS = ("in", "part")
_CATEGORICAL = ("isa", "nisa", "all", "no", "some", "somenot")


_SENTENCE_END = re.compile(r"[.;!?](?:\s+|$)")
_LEAD_PREMISE = re.compile(r"\s*(if|given( that)?|suppose|assuming|since)\b.+,", re.I)


_AUX = r"(?:is|are|am|was|were|does|do|did|can|could|will|would|must|should|has|have|had)"
# "Is Socrates mortal if all men are mortal and Socrates is a man?"
_QUESTION_IF = re.compile(
    rf"^\s*({_AUX}\b[^?]+?)\s*,?\s+(?:if|given(?: that)?|assuming(?: that)?|when)\s+([^?]+?)\s*\?\s*$",
    re.I,
)
# "If all men are mortal and Socrates is a man, is Socrates mortal?"
_IF_QUESTION = re.compile(
    r"^\s*(?:if|given(?: that)?|suppose(?: that)?|assuming(?: that)?|since)\s+([^?]+?)\s*,\s*"
    rf"(?:then\s+)?((?:{_AUX}|who|what|which|where|how many)\b[^?]*\?)\s*$",
    re.I,
)


def premises_first(text: str) -> str:
    """A one-sentence question that carries its premises ("Is X Y if A and B?", "If A and B,
    is X Y?") as the grammar reads it: the premises as a sentence, then the question."""
    m = _QUESTION_IF.match(text)
    if m:
        question, premises = m.group(1), m.group(2)
    else:
        m = _IF_QUESTION.match(text)
        if not m:
            return text
        premises, question = m.group(1), m.group(2)
    question = question.rstrip("?").strip()
    return f"{premises.rstrip('.').strip()}. {question[:1].upper()}{question[1:]}?"


def _has_premises(text: str) -> bool:
    """More than the question itself: premises came with it ("All A are B. Is x a B?").
    A lone question ("What is the target temperature for the orchid zone?") is answered from
    remembered facts only."""
    if _LEAD_PREMISE.match(text):  # "If all cats are animals and Tom is a cat, is Tom ...?"
        return True
    return len([p for p in _SENTENCE_END.split(text.strip()) if p.strip()]) > 1


class LogicSkill(Skill):
    name: ClassVar[str] = "logic"
    description: ClassVar[str] = (
        "Reasoning in plain English: syllogisms, family and place relations, comparisons, "
        "if/then and either/or, days of the week, sequences; propositional formulas (is p -> q "
        "equivalent to not q -> not p? truth tables); remembers relations you teach it"
    )
    threshold: ClassVar[float] = 0.5
    confident_at: ClassVar[float] = 0.6

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._store: FactStore | None = None

    # ----- routing -----

    def score(self, query: Query) -> float:
        text = premises_first(cues.strip_instructions(query.text))
        if len(text) > 4000:
            return 0.0
        if _formula_question(cues.strip_instructions(query.text)) is not None:
            return 0.95
        body = remember_body(text)
        if body is not None:
            return 0.9 if self._remember_facts(body) else 0.0
        try:
            problem = parse(text)
        except NoParse:
            return 0.0
        except RecursionError:
            return 0.0
        if problem.kind in ("day", "next") or (problem.facts and _has_premises(text)):
            return 0.9
        return 0.55  # a question about remembered facts; answer() declines if there are none

    # ----- answering -----

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        formula = _formula_question(cues.strip_instructions(query.text))
        if formula is not None:
            return self._propositional(formula, emit)
        text = premises_first(cues.strip_instructions(query.text))
        body = remember_body(text)
        if body is not None:
            return await self._remember(body, emit)
        try:
            problem = parse(text)
        except (NoParse, RecursionError) as exc:
            raise SkillDeclined(f"outside the logic grammar: {exc}") from exc
        return await self.solve(problem, emit, text)

    async def solve(self, problem: Problem, emit: Emit = _drop, text: str = "") -> SkillAnswer:
        from .reasoner import fact_terms, interpret, to_term

        engine = self.engine
        kb = self.store.all()
        if problem.kind not in ("day", "next") and not (problem.facts and _has_premises(text)):
            touched = {x for fact in kb for x in (fact.subj, fact.obj)}
            if not kb or not problem.entities or not problem.entities & touched:
                raise SkillDeclined("no premises and no remembered facts about this")
        fact = problem.info.get("fact")
        if problem.kind == "yn" and fact and fact[0] in _CATEGORICAL:
            known = {x for r, a, b in problem.facts for x in (a, b) if isinstance(x, str)}
            known |= {x for k in kb for x in (k.subj, k.obj)}
            if not {fact[1], fact[2]} <= known:
                # a word the premises never used: our reading of the text is likely wrong
                raise SkillDeclined("the question uses terms the premises do not mention")
        await self._sync_kb(engine, kb)
        for fact in kb:  # labels of remembered names
            problem.labels.setdefault(fact.subj, fact.subj_label)
            problem.labels.setdefault(fact.obj, fact.obj_label)
        result = await engine.solve(fact_terms(problem), to_term(problem.goal))
        verdict = interpret(problem, result)
        if not _has_premises(text) and verdict.result == "none":
            # Only remembered facts, and none answers it: another skill may know.
            raise SkillDeclined("remembered facts do not answer this")
        if verdict.result == "none" and _quantities(problem):
            # "A train travels 60 miles in 1.5 hours. What is its average speed?": numbers
            # read as names; "no one" would be a confident wrong answer to a word problem.
            raise SkillDeclined("a word problem with quantities, not a logic question")
        emit(Chunk(verdict.text))
        return SkillAnswer(
            verdict.text,
            confidence=verdict.confidence,
            data={"result": verdict.result, **verdict.data},
        )

    @staticmethod
    def _propositional(question: Any, emit: Emit) -> SkillAnswer:
        from council_core.base.errors import BadInput

        from .propositional import answer

        try:
            text, data = answer(question)
        except ValueError as exc:
            raise BadInput(str(exc), fix="ask about fewer variables at a time") from exc
        emit(Chunk(text))
        return SkillAnswer(text, confidence=0.99, data={"result": data["kind"], **data})

    async def _remember(self, body: str, emit: Emit) -> SkillAnswer:
        from .reasoner import Formatter, to_term

        problem = self._remember_facts(body)
        if not problem:
            raise SkillDeclined("not a relation; conversation memory keeps it")
        ids = []
        fm = Formatter(problem)
        shown = []
        for rel, a, b in problem.facts:
            ids.append(self.store.add(rel, a, b, problem.labels, body.strip()))
            shown.append(fm.fact(to_term(rel), a, b))
        text = f"Noted: {', '.join(shown)} (fact {', '.join('#' + str(i) for i in ids)})"
        emit(Chunk(text))
        return SkillAnswer(text, confidence=0.95, data={"result": "remembered", "ids": ids})

    @staticmethod
    def _remember_facts(body: str) -> Problem | None:
        try:
            problem = parse_facts(body)
        except (NoParse, RecursionError):
            return None
        ok = problem.facts and all(
            isinstance(r, tuple) or r in _KB_RELATIONS or r in _family()
            for r, _a, _b in problem.facts
        )
        return problem if ok else None

    # ----- services -----

    @property
    def engine(self) -> PrologEngine:
        return self.ctx.service("prolog")  # type: ignore[no-any-return]

    @property
    def store(self) -> FactStore:
        if self._store is None:
            from .facts import FactStore

            self._store = FactStore(self.ctx.paths.db_file)
        return self._store

    async def _sync_kb(self, engine: PrologEngine, kb: list[Any]) -> None:
        from .engine import f
        from .reasoner import to_term

        version = (str(self.ctx.paths.db_file), len(kb), kb[-1].id if kb else 0)
        if engine.kb_version == version:
            return
        await engine.kb_replace(
            [f(to_term(r), a, b) for r, a, b in (x.as_tuple() for x in kb)], version
        )

    async def warm(self) -> None:
        await self.engine.warm()

    async def aclose(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _formula_question(text: str) -> Any:
    """A propositional question (propositional.LogicQuestion), or None. Cheap: a regex
    before any parse."""
    if len(text) > 2000:
        return None
    from .propositional import parse_question

    return parse_question(text)


def _quantities(problem: Problem) -> bool:
    """A number inside a premise's names (the grammar made '60 miles in 1.5 hours' a name)."""
    return any(
        isinstance(x, str) and any(ch.isdigit() for ch in x)
        for _r, a, b in problem.facts
        for x in (a, b)
    )


def _family() -> set[str]:
    from .words import FAMILY

    return FAMILY


__all__ = ["LogicSkill"]
