"""Notation and phrasing people type (issue 18): the answer and the route do not change with
leading instructions, unicode operators, thousands separators or a restatement in words;
named formulas are exact; what math does not understand is declined, never answered wrongly.
"""

from __future__ import annotations

import datetime as dt

import pytest

from council_core.base.errors import BadInput, SkillDeclined
from council_core.skill import Query
from council_core.skills.math import MathSkill
from council_core.skills.math.formulas import days_between


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("What is 8! (8 factorial)?", "40320"),
        ("what is 9 * (8 factorial)", "362880"),
        ("the square root of 144 (square root of 144)", "12"),
        ("what is the square root of 2 to 5 decimal places", "1.41421"),
        ("what is pi to 4 decimal places", "3.1416"),
        ("what is 22/7 rounded to 2 decimal places", "3.14"),
        ("what is 2/3 to three decimal places", "0.667"),
        ("Calculate 2 + 2 and show your work", "4"),
        ("what is 2 + 2? explain your reasoning", "4"),
        ("Quick question: what is 12 × 12?", "144"),
        ("Please compute 1,000 − 250", "750"),
        ("Calculate 3,000 + 1,500 for me please", "4500"),
        ("What is 2 × 3²", "18"),
        ("Solve: x + 5 = 12", "x = 7"),
        ("Using mathematical principles, solve: 2x² - 8x + 6 = 0", "x = 1 or x = 3"),
        ("If x + 3 = 7, what is x?", "x = 4"),
        ("Given that 2y = 10, what is y?", "y = 5"),
        ("x squared when x is 3", "9"),
        ("Quick question: is 97 prime?", "Yes, 97 is prime."),
        # named formulas, exact
        ("Find the perimeter of a rectangle with length 12 and width 8", "40"),
        ("What is the volume of a sphere with radius 3?", "36π ≈ 113.0973355"),
        ("What is the area of a rectangle 5 by 3 meters", "15 m²"),
        ("perimeter of a square with side 5", "20"),
        ("Find the area of a circle whose radius is 7 cm", "49π ≈ 153.93804 cm²"),
        ("What is the area of a circle with a diameter of 10 cm?", "25π ≈ 78.53981634 cm²"),
        ("What is the hypotenuse of a right triangle with legs 3 and 4?", "5"),
        ("volume of a cylinder with radius 2 cm and height 5 cm", "20π ≈ 62.83185307 cm³"),
        # the quantity later in the question, everyday shapes, capacity in litres
        ("whats the area of a circle thats 10 inches across", "25π ≈ 78.53981634 in²"),
        (
            "my tv screen is 48 in wide and 27 in tall, how long is the diagonal",
            "3√337 ≈ 55.07267925 in",
        ),
        (
            "bedroom is 12ft x 15ft with 8 ft ceilings. how many sq ft of wall do i need to paint",
            "432 ft²",
        ),
        (
            "cylinder water tank radius 0.5m, 2m tall - how many liters does it hold?",
            "500π ≈ 1570.796327 L",
        ),
        (
            "dinner was 84.50 and we want to leave a 15% tip. how much is the tip?",
            "$12.68 (15% of $84.50 = $12.675); $97.18 with the tip",
        ),
        ("hw many square inches of pizza do i get with a 14 inch pizza", "49π ≈ 153.93804 in²"),
        (
            "pool is 8m long, 4m wide and 1.5m deep the whole way, how many liters to fill it up",
            "48000 L",
        ),
        (
            "20 foot ladder leaning on the house with the feet 6 ft out from the wall... how high up "
            "the wall does it reach",
            "2√91 ≈ 19.07878403 ft",
        ),
        ("How many days are there between March 3 and April 20?", "48 days"),
        ("how many days from Dec 25, 2025 to Jan 1, 2026", "7 days"),
        (
            "bedroom is 12 ft by 14 ft 6 in, how many sq ft of carpet do i need (no waste)",
            "174 ft²",
        ),
        (
            "How many US gallons does a 36 x 18 x 16 inch aquarium hold when it's filled to the top?",
            "44.8831168831 (3456/77) US gallons",
        ),
        # a fence: all four sides, or three with the open side named
        (
            "need to fence in the backyard, its 40 by 25 ft. how many feet of fencing do i need",
            "130 ft",
        ),
        (
            "my backyard is 40ft x 25ft and the house runs along one of the 40 ft sides. how much "
            "fence do i need for the other 3 sides",
            "90 ft",
        ),
        (
            "fence on three sides of a 40 x 25 ft yard, the house is on one of the short sides, "
            "how many feet",
            "105 ft",
        ),
    ],
)
async def test_answers(ctx, prompt, answer):
    skill = MathSkill(ctx)
    assert skill.score(Query(prompt)) >= skill.threshold
    assert (await skill.answer(Query(prompt))).answer == answer


@pytest.mark.parametrize(
    "prompt",
    [
        "dinner for two was 84.50 and we want to leave a 15% tip. how much is the tip?",
        "If I invest 1000 dollars at 5% interest that is paid every year, how much will I have "
        "after 10 years?",  # neither simple nor compound: not a formula to guess
        "What is the sum of the first 10 prime numbers Tom bought?",
        "Who painted the ceiling of the Sistine Chapel? [1-1]",
        "How often is the P-200 pump serviced?",
        "what is 3 dozen",
        "2 apples + 3 pears",
        "What is 25 percent of 80 and then doubled?",
        "a rectangle has area 50 and length 10 what is its width",
        "my living room is 12 by 20 and has 3 windows, how much carpet do i need",
        "The price is 20 dollars. What is 15% of it?",
        "What is the area of a triangle with sides 3, 4 and 5?",
        "the area of a rectangle with length 12 and width 8 and 3 more",
        "garden is 10 by 6 m, fencing costs $12 a meter, how much will the fence cost",
        "yard is 40 by 25 ft with a 4 ft gate, how many feet of fence",
        "fence on 3 sides of a 40 x 25 ft yard, how many feet",  # which side is open?
    ],
)
async def test_word_problems_it_does_not_understand_are_declined(ctx, prompt):
    with pytest.raises(SkillDeclined):
        await MathSkill(ctx).answer(Query(prompt))


@pytest.mark.parametrize("prompt", ["2**(3+", "sqrt(2", "Solve: 2x^2 - = 0", "x^2 when x is"])
async def test_a_bare_malformed_expression_is_still_a_clear_error(ctx, prompt):
    with pytest.raises(BadInput) as err:
        await MathSkill(ctx).answer(Query(prompt))
    assert err.value.fix


def test_days_between_says_which_year_when_february_is_crossed():
    today = dt.date(2028, 6, 1)  # 2028 is a leap year
    assert days_between("how many days between Jan 5 and March 1", today) == (
        "56 days (counting from January 5, 2028)"
    )
    assert days_between("how many days between March 3 and April 20", today) == "48 days"
    assert days_between("how many days between March 3 and April 20 inclusive", today) == (
        "49 days, counting both March 3 and April 20"
    )
    assert days_between("how many days between Feb 30 and March 3", today) is None
