"""Household arithmetic (council_core/skills/math/household.py): every number has its role,
or the reader leaves the question to the next skill."""

import pytest

from council_core.skills.math import nl


@pytest.mark.parametrize(
    ("prompt", "starts"),
    [
        ("i have 250 books and each box holds 12, how many boxes do i need", "21 boxes (250 ÷ 12"),
        ("87 students going on a trip, each bus holds 30, how many buses", "3 buses"),
        (
            "how long to download a 4.5 GB file at 50 Mbps",
            "12 minutes (4.5 GB × 8 = 36,000 megabits",
        ),
        ("how long to download 2 GB at 25 MB/s", "1 minute 20 seconds"),
        (
            "a 1500 watt heater runs 6 hours a day, electricity is 15 cents per kWh, how much does "
            "it cost a month",
            "$40.50 a month (1.5 kW × 6 h × 30 days",
        ),
        ("whats my bmi if im 180 lbs and 5 ft 10", "25.8 (81.65 kg"),
        ("what is the bmi of someone who is 70 kg and 175 cm", "22.9"),
        ("dose is 10 mg per kg, my kid weighs 44 lbs, how many mg", "199.58 mg"),
        ("if 1 usd is 0.92 euros how many euros is $250", "230 EUR (250 × 0.92"),
        ("1 euro = 1.08 dollars, how many euros do i get for $540", "500 EUR (540 ÷ 1.08"),
        ("i spent $450 of my $1,800 budget, what percent is that", "25% (450 of 1,800)"),
        ("my goal is 10,000 steps and i walked 7,350, what percent of my goal", "73.5%"),
        ("shoes cost $120 and i wore them 80 times, whats the cost per wear", "$1.50 per wear"),
        ("i burn about 10 calories a minute running, how many in 45 minutes", "450 calories"),
        (
            "went to bed at 11:30pm and woke up at 6:45am, how much sleep did i get",
            "7 hours 15 minutes",
        ),
        # seen in the everyday10 run
        (
            "field trip for 212 students plus fourteen chaperones. each bus seats 52 people. how "
            "many buses do we need to book",
            "5 buses (212 + 14 = 226 ÷ 52",
        ),
        ("Packing up 137 books, and each box fits 24 -- how many boxes do I need?", "6 boxes"),
        (
            "My take-home pay is $4,600 a month and rent is $1,380. What percent of my budget goes "
            "to rent?",
            "30% ($1,380 of $4,600)",
        ),
        (
            "i make $3,000 a month and spend $450 on groceries, what percent of my income is spent "
            "on groceries",
            "15%",
        ),
        ("rolling 2 six sided dice, probability the total is 8?", "5/36 (≈13.89%)"),
        (
            "pizza place lets u pick any 3 different toppings out of ten. how many combos are possible",
            "120 (C(10, 3)",
        ),
        (
            "recipe from a uk site says bake at 220C, what do i set my oven to in fahrenheit",
            "220°C = 428°F",
        ),
        ("three quarters of a cup of sugar = how many tbsp", "3/4 cup = 12 tbsp"),
        ("swim pace is 2:05 per 100m. how long for a 1500m swim", "31:15 (31 min 15 s"),
        (
            "cycling burns roughly 11 cal a min for me. how many mins to burn five hundred cals",
            "≈45.45 minutes",
        ),
        ("i read 250 words a minute, how long to read 12000 words", "48 minutes"),
        (
            "Office space is listed at $28 per square foot per year. For 1,250 sq ft, what's the "
            "monthly rent?",
            "$2,916.67 a month",
        ),
        (
            "cost me $40 to make each one. what price do i sell at to get a 35% profit margin "
            "(margin on selling price, not markup)",
            "$61.54 (a 35% margin",
        ),
        (
            "Have 350 euros left over from my trip. If 1 EUR = 1.08 USD, how many dollars is that?",
            "378 USD",
        ),
        (
            "ok so dinner came to $186.40 before tip, we want to leave 18% and split it evenly 4 "
            "ways. how much does each person owe?",
            "$54.99 each",
        ),
        ("my pace is 9:30 per mile, how long will a 10k take", "≈59:02"),
        ("whats my bmi im 5'7 and 150 lbs", "23.5"),
        (
            "downloading a 4.5 GB game on a 50 Mbps connection, roughly how long will it take",
            "12 minutes",
        ),
    ],
)
def test_household_readings(prompt, starts):
    task = nl.interpret(prompt)
    assert task.kind == "answer", task
    assert task.text.startswith(starts), task.text


@pytest.mark.parametrize(
    "prompt",
    [
        "each box holds 12 and i have 250 books and 3 shelves, how many boxes",
        "how many boxes of cereal should i buy for 4 kids",
        "is 50 Mbps fast enough to download games",
        "a 1500 watt heater, is that a lot",
        "my bmi is 27, is that bad",
        "the dose is 10 mg per kg, is that safe for a 44 lb kid with 2 allergies",
        "1 usd is 0.92 euros today, is that a good rate",
        "i spent $450 of my $1,800 budget on 3 things, what percent is that",
        "cost $40, is a 35% margin or a 35% markup better",
        "what margin and markup do i get selling a $40 item at 35% profit",
    ],
)
def test_household_look_alikes_are_not_read(prompt):
    from council_core.base.errors import BadInput

    try:
        task = nl.interpret(prompt)
    except BadInput:
        return
    assert task.kind != "answer", task
