"""The word-problem skill: routing cues, reading what a program printed, and the whole path
(program -> real Firejail sandbox -> answer) with a scripted LLM backend (a fake subclass of
LLMBackend that answers with the programs a test gives it). tests/skills/test_wordmath_llm.py
runs the real model."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from fractions import Fraction

import pytest

from council_core import registry
from council_core.approval import ApprovalChannel, Choice, Decision
from council_core.base.errors import SkillDeclined
from council_core.base.result import Progress
from council_core.context import SkillContext
from council_core.llm.base import GenerationOptions, LLMBackend, Message, Piece
from council_core.router import Council
from council_core.skill import Query
from council_core.skills.general import GeneralSkill
from council_core.skills.wordmath import WordMathSkill
from council_core.skills.wordmath import skill as wm
from council_core.skills.wordmath.cues import word_problem_score
from council_core.skills.wordmath.program import code_of, implausible, read_output
from tests.helpers.fakes import Manager, Recorder

needs_firejail = pytest.mark.skipif(
    shutil.which("firejail") is None, reason="firejail is not installed"
)

SURE = -0.01  # token log-probability of a program the model is sure of
UNSURE = -3.0


# ----- routing cues (text only) -----

CLAIMED = [
    "how much is 15% tip on a 84.50 bill",
    "whats 15% tip on a 84.50 bill",
    "What is the 8% tax on 120 dollars",
    "If I invest 1000 dollars at 5% interest compounded yearly, how much will I have after "
    "10 years?",
    "what is the square root of 2 to 5 decimal places",
    "What is the sum of the first 10 prime numbers?",
    "How many days are there between March 3 and April 20?",
    "Find the perimeter of a rectangle with length 12 and width 8",
    "What is the volume of a sphere with radius 3?",
    "What time is it in Tokyo when it is 3pm in London?",
    "Convert 26.2 miles to kilometers",
    "What is the average of 4, 8, 15, 16, 23 and 42?",
    "If 3 workers build a wall in 12 hours, how long would 4 workers take?",
    "A train leaves at 14:20 and arrives at 17:05. How long is the trip?",
    "Weng earns $12 an hour for babysitting. Yesterday she babysat for 50 minutes. "
    "How much did she earn?",
    "Jerry is writing a script for a skit with three characters. The first character has eight "
    "more lines than the second. How many lines does the first character have?",
]
NOT_CLAIMED = [
    "What is 17 * 23?",  # a bare expression: the math skill's
    "Solve: 2x² - 8x + 6 = 0",
    "How often is the P-200 pump serviced?",
    "Who painted the ceiling of the Sistine Chapel? [1-1]",
    "My name is Dana and my cat is called Pixel.",
    "How many people lived in Paris in 1900?",  # a fact to look up, not arithmetic
    "How many moons does Jupiter have?",
    "write Python that prints the primes below 20 and run it",
    "Write a script that adds up the prices of 3 items and tells me how much they cost",
    "run this program and tell me how many lines it prints",
    "remember that my locker code is 4512 and I paid 20 dollars for it",
    "What does my manual say about the 3 filters per month?",
    "hi! what can you do?",
    # ideas, advice and opinions that merely hold numbers
    "my sister turns 30 next week, any gift ideas under $50?",
    "should i put 15% of my paycheck into my 401k or pay off my car loan first?",
    "is putting 20% down on a house really better than 10%, what do you think?",
]


@pytest.mark.parametrize("text", CLAIMED)
def test_claims_quantitative_questions_in_words(text: str) -> None:
    assert word_problem_score(text) >= 0.5


@pytest.mark.parametrize("text", NOT_CLAIMED)
def test_leaves_other_questions_alone(text: str) -> None:
    assert word_problem_score(text) == 0.0


# ----- reading a program and its output -----


def test_code_is_taken_from_the_fence() -> None:
    reply = "Here you go:\n```python\nx = 2\nprint(x * 3)\n```\nThat prints 6."
    assert code_of(reply) == "x = 2\nprint(x * 3)\n"
    assert code_of("print(1)") == "print(1)\n"
    assert code_of("```python\n\n```") == ""


@pytest.mark.parametrize(
    ("printed", "line", "value"),
    [
        ("43 stickers\n", "43 stickers", Fraction(43)),
        ("working...\n9.999999999999998 dollars\n", "10 dollars", Fraction(10)),
        ("0.30000000000000004\n", "0.3", Fraction(3, 10)),
        ("12.0 minutes\n", "12 minutes", Fraction(12)),
        ("$64.80\n", "64.80 dollars", Fraction(324, 5)),
        ("1.41421\n", "1.41421", Fraction(141421, 100000)),
        ("10:30 PM on July 01, 2025\n", "10:30 PM on July 01, 2025", None),
    ],
)
def test_reads_the_last_line(printed: str, line: str, value: Fraction | None) -> None:
    got = read_output(printed)
    assert got is not None
    assert (got.line, got.value) == (line, value)


def test_nothing_printed_is_no_answer() -> None:
    assert read_output("\n  \n") is None


def test_counts_must_be_whole_and_not_negative() -> None:
    q = "How many apples does Tom have left?"
    assert implausible(q, read_output("-3")) == "a negative count"  # type: ignore[arg-type]
    assert implausible(q, read_output("2.5")) == "a count that is not a whole number"  # type: ignore[arg-type]
    assert implausible(q, read_output("7")) is None  # type: ignore[arg-type]
    hours = "How many hours does the trip take?"
    assert implausible(hours, read_output("2.5 hours")) is None  # type: ignore[arg-type]
    longer = "How much longer does Kevin's walk take than Ann's?"
    assert implausible(longer, read_output("-24 minutes")) == "a negative amount"  # type: ignore[arg-type]
    cold = "How much did the temperature change from noon to midnight?"
    assert implausible(cold, read_output("-7 degrees")) is None  # type: ignore[arg-type]


def test_a_reasoning_line_with_one_number_is_that_number() -> None:
    from council_core.skills.wordmath.skill import reasoned_reading

    got = reasoned_reading("Janet makes $18 every day")
    assert got is not None and got.value == 18
    assert got.line == "18 — Janet makes $18 every day"  # the answer first, then its sentence
    assert reasoned_reading("The final answer is $42.").line == "42"  # type: ignore[union-attr]
    # an expression with an unknown is no answer; units are not unknowns
    assert reasoned_reading("x + 4") is None
    assert reasoned_reading("4+x") is None
    assert reasoned_reading("The speed is 5 m/s").value == 5  # type: ignore[union-attr]
    assert reasoned_reading("He bought 5 T-shirts").value == 5  # type: ignore[union-attr]
    assert reasoned_reading("$1,200").value == 1200  # type: ignore[union-attr]
    two = reasoned_reading("between 3 and 5 apples")
    assert two is not None and two.value is None  # two numbers: not read as either


def test_answers_that_differ_by_rounding_are_the_same_answer() -> None:
    def r(line: str) -> wm.Reading:
        got = read_output(line)
        assert got is not None
        return got

    assert wm.same_answer(r("12.68 dollars"), r("12.675"))
    assert wm.same_answer(r("1628.89"), r("1628.894626777442"))
    assert not wm.same_answer(r("33"), r("34"))
    assert not wm.same_answer(r("0.5"), r("0.55"))
    assert wm.same_answer(r("10:30 PM on July 01"), r("10:30 pm on july 01"))


# ----- the whole path, with a scripted model and the real sandbox -----


class ScriptedBackend(LLMBackend):
    """Answers each chat with the next scripted (reply, token log-probability); records the
    prompts and options it was given."""

    name = "scripted"

    def __init__(self, replies: list[tuple[str, float]]) -> None:
        self.replies = list(replies)
        self.prompts: list[list[Message]] = []
        self.options: list[GenerationOptions] = []

    async def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        self.prompts.append(list(messages))
        self.options.append(opts or GenerationOptions())
        text, lp = self.replies.pop(0)
        for line in text.splitlines(keepends=True):
            yield Piece(line, lp)
        yield Piece("", None, "stop")

    async def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        yield Piece("", finish_reason="stop")


def make_ctx(llm: ScriptedBackend, approver: Recorder | None = None) -> SkillContext:
    ctx = SkillContext(approval=ApprovalChannel(approver or Recorder()))
    ctx.settings.sandbox.pool_size = 0
    ctx.provide("llm", Manager(llm))
    return ctx


def fenced(code: str) -> str:
    return f"```python\n{code}```\n"


STICKERS = (
    "Lena has 3 times as many stickers as Omar, who has 14. She gives away 9. "
    "How many stickers does Lena have now?"
)
STICKER_CODE = "omar = 14\nlena = 3 * omar - 9\nprint(lena, 'stickers')\n"


def said(answer: str) -> tuple[str, float]:
    """A step-by-step reply from the model with this final answer."""
    return (f"Omar has 14, so Lena has 3 * 14 = 42 ...\nAnswer: {answer}", UNSURE)


WRONG = "print(14 * 3 + 9, 'stickers')\n"  # 51
OTHER = "print(14 * 3 + 18, 'stickers')\n"  # 60


@needs_firejail
async def test_answers_with_the_program_when_the_reasoning_agrees() -> None:
    llm = ScriptedBackend([(fenced(STICKER_CODE), SURE), said("33 stickers")])
    ctx = make_ctx(llm)
    events: list[object] = []
    ans = await WordMathSkill(ctx).answer(Query(STICKERS), events.append)
    assert ans.answer == "33 stickers"
    # while the reasoning runs, the user sees what the program gave, marked as being checked
    checking = [e.message for e in events if isinstance(e, Progress) and "checking" in e.message]
    assert checking == ["the program gives 33 stickers; checking it by reasoning step by step"]
    assert ans.code == STICKER_CODE and ans.output == "33 stickers\n"
    assert ans.confidence == wm.AGREE_CONF >= 0.85
    assert any("reasoning agree" in n for n in ans.notes)
    assert len(llm.prompts) == 2 and ctx.llm.purposes == ["code"]  # agreed: nothing more
    # The program prompt: the fixed system prompt and examples first (KV cache), the question
    # last; the reasoning: the prompt the model-alone baseline gets.
    assert llm.prompts[0][0].role == "system" and llm.prompts[0][-1].content == STICKERS
    assert llm.options[0].max_tokens <= 256 and llm.options[0].temperature == 0
    assert llm.prompts[1][0].content == wm.REASON_PROMPT and llm.prompts[1][1].content == STICKERS
    assert llm.options[1].temperature == 0


@needs_firejail
async def test_a_disagreement_is_put_to_a_vote_of_four() -> None:
    llm = ScriptedBackend(
        [(fenced(STICKER_CODE), SURE), said("51"), (fenced(STICKER_CODE), UNSURE), said("33")]
    )
    ans = await WordMathSkill(make_ctx(llm)).answer(Query(STICKERS))
    assert ans.answer == "33 stickers" and ans.code == STICKER_CODE  # the program's output
    assert ans.confidence == wm.VOTE_CONF < 0.9
    assert any("3 of 4" in n and "51" in n for n in ans.notes)
    assert len(llm.prompts) == 4
    assert llm.options[2].temperature > 0 and llm.options[3].temperature > 0  # sampled


@needs_firejail
async def test_a_tie_goes_to_the_step_by_step_answer_and_says_so() -> None:
    """Programs that misread the story tend to misread it the same way: a program answer does
    not beat the reasoning's on a tie. The answer then has no program under it."""
    llm = ScriptedBackend(
        [(fenced(WRONG), SURE), said("33 stickers"), (fenced(OTHER), SURE), ("Hmm.", UNSURE)]
    )
    ans = await WordMathSkill(make_ctx(llm)).answer(Query(STICKERS))
    assert ans.answer == "33 stickers" and ans.code is None
    assert ans.confidence == wm.SPLIT_CONF < 0.5
    assert any("51 stickers" in n and "60 stickers" in n for n in ans.notes)
    assert any("gave no final answer" in n for n in ans.notes)


@needs_firejail
async def test_a_failing_program_is_repaired_with_its_error() -> None:
    broken = "print(lena_total)\n"
    llm = ScriptedBackend([(fenced(broken), SURE), (fenced(STICKER_CODE), SURE), said("33")])
    ans = await WordMathSkill(make_ctx(llm)).answer(Query(STICKERS))
    assert ans.answer == "33 stickers" and ans.confidence == wm.AGREE_CONF
    repair = llm.prompts[1][-1].content
    assert "NameError" in repair and "lena_total" in repair


@needs_firejail
async def test_an_implausible_count_does_not_vote() -> None:
    half = "print(33 / 2, 'stickers')\n"
    llm = ScriptedBackend(
        [(fenced(half), SURE), said("33"), (fenced(STICKER_CODE), SURE), said("33")]
    )
    ans = await WordMathSkill(make_ctx(llm)).answer(Query(STICKERS))
    assert ans.answer == "33 stickers" and ans.code == STICKER_CODE
    assert ans.confidence == wm.ALL_AGREE_CONF
    assert any("not a whole number" in n for n in ans.notes)


@needs_firejail
async def test_programs_that_loop_fork_or_allocate_are_stopped_and_the_skill_declines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wm, "PROGRAM_TIMEOUT_S", 1.5)
    loop = "while True:\n    pass\n"
    hog = "x = bytearray(8 * 1024 ** 3)\nprint(len(x))\n"
    no_answer = ("I cannot tell from this.", SURE)  # reasoning with no "Answer:" line
    llm = ScriptedBackend([(fenced(loop), SURE), no_answer, (fenced(hog), SURE), no_answer])
    ctx = make_ctx(llm)
    with pytest.raises(SkillDeclined) as info:
        await WordMathSkill(ctx).answer(Query(STICKERS))
    assert "timeout" in str(info.value) and "memory" in str(info.value)
    assert len(llm.prompts) == 4  # two programs and two reasonings before it declined


@needs_firejail
async def test_the_general_model_answers_when_no_program_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No dead end: the skill declines, the cascade goes on to the general model."""
    monkeypatch.setattr(wm, "PROGRAM_TIMEOUT_S", 1.5)
    loop = "while True:\n    pass\n"
    llm = ScriptedBackend(
        [
            (fenced(loop), SURE),
            ("I am not sure.", -0.5),  # the skill's reasoning: no final answer line
            (fenced(loop), SURE),
            ("I am not sure.", -0.5),
            ("Lena has 33 stickers.", -0.05),  # the general model
        ]
    )
    ctx = make_ctx(llm)
    ctx.settings.memory.enabled = False
    monkeypatch.setitem(
        registry.load_group(registry.SKILLS_GROUP).classes, "wordmath", WordMathSkill
    )
    council = Council(ctx, skills={"wordmath": WordMathSkill, "general": GeneralSkill}, hooks=[])
    res = await council.ask(STICKERS)
    assert res.ok and res.skill == "general" and "33" in res.answer


@needs_firejail
async def test_routed_through_the_council_with_the_program_under_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = "bill = 84.50\ntip = bill * 15 / 100\nprint(round(tip, 2), 'dollars')\n"
    llm = ScriptedBackend([(fenced(code), SURE), ("15% of 84.50 is 12.675.\nAnswer: $12.68", SURE)])
    ctx = make_ctx(llm)
    monkeypatch.setitem(
        registry.load_group(registry.SKILLS_GROUP).classes, "wordmath", WordMathSkill
    )
    council = Council(ctx, skills=registry.skill_classes(), hooks=[])
    # (the terse "15% tip on a 84.50 bill", and the same told in a sentence, are math's now:
    # exact, no model; "for two" is a number the tip formula has no role for)
    res = await council.ask(
        "dinner for two was 84.50 and we want to leave a 15% tip. how much is the tip?"
    )
    assert res.ok, res.error
    assert res.skill == "wordmath" and res.answer == "12.68 dollars"
    assert res.code is not None and res.code.endswith(code) and res.output == "12.68 dollars\n"


@needs_firejail
async def test_the_program_never_runs_outside_the_sandbox(tmp_path) -> None:
    """A program that writes a file beside the user's files writes it inside the sandbox's
    workspace, if anywhere: nothing appears on the host."""
    marker = tmp_path / "written-by-the-model.txt"
    code = f"open({str(marker)!r}, 'w').write('x')\nprint(1)\n"
    llm = ScriptedBackend([(fenced(code), SURE), said("2"), (fenced(code), SURE), said("2")])
    try:
        await WordMathSkill(make_ctx(llm)).answer(Query(STICKERS))
    except SkillDeclined:
        pass
    assert not marker.exists()


@needs_firejail
async def test_asks_before_running_when_the_setting_says_so() -> None:
    approver = Recorder(Decision(Choice.DECLINE))
    llm = ScriptedBackend([(fenced(STICKER_CODE), SURE)])
    ctx = make_ctx(llm, approver)
    ctx.settings.sandbox.show_code_before_run = True
    with pytest.raises(SkillDeclined):
        await WordMathSkill(ctx).answer(Query(STICKERS))
    assert approver.requests[0].kind == "code_run"
    assert "lena" in approver.requests[0].details


@needs_firejail
async def test_money_is_rounded_as_people_round_it() -> None:
    """15% of 84.50 is 12.675: Python's round() gives 12.67 (binary float, ties to even); the
    program runs with a half-up round() in front of it, shown with the program. The reasoning's
    unrounded 12.675 is the same answer; the program's rounded output is shown."""
    code = "bill = 84.50\ntip = 0.15 * bill\nprint(round(tip, 2), 'dollars')\n"
    llm = ScriptedBackend([(fenced(code), SURE), said("$12.675")])
    ans = await WordMathSkill(make_ctx(llm)).answer(
        Query("How much is a 15% tip on a $84.50 bill?")
    )
    assert ans.answer == "12.68 dollars" and ans.confidence == wm.AGREE_CONF
    assert ans.code is not None and ans.code.endswith(code) and "def round(" in ans.code


def test_half_up_round_is_added_only_where_the_program_rounds() -> None:
    from council_core.skills.wordmath.program import HALF_UP_ROUND, with_half_up_round

    assert with_half_up_round("print(2 + 2)\n") == "print(2 + 2)\n"
    assert with_half_up_round("x = round(2.5)\n").startswith(HALF_UP_ROUND)
    assert with_half_up_round("import math\nprint(math.floor(2.5))\n").count("def round") == 0


@pytest.mark.parametrize(
    ("reply", "line"),
    [
        ("So he has 5 left.\nAnswer: 42 dollars", "42 dollars"),
        ("...\n**Answer:** $1,200.", "$1,200"),
        ("Thus the final answer is $\\boxed{76}$.", "76"),
        ("The answer is: 12 apples.", "12 apples"),
        ("steps\n#### 76", "76"),
        ("40 + 30 + 2 + 4 = 76\nTherefore, the total is \\(\\boxed{76}\\) gallons.", "76"),
        ("Lena has 42 stickers, then she gives", None),  # cut off before its answer
    ],
)
def test_the_final_answer_of_a_step_by_step_reply(reply: str, line: str | None) -> None:
    from council_core.skills.wordmath.program import answer_line

    assert answer_line(reply) == line
