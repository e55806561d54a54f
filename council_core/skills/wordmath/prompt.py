"""The few-shot prompt that has the coder model write a short program for a word problem.

The system prompt and the examples never change, so llama.cpp reads them once and keeps their
KV state (council_core/llm/llamacpp.py saves prefix states): each question then costs only its
own tokens and the program's. The examples were written for this project (none is from GSM8K
or another public set); their programs were run and print what the answer field says.
"""

from __future__ import annotations

from council_core.llm.base import Message

SYSTEM_PROMPT = (
    "You solve quantitative questions by writing a short Python program. Use only the "
    "standard library (math, fractions, decimal, datetime, zoneinfo). Read every number in "
    "the question, name a variable after each quantity, and compute step by step. The "
    "program prints one line: the final answer, the number first, then its unit if it has "
    "one. Round only at the end, and only if the question asks for it or it is money. "
    "Reply with only the program in one ```python block."
)

# (question, program, what the program prints). Written for this prompt; run to check.
EXAMPLES: list[tuple[str, str, str]] = [
    (
        "Lena has 3 times as many stickers as Omar, who has 14. Lena gives 9 stickers to "
        "her sister and then buys 2 packs of 5. How many stickers does Lena have now?",
        "omar = 14\n"
        "lena = 3 * omar\n"
        "lena = lena - 9\n"
        "lena = lena + 2 * 5\n"
        "print(lena, 'stickers')\n",
        "43 stickers",
    ),
    (
        "A jacket costs $80 and is 25% off. Sales tax of 8% is added to the sale price. "
        "How much does Maria pay?",
        "price = 80\n"
        "sale_price = price * (1 - 25 / 100)\n"
        "total = sale_price * (1 + 8 / 100)\n"
        "print(round(total, 2), 'dollars')\n",
        "64.8 dollars",
    ),
    (
        "A printer prints 15 pages per minute. Tom prints 4 reports of 45 pages each and 3 "
        "letters of 2 pages each. How many minutes does the printer need?",
        "pages = 4 * 45 + 3 * 2\n"
        "pages_per_minute = 15\n"
        "minutes = pages / pages_per_minute\n"
        "print(minutes, 'minutes')\n",
        "12.4 minutes",
    ),
    (
        "How many days are there between March 3 and April 20?",
        "from datetime import date\n"
        "year = date.today().year\n"
        "days = (date(year, 4, 20) - date(year, 3, 3)).days\n"
        "print(days, 'days')\n",
        "48 days",
    ),
    (
        "What is the square root of the sum of the first 6 prime numbers, to 3 decimal places?",
        "import math\n"
        "primes = []\n"
        "n = 2\n"
        "while len(primes) < 6:\n"
        "    if all(n % p for p in primes):\n"
        "        primes.append(n)\n"
        "    n += 1\n"
        "print(f'{math.sqrt(sum(primes)):.3f}')\n",
        "6.403",
    ),
    (
        "A call starts at 9:30 am in New York on July 1, 2025. What time is it then in Tokyo?",
        "from datetime import datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "start = datetime(2025, 7, 1, 9, 30, tzinfo=ZoneInfo('America/New_York'))\n"
        "tokyo = start.astimezone(ZoneInfo('Asia/Tokyo'))\n"
        "print(tokyo.strftime('%I:%M %p on %B %d, %Y'))\n",
        "10:30 PM on July 01, 2025",
    ),
]


def fence(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def prefix() -> list[Message]:
    """The fixed part of every prompt: the system prompt and the worked examples."""
    messages = [Message("system", SYSTEM_PROMPT)]
    for question, code, _printed in EXAMPLES:
        messages.append(Message("user", question))
        messages.append(Message("assistant", fence(code)))
    return messages


def messages_for(question: str) -> list[Message]:
    return [*prefix(), Message("user", question.strip())]


def repair_message(code: str, error: str) -> list[Message]:
    """Turns that ask for a corrected program after a failed run."""
    return [
        Message("assistant", fence(code)),
        Message(
            "user",
            f"Running it failed:\n{error.strip()[-800:]}\nReply with the whole corrected "
            "program in one ```python block.",
        ),
    ]
