"""Everyday exact answers (council_core/skills/math/everyday.py): the clock, days until a date
or a holiday, time units, statistics of a list, and "round X to N places", on fixed dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from council_core.skills.math import everyday, holidays, nl

TODAY = dt.date(2026, 12, 2)
NOW = dt.datetime(2026, 12, 2, 2, 5, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("how many days until christmas", "23 days until Christmas (Friday, 25 December 2026)"),
        ("How many days till Xmas?", "23 days until Christmas (Friday, 25 December 2026)"),
        ("how many days until new year", "30 days until New Year's Day (Friday, 1 January 2027)"),
        # passed this year: next year's
        ("how many days until halloween", "333 days until Halloween (Sunday, 31 October 2027)"),
        (
            "how many days until thanksgiving",
            "358 days until Thanksgiving (US) (Thursday, 25 November 2027)",
        ),
        ("how many days until easter", "116 days until Easter (Sunday, 28 March 2027)"),
        (
            "how many weeks until christmas",
            "3 weeks and 2 days until Christmas (Friday, 25 December 2026; 23 days)",
        ),
        ("how many days until March 3rd", "91 days until March 3 (Wednesday, 3 March 2027)"),
        (
            "how many days until 10th of December",
            "8 days until December 10 (Thursday, 10 December 2026)",
        ),
        ("how long until December 2", "December 2 is today (Wednesday, 2 December 2026)"),
        ("how many days until June 1, 2026", "June 1 was 184 days ago (Monday, 1 June 2026)"),
    ],
)
def test_days_until(prompt, expected):
    assert everyday.days_until(prompt, TODAY) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("days till xmas", "23 days until Christmas (Friday, 25 December 2026)"),  # general: 24
        ("countdown to christmas", "23 days until Christmas (Friday, 25 December 2026)"),
        (
            "weeks until easter",
            "16 weeks and 4 days until Easter (Sunday, 28 March 2027; 116 days)",
        ),
    ],
)
def test_days_until_terse(prompt, expected):
    assert everyday.days_until(prompt, TODAY) == expected


def test_easter_dates_known_years():
    assert holidays._easter(2024) == dt.date(2024, 3, 31)
    assert holidays._easter(2025) == dt.date(2025, 4, 20)
    assert holidays._easter(2026) == dt.date(2026, 4, 5)


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (
            "what time is it in Tokyo",
            "11:05 (11:05 am) in Tokyo (Asia/Tokyo, UTC+09:00), Wednesday 2 December",
        ),
        (
            "time in new york",
            "21:05 (9:05 pm) in New York (America/New_York, UTC-05:00), Tuesday 1 December (your date is Wednesday 2 December)",
        ),
        (
            "what's the time in India right now",
            "07:35 (7:35 am) in India (Asia/Kolkata, UTC+05:30), Wednesday 2 December",
        ),
        ("what time is it", "02:05 (UTC, UTC+00:00), Wednesday 2 December 2026"),
        ("what's today's date", "Wednesday, 2 December 2026"),
        ("what day is it today", "Wednesday, 2 December 2026"),
        ("what's the time in UTC", "02:05 (2:05 am) in UTC (UTC, UTC+00:00), Wednesday 2 December"),
        (
            "what time is it in Tokyo at the moment",
            "11:05 (11:05 am) in Tokyo (Asia/Tokyo, UTC+09:00), Wednesday 2 December",
        ),
        ("what time is it in Narnia", None),  # no zone: the question goes on to other skills
        ("what time does the train leave", None),
    ],
)
def test_clock(prompt, expected):
    assert everyday.clock(prompt, NOW) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("how many seconds in a week", "604800 seconds"),
        ("how many minutes are in 3.5 hours", "210 minutes"),
        ("how many hours in a fortnight", "336 hours"),
        ("how many weeks in 10 days", "10/7 ≈ 1.42857142857 weeks"),
        ("how many seconds in a year", None),  # 365 or 365.25 days: not this table's to say
    ],
)
def test_time_units(prompt, expected):
    assert everyday.time_units(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("average of 12, 15 and 21", "16 (the sum 48 divided by 3 numbers)"),
        ("the mean of 1, 2", "3/2 = 1.5 (the sum 3 divided by 2 numbers)"),
        ("median of 3, 1, 4, 1, 5", "3 (the middle one of the 5 numbers in order)"),
        ("median of 4 1 3 2", "5/2 = 2.5 (halfway between 2 and 3 of the 4 numbers in order)"),
        ("sum of 1,000, 2,500 and 3", "3503"),
        ("product of 2, 3 and 4", "24"),
        ("largest of -5, 2.5 and 1", "5/2 = 2.5"),
        ("range of 7, 2, 9", "7 (from 2 to 9)"),
        ("average of the three numbers", None),
        ("sum of 5", None),  # one number is no list
    ],
)
def test_statistics(prompt, expected):
    assert everyday.statistics(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "text", "places"),
    [
        ("round 3.14159 to 2 decimals", "3.14159", 2),  # answered 3.00 (round() then 2 places)
        ("round 2.5", "2.5", 0),  # halves up, as "to N decimal places" rounds
        ("round 7.46 to the nearest whole number", "7.46", 0),
    ],
)
def test_round_the_verb_keeps_the_places(prompt, text, places):
    task = nl.interpret(prompt)
    assert task.text == text and task.extra["places"] == places


def test_round_the_function_is_unchanged():
    task = nl.interpret("round(2.5)")
    assert task.expr[0] == "call" and "places" not in task.extra


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("is 2027 a leap year", "No: 2027 is not a leap year (not divisible by 4)"),
        ("was 1900 a leap year", "No: 1900 is not a leap year (divisible by 100 but not by 400)"),
        ("is 2000 a leap year", "Yes: 2000 is a leap year (divisible by 400)"),
        ("will 2028 be a leap year", "Yes: 2028 is a leap year (divisible by 4, not by 100)"),
    ],
)
def test_leap_year(prompt, expected):
    assert everyday.leap_year(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("what day of the week was July 4 1976", "Sunday (4 July 1976)"),
        ("what day was 4th of July, 1976", "Sunday (4 July 1976)"),
        ("which day of the week is 2026-12-25", "Friday (25 December 2026)"),
        ("what day of the week was February 30 2020", None),  # no such date
        ("what day of the week will Christmas be", None),
    ],
)
def test_weekday(prompt, expected):
    assert everyday.weekday(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("tip of 18% on $62.40", "$11.23 (18% of $62.40 = $11.232); $73.63 with the tip"),
        ("15% tip on a 84.50 bill", "$12.68 (15% of $84.50 = $12.675); $97.18 with the tip"),
        ("20% tip on €45", "€9.00 (20% of €45.00); €54.00 with the tip"),
        (
            "a 10% tip for a 1,250 dollar dinner",
            "$125.00 (10% of $1,250.00); $1,375.00 with the tip",
        ),
        ("15% tip on a bill for four people", None),
    ],
)
def test_tip(prompt, expected):
    assert everyday.tip(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        # the general model: "24 days"
        (
            "how many days between christmas and new year",
            "7 days (from Christmas, Friday 25 December 2026, to New Year's Day, Friday 1 January 2027)",
        ),
        (
            "how many days from halloween to christmas",
            "55 days (from Halloween, Sunday 31 October 2027, to Christmas, Saturday 25 December 2027)",
        ),
        ("how many days between March 3 and April 20", None),  # formulas.days_between's
    ],
)
def test_days_between_holidays(prompt, expected):
    assert everyday.days_between_holidays(prompt, TODAY) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        # from a new user's batch: the word-problem skill wrote programs for these (47 s, 25 s)
        ("convert 5 miles to km", "5 mi = 8.04672 km"),
        ("convert 100 fahrenheit to celsius", "100°F ≈ 37.7778°C (exactly 340/9)"),
        ("how many ounces in a pound", "1 lb = 16 oz"),
        ("how many grams in one pound", "1 lb = 453.59237 g"),
        ("how many km is 5 miles", "5 mi = 8.04672 km"),
        ("72 degrees fahrenheit in celsius", "72°F ≈ 22.2222°C (exactly 200/9)"),
        ("-40 c to f", "-40°C = -40°F"),
        ("300 K to C", "300 K = 26.85°C"),
        ("convert 100 km/h to mph", "100 km/h ≈ 62.1371 mph"),
        ("how many cups in a gallon", "1 gal = 16 cups (US measures)"),
        ("how many MiB in a GiB", "1 GiB = 1,024 MiB"),
        ("2 acres in square meters", "2 acres = 8,093.7128448 m²"),
        ("how many square feet in an acre", "1 acre = 43,560 ft²"),  # "an acre", not "a" + "n acre"
        ("convert 90 minutes to hours", "90 min = 1.5 h"),
        ("what's 5k in miles", "5 km ≈ 3.10686 mi"),  # a runner's 5k, not 5 kelvin
        ("300 k in c", "300 K = 26.85°C"),
        ("convert 100 pounds to dollars", None),  # not a unit it knows: another skill's
        ("5 apples to oranges", None),
        ("convert 5 kg to km", None),  # different kinds
    ],
)
def test_unit_conversions(prompt, expected):
    from council_core.skills.math import units

    assert units.convert(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        # a new user's: both programs computed speed ("11.11 km per minute", 0.35)
        (
            "I ran 5 km in 27 minutes. what was my pace per km?",
            "5:24 per km (27 min over 5 km; 11.11 km/h)",
        ),
        ("I ran 10k in 52:30, what is my pace", "5:15 per km (52.5 min over 10 k; 11.43 km/h)"),
        (
            "ran 3.1 miles in 28 minutes and 15 seconds. pace per mile?",
            "9:07 per mile (28.25 min over 3.1 miles; 6.58 mph)",
        ),
        (
            "I ran 5 km in 27 minutes. what was my pace per mile?",
            "8:41 per mile (27 min over 5 km; 6.90 mph)",
        ),
        (
            "I ran a half marathon (21.1 km) in 1:55:00. what was my pace?",
            "5:27 per km (115 min over 21.1 km; 11.01 km/h)",
        ),
        ("what pace is a marathon in 4 hours", None),  # no distance given: not this one's
        ("I ran 5 km in 27 minutes", None),  # no pace asked
        ("John runs 3 miles in 30 minutes at a steady pace. How far does he run in 2 hours?", None),
    ],
)
def test_pace(prompt, expected):
    assert everyday.pace(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (
            "3pm London time in New York",
            "10:00 (10:00 am) in New York (America/New_York, UTC-05:00) when it is 15:00 in London "
            "(Europe/London, UTC+00:00); offsets as of Wednesday 2 December",
        ),
        (
            "convert 7am Sydney time to UTC",
            "20:00 (8:00 pm) the day before in UTC (UTC, UTC+00:00) when it is 07:00 in Sydney "
            "(Australia/Sydney, UTC+11:00); offsets as of Wednesday 2 December",
        ),
        (
            "What time is it in Tokyo when it is 3pm in London?",
            "00:00 (12:00 am) the next day in Tokyo (Asia/Tokyo, UTC+09:00) when it is 15:00 in London "
            "(Europe/London, UTC+00:00); offsets as of Wednesday 2 December",
        ),
        # typed by a new user from a fresh clone: no apostrophe, "LA" (the general model: 12 AM)
        (
            "if its 6pm in london what time is it in LA",
            "10:00 (10:00 am) in LA (America/Los_Angeles, UTC-08:00) when it is 18:00 in London "
            "(Europe/London, UTC+00:00); offsets as of Wednesday 2 December",
        ),
        ("3pm in Narnia to London", None),
        ("13pm London time in Paris", None),
        ("what time is it in Tokyo", None),  # the clock's
    ],
)
def test_zone_time(prompt, expected):
    assert everyday.zone_time(prompt, NOW) == expected


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("5 feet 10 inches in cm", "5 ft 10 in = 177.8 cm"),
        ("convert 6'2\" to meters", "6 ft 2 in = 1.8796 m"),
        ("1 hour 45 minutes in minutes", "1 h 45 min = 105 min"),
        ("2 hours and 30 minutes to hours", "2 h 30 min = 2.5 h"),
        ("3 apples 2 pears to kg", None),
        ("5 kg 3 m to cm", None),  # two kinds
    ],
)
def test_compound_units(prompt, expected):
    from council_core.skills.math import units

    assert units.compound(prompt) == expected
