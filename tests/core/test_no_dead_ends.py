"""No dead ends (issue 18): prompts the way people type them, through the real cascade.

Every prompt listed in issue 18, and more written before the routing was tuned, with the skill
expected to answer it. "general" means every specialist declined (or was unsure) and the
cascade reached the general model; "wordmath" means a quantitative question in words reached
the program-aided word-problem skill. Both use the LLM, so here they are stand-ins that only
record that they were reached (wordmath keeps its real routing), and the table runs in
seconds. The other specialists are the real ones (SymPy, Prolog, SQLite, the sandbox).
"""

from __future__ import annotations

import pytest

from council_core.base.result import SkillAnswer
from council_core.registry import skill_classes
from council_core.router import Council
from council_core.skill import Emit, Query, Skill, _drop

REACHED = "(reached the general model)"


class ReachedGeneral(Skill):
    """The last resort of the cascade, without a model: says it was reached."""

    name = "general"
    is_fallback = True
    threshold = 0.0

    def score(self, query: Query) -> float:
        return 0.1

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        return SkillAnswer(REACHED, confidence=0.9)


# (prompt, the skill that answers, substrings the answer must hold)
ISSUE = [
    ("how much is 15% tip on a 84.50 bill", "math", ["$12.68", "12.675"]),
    ("whats 15% tip on a 84.50 bill", "math", ["$12.68"]),
    (
        "If I invest 1000 dollars at 5% interest compounded yearly, how much will I have "
        "after 10 years?",
        "math",
        ["$1,628.89"],
    ),
    ("what is the square root of 2 to 5 decimal places", "math", ["1.41421"]),
    ("Calculate 2 + 2 and show your work", "math", ["4"]),
    ("Solve: 2x² - 8x + 6 = 0", "math", ["1", "3"]),
    ("Step by step: Calculate the integral of 2x dx from 0 to 3", "math", ["9"]),
    (
        "Work through this problem: Find the derivative of f(x) = x³ + 2x² - 5x",
        "math",
        ["3x²", "4x", "5"],
    ),
    ("Using mathematical principles, solve: 2x² - 8x + 6 = 0", "math", ["1", "3"]),
    ("What is the sum of the first 10 prime numbers?", "math", ["129"]),
    ("How often is the P-200 pump serviced?", "general", []),  # no documents ingested here
    ("Who painted the ceiling of the Sistine Chapel? [1-1]", "general", []),
    ("What is 8! (8 factorial)?", "math", ["40320"]),
    ("How many days are there between March 3 and April 20?", "math", ["48 days"]),
    ("Find the perimeter of a rectangle with length 12 and width 8", "math", ["40"]),
    ("What is the volume of a sphere with radius 3?", "math", ["36π", "113.09"]),
    ("My name is Dana and my cat is called Pixel.", "conversation", ["Dana", "Pixel"]),
    ("I keep my bike in the garage on Wren Street.", "conversation", ["Wren Street"]),
    ("hi! what can you do?", "conversation", ["math"]),
    ("help", "conversation", ["math"]),
]

OURS = [
    # math: notation and leading instructions change neither the answer nor the route
    ("8!", "math", ["40320"]),
    ("Quick question: what is 12 × 12?", "math", ["144"]),
    ("Please compute 1,000 − 250", "math", ["750"]),
    ("144 ÷ 12", "math", ["12"]),
    ("What is 3,500 * 2?", "math", ["7000"]),
    ("x³ when x = 2", "math", ["8"]),
    ("Calculate 15% of 84.50", "math", ["12.675"]),
    ("Quick question: what's 7 factorial?", "math", ["5040"]),
    ("Please solve x^2 = 49", "math", ["7"]),
    ("Step by step: what is 2x² when x = 3?", "math", ["18"]),
    ("the cube root of 27 to 3 decimal places", "math", ["3"]),
    ("I need to calculate 15% of 80", "math", ["12"]),
    # word problems the math parser does not understand: declined, never an error
    ("I have 3 apples and eat one. How many are left?", "wordmath", []),
    ("A train travels 60 miles in 1.5 hours. What is its average speed?", "math", ["40 mph"]),
    ("What is the area of a circle with a diameter of 10 cm?", "math", ["25π", "78.5", "cm²"]),
    ("How many minutes are in 3.5 hours?", "math", ["210 minutes"]),
    ("What is 20% off a $45 shirt plus 8% sales tax?", "math", ["$38.88"]),
    # money: interest, loans, bills, savings (money.py); stories with more in them go on
    ("monthly payment on a 250k mortgage at 6.5% for 30 years", "math", ["$1,580.17"]),
    ("if i save $40 a week how many weeks til i have 1000 bucks", "math", ["25 weeks"]),
    ("me and 3 friends split a $96 bill", "math", ["$24.00 each"]),
    ("went from 80 to 100, what % increase", "math", ["25% increase"]),
    (
        "Janet buys 3 shirts at $20 each and gets a 10% discount. How much does she pay?",
        "wordmath",
        [],
    ),
    ("should I pay off my mortgage early", "general", []),
    # logic
    ("All men are mortal. Socrates is a man. Is Socrates mortal?", "logic", ["Yes"]),
    ("If today is Monday, what day is it in 10 days?", "logic", ["Thursday"]),
    ("Step by step: All cats are animals. Tom is a cat. Is Tom an animal?", "logic", ["Yes"]),
    # general knowledge and chat
    ("What is the capital of France?", "general", []),
    ("Explain photosynthesis in one sentence", "general", []),
    ("Please tell me a joke about cats", "general", []),
    ("What is the meaning of life?", "general", []),
    ("What year did the Berlin Wall fall?", "general", []),
    ("What's the difference between a list and a tuple in Python?", "general", []),
    ("Translate 'good morning' into Spanish", "general", []),
    ("What does HTTP stand for?", "general", []),
    ("Quick question: who wrote Pride and Prejudice?", "general", []),
    # conversation: statements are acknowledged and remembered; help comes from real state
    ("I'm allergic to peanuts.", "conversation", ["peanuts"]),
    ("My favorite color is green.", "conversation", ["green"]),
    ("What can you do?", "conversation", ["math"]),
    ("remember that my locker code is 4312", "conversation", ["4312"]),
    # system
    ("how much disk space is free?", "files", ["Disk space"]),
]


# Written after the tuning and run once untouched: 21 of 22 as expected (the miss, "hello,
# what can you help me with?", reached the general model; cues.py now knows it).
HELDOUT = [
    ("Please calculate 45 × 3", "math", ["135"]),
    ("Quick question: what's 2^10?", "math", ["1024"]),
    ("Step by step: solve 3x + 2 = 11", "math", ["x = 3"]),
    ("What is 7! (7 factorial)?", "math", ["5040"]),
    ("what is the cube root of 10 to 3 decimal places", "math", ["2.154"]),
    ("Find the area of a square with side 9", "math", ["81"]),
    ("What's the circumference of a circle with diameter 4?", "math", ["4π"]),
    ("how many days between June 1 and July 4", "math", ["33 days"]),
    ("Work through this problem: differentiate x^4 - 3x", "math", ["4x³ - 3"]),
    ("Using mathematical principles, what is 15% of 60?", "math", ["9"]),
    ("How much would 3 coffees at $4.50 each cost?", "wordmath", []),
    (
        "If a recipe needs 2 cups of flour for 12 cookies, how much flour for 30 cookies?",
        "math",
        ["5 cups"],
    ),
    ("Who discovered penicillin?", "general", []),
    ("What is the tallest mountain in Africa?", "general", []),
    ("My dog is named Rex.", "conversation", ["Rex"]),
    ("I work as a nurse at the city hospital.", "conversation", ["nurse"]),
    ("hello, what can you help me with?", "conversation", ["math"]),
    ("Some birds are penguins. All penguins are birds. Are all birds penguins?", "logic", []),
    ("What is 1,250 + 3,750?", "math", ["5000"]),
    ("Calculate 2 ÷ 8 and explain your answer", "math", ["1/4"]),
    ("What is −3 × −4?", "math", ["12"]),
    ("How many hours are in 2 weeks?", "math", ["336 hours"]),
]

# A new user's session on 2026-12-02 (README's commands, `council batch`): the general model
# answered these from memory, wrong ("12 days" to Christmas, 19 as the average, 1689600 seconds
# in a week, no time for Tokyo) or math answered "round 3.14159 to 2 decimals" with 3.00. The
# answers come from the clock and exact arithmetic now (council_core/skills/math/everyday.py).
USER_SESSION = [
    ("how many days until christmas?", "math", ["until Christmas", "25 December"]),
    ("what time is it in Tokyo right now", "math", ["Asia/Tokyo", "UTC+09:00"]),
    ("average of 12, 15 and 21", "math", ["16"]),
    ("how many seconds in a week", "math", ["604800 seconds"]),
    ("round 3.14159 to 2 decimals", "math", ["3.14"]),
    ("what's today's date?", "math", []),
    ("what is the median of 3, 1, 4, 1, 5?", "math", ["3 ("]),
    ("What time is it in Narnia?", "general", []),  # no such zone: not a dead end
    ("how many days until my birthday?", "general", []),
    ("is 2027 a leap year", "math", ["No"]),  # the general model: "Yes" at 0.95
    ("tip of 18% on $62.40", "math", ["$11.23"]),  # the general model: $11.76
    ("what day of the week was July 4 1976", "math", ["Sunday"]),
    ("days till xmas?", "math", ["until Christmas"]),  # the general model: "24 days"
    ("how many days between christmas and new year", "math", ["7 days"]),  # general: 24
    ("convert 5 miles to km", "math", ["8.04672 km"]),  # was a model-written program, 47 s
    ("convert 100 fahrenheit to celsius", "math", ["37.7778"]),  # was 25 s
    ("I ran 5 km in 27 minutes. what was my pace per km?", "math", ["5:24 per km"]),
]

# A user's propositional questions (2026-12-02): the general model answered the first "Yes" at
# 0.95 with a wrong reason ("p -> q" is "not q or p"). Checked on the truth table now.
PROPOSITIONAL = [
    ("is (p -> q) equivalent to (not q -> not p)?", "logic", ["Yes", "4 rows"]),
    ("Is p -> q the same as q -> p?", "logic", ["No", "p = T, q = F"]),
    ("truth table for p xor q", "logic", ["| p | q | p ⊕ q |"]),
    ("Step by step: is (p and q) -> p a tautology?", "logic", ["Yes"]),
    ("simplify (p and q) or (p and not q)", "logic", ["simplifies to p"]),
    ("simplify (x + 1)*(x - 1)", "math", ["x² - 1"]),
    ("Is the sky blue and the grass green?", "general", []),
]

# The same user's number questions: these reached the general model (or the word-problem
# skill: "convert 1010 binary to decimal") and are exact facts now (math/numbers.py).
NUMBERS = [
    ("convert 255 to binary", "math", ["11111111"]),
    ("0xff in decimal", "math", ["255"]),
    ("convert 1010 binary to decimal", "math", ["10 (binary 1010"]),
    ("sqrt(2) to 30 digits", "math", ["1.41421356237309504880168872421"]),
    ("what is 2024 in roman numerals", "math", ["MMXXIV"]),
    ("what's the next prime after 100", "math", ["101"]),
    ("cube of 7", "math", ["343"]),
]


def _reached_wordmath() -> type[Skill]:
    """The word-problem skill with its real routing, answering without a model."""
    from council_core.skills.wordmath import WordMathSkill

    class ReachedWordMath(WordMathSkill):
        async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
            return SkillAnswer("(reached the word-problem skill)", confidence=0.9)

    return ReachedWordMath


@pytest.fixture
async def council(ctx):
    from council_core.skills.conversation import ConversationSkill

    classes = dict(skill_classes())
    classes["conversation"] = ConversationSkill
    classes["general"] = ReachedGeneral
    classes["wordmath"] = _reached_wordmath()  # it writes programs with the local model
    classes.pop("tools", None)  # no MCP servers are configured here
    c = Council(ctx, skills=classes, hooks=[])
    yield c
    await c.aclose()


@pytest.mark.parametrize(
    ("prompt", "skill", "contains"), ISSUE + OURS + HELDOUT + USER_SESSION + PROPOSITIONAL + NUMBERS
)
async def test_prompt_reaches_the_right_skill(council, prompt, skill, contains):
    r = await council.ask(prompt)
    assert r.error is None, f"{prompt!r} ended in an error: {r.error}"
    assert r.skill == skill, f"{prompt!r} answered by {r.skill}: {r.answer!r}"
    for part in contains:
        assert part in r.answer, f"{prompt!r}: {part!r} not in {r.answer!r}"


@pytest.mark.parametrize(
    "prompt", ["2**(3+", "1/0", "sqrt(2", "((1+2)*3"], ids=["open", "zero", "sqrt", "brackets"]
)
async def test_a_bare_malformed_expression_is_a_clear_math_error(council, prompt):
    r = await council.ask(prompt)
    assert r.error is not None and r.error.kind == "bad_input", (r.skill, r.answer)
    assert r.error.fix
